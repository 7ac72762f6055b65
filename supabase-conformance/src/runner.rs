//! Running cases: each isolated (its own mock server, its own task, a time limit), judged,
//! and counted.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use supabase_test_support::MockServer;
use wiremock::Mock;

use crate::compare::{Comparison, Difference, Part, compare_requests, compare_url};
use crate::family::{Family, RunOutput, Server};
use crate::golden::{Case, Unreadable};
use crate::normalize::{ActualRequest, normalize_requests, normalize_result_string};
use crate::rules::{RULES, covering};

/// How long one case may run before it is a failure.
pub const CASE_LIMIT: Duration = Duration::from_secs(30);

/// The verdict on one case.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Byte-equal where the rules ask for it.
    Exact,
    /// Equal up to allowed equivalences.
    Equivalent(Vec<String>),
    /// Every difference is covered by a deliberate rule (names).
    Deliberate(Vec<&'static str>, Vec<Difference>),
    /// Failed, with the reasons.
    Failed(Vec<String>),
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseReport {
    /// The case id.
    pub id: String,
    /// The family that ran it (`-` when none claimed it).
    pub family: &'static str,
    /// The verdict.
    pub verdict: Verdict,
}

/// Counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Goldens given.
    pub given: usize,
    /// Byte-exact.
    pub exact: usize,
    /// Equivalent.
    pub equivalent: usize,
    /// Deliberate differences.
    pub deliberate: usize,
    /// Failed.
    pub failed: usize,
}

impl Totals {
    /// Cases judged (exact + equivalent + deliberate + failed); always equal to `given`.
    pub fn judged(&self) -> usize {
        self.exact + self.equivalent + self.deliberate + self.failed
    }
}

/// A whole run.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// One per golden, in order.
    pub cases: Vec<CaseReport>,
    /// The counts.
    pub totals: Totals,
    /// How many cases each rule covered.
    pub rule_hits: BTreeMap<&'static str, usize>,
}

impl RunReport {
    /// Rules that covered no case in this run.
    pub fn unfired_rules(&self) -> Vec<&'static str> {
        RULES
            .iter()
            .map(|r| r.name)
            .filter(|n| self.rule_hits.get(n).copied().unwrap_or(0) == 0)
            .collect()
    }
}

/// Runs every case (readable or not) with `families`, printing one line per case when
/// `print` is set.
pub async fn run_cases(
    cases: Vec<Result<Case, Unreadable>>,
    families: &[Arc<dyn Family>],
    print: bool,
) -> RunReport {
    let mut report = RunReport::default();
    for case in cases {
        let r = match case {
            Err(u) => CaseReport {
                id: u.id,
                family: "-",
                verdict: Verdict::Failed(vec![format!(
                    "unreadable golden {}: {}",
                    u.file.display(),
                    u.error
                )]),
            },
            Ok(case) => judge_case(Arc::new(case), families).await,
        };
        report.totals.given += 1;
        match &r.verdict {
            Verdict::Exact => report.totals.exact += 1,
            Verdict::Equivalent(_) => report.totals.equivalent += 1,
            Verdict::Deliberate(rules, _) => {
                report.totals.deliberate += 1;
                for name in rules {
                    *report.rule_hits.entry(name).or_default() += 1;
                }
            }
            Verdict::Failed(_) => report.totals.failed += 1,
        }
        if print {
            println!("{}", case_line(&r));
        }
        report.cases.push(r);
    }
    report
}

/// The printed line(s) of one case.
pub fn case_line(r: &CaseReport) -> String {
    let mut s = String::new();
    let head = |s: &mut String, label: &str| {
        let _ = write!(s, "{label:<11}{} [{}]", r.id, r.family);
    };
    match &r.verdict {
        Verdict::Exact => head(&mut s, "exact"),
        Verdict::Equivalent(notes) => {
            head(&mut s, "equivalent");
            let _ = write!(s, ": {}", notes.join("; "));
        }
        Verdict::Deliberate(rules, diffs) => {
            head(&mut s, "deliberate");
            let _ = write!(s, ": {}", rules.join(", "));
            for d in diffs {
                let _ = write!(s, "\n             {d}");
            }
        }
        Verdict::Failed(reasons) => {
            head(&mut s, "FAILED");
            for reason in reasons {
                let _ = write!(s, "\n             {reason}");
            }
        }
    }
    s
}

/// The totals line.
pub fn totals_line(t: &Totals) -> String {
    format!(
        "conformance: given {}, judged {}: exact {}, equivalent {}, deliberate {}, failed {}",
        t.given,
        t.judged(),
        t.exact,
        t.equivalent,
        t.deliberate,
        t.failed
    )
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".into()
    }
}

/// Drops a mock server off the runtime's worker threads: `supabase_test_support::MockServer`
/// drops the wiremock server on a fresh OS thread (wiremock's `Drop` blocks on a future that
/// tokio's cooperative budget can stall on a worker thread; RELIABILITY.md, issue 20), and
/// this waits for it on the blocking pool so no worker thread is held meanwhile.
async fn drop_server(server: MockServer) {
    let _ = tokio::task::spawn_blocking(move || drop(server)).await;
}

