//! Schema checks of one parsed file: types, ranges, choices, dates, unknown
//! keys. Links, ids and paths are collected here and resolved across files by
//! [`super::validate`].

use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use super::date::Date;
use super::diag::Sink;
use super::schema::{Field, FileKind, RecordKind, Ty};

/// An id defined by a record.
#[derive(Debug, Clone)]
pub struct IdDef {
    pub kind: RecordKind,
    pub id: String,
    pub line: usize,
    pub col: usize,
}

/// A use of an id: a link that must resolve.
#[derive(Debug, Clone)]
pub struct LinkUse {
    pub target: RecordKind,
    pub id: String,
    /// Where it is used, in words: "need-003 field `needs`".
    pub context: String,
    pub line: usize,
    pub col: usize,
}

/// A path a record refers to.
#[derive(Debug, Clone)]
pub struct PathUse {
    pub path: String,
    pub context: String,
    pub line: usize,
    pub col: usize,
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
}

fn kind_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => value_kind(v),
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::InlineTable(_) => "an inline table",
    }
}

/// The number in an item, if it is one.
pub fn as_number(item: &Item) -> Option<f64> {
    match item {
        Item::Value(Value::Integer(i)) => Some(*i.value() as f64),
        Item::Value(Value::Float(f)) => Some(*f.value()),
        _ => None,
    }
}

/// Convert a TOML date value to a [`Date`], or say why it is not a plain date.
pub fn as_date(v: &Value) -> Result<Date, String> {
    match v {
        Value::Datetime(dt) => {
            let dt = dt.value();
            match (dt.date, dt.time) {
                (Some(d), None) => Date::new(i32::from(d.year), d.month, d.day),
                (Some(d), Some(_)) => Err(format!(
                    "expected a plain date, found a date-time; write {:04}-{:02}-{:02}",
                    d.year, d.month, d.day
                )),
                (None, _) => Err("expected a date, found a time".into()),
            }
        }
        Value::String(s) => match Date::parse(s.value()) {
            Ok(d) => Err(format!("dates are written without quotes: {d}")),
            Err(e) => Err(e),
        },
        other => Err(format!(
            "expected a date (YYYY-MM-DD), found {}",
            value_kind(other)
        )),
    }
}

fn span_of(item: &Item) -> Option<Range<usize>> {
    item.span()
}

impl<'s, 'a> Checker<'s, 'a> {
    pub fn new(sink: &'s mut Sink<'a>) -> Self {
        Checker {
            sink,
            collected: Collected::default(),
        }
    }

    fn pos(&mut self, span: Option<Range<usize>>) -> (usize, usize) {
        self.sink.position(span)
    }

    /// Check a whole file's root table.
    pub fn check_file(&mut self, kind: FileKind, root: &dyn TableLike) {
        let top = kind.top_fields();
        for (key, item) in root.iter() {
            if let Some(record) = kind.records().find(|r| r.key() == key) {
                match item {
                    Item::ArrayOfTables(array) => {
                        for table in array.iter() {
                            self.check_record(record, table, table.span());
                        }
                    }
                    _ => {
                        let span = root
                            .key(key)
                            .and_then(|k| k.span())
                            .or_else(|| span_of(item));
                        self.sink.error(
                            span,
                            format!(
                                "`{key}` must be written as [[{key}]] records, found {}",
                                kind_name(item)
                            ),
                        );
                    }
                }
            } else if let Some(field) = top.iter().find(|f| f.key == key) {
                let context = kind.file_name().trim_end_matches(".toml").to_string();
                let key_span = root.key(key).and_then(|k| k.span());
                self.check_item(field, item, &context, key, key_span);
            } else {
                let span = root
                    .key(key)
                    .and_then(|k| k.span())
                    .or_else(|| span_of(item));
                let known: Vec<&str> = top
                    .iter()
                    .map(|f| f.key)
                    .chain(kind.records().map(|r| r.key()))
                    .collect();
                self.sink.warning(
                    span,
                    format!(
                        "unknown key `{key}` in {} (kept on save){}",
                        kind.file_name(),
                        suggestion(key, &known)
                    ),
                );
            }
        }
        for field in top.iter().filter(|f| f.required) {
            if root.get(field.key).is_none() {
                self.sink
                    .error(None, format!("missing required key `{}`", field.key));
            }
        }
    }

