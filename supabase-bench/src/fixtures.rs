//! The query every HTTP case sends, the row types and the fixed bodies.

use serde::{Deserialize, Serialize};

/// The project key the clients send as `apikey` (the well-known local-dev anon key, the same
/// value as `supabase_test_support::fixtures::ANON_KEY`; copied so the bench build does not
/// pull in the test-support crate's dependencies).
pub const ANON_KEY: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

/// A user access token shaped like the ones Supabase Auth issues (aud, exp in 2100, iat, iss,
/// sub, email, phone, app_metadata, user_metadata, role, aal, amr, session_id,
/// is_anonymous): the same value as `supabase_test_support::fixtures::EXTERNAL_JWT`.
pub const USER_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3MDQwNjcyMDAsImlzcyI6ImNvbmZvcm1hbmNlLXJlY29yZGVyIiwic3ViIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAyIiwiZW1haWwiOiJleHRlcm5hbEBleGFtcGxlLmNvbSIsInBob25lIjoiIiwiYXBwX21ldGFkYXRhIjp7InByb3ZpZGVyIjoiZW1haWwiLCJwcm92aWRlcnMiOlsiZW1haWwiXX0sInVzZXJfbWV0YWRhdGEiOnt9LCJyb2xlIjoiYXV0aGVudGljYXRlZCIsImFhbCI6ImFhbDEiLCJhbXIiOlt7Im1ldGhvZCI6InBhc3N3b3JkIiwidGltZXN0YW1wIjoxNzA0MDY3MjAwfV0sInNlc3Npb25faWQiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwYjEiLCJpc19hbm9ueW1vdXMiOmZhbHNlfQ.dXBOXWbAMRdcRC4E2964vvt0053uOqCk3C8wbTjEmOQ";

/// The JWT of user `i`: the claims Supabase Auth puts in an access token (about 870 bytes,
/// like the issue's), the user's id and email varying. Not signed (the server does not look).
/// The side-by-side (`src/bin/load.rs`, `js/load.cjs`, which makes the same tokens) sends
/// user 0's for a fixed token, and the server's password sign-in answers it.
pub fn user_jwt(i: usize) -> String {
    let sub = format!("00000000-0000-4000-8000-{i:012}");
    let payload = format!(
        concat!(
            r#"{{"aud":"authenticated","exp":4102444800,"iat":1704067200,"#,
            r#""iss":"http://127.0.0.1:54321/auth/v1","sub":"{sub}","#,
            r#""email":"user{i}@example.com","phone":"","#,
            r#""app_metadata":{{"provider":"email","providers":["email"]}},"#,
            r#""user_metadata":{{"email":"user{i}@example.com","email_verified":true,"#,
            r#""phone_verified":false,"sub":"{sub}"}},"#,
            r#""role":"authenticated","aal":"aal1","#,
            r#""amr":[{{"method":"password","timestamp":1704067200}}],"#,
            r#""session_id":"00000000-0000-4000-8000-{i:012}","is_anonymous":false}}"#
        ),
        sub = sub,
        i = i
    );
    format!(
        "{}.{}.{}",
        base64url(br#"{"alg":"HS256","kid":"bench","typ":"JWT"}"#),
        base64url(payload.as_bytes()),
        base64url(&[7u8; 32])
    )
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, b)| n | (u32::from(*b) << (16 - 8 * k)));
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * k)) as usize & 63]));
        }
    }
    out
}

/// The access token the server hands out on refresh (case 5).
pub const REFRESHED_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.cmVmcmVzaGVk";

/// The table every HTTP case reads.
pub const TABLE: &str = "todos";

/// The column list every HTTP case selects.
pub const SELECT: &str = "id,user_id,title,done,inserted_at";

/// The three filters of the query, as (column, value); each is sent as `column=eq.value`.
///
/// The value with a space checks that every client form-urlencodes it the same way (`+`).
///
/// Every client also sends [`ORDER_COLUMN`] descending and [`LIMIT`]
/// (`order=inserted_at.desc&limit=20`).
pub const FILTERS: [(&str, &str); 3] =
    [("user_id", "42"), ("done", "false"), ("title", "buy milk")];

/// The column the query orders by, descending.
pub const ORDER_COLUMN: &str = "inserted_at";

/// The query's limit.
pub const LIMIT: u64 = 20;

