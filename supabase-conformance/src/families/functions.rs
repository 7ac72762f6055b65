//! Cases that call `functions.invoke` (every `fn_*`, the `cfg_*` that invoke functions, v1
//! cases that call `setAuth` then invoke), run through the façade `supabase::Client`:
//! `Client::functions()` invokes as the client value's token source, so a sign-in through
//! the Auth client (sent to the mock project for real), v1 `setAuth` (→ `Client::set_auth`)
//! and the `accessToken` option decide the bearer as they do for an application.
//!
//! Client options are mapped as the `facade` family maps them; auth and data statements go
//! through the same interpreter as there. `invoke(name, {method, headers, region, timeout,
//! body})`: a JSON value → `body_json`, a string → `body_text`, `$arraybuffer` / `$buffer` /
//! `$bytes` → `body_bytes`, `$blob` / `$file` → `body` with its type, `$formdata` →
//! `body_multipart`. Besides success or error, the error's class is compared with the
//! `name` of supabase-js's error (`FunctionsHttpError`, `FunctionsRelayError`,
//! `FunctionsFetchError`).

use std::sync::Arc;

use base64::Engine;
use serde_json::Value;
use supabase::Client;
use supabase::functions::{
    FunctionsClient, FunctionsError, Invoke, Method, Multipart, Part, Region,
};

use crate::family::{BoxFuture, Family, RunOutput, Server, StatementOutcome};
use crate::golden::{Case, Statement};
use crate::interp::postgrest::is_data_statement;
use crate::oj::Oj;

/// The functions family.
pub struct Functions;

impl Family for Functions {
    fn name(&self) -> &'static str {
        "functions"
    }
    fn claims(&self, case: &Case) -> bool {
        matches!(case.client.as_str(), "v1" | "v2")
            && case.has_root("functions", None)
            && case.statements().is_ok_and(|st| {
                st.iter().all(|s| {
                    matches!(s.kind.as_str(), "functions" | "auth") || is_data_statement(s)
                })
            })
    }
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(run(case, server))
    }
}

async fn run(case: Arc<Case>, server: Server) -> Result<RunOutput, String> {
    let statements = case.statements()?;
    let builder = super::facade::builder(&case, &server)?;
    let mut out = RunOutput::default();
    let mut client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            out.setup_error = Some(e.to_string());
            return Ok(out);
        }
    };
    for st in &statements {
        let outcome = if st.kind == "functions" {
            functions(&mut client, st).await?
        } else {
            super::facade::statement(&mut client, &case, st).await?
        };
        out.statements.push(outcome);
    }
    Ok(out)
}

async fn functions(client: &mut Client, st: &Statement) -> Result<StatementOutcome, String> {
    if let Some((method, _)) = st.calls.first() {
        return Err(format!(
            "unknown op functions.{}().{method}()",
            st.name().unwrap_or_default()
        ));
    }
    match st.name() {
        Some("invoke") => {
            let call = invoke(&client.functions(), &st.args)?;
            let r = call.send().await;
            let mut outcome = StatementOutcome::checked(&r);
            outcome.error_name = r.as_ref().err().map(error_name);
            Ok(outcome)
        }
        // functions-js `setAuth(token)`: this client value's functions invoke as that user.
        Some("setAuth") => {
            let token = st
                .args
                .first()
                .and_then(|a| a.str())
                .ok_or("setAuth without a token")?;
            Ok(StatementOutcome::checked(&client.set_auth(token)))
        }
        other => Err(format!("unknown op functions.{}", other.unwrap_or("?"))),
    }
}

/// supabase-js's class for an error of the same kind.
fn error_name(e: &FunctionsError) -> String {
    match e {
        FunctionsError::Http(_) => "FunctionsHttpError".into(),
        FunctionsError::Relay(_) => "FunctionsRelayError".into(),
        FunctionsError::Fetch(_) | FunctionsError::Timeout => "FunctionsFetchError".into(),
        other => format!("{other:?}"),
    }
}

fn invoke(client: &FunctionsClient, args: &[Oj]) -> Result<Invoke, String> {
    let name = args
        .first()
        .and_then(Oj::str)
        .ok_or("invoke without a name")?;
    let mut call = client.invoke(name);
    let options = match args.get(1) {
        None => &[],
        Some(o) if o.is_nullish() => &[],
        Some(o) => o.members().ok_or("invoke options are not an object")?,
    };
    for (key, oj) in options {
        let value = &oj.value();
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
            "body" => with_body(call, value, oj)?,
            other => return Err(format!("unknown invoke option `{other}`")),
        };
    }
    Ok(call)
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

/// The body `oj` (`body`: the same as a value, for the escapes).
fn with_body(call: Invoke, body: &Value, oj: &Oj) -> Result<Invoke, String> {
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
            let name = field[0].as_str().ok_or("form field without a name")?;
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
                return Err(format!("the form value {value} is not interpreted"));
            };
        }
        return Ok(call.body_multipart(form));
    }
    if let Some(escape) = body
        .as_object()
        .and_then(|o| o.keys().find(|k| k.starts_with('$')))
    {
        return Err(format!(
            "the DSL escape `{escape}` is not interpreted in an invoke body"
        ));
    }
    // In the case's key order, as functions-js sends it.
    Ok(call.body_json(oj))
}
