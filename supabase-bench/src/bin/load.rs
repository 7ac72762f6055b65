//! The side-by-side's load generator (issue 17): one client, one workload, one thread.
//!
//! `cargo xtask bench` runs this binary once per client, workload and round, as a separate
//! process, against a server it also starts with this binary (`load server`), and reads the
//! one JSON line each run prints. Every client runs on a current-thread Tokio runtime, so each
//! process uses one thread (the server likewise serves from one thread).
//!
//! ```text
//! load server                      # prints the server's URL, serves until stdin closes
//! load <client> <workload> <url> [--warmup <s>] [--seconds <s>]   # a timed run
//! load <client> <workload> <url> --requests <n>                   # a fixed count (profilers)
//! ```
//!
//! Clients: `hyper` (hyper-util's legacy client used directly: HTTP/1 over `HttpConnector`,
//! the URL and headers built by hand, `serde_json` on the collected body), `postgrest` (the
//! `postgrest` crate 1.6), `reqwest` (raw reqwest 0.13, as [`supabase_bench::Baseline`]) and
//! `ours` (the façade), `ours-hyper` (the façade on the hyper-util connector, feature `hyper`). supabase-js runs the same workloads from `supabase-bench/js/load.cjs`.
//!
//! Workloads: `seq` (one request at a time), `in64` (64 in flight), `user64` (64 in flight, a
//! different user's JWT on every request: ours `with_auth` per request), `rows16` (1,000 rows
//! an answer, 16 in flight) and `session64` (64 in flight, ours signed in through the mock
//! Auth server; only `ours`). Every request sends the query of case 1 (`select`, three `eq`
//! filters, `order`, `limit`) and checks that every row of the answer was decoded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use supabase::auth::PasswordCredentials;
use supabase::supabase_core::CLIENT_INFO;
use supabase_bench::fixtures::{
    ANON_KEY, FILTERS, LARGE_ROWS, LARGE_TABLE, LIMIT, ORDER_COLUMN, SELECT, SELECT_ROWS, TABLE,
    Todo, user_jwt,
};
use supabase_bench::{BenchError, Server};
use url::form_urlencoded;

/// Distinct user JWTs the `user64` workload cycles through.
const USERS: usize = 1_024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Workload {
    Seq,
    In64,
    User64,
    Rows16,
    Session64,
}

impl Workload {
    fn parse(s: &str) -> Self {
        match s {
            "seq" => Self::Seq,
            "in64" => Self::In64,
            "user64" => Self::User64,
            "rows16" => Self::Rows16,
            "session64" => Self::Session64,
            other => panic!("unknown workload `{other}`"),
        }
    }

    fn in_flight(self) -> usize {
        match self {
            Self::Seq => 1,
            Self::Rows16 => 16,
            Self::In64 | Self::User64 | Self::Session64 => 64,
        }
    }

    fn table(self) -> &'static str {
        if self == Self::Rows16 {
            LARGE_TABLE
        } else {
            TABLE
        }
    }

    fn rows(self) -> usize {
        if self == Self::Rows16 {
            LARGE_ROWS
        } else {
            SELECT_ROWS
        }
    }

    fn limit(self) -> u64 {
        if self == Self::Rows16 {
            LARGE_ROWS as u64
        } else {
            LIMIT
        }
    }

    fn per_user(self) -> bool {
        self == Self::User64
    }
}

/// `<rest url>/<table>?select=…&user_id=eq.42&…&order=inserted_at.desc&limit=<limit>`,
/// form-urlencoded as [`supabase_bench::Baseline::url`] builds it, on every request.
fn hand_built_url(rest_url: &str, table: &str, limit: u64) -> String {
    let mut url = String::with_capacity(rest_url.len() + 128);
    url.push_str(rest_url);
    url.push('/');
    url.push_str(table);
    url.push('?');
    let start = url.len();
    let mut query = form_urlencoded::Serializer::for_suffix(url, start);
    query.append_pair("select", SELECT);
    for (column, value) in FILTERS {
        query.append_pair(column, &format!("eq.{value}"));
    }
    query.append_pair("order", &format!("{ORDER_COLUMN}.desc"));
    query.append_pair("limit", &limit.to_string());
    query.finish()
}

/// The headers every hand-built client sends (the bearer too, unless it changes per request).
fn fixed_headers(bearer: Option<&str>) -> Result<HeaderMap, BenchError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static("apikey"),
        HeaderValue::from_static(ANON_KEY),
    );
    if let Some(jwt) = bearer {
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {jwt}"))?,
        );
    }
    headers.insert(
        HeaderName::from_static("accept-profile"),
        HeaderValue::from_static("public"),
    );
    headers.insert(
        HeaderName::from_static("x-client-info"),
        HeaderValue::from_static(CLIENT_INFO),
    );
    Ok(headers)
}

