//! A small Supabase project in one call: PostgREST with row-level security on `todos`, and
//! Auth (sign-up, password and refresh grants, user, logout).
//!
//! ```
//! use supabase_test_support::mock_project::MockProject;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let mock = MockProject::start().await;
//! let alice = mock.user_jwt("alice"); // sees rows 1, 2 and 4 of `todos`
//! // … point a client at `mock.url()` with `mock.anon_key()` …
//! for line in mock.received_lines().await {
//!     println!("{line}"); // method, path and query, apikey, whose bearer; never a secret
//! }
//! # let _ = alice;
//! # });
//! ```
//!
//! # What it answers
//!
//! Every request must carry `apikey`: the anon key ([`MockProject::anon_key`]) or the
//! service-role key (401 otherwise, as the API gateway does). A bearer that is not one of the
//! keys must be a JWT signed with the local-dev secret and not expired (PostgREST's 401
//! `PGRST301` / `PGRST303` otherwise); its `sub` is the user row-level security sees.
//!
//! **PostgREST** (`/rest/v1`, schema `public`):
//! - table `todos` (`id`, `owner`, `title`, `done`), seeded with rows 1, 2 and 4 owned by
//!   `alice` and row 3 owned by `bob` ([`MockProject::add_todo`] adds more). Row-level security:
//!   a user reads, updates and deletes only the rows whose `owner` is their `sub`, and inserts
//!   only as themselves (`owner` is filled in); the anon key sees no rows and may not insert
//!   (`42501`); the service-role key sees every row.
//! - `GET`/`HEAD`: `select` (a list of columns or `*`), filters `eq`, `neq`, `is`, `in`
//!   (others are ignored), `order`, `limit`, `offset`, `Prefer: count=…` (`Content-Range`),
//!   `Accept: application/vnd.pgrst.object+json` (406 `PGRST116` unless one row).
//! - `POST` inserts (an object or an array; `id` assigned when absent, a taken `id` is 409
//!   `23505`); `PATCH` and `DELETE` act on the caller's rows matching the filters;
//!   `Prefer: return=representation` returns the rows.
//! - `POST /rest/v1/rpc/add` with `{"a": …, "b": …}` returns `a + b`.
//! - Any other table or function: 404 (`PGRST205` / `PGRST202`).
//!
//! **Auth** (`/auth/v1`): users `alice@example.com` and `bob@example.com` (ids `alice` and
//! `bob`, password [`MockProject::PASSWORD`]).
//! - `POST /signup`: with email and password registers a user; without, an anonymous user.
//! - `POST /token?grant_type=password` and `grant_type=refresh_token` (refresh tokens are
//!   single-use and rotate); wrong credentials are 400 `invalid_credentials`.
//! - `GET /user` for a valid user JWT (403 `session_not_found` once its session signed out);
//!   `POST /logout?scope=local|global|others` (204).
//!
//! Built on [`crate::MockServer`], so it is safe to drop on a runtime thread.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde_json::{Map, Value, json};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::MockServer;
use crate::fixtures::{ANON_KEY, JWT_SECRET, SERVICE_ROLE_KEY};

/// Body keys whose values are never shown by [`MockProject::received_lines`].
const SECRET_KEYS: &[&str] = &[
    "password",
    "refresh_token",
    "access_token",
    "token",
    "token_hash",
    "code_verifier",
    "auth_code",
    "id_token",
    "nonce",
    "provider_token",
    "apikey",
];

/// A mock Supabase project (PostgREST and Auth) started in one call; see the
/// [module documentation](self).
pub struct MockProject {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for MockProject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MockProject({})", self.server.uri())
    }
}

impl MockProject {
    /// The password of the mock's users `alice@example.com` and `bob@example.com`.
    pub const PASSWORD: &'static str = "correct horse battery staple";

