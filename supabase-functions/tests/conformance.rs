//! The conformance goldens that call `functions.invoke` (every `fn_*`, the `cfg_*` that invoke
//! functions, and `v1_functions_after_set_auth_json`), interpreted with `supabase-functions`
//! against a server answering like the recorder, and compared with what supabase-js sent
//! (README "Comparing").
//!
//! Cases are selected by their ops (any root op `{"functions": …}`), from the carried fixtures
//! (`supabase-test-support/conformance/golden`), `SUPABASE_CONFORMANCE_DIR`, and this crate's
//! `tests/golden` (`v1_functions_after_set_auth_json` lives there until the façade's suite
//! runs functions: its `v1_*` prefix would otherwise count it as a skip).
//!
//! [`interpret`] is a function of (case, client), so that a unified runner can reuse it. An
//! op it cannot interpret fails the case; nothing is skipped. Every deliberate difference is
//! a [`Rule`] in [`RULES`]: a name, a predicate over one difference, and the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use serde_json::Value;
use supabase_functions::{
    Config, FunctionsClient, FunctionsError, Method, Multipart, Part, Region, StaticTokenProvider,
};
use supabase_test_support::conformance::{
    ActualRequest, Golden, Verdict, case_key, compare, golden_dirs, load_golden, url_suffix,
};
use supabase_test_support::recorder::{recorder_bodies, start_recorder};

