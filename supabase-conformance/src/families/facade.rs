//! Cases that go through the façade `supabase::Client`: client options (`cfg_*`), v1 cases
//! (`setAuth` next to sign-in, sign-out, refresh, user update and global headers), and any mix
//! of auth and data statements.
//!
//! Client options, v2 (`createClient(url, key, options)`): `db.schema` →
//! [`ClientBuilder::schema`](supabase::ClientBuilder::schema); `global.headers` →
//! `header`; `auth.flowType` → `flow_type`; `auth.storageKey` → `storage_key`; `accessToken`
//! (a string in the DSL) → `access_token_fn`; `auth.autoRefreshToken`, `auth.persistSession`,
//! `auth.detectSessionInUrl` and `realtime` change nothing that is sent over HTTP here and
//! are accepted. v1 options: `schema`, `headers`, and the same no-op ones. Any other option
//! fails the case.

use std::sync::Arc;

use serde_json::Value;
use supabase::Client;
use supabase::auth::FlowType;

use crate::family::{BoxFuture, Family, RunOutput, Server, StatementOutcome};
use crate::golden::{Case, Statement};
use crate::interp::auth::{run_v1, run_v2};
use crate::interp::postgrest::{is_data_statement, run_statement};

/// The façade family.
pub struct Facade;

impl Family for Facade {
    fn name(&self) -> &'static str {
        "facade"
    }
    fn claims(&self, case: &Case) -> bool {
        matches!(case.client.as_str(), "v1" | "v2")
            && case.statements().is_ok_and(|st| {
                !st.is_empty() && st.iter().all(|s| s.kind == "auth" || is_data_statement(s))
            })
    }
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(run(case, server))
    }
}

const NO_EFFECT: &[&str] = &["autoRefreshToken", "persistSession", "detectSessionInUrl"];

fn headers(
    builder: supabase::ClientBuilder,
    headers: &Value,
    what: &str,
) -> Result<supabase::ClientBuilder, String> {
    let Some(map) = headers.as_object() else {
        return Err(format!("{what} is not an object"));
    };
    let mut builder = builder;
    for (k, v) in map {
        let v = v
            .as_str()
            .ok_or_else(|| format!("{what}.{k} is not a string"))?;
        builder = builder.header(k, v);
    }
    Ok(builder)
}

/// The client the case's `createClient` call describes.
pub(crate) fn builder(case: &Case, server: &Server) -> Result<supabase::ClientBuilder, String> {
    let mut builder = Client::builder(&server.base_url, case.key());
    let options = case.options();
    let Some(options) = options.as_object() else {
        return if options.is_null() {
            Ok(builder)
        } else {
            Err("options is not an object".into())
        };
    };
    for (key, value) in options {
        builder = match (case.is_v1(), key.as_str()) {
            (false, "db") => {
                let db = value.as_object().ok_or("db is not an object")?;
                let mut b = builder;
                for (k, v) in db {
                    b = match (k.as_str(), v.as_str()) {
                        ("schema", Some(s)) => b.schema(s),
                        _ => return Err(format!("unknown client option db.{k}")),
                    };
                }
                b
            }
            (false, "global") => {
                let global = value.as_object().ok_or("global is not an object")?;
                let mut b = builder;
                for (k, v) in global {
                    b = match k.as_str() {
                        "headers" => headers(b, v, "global.headers")?,
                        other => return Err(format!("unknown client option global.{other}")),
                    };
                }
                b
            }
            (false, "auth") => {
                let auth = value.as_object().ok_or("auth is not an object")?;
                let mut b = builder;
                for (k, v) in auth {
                    b = match (k.as_str(), v.as_str()) {
                        ("flowType", Some("pkce")) => b.flow_type(FlowType::Pkce),
                        ("flowType", Some("implicit")) => b.flow_type(FlowType::Implicit),
                        ("storageKey", Some(key)) => b.storage_key(key),
                        (k, _) if NO_EFFECT.contains(&k) => b,
                        _ => return Err(format!("unknown client option auth.{k}")),
                    };
                }
                b
            }
            (false, "accessToken") => {
                let token = value
                    .as_str()
                    .ok_or("accessToken is not a string")?
                    .to_owned();
                builder.access_token_fn(move || {
                    let token = token.clone();
                    async move { Ok(Some(token)) }
                })
            }
            (true, "schema") => builder.schema(value.as_str().ok_or("schema is not a string")?),
            (true, "headers") => headers(builder, value, "headers")?,
            (true, k) if NO_EFFECT.contains(&k) => builder,
            // Socket options: they change nothing sent over HTTP.
            (_, "realtime") => builder,
            (v1, other) => {
                return Err(format!(
                    "unknown client option `{other}` (supabase-js {})",
                    if v1 { "v1" } else { "v2" }
                ));
            }
        };
    }
    Ok(builder)
}

async fn run(case: Arc<Case>, server: Server) -> Result<RunOutput, String> {
    let statements = case.statements()?;
    let builder = builder(&case, &server)?;
    let mut out = RunOutput::default();
    let mut client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            out.setup_error = Some(e.to_string());
            return Ok(out);
        }
    };
    for st in &statements {
        out.statements
            .push(statement(&mut client, &case, st).await?);
    }
    Ok(out)
}

pub(crate) async fn statement(
    client: &mut Client,
    case: &Case,
    st: &Statement,
) -> Result<StatementOutcome, String> {
    if is_data_statement(st) {
        return run_statement(&client.postgrest(), st, case.is_v1()).await;
    }
    let name = st
        .name()
        .ok_or_else(|| format!("unknown op {}", st.root.compact()))?;
    if let Some(escape) = st.unmapped_escape()
        // A listener: it subscribes; callbacks are not compared (README "Comparing").
        && !(name == "onAuthStateChange" && escape == "$callback")
        // A web3 signature is bytes; the auth interpreter decodes it.
        && !(name == "signInWithWeb3" && escape == "$bytes")
    {
        return Err(format!(
            "the DSL escape `{escape}` is not interpreted in an auth statement"
        ));
    }
    if name == "setAuth" {
        if !case.is_v1() {
            return Err("auth.setAuth is a supabase-js v1 method".into());
        }
        let token = st
            .args
            .first()
            .and_then(|a| a.str())
            .ok_or("setAuth without a token")?;
        // v1 `setAuth(jwt)` → `Client::set_auth`: every later request of this client value
        // carries the token (see the `set-auth-*` rules for what v1 did differently).
        let r = client.set_auth(token);
        return Ok(StatementOutcome::checked(&r));
    }
    let auth = match client.auth() {
        Ok(auth) => auth,
        // supabase-js throws when `auth` is touched on an `accessToken` client.
        Err(e) => {
            return Ok(StatementOutcome {
                ok: Some(false),
                url: None,
                error: Some(e.to_string()),
                error_name: None,
            });
        }
    };
    let admin = client.admin().map_err(|e| e.to_string());
    let admin = admin.as_ref().map_err(Clone::clone);
    if case.is_v1() {
        run_v1(&auth, admin, name, &st.args).await
    } else {
        run_v2(&auth, admin, name, &st.args).await
    }
}
