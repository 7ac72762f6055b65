//! Auth cases interpreted with `supabase-auth` alone (`AuthClient`, `AdminClient`).

use std::sync::Arc;

use serde_json::Value;
use supabase::auth::{AdminClient, AuthClient, FlowType};

use crate::family::{BoxFuture, Family, RunOutput, Server};
use crate::golden::Case;
use crate::interp::auth::run_v2;

/// The `supabase-auth` family.
pub struct Auth;

/// The `auth` options this family maps (the others have no effect on what is sent, or are
/// the façade's).
const AUTH_OPTIONS: &[&str] = &[
    "flowType",
    "autoRefreshToken",
    "persistSession",
    "detectSessionInUrl",
];

fn options_ok(case: &Case) -> bool {
    let Some(o) = case.options().as_object() else {
        return case.options().is_null();
    };
    o.iter().all(|(k, v)| {
        k == "auth"
            && v.as_object()
                .is_some_and(|a| a.keys().all(|k| AUTH_OPTIONS.contains(&k.as_str())))
    })
}

impl Family for Auth {
    fn name(&self) -> &'static str {
        "auth"
    }
    fn claims(&self, case: &Case) -> bool {
        case.is_v2()
            && options_ok(case)
            && case.url_suffix().is_empty()
            && case.statements().is_ok_and(|st| {
                !st.is_empty()
                    && st
                        .iter()
                        .all(|s| s.kind == "auth" && s.name() != Some("setAuth"))
            })
    }
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(async move {
            let key = case.key();
            let url = format!("{}/auth/v1", server.base_url.trim_end_matches('/'));
            let mut auth = AuthClient::builder(&url, key.as_str());
            match case
                .options()
                .pointer("/auth/flowType")
                .and_then(Value::as_str)
            {
                Some("pkce") => auth = auth.flow_type(FlowType::Pkce),
                Some("implicit") | None => {}
                Some(other) => return Err(format!("unknown flowType {other}")),
            }
            let auth = auth.build().map_err(|e| e.to_string())?;
            let admin = AdminClient::new(&url, key.as_str()).map_err(|e| e.to_string());
            let mut out = RunOutput::default();
            for st in case.statements()? {
                let name = st.name().unwrap_or_default();
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
                out.statements.push(
                    run_v2(&auth, admin.as_ref().map_err(Clone::clone), name, &st.args).await?,
                );
            }
            Ok(out)
        })
    }
}
