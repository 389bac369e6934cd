//! A light parse tree for one record of a large file.
//!
//! `toml::de::DeTable` keeps every table in an `IndexMap` with SipHash and
//! goes through an intermediate list of events; for the ten-thousand-record
//! files of a big workspace that was the largest part of opening it. A
//! record has a dozen keys, so here tables are plain vectors searched in
//! order, and the tree is built while the text is read: `Walk` cuts the
//! text into tokens in place, by the rules of `toml_parser`'s lexer (the
//! lexer under the `toml` crate), and hands keys, values and headers to
//! `Builder`, the event receiver that builds the tree and decodes every
//! key, string, number and date with `toml_parser`'s decoders.
//!
//! Only the shapes records are written in are accepted: `key = value` with
//! plain or quoted (undotted) keys, `[[kind]]` headers and `[kind.sub]`
//! sub-tables of the record above, values of any kind, arrays over several
//! lines, one-line inline tables. Anything else — a syntax error, a
//! duplicate key, a dotted key, a table defined twice — makes [`parse`]
//! return `None`, and the caller parses the part with `toml::de` instead,
//! which gives the exact error message or handles the unusual shape. The
//! tokens are those of `toml_parser`'s lexer, and the values, spans and key
//! order of what is accepted are those `toml::de` gives (the tests below
//! compare both on every fixture and on random records).

use std::borrow::Cow;
use std::ops::Range;

use toml_datetime::Datetime;
use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::lexer::TokenKind;
use toml_parser::parser::EventReceiver;
use toml_parser::{ErrorSink, ParseError, Raw, Source, Span};

/// A value and where it is in the text.
#[derive(Debug)]
pub struct Item<'i> {
    pub span: Range<usize>,
    pub value: Value<'i>,
}

#[derive(Debug)]
pub enum Value<'i> {
    String(Cow<'i, str>),
    /// The digits as written (underscores removed) and the radix.
    Integer(Cow<'i, str>, u32),
    /// The number as written (underscores removed), or inf / nan.
    Float(Cow<'i, str>),
    Boolean(bool),
    Datetime(Datetime),
    Array(Vec<Item<'i>>),
    Table(Table<'i>),
}

/// A table entry: key, the key's span, value.
pub type Entry<'i> = (Cow<'i, str>, Range<usize>, Item<'i>);

/// A table: its entries in file order.
#[derive(Debug, Default)]
pub struct Table<'i> {
    pub entries: Vec<Entry<'i>>,
    /// One bit per key present, from [`key_bit`]: most lookups of an
    /// absent key (optional fields) and most duplicate checks end here.
    keys: u64,
}

/// A bit standing for a key (its length and first and last bytes).
#[inline]
fn key_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let first = u64::from(b.first().copied().unwrap_or(0));
    let last = u64::from(b.last().copied().unwrap_or(0));
    1 << ((b.len() as u64 * 7 + first * 3 + last) % 64)
}

/// Key equality for the short keys of records: a byte loop, which beats a
/// call to `memcmp` when most keys differ in length or first letter.
#[inline]
pub fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl<'i> Table<'i> {
    pub fn get(&self, key: &str) -> Option<&Item<'i>> {
        self.get_entry(key).map(|(_, _, v)| v)
    }

    pub fn get_entry(&self, key: &str) -> Option<&Entry<'i>> {
        if self.keys & key_bit(key) == 0 {
            return None;
        }
        self.entries.iter().find(|(k, _, _)| same_key(k, key))
    }

    fn with(entries: Vec<Entry<'i>>) -> Table<'i> {
        let keys = entries.iter().fold(0, |m, (k, _, _)| m | key_bit(k));
        Table { entries, keys }
    }

    fn push(&mut self, entry: Entry<'i>) {
        self.keys |= key_bit(&entry.0);
        self.entries.push(entry);
    }

    /// Add an entry; false when the key is already there.
    fn insert(&mut self, key: Cow<'i, str>, span: Range<usize>, item: Item<'i>) -> bool {
        if self.get(&key).is_some() {
            return false;
        }
        self.push((key, span, item));
        true
    }
}

/// Nesting limit for arrays and inline tables, below the 80 of `toml::de`
/// (deeper values are left to it, and its message).
const DEPTH: usize = 64;

/// Space kept from one record to the next of a file: the vectors of
/// finished trees (given back with [`recycle`]), so that building a
/// record's tree rarely allocates.
#[derive(Default)]
pub struct Scratch<'i> {
    pool: Pool<'i>,
}

#[derive(Default)]
struct Pool<'i> {
    tables: Vec<Vec<Entry<'i>>>,
    arrays: Vec<Vec<Item<'i>>>,
}

/// Vectors kept for reuse, at most (a record needs a handful).
const POOLED: usize = 64;

impl<'i> Pool<'i> {
    fn table(&mut self) -> Vec<Entry<'i>> {
        self.tables.pop().unwrap_or_else(|| Vec::with_capacity(16))
    }

    fn array(&mut self) -> Vec<Item<'i>> {
        self.arrays.pop().unwrap_or_else(|| Vec::with_capacity(4))
    }

    fn put_table(&mut self, mut entries: Vec<Entry<'i>>) {
        for (_, _, item) in entries.drain(..) {
            self.put_item(item);
        }
        if self.tables.len() < POOLED {
            self.tables.push(entries);
        }
    }

    fn put_item(&mut self, item: Item<'i>) {
        match item.value {
            Value::Array(mut items) => {
                for item in items.drain(..) {
                    self.put_item(item);
                }
                if self.arrays.len() < POOLED {
                    self.arrays.push(items);
                }
            }
            Value::Table(table) => self.put_table(table.entries),
            _ => {}
        }
    }
}

