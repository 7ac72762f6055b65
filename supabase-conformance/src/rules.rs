//! Deliberate differences, as named rules.
//!
//! A rule is a predicate over one [`Difference`] (which part of which request, what
//! pattern) and a reason. It applies to any case that shows that difference, whatever the
//! case's id, so a new golden showing an intended difference is judged `deliberate`, while
//! any difference no rule covers fails the case. `CONFORMANCE.md` is generated from
//! [`RULES`]; a rule that never fires over the carried fixtures is reported by the runner.

use serde_json::Value;

use crate::compare::{Difference, Part, query_pairs};
use crate::golden::Case;
use crate::normalize::is_library_client_info;

/// A deliberate difference.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Short name, printed with the cases it covers.
    pub name: &'static str,
    /// Which difference it covers, in words (the predicate's documentation).
    pub difference: &'static str,
    /// Why the Rust client does this on purpose.
    pub reason: &'static str,
    /// The predicate.
    pub applies: fn(&Case, &Difference) -> bool,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("name", &self.name).finish()
    }
}

/// Every deliberate difference of the project.
pub const RULES: &[Rule] = &[
    Rule {
        name: "array-literal-quoted",
        difference: "query of a `/rest/v1/` request: a `cs.{…}`/`cd.{…}`/`ov.{…}` value whose \
                     elements are quoted or escaped where supabase-js sends them bare (the \
                     same elements once unquoted)",
        reason: "array elements are quoted and escaped as Postgres array literals require; \
                 supabase-js sends `{a,b,c d,q\"x,{}}` for `[\"a,b\",\"c d\",\"q\\\"x\",\"{}\"]`, \
                 which Postgres reads as other elements (supabase-js #2669)",
        applies: array_literal_quoted,
    },
    Rule {
        name: "in-list-escaped",
        difference: "query of a `/rest/v1/` request: an `in.(…)` value where a `\"` or `\\` \
                     inside a quoted element is backslash-escaped (the same list once \
                     unescaped)",
        reason: "PostgREST reads `\\` as an escape inside a quoted `in()` element; supabase-js \
                 sends `\"a\"b,c\"` and `\"a\\,b\"` unescaped, which PostgREST cannot read as \
                 the values given (supabase-js #2670)",
        applies: in_list_escaped,
    },
    Rule {
        name: "in-list-deduplicated",
        difference: "query of a `/rest/v1/` request of a v1 case: an `in.(…)` list without the \
                     repeated values v1 sends",
        reason: "repeated values do not change an IN list's meaning; the client de-duplicates \
                 as supabase-js v2 does",
        applies: in_list_deduplicated,
    },
    Rule {
        name: "v1-write-return-preference",
        difference: "`prefer` of a v1 POST/PATCH/DELETE to `/rest/v1/`: v1's `return=…` item \
                     absent, every other item the same",
        reason: "supabase-js v1 asked for `return=representation` (or `minimal`) on every \
                 write; this client follows v2: rows only when `.select()` asks for them, \
                 PostgREST's default otherwise",
        applies: v1_write_return_preference,
    },
    Rule {
        name: "generate-link-redirect-in-query-only",
        difference: "body of `POST /auth/v1/admin/generate_link`: the golden's body without \
                     its camelCase `redirectTo`",
        reason: "auth-js leaks `redirectTo` into the body; GoTrue reads the `redirect_to` query \
                 parameter, which both send",
        applies: generate_link_redirect,
    },
    Rule {
        name: "verify-otp-options-not-in-body",
        difference: "body of `POST /auth/v1/verify`: the golden's body without its `options` \
                     object",
        reason: "auth-js spreads its `options` ({redirectTo, captchaToken}) into the body; \
                 GoTrue reads `redirect_to` from the query and the captcha from \
                 `gotrue_meta_security`, which both send",
        applies: verify_otp_options,
    },
    Rule {
        name: "delete-user-without-get",
        difference: "a missing `GET /auth/v1/admin/users/<id>` directly followed, in the \
                     golden, by a `DELETE` of the same path",
        reason: "auth-js GETs the user before deleting it; one DELETE is enough",
        applies: delete_user_without_get,
    },
    Rule {
        name: "pkce-verifier-missing-fails-locally",
        difference: "a missing `POST /auth/v1/token?grant_type=pkce` whose golden body has an \
                     empty (or no) `code_verifier`",
        reason: "without a stored PKCE verifier auth-js sends an empty one, which GoTrue \
                 rejects; the client fails with `PkceVerifierMissing` before sending",
        applies: pkce_verifier_missing,
    },
    Rule {
        name: "set-auth-static-override",
        difference: "`authorization` of a request in a case that calls `setAuth` and then \
                     another auth method: the Rust client still sends the `setAuth` token \
                     where supabase-js v1 sends another one",
        reason: "`Client::set_auth` is a static per-client-value override: signing in, \
                 refreshing or signing out does not replace or revoke it (v1 silently swapped \
                 it for the refreshed session token, or fell back to the anon key)",
        applies: set_auth_static_override,
    },
    Rule {
        name: "set-auth-not-sent-to-logout",
        difference: "a `POST /auth/v1/logout` that supabase-js v1 sent with the `setAuth` \
                     token: missing, or sent with the session's own token",
        reason: "a `set_auth` override is not a session: `sign_out` revokes the session the \
                 client signed in with (nothing without one) and never sends a foreign token \
                 to `/logout`",
        applies: set_auth_not_sent_to_logout,
    },
    Rule {
        name: "auth-api-version-header",
        difference: "`x-supabase-api-version: 2024-01-01` on a v1 case's `/auth/v1/` request, \
                     which gotrue-js 1.x did not send",
        reason: "the client pins the GoTrue API version as auth-js v2 does, so errors come \
                 with their `error_code`",
        applies: auth_api_version_header,
    },
    Rule {
        name: "sign-out-scope-explicit",
        difference: "query of a v1 case's `POST /auth/v1/logout`: `scope=global` where v1 sent \
                     no query",
        reason: "the client always names the sign-out scope (global is GoTrue's default, so \
                 the meaning is the same)",
        applies: sign_out_scope_explicit,
    },
    Rule {
        name: "client-info-always-sent",
        difference: "`x-client-info` absent from a v1 case's request, present (a library \
                     default) in the Rust client's",
        reason: "the client always identifies itself; supabase-js v1 drops its `X-Client-Info` \
                 from auth requests when the `headers` option is given",
        applies: client_info_always_sent,
    },
    Rule {
        name: "name-is-one-path-segment",
        difference: "path (and query) of a `/rest/v1/` request: the same once percent-decoded, \
                     with characters supabase-js leaves raw (`/`, `?`, …) percent-encoded; the \
                     query supabase-js cut out of a name with a `?` not sent",
        reason: "a table or function name is one path segment; supabase-js puts it into the \
                 URL unescaped, so `from(\"my table/ü\")` asks PostgREST for a table `my table` \
                 and a sub-path, and `rpc(\"f?x=1\")` calls `f` with a query",
        applies: name_is_one_path_segment,
    },
    Rule {
        name: "maybe-single-without-object-accept",
        difference: "`accept` of a GET to `/rest/v1/` in a case calling `maybeSingle()`: \
                     `application/vnd.pgrst.object+json` in the golden, none (or `*/*`) sent",
        reason: "the client follows v2: it fetches the rows and requires at most one, instead \
                 of v1's object request whose every 406 error it read as \"no row\"",
        applies: maybe_single_without_object_accept,
    },
    Rule {
        name: "rpc-empty-args-body",
        difference: "body of a v1 case's `POST /rest/v1/rpc/…`: `{}` where v1 sent no body",
        reason: "a function called without arguments gets `{}`, as supabase-js v2 sends it; \
                 PostgREST reads both alike",
        applies: rpc_empty_args_body,
    },
    Rule {
        name: "verify-redirect-in-query",
        difference: "v1 case's `POST /auth/v1/verify`: `redirect_to` sent as a query parameter \
                     instead of a body field (the query, and the body without it and with an \
                     empty `gotrue_meta_security`)",
        reason: "the client sends `redirect_to` where auth-js v2 does, in the query, which \
                 GoTrue reads for every verify request",
        applies: verify_redirect_in_query,
    },
    Rule {
        name: "gotrue-v2-body-fields",
        difference: "JSON body of a v1 case's `/auth/v1/` request: the golden's body plus only \
                     `code_challenge: null`, `code_challenge_method: null`, `data: {}`, \
                     `channel: \"sms\"` or an empty `gotrue_meta_security`; or no body where v1 \
                     sent `{}`",
        reason: "the client speaks GoTrue's current body shape (auth-js v2): explicit \
                 implicit-flow nulls and defaults (`sms` is GoTrue's default channel), which \
                 GoTrue reads as absent",
        applies: gotrue_v2_body_fields,
    },
    Rule {
        name: "functions-v1-object-body-is-json",
        difference: "v1 case's request to `/functions/v1/`: a JSON body with `content-type: \
                     application/json` where supabase-js v1 sent the text `[object Object]` \
                     (fetch's own text/plain)",
        reason: "functions-js 1.3.4 (supabase-js v1) stringified an object body with \
                 `String(body)`; a JSON value goes out as JSON, as functions-js 2 sends it",
        applies: functions_v1_object_body,
    },
    Rule {
        name: "realtime-broadcast-client-info",
        difference: "`x-client-info` on a `/realtime/v1/` HTTP request (the broadcast REST \
                     fallback), a library default, where supabase-js sends none",
        reason: "every HTTP request of the client goes through one transport that identifies \
                 the client; realtime-js posts broadcasts with its own fetch, without \
                 supabase-js's `X-Client-Info` (the server ignores the header)",
        applies: realtime_broadcast_client_info,
    },
    Rule {
        name: "realtime-protocol-vsn-2",
        difference: "v1 case's websocket: `vsn=2.0.0` in the socket query where realtime-js 1.x \
                     asked for `1.0.0` (every other pair the same), and `json_array` frames \
                     where it sent `json_object` ones",
        reason: "realtime-js 1.x spoke the Phoenix 1.0.0 serializer; current Realtime servers \
                 speak 2.0.0 (arrays, binary broadcasts), which the client always uses",
        applies: realtime_protocol_vsn_2,
    },
    Rule {
        name: "realtime-v1-join-payload",
        difference: "v1 case's `phx_join` payload: a realtime-js 2 join (`config` with the \
                     postgres_changes binding, `access_token` the same token as v1's \
                     `user_token`, none for the anon key) instead of `{user_token}`",
        reason: "v1 `from(table).on(event)` joined `realtime:public:<table>` with a user \
                 token only; the client maps it onto a postgres_changes binding on the same \
                 topic, which is how current servers deliver those changes",
        applies: realtime_v1_join_payload,
    },
    Rule {
        name: "realtime-upgrade-without-client-info",
        difference: "v1 case's websocket upgrade without the `x-client-info` header realtime-js \
                     1.x sent",
        reason: "the socket identifies the project by its `apikey` query parameter, as \
                 realtime-js 2 does (a browser's WebSocket cannot set headers)",
        applies: realtime_upgrade_without_client_info,
    },
    Rule {
        name: "mfa-challenge-without-factor-id",
        difference: "body of `POST /auth/v1/factors/{id}/challenge`: the golden's body without \
                     its camelCase `factorId`",
        reason: "auth-js sends its whole params object as the body, leaking `factorId`; GoTrue \
                 reads the factor from the path and only `channel` / `webauthn` from the body",
        applies: mfa_challenge_factor_id,
    },
    Rule {
        name: "refuse-keys-storage-refuses",
        difference: "a `/storage/v1/` request supabase-js sent for an object key Storage \
                     refuses (non-ASCII, `#`, `%`; in its path or in the keys its JSON body \
                     names), not sent; and that statement's outcome: \
                     an `invalid object path` error where storage-js got an answer",
        reason: "storage-js sends any key; Storage refuses non-ASCII, `#` and `%` keys with \
                 `InvalidKey`, and an unescaped `#`/`?` silently shortens the key. The client \
                 refuses such a path before sending, with `Error::InvalidPath` naming the \
                 character (the recorder, unlike Storage, answers every key)",
        applies: refuse_keys_storage_refuses,
    },
    Rule {
        name: "urls-encode-each-segment",
        difference: "a Storage URL a statement returned (`getPublicUrl`, `createSignedUrl`, \
                     …): another path, the same once every percent-encoding is undone (`?` \
                     sent as `%3F`, `%` encoded once)",
        reason: "storage-js runs `encodeURI` over the whole URL, so a `?` in a key starts the \
                 query and a `%20` in a key becomes `%2520`; the client encodes each key \
                 segment once (`?` → `%3F`)",
        applies: urls_encode_each_segment,
    },
    Rule {
        name: "download-name-encoded-once",
        difference: "a Storage URL a statement returned: the same path, and a `download` query \
                     value encoded once where storage-js encoded it twice (`%26` for its \
                     `%2526`)",
        reason: "storage-js encodes `download` with `URLSearchParams` and then `encodeURI` \
                 again (`my cat & co.png` → `my+cat+%2526+co.png`, which names the file \
                 `my cat %26 co.png`); the client encodes it once (`my+cat+%26+co.png`)",
        applies: download_name_encoded_once,
    },
];

