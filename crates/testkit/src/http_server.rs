//! A static file server on 127.0.0.1 with HEAD and range requests
//! (RFC 9110 §14), enough to stand in for `https://data.commoncrawl.org/`.

use crate::free_port;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Serves the files below a directory at `http://127.0.0.1:PORT/<path>`.
pub struct HttpServer {
    port: u16,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
    acceptor: Option<std::thread::JoinHandle<()>>,
}

impl HttpServer {
    /// Starts serving `root`.
    pub fn start(root: &Path) -> HttpServer {
        let port = free_port(0);
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("binding the HTTP server");
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let (stop, requests) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let (stopped, counted, root) = (stop.clone(), requests.clone(), root.to_path_buf());
        let acceptor = std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (root, counted) = (root.clone(), counted.clone());
                        std::thread::spawn(move || {
                            let _ = serve(stream, &root, &counted);
                        });
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
                    Err(_) => break,
                }
            }
        });
        HttpServer {
            port,
            stop,
            requests,
            acceptor: Some(acceptor),
        }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Answers the requests of one connection (keep-alive) until it closes.
fn serve(stream: TcpStream, root: &Path, requests: &AtomicUsize) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut range = None;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("range") {
                    range = Some(value.trim().to_string());
                }
            }
        }
        requests.fetch_add(1, Ordering::Relaxed);
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
        respond(&mut out, method, target, range.as_deref(), root)?;
    }
}

fn respond(out: &mut TcpStream, method: &str, target: &str, range: Option<&str>, root: &Path) -> io::Result<()> {
    let relative = percent_decode(target.split('?').next().unwrap_or("").trim_start_matches('/'));
    let path: PathBuf = root.join(relative);
    let file = match (method, path.is_file() && !relative_escapes(&path, root)) {
        ("GET" | "HEAD", true) => std::fs::File::open(&path)?,
        ("GET" | "HEAD", false) => return status(out, "404 Not Found"),
        _ => return status(out, "405 Method Not Allowed"),
    };
    let size = file.metadata()?.len();
    let (start, end) = match range.and_then(|r| parse_range(r, size)) {
        Some(bounds) => bounds,
        None if range.is_some() => return status(out, "416 Range Not Satisfiable"),
        None => (0, size),
    };
    let head = if range.is_some() {
        format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{size}\r\n",
            end.max(1) - 1
        )
    } else {
        "HTTP/1.1 200 OK\r\n".to_string()
    };
    write!(
        out,
        "{head}Content-Length: {}\r\nAccept-Ranges: bytes\r\nETag: \"{size:x}\"\r\n\
         Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Type: application/octet-stream\r\n\r\n",
        end - start
    )?;
    if method == "GET" {
        let mut file = file;
        file.seek(SeekFrom::Start(start))?;
        io::copy(&mut file.take(end - start), out)?;
    }
    out.flush()
}

fn status(out: &mut TcpStream, status: &str) -> io::Result<()> {
    write!(out, "HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n")
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n`, as the half-open range it names.
fn parse_range(value: &str, size: u64) -> Option<(u64, u64)> {
    let (first, last) = value.strip_prefix("bytes=")?.split_once('-')?;
    let (start, end) = match (first.trim(), last.trim()) {
        ("", n) => (size.saturating_sub(n.parse().ok()?), size),
        (a, "") => (a.parse().ok()?, size),
        (a, b) => (a.parse().ok()?, (b.parse::<u64>().ok()? + 1).min(size)),
    };
    (start < end).then_some((start, end))
}

fn relative_escapes(path: &Path, root: &Path) -> bool {
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(path), Ok(root)) => !path.starts_with(root),
        _ => true,
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
