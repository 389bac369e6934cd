//! Edits: set a field, add a record, remove a record. Each edit changes the
//! record's `toml_edit` document in place (so comments and layout survive), is
//! validated before it is applied, and returns a [`Change`] that can be
//! undone by applying its inverse.

use std::collections::BTreeSet;

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::Workspace;
use super::check::{Checker, valid_id};
use super::diag::Sink;
use super::error::EditError;
use super::node::Node;
use super::schema::{self, Field, FileKind, RecordKind, Ty};
use super::source;

/// What an edit addresses: a whole file's top-level keys, or one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    File(FileKind),
    Record(RecordKind, usize),
}

impl Target {
    pub fn file(self) -> FileKind {
        match self {
            Target::File(k) => k,
            Target::Record(r, _) => r.file(),
        }
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Target::File(k) => k.top_fields(),
            Target::Record(r, _) => r.fields(),
        }
    }
}

/// One applied edit, with what is needed to undo it.
// Changes live in an undo stack a few hundred long; their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Change {
    Set {
        target: Target,
        path: Vec<String>,
        old: Option<Item>,
        new: Option<Item>,
    },
    /// A record's text (with the comments above it) inserted at `index`.
    Insert {
        kind: RecordKind,
        index: usize,
        text: String,
    },
    /// A record's text removed from `index`.
    Remove {
        kind: RecordKind,
        index: usize,
        text: String,
    },
}

impl Change {
    pub fn inverse(&self) -> Change {
        match self.clone() {
            Change::Set {
                target,
                path,
                old,
                new,
            } => Change::Set {
                target,
                path,
                old: new,
                new: old,
            },
            Change::Insert { kind, index, text } => Change::Remove { kind, index, text },
            Change::Remove { kind, index, text } => Change::Insert { kind, index, text },
        }
    }

    pub fn file(&self) -> FileKind {
        match self {
            Change::Set { target, .. } => target.file(),
            Change::Insert { kind, .. } | Change::Remove { kind, .. } => kind.file(),
        }
    }

    /// A short description for the status line: "set risk-003.likelihood = 4".
    pub fn describe(&self) -> String {
        match self {
            Change::Set { path, new, .. } => match new {
                Some(item) => format!("set {} = {}", path.join("."), show_item(item)),
                None => format!("cleared {}", path.join(".")),
            },
            Change::Insert { kind, text, .. } => {
                format!("added {} {}", kind.noun(), record_id(*kind, text))
            }
            Change::Remove { kind, text, .. } => {
                format!("deleted {} {}", kind.noun(), record_id(*kind, text))
            }
        }
    }
}

/// A value as a user reads it: strings without quotes, the rest as TOML.
pub fn show_item(item: &Item) -> String {
    match item {
        Item::Value(Value::String(s)) => s.value().clone(),
        Item::Value(v) => v.clone().decorated("", "").to_string(),
        Item::Table(t) => {
            let mut inline = t.clone().into_inline_table();
            inline.fmt();
            Value::InlineTable(inline).decorated("", "").to_string()
        }
        Item::ArrayOfTables(a) => format!("{} tables", a.len()),
        Item::None => String::new(),
    }
}

