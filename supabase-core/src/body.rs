//! Request bodies: bytes, or a stream read once as it is sent.

use std::fmt;
#[cfg(not(target_arch = "wasm32"))]
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::TryStreamExt;
use tokio::io::AsyncRead;

use crate::{BoxError, Error, MaybeSend, TransportErrorKind};

/// A stream of byte chunks, as the transport reads an answer or sends a body (`Send` on
/// native targets, not on `wasm32`: see [`runtime`](crate::runtime)).
#[cfg(not(target_arch = "wasm32"))]
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send + 'static>>;

/// A stream of byte chunks, as the transport reads an answer or sends a body (`Send` on
/// native targets, not on `wasm32`: see [`runtime`](crate::runtime)).
#[cfg(target_arch = "wasm32")]
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + 'static>>;

/// The body of a [`Request`](crate::Request).
///
/// - From bytes (`Vec<u8>`, `String`, [`Bytes`], `&'static str`): cloning it is a
///   reference-count bump, and a retried request sends it again.
/// - From a stream, an [`AsyncRead`] or a file: read once, chunk by chunk, as it is sent, so
///   a body of any size needs only a few chunks of memory. With a known length the request
///   carries `Content-Length`, otherwise it is sent chunked. A stream body cannot be sent
///   twice: a second send fails with a typed error (requests with stream bodies are never
///   retried).
///
/// `Debug` shows the length only.
///
/// ```
/// use supabase_core::Body;
///
/// let body = Body::from("hello");
/// assert_eq!(body.len(), Some(5));
/// assert_eq!(body.as_bytes().map(|b| &b[..]), Some(&b"hello"[..]));
///
/// let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("a"))]);
/// let streamed = Body::from_stream(chunks, Some(1));
/// assert!(streamed.is_stream());
/// assert_eq!(format!("{streamed:?}"), "Body(stream, 1 bytes)");
/// ```
#[derive(Clone)]
pub struct Body {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Bytes(Bytes),
    Stream {
        /// Taken by the first send.
        stream: Arc<Mutex<Option<ByteStream>>>,
        length: Option<u64>,
    },
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Self::from(Bytes::new())
    }

    /// A body read from `stream` as it is sent. Give `length` when you know it (the request
    /// then carries `Content-Length`; a stream that ends early or runs long fails the
    /// request).
    pub fn from_stream<S, E>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + MaybeSend + 'static,
        E: Into<BoxError>,
    {
        let stream: ByteStream = Box::pin(stream.map_err(|e| Error::Transport {
            kind: TransportErrorKind::Body,
            source: e.into(),
        }));
        // On `wasm32` the stream is not `Send` (nothing is there: one thread).
        #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
        Self {
            kind: Kind::Stream {
                stream: Arc::new(Mutex::new(Some(stream))),
                length,
            },
        }
    }

    /// A body read from `reader` as it is sent, in chunks of up to 64 KiB.
    pub fn from_reader<R>(reader: R, length: Option<u64>) -> Self
    where
        R: AsyncRead + MaybeSend + 'static,
    {
        Self::from_stream(
            tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024),
            length,
        )
    }

    /// A body read from the file at `path` as it is sent, with its length.
    ///
    /// Fails with [`Error::InvalidInput`] when the file cannot be opened. Not on `wasm32`
    /// (no file system there).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let fail = |e: std::io::Error| {
            Error::InvalidInput(format!("cannot read the file `{}`: {e}", path.display()))
        };
        let file = tokio::fs::File::open(path).await.map_err(fail)?;
        let length = file.metadata().await.map_err(fail)?.len();
        Ok(Self::from_reader(file, Some(length)))
    }

    /// The length, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes.len() as u64),
            Kind::Stream { length, .. } => *length,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether the body is read from a stream (and so can be sent only once).
    pub fn is_stream(&self) -> bool {
        matches!(self.kind, Kind::Stream { .. })
    }

    /// The bytes, for a body made from bytes.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes),
            Kind::Stream { .. } => None,
        }
    }

    /// The body as a stream of chunks (a bytes body is one chunk). Takes a stream body's
    /// stream: a second call fails.
    pub fn into_stream(self) -> Result<ByteStream, Error> {
        match self.kind {
            Kind::Bytes(bytes) => Ok(Box::pin(futures_util::stream::iter(
                (!bytes.is_empty()).then_some(Ok(bytes)),
            ))),
            Kind::Stream { stream, .. } => take(&stream),
        }
    }

    /// The body for reqwest; a stream body's stream is taken.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Body, Error> {
        match &self.kind {
            Kind::Bytes(bytes) => Ok(reqwest::Body::from(bytes.clone())),
            Kind::Stream { stream, .. } => Ok(reqwest::Body::wrap_stream(take(stream)?)),
        }
    }

    /// The body for reqwest. On `wasm32` `fetch` takes no streamed request body from reqwest:
    /// a stream body is read into memory first ([`Body::buffered`]), so only bytes arrive here.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Body, Error> {
        match &self.kind {
            Kind::Bytes(bytes) => Ok(reqwest::Body::from(bytes.clone())),
            Kind::Stream { .. } => Err(Error::InvalidInput(
                "a stream body must be buffered before it is sent on wasm32".into(),
            )),
        }
    }

    /// A stream body read into memory (its stream is taken), checked against its announced
    /// length: what the transport sends on `wasm32`, where reqwest's `fetch` has no streamed
    /// request bodies. `None` for a bytes body (sent as it is).
    #[cfg(target_arch = "wasm32")]
    pub(crate) async fn buffered(&self) -> Result<Option<Body>, Error> {
        use futures_util::StreamExt;
        let Kind::Stream { stream, length } = &self.kind else {
            return Ok(None);
        };
        let mut stream = take(stream)?;
        let mut all = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            all.extend_from_slice(&chunk?);
        }
        if let Some(length) = length
            && all.len() as u64 != *length
        {
            return Err(Error::Transport {
                kind: TransportErrorKind::Body,
                source: format!(
                    "the body stream gave {} bytes, {length} were announced",
                    all.len()
                )
                .into(),
            });
        }
        Ok(Some(Body::from(all.freeze())))
    }
}

