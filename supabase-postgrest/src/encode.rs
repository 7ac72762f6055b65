//! Encoding of column lists and filter values for PostgREST's query grammar.
//!
//! Where postgrest-js is correct this writes exactly what it writes. Where it is not (values
//! that PostgREST would read back differently), this quotes and escapes so that every value
//! round-trips; each such difference is listed in the crate documentation.

use std::borrow::Cow;

use crate::scalar::Scalar;

/// Removes whitespace outside double quotes from a column list, as postgrest-js does.
///
/// ```
/// use supabase_postgrest::clean_select;
///
/// assert_eq!(clean_select(" id ,\n\t\"first name\" , other ( a , b ) "), "id,\"first name\",other(a,b)");
/// ```
pub fn clean_select(columns: &str) -> String {
    let mut out = String::with_capacity(columns.len());
    clean_select_into(columns, &mut out);
    out
}

/// [`clean_select`], appending to `out`.
pub(crate) fn clean_select_into(columns: &str, out: &mut String) {
    // The usual column list has no whitespace at all: copy it as it is.
    if !columns.chars().any(char::is_whitespace) {
        out.push_str(columns);
        return;
    }
    let mut quoted = false;
    out.extend(columns.chars().filter(|c| {
        if c.is_whitespace() && !quoted {
            return false;
        }
        if *c == '"' {
            quoted = !quoted;
        }
        true
    }));
}

/// Checks a table, column or function name: not empty, not `.` or `..` (which the URL would
/// resolve as a path step, leaving `/rest/v1/`), no control characters.
pub(crate) fn check_name(kind: &str, name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err(format!("{kind} name must not be empty"));
    }
    if name == "." || name == ".." {
        return Err(format!("{kind} name must not be `.` or `..`"));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{kind} name must not contain control characters (CR, LF, NUL, …)"
        ));
    }
    Ok(())
}