/// A string value written on one line (newlines escaped), so that editing a
/// text field changes exactly one line of the file.
pub fn one_line_string(s: &str) -> Value {
    let mut repr = String::with_capacity(s.len() + 2);
    repr.push('"');
    for c in s.chars() {
        match c {
            '"' => repr.push_str("\\\""),
            '\\' => repr.push_str("\\\\"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            '\t' => repr.push_str("\\t"),
            c if c.is_control() => repr.push_str(&format!("\\u{:04X}", c as u32)),
            c => repr.push(c),
        }
    }
    repr.push('"');
    repr.parse::<Value>().unwrap_or_else(|_| Value::from(s))
}

/// Parse what a user typed into a TOML value of the field's type.
///
/// Strings are taken as typed (no quotes needed); lists accept TOML syntax
/// (`["a", "b"]`) or commas (`a, b`); tables need TOML inline syntax.
pub fn parse_input(field: &Field, input: &str) -> Result<Value, String> {
    let input = input.trim_end_matches(['\n', '\r']);
    // Tables and lists as typed (`{a=1,b=2}`) are written in the canonical
    // layout (`{ a = 1, b = 2 }`), so `fmt --check` accepts the file.
    let toml = |s: &str| {
        let mut v = s
            .trim()
            .parse::<Value>()
            .map_err(|e| e.to_string().trim().replace('\n', " "))?;
        match &mut v {
            Value::InlineTable(t) => t.fmt(),
            Value::Array(a) => a.fmt(),
            _ => {}
        }
        v.decor_mut().clear();
        Ok(v)
    };
    match field.ty {
        Ty::Text | Ty::Link(_) | Ty::Path | Ty::Choice(_) => Ok(one_line_string(input)),
        Ty::Int { .. } => input
            .trim()
            .replace('_', "")
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| crate::tr!("schema.input.not_whole", input = input.trim())),
        Ty::Number { .. } => {
            let t = input.trim().replace('_', "");
            if let Ok(i) = t.parse::<i64>() {
                Ok(Value::from(i))
            } else {
                match t.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(Value::from(x)),
                    _ => Err(crate::tr!("schema.input.not_number", input = input.trim())),
                }
            }
        }
        Ty::Bool => match input.trim() {
            "true" | "yes" => Ok(Value::from(true)),
            "false" | "no" => Ok(Value::from(false)),
            other => Err(crate::tr!("schema.input.not_bool", input = other)),
        },
        Ty::Date => {
            let d = super::Date::parse(input)?;
            toml(&d.to_string())
        }
        Ty::TextList | Ty::Links(_) | Ty::IntList { .. } => {
            let t = input.trim();
            if t.starts_with('[') {
                return toml(t);
            }
            let parts = t.split(',').map(str::trim).filter(|s| !s.is_empty());
            let mut array = toml_edit::Array::new();
            for p in parts {
                if matches!(field.ty, Ty::IntList { .. }) {
                    array.push(
                        p.parse::<i64>()
                            .map_err(|_| crate::tr!("schema.input.not_whole", input = p))?,
                    );
                } else {
                    array.push(one_line_string(p));
                }
            }
            Ok(Value::Array(array))
        }
        Ty::Table(_) | Ty::NumberMap { .. } | Ty::ChoiceMap { .. } => toml(input),
    }
}

fn get_path<'a>(table: &'a dyn TableLike, path: &[String]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let item = table.get(first)?;
    if rest.is_empty() {
        Some(item)
    } else {
        get_path(item.as_table_like()?, rest)
    }
}

/// Put `new` at `path` (or remove it when `None`), keeping the old value's
/// decor (its comment) so one edited value is one changed line.
fn put_path(
    table: &mut dyn TableLike,
    path: &[String],
    new: Option<Item>,
) -> Result<Option<Item>, EditError> {
    let Some((first, rest)) = path.split_first() else {
        return Err(EditError::Refused("empty field path".into()));
    };
    if rest.is_empty() {
        let old = table.get(first).cloned();
        match new {
            None => {
                table.remove(first);
            }
            Some(mut item) => {
                if let (Some(Item::Value(old_v)), Item::Value(new_v)) = (&old, &mut item) {
                    *new_v.decor_mut() = old_v.decor().clone();
                }
                // A whole table set over a `[scenario.revenue]` section stays
                // a section (the file's layout, and what `fmt` expects),
                // with the comments above its header.
                if let (Some(Item::Table(old_t)), Item::Value(Value::InlineTable(new_t))) =
                    (&old, &item)
                {
                    let mut t = new_t.clone().into_table();
                    t.set_implicit(false);
                    t.set_position(old_t.position());
                    *t.decor_mut() = old_t.decor().clone();
                    item = Item::Table(t);
                }
                match table.get_mut(first) {
                    Some(slot) => *slot = item,
                    None => {
                        table.insert(first, item);
                    }
                }
            }
        }
        return Ok(old);
    }
    if table.get(first).and_then(Item::as_table_like).is_none() {
        if new.is_none() {
            return Ok(None);
        }
        table.insert(first, Item::Value(Value::InlineTable(InlineTable::new())));
    }
    let Some(child) = table.get_mut(first).and_then(Item::as_table_like_mut) else {
        return Err(EditError::Refused(format!("`{first}` is not a table")));
    };
    let old = put_path(child, rest, new)?;
    if let Some(Item::Value(Value::InlineTable(t))) = table.get_mut(first) {
        if t.is_empty() {
            table.remove(first);
        } else if old.is_none() {
            t.fmt();
        }
    }
    Ok(old)
}

