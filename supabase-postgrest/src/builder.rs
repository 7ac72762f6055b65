//! The query builder: what a request does to a table.

use supabase_core::Method;

use crate::encode::clean_select;
use crate::{FilterBuilder, PostgrestClient};

/// Starts a request on one table; choose the operation with [`QueryBuilder::select`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is executed"]
pub struct QueryBuilder {
    client: PostgrestClient,
    table: String,
}

impl QueryBuilder {
    pub(crate) fn new(client: PostgrestClient, table: &str) -> Self {
        Self {
            client,
            table: table.to_owned(),
        }
    }

    /// Reads rows: `GET /<table>?select=<columns>`.
    ///
    /// Whitespace outside double quotes is removed from `columns`, as postgrest-js does;
    /// `"*"` selects every column.
    pub fn select(self, columns: &str) -> FilterBuilder {
        let mut builder = FilterBuilder::new(self.client, Method::GET, &self.table);
        builder.push_query("select", clean_select(columns));
        builder
    }
}
