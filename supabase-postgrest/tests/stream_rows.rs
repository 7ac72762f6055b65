//! `RowStream` and `CsvStream` over bodies cut into chunks anywhere: the rows are exactly
//! what `serde_json` decodes from the whole body; malformed, truncated and non-array bodies
//! are one typed error item, then the end. No network: the bodies are in-memory streams.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use futures_util::StreamExt;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use supabase_core::ByteStream;
use supabase_postgrest::{CsvStream, Error, RowStream};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Row {
    id: i64,
    text: String,
    tags: Vec<String>,
    extra: Option<serde_json::Value>,
}

const MAX_ROW: usize = 1 << 20;

fn body_of(chunks: Vec<Vec<u8>>) -> ByteStream {
    Box::pin(futures_util::stream::iter(
        chunks.into_iter().map(|c| Ok(Bytes::from(c))),
    ))
}

/// `body` cut at the given positions (sorted, deduplicated, inside the body).
fn cut(body: &[u8], mut at: Vec<usize>) -> Vec<Vec<u8>> {
    at.retain(|&p| p > 0 && p < body.len());
    at.sort_unstable();
    at.dedup();
    let mut chunks = Vec::new();
    let mut from = 0;
    for p in at {
        chunks.push(body[from..p].to_vec());
        from = p;
    }
    chunks.push(body[from..].to_vec());
    chunks
}

fn collect<T: serde::de::DeserializeOwned>(chunks: Vec<Vec<u8>>) -> Vec<Result<T, Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(RowStream::<T>::from_body(body_of(chunks), MAX_ROW).collect())
}

fn rows<T: serde::de::DeserializeOwned>(chunks: Vec<Vec<u8>>) -> Vec<T> {
    collect(chunks).into_iter().map(Result::unwrap).collect()
}

/// The rows, then the error that ended the stream.
fn rows_then_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    body: &[u8],
) -> (Vec<T>, Error) {
    let mut items = collect::<T>(vec![body.to_vec()]);
    let last = items.pop().expect("an item");
    let error = last.expect_err("the last item is the error");
    let rows = items.into_iter().map(Result::unwrap).collect();
    (rows, error)
}

