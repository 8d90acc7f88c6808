//! Parquet: one document per row, read row group by row group with range
//! reads of the stored file, on any storage.
//!
//! A Parquet file is read from its end: the footer (the last 8 bytes: the
//! metadata's length and `PAR1`) locates the metadata, which locates each row
//! group's column chunks (the Parquet format's `README.md`, "File format").
//! So the reader asks storage for byte ranges, never the whole object: one read
//! of the file's last 64 KiB (the footer and, usually, all the metadata), then
//! per row group one read per run of the column chunks it needs (adjacent
//! chunks merged, so one read when every column is wanted). Memory holds one
//! row group's chunks, compressed, plus the batch being handed out.
//!
//! Columns: `text_field` holds the text (a string or UTF-8 binary column),
//! `id_field` the id (else `<file name>/<row>`, rows counted from 0 as datatrove
//! does), `url_field` the URL; every other column becomes metadata
//! ([`tamis_arrow::values`]), or only those `columns` lists. Rows are turned
//! into documents by [`Undecoded::decode`], on the runner's workers.
//!
//! Errors: a file that is not Parquet or is cut short is one `bad_parquet`
//! error; a row group that cannot be decoded is one `bad_parquet` error (its
//! rows are lost, the next row group is read); a file without the text column
//! is one `missing_text` error; a row whose text is null is a `missing_text`
//! error of its own. The offset of an error inside a file is a row number (the
//! detail says so).

use crate::compression::Location as Place;
use crate::undecoded::{Content, Undecoded};
use crate::{ReadError, ReadErrorKind, ReadOptions, Record};
use arrow_array::RecordBatch;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use parquet::file::reader::{ChunkReader, Length};
use std::io::Cursor;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tamis_arrow::rows::Fields;
use tamis_arrow::RowMapping;
use tamis_io::Location;

/// Bytes read from the end of the file first: the footer and, for most files,
/// the whole metadata, in one request.
const TAIL_BYTES: u64 = 64 << 10;
/// Column chunks closer than this are fetched in one read.
const MERGE_GAP: u64 = 1 << 20;
/// Rows decoded at once.
const BATCH_ROWS: usize = 1024;
/// What a reader asks for when the decoder wants to stream from an offset no
/// fetched range covers (it should not: every chunk it reads is fetched first).
const STRAY_READ: u64 = 1 << 20;

/// A row of a Parquet file, to be made a document on a worker.
#[derive(Debug)]
pub(crate) struct Row {
    batch: Arc<RecordBatch>,
    index: usize,
    mapping: Arc<RowMapping>,
    /// The row's number in the file, from 0.
    number: u64,
    /// The file's name, for ids of rows without one.
    file_name: Arc<str>,
}

impl Row {
    /// Bytes of text to decode.
    pub(crate) fn len(&self) -> usize {
        self.mapping.text_len(&self.batch, self.index)
    }

    /// The document, or the kind and detail of why the row is not one.
    pub(crate) fn decode(self) -> Result<tamis_api::Document, (ReadErrorKind, String)> {
        let Row {
            batch,
            index,
            mapping,
            number,
            file_name,
        } = self;
        mapping
            .document(&batch, index, || format!("{file_name}/{number}"))
            .map_err(|err| match err {
                tamis_arrow::RowError::MissingText(detail) => (ReadErrorKind::MissingText, row_detail(number, &detail)),
                tamis_arrow::RowError::InvalidUtf8(detail) => (ReadErrorKind::InvalidUtf8, row_detail(number, &detail)),
            })
    }
}

/// An error's detail at row `number`, which is also its offset.
fn row_detail(number: u64, detail: &str) -> String {
    format!("row {number} (the offset is this row number): {detail}")
}

/// Reads the rows of one Parquet file.
pub struct ParquetReader {
    file: Arc<str>,
    file_name: Arc<str>,
    options: ReadOptions,
    state: State,
}

enum State {
    /// Not opened yet: the footer is read on the first call, so that opening
    /// costs nothing until the reader thread gets to the file.
    Unopened(Location, Arc<AtomicU64>),
    Reading(Box<Reading>),
    Done,
}

struct Reading {
    source: RangeSource,
    metadata: ArrowReaderMetadata,
    mask: ProjectionMask,
    mapping: Arc<RowMapping>,
    /// The next row group to open.
    next_group: usize,
    /// The row group being read, and the number of its first row.
    group: Option<(parquet::arrow::arrow_reader::ParquetRecordBatchReader, usize)>,
    /// The batch being handed out, and the next row of it.
    batch: Option<(Arc<RecordBatch>, usize)>,
    /// The number of the next row in the file.
    row: u64,
}