/// Give a tree's vectors back for the next [`parse`].
pub fn recycle<'i>(tree: Table<'i>, scratch: &mut Scratch<'i>) {
    scratch.pool.put_table(tree.entries);
}

/// Parse `text` (one record) into a light tree, or `None` when it has an
/// error or a shape this parser leaves to `toml::de`.
pub fn parse<'i>(text: &'i str, scratch: &mut Scratch<'i>) -> Option<Table<'i>> {
    let source = Source::new(text);
    let table = Table::with(scratch.pool.table());
    let mut builder = Builder {
        source,
        root: Table::default(),
        table,
        header: None,
        header_keys: Vec::new(),
        header_open: None,
        arrays_of_tables: Vec::new(),
        key: None,
        dotted: false,
        stack: Vec::new(),
        failed: false,
        pool: &mut scratch.pool,
    };
    // The builder checks comments, newlines and depth itself, as
    // `toml::de` does with `ValidateWhitespace` and `RecursionGuard`.
    let mut walk = Walk {
        bytes: text.as_bytes(),
        at: 0,
        kind: token_kind(text.as_bytes(), 0),
        builder: &mut builder,
        errors: Failed(false),
    };
    let walked = walk.document();
    let ok = walked && !walk.errors.0 && !builder.failed && {
        builder.finish_table();
        !builder.failed && builder.stack.is_empty()
    };
    let spare = std::mem::take(&mut builder.table.entries);
    let root = std::mem::take(&mut builder.root);
    drop(builder);
    scratch.pool.put_table(spare);
    if ok {
        Some(root)
    } else {
        scratch.pool.put_table(root.entries);
        None
    }
}

/// Cuts one record into tokens ([`token_kind`], [`token_end`]: the rules of
/// `toml_parser`'s lexer) and calls the builder as
/// `toml_parser::parser::parse_document` would, for the shapes records are
/// written in: blank lines and comments, `[table]` and `[[table]]` headers,
/// `key = value` with a plain or quoted key, arrays (over several lines,
/// with comments and a trailing comma) and one-line inline tables. Anything
/// else — a dotted key, a value followed by more than a comment, a trailing
/// comma in an inline table, every syntax error — makes it return `false`,
/// and the record goes to `toml::de`. The builder decodes every key, string,
/// number and date with `toml_parser`'s own decoders (or, for the plainest,
/// [`plain_scalar`]), which report bad ones.
///
/// `toml_parser`'s lexer fills a vector of tokens first, and its
/// `parse_document` is general (error recovery, every TOML shape, events
/// through `dyn` calls); for the records of a large file this walk does the
/// same with about half the instructions (`docs/PERFORMANCE.md`).
struct Walk<'b, 'p, 'i> {
    bytes: &'i [u8],
    /// Where the next token starts, and its kind.
    at: usize,
    kind: TokenKind,
    builder: &'b mut Builder<'p, 'i>,
    errors: Failed,
}

/// The kind of the token starting at `at`, as `toml_parser`'s lexer
/// classifies it.
#[inline(always)]
fn token_kind(bytes: &[u8], at: usize) -> TokenKind {
    let Some(&b) = bytes.get(at) else {
        return TokenKind::Eof;
    };
    match b {
        b'.' => TokenKind::Dot,
        b'=' => TokenKind::Equals,
        b',' => TokenKind::Comma,
        b'[' => TokenKind::LeftSquareBracket,
        b']' => TokenKind::RightSquareBracket,
        b'{' => TokenKind::LeftCurlyBracket,
        b'}' => TokenKind::RightCurlyBracket,
        b' ' | b'\t' => TokenKind::Whitespace,
        b'#' => TokenKind::Comment,
        b'\r' | b'\n' => TokenKind::Newline,
        b'\'' if bytes[at..].starts_with(b"\'\'\'") => TokenKind::MlLiteralString,
        b'\'' => TokenKind::LiteralString,
        b'"' if bytes[at..].starts_with(b"\"\"\"") => TokenKind::MlBasicString,
        b'"' => TokenKind::BasicString,
        _ => TokenKind::Atom,
    }
}

/// The bytes that end an atom (a bare key, number, date or boolean).
static ENDS_ATOM: [bool; 256] = {
    let mut table = [false; 256];
    let ends = b".=,[]{} \t#\r\n";
    let mut i = 0;
    while i < ends.len() {
        table[ends[i] as usize] = true;
        i += 1;
    }
    table
};