/// The id in a record's text.
fn record_id(kind: RecordKind, text: &str) -> String {
    source::with_record(kind, text, |t| {
        t.get("id")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    })
    .unwrap_or_default()
}

fn parse_doc(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>()
        .map_err(|e| EditError::Refused(format!("the file no longer parses: {}", e.message())))
}

impl Workspace {
    /// The ids of the records of a kind, in file order.
    pub fn ids(&self, kind: RecordKind) -> Vec<&str> {
        self.model.ids(kind)
    }

    /// How many records of a kind there are.
    pub fn count(&self, kind: RecordKind) -> usize {
        self.file(kind.file()).record_count(kind)
    }

    /// Find what an id names: `workspace`, `training`, or a record id.
    pub fn find(&self, id: &str) -> Option<Target> {
        match id {
            "workspace" => return Some(Target::File(FileKind::Workspace)),
            "training" => return Some(Target::File(FileKind::Training)),
            _ => {}
        }
        RecordKind::ALL
            .into_iter()
            .filter(|k| k.has_id())
            .find_map(|kind| {
                self.ids(kind)
                    .iter()
                    .position(|x| *x == id)
                    .map(|i| Target::Record(kind, i))
            })
    }

    fn find_kind(&self, id: &str) -> Option<RecordKind> {
        match self.find(id)? {
            Target::Record(k, _) => Some(k),
            Target::File(_) => None,
        }
    }

    /// Read a field as a TOML item: `get(target, &["residual", "likelihood"])`.
    pub fn get(&self, target: Target, path: &[String]) -> Option<Item> {
        match target {
            Target::File(kind) => {
                let doc = self.file(kind).text().parse::<DocumentMut>().ok()?;
                get_path(doc.as_table(), path).cloned()
            }
            Target::Record(kind, i) => {
                let doc = self
                    .file(kind.file())
                    .record_text(kind, i)?
                    .parse::<DocumentMut>()
                    .ok()?;
                let table = doc.get(kind.key())?.as_array_of_tables()?.get(0)?;
                get_path(table, path).cloned()
            }
        }
    }