impl ParquetReader {
    /// A reader of `location`, named `source` in documents and errors;
    /// `progress` is advanced by the bytes fetched.
    pub fn new(location: Location, source: String, options: ReadOptions, progress: Arc<AtomicU64>) -> Self {
        let file_name = std::path::Path::new(&source)
            .file_name()
            .map_or_else(|| source.clone(), |n| n.to_string_lossy().into_owned());
        ParquetReader {
            file: source.into(),
            file_name: file_name.into(),
            options,
            state: State::Unopened(location, progress),
        }
    }

    fn error(&self, kind: ReadErrorKind, offset: u64, detail: String) -> ReadError {
        ReadError::new(kind, offset, detail).in_file(&self.file)
    }

    /// Reads the footer and maps the columns.
    fn open(&self, location: Location, progress: Arc<AtomicU64>) -> Result<Reading, ReadError> {
        let size = location
            .size()
            .map_err(|err| self.error(ReadErrorKind::Io, 0, format!("cannot open: {err}")))?;
        if size == 0 {
            return Err(self.error(ReadErrorKind::EmptyFile, 0, "no bytes".into()));
        }
        let source = RangeSource::new(location, size, progress);
        source
            .fetch(size.saturating_sub(TAIL_BYTES)..size)
            .map_err(|err| self.error(ReadErrorKind::Io, 0, format!("reading the footer: {err}")))?;
        let bad = |err: parquet::errors::ParquetError| {
            let detail = format!("not a Parquet file, or cut short ({size} bytes): {err}");
            self.error(ReadErrorKind::BadParquet, 0, detail)
        };
        let parquet_metadata = ParquetMetaDataReader::new().parse_and_finish(&source).map_err(bad)?;
        let metadata =
            ArrowReaderMetadata::try_new(Arc::new(parquet_metadata), ArrowReaderOptions::new()).map_err(bad)?;
        let fields = Fields {
            text: &self.options.text_field,
            id: &self.options.id_field,
            url: &self.options.url_field,
            columns: self.options.columns.as_deref(),
        };
        let whole = RowMapping::new(metadata.schema(), fields)
            .map_err(|detail| self.error(ReadErrorKind::MissingText, 0, format!("{detail}: see input.text_field")))?;
        let wanted = whole.columns();
        let mask = ProjectionMask::roots(
            metadata.metadata().file_metadata().schema_descr(),
            wanted.iter().copied(),
        );
        let projected = metadata.schema().project(&wanted).map_err(|e| bad(e.into()))?;
        let mapping =
            RowMapping::new(&projected, fields).map_err(|detail| self.error(ReadErrorKind::MissingText, 0, detail))?;
        Ok(Reading {
            source,
            metadata,
            mask,
            mapping: Arc::new(mapping),
            next_group: 0,
            group: None,
            batch: None,
            row: 0,
        })
    }
}

impl Reading {
    /// The next row, or the next error, or `None` at the end of the file.
    fn next(&mut self, reader: &ParquetReader) -> Option<Record> {
        loop {
            if let Some((batch, index)) = &mut self.batch {
                if *index < batch.num_rows() {
                    let row = Row {
                        batch: batch.clone(),
                        index: *index,
                        mapping: self.mapping.clone(),
                        number: self.row,
                        file_name: reader.file_name.clone(),
                    };
                    *index += 1;
                    self.row += 1;
                    let len = row.len() as u64;
                    if len > reader.options.max_record_bytes {
                        let detail = format!("a text of {len} bytes, over max_record_bytes");
                        let number = row.number;
                        let detail = row_detail(number, &detail);
                        return Some(Record::Error(reader.error(
                            ReadErrorKind::RecordTooLarge,
                            number,
                            detail,
                        )));
                    }
                    let place = Place {
                        offset: row.number,
                        stored: true,
                    };
                    return Some(Record::Document(Undecoded::new(
                        Content::Row(row),
                        reader.file.clone(),
                        place,
                    )));
                }
                self.batch = None;
            }
            if let Some((group, first_row)) = &mut self.group {
                let first = *first_row as u64;
                let decoded = guarded(|| group.next())
                    .and_then(|next| next.transpose().map_err(|err| format!("cannot be decoded: {err}")));
                match decoded {
                    Ok(Some(batch)) => {
                        self.batch = Some((Arc::new(batch), 0));
                        continue;
                    }
                    Ok(None) => self.group = None,
                    // The rest of this row group is lost; go on with the next.
                    Err(detail) => {
                        let (index, kind) = (self.next_group - 1, ReadErrorKind::BadParquet);
                        return Some(Record::Error(self.lose_group(index, first, kind, detail, reader)));
                    }
                }
            }
            let groups = self.metadata.metadata().num_row_groups();
            if self.next_group >= groups {
                return None;
            }
            let index = self.next_group;
            self.next_group += 1;
            let first = self.row;
            match guarded(|| self.open_group(index, reader)) {
                Ok(Ok(())) => {}
                Ok(Err(error)) => return Some(Record::Error(error)),
                Err(panic) => {
                    let error = self.lose_group(index, first, ReadErrorKind::BadParquet, panic, reader);
                    return Some(Record::Error(error));
                }
            }
        }
    }