fn rest(d: &Difference) -> bool {
    d.path.starts_with("/rest/v1/")
}

fn auth(d: &Difference) -> bool {
    d.path.starts_with("/auth/v1/")
}

/// For a query difference: every pair that differs passes `same(golden, actual)`, and
/// there is at least one.
fn query_values(d: &Difference, same: impl Fn(&str, &str) -> bool) -> bool {
    if d.part != Part::Query {
        return false;
    }
    let g = query_pairs(d.expected.as_deref());
    let a = query_pairs(d.actual.as_deref());
    if g.len() != a.len() || g.is_empty() {
        return false;
    }
    let mut any = false;
    for ((gk, gv), (ak, av)) in g.iter().zip(&a) {
        if gk != ak {
            return false;
        }
        if gv != av {
            if !same(gv, av) {
                return false;
            }
            any = true;
        }
    }
    any
}

/// Splits `op.rest` after an optional `not.` prefix.
fn operator<'a>(v: &'a str, ops: &[&str]) -> Option<&'a str> {
    let v = v.strip_prefix("not.").unwrap_or(v);
    ops.iter()
        .find_map(|op| v.strip_prefix(op).and_then(|r| r.strip_prefix('.')))
}

/// Removes unescaped double quotes and resolves backslash escapes.
fn unquote(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '"' => {}
            c => out.push(c),
        }
    }
    out
}