/// A deliberate difference: which differences it covers, and why this crate differs.
struct Rule {
    name: &'static str,
    /// Whether this rule covers `difference` (one line of [`Verdict::Different`]) in `golden`.
    covers: fn(golden: &Golden, difference: &str) -> bool,
    reason: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        name: "v1-object-body-is-json",
        covers: |g, d| {
            g.client == "v1"
                && (d.contains("[object Object]")
                    || d.contains(r#"unexpected ["content-type: application/json"]"#))
        },
        reason: "functions-js 1.3.4 (supabase-js v1) sends an object body as the string \
                 `[object Object]` with fetch's text/plain; a JSON value goes out here as JSON \
                 with `application/json`, as functions-js 2 does",
    },
    Rule {
        name: "uint8array-goes-out-as-bytes",
        covers: |g, d| {
            g.case.to_string().contains("\"$bytes\"")
                && (d.contains("body ") || d.contains("content-type"))
        },
        reason: "functions-js JSON.stringifies a Uint8Array into an object of indices \
                 ({\"0\":0,\"1\":1,…}); bytes go out here as the bytes themselves with \
                 `application/octet-stream`",
    },
];

/// Requests of a golden this crate does not send: they belong to another service crate.
/// Their effect on the case (the session token) is applied by [`interpret`].
const AUTH_REQUESTS_RULE: (&str, &str) = (
    "auth-requests-belong-to-supabase-auth",
    "an `auth` op (signInWithPassword, v1 setAuth) is run by supabase-auth; here it becomes \
     the token provider holding the token it yields (the recorder's session JWT, or the \
     setAuth JWT), and only the functions requests are compared (the façade's suite sends \
     the auth requests for real)",
);

/// Runs `case`'s ops with `client` (built for the case's project URL and key); returns the
/// outcome of each `functions.invoke` (`Ok` or the error) in order, or why an op cannot be
/// interpreted.
async fn interpret(
    case: &Value,
    client: &FunctionsClient,
) -> Result<Vec<Result<(), FunctionsError>>, String> {
    let mut current = client.clone();
    let mut outcomes = Vec::new();
    for op in case["ops"].as_array().ok_or("the case has no ops")? {
        let args = op["args"].as_array().cloned().unwrap_or_default();
        if let Some(method) = op.get("auth").and_then(Value::as_str) {
            let token = match method {
                "setAuth" => args
                    .first()
                    .and_then(Value::as_str)
                    .ok_or("setAuth without a token")?
                    .to_owned(),
                "signInWithPassword" => recorder_bodies()["session"]["access_token"]
                    .as_str()
                    .ok_or("no recorder session")?
                    .to_owned(),
                other => return Err(format!("auth.{other} cannot be interpreted here")),
            };
            current = with_token(&current, &token)?;
        } else if let Some(method) = op.get("functions").and_then(Value::as_str) {
            match method {
                "invoke" => outcomes.push(invoke(&current, &args).await?),
                "setAuth" => {
                    let token = args.first().and_then(Value::as_str).ok_or("no token")?;
                    current = with_token(&current, token)?;
                }
                other => return Err(format!("functions.{other} cannot be interpreted")),
            }
        } else {
            return Err(format!(
                "op {op} cannot be interpreted by supabase-functions"
            ));
        }
    }
    Ok(outcomes)
}

fn with_token(client: &FunctionsClient, token: &str) -> Result<FunctionsClient, String> {
    let provider = StaticTokenProvider::from_token(token).map_err(|e| e.to_string())?;
    Ok(client.with_token_provider(Arc::new(provider)))
}

async fn invoke(
    client: &FunctionsClient,
    args: &[Value],
) -> Result<Result<(), FunctionsError>, String> {
    let name = args
        .first()
        .and_then(Value::as_str)
        .ok_or("invoke without a name")?;
    let mut call = client.invoke(name);
    let empty = serde_json::Map::new();
    let options = args.get(1).and_then(Value::as_object).unwrap_or(&empty);
    for (key, value) in options {
        call = match key.as_str() {
            "method" => {
                let m = value.as_str().ok_or("method is not a string")?;
                call.method(Method::from_bytes(m.as_bytes()).map_err(|e| e.to_string())?)
            }
            "headers" => {
                let mut call = call;
                for (k, v) in value.as_object().ok_or("headers is not an object")? {
                    call = call.header(k, v.as_str().ok_or("header value is not a string")?);
                }
                call
            }
            "region" => {
                let r = value.as_str().ok_or("region is not a string")?;
                call.region(Region::new(r).map_err(|e| e.to_string())?)
            }
            "timeout" => call.timeout(std::time::Duration::from_millis(
                value.as_u64().ok_or("timeout is not a number")?,
            )),
            "body" => with_body(call, value)?,
            other => return Err(format!("invoke option `{other}` cannot be interpreted")),
        };
    }
    Ok(call.send().await.map(|_| ()))
}

fn b64(v: &Value) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().ok_or("base64 is not a string")?)
        .map_err(|e| e.to_string())
}

/// `{"text"|"base64": …}` of a `$blob`/`$file`.
fn blob_bytes(blob: &Value) -> Result<Vec<u8>, String> {
    match (blob.get("text"), blob.get("base64")) {
        (Some(t), _) => Ok(t
            .as_str()
            .ok_or("text is not a string")?
            .as_bytes()
            .to_vec()),
        (None, Some(b)) => b64(b),
        _ => Err(format!("blob without content: {blob}")),
    }
}

