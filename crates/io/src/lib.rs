//! Storage: one interface for everything a pipeline opens, lists, creates or
//! deletes — inputs, outputs, removed documents, stats, completion markers, the
//! exchange files of corpus-wide steps, models and word lists.
//!
//! - [`Location`]: a file or directory on some [`Storage`], parsed from a local
//!   path or a URL (`s3://bucket/key`, `gs://`, `az://`, `https://`,
//!   `memory://`); the handle the rest of tamis passes around;
//! - backends: [`local`] (the file system) and [`object`] (the `object_store`
//!   crate: S3 and S3-compatible servers, GCS, Azure, read-only HTTP, and an
//!   in-memory store for tests), chosen by [`registry`] from the URL;
//! - [`glob`]: patterns and directories expanded over listings, the same way
//!   on every backend; [`paths_file`]: lists of paths such as Common Crawl's
//!   `warc.paths.gz`;
//! - [`conformance`]: the one test suite every backend passes.
//!
//! The contract every backend keeps, so that the commit protocol of the runner
//! needs no rename:
//! - reads stream: a file is never held whole in memory, and a remote read that
//!   fails in the middle resumes at the byte where it stopped;
//! - a file being written is invisible under its name until [`Upload::commit`],
//!   and an upload dropped without a commit leaves nothing behind;
//! - errors are `io::Error`s whose message names the location.
#![deny(missing_docs)]

pub mod conformance;
pub mod failpoint;
pub mod glob;
pub mod local;
mod location;
pub mod object;
mod owner;
pub mod paths_file;
pub mod registry;
mod retry;
mod runtime;

pub use location::{DirListing, Location};
pub use owner::{pid_is_gone, Owner};
pub use retry::RetryPolicy;

use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::PathBuf;

/// A file found by a listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// Its key in the store.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

/// One level of a directory: the files in it and the directories below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Files directly in the directory, sorted by key.
    pub files: Vec<Entry>,
    /// Keys of the directories directly below it, sorted.
    pub dirs: Vec<String>,
}

/// A place files are kept: a file system, a bucket, a web server.
///
/// Keys are `/`-separated paths inside the store. Methods block; remote
/// backends run their requests on a runtime of their own.
pub trait Storage: Send + Sync + fmt::Debug {
    /// How a user writes the file `key` of this store: `s3://bucket/key`, or the
    /// path itself for local files.
    fn url(&self, key: &str) -> String;

    /// Streams the file from byte `offset` on. A missing file is `NotFound`.
    fn open(&self, key: &str, offset: u64) -> io::Result<Box<dyn Read + Send>>;

    /// Reads the bytes `range` of the file (fewer if it ends first).
    fn read_range(&self, key: &str, range: Range<u64>) -> io::Result<Vec<u8>>;

    /// The file's size. A missing file is `NotFound`.
    fn size(&self, key: &str) -> io::Result<u64>;

    /// Starts writing the file, replacing any file of that name once committed.
    fn create(&self, key: &str) -> io::Result<Box<dyn Upload>>;

    /// Every file below the directory `prefix`, at any depth, sorted by key;
    /// empty if there is none.
    fn list(&self, prefix: &str) -> io::Result<Vec<Entry>>;

    /// The files and directories directly in the directory `prefix`.
    fn list_dir(&self, prefix: &str) -> io::Result<Listing>;

    /// Deletes the file; a missing file is not an error.
    fn delete(&self, key: &str) -> io::Result<()>;

    /// Deletes every file below the directory `prefix`.
    fn delete_all(&self, prefix: &str) -> io::Result<()> {
        for entry in self.list(prefix)? {
            self.delete(&entry.key)?;
        }
        Ok(())
    }

    /// Takes the lock `key` for this process, or fails with `WouldBlock` and
    /// a message naming the holder ([`Owner`]). Held until dropped.
    fn lock(&self, key: &str) -> io::Result<Box<dyn Lock>>;

    /// Uploads in `dir` that a killed process left unfinished, as `(the name
    /// they were to have, their key)`: files to delete before writing those
    /// names again. Object stores keep no such thing in sight (an unfinished
    /// multipart upload is invisible), so the default is none.
    fn abandoned_uploads(&self, _dir: &str) -> io::Result<Vec<(String, String)>> {
        Ok(Vec::new())
    }

    /// The file's path, when the store is the local file system.
    fn local_path(&self, _key: &str) -> Option<PathBuf> {
        None
    }
}

/// A file being written. Nothing is visible under its name until
/// [`commit`](Upload::commit); dropped without it, the upload is abandoned and
/// leaves nothing.
pub trait Upload: Write + Send {
    /// Finishes the file and makes it visible, whole, under its name.
    fn commit(self: Box<Self>) -> io::Result<()>;
}

/// A held lock; released when dropped (or when its process dies).
pub trait Lock: Send {}

/// `err` with `what` (a location, usually) in front of its message, same kind.
pub(crate) fn context(err: io::Error, what: &str) -> io::Error {
    io::Error::new(err.kind(), format!("{what}: {err}"))
}
