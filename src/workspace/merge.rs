//! Field-level three-way merge of one workspace file (pure: text in, text out).
//!
//! A file is split into segments by the same rule the editor uses
//! (`source::index_records`): the top-level keys before the first header,
//! each `[[record]]` with the comments above it and its sub-tables, and each
//! top-level `[table]`. Records are matched by kind and id (comparisons by
//! their pair of criteria, risk bands by name), top-level tables by name.
//!
//! - A segment changed on one side only is taken from that side, byte for
//!   byte (its comments and layout come with it); unchanged segments stay
//!   byte-identical.
//! - A segment changed on both sides is merged field by field on its
//!   `toml_edit` document, starting from ours: a field changed on one side
//!   takes that side's value (with its trailing comment), a field changed
//!   identically on both takes it once, different changes conflict. Where
//!   the schema says what a field means, lists of ids and tags merge as sets
//!   (base order kept, additions appended) and tables and maps (`scores`,
//!   `features`, `[scenario.revenue]`, `residual`) merge key by key.
//! - Records added on both sides are both kept (at the same place, in id
//!   order, so the result does not depend on which side is "ours"); the same
//!   new id with different contents, or a record deleted on one side and
//!   edited on the other, is a conflict around the whole record.
//!
//! Conflicts are written as git's markers around the smallest unit: the lines
//! of the conflicting field (found by rendering the record once with our
//! values and once with theirs and comparing the two), or the whole record.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml_edit::{Array, DocumentMut, Item, TableLike, Value};

use super::check::Checker;
use super::diag::{Diagnostic, LineIndex, Severity, Sink};
use super::node::Node;
use super::schema::{Field, FileKind, RecordKind, Ty};
use super::source;

pub const OURS_MARKER: &str = "<<<<<<< ours";
pub const SPLIT_MARKER: &str = "=======";
pub const THEIRS_MARKER: &str = ">>>>>>> theirs";

const BOM: &str = "\u{feff}";

/// Why a part of the file could not be merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// Both sides changed the field to different values.
    Field,
    /// We deleted the record (or table); they edited it.
    DeletedByUs,
    /// They deleted the record (or table); we edited it.
    DeletedByThem,
    /// Both sides added a record with the same id and different contents.
    AddedBoth,
    /// A side is not valid TOML (or a record of it cannot be read on its
    /// own): that part conflicts as a whole.
    Unparsable,
}

impl ConflictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Field => "field",
            ConflictKind::DeletedByUs => "deleted-by-us",
            ConflictKind::DeletedByThem => "deleted-by-them",
            ConflictKind::AddedBoth => "added-both",
            ConflictKind::Unparsable => "unparsable",
        }
    }
}

/// One place the merge could not decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// The record's kind; `None` for the file's top-level keys and tables.
    pub record: Option<RecordKind>,
    /// The record's id (`risk-003`), the top-level table's name
    /// (`scoring`), or `""` for the file's top-level keys.
    pub id: String,
    /// The dotted field path inside the record (`scores.value`); `None`
    /// when the whole record conflicts.
    pub field: Option<String>,
    /// Our value as TOML (the record's text for whole-record conflicts);
    /// `None`: absent on our side.
    pub ours: Option<String>,
    pub theirs: Option<String>,
    /// 1-based lines of the `<<<<<<<` and `>>>>>>>` markers in the text.
    pub lines: (usize, usize),
}

impl Conflict {
    /// `risk-003.likelihood`, `risk-003`, `scoring.seed`, `name`.
    pub fn place(&self) -> String {
        match (&self.field, self.id.is_empty()) {
            (Some(f), true) => f.clone(),
            (Some(f), false) => format!("{}.{f}", self.id),
            (None, true) => "top-level keys".into(),
            (None, false) => self.id.clone(),
        }
    }

    /// One line for people: what conflicts and why.
    pub fn describe(&self) -> String {
        let show = |v: &Option<String>| match v {
            Some(v) if !v.contains('\n') => v.clone(),
            Some(_) => "(record)".into(),
            None => "(absent)".into(),
        };
        match self.kind {
            ConflictKind::Field => format!(
                "{}: changed on both sides (ours {}, theirs {})",
                self.place(),
                show(&self.ours),
                show(&self.theirs)
            ),
            ConflictKind::DeletedByUs => {
                format!("{}: deleted on our side, edited on theirs", self.place())
            }
            ConflictKind::DeletedByThem => {
                format!("{}: deleted on their side, edited on ours", self.place())
            }
            ConflictKind::AddedBoth => format!(
                "{}: added on both sides with different contents (the same id)",
                self.place()
            ),
            ConflictKind::Unparsable => {
                format!("{}: cannot be read as TOML on one side", self.place())
            }
        }
    }
}

/// Which side a conflict is resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Ours,
    Theirs,
}

/// What a merge produced.
#[derive(Debug, Clone, Default)]
pub struct MergeResult {
    /// The merged file, with conflict markers where `conflicts` says.
    pub text: String,
    pub conflicts: Vec<Conflict>,
    /// What the merge did beyond taking one side, in users' words.
    pub notes: Vec<String>,
    /// After a merge without conflicts: the errors `check` finds in the
    /// merged file that our side did not have (schema rules and duplicate
    /// ids within the file; links to other files are not checked here).
    pub problems: Vec<Diagnostic>,
}

impl MergeResult {
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }

    /// The text with every conflict resolved to one side, as a person would
    /// by deleting the other half and the markers. Conflicts that share a
    /// block of markers (adjacent fields) follow the first of them.
    pub fn resolve(&self, pick: impl Fn(&Conflict) -> Pick) -> String {
        let mut blocks: HashMap<usize, (usize, Pick)> = HashMap::new();
        for c in &self.conflicts {
            blocks.entry(c.lines.0).or_insert((c.lines.1, pick(c)));
        }
        let lines: Vec<&str> = self.text.split_inclusive('\n').collect();
        let mut out = String::with_capacity(self.text.len());
        let mut i = 0;
        while i < lines.len() {
            if let Some(&(end, side)) = blocks.get(&(i + 1))
                && let Some(block) = lines.get(i..end)
                && let Some(split) = block.iter().position(|l| l.trim_end() == SPLIT_MARKER)
            {
                let half = match side {
                    Pick::Ours => block.get(1..split),
                    Pick::Theirs => block.get(split + 1..block.len().saturating_sub(1)),
                };
                out.extend(half.unwrap_or_default().iter().copied());
                i = end;
                continue;
            }
            out.push_str(lines[i]);
            i += 1;
        }
        out
    }

    fn taken(text: &str) -> MergeResult {
        MergeResult {
            text: text.to_string(),
            ..MergeResult::default()
        }
    }
}

