//! The cases of issue 6 without I/O: 3 (building a request; making a `with_auth` client,
//! split into its parts) and 4 (decoding 10,000 and 100,000 rows: our decoder against
//! `serde_json::from_slice` on the same bytes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use criterion::{Criterion, SamplingMode, Throughput};
use supabase::supabase_core::{
    AccessToken, CLIENT_INFO, HeaderMap, Response, StaticTokenProvider, StatusCode, SystemClock,
    TokenProvider, check_jwt_expiry, decode_jwt_exp,
};
use supabase_bench::fixtures::{
    ANON_KEY, FILTERS, Row, SELECT, TABLE, USER_JWT, case1_query, rows_body,
};
use supabase_bench::{Baseline, Facts, Settings, paired};

/// A project URL; nothing is sent in this bench.
const URL: &str = "http://127.0.0.1:9";

fn case3_build(c: &mut Criterion) {
    let parent = supabase::create_client(URL, ANON_KEY).expect("client");
    let ours = parent.with_auth(USER_JWT).expect("with_auth");
    let baseline = Baseline::new(URL, ANON_KEY, USER_JWT, CLIENT_INFO).expect("baseline");

    let mut group = c.benchmark_group("case3_build");
    // Our query builder, up to what `execute` consumes.
    group.bench_function("ours_builder", |b| {
        b.iter(|| case1_query(black_box(&ours).from(TABLE)))
    });
    // The same, up to the finished request (URL with the query string, headers):
    // `to_request` is what `execute` sends, minus the per-request token lookup.
    group.bench_function("ours_to_request", |b| {
        b.iter(|| {
            case1_query(black_box(&ours).from(TABLE))
                .to_request()
                .expect("request")
        })
    });
    group.bench_function("baseline_url", |b| {
        b.iter(|| black_box(&baseline).url(TABLE, SELECT, &FILTERS))
    });
    group.bench_function("baseline_request", |b| {
        b.iter(|| {
            black_box(&baseline)
                .request(TABLE, SELECT, &FILTERS)
                .build()
                .expect("request")
        })
    });
    group.finish();

    let token = AccessToken::new(USER_JWT).expect("token");
    let provider: Arc<dyn TokenProvider> = Arc::new(StaticTokenProvider::new(token.clone()));
    let mut group = c.benchmark_group("case3_with_auth");
    // What the target is about: `Client::with_auth`, the whole call.
    group.bench_function("with_auth", |b| {
        b.iter(|| {
            black_box(&parent)
                .with_auth(black_box(USER_JWT))
                .expect("with_auth")
        })
    });
    // Its first part: the token check `with_auth` runs (read `exp`, compare it with the
    // clock, build the header value), then that check's two halves.
    group.bench_function("token_check", |b| {
        b.iter(|| check_jwt_expiry(black_box(USER_JWT), &SystemClock).expect("check"))
    });
    group.bench_function("decode_exp", |b| {
        b.iter(|| decode_jwt_exp(black_box(USER_JWT)).expect("exp"))
    });
    group.bench_function("access_token_new", |b| {
        b.iter(|| AccessToken::new(black_box(USER_JWT)).expect("token"))
    });
    // Its second part, from a token that is already checked: `Client::with_token`, the scoped
    // client itself (a new provider, and the service clients that use it).
    group.bench_function("with_token", |b| {
        b.iter(|| black_box(&parent).with_token(black_box(&token).clone()))
    });
    // The cheapest scoped client today: PostgREST only, sharing an existing provider.
    group.bench_function("postgrest_with_provider", |b| {
        b.iter(|| {
            black_box(&parent)
                .postgrest()
                .with_token_provider(Arc::clone(&provider))
        })
    });
    group.finish();
}

fn case4_decode(c: &mut Criterion, settings: &Settings, facts: &mut Facts) {
    for (name, rows) in [("case4_decode_10k", 10_000), ("case4_decode_100k", 100_000)] {
        let body = Bytes::from(rows_body(rows).expect("body"));
        facts.set(&format!("{name}.body_bytes"), body.len() as u64);
        // Both decoders agree before anything is timed.
        let theirs: Vec<Row> = serde_json::from_slice(&body).expect("serde_json");
        let ours: Vec<Row> = Response::new(StatusCode::OK, HeaderMap::new(), body.clone())
            .json()
            .expect("ours");
        assert_eq!(theirs.len(), rows);
        assert_eq!(theirs, ours);

        let rounds = if rows > 10_000 {
            settings.heavy_paired_rounds
        } else {
            settings.paired_rounds
        };
        let timed = |decode: &dyn Fn() -> Vec<Row>| {
            let started = Instant::now();
            let decoded = decode();
            let elapsed = started.elapsed();
            assert_eq!(decoded.len(), rows);
            elapsed
        };
        let pair = paired(
            rounds,
            || {
                timed(&|| {
                    Response::new(StatusCode::OK, HeaderMap::new(), body.clone())
                        .json()
                        .expect("ours")
                })
            },
            || timed(&|| serde_json::from_slice(&body).expect("serde_json")),
        );
        facts.set(&format!("{name}.paired"), pair.to_json());

        let mut group = c.benchmark_group(name);
        group
            .throughput(Throughput::Elements(rows as u64))
            .sample_size(settings.heavy_sample_size)
            .sampling_mode(SamplingMode::Flat);
        group.bench_function("serde_json", |b| {
            b.iter(|| serde_json::from_slice::<Vec<Row>>(black_box(&body)).expect("decode"))
        });
        // What `execute::<Row>()` does with the body once it has arrived.
        group.bench_function("ours", |b| {
            b.iter(|| {
                Response::new(StatusCode::OK, HeaderMap::new(), black_box(&body).clone())
                    .json::<Vec<Row>>()
                    .expect("decode")
            })
        });
        group.finish();
    }
}

fn main() {
    let settings = Settings::from_env();
    let mut facts = Facts::new("cpu");
    let mut c = Criterion::default()
        .warm_up_time(settings.warm_up)
        .measurement_time(settings.measurement)
        .sample_size(settings.sample_size)
        .nresamples(settings.resamples)
        .configure_from_args();
    case3_build(&mut c);
    case4_decode(&mut c, &settings, &mut facts);
    facts.write().expect("write facts");
    c.final_summary();
}
