//! The tokenizer that feeds html5ever's tree builder: ours for what pages
//! hold, html5ever's own for the rest.
//!
//! html5ever's tokenizer reads a page one `char` at a time from a queue of
//! tendrils, and pushes every character of a tag name, an attribute name or
//! value onto a growing tendril: on the FineWeb chain it cost more
//! instructions than the tree builder and all of extraction's own work
//! together. This one reads bytes from one buffer. Runs of text and attribute
//! values are found with `memchr` and handed to the tree builder as
//! sub-tendrils of a copy of the part of the page around them ([`Window`]),
//! without a copy each; names of one case become atoms straight from the page.
//!
//! It follows html5ever 0.40's tokenizer (`tokenizer/mod.rs`, after WHATWG
//! HTML §13.2.5) state for state where pages spend their bytes: text and
//! character references, tags and attributes, comments, the usual doctypes,
//! RCDATA, RAWTEXT, script data and PLAINTEXT. Anything else (a `\0` inside a
//! tag, the escaped states of script data, CDATA sections, a doctype of
//! unusual shape, a token cut off by the end of the page) is handed to
//! html5ever's own tokenizer, with the rest of the page from the start of that
//! token, started in the state ours had reached ([`Tokens::hand_over`]). Both
//! feed the same tree builder, so the tree is the one html5ever builds either
//! way. Given [`Cuts`], it also cuts what [`crate::raw_text::strip`] would
//! (scripts' contents, comments, unread attributes), asking at each comment
//! and tag; a page it would have to hand over is then parsed again from
//! `strip`'s copy ([`Ended::NeedsStrippedCopy`]), since html5ever's tokenizer
//! does not cut. Parse errors are not reported (the tree builder only counts them), and
//! a comment's text is passed as the page has it (the tree keeps no comment
//! text). `tests/tokenizer_parity.rs` compares the trees on every page of the
//! evaluation sets and on damaged ones.

use crate::raw_text::{self, AfterTag, Cuts, Keep};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::{self, RawKind};
use html5ever::tokenizer::{
    BufferQueue, Doctype, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::{ns, Attribute, LocalName, QualName, TokenizerResult};
use memchr::{memchr, memchr2, memchr3};
use std::cell::RefCell;

/// What the text after a tag is, as the tree builder said.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Data,
    Raw(RawKind),
    Plaintext,
}

/// Why the fast path stops: html5ever's tokenizer takes the page from here.
struct HandOver(usize);

/// How tokenizing a page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// At the end of the page, or where the sink's budget stopped it.
    Done,
    /// Cutting: the page nests deeper than allowed ([`Cuts::too_deep`]).
    TooDeep,
    /// Cutting: html5ever's tokenizer would have to take over, and it reads
    /// the page as it is, without the cuts. The page must be parsed again
    /// from [`crate::raw_text::strip`]'s copy.
    NeedsStrippedCopy,
}

/// Tokenizes `html` into `sink`, then ends it. `stopped` says the sink's
/// budget is spent (where panics abort and the sink cannot unwind); `queue`
/// is what html5ever's tokenizer reads if it takes over, the queue the sink
/// empties to stop it.
/// `spare_attrs` holds emptied attribute vectors to fill rather than allocate.
/// With `cuts`, what [`crate::raw_text::strip`] cuts is cut on the way.
pub(crate) fn tokenize<S: TokenSink>(
    html: &str,
    sink: &S,
    queue: &BufferQueue,
    stopped: &dyn Fn() -> bool,
    spare_attrs: &RefCell<Vec<Vec<Attribute>>>,
    cuts: Option<Cuts<'_>>,
) -> Ended {
    let (page, cr_before_markup) = normalize_newlines(html);
    if cuts.is_some() && cr_before_markup {
        // `strip` cuts before newlines are normalized: a comment cut from
        // between a CR and a LF leaves one line break where the page read
        // here has two.
        return Ended::NeedsStrippedCopy;
    }
    let mut tokens = Tokens {
        page: &page,
        bytes: page.as_bytes(),
        window: RefCell::new(Window {
            copy: StrTendril::new(),
            start: 0,
        }),
        sink,
        mode: Mode::Data,
        last_start_tag: None,
        text: Text::None,
        bom_may_follow: true,
        stopped,
        spare_attrs,
        cuts,
    };
    match tokens.run() {
        Ok(()) if tokens.too_deep() => Ended::TooDeep,
        Ok(()) => {
            if !stopped() {
                tokens.emit(Token::EOFToken);
                sink.end();
            }
            Ended::Done
        }
        Err(HandOver(_)) if tokens.cuts.is_some() => Ended::NeedsStrippedCopy,
        Err(HandOver(at)) => {
            tokens.hand_over(at, queue);
            Ended::Done
        }
    }
}

