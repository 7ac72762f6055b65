//! Analytics buckets (storage-js `storage.analytics`): Apache Iceberg buckets at
//! `/iceberg/bucket`, and their Iceberg REST catalog at `/iceberg/v1/<bucket>`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use supabase_core::{Method, Request};

use crate::client::with_json;
use crate::{Error, StorageClient};

/// The analytics buckets of the project. Made by [`StorageClient::analytics`].
///
/// ```no_run
/// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
/// let analytics = storage.analytics();
/// analytics.create_bucket("lake").await?;
/// let catalog = analytics.from("lake");
/// catalog.create_namespace(&["analytics"], Some(serde_json::json!({"owner": "data"}))).await?;
/// let namespaces = catalog.list_namespaces().await?;
/// # let _ = namespaces; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct AnalyticsClient {
    client: StorageClient,
}

impl StorageClient {
    /// The analytics (Iceberg) buckets (storage-js `storage.analytics`).
    pub fn analytics(&self) -> AnalyticsClient {
        AnalyticsClient {
            client: self.clone(),
        }
    }
}

/// An analytics bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AnalyticsBucket {
    /// The name.
    pub name: String,
    /// The id, when given.
    #[serde(default)]
    pub id: Option<String>,
    /// `ANALYTICS`, when given.
    #[serde(default, rename = "type")]
    pub bucket_type: Option<String>,
    /// The table format (`iceberg`), when given.
    #[serde(default)]
    pub format: Option<String>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// Options of [`AnalyticsClient::list_buckets`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListAnalyticsBucketsOptions {
    /// The most buckets.
    pub limit: Option<u64>,
    /// How many to skip.
    pub offset: Option<u64>,
    /// `name`, `created_at`, `updated_at`.
    pub sort_column: Option<String>,
    /// `asc` or `desc`.
    pub sort_order: Option<String>,
    /// Only names containing this.
    pub search: Option<String>,
}

fn check(kind: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value.contains('/') {
        return Err(Error::InvalidInput(format!(
            "the {kind} name {value:?} is empty or has a `/`"
        )));
    }
    Ok(())
}

impl AnalyticsClient {
    /// Creates an analytics bucket.
    pub async fn create_bucket(&self, name: &str) -> Result<AnalyticsBucket, Error> {
        check("bucket", name)?;
        let request = self.client.json_request(
            Method::POST,
            &["iceberg", "bucket"],
            &json!({"name": name}),
        )?;
        let answer: Value = self.client.send_json(request).await?;
        Ok(serde_json::from_value(answer).unwrap_or(AnalyticsBucket {
            name: name.to_owned(),
            id: None,
            bucket_type: None,
            format: None,
            created_at: None,
            updated_at: None,
        }))
    }

    /// Lists analytics buckets.
    pub async fn list_buckets(
        &self,
        options: &ListAnalyticsBucketsOptions,
    ) -> Result<Vec<AnalyticsBucket>, Error> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(v) = options.limit {
            q.push(("limit", v.to_string()));
        }
        if let Some(v) = options.offset {
            q.push(("offset", v.to_string()));
        }
        if let Some(v) = &options.sort_column {
            q.push(("sortColumn", v.clone()));
        }
        if let Some(v) = &options.sort_order {
            q.push(("sortOrder", v.clone()));
        }
        if let Some(v) = &options.search {
            q.push(("search", v.clone()));
        }
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url = self.client.service.url(&["iceberg", "bucket"], &pairs)?;
        self.client.send_json(Request::new(Method::GET, url)).await
    }

    /// Deletes an analytics bucket.
    pub async fn delete_bucket(&self, name: &str) -> Result<Value, Error> {
        check("bucket", name)?;
        let request =
            self.client
                .json_request(Method::DELETE, &["iceberg", "bucket", name], &json!({}))?;
        self.client.send_json(request).await
    }

    /// The Iceberg REST catalog of one analytics bucket (storage-js `analytics.from(bucket)`).
    pub fn from(&self, bucket: impl Into<String>) -> IcebergCatalog {
        IcebergCatalog {
            client: self.client.clone(),
            bucket: bucket.into(),
        }
    }
}

