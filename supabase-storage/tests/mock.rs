//! The whole API against the in-memory Storage mock (`supabase_test_support::storage_mock`),
//! which answers as the Storage server does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::json;
use supabase_storage::{
    Body, BucketOptions, DestinationOptions, DownloadOptions, Error, ErrorKind, FileOptions,
    ListBucketsOptions, SearchOptions, SearchV2Options, StorageClient, TransformOptions,
    UploadBody, UrlOptions,
};
use supabase_test_support::mint_user_jwt;
use supabase_test_support::storage_mock::StorageMock;

const KEY: &str = "anon-key-for-tests";

async fn setup() -> (StorageMock, StorageClient) {
    let mock = StorageMock::start().await;
    let client = StorageClient::new(&mock.storage_url(), KEY).unwrap();
    (mock, client)
}

#[tokio::test]
async fn buckets_lifecycle() {
    let (mock, storage) = setup().await;
    let name = storage
        .create_bucket(
            "docs",
            &BucketOptions::new()
                .public(true)
                .file_size_limit("1KB")
                .allowed_mime_types(["text/plain", "image/*"]),
        )
        .await
        .unwrap();
    assert_eq!(name, "docs");
    let err = storage
        .create_bucket("docs", &BucketOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_already_exists(), "{err:?}");
    assert_eq!(err.as_api().unwrap().http_status, 400);

    let bucket = storage.get_bucket("docs").await.unwrap();
    assert!(bucket.public);
    assert_eq!(bucket.file_size_limit, Some(1000));
    assert_eq!(bucket.bucket_type, None);
    let listed = storage
        .list_buckets(&ListBucketsOptions::new().search("do").limit(5))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].bucket_type.as_deref(), Some("STANDARD"));

    storage
        .update_bucket("docs", &BucketOptions::new().public(false))
        .await
        .unwrap();
    assert!(!storage.get_bucket("docs").await.unwrap().public);

    storage
        .from("docs")
        .upload("a.txt", "x", &FileOptions::new())
        .await
        .unwrap();
    let err = storage.delete_bucket("docs").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotEmpty);
    let emptied = storage.empty_bucket("docs").await.unwrap();
    assert!(emptied.message.contains("queued"));
    storage.delete_bucket("docs").await.unwrap();
    assert!(storage.get_bucket("docs").await.unwrap_err().is_not_found());
    drop(mock);
}

