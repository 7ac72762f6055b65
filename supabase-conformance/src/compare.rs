//! Comparing what the Rust client sent with a golden (README "Comparing").
//!
//! Each difference is a [`Difference`]: which part of which request, what was expected and
//! what was sent. Deliberate-difference rules ([`crate::rules`]) are predicates over these.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::golden::GoldenRequest;
use crate::normalize::{ActualRequest, is_library_client_info};

/// Which part of the exchange differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// supabase-js sent this request; the Rust client sent nothing in its place.
    MissingRequest,
    /// The Rust client sent a request supabase-js did not.
    UnexpectedRequest,
    /// The method.
    Method,
    /// The raw path.
    Path,
    /// The query string (not even the same decoded pairs).
    Query,
    /// One header (lowercased name): values as a list, `None` when absent.
    Header(String),
    /// The body.
    Body,
    /// A PKCE verifier that does not match any challenge sent earlier.
    Pkce,
    /// The number of websockets of the case.
    Websockets,
    /// A part of one websocket (`path`, `query`, `header <name>`, `frame count`, `closed`).
    Socket {
        /// Socket index.
        socket: usize,
        /// What differs.
        what: String,
    },
    /// One field of one client frame (`format`, `kind`, `topic`, `event`, `join_ref`, `ref`,
    /// `user_event`, `payload_encoding`, `metadata`, `payload`).
    Frame {
        /// Socket index.
        socket: usize,
        /// Frame index in the socket.
        frame: usize,
        /// The field.
        field: &'static str,
    },
    /// `createClient` threw on one side only.
    Setup,
    /// A statement's outcome (success vs error) differs from supabase-js's.
    Outcome {
        /// Statement index.
        statement: usize,
    },
    /// A URL a statement returned differs (after normalization).
    ResultUrl {
        /// Statement index.
        statement: usize,
    },
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::MissingRequest => f.write_str("missing request"),
            Part::UnexpectedRequest => f.write_str("unexpected request"),
            Part::Method => f.write_str("method"),
            Part::Path => f.write_str("path"),
            Part::Query => f.write_str("query"),
            Part::Header(h) => write!(f, "header {h}"),
            Part::Body => f.write_str("body"),
            Part::Pkce => f.write_str("pkce"),
            Part::Websockets => f.write_str("websockets"),
            Part::Socket { socket, what } => write!(f, "websocket #{socket} {what}"),
            Part::Frame {
                socket,
                frame,
                field,
            } => write!(f, "websocket #{socket} frame #{frame} {field}"),
            Part::Setup => f.write_str("createClient"),
            Part::Outcome { statement } => write!(f, "outcome of statement {statement}"),
            Part::ResultUrl { statement } => write!(f, "URL returned by statement {statement}"),
        }
    }
}

/// One difference between the golden and what was sent.
#[derive(Debug, Clone)]
pub struct Difference {
    /// The golden request's index (the actual request's for [`Part::UnexpectedRequest`]);
    /// `None` for parts that are not about one request.
    pub index: Option<usize>,
    /// Method of the request concerned (the golden's, or the actual one's when unexpected).
    pub method: String,
    /// Path of the request concerned.
    pub path: String,
    /// The part that differs.
    pub part: Part,
    /// What supabase-js sent (`None`: nothing).
    pub expected: Option<String>,
    /// What the Rust client sent (`None`: nothing).
    pub actual: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| match v {
            Some(v) => redact(v),
            None => "(none)".into(),
        };
        match self.index {
            Some(i) => write!(f, "request #{i} {} {}: ", self.method, self.path)?,
            None if !self.path.is_empty() => write!(f, "{} {}: ", self.method, self.path)?,
            None => {}
        }
        write!(
            f,
            "{}: expected {}, actual {}",
            self.part,
            show(&self.expected),
            show(&self.actual)
        )
    }
}

