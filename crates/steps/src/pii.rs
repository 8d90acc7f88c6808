//! `pii`: redacts personal data in the text, as FineWeb did last in its
//! pipeline (Penedo et al. 2024).
//!
//! - Emails and IP addresses as datatrove 0.10.1's `PIIFormatter`
//!   (`src/datatrove/pipeline/formatters/pii.py`): the same two patterns, the
//!   same replacement lists, emails first, then IPs in the text the email pass
//!   left; an IP is replaced when Python's `ipaddress` takes it (no leading
//!   zeros) and, by default, only when it `is_global` — Python 3.11's
//!   special-purpose table, [`is_global`].
//! - Off by default: phone numbers with Dolma's pattern (`FastPiiRegex`,
//!   `python/dolma/taggers/pii.py`: three digits, three, four, after
//!   whitespace), IBANs (ISO 13616: two letters, two check digits, up to 30
//!   letters or digits, accepted when the mod-97 check gives 1) and payment
//!   card numbers (13 to 19 digits, spaces or hyphens between, accepted when
//!   the Luhn check passes).
//!
//! Replacements cycle through their list as datatrove's do, but restart with
//! every document: datatrove's cycle runs on across the documents a process
//! sees, which would make the output depend on the task split. `annotate:
//! true` leaves the text alone and lists the spans instead, in the metadata
//! (`pii`: `[kind, start, end]`, in characters). Never drops a document.
//! With `redact_removed` (the default), documents other steps removed are
//! redacted too before the removed output gets them: that output is as
//! shareable as the kept one.

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tamis_api::{Counters, Document, Step, Verdict};

const NAME: &str = "pii";

/// One replacement or a list of them, used in turn.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Replacements {
    /// The same string for every match.
    One(String),
    /// Strings used in turn, from the first again in every document.
    Many(Vec<String>),
}

impl Replacements {
    fn list(&self) -> Vec<String> {
        match self {
            Replacements::One(one) => vec![one.clone()],
            Replacements::Many(many) => many.clone(),
        }
    }
}

/// Configuration of `pii` (datatrove's `PIIFormatter` arguments, then tamis's).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PiiConfig {
    /// Replace email addresses.
    pub remove_emails: bool,
    /// Replace IPv4 addresses.
    pub remove_ips: bool,
    /// Only addresses that are globally reachable (not private, loopback,
    /// documentation, shared or reserved ranges).
    pub only_remove_public_ips: bool,
    /// datatrove's defaults: example.com and example.org are kept as examples.
    pub email_replacement: Replacements,
    /// datatrove's defaults: addresses that did not answer a ping when listed.
    pub ip_replacement: Replacements,
    /// Replace phone numbers (Dolma's pattern; North American shape).
    pub remove_phones: bool,
    /// The default is in the range kept for fiction (555-0100 to 555-0199).
    pub phone_replacement: Replacements,
    /// Replace IBANs that pass the mod-97 check.
    pub remove_ibans: bool,
    /// Replacement for IBANs.
    pub iban_replacement: Replacements,
    /// Replace payment card numbers that pass the Luhn check.
    pub remove_cards: bool,
    /// Replacement for card numbers.
    pub card_replacement: Replacements,
    /// Leave the text alone and list the spans in the metadata (`pii`).
    pub annotate: bool,
    /// Redact the documents other steps removed, before the removed output
    /// gets them.
    pub redact_removed: bool,
}

impl Default for PiiConfig {
    fn default() -> Self {
        let many = |items: &[&str]| Replacements::Many(items.iter().map(|s| s.to_string()).collect());
        PiiConfig {
            remove_emails: true,
            remove_ips: true,
            only_remove_public_ips: true,
            email_replacement: many(&["email@example.com", "firstname.lastname@example.org"]),
            ip_replacement: many(&[
                "22.214.171.124",
                "126.96.36.199",
                "188.8.131.52",
                "184.108.40.206",
                "220.127.116.11",
                "18.104.22.168",
            ]),
            remove_phones: false,
            phone_replacement: Replacements::One("555-555-0100".into()),
            remove_ibans: false,
            iban_replacement: Replacements::One("XX00 0000 0000 0000 0000".into()),
            remove_cards: false,
            card_replacement: Replacements::One("0000 0000 0000 0000".into()),
            annotate: false,
            redact_removed: true,
        }
    }
}

