//! The HTTP cases of issue 6, against the in-process server: 1 (one select, sequential),
//! 2 (64 requests in flight), 3 (a `with_auth` client per request reuses one pooled
//! connection), 5 (token provider under 1,000 concurrent requests) and 6 (the `postgrest`
//! crate).
//!
//! Before measuring, it checks that our client, the baseline and the `postgrest` crate send
//! the same query, counts the connections 1,000 scoped clients make the server accept, and
//! checks that a provider near expiry refreshes exactly once; it stops with a message if a
//! check does not hold. Then it takes the paired measurements (ours and the baseline in
//! alternating batches; the ratios the report judges), then criterion's.
//!
//! `SUPABASE_BENCH_PROFILE=<client>` turns it into a fixed workload for a profiler (see
//! [`profile_only`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use supabase::auth::{MemoryStore, SessionStore};
use supabase::postgrest::PostgrestClient;
use supabase::supabase_core::{AccessToken, CLIENT_INFO, StaticTokenProvider, TokenProvider};
use supabase_bench::fixtures::{
    ANON_KEY, FILTERS, LIMIT, ORDER_COLUMN, REFRESHED_JWT, SELECT, SELECT_ROWS, TABLE, Todo,
    USER_JWT, case1_query, stored_session,
};
use supabase_bench::{
    Baseline, Facts, Protocol, Recorded, Server, Settings, client_runtime, paired, raise_fd_limit,
};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

/// Requests in flight in case 2, and requests each of those tasks sends per iteration.
const IN_FLIGHT: usize = 64;
const PER_TASK: usize = 16;
/// Sequential requests per batch in the paired measurement of cases 1 and 6.
const SEQUENTIAL_BATCH: usize = 100;
/// Requests (after a warm-up) in the profiling mode, see [`profile_only`].
const PROFILE_REQUESTS: usize = 2_000;
const PROFILE_WARM_UP: usize = 100;
/// Requests of each kind in the one-by-one diagnostics of case 1 ([`in_situ_timing`]).
const IN_SITU_ROUNDS: usize = 2_000;
/// Concurrent requests in case 5.
const CONCURRENT: usize = 1_000;
/// Scoped clients created in the connection check of case 3.
const SCOPED_CLIENTS: usize = 1_000;
/// Sequential requests that warm up an HTTP/1.1 pool before its connections are counted.
const WARM_UP_REQUESTS: usize = 1_000;

struct Setup {
    rt: Runtime,
    server: Server,
    /// Our façade, scoped to the user with `with_auth` (what a server does per request).
    ours: Arc<supabase::Client>,
    baseline: Arc<Baseline>,
    postgrest_rs: Arc<postgrest::Postgrest>,
}

// --- one request with each client; each returns the number of rows decoded ---------------

async fn ours_select(client: &supabase::Client) -> usize {
    let rows = case1_query(client.from(TABLE))
        .execute::<Todo>()
        .await
        .expect("our client: select failed");
    black_box(rows.data).len()
}

async fn ours_postgrest_select(client: &PostgrestClient) -> usize {
    let rows = case1_query(client.from(TABLE))
        .execute::<Todo>()
        .await
        .expect("our postgrest client: select failed");
    black_box(rows.data).len()
}

async fn baseline_select(baseline: &Baseline) -> usize {
    let rows: Vec<Todo> = baseline
        .select(TABLE, SELECT, &FILTERS)
        .await
        .expect("baseline: select failed");
    black_box(rows).len()
}

async fn postgrest_rs_select(db: &postgrest::Postgrest) -> usize {
    let [(c1, v1), (c2, v2), (c3, v3)] = FILTERS;
    let response = db
        .from(TABLE)
        .select(SELECT)
        .eq(c1, v1)
        .eq(c2, v2)
        .eq(c3, v3)
        .order(format!("{ORDER_COLUMN}.desc"))
        .limit(LIMIT as usize)
        .execute()
        .await
        .expect("postgrest crate: select failed");
    assert!(
        response.status().is_success(),
        "postgrest crate: HTTP {}",
        response.status()
    );
    let body = response.bytes().await.expect("postgrest crate: body");
    let rows: Vec<Todo> = serde_json::from_slice(&body).expect("postgrest crate: decode");
    black_box(rows).len()
}