#[tokio::test]
async fn upload_download_and_keys_that_storage_js_breaks() {
    let (mock, storage) = setup().await;
    mock.create_bucket("avatars", false);
    let avatars = storage.from("avatars");
    // Each of these keys is accepted by Storage; storage-js would cut or change the first three.
    for key in [
        "q/what?.txt",
        "amp & plus+eq=.txt",
        "semi;colon:at@dollar$,comma",
        "sp ace/(paren)'quote'!*.txt",
    ] {
        let up = avatars
            .upload(key, format!("content of {key}"), &FileOptions::new())
            .await
            .unwrap();
        assert_eq!(up.path, key);
        assert_eq!(up.full_path, format!("avatars/{key}"));
        assert_eq!(
            mock.object("avatars", key).unwrap().data,
            format!("content of {key}").as_bytes()
        );
        let down = avatars
            .download(key, &DownloadOptions::new())
            .await
            .unwrap();
        assert_eq!(down, Bytes::from(format!("content of {key}")));
        assert!(avatars.exists(key).await.unwrap());
    }
    // Cleaned as storage-js cleans upload paths.
    let up = avatars
        .upload("/folder//x.txt/", "x", &FileOptions::new())
        .await
        .unwrap();
    assert_eq!(up.path, "folder/x.txt");

    // Upload without upsert onto an existing key: typed error; with upsert: replaced.
    let err = avatars
        .upload("folder/x.txt", "y", &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_already_exists());
    avatars
        .upload("folder/x.txt", "y", &FileOptions::new().upsert(true))
        .await
        .unwrap();
    avatars
        .update(
            "folder/x.txt",
            "z",
            &FileOptions::new().content_type("text/markdown"),
        )
        .await
        .unwrap();
    let stored = mock.object("avatars", "folder/x.txt").unwrap();
    assert_eq!(stored.data, b"z");
    assert_eq!(stored.content_type, "text/markdown");

    // Metadata and cache control.
    avatars
        .upload(
            "m.txt",
            "m",
            &FileOptions::new()
                .metadata(json!({"owner": "ada", "ü": true}))
                .cache_control("60"),
        )
        .await
        .unwrap();
    let info = avatars.info("m.txt", None).await.unwrap();
    assert_eq!(info.metadata, Some(json!({"owner": "ada", "ü": true})));
    assert_eq!(info.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(info.size, Some(1));

    // Multipart (Blob / File).
    avatars
        .upload(
            "blob.txt",
            UploadBody::blob("blob body", Some("text/plain")),
            &FileOptions::new().metadata(json!({"a": 1})),
        )
        .await
        .unwrap();
    let stored = mock.object("avatars", "blob.txt").unwrap();
    assert_eq!(stored.data, b"blob body");
    assert_eq!(stored.content_type, "text/plain");
    assert_eq!(stored.metadata, json!({"a": 1}));
    avatars
        .upload(
            "cat.png",
            UploadBody::file(
                "cat.png",
                vec![0x89u8, b'P', b'N', b'G', 0, 0xff],
                Some("image/png"),
            ),
            &FileOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        mock.object("avatars", "cat.png").unwrap().data,
        vec![0x89u8, b'P', b'N', b'G', 0, 0xff]
    );
    // A transformed download goes to /render/image/authenticated (the mock answers the original).
    let png = avatars
        .download(
            "cat.png",
            &DownloadOptions::new().transform(TransformOptions::new().width(10)),
        )
        .await
        .unwrap();
    assert_eq!(png.len(), 6);
    assert!(mock.requests().iter().any(|r| r.path
        == "/storage/v1/render/image/authenticated/avatars/cat.png"
        && r.query.as_deref() == Some("width=10")));

    // A 0-byte object.
    avatars
        .upload("empty.bin", Vec::<u8>::new(), &FileOptions::new())
        .await
        .unwrap();
    assert_eq!(mock.object("avatars", "empty.bin").unwrap().data.len(), 0);
    assert!(
        avatars
            .download("empty.bin", &DownloadOptions::new())
            .await
            .unwrap()
            .is_empty()
    );
    let mut stream = avatars
        .download_stream("empty.bin", &DownloadOptions::new())
        .await
        .unwrap();
    assert!(stream.next().await.is_none());

    // Missing objects.
    let err = avatars
        .download("nope.txt", &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("NoSuchKey"));
    assert!(!avatars.exists("nope.txt").await.unwrap());
    let err = storage
        .from("missing-bucket")
        .upload("a.txt", "a", &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("NoSuchBucket"));
}

#[tokio::test]
async fn streaming_uploads_and_downloads() {
    let (mock, storage) = setup().await;
    mock.create_bucket("b", false);
    let api = storage.from("b");
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&src, &data).unwrap();
    api.upload_file(
        "file.bin",
        &src,
        &FileOptions::new().content_type("application/octet-stream"),
    )
    .await
    .unwrap();
    assert_eq!(mock.object("b", "file.bin").unwrap().data, data);

    api.upload_reader(
        "reader.bin",
        std::io::Cursor::new(data.clone()),
        Some(data.len() as u64),
        &FileOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(mock.object("b", "reader.bin").unwrap().data, data);

    let chunks: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(10_000)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    api.upload_stream(
        "stream.bin",
        futures_util::stream::iter(chunks),
        None,
        &FileOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(mock.object("b", "stream.bin").unwrap().data, data);

    let mut download = api
        .download_stream("stream.bin", &DownloadOptions::new())
        .await
        .unwrap();
    assert_eq!(download.content_length, Some(data.len() as u64));
    let mut got = Vec::new();
    while let Some(chunk) = download.next().await {
        got.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(got, data);

    let dest = dir.path().join("out.bin");
    let written = api
        .download_to_file("file.bin", &dest, &DownloadOptions::new())
        .await
        .unwrap();
    assert_eq!(written, data.len() as u64);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[tokio::test]
async fn list_list_v2_move_copy_remove() {
    let (mock, storage) = setup().await;
    mock.create_bucket("b", false);
    mock.create_bucket("archive", false);
    let api = storage.from("b");
    for key in ["f/a.txt", "f/b.txt", "f/sub/c.txt", "top.txt"] {
        api.upload(key, "x", &FileOptions::new()).await.unwrap();
    }
    let root = api.list("", &SearchOptions::new()).await.unwrap();
    let names: Vec<_> = root
        .iter()
        .map(|e| (e.name.as_str(), e.is_folder()))
        .collect();
    assert_eq!(names, [("f", true), ("top.txt", false)]);
    let f = api
        .list("f", &SearchOptions::new().sort_by("name", "desc"))
        .await
        .unwrap();
    let names: Vec<_> = f.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["sub", "b.txt", "a.txt"]);
    assert_eq!(f[1].size(), Some(1));
    let limited = api
        .list("f", &SearchOptions::new().limit(1).offset(1))
        .await
        .unwrap();
    assert_eq!(limited[0].name, "b.txt");

    let page = api
        .list_v2(&SearchV2Options::new().prefix("f/").limit(2))
        .await
        .unwrap();
    assert!(page.has_next);
    assert_eq!(page.objects.len(), 2);
    let next = api
        .list_v2(
            &SearchV2Options::new()
                .prefix("f/")
                .limit(2)
                .cursor(page.next_cursor.clone().unwrap()),
        )
        .await
        .unwrap();
    assert!(!next.has_next);
    assert_eq!(next.objects.len(), 1);
    let folders = api
        .list_v2(&SearchV2Options::new().prefix("f/").with_delimiter(true))
        .await
        .unwrap();
    assert_eq!(folders.folders.len(), 1);
    assert_eq!(folders.folders[0].name, "sub");

    api.move_object("top.txt", "moved/top.txt", &DestinationOptions::new())
        .await
        .unwrap();
    assert!(mock.object("b", "top.txt").is_none());
    assert!(mock.object("b", "moved/top.txt").is_some());
    api.move_object(
        "moved/top.txt",
        "top.txt",
        &DestinationOptions::new().destination_bucket("archive"),
    )
    .await
    .unwrap();
    assert!(mock.object("archive", "top.txt").is_some());
    let copy = api
        .copy_object(
            "f/a.txt",
            "copy of a.txt",
            &DestinationOptions::new().destination_bucket("archive"),
        )
        .await
        .unwrap();
    assert_eq!(copy.full_path, "archive/copy of a.txt");
    assert!(mock.object("b", "f/a.txt").is_some());
    let err = api
        .copy_object("missing.txt", "x.txt", &DestinationOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_not_found());

    let removed = api
        .remove(["f/a.txt", "f/b.txt", "never.txt"])
        .await
        .unwrap();
    assert_eq!(removed.len(), 2);
    assert_eq!(mock.keys("b"), ["f/sub/c.txt"]);
    assert!(api.remove(Vec::<String>::new()).await.unwrap().is_empty());
}

#[tokio::test]
async fn signed_and_public_urls_work_for_awkward_keys() {
    let (mock, storage) = setup().await;
    mock.create_bucket("pub", true);
    mock.create_bucket("priv", false);
    let key = "my docs/what?&+.txt";
    storage
        .from("priv")
        .upload(key, "secret content", &FileOptions::new())
        .await
        .unwrap();
    storage
        .from("pub")
        .upload(key, "public content", &FileOptions::new())
        .await
        .unwrap();
    let http = supabase_core::http_client_builder()
        .unwrap()
        .build()
        .unwrap();

    let signed = storage
        .from("priv")
        .create_signed_url(key, 60, &UrlOptions::new().download("my cat & co.png"))
        .await
        .unwrap();
    assert!(
        signed
            .expose()
            .contains("/object/sign/priv/my%20docs/what%3F&+.txt?token=")
    );
    assert!(signed.expose().ends_with("&download=my+cat+%26+co.png"));
    assert!(!format!("{signed:?} {signed}").contains(&signed.token().unwrap()));
    let body = http
        .get(signed.expose())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "secret content");

    let many = storage
        .from("priv")
        .create_signed_urls([key, "missing.txt"], 60, &UrlOptions::new())
        .await
        .unwrap();
    assert!(many[0].signed_url.is_some());
    assert!(many[1].signed_url.is_none());
    assert!(many[1].error.as_deref().unwrap().contains("does not exist"));
    let err = storage
        .from("priv")
        .create_signed_url("missing.txt", 60, &UrlOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_not_found());

    let public = storage
        .from("pub")
        .get_public_url(key, &UrlOptions::new())
        .unwrap();
    let body = http
        .get(&public)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "public content");

    // Signed upload URL, then upload to it.
    let up = storage
        .from("priv")
        .create_signed_upload_url("uploads/new file?.txt", false)
        .await
        .unwrap();
    assert!(!format!("{up:?}").contains(&up.token));
    storage
        .from("priv")
        .upload_to_signed_url(&up.path, &up.token, "via token", &FileOptions::new())
        .await
        .unwrap();
    assert_eq!(
        mock.object("priv", "uploads/new file?.txt").unwrap().data,
        b"via token"
    );
    let err = storage
        .from("priv")
        .upload_to_signed_url(&up.path, "forged", "x", &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_access_denied(), "{err:?}");
}

#[tokio::test]
async fn bad_names_are_refused_before_anything_is_sent() {
    let (mock, storage) = setup().await;
    mock.create_bucket("b", false);
    let api = storage.from("b");
    for (path, c) in [
        ("a#b.txt", Some('#')),
        ("100%.txt", Some('%')),
        ("ü.txt", Some('ü')),
        ("../x", None),
        ("", None),
        ("a/./b", None),
    ] {
        let err = api
            .upload(path, "x", &FileOptions::new())
            .await
            .unwrap_err();
        match &err {
            Error::InvalidPath { character, .. } => assert_eq!(*character, c, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
        assert!(err.is_invalid_key());
        assert!(api.download(path, &DownloadOptions::new()).await.is_err());
        assert!(api.remove([path]).await.is_err());
        assert!(
            api.create_signed_url(path, 1, &UrlOptions::new())
                .await
                .is_err()
        );
        assert!(
            api.move_object("ok.txt", path, &DestinationOptions::new())
                .await
                .is_err()
        );
    }
    let err = storage
        .from("a/b")
        .list("", &SearchOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidBucket {
            character: Some('/'),
            ..
        }
    ));
    assert!(storage.get_bucket("..").await.is_err());
    assert!(
        storage
            .create_bucket("", &BucketOptions::new())
            .await
            .is_err()
    );
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
}

#[tokio::test]
async fn bad_servers_give_typed_errors() {
    let mock = StorageMock::start().await;
    // No retries here: core would retry the buffered read of a cut answer (after 1 s, 2 s,
    // 4 s), and this test does not sleep.
    let service = supabase_storage::Service::standalone(&mock.storage_url(), KEY)
        .unwrap()
        .with_retry(supabase_core::RetryPolicy::disabled());
    let storage = StorageClient::from_service(service);
    mock.create_bucket("b", false);
    mock.put_object("b", "a.txt", b"0123456789", "text/plain");
    let api = storage.from("b");

    // An HTML error page from a proxy.
    mock.inject_once(
        None,
        "/storage/v1/object/b/",
        502,
        &[("content-type", "text/html")],
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    );
    let err = api
        .download("a.txt", &DownloadOptions::new())
        .await
        .unwrap_err();
    let api_err = err.as_api().unwrap();
    assert_eq!((api_err.status, api_err.kind), (502, ErrorKind::Server));
    assert_eq!(api_err.message, "Bad Gateway");

    // A proxy's 413 with no JSON, and Storage's own EntityTooLarge.
    mock.inject_once(
        Some("POST"),
        "/storage/v1/object/",
        413,
        &[],
        b"<html>413 Request Entity Too Large</html>",
    );
    let err = api
        .upload("big.bin", "0123456789", &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_payload_too_large(), "{err:?}");
    mock.set_max_object_size(5);
    let err = api
        .upload("big.bin", "0123456789", &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_payload_too_large());
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("EntityTooLarge")
    );
    assert!(mock.object("b", "big.bin").is_none());

    // A body shorter than its Content-Length: whole, streamed and to a file.
    for _ in 0..3 {
        mock.inject_once(
            Some("GET"),
            "/storage/v1/object/b/a.txt",
            200,
            &[("content-length", "100"), ("content-type", "text/plain")],
            b"only ten b",
        );
    }
    let err = api
        .download("a.txt", &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Truncated { .. } | Error::Core(_)),
        "{err:?}"
    );
    let mut stream = api
        .download_stream("a.txt", &DownloadOptions::new())
        .await
        .unwrap();
    let mut last = None;
    while let Some(item) = stream.next().await {
        last = Some(item);
    }
    assert!(
        matches!(last, Some(Err(Error::Truncated { expected: 100, .. }))),
        "{last:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("cut.txt");
    let err = api
        .download_to_file("a.txt", &dest, &DownloadOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err:?}");
    assert!(!dest.exists());
    assert!(!dir.path().join("cut.txt.part").exists());
}

#[tokio::test]
async fn an_interrupted_plain_upload_fails_and_stores_nothing() {
    let (mock, storage) = setup().await;
    mock.create_bucket("b", false);
    let chunks = futures_util::stream::iter(vec![
        Ok(Bytes::from(vec![1u8; 64 * 1024])),
        Ok(Bytes::from(vec![2u8; 64 * 1024])),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "dropped",
        )),
    ]);
    let err = storage
        .from("b")
        .upload_stream("half.bin", chunks, Some(1024 * 1024), &FileOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Core(_)), "{err:?}");
    assert!(mock.object("b", "half.bin").is_none());
    assert!(mock.keys("b").is_empty());
}

