//! The HTTP response inside a WARC `response` record: status, headers, body.

use std::io::Read;

/// A parsed HTTP response.
pub(crate) struct HttpResponse {
    pub status: Option<u16>,
    /// The media type, lowercased, without parameters (`text/html`).
    pub mime: Option<String>,
    /// The `charset` parameter of Content-Type, if any.
    pub charset: Option<String>,
    /// The body, de-chunked and decompressed when the headers say so.
    pub body: Vec<u8>,
    /// The body's content coding inflates it past `max_body` (a
    /// decompression bomb, or a dump): `body` is empty.
    pub too_large: bool,
}

/// How an HTTP head ends (a head ending with a bare `LF LF` is found too,
/// but only once no `CRLF CRLF` is).
pub(crate) const HEAD_END: &[u8] = b"\r\n\r\n";

/// Parses `block` as an HTTP response. Returns `None` if it does not start with
/// an HTTP status line (e.g. `dns:` records). Malformed chunking or compression
/// leaves the body as it was stored.
pub(crate) fn parse_response(mut block: Vec<u8>, max_body: u64) -> Option<HttpResponse> {
    if !block.starts_with(b"HTTP/") {
        return None;
    }
    let (head_end, body_start) = match memchr::memmem::find(&block, HEAD_END) {
        Some(i) => (i, i + 4),
        None => match memchr::memmem::find(&block, b"\n\n") {
            Some(i) => (i, i + 2),
            None => (block.len(), block.len()),
        },
    };
    let head = Head::parse(&block[..head_end]);
    // The body moves to the front of the block's own buffer: no new allocation.
    block.drain(..body_start);
    Some(head.with_body(block, max_body))
}

/// As [`parse_response`], for a block read in two parts: `head`, through the
/// block's first [`HEAD_END`], and `body`, the rest.
pub(crate) fn parse_split_response(head: &[u8], body: Vec<u8>, max_body: u64) -> Option<HttpResponse> {
    let head = head.strip_suffix(HEAD_END)?;
    head.starts_with(b"HTTP/")
        .then(|| Head::parse(head).with_body(body, max_body))
}

/// What the status line and headers say.
struct Head {
    status: Option<u16>,
    mime: Option<String>,
    charset: Option<String>,
    chunked: bool,
    encoding: Option<String>,
}

impl Head {
    /// Parses the head, its final blank line left out.
    fn parse(head: &[u8]) -> Head {
        let head = String::from_utf8_lossy(head);
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok());
        let mut parsed = Head {
            status,
            mime: None,
            charset: None,
            chunked: false,
            encoding: None,
        };
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-type" => {
                    let (mime, charset) = parse_content_type(value);
                    parsed.mime = Some(mime);
                    parsed.charset = charset;
                }
                "transfer-encoding" => parsed.chunked = value.to_ascii_lowercase().contains("chunked"),
                "content-encoding" => parsed.encoding = Some(value.to_ascii_lowercase()),
                _ => {}
            }
        }
        parsed
    }

    /// The response: `body` de-chunked and decompressed as the head says.
    fn with_body(self, mut body: Vec<u8>, max_body: u64) -> HttpResponse {
        if self.chunked {
            if let Some(dechunked) = dechunk(&body) {
                body = dechunked;
            }
        }
        let mut too_large = false;
        match self.encoding.map(|e| decompress(&body, &e, max_body)) {
            Some(Inflated::Body(inflated)) => body = inflated,
            Some(Inflated::TooLarge) => {
                too_large = true;
                body = Vec::new();
            }
            Some(Inflated::Failed) | None => {}
        }
        HttpResponse {
            status: self.status,
            mime: self.mime,
            charset: self.charset,
            body,
            too_large,
        }
    }
}

/// Splits `text/html; charset=UTF-8` into (`text/html`, `Some("UTF-8")`).
pub(crate) fn parse_content_type(value: &str) -> (String, Option<String>) {
    let mut parts = value.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (key, val) = p.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("charset"))
            .then(|| val.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
    });
    (mime, charset.filter(|c| !c.is_empty()))
}

/// Decodes HTTP/1.1 chunked transfer coding; `None` if it is malformed.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = memchr::memchr(b'\n', data)?;
        let size_text = std::str::from_utf8(&data[..eol]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        data = &data[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = &data[size..];
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

/// What undoing a content coding gave.
enum Inflated {
    Body(Vec<u8>),
    /// Over the limit: reading stopped there.
    TooLarge,
    /// Not that coding after all, or an unknown one: the stored body stands.
    Failed,
}

/// Undoes gzip/deflate content coding, holding at most `max` + 1 bytes.
fn decompress(body: &[u8], encoding: &str, max: u64) -> Inflated {
    let mut out = Vec::new();
    let limit = max.saturating_add(1);
    let result = match encoding {
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(body).take(limit).read_to_end(&mut out),
        _ => return Inflated::Failed,
    };
    match result {
        Ok(_) if out.len() as u64 > max => Inflated::TooLarge,
        Ok(_) => Inflated::Body(out),
        Err(_) => Inflated::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_type_and_charset_are_parsed() {
        let block = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n\r\n<p>x</p>";
        let r = parse_response(block.to_vec(), 1 << 20).unwrap();
        assert_eq!(r.status, Some(404));
        assert_eq!(r.mime.as_deref(), Some("text/html"));
        assert_eq!(r.charset.as_deref(), Some("ISO-8859-1"));
        assert_eq!(r.body, b"<p>x</p>");
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
        assert_eq!(parse_response(block.to_vec(), 1 << 20).unwrap().body, b"Wikipedia");
    }

    #[test]
    fn bad_chunking_keeps_the_stored_body() {
        let block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnot chunked";
        assert_eq!(parse_response(block.to_vec(), 1 << 20).unwrap().body, b"not chunked");
    }

    #[test]
    fn content_coding_is_undone_up_to_the_limit() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, &[b'a'; 1000]).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(encoder.finish().unwrap());
        let fits = parse_response(block.clone(), 1000).unwrap();
        assert_eq!((fits.body.len(), fits.too_large), (1000, false));
        let bomb = parse_response(block, 999).unwrap();
        assert_eq!((bomb.body.len(), bomb.too_large), (0, true));
    }

    #[test]
    fn non_http_blocks_are_not_responses() {
        assert!(parse_response(b"20240101 example.com. A 1.2.3.4".to_vec(), 100).is_none());
    }
}