/// Our request for case 1, built and not sent (the work `execute` does before any I/O).
fn ours_request(client: &supabase::Client) -> supabase::supabase_core::Request {
    case1_query(client.from(TABLE))
        .to_request()
        .expect("our client: request")
}

/// Runs `tasks` tasks that each send `per_task` requests one after the other, and checks
/// every request decoded [`SELECT_ROWS`] rows.
async fn fan_out<C, F, Fut>(client: &Arc<C>, tasks: usize, per_task: usize, request: F)
where
    C: Send + Sync + 'static,
    F: Fn(Arc<C>) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = usize> + Send,
{
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        let client = Arc::clone(client);
        set.spawn(async move {
            let mut rows = 0;
            for _ in 0..per_task {
                rows += request(Arc::clone(&client)).await;
            }
            rows
        });
    }
    let mut rows = 0;
    while let Some(done) = set.join_next().await {
        rows += done.expect("a request task panicked");
    }
    assert_eq!(rows, tasks * per_task * SELECT_ROWS);
}

/// Sends [`SEQUENTIAL_BATCH`] requests one after the other and returns how long they took.
async fn sequential<C, F, Fut>(client: &Arc<C>, request: F) -> Duration
where
    F: Fn(Arc<C>) -> Fut,
    Fut: Future<Output = usize>,
{
    let started = Instant::now();
    let mut rows = 0;
    for _ in 0..SEQUENTIAL_BATCH {
        rows += request(Arc::clone(client)).await;
    }
    let elapsed = started.elapsed();
    assert_eq!(rows, SEQUENTIAL_BATCH * SELECT_ROWS);
    elapsed
}

// --- checks that run before measuring ----------------------------------------------------

fn setup() -> Setup {
    let rt = client_runtime().expect("client runtime");
    let server = Server::start().expect("bench server");
    let url = server.url();
    let _guard = rt.enter();
    let ours = supabase::create_client(&url, ANON_KEY)
        .and_then(|c| c.with_auth(USER_JWT))
        .expect("our client");
    let baseline = Baseline::new(&url, ANON_KEY, USER_JWT, CLIENT_INFO).expect("baseline");
    let postgrest_rs = postgrest::Postgrest::new(format!("{url}/rest/v1"))
        .schema("public")
        .insert_header("apikey", ANON_KEY)
        .insert_header("authorization", format!("Bearer {USER_JWT}"))
        .insert_header("x-client-info", CLIENT_INFO);
    Setup {
        rt,
        server,
        ours: Arc::new(ours),
        baseline: Arc::new(baseline),
        postgrest_rs: Arc::new(postgrest_rs),
    }
}

