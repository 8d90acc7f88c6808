//! Numbered parts in a directory: `<stem>_00000.<ext>`, `<stem>_00001.<ext>`…

use crate::{Encoder, Format, Outgoing};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use tamis_api::{ErrorSample, ReasonCount, SchemaStats};
use tamis_io::{Location, Upload};

/// Where parts go.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A directory on any storage: each part committed whole.
    Store(Location),
    /// A local scratch directory read back by the same process: no sync, no
    /// atomic commit (a crash discards the whole scratch directory anyway).
    Scratch(PathBuf),
}

impl Destination {
    fn create(&self, name: &str) -> io::Result<(Location, Box<dyn Upload>)> {
        match self {
            Destination::Store(dir) => {
                let file = dir.join(name);
                let upload = file.create()?;
                Ok((file, upload))
            }
            Destination::Scratch(dir) => {
                let path = dir.join(name);
                let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
                let file = File::create(&path).map_err(named)?;
                let location = Location::parse(&path.to_string_lossy())?;
                Ok((location, Box::new(ScratchFile(BufWriter::new(file), path))))
            }
        }
    }
}

/// A scratch file: written through, "committed" by a flush; errors name it.
struct ScratchFile(BufWriter<File>, PathBuf);

impl ScratchFile {
    fn named(&self, err: io::Error) -> io::Error {
        io::Error::new(err.kind(), format!("{}: {err}", self.1.display()))
    }
}

impl Write for ScratchFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(|e| self.named(e))
    }
}

impl Upload for ScratchFile {
    fn commit(mut self: Box<Self>) -> io::Result<()> {
        self.flush()
    }
}

/// What a writer wrote.
#[derive(Debug, Default)]
pub struct Written {
    /// Every file, in order.
    pub files: Vec<Location>,
    /// The bytes they hold, as stored.
    pub bytes: u64,
    /// What their schema could not hold as given (Parquet).
    pub schema: SchemaStats,
    /// Documents whose encoding panicked, left out; samples name the part
    /// file and the document.
    pub unwritten: ReasonCount,
    /// Time spent encoding and writing them ([`crate::BackgroundWriter`]
    /// measures it; 0 otherwise).
    pub seconds: f64,
}

/// Writes documents to numbered parts, starting a new part once one holds
/// `max_part_bytes` (as its encoder counts them). A document is never split
/// across parts, and nothing is created until the first document arrives.
pub struct RollingWriter {
    destination: Destination,
    stem: String,
    format: Format,
    max_part_bytes: u64,
    current: Option<Box<dyn Encoder>>,
    files: Vec<Location>,
    stored: u64,
    schema: SchemaStats,
    unwritten: ReasonCount,
}

impl RollingWriter {
    /// A writer of `<stem>_<part>` files in `format` into `destination`.
    pub fn new(destination: Destination, stem: &str, format: Format, max_part_bytes: u64) -> Self {
        RollingWriter {
            destination,
            stem: stem.to_string(),
            format,
            max_part_bytes: max_part_bytes.max(1),
            current: None,
            files: Vec::new(),
            stored: 0,
            schema: SchemaStats::default(),
            unwritten: ReasonCount::default(),
        }
    }

    /// The name part `part` gets.
    pub fn part_name(stem: &str, part: usize, format: &Format) -> String {
        format!("{stem}_{part:05}.{}", format.extension())
    }

