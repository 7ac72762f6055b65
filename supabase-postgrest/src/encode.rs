//! Encoding of column lists and filter values, as postgrest-js does it.

/// Removes whitespace outside double quotes from a column list, as postgrest-js does.
///
/// ```
/// use supabase_postgrest::clean_select;
///
/// assert_eq!(clean_select(" id ,\n\t\"first name\" , other ( a , b ) "), "id,\"first name\",other(a,b)");
/// ```
pub fn clean_select(columns: &str) -> String {
    let mut quoted = false;
    columns
        .chars()
        .filter(|c| {
            if c.is_whitespace() && !quoted {
                return false;
            }
            if *c == '"' {
                quoted = !quoted;
            }
            true
        })
        .collect()
}

/// Checks a table, column or function name: not empty, no control characters.
pub(crate) fn check_name(kind: &str, name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err(format!("{kind} name must not be empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{kind} name must not contain control characters (CR, LF, NUL, …)"
        ));
    }
    Ok(())
}