/// Our client and the baseline send exactly the same request; the postgrest crate the same
/// path, query and credentials.
fn check_same_request(s: &Setup, facts: &mut Facts) {
    s.server.start_recording();
    let rows = s.rt.block_on(async {
        [
            ours_select(&s.ours).await,
            baseline_select(&s.baseline).await,
            postgrest_rs_select(&s.postgrest_rs).await,
        ]
    });
    let recorded = s.server.take_recorded();
    assert_eq!(rows, [SELECT_ROWS; 3], "every client decodes every row");
    let [ours, baseline, postgrest_rs]: [Recorded; 3] =
        recorded.try_into().expect("the server saw three requests");
    assert_eq!(ours.method, "GET");
    assert_eq!(
        ours.path_and_query, baseline.path_and_query,
        "our client and the baseline send the same path and query"
    );
    assert_eq!(
        ours.headers, baseline.headers,
        "our client and the baseline send the same headers"
    );
    // The postgrest crate sends `limit` as a `Range: 0-19` header instead of a query pair.
    let limit_pair = format!("&limit={LIMIT}");
    assert_eq!(
        ours.path_and_query.replace(&limit_pair, ""),
        postgrest_rs.path_and_query,
        "our client and the postgrest crate send the same path and query (but `limit`)"
    );
    for name in ["apikey", "authorization", "accept-profile", "x-client-info"] {
        assert_eq!(
            ours.header(name),
            postgrest_rs.header(name),
            "header {name}"
        );
    }
    let names = |r: &Recorded| {
        r.headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    facts.set("request.path_and_query", ours.path_and_query.clone());
    facts.set("request.ours_headers", names(&ours));
    facts.set("request.baseline_headers", names(&baseline));
    facts.set("request.postgrest_rs_headers", names(&postgrest_rs));
}

/// Case 3: clients made with `with_auth` share the parent's connection pool.
///
/// The proof runs against a second server speaking HTTP/2 (prior knowledge), where a pool
/// keeps exactly one connection per host: [`SCOPED_CLIENTS`] clients made with `with_auth`,
/// one request each, must make the server accept exactly one connection. A second
/// `create_client` must make it accept one more (so the counter does see a new pool). The
/// run fails if the control does not hold; the main count is reported (PASS/MISS).
///
/// Over HTTP/1.1 the same count is taken for information, after a warm-up: reqwest returns a
/// connection to its pool asynchronously once the body is read, so a request that starts at
/// once may open another connection, which is pooled too. Raw reqwest does the same, so this
/// count says nothing about `with_auth`; it is reported next to the baseline's.
fn check_one_connection(s: &Setup, facts: &mut Facts) {
    let h2 = Server::start_with(Protocol::Http2).expect("HTTP/2 server");
    let h2_client = || {
        let http = supabase::supabase_core::http_client_builder()
            .expect("builder")
            .http2_prior_knowledge()
            .build()
            .expect("HTTP/2 reqwest client");
        let config = supabase::Config::new(&h2.url(), ANON_KEY)
            .expect("config")
            .http_client(http);
        supabase::Client::new(config).expect("client")
    };
    let (connections, requests, control) = s.rt.block_on(async {
        let stats = h2.stats();
        let parent = h2_client();
        for _ in 0..SCOPED_CLIENTS {
            let scoped = parent.with_auth(USER_JWT).expect("with_auth");
            assert_eq!(ours_select(&scoped).await, SELECT_ROWS);
        }
        let (c1, r1) = (stats.connections(), stats.requests());
        let other = h2_client().with_auth(USER_JWT).expect("with_auth");
        assert_eq!(ours_select(&other).await, SELECT_ROWS);
        (c1, r1, stats.connections() - c1)
    });
    facts.set("case3.scoped_clients", SCOPED_CLIENTS as u64);
    facts.set("case3.requests", requests);
    facts.set("case3.connections", connections);
    facts.set("case3.control_new_client_connections", control);
    assert_eq!(requests, SCOPED_CLIENTS as u64);
    assert_eq!(control, 1, "a new create_client opens its own connection");

    let stats = s.server.stats();
    let url = s.server.url();
    let (warmup, new, baseline_warmup) = s.rt.block_on(async {
        let parent = supabase::create_client(&url, ANON_KEY).expect("client");
        let c0 = stats.connections();
        let warm = parent.with_auth(USER_JWT).expect("with_auth");
        for _ in 0..WARM_UP_REQUESTS {
            assert_eq!(ours_select(&warm).await, SELECT_ROWS);
        }
        let c1 = stats.connections();
        for _ in 0..SCOPED_CLIENTS {
            let scoped = parent.with_auth(USER_JWT).expect("with_auth");
            assert_eq!(ours_select(&scoped).await, SELECT_ROWS);
        }
        let c2 = stats.connections();
        let baseline = Baseline::new(&url, ANON_KEY, USER_JWT, CLIENT_INFO).expect("baseline");
        for _ in 0..WARM_UP_REQUESTS {
            assert_eq!(baseline_select(&baseline).await, SELECT_ROWS);
        }
        (c1 - c0, c2 - c1, stats.connections() - c2)
    });
    facts.set("case3.http1.warmup_requests", WARM_UP_REQUESTS as u64);
    facts.set("case3.http1.warmup_connections", warmup);
    facts.set("case3.http1.new_connections", new);
    facts.set("case3.http1.baseline_warmup_connections", baseline_warmup);
}

/// A client of our façade signed in with a session (read from its session store, as after a
/// sign-in) whose access token expires `expires_in` seconds from now, refreshed when less
/// than 60 s are left: its data requests take their token from `supabase-auth`'s
/// session-backed provider. It shares nothing with the other clients but the server.
fn session_client(s: &Setup, expires_in: u64) -> supabase::Client {
    const STORAGE_KEY: &str = "bench-session";
    let store = Arc::new(MemoryStore::new());
    s.rt.block_on(store.set(STORAGE_KEY, &stored_session(expires_in)))
        .expect("store the session");
    let _guard = s.rt.enter();
    supabase::Client::builder(&s.server.url(), ANON_KEY)
        .session_store(store)
        .storage_key(STORAGE_KEY)
        .refresh_margin(Duration::from_secs(60))
        .build()
        .expect("session client")
}

/// Case 5: a session whose token is within the refresh margin is refreshed exactly once under
/// 1,000 concurrent requests, and every request carries the new token.
fn check_one_refresh(s: &Setup, facts: &mut Facts) {
    let client = Arc::new(session_client(s, 10).postgrest().clone());
    let refreshes_before = s.server.stats().refreshes();
    s.server.start_recording();
    s.rt.block_on(fan_out(&client, CONCURRENT, 1, |c| async move {
        ours_postgrest_select(&c).await
    }));
    let recorded = s.server.take_recorded();
    let server_refreshes = s.server.stats().refreshes() - refreshes_before;
    let selects: Vec<&Recorded> = recorded.iter().filter(|r| r.method == "GET").collect();
    let new_bearer = format!("Bearer {REFRESHED_JWT}");
    let with_new_token = selects
        .iter()
        .filter(|r| r.header("authorization") == Some(new_bearer.as_str()))
        .count();
    facts.set("case5.concurrent_requests", CONCURRENT as u64);
    facts.set("case5.server_refreshes", server_refreshes);
    facts.set("case5.requests_with_new_token", with_new_token as u64);
    assert_eq!(server_refreshes, 1, "the server saw exactly one refresh");
    assert_eq!(selects.len(), CONCURRENT);
    assert_eq!(
        with_new_token, CONCURRENT,
        "every request carries the new token"
    );
}

// --- the measurements --------------------------------------------------------------------

fn case1_select(c: &mut Criterion, s: &Setup) {
    let mut group = c.benchmark_group("case1_select");
    group.throughput(Throughput::Elements(1));
    group.bench_function("baseline", |b| {
        b.to_async(&s.rt).iter(|| baseline_select(&s.baseline))
    });
    group.bench_function("ours", |b| b.to_async(&s.rt).iter(|| ours_select(&s.ours)));
    group.bench_function("postgrest_rs", |b| {
        b.to_async(&s.rt)
            .iter(|| postgrest_rs_select(&s.postgrest_rs))
    });
    group.finish();
}

fn case2_in_flight(c: &mut Criterion, s: &Setup, settings: &Settings) {
    let mut group = c.benchmark_group("case2_in_flight_64");
    group
        .sample_size(settings.heavy_sample_size)
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements((IN_FLIGHT * PER_TASK) as u64));
    group.bench_function("baseline", |b| {
        b.to_async(&s.rt).iter(|| {
            fan_out(&s.baseline, IN_FLIGHT, PER_TASK, |c| async move {
                baseline_select(&c).await
            })
        })
    });
    group.bench_function("ours", |b| {
        b.to_async(&s.rt).iter(|| {
            fan_out(&s.ours, IN_FLIGHT, PER_TASK, |c| async move {
                ours_select(&c).await
            })
        })
    });
    group.bench_function("postgrest_rs", |b| {
        b.to_async(&s.rt).iter(|| {
            fan_out(&s.postgrest_rs, IN_FLIGHT, PER_TASK, |c| async move {
                postgrest_rs_select(&c).await
            })
        })
    });
    group.finish();
}