/// The query of the HTTP cases with our client, from `client.from(TABLE)` to just before
/// `execute`: [`SELECT`], the three [`FILTERS`], the order on [`ORDER_COLUMN`] and [`LIMIT`].
pub fn case1_query(from: supabase::postgrest::QueryBuilder) -> supabase::postgrest::FilterBuilder {
    let [(c1, v1), (c2, v2), (c3, v3)] = FILTERS;
    from.select(SELECT)
        .eq(c1, v1)
        .eq(c2, v2)
        .eq(c3, v3)
        .order(ORDER_COLUMN, supabase::postgrest::Order::desc())
        .limit(LIMIT)
}

/// The table whose select the server answers with [`LARGE_ROWS`] rows (the side-by-side's
/// large-body workload).
pub const LARGE_TABLE: &str = "todos_large";

/// How many rows the server answers for [`LARGE_TABLE`].
pub const LARGE_ROWS: usize = 1_000;

/// How many rows the server answers to the select of cases 1, 2, 3, 5 and 6.
pub const SELECT_ROWS: usize = 10;

/// A row of the `todos` table, as the select of the HTTP cases returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Todo {
    /// Primary key.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// What to do.
    pub title: String,
    /// Whether it is done.
    pub done: bool,
    /// When it was created (ISO 8601 text, as PostgREST sends `timestamptz`).
    pub inserted_at: String,
}

/// A wider row for the decoding case (case 4): the mix of types a real table has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Primary key.
    pub id: i64,
    /// A UUID, as text.
    pub user_id: String,
    /// A short text.
    pub title: String,
    /// A nullable longer text.
    pub body: Option<String>,
    /// A boolean.
    pub done: bool,
    /// A small integer.
    pub priority: i32,
    /// A float.
    pub score: f64,
    /// A text array.
    pub tags: Vec<String>,
    /// A timestamp, as text.
    pub inserted_at: String,
}

/// The JSON body of `n` [`Todo`] rows.
pub fn todos_body(n: usize) -> Result<Vec<u8>, serde_json::Error> {
    let rows: Vec<Todo> = (0..n)
        .map(|i| Todo {
            id: i as i64 + 1,
            user_id: 42,
            title: "buy milk".to_owned(),
            done: false,
            inserted_at: format!("2024-01-01T00:{:02}:00+00:00", i % 60),
        })
        .collect();
    serde_json::to_vec(&rows)
}

/// The JSON body of `n` [`Row`]s (deterministic; about 300 bytes a row).
pub fn rows_body(n: usize) -> Result<Vec<u8>, serde_json::Error> {
    let rows: Vec<Row> = (0..n)
        .map(|i| Row {
            id: i as i64 + 1,
            user_id: format!("00000000-0000-4000-8000-{:012}", i % 1000),
            title: format!("task number {i}"),
            body: (i % 3 != 0).then(|| {
                "a longer description with \"quotes\", a tab\tand unicode: é ✓".to_owned()
            }),
            done: i % 2 == 0,
            priority: (i % 5) as i32,
            score: i as f64 * 0.25,
            tags: vec!["home".to_owned(), format!("t{}", i % 7)],
            inserted_at: format!("2024-01-{:02}T12:34:56.789+00:00", i % 28 + 1),
        })
        .collect();
    serde_json::to_vec(&rows)
}

/// A session as our Auth client stores it after a sign-in (the JSON of supabase-js), holding
/// [`USER_JWT`] and expiring `expires_in` seconds from now (the bench's clock is the system
/// clock). Case 5 puts it in a session store so a client starts signed in without a request.
pub fn stored_session(expires_in: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    serde_json::json!({
        "access_token": USER_JWT,
        "token_type": "bearer",
        "expires_in": expires_in,
        "expires_at": now + expires_in,
        "refresh_token": "refresh-token-1",
        "user": {"id": "00000000-0000-4000-8000-000000000002", "aud": "authenticated", "role": "authenticated"}
    })
    .to_string()
}

/// The body Auth answers to a refresh: a session whose access token is [`REFRESHED_JWT`].
pub fn session_body() -> String {
    session_body_with(REFRESHED_JWT)
}

/// The body Auth answers to a password sign-in: a session whose access token is
/// `user_jwt(0)` (the side-by-side's session workload).
pub fn sign_in_body() -> String {
    session_body_with(&user_jwt(0))
}

fn session_body_with(access_token: &str) -> String {
    serde_json::json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": 3600,
        "refresh_token": "refresh-token-2",
        "user": {"id": "u1", "aud": "authenticated", "role": "authenticated"}
    })
    .to_string()
}