    /// Gives up row group `index`, whose first row is `first`: reading goes
    /// on with the next group, and the error says which rows were lost.
    fn lose_group(
        &mut self,
        index: usize,
        first: u64,
        kind: ReadErrorKind,
        detail: String,
        reader: &ParquetReader,
    ) -> ReadError {
        let rows = u64::try_from(self.metadata.metadata().row_group(index).num_rows()).unwrap_or(0);
        self.row = first + rows;
        self.group = None;
        let detail = format!(
            "row group {index} (rows {first}..{}; the offset is its first row): {detail}",
            self.row
        );
        reader.error(kind, first, detail)
    }

    /// Fetches the chunks row group `index` needs and starts decoding it.
    fn open_group(&mut self, index: usize, reader: &ParquetReader) -> Result<(), ReadError> {
        let metadata = self.metadata.metadata().clone();
        let first = self.row;
        let ranges = chunk_ranges(&metadata, index, &self.mask);
        self.source.clear();
        for range in ranges {
            if range.end > self.source.size {
                let size = self.source.size;
                let detail = format!("its columns end past the end of the file ({size} bytes)");
                return Err(self.lose_group(index, first, ReadErrorKind::BadParquet, detail, reader));
            }
            if let Err(err) = self.source.fetch(range) {
                return Err(self.lose_group(index, first, ReadErrorKind::Io, err.to_string(), reader));
            }
        }
        let built = ParquetRecordBatchReaderBuilder::new_with_metadata(self.source.clone(), self.metadata.clone())
            .with_projection(self.mask.clone())
            .with_row_groups(vec![index])
            .with_batch_size(BATCH_ROWS)
            .build();
        match built {
            Ok(group) => {
                self.group = Some((group, first as usize));
                Ok(())
            }
            Err(err) => {
                let detail = format!("cannot be decoded: {err}");
                Err(self.lose_group(index, first, ReadErrorKind::BadParquet, detail, reader))
            }
        }
    }
}

/// `f`, with a panic caught and told as `decoding panicked: …` (the
/// `parquet` crate asserts on some damaged metadata, such as a column chunk
/// of negative length).
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|panic| format!("decoding panicked: {}", tamis_api::panic_message(&*panic)))
}

