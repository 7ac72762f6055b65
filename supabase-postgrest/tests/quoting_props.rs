//! Property tests: every value survives the trip through the query string and the grammar
//! that reads it (commas, quotes, backslashes, parentheses, braces, unicode, CR/LF, …).
//!
//! The readers below are ports of PostgREST's parsers (`ApiRequest/QueryParams.hs`:
//! `pListVal`, `pListElement`, `pQuotedValue`, `pLogicSingleVal`) and of Postgres' array
//! literal input (`array_in`), written from their definitions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use supabase_postgrest::{
    ContainerValue, PostgrestClient, parse_content_range, quote_filter_value,
};

/// One client for every case (building one sets up a connection pool and TLS roots).
static DB: std::sync::LazyLock<PostgrestClient> =
    std::sync::LazyLock::new(|| PostgrestClient::new("http://localhost:3000", "key").unwrap());

fn db() -> &'static PostgrestClient {
    &DB
}

/// The decoded value of the second query pair, decoded from the encoded query string the way
/// PostgREST decodes it (form-urlencoded, `+` is a space).
fn sent_value(query: &str) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    pairs[1].1.clone()
}

/// A minimal backtracking reader over chars.
struct Input<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Input<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    /// `many (oneOf " \t")`
    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }
    /// `many (noneOf stop)`
    fn until(&mut self, stop: &[char]) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if stop.contains(&c) {
                break;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }
    /// `pQuotedValue = '"' *> many (noneOf "\\\"" <|> ('\\' *> anyChar)) <* '"'`
    fn quoted(&mut self) -> Option<String> {
        if !self.eat('"') {
            return None;
        }
        let mut out = String::new();
        loop {
            match self.peek()? {
                '"' => {
                    self.pos += 1;
                    return Some(out);
                }
                '\\' => {
                    self.pos += 1;
                    out.push(self.peek()?);
                    self.pos += 1;
                }
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
    /// `try (pQuotedValue <* notFollowedBy (noneOf ",)")) <|> fallback`
    fn quoted_then_delimiter(&mut self) -> Option<String> {
        let start = self.pos;
        if let Some(v) = self.quoted()
            && matches!(self.peek(), None | Some(',' | ')'))
        {
            return Some(v);
        }
        self.pos = start;
        None
    }
}

/// PostgREST's `pListVal`: `lexeme '(' *> pListElement `sepBy1` ',' <* lexeme ')'`.
fn read_in_list(value: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = value.strip_prefix("in.")?.chars().collect();
    let mut input = Input {
        chars: &chars,
        pos: 0,
    };
    input.ws();
    if !input.eat('(') {
        return None;
    }
    input.ws();
    let mut items = Vec::new();
    loop {
        let item = match input.quoted_then_delimiter() {
            Some(v) => v,
            None => input.until(&[',', ')']),
        };
        items.push(item);
        if !input.eat(',') {
            break;
        }
    }
    input.ws();
    if !input.eat(')') {
        return None;
    }
    (input.pos == chars.len()).then_some(items)
}

/// Postgres' whitespace around array elements.
fn pg_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}')
}

/// Postgres' one-dimensional array literal input; `None` for NULL elements.
fn read_pg_array(literal: &str) -> Option<Vec<Option<String>>> {
    let chars: Vec<char> = literal.chars().collect();
    let mut i = 0;
    let next = |i: &mut usize| -> Option<char> {
        let c = chars.get(*i).copied();
        *i += 1;
        c
    };
    if next(&mut i)? != '{' {
        return None;
    }
    let mut items = Vec::new();
    while chars.get(i).copied().is_some_and(pg_space) {
        i += 1;
    }
    if chars.get(i) == Some(&'}') {
        return (i + 1 == chars.len()).then_some(items);
    }
    loop {
        while chars.get(i).copied().is_some_and(pg_space) {
            i += 1;
        }
        let mut value = String::new();
        let mut quoted = false;
        // Length of `value` up to its last character that must be kept (escaped or quoted).
        let mut kept = 0;
        let mut any = false;
        loop {
            let c = *chars.get(i)?;
            match c {
                '"' if !quoted && !any => {
                    quoted = true;
                    any = true;
                    i += 1;
                    loop {
                        match next(&mut i)? {
                            '"' => break,
                            '\\' => value.push(next(&mut i)?),
                            c => value.push(c),
                        }
                    }
                    kept = value.len();
                }
                '"' | '{' => return None,
                '\\' => {
                    i += 1;
                    value.push(next(&mut i)?);
                    kept = value.len();
                    any = true;
                }
                ',' | '}' => break,
                c if quoted => {
                    // Only whitespace may follow a quoted element.
                    if !pg_space(c) {
                        return None;
                    }
                    i += 1;
                }
                c => {
                    value.push(c);
                    if !pg_space(c) {
                        kept = value.len();
                    }
                    any = true;
                    i += 1;
                }
            }
        }
        if !any {
            return None; // an empty unquoted element is an error
        }
        value.truncate(kept);
        if !quoted && kept == value.len() && value.eq_ignore_ascii_case("NULL") {
            items.push(None);
        } else {
            items.push(Some(value));
        }
        match next(&mut i)? {
            ',' => continue,
            '}' => return (i == chars.len()).then_some(items),
            _ => return None,
        }
    }
}