fn bearer_header(jwt: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer {jwt}")).expect("a JWT is a valid header value")
}

#[allow(clippy::large_enum_variant)] // one value per process
enum Kind {
    Hyper {
        client: HyperClient<HttpConnector, Empty<Bytes>>,
        rest_url: String,
        headers: HeaderMap,
    },
    Reqwest {
        http: reqwest::Client,
        rest_url: String,
        headers: HeaderMap,
    },
    Postgrest(postgrest::Postgrest),
    Ours(supabase::Client),
}

struct Runner {
    workload: Workload,
    users: Vec<String>,
    kind: Kind,
}

impl Runner {
    async fn new(client: &str, workload: Workload, url: &str) -> Result<Self, BenchError> {
        let rest_url = format!("{url}/rest/v1");
        let per_user = workload.per_user();
        let fixed_jwt = user_jwt(0);
        let bearer = (!per_user).then_some(fixed_jwt.as_str());
        if workload == Workload::Session64 && client != "ours" && client != "ours-hyper" {
            return Err("the session64 workload is for `ours` (and supabase-js) only".into());
        }
        let kind = match client {
            "hyper" => {
                let mut connector = HttpConnector::new();
                connector.set_nodelay(true);
                let mut headers = fixed_headers(bearer)?;
                headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
                Kind::Hyper {
                    client: HyperClient::builder(TokioExecutor::new()).build(connector),
                    rest_url,
                    headers,
                }
            }
            "reqwest" => Kind::Reqwest {
                http: supabase::supabase_core::http_client_builder()?
                    .redirect(reqwest::redirect::Policy::default())
                    .build()?,
                rest_url,
                headers: fixed_headers(bearer)?,
            },
            "postgrest" => {
                let mut db = postgrest::Postgrest::new(rest_url)
                    .schema("public")
                    .insert_header("apikey", ANON_KEY)
                    .insert_header("x-client-info", CLIENT_INFO);
                if let Some(jwt) = bearer {
                    db = db.insert_header("authorization", format!("Bearer {jwt}"));
                }
                Kind::Postgrest(db)
            }
            "ours" | "ours-hyper" => {
                let builder = supabase::Client::builder(url, ANON_KEY);
                let builder = if client == "ours-hyper" {
                    builder.hyper_connector()
                } else {
                    builder
                };
                let client = builder.build()?;
                Kind::Ours(match workload {
                    Workload::User64 => client,
                    Workload::Session64 => {
                        client
                            .auth()?
                            .sign_in_with_password(PasswordCredentials::email(
                                "bench@example.com",
                                "bench-password",
                            ))
                            .await?;
                        client
                    }
                    _ => client.with_auth(&fixed_jwt)?,
                })
            }
            other => return Err(format!("unknown client `{other}`").into()),
        };
        let users = if per_user {
            (0..USERS).map(user_jwt).collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            workload,
            users,
            kind,
        })
    }

    /// One request; `i` picks the user of a per-user workload. Returns the rows decoded.
    async fn one(&self, i: usize) -> usize {
        let table = self.workload.table();
        let limit = self.workload.limit();
        let user = self.users.get(i % USERS.max(1)).map(String::as_str);
        match &self.kind {
            Kind::Hyper {
                client,
                rest_url,
                headers,
            } => {
                let uri: hyper::Uri = hand_built_url(rest_url, table, limit).parse().expect("uri");
                let mut request = hyper::Request::new(Empty::<Bytes>::new());
                *request.uri_mut() = uri;
                *request.headers_mut() = headers.clone();
                if let Some(jwt) = user {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, bearer_header(jwt));
                }
                let response = client.request(request).await.expect("hyper: send");
                assert!(response.status().is_success(), "hyper: HTTP error");
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .expect("hyper: body")
                    .to_bytes();
                let rows: Vec<Todo> = serde_json::from_slice(&body).expect("hyper: decode");
                rows.len()
            }
            Kind::Reqwest {
                http,
                rest_url,
                headers,
            } => {
                let mut builder = http
                    .get(hand_built_url(rest_url, table, limit))
                    .headers(headers.clone());
                if let Some(jwt) = user {
                    builder = builder.header(AUTHORIZATION, bearer_header(jwt));
                }
                let response = builder.send().await.expect("reqwest: send");
                assert!(response.status().is_success(), "reqwest: HTTP error");
                let body = response.bytes().await.expect("reqwest: body");
                let rows: Vec<Todo> = serde_json::from_slice(&body).expect("reqwest: decode");
                rows.len()
            }
            Kind::Postgrest(db) => {
                let [(c1, v1), (c2, v2), (c3, v3)] = FILTERS;
                let mut builder = db.from(table);
                if let Some(jwt) = user {
                    builder = builder.auth(jwt);
                }
                let response = builder
                    .select(SELECT)
                    .eq(c1, v1)
                    .eq(c2, v2)
                    .eq(c3, v3)
                    .order(format!("{ORDER_COLUMN}.desc"))
                    .limit(limit as usize)
                    .execute()
                    .await
                    .expect("postgrest crate: send");
                assert!(
                    response.status().is_success(),
                    "postgrest crate: HTTP error"
                );
                let body = response.bytes().await.expect("postgrest crate: body");
                let rows: Vec<Todo> =
                    serde_json::from_slice(&body).expect("postgrest crate: decode");
                rows.len()
            }
            Kind::Ours(client) => {
                let scoped;
                let client = match user {
                    Some(jwt) => {
                        scoped = client.with_auth(jwt).expect("ours: with_auth");
                        &scoped
                    }
                    None => client,
                };
                let [(c1, v1), (c2, v2), (c3, v3)] = FILTERS;
                let response = client
                    .from(table)
                    .select(SELECT)
                    .eq(c1, v1)
                    .eq(c2, v2)
                    .eq(c3, v3)
                    .order(ORDER_COLUMN, supabase::postgrest::Order::desc())
                    .limit(limit)
                    .execute::<Todo>()
                    .await
                    .expect("ours: select");
                response.data.len()
            }
        }
    }
}