/// The byte ranges of the column chunks of row group `index` that `mask`
/// selects, adjacent ones (closer than [`MERGE_GAP`]) merged.
fn chunk_ranges(metadata: &ParquetMetaData, index: usize, mask: &ProjectionMask) -> Vec<Range<u64>> {
    let mut ranges: Vec<Range<u64>> = metadata
        .row_group(index)
        .columns()
        .iter()
        .enumerate()
        .filter(|(leaf, _)| mask.leaf_included(*leaf))
        .map(|(_, column)| {
            let (start, len) = column.byte_range();
            start..start.saturating_add(len)
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<u64>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end.saturating_add(MERGE_GAP) => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

impl Iterator for ParquetReader {
    type Item = Record;

    /// The next record. The `parquet` crate decodes untrusted bytes: should it
    /// panic on a row group, that group is one `bad_parquet` error and reading
    /// goes on with the next ([`guarded`]); should it panic on the footer, the
    /// rest of the file is one error. Never the end of the reading thread.
    fn next(&mut self) -> Option<Record> {
        let state = std::mem::replace(&mut self.state, State::Done);
        let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.advance(state)));
        match step {
            Ok((state, record)) => {
                self.state = state;
                record
            }
            Err(panic) => {
                let message = tamis_api::panic_message(&*panic);
                let detail = format!("decoding panicked, the rest of the file is lost: {message}");
                Some(Record::Error(self.error(ReadErrorKind::BadParquet, 0, detail)))
            }
        }
    }
}

impl ParquetReader {
    /// From `state`, the next state and record.
    fn advance(&self, state: State) -> (State, Option<Record>) {
        match state {
            State::Done => (State::Done, None),
            State::Unopened(location, progress) => match self.open(location, progress) {
                Ok(reading) => self.advance(State::Reading(Box::new(reading))),
                Err(error) => (State::Done, Some(Record::Error(error))),
            },
            State::Reading(mut reading) => match reading.next(self) {
                Some(record) => (State::Reading(reading), Some(record)),
                None => (State::Done, None),
            },
        }
    }
}

/// A stored file as Parquet's decoder reads it: byte ranges served from the
/// ranges fetched beforehand, each fetched with one range read.
#[derive(Clone)]
struct RangeSource {
    location: Location,
    size: u64,
    fetched: Arc<Mutex<Vec<(u64, Bytes)>>>,
    progress: Arc<AtomicU64>,
}

impl RangeSource {
    fn new(location: Location, size: u64, progress: Arc<AtomicU64>) -> Self {
        RangeSource {
            location,
            size,
            fetched: Arc::default(),
            progress,
        }
    }

    /// Reads `range` from storage and keeps it.
    fn fetch(&self, range: Range<u64>) -> std::io::Result<()> {
        let bytes = self.read(range.clone())?;
        self.lock().push((range.start, bytes));
        Ok(())
    }

    /// Forgets the fetched ranges but the file's tail (the metadata).
    fn clear(&self) {
        let tail = self.size.saturating_sub(TAIL_BYTES);
        self.lock().retain(|(start, _)| *start == tail);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Bytes)>> {
        self.fetched.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `range`, from storage.
    fn read(&self, range: Range<u64>) -> std::io::Result<Bytes> {
        let wanted = range.end - range.start;
        let bytes = self.location.read_range(range.clone())?;
        self.progress.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if (bytes.len() as u64) < wanted {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("{}: bytes {range:?} asked, {} read", self.location, bytes.len()),
            ));
        }
        Ok(Bytes::from(bytes))
    }

    /// The fetched bytes from `start`, if a fetched range holds `start..start + len`.
    fn cached(&self, start: u64, len: u64) -> Option<Bytes> {
        let fetched = self.lock();
        fetched.iter().find_map(|(at, bytes)| {
            let end = at + bytes.len() as u64;
            (*at <= start && start + len <= end).then(|| bytes.slice((start - at) as usize..))
        })
    }
}

impl Length for RangeSource {
    fn len(&self) -> u64 {
        self.size
    }
}

