//! Schema checks of one parsed file: types, ranges, choices, dates, unknown
//! keys. Links, ids and paths are collected here and resolved across files by
//! [`super::validate`].

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::date::Date;
use super::diag::Sink;
use super::node::{Node, Shape};
use super::schema::{Field, FileKind, RecordKind, Ty};
use crate::numfmt::exact;

/// An id defined by a record.
#[derive(Debug, Clone)]
pub struct IdDef {
    pub kind: RecordKind,
    pub id: String,
    /// Byte offset in the file (positions are worked out only for messages).
    pub at: Option<usize>,
}

/// What a message is about: "need need-003", "need without id", "risk
/// band", "workspace". Formatted only when a message is written.
#[derive(Debug, Clone, Copy)]
pub enum Label<'a> {
    Record {
        noun: &'static str,
        has_id: bool,
        id: Option<&'a str>,
    },
    Text(&'a str),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Record {
                noun,
                has_id: true,
                id: Some(id),
            } => write!(f, "{} {id}", noun_text(noun)),
            Label::Record {
                noun,
                has_id: true,
                id: None,
            } => f.write_str(&crate::tr!("check.label.no_id", noun = noun_text(noun))),
            Label::Record { noun, .. } => f.write_str(&noun_text(noun)),
            Label::Text(text) => f.write_str(text),
        }
    }
}

/// A field's path inside its record or file: `likelihood`, `revenue.price`.
#[derive(Debug, Clone, Copy)]
pub struct FieldPath<'p> {
    /// The enclosing tables, dot-separated; empty at the top.
    pub parent: &'p Cow<'static, str>,
    /// The key; empty when `parent` is the whole path.
    pub key: &'static str,
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.parent.is_empty() {
            f.write_str(self.key)
        } else if self.key.is_empty() {
            f.write_str(self.parent)
        } else {
            write!(f, "{}.{}", self.parent, self.key)
        }
    }
}

/// Where a link or a path is used, in words: "scenario s-01 `needs`". Kept
/// for every link of a workspace, so it shares the record's id and the
/// schema's key names instead of formatting a string for each.
#[derive(Debug, Clone)]
pub struct Context {
    noun: &'static str,
    has_id: bool,
    record: Option<Arc<str>>,
    parent: Cow<'static, str>,
    key: &'static str,
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match (&self.record, self.has_id) {
            (Some(record), true) => Label::Record {
                noun: self.noun,
                has_id: true,
                id: Some(record),
            },
            (Some(text), false) => Label::Text(text),
            (None, has_id) => Label::Record {
                noun: self.noun,
                has_id,
                id: None,
            },
        };
        let path = FieldPath {
            parent: &self.parent,
            key: self.key,
        };
        write!(f, "{label} `{path}`")
    }
}

/// A use of an id: a link that must resolve.
#[derive(Debug, Clone)]
pub struct LinkUse {
    pub target: RecordKind,
    pub id: String,
    /// Where it is used, in words: "need need-003 `needs`".
    pub context: Context,
    pub at: Option<usize>,
}

/// A path a record refers to.
#[derive(Debug, Clone)]
pub struct PathUse {
    pub path: String,
    pub context: Context,
    pub at: Option<usize>,
}

/// Everything a file contributes to cross-file validation.
#[derive(Debug, Default)]
pub struct Collected {
    pub ids: Vec<IdDef>,
    pub links: Vec<LinkUse>,
    pub paths: Vec<PathUse>,
}

pub struct Checker<'s, 'a> {
    pub sink: &'s mut Sink<'a>,
    pub collected: Collected,
    /// The label of the record being checked, shared by its links.
    record: Option<Arc<str>>,
}

/// Convert a TOML date value to a [`Date`], or say why it is not a plain date.
pub fn as_date(node: Node) -> Result<Date, String> {
    if let Some(dt) = node.as_datetime() {
        return match (dt.date, dt.time) {
            (Some(d), None) => Date::new(i32::from(d.year), d.month, d.day),
            (Some(d), Some(_)) => Err(crate::tr!(
                "check.date.datetime",
                date = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
            )),
            (None, _) => Err(crate::tr!("check.date.time")),
        };
    }
    match node.as_str() {
        Some(s) => match Date::parse(s) {
            Ok(d) => Err(crate::tr!("check.date.quoted", date = d)),
            Err(e) => Err(e),
        },
        None => Err(crate::tr!(
            "check.date.other",
            found = shape_text(node.shape())
        )),
    }
}

