//! Edit forms generated from the schema: text fields with a real cursor
//! (tui-input; widths are Unicode-aware, so CJK text places the cursor
//! right), enums as pickers, values validated as you type.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use toml_edit::{InlineTable, Item, Table, Value};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::workspace::edit::{parse_input, show_item};
use crate::workspace::schema::{Field, RecordKind, Ty};
use crate::workspace::{Change, EditError, Target, Workspace};

pub struct FormField {
    pub path: Vec<String>,
    pub label: String,
    pub field: Field,
    pub input: Input,
    /// For choices: the options (with "" for "not set" when optional) and the
    /// chosen one.
    pub choices: Option<(Vec<&'static str>, usize)>,
    pub original: String,
    /// Why the current value would be refused, shown under the field.
    pub error: Option<String>,
    /// Just focused: the first character typed replaces the value.
    pub fresh: bool,
}

impl FormField {
    pub fn value(&self) -> String {
        match &self.choices {
            Some((options, i)) => options.get(*i).copied().unwrap_or_default().to_string(),
            None => self.input.value().to_string(),
        }
    }

    pub fn changed(&self) -> bool {
        self.value() != self.original
    }
}

pub struct Form {
    pub kind: RecordKind,
    /// `None` when adding a record.
    pub index: Option<usize>,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why applying failed (the form stays open).
    pub error: Option<String>,
}

pub enum FormOutcome {
    Continue,
    Cancel,
    Apply,
}

/// The fields a form shows for a record kind: scalars, lists, and the fields
/// of nested tables one level down (`kpi.target`); maps are edited elsewhere.
fn form_fields(kind: RecordKind) -> Vec<(Vec<String>, Field)> {
    let mut out = Vec::new();
    for f in kind.fields() {
        match f.ty {
            Ty::Table(sub) => {
                for s in sub {
                    out.push((vec![f.key.to_string(), s.key.to_string()], *s));
                }
            }
            Ty::NumberMap { .. } | Ty::ChoiceMap { .. } => {}
            _ => out.push((vec![f.key.to_string()], *f)),
        }
    }
    out
}

/// How an existing value is shown in a text field.
fn as_input(item: Option<&Item>) -> String {
    match item {
        None => String::new(),
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.clone().decorated("", "").to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(item) => show_item(item),
    }
}

impl Form {
    /// A form for a new record (index `None`) or an existing one.
    pub fn new(ws: &Workspace, kind: RecordKind, index: Option<usize>) -> Form {
        let template = ws.new_record(kind);
        let mut fields = Vec::new();
        for (path, field) in form_fields(kind) {
            let existing = match index {
                Some(i) => ws.get(Target::Record(kind, i), &path),
                None => get_in(&template, &path).cloned(),
            };
            let mut original = as_input(existing.as_ref());
            if index.is_none() && path != ["id"] && matches!(field.ty, Ty::Text) {
                // A new record starts with empty text, not a placeholder.
                original.clear();
            }
            if index.is_none() && original.is_empty() && matches!(field.ty, Ty::Choice(_)) {
                original = field
                    .default
                    .map(|d| d.trim_matches('"').to_string())
                    .unwrap_or_default();
            }
            let choices = match field.ty {
                Ty::Choice(options) => {
                    let mut opts: Vec<&'static str> = Vec::new();
                    let required_here = field.required && path.len() == 1;
                    if !required_here {
                        opts.push("");
                    }
                    opts.extend(options.iter().copied());
                    let i = opts.iter().position(|o| *o == original).unwrap_or(0);
                    Some((opts, i))
                }
                _ => None,
            };
            let label = path.join(".");
            fields.push(FormField {
                input: Input::new(original.clone()),
                path,
                label,
                field,
                choices,
                original: if index.is_some() {
                    original
                } else {
                    String::new()
                },
                error: None,
                fresh: true,
            });
        }
        let mut form = Form {
            kind,
            index,
            fields,
            focus: 0,
            error: None,
        };
        form.validate_all(ws);
        form
    }

    fn refresh_focus(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.fresh = true;
        }
    }

    pub fn title(&self) -> String {
        match self.index {
            Some(_) => format!("Edit {}", self.kind.noun()),
            None => format!("New {}", self.kind.noun()),
        }
    }

    fn validate(&mut self, ws: &Workspace, i: usize) {
        let Some(f) = self.fields.get(i) else { return };
        let value = f.value();
        // A field of an optional table (`residual.impact`) is required only
        // once the table is being filled in.
        let required = f.field.required
            && (f.path.len() == 1
                || self
                    .kind
                    .fields()
                    .iter()
                    .any(|p| p.key == f.path[0] && p.required)
                || self.fields.iter().any(|o| {
                    o.path.len() == 2 && o.path[0] == f.path[0] && !o.value().trim().is_empty()
                }));
        let error = if value.trim().is_empty() {
            required.then(|| "required".to_string())
        } else {
            ws.validate_input(self.kind.fields(), &f.path, &value).err()
        };
        if let Some(f) = self.fields.get_mut(i) {
            f.error = error;
        }
    }

