//! The local file system as a [`Storage`]: keys are paths, as the user wrote
//! them (relative to the current directory, or absolute).
//!
//! A file being written goes to a hidden temporary file beside its final name
//! (`.<name>.tamis-<pid>-<n>.tmp`), synced and renamed into place at commit:
//! rename is atomic within a directory, which is what makes a local commit
//! atomic. Listings leave those temporary files out.

use crate::{context, Entry, Listing, Lock, Storage, Upload};
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The local file system.
#[derive(Debug, Default)]
pub struct LocalStorage;

/// What marks the temporary files of uploads in progress.
const TEMP_MARK: &str = ".tamis-";

fn path(key: &str) -> &Path {
    Path::new(if key.is_empty() { "." } else { key })
}

fn is_temporary(name: &str) -> bool {
    final_name(name).is_some()
}

/// The name the temporary file `name` of an upload was to be renamed to.
fn final_name(name: &str) -> Option<&str> {
    temporary_parts(name).map(|(name, _)| name)
}

/// The final name and the writer's pid in the temporary file name `name`.
fn temporary_parts(name: &str) -> Option<(&str, u32)> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (name, writer) = inner.rsplit_once(TEMP_MARK)?;
    Some((name, writer.split('-').next()?.parse().ok()?))
}

fn join_key(dir: &str, name: &str) -> String {
    match dir {
        "" | "." => name.to_string(),
        dir if dir.ends_with('/') => format!("{dir}{name}"),
        dir => format!("{dir}/{name}"),
    }
}

impl Storage for LocalStorage {
    fn url(&self, key: &str) -> String {
        key.to_string()
    }

    fn open(&self, key: &str, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        let mut file = File::open(path(key))?;
        if file.metadata()?.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        if offset > 0 {
            file.seek(SeekFrom::Start(offset))?;
        }
        Ok(Box::new(file))
    }

    fn read_range(&self, key: &str, range: Range<u64>) -> io::Result<Vec<u8>> {
        let file = File::open(path(key))?;
        let size = file.metadata()?.len();
        let end = range.end.min(size);
        let mut bytes = vec![0; end.saturating_sub(range.start) as usize];
        file.read_exact_at(&mut bytes, range.start)?;
        Ok(bytes)
    }

    fn size(&self, key: &str) -> io::Result<u64> {
        let metadata = fs::metadata(path(key))?;
        if metadata.is_dir() {
            return Err(io::Error::other("is a directory, not a file"));
        }
        Ok(metadata.len())
    }

