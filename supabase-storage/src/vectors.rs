//! Vector buckets (storage-js `storage.vectors`): buckets, indexes and vectors, each call a
//! `POST /vector/<Operation>` with a JSON body.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use supabase_core::Method;

use crate::{Error, StorageClient};

/// The vector buckets of the project. Made by [`StorageClient::vectors`].
///
/// ```no_run
/// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
/// use supabase_storage::vectors::{CreateIndexOptions, VectorObject};
/// let vectors = storage.vectors();
/// vectors.create_bucket("embeddings").await?;
/// let bucket = vectors.from("embeddings");
/// bucket.create_index(&CreateIndexOptions::new("docs", 3, "cosine")).await?;
/// bucket.index("docs").put_vectors(&[VectorObject::new("a", vec![0.1, 0.2, 0.3])]).await?;
/// let hits = bucket.index("docs").query_vectors(&[0.1, 0.2, 0.3], 5).await?;
/// # let _ = hits; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct VectorsClient {
    client: StorageClient,
}

impl StorageClient {
    /// The vector buckets (storage-js `storage.vectors`).
    pub fn vectors(&self) -> VectorsClient {
        VectorsClient {
            client: self.clone(),
        }
    }
}

fn name(kind: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::InvalidInput(format!("the {kind} name is empty")));
    }
    Ok(())
}

async fn call(client: &StorageClient, operation: &str, body: Value) -> Result<Value, Error> {
    let request = client.json_request(Method::POST, &["vector", operation], &body)?;
    let response = client.send(request).await?;
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    Ok(response.json()?)
}

/// A vector bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VectorBucket {
    /// The name.
    pub vector_bucket_name: String,
    /// When it was created (seconds).
    #[serde(default)]
    pub creation_time: Option<f64>,
    /// Encryption settings, when given.
    #[serde(default)]
    pub encryption_configuration: Option<Value>,
}

/// Options of [`VectorsClient::list_buckets`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListVectorBucketsOptions {
    /// Only names starting with this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Page size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// The token of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl ListVectorBucketsOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `prefix`.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
    /// Sets `maxResults`.
    #[must_use]
    pub fn max_results(mut self, n: u32) -> Self {
        self.max_results = Some(n);
        self
    }
    /// Sets `nextToken`.
    #[must_use]
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }
}

/// A page of names with the token of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct NamePage {
    /// The names.
    pub names: Vec<String>,
    /// The token of the next page, if any.
    pub next_token: Option<String>,
}

impl VectorsClient {
    /// Creates a vector bucket.
    pub async fn create_bucket(&self, bucket: &str) -> Result<(), Error> {
        name("vector bucket", bucket)?;
        call(
            &self.client,
            "CreateVectorBucket",
            json!({"vectorBucketName": bucket}),
        )
        .await
        .map(|_| ())
    }

    /// Reads a vector bucket.
    pub async fn get_bucket(&self, bucket: &str) -> Result<VectorBucket, Error> {
        name("vector bucket", bucket)?;
        let answer = call(
            &self.client,
            "GetVectorBucket",
            json!({"vectorBucketName": bucket}),
        )
        .await?;
        serde_json::from_value(answer.get("vectorBucket").cloned().unwrap_or(Value::Null))
            .map_err(|e| Error::InvalidInput(format!("GetVectorBucket answer: {e}")))
    }

    /// Lists vector bucket names.
    pub async fn list_buckets(
        &self,
        options: &ListVectorBucketsOptions,
    ) -> Result<NamePage, Error> {
        let body = serde_json::to_value(options).map_err(|e| Error::InvalidInput(e.to_string()))?;
        let answer = call(&self.client, "ListVectorBuckets", body).await?;
        Ok(names(&answer, "vectorBuckets", "vectorBucketName"))
    }

    /// Deletes an empty vector bucket.
    pub async fn delete_bucket(&self, bucket: &str) -> Result<(), Error> {
        name("vector bucket", bucket)?;
        call(
            &self.client,
            "DeleteVectorBucket",
            json!({"vectorBucketName": bucket}),
        )
        .await
        .map(|_| ())
    }

    /// The indexes of one vector bucket.
    pub fn from(&self, bucket: impl Into<String>) -> VectorBucketApi {
        VectorBucketApi {
            client: self.client.clone(),
            bucket: bucket.into(),
        }
    }
}

