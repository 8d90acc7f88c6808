//! Object storage as a [`Storage`], through the `object_store` crate: S3 and
//! S3-compatible servers, Google Cloud Storage, Azure Blob Storage, read-only
//! HTTP(S), and an in-memory store for tests.
//!
//! - Reads stream the object's body a chunk at a time. `object_store` retries
//!   a failed request, and a body cut short (a connection reset, a server
//!   killed) is resumed here with a range request from the byte where it
//!   stopped, pinned to the object's ETag so that a replaced object is an
//!   error rather than a mix of two versions.
//! - Writes buffer one part ([`PART_SIZE`]) at a time: an object smaller than a
//!   part is one atomic PUT; a larger one is a multipart upload, completed at
//!   commit and aborted when dropped, so no object is ever visible half written.
//! - Locks are leases: an object naming its holder and an expiry, renewed by a
//!   thread while held, created with a conditional PUT where the store has one.

use crate::runtime::block_on;
use crate::{Entry, Listing, Lock, Owner, RetryPolicy, Storage, Upload};
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    GetOptions, GetRange, MultipartUpload, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
};
use std::io::{self, Read, Write};
use std::ops::Range;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Bytes per part of a multipart upload (S3 needs at least 5 MiB, and allows
/// 10,000 parts: objects up to 80 GB).
pub const PART_SIZE: usize = 8 << 20;

/// How long a lease holds without being renewed: a process killed while
/// holding one blocks its task this long at most.
const LEASE: Duration = Duration::from_secs(60);

/// A bucket, container or web server.
#[derive(Debug)]
pub struct ObjectStorage {
    store: Arc<dyn ObjectStore>,
    /// What keys are written after: `s3://bucket`.
    base: String,
    /// HTTP(S) servers are read-only.
    read_only: bool,
    retry: RetryPolicy,
}

impl ObjectStorage {
    /// A store whose keys are written `<base>/<key>`.
    pub fn new(store: Arc<dyn ObjectStore>, base: impl Into<String>, read_only: bool, retry: RetryPolicy) -> Self {
        ObjectStorage {
            store,
            base: base.into(),
            read_only,
            retry,
        }
    }

    fn writable(&self) -> io::Result<()> {
        if self.read_only {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{} is read-only", self.base),
            ));
        }
        Ok(())
    }
}

fn object_path(key: &str) -> io::Result<Path> {
    Path::parse(key.trim_matches('/'))
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("not a valid object key: {e}")))
}

/// `object_store`'s error as an `io::Error` of the matching kind.
fn io_error(err: object_store::Error) -> io::Error {
    use object_store::Error;
    let kind = match &err {
        Error::NotFound { .. } => io::ErrorKind::NotFound,
        Error::AlreadyExists { .. } => io::ErrorKind::AlreadyExists,
        Error::NotSupported { .. } | Error::NotImplemented { .. } => io::ErrorKind::Unsupported,
        Error::PermissionDenied { .. } | Error::Unauthenticated { .. } => io::ErrorKind::PermissionDenied,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, err.to_string())
}

impl Storage for ObjectStorage {
    fn url(&self, key: &str) -> String {
        format!("{}/{}", self.base, key.trim_start_matches('/'))
    }

    fn open(&self, key: &str, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        let mut reader = RemoteReader {
            store: self.store.clone(),
            path: object_path(key)?,
            retry: self.retry,
            position: offset,
            size: None,
            etag: None,
            body: None,
            chunk: bytes::Bytes::new(),
            failures: 0,
            failing_since: None,
        };
        // Fail now on a missing object, as a local open would.
        reader.start()?;
        Ok(Box::new(reader))
    }

    fn read_range(&self, key: &str, range: Range<u64>) -> io::Result<Vec<u8>> {
        if range.is_empty() {
            return Ok(Vec::new());
        }
        let path = object_path(key)?;
        match block_on(self.store.get_range(&path, range.clone())) {
            Ok(bytes) => Ok(bytes.to_vec()),
            // A range that starts at or past the end.
            Err(err) => match block_on(self.store.head(&path)) {
                Ok(meta) if range.start >= meta.size => Ok(Vec::new()),
                _ => Err(io_error(err)),
            },
        }
    }

    fn size(&self, key: &str) -> io::Result<u64> {
        Ok(block_on(self.store.head(&object_path(key)?)).map_err(io_error)?.size)
    }