fn with_body(
    call: supabase_functions::Invoke,
    body: &Value,
) -> Result<supabase_functions::Invoke, String> {
    if let Some(text) = body.as_str() {
        return Ok(call.body_text(text));
    }
    for key in ["$arraybuffer", "$buffer", "$bytes"] {
        if let Some(v) = body.get(key) {
            return Ok(call.body_bytes(b64(v)?));
        }
    }
    for key in ["$blob", "$file"] {
        if let Some(blob) = body.get(key) {
            let ty = blob.get("type").and_then(Value::as_str).unwrap_or("");
            let ty = if ty.is_empty() {
                "application/octet-stream"
            } else {
                ty
            };
            return Ok(call.body(blob_bytes(blob)?, ty));
        }
    }
    if let Some(fields) = body.get("$formdata") {
        let mut form = Multipart::new();
        for field in fields.as_array().ok_or("$formdata is not a list")? {
            let name = field[0].as_str().ok_or("field name")?;
            let value = &field[1];
            form = if let Some(text) = value.as_str() {
                form.text(name, text)
            } else if let Some(file) = value.get("$file").or(value.get("$blob")) {
                let mut part = Part::new(blob_bytes(file)?)
                    .file_name(file.get("name").and_then(Value::as_str).unwrap_or("blob"));
                if let Some(ty) = file.get("type").and_then(Value::as_str) {
                    part = part.content_type(ty);
                }
                form.part(name, part)
            } else {
                return Err(format!("form value {value} cannot be interpreted"));
            };
        }
        return Ok(call.body_multipart(form));
    }
    if body
        .as_object()
        .is_some_and(|o| o.keys().any(|k| k.starts_with('$')))
    {
        return Err(format!("body escape {body} cannot be interpreted"));
    }
    Ok(call.body_json(body))
}

/// The client for a case, as supabase-js builds its functions client: project URL and key,
/// `global.headers`, the `accessToken` option as the token provider.
fn case_client(case: &Value, base: &str) -> Result<FunctionsClient, String> {
    let mut config = Config::new(base, case_key(case)).map_err(|e| e.to_string())?;
    let options = case.get("options").and_then(Value::as_object);
    let mut token = None;
    for (key, value) in options.into_iter().flatten() {
        match key.as_str() {
            "global" => {
                for (k, v) in value.as_object().ok_or("global is not an object")? {
                    match k.as_str() {
                        "headers" => {
                            for (name, v) in v.as_object().ok_or("headers")? {
                                let v = v.as_str().ok_or("header value")?;
                                config = config.header(name, v).map_err(|e| e.to_string())?;
                            }
                        }
                        other => {
                            return Err(format!("option global.{other} cannot be interpreted"));
                        }
                    }
                }
            }
            "accessToken" => token = value.as_str().map(str::to_owned),
            // Options of other services: no effect on functions requests.
            "db" | "auth" | "realtime" => {}
            other => return Err(format!("option `{other}` cannot be interpreted")),
        }
    }
    let client = FunctionsClient::from_config(&config).map_err(|e| e.to_string())?;
    match token {
        Some(t) => with_token(&client, &t),
        None => Ok(client),
    }
}

fn golden_files() -> Vec<PathBuf> {
    let mut dirs = golden_dirs();
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden"));
    let mut by_name = std::collections::BTreeMap::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.starts_with('_') {
                by_name.insert(name, path);
            }
        }
    }
    by_name.into_values().collect()
}

fn invokes_functions(case: &Value) -> bool {
    case["ops"]
        .as_array()
        .is_some_and(|ops| ops.iter().any(|op| op.get("functions").is_some()))
}

/// The JS outcome class of each `functions.invoke` in the golden's results.
fn js_outcomes(golden: &Golden) -> Vec<Option<String>> {
    golden
        .results
        .iter()
        .filter(|r| r["label"] == "functions.invoke")
        .map(|r| r["value"]["error"]["name"].as_str().map(str::to_owned))
        .collect()
}