/// PostgREST's logic tree for `or=(c.eq.<v1>,c.eq.<v2>)`: the two values, read with
/// `pLogicSingleVal`.
fn read_or_values(value: &str) -> Option<(String, String)> {
    let chars: Vec<char> = value.chars().collect();
    let mut input = Input {
        chars: &chars,
        pos: 0,
    };
    let read_one = |input: &mut Input| -> Option<String> {
        input.ws();
        for c in "c.eq.".chars() {
            if !input.eat(c) {
                return None;
            }
        }
        if let Some(v) = input.quoted_then_delimiter() {
            return Some(v);
        }
        if input.peek() == Some('{') {
            // `pPgArray`: '{' many (noneOf "{}") '}'
            let start = input.pos;
            input.pos += 1;
            let body = input.until(&['{', '}']);
            if input.eat('}') {
                return Some(format!("{{{body}}}"));
            }
            input.pos = start;
        }
        Some(input.until(&[',', ')']))
    };
    if !input.eat('(') {
        return None;
    }
    let first = read_one(&mut input)?;
    input.ws();
    if !input.eat(',') {
        return None;
    }
    let second = read_one(&mut input)?;
    input.ws();
    if !input.eat(')') || input.pos != chars.len() {
        return None;
    }
    Some((first, second))
}

/// Strings rich in the characters that matter, plus arbitrary unicode.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(
            prop_oneof![
                Just(','), Just('('), Just(')'), Just('"'), Just('\\'), Just(' '), Just('\t'),
                Just('\r'), Just('\n'), Just('{'), Just('}'), Just('.'), Just(':'), Just('*'),
                Just('%'), Just('+'), Just('&'), Just('='), Just('é'), Just('😀'), Just('\u{0B}'),
                Just('a'), Just('N'), Just('U'), Just('L'),
            ],
            0..10,
        )
        .prop_map(|cs| cs.into_iter().collect()),
        1 => any::<String>(),
        1 => Just("NULL".to_owned()),
        1 => Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn in_list_values_round_trip(values in proptest::collection::vec(tricky(), 1..6)) {
        let query = db().from("t").select("*").in_("c", &values).query_string();
        let sent = sent_value(&query);
        let mut expected: Vec<String> = Vec::new();
        for v in &values {
            if !expected.contains(v) {
                expected.push(v.clone());
            }
        }
        let read = read_in_list(&sent);
        prop_assert_eq!(read.as_ref(), Some(&expected), "sent {:?}", sent);
        // not_in writes the same list.
        let query = db().from("t").select("*").not_in("c", &values).query_string();
        prop_assert_eq!(sent_value(&query), format!("not.{sent}"));
    }

    #[test]
    fn array_literal_elements_round_trip(values in proptest::collection::vec(proptest::option::of(tricky()), 0..6)) {
        let query = db().from("t").select("*").contains("c", values.as_slice()).query_string();
        let sent = sent_value(&query);
        let literal = sent.strip_prefix("cs.").unwrap();
        prop_assert_eq!(literal, values.to_container());
        prop_assert_eq!(read_pg_array(literal), Some(values.clone()), "sent {:?}", literal);
    }

    #[test]
    fn like_any_of_patterns_round_trip(patterns in proptest::collection::vec(tricky(), 1..5)) {
        let query = db().from("t").select("*").like_any_of("c", &patterns).query_string();
        let sent = sent_value(&query);
        let literal = sent.strip_prefix("like(any).").unwrap();
        let expected: Vec<Option<String>> = patterns.iter().cloned().map(Some).collect();
        prop_assert_eq!(read_pg_array(literal), Some(expected), "sent {:?}", literal);
    }

    #[test]
    fn quoted_logic_values_round_trip(a in tricky(), b in tricky()) {
        let filters = format!("c.eq.{},c.eq.{}", quote_filter_value(&a), quote_filter_value(&b));
        let query = db().from("t").select("*").or(&filters).query_string();
        let sent = sent_value(&query);
        prop_assert_eq!(read_or_values(&sent), Some((a, b)), "sent {:?}", sent);
    }

    #[test]
    fn single_values_arrive_unchanged(v in tricky()) {
        let query = db().from("t").select("*").eq("c", &v).query_string();
        prop_assert_eq!(sent_value(&query), format!("eq.{v}"));
    }

    #[test]
    fn content_range_parsing_never_panics(s in any::<String>(), a in any::<u64>(), b in any::<u64>()) {
        let _ = parse_content_range(&s);
        let (lo, hi) = (a.min(b), a.max(b));
        let parsed = parse_content_range(&format!("{lo}-{hi}/{b}")).unwrap();
        prop_assert_eq!(parsed.range, Some((lo, hi)));
        prop_assert_eq!(parsed.total, Some(b));
    }
}

#[test]
fn the_readers_read_what_postgrest_and_postgres_document() {
    // PostgREST docs (url_grammar.rst): in.("Quote:\"","Backslash:\\")
    assert_eq!(
        read_in_list(r#"in.("Quote:\"","Backslash:\\")"#),
        Some(vec!["Quote:\"".into(), "Backslash:\\".into()])
    );
    // The first element's leading spaces are skipped, later ones kept.
    assert_eq!(
        read_in_list("in.( a, b)"),
        Some(vec!["a".into(), " b".into()])
    );
    // postgrest-js's unescaped output is read as something else.
    assert_ne!(
        read_in_list(r#"in.("a"b,c",d)"#),
        Some(vec!["a\"b,c".into(), "d".into()])
    );
    assert_eq!(
        read_pg_array(r#"{a, "b c" ,NULL,"NULL",\,x}"#),
        Some(vec![
            Some("a".into()),
            Some("b c".into()),
            None,
            Some("NULL".into()),
            Some(",x".into())
        ])
    );
    assert_eq!(read_pg_array("{a,b,c d,q\"x,{}}"), None);
    assert_eq!(read_pg_array("{}"), Some(vec![]));
    assert_eq!(
        read_or_values(r#"(c.eq."a,b",c.eq.{x,y})"#),
        Some(("a,b".into(), "{x,y}".into()))
    );
}
