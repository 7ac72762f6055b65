//! A mock Supabase project that answers like the conformance recorder
//! (`conformance/README.md`, "Recorder"), with per-case `responses` overrides.

use crate::MockServer;
use serde_json::{Value, json};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// The fixed bodies the recorder answered with (user, sessions, generate_link, sso), taken
/// from the goldens' recorded results.
pub fn recorder_bodies() -> Value {
    let text = include_str!("../conformance/recorder_bodies.json");
    serde_json::from_str(text).expect("recorder_bodies.json is valid JSON")
}

/// Starts a mock project answering as the recorder did; `overrides` is a case's `responses`
/// list (first match wins, before the table).
pub async fn start_recorder(overrides: &[Value]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(recorder(overrides))
        .mount(&server)
        .await;
    server
}

/// The answer table as a responder, for a server of your own (for example an unpooled
/// `MockServer::builder().start()`); `overrides` is a case's `responses` list.
pub fn recorder(overrides: &[Value]) -> Recorder {
    Recorder {
        overrides: overrides.to_vec(),
        bodies: recorder_bodies(),
    }
}

/// The answer table as a wiremock responder.
pub struct Recorder {
    overrides: Vec<Value>,
    bodies: Value,
}

impl Respond for Recorder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let method = request.method.as_str();
        for o in &self.overrides {
            let m = o.get("method").and_then(Value::as_str);
            let p = o.get("path").and_then(Value::as_str);
            let prefix = o.get("path_prefix").and_then(Value::as_str);
            if m.is_some_and(|m| !m.eq_ignore_ascii_case(method))
                || p.is_some_and(|p| p != path)
                || prefix.is_some_and(|pre| !path.starts_with(pre))
            {
                continue;
            }
            let status = o.get("status").and_then(Value::as_u64).unwrap_or(200) as u16;
            let mut t = ResponseTemplate::new(status);
            if let Some(h) = o.get("headers").and_then(Value::as_object) {
                for (k, v) in h {
                    t = t.insert_header(k.as_str(), v.as_str().unwrap_or_default());
                }
            }
            if let Some(b64) = o.get("body_base64").and_then(Value::as_str) {
                use base64::Engine;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .expect("body_base64 is base64");
                let ct = o["headers"]["content-type"]
                    .as_str()
                    .unwrap_or("application/octet-stream");
                t = t.set_body_raw(bytes, ct);
            }
            t = match o.get("body") {
                None | Some(Value::Null) => t,
                Some(Value::String(s)) => t.set_body_string(s.clone()),
                Some(v) => t.set_body_json(v.clone()),
            };
            if path.starts_with("/auth/v1/") {
                t = t.insert_header("x-supabase-api-version", "2024-01-01");
            }
            return t;
        }
        if let Some(rest) = path.strip_prefix("/rest/v1") {
            return self.rest(request, method, rest);
        }
        if let Some(rest) = path.strip_prefix("/auth/v1") {
            return self
                .auth(request, method, rest)
                .insert_header("x-supabase-api-version", "2024-01-01");
        }
        // README "Recorder": the Realtime broadcast endpoints answer 202 without a body.
        if method == "POST" && path.starts_with("/realtime/v1/api/broadcast") {
            return ResponseTemplate::new(202);
        }
        if path.starts_with("/functions/v1/") {
            return ResponseTemplate::new(200).set_body_json(json!({"ok": true, "method": method}));
        }
        if path.starts_with("/storage/v1/") {
            if (method == "GET" && path == "/storage/v1/bucket")
                || (method == "POST" && path.starts_with("/storage/v1/object/list/"))
            {
                return ResponseTemplate::new(200).set_body_json(json!([]));
            }
            return ResponseTemplate::new(200).set_body_json(json!({}));
        }
        ResponseTemplate::new(404).set_body_json(json!({"message": "not recorded"}))
    }
}

fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