/// datatrove's email pattern (RFC 5322's simplified form).
const EMAIL: &str = concat!(
    r"\b[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[A-Za-z0-9](?:[",
    r"A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[",
    r"01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)])"
);
/// datatrove's (and Dolma's) IPv4 pattern.
const IP: &str = r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)";
/// Dolma's phone pattern; the whitespace it starts with is kept.
const PHONE: &str = r"\s+\(?\d{3}\)?[-\. ]*\d{3}[-. ]?\d{4}";
const IBAN: &str = r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b";
const CARD: &str = r"\b[0-9](?:[ -]?[0-9]){12,18}\b";

/// What the step looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiKind {
    /// An email address.
    Email,
    /// An IPv4 address.
    Ip,
    /// A phone number.
    Phone,
    /// An IBAN.
    Iban,
    /// A payment card number.
    Card,
}

impl PiiKind {
    /// `email`, `ip`, `phone`, `iban` or `card`, as the metadata names it.
    pub fn name(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Ip => "ip",
            PiiKind::Phone => "phone",
            PiiKind::Iban => "iban",
            PiiKind::Card => "card",
        }
    }

    fn replacement_key(self) -> &'static str {
        match self {
            PiiKind::Email => "email_replacement",
            PiiKind::Ip => "ip_replacement",
            PiiKind::Phone => "phone_replacement",
            PiiKind::Iban => "iban_replacement",
            PiiKind::Card => "card_replacement",
        }
    }

    /// The pattern, and bytes at least one of which a text must hold to be
    /// searched (a cheap test that skips most documents).
    fn pattern(self) -> (&'static str, &'static [u8]) {
        const DIGITS: &[u8] = b"0123456789";
        match self {
            PiiKind::Email => (EMAIL, b"@"),
            PiiKind::Ip => (IP, b"."),
            PiiKind::Phone => (PHONE, DIGITS),
            PiiKind::Iban => (IBAN, DIGITS),
            PiiKind::Card => (CARD, DIGITS),
        }
    }

    fn counter(self) -> &'static str {
        match self {
            PiiKind::Email => "emails",
            PiiKind::Ip => "ips",
            PiiKind::Phone => "phones",
            PiiKind::Iban => "ibans",
            PiiKind::Card => "cards",
        }
    }
}

/// One kind of personal data: its pattern, the check a match must pass, and
/// what replaces it.
struct Detector {
    kind: PiiKind,
    pattern: Regex,
    /// Bytes at least one of which the text must hold to be searched (a
    /// cheap test that skips most documents).
    needs: &'static [u8],
    replacements: Vec<String>,
    only_public: bool,
}

/// Whether `text` holds one of `needs`: with `memchr` for the one or two bytes the
/// usual detectors need.
fn holds_any(text: &[u8], needs: &[u8]) -> bool {
    match *needs {
        [a] => memchr::memchr(a, text).is_some(),
        [a, b] => memchr::memchr2(a, b, text).is_some(),
        [a, b, c] => memchr::memchr3(a, b, c, text).is_some(),
        _ => text.iter().any(|b| needs.contains(b)),
    }
}

impl Detector {
    /// The byte range to redact of each accepted match, in order.
    fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        if !holds_any(text.as_bytes(), self.needs) {
            return Vec::new();
        }
        let mut spans = Vec::new();
        for found in self.pattern.find_iter(text) {
            let matched = found.as_str();
            let accepted = match self.kind {
                PiiKind::Email | PiiKind::Phone => true,
                PiiKind::Ip => parse_ipv4(matched).is_some_and(|ip| !self.only_public || is_global(ip)),
                PiiKind::Iban => iban_checks(matched),
                PiiKind::Card => luhn_checks(matched),
            };
            if accepted {
                // Dolma's phone pattern takes the whitespace before the number.
                let start = found.end() - matched.trim_start().len();
                spans.push((start, found.end()));
            }
        }
        spans
    }
}