/// The page as the tokenizer reads it: CR LF and lone CRs become LF
/// (§13.2.3.5); and whether a CR came just before a `<`.
fn normalize_newlines(html: &str) -> (std::borrow::Cow<'_, str>, bool) {
    let Some(first) = memchr(b'\r', html.as_bytes()) else {
        return (html.into(), false);
    };
    let mut cr_before_markup = false;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut cr = first;
    loop {
        out.push_str(&rest[..cr]);
        out.push('\n');
        rest = &rest[cr + 1..];
        match rest.strip_prefix('\n') {
            Some(after_lf) => rest = after_lf,
            None => cr_before_markup |= rest.starts_with('<'),
        }
        match memchr(b'\r', rest.as_bytes()) {
            Some(next) => cr = next,
            None => break,
        }
    }
    out.push_str(rest);
    (out.into(), cr_before_markup)
}

/// Text waiting to be passed on as one token: a run of the page, or, once a
/// character reference or a `\0` has changed it, a copy.
enum Text {
    None,
    /// `start..end` of the page.
    Page(usize, usize),
    /// One space: what `strip` writes for the whitespace after a tag.
    Space,
    Owned(String),
}

/// The part of the page that text and attribute value tokens are cut from:
/// copied a window at a time where a token needs it, so that what is skipped
/// (scripts, unread attributes) is mostly never copied, and no copy of the
/// whole page is made.
struct Window {
    copy: StrTendril,
    /// Where `copy` starts in the page.
    start: usize,
}

/// Bytes copied into a [`Window`] at least.
const WINDOW_BYTES: usize = 16 << 10;

/// Longest text a tendril holds inside itself, without a buffer
/// (`tendril::MAX_INLINE_LEN`).
const INLINE_BYTES: usize = 8;

struct Tokens<'a, S> {
    page: &'a str,
    bytes: &'a [u8],
    window: RefCell<Window>,
    sink: &'a S,
    mode: Mode,
    /// For the "appropriate end tag" of raw text.
    last_start_tag: Option<LocalName>,
    text: Text,
    /// html5ever drops a U+FEFF at the start of every `feed`: the first, and
    /// the one after a tag the tree builder answered with `Script` or
    /// `EncodingIndicator`.
    bom_may_follow: bool,
    stopped: &'a dyn Fn() -> bool,
    spare_attrs: &'a RefCell<Vec<Vec<Attribute>>>,
    cuts: Option<Cuts<'a>>,
}

/// `\t`, `\n`, `\x0C` and space: what separates attributes (CR is gone).
#[inline(always)]
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b' ')
}

impl<'a, S: TokenSink> Tokens<'a, S> {
    fn run(&mut self) -> Result<(), HandOver> {
        let mut pos = 0;
        loop {
            if std::mem::take(&mut self.bom_may_follow) && self.bytes[pos..].starts_with("\u{feff}".as_bytes()) {
                pos += 3;
            }
            if (self.stopped)() || self.too_deep() {
                return Ok(());
            }
            pos = match self.mode {
                Mode::Data => self.data(pos)?,
                Mode::Raw(kind) => self.raw(pos, kind)?,
                Mode::Plaintext => self.plaintext(pos),
            };
            if pos == self.bytes.len() {
                self.flush_text();
                return Ok(());
            }
        }
    }

    fn too_deep(&self) -> bool {
        self.cuts.as_ref().is_some_and(Cuts::too_deep)
    }

