//! External sort of fixed-width records of `u64` words, on local disk: sorted
//! runs spilled under a memory budget, then a k-way merge.
//!
//! A record file — a run here, or an exchange file of [`crate::exchange`] — is
//! its records' words, little-endian, one record after the other. A run is
//! sorted lexicographically by word.
//!
//! [`RunWriter`] keeps at most its budget of records in memory and spills a
//! sorted run when it is reached. [`merge`] reads every input through a
//! [`READ_BUFFER`] and opens at most [`FAN_IN`] of them at once (more are first
//! merged in groups into intermediate runs), so memory stays bounded whatever
//! the input. Spilled and intermediate runs are temporaries that only the
//! recorder or unit that wrote them reads: they live in a [`Scratch`] directory
//! on local disk, never on the step's shared storage, and are deleted once
//! merged.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Runs merged at once; each holds a read buffer of [`READ_BUFFER`] bytes.
pub const FAN_IN: usize = 256;
/// The buffer every record file is read and written through.
pub const READ_BUFFER: usize = 64 << 10;

/// A sorted record file that [`merge`] and [`for_each`] can read.
pub trait Source {
    /// Its bytes from the start; `None` when it holds no record.
    fn open_records(&self) -> io::Result<Option<Box<dyn Read + Send>>>;
}

/// A temporary run on local disk, always there once written.
impl Source for PathBuf {
    fn open_records(&self) -> io::Result<Option<Box<dyn Read + Send>>> {
        let file = File::open(self).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.display())))?;
        Ok(Some(Box::new(file)))
    }
}

