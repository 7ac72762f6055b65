//! Options of the query methods: row counts, ordering, text search, explain, insert and upsert.

use std::fmt;

/// How the server counts rows (`Prefer: count=…`); the total comes back in
/// [`PostgrestResponse::count`](crate::PostgrestResponse::count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Count {
    /// `count=exact`: an exact `COUNT(*)` (slow on big tables).
    Exact,
    /// `count=planned`: the planner's estimate.
    Planned,
    /// `count=estimated`: exact below the server's `db-max-rows`, planned above.
    Estimated,
}

impl Count {
    /// The preference value (`exact`, `planned`, `estimated`).
    pub fn as_str(self) -> &'static str {
        match self {
            Count::Exact => "exact",
            Count::Planned => "planned",
            Count::Estimated => "estimated",
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The direction and null placement of one [`order`](crate::FilterBuilder::order) term.
///
/// ```
/// use supabase_postgrest::Order;
///
/// assert_eq!(Order::asc().to_string(), "asc");
/// assert_eq!(Order::desc().nulls_last().to_string(), "desc.nullslast");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Order {
    descending: bool,
    nulls_first: Option<bool>,
}

impl Order {
    /// Ascending, with the server's default null placement.
    pub fn asc() -> Self {
        Self::default()
    }

    /// Descending, with the server's default null placement.
    pub fn desc() -> Self {
        Self {
            descending: true,
            nulls_first: None,
        }
    }

    /// Puts NULLs first (`.nullsfirst`).
    #[must_use]
    pub fn nulls_first(mut self) -> Self {
        self.nulls_first = Some(true);
        self
    }

    /// Puts NULLs last (`.nullslast`).
    #[must_use]
    pub fn nulls_last(mut self) -> Self {
        self.nulls_first = Some(false);
        self
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.descending { "desc" } else { "asc" })?;
        match self.nulls_first {
            Some(true) => f.write_str(".nullsfirst"),
            Some(false) => f.write_str(".nullslast"),
            None => Ok(()),
        }
    }
}

/// Which full-text search operator [`text_search`](crate::FilterBuilder::text_search) uses,
/// and with which text-search configuration.
///
/// ```
/// use supabase_postgrest::TextSearch;
///
/// assert_eq!(TextSearch::default().operator(), "fts");
/// assert_eq!(TextSearch::websearch().config("english").operator(), "wfts(english)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TextSearch {
    kind: TextSearchKind,
    config: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
enum TextSearchKind {
    #[default]
    ToTsquery,
    Plain,
    Phrase,
    Websearch,
}

impl TextSearch {
    /// `plfts`: `plainto_tsquery`.
    pub fn plain() -> Self {
        Self {
            kind: TextSearchKind::Plain,
            config: None,
        }
    }

    /// `phfts`: `phraseto_tsquery`.
    pub fn phrase() -> Self {
        Self {
            kind: TextSearchKind::Phrase,
            config: None,
        }
    }

    /// `wfts`: `websearch_to_tsquery`.
    pub fn websearch() -> Self {
        Self {
            kind: TextSearchKind::Websearch,
            config: None,
        }
    }

    /// Uses the text-search configuration `config` (e.g. `english`).
    #[must_use]
    pub fn config(mut self, config: impl Into<String>) -> Self {
        self.config = Some(config.into());
        self
    }

    /// The operator written before the query: `fts`, `plfts(english)`, ….
    pub fn operator(&self) -> String {
        let op = match self.kind {
            TextSearchKind::ToTsquery => "fts",
            TextSearchKind::Plain => "plfts",
            TextSearchKind::Phrase => "phfts",
            TextSearchKind::Websearch => "wfts",
        };
        match &self.config {
            Some(config) => format!("{op}({config})"),
            None => op.to_owned(),
        }
    }
}

/// Options of [`explain`](crate::FilterBuilder::explain): which `EXPLAIN` options the server
/// uses. The server must run with `db-plan-enabled`.
///
/// ```
/// use supabase_postgrest::ExplainOptions;
///
/// assert_eq!(ExplainOptions::new().analyze().wal().options(), "analyze|wal");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ExplainOptions {
    analyze: bool,
    verbose: bool,
    settings: bool,
    buffers: bool,
    wal: bool,
}