impl PiiConfig {
    /// Validates the configuration and compiles the patterns.
    pub fn build(&self) -> Result<Pii, crate::ConfigError> {
        let mut detectors = Vec::new();
        let kinds = [
            (self.remove_emails, PiiKind::Email, &self.email_replacement),
            (self.remove_ips, PiiKind::Ip, &self.ip_replacement),
            (self.remove_phones, PiiKind::Phone, &self.phone_replacement),
            (self.remove_ibans, PiiKind::Iban, &self.iban_replacement),
            (self.remove_cards, PiiKind::Card, &self.card_replacement),
        ];
        for (on, kind, replacements) in kinds {
            if !on {
                continue;
            }
            let replacements = replacements.list();
            if replacements.is_empty() {
                return Err(crate::ConfigError {
                    step: NAME,
                    key: kind.replacement_key(),
                    message: "an empty list: give at least one replacement".into(),
                });
            }
            let (pattern, needs) = kind.pattern();
            detectors.push(Detector {
                kind,
                pattern: Regex::new(pattern).expect("a valid pattern"),
                needs,
                replacements,
                only_public: self.only_remove_public_ips,
            });
        }
        Ok(Pii {
            detectors,
            annotate: self.annotate,
            redact_removed: self.redact_removed,
        })
    }
}

/// The `pii` step.
pub struct Pii {
    detectors: Vec<Detector>,
    annotate: bool,
    redact_removed: bool,
}

impl Pii {
    /// Replaces what each detector finds, in turn, as datatrove does: each
    /// pass reads the text the one before it left.
    pub fn redact(&self, text: &mut String, counters: &mut Counters) {
        for detector in &self.detectors {
            let spans = detector.spans(text);
            if spans.is_empty() {
                continue;
            }
            counters.add(detector.kind.counter(), spans.len() as u64);
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for (n, (start, end)) in spans.into_iter().enumerate() {
                out.push_str(&text[at..start]);
                out.push_str(&detector.replacements[n % detector.replacements.len()]);
                at = end;
            }
            out.push_str(&text[at..]);
            *text = out;
        }
    }

    /// The spans every detector finds in `text` as it is, in characters; a
    /// span that overlaps one found by an earlier detector is left out.
    pub fn annotations(&self, text: &str, counters: &mut Counters) -> Vec<(PiiKind, usize, usize)> {
        // Spans so far, in order and disjoint: each detector's (also in
        // order) are merged in one pass, so that a text full of matches
        // costs linear time.
        let mut found: Vec<(PiiKind, usize, usize)> = Vec::new();
        for detector in &self.detectors {
            let mut merged = Vec::with_capacity(found.len());
            let mut earlier = found.into_iter().peekable();
            for (start, end) in detector.spans(text) {
                while let Some(span) = earlier.next_if(|&(_, s, _)| s < start) {
                    merged.push(span);
                }
                let overlaps_before = merged.last().is_some_and(|&(_, _, e)| e > start);
                let overlaps_after = earlier.peek().is_some_and(|&(_, s, _)| s < end);
                if !overlaps_before && !overlaps_after {
                    counters.add(detector.kind.counter(), 1);
                    merged.push((detector.kind, start, end));
                }
            }
            merged.extend(earlier);
            found = merged;
        }
        // Byte offsets to character offsets, in one walk.
        let mut chars = 0;
        let mut byte = 0;
        let mut to_chars = |offset: usize| {
            chars += text[byte..offset].chars().count();
            byte = offset;
            chars
        };
        let mut spans = Vec::with_capacity(found.len());
        for (kind, start, end) in found {
            let start = to_chars(start);
            spans.push((kind, start, to_chars(end)));
        }
        spans
    }
}

