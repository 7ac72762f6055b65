//! The state of a request being built, shared by every builder, and its assembly into an
//! HTTP request at send time (postgrest-js `PostgrestBuilder.then`, reference §1.0).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use supabase_core::{HeaderMap, HeaderName, HeaderValue, Method, Request, header_value};

use crate::encode::check_name;
use crate::options::Count;
use crate::ordered_json::rpc_args;
use crate::query_params::QueryParams;
use crate::{Error, PostgrestClient};

const ACCEPT: HeaderName = HeaderName::from_static("accept");
const PREFER: &str = "prefer";

/// What the request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `/<relation>`
    Relation(Arc<str>),
    /// `/rpc/<function>`
    Function(Arc<str>),
    /// `/` (the OpenAPI description)
    Root,
}

/// How an `rpc` call is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RpcMode {
    Post,
    Get,
    Head,
}

/// Everything a builder accumulates. Builders are thin typed wrappers around it.
#[derive(Clone)]
pub(crate) struct RequestState {
    pub(crate) client: PostgrestClient,
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) rpc_mode: RpcMode,
    pub(crate) query: QueryParams,
    /// Headers set by the caller or by transforms (`Accept`); never `Prefer`.
    pub(crate) headers: HeaderMap,
    /// `Prefer` values from the client's global headers, or from `set_header("Prefer", …)`.
    pub(crate) prefer_base: Vec<String>,
    /// Set once the caller replaced `Prefer` with `set_header`.
    pub(crate) prefer_overridden: bool,
    /// `resolution=…` of an upsert.
    pub(crate) resolution: Option<&'static str>,
    pub(crate) count: Option<Count>,
    /// `missing=default` of an insert/upsert.
    pub(crate) missing_default: bool,
    /// `Prefer` values added in chain order (`return=representation`, `tx=rollback`, …).
    pub(crate) prefer_chain: Vec<String>,
    pub(crate) strip_nulls: bool,
    /// The serialized JSON body (mutations and `rpc` arguments), or why it could not be made.
    pub(crate) body: Option<Result<Bytes, String>>,
    /// The first invalid argument, reported by `execute` before anything is sent.
    pub(crate) invalid: Option<String>,
    pub(crate) retry: Option<bool>,
    pub(crate) timeout: Option<Duration>,
}

/// A request ready for the transport, with what the response handling needs to know.
#[derive(Debug, Clone)]
pub(crate) struct Built {
    pub(crate) request: Request,
    /// The request asked for a row count (`Prefer` contains `count=exact|planned|estimated`).
    pub(crate) wants_count: bool,
    pub(crate) retry: bool,
}

impl RequestState {
    pub(crate) fn new(client: PostgrestClient, method: Method, target: Target) -> Self {
        let invalid = match &target {
            Target::Relation(name) => check_name("table", name).err(),
            Target::Function(name) => check_name("function", name).err(),
            Target::Root => None,
        };
        let prefer_base = client
            .service
            .transport()
            .headers()
            .get_all(PREFER)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        Self {
            client,
            method,
            target,
            rpc_mode: RpcMode::Post,
            query: QueryParams::default(),
            headers: HeaderMap::new(),
            prefer_base,
            prefer_overridden: false,
            resolution: None,
            count: None,
            missing_default: false,
            prefer_chain: Vec::new(),
            strip_nulls: false,
            body: None,
            invalid,
            retry: None,
            timeout: None,
        }
    }

    /// Records the first invalid argument.
    pub(crate) fn invalidate(&mut self, reason: impl Into<String>) {
        if self.invalid.is_none() {
            self.invalid = Some(reason.into());
        }
    }

    /// Checks a column (or other name) argument.
    pub(crate) fn check(&mut self, kind: &str, name: &str) {
        if let Err(reason) = check_name(kind, name) {
            self.invalidate(reason);
        }
    }

