//! `parse_content_range` on arbitrary bytes: never panics; an accepted range never ends
//! before it starts; an accepted value prints back to a value that parses the same; and
//! well-formed `first-last/total` built from the input's numbers parses to exactly them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supabase_postgrest::{ContentRange, parse_content_range};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(parsed) = parse_content_range(&text) {
        if let Some((first, last)) = parsed.range {
            assert!(first <= last, "{text:?} gave {parsed:?}");
        }
        assert_eq!(parse_content_range(&print(&parsed)), Some(parsed));
    }
    if let [a @ .., b, c] = data
        && a.len() >= 24
    {
        let n = |i: usize| u64::from_le_bytes(a[i..i + 8].try_into().unwrap_or([0; 8]));
        let (x, y, total) = (n(0), n(8), n(16));
        let (first, last) = (x.min(y), x.max(y));
        let value = match (b % 2, c % 3) {
            (0, 0) => format!("{first}-{last}/{total}"),
            (0, 1) => format!("{first}-{last}/*"),
            (0, _) => format!("items {first}-{last}/{total}"),
            (_, _) => format!("*/{total}"),
        };
        let parsed = parse_content_range(&value).expect("well-formed value rejected");
        if value.starts_with('*') {
            assert_eq!(parsed.range, None);
        } else {
            assert_eq!(parsed.range, Some((first, last)));
        }
        let expected_total = (!value.ends_with('*')).then_some(total);
        assert_eq!(parsed.total, expected_total);
    }
});

fn print(r: &ContentRange) -> String {
    let range = r.range.map_or("*".to_owned(), |(a, b)| format!("{a}-{b}"));
    let total = r.total.map_or("*".to_owned(), |t| t.to_string());
    format!("{range}/{total}")
}