/// A local directory for the temporary runs of one recorder or unit, below the
/// step's scratch directory ([`tamis_api::GlobalContext::scratch`]): emptied
/// when created (a redo in the same process finds what a failed attempt left),
/// removed when dropped, whether the work succeeded or not.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// The directory `<parent>/<name>`, empty. `name` says whose it is (a shard,
    /// a unit), so that recorders and units running at once in one process can
    /// share `parent`.
    pub fn create(parent: &Path, name: &str) -> io::Result<Scratch> {
        let path = parent.join(name);
        match fs::remove_dir_all(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        fs::create_dir_all(&path)?;
        Ok(Scratch { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Writes records to any output through a [`READ_BUFFER`].
pub struct RecordWriter<W: Write> {
    out: BufWriter<W>,
}

impl<W: Write> RecordWriter<W> {
    /// A writer of records to `out`.
    pub fn new(out: W) -> Self {
        RecordWriter {
            out: BufWriter::with_capacity(READ_BUFFER, out),
        }
    }

    /// Appends one record.
    pub fn push(&mut self, record: &[u64]) -> io::Result<()> {
        for word in record {
            self.out.write_all(&word.to_le_bytes())?;
        }
        Ok(())
    }

    /// Flushes the buffer and hands the output back.
    pub fn into_inner(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// Reads a record file one record at a time, through a [`READ_BUFFER`].
pub struct RecordReader {
    input: BufReader<Box<dyn Read + Send>>,
    record: Vec<u64>,
    bytes: Vec<u8>,
}

impl RecordReader {
    /// A reader of records of `width` words from `input`.
    pub fn new(input: Box<dyn Read + Send>, width: usize) -> Self {
        RecordReader {
            input: BufReader::with_capacity(READ_BUFFER, input),
            record: vec![0; width],
            bytes: vec![0; width * 8],
        }
    }

    /// The record read last.
    pub fn record(&self) -> &[u64] {
        &self.record
    }

    /// Reads the next record; `false` at the end. A file that ends inside a
    /// record is an error, not a shorter file.
    pub fn advance(&mut self) -> io::Result<bool> {
        let mut filled = 0;
        while filled < self.bytes.len() {
            match self.input.read(&mut self.bytes[filled..]) {
                Ok(0) if filled == 0 => return Ok(false),
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "a record file ends inside a record",
                    ))
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        for (word, chunk) in self.record.iter_mut().zip(self.bytes.chunks_exact(8)) {
            let mut le = [0u8; 8];
            le.copy_from_slice(chunk);
            *word = u64::from_le_bytes(le);
        }
        Ok(true)
    }
}

/// Calls `each` with every record of `source`, in order, streaming.
pub fn for_each(source: &impl Source, width: usize, each: &mut dyn FnMut(&[u64]) -> io::Result<()>) -> io::Result<()> {
    let Some(input) = source.open_records()? else {
        return Ok(());
    };
    let mut reader = RecordReader::new(input, width);
    while reader.advance()? {
        each(reader.record())?;
    }
    Ok(())
}

/// Collects records and sorts them, spilling sorted runs `<name>.<n>.run` into
/// a scratch directory when they outgrow the budget.
pub struct RunWriter {
    dir: PathBuf,
    name: String,
    width: usize,
    max_words: usize,
    words: Vec<u64>,
    runs: Vec<PathBuf>,
}

impl RunWriter {
    /// Records of `width` words; at most `budget_bytes` of them held (with
    /// the 4 bytes per record that sorting them takes) before a spill into
    /// `dir` (a [`Scratch`] directory) under `name`.
    pub fn new(dir: &Path, name: &str, width: usize, budget_bytes: usize) -> Self {
        let max_words = (budget_bytes / (width * 8 + 4)).max(64) * width;
        RunWriter {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            width,
            max_words,
            words: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// Adds one record (`width` words).
    pub fn push(&mut self, record: &[u64]) -> io::Result<()> {
        debug_assert_eq!(record.len(), self.width);
        if self.words.len() == self.words.capacity() {
            // Grow by doubling, but never past the budget.
            let grown = (self.words.capacity() * 2).max(self.width * 64).min(self.max_words);
            self.words.reserve_exact(grown - self.words.len());
        }
        self.words.extend_from_slice(record);
        if self.words.len() >= self.max_words {
            self.spill()?;
        }
        Ok(())
    }

    /// Whether no record was pushed.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.runs.is_empty()
    }

    /// How many runs were spilled so far.
    pub fn spilled_runs(&self) -> usize {
        self.runs.len()
    }

    fn spill(&mut self) -> io::Result<()> {
        if self.words.is_empty() {
            return Ok(());
        }
        let path = self.dir.join(format!("{}.{:04}.run", self.name, self.runs.len()));
        let mut out = RecordWriter::new(File::create(&path)?);
        for record in sorted(&self.words, self.width) {
            out.push(record)?;
        }
        out.into_inner()?;
        self.words.clear();
        self.runs.push(path);
        Ok(())
    }

    /// Calls `each` with every record pushed, in sorted order: straight from
    /// memory when nothing was spilled, else by merging the runs (the last
    /// records spilled first). Deletes the runs.
    pub fn drain_sorted(mut self, each: &mut dyn FnMut(&[u64]) -> io::Result<()>) -> io::Result<()> {
        if self.runs.is_empty() {
            for record in sorted(&self.words, self.width) {
                each(record)?;
            }
            return Ok(());
        }
        self.spill()?;
        let merged = merge(&self.runs, self.width, &self.dir, each);
        for run in &self.runs {
            let _ = fs::remove_file(run);
        }
        merged
    }
}

/// The records of `words` (of `width` words each) in sorted order.
fn sorted(words: &[u64], width: usize) -> impl Iterator<Item = &[u64]> {
    let count = words.len() / width;
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.sort_unstable_by(|&x, &y| {
        let (x, y) = (x as usize * width, y as usize * width);
        words[x..x + width].cmp(&words[y..y + width])
    });
    order.into_iter().map(move |i| {
        let start = i as usize * width;
        &words[start..start + width]
    })
}

struct Head {
    record: Vec<u64>,
    reader: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap.
        other.record.cmp(&self.record).then(other.reader.cmp(&self.reader))
    }
}

/// Calls `each` on every record of the sorted `inputs`, in sorted order (equal
/// records in input order). Inputs beyond [`FAN_IN`] are first merged in
/// groups into intermediate runs in `scratch` (a local directory), deleted
/// once read.
pub fn merge<S: Source>(
    inputs: &[S],
    width: usize,
    scratch: &Path,
    each: &mut dyn FnMut(&[u64]) -> io::Result<()>,
) -> io::Result<()> {
    merge_level(inputs, width, scratch, 0, each)
}

fn merge_level<S: Source>(
    inputs: &[S],
    width: usize,
    scratch: &Path,
    level: usize,
    each: &mut dyn FnMut(&[u64]) -> io::Result<()>,
) -> io::Result<()> {
    if inputs.len() <= FAN_IN {
        return merge_few(inputs, width, each);
    }
    let mut merged: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for (i, group) in inputs.chunks(FAN_IN).enumerate() {
            let path = scratch.join(format!("merge.{level}.{i:04}.run"));
            merged.push(path.clone());
            let mut out = RecordWriter::new(File::create(&path)?);
            merge_few(group, width, &mut |record| out.push(record))?;
            out.into_inner()?;
        }
        merge_level(&merged, width, scratch, level + 1, each)
    })();
    for path in &merged {
        let _ = fs::remove_file(path);
    }
    result
}

fn merge_few<S: Source>(inputs: &[S], width: usize, each: &mut dyn FnMut(&[u64]) -> io::Result<()>) -> io::Result<()> {
    let mut readers = Vec::with_capacity(inputs.len());
    let mut heap = BinaryHeap::with_capacity(inputs.len());
    for input in inputs {
        let Some(input) = input.open_records()? else {
            continue;
        };
        let mut reader = RecordReader::new(input, width);
        if reader.advance()? {
            heap.push(Head {
                record: reader.record().to_vec(),
                reader: readers.len(),
            });
            readers.push(reader);
        }
    }
    while let Some(mut head) = heap.pop() {
        each(&head.record)?;
        let reader = &mut readers[head.reader];
        if reader.advance()? {
            head.record.copy_from_slice(reader.record());
            heap.push(head);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(count: u64) -> Vec<[u64; 2]> {
        (0..count).map(|i| [(i * 7919) % 1000, i]).collect()
    }

    fn drained(writer: RunWriter) -> Vec<[u64; 2]> {
        let mut seen = Vec::new();
        writer
            .drain_sorted(&mut |r| {
                seen.push([r[0], r[1]]);
                Ok(())
            })
            .unwrap();
        seen
    }

    #[test]
    fn spilled_runs_merge_into_one_sorted_sequence() {
        let scratch = tempfile::tempdir().unwrap();
        // A budget of 64 records per run: 1000 records make 16 runs.
        let mut writer = RunWriter::new(scratch.path(), "x", 2, 0);
        let mut expected = records(1000);
        for record in &expected {
            writer.push(record).unwrap();
        }
        assert_eq!(writer.spilled_runs(), 15);
        expected.sort();
        assert_eq!(drained(writer), expected);
        assert_eq!(fs::read_dir(scratch.path()).unwrap().count(), 0, "runs left behind");
    }

    #[test]
    fn records_held_in_memory_come_out_sorted_without_a_run() {
        let scratch = tempfile::tempdir().unwrap();
        let mut writer = RunWriter::new(scratch.path(), "x", 2, 1 << 20);
        let mut expected = records(1000);
        for record in &expected {
            writer.push(record).unwrap();
        }
        assert_eq!(writer.spilled_runs(), 0);
        expected.sort();
        assert_eq!(drained(writer), expected);
    }

    #[test]
    fn more_runs_than_the_fan_in_merge_through_intermediate_runs() {
        let scratch = tempfile::tempdir().unwrap();
        let mut writer = RunWriter::new(scratch.path(), "x", 2, 0);
        let mut expected = records(64 * (FAN_IN as u64 + 10));
        for record in &expected {
            writer.push(record).unwrap();
        }
        expected.sort();
        assert_eq!(drained(writer), expected);
        assert_eq!(fs::read_dir(scratch.path()).unwrap().count(), 0, "runs left behind");
    }

    #[test]
    fn a_file_cut_inside_a_record_is_an_error() {
        let mut reader = RecordReader::new(Box::new(io::Cursor::new(vec![0u8; 20])), 2);
        assert!(reader.advance().unwrap());
        assert_eq!(reader.advance().unwrap_err().kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_scratch_directory_starts_empty_and_is_removed_when_dropped() {
        let parent = tempfile::tempdir().unwrap();
        fs::create_dir_all(parent.path().join("unit/old")).unwrap();
        let scratch = Scratch::create(parent.path(), "unit").unwrap();
        assert_eq!(fs::read_dir(scratch.path()).unwrap().count(), 0);
        let path = scratch.path().to_path_buf();
        drop(scratch);
        assert!(!path.exists());
    }
}
