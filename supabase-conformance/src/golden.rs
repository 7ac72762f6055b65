//! Reading goldens (README "Golden format") and splitting a case's ops into statements
//! (README "The DSL").

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::oj::Oj;

/// One recorded request of a golden.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldenRequest {
    /// HTTP method.
    pub method: String,
    /// Raw path.
    pub path: String,
    /// Raw query string, `None` without `?`.
    pub query: Option<String>,
    /// Headers in wire order, lowercased names.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Headers added by Node's fetch.
    #[serde(default)]
    pub transport_headers: Vec<String>,
    /// Label of the bearer.
    #[serde(default)]
    pub bearer: Option<String>,
    /// Raw body text.
    #[serde(default)]
    pub body: Option<String>,
    /// The exact bytes, when the body is not UTF-8.
    #[serde(default)]
    pub body_base64: Option<String>,
    /// Multipart parts, for multipart bodies.
    #[serde(default)]
    pub body_multipart: Option<Value>,
}

/// A golden file: a case and what supabase-js sent for it.
#[derive(Debug, Clone)]
pub struct Case {
    /// The case id.
    pub id: String,
    /// What the case checks.
    pub desc: String,
    /// `v1` or `v2`.
    pub client: String,
    /// The file it was read from.
    pub file: PathBuf,
    /// The case as recorded (key, url_suffix, options, responses, ws_responses, ops).
    pub case: Value,
    /// The ops in document order, `$repeat` expanded.
    pub ops: Vec<Oj>,
    /// Set when `createClient` threw.
    pub setup_error: Option<Value>,
    /// The requests, in order.
    pub requests: Vec<GoldenRequest>,
    /// The websockets (realtime cases).
    pub websockets: Vec<Value>,
    /// What the JS client concluded, per statement.
    pub results: Vec<Value>,
}

#[derive(Deserialize)]
struct RawGolden {
    id: String,
    #[serde(default)]
    desc: String,
    client: String,
    case: Value,
    #[serde(default)]
    setup_error: Option<Value>,
    #[serde(default)]
    requests: Vec<GoldenRequest>,
    #[serde(default)]
    websockets: Vec<Value>,
    #[serde(default)]
    results: Vec<Value>,
}

/// A golden that could not be read: it is still a case, and it fails.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// The id the file name gives.
    pub id: String,
    /// The file.
    pub file: PathBuf,
    /// What went wrong.
    pub error: String,
}

/// The golden folder to read for `dir`: its `golden/` subfolder when it has one.
pub fn golden_dir(dir: &Path) -> PathBuf {
    let sub = dir.join("golden");
    if sub.is_dir() { sub } else { dir.to_path_buf() }
}

/// Every golden (`*.json` not starting with `_`) in `dir`, sorted by file name. A file that
/// cannot be read or parsed is returned as [`Unreadable`], never dropped.
pub fn load_dir(dir: &Path) -> Result<Vec<Result<Case, Unreadable>>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("reading {}: {e}", dir.display()))?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".json") && !name.starts_with('_') {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths.iter().map(|p| load_file(p)).collect())
}

/// One golden file.
pub fn load_file(path: &Path) -> Result<Case, Unreadable> {
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fail = |error: String| Unreadable {
        id: id.clone(),
        file: path.to_path_buf(),
        error,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("reading: {e}")))?;
    parse(&text, path).map_err(fail)
}

/// A golden from its text.
pub fn parse(text: &str, path: &Path) -> Result<Case, String> {
    let raw: RawGolden = serde_json::from_str(text).map_err(|e| format!("parsing: {e}"))?;
    // The ops once more, in document order.
    let ordered: Oj = serde_json::from_str(text).map_err(|e| format!("parsing: {e}"))?;
    let ops = match ordered.get("case").and_then(|c| c.get("ops")) {
        Some(Oj::Arr(ops)) => ops.iter().cloned().map(Oj::expand).collect(),
        _ => return Err("the case has no `ops` list".into()),
    };
    Ok(Case {
        id: raw.id,
        desc: raw.desc,
        client: raw.client,
        file: path.to_path_buf(),
        case: raw.case,
        ops,
        setup_error: raw.setup_error.filter(|v| !v.is_null()),
        requests: raw.requests,
        websockets: raw.websockets,
        results: raw.results,
    })
}

/// The root keys of the DSL (README "The DSL").
pub const ROOT_KEYS: &[&str] = &[
    "from",
    "rpc",
    "schema",
    "auth",
    "functions",
    "storage",
    "channel",
    "realtime",
    "ref",
    "client",
    "until",
    "server_send",
];