/// How long (or how much) to run.
enum Plan {
    Timed {
        warm_up: Duration,
        measure: Duration,
    },
    Count(usize),
}

/// Runs the workload and returns (requests, seconds) measured.
async fn drive(runner: Arc<Runner>, plan: Plan) -> (u64, f64) {
    let in_flight = runner.workload.in_flight();
    let expected = runner.workload.rows();
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let per_task = match plan {
        Plan::Count(n) => Some(n.div_ceil(in_flight)),
        Plan::Timed { .. } => None,
    };
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..in_flight {
        let (runner, done, stop) = (Arc::clone(&runner), Arc::clone(&done), Arc::clone(&stop));
        tasks.spawn(async move {
            let mut i = k;
            let mut sent = 0;
            while !stop.load(Ordering::Relaxed) && per_task.is_none_or(|n| sent < n) {
                let rows = runner.one(i).await;
                assert_eq!(rows, expected, "every row decoded");
                done.fetch_add(1, Ordering::Relaxed);
                i += in_flight;
                sent += 1;
            }
        });
    }
    let measured = match plan {
        Plan::Timed { warm_up, measure } => {
            tokio::time::sleep(warm_up).await;
            let (c0, t0) = (done.load(Ordering::Relaxed), Instant::now());
            tokio::time::sleep(measure).await;
            let (c1, t1) = (done.load(Ordering::Relaxed), Instant::now());
            stop.store(true, Ordering::Relaxed);
            Some((c1 - c0, (t1 - t0).as_secs_f64()))
        }
        Plan::Count(_) => None,
    };
    while let Some(joined) = tasks.join_next().await {
        joined.expect("a request task panicked");
    }
    measured.unwrap_or_else(|| {
        (
            done.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64(),
        )
    })
}

fn seconds(value: Option<&String>, default: f64) -> Duration {
    Duration::from_secs_f64(value.map_or(default, |v| v.parse().expect("seconds")))
}

fn main() -> Result<(), BenchError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("server") {
        let server = Server::start()?;
        println!("{}", server.url());
        std::io::stdout().flush()?;
        // Serve until the parent closes our stdin.
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        drop(server);
        return Ok(());
    }
    let [client, workload, url, options @ ..] = args.as_slice() else {
        return Err("usage: load server | load <client> <workload> <url> [--warmup s] [--seconds s] [--requests n]".into());
    };
    let option = |name: &str| {
        options
            .iter()
            .position(|o| o == name)
            .and_then(|k| options.get(k + 1))
    };
    let workload = Workload::parse(workload);
    let plan = match option("--requests") {
        Some(n) => Plan::Count(n.parse()?),
        None => Plan::Timed {
            warm_up: seconds(option("--warmup"), 0.3),
            measure: seconds(option("--seconds"), 1.0),
        },
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (requests, secs) = rt.block_on(async {
        let runner = Arc::new(Runner::new(client, workload, url).await?);
        Ok::<_, BenchError>(drive(runner, plan).await)
    })?;
    println!(
        "{{\"client\":\"{client}\",\"workload\":\"{}\",\"requests\":{requests},\"seconds\":{secs:.6},\"rps\":{:.1}}}",
        args[1],
        requests as f64 / secs
    );
    Ok(())
}