#[tokio::test]
async fn the_users_token_goes_out_and_no_secret_shows() {
    let (mock, storage) = setup().await;
    mock.create_bucket("b", false);
    let jwt = mint_user_jwt("00000000-0000-4000-8000-000000000007", None);
    let as_user = storage.with_token(jwt.clone()).unwrap();
    as_user
        .from("b")
        .upload("mine.txt", "x", &FileOptions::new())
        .await
        .unwrap();
    storage
        .list_buckets(&ListBucketsOptions::new())
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests[0].bearer.as_deref(), Some(jwt.as_str()));
    assert_eq!(requests[0].apikey.as_deref(), Some(KEY));
    assert_eq!(requests[1].bearer.as_deref(), Some(KEY));
    assert_eq!(
        mock.object("b", "mine.txt").unwrap().owner,
        "00000000-0000-4000-8000-000000000007"
    );
    let shown = format!("{as_user:?} {:?}", as_user.from("b"));
    assert!(!shown.contains(&jwt), "{shown}");
    assert!(!shown.contains(KEY), "{shown}");
    // An error answer quoting the token does not show it.
    mock.inject_once(
        None,
        "/storage/v1/bucket",
        400,
        &[("content-type", "application/json")],
        format!(r#"{{"statusCode":"403","code":"InvalidJWT","message":"bad token {jwt}"}}"#)
            .as_bytes(),
    );
    let err = as_user
        .list_buckets(&ListBucketsOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_access_denied());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(&jwt), "{shown}");
    // A credential header in the file options is refused.
    let err = as_user
        .from("b")
        .upload("x.txt", "x", &FileOptions::new().header("apikey", "other"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    let _ = Body::empty();
}

#[tokio::test]
async fn vector_buckets() {
    use supabase_storage::vectors::ListVectorBucketsOptions;
    let (mock, storage) = setup().await;
    let vectors = storage.vectors();
    vectors.create_bucket("embeddings").await.unwrap();
    vectors.create_bucket("emb-2").await.unwrap();
    vectors.create_bucket("other").await.unwrap();
    let err = vectors.create_bucket("other").await.unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 409);
    let bucket = vectors.get_bucket("embeddings").await.unwrap();
    assert_eq!(bucket.vector_bucket_name, "embeddings");
    let page = vectors
        .list_buckets(&ListVectorBucketsOptions::new().prefix("emb"))
        .await
        .unwrap();
    assert_eq!(page.names, ["emb-2", "embeddings"]);
    vectors.delete_bucket("other").await.unwrap();
    let err = vectors.get_bucket("other").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(vectors.create_bucket("").await.is_err());
    assert_eq!(
        mock.requests().last().unwrap().path,
        "/storage/v1/vector/GetVectorBucket"
    );
}