    /// Appends one document.
    pub fn write(&mut self, item: &Outgoing) -> io::Result<()> {
        if self.current.as_ref().is_some_and(|e| e.size() >= self.max_part_bytes) {
            self.close_part()?;
        }
        let encoder = match &mut self.current {
            Some(encoder) => encoder,
            None => {
                let name = Self::part_name(&self.stem, self.files.len(), &self.format);
                let (file, upload) = self.destination.create(&name)?;
                let encoder = self.format.encoder(upload)?;
                self.files.push(file);
                self.current.insert(encoder)
            }
        };
        // A panic while encoding (a bug) costs this document only. Both
        // encoders build a document's row or line before adding it, so a
        // panic leaves nothing of it behind.
        let encoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tamis_io::failpoint::panic_point("write.encode", &item.doc.id);
            encoder.write(item)
        }));
        match encoded {
            Ok(written) => written?,
            Err(panic) => self.unwritten.add(ErrorSample {
                file: self.files.last().map(ToString::to_string).unwrap_or_default(),
                offset: 0,
                detail: format!("document {:?}: {}", item.doc.id, tamis_api::panic_message(&*panic)),
            }),
        }
        tamis_io::failpoint::failpoint("write.part_opened");
        Ok(())
    }

    fn close_part(&mut self) -> io::Result<()> {
        if let Some(encoder) = self.current.take() {
            let finished = encoder.finish()?;
            self.stored += finished.bytes;
            self.schema += &finished.schema;
        }
        Ok(())
    }

    /// Finishes the last part; says what was written.
    pub fn finish(mut self) -> io::Result<Written> {
        self.close_part()?;
        Ok(Written {
            files: self.files,
            bytes: self.stored,
            schema: self.schema,
            unwritten: self.unwritten,
            seconds: 0.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BackgroundWriter, Compression, Removal};
    use std::io::Read;
    use tamis_api::{Document, Reason};

    fn read_all(file: &Location) -> String {
        let bytes = file.read().unwrap();
        let mut text = String::new();
        match file.file_name().rsplit('.').next() {
            Some("gz") => flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text),
            Some("zst") => zstd::Decoder::new(&bytes[..]).unwrap().read_to_string(&mut text),
            _ => (&bytes[..]).read_to_string(&mut text),
        }
        .unwrap();
        text
    }

    fn doc(i: usize) -> Outgoing {
        Outgoing::kept(Document::new(format!("d{i}"), "pad"))
    }

    fn roots() -> Vec<(Option<tempfile::TempDir>, Location)> {
        let dir = tempfile::tempdir().unwrap();
        let local = Location::parse(dir.path().to_str().unwrap()).unwrap();
        vec![
            (Some(dir), local),
            (None, Location::parse("memory://write-tests/out").unwrap()),
        ]
    }

    #[test]
    fn documents_roll_over_into_parts_and_read_back() {
        for (_guard, root) in roots() {
            for compression in [Compression::None, Compression::Gzip, Compression::Zstd] {
                let dir = root.join(compression.extension());
                let format = Format::Jsonl(compression);
                let mut writer = RollingWriter::new(Destination::Store(dir.clone()), "shard", format.clone(), 40);
                for i in 0..5 {
                    writer.write(&doc(i)).unwrap();
                }
                let Written {
                    files, bytes: stored, ..
                } = writer.finish().unwrap();
                assert_eq!(files.len(), 3, "each 40-byte part holds two 34-byte lines");
                assert_eq!(files[1], dir.join(&format!("shard_00001.{}", compression.extension())));
                let all: String = files.iter().map(read_all).collect();
                assert_eq!(all.lines().count(), 5);
                assert_eq!(stored, files.iter().map(|f| f.size().unwrap()).sum::<u64>());
            }
        }
    }

    #[test]
    fn the_background_writer_writes_the_same_files() {
        for (_guard, root) in roots() {
            let format = Format::Jsonl(Compression::Zstd);
            let mut writer = BackgroundWriter::spawn(RollingWriter::new(
                Destination::Store(root.join("bg")),
                "bg",
                format,
                1000,
            ))
            .unwrap();
            for batch in 0..10 {
                writer.write((0..50).map(|i| doc(batch * 50 + i)).collect()).unwrap();
            }
            let files = writer.finish().unwrap().files;
            assert!(files.len() > 1);
            let all: String = files.iter().map(read_all).collect();
            assert_eq!(all.lines().count(), 500);
            assert!(all.lines().last().unwrap().contains("\"d499\""));
        }
    }

    #[test]
    fn nothing_written_means_no_file() {
        for (_guard, root) in roots() {
            let dir = root.join("empty");
            let writer = RollingWriter::new(
                Destination::Store(dir.clone()),
                "e",
                Format::Jsonl(Compression::Gzip),
                1 << 20,
            );
            assert!(writer.finish().unwrap().files.is_empty());
            assert!(dir.list().unwrap().is_empty());
        }
    }

    #[test]
    fn removed_documents_name_step_and_reason() {
        let mut line = Vec::new();
        let removal = Removal {
            step: "line_dedup",
            reason: Reason("empty"),
        };
        crate::jsonl::to_json(&Outgoing::removed(Document::new("a", "text"), removal), &mut line);
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(value["removed"]["step"], "line_dedup");
        assert_eq!(value["removed"]["reason"], "empty");
        assert_eq!(value["id"], "a");
        assert!(value.get("url").is_none());
        let text = String::from_utf8(line).unwrap();
        assert!(
            text.starts_with("{\"id\":\"a\",\"text\":\"text\",\"metadata\":{}"),
            "{text}"
        );
    }

    #[test]
    fn scratch_parts_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = RollingWriter::new(
            Destination::Scratch(dir.path().to_path_buf()),
            "spill",
            Format::Jsonl(Compression::None),
            u64::MAX,
        );
        writer.write(&doc(0)).unwrap();
        let files = writer.finish().unwrap().files;
        assert_eq!(read_all(&files[0]).lines().count(), 1);
    }
}