impl Recorder {
    fn rest(&self, request: &Request, method: &str, rest: &str) -> ResponseTemplate {
        let prefer = header(request, "prefer");
        let accept = header(request, "accept");
        let wants_count = prefer.contains("count=");
        let representation = prefer.contains("return=representation");
        let read_body = |status: u16| -> ResponseTemplate {
            let t = ResponseTemplate::new(status);
            if accept.starts_with("application/vnd.pgrst.plan") {
                if accept.contains("+json") {
                    t.set_body_raw(
                        r#"[{"Plan":{"Node Type":"Seq Scan","Relation Name":"todos"}}]"#,
                        "application/json",
                    )
                } else {
                    t.set_body_raw(
                        "Seq Scan on todos  (cost=0.00..1.01 rows=1 width=4)",
                        "text/plain",
                    )
                }
            } else if accept.starts_with("application/vnd.pgrst.object+json") {
                t.set_body_raw(r#"{"id":1}"#, "application/vnd.pgrst.object+json")
            } else if accept.starts_with("text/csv") {
                t.set_body_raw("id\n1", "text/csv")
            } else if accept.starts_with("application/geo+json") {
                t.set_body_raw(
                    r#"{"type":"FeatureCollection","features":[]}"#,
                    "application/geo+json",
                )
            } else {
                t.set_body_raw(r#"[{"id":1}]"#, "application/json")
            }
        };
        let range = if wants_count { "0-0/1" } else { "0-0/*" };
        match method {
            "GET" | "HEAD" if rest == "/" || rest.is_empty() => ResponseTemplate::new(200)
                .set_body_json(
                    json!({"swagger": "2.0", "info": {"title": "recorder"}, "paths": {}}),
                ),
            "GET" | "HEAD" => read_body(200).insert_header("content-range", range),
            "POST" if rest.starts_with("/rpc/") => {
                if prefer.contains("return=minimal") {
                    ResponseTemplate::new(204)
                } else {
                    read_body(200).insert_header("content-range", range)
                }
            }
            "POST" => {
                let t = if representation {
                    read_body(201)
                } else {
                    ResponseTemplate::new(201)
                };
                t.insert_header("content-range", if wants_count { "*/1" } else { "*/*" })
            }
            "PATCH" | "DELETE" => {
                if representation {
                    read_body(200).insert_header("content-range", range)
                } else {
                    ResponseTemplate::new(204)
                }
            }
            _ => ResponseTemplate::new(405),
        }
    }

    fn auth(&self, request: &Request, method: &str, rest: &str) -> ResponseTemplate {
        let b = &self.bodies;
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let grant = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.into_owned());
        let with_phone = |mut session: Value| -> Value {
            if let Some(phone) = body
                .get("phone")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
            {
                session["user"]["phone"] = json!(phone);
            }
            session
        };
        let ok = |v: Value| ResponseTemplate::new(200).set_body_json(v);
        match (method, rest) {
            ("POST", "/token") => {
                if grant.as_deref() == Some("refresh_token") {
                    ok(b["refreshed_session"].clone())
                } else {
                    ok(with_phone(b["session"].clone()))
                }
            }
            ("POST", "/signup") => {
                let has_email = body.get("email").is_some_and(|v| !v.is_null());
                let has_phone = body.get("phone").is_some_and(|v| !v.is_null());
                if has_email || has_phone {
                    ok(with_phone(b["session"].clone()))
                } else {
                    ok(b["anon_session"].clone())
                }
            }
            ("POST", "/verify") => ok(with_phone(b["session"].clone())),
            ("POST", "/otp" | "/magiclink" | "/recover" | "/resend")
            | ("GET", "/reauthenticate") => ok(json!({})),
            ("POST", "/logout") => ResponseTemplate::new(204),
            ("GET" | "PUT", "/user") | ("POST", "/invite") => ok(b["user"].clone()),
            ("GET", "/admin/users") => {
                ok(json!({"users": [b["user"].clone()], "aud": "authenticated"}))
                    .insert_header("x-total-count", "1")
            }
            (_, p) if p == "/admin/users" || p.starts_with("/admin/users/") => {
                ok(b["user"].clone())
            }
            ("POST", "/admin/generate_link") => {
                // GoTrue answers flat: the user's fields and the link properties side by side.
                let mut flat = b["user"].clone();
                if let (Some(flat), Some(props)) = (
                    flat.as_object_mut(),
                    b["generate_link"]["properties"].as_object(),
                ) {
                    for (k, v) in props {
                        flat.insert(k.clone(), v.clone());
                    }
                }
                ok(flat)
            }
            ("POST", "/sso") => ok(b["sso"].clone()),
            ("GET", "/settings") => ok(json!({
                "external": {"email": true, "phone": true},
                "disable_signup": false,
                "mailer_autoconfirm": false,
                "phone_autoconfirm": false
            })),
            ("GET", "/.well-known/jwks.json") => ok(json!({"keys": []})),
            _ => ok(json!({})),
        }
    }
}
