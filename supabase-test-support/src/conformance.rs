//! Loading the conformance goldens and comparing what a Rust client sent with them, under the
//! rules of `conformance/README.md` ("Comparing").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The fixtures folder carried in this crate (`conformance/`).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// One golden file.
pub fn load_golden(path: &Path) -> Golden {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// A golden: a case and the requests supabase-js sent for it.
#[derive(Debug, Clone, Deserialize)]
pub struct Golden {
    /// The case id.
    pub id: String,
    /// What the case checks.
    #[serde(default)]
    pub desc: String,
    /// `v1` or `v2`.
    pub client: String,
    /// The case (key, options, responses, ops).
    pub case: Value,
    /// Set when `createClient` threw.
    #[serde(default)]
    pub setup_error: Option<Value>,
    /// The requests, in order.
    pub requests: Vec<GoldenRequest>,
    /// What the JS client concluded (not compared).
    #[serde(default)]
    pub results: Vec<Value>,
}

/// One recorded request.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldenRequest {
    /// HTTP method.
    pub method: String,
    /// Raw path.
    pub path: String,
    /// Raw query string, `None` without `?`.
    pub query: Option<String>,
    /// Decoded query pairs.
    #[serde(default)]
    pub query_pairs: Vec<(String, String)>,
    /// Headers in wire order, lowercased names.
    pub headers: Vec<(String, String)>,
    /// Headers added by Node's fetch.
    #[serde(default)]
    pub transport_headers: Vec<String>,
    /// Label of the bearer.
    #[serde(default)]
    pub bearer: Option<String>,
    /// Raw body.
    pub body: Option<String>,
}

/// A request as the Rust client sent it.
#[derive(Debug, Clone)]
pub struct ActualRequest {
    /// HTTP method.
    pub method: String,
    /// Raw path.
    pub path: String,
    /// Raw query, `None` without `?`.
    pub query: Option<String>,
    /// Headers with lowercased names.
    pub headers: Vec<(String, String)>,
    /// Body text, `None` when empty.
    pub body: Option<String>,
}

impl From<&wiremock::Request> for ActualRequest {
    fn from(r: &wiremock::Request) -> Self {
        Self {
            method: r.method.as_str().to_owned(),
            path: r.url.path().to_owned(),
            query: r.url.query().map(str::to_owned),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: if r.body.is_empty() {
                None
            } else {
                Some(String::from_utf8_lossy(&r.body).into_owned())
            },
        }
    }
}

/// How close a case came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Byte-equal where the rules ask for it.
    Exact,
    /// Equal up to the allowed equivalences (same decoded query pairs, equal JSON, …).
    Equivalent(Vec<String>),
    /// Something differs.
    Different(Vec<String>),
}

impl Verdict {
    /// Whether the case passes (non-strict mode).
    pub fn passes(&self) -> bool {
        !matches!(self, Verdict::Different(_))
    }
}