    fn create(&self, key: &str) -> io::Result<Box<dyn Upload>> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let destination = path(key).to_path_buf();
        let dir = match destination.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = destination
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
            .to_string_lossy();
        fs::create_dir_all(&dir)?;
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}{TEMP_MARK}{}-{n}.tmp", std::process::id()));
        let file = File::create(&temp)?;
        Ok(Box::new(LocalUpload {
            file: Some(BufWriter::with_capacity(256 << 10, file)),
            temp,
            destination,
        }))
    }

    fn list(&self, prefix: &str) -> io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        let mut dirs = vec![prefix.to_string()];
        while let Some(dir) = dirs.pop() {
            let listing = self.list_dir(&dir)?;
            entries.extend(listing.files);
            dirs.extend(listing.dirs);
        }
        entries.sort();
        Ok(entries)
    }

    fn list_dir(&self, prefix: &str) -> io::Result<Listing> {
        let mut listing = Listing::default();
        let read = match fs::read_dir(path(prefix)) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(listing),
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => return Ok(listing),
            Err(e) => return Err(e),
        };
        for entry in read {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_temporary(&name) {
                continue;
            }
            let key = join_key(prefix, &name);
            // Follow symbolic links, as a shell's glob does.
            let metadata = match fs::metadata(entry.path()) {
                Ok(metadata) => metadata,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(context(e, &key)),
            };
            if metadata.is_dir() {
                listing.dirs.push(key);
            } else {
                listing.files.push(Entry {
                    key,
                    size: metadata.len(),
                });
            }
        }
        listing.files.sort();
        listing.dirs.sort();
        Ok(listing)
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        match fs::remove_file(path(key)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn delete_all(&self, prefix: &str) -> io::Result<()> {
        match fs::remove_dir_all(path(prefix)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn lock(&self, key: &str) -> io::Result<Box<dyn Lock>> {
        let path = path(key);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        // SAFETY: flock on a file descriptor this function owns; the lock lives
        // as long as the descriptor, which the returned guard keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(err);
            }
            // The holder writes its name just after taking the lock: give it
            // a moment, so that the message can name it.
            let mut holder = String::new();
            for _ in 0..200 {
                holder = fs::read_to_string(path).unwrap_or_default().trim().to_string();
                if !holder.is_empty() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            let holder = if holder.is_empty() {
                "another process"
            } else {
                holder.as_str()
            };
            return Err(io::Error::new(io::ErrorKind::WouldBlock, format!("locked by {holder}")));
        }
        file.set_len(0)?;
        file.write_all_at(crate::Owner::this_process().to_string().as_bytes(), 0)?;
        Ok(Box::new(LocalLock { _file: file }))
    }

    fn abandoned_uploads(&self, dir: &str) -> io::Result<Vec<(String, String)>> {
        let read = match fs::read_dir(path(dir)) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut found = Vec::new();
        for entry in read {
            let name = entry?.file_name().to_string_lossy().into_owned();
            // Only a process that is gone abandoned its upload: a live one
            // may still commit it.
            match temporary_parts(&name) {
                Some((target, writer)) if crate::owner::pid_is_gone(writer) => {
                    found.push((target.to_string(), join_key(dir, &name)))
                }
                _ => {}
            }
        }
        Ok(found)
    }

    fn local_path(&self, key: &str) -> Option<PathBuf> {
        Some(path(key).to_path_buf())
    }
}

/// A file being written under a temporary name.
struct LocalUpload {
    file: Option<BufWriter<File>>,
    temp: PathBuf,
    destination: PathBuf,
}

impl Write for LocalUpload {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(io::Error::other("the upload is finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Upload for LocalUpload {
    fn commit(mut self: Box<Self>) -> io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("the upload is finished"))?;
        let finish = || -> io::Result<()> {
            let file = file.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            fs::rename(&self.temp, &self.destination)
        };
        finish().inspect_err(|_| {
            // A full disk, say: leave nothing a re-run would have to clean up.
            let _ = fs::remove_file(&self.temp);
        })
    }
}

impl Drop for LocalUpload {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// An `flock` held on an open file: the kernel releases it when the process
/// dies, so a killed run never leaves a stale lock.
struct LocalLock {
    _file: File,
}

impl Lock for LocalLock {}

#[cfg(test)]
mod tests {
    use crate::{conformance, Location};

    #[test]
    fn local_storage_conforms() {
        let dir = tempfile::tempdir().unwrap();
        let root = Location::parse(dir.path().to_str().unwrap()).unwrap();
        conformance::check_all(&root);
    }

    #[test]
    fn the_upload_a_dead_process_left_is_abandoned() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        std::fs::write(dir.path().join(format!(".part_00000.jsonl.tamis-{dead}-3.tmp")), "x").unwrap();
        let root = Location::parse(dir.path().to_str().unwrap()).unwrap();
        let found = root.abandoned_uploads().unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "part_00000.jsonl");
        assert!(root.list().unwrap().is_empty(), "listed an upload in progress");
    }

    #[test]
    fn a_relative_directory_lists_with_relative_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/c.txt"), "x").unwrap();
        let root = Location::parse(dir.path().to_str().unwrap()).unwrap();
        let found = root.join("a").list().unwrap();
        assert_eq!(found.len(), 1);
        assert!(found[0].0.to_string().ends_with("/a/b/c.txt"), "{}", found[0].0);
    }
}
