//! Server-Sent Events (`text/event-stream`), parsed as the WHATWG HTML standard says
//! ("9.2.6 Interpreting an event stream").

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use supabase_core::ByteStream;

use crate::FunctionsError;

/// The default limit on one event (and on one line) of a stream: 8 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One Server-Sent Event.
///
/// ```
/// use supabase_functions::SseParser;
///
/// let mut parser = SseParser::new();
/// let events = parser.feed(b"event: tick\ndata: 1\ndata: 2\nid: 7\n\n").unwrap();
/// assert_eq!(events.len(), 1);
/// assert_eq!(events[0].event, "tick");
/// assert_eq!(events[0].data, "1\n2");
/// assert_eq!(events[0].id, "7");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event {
    /// The event type: the last `event:` field, `message` without one.
    pub event: String,
    /// The `data:` fields joined by `\n`.
    pub data: String,
    /// The last event ID: the latest `id:` field seen so far in the stream (it carries over
    /// to later events), empty without one.
    pub id: String,
    /// The reconnection time, when a `retry:` field (ASCII digits, milliseconds) came since
    /// the previous event.
    pub retry: Option<Duration>,
}

impl Event {
    /// The data decoded as JSON (functions often send `data: {...}`).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, FunctionsError> {
        crate::error::decode_json(self.data.as_bytes(), Some("text/event-stream".into()))
    }
}

/// An incremental parser of an event stream: feed it the bytes as they come, in chunks of any
/// size, and it returns the events completed so far. The same bytes give the same events
/// whatever the chunking.
///
/// The rules are the standard's: lines end with CRLF, LF or CR; a line starting with `:` is a
/// comment; `field: value` (one space after the colon dropped) or `field` alone; fields
/// `event`, `data`, `id` (ignored if it contains NUL) and `retry` (digits only), others
/// ignored; an empty line dispatches the event unless no `data` came; a leading BOM is
/// dropped; invalid UTF-8 becomes U+FFFD. An event not ended by an empty line when the stream
/// ends is dropped (as browsers do).
#[derive(Clone)]
pub struct SseParser {
    line: Vec<u8>,
    skip_lf: bool,
    first_line: bool,
    data: String,
    has_data: bool,
    event_type: String,
    last_id: String,
    retry: Option<Duration>,
    max_event_bytes: usize,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SseParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseParser")
            .field("pending_line_bytes", &self.line.len())
            .field("pending_data_bytes", &self.data.len())
            .field("max_event_bytes", &self.max_event_bytes)
            .finish()
    }
}

impl SseParser {
    /// A parser at the start of a stream, with [`DEFAULT_MAX_EVENT_BYTES`].
    pub fn new() -> Self {
        Self {
            line: Vec::new(),
            skip_lf: false,
            first_line: true,
            data: String::new(),
            has_data: false,
            event_type: String::new(),
            last_id: String::new(),
            retry: None,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
        }
    }

    /// Sets the largest event (and line) accepted; a larger one fails with
    /// [`FunctionsError::EventTooLarge`].
    #[must_use]
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = limit;
        self
    }

    /// Parses the next chunk of the stream and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Event>, FunctionsError> {
        let mut out = VecDeque::new();
        self.feed_into(chunk, &mut out)?;
        Ok(out.into())
    }

    fn feed_into(&mut self, chunk: &[u8], out: &mut VecDeque<Event>) -> Result<(), FunctionsError> {
        let mut rest = chunk;
        if self.skip_lf && !rest.is_empty() {
            self.skip_lf = false;
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let (head, tail) = rest.split_at(end);
            self.push_line_bytes(head)?;
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, out)?;
            self.line = line;
            self.line.clear();
            // `tail` starts with the terminator.
            let crlf = tail.starts_with(b"\r\n");
            let cr = tail.starts_with(b"\r");
            rest = tail.get(if crlf { 2 } else { 1 }..).unwrap_or_default();
            // A CR at the end of the chunk: a LF starting the next chunk belongs to it.
            self.skip_lf = cr && !crlf && rest.is_empty();
        }
        self.push_line_bytes(rest)
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) -> Result<(), FunctionsError> {
        if self.line.len().saturating_add(bytes.len()) > self.max_event_bytes {
            return Err(FunctionsError::EventTooLarge {
                limit: self.max_event_bytes,
            });
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn process_line(
        &mut self,
        raw: &[u8],
        out: &mut VecDeque<Event>,
    ) -> Result<(), FunctionsError> {
        let mut raw = raw;
        if self.first_line {
            self.first_line = false;
            raw = raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw);
        }
        if raw.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if raw.first() == Some(&b':') {
            return Ok(());
        }
        let line = String::from_utf8_lossy(raw);
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let (field, value) = line.split_at(colon);
                let value = value.get(1..).unwrap_or_default();
                (field, value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event_type),
            "data" => {
                if self.data.len().saturating_add(value.len()) >= self.max_event_bytes {
                    return Err(FunctionsError::EventTooLarge {
                        limit: self.max_event_bytes,
                    });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_id),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Too many digits for u64: saturate rather than ignore.
                let ms = value.parse::<u64>().unwrap_or(u64::MAX);
                self.retry = Some(Duration::from_millis(ms));
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut VecDeque<Event>) {
        let event_type = std::mem::take(&mut self.event_type);
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push_back(Event {
            event: if event_type.is_empty() {
                "message".to_owned()
            } else {
                event_type
            },
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
            retry: self.retry.take(),
        });
    }
}

/// The events of a `text/event-stream` answer, as a [`Stream`], parsed as they arrive (see
/// [`SseParser`] for the rules).
///
/// The stream ends when the answer ends (an unfinished last event is dropped). If the
/// connection breaks off, it yields [`FunctionsError::Interrupted`] and then ends; the time
/// limit of the call covers the whole stream ([`FunctionsError::Timeout`]). Dropping it closes
/// the connection.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use supabase_functions::FunctionsClient;
///
/// # async fn run() -> Result<(), supabase_functions::FunctionsError> {
/// let functions = FunctionsClient::new("https://xyzcompany.supabase.co/functions/v1", "anon-key")?;
/// let mut events = functions.invoke("chat").body_json(&serde_json::json!({"q": "hi"})).events().await?;
/// while let Some(event) = events.next().await {
///     let event = event?;
///     println!("{}: {}", event.event, event.data);
/// }
/// # Ok(()) }
/// ```
pub struct EventStream {
    body: ByteStream,
    parser: SseParser,
    ready: VecDeque<Event>,
    done: bool,
}

impl EventStream {
    /// Events parsed from `body` (a byte stream, for example
    /// [`StreamingFunctionResponse::bytes_stream`](crate::StreamingFunctionResponse)'s).
    pub fn new(body: ByteStream) -> Self {
        Self::with_parser(body, SseParser::new())
    }

    /// Events parsed from `body` by `parser` (to set its limit).
    pub fn with_parser(body: ByteStream, parser: SseParser) -> Self {
        Self {
            body,
            parser,
            ready: VecDeque::new(),
            done: false,
        }
    }

    /// Events parsed from chunks of bytes (for tests and other transports).
    pub fn from_chunks<S>(chunks: S) -> Self
    where
        S: Stream<Item = Result<Bytes, supabase_core::Error>> + supabase_core::MaybeSend + 'static,
    {
        Self::new(Box::pin(chunks))
    }
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("parser", &self.parser)
            .field("ready", &self.ready.len())
            .field("done", &self.done)
            .finish()
    }
}

