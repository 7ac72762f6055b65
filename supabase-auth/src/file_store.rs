//! A [`SessionStore`] that keeps one file per key in a folder, for CLIs and desktop apps.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use supabase_core::BoxError;

use crate::SessionStore;

/// A store that writes each key to `<dir>/<key>.json`.
///
/// - Writes are atomic: the value goes to a temporary file in the same folder, is flushed to
///   disk, then renamed over the old file, so a crash never leaves a half-written session.
/// - On Unix the files are created with permissions `0600` (owner read/write only), and the
///   folder, when this store creates it, with `0700`.
/// - Keys must be 1–128 characters of `A–Z a–z 0–9 - _ .` and not start with `.`; anything
///   else is refused, so a key can never escape the folder.
///
/// ```
/// use supabase_auth::{FileStore, SessionStore};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = std::env::temp_dir().join(format!("supabase-doc-{}", std::process::id()));
/// let store = FileStore::new(&dir);
/// store.set("sb-demo-auth-token", "{}").await.unwrap();
/// assert_eq!(store.get("sb-demo-auth-token").await.unwrap().as_deref(), Some("{}"));
/// store.remove("sb-demo-auth-token").await.unwrap();
/// assert!(store.set("../escape", "x").await.is_err());
/// # let _ = std::fs::remove_dir_all(&dir);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// A store in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> Result<PathBuf, BoxError> {
        let valid = !key.is_empty()
            && key.len() <= 128
            && !key.starts_with('.')
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid {
            return Err("invalid store key: use 1-128 characters of A-Z a-z 0-9 - _ .".into());
        }
        Ok(self.dir.join(format!("{key}.json")))
    }
}

#[async_trait]
impl SessionStore for FileStore {
    async fn get(&self, key: &str) -> Result<Option<String>, BoxError> {
        let path = self.path(key)?;
        blocking(move || match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), BoxError> {
        let path = self.path(key)?;
        let dir = self.dir.clone();
        let value = value.to_owned();
        blocking(move || write_atomically(&dir, &path, value.as_bytes())).await
    }

    async fn remove(&self, key: &str) -> Result<(), BoxError> {
        let path = self.path(key)?;
        blocking(move || match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        })
        .await
    }
}

fn write_atomically(dir: &Path, path: &Path, value: &[u8]) -> Result<(), BoxError> {
    create_private_dir(dir)?;
    // tempfile creates the file with mode 0600 on Unix.
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(value)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), BoxError> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    Ok(())
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), BoxError> {
    std::fs::create_dir_all(dir)?;
    Ok(())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BoxError> + Send + 'static,
) -> Result<T, BoxError> {
    tokio::task::spawn_blocking(f).await?
}