impl<'s, 'a> Checker<'s, 'a> {
    pub fn new(sink: &'s mut Sink<'a>) -> Self {
        Checker {
            sink,
            collected: Collected::default(),
            record: None,
        }
    }

    fn pos(&mut self, span: Option<Range<usize>>) -> Option<usize> {
        self.sink.offset_of(span)
    }

    /// Check a whole file's root table.
    pub fn check_file(&mut self, kind: FileKind, root: Node) {
        let top = kind.top_fields();
        for (key, key_span, node) in root.entries().unwrap_or_default() {
            if let Some(record) = kind.records().find(|r| r.key() == key) {
                match node
                    .elements()
                    .filter(|els| els.iter().all(|e| e.is_table()))
                {
                    Some(tables) if node.shape() == Shape::Array => {
                        for table in tables {
                            self.check_record(record, table);
                        }
                    }
                    _ => {
                        self.sink.error(
                            key_span.or_else(|| node.span()),
                            crate::tr!(
                                "check.records_as_array",
                                key = key,
                                found = shape_text(node.shape())
                            ),
                        );
                    }
                }
            } else if let Some(field) = top.iter().find(|f| f.key == key) {
                let label = Label::Text(kind.file_name().trim_end_matches(".toml"));
                let top = Cow::Borrowed("");
                let path = FieldPath {
                    parent: &top,
                    key: field.key,
                };
                self.record = None;
                self.check_field(field, node, label, path, key_span);
            } else {
                let known: Vec<&str> = top
                    .iter()
                    .map(|f| f.key)
                    .chain(kind.records().map(|r| r.key()))
                    .collect();
                self.sink.warning(
                    key_span.or_else(|| node.span()),
                    crate::tr!(
                        "check.unknown_top_key",
                        key = key,
                        file = kind.file_name(),
                        suggestion = suggestion(key, &known)
                    ),
                );
            }
        }
        for field in top.iter().filter(|f| f.required) {
            if root.get(field.key).is_none() {
                self.sink
                    .error(None, crate::tr!("check.missing_top_key", key = field.key));
            }
        }
        // `[money] cutoff` is one rule: a top share or a score threshold.
        if let Some(cut) = (kind == FileKind::Training)
            .then(|| root.get("money").and_then(|m| m.get("cutoff")))
            .flatten()
            .filter(|c| c.is_table())
        {
            let (top, threshold) = (cut.get("top").is_some(), cut.get("threshold").is_some());
            if top == threshold {
                let span = cut.span();
                self.sink.error(span, crate::tr!("check.money_cutoff"));
            }
        }
    }

    /// Check one `[[record]]` table.
    pub fn check_record(&mut self, kind: RecordKind, table: Node) {
        let span = table.span();
        self.record = None;
        let mut label = Label::Record {
            noun: kind.noun(),
            has_id: kind.has_id(),
            id: None,
        };
        let id_node = table.get("id");
        if kind.has_id()
            && let Some(id) = id_node.and_then(Node::as_str)
        {
            let id_span = id_node.and_then(Node::span).or(span.clone());
            let at = self.pos(id_span.clone());
            if id.trim().is_empty() {
                self.sink.error(
                    id_span,
                    crate::tr!("check.empty_id", noun = noun_text(kind.noun())),
                );
            } else if !valid_id(id) {
                self.sink
                    .error(id_span, crate::tr!("check.bad_id", id = id));
            }
            self.collected.ids.push(IdDef {
                kind,
                id: id.to_string(),
                at,
            });
            label = Label::Record {
                noun: kind.noun(),
                has_id: true,
                id: Some(id),
            };
        }
        self.check_table(kind.fields(), table, label, &Cow::Borrowed(""), span);
    }