/// The recorder's well-known tokens, by the labels the goldens use for them.
fn known_tokens() -> Vec<(String, &'static str)> {
    use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT, SERVICE_ROLE_KEY};
    let bodies = supabase_test_support::recorder::recorder_bodies();
    let token = |pointer: &str| {
        bodies
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut out = vec![
        (ANON_KEY.to_owned(), "anon_key"),
        (SERVICE_ROLE_KEY.to_owned(), "service_role_key"),
        (EXTERNAL_JWT.to_owned(), "external_jwt"),
    ];
    for (pointer, label) in [
        ("/session/access_token", "session_jwt"),
        ("/refreshed_session/access_token", "refreshed_jwt"),
        ("/anon_session/access_token", "anon_session_jwt"),
    ] {
        if let Some(t) = token(pointer) {
            out.push((t, label));
        }
    }
    out
}

/// Replaces tokens and keys in printed differences: the recorder's known tokens by their
/// labels, any other JWT or secret key by a placeholder (no secret is printed), and
/// shortens long values.
pub fn redact(v: &str) -> String {
    let mut out = v.to_owned();
    for (token, label) in known_tokens() {
        out = out.replace(&token, &format!("<{label}>"));
    }
    if let Ok(re) = regex_lite::Regex::new(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*") {
        out = re.replace_all(&out, "<other jwt>").into_owned();
    }
    if let Ok(re) = regex_lite::Regex::new(r"sb_(secret|publishable)_[A-Za-z0-9_-]+") {
        out = re.replace_all(&out, "<sb_${1} key>").into_owned();
    }
    if out.chars().count() > 300 {
        format!(
            "{}… ({} chars)",
            out.chars().take(300).collect::<String>(),
            out.len()
        )
    } else {
        out
    }
}

/// What comparing found: differences, and the equivalences that made it non-exact.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Differences.
    pub differences: Vec<Difference>,
    /// Allowed equivalences found (same query pairs, equal JSON, …).
    pub equivalences: Vec<String>,
}

/// Headers no client controls (README "Comparing").
pub const TRANSPORT: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
    "te",
    "expect",
    "accept-encoding",
    "user-agent",
    "accept-language",
    "sec-fetch-mode",
];

/// WHATWG `URLSearchParams` decoding of a raw query.
pub fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    q.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

/// Pairs golden and actual requests in order (a longest common subsequence by method and
/// path, so one missing or extra request does not shift every later comparison).
fn align(
    golden: &[GoldenRequest],
    actual: &[ActualRequest],
) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (golden.len(), actual.len());
    let same = |i: usize, j: usize| {
        golden[i].method == actual[j].method && golden[i].path == actual[j].path
    };
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if same(i, j) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && same(i, j) {
            pairs.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if i < n && j < m && lcs[i + 1][j] == lcs[i][j + 1] && n - i == m - j {
            // Same remaining counts and no better match: compare them field by field.
            pairs.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            pairs.push((Some(i), None));
            i += 1;
        } else {
            pairs.push((None, Some(j)));
            j += 1;
        }
    }
    pairs
}

/// Compares the (normalized) requests a Rust client sent with a golden's.
pub fn compare_requests(golden: &[GoldenRequest], actual: &[ActualRequest]) -> Comparison {
    let mut out = Comparison::default();
    for (g, a) in align(golden, actual) {
        match (g, a) {
            (Some(i), Some(j)) => compare_request(i, &golden[i], &actual[j], &mut out),
            (Some(i), None) => {
                let g = &golden[i];
                out.differences.push(Difference {
                    index: Some(i),
                    method: g.method.clone(),
                    path: g.path.clone(),
                    part: Part::MissingRequest,
                    expected: Some(describe_golden(g)),
                    actual: None,
                });
            }
            (None, Some(j)) => {
                let a = &actual[j];
                out.differences.push(Difference {
                    index: Some(j),
                    method: a.method.clone(),
                    path: a.path.clone(),
                    part: Part::UnexpectedRequest,
                    expected: None,
                    actual: Some(describe_actual(a)),
                });
            }
            (None, None) => {}
        }
    }
    out
}

fn describe_golden(g: &GoldenRequest) -> String {
    let q = g
        .query
        .as_deref()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let b = g
        .body
        .as_deref()
        .map(|b| format!(" {b}"))
        .unwrap_or_default();
    format!("{} {}{q}{b}", g.method, g.path)
}