/// Case 5's two clients: (static token, session-backed provider whose token is fresh for an
/// hour). Both are `PostgrestClient`s of our façade, so only the token provider differs.
fn case5_clients(s: &Setup) -> (Arc<PostgrestClient>, Arc<PostgrestClient>) {
    let token = AccessToken::new(USER_JWT).expect("token");
    let fixed: Arc<dyn TokenProvider> = Arc::new(StaticTokenProvider::new(token));
    let session = session_client(s, 3_600).postgrest().clone();
    (
        Arc::new(session.with_token_provider(fixed)),
        Arc::new(session),
    )
}

/// Diagnostics for case 1: how long building a request takes between network waits, where
/// caches have gone cold (ours with `to_request`, the baseline's with
/// `RequestBuilder::build`), timed one by one before every other baseline request, to set
/// against case 3's hot figures. Medians over [`IN_SITU_ROUNDS`] builds of each.
fn in_situ_timing(s: &Setup, facts: &mut Facts) {
    let mut ours = Vec::with_capacity(IN_SITU_ROUNDS);
    let mut base = Vec::with_capacity(IN_SITU_ROUNDS);
    s.rt.block_on(async {
        for i in 0..2 * IN_SITU_ROUNDS {
            let started = Instant::now();
            if i % 2 == 0 {
                drop(black_box(ours_request(&s.ours)));
                ours.push(started.elapsed());
            } else {
                drop(black_box(
                    s.baseline
                        .request(TABLE, SELECT, &FILTERS)
                        .build()
                        .expect("request"),
                ));
                base.push(started.elapsed());
            }
            baseline_select(&s.baseline).await;
        }
    });
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times
            .get(times.len() / 2)
            .map_or(0.0, |d| d.as_nanos() as f64)
    };
    facts.set("case1.in_situ.rounds", IN_SITU_ROUNDS as u64);
    facts.set("case1.in_situ.ours_build_ns", median(&mut ours));
    facts.set("case1.in_situ.baseline_build_ns", median(&mut base));
}