impl Step for Pii {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        if self.annotate {
            let spans = self.annotations(&doc.text, counters);
            if !spans.is_empty() {
                let list: Vec<Value> = spans
                    .into_iter()
                    .map(|(kind, start, end)| json!([kind.name(), start, end]))
                    .collect();
                doc.metadata.insert("pii".into(), Value::Array(list));
            }
        } else {
            self.redact(&mut doc.text, counters);
        }
        Verdict::Keep
    }

    fn redact_removed(&self, doc: &mut Document) {
        if self.redact_removed && !self.annotate {
            self.redact(&mut doc.text, &mut Counters::default());
        }
    }
}

/// An IPv4 address as Python's `ipaddress.ip_address` reads one: four decimal
/// octets up to 255, none with a leading zero.
fn parse_ipv4(text: &str) -> Option<u32> {
    let mut ip = 0u32;
    let mut octets = 0;
    for part in text.split('.') {
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part.starts_with('0')) {
            return None;
        }
        let octet: u32 = part.parse().ok()?;
        if octet > 255 {
            return None;
        }
        ip = ip << 8 | octet;
        octets += 1;
    }
    (octets == 4).then_some(ip)
}

/// Python 3.11's `IPv4Address.is_global`: not in 100.64.0.0/10 and not in
/// `_private_networks` (the IANA special-purpose registry as Python 3.11.7
/// lists it; Python 3.12.4 and 3.11.10 changed some entries).
fn is_global(ip: u32) -> bool {
    const NOT_GLOBAL: &[(u32, u32)] = &[
        (0x6440_0000, 10), // 100.64.0.0/10
        (0x0000_0000, 8),  // 0.0.0.0/8
        (0x0a00_0000, 8),  // 10.0.0.0/8
        (0x7f00_0000, 8),  // 127.0.0.0/8
        (0xa9fe_0000, 16), // 169.254.0.0/16
        (0xac10_0000, 12), // 172.16.0.0/12
        (0xc000_0000, 29), // 192.0.0.0/29
        (0xc000_00aa, 31), // 192.0.0.170/31
        (0xc000_0200, 24), // 192.0.2.0/24
        (0xc0a8_0000, 16), // 192.168.0.0/16
        (0xc612_0000, 15), // 198.18.0.0/15
        (0xc633_6400, 24), // 198.51.100.0/24
        (0xcb00_7100, 24), // 203.0.113.0/24
        (0xf000_0000, 4),  // 240.0.0.0/4
        (0xffff_ffff, 32), // 255.255.255.255/32
    ];
    !NOT_GLOBAL
        .iter()
        .any(|&(network, bits)| ip >> (32 - bits) == network >> (32 - bits))
}

/// ISO 13616: the letters become numbers (A = 10…), the first four
/// characters move to the end, and the whole is 1 modulo 97.
fn iban_checks(text: &str) -> bool {
    let compact: Vec<u8> = text.bytes().filter(|b| *b != b' ').collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let mut remainder = 0u32;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        remainder = if value < 10 {
            remainder * 10 + value
        } else {
            remainder * 100 + value
        } % 97;
    }
    remainder == 1
}