    /// The cuts, if markup at `lt` in the data state is cut.
    fn cutting(&mut self, lt: usize) -> Option<&mut Cuts<'a>> {
        self.cuts
            .as_mut()
            .filter(|cuts| self.mode == Mode::Data && cuts.apply_at(lt))
    }

    /// Gives the page from `at` (the start of a token) to html5ever's
    /// tokenizer, in the state this one is in there.
    fn hand_over(&mut self, at: usize, queue: &BufferQueue) {
        self.flush_text();
        let initial_state = match self.mode {
            Mode::Data => states::Data,
            Mode::Raw(kind) => states::RawData(kind),
            Mode::Plaintext => states::Plaintext,
        };
        let opts = TokenizerOpts {
            initial_state: Some(initial_state),
            last_start_tag_name: self.last_start_tag.as_ref().map(|name| name.to_string()),
            // Takes over at a `<`: no BOM to drop there, but html5ever drops
            // one after every `</script>` it reads, and so must it.
            ..TokenizerOpts::default()
        };
        let tokenizer = Tokenizer::new(Forward(self.sink), opts);
        if at < self.bytes.len() {
            queue.push_back(self.page_tendril(at, self.bytes.len()));
        }
        while !matches!(tokenizer.feed(queue), TokenizerResult::Done) {}
        if !(self.stopped)() {
            tokenizer.end();
        }
    }

    // Text.

    fn push_page_text(&mut self, start: usize, end: usize) {
        if start == end {
            return;
        }
        match &mut self.text {
            Text::None => self.text = Text::Page(start, end),
            Text::Page(_, last) if *last == start => *last = end,
            Text::Page(first, last) => {
                let mut owned = String::with_capacity(*last - *first + end - start + 16);
                owned.push_str(&self.page[*first..*last]);
                owned.push_str(&self.page[start..end]);
                self.text = Text::Owned(owned);
            }
            Text::Space => {
                let mut owned = String::with_capacity(1 + end - start + 16);
                owned.push(' ');
                owned.push_str(&self.page[start..end]);
                self.text = Text::Owned(owned);
            }
            Text::Owned(owned) => owned.push_str(&self.page[start..end]),
        }
    }

    fn push_chars(&mut self, chars: &[char]) {
        let owned = match std::mem::replace(&mut self.text, Text::None) {
            Text::None => String::new(),
            Text::Page(start, end) => {
                let mut owned = String::with_capacity(end - start + 16);
                owned.push_str(&self.page[start..end]);
                owned
            }
            Text::Space => String::from(" "),
            Text::Owned(owned) => owned,
        };
        let mut owned = owned;
        owned.extend(chars);
        self.text = Text::Owned(owned);
    }

    /// `page[start..end]` as a tendril: in a [`Window`]'s buffer, shared.
    fn page_tendril(&self, start: usize, end: usize) -> StrTendril {
        // Slicing the `str` checks the bounds and that both ends are
        // character boundaries in a few instructions; `subtendril` decodes
        // the UTF-8 around each end (1 % of the FineWeb chain's instructions).
        let text = &self.page[start..end];
        if text.len() <= INLINE_BYTES {
            return StrTendril::from_slice(text);
        }
        let mut window = self.window.borrow_mut();
        if start < window.start || end > window.start + window.copy.len() {
            let mut window_end = (start + WINDOW_BYTES).max(end).min(self.page.len());
            while !self.page.is_char_boundary(window_end) {
                window_end += 1;
            }
            *window = Window {
                copy: StrTendril::from_slice(&self.page[start..window_end]),
                start,
            };
        }
        let offset = u32::try_from(start - window.start).expect("a window is shorter than 4 GiB");
        let len = u32::try_from(text.len()).expect("a window is shorter than 4 GiB");
        // SAFETY: `start..end` lies within the window, on character boundaries
        // of the page (checked above), which are the window's.
        unsafe { window.copy.unsafe_subtendril(offset, len) }
    }

    fn flush_text(&mut self) {
        let tendril = match std::mem::replace(&mut self.text, Text::None) {
            Text::None => return,
            Text::Page(start, end) => self.page_tendril(start, end),
            // Short enough to sit inside the tendril: no allocation.
            Text::Space => StrTendril::from_slice(" "),
            Text::Owned(owned) => StrTendril::from(owned),
        };
        self.emit(Token::CharacterTokens(tendril));
    }

    /// Passes on a token that is not a start tag: the tree builder answers
    /// those with `Continue`.
    fn emit(&self, token: Token) {
        let _ = self.sink.process_token(token, 1);
    }

    /// A parse error that html5ever's tokenizer reports between tokens. The
    /// tree builder only counts errors, except that any token, an error
    /// too, ends its wait for the newline that may open a `<pre>`,
    /// `<listing>` or `<textarea>` (`<pre>&#10x` keeps its newline).
    fn parse_error(&self) {
        self.emit(Token::ParseError("".into()));
    }

    /// Text from `pos` up to a byte found `found` bytes on (or to the end of
    /// the page if none was): returns that byte's position.
    fn text_until(&mut self, pos: usize, found: Option<usize>) -> Option<usize> {
        let end = found.map_or(self.bytes.len(), |found| pos + found);
        self.push_page_text(pos, end);
        found.map(|_| end)
    }

    /// The data state, from `pos` to the next tag; returns where to go on.
    fn data(&mut self, mut pos: usize) -> Result<usize, HandOver> {
        let bytes = self.bytes;
        loop {
            let Some(at) = self.text_until(pos, memchr3(b'<', b'&', 0, &bytes[pos..])) else {
                return Ok(bytes.len());
            };
            match bytes[at] {
                b'&' => pos = self.char_ref_in_text(at),
                0 => {
                    self.flush_text();
                    self.emit(Token::NullCharacterToken);
                    pos = at + 1;
                }
                _ => {
                    return match self.markup(at)? {
                        Some(next) => Ok(next),
                        None => {
                            // Not markup: the `<` is text.
                            self.push_page_text(at, at + 1);
                            pos = at + 1;
                            continue;
                        }
                    };
                }
            }
        }
    }

    /// RCDATA, RAWTEXT and script data, up to the end tag of the element
    /// that opened them.
    fn raw(&mut self, mut pos: usize, kind: RawKind) -> Result<usize, HandOver> {
        let bytes = self.bytes;
        loop {
            let found = if kind == RawKind::Rcdata {
                memchr3(b'<', b'&', 0, &bytes[pos..])
            } else {
                memchr2(b'<', 0, &bytes[pos..])
            };
            let Some(at) = self.text_until(pos, found) else {
                return Ok(bytes.len());
            };
            match bytes[at] {
                b'&' => pos = self.char_ref_in_text(at),
                0 => {
                    self.push_chars(&['\u{fffd}']);
                    pos = at + 1;
                }
                _ => {
                    let rest = &bytes[at + 1..];
                    if kind == RawKind::ScriptData && rest.first() == Some(&b'!') {
                        // `<!--` opens the escaped states: html5ever's.
                        if rest.len() < 3 || rest.starts_with(b"!--") {
                            return Err(HandOver(at));
                        }
                    }
                    if rest.first() == Some(&b'/') {
                        let name_end = at + 2 + rest[1..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
                        if name_end == bytes.len() {
                            return Err(HandOver(at));
                        }
                        let name = &bytes[at + 2..name_end];
                        let appropriate = self
                            .last_start_tag
                            .as_ref()
                            .is_some_and(|last| last.as_bytes().eq_ignore_ascii_case(name));
                        let ends_name = is_space(bytes[name_end]) || matches!(bytes[name_end], b'/' | b'>');
                        if appropriate && !name.is_empty() && ends_name {
                            self.flush_text();
                            let name = self.page[at + 2..name_end].to_ascii_lowercase();
                            return self.tag_rest(at, TagKind::EndTag, LocalName::from(name), name_end);
                        }
                        // Not this element's end tag: text, up to the name's end.
                        self.push_page_text(at, name_end);
                        pos = name_end;
                        continue;
                    }
                    self.push_page_text(at, at + 1);
                    pos = at + 1;
                }
            }
        }
    }

    fn plaintext(&mut self, mut pos: usize) -> usize {
        let bytes = self.bytes;
        while let Some(found) = memchr(0, &bytes[pos..]) {
            self.push_page_text(pos, pos + found);
            self.push_chars(&['\u{fffd}']);
            pos += found + 1;
        }
        self.push_page_text(pos, bytes.len());
        bytes.len()
    }

    // Markup.

    /// What starts at the `<` at `lt` in the data state: a tag, a comment,
    /// a doctype, or nothing (`None`: the `<` is text). Returns where the
    /// data state goes on.
    fn markup(&mut self, lt: usize) -> Result<Option<usize>, HandOver> {
        let bytes = self.bytes;
        if bytes.get(lt + 1) == Some(&b'!') && bytes[lt + 2..].starts_with(b"--") {
            if let Some(end) = self.cutting(lt).and_then(|cuts| cuts.comment(bytes, lt)) {
                return Ok(Some(end));
            }
        }
        let Some(&next) = bytes.get(lt + 1) else {
            return Err(HandOver(lt));
        };
        match next {
            b'!' => self.declaration(lt).map(Some),
            b'/' => match bytes.get(lt + 2) {
                None => Err(HandOver(lt)),
                Some(b) if b.is_ascii_alphabetic() => {
                    self.flush_text();
                    self.tag(lt, TagKind::EndTag, lt + 2).map(Some)
                }
                // `</>` is nothing but a parse error.
                Some(b'>') => {
                    self.flush_text();
                    self.parse_error();
                    Ok(Some(lt + 3))
                }
                Some(_) => self.bogus_comment(lt, lt + 2).map(Some),
            },
            b'?' => self.bogus_comment(lt, lt + 1).map(Some),
            b if b.is_ascii_alphabetic() => {
                self.flush_text();
                self.tag(lt, TagKind::StartTag, lt + 1).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// A tag whose name starts at `name_start` (an ASCII letter).
    fn tag(&mut self, lt: usize, kind: TagKind, name_start: usize) -> Result<usize, HandOver> {
        let bytes = self.bytes;
        let mut end = name_start;
        let mut upper = false;
        loop {
            match bytes.get(end) {
                None | Some(0) => return Err(HandOver(lt)),
                Some(&b) if is_space(b) || b == b'/' || b == b'>' => break,
                Some(&b) => {
                    upper |= b.is_ascii_uppercase();
                    end += 1;
                }
            }
        }
        let name = atom(&self.page[name_start..end], upper);
        self.tag_rest(lt, kind, name, end)
    }

    /// The rest of a tag after its name, at `pos`: its attributes, up to the
    /// `>`; then the tag is passed on. Returns where the text goes on.
    fn tag_rest(&mut self, lt: usize, kind: TagKind, name: LocalName, mut pos: usize) -> Result<usize, HandOver> {
        let bytes = self.bytes;
        let at = |i: usize| bytes.get(i).copied().ok_or(HandOver(lt));
        let cutting = self.cutting(lt).is_some();
        let mut attrs: Vec<Attribute> = Vec::new();
        let mut self_closing = false;
        let mut duplicates = false;
        // The before-attribute-name state, with `/` as the self-closing start
        // tag state reconsumes it.
        loop {
            let b = at(pos)?;
            if is_space(b) {
                pos += 1;
                continue;
            }
            match b {
                b'>' => break,
                b'/' => {
                    if at(pos + 1)? == b'>' {
                        self_closing = true;
                        pos += 1;
                        break;
                    }
                    pos += 1;
                    continue;
                }
                0 => return Err(HandOver(lt)),
                _ => {}
            }
            // An attribute name: from this character (whatever it is) to a
            // space, `/`, `>` or the `=` after its first character.
            let name_start = pos;
            let mut upper = b.is_ascii_uppercase();
            pos += 1;
            loop {
                let b = at(pos)?;
                if is_space(b) || matches!(b, b'/' | b'>' | b'=') {
                    break;
                }
                if b == 0 {
                    return Err(HandOver(lt));
                }
                upper |= b.is_ascii_uppercase();
                pos += 1;
            }
            let name_end = pos;
            // After the attribute name.
            while is_space(at(pos)?) {
                pos += 1;
            }
            let has_value = at(pos)? == b'=';
            if has_value {
                pos += 1;
                while is_space(at(pos)?) {
                    pos += 1;
                }
            }
            // What `strip` keeps of the attribute, decided on its name, or on
            // its source (an unterminated one is read on, to be handed over).
            if cutting && kind == TagKind::StartTag {
                let by_name = raw_text::keep_by_name(name.as_bytes(), &bytes[name_start..name_end]);
                let source_end = match (by_name, has_value) {
                    (Some(Keep::All), _) => None,
                    (_, true) => self.value_source_end(pos),
                    (_, false) => Some(name_end),
                };
                if let Some(end) = source_end {
                    let keep = by_name.unwrap_or_else(|| {
                        raw_text::keep(name.as_bytes(), &bytes[name_start..end], name_end - name_start)
                    });
                    if keep != Keep::All {
                        // Nothing to decode.
                        if keep == Keep::Name {
                            self.push_attribute(
                                &mut attrs,
                                &mut duplicates,
                                name_start,
                                name_end,
                                upper,
                                StrTendril::new(),
                            );
                        }
                        pos = pos.max(end);
                        continue;
                    }
                }
            }
            let mut value = StrTendril::new();
            if has_value {
                match at(pos)? {
                    quote @ (b'"' | b'\'') => {
                        let end;
                        (value, end) = self.attribute_value(lt, pos + 1, Some(quote))?;
                        pos = end + 1;
                    }
                    b'>' => {}
                    _ => {
                        let end;
                        (value, end) = self.attribute_value(lt, pos, None)?;
                        pos = end;
                    }
                }
            }
            self.push_attribute(&mut attrs, &mut duplicates, name_start, name_end, upper, value);
        }
        let tag_end = pos + 1;
        if self
            .cuts
            .as_ref()
            .is_some_and(|cuts| cuts.reads_markup_inside(bytes, lt, tag_end))
        {
            return Err(HandOver(lt));
        }
        // Where the text goes on, and the whitespace `strip` writes as one
        // space there; decided before the tag moves into its token.
        let mut next = tag_end;
        let mut collapsed = None;
        if let Some(cuts) = self.cuts.as_mut().filter(|_| cutting) {
            let after = if kind == TagKind::StartTag {
                if cuts.drops_start_tag(bytes, lt, tag_end, name.as_bytes()) {
                    return Ok(tag_end);
                }
                cuts.after_start_tag(bytes, lt, tag_end, name.as_bytes())
            } else {
                cuts.after_end_tag(name.as_bytes());
                AfterTag::Markup
            };
            match after {
                AfterTag::Markup => collapsed = cuts.collapsed_whitespace(bytes, tag_end),
                AfterTag::Contents => {}
                AfterTag::SkipTo(close) => next = close,
            }
        }
        if kind == TagKind::StartTag {
            self.last_start_tag = Some(name.clone());
        }
        let tag = Tag {
            kind,
            name,
            self_closing,
            attrs,
            had_duplicate_attributes: duplicates,
        };
        self.mode = match self.sink.process_token(Token::TagToken(tag), 1) {
            TokenSinkResult::Continue => Mode::Data,
            TokenSinkResult::Plaintext => Mode::Plaintext,
            TokenSinkResult::RawData(kind) => Mode::Raw(kind),
            TokenSinkResult::Script(_) | TokenSinkResult::EncodingIndicator(_) => {
                self.bom_may_follow = true;
                Mode::Data
            }
        };
        if let Some(end) = collapsed {
            if bytes[end - 1] == b' ' {
                // The space that ends the run starts the text.
                next = end - 1;
            } else {
                self.text = Text::Space;
                next = end;
            }
        }
        Ok(next)
    }

    /// Adds the attribute named `page[name_start..name_end]` (with ASCII
    /// capitals if `upper`) to `attrs`, unless one of that name is there.
    fn push_attribute(
        &self,
        attrs: &mut Vec<Attribute>,
        duplicates: &mut bool,
        name_start: usize,
        name_end: usize,
        upper: bool,
        value: StrTendril,
    ) {
        let name = atom(&self.page[name_start..name_end], upper);
        if attrs.iter().any(|attr| attr.name.local == name) {
            *duplicates = true;
            return;
        }
        if attrs.capacity() == 0 {
            // Taken only now: end tags, which seldom have attributes,
            // are dropped by the tree builder with theirs.
            *attrs = self.spare_attrs.borrow_mut().pop().unwrap_or_default();
        }
        attrs.push(Attribute {
            name: QualName::new(None, ns!(), name),
            value,
        });
    }

    /// Where the source of an attribute value whose first byte is at `pos`
    /// ends (after its closing quote), as `strip` reads it; `None` if it
    /// runs to the end of the page.
    fn value_source_end(&self, pos: usize) -> Option<usize> {
        let bytes = self.bytes;
        match *bytes.get(pos)? {
            quote @ (b'"' | b'\'') => Some(pos + 1 + memchr(quote, &bytes[pos + 1..])? + 1),
            b'>' => Some(pos),
            _ => Some(pos + bytes[pos..].iter().position(|&b| is_space(b) || b == b'>')?),
        }
    }

    /// An attribute value from `start`: up to its closing `quote`, or if
    /// unquoted to a space or `>`. Returns the value and where it ends (at
    /// the quote, space or `>`).
    fn attribute_value(&self, lt: usize, start: usize, quote: Option<u8>) -> Result<(StrTendril, usize), HandOver> {
        let bytes = self.bytes;
        // Decoded so far, when a character reference was; `run..` is not
        // copied into it yet.
        let mut decoded: Option<String> = None;
        let mut run = start;
        let mut pos = start;
        loop {
            let found = match quote {
                Some(quote) => memchr3(quote, b'&', 0, &bytes[pos..]),
                None => bytes[pos..]
                    .iter()
                    .position(|&b| is_space(b) || matches!(b, b'>' | b'&' | 0)),
            };
            let end = pos + found.ok_or(HandOver(lt))?;
            match bytes[end] {
                b'&' => {
                    let (chars, next) = self.char_ref(end, true);
                    if !chars.is_empty() {
                        let decoded = decoded.get_or_insert_with(String::new);
                        decoded.push_str(&self.page[run..end]);
                        decoded.extend(chars.iter());
                        run = next;
                    }
                    pos = next;
                }
                0 => return Err(HandOver(lt)),
                _ => {
                    let value = match decoded {
                        None if start == end => StrTendril::new(),
                        None => self.page_tendril(start, end),
                        Some(mut decoded) => {
                            decoded.push_str(&self.page[run..end]);
                            StrTendril::from(decoded)
                        }
                    };
                    return Ok((value, end));
                }
            }
        }
    }

    /// `<!` at `lt`: a comment, a doctype, or a bogus comment.
    fn declaration(&mut self, lt: usize) -> Result<usize, HandOver> {
        let rest = &self.bytes[lt + 2..];
        if rest.starts_with(b"--") {
            let end = comment_end(self.bytes, lt + 4).ok_or(HandOver(lt))?;
            self.flush_text();
            let text = &self.page[lt + 4..end.saturating_sub(3).max(lt + 4)];
            self.emit(Token::CommentToken(StrTendril::from_slice(text)));
            return Ok(end);
        }
        if rest.len() < 7 {
            return Err(HandOver(lt));
        }
        if rest[..7].eq_ignore_ascii_case(b"doctype") {
            let doctype = self.doctype(lt + 9).ok_or(HandOver(lt))?;
            self.check_cut_alike(lt, doctype.1)?;
            self.flush_text();
            self.emit(Token::DoctypeToken(doctype.0));
            return Ok(doctype.1);
        }
        if rest.starts_with(b"[CDATA[") && self.sink.adjusted_current_node_present_but_not_in_html_namespace() {
            return Err(HandOver(lt));
        }
        self.bogus_comment(lt, lt + 2)
    }

    /// A bogus comment whose text starts at `start`, up to the next `>`.
    fn bogus_comment(&mut self, lt: usize, start: usize) -> Result<usize, HandOver> {
        let end = start + memchr(b'>', &self.bytes[start..]).ok_or(HandOver(lt))?;
        if memchr(0, &self.bytes[start..end]).is_some() {
            return Err(HandOver(lt));
        }
        self.check_cut_alike(lt, end)?;
        self.flush_text();
        self.emit(Token::CommentToken(StrTendril::from_slice(&self.page[start..end])));
        Ok(end + 1)
    }

    /// When cutting: `strip` reads on at every `<`, so one inside a doctype or
    /// a bogus comment (`lt..end`) is markup to it and not to the tokenizer;
    /// such a page is left to `strip`'s copy.
    fn check_cut_alike(&mut self, lt: usize, end: usize) -> Result<(), HandOver> {
        if self.cutting(lt).is_some() && memchr(b'<', &self.bytes[lt + 1..end]).is_some() {
            return Err(HandOver(lt));
        }
        Ok(())
    }

    /// The usual doctypes after `<!DOCTYPE` (at `pos`): a name, then nothing,
    /// a PUBLIC identifier and maybe a system one, or a SYSTEM identifier.
    /// `None` for any other shape (html5ever's tokenizer takes those).
    fn doctype(&self, mut pos: usize) -> Option<(Doctype, usize)> {
        let bytes = self.bytes;
        let spaces = |pos: &mut usize| {
            let start = *pos;
            while bytes.get(*pos).is_some_and(|&b| is_space(b)) {
                *pos += 1;
            }
            *pos > start
        };
        if !spaces(&mut pos) {
            return None;
        }
        let name_start = pos;
        while bytes.get(pos).is_some_and(|&b| !is_space(b) && b != b'>' && b != 0) {
            pos += 1;
        }
        if pos == name_start {
            return None;
        }
        let mut doctype = Doctype {
            name: Some(StrTendril::from_slice(&self.page[name_start..pos].to_ascii_lowercase())),
            ..Doctype::default()
        };
        spaces(&mut pos);
        let quoted = |pos: &mut usize| -> Option<StrTendril> {
            let quote = *bytes.get(*pos).filter(|&&b| b == b'"' || b == b'\'')?;
            let start = *pos + 1;
            let len = bytes[start..].iter().position(|&b| b == quote || b == b'>' || b == 0)?;
            if bytes[start + len] != quote {
                return None;
            }
            *pos = start + len + 1;
            Some(StrTendril::from_slice(&self.page[start..start + len]))
        };
        let keyword = bytes.get(pos..pos + 6);
        if keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"public")) {
            pos += 6;
            if !spaces(&mut pos) {
                return None;
            }
            doctype.public_id = Some(quoted(&mut pos)?);
            if spaces(&mut pos) && bytes.get(pos) != Some(&b'>') {
                doctype.system_id = Some(quoted(&mut pos)?);
                spaces(&mut pos);
            }
        } else if keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"system")) {
            pos += 6;
            if !spaces(&mut pos) {
                return None;
            }
            doctype.system_id = Some(quoted(&mut pos)?);
            spaces(&mut pos);
        }
        (bytes.get(pos) == Some(&b'>')).then_some((doctype, pos + 1))
    }

    // Character references.

    /// The character reference at the `&` at `amp` in text: its characters
    /// join the text. Returns where the text goes on.
    fn char_ref_in_text(&mut self, amp: usize) -> usize {
        let (chars, next) = self.char_ref(amp, false);
        if chars.error && matches!(self.text, Text::None) {
            self.parse_error();
        }
        if chars.is_empty() {
            self.push_page_text(amp, amp + 1);
            amp + 1
        } else {
            self.push_chars(&chars);
            next
        }
    }

    /// Decodes the character reference at the `&` at `amp` as html5ever's
    /// `char_ref` tokenizer does: the characters (none if it is not one, and
    /// the `&` stays) and the position after it.
    fn char_ref(&self, amp: usize, in_attribute: bool) -> (CharRef, usize) {
        let bytes = self.bytes;
        let start = amp + 1;
        match bytes.get(start) {
            Some(b'#') => numeric_char_ref(bytes, start + 1),
            Some(b) if b.is_ascii_alphanumeric() => {
                let (chars, len) = named_char_ref(&self.page[start..], in_attribute);
                (chars, start + len)
            }
            _ => (CharRef::none(false), amp + 1),
        }
    }
}