    fn label(&self, target: Target) -> String {
        match target {
            Target::File(k) => k.file_name().trim_end_matches(".toml").to_string(),
            Target::Record(kind, i) => self
                .ids(kind)
                .get(i)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("{} #{}", kind.noun(), i + 1)),
        }
    }

    /// Who links to an id (record ids, or `training`).
    pub fn users_of(&self, id: &str) -> Vec<String> {
        let m = &self.model;
        let mut users = BTreeSet::new();
        for s in &m.scenarios {
            if s.needs.iter().any(|n| n == id)
                || s.scores.contains_key(id)
                || s.features.contains_key(id)
            {
                users.insert(s.id.clone());
            }
        }
        for c in &m.competitors {
            if c.features.contains_key(id) {
                users.insert(c.id.clone());
            }
        }
        for e in &m.evidence {
            if e.needs.iter().any(|n| n == id) {
                users.insert(e.id.clone());
            }
        }
        for r in &m.risks {
            if r.scenarios.iter().any(|s| s == id) {
                users.insert(r.id.clone());
            }
        }
        if m.comparisons.iter().any(|c| c.a == id || c.b == id) {
            users.insert("AHP comparisons".into());
        }
        if m.training.scenario.as_deref() == Some(id) {
            users.insert("training".into());
        }
        users.into_iter().collect()
    }

    /// Check a value for a field the way `check` would, plus its links.
    fn validate_value(
        &self,
        target: Target,
        field: &Field,
        path: &[String],
        item: &Item,
    ) -> Result<(), EditError> {
        let field_name = format!("{}.{}", self.label(target), path.join("."));
        let mut sink = Sink::new(Default::default(), "");
        let links = {
            let mut checker = Checker::new(&mut sink);
            match Node::from_item(item) {
                Some(node) => checker.check_item(field, node, "", &path.join("."), None),
                None => return Ok(()),
            }
            checker.collected.links
        };
        if let Some(d) = sink.out.iter().find(|d| d.is_error()) {
            let reason = d.message.trim_start_matches(": ").to_string();
            let reason = reason
                .split_once("` ")
                .map(|(_, r)| r.to_string())
                .unwrap_or(reason);
            return Err(EditError::InvalidValue {
                field: field_name,
                reason,
            });
        }
        for link in links {
            match self.find_kind(&link.id) {
                Some(k) if k == link.target => {}
                Some(k) => {
                    return Err(EditError::InvalidValue {
                        field: field_name,
                        reason: format!(
                            "`{}` is a {}, expected a {} id",
                            link.id,
                            k.noun(),
                            link.target.noun()
                        ),
                    });
                }
                None => {
                    return Err(EditError::InvalidValue {
                        field: field_name,
                        reason: format!("no {} with id `{}`", link.target.noun(), link.id),
                    });
                }
            }
        }
        Ok(())
    }

    /// Set a field from what a user typed. Nothing changes on error.
    pub fn set(
        &mut self,
        target: Target,
        path: &[String],
        input: &str,
    ) -> Result<Change, EditError> {
        let field = self.field_at(target, path)?;
        let value = parse_input(&field, input).map_err(|reason| EditError::InvalidValue {
            field: format!("{}.{}", self.label(target), path.join(".")),
            reason,
        })?;
        self.set_item(target, path, Some(Item::Value(value)))
    }

    fn field_at(&self, target: Target, path: &[String]) -> Result<Field, EditError> {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let what = match target {
            Target::File(k) => k.file_name().to_string(),
            Target::Record(kind, _) => format!("a {}", kind.noun()),
        };
        let field = schema::resolve_path(target.fields(), &keys).ok_or_else(|| {
            EditError::UnknownField {
                what: what.clone(),
                field: path.join("."),
            }
        })?;
        if let [parent @ .., key] = keys.as_slice()
            && !parent.is_empty()
            && let Some(pf) = schema::resolve_path(target.fields(), parent)
            && let Ty::NumberMap { keys: kind, .. } | Ty::ChoiceMap { keys: kind, .. } = pf.ty
            && self.find_kind(key) != Some(kind)
        {
            return Err(EditError::InvalidValue {
                field: format!("{}.{}", self.label(target), path.join(".")),
                reason: format!("no {} with id `{key}`", kind.noun()),
            });
        }
        Ok(field)
    }

    /// Set (or, with `None`, clear) a field to a TOML item, validated first.
    pub fn set_item(
        &mut self,
        target: Target,
        path: &[String],
        new: Option<Item>,
    ) -> Result<Change, EditError> {
        let field = self.field_at(target, path)?;
        if let Target::Record(kind, i) = target
            && i >= self.count(kind)
        {
            return Err(EditError::Refused(format!("no {} #{}", kind.noun(), i + 1)));
        }
        match &new {
            Some(item) => self.validate_value(target, &field, path, item)?,
            None if field.required && path.len() == 1 => {
                return Err(EditError::InvalidValue {
                    field: format!("{}.{}", self.label(target), path.join(".")),
                    reason: "is required and cannot be cleared".into(),
                });
            }
            None => {}
        }
        if path.len() == 1 && path[0] == "id" && matches!(target, Target::Record(..)) {
            let new_id = new
                .as_ref()
                .and_then(Item::as_str)
                .unwrap_or_default()
                .to_string();
            let old_id = self.label(target);
            if new_id != old_id {
                if !valid_id(&new_id) {
                    return Err(EditError::InvalidValue {
                        field: format!("{old_id}.id"),
                        reason: format!("`{new_id}` may only use letters, digits, `-` and `_`"),
                    });
                }
                if self.find(&new_id).is_some() {
                    return Err(EditError::InvalidValue {
                        field: format!("{old_id}.id"),
                        reason: format!("id `{new_id}` is already used"),
                    });
                }
                let users = self.users_of(&old_id);
                if !users.is_empty() {
                    return Err(EditError::Refused(format!(
                        "cannot rename `{old_id}`: it is linked from {}",
                        users.join(", ")
                    )));
                }
            }
        }
        let change = Change::Set {
            target,
            path: path.to_vec(),
            old: None,
            new,
        };
        let old = self.apply_set(target, path, change_new(&change))?;
        Ok(match change {
            Change::Set {
                target, path, new, ..
            } => Change::Set {
                target,
                path,
                old,
                new,
            },
            other => other,
        })
    }

    fn apply_set(
        &mut self,
        target: Target,
        path: &[String],
        new: Option<Item>,
    ) -> Result<Option<Item>, EditError> {
        let kind = target.file();
        match target {
            Target::Record(rk, i) => {
                let text = self
                    .file(kind)
                    .record_text(rk, i)
                    .ok_or_else(|| EditError::Refused(format!("no {} #{}", rk.noun(), i + 1)))?;
                let mut doc = parse_doc(text)?;
                let table = doc
                    .get_mut(rk.key())
                    .and_then(Item::as_array_of_tables_mut)
                    .and_then(|a| a.get_mut(0))
                    .ok_or_else(|| {
                        EditError::Refused(format!("{} #{} is not a record", rk.noun(), i + 1))
                    })?;
                let old = put_path(table, path, new)?;
                self.model.read_record(rk, i, Node::Table(&*table, None));
                let rendered = self.file(kind).native(&doc.to_string());
                self.file_mut(kind).replace_record(rk, i, &rendered);
                self.mark_stale(kind);
                Ok(old)
            }
            Target::File(_) => {
                let mut doc = parse_doc(self.file(kind).text())?;
                // A table at the top of a file is written as `[data]`, not
                // as an inline table, and goes when its last field does.
                if let [first, _, ..] = path
                    && new.is_some()
                    && doc.get(first).is_none()
                {
                    let mut table = Table::new();
                    table.set_implicit(false);
                    doc.insert(first, Item::Table(table));
                }
                let old = put_path(doc.as_table_mut(), path, new)?;
                if let [first, _, ..] = path
                    && doc
                        .get(first)
                        .and_then(Item::as_table)
                        .is_some_and(|t| t.is_empty())
                {
                    doc.remove(first);
                }
                let text = self.file(kind).native(&doc.to_string());
                self.replace_text(kind, text)?;
                Ok(old)
            }
        }
    }

    pub(crate) fn replace_text_from_journal(
        &mut self,
        kind: FileKind,
        text: String,
    ) -> Result<(), String> {
        self.replace_text(kind, text).map_err(|e| e.to_string())
    }

    /// Check what a user typed for a field without changing anything; the
    /// reason is in the words `lodestar set` would use.
    pub fn validate_input(
        &self,
        fields: &'static [Field],
        path: &[String],
        input: &str,
    ) -> Result<(), String> {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let field = schema::resolve_path(fields, &keys)
            .ok_or_else(|| format!("`{}` is not a field", path.join(".")))?;
        let value = parse_input(&field, input)?;
        let target = Target::File(FileKind::Workspace);
        match self.validate_value(target, &field, path, &Item::Value(value)) {
            Ok(()) => Ok(()),
            Err(EditError::InvalidValue { reason, .. }) => Err(reason),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Replace a whole file's text, re-indexing its records and re-reading them.
    fn replace_text(&mut self, kind: FileKind, text: String) -> Result<(), EditError> {
        let path = self.file(kind).path.clone();
        let root = source::parse(&path, &text).map_err(|d| EditError::Refused(d.message))?;
        let records = source::index_records(kind, &text, &root);
        self.model.read_file(kind, Node::Root(root.get_ref()));
        drop(root);
        self.file_mut(kind).set_text(text, records);
        self.mark_stale(kind);
        Ok(())
    }

    /// A new record with its id and every required field at a sensible
    /// starting value, in schema order.
    pub fn new_record(&self, kind: RecordKind) -> Table {
        let mut t = Table::new();
        for f in kind.fields().iter().filter(|f| f.required) {
            let v: Value = match (f.key, f.ty) {
                ("id", _) => Value::from(self.next_id(kind)),
                (_, Ty::Choice(c)) => Value::from(c[0]),
                (_, Ty::Int { min, .. }) => Value::from(min.max(1)),
                (_, Ty::Number { min, .. }) => Value::from(min.max(0.0)),
                (_, Ty::Link(k)) => Value::from(self.ids(k).first().copied().unwrap_or("")),
                // No default for a date: the form asks for it (the workbench
                // fills in today where that is the natural answer).
                (_, Ty::Date) => continue,
                _ => one_line_string("New"),
            };
            t.insert(f.key, Item::Value(v));
        }
        t
    }

    /// The next free id with the kind's prefix: `risk-015`.
    pub fn next_id(&self, kind: RecordKind) -> String {
        let prefix = kind.id_prefix();
        let n = self
            .ids(kind)
            .into_iter()
            .filter_map(|id| id.strip_prefix(prefix).and_then(|s| s.parse::<u32>().ok()))
            .max()
            .unwrap_or(0);
        (n + 1..)
            .map(|i| format!("{prefix}{i:03}"))
            .find(|id| self.find(id).is_none())
            .unwrap_or_else(|| format!("{prefix}new"))
    }

    /// Append a record, validated first.
    pub fn add_record(&mut self, kind: RecordKind, table: Table) -> Result<Change, EditError> {
        let mut sink = Sink::new(Default::default(), "");
        let collected = {
            let mut checker = Checker::new(&mut sink);
            checker.check_record(kind, Node::Table(&table, None));
            checker.collected
        };
        if let Some(d) = sink.out.iter().find(|d| d.is_error()) {
            return Err(EditError::Refused(d.message.clone()));
        }
        if let Some(def) = collected.ids.first()
            && self.find(&def.id).is_some()
        {
            return Err(EditError::Refused(format!(
                "id `{}` is already used",
                def.id
            )));
        }
        for link in &collected.links {
            if self.find_kind(&link.id) != Some(link.target) {
                return Err(EditError::Refused(format!(
                    "{}: no {} with id `{}`",
                    link.context,
                    link.target.noun(),
                    link.id
                )));
            }
        }
        let mut table = table;
        let file = self.file(kind.file());
        if !file.text().trim().is_empty() {
            table.decor_mut().set_prefix("\n");
        }
        let mut array = ArrayOfTables::new();
        array.push(table);
        let mut doc = DocumentMut::new();
        doc.insert(kind.key(), Item::ArrayOfTables(array));
        let text = file.native(&doc.to_string());
        let change = Change::Insert {
            kind,
            index: self.count(kind),
            text,
        };
        self.apply(&change)?;
        Ok(change)
    }

    /// Remove a record. Refused while other records link to it.
    pub fn remove_record(&mut self, kind: RecordKind, index: usize) -> Result<Change, EditError> {
        let text = self
            .file(kind.file())
            .record_text(kind, index)
            .ok_or_else(|| EditError::Refused(format!("no {} #{}", kind.noun(), index + 1)))?
            .to_string();
        if let Some(id) = self.ids(kind).get(index).map(|s| s.to_string()) {
            let users = self.users_of(&id);
            if !users.is_empty() {
                return Err(EditError::Refused(format!(
                    "cannot delete `{id}`: it is linked from {} (remove those links first)",
                    users.join(", ")
                )));
            }
        }
        let change = Change::Remove { kind, index, text };
        self.apply(&change)?;
        Ok(change)
    }

    /// Set or clear (`None`) entries of a map field (`scores`, `features`)
    /// as one change of the whole map, so that undo puts every key back
    /// where it was. A map left empty stays as `{}`.
    pub fn set_map_entries(
        &mut self,
        target: Target,
        parent: &str,
        entries: &[(String, Option<String>)],
    ) -> Result<Change, EditError> {
        let path = [parent.to_string()];
        let mut item = self
            .get(target, &path)
            .unwrap_or_else(|| Item::Value(Value::InlineTable(InlineTable::new())));
        for (key, input) in entries {
            let full = [parent.to_string(), key.clone()];
            let field = self.field_at(target, &full)?;
            let table = item
                .as_table_like_mut()
                .ok_or_else(|| EditError::Refused(format!("`{parent}` is not a table")))?;
            match input {
                None => {
                    table.remove(key);
                }
                Some(text) => {
                    let value =
                        parse_input(&field, text).map_err(|reason| EditError::InvalidValue {
                            field: format!("{}.{}.{key}", self.label(target), parent),
                            reason,
                        })?;
                    match table.get_mut(key) {
                        Some(Item::Value(v)) => {
                            let decor = v.decor().clone();
                            *v = value;
                            *v.decor_mut() = decor;
                        }
                        _ => {
                            table.insert(key, Item::Value(value));
                        }
                    }
                }
            }
        }
        if let Item::Value(Value::InlineTable(t)) = &mut item
            && t.iter().next().is_none()
        {
            *t = InlineTable::new();
        }
        self.set_item(target, &path, Some(item))
    }

    /// What goes with a criterion when it is removed: the scenarios that
    /// score it and the AHP comparisons that name it.
    pub fn criterion_dependents(&self, id: &str) -> (Vec<String>, usize) {
        let m = &self.model;
        let scored = m
            .scenarios
            .iter()
            .filter(|s| s.scores.contains_key(id))
            .map(|s| s.id.clone())
            .collect();
        let compared = m
            .comparisons
            .iter()
            .filter(|c| c.a == id || c.b == id)
            .count();
        (scored, compared)
    }

    /// Remove a criterion together with its scores and the AHP comparisons
    /// that name it: one group of changes (undo brings all of it back).
    /// Refused, with nothing changed, while anything else links to it.
    pub fn remove_criterion(&mut self, index: usize) -> Result<Vec<Change>, EditError> {
        let id = self
            .ids(RecordKind::Criterion)
            .get(index)
            .map(|s| s.to_string())
            .ok_or_else(|| EditError::Refused(format!("no criterion #{}", index + 1)))?;
        let mut done: Vec<Change> = Vec::new();
        let result = (|| {
            let scored: Vec<usize> = (0..self.model.scenarios.len())
                .filter(|&i| self.model.scenarios[i].scores.contains_key(&id))
                .collect();
            for i in scored {
                let target = Target::Record(RecordKind::Scenario, i);
                done.push(self.set_map_entries(target, "scores", &[(id.clone(), None)])?);
            }
            let compared: Vec<usize> = (0..self.model.comparisons.len())
                .filter(|&k| {
                    let c = &self.model.comparisons[k];
                    c.a == id || c.b == id
                })
                .collect();
            for k in compared.into_iter().rev() {
                done.push(self.remove_record(RecordKind::Comparison, k)?);
            }
            done.push(self.remove_record(RecordKind::Criterion, index)?);
            Ok(())
        })();
        match result {
            Ok(()) => Ok(done),
            Err(e) => {
                for c in done.iter().rev() {
                    let _ = self.apply(&c.inverse());
                }
                Err(e)
            }
        }
    }

    /// Apply a change as it is (undo, redo, recovery). Only structural
    /// checks are made: the change was validated when it was first made.
    pub fn apply(&mut self, change: &Change) -> Result<(), EditError> {
        match change {
            Change::Set {
                target, path, new, ..
            } => {
                self.apply_set(*target, path, new.clone())?;
            }
            Change::Insert { kind, index, text } => {
                if *index > self.count(*kind) {
                    return Err(EditError::Refused(format!(
                        "no place #{} for a {}",
                        index + 1,
                        kind.noun()
                    )));
                }
                let model = &mut self.model;
                source::with_record(*kind, text, |t| model.insert_record(*kind, *index, t))
                    .ok_or_else(|| EditError::Refused(format!("not a {} record", kind.noun())))?;
                self.file_mut(kind.file())
                    .insert_record(*kind, *index, text);
                self.mark_stale(kind.file());
            }
            Change::Remove { kind, index, .. } => {
                if self
                    .file_mut(kind.file())
                    .remove_record(*kind, *index)
                    .is_none()
                {
                    return Err(EditError::Refused(format!(
                        "no {} #{}",
                        kind.noun(),
                        index + 1
                    )));
                }
                self.model.remove_record(*kind, *index);
                self.mark_stale(kind.file());
            }
        }
        Ok(())
    }
}
fn change_new(change: &Change) -> Option<Item> {
    match change {
        Change::Set { new, .. } => new.clone(),
        _ => None,
    }
}