    fn create(&self, key: &str) -> io::Result<Box<dyn Upload>> {
        self.writable()?;
        Ok(Box::new(ObjectUpload {
            store: self.store.clone(),
            path: object_path(key)?,
            buffer: Vec::new(),
            upload: None,
            done: false,
        }))
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<Entry>> {
        let prefix = (!prefix.trim_matches('/').is_empty())
            .then(|| object_path(prefix))
            .transpose()?;
        let objects: Vec<_> = block_on(self.store.list(prefix.as_ref()).try_collect()).map_err(io_error)?;
        let mut entries: Vec<Entry> = objects
            .into_iter()
            .map(|meta| Entry {
                key: meta.location.to_string(),
                size: meta.size,
            })
            .collect();
        entries.sort();
        Ok(entries)
    }

    fn list_dir(&self, prefix: &str) -> io::Result<Listing> {
        let prefix = (!prefix.trim_matches('/').is_empty())
            .then(|| object_path(prefix))
            .transpose()?;
        let result = block_on(self.store.list_with_delimiter(prefix.as_ref())).map_err(io_error)?;
        let mut listing = Listing {
            files: result
                .objects
                .into_iter()
                .map(|meta| Entry {
                    key: meta.location.to_string(),
                    size: meta.size,
                })
                .collect(),
            dirs: result.common_prefixes.into_iter().map(|p| p.to_string()).collect(),
        };
        listing.files.sort();
        listing.dirs.sort();
        Ok(listing)
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        self.writable()?;
        match block_on(self.store.delete(&object_path(key)?)) {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(err) => Err(io_error(err)),
        }
    }

    fn delete_all(&self, prefix: &str) -> io::Result<()> {
        self.writable()?;
        let keys = self.list(prefix)?;
        let paths = keys
            .into_iter()
            .map(|entry| object_path(&entry.key))
            .collect::<io::Result<Vec<_>>>()?;
        let stream = futures_util::stream::iter(paths.into_iter().map(Ok)).boxed();
        let deleted: Result<Vec<_>, _> = block_on(self.store.delete_stream(stream).try_collect());
        match deleted {
            Err(object_store::Error::NotFound { .. }) | Ok(_) => Ok(()),
            Err(err) => Err(io_error(err)),
        }
    }

    fn lock(&self, key: &str) -> io::Result<Box<dyn Lock>> {
        self.writable()?;
        Lease::take(
            self.store.clone(),
            object_path(key)?,
            &Owner::this_process().to_string(),
        )
    }
}

/// An object's body as a `Read`, resumed where it stopped after a failure.
struct RemoteReader {
    store: Arc<dyn ObjectStore>,
    path: Path,
    retry: RetryPolicy,
    /// Offset of the next byte to hand out.
    position: u64,
    /// The object's size and version, from the first response.
    size: Option<u64>,
    etag: Option<String>,
    body: Option<BoxStream<'static, object_store::Result<bytes::Bytes>>>,
    /// Bytes received and not handed out yet.
    chunk: bytes::Bytes,
    /// Failures in a row without a byte received, and when the first of them was.
    failures: usize,
    failing_since: Option<std::time::Instant>,
}

impl RemoteReader {
    /// Requests the body from `position` on.
    fn start(&mut self) -> io::Result<()> {
        loop {
            let at_end = self.size.is_some_and(|size| self.position >= size);
            let options = GetOptions {
                // An empty range is refused: at the end, ask for the headers only.
                range: match self.position {
                    0 => None,
                    _ if at_end => None,
                    offset => Some(GetRange::Offset(offset)),
                },
                if_match: self.etag.clone(),
                head: at_end,
                ..GetOptions::default()
            };
            match block_on(self.store.get_opts(&self.path, options)) {
                Ok(result) => {
                    self.size = Some(result.meta.size);
                    if self.etag.is_none() {
                        self.etag = result.meta.e_tag.clone();
                    }
                    if !at_end {
                        self.body = Some(result.into_stream());
                    }
                    return Ok(());
                }
                Err(err @ (object_store::Error::NotFound { .. } | object_store::Error::Precondition { .. })) => {
                    return Err(io_error(err))
                }
                Err(err) => self.failed(io_error(err))?,
            }
        }
    }

    /// Counts a failure: waits before the next try, or gives up with `err`
    /// once the policy's tries or time are spent.
    fn failed(&mut self, err: io::Error) -> io::Result<()> {
        self.failures += 1;
        let since = *self.failing_since.get_or_insert_with(std::time::Instant::now);
        if self.failures > self.retry.max_retries || since.elapsed() > self.retry.timeout {
            return Err(io::Error::new(
                err.kind(),
                format!("at byte {} after {} tries: {err}", self.position, self.failures),
            ));
        }
        std::thread::sleep(self.retry.backoff(self.failures));
        Ok(())
    }
}

impl Read for RemoteReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.chunk.is_empty() {
                let n = buf.len().min(self.chunk.len());
                buf[..n].copy_from_slice(&self.chunk.split_to(n));
                self.position += n as u64;
                return Ok(n);
            }
            if buf.is_empty() || self.size.is_some_and(|size| self.position >= size) {
                return Ok(0);
            }
            let Some(body) = self.body.as_mut() else {
                self.start()?;
                continue;
            };
            match block_on(body.next()) {
                Some(Ok(bytes)) => {
                    self.failures = 0;
                    self.failing_since = None;
                    self.chunk = bytes;
                }
                // The body ended before the object did: ask for the rest.
                None => {
                    self.body = None;
                    let short = io::Error::new(io::ErrorKind::UnexpectedEof, "the response ended early");
                    self.failed(short)?;
                }
                Some(Err(err)) => {
                    self.body = None;
                    self.failed(io_error(err))?;
                }
            }
        }
    }
}

