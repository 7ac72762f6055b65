//! The families of cases, and the registry that routes each case to the first family that
//! claims it (by its client and ops, never its id).
//!
//! | family | claims |
//! | --- | --- |
//! | `realtime` | any `channel`/`realtime`/`ref`/`until`/`server_send` op, `.on()`/`.subscribe()`, realtime `client.*` calls, `ws_responses` |
//! | `storage` | v1 or v2, a `storage` op, with any mix of auth and data ops (through the façade) |
//! | `functions` | v1 or v2, a `functions` op, with any mix of auth and data ops (through the façade) |
//! | `postgrest` | v2, only data ops (`from`, `rpc`, `schema`, `client.getOpenApiSpec`), no options, no URL suffix |
//! | `auth` | v2, only `auth` ops (not `setAuth`), no options but `auth` |
//! | `facade` | v1 or v2, any mix of auth and data ops, any client option |
//!
//! A case no family claims fails.

use std::sync::Arc;

use crate::family::Family;
use crate::golden::Case;

pub mod auth;
pub mod facade;
pub mod functions;
pub mod postgrest;
pub mod realtime;
pub mod storage;

/// Every family, in routing order.
pub fn registry() -> Vec<Arc<dyn Family>> {
    vec![
        Arc::new(realtime::Realtime),
        Arc::new(storage::Storage),
        Arc::new(functions::Functions),
        Arc::new(postgrest::Postgrest),
        Arc::new(auth::Auth),
        Arc::new(facade::Facade),
    ]
}

/// Whether the case's options object is absent or empty.
pub(crate) fn no_options(case: &Case) -> bool {
    case.options()
        .as_object()
        .is_none_or(serde_json::Map::is_empty)
}