fn array_literal_quoted(_: &Case, d: &Difference) -> bool {
    rest(d)
        && query_values(d, |g, a| {
            match (
                operator(g, &["cs", "cd", "ov"]),
                operator(a, &["cs", "cd", "ov"]),
            ) {
                (Some(g), Some(a)) => g.starts_with('{') && unquote(a) == g && a.contains('"'),
                _ => false,
            }
        })
}

fn in_list_escaped(_: &Case, d: &Difference) -> bool {
    rest(d)
        && query_values(d, |g, a| {
            match (operator(g, &["in"]), operator(a, &["in"])) {
                (Some(g), Some(a)) => {
                    a.contains('\\') && a.replace("\\\"", "\"").replace("\\\\", "\\") == g
                }
                _ => false,
            }
        })
}

/// The elements of an `in.(…)` list, quotes kept (a naive split outside quotes).
fn in_elements(list: &str) -> Option<Vec<String>> {
    let inner = list.strip_prefix('(')?.strip_suffix(')')?;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in inner.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    Some(out)
}

fn in_list_deduplicated(case: &Case, d: &Difference) -> bool {
    case.is_v1()
        && rest(d)
        && query_values(d, |g, a| {
            match (operator(g, &["in"]), operator(a, &["in"])) {
                (Some(g), Some(a)) => match (in_elements(g), in_elements(a)) {
                    (Some(g), Some(a)) => {
                        let mut seen = Vec::new();
                        for e in g {
                            if !seen.contains(&e) {
                                seen.push(e);
                            }
                        }
                        seen == a
                    }
                    _ => false,
                },
                _ => false,
            }
        })
}

