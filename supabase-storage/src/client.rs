//! The Storage client and its bucket methods.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use supabase_core::{
    Config, HeaderValue, Method, Request, Response, Secret, Service, StaticTokenProvider,
    TokenProvider,
};

use crate::path::bucket_id;
use crate::{
    Bucket, BucketLifecycle, BucketOptions, Error, FileApi, ListBucketsOptions, MessageResponse,
    StorageApiError,
};

/// The Storage client: bucket methods, and [`StorageClient::from`] for the objects of a
/// bucket.
///
/// It holds one [`Service`] for `…/storage/v1`; every request goes through it, so the
/// `apikey`, the bearer token (from the token provider), retries of reads and the handling
/// of a 401 are the shared layer's. Cloning is cheap.
///
/// ```
/// use std::sync::Arc;
/// use supabase_storage::{StaticTokenProvider, StorageClient};
///
/// # fn main() -> Result<(), supabase_storage::Error> {
/// let storage = StorageClient::new("https://xyzcompany.supabase.co/storage/v1", "anon-key")?;
/// // The same client acting as a user (supabase-js v1 `setAuth(jwt)`):
/// let as_user = storage.with_token_provider(Arc::new(StaticTokenProvider::from_token("eyJ.user.jwt")?));
/// let avatars = as_user.from("avatars");
/// assert_eq!(avatars.bucket(), "avatars");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct StorageClient {
    pub(crate) service: Service,
}

