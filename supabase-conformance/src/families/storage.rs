//! Cases that call Storage (every `storage_*`, the v1 cases that upload), run through the
//! façade `supabase::Client`: `Client::storage()` acts as the client value's token source,
//! so a sign-in through the Auth client (sent to the mock project for real), v1 `setAuth`
//! (→ `Client::set_auth`) and the `accessToken` option decide the bearer as they do for an
//! application.
//!
//! Client options are mapped as the `facade` family maps them; auth and data statements go
//! through the same interpreter as there. Storage statements: `storage.from(bucket)` with
//! one call (`upload`, `update`, `uploadToSignedUrl`, `createSignedUploadUrl`, `download`,
//! `info`, `exists`, `list`, `listV2`, `move`, `copy`, `remove`, `createSignedUrl`,
//! `createSignedUrls`, `getPublicUrl`), the bucket methods (`createBucket`, `updateBucket`,
//! `getBucket`, `emptyBucket`, `deleteBucket`, `listBuckets`), `vectors.*` and
//! `analytics.*` bucket methods, and `analytics.from(bucket)` with `listNamespaces` /
//! `createNamespace`. Upload bodies: a string, `$bytes` / `$buffer` / `$arraybuffer` (raw
//! bytes), `$blob` (bytes with its type) and `$file` (bytes with its name and type).
//!
//! Besides the requests, each statement's success is compared with supabase-js's (`exists`
//! succeeds when the object exists: storage-js answers a missing object with `data: false`
//! and an error), and the URL `getPublicUrl`, `createSignedUrl` and `createSignedUploadUrl`
//! return is compared with the one storage-js built.

use std::sync::Arc;

use base64::Engine;
use serde_json::Value;
use supabase::Client;
use supabase::storage::analytics::ListAnalyticsBucketsOptions;
use supabase::storage::vectors::ListVectorBucketsOptions;
use supabase::storage::{
    BucketOptions, DestinationOptions, DownloadOptions, Error, FileApi, FileOptions,
    ListBucketsOptions, RemoveEntry, SearchOptions, SearchV2Options, StorageClient,
    TransformOptions, UploadBody, UrlOptions,
};

use crate::family::{BoxFuture, Family, RunOutput, Server, StatementOutcome};
use crate::golden::{Case, Statement};
use crate::interp::postgrest::is_data_statement;

/// The storage family.
pub struct Storage;

impl Family for Storage {
    fn name(&self) -> &'static str {
        "storage"
    }
    fn claims(&self, case: &Case) -> bool {
        matches!(case.client.as_str(), "v1" | "v2")
            && case.has_root("storage", None)
            && case.statements().is_ok_and(|st| {
                st.iter()
                    .all(|s| matches!(s.kind.as_str(), "storage" | "auth") || is_data_statement(s))
            })
    }
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(run(case, server))
    }
}

async fn run(case: Arc<Case>, server: Server) -> Result<RunOutput, String> {
    let statements = case.statements()?;
    let builder = super::facade::builder(&case, &server)?;
    let mut out = RunOutput::default();
    let mut client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            out.setup_error = Some(e.to_string());
            return Ok(out);
        }
    };
    for st in &statements {
        let outcome = if st.kind == "storage" {
            storage(&client, st).await?
        } else {
            super::facade::statement(&mut client, &case, st).await?
        };
        out.statements.push(outcome);
    }
    Ok(out)
}

fn checked<T>(r: &Result<T, Error>) -> StatementOutcome {
    StatementOutcome::checked(r)
}

/// An outcome whose returned URL is compared too.
fn with_url<T>(r: &Result<T, Error>, url: impl Fn(&T) -> String) -> StatementOutcome {
    let mut outcome = StatementOutcome::checked(r);
    outcome.url = r.as_ref().ok().map(url);
    outcome
}

async fn storage(client: &Client, st: &Statement) -> Result<StatementOutcome, String> {
    let name = st.name().ok_or("a storage op without a name")?;
    let args: Vec<Value> = st.args.iter().map(|a| a.value()).collect();
    let label = std::iter::once(name.to_owned())
        .chain(st.calls.iter().map(|(c, _)| c.clone()))
        .collect::<Vec<_>>()
        .join("().");
    let storage = client.storage();
    match name {
        "from" | "analytics.from" => {
            let [(call, a)] = st.calls.as_slice() else {
                return Err(format!(
                    "storage.{label}: {name}() needs exactly one call after it"
                ));
            };
            let a: Vec<Value> = a.iter().map(|v| v.value()).collect();
            if name == "from" {
                from(&storage.from(str_arg(&args, 0)?), call, &a).await
            } else {
                analytics_from(&storage, &str_arg(&args, 0)?, call, &a).await
            }
        }
        _ if !st.calls.is_empty() => Err(format!("unknown op storage.{label}")),
        _ => buckets(&storage, name, &args).await,
    }
}