/// Paired measurements (see [`paired`]): the ratios the report judges the targets by.
fn paired_cases(s: &Setup, settings: &Settings, facts: &mut Facts) {
    let case1 = paired(
        settings.paired_rounds,
        || {
            s.rt.block_on(sequential(
                &s.ours,
                |c| async move { ours_select(&c).await },
            ))
        },
        || {
            s.rt.block_on(sequential(&s.baseline, |c| async move {
                baseline_select(&c).await
            }))
        },
    );
    facts.set("case1.paired", case1.to_json());
    let case6 = paired(
        settings.paired_rounds,
        || {
            s.rt.block_on(sequential(&s.postgrest_rs, |c| async move {
                postgrest_rs_select(&c).await
            }))
        },
        || {
            s.rt.block_on(sequential(&s.baseline, |c| async move {
                baseline_select(&c).await
            }))
        },
    );
    facts.set("case6.sequential.paired", case6.to_json());

    let timed = |batch: Pin<Box<dyn Future<Output = ()> + '_>>| {
        // One allocation per batch of 1,000 requests, the same for both sides.
        s.rt.block_on(async {
            let started = Instant::now();
            batch.await;
            started.elapsed()
        })
    };
    let case2 = paired(
        settings.heavy_paired_rounds,
        || {
            timed(Box::pin(fan_out(
                &s.ours,
                IN_FLIGHT,
                PER_TASK,
                |c| async move { ours_select(&c).await },
            )))
        },
        || {
            timed(Box::pin(fan_out(
                &s.baseline,
                IN_FLIGHT,
                PER_TASK,
                |c| async move { baseline_select(&c).await },
            )))
        },
    );
    facts.set("case2.paired", case2.to_json());
    let case6 = paired(
        settings.heavy_paired_rounds,
        || {
            timed(Box::pin(fan_out(
                &s.postgrest_rs,
                IN_FLIGHT,
                PER_TASK,
                |c| async move { postgrest_rs_select(&c).await },
            )))
        },
        || {
            timed(Box::pin(fan_out(
                &s.baseline,
                IN_FLIGHT,
                PER_TASK,
                |c| async move { baseline_select(&c).await },
            )))
        },
    );
    facts.set("case6.in_flight.paired", case6.to_json());

    let (static_client, session_client) = case5_clients(s);
    let case5 = paired(
        settings.heavy_paired_rounds,
        || {
            timed(Box::pin(fan_out(
                &session_client,
                CONCURRENT,
                1,
                |c| async move { ours_postgrest_select(&c).await },
            )))
        },
        || {
            timed(Box::pin(fan_out(
                &static_client,
                CONCURRENT,
                1,
                |c| async move { ours_postgrest_select(&c).await },
            )))
        },
    );
    facts.set("case5.paired", case5.to_json());
}

