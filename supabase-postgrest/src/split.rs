//! Incremental splitters: the top-level elements of a JSON array, and the records of a CSV
//! text, found in a byte buffer that grows chunk by chunk.
//!
//! Neither parses the values: the JSON splitter only tracks what decides where an element
//! ends (inside a string or not, after a `\` or not, the nesting depth of `[`/`{`), and each
//! element's bytes are then decoded by `serde_json`, which reports whatever is malformed
//! inside it. Both keep only the bytes not yet handed out, so what they hold is one element
//! (or record) plus one chunk.

use bytes::{Buf, BytesMut};

/// Where the JSON splitter is in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the `[` (whitespace allowed).
    Start,
    /// Right after `[`: a value or `]`.
    First,
    /// Right after `,`: a value.
    Next,
    /// Inside an element that began at `row_start`.
    Element,
    /// After the `]`: whitespace only.
    End,
}

/// What [`ArraySplitter::next_row`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next<'a> {
    /// The bytes of one element (surrounding whitespace included).
    Row(&'a [u8]),
    /// Nothing more in what has arrived so far.
    NeedMore,
    /// The answer is not a JSON array of values.
    Invalid(&'static str),
}

/// Finds the top-level elements of a JSON array, across chunk boundaries.
#[derive(Debug)]
pub(crate) struct ArraySplitter {
    buf: BytesMut,
    phase: Phase,
    /// Where the scan continues, as an index into `buf`.
    scan: usize,
    /// Where the current element began, as an index into `buf`.
    row_start: usize,
    /// Bytes of `buf` handed out by the last `next_row`, dropped at the next call.
    handed: usize,
    depth: usize,
    in_string: bool,
    escape: bool,
}

impl ArraySplitter {
    pub(crate) fn new() -> Self {
        Self {
            buf: BytesMut::new(),
            phase: Phase::Start,
            scan: 0,
            row_start: 0,
            handed: 0,
            depth: 0,
            in_string: false,
            escape: false,
        }
    }

    /// Drops the bytes handed out by the previous call.
    fn release(&mut self) {
        if self.handed > 0 {
            let n = self.handed.min(self.buf.len());
            self.buf.advance(n);
            self.scan = self.scan.saturating_sub(n);
            self.row_start = self.row_start.saturating_sub(n);
            self.handed = 0;
        }
    }

    /// Appends a chunk of the answer.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.release();
        if self.phase != Phase::Element {
            // Only whitespace or separators were scanned: nothing before `scan` is needed.
            self.buf.advance(self.scan.min(self.buf.len()));
            self.scan = 0;
            self.row_start = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// The bytes held for the element being read (what a row-size limit applies to).
    pub(crate) fn pending(&self) -> usize {
        self.buf.len().saturating_sub(self.row_start)
    }

    /// True once the closing `]` has been read.
    pub(crate) fn ended(&self) -> bool {
        self.phase == Phase::End
    }

    /// The next complete element, if one has arrived.
    pub(crate) fn next_row(&mut self) -> Next<'_> {
        self.release();
        let len = self.buf.len();
        let mut i = self.scan;
        while i < len {
            let Some(&b) = self.buf.get(i) else { break };
            match self.phase {
                Phase::Start => {
                    if b == b'[' {
                        self.phase = Phase::First;
                    } else if !b.is_ascii_whitespace() {
                        self.scan = i;
                        return Next::Invalid("the answer is not a JSON array");
                    }
                    i += 1;
                }
                Phase::First | Phase::Next => {
                    if b.is_ascii_whitespace() {
                        i += 1;
                    } else if b == b']' && self.phase == Phase::First {
                        self.phase = Phase::End;
                        i += 1;
                    } else if b == b']' || b == b',' {
                        self.scan = i;
                        return Next::Invalid("a value is missing in the JSON array");
                    } else {
                        self.phase = Phase::Element;
                        self.row_start = i;
                        self.depth = 0;
                        self.in_string = false;
                        self.escape = false;
                    }
                }
                Phase::Element => {
                    if self.in_string {
                        if self.escape {
                            self.escape = false;
                            i += 1;
                            continue;
                        }
                        let rest = self.buf.get(i..).unwrap_or_default();
                        match memchr::memchr2(b'"', b'\\', rest) {
                            None => i = len,
                            Some(k) => {
                                i += k;
                                if self.buf.get(i) == Some(&b'\\') {
                                    self.escape = true;
                                } else {
                                    self.in_string = false;
                                }
                                i += 1;
                            }
                        }
                        continue;
                    }
                    match b {
                        b'"' => self.in_string = true,
                        b'[' | b'{' => self.depth = self.depth.saturating_add(1),
                        b'}' if self.depth == 0 => {
                            self.scan = i;
                            return Next::Invalid("unbalanced `}` in the JSON array");
                        }
                        b']' | b'}' if self.depth > 0 => self.depth -= 1,
                        b']' | b',' if self.depth == 0 => {
                            // `i` is the separator: the element is what came before it.
                            self.phase = if b == b']' { Phase::End } else { Phase::Next };
                            self.scan = i + 1;
                            self.handed = i + 1;
                            let start = self.row_start;
                            self.row_start = i + 1;
                            return match self.buf.get(start..i) {
                                Some(row) => Next::Row(row),
                                None => Next::Invalid("internal splitter state"),
                            };
                        }
                        _ => {}
                    }
                    i += 1;
                }
                Phase::End => {
                    if !b.is_ascii_whitespace() {
                        self.scan = i;
                        return Next::Invalid("trailing characters after the JSON array");
                    }
                    i += 1;
                }
            }
        }
        self.scan = len;
        Next::NeedMore
    }

    /// At the end of the answer: `Ok(true)` after a whole array, `Ok(false)` when the answer
    /// held only whitespace, `Err` when it stopped inside the array.
    pub(crate) fn finish(&self) -> Result<bool, &'static str> {
        match self.phase {
            Phase::End => Ok(true),
            Phase::Start => Ok(false),
            _ => Err("the answer ended inside the JSON array (truncated body)"),
        }
    }

    /// A few bytes around the scan position, for error messages.
    pub(crate) fn context(&self) -> &[u8] {
        let from = self
            .scan
            .saturating_sub(40)
            .max(self.row_start.min(self.scan));
        let to = self.scan.saturating_add(40).min(self.buf.len());
        self.buf.get(from..to).unwrap_or_default()
    }
}