async fn judge_case(case: Arc<Case>, families: &[Arc<dyn Family>]) -> CaseReport {
    let fail = |family: &'static str, reasons: Vec<String>| CaseReport {
        id: case.id.clone(),
        family,
        verdict: Verdict::Failed(reasons),
    };
    let Some(family) = families.iter().find(|f| f.claims(&case)) else {
        let ops: Vec<String> = case.root_kinds();
        return fail(
            "-",
            vec![format!(
                "no runner claims this case (client {}, root ops {ops:?})",
                case.client
            )],
        );
    };
    let name = family.name();
    let limit = family.time_limit(&case);
    let overrides: Vec<Value> = case.case["responses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(supabase_test_support::recorder::recorder(&overrides))
        .mount(&server)
        .await;
    let info = Server {
        uri: server.uri(),
        base_url: format!("{}{}", server.uri(), case.url_suffix()),
    };
    let task = tokio::spawn(family.run(Arc::clone(&case), info.clone()));
    let abort = task.abort_handle();
    let ran = tokio::time::timeout(limit, task).await;
    let output = match ran {
        Ok(Ok(Ok(output))) => output,
        Ok(Ok(Err(e))) => {
            drop_server(server).await;
            return fail(
                name,
                vec![format!("runner error: {}", crate::compare::redact(&e))],
            );
        }
        Ok(Err(join)) => {
            drop_server(server).await;
            let why = if join.is_panic() {
                format!(
                    "the case panicked: {}",
                    crate::compare::redact(&panic_message(join.into_panic()))
                )
            } else {
                format!("the case's task ended: {join}")
            };
            return fail(name, vec![why]);
        }
        Err(_) => {
            abort.abort();
            drop_server(server).await;
            return fail(name, vec![format!("timed out after {limit:?}")]);
        }
    };
    let received: Vec<ActualRequest> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(ActualRequest::from)
        .collect();
    drop_server(server).await;
    let comparison = compare_case(&case, &output, &received, &info);
    CaseReport {
        id: case.id.clone(),
        family: name,
        verdict: verdict(&case, comparison),
    }
}

/// Compares everything a run produced with the golden.
pub fn compare_case(
    case: &Case,
    output: &RunOutput,
    received: &[ActualRequest],
    server: &Server,
) -> Comparison {
    let (actual, pkce) = normalize_requests(received);
    let mut c = compare_requests(&case.requests, &actual);
    for p in pkce {
        c.differences.push(Difference {
            index: None,
            method: String::new(),
            path: String::new(),
            part: Part::Pkce,
            expected: Some("a verifier matching an earlier challenge".into()),
            actual: Some(p),
        });
    }
    if case.setup_error.is_some() != output.setup_error.is_some() {
        c.differences.push(Difference {
            index: None,
            method: String::new(),
            path: String::new(),
            part: Part::Setup,
            expected: case.setup_error.as_ref().map(ToString::to_string),
            actual: output.setup_error.clone(),
        });
    }
    crate::compare::compare_websockets(
        &case.websockets,
        output.websockets.as_deref().unwrap_or_default(),
        &mut c,
    );
    for (i, st) in output.statements.iter().enumerate() {
        let Some(result) = case.results.get(i) else {
            continue;
        };
        if let Some(ok) = st.ok
            && let Some(js_ok) = js_success(result)
            && ok != js_ok
        {
            c.differences.push(Difference {
                index: None,
                method: String::new(),
                path: String::new(),
                part: Part::Outcome { statement: i },
                expected: Some(if js_ok { "success" } else { "an error" }.into()),
                actual: Some(match &st.error {
                    Some(e) => format!("error: {e}"),
                    None => "success".into(),
                }),
            });
        }
        if let Some(name) = &st.error_name
            && let Some(js_name) = result.pointer("/value/error/name").and_then(Value::as_str)
            && name != js_name
        {
            c.differences.push(Difference {
                index: None,
                method: String::new(),
                path: String::new(),
                part: Part::Outcome { statement: i },
                expected: Some(format!("error {js_name}")),
                actual: Some(format!("error {name}")),
            });
        }
        if let Some(url) = &st.url
            && let Some(expected) = result
                .pointer("/value/data/url")
                .or_else(|| result.pointer("/value/url"))
                .or_else(|| result.pointer("/value/data/publicUrl"))
                .or_else(|| result.pointer("/value/data/signedUrl"))
                .and_then(Value::as_str)
        {
            let actual = normalize_result_string(url, &server.uri);
            match compare_url(expected, &actual) {
                Some(true) => {}
                Some(false) => c.equivalences.push(format!(
                    "statement {i}: returned URL equal as decoded pairs"
                )),
                None => c.differences.push(Difference {
                    index: None,
                    method: String::new(),
                    path: String::new(),
                    part: Part::ResultUrl { statement: i },
                    expected: Some(expected.to_owned()),
                    actual: Some(actual),
                }),
            }
        }
    }
    c
}

/// supabase-js's verdict on a statement: `success` (v2 PostgREST), else `error == null`, or
/// a rejected/thrown outcome.
fn js_success(result: &Value) -> Option<bool> {
    match result.get("outcome").and_then(Value::as_str) {
        Some("rejected" | "thrown") => return Some(false),
        Some("resolved" | "returned") => {}
        _ => return None,
    }
    let value = result.get("value")?;
    Some(
        value
            .get("success")
            .and_then(Value::as_bool)
            .unwrap_or_else(|| value.get("error").is_none_or(Value::is_null)),
    )
}

fn verdict(case: &Case, c: Comparison) -> Verdict {
    if c.differences.is_empty() {
        return if c.equivalences.is_empty() {
            Verdict::Exact
        } else {
            Verdict::Equivalent(c.equivalences)
        };
    }
    let mut rules: Vec<&'static str> = Vec::new();
    let mut uncovered = Vec::new();
    for d in &c.differences {
        let covering = covering(case, d);
        if covering.is_empty() {
            uncovered.push(d.to_string());
        }
        for r in covering {
            if !rules.contains(&r.name) {
                rules.push(r.name);
            }
        }
    }
    if uncovered.is_empty() {
        Verdict::Deliberate(rules, c.differences)
    } else {
        Verdict::Failed(uncovered)
    }
}
