//! The one test suite every [`Storage`](crate::Storage) backend passes, as
//! tantivy's `Directory` tests do: local files and the in-memory store in unit
//! tests, S3 against a real server in `tests/s3.rs`. Each check panics with
//! what went wrong; each works under its own directory of `root`, which should
//! be empty.

use crate::Location;
use std::io::{self, ErrorKind, Read, Write};

/// Runs every check under `root`.
pub fn check_all(root: &Location) {
    write_then_read(&root.join("write"));
    missing_files(&root.join("missing"));
    uploads_are_invisible_until_committed(&root.join("uploads"));
    large_uploads_stream_back(&root.join("large"));
    listings(&root.join("listing"));
    locks_are_exclusive(&root.join("locks"));
}

fn read_string(location: &Location) -> String {
    String::from_utf8(location.read().unwrap()).unwrap()
}

/// Whole writes, reads, ranges, offsets, sizes, overwrites, empty files, odd names.
pub fn write_then_read(dir: &Location) {
    let file = dir.join("hello.txt");
    file.write(b"hello").unwrap();
    assert_eq!(read_string(&file), "hello");
    assert_eq!(file.size().unwrap(), 5);
    assert!(file.exists().unwrap());
    assert_eq!(file.read_range(1..3).unwrap(), b"el");
    assert_eq!(file.read_range(3..100).unwrap(), b"lo", "a range past the end is cut");
    assert_eq!(file.read_range(10..20).unwrap(), b"", "a range after the end is empty");
    let mut rest = String::new();
    file.open_at(2).unwrap().read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "llo");
    file.write(b"bye").unwrap();
    assert_eq!(read_string(&file), "bye", "a write replaces the file");
    let empty = dir.join("empty");
    empty.write(b"").unwrap();
    assert_eq!(empty.size().unwrap(), 0);
    assert!(empty.read().unwrap().is_empty());
    let odd = dir.join("a dir/ünïcödé name.txt");
    odd.write("é".as_bytes()).unwrap();
    assert_eq!(read_string(&odd), "é");
    assert_eq!(dir.join("a dir").list().unwrap()[0].0, odd);
}

/// Missing files are `NotFound`, named in the error; deleting one is fine.
pub fn missing_files(dir: &Location) {
    let file = dir.join("nothing.txt");
    let err = file.open().err().expect("opening a missing file fails");
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("nothing.txt"),
        "the error names the file: {err}"
    );
    assert_eq!(file.size().unwrap_err().kind(), ErrorKind::NotFound);
    assert!(!file.exists().unwrap());
    assert_eq!(file.read_if_exists().unwrap(), None);
    file.delete().unwrap();
    assert!(dir.list().unwrap().is_empty());
    dir.delete_all().unwrap();
}

/// A file being written is not there until committed; an abandoned upload
/// leaves nothing.
pub fn uploads_are_invisible_until_committed(dir: &Location) {
    let file = dir.join("part_00000.jsonl");
    let mut upload = file.create().unwrap();
    upload.write_all(b"{\"a\":1}\n").unwrap();
    assert!(!file.exists().unwrap(), "visible before its commit");
    assert!(dir.list().unwrap().is_empty(), "listed before its commit");
    upload.commit().unwrap();
    assert_eq!(read_string(&file), "{\"a\":1}\n");

    let abandoned = dir.join("abandoned");
    let mut upload = abandoned.create().unwrap();
    upload.write_all(&vec![7; 3 << 20]).unwrap();
    drop(upload);
    assert!(!abandoned.exists().unwrap());
    let names: Vec<String> = dir
        .list()
        .unwrap()
        .iter()
        .map(|(l, _)| l.file_name().to_string())
        .collect();
    assert_eq!(names, ["part_00000.jsonl"], "an abandoned upload left something");

    // An upload this process still holds is not abandoned, even unreferenced.
    let held = dir.join("held.jsonl");
    let mut upload = held.create().unwrap();
    upload.write_all(b"{}").unwrap();
    assert!(dir.abandoned_uploads().unwrap().is_empty());
    drop(upload);
    assert!(!held.exists().unwrap());

    file.write(b"old").unwrap();
    let mut upload = file.create().unwrap();
    upload.write_all(b"new").unwrap();
    assert_eq!(read_string(&file), "old", "the old file stays until the commit");
    upload.commit().unwrap();
    assert_eq!(read_string(&file), "new");
}

/// Files of many parts (larger than one multipart part) read back whole.
pub fn large_uploads_stream_back(dir: &Location) {
    let file = dir.join("large.bin");
    let size = crate::object::PART_SIZE * 2 + 12_345;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut upload = file.create().unwrap();
    for chunk in bytes.chunks(1 << 20) {
        upload.write_all(chunk).unwrap();
    }
    upload.commit().unwrap();
    assert_eq!(file.size().unwrap(), size as u64);
    let mut back = Vec::new();
    file.open().unwrap().read_to_end(&mut back).unwrap();
    assert!(back == bytes, "the file read back differs");
    let middle = size as u64 / 2;
    assert_eq!(
        file.read_range(middle..middle + 10).unwrap(),
        &bytes[middle as usize..middle as usize + 10]
    );
    let mut tail = Vec::new();
    file.open_at(middle).unwrap().read_to_end(&mut tail).unwrap();
    assert!(tail == bytes[middle as usize..]);
    file.delete().unwrap();
    assert!(!file.exists().unwrap());
}

/// Recursive and one-level listings, prefixes that are not directories, and
/// deleting a directory.
pub fn listings(dir: &Location) {
    for key in ["a/1", "a/b/2", "a/b/c/3", "ab/4"] {
        dir.join(key).write(key.as_bytes()).unwrap();
    }
    let under_a: Vec<String> = dir
        .join("a")
        .list()
        .unwrap()
        .iter()
        .map(|(l, _)| l.to_string())
        .collect();
    let expected: Vec<String> = ["a/1", "a/b/2", "a/b/c/3"]
        .iter()
        .map(|k| dir.join(k).to_string())
        .collect();
    assert_eq!(
        under_a, expected,
        "a listing holds the files below the directory only, sorted"
    );
    assert_eq!(dir.join("a").list().unwrap()[1].1, 5, "sizes are listed");
    let crate::DirListing { files, dirs } = dir.join("a").list_dir().unwrap();
    assert_eq!(
        files.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(),
        [dir.join("a/1")]
    );
    assert_eq!(dirs, [dir.join("a/b")]);
    assert!(dir.join("nothing").list().unwrap().is_empty());
    dir.join("a").delete_all().unwrap();
    assert!(dir.join("a").list().unwrap().is_empty());
    assert!(dir.join("ab/4").exists().unwrap(), "deleting a/ deleted ab/");
}

/// A lock is held by one claim at a time, and the holder is named to the others.
pub fn locks_are_exclusive(dir: &Location) {
    let lock = dir.join("task.lock");
    let held = lock.lock().unwrap();
    let refused: io::Error = lock.lock().err().expect("a second claim got the lock");
    assert_eq!(refused.kind(), ErrorKind::WouldBlock, "{refused}");
    let holder = format!("tamis pid {} on ", std::process::id());
    assert!(refused.to_string().contains(&holder), "the holder is named: {refused}");
    drop(held);
    let again = lock.lock();
    assert!(again.is_ok(), "a released lock can be taken: {:?}", again.err());
}