/// Where the token of `kind` starting at `at` ends: the rules of
/// `toml_parser::lexer`, one for one (an unclosed string runs to the end of
/// its line or of the text, and its decoder reports it).
fn token_end(bytes: &[u8], at: usize, kind: TokenKind) -> usize {
    let len = bytes.len();
    let rest = |from: usize| bytes.get(from..).unwrap_or_default();
    match kind {
        TokenKind::Eof => at,
        TokenKind::Whitespace => {
            at + rest(at)
                .iter()
                .position(|&b| b != b' ' && b != b'\t')
                .unwrap_or(len - at)
        }
        TokenKind::Comment => memchr::memchr2(b'\r', b'\n', rest(at)).map_or(len, |i| at + i),
        TokenKind::Newline => {
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            }
        }
        TokenKind::LiteralString => {
            let from = at + 1;
            match memchr::memchr2(b'\'', b'\n', rest(from)) {
                Some(i) if bytes[from + i] == b'\'' => from + i + 1,
                Some(i) => from + i,
                None => len,
            }
        }
        TokenKind::MlLiteralString => {
            let from = at + 3;
            let mut end = memchr::memmem::find(rest(from), b"\'\'\'").map_or(len, |i| from + i + 3);
            // Up to two more quotes belong to the string (`a'`).
            for _ in 0..2 {
                if bytes.get(end) == Some(&b'\'') {
                    end += 1;
                }
            }
            end
        }
        TokenKind::BasicString => {
            let mut from = at + 1;
            loop {
                match memchr::memchr3(b'"', b'\\', b'\n', rest(from)) {
                    Some(i) => match bytes[from + i] {
                        b'"' => return from + i + 1,
                        b'\\' => {
                            from += i + 1;
                            if matches!(bytes.get(from), Some(b'\\' | b'"')) {
                                from += 1;
                            }
                        }
                        _ => return from + i,
                    },
                    None => return len,
                }
            }
        }
        TokenKind::MlBasicString => {
            let mut from = at + 3;
            let mut end = loop {
                // The first closing `"""` or backslash.
                let quotes = memchr::memmem::find(rest(from), b"\"\"\"");
                let slash = memchr::memchr(b'\\', rest(from));
                match (quotes, slash) {
                    (Some(q), s) if s.is_none_or(|s| q < s) => break from + q + 3,
                    (_, Some(s)) => {
                        from += s + 1;
                        if matches!(bytes.get(from), Some(b'\\' | b'"')) {
                            from += 1;
                        }
                    }
                    _ => break len,
                }
            };
            for _ in 0..2 {
                if bytes.get(end) == Some(&b'"') {
                    end += 1;
                }
            }
            end
        }
        TokenKind::Atom => {
            at + rest(at)
                .iter()
                .position(|&b| ENDS_ATOM[usize::from(b)])
                .unwrap_or(len - at)
        }
        // One character.
        _ => at + 1,
    }
}