/// Merge `ours` and `theirs`, two descendants of `base`, of one workspace
/// file of `kind`. Never fails: what cannot be merged is a conflict.
pub fn merge(kind: FileKind, base: &str, ours: &str, theirs: &str) -> MergeResult {
    if ours == theirs || base == theirs {
        return MergeResult::taken(ours);
    }
    if base == ours {
        return MergeResult::taken(theirs);
    }
    let bom = ours.starts_with(BOM);
    let strip = |s: &'_ str| s.strip_prefix(BOM).unwrap_or(s).to_string();
    let (b, o, t) = (strip(base), strip(ours), strip(theirs));
    let mut result = match (split(kind, &b), split(kind, &o), split(kind, &t)) {
        (Ok(bs), Ok(os), Ok(ts)) => merge_segments(kind, &bs, &os, &ts, o.contains("\r\n")),
        (rb, ro, rt) => {
            let mut r = whole_file_conflict(&o, &t);
            for (side, res) in [("base", rb.err()), ("ours", ro.err()), ("theirs", rt.err())] {
                if let Some(e) = res {
                    r.notes.push(format!(
                        "{side} is not valid TOML ({e}); merged as one conflict"
                    ));
                }
            }
            r
        }
    };
    if result.is_clean() {
        let before: HashSet<String> = check_file(kind, &o)
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|d| d.message)
            .collect();
        result.problems = check_file(kind, &result.text)
            .into_iter()
            .filter(|d| d.is_error() && !before.contains(&d.message))
            .collect();
    }
    if bom {
        result.text.insert_str(0, BOM);
    }
    result
}

/// The schema checks of one file on its own, plus ids defined twice in it.
pub fn check_file(kind: FileKind, text: &str) -> Vec<Diagnostic> {
    let path = Path::new(kind.file_name());
    let root = match source::parse(path, text) {
        Ok(root) => root,
        Err(d) => return vec![d],
    };
    let mut sink = Sink::new(path.to_path_buf(), text);
    let ids = {
        let mut checker = Checker::new(&mut sink);
        checker.check_file(kind, Node::Root(root.get_ref()));
        checker.collected.ids
    };
    let mut out = sink.out;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let lines = LineIndex::new(text);
    for def in &ids {
        let (line, col) = def.at.map_or((0, 0), |at| lines.line_col(text, at));
        if let Some(first) = seen.get(def.id.as_str()) {
            out.push(Diagnostic {
                file: path.to_path_buf(),
                line,
                col,
                severity: Severity::Error,
                message: format!(
                    "duplicate id `{}` ({} here; first defined at line {first})",
                    def.id,
                    def.kind.noun()
                ),
            });
        } else {
            seen.insert(&def.id, line);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Segments

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// The top-level keys (and the file's heading comments).
    Top,
    /// A record: kind, identity, occurrence (ids written twice stay apart).
    Record(RecordKind, String, usize),
    /// A top-level `[table]`.
    Table(String),
    /// An array of tables the schema does not know, by position.
    Other(String, usize),
}

#[derive(Debug, Clone)]
struct Segment<'t> {
    key: Key,
    text: &'t str,
}

impl Key {
    fn record(&self) -> Option<RecordKind> {
        match self {
            Key::Record(k, ..) => Some(*k),
            _ => None,
        }
    }

    fn id(&self) -> String {
        match self {
            Key::Top => String::new(),
            Key::Record(_, id, _) | Key::Table(id) => id.clone(),
            Key::Other(name, n) => format!("{name}[{n}]"),
        }
    }

    /// What a user calls it in notes.
    fn label(&self) -> String {
        match self {
            Key::Top => "the top-level keys".into(),
            Key::Record(k, id, _) if k.has_id() => id.clone(),
            Key::Record(k, id, _) => format!("{} {id}", k.noun()),
            Key::Table(name) => format!("[{name}]"),
            Key::Other(name, n) => format!("[[{name}]] #{}", n + 1),
        }
    }
}

fn de_str(table: &DeValue, key: &str) -> Option<String> {
    let DeValue::Table(t) = table else {
        return None;
    };
    t.iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .and_then(|(_, v)| v.get_ref().as_str().map(str::to_string))
}

/// How a record is recognised on the other sides.
fn identity(kind: RecordKind, record: &DeValue, n: usize) -> String {
    let found = match kind {
        RecordKind::Comparison => match (de_str(record, "a"), de_str(record, "b")) {
            (Some(a), Some(b)) => Some(format!("{a}/{b}")),
            _ => None,
        },
        RecordKind::RiskBand => de_str(record, "name"),
        _ => de_str(record, "id"),
    };
    found.unwrap_or_else(|| format!("#{}", n + 1))
}

/// Split a file into its segments (the first is always the top-level keys,
/// possibly empty); the segments cover the text exactly.
fn split(kind: FileKind, text: &str) -> Result<Vec<Segment<'_>>, String> {
    let root = DeTable::parse(text).map_err(|e| {
        let (line, col) = match e.span() {
            Some(span) => LineIndex::new(text).line_col(text, span.start),
            None => (0, 0),
        };
        format!("line {line}, column {col}: {}", e.message().trim())
    })?;
    let is_header = |start: usize| text.as_bytes().get(start) == Some(&b'[');
    let mut heads: Vec<(usize, Key)> = Vec::new();
    let mut seen: HashMap<(RecordKind, String), usize> = HashMap::new();
    for (key, value) in root.get_ref().iter() {
        let name: &str = key.get_ref().as_ref();
        let record = kind.records().find(|r| r.key() == name);
        match value.get_ref() {
            DeValue::Array(items) => {
                for (n, item) in items.iter().enumerate() {
                    if !is_header(item.span().start) {
                        continue;
                    }
                    let key = match record {
                        Some(rk) => {
                            let ident = identity(rk, item.get_ref(), n);
                            let occ = seen.entry((rk, ident.clone())).or_insert(0);
                            *occ += 1;
                            Key::Record(rk, ident, *occ - 1)
                        }
                        None => Key::Other(name.to_string(), n),
                    };
                    heads.push((item.span().start, key));
                }
            }
            DeValue::Table(_) if is_header(value.span().start) => {
                heads.push((value.span().start, Key::Table(name.to_string())));
            }
            _ => {}
        }
    }
    heads.sort_by_key(|(at, _)| *at);
    let starts: Vec<usize> = heads
        .iter()
        .map(|(at, _)| source::lead_start(text, *at))
        .collect();
    let mut out = vec![Segment {
        key: Key::Top,
        text: &text[..starts.first().copied().unwrap_or(text.len())],
    }];
    for (i, (_, key)) in heads.into_iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push(Segment {
            key,
            text: text.get(starts[i]..end).unwrap_or(""),
        });
    }
    Ok(out)
}

