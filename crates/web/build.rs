//! Embeds every quest file under `quests/` into the app at compile time.
//!
//! The app knows no quest by name: this script lists `quests/*.toml`,
//! sorted by file name, and writes an `include_str!` entry for each into
//! `$OUT_DIR/quest_files.rs`. A new quest file needs no code change, only a
//! rebuild (Trunk watches `quests/`). Parsing happens at run time, so that a
//! broken file shows up in the quest picker with its error instead of
//! failing the build.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let quests_dir = manifest_dir.join("../../quests");
    println!("cargo:rerun-if-changed={}", quests_dir.display());

    let files = quest_files(&quests_dir);
    let mut out = String::from("/// Quest files as `(file name, text)`, sorted by file name.\n");
    out.push_str("pub const QUEST_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");

    let out_dir = env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    if let Err(err) = fs::write(out_dir.join("quest_files.rs"), out) {
        panic!(
            "cannot write quest_files.rs into {}: {err}",
            out_dir.display()
        );
    }
}

/// Every `*.toml` file directly under `dir`, sorted. A missing directory
/// gives a warning and no quests; the picker then says so.
fn quest_files(dir: &Path) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            println!(
                "cargo:warning=no quests embedded: cannot read {}: {err}",
                dir.display()
            );
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "toml"))
        .filter_map(|path| path.canonicalize().ok())
        .collect();
    files.sort();
    files
}