/// The characters of a character reference: none, one or two; and whether
/// html5ever reports a parse error for it.
#[derive(Default)]
struct CharRef {
    chars: [char; 2],
    len: u8,
    error: bool,
}

impl CharRef {
    fn one(c: char, error: bool) -> Self {
        CharRef {
            chars: [c, '\0'],
            len: 1,
            error,
        }
    }

    /// Not a reference: the `&` stays, with or without an error.
    fn none(error: bool) -> Self {
        CharRef {
            error,
            ..CharRef::default()
        }
    }
}

impl std::ops::Deref for CharRef {
    type Target = [char];
    fn deref(&self) -> &[char] {
        &self.chars[..usize::from(self.len)]
    }
}

/// `&#…` after the `#` (at `pos`): html5ever's `do_octothorpe`,
/// `do_numeric` and `finish_numeric`.
fn numeric_char_ref(bytes: &[u8], mut pos: usize) -> (CharRef, usize) {
    let amp = pos - 2;
    let base = match bytes.get(pos) {
        Some(b'x' | b'X') => {
            pos += 1;
            16
        }
        _ => 10,
    };
    let mut num: u32 = 0;
    let mut too_big = false;
    let digits_start = pos;
    while let Some(digit) = bytes.get(pos).and_then(|&b| char::from(b).to_digit(base)) {
        num = num.wrapping_mul(base);
        if num > 0x10FFFF {
            too_big = true;
        }
        num = num.wrapping_add(digit);
        pos += 1;
    }
    if pos == digits_start {
        return (CharRef::none(true), amp + 1);
    }
    let mut error = true;
    if bytes.get(pos) == Some(&b';') {
        pos += 1;
        error = false;
    }
    let (c, invalid) = match num {
        n if n > 0x10FFFF || too_big => ('\u{fffd}', true),
        0x00 | 0xD800..=0xDFFF => ('\u{fffd}', true),
        0x80..=0x9F => (
            html5ever::data::C1_REPLACEMENTS[(num - 0x80) as usize]
                .unwrap_or_else(|| char::from_u32(num).unwrap_or('\u{fffd}')),
            true,
        ),
        0x01..=0x08 | 0x0B | 0x0D..=0x1F | 0x7F | 0xFDD0..=0xFDEF => (char::from_u32(num).unwrap_or('\u{fffd}'), true),
        n => (char::from_u32(n).unwrap_or('\u{fffd}'), n & 0xFFFE == 0xFFFE),
    };
    (CharRef::one(c, error || invalid), pos)
}