impl Walk<'_, '_, '_> {
    #[inline]
    fn peek(&self) -> TokenKind {
        self.kind
    }

    /// Move to the token starting at `at`.
    #[inline]
    fn go(&mut self, at: usize) {
        self.at = at;
        self.kind = token_kind(self.bytes, at);
    }

    /// The next token's span, moving past it.
    #[inline]
    fn bump(&mut self) -> Span {
        let start = self.at;
        self.go(token_end(self.bytes, start, self.kind));
        Span::new_unchecked(start, self.at)
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        if self.peek() == TokenKind::Whitespace {
            self.go(token_end(self.bytes, self.at, TokenKind::Whitespace));
        }
    }

    /// Whitespace, newlines and comments, as between the values of an array.
    fn skip_blank(&mut self) {
        loop {
            match self.peek() {
                TokenKind::Whitespace => self.skip_whitespace(),
                TokenKind::Newline => {
                    let span = self.bump();
                    self.builder.newline(span, &mut self.errors);
                }
                TokenKind::Comment => {
                    let span = self.bump();
                    self.builder.comment(span, &mut self.errors);
                }
                _ => return,
            }
        }
    }

    /// Whitespace, an optional comment, then a newline or the end.
    fn end_of_line(&mut self) -> bool {
        self.skip_whitespace();
        if self.peek() == TokenKind::Comment {
            let span = self.bump();
            self.builder.comment(span, &mut self.errors);
        }
        match self.peek() {
            TokenKind::Newline => {
                let span = self.bump();
                self.builder.newline(span, &mut self.errors);
                true
            }
            TokenKind::Eof => true,
            _ => false,
        }
    }

    fn document(&mut self) -> bool {
        loop {
            self.skip_whitespace();
            let line = match self.peek() {
                TokenKind::Eof => return true,
                TokenKind::Newline | TokenKind::Comment => self.end_of_line(),
                TokenKind::LeftSquareBracket => self.header(),
                TokenKind::Atom | TokenKind::BasicString | TokenKind::LiteralString => {
                    self.key_value() && self.end_of_line()
                }
                _ => false,
            };
            if !line || self.builder.failed {
                return false;
            }
        }
    }

    /// A key: a bare word or a one-line quoted string.
    fn key(&mut self) -> bool {
        let encoding = match self.peek() {
            TokenKind::Atom => None,
            TokenKind::BasicString => Some(Encoding::BasicString),
            TokenKind::LiteralString => Some(Encoding::LiteralString),
            _ => return false,
        };
        let span = self.bump();
        self.builder.simple_key(span, encoding, &mut self.errors);
        !self.builder.failed
    }

    /// `[a]`, `[a.b]` or `[[a]]`, to the end of its line.
    fn header(&mut self) -> bool {
        let open = self.bump();
        let array = self.peek() == TokenKind::LeftSquareBracket;
        if array {
            let second = self.bump();
            self.builder
                .array_table_open(open.append(second), &mut self.errors);
        } else {
            self.builder.std_table_open(open, &mut self.errors);
        }
        loop {
            self.skip_whitespace();
            if !self.key() {
                return false;
            }
            self.skip_whitespace();
            match self.peek() {
                TokenKind::Dot => {
                    let span = self.bump();
                    self.builder.key_sep(span, &mut self.errors);
                }
                TokenKind::RightSquareBracket => break,
                _ => return false,
            }
        }
        let close = self.bump();
        if array {
            if self.peek() != TokenKind::RightSquareBracket {
                return false;
            }
            let second = self.bump();
            self.builder
                .array_table_close(close.append(second), &mut self.errors);
        } else {
            self.builder.std_table_close(close, &mut self.errors);
        }
        self.end_of_line()
    }

    /// `key = value` (a dotted key is left to `toml::de`).
    fn key_value(&mut self) -> bool {
        if !self.key() {
            return false;
        }
        self.skip_whitespace();
        if self.peek() != TokenKind::Equals {
            return false;
        }
        self.go(self.at + 1);
        self.skip_whitespace();
        self.value()
    }

    fn value(&mut self) -> bool {
        let kind = self.peek();
        let span = self.bump();
        let encoding = match kind {
            TokenKind::BasicString => Some(Encoding::BasicString),
            TokenKind::LiteralString => Some(Encoding::LiteralString),
            TokenKind::MlBasicString => Some(Encoding::MlBasicString),
            TokenKind::MlLiteralString => Some(Encoding::MlLiteralString),
            TokenKind::Atom | TokenKind::Dot => {
                // Numbers and dates are lexed as atoms and dots (`1.5`),
                // and a date-time may have a space (`2026-01-02 03:04`):
                // joined as `parse_document` joins them.
                let mut span = span;
                loop {
                    match self.peek() {
                        TokenKind::Atom | TokenKind::Dot => span = span.append(self.bump()),
                        TokenKind::Whitespace => {
                            let after = token_end(self.bytes, self.at, TokenKind::Whitespace);
                            if token_kind(self.bytes, after) != TokenKind::Atom {
                                break;
                            }
                            self.go(after);
                            span = span.append(self.bump());
                        }
                        _ => break,
                    }
                }
                self.builder.scalar(span, None, &mut self.errors);
                return !self.builder.failed;
            }
            TokenKind::LeftSquareBracket => {
                return self.builder.array_open(span, &mut self.errors) && self.array();
            }
            TokenKind::LeftCurlyBracket => {
                return self.builder.inline_table_open(span, &mut self.errors)
                    && self.inline_table();
            }
            _ => return false,
        };
        self.builder.scalar(span, encoding, &mut self.errors);
        !self.builder.failed
    }

    /// The values of an array, after its `[`.
    fn array(&mut self) -> bool {
        loop {
            self.skip_blank();
            if self.peek() == TokenKind::RightSquareBracket {
                break;
            }
            if !self.value() {
                return false;
            }
            self.skip_blank();
            match self.peek() {
                TokenKind::Comma => self.go(self.at + 1),
                TokenKind::RightSquareBracket => break,
                _ => return false,
            }
        }
        let close = self.bump();
        self.builder.array_close(close, &mut self.errors);
        !self.builder.failed
    }

    /// The pairs of a one-line inline table, after its `{`.
    fn inline_table(&mut self) -> bool {
        self.skip_whitespace();
        if self.peek() != TokenKind::RightCurlyBracket {
            loop {
                self.skip_whitespace();
                if !self.key_value() {
                    return false;
                }
                self.skip_whitespace();
                match self.peek() {
                    TokenKind::Comma => self.go(self.at + 1),
                    TokenKind::RightCurlyBracket => break,
                    _ => return false,
                }
            }
        }
        let close = self.bump();
        self.builder.inline_table_close(close, &mut self.errors);
        !self.builder.failed
    }
}

/// The value of the most common scalars, read without the general decoder:
/// strings without escapes or control characters, `true`/`false`, plain
/// decimal integers and decimals (`-12`, `0.35`). What they give is what
/// `Raw::decode_scalar` gives (the property tests compare the trees);
/// anything else is `None` and goes to the decoder.
fn plain_scalar(text: &str, encoding: Option<Encoding>) -> Option<Value<'_>> {
    let plain_char = |b: &u8| (*b >= 0x20 && *b != 0x7f) || *b == b'\t';
    match encoding {
        Some(Encoding::BasicString) => {
            let inner = text.strip_prefix('"')?.strip_suffix('"')?;
            let bytes = inner.as_bytes();
            (bytes.iter().all(plain_char) && !bytes.contains(&b'\\') && !bytes.contains(&b'"'))
                .then_some(Value::String(Cow::Borrowed(inner)))
        }
        Some(Encoding::LiteralString) => {
            let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
            let bytes = inner.as_bytes();
            (bytes.iter().all(plain_char) && !bytes.contains(&b'\''))
                .then_some(Value::String(Cow::Borrowed(inner)))
        }
        Some(_) => None,
        None => match text {
            "true" => Some(Value::Boolean(true)),
            "false" => Some(Value::Boolean(false)),
            _ => {
                let digits = text.strip_prefix('-').unwrap_or(text);
                let (whole, fraction) = match digits.split_once('.') {
                    Some((w, f)) => (w, Some(f)),
                    None => (digits, None),
                };
                let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                // No leading zero ("007" is an error), and short enough
                // for an i64 (longer ones go to the decoder and its check).
                if !all_digits(whole) || (whole.len() > 1 && whole.starts_with('0')) {
                    return None;
                }
                match fraction {
                    None if whole.len() <= 18 => Some(Value::Integer(Cow::Borrowed(text), 10)),
                    Some(f) if all_digits(f) => Some(Value::Float(Cow::Borrowed(text))),
                    _ => None,
                }
            }
        },
    }
}