impl ExplainOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs the query (`ANALYZE`).
    #[must_use]
    pub fn analyze(mut self) -> Self {
        self.analyze = true;
        self
    }

    /// `VERBOSE`.
    #[must_use]
    pub fn verbose(mut self) -> Self {
        self.verbose = true;
        self
    }

    /// `SETTINGS`.
    #[must_use]
    pub fn settings(mut self) -> Self {
        self.settings = true;
        self
    }

    /// `BUFFERS`.
    #[must_use]
    pub fn buffers(mut self) -> Self {
        self.buffers = true;
        self
    }

    /// `WAL`.
    #[must_use]
    pub fn wal(mut self) -> Self {
        self.wal = true;
        self
    }

    /// The options joined by `|` in the fixed order analyze, verbose, settings, buffers, wal.
    pub fn options(&self) -> String {
        [
            (self.analyze, "analyze"),
            (self.verbose, "verbose"),
            (self.settings, "settings"),
            (self.buffers, "buffers"),
            (self.wal, "wal"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join("|")
    }
}

/// Options of [`insert_with`](crate::QueryBuilder::insert_with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InsertOptions {
    default_to_null: bool,
}

impl Default for InsertOptions {
    fn default() -> Self {
        Self {
            default_to_null: true,
        }
    }
}

impl InsertOptions {
    /// The defaults: missing columns of a bulk insert become NULL.
    pub fn new() -> Self {
        Self::default()
    }

    /// With `false`, columns missing from some rows of a bulk insert take their column
    /// default instead of NULL (`Prefer: missing=default`).
    #[must_use]
    pub fn default_to_null(mut self, default_to_null: bool) -> Self {
        self.default_to_null = default_to_null;
        self
    }

    pub(crate) fn missing_default(&self) -> bool {
        !self.default_to_null
    }
}

/// Options of [`upsert_with`](crate::QueryBuilder::upsert_with).
///
/// ```
/// use supabase_postgrest::UpsertOptions;
///
/// let options = UpsertOptions::new().on_conflict("email").ignore_duplicates(true);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UpsertOptions {
    on_conflict: Option<String>,
    ignore_duplicates: bool,
    default_to_null: bool,
}

impl Default for UpsertOptions {
    fn default() -> Self {
        Self {
            on_conflict: None,
            ignore_duplicates: false,
            default_to_null: true,
        }
    }
}

impl UpsertOptions {
    /// The defaults: merge duplicates on the primary key.
    pub fn new() -> Self {
        Self::default()
    }

    /// The comma-separated columns of the unique constraint that decides what a duplicate
    /// is (`on_conflict=…`, sent as given).
    #[must_use]
    pub fn on_conflict(mut self, columns: impl Into<String>) -> Self {
        self.on_conflict = Some(columns.into());
        self
    }

    /// With `true`, duplicates are left alone (`resolution=ignore-duplicates`) instead of
    /// being updated (`resolution=merge-duplicates`).
    #[must_use]
    pub fn ignore_duplicates(mut self, ignore: bool) -> Self {
        self.ignore_duplicates = ignore;
        self
    }

    /// See [`InsertOptions::default_to_null`].
    #[must_use]
    pub fn default_to_null(mut self, default_to_null: bool) -> Self {
        self.default_to_null = default_to_null;
        self
    }

    pub(crate) fn on_conflict_columns(&self) -> Option<&str> {
        self.on_conflict.as_deref()
    }

    pub(crate) fn resolution(&self) -> &'static str {
        if self.ignore_duplicates {
            "resolution=ignore-duplicates"
        } else {
            "resolution=merge-duplicates"
        }
    }

    pub(crate) fn missing_default(&self) -> bool {
        !self.default_to_null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_terms() {
        assert_eq!(Order::asc().nulls_first().to_string(), "asc.nullsfirst");
        assert_eq!(Order::desc().to_string(), "desc");
    }

    #[test]
    fn text_search_operators() {
        assert_eq!(TextSearch::plain().operator(), "plfts");
        assert_eq!(
            TextSearch::phrase().config("simple").operator(),
            "phfts(simple)"
        );
        assert_eq!(
            TextSearch::default().config("english").operator(),
            "fts(english)"
        );
    }

    #[test]
    fn explain_options_order_is_fixed() {
        let all = ExplainOptions::new()
            .wal()
            .buffers()
            .settings()
            .verbose()
            .analyze();
        assert_eq!(all.options(), "analyze|verbose|settings|buffers|wal");
        assert_eq!(ExplainOptions::new().options(), "");
    }

    #[test]
    fn upsert_resolution() {
        assert_eq!(
            UpsertOptions::new().resolution(),
            "resolution=merge-duplicates"
        );
        assert_eq!(
            UpsertOptions::new().ignore_duplicates(true).resolution(),
            "resolution=ignore-duplicates"
        );
        assert!(
            InsertOptions::new()
                .default_to_null(false)
                .missing_default()
        );
    }
}
