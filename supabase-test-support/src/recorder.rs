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
        if let Some(rest) = path.strip_prefix("/storage/v1/") {
            return storage(request, method, rest);
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

fn decoded(raw: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", raw.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The recorder's Storage table (README "Recorder").
fn storage(request: &Request, method: &str, rest: &str) -> ResponseTemplate {
    const STAMP: &str = "2024-01-01T00:00:00.000Z";
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let ok = |v: Value| ResponseTemplate::new(200).set_body_json(v);
    let after = |prefix: &str| rest.strip_prefix(prefix).map(str::to_owned);
    match method {
        "GET" if rest == "bucket" => return ok(json!([])),
        "POST" if rest == "bucket" => return ok(json!({"name": body["name"]})),
        _ => {}
    }
    if let Some(tail) = after("bucket/") {
        if let Some(id) = tail.strip_suffix("/lifecycle") {
            let _ = id;
            return match method {
                "GET" => ok(json!({"rules": []})),
                "PUT" => ok(body),
                _ => ok(json!({"message": "Successfully deleted"})),
            };
        }
        if tail.ends_with("/empty") && method == "POST" {
            return ok(json!({"message": "Successfully emptied"}));
        }
        let id = decoded(&tail);
        return match method {
            "GET" => ok(
                json!({"id": id, "name": id, "owner": "", "public": false, "type": "STANDARD",
                "file_size_limit": null, "allowed_mime_types": null, "created_at": STAMP, "updated_at": STAMP}),
            ),
            "PUT" => ok(json!({"message": "Successfully updated"})),
            "DELETE" => ok(json!({"message": "Successfully deleted"})),
            _ => ok(json!({})),
        };
    }
    if method == "POST" && rest == "object/move" {
        return ok(json!({"message": "Successfully moved"}));
    }
    if method == "POST" && rest == "object/copy" {
        let bucket = body["destinationBucket"]
            .as_str()
            .or(body["bucketId"].as_str())
            .unwrap_or_default();
        let key = body["destinationKey"].as_str().unwrap_or_default();
        return ok(
            json!({"Id": "00000000-0000-4000-8000-0000000000f1", "Key": format!("{bucket}/{key}")}),
        );
    }
    if method == "POST" && rest.starts_with("object/list/") {
        return ok(json!([]));
    }
    if method == "POST" && rest.starts_with("object/list-v2/") {
        return ok(json!({"hasNext": false, "folders": [], "objects": []}));
    }
    if let Some(tail) = after("object/info/").filter(|_| method == "GET") {
        let name = decoded(tail.split_once('/').map(|(_, k)| k).unwrap_or_default());
        let bucket = decoded(tail.split('/').next().unwrap_or_default());
        return ok(
            json!({"id": "00000000-0000-4000-8000-0000000000f1", "name": name, "bucket_id": bucket,
            "version": "v1", "size": 5, "content_type": "text/plain", "cache_control": "max-age=3600",
            "etag": "\"etag-1\"", "last_modified": STAMP, "created_at": STAMP, "metadata": {}}),
        );
    }
    if let Some(tail) = after("object/upload/sign/") {
        let decoded_path = decoded(&tail);
        return match method {
            "POST" => ok(
                json!({"url": format!("/object/upload/sign/{decoded_path}?token=conformance-upload-token")}),
            ),
            _ => ok(json!({"Key": decoded_path})),
        };
    }
    if let Some(tail) = after("object/sign/").filter(|_| method == "POST") {
        if tail.contains('/') {
            return ok(
                json!({"signedURL": format!("/object/sign/{}?token=conformance-signed-token", decoded(&tail))}),
            );
        }
        let bucket = decoded(&tail);
        let entries: Vec<Value> = body["paths"].as_array().cloned().unwrap_or_default().iter().map(|p| {
            let p = p.as_str().unwrap_or_default();
            json!({"error": null, "path": p, "signedURL": format!("/object/sign/{bucket}/{p}?token=conformance-signed-token")})
        }).collect();
        return ok(Value::Array(entries));
    }
    if method == "GET" && rest.starts_with("render/image/") {
        return ResponseTemplate::new(200).set_body_raw(
            vec![0x89u8, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a],
            "image/png",
        );
    }
    if let Some(tail) = after("object/") {
        if method == "DELETE" && !tail.contains('/') {
            let bucket = decoded(&tail);
            let rows: Vec<Value> = body["prefixes"].as_array().cloned().unwrap_or_default().iter()
                .map(|p| json!({"name": p.as_str().map(str::to_owned).unwrap_or_else(|| p["path"].as_str().unwrap_or_default().to_owned()), "bucket_id": bucket}))
                .collect();
            return ok(Value::Array(rows));
        }
        if method == "GET" {
            return ResponseTemplate::new(200).set_body_raw("hello", "text/plain; charset=utf-8");
        }
        if method == "POST" || method == "PUT" {
            return ok(
                json!({"Id": "00000000-0000-4000-8000-0000000000f1", "Key": decoded(&tail)}),
            );
        }
    }
    if method == "DELETE" && rest.starts_with("cdn/") {
        return ok(json!({"message": "success"}));
    }
    if let Some(op) = after("vector/").filter(|_| method == "POST") {
        return match op.as_str() {
            "GetVectorBucket" => ok(
                json!({"vectorBucket": {"vectorBucketName": body["vectorBucketName"], "creationTime": 1_704_067_200}}),
            ),
            "ListVectorBuckets" => ok(json!({"vectorBuckets": []})),
            "GetIndex" => ok(
                json!({"index": {"indexName": body["indexName"], "vectorBucketName": body["vectorBucketName"],
                "dataType": "float32", "dimension": 3, "distanceMetric": "cosine"}}),
            ),
            "ListIndexes" => ok(json!({"indexes": []})),
            "GetVectors" | "ListVectors" | "QueryVectors" => ok(json!({"vectors": []})),
            _ => ResponseTemplate::new(200),
        };
    }
    if rest == "iceberg/bucket" {
        return match method {
            "POST" => ok(
                json!({"id": body["name"], "name": body["name"], "created_at": STAMP, "updated_at": STAMP}),
            ),
            _ => ok(json!([])),
        };
    }
    if rest.starts_with("iceberg/bucket/") {
        return ok(json!({"message": "Successfully deleted"}));
    }
    if rest.starts_with("iceberg/v1/") {
        if rest.ends_with("/tables") && method == "GET" {
            return ok(json!({"identifiers": []}));
        }
        if rest.ends_with("/namespaces") {
            return match method {
                "GET" => ok(json!({"namespaces": [["analytics"]]})),
                _ => ok(json!({"namespace": body["namespace"], "properties": body["properties"]})),
            };
        }
    }
    ok(json!({}))
}
