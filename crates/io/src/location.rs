//! A file or directory on some storage: the handle tamis passes around instead
//! of a `PathBuf`.

use crate::{context, registry, Entry, Listing, Lock, Storage, Upload};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// A file or directory: a store and a key in it.
///
/// Parsed from what a user writes ([`Location::parse`]): a local path, or a URL
/// whose scheme picks the backend. Directories are prefixes: `join` builds the
/// locations below them, on every backend alike.
#[derive(Clone)]
pub struct Location {
    store: Arc<dyn Storage>,
    key: String,
    /// How the user writes it, computed once: it names the location in errors.
    url: String,
}

impl Location {
    /// The location a user wrote: `s3://bucket/key`, `gs://…`, `az://…`,
    /// `https://host/path`, `memory://name/key`, `file:///path` or a local path.
    pub fn parse(text: &str) -> io::Result<Location> {
        let (store, key) = registry::resolve(text)?;
        Ok(Location::new(store, key))
    }

    /// The location `key` in `store`.
    pub fn new(store: Arc<dyn Storage>, key: String) -> Location {
        let url = store.url(&key);
        Location { store, key, url }
    }

    /// Its key in its store.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Its store.
    pub fn store(&self) -> &Arc<dyn Storage> {
        &self.store
    }

    /// The location `name` below this one (`name` may hold `/`).
    pub fn join(&self, name: &str) -> Location {
        let name = name.trim_start_matches('/');
        if name.is_empty() {
            return self.clone();
        }
        let key = match self.key.as_str() {
            "" | "." => name.to_string(),
            key if key.ends_with('/') => format!("{key}{name}"),
            key => format!("{key}/{name}"),
        };
        Location::new(self.store.clone(), key)
    }

    /// The last part of its key.
    pub fn file_name(&self) -> &str {
        self.key.trim_end_matches('/').rsplit('/').next().unwrap_or("")
    }

    /// The directory holding it (the store's root for a top-level key).
    pub fn parent(&self) -> Location {
        let key = self.key.trim_end_matches('/');
        let parent = match key.rsplit_once('/') {
            Some(("", _)) => "/",
            Some((parent, _)) => parent,
            None => "",
        };
        Location::new(self.store.clone(), parent.to_string())
    }

    /// The path of a local file; `None` on other stores.
    pub fn local_path(&self) -> Option<PathBuf> {
        self.store.local_path(&self.key)
    }

    /// Streams the file from its start.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        self.open_at(0)
    }

    /// Streams the file from byte `offset`.
    pub fn open_at(&self, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        self.store.open(&self.key, offset).map_err(|e| self.error(e))
    }

    /// The bytes `range` of the file.
    pub fn read_range(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        self.store.read_range(&self.key, range).map_err(|e| self.error(e))
    }

    /// The whole file, for small files (markers, stats, word lists, models).
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open()?.read_to_end(&mut bytes).map_err(|e| self.error(e))?;
        Ok(bytes)
    }

    /// The whole file, or `None` if there is none.
    pub fn read_if_exists(&self) -> io::Result<Option<Vec<u8>>> {
        match self.read() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The file's size.
    pub fn size(&self) -> io::Result<u64> {
        self.store.size(&self.key).map_err(|e| self.error(e))
    }

    /// Whether there is a file here.
    pub fn exists(&self) -> io::Result<bool> {
        match self.store.size(&self.key) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Starts writing the file; it appears, whole, at [`Upload::commit`].
    pub fn create(&self) -> io::Result<Box<dyn Upload>> {
        let upload = self.store.create(&self.key).map_err(|e| self.error(e))?;
        Ok(Box::new(Named {
            upload,
            url: self.url.clone(),
        }))
    }

    /// Writes the whole file at once, atomically.
    pub fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut upload = self.create()?;
        upload.write_all(bytes)?;
        upload.commit()
    }

    /// Every file below this directory, at any depth, sorted.
    pub fn list(&self) -> io::Result<Vec<(Location, u64)>> {
        let entries = self.store.list(&self.key).map_err(|e| self.error(e))?;
        Ok(entries.into_iter().map(|e| self.entry(e)).collect())
    }

    /// The files (with their sizes) and directories directly in this directory.
    pub fn list_dir(&self) -> io::Result<DirListing> {
        let Listing { files, dirs } = self.store.list_dir(&self.key).map_err(|e| self.error(e))?;
        Ok(DirListing {
            files: files.into_iter().map(|e| self.entry(e)).collect(),
            dirs: dirs
                .into_iter()
                .map(|key| Location::new(self.store.clone(), key))
                .collect(),
        })
    }

    fn entry(&self, entry: Entry) -> (Location, u64) {
        (Location::new(self.store.clone(), entry.key), entry.size)
    }

    /// Uploads in this directory that a killed process left unfinished: the
    /// name each was to have, and the leftover itself (to delete).
    pub fn abandoned_uploads(&self) -> io::Result<Vec<(String, Location)>> {
        let found = self.store.abandoned_uploads(&self.key).map_err(|e| self.error(e))?;
        Ok(found
            .into_iter()
            .map(|(name, key)| (name, Location::new(self.store.clone(), key)))
            .collect())
    }

    /// Deletes the file, if there is one.
    pub fn delete(&self) -> io::Result<()> {
        self.store.delete(&self.key).map_err(|e| self.error(e))
    }

    /// Deletes every file below this directory.
    pub fn delete_all(&self) -> io::Result<()> {
        self.store.delete_all(&self.key).map_err(|e| self.error(e))
    }

    /// Takes the lock file here for this process, or fails with `WouldBlock`
    /// naming the holder.
    pub fn lock(&self) -> io::Result<Box<dyn Lock>> {
        self.store.lock(&self.key).map_err(|e| self.error(e))
    }

    fn error(&self, err: io::Error) -> io::Error {
        context(err, &self.url)
    }
}

/// One level of a directory, as locations.
#[derive(Debug, Default)]
pub struct DirListing {
    /// The files, with their sizes, sorted.
    pub files: Vec<(Location, u64)>,
    /// The directories, sorted.
    pub dirs: Vec<Location>,
}

/// An upload whose errors name its location.
struct Named {
    upload: Box<dyn Upload>,
    url: String,
}

impl Write for Named {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.upload.write(buf).map_err(|e| context(e, &self.url))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.upload.write_all(buf).map_err(|e| context(e, &self.url))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.upload.flush().map_err(|e| context(e, &self.url))
    }
}

impl Upload for Named {
    fn commit(self: Box<Self>) -> io::Result<()> {
        let url = self.url;
        self.upload.commit().map_err(|e| context(e, &url))
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({})", self.url)
    }
}

impl PartialEq for Location {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

impl Eq for Location {}

impl Hash for Location {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.url.hash(state);
    }
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> Ordering {
        self.url.cmp(&other.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_parent_and_name_work_alike_on_every_store() {
        for root in ["memory://names/out", "out", "/tmp/out/", "s3://bucket/out"] {
            let dir = Location::parse(root).unwrap();
            let file = dir.join("stats/00001.json");
            assert_eq!(file.file_name(), "00001.json");
            assert_eq!(file.parent().file_name(), "stats");
            assert_eq!(file.parent().parent(), dir, "{root}");
        }
        assert_eq!(
            Location::parse("s3://bucket/out/").unwrap().join("a").to_string(),
            "s3://bucket/out/a"
        );
        assert_eq!(Location::parse("/a").unwrap().parent().to_string(), "/");
        assert_eq!(Location::parse("a").unwrap().parent().join("b").to_string(), "b");
    }
}