    pub fn validate_all(&mut self, ws: &Workspace) {
        for i in 0..self.fields.len() {
            self.validate(ws, i);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Handle a key; editing keys go to the focused field.
    pub fn handle_key(&mut self, ws: &Workspace, key: KeyEvent) -> FormOutcome {
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => return FormOutcome::Apply,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len().max(1);
                self.refresh_focus();
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len().max(1) - 1) % self.fields.len().max(1);
                self.refresh_focus();
            }
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return FormOutcome::Apply;
            }
            _ => {
                let focus = self.focus;
                if let Some(f) = self.fields.get_mut(focus) {
                    match &mut f.choices {
                        Some((options, i)) => match key.code {
                            KeyCode::Left => *i = (*i + options.len() - 1) % options.len(),
                            KeyCode::Right | KeyCode::Char(' ') => *i = (*i + 1) % options.len(),
                            KeyCode::Char(c) => {
                                // Jump to the next option starting with the typed letter.
                                let n = options.len();
                                if let Some(j) = (1..=n)
                                    .map(|d| (*i + d) % n)
                                    .find(|j| options[*j].starts_with(c))
                                {
                                    *i = j;
                                }
                            }
                            _ => {}
                        },
                        None => {
                            let typing = matches!(key.code, KeyCode::Char(_))
                                && !key
                                    .modifiers
                                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                            if f.fresh && typing {
                                f.input = Input::default();
                            }
                            f.fresh = false;
                            f.input.handle_event(&Event::Key(key));
                        }
                    }
                }
                self.validate(ws, focus);
            }
        }
        FormOutcome::Continue
    }

    /// Apply the form: a group of changes for the undo stack. On failure
    /// nothing stays changed and the form shows the reason.
    pub fn apply(&mut self, ws: &mut Workspace) -> Result<Vec<Change>, String> {
        self.validate_all(ws);
        if let Some(f) = self.fields.iter().find(|f| f.error.is_some()) {
            return Err(format!(
                "{}: {}",
                f.label,
                f.error.clone().unwrap_or_default()
            ));
        }
        match self.index {
            None => {
                let mut table = Table::new();
                for f in &self.fields {
                    let value = f.value();
                    if value.trim().is_empty() {
                        continue;
                    }
                    let v =
                        parse_input(&f.field, &value).map_err(|e| format!("{}: {e}", f.label))?;
                    put_in(&mut table, &f.path, v);
                }
                ws.add_record(self.kind, table)
                    .map(|c| vec![c])
                    .map_err(|e| e.to_string())
            }
            Some(index) => {
                let target = Target::Record(self.kind, index);
                let mut done: Vec<Change> = Vec::new();
                // The id last: other fields are addressed by position, not id.
                let mut order: Vec<&FormField> =
                    self.fields.iter().filter(|f| f.changed()).collect();
                order.sort_by_key(|f| f.path == ["id"]);
                for f in order {
                    let value = f.value();
                    let result = if value.trim().is_empty() {
                        ws.set_item(target, &f.path, None)
                    } else {
                        ws.set(target, &f.path, &value)
                    };
                    match result {
                        Ok(c) => done.push(c),
                        Err(e) => {
                            for c in done.iter().rev() {
                                let _ = ws.apply(&c.inverse());
                            }
                            return Err(match e {
                                EditError::InvalidValue { reason, .. } => {
                                    format!("{}: {reason}", f.label)
                                }
                                e => e.to_string(),
                            });
                        }
                    }
                }
                Ok(done)
            }
        }
    }
}

fn get_in<'a>(table: &'a Table, path: &[String]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let item = table.get(first)?;
    if rest.is_empty() {
        Some(item)
    } else {
        let t = item.as_table_like()?;
        let mut cur = t.get(&rest[0])?;
        for k in &rest[1..] {
            cur = cur.as_table_like()?.get(k)?;
        }
        Some(cur)
    }
}

fn put_in(table: &mut Table, path: &[String], value: Value) {
    match path {
        [key] => {
            table.insert(key, Item::Value(value));
        }
        [parent, key] => {
            if table.get(parent).and_then(Item::as_inline_table).is_none() {
                table.insert(parent, Item::Value(Value::InlineTable(InlineTable::new())));
            }
            if let Some(t) = table.get_mut(parent).and_then(Item::as_inline_table_mut) {
                t.insert(key, value);
                t.fmt();
            }
        }
        _ => {}
    }
}