    /// Check one `[[record]]` table.
    pub fn check_record(
        &mut self,
        kind: RecordKind,
        table: &dyn TableLike,
        span: Option<Range<usize>>,
    ) {
        let label = if kind.has_id() {
            match table.get("id").and_then(Item::as_str) {
                Some(id) => {
                    let id_span = table.get("id").and_then(span_of).or(span.clone());
                    let (line, col) = self.pos(id_span.clone());
                    if id.trim().is_empty() {
                        self.sink
                            .error(id_span, format!("{} has an empty id", kind.noun()));
                    } else if !valid_id(id) {
                        self.sink.error(
                            id_span,
                            format!(
                                "id `{id}` may only use letters, digits, `-`, `_` and `.` (no spaces), so it can be typed in a terminal"
                            ),
                        );
                    }
                    self.collected.ids.push(IdDef {
                        kind,
                        id: id.to_string(),
                        line,
                        col,
                    });
                    format!("{} {id}", kind.noun())
                }
                None => format!("{} without id", kind.noun()),
            }
        } else {
            kind.noun().to_string()
        };
        self.check_table(kind.fields(), table, &label, "", span);
    }

    fn check_table(
        &mut self,
        fields: &'static [Field],
        table: &dyn TableLike,
        label: &str,
        prefix: &str,
        span: Option<Range<usize>>,
    ) {
        for (key, item) in table.iter() {
            let key_span = table.key(key).and_then(|k| k.span());
            let path = format!("{prefix}{key}");
            match fields.iter().find(|f| f.key == key) {
                Some(field) => self.check_item(field, item, label, &path, key_span),
                None => {
                    let known: Vec<&str> = fields.iter().map(|f| f.key).collect();
                    self.sink.warning(
                        key_span.or_else(|| span_of(item)),
                        format!(
                            "unknown key `{path}` in {label} (kept on save){}",
                            suggestion(key, &known)
                        ),
                    );
                }
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            if table.get(field.key).is_none() {
                self.sink.error(
                    span.clone(),
                    format!("{label} is missing required key `{prefix}{}`", field.key),
                );
            }
        }
    }

    pub fn check_item(
        &mut self,
        field: &Field,
        item: &Item,
        label: &str,
        path: &str,
        key_span: Option<Range<usize>>,
    ) {
        let span = span_of(item).or(key_span);
        let at = |what: &str| format!("{label}: `{path}` {what}");
        match field.ty {
            Ty::Table(sub) => match item.as_table_like() {
                Some(t) => self.check_table(sub, t, label, &format!("{path}."), span),
                None => self.sink.error(
                    span,
                    at(&format!("should be a table, found {}", kind_name(item))),
                ),
            },
            Ty::NumberMap { keys, min, max } => match item.as_table_like() {
                Some(t) => {
                    for (k, v) in t.iter() {
                        let kspan = t.key(k).and_then(|k| k.span());
                        self.link(keys, k, &format!("{label} `{path}`"), kspan.clone());
                        match as_number(v) {
                            Some(x) if x.is_finite() && x >= min && x <= max => {}
                            Some(x) => self.sink.error(
                                span_of(v).or(kspan),
                                at(&format!("has {k} = {x}, outside {min}–{max}")),
                            ),
                            None => self.sink.error(
                                span_of(v).or(kspan),
                                at(&format!("has {k} = {}, expected a number", kind_name(v))),
                            ),
                        }
                    }
                }
                None => self.sink.error(
                    span,
                    at(&format!(
                        "should be a table of numbers, found {}",
                        kind_name(item)
                    )),
                ),
            },
            Ty::ChoiceMap { keys, choices } => match item.as_table_like() {
                Some(t) => {
                    for (k, v) in t.iter() {
                        let kspan = t.key(k).and_then(|k| k.span());
                        self.link(keys, k, &format!("{label} `{path}`"), kspan.clone());
                        match v.as_str() {
                            Some(s) if choices.contains(&s) => {}
                            _ => self.sink.error(
                                span_of(v).or(kspan),
                                at(&format!(
                                    "has {k} = {}; allowed: {}",
                                    show(v),
                                    choices.join(", ")
                                )),
                            ),
                        }
                    }
                }
                None => self.sink.error(
                    span,
                    at(&format!("should be a table, found {}", kind_name(item))),
                ),
            },
            _ => match item {
                Item::Value(v) => self.check_value(field.ty, v, label, path, span),
                other => self.sink.error(
                    span,
                    at(&format!(
                        "should be {}, found {}",
                        field.ty.describe(),
                        kind_name(other)
                    )),
                ),
            },
        }
    }

    fn check_value(
        &mut self,
        ty: Ty,
        v: &Value,
        label: &str,
        path: &str,
        span: Option<Range<usize>>,
    ) {
        let at = |what: String| format!("{label}: `{path}` {what}");
        let wrong = |expected: String| at(format!("should be {expected}, found {}", value_kind(v)));
        match ty {
            Ty::Text => {
                if v.as_str().is_none() {
                    self.sink.error(span, wrong("a string".into()));
                }
            }
            Ty::Link(target) => match v.as_str() {
                Some(id) => self.link(target, id, &format!("{label} `{path}`"), span),
                None => self
                    .sink
                    .error(span, wrong(format!("a {} id (string)", target.noun()))),
            },
            Ty::Int { min, max } => match v {
                Value::Integer(i) if (min..=max).contains(i.value()) => {}
                Value::Integer(i) => self
                    .sink
                    .error(span, at(format!("is {}, allowed {min}–{max}", i.value()))),
                Value::Float(f) => self.sink.error(
                    span,
                    at(format!(
                        "is {}, but must be a whole number ({min}–{max})",
                        f.value()
                    )),
                ),
                _ => self
                    .sink
                    .error(span, wrong(format!("an integer {min}–{max}"))),
            },
            Ty::Number { min, max } => {
                let x = match v {
                    Value::Integer(i) => Some(*i.value() as f64),
                    Value::Float(f) => Some(*f.value()),
                    _ => None,
                };
                match x {
                    Some(x) if !x.is_finite() => self
                        .sink
                        .error(span, at(format!("is {x}; must be a finite number"))),
                    Some(x) if x < min || x > max => self.sink.error(
                        span,
                        at(format!(
                            "is {x}, allowed {}",
                            ty.describe().trim_start_matches("number ")
                        )),
                    ),
                    Some(_) => {}
                    None => self.sink.error(span, wrong(ty.describe())),
                }
            }
            Ty::Choice(choices) => match v.as_str() {
                Some(s) if choices.contains(&s) => {}
                Some(s) => self.sink.error(
                    span,
                    at(format!(
                        "is \"{s}\"; allowed: {}{}",
                        choices.join(", "),
                        suggestion(s, choices)
                    )),
                ),
                None => self
                    .sink
                    .error(span, wrong(format!("one of {}", choices.join(", ")))),
            },
            Ty::Date => {
                if let Err(e) = as_date(v) {
                    self.sink
                        .error(span, at(format!("is not a valid date: {e}")));
                }
            }
            Ty::Bool => {
                if v.as_bool().is_none() {
                    self.sink.error(span, wrong("true or false".into()));
                }
            }
            Ty::Path => match v.as_str() {
                Some(p) => {
                    let (line, col) = self.pos(span.clone());
                    self.collected.paths.push(PathUse {
                        path: p.to_string(),
                        context: format!("{label} `{path}`"),
                        line,
                        col,
                    });
                }
                None => self.sink.error(span, wrong("a path (string)".into())),
            },
            Ty::TextList | Ty::Links(_) | Ty::IntList { .. } => match v.as_array() {
                Some(array) => {
                    for el in array.iter() {
                        let el_span = el.span().or(span.clone());
                        match (ty, el) {
                            (Ty::TextList, Value::String(_)) => {}
                            (Ty::Links(target), Value::String(s)) => {
                                self.link(target, s.value(), &format!("{label} `{path}`"), el_span)
                            }
                            (Ty::IntList { min, max }, Value::Integer(i)) => {
                                if !(min..=max).contains(i.value()) {
                                    self.sink.error(
                                        el_span,
                                        at(format!("contains {}, allowed {min}–{max}", i.value())),
                                    );
                                }
                            }
                            _ => self.sink.error(
                                el_span,
                                at(format!(
                                    "should be {}, but contains {}",
                                    ty.describe(),
                                    value_kind(el)
                                )),
                            ),
                        }
                    }
                }
                None => self.sink.error(span, wrong(ty.describe())),
            },
            Ty::Table(_) | Ty::NumberMap { .. } | Ty::ChoiceMap { .. } => {
                self.sink.error(span, wrong("a table".into()))
            }
        }
    }

    fn link(&mut self, target: RecordKind, id: &str, context: &str, span: Option<Range<usize>>) {
        let (line, col) = self.pos(span);
        self.collected.links.push(LinkUse {
            target,
            id: id.to_string(),
            context: context.to_string(),
            line,
            col,
        });
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

fn show(item: &Item) -> String {
    match item {
        Item::Value(Value::String(s)) => format!("\"{}\"", s.value()),
        Item::Value(v) => v.to_string().trim().to_string(),
        other => kind_name(other).to_string(),
    }
}

/// " (did you mean `x`?)" when a known name is one or two edits away.
pub fn suggestion(given: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (edit_distance(given, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len())
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
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
