//! Writers: the last stage of a pipeline, from documents to stored files.
//!
//! - [`document_line`] and [`removed_line`] turn a document into one JSON line,
//!   the removed form carrying the step and reason that dropped it. Workers call
//!   them in parallel, so the writer itself only moves bytes;
//! - [`RollingWriter`] writes lines to `<stem>_<part>.jsonl[.gz|.zst]` in a
//!   directory, starting a new part when one reaches its size limit. It writes
//!   where it is told: the runner points it at a staging directory and renames
//!   the finished files into place, so no reader ever sees a partial file;
//! - [`BackgroundWriter`] runs a `RollingWriter` on its own thread, so that
//!   compression overlaps with the rest of the pipeline.
#![deny(missing_docs)]

use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tamis_api::{Document, Metadata, Reason};

/// How output files are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain JSONL.
    None,
    /// gzip, level 6.
    Gzip,
    /// zstd, level 3.
    Zstd,
}

impl Compression {
    /// The file extension, after `.jsonl`.
    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "jsonl",
            Compression::Gzip => "jsonl.gz",
            Compression::Zstd => "jsonl.zst",
        }
    }
}

/// Serialises a kept document as one JSON line (newline included).
pub fn document_line(doc: &Document) -> Vec<u8> {
    let mut line = serde_json::to_vec(doc).unwrap_or_default();
    line.push(b'\n');
    line
}

/// Serialises a dropped document as one JSON line with a `removed` field naming
/// the step and reason.
pub fn removed_line(doc: &Document, step: &str, reason: Reason) -> Vec<u8> {
    #[derive(Serialize)]
    struct Removed<'a> {
        id: &'a str,
        text: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<&'a str>,
        metadata: &'a Metadata,
        removed: RemovedBy<'a>,
    }
    #[derive(Serialize)]
    struct RemovedBy<'a> {
        step: &'a str,
        reason: &'a str,
    }
    let removed = Removed {
        id: &doc.id,
        text: &doc.text,
        url: doc.url.as_deref(),
        metadata: &doc.metadata,
        removed: RemovedBy {
            step,
            reason: reason.as_str(),
        },
    };
    let mut line = serde_json::to_vec(&removed).unwrap_or_default();
    line.push(b'\n');
    line
}

enum Encoder {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::Encoder<'static, BufWriter<File>>),
}

impl Encoder {
    fn create(path: &Path, compression: Compression) -> io::Result<Encoder> {
        let file = BufWriter::with_capacity(256 << 10, File::create(path)?);
        Ok(match compression {
            Compression::None => Encoder::Plain(file),
            Compression::Gzip => Encoder::Gzip(flate2::write::GzEncoder::new(file, flate2::Compression::new(6))),
            Compression::Zstd => Encoder::Zstd(zstd::Encoder::new(file, 3)?),
        })
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.write_all(bytes),
            Encoder::Gzip(w) => w.write_all(bytes),
            Encoder::Zstd(w) => w.write_all(bytes),
        }
    }

    /// Ends the compressed stream and flushes the file, to disk if `durable`.
    fn finish(self, durable: bool) -> io::Result<()> {
        let file = match self {
            Encoder::Plain(w) => w,
            Encoder::Gzip(w) => w.finish()?,
            Encoder::Zstd(w) => w.finish()?,
        };
        let file = file.into_inner().map_err(|e| e.into_error())?;
        if durable {
            file.sync_all()?;
        }
        Ok(())
    }
}

/// Writes JSON lines to numbered part files, `<stem>_00000.<ext>`,
/// `<stem>_00001.<ext>`…, starting a new part once one holds `max_part_bytes`
/// (uncompressed). A line is never split across parts. Nothing is created until
/// the first line arrives.
pub struct RollingWriter {
    dir: PathBuf,
    stem: String,
    compression: Compression,
    max_part_bytes: u64,
    current: Option<Encoder>,
    part_bytes: u64,
    files: Vec<PathBuf>,
    /// Sync each finished part to disk (not for temporary files).
    durable: bool,
}

impl RollingWriter {
    /// A writer into `dir`, which must exist.
    pub fn new(dir: &Path, stem: &str, compression: Compression, max_part_bytes: u64) -> Self {
        RollingWriter {
            dir: dir.to_path_buf(),
            stem: stem.to_string(),
            compression,
            max_part_bytes: max_part_bytes.max(1),
            current: None,
            part_bytes: 0,
            files: Vec::new(),
            durable: true,
        }
    }

    /// A writer for a scratch file read back by the same process: one plain
    /// part, never synced to disk.
    pub fn temporary(dir: &Path, stem: &str) -> Self {
        RollingWriter {
            durable: false,
            ..RollingWriter::new(dir, stem, Compression::None, u64::MAX)
        }
    }