/// The Luhn check of a card number, separators ignored.
fn luhn_checks(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    // All zeros pass Luhn's check but are no card: the default replacement.
    if !(13..=19).contains(&digits.len()) || digits.iter().all(|&d| d == 0) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match i % 2 {
            0 => d,
            _ if d * 2 > 9 => d * 2 - 9,
            _ => d * 2,
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(config: &PiiConfig, text: &str) -> (String, Counters) {
        let mut doc = Document::new("d", text);
        let mut counters = Counters::default();
        assert_eq!(config.build().unwrap().process(&mut doc, &mut counters), Verdict::Keep);
        (doc.text, counters)
    }

    #[test]
    fn emails_and_public_ips_are_replaced_in_turn_from_each_documents_start() {
        let text = "Write to jane.doe@mail.fr or bob@x.co.uk; server 8.8.8.8, router 192.168.1.1, \
                    mirror 1.1.1.1, not 01.2.3.4.";
        let (out, counters) = redact(&PiiConfig::default(), text);
        assert_eq!(
            out,
            "Write to email@example.com or firstname.lastname@example.org; server 22.214.171.124, \
             router 192.168.1.1, mirror 126.96.36.199, not 01.2.3.4."
        );
        let counts: Vec<_> = counters.iter().collect();
        assert_eq!(counts, [("emails", 2), ("ips", 2)]);
        // The next document starts the cycle again.
        assert_eq!(redact(&PiiConfig::default(), "a@b.org").0, "email@example.com");
    }

    #[test]
    fn private_ips_go_too_when_asked() {
        let config = PiiConfig {
            only_remove_public_ips: false,
            ip_replacement: Replacements::One("0.0.0.0".into()),
            ..PiiConfig::default()
        };
        assert_eq!(redact(&config, "at 10.0.0.1 and 127.0.0.1").0, "at 0.0.0.0 and 0.0.0.0");
    }

    #[test]
    fn python_3_11_decides_which_addresses_are_global() {
        let global = |s: &str| is_global(parse_ipv4(s).unwrap());
        for ip in [
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "192.0.0.8",
            "224.0.0.1",
            "172.32.0.1",
        ] {
            assert!(global(ip), "{ip}");
        }
        for ip in [
            "100.64.0.1",
            "10.1.2.3",
            "172.31.0.1",
            "192.0.0.7",
            "192.0.0.171",
            "198.19.0.1",
            "250.1.1.1",
        ] {
            assert!(!global(ip), "{ip}");
        }
        assert_eq!(parse_ipv4("1.02.3.4"), None);
    }

    #[test]
    fn phones_ibans_and_cards_are_off_by_default_and_checked_when_on() {
        let text = "Call 555 867 5309. IBAN GB82 WEST 1234 5698 7654 32, not GB00 WEST 1234 5698 7654 32. \
                    Card 4111 1111 1111 1111, not 4111 1111 1111 1112.";
        assert_eq!(redact(&PiiConfig::default(), text).0, text);
        let all = PiiConfig {
            remove_phones: true,
            remove_ibans: true,
            remove_cards: true,
            ..PiiConfig::default()
        };
        let (out, counters) = redact(&all, text);
        assert_eq!(
            out,
            "Call 555-555-0100. IBAN XX00 0000 0000 0000 0000, not GB00 WEST 1234 5698 7654 32. \
             Card 0000 0000 0000 0000, not 4111 1111 1111 1112."
        );
        let counts: Vec<_> = counters.iter().collect();
        assert_eq!(counts, [("cards", 1), ("ibans", 1), ("phones", 1)]);
    }

    #[test]
    fn annotate_lists_spans_in_characters_and_keeps_the_text() {
        let config = PiiConfig {
            annotate: true,
            ..PiiConfig::default()
        };
        let text = "Écrivez à elodie@exemple.fr depuis 8.8.8.8, pas à élodie@exemple.fr";
        let mut doc = Document::new("d", text);
        let step = config.build().unwrap();
        step.process(&mut doc, &mut Counters::default());
        assert_eq!(doc.text, text);
        // As in Python, `\b` is Unicode: no address starts inside "élodie".
        assert_eq!(doc.metadata["pii"], json!([["email", 10, 27], ["ip", 35, 42]]));
        // Annotating steps leave removed documents alone.
        let mut removed = Document::new("r", "x@y.com");
        step.redact_removed(&mut removed);
        assert_eq!(removed.text, "x@y.com");
    }

    #[test]
    fn removed_documents_are_redacted_unless_told_not_to() {
        let mut doc = Document::new("r", "mail x@y.com");
        PiiConfig::default().build().unwrap().redact_removed(&mut doc);
        assert_eq!(doc.text, "mail email@example.com");
        let keep = PiiConfig {
            redact_removed: false,
            ..PiiConfig::default()
        };
        let mut doc = Document::new("r", "mail x@y.com");
        keep.build().unwrap().redact_removed(&mut doc);
        assert_eq!(doc.text, "mail x@y.com");
    }
}
