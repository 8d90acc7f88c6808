//! Parquet: documents as typed columns of a fixed schema
//! ([`tamis_arrow::DocumentSchema`]), through the `parquet` crate's Arrow
//! writer.
//!
//! Every file gets statistics per page and a page index (column and offset
//! indexes: the Parquet format's `PageIndex.md`), so readers can skip pages;
//! the `text` column is not dictionary-encoded (its values rarely repeat, and
//! the dictionary would be built and thrown away per page). Row groups close at
//! [`DEFAULT_ROW_GROUP_ROWS`] rows or [`DEFAULT_ROW_GROUP_BYTES`] bytes of
//! encoded data, whichever comes first (see the README's "Row groups").

use crate::encoder::Counting;
use crate::{Encoder, Finished, Outgoing};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use std::io::{self, BufWriter};
use std::sync::Arc;
use tamis_arrow::{BatchBuilder, DocumentSchema};
use tamis_io::Upload;

/// Rows per row group, at most: what datatrove's open PR #514 proposes for its
/// `ParquetWriter` (its 1,000-row groups cost readers one request per column
/// per 1,000 rows on object storage: datatrove issue #263).
pub const DEFAULT_ROW_GROUP_ROWS: usize = 100_000;
/// Encoded bytes per row group, at most: large enough that a reader reads each
/// column in one or two requests per row group, small enough that a writer
/// holds one in memory without trouble (the Arrow writer buffers a whole row
/// group before writing it).
pub const DEFAULT_ROW_GROUP_BYTES: u64 = 128 << 20;
/// Rows handed to the Arrow writer at once, unless [`BATCH_BYTES`] comes first.
const BATCH_ROWS: usize = 4096;
/// Bytes of values handed to the Arrow writer at once.
const BATCH_BYTES: u64 = 32 << 20;

/// How Parquet files are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParquetCompression {
    /// zstd, level 3 (the default).
    #[default]
    Zstd,
    /// Snappy: what pyarrow and datatrove write by default.
    Snappy,
    /// No compression.
    None,
}

impl ParquetCompression {
    /// The name a pipeline file uses: `zstd`, `snappy`, `none`.
    pub fn parse(name: &str) -> Option<ParquetCompression> {
        match name {
            "zstd" => Some(ParquetCompression::Zstd),
            "snappy" => Some(ParquetCompression::Snappy),
            "none" => Some(ParquetCompression::None),
            _ => None,
        }
    }

    fn codec(self) -> Compression {
        match self {
            // Level 3 is in zstd's range: the constructor cannot fail.
            ParquetCompression::Zstd => Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default()),
            ParquetCompression::Snappy => Compression::SNAPPY,
            ParquetCompression::None => Compression::UNCOMPRESSED,
        }
    }
}

/// How Parquet files are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetOptions {
    /// The columns.
    pub schema: Arc<DocumentSchema>,
    /// The codec.
    pub compression: ParquetCompression,
    /// Rows per row group, at most.
    pub row_group_rows: usize,
    /// Encoded bytes per row group, at most.
    pub row_group_bytes: u64,
}

impl ParquetOptions {
    /// Options with the default codec and row group limits.
    pub fn new(schema: DocumentSchema) -> Self {
        ParquetOptions {
            schema: Arc::new(schema),
            compression: ParquetCompression::default(),
            row_group_rows: DEFAULT_ROW_GROUP_ROWS,
            row_group_bytes: DEFAULT_ROW_GROUP_BYTES,
        }
    }

    /// The same, with the removal's columns (`removed_step`, `removed_reason`).
    pub fn for_removed(&self) -> Self {
        ParquetOptions {
            schema: Arc::new(self.schema.with_removal()),
            ..self.clone()
        }
    }

    fn properties(&self) -> WriterProperties {
        let mut properties = WriterProperties::builder()
            .set_compression(self.compression.codec())
            .set_statistics_enabled(EnabledStatistics::Page)
            .set_max_row_group_row_count(Some(self.row_group_rows.max(1)))
            .set_max_row_group_bytes(Some(usize::try_from(self.row_group_bytes).unwrap_or(usize::MAX).max(1)))
            .set_created_by(format!("tamis {}", env!("CARGO_PKG_VERSION")));
        for column in &self.schema.columns {
            if column.source == tamis_arrow::Source::Text {
                properties = properties.set_column_dictionary_enabled(ColumnPath::from(column.name.as_str()), false);
            }
        }
        properties.build()
    }
}

/// Writes documents into one Parquet file.
pub struct ParquetEncoder {
    writer: ArrowWriter<BufWriter<Counting>>,
    batch: BatchBuilder,
    size: u64,
}

impl ParquetEncoder {
    /// An encoder writing into `upload`.
    pub fn new(upload: Box<dyn Upload>, options: &ParquetOptions) -> io::Result<Self> {
        let batch = BatchBuilder::new(options.schema.clone());
        let out = BufWriter::with_capacity(1 << 20, Counting::new(upload));
        let writer =
            ArrowWriter::try_new(out, batch.arrow_schema().clone(), Some(options.properties())).map_err(io_error)?;
        Ok(ParquetEncoder { writer, batch, size: 0 })
    }

    /// Hands the rows gathered so far to the Arrow writer.
    fn write_batch(&mut self) -> io::Result<()> {
        match self.batch.take_batch() {
            Some(batch) => self.writer.write(&batch).map_err(io_error),
            None => Ok(()),
        }
    }
}