    /// Appends one line (newline included).
    pub fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        if self.current.is_some() && self.part_bytes + line.len() as u64 > self.max_part_bytes {
            self.close_part()?;
        }
        let encoder = match &mut self.current {
            Some(encoder) => encoder,
            None => {
                let name = format!("{}_{:05}.{}", self.stem, self.files.len(), self.compression.extension());
                let path = self.dir.join(name);
                let encoder = Encoder::create(&path, self.compression)?;
                self.files.push(path);
                self.current.insert(encoder)
            }
        };
        encoder.write_all(line)?;
        self.part_bytes += line.len() as u64;
        Ok(())
    }

    fn close_part(&mut self) -> io::Result<()> {
        if let Some(encoder) = self.current.take() {
            encoder.finish(self.durable)?;
        }
        self.part_bytes = 0;
        Ok(())
    }

    /// Finishes the last part and returns every file written, in order.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        self.close_part()?;
        Ok(self.files)
    }
}

/// Batches of lines queued for a [`BackgroundWriter`] before the sender waits.
const QUEUED_BATCHES: usize = 4;

/// A [`RollingWriter`] on its own thread: lines are handed over in batches and
/// written in the order given. Compression (the costliest part of writing) then
/// runs beside the steps, and the files are the same as a `RollingWriter`'s.
pub struct BackgroundWriter {
    sender: Option<std::sync::mpsc::SyncSender<Vec<Vec<u8>>>>,
    thread: Option<std::thread::JoinHandle<io::Result<Vec<PathBuf>>>>,
}

impl BackgroundWriter {
    /// Starts the thread that will own `writer`.
    pub fn spawn(mut writer: RollingWriter) -> io::Result<Self> {
        let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(QUEUED_BATCHES);
        let thread = std::thread::Builder::new().name("tamis-writer".into()).spawn(move || {
            for batch in batches {
                for line in batch {
                    writer.write_line(&line)?;
                }
            }
            writer.finish()
        })?;
        Ok(BackgroundWriter {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Queues `lines`, waiting if the writer is behind. Fails with the
    /// writer's error if it has stopped.
    pub fn write_lines(&mut self, lines: Vec<Vec<u8>>) -> io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let sent = self.sender.as_ref().map(|sender| sender.send(lines));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("the writer thread has stopped"))),
        }
    }

    fn join(&mut self) -> io::Result<Vec<PathBuf>> {
        self.sender = None;
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked"))),
            None => Err(io::Error::other("the writer thread has stopped")),
        }
    }

    /// Writes what is queued, finishes the last part and returns every file
    /// written, in order.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        self.join()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn read_all(path: &Path) -> String {
        let file = File::open(path).unwrap();
        let mut text = String::new();
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => flate2::read::MultiGzDecoder::new(file).read_to_string(&mut text),
            Some("zst") => zstd::Decoder::new(file).unwrap().read_to_string(&mut text),
            _ => io::BufReader::new(file).read_to_string(&mut text),
        }
        .unwrap();
        text
    }

    #[test]
    fn lines_roll_over_into_parts_and_read_back() {
        for compression in [Compression::None, Compression::Gzip, Compression::Zstd] {
            let dir = tempfile::tempdir().unwrap();
            let mut writer = RollingWriter::new(dir.path(), "shard", compression, 25);
            for i in 0..5 {
                writer
                    .write_line(format!("{{\"n\":{i},\"pad\":\"xx\"}}\n").as_bytes())
                    .unwrap();
            }
            let files = writer.finish().unwrap();
            assert_eq!(files.len(), 5, "each 20-byte line fills a 25-byte part");
            assert!(files[1].ends_with(format!("shard_00001.{}", compression.extension())));
            let all: String = files.iter().map(|f| read_all(f)).collect();
            assert_eq!(all.lines().count(), 5);
        }
    }

    #[test]
    fn the_background_writer_writes_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer =
            BackgroundWriter::spawn(RollingWriter::new(dir.path(), "bg", Compression::Zstd, 1000)).unwrap();
        for batch in 0..10 {
            let lines = (0..50)
                .map(|i| format!("{{\"batch\":{batch},\"line\":{i}}}\n").into_bytes())
                .collect();
            writer.write_lines(lines).unwrap();
        }
        let files = writer.finish().unwrap();
        assert!(files.len() > 1);
        let all: String = files.iter().map(|f| read_all(f)).collect();
        assert_eq!(all.lines().count(), 500);
        assert!(all.lines().last().unwrap().contains("\"batch\":9,\"line\":49"));
    }

    #[test]
    fn nothing_written_means_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let writer = RollingWriter::new(dir.path(), "empty", Compression::Gzip, 1 << 20);
        assert!(writer.finish().unwrap().is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn removed_lines_name_step_and_reason() {
        let doc = Document::new("a", "text");
        let line = removed_line(&doc, "line_dedup", Reason("empty"));
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(value["removed"]["step"], "line_dedup");
        assert_eq!(value["removed"]["reason"], "empty");
        assert_eq!(value["id"], "a");
        assert!(value.get("url").is_none());
    }
}