    // `parent` is a `Cow` because link contexts keep a clone of it: a
    // borrowed schema key costs no copy.
    #[allow(clippy::ptr_arg)]
    fn check_table(
        &mut self,
        fields: &'static [Field],
        table: Node,
        label: Label,
        parent: &Cow<'static, str>,
        span: Option<Range<usize>>,
    ) {
        for (key, key_span, node) in table.entries().unwrap_or_default() {
            match fields.iter().find(|f| f.key == key) {
                Some(field) => {
                    let path = FieldPath {
                        parent,
                        key: field.key,
                    };
                    self.check_field(field, node, label, path, key_span)
                }
                None => {
                    let known: Vec<&str> = fields.iter().map(|f| f.key).collect();
                    let dot = if parent.is_empty() { "" } else { "." };
                    self.sink.warning(
                        key_span.or_else(|| node.span()),
                        crate::tr!(
                            "check.unknown_key",
                            key = format!("{parent}{dot}{key}"),
                            label = label,
                            suggestion = suggestion(key, &known)
                        ),
                    );
                }
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            if table.get(field.key).is_none() {
                let path = FieldPath {
                    parent,
                    key: field.key,
                };
                self.sink.error(
                    span.clone(),
                    crate::tr!("check.missing_key", label = label, key = path),
                );
            }
        }
    }

    /// Check one value against its field, as `check` does (`label` and
    /// `path` name it in messages: "", "revenue.price").
    pub fn check_item(
        &mut self,
        field: &Field,
        node: Node,
        label: &str,
        path: &str,
        key_span: Option<Range<usize>>,
    ) {
        let whole = Cow::Owned(path.to_string());
        let path = FieldPath {
            parent: &whole,
            key: "",
        };
        self.record = None;
        self.check_field(field, node, Label::Text(label), path, key_span)
    }

    fn check_field(
        &mut self,
        field: &Field,
        node: Node,
        label: Label,
        path: FieldPath,
        key_span: Option<Range<usize>>,
    ) {
        let span = node.span().or(key_span);
        let at = |what: &str| crate::tr!("check.at", label = label, path = path, what = what);
        match field.ty {
            Ty::Table(sub) => {
                if node.is_table() {
                    let parent = if path.parent.is_empty() {
                        Cow::Borrowed(path.key)
                    } else if path.key.is_empty() {
                        path.parent.clone()
                    } else {
                        Cow::Owned(path.to_string())
                    };
                    self.check_table(sub, node, label, &parent, span);
                } else {
                    self.sink.error(
                        span,
                        at(&crate::tr!(
                            "check.should_be_table",
                            found = shape_text(node.shape())
                        )),
                    );
                }
            }
            Ty::NumberMap { keys, min, max } => match node.entries() {
                Some(entries) => {
                    for (k, kspan, v) in entries {
                        self.link(keys, k, label, path, kspan.clone());
                        match v.as_number() {
                            Some(x) if x.is_finite() && x >= min && x <= max => {}
                            Some(_) => self.sink.error(
                                v.span().or(kspan),
                                at(&crate::tr!(
                                    "check.map_outside",
                                    key = k,
                                    value = v.show(),
                                    min = exact(min),
                                    max = exact(max)
                                )),
                            ),
                            None => self.sink.error(
                                v.span().or(kspan),
                                at(&crate::tr!(
                                    "check.map_not_number",
                                    key = k,
                                    found = shape_text(v.shape())
                                )),
                            ),
                        }
                    }
                }
                None => self.sink.error(
                    span,
                    at(&crate::tr!(
                        "check.should_be_number_table",
                        found = shape_text(node.shape())
                    )),
                ),
            },
            Ty::ChoiceMap { keys, choices } => match node.entries() {
                Some(entries) => {
                    for (k, kspan, v) in entries {
                        self.link(keys, k, label, path, kspan.clone());
                        match v.as_str() {
                            Some(s) if choices.contains(&s) => {}
                            _ => self.sink.error(
                                v.span().or(kspan),
                                at(&crate::tr!(
                                    "check.map_not_allowed",
                                    key = k,
                                    value = v.show(),
                                    choices = choices.join(", ")
                                )),
                            ),
                        }
                    }
                }
                None => self.sink.error(
                    span,
                    at(&crate::tr!(
                        "check.should_be_table",
                        found = shape_text(node.shape())
                    )),
                ),
            },
            // A required text that is blank is as good as missing (an empty
            // workspace name, risk title or training target).
            Ty::Text
                if field.required
                    && field.key != "id"
                    && node.as_str().is_some_and(|s| s.trim().is_empty()) =>
            {
                self.sink
                    .error(span, at(&crate::tr!("check.blank_required")))
            }
            ty => self.check_value(ty, node, label, path, span),
        }
    }

    fn check_value(
        &mut self,
        ty: Ty,
        v: Node,
        label: Label,
        path: FieldPath,
        span: Option<Range<usize>>,
    ) {
        let at = |what: String| crate::tr!("check.at", label = label, path = path, what = what);
        let wrong = |expected: String| {
            at(crate::tr!(
                "check.should_be",
                expected = expected,
                found = shape_text(v.shape())
            ))
        };
        match ty {
            Ty::Text => {
                if v.as_str().is_none() {
                    self.sink.error(span, wrong(shape_text(Shape::String)));
                }
            }
            Ty::Link(target) => match v.as_str() {
                Some(id) => self.link(target, id, label, path, span),
                None => self.sink.error(
                    span,
                    wrong(crate::tr!("check.a_link", noun = noun_text(target.noun()))),
                ),
            },
            Ty::Int { min, max } => match (v.shape(), v.as_int()) {
                (Shape::Integer, Some(i)) if (min..=max).contains(&i) => {}
                (Shape::Integer, Some(i)) => self.sink.error(
                    span,
                    at(crate::tr!(
                        "check.int_range",
                        value = i,
                        min = min,
                        max = max
                    )),
                ),
                (Shape::Integer, None) => self.sink.error(
                    span,
                    at(crate::tr!("check.int_too_large", min = min, max = max)),
                ),
                (Shape::Float, _) => self.sink.error(
                    span,
                    at(crate::tr!(
                        "check.not_whole",
                        value = v.show(),
                        min = min,
                        max = max
                    )),
                ),
                _ => self.sink.error(
                    span,
                    wrong(crate::tr!("check.an_integer", min = min, max = max)),
                ),
            },
            Ty::Number { min, max } => match v.as_number() {
                Some(x) if !x.is_finite() => self
                    .sink
                    .error(span, at(crate::tr!("check.not_finite", value = v.show()))),
                Some(x) if x < min || x > max => self.sink.error(
                    span,
                    at(crate::tr!(
                        "check.number_range",
                        value = v.show(),
                        range = ty.describe().trim_start_matches("number ")
                    )),
                ),
                Some(_) => {}
                None => self.sink.error(span, wrong(describe(ty))),
            },
            Ty::Choice(choices) => match v.as_str() {
                Some(s) if choices.contains(&s) => {}
                Some(s) => self.sink.error(
                    span,
                    at(crate::tr!(
                        "check.choice_not_allowed",
                        value = s,
                        choices = choices.join(", "),
                        suggestion = suggestion(s, choices)
                    )),
                ),
                None => self.sink.error(
                    span,
                    wrong(crate::tr!("check.one_of", choices = choices.join(", "))),
                ),
            },
            Ty::Date => {
                if let Err(e) = as_date(v) {
                    self.sink
                        .error(span, at(crate::tr!("check.bad_date", error = e)));
                }
            }
            Ty::Bool => {
                if v.as_bool().is_none() {
                    self.sink
                        .error(span, wrong(crate::tr!("check.true_or_false")));
                }
            }
            Ty::Path => match v.as_str() {
                Some(p) => {
                    let at = self.pos(span.clone());
                    let context = self.context(label, path);
                    self.collected.paths.push(PathUse {
                        path: p.to_string(),
                        context,
                        at,
                    });
                }
                None => self.sink.error(span, wrong(crate::tr!("check.a_path"))),
            },
            Ty::TextList | Ty::Links(_) | Ty::IntList { .. } => {
                match v.elements().filter(|_| v.shape() == Shape::Array) {
                    Some(elements) => {
                        for el in elements {
                            let el_span = el.span().or(span.clone());
                            match (ty, el.shape()) {
                                (Ty::TextList, Shape::String) => {}
                                (Ty::Links(target), Shape::String) => {
                                    let id = el.as_str().unwrap_or_default();
                                    self.link(target, id, label, path, el_span)
                                }
                                (Ty::IntList { min, max }, Shape::Integer) => match el.as_int() {
                                    Some(i) if (min..=max).contains(&i) => {}
                                    _ => self.sink.error(
                                        el_span,
                                        at(crate::tr!(
                                            "check.list_out_of_range",
                                            value = el.show(),
                                            min = min,
                                            max = max
                                        )),
                                    ),
                                },
                                _ => self.sink.error(
                                    el_span,
                                    at(crate::tr!(
                                        "check.list_wrong_element",
                                        expected = describe(ty),
                                        found = shape_text(el.shape())
                                    )),
                                ),
                            }
                        }
                    }
                    None => self.sink.error(span, wrong(describe(ty))),
                }
            }
            Ty::Table(_) | Ty::NumberMap { .. } | Ty::ChoiceMap { .. } => {
                self.sink.error(span, wrong(shape_text(Shape::Table)))
            }
        }
    }

    /// The context of a link or path in the current record; the record's
    /// id (or label) is allocated once and shared.
    fn context(&mut self, label: Label, path: FieldPath) -> Context {
        let (noun, has_id, text) = match label {
            Label::Record { noun, has_id, id } => (noun, has_id, id),
            Label::Text(text) => ("", false, Some(text)),
        };
        let record = text.map(|t| self.record.get_or_insert_with(|| Arc::from(t)).clone());
        Context {
            noun,
            has_id,
            record,
            parent: path.parent.clone(),
            key: path.key,
        }
    }

    fn link(
        &mut self,
        target: RecordKind,
        id: &str,
        label: Label,
        path: FieldPath,
        span: Option<Range<usize>>,
    ) {
        let at = self.pos(span);
        let context = self.context(label, path);
        self.collected.links.push(LinkUse {
            target,
            id: id.to_string(),
            context,
            at,
        });
    }
}

/// A record kind's noun (`RecordKind::noun`, English in the schema and its
/// docs) in the interface language.
pub fn noun_text(noun: &str) -> String {
    let key = match noun {
        "criterion" => "check.noun.criterion",
        "pairwise comparison" => "check.noun.comparison",
        "risk band" => "check.noun.risk_band",
        "need" => "check.noun.need",
        "segment" => "check.noun.segment",
        "trend" => "check.noun.trend",
        "feature" => "check.noun.feature",
        "competitor" => "check.noun.competitor",
        "evidence" => "check.noun.evidence",
        "series" => "check.noun.series",
        "scenario" => "check.noun.scenario",
        "risk" => "check.noun.risk",
        "KPI measurement" => "check.noun.measurement",
        "monthly actual" => "check.noun.actual",
        "scoring batch" => "check.noun.batch",
        other => return other.to_string(),
    };
    crate::tr!(key)
}

/// What a TOML value is (`Shape::name`), in the interface language.
pub fn shape_text(shape: Shape) -> String {
    crate::tr!(match shape {
        Shape::String => "check.shape.string",
        Shape::Integer => "check.shape.integer",
        Shape::Float => "check.shape.float",
        Shape::Boolean => "check.shape.boolean",
        Shape::Datetime => "check.shape.datetime",
        Shape::Array => "check.shape.array",
        Shape::Table => "check.shape.table",
    })
}

/// A field's type in words (`Ty::describe`, which the generated field
/// reference keeps in English), in the interface language.
pub fn describe(ty: Ty) -> String {
    let num = super::schema::fmt_num;
    match ty {
        Ty::Text => crate::tr!("check.ty.text"),
        Ty::Link(k) => crate::tr!("check.ty.link", noun = noun_text(k.noun())),
        Ty::Int { min, max } => crate::tr!("check.ty.int", min = min, max = max),
        Ty::Number { min, max } => crate::tr!("check.ty.number", min = num(min), max = num(max)),
        Ty::Choice(c) => crate::tr!("check.ty.choice", choices = c.join(", ")),
        Ty::Date => crate::tr!("check.ty.date"),
        Ty::TextList => crate::tr!("check.ty.text_list"),
        Ty::Links(k) => crate::tr!("check.ty.links", noun = noun_text(k.noun())),
        Ty::IntList { min, max } => crate::tr!("check.ty.int_list", min = min, max = max),
        Ty::Path => crate::tr!("check.ty.path"),
        Ty::Table(_) => crate::tr!("check.ty.table"),
        Ty::NumberMap { keys, min, max } => crate::tr!(
            "check.ty.number_map",
            noun = noun_text(keys.noun()),
            min = num(min),
            max = num(max)
        ),
        Ty::ChoiceMap { keys, choices } => crate::tr!(
            "check.ty.choice_map",
            noun = noun_text(keys.noun()),
            choices = choices.join(" | ")
        ),
        Ty::Bool => crate::tr!("check.ty.bool"),
    }
}

/// Ids are typed on the command line (`lodestar set DIR risk-003.likelihood 4`),
/// so they keep to characters that need no quoting and contain no dot.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// " (did you mean `x`?)" when a known name is one or two edits away.
pub fn suggestion(given: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (edit_distance(given, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min()
        .map(|(_, k)| crate::tr!("check.did_you_mean", key = k))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            suggestion("likelyhood", &["likelihood", "impact"]),
            " (did you mean `likelihood`?)"
        );
        assert_eq!(suggestion("zzz", &["likelihood"]), "");
    }

    #[test]
    fn ids_must_be_typable() {
        assert!(valid_id("risk-003"));
        assert!(valid_id("need_1"));
        assert!(!valid_id("risk 3"));
        assert!(!valid_id("risk.3"));
        assert!(!valid_id(""));
    }
}
