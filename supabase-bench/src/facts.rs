//! Non-timing results a bench hands to the report.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::BenchError;

/// Facts measured by one bench binary (connection counts, refresh counts, peak memory, the
/// requests each client sent), written as JSON to `<out>/facts-<bench>.json`, where `<out>`
/// is `$SUPABASE_BENCH_OUT`, else `$CARGO_TARGET_DIR/supabase-bench`, else
/// `target/supabase-bench` at the workspace root. `cargo xtask bench` clears that folder
/// before it runs the benches, so every fact in the report comes from the same run as the
/// timings.
#[derive(Debug)]
pub struct Facts {
    bench: String,
    values: BTreeMap<String, Value>,
}

impl Facts {
    /// Empty facts for the bench target `bench`.
    pub fn new(bench: &str) -> Self {
        Self {
            bench: bench.to_owned(),
            values: BTreeMap::new(),
        }
    }

    /// Records `key = value` (and prints it, so a plain `cargo bench` shows it too).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        println!("fact {key} = {value}");
        self.values.insert(key.to_owned(), value);
    }

    /// Writes the facts file and returns its path.
    pub fn write(&self) -> Result<PathBuf, BenchError> {
        let dir = out_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("facts-{}.json", self.bench));
        std::fs::write(&path, serde_json::to_vec_pretty(&self.values)?)?;
        Ok(path)
    }
}

fn out_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SUPABASE_BENCH_OUT") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("supabase-bench");
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().map(PathBuf::from).unwrap_or(manifest);
    root.join("target").join("supabase-bench")
}
