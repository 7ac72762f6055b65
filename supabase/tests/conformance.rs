//! The conformance goldens that mix services or exercise createClient options (`cfg_*`,
//! `v1_*`, and the `auth_*` cases that also query data), interpreted with the façade against
//! a recorder mock server and compared with what supabase-js sent.
//!
//! The per-crate suites run the rest: `supabase-postgrest/tests/conformance.rs` (`pg_*`) and
//! `supabase-auth/tests/conformance.rs` (`auth_*`). Every skip and deliberate difference of
//! this suite is listed in [`DELIBERATE`] or returned by [`unsupported`] with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use supabase::Client;
use supabase::auth::{
    FlowType, ListUsersParams, OtpCredentials, PasswordCredentials, RequestOptions, SignOutScope,
};
use supabase_test_support::conformance::{
    CaseOutcome, Golden, Statement, case_key, run_suite, statements,
};

/// Cases whose differences from supabase-js are intended, with the reason.
const DELIBERATE: &[(&str, &str)] = &[(
    "v1_set_auth_insert",
    "supabase-js v1 sent `Prefer: return=representation` on every insert; this client follows \
     v2 (no Prefer unless `.select()` asks for the rows), and v2 also sends \
     `content-type: application/json`",
)];

/// The `auth_*` cases this suite runs (they also use `from`); the others run in
/// supabase-auth's own suite.
const MIXED_AUTH: &[&str] = &[
    "auth_pkce_otp_exchange",
    "auth_sign_in_anonymously_data_then_select",
];