impl Stream for EventStream {
    type Item = Result<Event, FunctionsError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(e) = this.parser.feed_into(&chunk, &mut this.ready) {
                        this.done = true;
                        this.ready.clear();
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(FunctionsError::from_body(e))));
                }
                Poll::Ready(None) => this.done = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &[u8]) -> Vec<Event> {
        SseParser::new().feed(input).unwrap()
    }

    #[test]
    fn follows_the_standard() {
        // The examples of the HTML standard.
        let e = parse(b"data: YHOO\ndata: +2\ndata: 10\n\n");
        assert_eq!(e[0].data, "YHOO\n+2\n10");
        assert_eq!(e[0].event, "message");

        let e = parse(b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n");
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].data.as_str(), e[0].id.as_str()), ("first event", "1"));
        assert_eq!((e[1].data.as_str(), e[1].id.as_str()), ("second event", ""));
        assert_eq!((e[2].data.as_str(), e[2].id.as_str()), (" third event", ""));

        let e = parse(b"data\n\ndata\ndata\n\ndata:");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].data, "");
        assert_eq!(e[1].data, "\n");

        // Only the event type with no data: nothing dispatched, and the type is reset.
        let e = parse(b"event: x\n\ndata: y\n\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].event, "message");
    }

    #[test]
    fn line_ends_bom_id_and_retry() {
        let e = parse(b"\xEF\xBB\xBFdata: a\r\rdata: b\r\n\r\ndata: c\n\n");
        assert_eq!(
            e.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let e =
            parse(b"id: 5\nretry: 1500\ndata: x\n\nretry: 1x\ndata: y\n\nid: a\0b\ndata: z\n\n");
        assert_eq!(e[0].id, "5");
        assert_eq!(e[0].retry, Some(Duration::from_millis(1500)));
        assert_eq!(e[1].id, "5");
        assert_eq!(e[1].retry, None);
        assert_eq!(e[2].id, "5");
        // Unknown fields are ignored, a colon-less field has an empty value.
        let e = parse(b"foo: bar\nevent\ndata: 1\n\n");
        assert_eq!(e[0].event, "message");
        assert_eq!(e[0].data, "1");
    }

    #[test]
    fn a_cr_at_a_chunk_end_does_not_make_an_extra_line() {
        let mut p = SseParser::new();
        assert!(p.feed(b"data: a\r").unwrap().is_empty());
        // The LF completes the CRLF; the next CR LF is the empty line.
        assert!(p.feed(b"").unwrap().is_empty());
        assert!(p.feed(b"\n").unwrap().is_empty());
        let e = p.feed(b"\n").unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].data, "a");
    }

    #[test]
    fn oversized_lines_and_events_fail() {
        let mut p = SseParser::new().max_event_bytes(16);
        assert!(matches!(
            p.feed(&[b'x'; 17]),
            Err(FunctionsError::EventTooLarge { limit: 16 })
        ));
        let mut p = SseParser::new().max_event_bytes(16);
        assert!(matches!(
            p.feed(b"data: 0123456789\ndata: 0123456789\n"),
            Err(FunctionsError::EventTooLarge { limit: 16 })
        ));
    }
}