fn describe_actual(a: &ActualRequest) -> String {
    let q = a
        .query
        .as_deref()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let b = a
        .body
        .as_deref()
        .map(|b| format!(" {b}"))
        .unwrap_or_default();
    format!("{} {}{q}{b}", a.method, a.path)
}

fn compare_request(i: usize, g: &GoldenRequest, a: &ActualRequest, out: &mut Comparison) {
    let diff = |part: Part, expected: Option<String>, actual: Option<String>| Difference {
        index: Some(i),
        method: g.method.clone(),
        path: g.path.clone(),
        part,
        expected,
        actual,
    };
    let at = |what: &str| format!("request #{i} {} {}: {what}", g.method, g.path);
    if g.method != a.method {
        out.differences.push(diff(
            Part::Method,
            Some(g.method.clone()),
            Some(a.method.clone()),
        ));
    }
    if g.path != a.path {
        out.differences
            .push(diff(Part::Path, Some(g.path.clone()), Some(a.path.clone())));
    }
    if g.query != a.query {
        let same_pairs = g.query.is_some() == a.query.is_some()
            && query_pairs(g.query.as_deref()) == query_pairs(a.query.as_deref());
        if same_pairs {
            out.equivalences.push(at("query equal as decoded pairs"));
        } else {
            out.differences
                .push(diff(Part::Query, g.query.clone(), a.query.clone()));
        }
    }
    compare_headers(
        g,
        a,
        &mut |name, e, act| {
            out.differences.push(diff(Part::Header(name), e, act));
        },
        &mut |note| out.equivalences.push(at(&note)),
    );
    match compare_body(g, a) {
        BodyLevel::Exact => {}
        BodyLevel::Equivalent(note) => out.equivalences.push(at(note)),
        BodyLevel::Different => out.differences.push(diff(
            Part::Body,
            g.body.clone().or_else(|| g.body_base64.clone()),
            a.body.clone(),
        )),
    }
}

enum BodyLevel {
    Exact,
    Equivalent(&'static str),
    Different,
}

fn compare_body(g: &GoldenRequest, a: &ActualRequest) -> BodyLevel {
    if g.body_base64.is_some() || a.body_not_utf8 {
        if g.body_base64.is_some() && g.body_base64 == a.body_base64 {
            return BodyLevel::Exact;
        }
        return BodyLevel::Different;
    }
    if g.body == a.body {
        return BodyLevel::Exact;
    }
    let gj = g
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok());
    let aj = a
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str::<Value>(b).ok());
    if gj.is_some() && gj == aj {
        return BodyLevel::Equivalent("body equal as JSON");
    }
    if g.body.as_deref().unwrap_or_default().is_empty()
        && a.body.as_deref().unwrap_or_default().is_empty()
    {
        return BodyLevel::Equivalent("empty body");
    }
    BodyLevel::Different
}