/// An object being written: one PUT, or a multipart upload once it outgrows a part.
struct ObjectUpload {
    store: Arc<dyn ObjectStore>,
    path: Path,
    buffer: Vec<u8>,
    upload: Option<Box<dyn MultipartUpload>>,
    /// Committed, or failed and abandoned.
    done: bool,
}

impl ObjectUpload {
    fn send_part(&mut self, part: Vec<u8>) -> io::Result<()> {
        let upload = match &mut self.upload {
            Some(upload) => upload,
            None => self
                .upload
                .insert(block_on(self.store.put_multipart(&self.path)).map_err(io_error)?),
        };
        block_on(upload.put_part(PutPayload::from(part))).map_err(io_error)
    }
}

impl Write for ObjectUpload {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.done {
            return Err(io::Error::other("the upload is finished"));
        }
        self.buffer.extend_from_slice(buf);
        while self.buffer.len() >= PART_SIZE {
            let rest = self.buffer.split_off(PART_SIZE);
            let part = std::mem::replace(&mut self.buffer, rest);
            self.send_part(part)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Upload for ObjectUpload {
    fn commit(mut self: Box<Self>) -> io::Result<()> {
        let buffer = std::mem::take(&mut self.buffer);
        if self.upload.is_none() {
            self.done = true;
            return block_on(self.store.put(&self.path, PutPayload::from(buffer)))
                .map(|_| ())
                .map_err(io_error);
        }
        if !buffer.is_empty() {
            self.send_part(buffer)?;
        }
        let mut upload = self.upload.take().ok_or_else(|| io::Error::other("no upload"))?;
        self.done = true;
        match block_on(upload.complete()) {
            Ok(_) => Ok(()),
            Err(err) => {
                let _ = block_on(upload.abort());
                Err(io_error(err))
            }
        }
    }
}

impl Drop for ObjectUpload {
    fn drop(&mut self) {
        if let Some(mut upload) = self.upload.take() {
            let _ = block_on(upload.abort());
        }
    }
}

/// A lease on a lock object, renewed by a thread until dropped.
struct Lease {
    stop: Option<mpsc::Sender<()>>,
    renewer: Option<std::thread::JoinHandle<()>>,
    store: Arc<dyn ObjectStore>,
    path: Path,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What a lease object holds: its holder, then the second it expires.
fn lease_body(owner: &str) -> PutPayload {
    PutPayload::from(format!("{owner}\n{}\n", now() + LEASE.as_secs()))
}

impl Lease {
    /// Takes the lease unless a live one exists (whoever holds it: two claims
    /// by one process exclude each other too). A lease whose holder was a
    /// process of this machine that is gone is taken over at once.
    fn take(store: Arc<dyn ObjectStore>, path: Path, owner: &str) -> io::Result<Box<dyn Lock>> {
        let mode = match block_on(store.get(&path)) {
            Ok(found) => {
                let body = block_on(found.bytes()).map_err(io_error)?;
                let body = String::from_utf8_lossy(&body);
                let mut lines = body.lines();
                let holder = lines.next().unwrap_or("").to_string();
                let expires: u64 = lines.next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
                let gone = Owner::parse(&holder).is_some_and(|h| h.is_gone());
                if expires > now() && !gone {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!(
                            "locked by {holder}; its lease lasts {} s after its last renewal, so if that process \
                             is gone, run again in a minute",
                            LEASE.as_secs()
                        ),
                    ));
                }
                PutMode::Overwrite
            }
            Err(object_store::Error::NotFound { .. }) => PutMode::Create,
            Err(err) => return Err(io_error(err)),
        };
        let options = PutOptions {
            mode: mode.clone(),
            ..PutOptions::default()
        };
        match block_on(store.put_opts(&path, lease_body(owner), options)) {
            Ok(_) => {}
            Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "locked by another process (just now)",
                ))
            }
            // A store without conditional writes: a plain write, best effort.
            Err(object_store::Error::NotImplemented { .. } | object_store::Error::NotSupported { .. })
                if mode == PutMode::Create =>
            {
                block_on(store.put(&path, lease_body(owner))).map_err(io_error)?;
            }
            Err(err) => return Err(io_error(err)),
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let renewer = {
            let (store, path, owner) = (store.clone(), path.clone(), owner.to_string());
            std::thread::Builder::new().name("tamis-lease".into()).spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(LEASE / 3) {
                    let _ = block_on(store.put(&path, lease_body(&owner)));
                }
            })?
        };
        Ok(Box::new(Lease {
            stop: Some(stop),
            renewer: Some(renewer),
            store,
            path,
        }))
    }
}

impl Lock for Lease {}

impl Drop for Lease {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(renewer) = self.renewer.take() {
            let _ = renewer.join();
        }
        let _ = block_on(self.store.delete(&self.path));
    }
}

#[cfg(test)]
mod tests {
    use crate::{conformance, Location};

    #[test]
    fn the_in_memory_object_store_conforms() {
        conformance::check_all(&Location::parse("memory://conformance/root").unwrap());
    }
}
