//! Sending a request: retries, error answers, decoding, `execute` and `.await`.

use std::future::IntoFuture;

use serde::de::DeserializeOwned;
use supabase_core::{ApiError, Method, Response};

use crate::request::Built;
use crate::shape::{Answer, Head, Json, MaybeSingle, Rows, Shape, Single, Text};
use crate::{Error, FilterBuilder, PostgrestClient, PostgrestResponse};

/// Sends a built request through the client's core service (retries as its policy says).
pub(crate) async fn send(client: &PostgrestClient, built: &Built) -> Result<Response, Error> {
    Ok(client.service.send(&built.request, built.retry).await?)
}

/// The typed error of a non-2xx answer. For bodiless answers (HEAD) the PostgREST code is
/// recovered from `Proxy-Status: PostgREST; error=<code>` when the server sent it.
pub(crate) fn api_error(response: &Response) -> Error {
    let mut error = ApiError::from_body(response.status.as_u16(), &response.body);
    if error.code.is_none() {
        error.code = response
            .headers
            .get("proxy-status")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').find_map(|p| p.trim().strip_prefix("error=")))
            .map(|code| code.trim().trim_matches('"').to_owned())
            .filter(|code| !code.is_empty());
    }
    error.into()
}

/// Turns an answer into a typed response.
pub(crate) fn finish<S: Shape>(
    response: Response,
    built: &Built,
) -> Result<PostgrestResponse<S::Output>, Error> {
    if !response.status.is_success() {
        return Err(api_error(&response));
    }
    let answer = Answer {
        head: built.request.method == Method::HEAD,
        get: built.request.method == Method::GET,
        response,
    };
    let data = S::decode(&answer)?;
    let Answer { response, .. } = answer;
    let mut typed = PostgrestResponse {
        data,
        count: None,
        status: response.status,
        headers: response.headers,
    };
    if built.wants_count {
        typed.count = typed.content_range().and_then(|r| r.total);
    }
    Ok(typed)
}

impl<S> FilterBuilder<S> {
    /// Sends the request and returns the raw answer, whatever its status (after retries).
    ///
    /// Fails only when nothing could be sent or nothing came back (invalid argument, network
    /// failure, timeout); use it for status, headers and bytes without decoding.
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let raw = db.from("todos").select("*").execute_raw().await?;
    /// println!("{} {:?} {} bytes", raw.status, raw.headers.get("content-range"), raw.body.len());
    /// # Ok(()) }
    /// ```
    pub async fn execute_raw(self) -> Result<Response, Error> {
        let (client, built) = self.state.into_built()?;
        send(&client, &built).await
    }
}

impl<S: Shape> FilterBuilder<S> {
    /// Sends the request and decodes the answer as the builder's shape (what `.await` does).
    async fn send_typed(self) -> Result<PostgrestResponse<S::Output>, Error> {
        let (client, built) = self.state.into_built()?;
        let response = send(&client, &built).await?;
        finish::<S>(response, &built)
    }
}

/// The future of an awaited builder (`Send` on native targets, not on `wasm32`: see
/// [`supabase_core::runtime`]).
pub type ResponseFuture<T> = supabase_core::BoxFuture<'static, Result<PostgrestResponse<T>, Error>>;

/// `.await` sends the request and decodes the answer as the builder's shape.
impl<S: Shape + 'static> IntoFuture for FilterBuilder<S> {
    type Output = Result<PostgrestResponse<S::Output>, Error>;
    type IntoFuture = ResponseFuture<S::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send_typed())
    }
}

impl<T> FilterBuilder<Rows<T>> {
    /// Sends the request and decodes the rows as `Vec<U>` (use `serde_json::Value` for
    /// untyped rows). A non-2xx answer is an error with the server's code, message, details
    /// and hint; a mutation without [`select`](Self::select) gives an empty vector.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct Todo { id: i64 }
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let todos = db.from("todos").select("id").execute::<Todo>().await?;
    /// # Ok(()) }
    /// ```
    pub async fn execute<U: DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<PostgrestResponse<Vec<U>>, Error> {
        self.reshape::<Rows<U>>().send_typed().await
    }
}

impl<T> FilterBuilder<Single<T>> {
    /// Sends the request and decodes the one row as `U`.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { id: i64 }
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let user = db.from("users").select("*").eq("id", 1).single().execute::<User>().await?.data;
    /// # Ok(()) }
    /// ```
    pub async fn execute<U: DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<PostgrestResponse<U>, Error> {
        self.reshape::<Single<U>>().send_typed().await
    }
}

impl<T> FilterBuilder<MaybeSingle<T>> {
    /// Sends the request and decodes zero or one row as `Option<U>`.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { id: i64 }
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let maybe: Option<User> = db.from("users").select("*").eq("email", "a@b.c").maybe_single().execute().await?.data;
    /// # Ok(()) }
    /// ```
    pub async fn execute<U: DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<PostgrestResponse<Option<U>>, Error> {
        self.reshape::<MaybeSingle<U>>().send_typed().await
    }
}

impl<T> FilterBuilder<Json<T>> {
    /// Sends the request and decodes the whole body as `U` (an empty body as JSON `null`).
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let sum = db.rpc("add", serde_json::json!({"a": 1, "b": 2})).execute::<i64>().await?.data;
    /// # Ok(()) }
    /// ```
    pub async fn execute<U: DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<PostgrestResponse<U>, Error> {
        self.reshape::<Json<U>>().send_typed().await
    }
}

impl FilterBuilder<Text> {
    /// Sends the request and returns the body as text.
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let csv = db.from("todos").select("id,title").csv().execute().await?.data;
    /// # Ok(()) }
    /// ```
    pub async fn execute(self) -> Result<PostgrestResponse<String>, Error> {
        self.send_typed().await
    }
}

impl FilterBuilder<Head> {
    /// Sends the request; only status, headers and count come back.
    ///
    /// ```no_run
    /// use supabase_postgrest::Count;
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let total = db.from("todos").select("*").count(Count::Exact).head().execute().await?.count;
    /// # Ok(()) }
    /// ```
    pub async fn execute(self) -> Result<PostgrestResponse<()>, Error> {
        self.send_typed().await
    }
}