impl StorageClient {
    /// A standalone client for the Storage endpoint at `url`
    /// (`https://<ref>.supabase.co/storage/v1`) sending `key` as `apikey` (and as bearer until
    /// a token provider is set).
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        Ok(Self::from_service(Service::standalone(url, key)?))
    }

    /// A client for the project of `config` (`<project url>/storage/v1`), with its global
    /// headers, timeout and HTTP client.
    ///
    /// ```
    /// use supabase_core::Config;
    /// use supabase_storage::StorageClient;
    ///
    /// # fn main() -> Result<(), supabase_storage::Error> {
    /// let config = Config::new("https://xyzcompany.supabase.co", "anon-key")?;
    /// let storage = StorageClient::from_config(&config)?;
    /// assert_eq!(storage.service().base().as_str(), "https://xyzcompany.supabase.co/storage/v1");
    /// # Ok(()) }
    /// ```
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        Ok(Self::from_service(Service::from_config(
            config,
            "storage/v1",
        )?))
    }

    /// A client over a ready [`Service`] for `…/storage/v1` (what the `supabase` façade
    /// uses: its service carries the façade's token provider and retry policy).
    pub fn from_service(service: Service) -> Self {
        Self { service }
    }

    /// The same client with bearer tokens from `tokens`; this one is unchanged.
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            service: self.service.with_tokens(tokens),
        }
    }

    /// The same client acting with this access token (a user's JWT); this one is unchanged.
    ///
    /// Fails when the token cannot be sent as a header.
    pub fn with_token(&self, token: impl Into<String>) -> Result<Self, Error> {
        Ok(self.with_token_provider(Arc::new(StaticTokenProvider::from_token(token)?)))
    }

    /// The service every request goes through.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// The objects of `bucket` (storage-js `storage.from(bucket)`). The id is checked by
    /// each method, before sending.
    pub fn from(&self, bucket: impl Into<String>) -> FileApi {
        FileApi::new(self.clone(), bucket.into())
    }

    /// Lists the buckets.
    ///
    /// ```no_run
    /// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::ListBucketsOptions;
    /// let buckets = storage.list_buckets(&ListBucketsOptions::new().limit(10).search("av")).await?;
    /// for bucket in buckets {
    ///     println!("{} public={}", bucket.name, bucket.public);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_buckets(&self, options: &ListBucketsOptions) -> Result<Vec<Bucket>, Error> {
        let query = options.query();
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url = self.service.url(&["bucket"], &pairs)?;
        self.send_json(Request::new(Method::GET, url)).await
    }

    /// Reads one bucket.
    ///
    /// ```no_run
    /// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
    /// match storage.get_bucket("avatars").await {
    ///     Ok(bucket) => println!("{bucket:?}"),
    ///     Err(e) if e.is_not_found() => println!("no such bucket"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_bucket(&self, id: &str) -> Result<Bucket, Error> {
        let id = bucket_id(id)?;
        let request = self.service.request(Method::GET, &["bucket", id])?;
        self.send_json(request).await
    }

    /// Creates a bucket; answers its name.
    ///
    /// ```no_run
    /// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::BucketOptions;
    /// storage.create_bucket("docs", &BucketOptions::new().public(true).file_size_limit(1_048_576)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_bucket(&self, id: &str, options: &BucketOptions) -> Result<String, Error> {
        let id = bucket_id(id)?;
        let mut body = Map::new();
        body.insert("id".into(), json!(id));
        body.insert("name".into(), json!(id));
        if let Some(t) = &options.bucket_type {
            body.insert("type".into(), json!(t));
        }
        body.insert("public".into(), json!(options.public));
        if let Some(limit) = &options.file_size_limit {
            body.insert("file_size_limit".into(), json!(limit));
        }
        if let Some(types) = &options.allowed_mime_types {
            body.insert("allowed_mime_types".into(), json!(types));
        }
        let request = self.json_request(Method::POST, &["bucket"], &Value::Object(body))?;
        let answer: Value = self.send_json(request).await?;
        Ok(answer
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .to_owned())
    }

    /// Changes a bucket's settings.
    ///
    /// ```no_run
    /// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::BucketOptions;
    /// storage.update_bucket("docs", &BucketOptions::new().allowed_mime_types(["image/jpeg"])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_bucket(
        &self,
        id: &str,
        options: &BucketOptions,
    ) -> Result<MessageResponse, Error> {
        let id = bucket_id(id)?;
        let mut body = Map::new();
        body.insert("id".into(), json!(id));
        body.insert("name".into(), json!(id));
        body.insert("public".into(), json!(options.public));
        if let Some(limit) = &options.file_size_limit {
            body.insert("file_size_limit".into(), json!(limit));
        }
        if let Some(types) = &options.allowed_mime_types {
            body.insert("allowed_mime_types".into(), json!(types));
        }
        let request = self.json_request(Method::PUT, &["bucket", id], &Value::Object(body))?;
        self.send_json(request).await
    }

    /// Removes every object of a bucket (Storage queues the work).
    ///
    /// ```no_run
    /// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
    /// storage.empty_bucket("tmp").await?;
    /// storage.delete_bucket("tmp").await?;
    /// # Ok(()) }
    /// ```
    pub async fn empty_bucket(&self, id: &str) -> Result<MessageResponse, Error> {
        let id = bucket_id(id)?;
        let request = self.json_request(Method::POST, &["bucket", id, "empty"], &json!({}))?;
        self.send_json(request).await
    }

    /// Deletes an empty bucket (a bucket with objects: [`crate::ErrorKind::NotEmpty`]).
    pub async fn delete_bucket(&self, id: &str) -> Result<MessageResponse, Error> {
        let id = bucket_id(id)?;
        let request = self.json_request(Method::DELETE, &["bucket", id], &json!({}))?;
        self.send_json(request).await
    }

    /// Reads a bucket's lifecycle rules (buckets with versioning).
    ///
    /// ```no_run
    /// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::{BucketLifecycle, LifecycleRule};
    /// storage
    ///     .update_bucket_lifecycle("docs", &BucketLifecycle::new(vec![LifecycleRule::expire_noncurrent_after_days(30)]))
    ///     .await?;
    /// let lifecycle = storage.get_bucket_lifecycle("docs").await?;
    /// # let _ = lifecycle; Ok(()) }
    /// ```
    pub async fn get_bucket_lifecycle(&self, id: &str) -> Result<BucketLifecycle, Error> {
        let id = bucket_id(id)?;
        let request = self
            .service
            .request(Method::GET, &["bucket", id, "lifecycle"])?;
        self.send_json(request).await
    }

    /// Replaces a bucket's lifecycle rules.
    pub async fn update_bucket_lifecycle(
        &self,
        id: &str,
        lifecycle: &BucketLifecycle,
    ) -> Result<Value, Error> {
        let id = bucket_id(id)?;
        let body = serde_json::to_value(lifecycle)
            .map_err(|e| Error::InvalidInput(format!("lifecycle: {e}")))?;
        let request = self.json_request(Method::PUT, &["bucket", id, "lifecycle"], &body)?;
        self.send_json(request).await
    }

    /// Removes a bucket's lifecycle rules.
    pub async fn delete_bucket_lifecycle(&self, id: &str) -> Result<Value, Error> {
        let id = bucket_id(id)?;
        let request =
            self.json_request(Method::DELETE, &["bucket", id, "lifecycle"], &json!({}))?;
        self.send_json(request).await
    }

    /// Purges the CDN cache of a whole bucket (with `transformations`, only transformed
    /// variants).
    pub async fn purge_bucket_cache(
        &self,
        id: &str,
        transformations: bool,
    ) -> Result<MessageResponse, Error> {
        let id = bucket_id(id)?;
        let query: &[(&str, &str)] = if transformations {
            &[("transformations", "true")]
        } else {
            &[]
        };
        let url = self.service.url(&["cdn", id], query)?;
        let request = with_json(Request::new(Method::DELETE, url), &json!({}));
        self.send_json(request).await
    }

    /// A request with a JSON body.
    pub(crate) fn json_request(
        &self,
        method: Method,
        segments: &[&str],
        body: &Value,
    ) -> Result<Request, Error> {
        let request = self.service.request(method, segments)?;
        Ok(with_json(request, body))
    }

    /// Sends, fails on an error answer, decodes JSON.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, Error> {
        let response = self.send(request).await?;
        Ok(response.json()?)
    }

    /// Sends (reads are retried by the service's policy), fails on an error answer.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, Error> {
        let response = self.service.send(&request, true).await?;
        check(response)
    }
}

pub(crate) fn with_json(request: Request, body: &Value) -> Request {
    request
        .header(
            supabase_core::HeaderName::from_static("content-type"),
            HeaderValue::from_static("application/json"),
        )
        .body(body.to_string())
}

/// `Ok` for a 2xx answer, the typed Storage error otherwise.
pub(crate) fn check(response: Response) -> Result<Response, Error> {
    if response.status.is_success() {
        Ok(response)
    } else {
        Err(StorageApiError::from_body(response.status.as_u16(), &response.body).into())
    }
}