const TRANSPORT: &[&str] = &[
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

/// Masks PKCE values as the recorder did (README "Normalization" 3), after checking that
/// every `code_verifier` hashes (base64url of SHA-256) to a `code_challenge` sent earlier.
/// Returns the masked requests and any PKCE problem found.
pub fn normalize_pkce(actual: &[ActualRequest]) -> (Vec<ActualRequest>, Vec<String>) {
    use base64::Engine;
    use sha2::Digest;
    let challenge_body = regex_lite::Regex::new(r#""code_challenge":"([^"]+)""#).expect("regex");
    let verifier_body = regex_lite::Regex::new(r#""code_verifier":"([^"]+)""#).expect("regex");
    let challenge_query = regex_lite::Regex::new(r"code_challenge=([^&]+)").expect("regex");
    let mut challenges: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for r in actual {
        let mut r = r.clone();
        if let Some(q) = &r.query {
            for c in challenge_query.captures_iter(q) {
                challenges.push(c[1].to_owned());
            }
            r.query = Some(
                challenge_query
                    .replace_all(q, "code_challenge=%3Ccode_challenge%3E")
                    .into_owned(),
            );
        }
        if let Some(body) = &r.body {
            for c in challenge_body.captures_iter(body) {
                challenges.push(c[1].to_owned());
            }
            for v in verifier_body.captures_iter(body) {
                let hash = sha2::Sha256::digest(v[1].as_bytes());
                let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash);
                if !challenges.contains(&expected) {
                    problems
                        .push("a code_verifier does not match any earlier code_challenge".into());
                }
            }
            let masked = challenge_body.replace_all(body, r#""code_challenge":"<code_challenge>""#);
            let masked = verifier_body.replace_all(&masked, r#""code_verifier":"<code_verifier>""#);
            r.body = Some(masked.into_owned());
        }
        out.push(r);
    }
    (out, problems)
}

/// Compares the requests a Rust client sent with a golden's.
pub fn compare(golden: &[GoldenRequest], actual: &[ActualRequest]) -> Verdict {
    let (actual, pkce_problems) = normalize_pkce(actual);
    let actual = actual.as_slice();
    let mut diffs = pkce_problems;
    let mut equivalences = Vec::new();
    if golden.len() != actual.len() {
        diffs.push(format!(
            "request count: golden {} vs actual {}",
            golden.len(),
            actual.len()
        ));
    }
    for (i, (g, a)) in golden.iter().zip(actual).enumerate() {
        let at = |what: String| format!("request {i} ({} {}): {what}", g.method, g.path);
        if g.method != a.method {
            diffs.push(at(format!("method {} vs {}", g.method, a.method)));
        }
        if g.path != a.path {
            diffs.push(at(format!("path {} vs {}", g.path, a.path)));
        }
        if g.query != a.query {
            let pairs = |q: &Option<String>| -> Vec<(String, String)> {
                q.as_deref()
                    .map(|q| {
                        url::form_urlencoded::parse(q.as_bytes())
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let gp = pairs(&g.query);
            let ap = pairs(&a.query);
            if gp == ap && g.query.is_some() == a.query.is_some() {
                equivalences.push(at("query equal as decoded pairs".into()));
            } else {
                diffs.push(at(format!("query {:?} vs {:?}", g.query, a.query)));
            }
        }
        compare_headers(g, a, &mut diffs, &mut equivalences, &at);
        if g.body != a.body {
            let gj = g
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<Value>(b).ok());
            let aj = a
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<Value>(b).ok());
            if gj.is_some() && gj == aj {
                equivalences.push(at("body equal as JSON".into()));
            } else {
                diffs.push(at(format!("body {:?} vs {:?}", g.body, a.body)));
            }
        }
    }
    if !diffs.is_empty() {
        Verdict::Different(diffs)
    } else if !equivalences.is_empty() {
        Verdict::Equivalent(equivalences)
    } else {
        Verdict::Exact
    }
}

fn compare_headers(
    g: &GoldenRequest,
    a: &ActualRequest,
    diffs: &mut Vec<String>,
    equivalences: &mut Vec<String>,
    at: &dyn Fn(String) -> String,
) {
    let node_added: BTreeMap<&str, &str> = g
        .headers
        .iter()
        .filter(|(k, _)| g.transport_headers.iter().any(|t| t == k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let keep_golden =
        |k: &str| !TRANSPORT.contains(&k) && !g.transport_headers.iter().any(|t| t == k);
    let mut golden: Vec<(String, String)> = g
        .headers
        .iter()
        .filter(|(k, _)| keep_golden(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut actual: Vec<(String, String)> = a
        .headers
        .iter()
        .filter(|(k, v)| {
            if TRANSPORT.contains(&k.as_str()) {
                return false;
            }
            // Headers Node's fetch added may be absent, or present with the same value or */*.
            match node_added.get(k.as_str()) {
                Some(gv) => !(v == gv || (k == "accept" && v == "*/*")),
                None => {
                    !(k == "accept"
                        && v == "*/*"
                        && !g.headers.iter().any(|(gk, _)| gk == "accept"))
                }
            }
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for list in [&mut golden, &mut actual] {
        for (k, v) in list.iter_mut() {
            if k == "x-client-info" && is_library_client_info(v) {
                *v = "<x-client-info>".into();
            }
        }
        list.sort();
    }
    if golden != actual {
        let joined = |l: &[(String, String)]| -> Vec<(String, String)> {
            let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (k, v) in l {
                m.entry(k.clone()).or_default().push(v.clone());
            }
            m.into_iter().map(|(k, v)| (k, v.join(", "))).collect()
        };
        if joined(&golden) == joined(&actual) {
            equivalences.push(at("repeated headers joined".into()));
        } else {
            let missing: Vec<_> = golden.iter().filter(|h| !actual.contains(h)).collect();
            let extra: Vec<_> = actual.iter().filter(|h| !golden.contains(h)).collect();
            diffs.push(at(format!(
                "headers: missing {:?}, unexpected {:?}",
                redact(&missing),
                redact(&extra)
            )));
        }
    }
}

fn is_library_client_info(v: &str) -> bool {
    v == "<x-client-info>"
        || [
            "supabase-js/",
            "postgrest-js/",
            "gotrue-js/",
            "auth-js/",
            "functions-js/",
            "storage-js/",
            "realtime-js/",
            "supabase-rs/",
        ]
        .iter()
        .any(|p| v.starts_with(p))
}

fn redact(headers: &[&(String, String)]) -> Vec<String> {
    headers
        .iter()
        .map(|(k, v)| {
            if k == "authorization" || k == "apikey" {
                format!("{k}: <{} chars>", v.len())
            } else {
                format!("{k}: {v}")
            }
        })
        .collect()
}