fn names(answer: &Value, list: &str, field: &str) -> NamePage {
    NamePage {
        names: answer
            .get(list)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.get(field).and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        next_token: answer
            .get("nextToken")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// Options of [`VectorBucketApi::create_index`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateIndexOptions {
    /// The index name.
    pub index_name: String,
    /// `float32`.
    pub data_type: String,
    /// The number of dimensions.
    pub dimension: u32,
    /// `cosine`, `euclidean` or `dotproduct`.
    pub distance_metric: String,
    /// Metadata keys that cannot be filtered on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_configuration: Option<Value>,
}

impl CreateIndexOptions {
    /// A `float32` index.
    pub fn new(index_name: impl Into<String>, dimension: u32, metric: impl Into<String>) -> Self {
        Self {
            index_name: index_name.into(),
            data_type: "float32".into(),
            dimension,
            distance_metric: metric.into(),
            metadata_configuration: None,
        }
    }

    /// Metadata keys that cannot be filtered on.
    #[must_use]
    pub fn non_filterable_metadata_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let keys: Vec<String> = keys.into_iter().map(Into::into).collect();
        self.metadata_configuration = Some(json!({"nonFilterableMetadataKeys": keys}));
        self
    }
}

/// A vector index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VectorIndex {
    /// The name.
    pub index_name: String,
    /// The bucket.
    #[serde(default)]
    pub vector_bucket_name: Option<String>,
    /// `float32`.
    #[serde(default)]
    pub data_type: Option<String>,
    /// Dimensions.
    #[serde(default)]
    pub dimension: Option<u32>,
    /// Distance metric.
    #[serde(default)]
    pub distance_metric: Option<String>,
    /// Metadata configuration.
    #[serde(default)]
    pub metadata_configuration: Option<Value>,
    /// When it was created.
    #[serde(default)]
    pub creation_time: Option<f64>,
}

/// The indexes of one vector bucket. Made by [`VectorsClient::from`].
#[derive(Clone, Debug)]
pub struct VectorBucketApi {
    client: StorageClient,
    bucket: String,
}

impl VectorBucketApi {
    fn body(&self, extra: Value) -> Value {
        let mut map = Map::new();
        map.insert("vectorBucketName".into(), json!(self.bucket));
        if let Value::Object(extra) = extra {
            map.extend(extra);
        }
        Value::Object(map)
    }

    /// Creates an index.
    pub async fn create_index(&self, options: &CreateIndexOptions) -> Result<(), Error> {
        name("vector bucket", &self.bucket)?;
        name("index", &options.index_name)?;
        let extra =
            serde_json::to_value(options).map_err(|e| Error::InvalidInput(e.to_string()))?;
        call(&self.client, "CreateIndex", self.body(extra))
            .await
            .map(|_| ())
    }

    /// Reads an index.
    pub async fn get_index(&self, index: &str) -> Result<VectorIndex, Error> {
        name("index", index)?;
        let answer = call(
            &self.client,
            "GetIndex",
            self.body(json!({"indexName": index})),
        )
        .await?;
        serde_json::from_value(answer.get("index").cloned().unwrap_or(Value::Null))
            .map_err(|e| Error::InvalidInput(format!("GetIndex answer: {e}")))
    }

    /// Lists index names (`prefix`, `max_results`, `next_token` as for buckets).
    pub async fn list_indexes(
        &self,
        options: &ListVectorBucketsOptions,
    ) -> Result<NamePage, Error> {
        let extra =
            serde_json::to_value(options).map_err(|e| Error::InvalidInput(e.to_string()))?;
        let answer = call(&self.client, "ListIndexes", self.body(extra)).await?;
        Ok(names(&answer, "indexes", "indexName"))
    }

    /// Deletes an index.
    pub async fn delete_index(&self, index: &str) -> Result<(), Error> {
        name("index", index)?;
        call(
            &self.client,
            "DeleteIndex",
            self.body(json!({"indexName": index})),
        )
        .await
        .map(|_| ())
    }

    /// The vectors of one index.
    pub fn index(&self, index: impl Into<String>) -> VectorIndexApi {
        VectorIndexApi {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            index: index.into(),
        }
    }
}

/// A vector to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VectorObject {
    /// The key.
    pub key: String,
    /// The data (`{"float32": [...]}`).
    pub data: VectorData,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

