//! What a request's answer is decoded into.
//!
//! A builder's type parameter says what its answer becomes: rows ([`Rows`], the default for
//! `select`), one row ([`Single`]), zero or one row ([`MaybeSingle`]), any JSON ([`Json`], the
//! default for `rpc`, and `geojson`/`explain_json`), text ([`Text`], for `csv`/`explain`) or
//! nothing ([`Head`]). The methods that change the shape (`single`, `csv`, `returns`, …) change
//! the type, so results are typed; `.await` and `execute` decode accordingly.

use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use supabase_core::{ApiError, HeaderMap, Response, StatusCode};

use crate::Error;

/// Decoding of an answer: implemented by the markers of this module only.
pub trait Shape: sealed::Sealed {
    /// The row type (`serde_json::Value` for shapes without rows).
    type Item;
    /// What [`PostgrestResponse::data`](crate::PostgrestResponse::data) holds.
    type Output: Send + 'static;
    #[doc(hidden)]
    fn decode(answer: &sealed::Answer) -> Result<Self::Output, Error>;
}

pub(crate) use sealed::Answer;

mod sealed {
    use super::*;

    pub trait Sealed {}

    /// A successful (2xx) answer, fully read.
    #[derive(Debug)]
    pub struct Answer {
        pub(crate) response: Response,
        pub(crate) head: bool,
        /// The request was a GET (a read, which always has a body).
        pub(crate) get: bool,
    }

    impl Answer {
        /// True when there is no body to decode (HEAD, or an empty/blank body).
        pub(crate) fn is_empty(&self) -> bool {
            self.head || self.response.body.iter().all(u8::is_ascii_whitespace)
        }

        /// The body decoded as `T`; an empty body decodes as JSON `null`.
        pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
            if self.is_empty() {
                let null = Response::new(
                    StatusCode::OK,
                    HeaderMap::new(),
                    Bytes::from_static(b"null"),
                );
                return Ok(null.json()?);
            }
            Ok(self.response.json()?)
        }
    }
}

/// Rows: `Vec<T>`. An answer without a body to a HEAD request or a mutation (no `select`)
/// gives an empty vector; an empty body to a GET, which PostgREST never sends, is a decode
/// error.
pub struct Rows<T>(PhantomData<fn() -> T>);
/// Exactly one row, `T` (`Accept: application/vnd.pgrst.object+json`; the server answers 406
/// `PGRST116` otherwise).
pub struct Single<T>(PhantomData<fn() -> T>);
/// Zero or one row, `Option<T>`, checked on the client as postgrest-js does: more than one row
/// is a `PGRST116` error with status 406.
pub struct MaybeSingle<T>(PhantomData<fn() -> T>);
/// The whole body as `T` (any JSON: a scalar, an object, an array). An empty body decodes as
/// JSON `null`, so use `Option<_>`, `()` or `serde_json::Value` when there may be none.
pub struct Json<T = Value>(PhantomData<fn() -> T>);
/// The body as text (`csv`, `explain`).
pub struct Text(());
/// No body: only status, headers and count (`head`).
pub struct Head(());

impl<T> sealed::Sealed for Rows<T> {}
impl<T> sealed::Sealed for Single<T> {}
impl<T> sealed::Sealed for MaybeSingle<T> {}
impl<T> sealed::Sealed for Json<T> {}
impl sealed::Sealed for Text {}
impl sealed::Sealed for Head {}

impl<T: DeserializeOwned + Send + 'static> Shape for Rows<T> {
    type Item = T;
    type Output = Vec<T>;
    fn decode(answer: &Answer) -> Result<Vec<T>, Error> {
        if answer.is_empty() && !answer.get {
            return Ok(Vec::new());
        }
        Ok(answer.response.json()?)
    }
}

impl<T: DeserializeOwned + Send + 'static> Shape for Single<T> {
    type Item = T;
    type Output = T;
    fn decode(answer: &Answer) -> Result<T, Error> {
        answer.json()
    }
}

impl<T: DeserializeOwned + Send + 'static> Shape for Json<T> {
    type Item = T;
    type Output = T;
    fn decode(answer: &Answer) -> Result<T, Error> {
        answer.json()
    }
}

impl<T: DeserializeOwned + Send + 'static> Shape for MaybeSingle<T> {
    type Item = T;
    type Output = Option<T>;
    fn decode(answer: &Answer) -> Result<Option<T>, Error> {
        let value: Value = answer.json()?;
        let (one, in_array) = match value {
            Value::Null => return Ok(None),
            Value::Array(mut rows) => match rows.len() {
                0 => return Ok(None),
                1 => (rows.pop().unwrap_or(Value::Null), true),
                n => return Err(multiple_rows(n)),
            },
            other => (other, false),
        };
        match serde_json::from_value(one) {
            Ok(row) => Ok(Some(row)),
            // Decoded again by core's decoder for its error, which names the failing field and
            // redacts secrets in the message and the body snippet.
            Err(e) => {
                let again = if in_array {
                    answer.response.json::<Vec<T>>().map(drop)
                } else {
                    answer.response.json::<T>().map(drop)
                };
                Err(again
                    .err()
                    .unwrap_or_else(|| supabase_core::Error::Decode {
                        path: ".".into(),
                        message: supabase_core::redact_secrets(&e.to_string()),
                        body_snippet: String::new(),
                    })
                    .into())
            }
        }
    }
}

impl Shape for Text {
    type Item = Value;
    type Output = String;
    fn decode(answer: &Answer) -> Result<String, Error> {
        if answer.head {
            return Ok(String::new());
        }
        Ok(answer.response.text()?)
    }
}

impl Shape for Head {
    type Item = Value;
    type Output = ();
    fn decode(_: &Answer) -> Result<(), Error> {
        Ok(())
    }
}

/// The error postgrest-js reports when `maybeSingle()` gets more than one row.
fn multiple_rows(n: usize) -> Error {
    let body = json!({
        "code": "PGRST116",
        "details": format!("Results contain {n} rows, application/vnd.pgrst.object+json requires 1 row"),
        "hint": null,
        "message": "JSON object requested, multiple (or no) rows returned",
    });
    ApiError::from_body(406, body.to_string().as_bytes()).into()
}

/// Shapes whose row type [`returns`](crate::FilterBuilder::returns) can change.
pub trait Reshape: Shape {
    /// The same shape with rows of type `T`.
    type Reshaped<T>;
}

impl<U> Reshape for Rows<U>
where
    Rows<U>: Shape,
{
    type Reshaped<T> = Rows<T>;
}
impl<U> Reshape for Single<U>
where
    Single<U>: Shape,
{
    type Reshaped<T> = Single<T>;
}
impl<U> Reshape for MaybeSingle<U>
where
    MaybeSingle<U>: Shape,
{
    type Reshaped<T> = MaybeSingle<T>;
}
impl<U> Reshape for Json<U>
where
    Json<U>: Shape,
{
    type Reshaped<T> = Json<T>;
}
