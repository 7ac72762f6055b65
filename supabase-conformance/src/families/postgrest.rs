//! PostgREST cases interpreted with `supabase-postgrest` alone (a `PostgrestClient` from a
//! `Config`, as the façade builds it).

use std::sync::Arc;

use supabase::Config;
use supabase::postgrest::PostgrestClient;

use crate::family::{BoxFuture, Family, RunOutput, Server};
use crate::golden::Case;
use crate::interp::postgrest::{is_data_statement, run_statement};

/// The `supabase-postgrest` family.
pub struct Postgrest;

impl Family for Postgrest {
    fn name(&self) -> &'static str {
        "postgrest"
    }
    fn claims(&self, case: &Case) -> bool {
        case.is_v2()
            && super::no_options(case)
            && case.url_suffix().is_empty()
            && case
                .statements()
                .is_ok_and(|st| !st.is_empty() && st.iter().all(is_data_statement))
    }
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(async move {
            let config = Config::new(&server.base_url, case.key()).map_err(|e| e.to_string())?;
            let client = PostgrestClient::from_config(&config)
                .map_err(|e| e.to_string())?
                .schema("public");
            let mut out = RunOutput::default();
            for st in case.statements()? {
                out.statements
                    .push(run_statement(&client, &st, false).await?);
            }
            Ok(out)
        })
    }
}