impl VectorObject {
    /// A vector with no metadata.
    pub fn new(key: impl Into<String>, values: Vec<f32>) -> Self {
        Self {
            key: key.into(),
            data: VectorData { float32: values },
            metadata: None,
        }
    }

    /// With metadata.
    #[must_use]
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

/// Vector components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VectorData {
    /// The components.
    pub float32: Vec<f32>,
}

/// A vector returned by get, list or query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VectorMatch {
    /// The key.
    pub key: String,
    /// The data, when asked for.
    #[serde(default)]
    pub data: Option<VectorData>,
    /// The metadata, when asked for.
    #[serde(default)]
    pub metadata: Option<Value>,
    /// The distance (query).
    #[serde(default)]
    pub distance: Option<f64>,
}

/// A page of vectors.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct VectorPage {
    /// The vectors.
    pub vectors: Vec<VectorMatch>,
    /// The token of the next page.
    pub next_token: Option<String>,
}

/// The vectors of one index. Made by [`VectorBucketApi::index`].
#[derive(Clone, Debug)]
pub struct VectorIndexApi {
    client: StorageClient,
    bucket: String,
    index: String,
}

impl VectorIndexApi {
    fn body(&self, extra: Value) -> Value {
        let mut map = Map::new();
        map.insert("vectorBucketName".into(), json!(self.bucket));
        map.insert("indexName".into(), json!(self.index));
        if let Value::Object(extra) = extra {
            map.extend(extra);
        }
        Value::Object(map)
    }

    async fn page(&self, operation: &str, extra: Value) -> Result<VectorPage, Error> {
        let answer = call(&self.client, operation, self.body(extra)).await?;
        Ok(VectorPage {
            vectors: serde_json::from_value(answer.get("vectors").cloned().unwrap_or(json!([])))
                .map_err(|e| Error::InvalidInput(format!("{operation} answer: {e}")))?,
            next_token: answer
                .get("nextToken")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    /// Stores vectors (replacing same keys).
    pub async fn put_vectors(&self, vectors: &[VectorObject]) -> Result<(), Error> {
        call(
            &self.client,
            "PutVectors",
            self.body(json!({"vectors": vectors})),
        )
        .await
        .map(|_| ())
    }

    /// Reads vectors by key.
    pub async fn get_vectors(
        &self,
        keys: &[&str],
        return_data: bool,
        return_metadata: bool,
    ) -> Result<Vec<VectorMatch>, Error> {
        let extra =
            json!({"keys": keys, "returnData": return_data, "returnMetadata": return_metadata});
        Ok(self.page("GetVectors", extra).await?.vectors)
    }

    /// Lists vectors, a page at a time (`max_results`, `next_token`).
    pub async fn list_vectors(
        &self,
        max_results: Option<u32>,
        next_token: Option<&str>,
    ) -> Result<VectorPage, Error> {
        let mut extra = Map::new();
        if let Some(n) = max_results {
            extra.insert("maxResults".into(), json!(n));
        }
        if let Some(t) = next_token {
            extra.insert("nextToken".into(), json!(t));
        }
        self.page("ListVectors", Value::Object(extra)).await
    }

    /// The `top_k` nearest vectors to `query`, with distances and metadata.
    pub async fn query_vectors(&self, query: &[f32], top_k: u32) -> Result<VectorPage, Error> {
        self.query_vectors_filtered(query, top_k, None).await
    }

    /// [`VectorIndexApi::query_vectors`] with a metadata filter.
    pub async fn query_vectors_filtered(
        &self,
        query: &[f32],
        top_k: u32,
        filter: Option<Value>,
    ) -> Result<VectorPage, Error> {
        let mut extra = json!({
            "queryVector": {"float32": query},
            "topK": top_k,
            "returnDistance": true,
            "returnMetadata": true,
        });
        if let (Some(f), Value::Object(m)) = (filter, &mut extra) {
            m.insert("filter".into(), f);
        }
        self.page("QueryVectors", extra).await
    }

    /// Deletes vectors by key.
    pub async fn delete_vectors(&self, keys: &[&str]) -> Result<(), Error> {
        call(
            &self.client,
            "DeleteVectors",
            self.body(json!({"keys": keys})),
        )
        .await
        .map(|_| ())
    }
}