/// Remembers whether any error was reported.
struct Failed(bool);

impl ErrorSink for Failed {
    fn report_error(&mut self, _error: ParseError) {
        self.0 = true;
    }
}

/// A table header: its keys and the span from `[` to `]`.
struct Header<'i> {
    keys: Vec<(Cow<'i, str>, Range<usize>)>,
    span: Range<usize>,
    array: bool,
}

/// An array or inline table being filled.
enum Frame<'i> {
    Array(usize, Vec<Item<'i>>),
    Inline(usize, Table<'i>, Option<(Cow<'i, str>, Range<usize>)>),
}

struct Builder<'p, 'i> {
    source: Source<'i>,
    root: Table<'i>,
    /// The table the key/value pairs go to now: the root until the first
    /// header, then the record (or sub-table) the last header opened.
    table: Table<'i>,
    header: Option<Header<'i>>,
    /// Keys of the header being read, and whether it is `[[…]]`.
    header_keys: Vec<(Cow<'i, str>, Range<usize>)>,
    header_open: Option<(usize, bool)>,
    /// Root keys that hold arrays of tables made by `[[…]]` headers.
    arrays_of_tables: Vec<Cow<'i, str>>,
    /// The key of the pair being read.
    key: Option<(Cow<'i, str>, Range<usize>)>,
    dotted: bool,
    stack: Vec<Frame<'i>>,
    failed: bool,
    pool: &'p mut Pool<'i>,
}

impl<'i> Builder<'_, 'i> {
    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Option<Raw<'i>> {
        let text = self.source.input().get(span.start()..span.end())?;
        Some(Raw::new_unchecked(text, encoding, span))
    }

    fn decode_key(&mut self, span: Span, encoding: Option<Encoding>) -> Option<Cow<'i, str>> {
        let raw = self.raw(span, encoding)?;
        // Most keys are bare words: the text is the key (what
        // `decode_key` gives too, after a slower check of each byte).
        let bare = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
        if encoding.is_none() && !raw.is_empty() && raw.as_bytes().iter().all(bare) {
            return Some(Cow::Borrowed(raw.as_str()));
        }
        let mut out = Cow::Borrowed("");
        let mut errors = Failed(false);
        raw.decode_key(&mut out, &mut errors);
        (!errors.0).then_some(out)
    }

    /// A finished value: into the array or inline table being filled, or
    /// into the current table under the key just read.
    fn deliver(&mut self, item: Item<'i>) {
        match self.stack.last_mut() {
            Some(Frame::Array(_, items)) => items.push(item),
            Some(Frame::Inline(_, table, key)) => match key.take() {
                Some((k, span)) if !self.dotted => {
                    if !table.insert(k, span, item) {
                        self.failed = true;
                    }
                }
                _ => self.failed = true,
            },
            None => match self.key.take() {
                Some((k, span)) if !self.dotted => {
                    if !self.table.insert(k, span, item) {
                        self.failed = true;
                    }
                }
                _ => self.failed = true,
            },
        }
        self.dotted = false;
    }

    /// Put the table filled since the last header where that header says.
    fn finish_table(&mut self) {
        let fresh = Table::with(self.pool.table());
        let table = std::mem::replace(&mut self.table, fresh);
        let Some(header) = self.header.take() else {
            self.root = table;
            return;
        };
        let item = Item {
            span: header.span.clone(),
            value: Value::Table(table),
        };
        match (header.array, header.keys.as_slice()) {
            (true, [(key, key_span)]) => {
                if self.arrays_of_tables.contains(key) {
                    match self.root.entries.iter_mut().find(|(k, _, _)| k == key) {
                        Some((
                            _,
                            _,
                            Item {
                                value: Value::Array(items),
                                ..
                            },
                        )) => items.push(item),
                        _ => self.failed = true,
                    }
                } else if self.root.get(key).is_some() {
                    self.failed = true;
                } else {
                    self.arrays_of_tables.push(key.clone());
                    let array = Item {
                        span: header.span.clone(),
                        value: Value::Array(vec![item]),
                    };
                    self.root.push((key.clone(), key_span.clone(), array));
                }
            }
            (false, [(parent, _), (key, key_span)]) if self.arrays_of_tables.contains(parent) => {
                let last = self
                    .root
                    .entries
                    .iter_mut()
                    .find(|(k, _, _)| k == parent)
                    .and_then(|(_, _, v)| match &mut v.value {
                        Value::Array(items) => items.last_mut(),
                        _ => None,
                    });
                match last {
                    Some(Item {
                        value: Value::Table(record),
                        ..
                    }) => {
                        if !record.insert(key.clone(), key_span.clone(), item) {
                            self.failed = true;
                        }
                    }
                    _ => self.failed = true,
                }
            }
            _ => self.failed = true,
        }
    }

    fn open_header(&mut self, span: Span, array: bool) {
        if !self.stack.is_empty() || self.key.is_some() {
            self.failed = true;
        }
        self.finish_table();
        self.header_keys.clear();
        self.header_open = Some((span.start(), array));
    }

    fn close_header(&mut self, span: Span) {
        match self.header_open.take() {
            Some((start, array)) if !self.header_keys.is_empty() => {
                self.header = Some(Header {
                    keys: std::mem::take(&mut self.header_keys),
                    span: start..span.end(),
                    array,
                });
            }
            _ => self.failed = true,
        }
    }

    fn open_container(&mut self, frame: Frame<'i>) -> bool {
        if self.stack.len() >= DEPTH {
            self.failed = true;
            return false;
        }
        self.stack.push(frame);
        true
    }

    /// Comments and newlines are checked as `toml::de` checks them
    /// (control characters, a lone carriage return).
    fn check_text(&mut self, span: Span, comment: bool) {
        let Some(raw) = self.raw(span, None) else {
            self.failed = true;
            return;
        };
        let mut errors = Failed(false);
        if comment {
            raw.decode_comment(&mut errors);
        } else {
            raw.decode_newline(&mut errors);
        }
        self.failed |= errors.0;
    }
}