/// Strings full of what matters to the splitter: quotes, backslashes, brackets, commas,
/// braces, control characters and non-ASCII text.
fn tricky() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just("\\\"".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just(",".to_owned()),
            Just("\n\t\u{1}".to_owned()),
            Just("é😀中".to_owned()),
            "[a-z ]{0,5}",
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn row() -> impl Strategy<Value = Row> {
    (
        any::<i64>(),
        tricky(),
        proptest::collection::vec(tricky(), 0..3),
        proptest::option::of(tricky()),
    )
        .prop_map(|(id, text, tags, extra)| Row {
            id,
            extra: extra.map(|s| serde_json::json!({"s": s, "a": [[], {}, [s.clone()]]})),
            text,
            tags,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Compact or pretty JSON, cut at random positions: exactly the rows `serde_json` reads.
    #[test]
    fn any_chunking_yields_the_rows_serde_json_reads(
        rows_in in proptest::collection::vec(row(), 0..6),
        pretty in any::<bool>(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let body = if pretty {
            serde_json::to_vec_pretty(&rows_in).unwrap()
        } else {
            serde_json::to_vec(&rows_in).unwrap()
        };
        let expected: Vec<Row> = serde_json::from_slice(&body).unwrap();
        let at = cuts.iter().map(|i| i.index(body.len() + 1)).collect();
        let got: Vec<Row> = rows(cut(&body, at));
        prop_assert_eq!(got, expected);
    }

    /// Any bytes at all: the stream never panics, and when `serde_json` reads the body as an
    /// array the stream yields the same values and no error.
    #[test]
    fn arbitrary_bytes_never_panic(
        body in proptest::collection::vec(
            prop_oneof![
                Just(b'['), Just(b']'), Just(b'{'), Just(b'}'), Just(b'"'), Just(b'\\'),
                Just(b','), Just(b' '), Just(b'1'), Just(b':'), Just(b'n'), any::<u8>(),
            ],
            0..40,
        ),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let at = cuts.iter().map(|i| i.index(body.len() + 1)).collect();
        let items = collect::<serde_json::Value>(cut(&body, at));
        if let Ok(expected) = serde_json::from_slice::<Vec<serde_json::Value>>(&body) {
            let got: Vec<_> = items.into_iter().map(Result::unwrap).collect();
            prop_assert_eq!(got, expected);
        } else {
            // Errors only as the last item.
            let errors = items.iter().filter(|i| i.is_err()).count();
            prop_assert!(errors <= 1);
            if errors == 1 {
                prop_assert!(items.last().unwrap().is_err());
            }
        }
    }
}

/// Escapes of every kind, a string holding every separator, nesting: the body cut in two at
/// every byte, and cut into single bytes.
#[test]
fn every_cut_position_of_a_body_with_escapes() {
    let body = br#" [ {"id":1,"text":"a\"b\\c\/d\u00e9\ud83d\ude00\n,[]{}","tags":["]","[","}"],"extra":{"x":[1,[2,{"y":"\\"}]]}} ,
        {"id":-2,"text":"","tags":[],"extra":null},{"id":3,"text":"\\\\\"","tags":["\u0022,"],"extra":"]"}
    ] "#;
    let expected: Vec<Row> = serde_json::from_slice(body).unwrap();
    assert_eq!(expected.len(), 3);
    for p in 0..=body.len() {
        let got: Vec<Row> = rows(cut(body, vec![p]));
        assert_eq!(got, expected, "cut at {p}");
    }
    let bytes: Vec<Vec<u8>> = body.iter().map(|b| vec![*b]).collect();
    assert_eq!(rows::<Row>(bytes), expected);
}

#[test]
fn an_empty_array_and_whitespace_give_no_rows() {
    for body in [&b"[]"[..], b"  [ \n\t ]  \r\n", b"\n[\n]\n"] {
        assert!(collect::<Row>(vec![body.to_vec()]).is_empty());
    }
    // A body of only whitespace (a mutation without `select`): no rows, no error.
    assert!(collect::<Row>(vec![b" ".to_vec()]).is_empty());
    assert!(collect::<Row>(vec![]).is_empty());
}

#[test]
fn scalars_and_nested_arrays_are_rows_too() {
    let got: Vec<serde_json::Value> =
        rows(vec![br#"[1, "two", [3, [4]], null, true, 1.5e3]"#.to_vec()]);
    assert_eq!(
        got,
        serde_json::json!([1, "two", [3, [4]], null, true, 1.5e3])
            .as_array()
            .unwrap()
            .clone()
    );
}

#[test]
fn a_truncated_body_is_an_error_after_the_rows_that_arrived() {
    let (got, error) = rows_then_error::<serde_json::Value>(br#"[{"id":1},{"id":2},{"id""#);
    assert_eq!(
        got,
        [serde_json::json!({"id": 1}), serde_json::json!({"id": 2})]
    );
    match error {
        Error::Core(supabase_core::Error::Decode { path, message, .. }) => {
            assert_eq!(path, "[2]");
            assert!(message.contains("truncated"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Cut right after a separator, or before the closing bracket.
    assert_eq!(rows_then_error::<serde_json::Value>(b"[1,").0.len(), 1);
    assert_eq!(rows_then_error::<serde_json::Value>(b"[1").0.len(), 0);
    assert_eq!(rows_then_error::<serde_json::Value>(b"[").0.len(), 0);
}

#[test]
fn a_body_that_is_not_an_array_is_an_error() {
    for body in [&br#"{"id":1}"#[..], b"1", b"\"x\"", b"null", b"<html>"] {
        let (got, error) = rows_then_error::<serde_json::Value>(body);
        assert!(got.is_empty());
        match error {
            Error::Core(supabase_core::Error::Decode { message, .. }) => {
                assert!(message.contains("not a JSON array"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn malformed_json_is_one_error_then_the_end() {
    for body in [
        &b"[1,,2]"[..],
        b"[1,]",
        b"[{\"a\":}]",
        b"[1 2]",
        b"[{}}]",
        b"[1] [2]",
        b"[tru]",
    ] {
        let items = collect::<serde_json::Value>(vec![body.to_vec()]);
        assert!(
            items.last().unwrap().is_err(),
            "{}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
        assert!(serde_json::from_slice::<Vec<serde_json::Value>>(body).is_err());
    }
}

#[test]
fn a_row_that_does_not_decode_names_the_row_and_field() {
    let (got, error) = rows_then_error::<Row>(
        br#"[{"id":1,"text":"a","tags":[],"extra":null},{"id":"two","text":"b","tags":[],"extra":null}]"#,
    );
    assert_eq!(got.len(), 1);
    match error {
        Error::Core(supabase_core::Error::Decode { path, message, .. }) => {
            assert_eq!(path, "[1].id");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_row_above_the_limit_is_an_error() {
    let big = format!("[\"{}\"]", "x".repeat(10_000));
    let chunks = cut(big.as_bytes(), (1..10).map(|i| i * 1000).collect());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let items: Vec<Result<String, Error>> =
        runtime.block_on(RowStream::from_body(body_of(chunks), 4096).collect());
    assert_eq!(items.len(), 1);
    assert!(matches!(
        items[0],
        Err(Error::Core(supabase_core::Error::ResponseTooLarge {
            limit: 4096
        }))
    ));
}

#[test]
fn a_broken_body_is_an_error_item() {
    let body: ByteStream = Box::pin(futures_util::stream::iter([
        Ok(Bytes::from_static(b"[1,2")),
        Err(supabase_core::Error::Timeout),
        Ok(Bytes::from_static(b",3]")),
    ]));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let items: Vec<Result<i64, Error>> =
        runtime.block_on(RowStream::from_body(body, MAX_ROW).collect());
    assert_eq!(items.len(), 2);
    assert_eq!(*items[0].as_ref().unwrap(), 1);
    assert!(items[1].as_ref().unwrap_err().is_timeout());
}

fn csv_lines(chunks: Vec<Vec<u8>>) -> Vec<Result<String, Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(CsvStream::from_body(body_of(chunks), MAX_ROW).collect())
}

fn csv_field() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("\"".to_owned()),
            Just(",".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("é😀".to_owned()),
            "[a-z ]{0,4}",
        ],
        0..5,
    )
    .prop_map(|p| p.concat())
}

/// RFC 4180 quoting, as PostgREST writes it: quote a field holding `"`, `,` or a line break.
fn csv_quote(field: &str) -> String {
    if field.contains(['"', ',', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Records with quoted line breaks and quotes, cut anywhere: the same records, header first.
    #[test]
    fn csv_records_survive_any_chunking(
        records in proptest::collection::vec(proptest::collection::vec(csv_field(), 2), 0..6),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..10),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut lines = vec!["id,text".to_owned()];
        lines.extend(records.iter().map(|r| r.iter().map(|f| csv_quote(f)).collect::<Vec<_>>().join(",")));
        let mut body = lines.join(eol);
        if final_newline {
            body.push_str(eol);
        }
        let at = cuts.iter().map(|i| i.index(body.len() + 1)).collect();
        let got: Vec<String> = csv_lines(cut(body.as_bytes(), at)).into_iter().map(Result::unwrap).collect();
        // An empty last record (a trailing empty line) is not a record.
        let expected: Vec<String> = lines;
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn csv_edge_cases() {
    assert!(csv_lines(vec![]).is_empty());
    assert!(csv_lines(vec![b"".to_vec()]).is_empty());
    let items = csv_lines(vec![b"id,t\n1,\"open".to_vec()]);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), "id,t");
    assert!(items[1].is_err());
    let items = csv_lines(vec![b"id\n\xff\xfe\n2\n".to_vec()]);
    assert_eq!(items.len(), 2);
    assert!(items[1].is_err());
}