fn case5_provider(c: &mut Criterion, s: &Setup, settings: &Settings) {
    let (static_client, session_client) = case5_clients(s);

    let mut group = c.benchmark_group("case5_provider_1000");
    group
        .sample_size(settings.heavy_sample_size)
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(CONCURRENT as u64));
    group.bench_function("static_token", |b| {
        b.to_async(&s.rt).iter(|| {
            fan_out(&static_client, CONCURRENT, 1, |c| async move {
                ours_postgrest_select(&c).await
            })
        })
    });
    group.bench_function("session_provider", |b| {
        b.to_async(&s.rt).iter(|| {
            fan_out(&session_client, CONCURRENT, 1, |c| async move {
                ours_postgrest_select(&c).await
            })
        })
    });
    group.finish();
}

/// `SUPABASE_BENCH_PROFILE=<ours|baseline|postgrest_rs>`: sends [`PROFILE_REQUESTS`]
/// requests of case 1 one after the other with that client and exits, skipping the checks and
/// criterion: a fixed workload to run under `valgrind --tool=callgrind` or `perf record`, e.g.
/// `SUPABASE_BENCH_PROFILE=ours valgrind --tool=callgrind --toggle-collect='*ours_select*'
/// target/release/deps/http-<hash> --bench`; divide the inclusive cost by the number of
/// requests (plus the 100 of warm-up).
fn profile_only(client: &str) {
    let s = setup();
    let started = Instant::now();
    let requests = s.rt.block_on(async {
        for _ in 0..PROFILE_WARM_UP + PROFILE_REQUESTS {
            let rows = match client {
                "ours" => ours_select(&s.ours).await,
                "baseline" => baseline_select(&s.baseline).await,
                "postgrest_rs" => postgrest_rs_select(&s.postgrest_rs).await,
                other => panic!("SUPABASE_BENCH_PROFILE: unknown client `{other}`"),
            };
            assert_eq!(rows, SELECT_ROWS);
        }
        PROFILE_WARM_UP + PROFILE_REQUESTS
    });
    println!(
        "profile: {requests} requests with `{client}` in {:.2?}",
        started.elapsed()
    );
}

fn main() {
    if let Ok(client) = std::env::var("SUPABASE_BENCH_PROFILE") {
        profile_only(&client);
        return;
    }
    let settings = Settings::from_env();
    // 1,000 requests in flight over HTTP/1.1: a client and a server socket each, plus slack.
    let limit = raise_fd_limit(4 * CONCURRENT as u64).expect("open-file limit");
    let s = setup();
    let mut facts = Facts::new("http");
    facts.set("open_file_limit", limit);
    check_same_request(&s, &mut facts);
    check_one_connection(&s, &mut facts);
    check_one_refresh(&s, &mut facts);
    facts.set(
        "server_connections_after_checks",
        s.server.stats().connections(),
    );
    in_situ_timing(&s, &mut facts);
    paired_cases(&s, &settings, &mut facts);
    facts.write().expect("write facts");

    let mut c = Criterion::default()
        .warm_up_time(settings.warm_up)
        .measurement_time(settings.measurement)
        .sample_size(settings.sample_size)
        .nresamples(settings.resamples)
        .configure_from_args();
    case1_select(&mut c, &s);
    case2_in_flight(&mut c, &s, &settings);
    case5_provider(&mut c, &s, &settings);
    c.final_summary();
}