/// Wraps `value` in double quotes, escaping `"` and `\` with a backslash (the quoting of
/// PostgREST's grammar and of Postgres array literals alike).
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Quotes a value for use inside a logic-tree filter string (`or`, `not`, `filter` with
/// `or`/`and`) when PostgREST's grammar requires it: when it contains one of the reserved
/// characters `, . : ( )`, a double quote or a backslash, starts with `{`, or starts or ends
/// with whitespace. `"` and `\` are escaped inside the quotes.
///
/// ```
/// use supabase_postgrest::quote_filter_value;
///
/// assert_eq!(quote_filter_value("Ada"), "Ada");
/// assert_eq!(quote_filter_value("a,b"), r#""a,b""#);
/// assert_eq!(quote_filter_value(r#"say "hi""#), r#""say \"hi\"""#);
/// let filter = format!("name.eq.{},name.eq.{}", quote_filter_value("x(y)"), quote_filter_value("z"));
/// assert_eq!(filter, r#"name.eq."x(y)",name.eq.z"#);
/// ```
pub fn quote_filter_value(value: &str) -> Cow<'_, str> {
    let reserved = value.contains([',', '.', ':', '(', ')', '"', '\\'])
        || value.starts_with('{')
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace);
    if reserved {
        Cow::Owned(quote(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Renders the list of `in.(…)` / `not.in.(…)`.
///
/// PostgREST reads an unquoted element up to the next `,` or `)`, takes an element starting
/// with `"` as quoted (with `\` escapes), and skips spaces and tabs right after `(`. So a text
/// element is quoted when it contains `,`, `(` or `)` (as postgrest-js does), when it starts
/// with `"`, or when it is the first element and starts with a space or tab; inside quotes
/// `"` and `\` are escaped (postgrest-js does not escape them, supabase-js #2670).
pub(crate) fn in_list(values: &[Scalar]) -> String {
    let mut out = String::from("(");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match value {
            Scalar::Null => out.push_str("null"),
            Scalar::Text(s) | Scalar::Literal(s) => {
                let needs_quotes = s.contains([',', '(', ')'])
                    || s.starts_with('"')
                    || (i == 0 && s.starts_with([' ', '\t']));
                if needs_quotes {
                    out.push_str(&quote(s));
                } else {
                    out.push_str(s);
                }
            }
        }
    }
    out.push(')');
    out
}

/// The characters Postgres' array parser treats as whitespace around elements.
const PG_ARRAY_SPACE: [char; 6] = [' ', '\t', '\n', '\r', '\u{0B}', '\u{0C}'];

/// Renders a Postgres array literal `{a,b}`.
///
/// An element is double-quoted when Postgres would otherwise read it differently: when it is
/// empty, spells `NULL` (any case), contains `{ } , " \`, or starts or ends with whitespace.
/// `"` and `\` are escaped inside quotes. [`Scalar::Null`] is an unquoted `NULL`.
/// postgrest-js quotes nothing here (supabase-js #2669).
pub(crate) fn pg_array_literal(values: impl IntoIterator<Item = Scalar>) -> String {
    let mut out = String::from("{");
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match value {
            Scalar::Null => out.push_str("NULL"),
            Scalar::Text(s) | Scalar::Literal(s) => {
                let needs_quotes = s.is_empty()
                    || s.eq_ignore_ascii_case("null")
                    || s.contains(['{', '}', ',', '"', '\\'])
                    || s.starts_with(PG_ARRAY_SPACE)
                    || s.ends_with(PG_ARRAY_SPACE);
                if needs_quotes {
                    out.push_str(&quote(&s));
                } else {
                    out.push_str(&s);
                }
            }
        }
    }
    out.push('}');
    out
}

/// Renders the `columns` parameter of a bulk insert: each name double-quoted, joined by `,`.
/// `"` and `\` inside a name are escaped (postgrest-js leaves them raw).
pub(crate) fn columns_param<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(quote).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Scalar {
        Scalar::Text(s.into())
    }

    #[test]
    fn in_list_quotes_like_postgrest_js_where_it_is_right() {
        let list = [
            text("a,b"),
            text("c(d)"),
            text("x y"),
            text("p.q"),
            text("r:s"),
        ];
        assert_eq!(in_list(&list), r#"("a,b","c(d)",x y,p.q,r:s)"#);
        assert_eq!(
            in_list(&[text("a b"), text(" lead"), text("trail ")]),
            "(a b, lead,trail )"
        );
        assert_eq!(
            in_list(&[Scalar::Null, text("null"), Scalar::Literal("1".into())]),
            "(null,null,1)"
        );
        assert_eq!(in_list(&[]), "()");
    }

    #[test]
    fn in_list_escapes_where_postgrest_js_does_not() {
        assert_eq!(in_list(&[text("a\"b,c"), text("d")]), r#"("a\"b,c",d)"#);
        assert_eq!(in_list(&[text("a\\,b"), text("c\\d")]), r#"("a\\,b",c\d)"#);
        assert_eq!(in_list(&[text("\"q\"")]), r#"("\"q\"")"#);
        assert_eq!(in_list(&[text(" lead")]), r#"(" lead")"#);
        assert_eq!(in_list(&[text("\tx"), text("\ty")]), "(\"\tx\",\ty)");
    }

    #[test]
    fn array_literals_quote_what_postgres_needs() {
        let items = [
            text("a,b"),
            text("c d"),
            text("q\"x"),
            text("{}"),
            text(""),
            text("NuLl"),
            Scalar::Null,
            text(" x"),
            text("\\"),
        ];
        assert_eq!(
            pg_array_literal(items),
            r#"{"a,b",c d,"q\"x","{}","","NuLl",NULL," x","\\"}"#
        );
        assert_eq!(
            pg_array_literal([text("%supa%"), text("%bot%")]),
            "{%supa%,%bot%}"
        );
        assert_eq!(pg_array_literal([]), "{}");
    }

    #[test]
    fn columns_are_quoted() {
        assert_eq!(columns_param(["a", "c d", "x\"y"]), r#""a","c d","x\"y""#);
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("table", "todos").is_ok());
        assert!(check_name("table", " ").is_err());
        assert!(check_name("table", "a\nb").is_err());
        assert!(check_name("table", "..").is_err());
        assert!(check_name("function", ".").is_err());
    }
}