    /// The current `Accept`: the request's own, else the client's global one.
    pub(crate) fn accept(&self) -> Option<String> {
        self.headers
            .get(&ACCEPT)
            .or_else(|| self.client.service.transport().headers().get(&ACCEPT))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Sets `Accept` (transforms).
    pub(crate) fn set_accept(&mut self, value: &str) {
        match HeaderValue::from_str(value) {
            Ok(v) => {
                self.headers.insert(ACCEPT, v);
            }
            Err(_) => self.invalidate("the Accept value is not a valid header value"),
        }
    }

    /// Sets a caller header (`setHeader`): `Prefer` replaces every preference so far.
    pub(crate) fn set_header(&mut self, name: &str, value: &str) {
        let parsed = supabase_core::header_name(name).and_then(|n| {
            let v = header_value(n.as_str(), value)?;
            Ok((n, v))
        });
        match parsed {
            Ok((name, _)) if name.as_str() == PREFER => {
                self.prefer_base = vec![value.to_owned()];
                self.prefer_overridden = true;
                self.resolution = None;
                self.count = None;
                self.missing_default = false;
                self.prefer_chain.clear();
            }
            Ok((name, value)) => {
                self.headers.insert(name, value);
            }
            Err(e) => self.invalidate(e.to_string()),
        }
    }

    /// The rpc arguments when they go in the query string, and whether one of them is an
    /// object (which makes a HEAD call a POST, as in postgrest-js).
    fn rpc_query_args(&self) -> Result<(Vec<(String, String)>, bool), Error> {
        let body = match &self.body {
            Some(Ok(body)) => body,
            Some(Err(reason)) => return Err(Error::Serialize(reason.clone())),
            None => return Ok((Vec::new(), false)),
        };
        let args = rpc_args(body).map_err(Error::InvalidQuery)?;
        let has_object = args.iter().any(|(_, v)| v.is_object_like());
        let pairs = args
            .iter()
            .map(|(k, v)| (k.clone(), v.to_query_value()))
            .collect();
        Ok((pairs, has_object))
    }

    /// The `Prefer` values, composed in postgrest-js order (reference §1.2).
    fn prefer(&self, rpc_head_object: bool) -> Vec<String> {
        let mut values = self.prefer_base.clone();
        if !self.prefer_overridden {
            if matches!(self.target, Target::Function(_)) {
                // rpc() uses `headers.set`, replacing the client's Prefer, and joins with ",".
                if rpc_head_object {
                    values = vec![match self.count {
                        Some(c) => format!("count={c},return=minimal"),
                        None => "return=minimal".to_owned(),
                    }];
                } else if let Some(c) = self.count {
                    values = vec![format!("count={c}")];
                }
            } else {
                values.extend(self.resolution.map(str::to_owned));
                values.extend(self.count.map(|c| format!("count={c}")));
                if self.missing_default {
                    values.push("missing=default".to_owned());
                }
            }
        }
        values.extend(self.prefer_chain.iter().cloned());
        values
    }

    /// Assembles the HTTP request and lets go of everything else: what a send keeps while it
    /// waits for the answer is the client and the request, not the builder's strings.
    pub(crate) fn into_built(self: Box<Self>) -> Result<(PostgrestClient, Built), Error> {
        let built = self.build()?;
        let RequestState { client, .. } = *self;
        Ok((client, built))
    }

    /// Assembles the HTTP request.
    pub(crate) fn build(&self) -> Result<Built, Error> {
        if let Some(reason) = &self.invalid {
            return Err(Error::InvalidQuery(reason.clone()));
        }
        let mut method = self.method.clone();
        let mut body = match &self.body {
            Some(Ok(body)) => Some(body.clone()),
            Some(Err(reason)) => return Err(Error::Serialize(reason.clone())),
            None => None,
        };
        let mut rpc_pairs: Vec<(String, String)> = Vec::new();
        let mut rpc_head_object = false;
        if matches!(self.target, Target::Function(_)) {
            match self.rpc_mode {
                RpcMode::Post => {
                    method = Method::POST;
                    if body.is_none() {
                        body = Some(Bytes::from_static(b"{}"));
                    }
                }
                RpcMode::Get | RpcMode::Head => {
                    let (args, has_object) = self.rpc_query_args()?;
                    if self.rpc_mode == RpcMode::Head && has_object {
                        method = Method::POST;
                        rpc_head_object = true;
                    } else {
                        method = if self.rpc_mode == RpcMode::Head {
                            Method::HEAD
                        } else {
                            Method::GET
                        };
                        rpc_pairs = args;
                        body = None;
                    }
                }
            }
        }
        let pairs = rpc_pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(self.query.pairs());

        let mut url = self.client.service.base().clone();
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Error::InvalidQuery("the PostgREST URL cannot have a path".into()))?;
            segments.pop_if_empty();
            match &self.target {
                Target::Relation(name) => {
                    segments.push(name);
                }
                Target::Function(name) => {
                    segments.push("rpc").push(name);
                }
                Target::Root => {
                    segments.push("");
                }
            }
        }
        if !rpc_pairs.is_empty() || !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }

        let mut headers = HeaderMap::with_capacity(self.headers.len() + 3);
        headers.extend(self.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        let prefer = self.prefer(rpc_head_object);
        let wants_count = prefer.iter().any(|p| {
            ["count=exact", "count=planned", "count=estimated"]
                .iter()
                .any(|c| p.contains(c))
        });
        if !prefer.is_empty() {
            headers.insert(
                HeaderName::from_static(PREFER),
                header_value(PREFER, &prefer.join(", "))?,
            );
        }
        let read = matches!(method, Method::GET | Method::HEAD);
        if let Some(schema) = &self.client.schema {
            let name = if read {
                "accept-profile"
            } else {
                "content-profile"
            };
            let value = match &schema.header {
                Some(value) => value.clone(),
                None => header_value(name, &schema.name)?,
            };
            headers.insert(HeaderName::from_static(name), value);
        }
        if !read {
            headers.insert(
                HeaderName::from_static("content-type"),
                HeaderValue::from_static("application/json"),
            );
        }
        if self.strip_nulls {
            let accept = self.accept();
            let rewritten = match accept.as_deref() {
                Some("application/vnd.pgrst.object+json") => {
                    Some("application/vnd.pgrst.object+json;nulls=stripped")
                }
                None | Some("application/json") => {
                    Some("application/vnd.pgrst.array+json;nulls=stripped")
                }
                Some(_) => None,
            };
            if let Some(value) = rewritten {
                headers.insert(ACCEPT, HeaderValue::from_static(value));
            }
        }

        let mut request = Request::new(method.clone(), url);
        request.headers = headers;
        request.body = body.map(supabase_core::Body::from);
        request.timeout = self.timeout;
        let retry = read && self.retry.unwrap_or(true);
        Ok(Built {
            request,
            wants_count,
            retry,
        })
    }
}

impl fmt::Debug for RequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("query", &self.query)
            // Names only: a header set by the caller may hold a token or a cookie.
            .field(
                "headers",
                &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .field("prefer", &self.prefer(false))
            .field(
                "body_bytes",
                &self.body.as_ref().map(|b| b.as_ref().map(Bytes::len)),
            )
            .field("invalid", &self.invalid)
            .finish_non_exhaustive()
    }
}
