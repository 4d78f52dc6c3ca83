//! The player's files: a small virtual file system in the home directory
//! of the terminal, as AWS CloudShell gives one.
//!
//! Files are text, kept by absolute path. The terminal's working directory
//! is always the home directory, so `deploy.yml`, `./deploy.yml`,
//! `~/deploy.yml` and `/home/cloudshell-user/deploy.yml` name the same
//! file. Files are part of the world's state: commands write them
//! (`echo ... > policy.json`, the editor pane) and read them (`cat`,
//! `aws ... file://policy.json`, `kubectl apply -f`), and the command log
//! replays them. Sizes are bounded so that no input can exhaust memory.

use std::collections::BTreeMap;

use serde::Serialize;

/// The terminal's home and working directory.
pub const HOME: &str = "/home/cloudshell-user";
/// Largest file, in bytes.
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Most files the home directory holds.
pub const MAX_FILES: usize = 100;
/// Longest path, in bytes.
pub const MAX_PATH_BYTES: usize = 1024;

/// Why a file operation failed, worded as coreutils words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    NotFound(String),
    IsADirectory(String),
    PermissionDenied(String),
    TooLarge(String),
    NoSpace(String),
    BadName(String),
}

impl FileError {
    /// The message after `program: `, as in `cat: x: No such file or directory`.
    pub fn message(&self) -> String {
        match self {
            FileError::NotFound(p) => format!("{p}: No such file or directory"),
            FileError::IsADirectory(p) => format!("{p}: Is a directory"),
            FileError::PermissionDenied(p) => format!("{p}: Permission denied"),
            FileError::TooLarge(p) => format!("{p}: File too large (at most {} KiB here)", MAX_FILE_BYTES / 1024),
            FileError::NoSpace(p) => format!("{p}: No space left on device (at most {MAX_FILES} files here)"),
            FileError::BadName(p) => format!("{p}: File name too long or invalid"),
        }
    }
}

/// The player's files by absolute path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Files {
    files: BTreeMap<String, String>,
}

impl Files {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The absolute path `name` refers to from the home directory, or why
    /// it cannot name a file: `.` and `..` are followed, `~` is home.
    pub fn resolve(name: &str) -> Result<String, FileError> {
        if name.is_empty() || name.len() > MAX_PATH_BYTES || name.contains('\0') {
            return Err(FileError::BadName(name.to_string()));
        }
        let joined = if let Some(rest) = name.strip_prefix('~') {
            format!("{HOME}{rest}")
        } else if name.starts_with('/') {
            name.to_string()
        } else {
            format!("{HOME}/{name}")
        };
        let mut parts: Vec<&str> = Vec::new();
        for part in joined.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        Ok(format!("/{}", parts.join("/")))
    }

    /// A file's text.
    pub fn read(&self, name: &str) -> Result<&str, FileError> {
        let path = Self::resolve(name)?;
        if self.is_dir(&path) {
            return Err(FileError::IsADirectory(name.to_string()));
        }
        self.files.get(&path).map(String::as_str).ok_or_else(|| FileError::NotFound(name.to_string()))
    }

    /// Writes (or with `append`, adds to) a file in the home directory.
    pub fn write(&mut self, name: &str, text: &str, append: bool) -> Result<(), FileError> {
        let path = Self::resolve(name)?;
        if self.is_dir(&path) {
            return Err(FileError::IsADirectory(name.to_string()));
        }
        if !path.starts_with(&format!("{HOME}/")) {
            return Err(FileError::PermissionDenied(name.to_string()));
        }
        let old = self.files.get(&path).map_or(0, String::len);
        let size = if append { old + text.len() } else { text.len() };
        if size > MAX_FILE_BYTES {
            return Err(FileError::TooLarge(name.to_string()));
        }
        if !self.files.contains_key(&path) && self.files.len() >= MAX_FILES {
            return Err(FileError::NoSpace(name.to_string()));
        }
        let file = self.files.entry(path).or_default();
        if !append {
            file.clear();
        }
        file.push_str(text);
        Ok(())
    }

    /// Removes a file.
    pub fn remove(&mut self, name: &str) -> Result<(), FileError> {
        let path = Self::resolve(name)?;
        if self.is_dir(&path) {
            return Err(FileError::IsADirectory(name.to_string()));
        }
        self.files.remove(&path).map(drop).ok_or_else(|| FileError::NotFound(name.to_string()))
    }

    /// Whether `path` (absolute) is a directory: home, or a parent of a file.
    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        path == "/" || path == HOME || HOME.starts_with(&prefix) || self.files.keys().any(|k| k.starts_with(&prefix))
    }

    /// The entries of a directory (names, directories ending in `/`), or
    /// the file itself; sorted.
    pub fn list(&self, name: &str) -> Result<Vec<(String, usize)>, FileError> {
        let path = Self::resolve(name)?;
        if let Some(text) = self.files.get(&path) {
            return Ok(vec![(name.to_string(), text.len())]);
        }
        if !self.is_dir(&path) {
            return Err(FileError::NotFound(name.to_string()));
        }
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let mut out: Vec<(String, usize)> = Vec::new();
        for (file, text) in self.files.range(prefix.clone()..) {
            let Some(rest) = file.strip_prefix(&prefix) else { break };
            let entry = match rest.split_once('/') {
                Some((dir, _)) => (format!("{dir}/"), 0),
                None => (rest.to_string(), text.len()),
            };
            if out.last().map(|(n, _)| n) != Some(&entry.0) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Every file, by absolute path, for the editor pane.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_from_home() {
        for name in ["deploy.yml", "./deploy.yml", "~/deploy.yml", "/home/cloudshell-user/deploy.yml", "x/../deploy.yml"] {
            assert_eq!(Files::resolve(name).unwrap(), "/home/cloudshell-user/deploy.yml", "{name}");
        }
        assert_eq!(Files::resolve("../../..").unwrap(), "/");
    }

    #[test]
    fn write_read_append_remove() {
        let mut f = Files::default();
        f.write("a.json", "{}", false).unwrap();
        f.write("a.json", "\n", true).unwrap();
        assert_eq!(f.read("~/a.json").unwrap(), "{}\n");
        assert_eq!(f.read("b.json"), Err(FileError::NotFound("b.json".into())));
        assert_eq!(f.write("/etc/passwd", "x", false), Err(FileError::PermissionDenied("/etc/passwd".into())));
        assert_eq!(f.read("~"), Err(FileError::IsADirectory("~".into())));
        f.write("k8s/deploy.yml", "kind: Deployment", false).unwrap();
        assert_eq!(f.list(".").unwrap(), vec![("a.json".into(), 3), ("k8s/".into(), 0)]);
        assert_eq!(f.write("k8s", "x", false), Err(FileError::IsADirectory("k8s".into())));
        f.remove("a.json").unwrap();
        assert!(f.remove("a.json").is_err());
    }

    #[test]
    fn sizes_are_bounded() {
        let mut f = Files::default();
        let big = "x".repeat(MAX_FILE_BYTES + 1);
        assert!(matches!(f.write("big", &big, false), Err(FileError::TooLarge(_))));
        for i in 0..MAX_FILES {
            f.write(&format!("f{i}"), "", false).unwrap();
        }
        assert!(matches!(f.write("one-more", "", false), Err(FileError::NoSpace(_))));
        f.write("f0", "still writable", false).unwrap();
    }
}