fn take(stream: &Mutex<Option<ByteStream>>) -> Result<ByteStream, Error> {
    let taken = match stream.lock() {
        Ok(mut slot) => slot.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    };
    taken.ok_or_else(|| {
        Error::InvalidInput("a stream body can be sent only once (it was sent already)".into())
    })
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self {
            kind: Kind::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Self::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from(Bytes::from_static(bytes))
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Bytes(bytes) => write!(f, "Body({} bytes)", bytes.len()),
            Kind::Stream {
                length: Some(len), ..
            } => write!(f, "Body(stream, {len} bytes)"),
            Kind::Stream { length: None, .. } => f.write_str("Body(stream)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_stream_body_is_taken_once_and_a_bytes_body_is_one_chunk() {
        let chunks = futures_util::stream::iter([
            Ok::<_, std::io::Error>(Bytes::from("ab")),
            Ok(Bytes::from("c")),
        ]);
        let body = Body::from_stream(chunks, None);
        let copy = body.clone();
        let all: Vec<Bytes> = body.into_stream().unwrap().try_collect().await.unwrap();
        assert_eq!(all.concat(), b"abc");
        assert!(matches!(copy.into_stream(), Err(Error::InvalidInput(_))));

        let bytes = Body::from(vec![1u8, 2, 3]);
        let chunks: Vec<Bytes> = bytes.into_stream().unwrap().try_collect().await.unwrap();
        assert_eq!(chunks, vec![Bytes::from_static(&[1, 2, 3])]);
        assert_eq!(Body::empty().into_stream().unwrap().count().await, 0);
    }

    #[tokio::test]
    async fn reader_and_file_bodies_stream_their_bytes() {
        let body = Body::from_reader(&b"from a reader"[..], Some(13));
        let all: Vec<Bytes> = body.into_stream().unwrap().try_collect().await.unwrap();
        assert_eq!(all.concat(), b"from a reader");

        let dir = std::env::temp_dir().join(format!("supabase-core-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.bin");
        std::fs::write(&path, vec![7u8; 200_000]).unwrap();
        let body = Body::from_file(&path).await.unwrap();
        assert_eq!(body.len(), Some(200_000));
        let all: Vec<Bytes> = body.into_stream().unwrap().try_collect().await.unwrap();
        assert_eq!(all.concat(), vec![7u8; 200_000]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(
            Body::from_file(dir.join("missing")).await,
            Err(Error::InvalidInput(_))
        ));
    }
}
