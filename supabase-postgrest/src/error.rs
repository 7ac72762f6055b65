//! The error type of `supabase-postgrest`.

use supabase_core::ApiError;

/// Errors of the PostgREST client.
///
/// Every non-2xx answer is [`Error::Core`] holding [`supabase_core::Error::Api`]: status,
/// PostgREST or SQLSTATE code, message, details and hint ([`Error::as_api`]). Network
/// failures, timeouts and undecodable answers are other `Core` variants. The helpers below
/// name the common cases.
///
/// ```
/// use supabase_core::ApiError;
/// use supabase_postgrest::Error;
///
/// let body = br#"{"code":"23505","message":"duplicate key value violates unique constraint \"users_pkey\"","details":"Key (id)=(1) already exists.","hint":null}"#;
/// let error = Error::from(ApiError::from_body(409, body));
/// assert!(error.is_unique_violation());
/// assert_eq!(error.code(), Some("23505"));
/// assert_eq!(error.status(), Some(409));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was not sent because an argument is invalid (empty table name, a name
    /// with control characters, `range(5, 1)`, a header value with CR/LF, …).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A request body could not be serialized to JSON (nothing was sent).
    #[error("could not serialize the request body: {0}")]
    Serialize(String),
    /// Transport, configuration, token, server or decoding error (see
    /// [`supabase_core::Error`]).
    #[error(transparent)]
    Core(#[from] supabase_core::Error),
}

impl Error {
    /// The server's error answer, when there was one (status, code, message, details, hint).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Core(e) => e.as_api(),
            _ => None,
        }
    }

    /// The PostgREST or SQLSTATE error code (`PGRST116`, `23505`, …), when the server sent one.
    pub fn code(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.code.as_deref())
    }

    /// The HTTP status of the error answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.as_api().map(|e| e.status)
    }

    /// `PGRST116`: `single()` got zero or several rows, or `maybe_single()` got several.
    pub fn is_not_single(&self) -> bool {
        self.code() == Some("PGRST116")
    }

    /// `single()` found no row (`PGRST116`, "The result contains 0 rows").
    pub fn is_no_rows(&self) -> bool {
        self.is_not_single() && self.cardinality() == Some(0)
    }

    /// `single()` or `maybe_single()` found more than one row (`PGRST116`).
    pub fn is_multiple_rows(&self) -> bool {
        self.is_not_single() && self.cardinality().is_some_and(|n| n > 1)
    }

    /// The row count in a `PGRST116` error's details ("… contain(s) N rows").
    fn cardinality(&self) -> Option<u64> {
        let details = self.as_api()?.details.as_deref()?;
        details
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| !part.is_empty())?
            .parse()
            .ok()
    }

    /// HTTP 404: the table, view or function does not exist (`PGRST205`, `PGRST202`,
    /// `42P01`, `42883`) or the path is wrong.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// `23505`: a unique or primary-key constraint was violated.
    pub fn is_unique_violation(&self) -> bool {
        self.code() == Some("23505")
    }

    /// `23503`: a foreign-key constraint was violated.
    pub fn is_foreign_key_violation(&self) -> bool {
        self.code() == Some("23503")
    }

    /// The JWT has expired (HTTP 401, `PGRST303`, or `PGRST301` on older servers, with the
    /// message "JWT expired"): refresh the session and retry.
    pub fn is_jwt_expired(&self) -> bool {
        self.as_api().is_some_and(|e| {
            e.status == 401
                && matches!(e.code.as_deref(), Some("PGRST303" | "PGRST301") | None)
                && e.message.to_ascii_lowercase().contains("jwt expired")
        })
    }

    /// `42501`: the role lacks a privilege, or row-level security refused the row (HTTP 401
    /// for anonymous requests, 403 for authenticated ones).
    pub fn is_permission_denied(&self) -> bool {
        self.code() == Some("42501")
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Core(supabase_core::Error::Timeout))
    }

    /// No answer arrived (connection failure, timeout, broken body).
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            Error::Core(supabase_core::Error::Transport { .. } | supabase_core::Error::Timeout)
        )
    }

    /// Whether retrying the same request may succeed (timeouts, connection failures, 5xx
    /// except 501, 429).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Core(e) => e.is_retryable(),
            _ => false,
        }
    }
}

impl From<ApiError> for Error {
    fn from(value: ApiError) -> Self {
        Error::Core(value.into())
    }
}

impl supabase_core::ServiceError for Error {
    fn core(&self) -> Option<&supabase_core::Error> {
        match self {
            Error::Core(e) => Some(e),
            _ => None,
        }
    }

    fn status(&self) -> Option<u16> {
        Error::status(self)
    }

    fn code(&self) -> Option<&str> {
        Error::code(self)
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }

    fn is_timeout(&self) -> bool {
        Error::is_timeout(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> Error {
        ApiError::from_body(status, body.as_bytes()).into()
    }

    #[test]
    fn cardinality_helpers() {
        let zero = api(
            406,
            r#"{"code":"PGRST116","details":"The result contains 0 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
        );
        assert!(zero.is_not_single() && zero.is_no_rows() && !zero.is_multiple_rows());
        let many = api(
            406,
            r#"{"code":"PGRST116","details":"Results contain 2 rows, application/vnd.pgrst.object+json requires 1 row","hint":null,"message":"x"}"#,
        );
        assert!(many.is_multiple_rows() && !many.is_no_rows());
        let minimal = api(406, r#"{"code":"PGRST116","message":"x"}"#);
        assert!(minimal.is_not_single() && !minimal.is_no_rows() && !minimal.is_multiple_rows());
    }

    #[test]
    fn common_codes() {
        assert!(
            api(
                401,
                r#"{"code":"PGRST303","message":"JWT expired","details":null,"hint":null}"#
            )
            .is_jwt_expired()
        );
        assert!(api(401, r#"{"code":"PGRST301","message":"JWT expired"}"#).is_jwt_expired());
        assert!(!api(401, r#"{"code":"PGRST303","message":"JWT not yet valid"}"#).is_jwt_expired());
        assert!(
            api(
                403,
                r#"{"code":"42501","message":"permission denied for table users"}"#
            )
            .is_permission_denied()
        );
        assert!(api(409, r#"{"code":"23503","message":"fk"}"#).is_foreign_key_violation());
        let missing = api(
            404,
            r#"{"code":"PGRST205","message":"Could not find the table 'public.x' in the schema cache"}"#,
        );
        assert!(missing.is_not_found());
        assert_eq!(missing.code(), Some("PGRST205"));
        let html = api(502, "<html>Bad gateway</html>");
        assert_eq!(html.status(), Some(502));
        assert_eq!(html.code(), None);
        assert!(html.is_retryable());
        assert!(!Error::InvalidQuery("x".into()).is_network());
        assert!(Error::Core(supabase_core::Error::Timeout).is_timeout());
    }
}
