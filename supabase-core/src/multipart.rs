//! `multipart/form-data` bodies, streamed part by part.

use std::fmt;

use bytes::Bytes;
use futures_util::StreamExt;

use crate::{Body, ByteStream, Error};

/// A `multipart/form-data` body (RFC 7578), as browsers send a `FormData`.
///
/// Parts are sent in order; a part made from a stream is read as it is sent, so a form with a
/// large file needs no more memory than its chunks. The boundary is random per form.
///
/// ```
/// use supabase_core::{Body, Multipart, Part};
///
/// let form = Multipart::new()
///     .text("cacheControl", "3600")
///     .part("", Part::new(Body::from("hello")).file_name("a.txt").content_type("text/plain"));
/// assert!(form.content_type().starts_with("multipart/form-data; boundary="));
/// let body = form.into_body();
/// assert!(body.len().is_some()); // every part has a known length
/// ```
pub struct Multipart {
    boundary: String,
    parts: Vec<(String, Part)>,
}

/// One part of a [`Multipart`] form.
pub struct Part {
    body: Body,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Part {
    /// A part with this body and no file name or content type.
    pub fn new(body: impl Into<Body>) -> Self {
        Self {
            body: body.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name (`filename=` in `Content-Disposition`).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Self {
        Self {
            boundary: format!("----supabase-rs-{:016x}{:016x}", random(), random()),
            parts: Vec::new(),
        }
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.part(name, Part::new(value.into()))
    }

    /// Adds a part.
    #[must_use]
    pub fn part(mut self, name: impl Into<String>, part: Part) -> Self {
        self.parts.push((name.into(), part));
        self
    }

    /// The `Content-Type` header value, with the boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body: one buffer when every part is bytes, a stream otherwise (with a length
    /// when every part's length is known).
    pub fn into_body(self) -> Body {
        let mut pieces: Vec<Body> = Vec::with_capacity(self.parts.len() * 3 + 1);
        for (name, part) in self.parts {
            let mut head = format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{}\"",
                self.boundary,
                escape(&name)
            );
            if let Some(file) = &part.file_name {
                head.push_str(&format!("; filename=\"{}\"", escape(file)));
            }
            head.push_str("\r\n");
            if let Some(content_type) = &part.content_type {
                head.push_str(&format!(
                    "Content-Type: {}\r\n",
                    content_type.replace(['\r', '\n'], "")
                ));
            }
            head.push_str("\r\n");
            pieces.push(Body::from(head));
            pieces.push(part.body);
            pieces.push(Body::from("\r\n"));
        }
        pieces.push(Body::from(format!("--{}--\r\n", self.boundary)));
        concat(pieces)
    }
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field(
                "parts",
                &self.parts.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("body", &self.body)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Joins bodies into one: a buffer when all are bytes, a stream otherwise.
fn concat(pieces: Vec<Body>) -> Body {
    if pieces.iter().all(|p| p.as_bytes().is_some()) {
        let mut all = Vec::new();
        for piece in &pieces {
            if let Some(bytes) = piece.as_bytes() {
                all.extend_from_slice(bytes);
            }
        }
        return Body::from(all);
    }
    let length = pieces
        .iter()
        .try_fold(0u64, |sum, p| p.len().map(|len| sum.saturating_add(len)));
    let streams: Vec<Result<ByteStream, Error>> =
        pieces.into_iter().map(Body::into_stream).collect();
    let joined = futures_util::stream::iter(streams).flat_map(|stream| match stream {
        Ok(stream) => stream,
        Err(e) => Box::pin(futures_util::stream::iter([Err::<Bytes, Error>(e)])),
    });
    Body::from_stream(joined, length)
}

/// Quotes and line breaks cannot appear in a quoted parameter (as browsers do: `%22`,
/// `%0D`, `%0A`).
fn escape(value: &str) -> String {
    value
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x51_7cc1_b727_220a);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    async fn collect(body: Body) -> Vec<u8> {
        let chunks: Vec<Bytes> = body.into_stream().unwrap().try_collect().await.unwrap();
        chunks.concat()
    }

    #[tokio::test]
    async fn writes_parts_as_browsers_do_and_streams_when_a_part_streams() {
        let form = Multipart::new().text("a\"b", "1").part(
            "",
            Part::new(Body::from("xyz"))
                .file_name("f\r\n.txt")
                .content_type("text/plain"),
        );
        let boundary = form.boundary.clone();
        let body = form.into_body();
        assert!(body.as_bytes().is_some());
        let text = String::from_utf8(collect(body).await).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"a%22b\"\r\n\r\n1\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"\"; filename=\"f%0D%0A.txt\"\r\n\
                 Content-Type: text/plain\r\n\r\nxyz\r\n--{boundary}--\r\n"
            )
        );

        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from("big"))]);
        let streamed = Multipart::new()
            .part("file", Part::new(Body::from_stream(chunks, Some(3))))
            .into_body();
        assert!(streamed.is_stream());
        let len = streamed.len().unwrap();
        let bytes = collect(streamed).await;
        assert_eq!(bytes.len() as u64, len);
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .contains("\r\n\r\nbig\r\n")
        );
        assert_ne!(Multipart::new().boundary, Multipart::new().boundary);
    }
}
