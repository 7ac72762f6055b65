//! Resumable (TUS) uploads against the in-memory Storage mock: chunks, progress, a dropped
//! connection midway and the resume from the stored URL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use supabase_storage::resumable::{DEFAULT_CHUNK_SIZE, UploadProgress};
use supabase_storage::{Error, FileOptions, StorageClient};
use supabase_test_support::storage_mock::StorageMock;

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 253) as u8).collect()
}

#[tokio::test]
async fn uploads_in_6_mib_chunks_with_progress() {
    let mock = StorageMock::start().await;
    mock.create_bucket("videos", false);
    let api = StorageClient::new(&mock.storage_url(), "anon")
        .unwrap()
        .from("videos");
    let bytes = data(2 * DEFAULT_CHUNK_SIZE + 12_345);
    let mut upload = api
        .create_resumable_upload(
            "clips/a b?.bin",
            bytes.len() as u64,
            &FileOptions::new()
                .content_type("application/octet-stream")
                .metadata(serde_json::json!({"k": "v"})),
        )
        .await
        .unwrap();
    assert!(
        upload
            .url()
            .starts_with(&format!("{}/upload/resumable/", mock.storage_url()))
    );
    let events = upload.progress();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let done = upload
        .send(Cursor::new(bytes.clone()), move |p| {
            record.lock().unwrap().push(p)
        })
        .await
        .unwrap();
    assert_eq!(done.full_path, "videos/clips/a b?.bin");
    let seen = seen.lock().unwrap().clone();
    let total = bytes.len() as u64;
    assert_eq!(
        seen.iter().map(|p| p.sent).collect::<Vec<_>>(),
        [
            DEFAULT_CHUNK_SIZE as u64,
            2 * DEFAULT_CHUNK_SIZE as u64,
            total
        ]
    );
    assert!(seen.last().unwrap().is_done());
    let stored = mock.object("videos", "clips/a b?.bin").unwrap();
    assert_eq!(stored.data, bytes);
    assert_eq!(stored.content_type, "application/octet-stream");
    assert_eq!(stored.metadata, serde_json::json!({"k": "v"}));
    assert_eq!(mock.pending_resumable_uploads(), 0);
    // The progress stream saw the last value, and ends once the upload is dropped.
    drop(upload);
    let streamed: Vec<UploadProgress> = events.collect().await;
    assert_eq!(streamed.last().map(|p| p.sent), Some(total));
    let patches = mock
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert_eq!(patches, 3);
}

#[tokio::test]
async fn a_dropped_connection_is_resumed_from_the_stored_url() {
    let mock = StorageMock::start().await;
    mock.create_bucket("b", false);
    let api = StorageClient::new(&mock.storage_url(), "anon")
        .unwrap()
        .from("b");
    let bytes = data(15 * 1024 * 1024);
    let mut upload = api
        .create_resumable_upload("big.bin", bytes.len() as u64, &FileOptions::new())
        .await
        .unwrap();
    let stored_url = upload.url().to_owned();
    // The first PATCH is cut after 1 MiB and 123 bytes.
    mock.cut_next_patch_after(1024 * 1024 + 123);
    let err = upload
        .send(Cursor::new(bytes.clone()), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_) | Error::Core(_)), "{err:?}");
    assert!(
        mock.object("b", "big.bin").is_none(),
        "no object before the last byte"
    );
    drop(upload);

    // Later, from the stored URL only.
    let mut resumed = api.resume_upload(&stored_url).await.unwrap();
    assert_eq!(resumed.offset(), 1024 * 1024 + 123);
    assert_eq!(resumed.length(), bytes.len() as u64);
    let mut calls = 0;
    let done = resumed
        .send(Cursor::new(bytes.clone()), |_| calls += 1)
        .await
        .unwrap();
    assert_eq!(done.full_path, "b/big.bin");
    assert_eq!(calls, 3); // 6 MiB, 6 MiB, the rest
    assert_eq!(mock.object("b", "big.bin").unwrap().data, bytes);

    // A finished upload cannot be resumed.
    let err = api.resume_upload(&stored_url).await.unwrap_err();
    assert!(matches!(err, Error::Resumable(_)), "{err:?}");
}

#[tokio::test]
async fn refusals_and_edge_cases() {
    let mock = StorageMock::start().await;
    mock.create_bucket("b", false);
    mock.put_object("b", "exists.bin", b"x", "text/plain");
    let api = StorageClient::new(&mock.storage_url(), "anon")
        .unwrap()
        .from("b");
    // Bad keys: refused before sending.
    let err = api
        .create_resumable_upload("a#b", 1, &FileOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidPath {
            character: Some('#'),
            ..
        }
    ));
    assert!(mock.requests().is_empty());
    // Existing object without upsert; too large.
    let err = api
        .create_resumable_upload("exists.bin", 1, &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_already_exists());
    mock.set_max_object_size(10);
    let err = api
        .create_resumable_upload("big.bin", 11, &FileOptions::new())
        .await
        .unwrap_err();
    assert!(err.is_payload_too_large());
    // An upload URL on another origin is not followed.
    let err = api
        .resume_upload("https://elsewhere.example/storage/v1/upload/resumable/x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Resumable(_)));
    // A 0-byte object.
    let mut empty = api
        .create_resumable_upload("empty.bin", 0, &FileOptions::new())
        .await
        .unwrap();
    empty.send(Cursor::new(Vec::new()), |_| {}).await.unwrap();
    assert_eq!(mock.object("b", "empty.bin").unwrap().data.len(), 0);
    // A source shorter than announced.
    let mut short = api
        .create_resumable_upload("short.bin", 10, &FileOptions::new())
        .await
        .unwrap();
    let err = short
        .send(Cursor::new(vec![1u8; 4]), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Resumable(_)), "{err:?}");
    short.abort().await.unwrap();
    assert_eq!(mock.pending_resumable_uploads(), 0);
    // Small chunks for servers without Supabase's 6 MiB rule.
    let mut small = api
        .create_resumable_upload("small.bin", 10, &FileOptions::new())
        .await
        .unwrap()
        .with_chunk_size(4);
    let mut steps = Vec::new();
    small
        .send(Cursor::new((0u8..10).collect::<Vec<_>>()), |p| {
            steps.push(p.sent)
        })
        .await
        .unwrap();
    assert_eq!(steps, [4, 8, 10]);
    // A file, in one call.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    std::fs::write(&path, data(10)).unwrap();
    api.upload_resumable_file("f.bin", &path, &FileOptions::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(mock.object("b", "f.bin").unwrap().data, data(10));
}
