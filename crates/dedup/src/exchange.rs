//! Exchange files: what a recorder or a unit writes under the step's directory
//! ([`GlobalContext::dir`]) for other units, tasks or machines to read. That
//! directory is on the job's shared storage (a local directory, or `s3://…`
//! when tasks run on several machines), where nothing can be renamed.
//!
//! ```text
//! <kind>/<shard>/<p><partition>.run   record phase: one shard's records of one partition, sorted
//!                                     (MinHash sigs/000012/b003.run, exact hashes/000012/p0007.run,
//!                                     sentence spans/000012/p0007.run)
//! pairs/b<bucket>.run                 MinHash `buckets`, one per unit
//! clusters/<unit>/<shard>.run         cluster files, written by unit <unit> (crate::clusters)
//! dups/<unit>/<shard>.run             sentence spans to cut, written by unit <unit> (crate::sentence_dedup)
//! ```
//!
//! The rules every writer follows, so that a recorder or unit killed at any
//! point and redone — maybe with another memory budget — leaves exactly what a
//! clean run leaves:
//! - a file is written whole: created, streamed, committed ([`Location::create`]);
//!   it is invisible until committed, and an upload dropped uncommitted leaves
//!   nothing;
//! - names depend on the inputs only, never on the memory budget or the task
//!   count: runs spilled under the budget stay in local scratch
//!   ([`crate::runs::Scratch`]) and are merged into the one file of their
//!   partition;
//! - each recorder's files are under one per-shard directory and each unit's
//!   are one file or one directory, which the writer deletes when it starts
//!   (one listing request per 1,000 files on object storage), so a redo never
//!   leaves a stale file that a reader would pick up;
//! - readers open files by name, never by listing; a missing file holds no
//!   records (a shard with no document in a partition writes none);
//! - reads stream through a [`READ_BUFFER`](crate::runs::READ_BUFFER).
//!
//! [`GlobalContext::dir`]: tamis_api::GlobalContext::dir

use crate::runs::{RecordWriter, RunWriter, Scratch, Source};
use std::io::{self, Read};
use tamis_api::GlobalContext;
use tamis_io::{Location, Upload};