fn prefer_items(v: Option<&str>) -> Vec<String> {
    v.map(|v| {
        v.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

fn v1_write_return_preference(case: &Case, d: &Difference) -> bool {
    if !(case.is_v1()
        && rest(d)
        && d.part == Part::Header("prefer".into())
        && matches!(d.method.as_str(), "POST" | "PATCH" | "DELETE"))
    {
        return false;
    }
    let e = prefer_items(d.expected.as_deref());
    let a = prefer_items(d.actual.as_deref());
    let without = |l: &[String]| {
        let mut l: Vec<String> = l
            .iter()
            .filter(|i| !i.starts_with("return="))
            .cloned()
            .collect();
        l.sort();
        l
    };
    e.iter().any(|i| i.starts_with("return="))
        && !a.iter().any(|i| i.starts_with("return="))
        && without(&e) == without(&a)
}

fn json(v: Option<&str>) -> Option<Value> {
    v.and_then(|b| serde_json::from_str(b).ok())
}

/// For a body difference: the golden's JSON object without `keys` equals the actual one.
fn body_without(d: &Difference, keys: &[&str]) -> bool {
    let (Some(Value::Object(mut e)), Some(a)) =
        (json(d.expected.as_deref()), json(d.actual.as_deref()))
    else {
        return false;
    };
    let had = keys.iter().any(|k| e.contains_key(*k));
    for k in keys {
        e.remove(*k);
    }
    had && Value::Object(e) == a
}

fn generate_link_redirect(_: &Case, d: &Difference) -> bool {
    d.part == Part::Body
        && d.method == "POST"
        && d.path == "/auth/v1/admin/generate_link"
        && body_without(d, &["redirectTo"])
}

fn mfa_challenge_factor_id(_: &Case, d: &Difference) -> bool {
    d.part == Part::Body
        && d.method == "POST"
        && d.path.starts_with("/auth/v1/factors/")
        && d.path.ends_with("/challenge")
        && body_without(d, &["factorId"])
}

fn verify_otp_options(_: &Case, d: &Difference) -> bool {
    d.part == Part::Body
        && d.method == "POST"
        && d.path == "/auth/v1/verify"
        && body_without(d, &["options"])
}

fn delete_user_without_get(case: &Case, d: &Difference) -> bool {
    if d.part != Part::MissingRequest
        || d.method != "GET"
        || !d.path.starts_with("/auth/v1/admin/users/")
    {
        return false;
    }
    d.index
        .and_then(|i| case.requests.get(i + 1))
        .is_some_and(|next| next.method == "DELETE" && next.path == d.path)
}

fn pkce_verifier_missing(case: &Case, d: &Difference) -> bool {
    if d.part != Part::MissingRequest || d.method != "POST" || d.path != "/auth/v1/token" {
        return false;
    }
    let Some(g) = d.index.and_then(|i| case.requests.get(i)) else {
        return false;
    };
    let pkce = query_pairs(g.query.as_deref())
        .iter()
        .any(|(k, v)| k == "grant_type" && v == "pkce");
    let body = json(g.body.as_deref());
    let verifier = body
        .as_ref()
        .and_then(|b| b.get("code_verifier"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    pkce && verifier.is_empty()
}

/// Whether the case calls `setAuth` and then another auth method.
fn set_auth_then_auth(case: &Case) -> Option<String> {
    let statements = case.statements().ok()?;
    let first = statements
        .iter()
        .position(|s| s.kind == "auth" && s.name() == Some("setAuth"))?;
    let later = statements[first + 1..]
        .iter()
        .any(|s| s.kind == "auth" && s.name() != Some("setAuth"));
    later.then(|| case.set_auth_token()).flatten()
}

fn set_auth_static_override(case: &Case, d: &Difference) -> bool {
    let Some(token) = set_auth_then_auth(case) else {
        return false;
    };
    let bearer = format!("Bearer {token}");
    d.part == Part::Header("authorization".into())
        && d.path != "/auth/v1/logout"
        && d.actual.as_deref() == Some(bearer.as_str())
        && d.expected.as_deref() != Some(bearer.as_str())
}

fn set_auth_not_sent_to_logout(case: &Case, d: &Difference) -> bool {
    let Some(token) = case.set_auth_token() else {
        return false;
    };
    let bearer = format!("Bearer {token}");
    if d.method != "POST" || d.path != "/auth/v1/logout" {
        return false;
    }
    match &d.part {
        Part::MissingRequest => d.index.and_then(|i| case.requests.get(i)).is_some_and(|g| {
            g.headers
                .iter()
                .any(|(k, v)| k == "authorization" && v == &bearer)
        }),
        Part::Header(h) if h == "authorization" => {
            d.expected.as_deref() == Some(bearer.as_str()) && d.actual.is_some()
        }
        _ => false,
    }
}

fn auth_api_version_header(case: &Case, d: &Difference) -> bool {
    case.is_v1()
        && auth(d)
        && d.part == Part::Header("x-supabase-api-version".into())
        && d.expected.is_none()
        && d.actual.as_deref() == Some("2024-01-01")
}

fn sign_out_scope_explicit(case: &Case, d: &Difference) -> bool {
    case.is_v1()
        && d.part == Part::Query
        && d.path == "/auth/v1/logout"
        && d.expected.is_none()
        && d.actual.as_deref() == Some("scope=global")
}

fn client_info_always_sent(case: &Case, d: &Difference) -> bool {
    case.is_v1()
        && d.part == Part::Header("x-client-info".into())
        && d.expected.is_none()
        && d.actual.as_deref().is_some_and(is_library_client_info)
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect()
}

fn name_is_one_path_segment(case: &Case, d: &Difference) -> bool {
    if !d.path.starts_with("/rest/v1/") {
        return false;
    }
    let golden_query = d
        .index
        .and_then(|i| case.requests.get(i))
        .and_then(|g| g.query.clone());
    // The golden path plus the query supabase-js cut out of the name.
    let whole = match &golden_query {
        Some(q) => format!("{}?{q}", percent_decode(&d.path)),
        None => percent_decode(&d.path),
    };
    match d.part {
        Part::Path => d.actual.as_deref().is_some_and(|a| {
            a.len() > d.path.len()
                && (percent_decode(a) == percent_decode(&d.path) || percent_decode(a) == whole)
        }),
        // The query of `rpc("f?x=1")`: the name's tail, not sent as a query by the client.
        Part::Query => {
            d.actual.is_none()
                && golden_query.is_some()
                && case.statements().is_ok_and(|st| {
                    st.iter().any(|s| {
                        matches!(s.kind.as_str(), "from" | "rpc")
                            && s.name()
                                .is_some_and(|n| whole.ends_with(n) && n.contains('?'))
                    })
                })
        }
        _ => false,
    }
}

fn maybe_single_without_object_accept(case: &Case, d: &Difference) -> bool {
    case.has_call("maybeSingle")
        && rest(d)
        && d.method == "GET"
        && d.part == Part::Header("accept".into())
        && d.expected.as_deref() == Some("application/vnd.pgrst.object+json")
        && d.actual.as_deref().is_none_or(|a| a == "*/*")
}

fn rpc_empty_args_body(case: &Case, d: &Difference) -> bool {
    case.is_v1()
        && d.part == Part::Body
        && d.method == "POST"
        && d.path.starts_with("/rest/v1/rpc/")
        && d.expected.is_none()
        && d.actual.as_deref() == Some("{}")
}

fn verify_redirect_in_query(case: &Case, d: &Difference) -> bool {
    if !case.is_v1() || d.method != "POST" || d.path != "/auth/v1/verify" {
        return false;
    }
    let redirect = d
        .index
        .and_then(|i| case.requests.get(i))
        .and_then(|g| json(g.body.as_deref()))
        .and_then(|b| {
            b.get("redirect_to")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    let Some(redirect) = redirect else {
        return false;
    };
    match d.part {
        Part::Query => {
            d.expected.is_none()
                && query_pairs(d.actual.as_deref()) == [("redirect_to".to_owned(), redirect)]
        }
        Part::Body => {
            let (Some(Value::Object(mut e)), Some(Value::Object(mut a))) =
                (json(d.expected.as_deref()), json(d.actual.as_deref()))
            else {
                return false;
            };
            e.remove("redirect_to");
            if a.get("gotrue_meta_security")
                .is_some_and(|m| m.as_object().is_some_and(serde_json::Map::is_empty))
                && !e.contains_key("gotrue_meta_security")
            {
                a.remove("gotrue_meta_security");
            }
            e == a
        }
        _ => false,
    }
}

fn gotrue_v2_body_fields(case: &Case, d: &Difference) -> bool {
    if !case.is_v1() || !auth(d) || d.part != Part::Body {
        return false;
    }
    if d.expected.as_deref() == Some("{}") && d.actual.is_none() {
        return true;
    }
    let (Some(Value::Object(e)), Some(Value::Object(mut a))) =
        (json(d.expected.as_deref()), json(d.actual.as_deref()))
    else {
        return false;
    };
    let empty_meta = |v: &Value| {
        v.as_object()
            .is_some_and(|o| o.values().all(Value::is_null))
    };
    let keys: Vec<String> = a.keys().cloned().collect();
    for k in keys {
        if e.contains_key(&k) {
            continue;
        }
        let removable = match (k.as_str(), a.get(&k)) {
            ("code_challenge" | "code_challenge_method", Some(Value::Null)) => true,
            ("data", Some(v)) => v.as_object().is_some_and(serde_json::Map::is_empty),
            ("gotrue_meta_security", Some(v)) => empty_meta(v),
            ("channel", Some(v)) => v == "sms",
            _ => false,
        };
        if !removable {
            return false;
        }
        a.remove(&k);
    }
    Value::Object(e) == Value::Object(a)
}

/// The rules that cover `d`.
pub fn covering(case: &Case, d: &Difference) -> Vec<&'static Rule> {
    RULES.iter().filter(|r| (r.applies)(case, d)).collect()
}

/// The rules table of `CONFORMANCE.md`, generated from [`RULES`].
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# Conformance with supabase-js: deliberate differences\n\n");
    out.push_str(
        "Generated from `supabase-conformance/src/rules.rs` by \
         `cargo xtask conformance --write-md`; do not edit by hand.\n\n\
         `cargo xtask conformance [DIR]` runs every golden of the conformance corpus (the \
         carried fixtures by default) against the Rust client. A case whose every difference \
         is covered by one of these rules is judged *deliberate*; any other difference fails \
         it. A rule applies to any case that shows its difference, not to a list of case ids.\n\n",
    );
    out.push_str("| rule | difference | reason |\n| --- | --- | --- |\n");
    for r in RULES {
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.name,
            cell(r.difference),
            cell(r.reason)
        ));
    }
    out
}

fn functions_v1_object_body(case: &Case, d: &Difference) -> bool {
    if !case.is_v1() || !d.path.starts_with("/functions/v1/") {
        return false;
    }
    match &d.part {
        Part::Body => {
            d.expected.as_deref() == Some("[object Object]")
                && json(d.actual.as_deref()).is_some_and(|v| v.is_object())
        }
        Part::Header(h) if h == "content-type" => {
            d.expected
                .as_deref()
                .is_none_or(|e| e.starts_with("text/plain"))
                && d.actual.as_deref() == Some("application/json")
        }
        _ => false,
    }
}

fn realtime_broadcast_client_info(_: &Case, d: &Difference) -> bool {
    d.path.starts_with("/realtime/v1/")
        && d.part == Part::Header("x-client-info".into())
        && d.expected.is_none()
        && d.actual.as_deref().is_some_and(is_library_client_info)
}

fn realtime_protocol_vsn_2(case: &Case, d: &Difference) -> bool {
    if !case.is_v1() {
        return false;
    }
    match &d.part {
        Part::Socket { what, .. } if what == "query" => {
            let vsn = |pairs: Vec<(String, String)>| -> Vec<(String, String)> {
                pairs.into_iter().filter(|(k, _)| k != "vsn").collect()
            };
            let (g, a) = (
                query_pairs(d.expected.as_deref()),
                query_pairs(d.actual.as_deref()),
            );
            g.contains(&("vsn".into(), "1.0.0".into()))
                && a.contains(&("vsn".into(), "2.0.0".into()))
                && vsn(g) == vsn(a)
        }
        Part::Frame { field, .. } if *field == "format" => {
            d.expected.as_deref() == Some("json_object")
                && d.actual.as_deref() == Some("json_array")
        }
        _ => false,
    }
}

fn realtime_v1_join_payload(case: &Case, d: &Difference) -> bool {
    use supabase_test_support::fixtures::ANON_KEY;
    if !case.is_v1()
        || !matches!(
            d.part,
            Part::Frame {
                field: "payload",
                ..
            }
        )
    {
        return false;
    }
    let (Some(Value::Object(e)), Some(Value::Object(a))) =
        (json(d.expected.as_deref()), json(d.actual.as_deref()))
    else {
        return false;
    };
    let Some(user_token) = e.get("user_token").and_then(Value::as_str) else {
        return false;
    };
    let carried = (user_token != ANON_KEY).then_some(user_token);
    e.len() == 1
        && a.get("config")
            .and_then(|c| c.get("postgres_changes"))
            .is_some_and(|p| p.as_array().is_some_and(|p| !p.is_empty()))
        && a.get("access_token").and_then(Value::as_str) == carried
}

fn realtime_upgrade_without_client_info(case: &Case, d: &Difference) -> bool {
    case.is_v1()
        && matches!(&d.part, Part::Socket { what, .. } if what == "header x-client-info")
        && d.expected.as_deref().is_some_and(is_library_client_info)
        && d.actual.is_none()
}

fn storage(d: &Difference) -> bool {
    d.path.starts_with("/storage/v1/")
}

/// The object key of a Storage path holds a character Storage refuses.
fn key_storage_refuses(path: &str) -> bool {
    percent_decode(path)
        .chars()
        .any(|c| !c.is_ascii() || matches!(c, '#' | '%'))
}

/// The object keys a Storage request names in its JSON body (`remove`'s `prefixes`,
/// `createSignedUrls`' `paths`, `move`/`copy`'s keys).
fn keys_in_body(body: Option<&str>) -> Vec<String> {
    let Some(v) = json(body) else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for list in ["prefixes", "paths"] {
        for item in v.get(list).and_then(Value::as_array).into_iter().flatten() {
            if let Some(k) = item
                .as_str()
                .or_else(|| item.get("path").and_then(Value::as_str))
            {
                keys.push(k.to_owned());
            }
        }
    }
    for key in ["sourceKey", "destinationKey"] {
        if let Some(k) = v.get(key).and_then(Value::as_str) {
            keys.push(k.to_owned());
        }
    }
    keys
}

fn refuse_keys_storage_refuses(case: &Case, d: &Difference) -> bool {
    let refused = |k: &str| k.chars().any(|c| !c.is_ascii() || matches!(c, '#' | '%'));
    match &d.part {
        Part::MissingRequest => {
            let body = d
                .index
                .and_then(|i| case.requests.get(i))
                .and_then(|g| g.body.as_deref());
            storage(d)
                && (key_storage_refuses(&d.path) || keys_in_body(body).iter().any(|k| refused(k)))
        }
        Part::Outcome { .. } => {
            d.expected.as_deref() == Some("success")
                && d.actual
                    .as_deref()
                    .is_some_and(|a| a.starts_with("error: invalid object path"))
        }
        _ => false,
    }
}

/// A returned Storage URL, expected and actual, each split into its path and query (`None`
/// for other differences).
type UrlParts<'a> = ((&'a str, &'a str), (&'a str, &'a str));

fn storage_result_urls(d: &Difference) -> Option<UrlParts<'_>> {
    if !matches!(d.part, Part::ResultUrl { .. }) {
        return None;
    }
    let (e, a) = (d.expected.as_deref()?, d.actual.as_deref()?);
    if !e.contains("/storage/v1/") || !a.contains("/storage/v1/") {
        return None;
    }
    fn split(u: &str) -> (&str, &str) {
        u.split_once('?').unwrap_or((u, ""))
    }
    Some((split(e), split(a)))
}

/// Percent-decodes until nothing changes.
fn fully_decoded(s: &str) -> String {
    let mut s = s.to_owned();
    loop {
        let next = percent_decode(&s);
        if next == s {
            return s;
        }
        s = next;
    }
}

fn urls_encode_each_segment(_: &Case, d: &Difference) -> bool {
    let Some(((ep, eq), (ap, aq))) = storage_result_urls(d) else {
        return false;
    };
    let whole = |p: &str, q: &str| {
        if q.is_empty() {
            fully_decoded(p)
        } else {
            format!("{}?{}", fully_decoded(p), fully_decoded(q))
        }
    };
    ep != ap && whole(ep, eq) == whole(ap, aq)
}

fn download_name_encoded_once(_: &Case, d: &Difference) -> bool {
    let Some(((ep, eq), (ap, aq))) = storage_result_urls(d) else {
        return false;
    };
    let (g, a) = (query_pairs(Some(eq)), query_pairs(Some(aq)));
    ep == ap
        && g.len() == a.len()
        && g.iter().zip(&a).all(|((gk, gv), (ak, av))| {
            gk == ak && (gv == av || (gk == "download" && percent_decode(gv) == *av))
        })
        && g != a
}
