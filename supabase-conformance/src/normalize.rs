//! Normalization (README "Normalization"), applied to what the Rust client sent and to the
//! results it returned, so that they compare with the goldens.

use base64::Engine;
use sha2::Digest;

/// The placeholder of the recorder's `host` (the port is random).
pub const HOST_PLACEHOLDER: &str = "127.0.0.1:PORT";

/// A request as the Rust client sent it (the mock server's view), normalized by
/// [`normalize_requests`].
#[derive(Debug, Clone)]
pub struct ActualRequest {
    /// HTTP method.
    pub method: String,
    /// Raw path.
    pub path: String,
    /// Raw query, `None` without `?`.
    pub query: Option<String>,
    /// Headers in wire order, lowercased names.
    pub headers: Vec<(String, String)>,
    /// Body text (lossy for non-UTF-8 bodies), `None` when empty.
    pub body: Option<String>,
    /// Whether the body is not UTF-8.
    pub body_not_utf8: bool,
    /// The body bytes, base64 (with the multipart boundary masked).
    pub body_base64: Option<String>,
}

impl From<&wiremock::Request> for ActualRequest {
    fn from(r: &wiremock::Request) -> Self {
        let text = std::str::from_utf8(&r.body).ok();
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
            body_not_utf8: text.is_none(),
            body_base64: text
                .is_none()
                .then(|| base64::engine::general_purpose::STANDARD.encode(&r.body)),
        }
    }
}

/// Whether an `x-client-info` value is a library default (README "Normalization" 2; the
/// Rust crates' own values count too).
pub fn is_library_client_info(v: &str) -> bool {
    let re = regex_lite::Regex::new(
        r"^(supabase-js|postgrest-js|gotrue-js|auth-js|functions-js|storage-js|realtime-js|supabase-rs|supabase-[a-z]+-rs)/\d",
    );
    v == "<x-client-info>" || re.is_ok_and(|re| re.is_match(v))
}

/// The multipart boundary a request declares in its content-type.
pub fn multipart_boundary(headers: &[(String, String)]) -> Option<String> {
    let (_, ct) = headers.iter().find(|(n, _)| n == "content-type")?;
    if !ct.to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    let re = regex_lite::Regex::new(r#"(?i);\s*boundary=("?)([^";]+)"#).ok()?;
    re.captures(ct).map(|c| c[2].to_owned())
}

/// Normalizes the requests of one case: `host`, library `x-client-info`, PKCE values (after
/// checking each verifier against a challenge sent earlier in the case) and multipart
/// boundaries. Returns the requests and any PKCE problem found.
pub fn normalize_requests(actual: &[ActualRequest]) -> (Vec<ActualRequest>, Vec<String>) {
    let challenge_body = regex_lite::Regex::new(r#""code_challenge":"([^"]+)""#);
    let verifier_body = regex_lite::Regex::new(r#""code_verifier":"([^"]+)""#);
    let challenge_query = regex_lite::Regex::new(r"(^|&)code_challenge=([^&]+)");
    let (Ok(challenge_body), Ok(verifier_body), Ok(challenge_query)) =
        (challenge_body, verifier_body, challenge_query)
    else {
        return (actual.to_vec(), vec!["normalizer: bad regex".into()]);
    };
    let mut challenges: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for r in actual {
        let mut r = r.clone();
        let boundary = multipart_boundary(&r.headers);
        for (name, value) in &mut r.headers {
            if name == "host" {
                *value = HOST_PLACEHOLDER.into();
            } else if name == "x-client-info" && is_library_client_info(value) {
                *value = "<x-client-info>".into();
            } else if name == "content-type"
                && let Some(b) = &boundary
            {
                *value = value.replace(b.as_str(), "<boundary>");
            }
        }
        if let Some(q) = &r.query {
            for c in challenge_query.captures_iter(q) {
                let decoded: String =
                    url::form_urlencoded::parse(format!("v={}", &c[2]).as_bytes())
                        .map(|(_, v)| v.into_owned())
                        .collect();
                challenges.push(decoded);
            }
            r.query = Some(
                challenge_query
                    .replace_all(q, "${1}code_challenge=%3Ccode_challenge%3E")
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
                if !challenges.contains(&expected) && !challenges.iter().any(|c| c == &v[1]) {
                    problems.push(format!(
                        "{} {}: the code_verifier does not match any code_challenge sent earlier",
                        r.method, r.path
                    ));
                }
            }
            let masked = challenge_body.replace_all(body, r#""code_challenge":"<code_challenge>""#);
            let mut masked = verifier_body
                .replace_all(&masked, r#""code_verifier":"<code_verifier>""#)
                .into_owned();
            if let Some(b) = &boundary {
                masked = masked.replace(b.as_str(), "<boundary>");
            }
            r.body = Some(masked);
        }
        if let (Some(b), Some(b64)) = (&boundary, &r.body_base64) {
            r.body_base64 = Some(mask_bytes(b64, b.as_bytes(), b"<boundary>"));
        }
        out.push(r);
    }
    (out, problems)
}

/// The base64 bytes `b64` with every `from` replaced by `to` (a non-UTF-8 multipart body's
/// boundary).
fn mask_bytes(b64: &str, from: &[u8], to: &[u8]) -> String {
    let engine = &base64::engine::general_purpose::STANDARD;
    let Ok(bytes) = engine.decode(b64) else {
        return b64.to_owned();
    };
    if from.is_empty() {
        return b64.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = rest.get(from.len()..).unwrap_or_default();
        } else {
            out.extend_from_slice(rest.get(..1).unwrap_or_default());
            rest = rest.get(1..).unwrap_or_default();
        }
    }
    engine.encode(out)
}

/// Normalizes a string the Rust client returned (README "Normalization" 6): the mock
/// server's base URL becomes `http://127.0.0.1:PORT`, and `code_challenge=…` is masked.
pub fn normalize_result_string(s: &str, server_uri: &str) -> String {
    let base = server_uri.trim_end_matches('/');
    let out = if base.is_empty() {
        s.to_owned()
    } else {
        s.replace(base, &format!("http://{HOST_PLACEHOLDER}"))
    };
    match regex_lite::Regex::new(r"code_challenge=[A-Za-z0-9_\-.~%]+") {
        Ok(re) => re
            .replace_all(&out, "code_challenge=<code_challenge>")
            .into_owned(),
        Err(_) => out,
    }
}