async fn buckets(
    storage: &StorageClient,
    name: &str,
    args: &[Value],
) -> Result<StatementOutcome, String> {
    let o = obj(args, 0);
    Ok(match name {
        "createBucket" => checked(
            &storage
                .create_bucket(&str_arg(args, 0)?, &bucket_options(obj(args, 1)))
                .await,
        ),
        "updateBucket" => checked(
            &storage
                .update_bucket(&str_arg(args, 0)?, &bucket_options(obj(args, 1)))
                .await,
        ),
        "getBucket" => checked(&storage.get_bucket(&str_arg(args, 0)?).await),
        "emptyBucket" => checked(&storage.empty_bucket(&str_arg(args, 0)?).await),
        "deleteBucket" => checked(&storage.delete_bucket(&str_arg(args, 0)?).await),
        "listBuckets" => {
            let mut options = ListBucketsOptions::new();
            if let Some(v) = o.get("limit").and_then(Value::as_u64) {
                options = options.limit(v);
            }
            if let Some(v) = o.get("offset").and_then(Value::as_u64) {
                options = options.offset(v);
            }
            if let Some(v) = o.get("search").and_then(Value::as_str) {
                options = options.search(v);
            }
            options.sort_column = str_at(o, "sortColumn");
            options.sort_order = str_at(o, "sortOrder");
            checked(&storage.list_buckets(&options).await)
        }
        "vectors.createBucket" => {
            checked(&storage.vectors().create_bucket(&str_arg(args, 0)?).await)
        }
        "vectors.getBucket" => checked(&storage.vectors().get_bucket(&str_arg(args, 0)?).await),
        "vectors.deleteBucket" => {
            checked(&storage.vectors().delete_bucket(&str_arg(args, 0)?).await)
        }
        "vectors.listBuckets" => {
            let mut options = ListVectorBucketsOptions::new();
            if let Some(v) = o.get("prefix").and_then(Value::as_str) {
                options = options.prefix(v);
            }
            if let Some(v) = o.get("maxResults").and_then(Value::as_u64) {
                options = options.max_results(u32::try_from(v).map_err(|e| e.to_string())?);
            }
            if let Some(v) = o.get("nextToken").and_then(Value::as_str) {
                options = options.next_token(v);
            }
            checked(&storage.vectors().list_buckets(&options).await)
        }
        "analytics.createBucket" => {
            checked(&storage.analytics().create_bucket(&str_arg(args, 0)?).await)
        }
        "analytics.deleteBucket" => {
            checked(&storage.analytics().delete_bucket(&str_arg(args, 0)?).await)
        }
        "analytics.listBuckets" => {
            let mut options = ListAnalyticsBucketsOptions::default();
            options.limit = o.get("limit").and_then(Value::as_u64);
            options.offset = o.get("offset").and_then(Value::as_u64);
            options.sort_column = str_at(o, "sortColumn");
            options.sort_order = str_at(o, "sortOrder");
            options.search = str_at(o, "search");
            checked(&storage.analytics().list_buckets(&options).await)
        }
        other => return Err(format!("unknown op storage.{other}")),
    })
}

async fn analytics_from(
    storage: &StorageClient,
    bucket: &str,
    call: &str,
    a: &[Value],
) -> Result<StatementOutcome, String> {
    let catalog = storage.analytics().from(bucket);
    Ok(match call {
        "listNamespaces" => checked(&catalog.list_namespaces().await),
        "createNamespace" => {
            let ns: Vec<&str> = obj(a, 0)
                .get("namespace")
                .and_then(Value::as_array)
                .ok_or("createNamespace without a namespace list")?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let props = obj(a, 1).get("properties").cloned();
            checked(&catalog.create_namespace(&ns, props).await)
        }
        other => return Err(format!("unknown op storage.analytics.from().{other}()")),
    })
}

