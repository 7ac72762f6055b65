//! The SSE parser gives the same events whatever the chunking, and the standard's events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures_util::StreamExt;
use proptest::prelude::*;
use supabase_functions::{Event, EventStream, SseParser};

fn parse_chunked(input: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    let mut start = 0;
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    points.sort_unstable();
    for p in points.into_iter().chain([input.len()]) {
        out.extend(parser.feed(&input[start..p.max(start)]).unwrap());
        start = p.max(start);
    }
    out
}

/// Pieces of event streams: fields, comments, BOM-free text with multibyte characters, every
/// line ending.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("data: a".to_owned()),
        Just("data:ü€😀".to_owned()),
        Just("data".to_owned()),
        Just("event: tick".to_owned()),
        Just("id: 7".to_owned()),
        Just("retry: 250".to_owned()),
        Just(": comment".to_owned()),
        Just(String::new()),
        "[a-z: ]{0,8}",
    ];
    let end = prop_oneof![Just("\n"), Just("\r"), Just("\r\n")];
    proptest::collection::vec((line, end), 0..24).prop_map(|lines| {
        let mut out = Vec::new();
        for (l, e) in lines {
            out.extend_from_slice(l.as_bytes());
            out.extend_from_slice(e.as_bytes());
        }
        out
    })
}

proptest! {
    #[test]
    fn same_events_whatever_the_chunking(input in stream(), cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        let whole = SseParser::new().feed(&input).unwrap();
        prop_assert_eq!(parse_chunked(&input, &cuts), whole.clone());
        // Byte by byte.
        let every: Vec<usize> = (0..=input.len()).collect();
        prop_assert_eq!(parse_chunked(&input, &every), whole);
    }

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..512), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let whole = SseParser::new().feed(&input).unwrap();
        prop_assert_eq!(parse_chunked(&input, &cuts), whole);
    }
}

#[tokio::test]
async fn the_event_stream_drops_an_unfinished_last_event() {
    let chunks = ["data: 1\n", "\ndata: 2\r", "\n\r\ndata: 3"]
        .map(|c| Ok::<_, supabase_functions::FunctionsError>(bytes::Bytes::from(c)));
    let chunks = futures_util::stream::iter(chunks).map(|c| c.map_err(|_| unreachable!()));
    let events: Vec<_> = EventStream::from_chunks(chunks)
        .map(|e| e.unwrap().data)
        .collect()
        .await;
    assert_eq!(events, ["1", "2"]);
}
