//! The runner itself: every case is judged, a failing, panicking or hanging case fails alone,
//! nothing is skipped, and `CONFORMANCE.md` is generated from the rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use supabase_conformance::families::registry;
use supabase_conformance::family::{BoxFuture, Family, RunOutput, Server};
use supabase_conformance::golden::{Case, Unreadable, load_file, parse};
use supabase_conformance::runner::{RunReport, Verdict, run_cases};

fn case(text: &str) -> Result<Case, Unreadable> {
    Ok(parse(text, Path::new("inline.json")).expect("test golden parses"))
}

/// A v2 select that the postgrest family runs and that matches exactly.
fn select_case(id: &str) -> Result<Case, Unreadable> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../supabase-test-support/conformance/golden/pg_select_default.json");
    let mut c = load_file(&path).expect("carried golden");
    c.id = id.to_owned();
    Ok(c)
}

fn verdict<'a>(report: &'a RunReport, id: &str) -> &'a Verdict {
    &report
        .cases
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} was not judged"))
        .verdict
}

fn failed_with(report: &RunReport, id: &str, needle: &str) {
    match verdict(report, id) {
        Verdict::Failed(reasons) => assert!(
            reasons.iter().any(|r| r.contains(needle)),
            "{id}: {reasons:?} does not mention {needle:?}"
        ),
        other => panic!("{id} should fail ({needle}), got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_op_fails_its_case_and_the_next_case_runs() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adv_unknown_method.json");
    let cases = vec![load_file(&fixture), select_case("after")];
    let report = run_cases(cases, &registry(), false).await;
    failed_with(
        &report,
        "adv_unknown_method",
        "unknown op from().frobnicate()",
    );
    assert!(matches!(verdict(&report, "after"), Verdict::Exact));
    assert_eq!(report.totals.given, 2);
    assert_eq!(report.totals.judged(), 2);
    assert_eq!(report.totals.failed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_no_family_claims_fails() {
    let cases = vec![
        case(
            r#"{"id":"x_unclaimed","client":"v2","case":{"ops":[{"bogus":"todos"}]},"requests":[]}"#,
        ),
        case(
            r#"{"id":"x_unknown_client","client":"v3","case":{"ops":[{"from":"todos"},{"call":"select"}]},"requests":[]}"#,
        ),
    ];
    let report = run_cases(cases, &registry(), false).await;
    failed_with(&report, "x_unclaimed", "no runner claims");
    failed_with(&report, "x_unknown_client", "no runner claims");
    assert_eq!(report.totals.judged(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_client_option_fails_its_case() {
    let cases = vec![case(
        r#"{"id":"x_option","client":"v2","case":{"options":{"fetchRetries":3},"ops":[{"from":"todos"},{"call":"select"}]},"requests":[]}"#,
    )];
    let report = run_cases(cases, &registry(), false).await;
    failed_with(&report, "x_option", "unknown client option `fetchRetries`");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escape_the_runner_does_not_map_fails_instead_of_being_sent_as_json() {
    let cases = vec![case(
        r#"{"id":"x_bytes","client":"v2","case":{"ops":[{"from":"todos"},{"call":"insert","args":[{"data":{"$bytes":"AAE="}}]}]},"requests":[]}"#,
    )];
    let report = run_cases(cases, &registry(), false).await;
    failed_with(
        &report,
        "x_bytes",
        "the DSL escape `$bytes` is not interpreted",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_golden_is_a_failed_case() {
    let cases = vec![
        Err(Unreadable {
            id: "broken".into(),
            file: "broken.json".into(),
            error: "parsing: EOF".into(),
        }),
        select_case("after"),
    ];
    let report = run_cases(cases, &registry(), false).await;
    failed_with(&report, "broken", "unreadable golden");
    assert!(matches!(verdict(&report, "after"), Verdict::Exact));
}

/// Claims `{"from": "panic"}` / `{"from": "hang"}` cases and misbehaves on purpose.
struct Misbehaving;

impl Family for Misbehaving {
    fn name(&self) -> &'static str {
        "misbehaving"
    }
    fn claims(&self, case: &Case) -> bool {
        case.has_root("from", Some("panic")) || case.has_root("from", Some("hang"))
    }
    fn run(&self, case: Arc<Case>, _: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(async move {
            if case.has_root("from", Some("panic")) {
                panic!("deliberate panic in a test family");
            }
            std::future::pending::<()>().await;
            Ok(RunOutput::default())
        })
    }
    /// The hanging case never finishes, so any limit is reached; every other case keeps the
    /// runner's own limit, so none can time out by chance.
    fn time_limit(&self, case: &Case) -> Duration {
        if case.has_root("from", Some("hang")) {
            Duration::from_millis(200)
        } else {
            supabase_conformance::runner::CASE_LIMIT
        }
    }
}

fn with_misbehaving() -> Vec<Arc<dyn Family>> {
    let mut families: Vec<Arc<dyn Family>> = vec![Arc::new(Misbehaving)];
    families.extend(registry());
    families
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_case_fails_alone_and_the_suite_goes_on() {
    let cases = vec![
        select_case("before"),
        case(r#"{"id":"x_panics","client":"v2","case":{"ops":[{"from":"panic"}]},"requests":[]}"#),
        select_case("after"),
    ];
    let report = run_cases(cases, &with_misbehaving(), false).await;
    failed_with(&report, "x_panics", "deliberate panic in a test family");
    assert!(matches!(verdict(&report, "before"), Verdict::Exact));
    assert!(matches!(verdict(&report, "after"), Verdict::Exact));
    assert_eq!(report.totals.given, 3);
    assert_eq!(report.totals.failed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_case_times_out_alone() {
    let cases = vec![
        case(r#"{"id":"x_hangs","client":"v2","case":{"ops":[{"from":"hang"}]},"requests":[]}"#),
        select_case("after"),
    ];
    let report = run_cases(cases, &with_misbehaving(), false).await;
    failed_with(&report, "x_hangs", "timed out");
    assert!(matches!(verdict(&report, "after"), Verdict::Exact));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returned_urls_are_normalized_and_compared() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../supabase-test-support/conformance/golden/auth_sign_in_oauth_url.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("http://127.0.0.1:PORT/auth/v1/authorize?"));
    let good = parse(&text, &path).unwrap();
    let mut bad = parse(&text.replace("prompt=consent", "prompt=login"), &path).unwrap();
    bad.id = "x_bad_url".into();
    let report = run_cases(vec![Ok(good), Ok(bad)], &registry(), false).await;
    // The placeholder host in the golden's URL matches the mock server's normalized URL.
    assert!(matches!(
        verdict(&report, "auth_sign_in_oauth_url"),
        Verdict::Exact
    ));
    failed_with(&report, "x_bad_url", "URL returned by statement 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deliberate_rule_applies_by_difference_not_by_id() {
    // The backslash case under another id is still covered by its rule.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../supabase-test-support/conformance/golden/pg_filter_in_backslash.json");
    let mut c = load_file(&path).unwrap();
    c.id = "x_renamed".into();
    let report = run_cases(vec![Ok(c)], &registry(), false).await;
    match verdict(&report, "x_renamed") {
        Verdict::Deliberate(rules, _) => assert_eq!(rules, &["in-list-escaped"]),
        other => panic!("expected deliberate, got {other:?}"),
    }
}

#[test]
fn conformance_md_is_generated_from_the_rules() {
    let on_disk = std::fs::read_to_string(supabase_conformance::conformance_md_path())
        .expect("CONFORMANCE.md at the workspace root");
    assert_eq!(
        on_disk,
        supabase_conformance::rules::markdown(),
        "CONFORMANCE.md is stale: run `cargo xtask conformance --write-md`"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_client_frame_fails_a_realtime_case() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../supabase-test-support/conformance/golden/rt_broadcast_self_ack.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let good = parse(&text, &path).unwrap();
    // The golden now says the client sent another payload in its broadcast frame.
    let mut bad = parse(&text, &path).unwrap();
    bad.websockets[0]["frames"][1]["payload"]["text"] = "bye".into();
    bad.id = "x_bad_frame".into();
    let report = run_cases(vec![Ok(good), Ok(bad)], &registry(), false).await;
    assert!(matches!(
        verdict(&report, "rt_broadcast_self_ack"),
        Verdict::Exact
    ));
    failed_with(&report, "x_bad_frame", "frame #1 payload");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_functions_error_of_another_class_fails() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../supabase-test-support/conformance/golden/fn_error_http.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("FunctionsHttpError"));
    let mut bad = parse(
        &text.replace("FunctionsHttpError", "FunctionsRelayError"),
        &path,
    )
    .unwrap();
    bad.id = "x_relay".into();
    let report = run_cases(vec![Ok(bad)], &registry(), false).await;
    failed_with(&report, "x_relay", "error FunctionsHttpError");
}

/// A v2 `getPublicUrl(args)` case whose storage-js URL was `url`.
fn public_url_case(id: &str, args: &str, url: &str) -> Result<Case, Unreadable> {
    case(&format!(
        r#"{{"id":"{id}","client":"v2","case":{{"ops":[{{"storage":"from","args":["avatars"]}},{{"call":"getPublicUrl","args":{args}}}]}},"requests":[],"results":[{{"op":0,"label":"storage.from.getPublicUrl","outcome":"returned","value":{{"data":{{"publicUrl":"{url}"}}}}}}]}}"#
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_js_url_encoding_is_covered_by_its_rules_and_other_urls_fail() {
    let base = "http://127.0.0.1:PORT/storage/v1/object/public/avatars";
    let cases = vec![
        // encodeURI over the whole URL leaves `?` raw: the key's rest becomes a query.
        public_url_case(
            "x_key_question",
            r#"["a?b.png"]"#,
            &format!("{base}/a?b.png"),
        ),
        // URLSearchParams then encodeURI: `&` → `%26` → `%2526`.
        public_url_case(
            "x_download_twice",
            r#"["a.png",{"download":"my cat & co.png"}]"#,
            &format!("{base}/a.png?download=my+cat+%2526+co.png"),
        ),
        public_url_case("x_same", r#"["a.png"]"#, &format!("{base}/a.png")),
        public_url_case("x_other_key", r#"["a.png"]"#, &format!("{base}/b.png")),
    ];
    let report = run_cases(cases, &registry(), false).await;
    let rules = |id| match verdict(&report, id) {
        Verdict::Deliberate(rules, _) => rules.clone(),
        other => panic!("{id}: expected deliberate, got {other:?}"),
    };
    assert_eq!(rules("x_key_question"), ["urls-encode-each-segment"]);
    assert_eq!(rules("x_download_twice"), ["download-name-encoded-once"]);
    assert!(matches!(verdict(&report, "x_same"), Verdict::Exact));
    failed_with(&report, "x_other_key", "URL returned by statement 0");
}

/// What `supabase-storage/tests/conformance.rs` checked before the unified runner took the
/// Storage goldens over: every carried `storage_*` / v1 Storage golden (39) is run by the
/// `storage` family, and none fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_carried_storage_golden_runs_in_the_storage_family() {
    let dir = supabase_conformance::carried_fixtures();
    let cases: Vec<_> = supabase_conformance::golden::load_dir(&dir)
        .unwrap()
        .into_iter()
        .filter(|c| c.as_ref().is_ok_and(|c| c.has_root("storage", None)))
        .collect();
    assert!(cases.len() >= 39, "storage goldens: {}", cases.len());
    let report = run_cases(cases, &registry(), false).await;
    for c in &report.cases {
        assert_eq!(c.family, "storage", "{} ran in {}", c.id, c.family);
        assert!(
            !matches!(c.verdict, Verdict::Failed(_)),
            "{}: {:?}",
            c.id,
            c.verdict
        );
    }
}