async fn from(api: &FileApi, call: &str, a: &[Value]) -> Result<StatementOutcome, String> {
    Ok(match call {
        "upload" | "update" => {
            let path = str_arg(a, 0)?;
            let body = upload_body(obj(a, 1))?;
            let options = file_options(obj(a, 2))?;
            let r = if call == "upload" {
                api.upload(&path, body, &options).await
            } else {
                api.update(&path, body, &options).await
            };
            checked(&r)
        }
        "uploadToSignedUrl" => checked(
            &api.upload_to_signed_url(
                &str_arg(a, 0)?,
                &str_arg(a, 1)?,
                upload_body(obj(a, 2))?,
                &file_options(obj(a, 3))?,
            )
            .await,
        ),
        "createSignedUploadUrl" => {
            let upsert = obj(a, 1)
                .get("upsert")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            with_url(
                &api.create_signed_upload_url(&str_arg(a, 0)?, upsert).await,
                |s| s.signed_url.expose().to_owned(),
            )
        }
        "download" => {
            let mut o = DownloadOptions::new();
            if let Some(t) = transform(obj(a, 1)) {
                o = o.transform(t);
            }
            checked(&api.download(&str_arg(a, 0)?, &o).await)
        }
        "info" => {
            let version = obj(a, 1).get("versionId").and_then(Value::as_str);
            checked(&api.info(&str_arg(a, 0)?, version).await)
        }
        // storage-js answers a missing object with `data: false` and an error.
        "exists" => {
            let r = api.exists(&str_arg(a, 0)?).await;
            StatementOutcome {
                ok: Some(matches!(r, Ok(true))),
                url: None,
                error: match &r {
                    Ok(true) => None,
                    Ok(false) => Some("the object does not exist".into()),
                    Err(e) => Some(e.to_string()),
                },
                error_name: None,
            }
        }
        "list" => {
            let prefix = a.first().and_then(Value::as_str).unwrap_or_default();
            let o = obj(a, 1);
            let mut options = SearchOptions::new();
            if let Some(l) = o.get("limit").and_then(Value::as_u64) {
                options = options.limit(l);
            }
            if let Some(l) = o.get("offset").and_then(Value::as_u64) {
                options = options.offset(l);
            }
            if let Some(s) = o.get("search").and_then(Value::as_str) {
                options = options.search(s);
            }
            if let Some(s) = o.get("sortBy") {
                options = options.sort_by(
                    s.get("column").and_then(Value::as_str).unwrap_or("name"),
                    s.get("order").and_then(Value::as_str).unwrap_or("asc"),
                );
            }
            checked(&api.list(prefix, &options).await)
        }
        "listV2" => {
            let o = obj(a, 0);
            let mut options = SearchV2Options::new();
            if let Some(v) = o.get("prefix").and_then(Value::as_str) {
                options = options.prefix(v);
            }
            if let Some(v) = o.get("limit").and_then(Value::as_u64) {
                options = options.limit(v);
            }
            if let Some(v) = o.get("cursor").and_then(Value::as_str) {
                options = options.cursor(v);
            }
            if let Some(v) = o.get("with_delimiter").and_then(Value::as_bool) {
                options = options.with_delimiter(v);
            }
            if let Some(s) = o.get("sortBy") {
                options = options.sort_by(
                    s.get("column").and_then(Value::as_str).unwrap_or("name"),
                    s.get("order").and_then(Value::as_str).unwrap_or("asc"),
                );
            }
            checked(&api.list_v2(&options).await)
        }
        "move" => checked(
            &api.move_object(&str_arg(a, 0)?, &str_arg(a, 1)?, &dest_options(obj(a, 2)))
                .await,
        ),
        "copy" => checked(
            &api.copy_object(&str_arg(a, 0)?, &str_arg(a, 1)?, &dest_options(obj(a, 2)))
                .await,
        ),
        "remove" => {
            let entries = obj(a, 0)
                .as_array()
                .ok_or("remove without a list of paths")?
                .iter()
                .map(|p| match p {
                    Value::String(s) => Ok(RemoveEntry::Path(s.clone())),
                    Value::Object(o) => Ok(RemoveEntry::Version {
                        path: o
                            .get("path")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        version_id: o
                            .get("versionId")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    }),
                    other => Err(format!("remove: the entry {other} is not interpreted")),
                })
                .collect::<Result<Vec<_>, String>>()?;
            checked(&api.remove(entries).await)
        }
        "createSignedUrl" => {
            let expires = obj(a, 1)
                .as_u64()
                .ok_or("createSignedUrl without expiresIn")?;
            with_url(
                &api.create_signed_url(&str_arg(a, 0)?, expires, &url_options(obj(a, 2)))
                    .await,
                |s| s.expose().to_owned(),
            )
        }
        "createSignedUrls" => {
            let paths: Vec<String> = obj(a, 0)
                .as_array()
                .ok_or("createSignedUrls without a list of paths")?
                .iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect();
            let expires = obj(a, 1)
                .as_u64()
                .ok_or("createSignedUrls without expiresIn")?;
            checked(
                &api.create_signed_urls(&paths, expires, &url_options(obj(a, 2)))
                    .await,
            )
        }
        "getPublicUrl" => with_url(
            &api.get_public_url(&str_arg(a, 0)?, &url_options(obj(a, 1))),
            Clone::clone,
        ),
        other => return Err(format!("unknown op storage.from().{other}()")),
    })
}

fn str_arg(args: &[Value], i: usize) -> Result<String, String> {
    args.get(i)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("argument {i} is not a string: {:?}", args.get(i)))
}

