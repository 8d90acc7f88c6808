//! External sort of fixed-width records of `u64` words: sorted runs written under
//! a memory budget, then a k-way merge.
//!
//! A run file is the records' words, little-endian, sorted lexicographically by
//! word. Writers keep at most their budget of records in memory and spill a
//! sorted run when it is reached; merging reads every run through a small
//! buffer, and merges at most [`FAN_IN`] runs at once (more runs are first merged
//! in groups into temporary runs), so memory stays bounded whatever the input.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Runs merged at once; each holds a read buffer of [`READ_BUFFER`] bytes.
pub const FAN_IN: usize = 256;
const READ_BUFFER: usize = 64 << 10;

/// Collects records and writes them as sorted runs `<prefix>.<n>.run`.
pub struct RunWriter {
    prefix: PathBuf,
    width: usize,
    max_words: usize,
    words: Vec<u64>,
    runs: Vec<PathBuf>,
}

impl RunWriter {
    /// Records of `width` words; at most `budget_bytes` of them held before a spill.
    pub fn new(prefix: PathBuf, width: usize, budget_bytes: usize) -> Self {
        let max_words = (budget_bytes / 8).max(width * 64) / width * width;
        RunWriter {
            prefix,
            width,
            max_words,
            words: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// Adds one record (`width` words).
    pub fn push(&mut self, record: &[u64]) -> io::Result<()> {
        debug_assert_eq!(record.len(), self.width);
        self.words.extend_from_slice(record);
        if self.words.len() >= self.max_words {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        if self.words.is_empty() {
            return Ok(());
        }
        let path = PathBuf::from(format!("{}.{:04}.run", self.prefix.display(), self.runs.len()));
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        write_sorted(&path, &mut self.words, self.width)?;
        self.words.clear();
        self.runs.push(path);
        Ok(())
    }

    /// Writes what is left and returns the run files.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        self.spill()?;
        Ok(self.runs)
    }
}

/// Sorts `words` (records of `width`) and writes them to `path`.
pub fn write_sorted(path: &Path, words: &mut [u64], width: usize) -> io::Result<()> {
    let count = words.len() / width;
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.sort_unstable_by(|&x, &y| {
        let (x, y) = (x as usize * width, y as usize * width);
        words[x..x + width].cmp(&words[y..y + width])
    });
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for i in order {
        let start = i as usize * width;
        for word in &words[start..start + width] {
            out.write_all(&word.to_le_bytes())?;
        }
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// Reads a run one record at a time.
struct RunReader {
    input: BufReader<File>,
    record: Vec<u64>,
    bytes: Vec<u8>,
}

impl RunReader {
    fn open(path: &Path, width: usize) -> io::Result<Self> {
        Ok(RunReader {
            input: BufReader::with_capacity(READ_BUFFER, File::open(path)?),
            record: vec![0; width],
            bytes: vec![0; width * 8],
        })
    }

    /// Reads the next record into `self.record`; `false` at the end.
    fn advance(&mut self) -> io::Result<bool> {
        match self.input.read_exact(&mut self.bytes) {
            Ok(()) => {
                for (word, chunk) in self.record.iter_mut().zip(self.bytes.chunks_exact(8)) {
                    let mut le = [0u8; 8];
                    le.copy_from_slice(chunk);
                    *word = u64::from_le_bytes(le);
                }
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(e),
        }
    }
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

/// Calls `each` on every record of the runs `paths`, in sorted order. Runs
/// beyond [`FAN_IN`] are merged in groups into temporary runs beside `scratch`.
pub fn merge(paths: &[PathBuf], width: usize, scratch: &Path, each: &mut dyn FnMut(&[u64])) -> io::Result<()> {
    if paths.len() <= FAN_IN {
        return merge_few(paths, width, each);
    }
    let mut merged = Vec::new();
    for (i, group) in paths.chunks(FAN_IN).enumerate() {
        let path = PathBuf::from(format!("{}.merge{i:04}.run", scratch.display()));
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        let mut failed = None;
        merge_few(group, width, &mut |record| {
            if failed.is_none() {
                for word in record {
                    if let Err(e) = out.write_all(&word.to_le_bytes()) {
                        failed = Some(e);
                        break;
                    }
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        out.flush()?;
        merged.push(path);
    }
    let result = merge(&merged, width, &scratch.with_extension("next"), each);
    for path in &merged {
        let _ = fs::remove_file(path);
    }
    result
}

fn merge_few(paths: &[PathBuf], width: usize, each: &mut dyn FnMut(&[u64])) -> io::Result<()> {
    let mut readers = Vec::with_capacity(paths.len());
    let mut heap = BinaryHeap::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let mut reader = RunReader::open(path, width)?;
        if reader.advance()? {
            heap.push(Head {
                record: reader.record.clone(),
                reader: i,
            });
        }
        readers.push(reader);
    }
    while let Some(mut head) = heap.pop() {
        each(&head.record);
        let reader = &mut readers[head.reader];
        if reader.advance()? {
            head.record.copy_from_slice(&reader.record);
            heap.push(head);
        }
    }
    Ok(())
}

/// Calls `each` with every record of one run file, in order, reading it through
/// a small buffer (a missing file has no record).
pub fn for_each(path: &Path, width: usize, each: &mut dyn FnMut(&[u64])) -> io::Result<()> {
    let mut reader = match RunReader::open(path, width) {
        Ok(reader) => reader,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    while reader.advance()? {
        each(&reader.record);
    }
    Ok(())
}

/// Writes records to a file as they come, through a temporary name renamed by
/// [`StreamWriter::finish`]: a file of any size in a small buffer.
pub struct StreamWriter {
    path: PathBuf,
    temp: PathBuf,
    out: BufWriter<File>,
}

impl StreamWriter {
    /// A writer that will create `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let temp = PathBuf::from(format!("{}.tmp", path.display()));
        Ok(StreamWriter {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(READ_BUFFER, File::create(&temp)?),
            temp,
        })
    }

    /// Appends one record.
    pub fn push(&mut self, record: &[u64]) -> io::Result<()> {
        for word in record {
            self.out.write_all(&word.to_le_bytes())?;
        }
        Ok(())
    }

    /// Flushes, syncs and renames the file into place.
    pub fn finish(self) -> io::Result<()> {
        self.out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(self.temp, self.path)
    }
}

/// Every record of one run file, in order (for small files: per-shard outputs).
pub fn read_all(path: &Path, width: usize) -> io::Result<Vec<u64>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    if bytes.len() % (width * 8) != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not a whole number of records", path.display()),
        ));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|chunk| {
            let mut le = [0u8; 8];
            le.copy_from_slice(chunk);
            u64::from_le_bytes(le)
        })
        .collect())
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let temp = PathBuf::from(format!("{}.tmp", path.display()));
    let mut file = File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(temp, path)
}

/// The words of `records` as little-endian bytes.
pub fn to_bytes(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// The run files in `dir` (sorted by name), none if it does not exist.
pub fn list_runs(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut runs: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "run"))
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    runs.sort();
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_runs_merge_into_one_sorted_sequence() {
        let dir = tempfile::tempdir().unwrap();
        // A budget of 64 records per run: 1000 records make 16 runs.
        let mut writer = RunWriter::new(dir.path().join("x"), 2, 0);
        let mut expected = Vec::new();
        for i in 0..1000u64 {
            let record = [(i * 7919) % 1000, i];
            writer.push(&record).unwrap();
            expected.push(record);
        }
        let runs = writer.finish().unwrap();
        assert_eq!(runs.len(), 16);
        expected.sort();
        let mut seen = Vec::new();
        merge(&runs, 2, &dir.path().join("scratch"), &mut |r| seen.push([r[0], r[1]])).unwrap();
        assert_eq!(seen, expected);
    }
}