    /// Starts the mock project on a random local port.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::new(&server.uri())));
        Mock::given(wiremock::matchers::any())
            .respond_with(Project {
                state: Arc::clone(&state),
            })
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The project URL (`http://127.0.0.1:PORT`), what `create_client` takes.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// The project's anon key (the local-dev one).
    pub fn anon_key(&self) -> &'static str {
        ANON_KEY
    }

    /// The project's service-role key (bypasses row-level security).
    pub fn service_role_key(&self) -> &'static str {
        SERVICE_ROLE_KEY
    }

    /// An access token for user `name` (its `sub`), as Supabase Auth would issue it
    /// ([`crate::mint_user_jwt`]; expires in 2100).
    pub fn user_jwt(&self, name: &str) -> String {
        crate::mint_user_jwt(name, None)
    }

    /// A token from another identity provider (issuer `https://idp.example.com`) for `sub`,
    /// as third-party auth (Clerk, Auth0, Firebase, …) sends it; the mock accepts it.
    pub fn third_party_jwt(&self, sub: &str) -> String {
        crate::mint_jwt(&json!({
            "iss": "https://idp.example.com",
            "sub": sub,
            "role": "authenticated",
            "exp": crate::fixtures::FAR_FUTURE_EXP,
        }))
    }

    /// Adds a row to `todos` owned by `owner`; returns its id.
    pub fn add_todo(&self, owner: &str, title: &str) -> i64 {
        let mut state = self.lock();
        let id = state.next_id();
        state
            .todos
            .push(json!({"id": id, "owner": owner, "title": title, "done": false}));
        id
    }

    /// Every row of `todos`, whoever owns it.
    pub fn todos(&self) -> Vec<Value> {
        self.lock().todos.clone()
    }

    /// One line per request received, in order: method, path and query, whether `apikey` was
    /// the anon key, whose JWT was the bearer (its `sub`), and for requests with them the
    /// `Prefer`, a non-default `Accept`, a schema other than `public` and the JSON body. Secret values
    /// never appear: tokens are named by their `sub`, and passwords, tokens and keys in a
    /// body or query read `[REDACTED]`.
    pub async fn received_lines(&self) -> Vec<String> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(describe)
            .collect()
    }

    /// Prints "What the mock project received:" and [`received_lines`](Self::received_lines).
    pub async fn print_received(&self) {
        println!("\nWhat the mock project received:");
        for line in self.received_lines().await {
            println!("  {line}");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---------------------------------------------------------------------------------------------
// State

struct User {
    id: String,
    email: Option<String>,
    password: Option<String>,
    anonymous: bool,
}

struct State {
    issuer: String,
    todos: Vec<Value>,
    users: Vec<User>,
    /// Live sessions: session id → user id.
    sessions: HashMap<String, String>,
    /// Unused refresh tokens: token → session id.
    refresh_tokens: HashMap<String, String>,
    counter: u64,
}

impl State {
    fn new(url: &str) -> Self {
        let todos = [
            (1, "alice", "buy milk", false),
            (2, "alice", "write, then test", false),
            (3, "bob", "walk the dog", false),
            (4, "alice", "read the docs", true),
        ]
        .iter()
        .map(|(id, owner, title, done)| json!({"id": id, "owner": owner, "title": title, "done": done}))
        .collect();
        let users = ["alice", "bob"]
            .iter()
            .map(|name| User {
                id: (*name).to_owned(),
                email: Some(format!("{name}@example.com")),
                password: Some(MockProject::PASSWORD.to_owned()),
                anonymous: false,
            })
            .collect();
        Self {
            issuer: format!("{url}/auth/v1"),
            todos,
            users,
            sessions: HashMap::new(),
            refresh_tokens: HashMap::new(),
            counter: 0,
        }
    }

    fn next_id(&self) -> i64 {
        self.todos
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .max()
            .unwrap_or(0)
            + 1
    }

    fn tick(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn user_json(&self, id: &str, claims: Option<&Map<String, Value>>) -> Value {
        let user = self.users.iter().find(|u| u.id == id);
        let email = user
            .and_then(|u| u.email.clone())
            .or_else(|| claims.and_then(|c| c.get("email")?.as_str().map(str::to_owned)));
        let anonymous = user.is_some_and(|u| u.anonymous);
        json!({
            "id": id,
            "aud": "authenticated",
            "role": "authenticated",
            "email": email.clone().unwrap_or_default(),
            "phone": "",
            "is_anonymous": anonymous,
            "email_confirmed_at": email.as_ref().map(|_| "2024-01-01T00:00:00Z"),
            "app_metadata": if anonymous { json!({}) } else { json!({"provider": "email", "providers": ["email"]}) },
            "user_metadata": {},
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        })
    }

    /// A new session for user `id`: access token, single-use refresh token.
    fn new_session(&mut self, id: &str, session_id: Option<String>) -> Value {
        let n = self.tick();
        let session_id =
            session_id.unwrap_or_else(|| format!("00000000-0000-4000-8000-{:012x}", 0xb000 + n));
        let refresh = format!(
            "mock-refresh-{n}-{}",
            URL_SAFE_NO_PAD.encode(n.to_be_bytes())
        );
        self.sessions.insert(session_id.clone(), id.to_owned());
        self.refresh_tokens
            .insert(refresh.clone(), session_id.clone());
        let user = self.user_json(id, None);
        let now = now();
        let exp = now + 3600;
        let access = crate::mint_jwt(&json!({
            "iss": self.issuer,
            "aud": "authenticated",
            "sub": id,
            "role": "authenticated",
            "email": user["email"],
            "phone": "",
            "exp": exp,
            "iat": now,
            "session_id": session_id,
            "is_anonymous": user["is_anonymous"],
            "aal": "aal1",
        }));
        json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": 3600,
            "expires_at": exp,
            "refresh_token": refresh,
            "user": user,
        })
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// Who is asking

enum Bearer {
    None,
    AnonKey,
    ServiceKey,
    /// A valid JWT and its claims.
    Jwt(Map<String, Value>),
    Invalid(&'static str, &'static str),
}

/// Checks an HS256 JWT signed with the local-dev secret; returns its claims.
fn verify(token: &str) -> Result<Map<String, Value>, (&'static str, &'static str)> {
    const BAD: (&str, &str) = ("PGRST301", "JWT could not be decoded");
    let (message, signature) = token.rsplit_once('.').ok_or(BAD)?;
    let (_, claims) = message.split_once('.').ok_or(BAD)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| BAD)?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, JWT_SECRET.as_bytes());
    hmac::verify(&key, message.as_bytes(), &signature)
        .map_err(|_| ("PGRST301", "JWSInvalidSignature"))?;
    let claims = URL_SAFE_NO_PAD.decode(claims).map_err(|_| BAD)?;
    let claims: Map<String, Value> = serde_json::from_slice(&claims).map_err(|_| BAD)?;
    if claims
        .get("exp")
        .and_then(Value::as_u64)
        .is_some_and(|exp| exp <= now())
    {
        return Err(("PGRST303", "JWT expired"));
    }
    Ok(claims)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn bearer(request: &Request) -> Bearer {
    let Some(token) = header(request, "authorization").and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Bearer::None;
    };
    match token {
        ANON_KEY => Bearer::AnonKey,
        SERVICE_ROLE_KEY => Bearer::ServiceKey,
        token => match verify(token) {
            Ok(claims) => Bearer::Jwt(claims),
            Err((code, message)) => Bearer::Invalid(code, message),
        },
    }
}

/// The user row-level security sees, or `None` for the anon role.
fn rls_user(claims: &Map<String, Value>) -> Option<&str> {
    (claims.get("role").and_then(Value::as_str) == Some("authenticated"))
        .then(|| claims.get("sub").and_then(Value::as_str))
        .flatten()
}

// ---------------------------------------------------------------------------------------------
// The responder

struct Project {
    state: Arc<Mutex<State>>,
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn pg_error(status: u16, code: &str, message: &str, details: Value) -> ResponseTemplate {
    json_response(
        status,
        json!({"code": code, "details": details, "hint": null, "message": message}),
    )
}

fn auth_error(status: u16, code: &str, msg: &str) -> ResponseTemplate {
    json_response(
        status,
        json!({"code": status, "error_code": code, "msg": msg}),
    )
}

impl Respond for Project {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match header(request, "apikey") {
            None => {
                return json_response(
                    401,
                    json!({"message": "No API key found in request",
                        "hint": "No `apikey` request header or url param was found."}),
                );
            }
            Some(ANON_KEY | SERVICE_ROLE_KEY) => {}
            Some(_) => return json_response(401, json!({"message": "Invalid API key"})),
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let path = request.url.path().to_owned();
        if let Some(rest) = path.strip_prefix("/rest/v1/") {
            rest_api(&mut state, request, rest)
        } else if let Some(rest) = path.strip_prefix("/auth/v1/") {
            auth_api(&mut state, request, rest)
                .insert_header("x-supabase-api-version", "2024-01-01")
        } else {
            json_response(
                404,
                json!({"message": "no Route matched with those values"}),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PostgREST

fn rest_api(state: &mut State, request: &Request, rest: &str) -> ResponseTemplate {
    let who = match bearer(request) {
        Bearer::Invalid(code, message) => {
            return pg_error(401, code, message, Value::Null)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\"");
        }
        Bearer::None | Bearer::AnonKey => Who::Anon,
        Bearer::ServiceKey => Who::Service,
        Bearer::Jwt(claims) => match claims.get("role").and_then(Value::as_str) {
            Some("service_role") => Who::Service,
            _ => rls_user(&claims).map_or(Who::Anon, |u| Who::User(u.to_owned())),
        },
    };
    for name in ["accept-profile", "content-profile"] {
        if header(request, name).is_some_and(|s| s != "public") {
            return pg_error(
                406,
                "PGRST106",
                "Invalid schema",
                json!("The schema must be one of the following: public"),
            );
        }
    }
    let method = request.method.as_str();
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    if let Some(function) = rest.strip_prefix("rpc/") {
        return match (function, method, body["a"].as_f64(), body["b"].as_f64()) {
            ("add", "POST", Some(a), Some(b)) => {
                let sum = a + b;
                if sum.fract() == 0.0 && sum.abs() < 9e15 {
                    json_response(200, json!(sum as i64))
                } else {
                    json_response(200, json!(sum))
                }
            }
            _ => pg_error(
                404,
                "PGRST202",
                &format!("Could not find the function public.{function} in the schema cache"),
                Value::Null,
            ),
        };
    }
    if rest != "todos" {
        return pg_error(
            404,
            "PGRST205",
            &format!("Could not find the table 'public.{rest}' in the schema cache"),
            Value::Null,
        );
    }
    let query = Query::parse(request);
    let prefer = header(request, "prefer").unwrap_or_default();
    let representation = prefer.contains("return=representation");
    let counted = prefer.contains("count=");
    let object = header(request, "accept")
        .is_some_and(|a| a.starts_with("application/vnd.pgrst.object+json"));
    let rows: Vec<Value> = match method {
        "GET" | "HEAD" => {
            let mut rows: Vec<Value> = state
                .todos
                .iter()
                .filter(|r| who.may_see(r) && query.matches(r))
                .cloned()
                .collect();
            query.sort(&mut rows);
            let total = rows.len();
            let rows: Vec<Value> = rows
                .into_iter()
                .skip(query.offset)
                .take(query.limit.unwrap_or(usize::MAX))
                .collect();
            let range = match rows.len() {
                0 => "*".to_owned(),
                n => format!("{}-{}", query.offset, query.offset + n - 1),
            };
            let total = if counted {
                total.to_string()
            } else {
                "*".to_owned()
            };
            let answer = answer(200, &query, rows, object)
                .insert_header("content-range", format!("{range}/{total}").as_str());
            return if method == "HEAD" {
                answer.set_body_string("")
            } else {
                answer
            };
        }
        "POST" => {
            let Who::User(owner) = &who else {
                return rls_violation(if matches!(who, Who::Anon) { 401 } else { 403 });
            };
            let new: Vec<Value> = match body {
                Value::Array(rows) => rows,
                Value::Object(_) => vec![body],
                _ => return pg_error(400, "PGRST102", "Empty or invalid json", Value::Null),
            };
            let mut next = state.next_id();
            let mut taken: HashSet<i64> = state
                .todos
                .iter()
                .filter_map(|r| r["id"].as_i64())
                .collect();
            let mut inserted = Vec::new();
            for row in new {
                let Value::Object(mut row) = row else {
                    return pg_error(400, "PGRST102", "Empty or invalid json", Value::Null);
                };
                if row
                    .get("owner")
                    .is_some_and(|o| o.as_str() != Some(owner.as_str()))
                {
                    return rls_violation(403);
                }
                let id = match row.get("id").and_then(Value::as_i64) {
                    Some(id) => id,
                    None => {
                        next += 1;
                        next - 1
                    }
                };
                if !taken.insert(id) {
                    return pg_error(
                        409,
                        "23505",
                        "duplicate key value violates unique constraint \"todos_pkey\"",
                        json!(format!("Key (id)=({id}) already exists.")),
                    );
                }
                row.insert("id".into(), json!(id));
                row.insert("owner".into(), json!(owner));
                row.entry("title").or_insert(Value::Null);
                row.entry("done").or_insert(json!(false));
                inserted.push(Value::Object(row));
            }
            state.todos.extend(inserted.iter().cloned());
            inserted
        }
        "DELETE" => return delete(state, &who, &query, representation, object, counted),
        "PATCH" => {
            let Value::Object(changes) = body else {
                return pg_error(400, "PGRST102", "Empty or invalid json", Value::Null);
            };
            let mut updated = Vec::new();
            for row in state
                .todos
                .iter_mut()
                .filter(|r| who.may_see(r) && query.matches(r))
            {
                for (k, v) in &changes {
                    if k != "owner" && k != "id" {
                        row[k] = v.clone();
                    }
                }
                updated.push(row.clone());
            }
            updated
        }
        _ => return pg_error(405, "PGRST117", "Unsupported HTTP method", Value::Null),
    };
    let status = if method == "POST" { 201 } else { 200 };
    finish(status, &query, rows, representation, object, counted)
}

fn delete(
    state: &mut State,
    who: &Who,
    query: &Query,
    representation: bool,
    object: bool,
    counted: bool,
) -> ResponseTemplate {
    let (gone, kept): (Vec<Value>, Vec<Value>) = std::mem::take(&mut state.todos)
        .into_iter()
        .partition(|r| who.may_see(r) && query.matches(r));
    state.todos = kept;
    finish(200, query, gone, representation, object, counted)
}

/// The answer of a mutation: the rows when asked for (`return=representation`), else 201/204.
fn finish(
    status: u16,
    query: &Query,
    rows: Vec<Value>,
    representation: bool,
    object: bool,
    counted: bool,
) -> ResponseTemplate {
    let total = if counted {
        rows.len().to_string()
    } else {
        "*".to_owned()
    };
    let range = format!("*/{total}");
    if representation {
        answer(status, query, rows, object).insert_header("content-range", range.as_str())
    } else {
        ResponseTemplate::new(if status == 201 { 201 } else { 204 })
            .insert_header("content-range", range.as_str())
    }
}

/// Rows projected on the `select` columns, as an array or (for the object media type) one
/// object.
fn answer(status: u16, query: &Query, rows: Vec<Value>, object: bool) -> ResponseTemplate {
    let rows: Vec<Value> = rows.into_iter().map(|r| query.project(r)).collect();
    if object {
        if rows.len() != 1 {
            return pg_error(
                406,
                "PGRST116",
                "JSON object requested, multiple (or no) rows returned",
                json!(format!("The result contains {} rows", rows.len())),
            );
        }
        let body = serde_json::to_vec(&rows[0]).unwrap_or_default();
        return ResponseTemplate::new(status)
            .set_body_raw(body, "application/vnd.pgrst.object+json; charset=utf-8");
    }
    json_response(status, Value::Array(rows))
}

fn rls_violation(status: u16) -> ResponseTemplate {
    pg_error(
        status,
        "42501",
        "new row violates row-level security policy for table \"todos\"",
        Value::Null,
    )
}

enum Who {
    Anon,
    Service,
    User(String),
}

impl Who {
    fn may_see(&self, row: &Value) -> bool {
        match self {
            Who::Anon => false,
            Who::Service => true,
            Who::User(sub) => row["owner"].as_str() == Some(sub.as_str()),
        }
    }
}

#[derive(Default)]
struct Query {
    select: Option<Vec<String>>,
    filters: Vec<(String, Filter)>,
    order: Vec<(String, bool)>,
    limit: Option<usize>,
    offset: usize,
}

enum Filter {
    Eq(String),
    Neq(String),
    In(Vec<String>),
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Query {
    fn parse(request: &Request) -> Self {
        let mut query = Query::default();
        for (key, value) in request.url.query_pairs() {
            match key.as_ref() {
                "select" => {
                    let columns: Vec<String> = value
                        .split(',')
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty())
                        .collect();
                    if !columns.iter().any(|c| c == "*") {
                        query.select = Some(columns);
                    }
                }
                "order" => {
                    for term in value.split(',') {
                        let mut parts = term.split('.');
                        let column = parts.next().unwrap_or_default().to_owned();
                        let descending = parts.any(|p| p == "desc");
                        query.order.push((column, descending));
                    }
                }
                "limit" => query.limit = value.parse().ok(),
                "offset" => query.offset = value.parse().unwrap_or(0),
                "columns" | "on_conflict" => {}
                column => {
                    let Some((op, operand)) = value.split_once('.') else {
                        continue;
                    };
                    let filter = match op {
                        "eq" | "is" => Filter::Eq(operand.to_owned()),
                        "neq" => Filter::Neq(operand.to_owned()),
                        "in" => Filter::In(in_list(operand)),
                        _ => continue,
                    };
                    query.filters.push((column.to_owned(), filter));
                }
            }
        }
        query
    }

    fn matches(&self, row: &Value) -> bool {
        self.filters.iter().all(|(column, filter)| {
            let value = text(&row[column]);
            match filter {
                Filter::Eq(v) => &value == v,
                Filter::Neq(v) => &value != v,
                Filter::In(vs) => vs.contains(&value),
            }
        })
    }

    fn sort(&self, rows: &mut [Value]) {
        for (column, descending) in self.order.iter().rev() {
            rows.sort_by(|a, b| {
                let ordering = match (&a[column], &b[column]) {
                    (Value::Number(x), Value::Number(y)) => x
                        .as_f64()
                        .partial_cmp(&y.as_f64())
                        .unwrap_or(std::cmp::Ordering::Equal),
                    (x, y) => text(x).cmp(&text(y)),
                };
                if *descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            });
        }
    }

    fn project(&self, row: Value) -> Value {
        match (&self.select, row) {
            (Some(columns), Value::Object(mut row)) => Value::Object(
                columns
                    .iter()
                    .map(|c| (c.clone(), row.remove(c).unwrap_or(Value::Null)))
                    .collect(),
            ),
            (_, row) => row,
        }
    }
}

/// The items of an `in.(…)` list: comma-separated, double quotes around items holding commas,
/// backslash escapes inside quotes.
fn in_list(operand: &str) -> Vec<String> {
    let inner = operand
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(operand);
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => current.extend(chars.next()),
            ',' if !quoted => items.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    items.push(current);
    items
}

// ---------------------------------------------------------------------------------------------
// Auth

fn auth_api(state: &mut State, request: &Request, rest: &str) -> ResponseTemplate {
    let method = request.method.as_str();
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let query = |name: &str| {
        request
            .url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    match (method, rest) {
        ("POST", "signup") => {
            let id = match (field("email"), field("password")) {
                (Some(email), Some(password)) => {
                    if state
                        .users
                        .iter()
                        .any(|u| u.email.as_deref() == Some(email))
                    {
                        return auth_error(422, "user_already_exists", "User already registered");
                    }
                    let id = email.split('@').next().unwrap_or(email).to_owned();
                    state.users.push(User {
                        id: id.clone(),
                        email: Some(email.to_owned()),
                        password: Some(password.to_owned()),
                        anonymous: false,
                    });
                    id
                }
                (None, None) => {
                    let id = format!("00000000-0000-4000-8000-{:012x}", 0xa000 + state.tick());
                    state.users.push(User {
                        id: id.clone(),
                        email: None,
                        password: None,
                        anonymous: true,
                    });
                    id
                }
                _ => {
                    return auth_error(
                        400,
                        "validation_failed",
                        "Signup requires a valid password",
                    );
                }
            };
            json_response(200, state.new_session(&id, None))
        }
        ("POST", "token") => match query("grant_type").as_deref() {
            Some("password") => {
                let user = state.users.iter().find(|u| {
                    u.email.is_some()
                        && u.email.as_deref() == field("email")
                        && u.password.is_some()
                        && u.password.as_deref() == field("password")
                });
                match user.map(|u| u.id.clone()) {
                    Some(id) => json_response(200, state.new_session(&id, None)),
                    None => auth_error(400, "invalid_credentials", "Invalid login credentials"),
                }
            }
            Some("refresh_token") => {
                let session = field("refresh_token")
                    .and_then(|t| state.refresh_tokens.remove(t))
                    .and_then(|s| state.sessions.get(&s).cloned().map(|u| (s, u)));
                match session {
                    Some((session_id, user)) => {
                        json_response(200, state.new_session(&user, Some(session_id)))
                    }
                    None => auth_error(
                        400,
                        "refresh_token_not_found",
                        "Invalid Refresh Token: Refresh Token Not Found",
                    ),
                }
            }
            _ => auth_error(400, "validation_failed", "unsupported_grant_type"),
        },
        ("GET", "user") | ("POST", "logout") => {
            let claims = match bearer(request) {
                Bearer::Jwt(claims) if rls_user(&claims).is_some() => claims,
                Bearer::Invalid(..) => {
                    return auth_error(403, "bad_jwt", "invalid JWT: unable to parse or verify");
                }
                _ => {
                    return auth_error(
                        401,
                        "no_authorization",
                        "This endpoint requires a valid Bearer token",
                    );
                }
            };
            let sub = rls_user(&claims).unwrap_or_default().to_owned();
            let session = claims
                .get("session_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if session
                .as_ref()
                .is_some_and(|s| !state.sessions.contains_key(s))
            {
                return auth_error(
                    403,
                    "session_not_found",
                    "Session from session_id claim in JWT does not exist",
                );
            }
            if method == "GET" {
                return json_response(200, state.user_json(&sub, Some(&claims)));
            }
            let scope = query("scope").unwrap_or_else(|| "global".to_owned());
            let ended: Vec<String> = state
                .sessions
                .iter()
                .filter(|(id, user)| match scope.as_str() {
                    "local" => Some(*id) == session.as_ref(),
                    "others" => **user == sub && Some(*id) != session.as_ref(),
                    _ => **user == sub,
                })
                .map(|(id, _)| id.clone())
                .collect();
            for id in ended {
                state.sessions.remove(&id);
                state.refresh_tokens.retain(|_, s| *s != id);
            }
            ResponseTemplate::new(204)
        }
        _ => auth_error(404, "not_found", "Not found"),
    }
}

// ---------------------------------------------------------------------------------------------
// What was received

fn describe(request: &Request) -> String {
    let mut line = format!("{} {}", request.method, request.url.path());
    if let Some(query) = request.url.query() {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SECRET_KEYS.contains(&k) => format!("{k}=[REDACTED]"),
                _ => pair.to_owned(),
            })
            .collect();
        line.push('?');
        line.push_str(&pairs.join("&"));
    }
    let apikey = match header(request, "apikey") {
        Some(ANON_KEY) => "anon key",
        Some(SERVICE_ROLE_KEY) => "service-role key",
        Some(_) => "NOT the anon key",
        None => "none",
    };
    let bearer = match bearer(request) {
        Bearer::None => "none".to_owned(),
        Bearer::AnonKey => "the anon key".to_owned(),
        Bearer::ServiceKey => "the service-role key".to_owned(),
        Bearer::Jwt(claims) => {
            let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("?");
            // Tokens this project's Auth issued end their issuer with `/auth/v1`.
            match claims.get("iss").and_then(Value::as_str) {
                Some(iss) if !iss.ends_with("/auth/v1") => format!("JWT of {sub} (issuer {iss})"),
                _ => format!("JWT of {sub}"),
            }
        }
        Bearer::Invalid(..) => "an invalid token".to_owned(),
    };
    line.push_str(&format!("  apikey: {apikey}  bearer: {bearer}"));
    if let Some(prefer) = header(request, "prefer") {
        line.push_str(&format!("  prefer: {prefer}"));
    }
    // The schema only when it is not the default one.
    for name in ["accept-profile", "content-profile"] {
        if let Some(schema) = header(request, name).filter(|s| *s != "public") {
            line.push_str(&format!("  {name}: {schema}"));
        }
    }
    if let Some(accept) = header(request, "accept").filter(|a| *a != "*/*") {
        line.push_str(&format!("  accept: {accept}"));
    }
    if !request.body.is_empty() {
        let body = match serde_json::from_slice::<Value>(&request.body) {
            Ok(mut value) => {
                redact(&mut value);
                value.to_string()
            }
            Err(_) => format!("<{} bytes>", request.body.len()),
        };
        line.push_str(&format!("  body: {body}"));
    }
    line
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if SECRET_KEYS.contains(&k.as_str()) {
                    *v = json!("[REDACTED]");
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}