fn obj(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

fn str_at(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn b64(v: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(v)
        .map_err(|e| e.to_string())
}

/// `{"text"|"base64": …}` of a `$blob`/`$file`.
fn blob_bytes(b: &Value) -> Result<Vec<u8>, String> {
    if let Some(t) = b.get("text").and_then(Value::as_str) {
        Ok(t.as_bytes().to_vec())
    } else if let Some(x) = b.get("base64").and_then(Value::as_str) {
        b64(x)
    } else {
        Err(format!("blob without text or base64: {b}"))
    }
}

fn upload_body(v: &Value) -> Result<UploadBody, String> {
    if let Some(s) = v.as_str() {
        return Ok(UploadBody::from(s.to_owned()));
    }
    for raw in ["$bytes", "$buffer", "$arraybuffer"] {
        if let Some(x) = v.get(raw).and_then(Value::as_str) {
            return Ok(UploadBody::from(b64(x)?));
        }
    }
    if let Some(blob) = v.get("$blob") {
        return Ok(UploadBody::blob(
            blob_bytes(blob)?,
            blob.get("type").and_then(Value::as_str),
        ));
    }
    if let Some(file) = v.get("$file") {
        let name = file.get("name").and_then(Value::as_str).unwrap_or("blob");
        return Ok(UploadBody::file(
            name,
            blob_bytes(file)?,
            file.get("type").and_then(Value::as_str),
        ));
    }
    if let Some(escape) = v
        .as_object()
        .and_then(|o| o.keys().find(|k| k.starts_with('$')))
    {
        return Err(format!(
            "the DSL escape `{escape}` is not interpreted in an upload body"
        ));
    }
    Err(format!("the upload body {v} is not interpreted"))
}

fn file_options(v: &Value) -> Result<FileOptions, String> {
    let mut o = FileOptions::new();
    let Some(map) = v.as_object() else {
        return Ok(o);
    };
    for (k, val) in map {
        o = match k.as_str() {
            "contentType" => o.content_type(val.as_str().unwrap_or_default()),
            "cacheControl" => o.cache_control(match val {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            "upsert" => o.upsert(val.as_bool().unwrap_or(false)),
            "metadata" => o.metadata(val.clone()),
            "contentEncoding" => o.content_encoding(val.as_str().unwrap_or_default()),
            "headers" => {
                let mut o = o;
                for (h, hv) in val.as_object().cloned().unwrap_or_default() {
                    o = o.header(h, hv.as_str().unwrap_or_default());
                }
                o
            }
            other => return Err(format!("unknown file option `{other}`")),
        };
    }
    Ok(o)
}

fn transform(v: &Value) -> Option<TransformOptions> {
    let t = v.get("transform")?;
    let u32_at = |k: &str| {
        t.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let mut o = TransformOptions::new();
    if let Some(w) = u32_at("width") {
        o = o.width(w);
    }
    if let Some(h) = u32_at("height") {
        o = o.height(h);
    }
    if let Some(r) = t.get("resize").and_then(Value::as_str) {
        o = o.resize(r);
    }
    if let Some(f) = t.get("format").and_then(Value::as_str) {
        o = o.format(f);
    }
    if let Some(q) = u32_at("quality") {
        o = o.quality(q);
    }
    Some(o)
}

fn url_options(v: &Value) -> UrlOptions {
    let mut o = UrlOptions::new();
    match v.get("download") {
        Some(Value::Bool(b)) => o = o.download(*b),
        Some(Value::String(s)) => o = o.download(s.as_str()),
        _ => {}
    }
    if let Some(t) = transform(v) {
        o = o.transform(t);
    }
    if let Some(n) = v.get("cacheNonce").and_then(Value::as_str) {
        o = o.cache_nonce(n);
    }
    if let Some(n) = v.get("versionId").and_then(Value::as_str) {
        o = o.version_id(n);
    }
    o
}

fn dest_options(v: &Value) -> DestinationOptions {
    let mut o = DestinationOptions::new();
    if let Some(b) = v.get("destinationBucket").and_then(Value::as_str) {
        o = o.destination_bucket(b);
    }
    if let Some(b) = v.get("sourceVersionId").and_then(Value::as_str) {
        o = o.source_version_id(b);
    }
    o
}

fn bucket_options(v: &Value) -> BucketOptions {
    let mut o =
        BucketOptions::new().public(v.get("public").and_then(Value::as_bool).unwrap_or(false));
    match v.get("fileSizeLimit") {
        Some(Value::Number(n)) => o = o.file_size_limit(n.as_u64().unwrap_or_default()),
        Some(Value::String(s)) => o = o.file_size_limit(s.as_str()),
        _ => {}
    }
    if let Some(types) = v.get("allowedMimeTypes").and_then(Value::as_array) {
        o = o.allowed_mime_types(types.iter().filter_map(Value::as_str));
    }
    if let Some(t) = v.get("type").and_then(Value::as_str) {
        o = o.bucket_type(t);
    }
    o
}
