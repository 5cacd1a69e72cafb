//! Publishing into a folder on this computer or a mounted share (`file://`).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::Remote;

/// A site's folder reached through the file system.
#[derive(Debug)]
pub struct FolderRemote {
    root: PathBuf,
}

impl FolderRemote {
    /// The site's folder `root` (created by the first upload).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }
}

/// The temporary name a file is written under before it is renamed to `path`.
pub fn part_name(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/.{name}.policyweb-part"),
        None => format!(".{path}.policyweb-part"),
    }
}

impl Remote for FolderRemote {
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.root.join(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn is_empty(&mut self) -> io::Result<bool> {
        match fs::read_dir(&self.root) {
            Ok(mut entries) => Ok(entries.next().is_none()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(e) => Err(e),
        }
    }

    fn exists(&mut self, path: &str) -> io::Result<bool> {
        match fs::symlink_metadata(self.root.join(path)) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let part = self.root.join(part_name(path));
        let mut file = fs::File::create(&part)?;
        file.write_all(bytes)?;
        fs::rename(&part, &target)
    }

    fn remove(&mut self, path: &str) -> io::Result<()> {
        match fs::remove_file(self.root.join(path)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut dir = Path::new(path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if fs::remove_dir(self.root.join(d)).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}