/// What [`CsvSplitter::next_record`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Record<'a> {
    /// One record, without its line ending.
    Line(&'a [u8]),
    /// Nothing more in what has arrived so far.
    NeedMore,
}

/// Finds the records of a CSV text (RFC 4180 quoting: a line break inside `"…"` belongs to
/// the field, `""` is a quote), across chunk boundaries.
#[derive(Debug, Default)]
pub(crate) struct CsvSplitter {
    buf: BytesMut,
    scan: usize,
    handed: usize,
    in_quotes: bool,
}

impl CsvSplitter {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn release(&mut self) {
        if self.handed > 0 {
            let n = self.handed.min(self.buf.len());
            self.buf.advance(n);
            self.scan = self.scan.saturating_sub(n);
            self.handed = 0;
        }
    }

    /// Appends a chunk of the answer.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.release();
        self.buf.extend_from_slice(chunk);
    }

    /// The bytes held for the record being read.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The next complete record, if one has arrived.
    pub(crate) fn next_record(&mut self) -> Record<'_> {
        self.release();
        let len = self.buf.len();
        let mut i = self.scan;
        while i < len {
            let rest = self.buf.get(i..).unwrap_or_default();
            let Some(k) = memchr::memchr2(b'"', b'\n', rest) else {
                break;
            };
            i += k;
            if self.buf.get(i) == Some(&b'"') {
                // `""` inside quotes toggles twice: still inside.
                self.in_quotes = !self.in_quotes;
                i += 1;
                continue;
            }
            if self.in_quotes {
                i += 1;
                continue;
            }
            self.scan = i + 1;
            self.handed = i + 1;
            let line = self.buf.get(..i).unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            return Record::Line(line);
        }
        self.scan = len;
        Record::NeedMore
    }

    /// At the end of the answer: the last record when it has no line ending, or an error
    /// when the text ends inside a quoted field.
    pub(crate) fn finish(&mut self) -> Result<Option<&[u8]>, &'static str> {
        self.release();
        if self.in_quotes {
            return Err("the answer ended inside a quoted CSV field (truncated body)");
        }
        let rest: &[u8] = self.buf.as_ref();
        let rest = rest.strip_suffix(b"\r").unwrap_or(rest);
        Ok((!rest.is_empty()).then_some(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(chunks: &[&[u8]]) -> Result<Vec<String>, &'static str> {
        let mut s = ArraySplitter::new();
        let mut out = Vec::new();
        for chunk in chunks {
            s.push(chunk);
            loop {
                match s.next_row() {
                    Next::Row(r) => out.push(String::from_utf8_lossy(r).into_owned()),
                    Next::NeedMore => break,
                    Next::Invalid(e) => return Err(e),
                }
            }
        }
        s.finish()?;
        Ok(out)
    }

    #[test]
    fn splits_elements() {
        assert_eq!(rows(&[b" [ ] "]), Ok(vec![]));
        assert_eq!(rows(&[b""]), Ok(vec![]));
        assert_eq!(
            rows(&[b"[1, \"a,]\\\"\" ,{\"x\":[1,{}]}]"]),
            Ok(vec![
                "1".into(),
                "\"a,]\\\"\" ".into(),
                "{\"x\":[1,{}]}".into()
            ])
        );
        assert_eq!(
            rows(&[b"[\"a\\", b"\"b\"", b",2", b"]"]),
            Ok(vec!["\"a\\\"b\"".into(), "2".into()])
        );
        assert!(rows(&[b"{}"]).is_err());
        assert!(rows(&[b"[1,]"]).is_err());
        assert!(rows(&[b"[,1]"]).is_err());
        assert!(rows(&[b"[1] x"]).is_err());
        assert!(rows(&[b"[1,2"]).is_err());
        assert!(rows(&[b"[{}}]"]).is_err());
    }

    fn records(chunks: &[&[u8]]) -> Result<Vec<String>, &'static str> {
        let mut s = CsvSplitter::new();
        let mut out = Vec::new();
        for chunk in chunks {
            s.push(chunk);
            while let Record::Line(r) = s.next_record() {
                out.push(String::from_utf8_lossy(r).into_owned());
            }
        }
        if let Some(last) = s.finish()? {
            out.push(String::from_utf8_lossy(last).into_owned());
        }
        Ok(out)
    }

    #[test]
    fn splits_records() {
        assert_eq!(records(&[b""]), Ok(vec![]));
        assert_eq!(
            records(&[b"id,t\r\n1,\"a\nb\"", b"\"c\"\n2,x"]),
            Ok(vec!["id,t".into(), "1,\"a\nb\"\"c\"".into(), "2,x".into()])
        );
        assert!(records(&[b"id\n\"open"]).is_err());
    }
}