/// A table identifier in an Iceberg catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TableIdentifier {
    /// The namespace levels.
    pub namespace: Vec<String>,
    /// The table name.
    pub name: String,
}

/// The Iceberg REST catalog of an analytics bucket (the part of iceberg-js storage-js
/// exposes that manages namespaces and tables). Made by [`AnalyticsClient::from`].
#[derive(Clone, Debug)]
pub struct IcebergCatalog {
    client: StorageClient,
    bucket: String,
}

impl IcebergCatalog {
    fn segments<'a>(&'a self, ns: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut s = vec!["iceberg", "v1", self.bucket.as_str(), "namespaces"];
        if !ns.is_empty() {
            s.push(ns);
        }
        s.extend_from_slice(rest);
        s
    }

    /// The namespaces (each a list of levels).
    pub async fn list_namespaces(&self) -> Result<Vec<Vec<String>>, Error> {
        check("bucket", &self.bucket)?;
        let request = self
            .client
            .service
            .request(Method::GET, &self.segments("", &[]))?;
        let answer: Value = self.client.send_json(request).await?;
        serde_json::from_value(answer.get("namespaces").cloned().unwrap_or(json!([])))
            .map_err(|e| Error::InvalidInput(format!("namespaces answer: {e}")))
    }

    /// Creates a namespace with optional properties.
    pub async fn create_namespace(
        &self,
        namespace: &[&str],
        properties: Option<Value>,
    ) -> Result<Value, Error> {
        check("bucket", &self.bucket)?;
        if namespace.is_empty() {
            return Err(Error::InvalidInput("the namespace is empty".into()));
        }
        let mut body = Map::new();
        body.insert("namespace".into(), json!(namespace));
        if let Some(p) = properties {
            body.insert("properties".into(), p);
        }
        let request = self
            .client
            .service
            .request(Method::POST, &self.segments("", &[]))?;
        self.client
            .send_json(with_json(request, &Value::Object(body)))
            .await
    }

    /// Drops an empty namespace.
    pub async fn drop_namespace(&self, namespace: &[&str]) -> Result<(), Error> {
        let ns = namespace.join("\u{1f}");
        check("namespace", &ns)?;
        let request = self
            .client
            .service
            .request(Method::DELETE, &self.segments(&ns, &[]))?;
        self.client.send(request).await.map(|_| ())
    }

    /// The tables of a namespace.
    pub async fn list_tables(&self, namespace: &[&str]) -> Result<Vec<TableIdentifier>, Error> {
        let ns = namespace.join("\u{1f}");
        check("namespace", &ns)?;
        let request = self
            .client
            .service
            .request(Method::GET, &self.segments(&ns, &["tables"]))?;
        let answer: Value = self.client.send_json(request).await?;
        serde_json::from_value(answer.get("identifiers").cloned().unwrap_or(json!([])))
            .map_err(|e| Error::InvalidInput(format!("tables answer: {e}")))
    }

    /// A table's metadata, as the catalog answers it.
    pub async fn load_table(&self, namespace: &[&str], table: &str) -> Result<Value, Error> {
        let ns = namespace.join("\u{1f}");
        check("namespace", &ns)?;
        check("table", table)?;
        let request = self
            .client
            .service
            .request(Method::GET, &self.segments(&ns, &["tables", table]))?;
        self.client.send_json(request).await
    }

    /// Drops a table.
    pub async fn drop_table(&self, namespace: &[&str], table: &str) -> Result<(), Error> {
        let ns = namespace.join("\u{1f}");
        check("namespace", &ns)?;
        check("table", table)?;
        let request = self
            .client
            .service
            .request(Method::DELETE, &self.segments(&ns, &["tables", table]))?;
        self.client.send(request).await.map(|_| ())
    }
}