/// One part of a file as written: its top-level keys (`record` `None`, `id`
/// empty), a top-level table (`record` `None`, `id` its name) or a record.
#[derive(Debug, Clone)]
pub struct Part<'t> {
    pub record: Option<RecordKind>,
    pub id: String,
    /// The part's text, with the comments above it.
    pub text: &'t str,
}

/// Split a file into the parts the merge matches across versions (for
/// `lodestar diff`). Err: the file is not valid TOML (line, column, message).
pub fn parts(kind: FileKind, text: &str) -> Result<Vec<Part<'_>>, String> {
    Ok(split(kind, text)?
        .into_iter()
        .map(|s| Part {
            record: s.key.record(),
            id: s.key.id(),
            text: s.text,
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Merging the sequence of segments

/// One piece of the result.
struct Piece {
    key: Key,
    text: String,
    /// Added by one side only (not in the base): may be reordered among the
    /// other side's additions at the same place.
    added: bool,
    /// Conflicts with lines relative to the piece's first line (0-based).
    conflicts: Vec<Conflict>,
}

fn merge_segments(
    kind: FileKind,
    base: &[Segment],
    ours: &[Segment],
    theirs: &[Segment],
    crlf: bool,
) -> MergeResult {
    let texts = |segs: &[Segment]| -> HashMap<Key, usize> {
        segs.iter()
            .enumerate()
            .map(|(i, s)| (s.key.clone(), i))
            .collect()
    };
    let (in_base, in_ours, in_theirs) = (texts(base), texts(ours), texts(theirs));
    let base_text = |k: &Key| in_base.get(k).map(|&i| base[i].text);
    let mut notes = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    for o in ours {
        let b = base_text(&o.key);
        let t = in_theirs.get(&o.key).map(|&i| theirs[i].text);
        match (b, t) {
            (b, Some(t)) => {
                let (text, conflicts) = merge_segment(kind, &o.key, b, o.text, t, crlf, &mut notes);
                pieces.push(Piece {
                    key: o.key.clone(),
                    text,
                    added: false,
                    conflicts,
                });
            }
            (Some(b), None) if b == o.text => {
                notes.push(format!("{}: removed (theirs)", o.key.label()));
            }
            (Some(_), None) => {
                let (text, c) =
                    whole_conflict(&o.key, ConflictKind::DeletedByThem, Some(o.text), None);
                pieces.push(Piece {
                    key: o.key.clone(),
                    text,
                    added: false,
                    conflicts: vec![c],
                });
            }
            (None, None) => pieces.push(Piece {
                key: o.key.clone(),
                text: o.text.to_string(),
                added: true,
                conflicts: Vec::new(),
            }),
        }
    }
    // Their segments that we do not have (added by them, or deleted by us
    // and edited by them) go after the last of their predecessors we kept.
    let placed: HashMap<Key, usize> = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.clone(), i))
        .collect();
    let mut inserts: HashMap<usize, Vec<Piece>> = HashMap::new();
    let mut anchor = 0usize;
    for t in theirs {
        if let Some(&i) = placed.get(&t.key) {
            anchor = i;
            continue;
        }
        if in_ours.contains_key(&t.key) {
            // Ours, removed by them: nothing to place.
            continue;
        }
        let piece = match base_text(&t.key) {
            Some(b) if b == t.text => {
                notes.push(format!("{}: removed (ours)", t.key.label()));
                continue;
            }
            Some(_) => {
                let (text, c) =
                    whole_conflict(&t.key, ConflictKind::DeletedByUs, None, Some(t.text));
                Piece {
                    key: t.key.clone(),
                    text,
                    added: false,
                    conflicts: vec![c],
                }
            }
            None => Piece {
                key: t.key.clone(),
                text: t.text.to_string(),
                added: true,
                conflicts: Vec::new(),
            },
        };
        inserts.entry(anchor).or_default().push(piece);
    }
    // At one place, our additions and theirs interleave by id (each side's
    // own order kept), so the result does not depend on which side is ours.
    let mut ordered: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut rest = pieces.into_iter().enumerate().peekable();
    while let Some((i, piece)) = rest.next() {
        ordered.push(piece);
        let Some(theirs_run) = inserts.remove(&i) else {
            continue;
        };
        let mut ours_run = Vec::new();
        while let Some((_, p)) = rest.next_if(|(_, p)| p.added) {
            ours_run.push(p);
        }
        let mut a = ours_run.into_iter().peekable();
        let mut b = theirs_run.into_iter().peekable();
        loop {
            let take_ours = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => x.key.id() <= y.key.id(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_ours { a.next() } else { b.next() };
            ordered.extend(next);
        }
    }
    // Join, keeping every piece on lines of its own.
    let mut text = String::new();
    let mut line0 = 0;
    let mut conflicts = Vec::new();
    for piece in ordered {
        if !text.is_empty() && !text.ends_with('\n') && !piece.text.is_empty() {
            text.push_str(if crlf { "\r\n" } else { "\n" });
            line0 += 1;
        }
        let conflicted = !piece.conflicts.is_empty();
        for mut c in piece.conflicts {
            c.lines = (c.lines.0 + line0 + 1, c.lines.1 + line0 + 1);
            conflicts.push(c);
        }
        line0 += piece.text.matches('\n').count();
        if crlf && conflicted {
            // Marker lines are written with `\n`; the file's lines end in `\r\n`.
            text.push_str(&source::to_crlf(&piece.text));
        } else {
            text.push_str(&piece.text);
        }
    }
    MergeResult {
        text,
        conflicts,
        notes,
        problems: Vec::new(),
    }
}

/// Ensure a text ends with a newline (for text between conflict markers).
fn line_end(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

fn markers(ours: &str, theirs: &str) -> String {
    format!(
        "{OURS_MARKER}\n{}{SPLIT_MARKER}\n{}{THEIRS_MARKER}\n",
        line_end(ours),
        line_end(theirs)
    )
}

/// A conflict around a whole segment (lines relative to the piece).
fn whole_conflict(
    key: &Key,
    kind: ConflictKind,
    ours: Option<&str>,
    theirs: Option<&str>,
) -> (String, Conflict) {
    let text = markers(ours.unwrap_or(""), theirs.unwrap_or(""));
    let last = text.matches('\n').count().saturating_sub(1);
    let conflict = Conflict {
        kind,
        record: key.record(),
        id: key.id(),
        field: None,
        ours: ours.map(str::to_string),
        theirs: theirs.map(str::to_string),
        lines: (0, last),
    };
    (text, conflict)
}

fn whole_file_conflict(ours: &str, theirs: &str) -> MergeResult {
    let (text, c) = whole_conflict(
        &Key::Top,
        ConflictKind::Unparsable,
        Some(ours),
        Some(theirs),
    );
    MergeResult {
        text,
        conflicts: vec![Conflict {
            lines: (c.lines.0 + 1, c.lines.1 + 1),
            id: String::new(),
            ..c
        }],
        notes: Vec::new(),
        problems: Vec::new(),
    }
}

/// Merge one segment present on both sides (`base` is `None` when both added it).
fn merge_segment(
    kind: FileKind,
    key: &Key,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    crlf: bool,
    notes: &mut Vec<String>,
) -> (String, Vec<Conflict>) {
    if ours == theirs {
        if base.is_none() {
            notes.push(format!("{}: added on both sides, identically", key.label()));
        }
        return (ours.to_string(), Vec::new());
    }
    if base == Some(ours) {
        return (theirs.to_string(), Vec::new());
    }
    if base == Some(theirs) {
        return (ours.to_string(), Vec::new());
    }
    let record = key.record();
    let Some(base) = base.or(if record.is_none() { Some("") } else { None }) else {
        let (text, c) = whole_conflict(key, ConflictKind::AddedBoth, Some(ours), Some(theirs));
        return (text, vec![c]);
    };
    let docs = (
        base.parse::<DocumentMut>(),
        ours.parse::<DocumentMut>(),
        theirs.parse::<DocumentMut>(),
    );
    let (Ok(b), Ok(o), Ok(t)) = docs else {
        let (text, c) = whole_conflict(key, ConflictKind::Unparsable, Some(ours), Some(theirs));
        return (text, vec![c]);
    };
    let fields = match record {
        Some(rk) => rk.fields(),
        None => kind.top_fields(),
    };
    type Run = (String, Vec<FieldConflict>, Vec<String>);
    let run = |take: &dyn Fn(usize) -> bool| -> Option<Run> {
        let mut doc = o.clone();
        let mut cx = Cx {
            take,
            conflicts: Vec::new(),
            set_merged: Vec::new(),
        };
        match record {
            Some(rk) => {
                let bt = record_table(&b, rk)?;
                let tt = record_table(&t, rk)?;
                let ot = doc
                    .get_mut(rk.key())
                    .and_then(Item::as_array_of_tables_mut)
                    .and_then(|a| a.get_mut(0))?;
                // The comments above the header come from the side that changed them.
                let (pb, po, pt) = (prefix(bt.decor()), prefix(ot.decor()), prefix(tt.decor()));
                if po != pt && pb != pt && (pb == po || cx.conflict("(comments above)", po, pt)) {
                    *ot.decor_mut() = tt.decor().clone();
                }
                merge_table(Some(fields), "", Some(bt), ot, tt, false, &mut cx);
            }
            None => {
                merge_table(
                    Some(fields),
                    "",
                    Some(b.as_table()),
                    doc.as_table_mut(),
                    t.as_table(),
                    false,
                    &mut cx,
                );
            }
        }
        let (pb, po, pt) = (
            raw_str(b.trailing()),
            raw_str(o.trailing()),
            raw_str(t.trailing()),
        );
        if po != pt && pb != pt && (pb == po || cx.conflict("(comments below)", po, pt)) {
            doc.set_trailing(pt.unwrap_or_default());
        }
        Some((native(&doc.to_string(), crlf), cx.conflicts, cx.set_merged))
    };
    let unparsable = || {
        let (text, c) = whole_conflict(key, ConflictKind::Unparsable, Some(ours), Some(theirs));
        (text, vec![c])
    };
    let Some((a, found, sets)) = run(&|_| false) else {
        return unparsable();
    };
    notes.push(format!(
        "{}: changed on both sides; fields combined",
        key.label()
    ));
    for path in sets {
        notes.push(format!("{}: {path} merged as a set", key.label()));
    }
    if found.is_empty() {
        return (a, Vec::new());
    }
    let Some((all_theirs, ..)) = run(&|_| true) else {
        return unparsable();
    };
    let (text, blocks) = with_markers(&a, &all_theirs);
    let mut conflicts = Vec::new();
    for (i, f) in found.into_iter().enumerate() {
        let single = run(&|j| j == i).map(|(s, ..)| s).unwrap_or_default();
        let at = first_change(&a, &single);
        let lines = blocks
            .iter()
            .find(|blk| blk.a.start <= at && at <= blk.a.end)
            .or(blocks.first())
            .map_or((0, text.matches('\n').count().saturating_sub(1)), |blk| {
                blk.lines
            });
        conflicts.push(Conflict {
            kind: ConflictKind::Field,
            record,
            id: key.id(),
            // In a top-level table the id already names it: `scoring` + `seed`.
            field: Some(match key {
                Key::Table(name) => f
                    .path
                    .strip_prefix(&format!("{name}."))
                    .map_or(f.path.clone(), str::to_string),
                _ => f.path,
            }),
            ours: f.ours,
            theirs: f.theirs,
            lines,
        });
    }
    (text, conflicts)
}

fn native(text: &str, crlf: bool) -> String {
    if crlf {
        source::to_crlf(text)
    } else {
        text.to_string()
    }
}

fn record_table(doc: &DocumentMut, kind: RecordKind) -> Option<&toml_edit::Table> {
    doc.get(kind.key())?.as_array_of_tables()?.get(0)
}

fn raw_str(r: &toml_edit::RawString) -> Option<&str> {
    r.as_str()
}

fn prefix(d: &toml_edit::Decor) -> Option<&str> {
    d.prefix().and_then(raw_str)
}

// ---------------------------------------------------------------------------
// Field by field

struct FieldConflict {
    path: String,
    ours: Option<String>,
    theirs: Option<String>,
}

struct Cx<'a> {
    /// Whether conflict number `i` (in the order met) takes their value.
    take: &'a dyn Fn(usize) -> bool,
    conflicts: Vec<FieldConflict>,
    /// Fields merged as sets, for the notes.
    set_merged: Vec<String>,
}

impl Cx<'_> {
    /// Record a conflict that is not a value; whether to take their side.
    fn conflict(&mut self, path: &str, ours: Option<&str>, theirs: Option<&str>) -> bool {
        let n = self.conflicts.len();
        self.conflicts.push(FieldConflict {
            path: path.to_string(),
            ours: ours.map(str::to_string),
            theirs: theirs.map(str::to_string),
        });
        (self.take)(n)
    }
}

/// An item as written (value, trailing comment), for "did it change".
fn written(item: Option<&Item>) -> Option<String> {
    match item? {
        Item::None => None,
        Item::Value(v) => Some(v.to_string().trim().to_string()),
        Item::Table(t) => Some(t.to_string()),
        Item::ArrayOfTables(a) => Some(a.iter().map(|t| t.to_string()).collect()),
    }
}

/// An item's value as TOML, for conflict reports.
fn shown(item: Option<&Item>) -> Option<String> {
    match item? {
        Item::None => None,
        Item::Value(v) => {
            let mut v = v.clone();
            v.decor_mut().clear();
            Some(v.to_string())
        }
        other => written(Some(other)),
    }
}

fn joined(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Merge their changes into `ours`, key by key. `inline`: `ours` is an
/// inline table (values keep our whitespace; the table is re-spaced when a
/// key comes or goes).
fn merge_table(
    fields: Option<&'static [Field]>,
    parent: &str,
    base: Option<&dyn TableLike>,
    ours: &mut dyn TableLike,
    theirs: &dyn TableLike,
    inline: bool,
    cx: &mut Cx,
) -> bool {
    let mut keys: Vec<String> = ours.iter().map(|(k, _)| k.to_string()).collect();
    for (k, _) in theirs.iter() {
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    let mut reshaped = false;
    for k in &keys {
        let had = ours.get(k).is_some();
        reshaped |= merge_key(fields, parent, base, ours, theirs, inline, cx, k);
        if !inline {
            merge_comment(parent, base, ours, theirs, cx, k, had);
        }
    }
    reshaped
}

/// Merge one key's value; returns whether a key came or went.
#[allow(clippy::too_many_arguments)]
fn merge_key(
    fields: Option<&'static [Field]>,
    parent: &str,
    base: Option<&dyn TableLike>,
    ours: &mut dyn TableLike,
    theirs: &dyn TableLike,
    inline: bool,
    cx: &mut Cx,
    k: &str,
) -> bool {
    let b = base.and_then(|t| t.get(k));
    let t = theirs.get(k);
    let o = ours.get(k);
    let (wb, wo, wt) = (written(b), written(o), written(t));
    if wo == wt || wb == wt {
        return false;
    }
    if wb == wo {
        return put(ours, k, t, inline);
    }
    // Changed differently on both sides.
    let field = fields.and_then(|fs| fs.iter().find(|f| f.key == k));
    let path = joined(parent, k);
    if let (Some(o_item), Some(t_item)) = (o, t)
        && let Some(merged) = merge_both(field, &path, b, o_item, t_item, cx)
    {
        if let Some(slot) = ours.get_mut(k) {
            *slot = merged;
        }
        return false;
    }
    if let (Some(Item::Value(o_v)), Some(Item::Value(t_v))) = (o, t)
        && let (Some(ot), Some(tt)) = (o_v.as_inline_table(), t_v.as_inline_table())
        && b.is_none_or(|b| b.as_inline_table().is_some())
    {
        let sub = match field.map(|f| f.ty) {
            Some(Ty::Table(sub)) => Some(sub),
            _ => None,
        };
        let bt = b.and_then(Item::as_inline_table).cloned();
        let tt = tt.clone();
        let mut merged = ot.clone();
        let changed = merge_table(
            sub,
            &path,
            bt.as_ref().map(|x| x as &dyn TableLike),
            &mut merged,
            &tt,
            true,
            cx,
        );
        if changed {
            merged.fmt();
        }
        if let Some(Item::Value(slot)) = ours.get_mut(k) {
            let decor = slot.decor().clone();
            *slot = Value::InlineTable(merged);
            *slot.decor_mut() = decor;
        }
        return false;
    }
    if let (Some(Item::Table(_)), Some(Item::Table(tt))) = (o, t)
        && b.is_none_or(|b| b.is_table())
    {
        let sub = match field.map(|f| f.ty) {
            Some(Ty::Table(sub)) => Some(sub),
            _ => None,
        };
        let bt = b.and_then(Item::as_table).cloned();
        let tt = tt.clone();
        if let Some(Item::Table(slot)) = ours.get_mut(k) {
            merge_table(
                sub,
                &path,
                bt.as_ref().map(|x| x as &dyn TableLike),
                slot,
                &tt,
                false,
                cx,
            );
        }
        return false;
    }
    // A true conflict.
    let n = cx.conflicts.len();
    cx.conflicts.push(FieldConflict {
        path,
        ours: shown(o),
        theirs: shown(t),
    });
    if (cx.take)(n) {
        return put(ours, k, t, inline);
    }
    false
}

/// The comment lines above a key (its decor), from the side that changed
/// them; a key that came from their side brings its comment. `had`: the key
/// was on our side before its value was merged.
fn merge_comment(
    parent: &str,
    base: Option<&dyn TableLike>,
    ours: &mut dyn TableLike,
    theirs: &dyn TableLike,
    cx: &mut Cx,
    k: &str,
    had: bool,
) {
    let above = |t: &dyn TableLike| -> Option<String> {
        t.key(k)
            .and_then(|key| prefix(key.leaf_decor()))
            .filter(|p| !p.is_empty())
            .map(str::to_string)
    };
    if ours.get(k).is_none() || theirs.get(k).is_none() {
        return;
    }
    let (pb, po, pt) = (base.and_then(&above), above(&*ours), above(theirs));
    if po == pt || (had && pb == pt) {
        return;
    }
    let take = !had
        || pb == po
        || cx.conflict(
            &format!("{} (comment above)", joined(parent, k)),
            po.as_deref(),
            pt.as_deref(),
        );
    if take && let Some((mut key, _)) = ours.get_key_value_mut(k) {
        key.leaf_decor_mut().set_prefix(pt.unwrap_or_default());
    }
}

/// Set `key` to their item (or remove it). Returns whether a key came or went.
fn put(ours: &mut dyn TableLike, key: &str, theirs: Option<&Item>, inline: bool) -> bool {
    match (ours.get_mut(key), theirs) {
        (Some(slot), Some(item)) => {
            match (slot, item) {
                // Inside `{ … }` our spacing stays; elsewhere their line
                // (and its comment) comes with the value.
                (Item::Value(s), Item::Value(v)) if inline => {
                    let decor = s.decor().clone();
                    *s = v.clone();
                    *s.decor_mut() = decor;
                }
                (slot, item) => *slot = item.clone(),
            }
            false
        }
        (None, Some(item)) => {
            ours.insert(key, item.clone());
            true
        }
        (Some(_), None) => {
            ours.remove(key);
            true
        }
        (None, None) => false,
    }
}

/// The schema's special merges of a field both sides changed: lists of ids
/// and tags as sets. `None`: not such a field (or not written as one).
fn merge_both(
    field: Option<&Field>,
    path: &str,
    base: Option<&Item>,
    ours: &Item,
    theirs: &Item,
    cx: &mut Cx,
) -> Option<Item> {
    if !matches!(field?.ty, Ty::Links(_) | Ty::TextList) {
        return None;
    }
    let strings = |item: &Item| -> Option<Vec<String>> {
        item.as_array()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let b = match base {
        Some(item) => strings(item)?,
        None => Vec::new(),
    };
    let o = strings(ours)?;
    let t = strings(theirs)?;
    let mut out: Vec<String> = b
        .iter()
        .filter(|x| o.contains(x) && t.contains(x))
        .cloned()
        .collect();
    let ours_new: Vec<&String> = o.iter().filter(|x| !b.contains(x)).collect();
    let theirs_new: Vec<&String> = t.iter().filter(|x| !b.contains(x)).collect();
    let mut added: Vec<String> = Vec::new();
    for x in ours_new.iter().chain(theirs_new.iter()) {
        if !added.contains(x) && !out.contains(x) {
            added.push((*x).clone());
        }
    }
    if !ours_new.is_empty() && !theirs_new.is_empty() {
        // Both added: a stable order that does not depend on the sides.
        added.sort();
    }
    out.extend(added);
    let our_array = ours.as_array()?;
    let mut array = Array::new();
    for x in &out {
        array.push(x.as_str());
    }
    if our_array.to_string().contains('\n') {
        // A list written one item a line keeps that layout.
        let item_prefix = our_array
            .iter()
            .last()
            .and_then(|v| prefix(v.decor()))
            .unwrap_or("\n    ")
            .to_string();
        for v in array.iter_mut() {
            v.decor_mut().set_prefix(item_prefix.clone());
        }
        array.set_trailing(raw_str(our_array.trailing()).unwrap_or("\n"));
        array.set_trailing_comma(our_array.trailing_comma());
    } else {
        array.fmt();
    }
    let mut value = Value::Array(array);
    if let Some(v) = ours.as_value() {
        *value.decor_mut() = v.decor().clone();
    }
    cx.set_merged.push(path.to_string());
    Some(Item::Value(value))
}

// ---------------------------------------------------------------------------
// Markers

struct Block {
    /// Lines of the all-ours rendering the block replaces.
    a: Range<usize>,
    /// 0-based lines of its `<<<<<<<` and `>>>>>>>` markers in the output.
    lines: (usize, usize),
}

/// `a` with git's markers around every run of lines that differs from `b`.
fn with_markers(a: &str, b: &str) -> (String, Vec<Block>) {
    let (a, b) = (line_end(a), line_end(b));
    let diff = similar::TextDiff::from_lines(&a, &b);
    let old = diff.old_slices();
    let new = diff.new_slices();
    let mut out = String::new();
    let mut line = 0;
    let mut blocks = Vec::new();
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    let mut flush =
        |pending: &mut Option<(Range<usize>, Range<usize>)>, out: &mut String, line: &mut usize| {
            if let Some((o, n)) = pending.take() {
                let start = *line;
                out.push_str(&markers(&old[o.clone()].concat(), &new[n.clone()].concat()));
                *line += 3 + o.len() + n.len();
                blocks.push(Block {
                    a: o,
                    lines: (start, *line - 1),
                });
            }
        };
    for op in diff.ops() {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            flush(&mut pending, &mut out, &mut line);
            for l in &old[o] {
                out.push_str(l);
                line += 1;
            }
        } else {
            pending = Some(match pending.take() {
                Some((po, pn)) => (po.start..o.end, pn.start..n.end),
                None => (o, n),
            });
        }
    }
    flush(&mut pending, &mut out, &mut line);
    (out, blocks)
}

/// The first line of `a` that `b` changes (or inserts before).
fn first_change(a: &str, b: &str) -> usize {
    let diff = similar::TextDiff::from_lines(a, b);
    diff.ops()
        .iter()
        .map(|op| op.as_tag_tuple())
        .find(|(tag, ..)| *tag != similar::DiffTag::Equal)
        .map_or(0, |(_, o, _)| o.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "# Risks\n\n[[risk]]\nid = \"risk-001\"\ntitle = \"A\"\ncategory = \"technical\"\nlikelihood = 4\nimpact = 4\nscenarios = [\"scn-a\"]\n\n[[risk]]\nid = \"risk-002\"\ntitle = \"B\"\ncategory = \"legal\"\nlikelihood = 2\nimpact = 3\n";

    fn risks(base: &str, ours: &str, theirs: &str) -> MergeResult {
        merge(FileKind::Risks, base, ours, theirs)
    }

    #[test]
    fn adjacent_fields_of_one_record_combine() {
        let o = BASE.replace("likelihood = 4", "likelihood = 2");
        let t = BASE.replace("impact = 4", "impact = 5");
        let r = risks(BASE, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        assert_eq!(r.text, o.replace("impact = 4", "impact = 5"));
    }

    #[test]
    fn same_field_conflicts_at_its_line() {
        let o = BASE.replace("likelihood = 4", "likelihood = 2");
        let t = BASE
            .replace("likelihood = 4", "likelihood = 3")
            .replace("title = \"A\"", "title = \"A2\"");
        let r = risks(BASE, &o, &t);
        assert_eq!(r.conflicts.len(), 1);
        let c = &r.conflicts[0];
        assert_eq!(c.place(), "risk-001.likelihood");
        assert_eq!(
            (c.ours.as_deref(), c.theirs.as_deref()),
            (Some("2"), Some("3"))
        );
        let lines: Vec<&str> = r.text.lines().collect();
        assert_eq!(lines[c.lines.0 - 1], OURS_MARKER);
        assert_eq!(lines[c.lines.1 - 1], THEIRS_MARKER);
        assert_eq!(
            &lines[c.lines.0 - 1..c.lines.1],
            &[
                OURS_MARKER,
                "likelihood = 2",
                SPLIT_MARKER,
                "likelihood = 3",
                THEIRS_MARKER
            ]
        );
        assert!(r.text.contains("title = \"A2\""));
    }

    #[test]
    fn link_lists_merge_as_sets() {
        let o = BASE.replace("[\"scn-a\"]", "[\"scn-a\", \"scn-b\"]");
        let t = BASE.replace("[\"scn-a\"]", "[\"scn-c\"]");
        let r = risks(BASE, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        assert!(
            r.text.contains("scenarios = [\"scn-b\", \"scn-c\"]"),
            "{}",
            r.text
        );
    }

    #[test]
    fn records_appended_on_both_sides_are_both_kept_in_either_order() {
        let o = format!("{BASE}\n[[risk]]\nid = \"risk-004\"\ntitle = \"D\"\n");
        let t = format!("{BASE}\n[[risk]]\nid = \"risk-003\"\ntitle = \"C\"\n");
        let r = risks(BASE, &o, &t);
        assert!(r.is_clean());
        let swapped = risks(BASE, &t, &o);
        assert_eq!(r.text, swapped.text);
        let c = r.text.find("risk-003").unwrap_or(0);
        let d = r.text.find("risk-004").unwrap_or(0);
        assert!(c < d && c > 0, "{}", r.text);
    }

    #[test]
    fn same_new_id_with_different_contents_conflicts() {
        let o = format!("{BASE}\n[[risk]]\nid = \"risk-003\"\ntitle = \"C\"\n");
        let t = format!("{BASE}\n[[risk]]\nid = \"risk-003\"\ntitle = \"X\"\n");
        let r = risks(BASE, &o, &t);
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].kind, ConflictKind::AddedBoth);
    }

    #[test]
    fn delete_versus_edit_conflicts() {
        let start = BASE.find("\n[[risk]]\nid = \"risk-002\"").unwrap_or(0);
        let o = BASE[..start].to_string();
        let t = BASE.replace("impact = 3", "impact = 4");
        let r = risks(BASE, &o, &t);
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].kind, ConflictKind::DeletedByUs);
        assert_eq!(r.conflicts[0].id, "risk-002");
    }

    #[test]
    fn unparsable_side_is_one_conflict() {
        let o = BASE.replace("likelihood = 4", "likelihood =");
        let t = BASE.replace("impact = 4", "impact = 5");
        let r = risks(BASE, &o, &t);
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].kind, ConflictKind::Unparsable);
        assert!(r.text.starts_with(OURS_MARKER));
    }

    #[test]
    fn top_level_keys_and_tables_merge_key_by_key() {
        let base = "name = \"W\"\ncurrency = \"EUR\"\n\n[scoring]\nsamples = 100\nseed = 1\nquadrant = { value = 50, feasibility = 50 }\n";
        let o = base
            .replace("\"W\"", "\"W2\"")
            .replace("seed = 1", "seed = 2")
            .replace("value = 50", "value = 60");
        let t = base
            .replace("\"EUR\"", "\"USD\"")
            .replace("samples = 100", "samples = 200")
            .replace("feasibility = 50", "feasibility = 40");
        let r = merge(FileKind::Workspace, base, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        let both = merge(
            FileKind::Workspace,
            base,
            &o,
            &base.replace("seed = 1", "seed = 3"),
        );
        assert_eq!(both.conflicts[0].place(), "scoring.seed");
        assert_eq!(
            r.text,
            "name = \"W2\"\ncurrency = \"USD\"\n\n[scoring]\nsamples = 200\nseed = 2\nquadrant = { value = 60, feasibility = 40 }\n"
        );
    }

    #[test]
    fn duplicate_ids_after_a_clean_merge_are_reported() {
        // Both sides renamed different records to the same id.
        let o = BASE.replace("title = \"A\"", "title = \"A\"\nowner = \"x\"");
        let t = BASE.replace("\"risk-002\"", "\"risk-001\"");
        let r = risks(BASE, &o, &t);
        assert!(
            r.problems
                .iter()
                .any(|d| d.message.contains("duplicate id")),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let base = BASE.replace('\n', "\r\n");
        let o = base.replace("likelihood = 4", "likelihood = 2");
        let t = base.replace("impact = 4", "impact = 5\r\nowner = \"CTO\"");
        let r = risks(&base, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        assert!(!r.text.replace("\r\n", "").contains('\n'), "{:?}", r.text);
        assert!(
            r.text.contains("likelihood = 2\r\nimpact = 5\r\n"),
            "{:?}",
            r.text
        );
        // A key new on one side goes after the record's keys.
        assert!(
            r.text
                .contains("scenarios = [\"scn-a\"]\r\nowner = \"CTO\"\r\n"),
            "{:?}",
            r.text
        );
    }

    #[test]
    fn a_changed_value_brings_its_comment_and_comments_above_stay() {
        let base = BASE.replace(
            "[[risk]]\nid = \"risk-001\"",
            "# about risk-001\n[[risk]]\nid = \"risk-001\"",
        );
        let o = base.replace("likelihood = 4", "likelihood = 2 # after the workshop");
        let t = base
            .replace("impact = 4", "impact = 5 # legal said so")
            .replace("# about risk-001", "# about risk-001, reviewed");
        let r = risks(&base, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        assert!(r.text.contains("# about risk-001, reviewed\n[[risk]]\nid = \"risk-001\"\ntitle = \"A\"\ncategory = \"technical\"\nlikelihood = 2 # after the workshop\nimpact = 5 # legal said so\n"), "{}", r.text);
    }

    #[test]
    fn a_list_written_one_item_a_line_keeps_its_layout() {
        let base = BASE.replace(
            "scenarios = [\"scn-a\"]",
            "scenarios = [\n    \"scn-a\",\n    \"scn-b\",\n]",
        );
        let o = base.replace("    \"scn-b\",\n", "    \"scn-b\",\n    \"scn-c\",\n");
        let t = base.replace("    \"scn-a\",\n", "");
        let r = risks(&base, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        assert!(
            r.text
                .contains("scenarios = [\n    \"scn-b\",\n    \"scn-c\",\n]\n"),
            "{}",
            r.text
        );
    }

    #[test]
    fn a_field_removed_on_one_side_and_changed_on_the_other_conflicts() {
        let o = BASE.replace("scenarios = [\"scn-a\"]\n", "");
        let t = BASE
            .replace("[\"scn-a\"]", "[\"scn-b\"]")
            .replace("title = \"A\"", "title = \"A2\"");
        let r = risks(BASE, &o, &t);
        assert_eq!(r.conflicts.len(), 1, "{}", r.text);
        let c = &r.conflicts[0];
        assert_eq!(
            (c.place().as_str(), c.ours.as_deref()),
            ("risk-001.scenarios", None)
        );
        assert!(
            r.text
                .contains("<<<<<<< ours\n=======\nscenarios = [\"scn-b\"]\n>>>>>>> theirs\n"),
            "{}",
            r.text
        );
    }

    #[test]
    fn comment_lines_above_a_field_come_from_the_side_that_changed_them() {
        let base = BASE.replace("likelihood = 4\n", "# workshop estimate\nlikelihood = 4\n");
        let o = base.replace("likelihood = 4", "likelihood = 3");
        let t = base
            .replace("# workshop estimate", "# steering group estimate")
            .replace("title = \"A\"", "title = \"A2\"");
        let r = risks(&base, &o, &t);
        assert!(r.is_clean(), "{:?}", r.conflicts);
        assert!(r.text.contains("title = \"A2\"\ncategory = \"technical\"\n# steering group estimate\nlikelihood = 3\n"), "{}", r.text);
        // Both changed the comment: a conflict around the comment and its field.
        let o2 = o.replace("# workshop estimate", "# our estimate");
        let r = risks(&base, &o2, &t);
        assert_eq!(r.conflicts.len(), 1, "{}", r.text);
        assert_eq!(
            r.conflicts[0].place(),
            "risk-001.likelihood (comment above)"
        );
        assert!(r.text.contains("<<<<<<< ours\n# our estimate\n=======\n# steering group estimate\n>>>>>>> theirs\nlikelihood = 3\n"), "{}", r.text);
    }

    #[test]
    fn resolving_every_conflict_to_one_side_gives_a_valid_file() {
        let o = BASE
            .replace("likelihood = 4", "likelihood = 2")
            .replace("likelihood = 2\nimpact = 3", "likelihood = 1\nimpact = 3");
        let t = BASE
            .replace("likelihood = 4", "likelihood = 3")
            .replace("likelihood = 2\nimpact = 3", "likelihood = 5\nimpact = 3");
        let r = risks(BASE, &o, &t);
        assert_eq!(r.conflicts.len(), 2);
        assert_eq!(r.resolve(|_| Pick::Ours), o);
        assert_eq!(r.resolve(|_| Pick::Theirs), t);
        let mixed = r.resolve(|c| {
            if c.id == "risk-001" {
                Pick::Theirs
            } else {
                Pick::Ours
            }
        });
        assert_eq!(
            mixed,
            BASE.replace("likelihood = 4", "likelihood = 3")
                .replace("likelihood = 2\nimpact = 3", "likelihood = 1\nimpact = 3")
        );
        // CRLF files get CRLF markers.
        let crlf = |s: &str| s.replace('\n', "\r\n");
        let r = risks(&crlf(BASE), &crlf(&o), &crlf(&t));
        assert!(!r.text.replace("\r\n", "").contains('\n'), "{:?}", r.text);
        assert_eq!(r.resolve(|_| Pick::Theirs), crlf(&t));
    }
}
