//! Lists of input paths, one per line, such as Common Crawl's `warc.paths.gz`:
//! `input: { paths_file: warc.paths.gz, base: https://data.commoncrawl.org/ }`.

use crate::Location;
use std::io::{self, Read};

/// The locations listed in `file` (plain or gzipped), in its order. Empty
/// lines and lines starting with `#` are skipped; a line that is a URL or an
/// absolute path stands as it is, any other is appended to `base` (or, without
/// one, taken relative to the current directory).
pub fn read(file: &Location, base: Option<&str>) -> io::Result<Vec<Location>> {
    let bytes = file.read()?;
    let mut text = String::new();
    let decoded = if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text)
    } else {
        (&bytes[..]).read_to_string(&mut text)
    };
    decoded.map_err(|e| io::Error::new(e.kind(), format!("{file}: {e}")))?;
    let mut locations = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let written = match base {
            Some(base) if !line.contains("://") && !line.starts_with('/') => {
                format!("{}/{}", base.trim_end_matches('/'), line)
            }
            _ => line.to_string(),
        };
        let location =
            Location::parse(&written).map_err(|e| io::Error::new(e.kind(), format!("{file}:{}: {e}", number + 1)))?;
        locations.push(location);
    }
    Ok(locations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_gzipped_list_is_joined_to_its_base() {
        let list = Location::parse("memory://paths/warc.paths.gz").unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"crawl-data/a.warc.gz\n\n# comment\ns3://other/b.warc.gz\n")
            .unwrap();
        list.write(&gz.finish().unwrap()).unwrap();
        let found: Vec<String> = read(&list, Some("https://data.commoncrawl.org/"))
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "https://data.commoncrawl.org/crawl-data/a.warc.gz",
                "s3://other/b.warc.gz"
            ]
        );
        let plain = Location::parse("memory://paths/plain.txt").unwrap();
        plain.write(b"x/y.warc\n").unwrap();
        assert_eq!(read(&plain, None).unwrap()[0].to_string(), "x/y.warc");
    }
}