impl EventReceiver for Builder<'_, '_> {
    fn std_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.open_header(span, false);
    }

    fn std_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.close_header(span);
    }

    fn array_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.open_header(span, true);
    }

    fn array_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.close_header(span);
    }

    fn inline_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) -> bool {
        let table = Table::with(self.pool.table());
        self.open_container(Frame::Inline(span.start(), table, None))
    }

    fn inline_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        match self.stack.pop() {
            Some(Frame::Inline(start, table, None)) => self.deliver(Item {
                span: start..span.end(),
                value: Value::Table(table),
            }),
            _ => self.failed = true,
        }
    }

    fn array_open(&mut self, span: Span, _error: &mut dyn ErrorSink) -> bool {
        let items = self.pool.array();
        self.open_container(Frame::Array(span.start(), items))
    }

    fn array_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        match self.stack.pop() {
            Some(Frame::Array(start, items)) => self.deliver(Item {
                span: start..span.end(),
                value: Value::Array(items),
            }),
            _ => self.failed = true,
        }
    }

    fn simple_key(&mut self, span: Span, kind: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let Some(key) = self.decode_key(span, kind) else {
            self.failed = true;
            return;
        };
        let key = (key, span.start()..span.end());
        if self.header_open.is_some() {
            self.header_keys.push(key);
            return;
        }
        let slot = match self.stack.last_mut() {
            Some(Frame::Inline(_, _, slot)) => slot,
            Some(Frame::Array(..)) => {
                self.failed = true;
                return;
            }
            None => &mut self.key,
        };
        if slot.replace(key).is_some() {
            // A second part of a dotted key.
            self.dotted = true;
        }
    }

    fn key_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if self.header_open.is_none() {
            self.dotted = true;
        }
    }

    fn scalar(&mut self, span: Span, kind: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let Some(raw) = self.raw(span, kind) else {
            self.failed = true;
            return;
        };
        if let Some(value) = plain_scalar(raw.as_str(), kind) {
            self.deliver(Item {
                span: span.start()..span.end(),
                value,
            });
            return;
        }
        let mut decoded = Cow::Borrowed("");
        let mut errors = Failed(false);
        let value = match raw.decode_scalar(&mut decoded, &mut errors) {
            ScalarKind::String => Value::String(decoded),
            ScalarKind::Boolean(b) => Value::Boolean(b),
            ScalarKind::DateTime => match decoded.parse::<Datetime>() {
                Ok(d) => Value::Datetime(d),
                Err(_) => {
                    self.failed = true;
                    return;
                }
            },
            ScalarKind::Float => Value::Float(decoded),
            ScalarKind::Integer(radix) => Value::Integer(decoded, radix.value()),
        };
        if errors.0 {
            self.failed = true;
            return;
        }
        self.deliver(Item {
            span: span.start()..span.end(),
            value,
        });
    }

    fn comment(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.check_text(span, true);
    }

    fn newline(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.check_text(span, false);
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.failed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::node::Node;
    use crate::workspace::schema::FileKind;
    use proptest::prelude::*;

    /// Both trees have the same keys, key spans, values and value spans.
    fn same(path: &str, a: Node, b: Node) -> Result<(), String> {
        let fail = |what: &str| Err(format!("{path}: {what}"));
        if a.shape() != b.shape() {
            return fail(&format!("shape {:?} vs {:?}", a.shape(), b.shape()));
        }
        if a.span() != b.span() {
            return fail(&format!("span {:?} vs {:?}", a.span(), b.span()));
        }
        if a.show() != b.show()
            || a.as_int() != b.as_int()
            || a.as_float().map(f64::to_bits) != b.as_float().map(f64::to_bits)
            || a.as_datetime() != b.as_datetime()
        {
            return fail(&format!("value {} vs {}", a.show(), b.show()));
        }
        match (a.entries(), b.entries()) {
            (Some(x), Some(y)) => {
                let (x, y): (Vec<_>, Vec<_>) = (x.collect(), y.collect());
                if x.len() != y.len() {
                    return fail("number of keys");
                }
                for ((ka, sa, va), (kb, sb, vb)) in x.into_iter().zip(y) {
                    if ka != kb || sa != sb {
                        return fail(&format!("key {ka} {sa:?} vs {kb} {sb:?}"));
                    }
                    same(&format!("{path}.{ka}"), va, vb)?;
                }
            }
            (None, None) => {}
            _ => return fail("table vs not"),
        }
        match (a.elements(), b.elements()) {
            (Some(x), Some(y)) => {
                if x.len() != y.len() {
                    return fail("number of elements");
                }
                for (i, (va, vb)) in x.into_iter().zip(y).enumerate() {
                    same(&format!("{path}[{i}]"), va, vb)?;
                }
            }
            (None, None) => {}
            _ => return fail("array vs not"),
        }
        Ok(())
    }

    /// Light parse of `text`: `None`, or the same tree as `toml::de`.
    fn check(text: &str) -> bool {
        let mut scratch = Scratch::default();
        let light = parse(text, &mut scratch);
        let de = toml::de::DeTable::parse(text);
        match (light, de) {
            (Some(l), Ok(d)) => {
                if let Err(e) = same("", Node::Root(d.get_ref()), Node::LightRoot(&l)) {
                    panic!("{e}\nin:\n{text}");
                }
                true
            }
            (Some(_), Err(e)) => panic!("light accepted what toml rejects ({e}):\n{text}"),
            (None, _) => false,
        }
    }

    #[test]
    fn records_parse_the_same_as_toml_de() {
        let accepted = [
            "",
            "# only a comment\n\n",
            "[[risk]]\nid = \"r-1\"\nlikelihood = 4\n",
            "[[scenario]]\nid = 's'\nscores = { value = 4, cost = 2.5 }\nneeds = [\"a\", 'b',\n  \"c\", ]\n\n[scenario.revenue]\nmodel = \"usage\"\nprice = 1_000.5\n",
            "[[need]]\nid = \"n\"\ntext = \"\"\"\nline [[need]]\n\\\"quoted\\\" \\u00e9\"\"\"\nraw = '''\n[x]'''\n",
            "[[risk]]\nreview = 2026-01-02\nat = 2026-01-02T03:04:05Z\nlocal = 03:04:05\nhex = 0xff\noct = 0o17\nbin = 0b101\nneg = -17\nbig = 99999999999999999999\nf = 1e3\ni = inf\nn = -nan\nt = true\nempty = []\nnested = [[1, 2], [\"x\"]]\ninline = {}\n",
            "[[ risk ]]\n\"quoted key\" = 1\n'lit' = 2\nname = \"名前 ✓\"\n",
            "[[risk]]\nid = \"a\"\n[[risk]]\nid = \"b\"\n[risk.extra]\nx = 1\n",
            "top = 1\n[[risk]]\nid = \"a\"\n",
            "[[risk]]\nid = \"a\" # trailing comment\r\nx = 1\r\n",
            "[[risk]]\ntags = [ { a = 1 }, { b = [2] } ]\n",
        ];
        for text in accepted {
            assert!(check(text), "light parse refused:\n{text}");
        }
        // Left to toml::de: errors and shapes the light parse does not take.
        let refused = [
            "[[risk]]\nid = \"a\"\nid = \"b\"\n",
            "[[risk]]\nrevenue.price = 1\n",
            "[[risk]]\nx = { a.b = 1 }\n",
            "[[risk]]\nx = { a = 1, a = 2 }\n",
            "[risk]\nx = 1\n[[risk]]\n",
            "risk = []\n[[risk]]\n",
            "[[risk]]\n[risk.sub]\n[risk.sub]\n",
            "[[risk]]\nsub = 1\n[risk.sub]\n",
            "[[risk]]\n[risk.a.b]\n",
            "[[risk.a]]\n",
            "[[risk]]\nx = \n",
            "[[risk]]\nx = \"unterminated\n",
            "[[risk]]\nd = 2026-13-45\n",
            "[[risk]]\nx = 1 y = 2\n",
            "[[risk]]\nx = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
            "[[risk]]\nx = 1 # a \u{7} bell\n",
            "[[risk]]\nx = 1\ry = 2\n",
        ];
        for text in refused {
            assert!(!check(text), "light parse accepted:\n{text}");
        }
    }

    /// Pieces of records: lines in the shapes records are written in, and
    /// many they are not (errors, dotted keys, odd numbers and dates, escapes,
    /// control characters, unclosed brackets).
    fn line() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just("id"),
            Just("name"),
            Just("x"),
            Just("\"quoted key\""),
            Just("'lit'"),
            Just("a.b"),
            Just("名前"),
            Just(""),
            Just("x y"),
        ];
        let scalar = prop_oneof![
            Just("\"plain\""),
            Just("\"esc \\\" \\n \\u00e9 \\t\""),
            Just("\"bad \\q\""),
            Just("\"ctl \u{1}\""),
            Just("\"open"),
            Just("'lit \\ raw'"),
            Just("\"\"\"\nml\nbasic\"\"\""),
            Just("'''ml\nlit'''"),
            Just("\"名前 ✓\""),
            Just("42"),
            Just("-17"),
            Just("+3"),
            Just("007"),
            Just("1_000"),
            Just("1__0"),
            Just("0xff"),
            Just("99999999999999999999"),
            Just("1.5"),
            Just(".5"),
            Just("1."),
            Just("1e3"),
            Just("-2.5E-3"),
            Just("inf"),
            Just("nan"),
            Just("true"),
            Just("false"),
            Just("True"),
            Just("2026-01-02"),
            Just("2026-13-45"),
            Just("2026-01-02T03:04:05Z"),
            Just("2026-01-02 03:04:05"),
            Just("03:04:05"),
            Just("bare"),
            Just(""),
            Just("0"),
            Just("-0"),
            Just("-0.5"),
            Just("0.35"),
            Just("00.5"),
            Just("1.2.3"),
            Just("12345678901234567890.5"),
            Just("-"),
            Just("''"),
            Just("\"\""),
            Just("'a\tb'"),
            Just("\"a\tb\""),
            Just("\"del \u{7f}\""),
        ];
        let value = prop_oneof![
            4 => scalar.clone().prop_map(str::to_string),
            1 => prop::collection::vec(scalar.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            1 => prop::collection::vec(scalar.clone(), 0..4)
                .prop_map(|v| format!("[\n  {},\n]", v.join(",\n  # c\n  "))),
            1 => prop::collection::vec((key.clone(), scalar), 0..3).prop_map(|v| {
                let pairs: Vec<String> = v.iter().map(|(k, x)| format!("{k} = {x}")).collect();
                format!("{{ {} }}", pairs.join(", "))
            }),
            1 => Just("[[1, 2], [\"x\"], []]".to_string()),
            1 => Just("{ a = 1, }".to_string()),
            1 => Just("[1,,2]".to_string()),
        ];
        prop_oneof![
            3 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
            1 => Just("[[risk]]".to_string()),
            1 => Just("[[ risk ]]".to_string()),
            1 => Just("[risk.revenue]".to_string()),
            1 => Just("[risk]".to_string()),
            1 => Just("[[risk.a]]".to_string()),
            1 => Just("[risk.a.b]".to_string()),
            1 => Just("[[risk]".to_string()),
            1 => Just("# comment".to_string()),
            1 => Just("x = 1 # comment".to_string()),
            1 => Just("x = 1 y".to_string()),
            1 => Just(String::new()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whatever the light parse takes, it reads as `toml::de` does, and it
        /// takes nothing `toml::de` refuses (`check` panics otherwise).
        #[test]
        fn random_records_parse_the_same_as_toml_de(
            lines in prop::collection::vec(line(), 0..10),
            crlf in any::<bool>(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![
                "", "[", "]", "{", "}", "=", ",", ".", "\"", "'", "#", "\n", " ", "\\", "\r", "\t", "é",
            ])), 0..3),
        ) {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(newline);
            text.push_str(newline);
            for (at, insert) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                if insert.is_empty() {
                    // Delete the character there instead.
                    if let Some(c) = text[i..].chars().next() {
                        text.replace_range(i..i + c.len_utf8(), "");
                    }
                } else {
                    text.insert_str(i, insert);
                }
            }
            check(&text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The walk cuts text into the same tokens as `toml_parser`'s lexer.
        #[test]
        fn tokens_are_those_of_the_toml_lexer(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "a", "1", "-", "_", "é", "名", ".", "=", ",", "[", "]", "{", "}", " ", "\t",
                "#", "\r", "\n", "\r\n", "'", "''", "'''", "\"", "\"\"", "\"\"\"", "\\",
                "\\\"", "\\\\", "x = \"s\"\n",
            ]), 0..40),
        ) {
            let text: String = pieces.concat();
            let bytes = text.as_bytes();
            let theirs: Vec<(TokenKind, usize, usize)> = Source::new(&text)
                .lex()
                .map(|t| (t.kind(), t.span().start(), t.span().end()))
                .collect();
            let mut ours = Vec::new();
            let mut at = 0;
            loop {
                let kind = token_kind(bytes, at);
                let end = token_end(bytes, at, kind);
                ours.push((kind, at, end));
                if kind == TokenKind::Eof {
                    break;
                }
                prop_assert!(end > at, "no progress at {at} in {text:?}");
                at = end;
            }
            prop_assert_eq!(ours, theirs, "in {:?}", text);
        }
    }

    /// Every record of the shipped workspaces and the fixtures takes the
    /// light path or is left to `toml::de`, and what it takes is the same.
    #[test]
    fn every_record_of_the_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![
            root.join("workspaces/example"),
            root.join("workspaces/zh-example"),
        ];
        if let Ok(entries) = std::fs::read_dir(root.join("tests/fixtures/broken")) {
            dirs.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
        let (mut light, mut parts) = (0, 0);
        for dir in dirs {
            for kind in FileKind::ALL {
                let Ok(text) = std::fs::read_to_string(dir.join(kind.file_name())) else {
                    continue;
                };
                let text = text.trim_start_matches('\u{feff}');
                check(text);
                if let Some(split) = crate::workspace::source::scan_records(kind, text) {
                    for (_, range) in split {
                        parts += 1;
                        light += usize::from(check(&text[range]));
                    }
                }
            }
        }
        // The shipped workspaces are written in the shapes the light parse takes.
        assert!(parts > 100 && light * 10 > parts * 9, "{light} of {parts}");
    }
}