impl ChunkReader for RangeSource {
    type T = Cursor<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        if let Some(bytes) = self.cached(start, 1) {
            return Ok(Cursor::new(bytes));
        }
        let end = self.size.min(start.saturating_add(STRAY_READ));
        Ok(Cursor::new(self.read(start..end)?))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        if let Some(bytes) = self.cached(start, length as u64) {
            return Ok(bytes.slice(..length));
        }
        Ok(self.read(start..start.saturating_add(length as u64))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;
    use arrow_array::{ArrayRef, Int64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    /// A Parquet file of `rows` rows (`text`, `n`, and `id` unless `no_id`) in
    /// row groups of `group` rows; row 3's text is null.
    fn parquet_file(rows: usize, group: usize) -> Vec<u8> {
        let schema = Arc::new(Schema::new(vec![
            Field::new("text", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
            Field::new("lang", DataType::Utf8, true),
        ]));
        let texts: Vec<Option<String>> = (0..rows).map(|i| (i != 3).then(|| format!("text {i}"))).collect();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(texts)),
            Arc::new(Int64Array::from((0..rows as i64).collect::<Vec<_>>())),
            Arc::new(StringArray::from(vec!["en"; rows])),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        let properties = WriterProperties::builder()
            .set_max_row_group_row_count(Some(group))
            .build();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, schema, Some(properties)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        out
    }

    fn store(name: &str, bytes: &[u8]) -> Location {
        let location = Location::parse(&format!("memory://parquet-read/{name}")).unwrap();
        location.write(bytes).unwrap();
        location
    }

    /// `(ids, error kind@offset)` of the file at `location`.
    fn read(location: &Location, options: ReadOptions) -> (Vec<String>, Vec<String>) {
        let (mut ids, mut errors) = (Vec::new(), Vec::new());
        let progress = Arc::new(AtomicU64::new(0));
        for record in crate::open(location, Format::Parquet, &options, progress) {
            match record {
                Record::Document(doc) => match doc.decode() {
                    Ok(doc) => ids.push(doc.id),
                    Err(e) => errors.push(format!("{}@{}", e.kind.as_str(), e.offset)),
                },
                Record::Error(e) => errors.push(format!("{}@{}", e.kind.as_str(), e.offset)),
                Record::Skipped(_) => {}
            }
        }
        (ids, errors)
    }

    #[test]
    fn rows_become_documents_across_row_groups() {
        let location = store("groups.parquet", &parquet_file(25, 10));
        let (ids, errors) = read(&location, ReadOptions::default());
        assert_eq!(ids.len(), 24);
        assert_eq!(ids[0], "groups.parquet/0");
        assert_eq!(ids[23], "groups.parquet/24");
        assert_eq!(errors, ["missing_text@3"]);
        let mut records = crate::open(&location, Format::Parquet, &ReadOptions::default(), Arc::default());
        let Some(Record::Document(first)) = records.next() else {
            panic!()
        };
        let doc = first.decode().unwrap();
        assert_eq!(doc.metadata["n"], 0);
        assert_eq!(doc.metadata["lang"], "en");
    }

    #[test]
    fn columns_restrict_the_metadata() {
        let location = store("columns.parquet", &parquet_file(2, 10));
        let options = ReadOptions {
            columns: Some(vec!["lang".into()]),
            ..ReadOptions::default()
        };
        let mut records = crate::open(&location, Format::Parquet, &options, Arc::default());
        let Some(Record::Document(first)) = records.next() else {
            panic!()
        };
        let doc = first.decode().unwrap();
        assert_eq!(doc.metadata.keys().collect::<Vec<_>>(), ["lang"]);
    }

    #[test]
    fn damaged_files_are_counted_errors() {
        let whole = parquet_file(25, 10);
        let cut = store("cut.parquet", &whole[..whole.len() - 10]);
        assert_eq!(
            read(&cut, ReadOptions::default()),
            (vec![], vec!["bad_parquet@0".to_string()])
        );
        let empty = store("empty.parquet", b"");
        assert_eq!(read(&empty, ReadOptions::default()).1, ["empty_file@0"]);
        let text = store("text.parquet", b"not parquet at all, just some text in a file");
        assert_eq!(read(&text, ReadOptions::default()).1, ["bad_parquet@0"]);
        let missing = ReadOptions {
            text_field: "content".into(),
            ..ReadOptions::default()
        };
        let location = store("missing.parquet", &whole);
        assert_eq!(read(&location, missing).1, ["missing_text@0"]);
        // Garbage over the second row group's data: that group is lost, the others read.
        let mut damaged = whole.clone();
        let metadata = ParquetMetaDataReader::new()
            .parse_and_finish(&Bytes::from(whole))
            .unwrap();
        let (start, len) = metadata.row_group(1).column(0).byte_range();
        for byte in &mut damaged[start as usize..(start + len) as usize] {
            *byte = 0xee;
        }
        let location = store("damaged.parquet", &damaged);
        let (ids, errors) = read(&location, ReadOptions::default());
        assert_eq!(errors, ["missing_text@3", "bad_parquet@10"], "{ids:?}");
        assert_eq!(ids.len(), 14);
        assert_eq!(ids.last().unwrap(), "damaged.parquet/24");
    }

    #[test]
    fn a_missing_file_is_an_io_error() {
        let location = Location::parse("memory://parquet-read/none.parquet").unwrap();
        assert_eq!(read(&location, ReadOptions::default()).1, ["io@0"]);
    }

    #[test]
    fn long_texts_are_too_large() {
        let location = store("long.parquet", &parquet_file(12, 10));
        let options = ReadOptions {
            max_record_bytes: 6,
            ..ReadOptions::default()
        };
        let (ids, errors) = read(&location, options);
        assert_eq!(ids.len(), 9, "row 3 has no text; 'text 10' and 'text 11' are 7 bytes");
        assert_eq!(errors, ["missing_text@3", "record_too_large@10", "record_too_large@11"]);
    }
}
