//! Property tests: every scalar filter sends exactly one `column=<op>.<value>` pair whose
//! decoded value is the input, whatever the input holds (`&`, `=`, `#`, `%`, `+`, commas,
//! quotes, unicode, CR/LF, NUL, …), and adds no other parameter.
//!
//! `in`, `cs`/`cd`/`ov` (arrays), `or`/`and` logic trees and `quote_filter_value` are covered
//! by `quoting_props.rs`; this file covers the operators whose value is sent as is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use supabase_postgrest::{FilterBuilder, PostgrestClient, TextSearch};

/// One client for every case (building one sets up a connection pool and TLS roots).
static DB: std::sync::LazyLock<PostgrestClient> =
    std::sync::LazyLock::new(|| PostgrestClient::new("http://localhost:3000", "key").unwrap());

/// Applies filter number `which` to `column` with `value`; returns the operator it sends.
fn apply(which: usize, column: &str, value: &str) -> (FilterBuilder, String) {
    let q = DB.from("t").select("id");
    let (q, op) = match which {
        0 => (q.eq(column, value), "eq"),
        1 => (q.neq(column, value), "neq"),
        2 => (q.gt(column, value), "gt"),
        3 => (q.gte(column, value), "gte"),
        4 => (q.lt(column, value), "lt"),
        5 => (q.lte(column, value), "lte"),
        6 => (q.like(column, value), "like"),
        7 => (q.ilike(column, value), "ilike"),
        8 => (q.regex_match(column, value), "match"),
        9 => (q.regex_imatch(column, value), "imatch"),
        10 => (q.is_distinct(column, value), "isdistinct"),
        11 => (q.range_gt(column, value), "sr"),
        12 => (q.range_gte(column, value), "nxl"),
        13 => (q.range_lt(column, value), "sl"),
        14 => (q.range_lte(column, value), "nxr"),
        15 => (q.range_adjacent(column, value), "adj"),
        16 => (q.text_search(column, value, TextSearch::plain()), "plfts"),
        17 => (q.text_search(column, value, TextSearch::phrase()), "phfts"),
        18 => (
            q.text_search(column, value, TextSearch::websearch().config("english")),
            "wfts(english)",
        ),
        19 => (q.not(column, "eq", value), "not.eq"),
        20 => (q.filter(column, "eq", value), "eq"),
        21 => (q.filter(column, "like", value), "like"),
        _ => (q.match_([(column, value)]), "eq"),
    };
    (q, op.to_owned())
}

/// Every filter index `apply` knows.
const FILTERS: usize = 23;

/// The query string decoded the way PostgREST decodes it (form-urlencoded, `+` is a space).
fn decoded(q: &FilterBuilder) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.query_string().as_bytes())
        .into_owned()
        .collect()
}

/// Column names the builder accepts: no control characters, not blank.
fn column() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{0,12}[a-z][^\\p{Cc}]{0,12}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_scalar_filter_sends_one_pair_holding_the_value(
        which in 0..FILTERS,
        column in column(),
        value in any::<String>(),
    ) {
        let (q, op) = apply(which, &column, &value);
        let pairs = decoded(&q);
        prop_assert_eq!(pairs.clone(), q.query_pairs());
        prop_assert_eq!(
            pairs,
            vec![
                ("select".to_owned(), "id".to_owned()),
                (column.clone(), format!("{op}.{value}")),
            ]
        );
    }

    #[test]
    fn values_made_of_query_syntax_survive(
        which in 0..FILTERS,
        value in "[&=#%+,.;:/?()\\[\\]{}\"'\\\\ \\r\\n\\t\\x00a-z0-9é😀]{0,40}",
    ) {
        let (q, op) = apply(which, "name", &value);
        prop_assert_eq!(
            decoded(&q),
            vec![
                ("select".to_owned(), "id".to_owned()),
                ("name".to_owned(), format!("{op}.{value}")),
            ]
        );
    }

    #[test]
    fn chained_filters_keep_their_order_and_count(
        values in prop::collection::vec((0..FILTERS, any::<String>()), 1..6),
    ) {
        let mut q = DB.from("t").select("id");
        let mut expected = vec![("select".to_owned(), "id".to_owned())];
        for (i, (which, value)) in values.iter().enumerate() {
            let column = format!("c{i}");
            let (single, op) = apply(*which, &column, value);
            // Re-apply the same filter on the growing builder through its pair.
            let pair = single.query_pairs()[1].clone();
            prop_assert_eq!(&pair.1, &format!("{op}.{value}"));
            q = q.filter(&column, &op, value);
            expected.push((column, format!("{op}.{value}")));
        }
        prop_assert_eq!(decoded(&q), expected);
    }
}
