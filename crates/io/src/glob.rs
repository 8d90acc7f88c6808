//! Input paths: files, directories and glob patterns, expanded over listings
//! the same way on every store, so `s3://bucket/crawl/*/warc/*.warc.gz` means
//! what `crawl/*/warc/*.warc.gz` means locally.
//!
//! Patterns are matched one path segment at a time against one level of
//! listing (`*`, `?`, `[…]` never cross a `/`), except `**`, which matches any
//! number of directories over a full listing below it. As in a shell, a
//! wildcard does not match a leading `.`, and a directory given as such lists
//! every file below it except hidden ones (`.staging-…`, `.global/`).

use crate::Location;
use std::io;

const WILDCARDS: &[char] = &['*', '?', '['];

/// The files `pattern` names, with their sizes, sorted; matching nothing is
/// a `NotFound` error.
pub fn expand(pattern: &str) -> io::Result<Vec<(Location, u64)>> {
    let mut files = match pattern.find(WILDCARDS) {
        None => file_or_directory(&Location::parse(pattern)?)?,
        Some(first) => {
            let split = pattern[..first].rfind('/').map_or(0, |slash| slash + 1);
            let base = Location::parse(&pattern[..split])?;
            let segments: Vec<&str> = pattern[split..].split('/').filter(|s| !s.is_empty()).collect();
            let mut found = Vec::new();
            walk(&base, &segments, &mut found)?;
            found
        }
    };
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    if files.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{pattern}: no such file, and no file matches it"),
        ));
    }
    Ok(files)
}

fn options() -> ::glob::MatchOptions {
    ::glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    }
}

fn compile(pattern: &str) -> io::Result<::glob::Pattern> {
    ::glob::Pattern::new(pattern).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{pattern}: not a valid pattern: {e}"),
        )
    })
}

/// A file, or every visible file below a directory.
fn file_or_directory(location: &Location) -> io::Result<Vec<(Location, u64)>> {
    match location.size() {
        Ok(size) => return Ok(vec![(location.clone(), size)]),
        Err(e) if e.kind() == io::ErrorKind::NotFound || location.local_path().is_some_and(|p| p.is_dir()) => {}
        Err(e) => return Err(e),
    }
    let files = location.list()?;
    Ok(files
        .into_iter()
        .filter(|(file, _)| !is_hidden_below(location, file))
        .collect())
}

fn is_hidden_below(dir: &Location, file: &Location) -> bool {
    let relative = file.key().strip_prefix(dir.key()).unwrap_or(file.key());
    relative.split('/').any(|part| part.starts_with('.'))
}

/// Matches `segments` below `dir`, adding the files found to `found`.
fn walk(dir: &Location, segments: &[&str], found: &mut Vec<(Location, u64)>) -> io::Result<()> {
    let Some((segment, rest)) = segments.split_first() else {
        return Ok(());
    };
    if *segment == "**" {
        let pattern = compile(&segments.join("/"))?;
        // `**/x` also matches `x` directly in `dir`.
        let direct = compile(&rest.join("/"))?;
        for (file, size) in dir.list()? {
            let relative = file
                .key()
                .strip_prefix(dir.key())
                .unwrap_or(file.key())
                .trim_start_matches('/');
            if pattern.matches_with(relative, options()) || direct.matches_with(relative, options()) {
                found.push((file, size));
            }
        }
        return Ok(());
    }
    if !segment.contains(WILDCARDS) {
        let next = dir.join(segment);
        if rest.is_empty() {
            match next.size() {
                Ok(size) => found.push((next, size)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            return Ok(());
        }
        return walk(&next, rest, found);
    }
    let pattern = compile(segment)?;
    let crate::DirListing { files, dirs } = dir.list_dir()?;
    if rest.is_empty() {
        found.extend(
            files
                .into_iter()
                .filter(|(file, _)| pattern.matches_with(file.file_name(), options())),
        );
        return Ok(());
    }
    for sub in dirs.iter().filter(|d| pattern.matches_with(d.file_name(), options())) {
        walk(sub, rest, found)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Location, keys: &[&str]) {
        for key in keys {
            root.join(key).write(b"x").unwrap();
        }
    }

    fn names(root: &Location, pattern: &str) -> Vec<String> {
        let prefix = format!("{root}/");
        expand(&format!("{root}/{pattern}"))
            .unwrap()
            .into_iter()
            .map(|(l, _)| l.to_string().strip_prefix(&prefix).unwrap().to_string())
            .collect()
    }

    fn check(root: &Location) {
        tree(
            root,
            &[
                "seg/1/warc/a.warc.gz",
                "seg/1/warc/b.warc.gz",
                "seg/2/warc/c.warc.gz",
                "seg/2/wet/c.wet.gz",
                "seg/.hidden/warc/h.warc.gz",
                "top.warc.gz",
            ],
        );
        assert_eq!(
            names(root, "seg/*/warc/*.warc.gz"),
            ["seg/1/warc/a.warc.gz", "seg/1/warc/b.warc.gz", "seg/2/warc/c.warc.gz"]
        );
        assert_eq!(
            names(root, "seg/[2]/*/*.gz"),
            ["seg/2/warc/c.warc.gz", "seg/2/wet/c.wet.gz"]
        );
        assert_eq!(names(root, "**/c.*.gz"), ["seg/2/warc/c.warc.gz", "seg/2/wet/c.wet.gz"]);
        assert_eq!(names(root, "*.warc.gz"), ["top.warc.gz"]);
        assert_eq!(names(root, "seg/1"), ["seg/1/warc/a.warc.gz", "seg/1/warc/b.warc.gz"]);
        assert_eq!(names(root, "seg").len(), 4, "a directory lists its visible files");
        assert_eq!(names(root, "top.warc.gz"), ["top.warc.gz"]);
        let missing = expand(&format!("{root}/seg/*/nothing*")).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        assert!(missing.to_string().contains("nothing*"), "{missing}");
    }

    #[test]
    fn patterns_expand_alike_on_local_and_object_storage() {
        let dir = tempfile::tempdir().unwrap();
        check(&Location::parse(dir.path().to_str().unwrap()).unwrap());
        check(&Location::parse("memory://glob/root").unwrap());
    }
}