/// A named reference at the start of `name` (after the `&`): the longest
/// entity name it starts with, as html5ever's `do_named` and `finish_named`
/// find it; its characters and length. No characters (and length 0) if there
/// is none, or if it is an attribute's and reads as part of a longer word
/// (`&copy=`, `&notit`).
fn named_char_ref(name: &str, in_attribute: bool) -> (CharRef, usize) {
    let bytes = name.as_bytes();
    let mut best: Option<((u32, u32), usize)> = None;
    let mut len = 0;
    while len < bytes.len() && bytes[len].is_ascii() {
        len += 1;
        match html5ever::data::NAMED_ENTITIES.get(&name[..len]) {
            Some(&(0, _)) => {}
            Some(&found) => best = Some((found, len)),
            None => break,
        }
    }
    let Some(((c1, c2), len)) = best else {
        // `&name;` that names nothing is an error (html5ever's `BogusName`).
        let alnum = bytes.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        return (CharRef::none(bytes.get(alnum) == Some(&b';')), 0);
    };
    let terminated = bytes[len - 1] == b';';
    if !terminated
        && in_attribute
        && bytes
            .get(len)
            .is_some_and(|&next| next == b'=' || next.is_ascii_alphanumeric())
    {
        return (CharRef::none(false), 0);
    }
    let c1 = char::from_u32(c1).unwrap_or('\u{fffd}');
    let chars = match char::from_u32(c2) {
        Some(c2) if c2 != '\0' => CharRef {
            chars: [c1, c2],
            len: 2,
            error: !terminated,
        },
        _ => CharRef::one(c1, !terminated),
    };
    (chars, len)
}