fn compare_headers(
    g: &GoldenRequest,
    a: &ActualRequest,
    different: &mut dyn FnMut(String, Option<String>, Option<String>),
    equivalent: &mut dyn FnMut(String),
) {
    let golden_transport =
        |k: &str| TRANSPORT.contains(&k) || g.transport_headers.iter().any(|t| t == k);
    // What Node's fetch added on its own may be absent, or present with the same value (or
    // `accept: */*`), on the actual side.
    let node_added: BTreeMap<&str, &str> = g
        .headers
        .iter()
        .filter(|(k, _)| {
            g.transport_headers.iter().any(|t| t == k) && !TRANSPORT.contains(&k.as_str())
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut golden: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &g.headers {
        if !golden_transport(k) {
            golden.entry(k.clone()).or_default().push(v.clone());
        }
    }
    let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &a.headers {
        if !TRANSPORT.contains(&k.as_str()) {
            actual.entry(k.clone()).or_default().push(v.clone());
        }
    }
    for (k, v) in node_added {
        if golden.contains_key(k) {
            continue;
        }
        let drop = actual.get(k).is_some_and(|vals| {
            vals.len() == 1 && (vals[0] == v || (k == "accept" && vals[0] == "*/*"))
        });
        if drop {
            actual.remove(k);
        }
    }
    // A bare `accept: */*` the golden does not have is what any HTTP stack may add.
    if !golden.contains_key("accept") && actual.get("accept").is_some_and(|v| v == &["*/*"]) {
        actual.remove("accept");
    }
    let names: std::collections::BTreeSet<String> =
        golden.keys().chain(actual.keys()).cloned().collect();
    for name in names {
        let e = golden.get(&name);
        let act = actual.get(&name);
        let equal = match (e, act) {
            (Some(e), Some(act)) if name == "x-client-info" => {
                // By presence, unless the case set its own value.
                e.iter().all(|v| is_library_client_info(v)) || e == act
            }
            (Some(e), Some(act)) => {
                if e == act {
                    true
                } else if e.join(", ") == act.join(", ") {
                    equivalent(format!("header {name}: repeated lines vs one joined line"));
                    true
                } else {
                    false
                }
            }
            (None, None) => true,
            _ => false,
        };
        if !equal {
            different(name, e.map(|v| v.join(", ")), act.map(|v| v.join(", ")));
        }
    }
}

/// Compares a URL a statement returned (normalized) with the one supabase-js returned.
pub fn compare_url(expected: &str, actual: &str) -> Option<bool> {
    if expected == actual {
        return Some(true);
    }
    let split = |u: &str| -> (String, Vec<(String, String)>) {
        match u.split_once('?') {
            Some((base, q)) => (base.to_owned(), query_pairs(Some(q))),
            None => (u.to_owned(), Vec::new()),
        }
    };
    (split(expected) == split(actual)).then_some(false)
}

/// Upgrade headers no client controls (README "Comparing", websockets).
pub const WS_TRANSPORT: &[&str] = &[
    "host",
    "connection",
    "upgrade",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
    "accept",
    "accept-language",
    "accept-encoding",
    "sec-fetch-mode",
    "user-agent",
    "pragma",
    "cache-control",
    "origin",
];

/// The client-frame fields compared as they are (the payload is compared as JSON).
pub const FRAME_FIELDS: &[&str] = &[
    "format",
    "kind",
    "topic",
    "event",
    "join_ref",
    "ref",
    "user_event",
    "payload_encoding",
    "metadata",
];

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A frame's payload for comparing: its `version` masked (a different value is only
/// equivalent).
fn masked_payload(frame: &Value) -> (Value, Option<Value>) {
    let mut p = frame.get("payload").cloned().unwrap_or(Value::Null);
    let version = p.get("version").cloned();
    if let Some(o) = p.as_object_mut()
        && o.contains_key("version")
    {
        o.insert("version".into(), Value::String("<version>".into()));
    }
    (p, version)
}

/// Compares the websockets the Rust client opened (golden form: `path`, `query`, `headers`,
/// `frames` with `<ref:N>` placeholders, `closed.during_ops`) with the golden's, as the README
/// says: count; per socket path, query (the same pairs in any order: equivalent), upgrade
/// headers outside the websocket transport set (`x-client-info` by presence), the client
/// frames (count, then per frame the fields and the payload as JSON), `closed.during_ops`.
pub fn compare_websockets(golden: &[Value], actual: &[Value], out: &mut Comparison) {
    let diff =
        |socket: Option<usize>, part: Part, e: Option<String>, a: Option<String>| Difference {
            index: socket,
            method: "WS".into(),
            path: String::new(),
            part,
            expected: e,
            actual: a,
        };
    if golden.len() != actual.len() {
        out.differences.push(diff(
            None,
            Part::Websockets,
            Some(format!("{} websocket(s)", golden.len())),
            Some(format!("{} websocket(s)", actual.len())),
        ));
    }
    for (i, (g, a)) in golden.iter().zip(actual).enumerate() {
        let path = g["path"].as_str().unwrap_or_default().to_owned();
        let socket = |what: &str| Part::Socket {
            socket: i,
            what: what.to_owned(),
        };
        let mut push = |part: Part, e: Option<String>, act: Option<String>| {
            let mut d = diff(None, part, e, act);
            d.path.clone_from(&path);
            out.differences.push(d);
        };
        if g["path"] != a["path"] {
            push(
                socket("path"),
                Some(show(&g["path"])),
                Some(show(&a["path"])),
            );
        }
        let (gq, aq) = (g["query"].as_str(), a["query"].as_str());
        if gq != aq {
            let mut gp = query_pairs(gq);
            let mut ap = query_pairs(aq);
            gp.sort();
            ap.sort();
            if gp == ap {
                out.equivalences.push(format!(
                    "websocket #{i}: query equal as pairs in another order"
                ));
            } else {
                push(
                    socket("query"),
                    gq.map(str::to_owned),
                    aq.map(str::to_owned),
                );
            }
        }
        // Upgrade headers outside the transport set, as a multiset.
        let golden_transport: Vec<&str> = g["transport_headers"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let headers = |v: &Value, skip: &dyn Fn(&str) -> bool| {
            let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for h in v.as_array().into_iter().flatten() {
                if let (Some(k), Some(val)) = (h[0].as_str(), h[1].as_str())
                    && !WS_TRANSPORT.contains(&k)
                    && !skip(k)
                {
                    m.entry(k.to_owned()).or_default().push(val.to_owned());
                }
            }
            m
        };
        let gh = headers(&g["headers"], &|k| golden_transport.contains(&k));
        let ah = headers(&a["headers"], &|_| false);
        let names: std::collections::BTreeSet<&String> = gh.keys().chain(ah.keys()).collect();
        for name in names {
            let (e, act) = (gh.get(name), ah.get(name));
            let equal = match (e, act) {
                (Some(_), Some(_)) if name == "x-client-info" => true,
                (e, act) => e == act,
            };
            if !equal {
                push(
                    socket(&format!("header {name}")),
                    e.map(|v| v.join(", ")),
                    act.map(|v| v.join(", ")),
                );
            }
        }
        let empty = Vec::new();
        let gf = g["frames"].as_array().unwrap_or(&empty);
        let af = a["frames"].as_array().unwrap_or(&empty);
        if gf.len() != af.len() {
            let events = |f: &[Value]| {
                f.iter()
                    .map(|f| format!("{} {}", show(&f["topic"]), show(&f["event"])))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            push(
                socket("frame count"),
                Some(format!("{} frame(s): {}", gf.len(), events(gf))),
                Some(format!("{} frame(s): {}", af.len(), events(af))),
            );
        }
        for (n, (gfr, afr)) in gf.iter().zip(af).enumerate() {
            for field in FRAME_FIELDS {
                let (ev, av) = (
                    gfr.get(*field).unwrap_or(&Value::Null),
                    afr.get(*field).unwrap_or(&Value::Null),
                );
                if ev != av {
                    push(
                        Part::Frame {
                            socket: i,
                            frame: n,
                            field,
                        },
                        Some(show(ev)),
                        Some(show(av)),
                    );
                }
            }
            if gfr.get("payload_base64").is_some() || afr.get("payload_base64").is_some() {
                if gfr.get("payload_base64") != afr.get("payload_base64") {
                    push(
                        Part::Frame {
                            socket: i,
                            frame: n,
                            field: "payload",
                        },
                        Some(show(&gfr["payload_base64"])),
                        Some(show(&afr["payload_base64"])),
                    );
                }
                continue;
            }
            let ((ep, ev), (ap, av)) = (masked_payload(gfr), masked_payload(afr));
            if ep != ap {
                push(
                    Part::Frame {
                        socket: i,
                        frame: n,
                        field: "payload",
                    },
                    Some(gfr.get("payload").map(Value::to_string).unwrap_or_default()),
                    Some(afr.get("payload").map(Value::to_string).unwrap_or_default()),
                );
            } else if ev != av {
                out.equivalences.push(format!(
                    "websocket #{i} frame #{n}: payload equal but for its version"
                ));
            }
        }
        let closed = |v: &Value| v.pointer("/closed/during_ops").and_then(Value::as_bool);
        if closed(g) != closed(a) {
            push(
                socket("closed during ops"),
                closed(g).map(|c| c.to_string()),
                closed(a).map(|c| c.to_string()),
            );
        }
    }
}