fn rust_class(outcome: &Result<(), FunctionsError>) -> Option<String> {
    match outcome {
        Ok(()) => None,
        Err(FunctionsError::Http(_)) => Some("FunctionsHttpError".into()),
        Err(FunctionsError::Relay(_)) => Some("FunctionsRelayError".into()),
        Err(FunctionsError::Fetch(_) | FunctionsError::Timeout) => {
            Some("FunctionsFetchError".into())
        }
        Err(other) => Some(format!("{other:?}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_goldens() {
    let mut ran = 0;
    let mut exact = 0;
    let mut deliberate = 0;
    let mut failures = Vec::new();
    for path in golden_files() {
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if !invokes_functions(&raw["case"]) {
            continue;
        }
        let golden = load_golden(&path);
        let id = golden.id.clone();
        ran += 1;
        let overrides = golden.case["responses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let server = start_recorder(&overrides).await;
        let base = format!("{}{}", server.uri(), url_suffix(&golden.case));
        let result = match case_client(&golden.case, &base) {
            Ok(client) => interpret(&golden.case, &client).await,
            Err(e) => Err(e),
        };
        let received = server.received_requests().await.unwrap_or_default();
        tokio::task::spawn_blocking(move || drop(server))
            .await
            .unwrap();
        let outcomes = match result {
            Ok(outcomes) => outcomes,
            Err(why) => {
                println!("FAIL        {id}: {why}");
                failures.push(id);
                continue;
            }
        };

        // Only functions requests are sent by this crate (rule AUTH_REQUESTS_RULE).
        let mut golden_requests = Vec::new();
        let mut golden_raw = Vec::new();
        let mut dropped = 0;
        for (g, r) in golden
            .requests
            .iter()
            .zip(raw["requests"].as_array().unwrap())
        {
            if g.path.starts_with("/functions/v1/") {
                golden_requests.push(g.clone());
                golden_raw.push(r.clone());
            } else {
                dropped += 1;
            }
        }
        let actual: Vec<ActualRequest> = received.iter().map(ActualRequest::from).collect();
        let mut differences = match compare(&golden_requests, &actual) {
            Verdict::Different(d) => d,
            _ => Vec::new(),
        };
        // Non-UTF-8 bodies compare by their bytes.
        for (i, (g, a)) in golden_raw.iter().zip(&received).enumerate() {
            if let Some(expected) = g["body_base64"].as_str() {
                let sent = base64::engine::general_purpose::STANDARD.encode(&a.body);
                if sent != expected {
                    differences.push(format!("request {i}: body bytes {expected} vs {sent}"));
                }
            }
        }
        // The outcome JS concluded (success, FunctionsHttpError, …) must match too.
        let js = js_outcomes(&golden);
        let rust: Vec<Option<String>> = outcomes.iter().map(rust_class).collect();
        if js != rust {
            differences.push(format!("outcomes: supabase-js {js:?} vs {rust:?}"));
        }

        let mut uncovered = Vec::new();
        let mut applied: Vec<&str> = Vec::new();
        for d in &differences {
            match RULES.iter().find(|r| (r.covers)(&golden, d)) {
                Some(rule) => applied.push(rule.name),
                None => uncovered.push(d.clone()),
            }
        }
        applied.dedup();
        let dropped_note = if dropped > 0 {
            format!(
                " [{}: {dropped} auth request(s) not compared]",
                AUTH_REQUESTS_RULE.0
            )
        } else {
            String::new()
        };
        if !uncovered.is_empty() {
            println!("FAIL        {id}:\n  {}", uncovered.join("\n  "));
            failures.push(id);
        } else if !applied.is_empty() {
            println!("DELIBERATE  {id}: {}{dropped_note}", applied.join(", "));
            for name in &applied {
                let rule = RULES.iter().find(|r| r.name == *name).unwrap();
                println!("            {}: {}", rule.name, rule.reason);
            }
            println!("            differs: {}", differences.join("; "));
            deliberate += 1;
        } else {
            println!("PASS        {id}{dropped_note}");
            exact += 1;
        }
    }
    println!(
        "conformance supabase-functions: {ran} cases, {exact} pass, {deliberate} deliberate \
         differences, {} failing",
        failures.len()
    );
    println!("rule {}: {}", AUTH_REQUESTS_RULE.0, AUTH_REQUESTS_RULE.1);
    assert!(failures.is_empty(), "failing cases: {failures:?}");
    // 13 fn_* and 1 v1_* (the cfg_* cases that invoke functions are judged by the unified
    // runner, supabase-conformance): a golden that stops being found must not pass unnoticed.
    assert!(ran >= 14, "only {ran} cases found");
}