/// Where the comment whose text starts at `start` (after `<!--`) ends: after
/// its `-->` or `--!>` (§13.2.5.43–52; `<!-->` and `<!--->` end at once).
/// The states around a `<!` inside the comment only report errors; the
/// comment ends where these do.
fn comment_end(bytes: &[u8], start: usize) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        Start,
        StartDash,
        Comment,
        EndDash,
        End,
        EndBang,
    }
    let mut state = State::Start;
    let mut pos = start;
    loop {
        if let State::Comment = state {
            pos += memchr(b'-', &bytes[pos..])?;
        }
        let b = *bytes.get(pos)?;
        pos += 1;
        state = match (state, b) {
            (State::Start | State::StartDash | State::End | State::EndBang, b'>') => return Some(pos),
            (State::Start, b'-') => State::StartDash,
            (State::StartDash | State::EndDash | State::End, b'-') => State::End,
            (State::Comment, b'-') | (State::EndBang, b'-') => State::EndDash,
            (State::End, b'!') => State::EndBang,
            // Anything else is the comment's text (reconsumed there: only a
            // `-` would not stay in the comment state, and it is not here).
            _ => State::Comment,
        };
    }
}

/// The atom of a tag or attribute name, lowercased if `upper` says it has
/// ASCII capitals.
#[inline]
fn atom(name: &str, upper: bool) -> LocalName {
    if upper {
        LocalName::from(name.to_ascii_lowercase())
    } else {
        LocalName::from(name)
    }
}

/// Forwards html5ever's tokenizer's tokens to a tree builder it does not own.
pub(crate) struct Forward<'a, S>(pub &'a S);

impl<S: TokenSink> TokenSink for Forward<'_, S> {
    type Handle = S::Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<S::Handle> {
        self.0.process_token(token, line_number)
    }

    fn end(&self) {
        self.0.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.0.adjusted_current_node_present_but_not_in_html_namespace()
    }
}