/// One statement: a root op and the calls chained on it.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Index of the root op in `ops`.
    pub op: usize,
    /// The root key (`from`, `auth`, …), or the first key of an op the DSL does not know.
    pub kind: String,
    /// The root op.
    pub root: Oj,
    /// Its `args` (empty when absent).
    pub args: Vec<Oj>,
    /// `(method, args)` of each `{"call": …}` after the root.
    pub calls: Vec<(String, Vec<Oj>)>,
}

/// The DSL escapes the HTTP interpreters handle themselves (`$repeat` is expanded on load).
const PLAIN_ESCAPES: &[&str] = &["$undefined"];

fn find_escape(v: &Oj) -> Option<String> {
    match v {
        Oj::Obj(members) => {
            if let [(k, _)] | [(k, _), _] = members.as_slice()
                && k.starts_with('$')
                && !PLAIN_ESCAPES.contains(&k.as_str())
            {
                return Some(k.clone());
            }
            members.iter().find_map(|(_, v)| find_escape(v))
        }
        Oj::Arr(items) => items.iter().find_map(find_escape),
        _ => None,
    }
}

impl Statement {
    /// The first DSL escape in the statement's arguments other than `$undefined` (bytes,
    /// blobs, files, form data, `$ref`, `$callback`), which the HTTP interpreters do not map;
    /// they fail the case with it rather than send the escape as JSON.
    pub fn unmapped_escape(&self) -> Option<String> {
        self.args
            .iter()
            .chain(self.calls.iter().flat_map(|(_, a)| a.iter()))
            .find_map(find_escape)
    }

    /// The root op's value as a string (`"todos"` of `{"from": "todos"}`).
    pub fn name(&self) -> Option<&str> {
        self.root.str_at(&self.kind)
    }
}

fn args_of(op: &Oj) -> Vec<Oj> {
    match op.get("args") {
        Some(Oj::Arr(a)) => a.clone(),
        _ => Vec::new(),
    }
}

impl Case {
    /// The case's ops as statements. A call before any root op is an error.
    pub fn statements(&self) -> Result<Vec<Statement>, String> {
        let mut out: Vec<Statement> = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            if let Some(method) = op.str_at("call") {
                match out.last_mut() {
                    Some(s) => s.calls.push((method.to_owned(), args_of(op))),
                    None => return Err(format!("op #{i}: a call without a root op")),
                }
                continue;
            }
            let kind = ROOT_KEYS
                .iter()
                .find(|k| op.get(k).is_some())
                .map(|k| (*k).to_owned())
                .or_else(|| {
                    op.members()
                        .and_then(|m| m.iter().map(|(k, _)| k.clone()).find(|k| k != "as"))
                })
                .unwrap_or_else(|| "?".into());
            out.push(Statement {
                op: i,
                kind,
                root: op.clone(),
                args: args_of(op),
                calls: Vec::new(),
            });
        }
        Ok(out)
    }

    /// The root kinds of the case's statements.
    pub fn root_kinds(&self) -> Vec<String> {
        self.statements()
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.kind)
            .collect()
    }

    /// Whether any statement has root `kind` (and, if given, that name).
    pub fn has_root(&self, kind: &str, name: Option<&str>) -> bool {
        self.statements()
            .unwrap_or_default()
            .iter()
            .any(|s| s.kind == kind && name.is_none_or(|n| s.name() == Some(n)))
    }

    /// Whether any op is `{"call": method}`.
    pub fn has_call(&self, method: &str) -> bool {
        self.ops.iter().any(|op| op.str_at("call") == Some(method))
    }

    /// `options` of the case (`null` when absent).
    pub fn options(&self) -> &Value {
        self.case.get("options").unwrap_or(&Value::Null)
    }

    /// Whether the case is for supabase-js v2.
    pub fn is_v2(&self) -> bool {
        self.client == "v2"
    }

    /// Whether the case is for supabase-js v1.
    pub fn is_v1(&self) -> bool {
        self.client == "v1"
    }

    /// The project key the case uses: `anon` (default), `service_role`, or a literal.
    pub fn key(&self) -> String {
        use supabase_test_support::fixtures::{ANON_KEY, SERVICE_ROLE_KEY};
        match self.case.get("key").and_then(Value::as_str) {
            None | Some("anon") => ANON_KEY.to_owned(),
            Some("service_role") => SERVICE_ROLE_KEY.to_owned(),
            Some(literal) => literal.to_owned(),
        }
    }

    /// The case's `url_suffix` (e.g. `/`), empty by default.
    pub fn url_suffix(&self) -> &str {
        self.case
            .get("url_suffix")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The first `auth` arg of the first `setAuth` statement (the token v1 cases pass).
    pub fn set_auth_token(&self) -> Option<String> {
        self.statements().ok()?.into_iter().find_map(|s| {
            (s.kind == "auth" && s.name() == Some("setAuth"))
                .then(|| s.args.first().and_then(Oj::str).map(str::to_owned))
                .flatten()
        })
    }
}