/// An exchange file; a missing one holds no records.
impl Source for Location {
    fn open_records(&self) -> io::Result<Option<Box<dyn Read + Send>>> {
        match self.open() {
            Ok(input) => Ok(Some(input)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Records written to an exchange file as they come, through a small buffer;
/// the file appears, whole, at [`commit`](StoredRecords::commit).
pub struct StoredRecords {
    out: RecordWriter<Box<dyn Upload>>,
}

impl StoredRecords {
    /// Starts writing `location`.
    pub fn create(location: &Location) -> io::Result<Self> {
        Ok(StoredRecords {
            out: RecordWriter::new(location.create()?),
        })
    }

    /// Appends one record.
    pub fn push(&mut self, record: &[u64]) -> io::Result<()> {
        self.out.push(record)
    }

    /// Makes the file visible, whole.
    pub fn commit(self) -> io::Result<()> {
        self.out.into_inner()?.commit()
    }
}

/// Where a step's record phase puts its files: `<kind>/<shard>/<prefix><partition>.run`.
#[derive(Debug, Clone, Copy)]
pub struct RecordLayout {
    /// The directory below the step's: `sigs`, `hashes`.
    pub kind: &'static str,
    /// What a partition's file name starts with: `b` (bucket), `p`.
    pub prefix: &'static str,
}

impl RecordLayout {
    /// Everything the recorder of `shard` writes.
    pub fn shard_dir(&self, dir: &Location, shard: usize) -> Location {
        dir.join(&format!("{}/{shard:06}", self.kind))
    }

    /// The records of `shard` in `partition`.
    pub fn file(&self, dir: &Location, shard: usize, partition: usize) -> Location {
        self.shard_dir(dir, shard)
            .join(&format!("{}{partition:03}.run", self.prefix))
    }

    /// The files of `partition`, one per shard of the corpus (missing for a
    /// shard that has no record in it).
    pub fn partition_files(&self, dir: &Location, shards: usize, partition: usize) -> Vec<Location> {
        (0..shards).map(|shard| self.file(dir, shard, partition)).collect()
    }
}

/// The record phase of one shard: records spread over partitions, each sorted
/// under its share of the memory budget in local scratch, then written as one
/// exchange file per partition at [`finish`](ShardRecorder::finish).
pub struct ShardRecorder {
    files: Vec<Location>,
    writers: Vec<RunWriter>,
    /// Holds the spilled runs; removed with the recorder.
    _scratch: Scratch,
}

impl ShardRecorder {
    /// Deletes what an earlier attempt for `shard` wrote, then starts recording
    /// records of `width` words into `partitions` partitions.
    pub fn start(
        layout: RecordLayout,
        context: &GlobalContext,
        shard: usize,
        partitions: usize,
        width: usize,
    ) -> io::Result<Self> {
        layout.shard_dir(context.dir, shard).delete_all()?;
        let scratch = Scratch::create(context.scratch, &format!("{}-{shard:06}", layout.kind))?;
        let budget = context.mem_budget / partitions.max(1);
        let writers = (0..partitions)
            .map(|p| RunWriter::new(scratch.path(), &format!("{}{p:03}", layout.prefix), width, budget))
            .collect();
        Ok(ShardRecorder {
            files: (0..partitions).map(|p| layout.file(context.dir, shard, p)).collect(),
            writers,
            _scratch: scratch,
        })
    }

    /// Adds one record to `partition`.
    pub fn push(&mut self, partition: usize, record: &[u64]) -> io::Result<()> {
        self.writers[partition].push(record)
    }

    /// Writes every partition that holds a record, one file at a time (so one
    /// upload buffer at a time), freeing each partition's memory as it goes.
    pub fn finish(self) -> io::Result<()> {
        for (writer, file) in self.writers.into_iter().zip(&self.files) {
            if writer.is_empty() {
                continue;
            }
            let mut out = StoredRecords::create(file)?;
            writer.drain_sorted(&mut |record| out.push(record))?;
            out.commit()?;
        }
        Ok(())
    }
}

/// One unit's per-shard files `<dir>/<shard>.run`, written from records that
/// come in shard order, one file open at a time. The unit owns `dir`, so it is
/// deleted when the writer starts.
pub struct ShardFiles {
    dir: Location,
    current: Option<(usize, StoredRecords)>,
    written: u64,
}

impl ShardFiles {
    /// Deletes what an earlier attempt wrote under `dir`, then starts.
    pub fn create(dir: &Location) -> io::Result<Self> {
        dir.delete_all()?;
        Ok(ShardFiles {
            dir: dir.clone(),
            current: None,
            written: 0,
        })
    }

    /// The file of `shard` under `dir`.
    pub fn file(dir: &Location, shard: usize) -> Location {
        dir.join(&format!("{shard:06}.run"))
    }

    /// Appends `record` to the file of `shard`; shards come in increasing order.
    pub fn push(&mut self, shard: usize, record: &[u64]) -> io::Result<()> {
        let file = match &mut self.current {
            Some((open, file)) if *open == shard => file,
            // A shard seen again would have its file replaced.
            Some((open, _)) if *open > shard => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "records out of shard order",
                ))
            }
            _ => {
                if let Some((_, done)) = self.current.take() {
                    done.commit()?;
                }
                let file = StoredRecords::create(&Self::file(&self.dir, shard))?;
                &mut self.current.insert((shard, file)).1
            }
        };
        file.push(record)?;
        self.written += 1;
        Ok(())
    }

    /// Commits the last file; returns how many records were written.
    pub fn finish(self) -> io::Result<u64> {
        if let Some((_, file)) = self.current {
            file.commit()?;
        }
        Ok(self.written)
    }
}
