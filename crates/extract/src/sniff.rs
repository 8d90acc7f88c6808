//! Is this document HTML? The declared media type first, then a look at the
//! first bytes, in the spirit of the WHATWG MIME Sniffing standard's "identify
//! an unknown resource" (§7.1): a document starting (after whitespace, BOM or
//! comments) with `<!DOCTYPE HTML`, `<html`, `<head`, `<body`, `<div`, `<p`… is
//! HTML whatever its label, and anything else labelled as a non-HTML type is not.

/// Whether a declared media type (`text/html`, no parameters, lowercase) is HTML
/// or XHTML. `None` when the type says nothing useful (missing, `text/plain`,
/// `application/octet-stream`, `unknown`), so the content decides.
pub fn mime_is_html(mime: &str) -> Option<bool> {
    let mime = mime.trim().to_ascii_lowercase();
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" | "application/xhtml" | "text/xhtml" => Some(true),
        ""
        | "text/plain"
        | "application/octet-stream"
        | "unknown"
        | "unk"
        | "application/unknown"
        | "text/unknown"
        | "*/*" => None,
        _ => Some(false),
    }
}

/// Tags that, first in a document, make it HTML (WHATWG MIME Sniffing §7.1, the
/// "HTML" patterns of the table, plus `<!doctype html`).
const HTML_STARTS: &[&str] = &[
    "<!doctype html",
    "<html",
    "<head",
    "<script",
    "<iframe",
    "<h1",
    "<div",
    "<font",
    "<table",
    "<a",
    "<style",
    "<title",
    "<b",
    "<body",
    "<br",
    "<p",
    "<meta",
    "<link",
    "<center",
    "<span",
    "<ul",
    "<section",
    "<header",
];

/// Whether the text looks like an HTML page.
pub fn looks_like_html(text: &str) -> bool {
    let mut rest = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r', '\x0c']);
    // Skip leading comments and an XML declaration.
    for _ in 0..16 {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("<?xml") {
            rest = rest.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let head: String = rest.chars().take(16).collect::<String>().to_ascii_lowercase();
    HTML_STARTS.iter().any(|start| {
        head.starts_with(start)
            && head[start.len()..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '>' || c.is_ascii_whitespace() || start.len() > 5)
    }) || {
        let bytes = &text.as_bytes()[..text.len().min(4096)];
        bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert!(looks_like_html("\u{feff}  <!DOCTYPE html><html>"));
        assert!(looks_like_html("<!-- x --><html lang=fr>"));
        assert!(looks_like_html("<p>hello"));
        assert!(!looks_like_html("%PDF-1.4"));
        assert!(!looks_like_html("{\"a\": 1}"));
        assert!(!looks_like_html("<patterns>"));
        assert_eq!(mime_is_html("text/html"), Some(true));
        assert_eq!(mime_is_html("application/pdf"), Some(false));
        assert_eq!(mime_is_html(""), None);
    }
}