impl Encoder for ParquetEncoder {
    fn write(&mut self, item: &Outgoing) -> io::Result<()> {
        let removal = item.removal.as_ref().map(|r| (r.step, r.reason.as_str()));
        let appended = match self.batch.append(&item.doc, removal) {
            Ok(bytes) => bytes,
            Err(_) if self.batch.rows() > 0 => {
                // The batch is full of text: send it, then try again alone.
                self.write_batch()?;
                self.batch
                    .append(&item.doc, removal)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
            }
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        self.size += appended;
        if self.batch.rows() >= BATCH_ROWS || self.batch.batch_bytes() >= BATCH_BYTES {
            self.write_batch()?;
        }
        Ok(())
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn finish(mut self: Box<Self>) -> io::Result<Finished> {
        self.write_batch()?;
        let schema = self.batch.stats().clone();
        let out = self.writer.into_inner().map_err(io_error)?;
        let counting = out.into_inner().map_err(|e| e.into_error())?;
        Ok(Finished {
            bytes: counting.commit()?,
            schema,
        })
    }
}

fn io_error(err: parquet::errors::ParquetError) -> io::Error {
    match err {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Destination, Format, Removal, RollingWriter, Written};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use tamis_api::{Document, Reason};
    use tamis_arrow::ColumnType;
    use tamis_io::Location;

    fn doc(i: usize) -> Outgoing {
        let mut doc = Document::new(format!("d{i}"), format!("text number {i}"));
        doc.metadata.insert("language_score".into(), (i as f64 / 10.0).into());
        doc.metadata.insert("tag".into(), "x".into());
        Outgoing::kept(doc)
    }

    fn options() -> ParquetOptions {
        ParquetOptions::new(DocumentSchema::tamis(&[("language_score".into(), ColumnType::Float64)]).unwrap())
    }

    #[test]
    fn parts_roll_over_and_read_back() {
        let dir = Location::parse("memory://parquet-tests/roll").unwrap();
        let format = Format::Parquet(options());
        let mut writer = RollingWriter::new(Destination::Store(dir.clone()), "s", format, 200);
        for i in 0..30 {
            writer.write(&doc(i)).unwrap();
        }
        let Written { files, bytes, .. } = writer.finish().unwrap();
        assert!(files.len() > 1, "{files:?}");
        assert_eq!(files[0].file_name(), "s_00000.parquet");
        assert_eq!(bytes, files.iter().map(|f| f.size().unwrap()).sum::<u64>());
        let mut rows = 0;
        for file in &files {
            let bytes = bytes::Bytes::from(file.read().unwrap());
            let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)
                .unwrap()
                .build()
                .unwrap();
            rows += reader.map(|b| b.unwrap().num_rows()).sum::<usize>();
        }
        assert_eq!(rows, 30);
    }

    #[test]
    fn row_groups_close_at_the_row_limit_and_pages_are_indexed() {
        let dir = Location::parse("memory://parquet-tests/groups").unwrap();
        let options = ParquetOptions {
            row_group_rows: 1000,
            ..options()
        };
        let mut writer = RollingWriter::new(Destination::Store(dir), "g", Format::Parquet(options), u64::MAX);
        for i in 0..2500 {
            writer.write(&doc(i)).unwrap();
        }
        let files = writer.finish().unwrap().files;
        let bytes = bytes::Bytes::from(files[0].read().unwrap());
        let reader = SerializedFileReader::new(bytes).unwrap();
        let metadata = reader.metadata();
        let groups: Vec<i64> = metadata.row_groups().iter().map(|g| g.num_rows()).collect();
        assert_eq!(groups, [1000, 1000, 500]);
        let score = &metadata.row_group(0).column(3);
        assert!(score.column_index_range().is_some() && score.offset_index_range().is_some());
        assert_eq!(score.column_path().string(), "language_score");
        assert!(score.statistics().is_some());
        assert!(matches!(score.compression(), Compression::ZSTD(_)));
    }

    #[test]
    fn removed_documents_get_the_removal_columns() {
        let dir = Location::parse("memory://parquet-tests/removed").unwrap();
        let format = Format::Parquet(options()).for_removed();
        let mut writer = RollingWriter::new(Destination::Store(dir), "r", format, u64::MAX);
        let removal = Removal {
            step: "language",
            reason: Reason("low_score"),
        };
        writer
            .write(&Outgoing::removed(Document::new("a", "t"), removal))
            .unwrap();
        let files = writer.finish().unwrap().files;
        let bytes = bytes::Bytes::from(files[0].read().unwrap());
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap();
        let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(
            names.join(","),
            "text,id,url,language_score,metadata,removed_step,removed_reason"
        );
    }

    #[test]
    fn mistyped_metadata_is_counted_not_fatal() {
        let dir = Location::parse("memory://parquet-tests/mistyped").unwrap();
        let mut writer = RollingWriter::new(Destination::Store(dir), "m", Format::Parquet(options()), u64::MAX);
        let mut bad = doc(0);
        bad.doc.metadata.insert("language_score".into(), "high".into());
        writer.write(&bad).unwrap();
        writer.write(&doc(1)).unwrap();
        let written = writer.finish().unwrap();
        assert_eq!(written.schema.nulled["language_score"], 1);
    }
}