/// Ops this suite does not run, with the reason.
fn unsupported(statement: &Statement) -> Option<String> {
    let root = &statement.root;
    if root.get("functions").is_some() {
        return Some("the Functions client is not implemented".into());
    }
    for key in ["storage", "client"] {
        if root.get(key).is_some() {
            return Some(format!("`{key}` ops are not implemented"));
        }
    }
    None
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn build_client(golden: &Golden, base: &str) -> Result<Client, String> {
    let case = &golden.case;
    let options = case.get("options").cloned().unwrap_or(Value::Null);
    let mut builder = Client::builder(base, case_key(case));
    if let Some(schema) = options.pointer("/db/schema").and_then(Value::as_str) {
        builder = builder.schema(schema);
    }
    if options.pointer("/auth/flowType").and_then(Value::as_str) == Some("pkce") {
        builder = builder.flow_type(FlowType::Pkce);
    }
    if let Some(token) = options.get("accessToken").and_then(Value::as_str) {
        let token = token.to_owned();
        builder = builder.access_token_fn(move || {
            let token = token.clone();
            async move { Ok(Some(token)) }
        });
    }
    if let Some(headers) = options
        .pointer("/global/headers")
        .and_then(Value::as_object)
    {
        for (k, v) in headers {
            builder = builder.header(k, v.as_str().unwrap_or_default());
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// Runs one `{"auth": …}` statement. The outcome is not compared (JS-shaped); requests are.
async fn auth_op(client: &mut Client, op: &str, args: &[Value]) -> Result<(), String> {
    let null = Value::Null;
    let a0 = args.first().unwrap_or(&null);
    let o = a0.get("options").unwrap_or(&null);
    if op == "setAuth" {
        client
            .set_auth(a0.as_str().unwrap())
            .map_err(|e| e.to_string())?;
        return Ok(());
    }
    if op == "admin.listUsers" {
        let admin = client.admin().map_err(|e| e.to_string())?;
        admin
            .list_users(ListUsersParams::new())
            .await
            .map_err(|e| e.to_string())?;
        return Ok(());
    }
    let auth = client.auth().map_err(|e| e.to_string())?;
    let result = match op {
        "signInWithPassword" => auth
            .sign_in_with_password(PasswordCredentials::email(
                s(a0, "email").unwrap(),
                s(a0, "password").unwrap(),
            ))
            .await
            .map(|_| ()),
        "signInWithOtp" => auth
            .sign_in_with_otp(OtpCredentials::email(s(a0, "email").unwrap()))
            .await
            .map(|_| ()),
        "exchangeCodeForSession" => auth
            .exchange_code_for_session(a0.as_str().unwrap())
            .await
            .map(|_| ()),
        "signInAnonymously" => {
            let mut options = RequestOptions::new();
            if let Some(d) = o.get("data") {
                options = options.data(d.clone());
            }
            if let Some(t) = s(o, "captchaToken") {
                options = options.captcha_token(t);
            }
            auth.sign_in_anonymously(options).await.map(|_| ())
        }
        "refreshSession" => auth.refresh_session().await.map(|_| ()),
        "setSession" => auth
            .set_session(
                s(a0, "access_token").unwrap(),
                s(a0, "refresh_token").unwrap(),
            )
            .await
            .map(|_| ()),
        "getSession" => auth.get_session().await.map(|_| ()),
        "getUser" => auth.get_user().await.map(|_| ()),
        "signOut" => auth.sign_out(SignOutScope::Global).await.map(|_| ()),
        other => return Err(format!("auth.{other} is not mapped in the façade suite")),
    };
    result.map_err(|e| e.to_string())
}

/// Runs one `{"from": …}`, `{"rpc": …}` or `{"schema": …}` statement.
async fn data_op(client: &Client, st: &Statement) -> Result<(), String> {
    let root = &st.root;
    let mut calls = st.calls.iter();
    if let Some(f) = s(root, "rpc") {
        let args = root["args"].get(0).cloned().unwrap_or(Value::Null);
        return run(client.rpc(f, args), calls).await;
    }
    let from = match s(root, "schema") {
        Some(schema) => {
            let (call, args) = calls.next().expect("schema() is followed by from()");
            assert_eq!(call, "from");
            client.schema(schema).from(args[0].as_str().unwrap())
        }
        None => client.from(s(root, "from").unwrap()),
    };
    match calls.next() {
        Some((call, args)) if call == "select" => {
            let q = from.select(args.first().and_then(Value::as_str).unwrap_or("*"));
            run(q, calls).await
        }
        Some((call, args)) if call == "insert" => run(from.insert(args[0].clone()), calls).await,
        Some((call, _)) => Err(format!("`.{call}()` is not mapped in the façade suite")),
        None => Ok(()),
    }
}

/// Applies the remaining calls and sends the request.
async fn run<'a, S>(
    mut q: supabase::postgrest::FilterBuilder<S>,
    calls: impl Iterator<Item = &'a (String, Vec<Value>)>,
) -> Result<(), String> {
    for (call, args) in calls {
        q = match call.as_str() {
            "eq" => q.eq(args[0].as_str().unwrap(), display(&args[1])),
            "select" => q.select(args.first().and_then(Value::as_str).unwrap_or("*")),
            other => return Err(format!("`.{other}()` is not mapped in the façade suite")),
        };
    }
    q.execute_raw().await.map_err(|e| e.to_string())?;
    Ok(())
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn interpret(golden: Golden, base: String) -> CaseOutcome {
    let statements = statements(&golden.case);
    if let Some(reason) = statements.iter().find_map(unsupported) {
        return CaseOutcome::Skip(reason);
    }
    let mut client = match build_client(&golden, &base) {
        Ok(c) => c,
        Err(reason) => panic!("{}: createClient failed: {reason}", golden.id),
    };
    let third_party = golden.case.pointer("/options/accessToken").is_some();
    for st in &statements {
        if let Some(op) = s(&st.root, "auth") {
            if third_party {
                // supabase-js throws when `auth` is touched on an accessToken client.
                assert!(matches!(
                    client.auth(),
                    Err(supabase::Error::AuthUnavailable)
                ));
                continue;
            }
            let args = st.root["args"].as_array().cloned().unwrap_or_default();
            // Errors are outcomes (e.g. no session); the requests are what is compared.
            if let Err(e) = auth_op(&mut client, op, &args).await
                && e.contains("not mapped")
            {
                return CaseOutcome::Skip(e);
            }
        } else if let Err(e) = data_op(&client, st).await
            && e.contains("not mapped")
        {
            return CaseOutcome::Skip(e);
        }
    }
    CaseOutcome::Ran
}

#[tokio::test]
async fn facade_goldens() {
    // The other `auth_*` cases are run by supabase-auth's own suite.
    let prefixes: Vec<&str> = ["cfg_", "v1_"]
        .into_iter()
        .chain(MIXED_AUTH.iter().copied())
        .collect();
    let summary = run_suite(
        "façade (cfg_*, v1_*, mixed auth_*)",
        &prefixes,
        DELIBERATE,
        interpret,
    )
    .await;
    assert!(summary.exact + summary.equivalent >= 10, "{summary:?}");
    // The two `cfg_*` cases that call `functions.invoke` (no Functions client yet); a new
    // golden this interpreter cannot run must not pass unnoticed.
    assert!(summary.skipped <= 2, "{summary:?}");
}
