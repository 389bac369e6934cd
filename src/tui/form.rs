//! Edit forms generated from the schema: text fields with a real cursor
//! (tui-input; widths are Unicode-aware, so CJK text places the cursor
//! right), enums as pickers, lists of links as a multi-select picker with
//! search, maps (scores, feature coverage) as one row per key, values
//! validated as you type.

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
    pub choices: Option<(Vec<String>, usize)>,
    /// For lists of links: the kind linked to (the value is chosen in a
    /// picker, not typed).
    pub links: Option<RecordKind>,
    /// Shown dimmed after the value: a criterion's scale, a feature's name.
    pub hint: String,
    /// For a map entry (`scores.value`): the allowed range, checked as you
    /// type on top of the schema's.
    pub range: Option<(f64, f64)>,
    /// Typed into by the user (an id typed by hand is no longer derived
    /// from the name).
    pub touched: bool,
    pub original: String,
    /// Why the current value would be refused, shown under the field.
    pub error: Option<String>,
    /// Just focused: the first character typed replaces the value.
    pub fresh: bool,
}

impl FormField {
    pub fn value(&self) -> String {
        match &self.choices {
            Some((options, i)) => options.get(*i).cloned().unwrap_or_default(),
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
    /// The multi-select picker of a links field, while open.
    pub picker: Option<Picker>,
}

/// Choosing the records a list of links names: type to search (id or
/// title), ↑↓ move, Enter ticks or unticks, Esc or Tab closes.
pub struct Picker {
    /// The form field it fills.
    pub field: usize,
    pub search: Input,
    /// Every record of the kind: (id, title).
    pub options: Vec<(String, String)>,
    pub chosen: Vec<String>,
    /// Cursor within the options the search lets through.
    pub cursor: usize,
}

impl Picker {
    /// Indices into `options` that match the search.
    pub fn visible(&self) -> Vec<usize> {
        let q = self.search.value().to_lowercase();
        (0..self.options.len())
            .filter(|&i| {
                let (id, title) = &self.options[i];
                q.is_empty() || id.to_lowercase().contains(&q) || title.to_lowercase().contains(&q)
            })
            .collect()
    }
}

/// Keys of one map and their new values (`None` clears).
type MapEntries = Vec<(String, Option<String>)>;

pub enum FormOutcome {
    Continue,
    Cancel,
    Apply,
}

/// One row of a form before it is filled: where it writes, its type, and
/// for map entries the range and the hint.
struct Row {
    path: Vec<String>,
    field: Field,
    hint: String,
    range: Option<(f64, f64)>,
}

/// The rows a form shows for a record kind: scalars, lists, the fields of
/// nested tables one level down (`kpi.target`), and one row per key of a
/// map (a score per criterion, a coverage per feature).
fn form_rows(ws: &Workspace, kind: RecordKind) -> Vec<Row> {
    let m = &ws.model;
    let mut out = Vec::new();
    for f in kind.fields() {
        match f.ty {
            Ty::Table(sub) => {
                for s in sub {
                    out.push(Row {
                        path: vec![f.key.to_string(), s.key.to_string()],
                        field: *s,
                        hint: String::new(),
                        range: None,
                    });
                }
            }
            Ty::NumberMap {
                keys: RecordKind::Criterion,
                ..
            } => {
                for c in &m.criteria {
                    let better = if c.cost { "lower" } else { "higher" };
                    out.push(Row {
                        path: vec![f.key.to_string(), c.id.clone()],
                        field: Field {
                            key: "",
                            ty: Ty::Number {
                                min: c.min,
                                max: c.max,
                            },
                            required: false,
                            default: None,
                            help: f.help,
                            example: "",
                        },
                        hint: format!(
                            "{}–{}, {better} is better · {}",
                            number(c.min),
                            number(c.max),
                            c.name
                        ),
                        range: Some((c.min, c.max)),
                    });
                }
            }
            Ty::ChoiceMap { keys, choices } => {
                let titles = titles(ws, keys);
                for (id, title) in titles {
                    out.push(Row {
                        path: vec![f.key.to_string(), id],
                        field: Field {
                            key: "",
                            ty: Ty::Choice(choices),
                            required: false,
                            default: None,
                            help: f.help,
                            example: "",
                        },
                        hint: title,
                        range: None,
                    });
                }
            }
            Ty::NumberMap { .. } => {}
            _ => out.push(Row {
                path: vec![f.key.to_string()],
                field: *f,
                hint: String::new(),
                range: None,
            }),
        }
    }
    out
}

/// A number as a user would type it: `4`, `0.5`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Every record of a kind as (id, title or name), in file order.
pub fn titles(ws: &Workspace, kind: RecordKind) -> Vec<(String, String)> {
    let ids: Vec<String> = ws.ids(kind).iter().map(|s| s.to_string()).collect();
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let target = Target::Record(kind, i);
            let title = ["title", "name"]
                .iter()
                .find_map(|k| {
                    ws.get(target, &[k.to_string()])
                        .and_then(|it| it.as_str().map(str::to_string))
                })
                .unwrap_or_default();
            (id, title)
        })
        .collect()
}

/// The options of a score row when its scale is a short run of whole
/// numbers (1–5, 0–10): pick one instead of typing it.
fn scale_options(min: f64, max: f64) -> Option<Vec<String>> {
    let whole = min.fract() == 0.0 && max.fract() == 0.0;
    (whole && max > min && max - min <= 20.0).then(|| {
        let (lo, hi) = (min as i64, max as i64);
        std::iter::once(String::new())
            .chain((lo..=hi).map(|v| v.to_string()))
            .collect()
    })
}

/// An id made from a name: `Shelf-gap detection` → `scn-shelf-gap-detection`
/// (criteria get no prefix: their ids are the keys of `scores`). Letters of
/// any script stay; a name with none gives the next numbered id.
pub fn id_from_name(ws: &Workspace, kind: RecordKind, name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        return ws.next_id(kind);
    }
    let prefix = match kind {
        RecordKind::Criterion => "",
        k => k.id_prefix(),
    };
    let base: String = format!("{prefix}{slug}").chars().take(48).collect();
    let base = base.trim_end_matches('-').to_string();
    if ws.find(&base).is_none() {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| ws.find(id).is_none())
        .unwrap_or(base)
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
        for row in form_rows(ws, kind) {
            let Row {
                path,
                field,
                hint,
                range,
            } = row;
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
            let options: Option<Vec<String>> = match field.ty {
                Ty::Choice(options) => {
                    let mut opts: Vec<String> = Vec::new();
                    let required_here = field.required && path.len() == 1;
                    if !required_here {
                        opts.push(String::new());
                    }
                    opts.extend(options.iter().map(|o| o.to_string()));
                    Some(opts)
                }
                Ty::Number { min, max } if range.is_some() => {
                    scale_options(min, max).filter(|o| original.is_empty() || o.contains(&original))
                }
                _ => None,
            };
            let choices = options.map(|opts| {
                let i = opts.iter().position(|o| *o == original).unwrap_or(0);
                (opts, i)
            });
            let links = match field.ty {
                Ty::Links(k) => Some(k),
                _ => None,
            };
            let label = path.join(".");
            fields.push(FormField {
                input: Input::new(original.clone()),
                path,
                label,
                field,
                choices,
                links,
                hint,
                range,
                touched: false,
                original: if index.is_some() {
                    original
                } else {
                    String::new()
                },
                error: None,
                fresh: true,
            });
        }
        // Adding starts at the name: the id follows it until typed by hand.
        let focus = if index.is_none() {
            fields
                .iter()
                .position(|f| f.path == ["name"] || f.path == ["title"])
                .filter(|_| kind.has_id())
                .unwrap_or(0)
        } else {
            0
        };
        let mut form = Form {
            kind,
            index,
            fields,
            focus,
            error: None,
            picker: None,
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

    fn value_of(&self, path: &[&str]) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.path.iter().map(String::as_str).eq(path.iter().copied()))
            .map(FormField::value)
    }

    /// Whether field `i` is shown: the revenue fields only once a revenue
    /// model is chosen, and then only those the model uses (a value already
    /// in the file is always shown).
    pub fn visible(&self, i: usize) -> bool {
        let Some(f) = self.fields.get(i) else {
            return false;
        };
        if f.path.len() != 2 || f.path[0] != "revenue" || f.path[1] == "model" {
            return true;
        }
        let model = self.value_of(&["revenue", "model"]).unwrap_or_default();
        if model.is_empty() {
            return false;
        }
        match f.path[1].as_str() {
            // Only subscribers and licences are lost month by month.
            "churn" => {
                matches!(model.as_str(), "subscription" | "license") || !f.original.is_empty()
            }
            _ => true,
        }
    }

    fn step_focus(&mut self, forward: bool) {
        let n = self.fields.len().max(1);
        for _ in 0..n {
            self.focus = if forward {
                (self.focus + 1) % n
            } else {
                (self.focus + n - 1) % n
            };
            if self.visible(self.focus) {
                break;
            }
        }
        self.refresh_focus();
    }

    fn validate(&mut self, ws: &Workspace, i: usize) {
        let visible = self.visible(i);
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
        let error = if !visible {
            None
        } else if value.trim().is_empty() {
            required.then(|| "required".to_string())
        } else {
            ws.validate_input(self.kind.fields(), &f.path, &value)
                .err()
                .or_else(|| {
                    let (lo, hi) = f.range?;
                    let x: f64 = value.trim().parse().ok()?;
                    (x < lo || x > hi).then(|| {
                        format!("is {}, allowed {}–{}", value.trim(), number(lo), number(hi))
                    })
                })
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

    /// When adding, keep the id derived from the name until it is typed.
    fn derive_id(&mut self, ws: &Workspace) {
        // Needs, trends, evidence and risks keep numbered ids (`risk-016`),
        // as registers do; the others are named after what they are.
        let numbered = matches!(
            self.kind,
            RecordKind::Need | RecordKind::Trend | RecordKind::Evidence | RecordKind::Risk
        );
        if self.index.is_some() || !self.kind.has_id() || numbered {
            return;
        }
        let Some(name) = self
            .fields
            .iter()
            .find(|f| f.path == ["name"] || f.path == ["title"])
            .map(FormField::value)
        else {
            return;
        };
        let kind = self.kind;
        if let Some(i) = self.fields.iter().position(|f| f.path == ["id"])
            && !self.fields[i].touched
        {
            let id = id_from_name(ws, kind, &name);
            self.fields[i].input = Input::new(id);
            self.validate(ws, i);
        }
    }

    /// Open the picker of links field `i`.
    fn open_picker(&mut self, ws: &Workspace, i: usize, first: Option<char>) {
        let Some(f) = self.fields.get(i) else { return };
        let Some(kind) = f.links else { return };
        let chosen: Vec<String> = f
            .value()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let mut search = Input::default();
        if let Some(c) = first {
            search = Input::new(c.to_string());
        }
        self.picker = Some(Picker {
            field: i,
            search,
            options: titles(ws, kind),
            chosen,
            cursor: 0,
        });
    }

    /// Close the picker, writing the ticked ids into its field (in file
    /// order; ids not among the records stay, at the end).
    fn close_picker(&mut self, ws: &Workspace) {
        let Some(p) = self.picker.take() else { return };
        let mut ids: Vec<&str> = p
            .options
            .iter()
            .filter(|(id, _)| p.chosen.contains(id))
            .map(|(id, _)| id.as_str())
            .collect();
        for c in &p.chosen {
            if !p.options.iter().any(|(id, _)| id == c) {
                ids.push(c);
            }
        }
        let text = ids.join(", ");
        if let Some(f) = self.fields.get_mut(p.field) {
            f.input = Input::new(text);
            f.touched = true;
        }
        self.validate(ws, p.field);
    }

    fn picker_key(&mut self, ws: &Workspace, key: KeyEvent) {
        let Some(p) = self.picker.as_mut() else {
            return;
        };
        let shown = p.visible();
        match key.code {
            KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab => {
                self.close_picker(ws);
            }
            KeyCode::Down => p.cursor = (p.cursor + 1).min(shown.len().saturating_sub(1)),
            KeyCode::Up => p.cursor = p.cursor.saturating_sub(1),
            KeyCode::Enter => {
                if let Some(&i) = shown.get(p.cursor)
                    && let Some((id, _)) = p.options.get(i)
                {
                    match p.chosen.iter().position(|c| c == id) {
                        Some(k) => {
                            p.chosen.remove(k);
                        }
                        None => p.chosen.push(id.clone()),
                    }
                }
            }
            _ => {
                p.search.handle_event(&Event::Key(key));
                p.cursor = 0;
            }
        }
    }

    /// Handle a key; editing keys go to the focused field.
    pub fn handle_key(&mut self, ws: &Workspace, key: KeyEvent) -> FormOutcome {
        if self.picker.is_some() {
            self.picker_key(ws, key);
            return FormOutcome::Continue;
        }
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => return FormOutcome::Apply,
            KeyCode::Tab | KeyCode::Down => self.step_focus(true),
            KeyCode::BackTab | KeyCode::Up => self.step_focus(false),
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return FormOutcome::Apply;
            }
            _ => {
                let focus = self.focus;
                let is_links = self.fields.get(focus).is_some_and(|f| f.links.is_some());
                if is_links {
                    match key.code {
                        KeyCode::Char(' ') | KeyCode::Right => self.open_picker(ws, focus, None),
                        KeyCode::Char(c)
                            if !key
                                .modifiers
                                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                        {
                            self.open_picker(ws, focus, Some(c))
                        }
                        KeyCode::Delete | KeyCode::Backspace => {
                            if let Some(f) = self.fields.get_mut(focus) {
                                f.input = Input::default();
                            }
                        }
                        _ => {}
                    }
                    self.validate(ws, focus);
                    return FormOutcome::Continue;
                }
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
                            KeyCode::Delete | KeyCode::Backspace => {
                                if let Some(j) = options.iter().position(String::is_empty) {
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
                    f.touched = true;
                }
                let names = self
                    .fields
                    .get(focus)
                    .is_some_and(|f| f.path == ["name"] || f.path == ["title"]);
                if names {
                    self.derive_id(ws);
                }
                if self
                    .fields
                    .get(focus)
                    .is_some_and(|f| f.path == ["revenue", "model"])
                {
                    // Which revenue fields count depends on the model.
                    self.validate_all(ws);
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
        let shown: Vec<bool> = (0..self.fields.len()).map(|i| self.visible(i)).collect();
        let no_revenue = self
            .value_of(&["revenue", "model"])
            .is_some_and(|m| m.is_empty());
        match self.index {
            None => {
                let mut table = Table::new();
                for (f, shown) in self.fields.iter().zip(&shown) {
                    let value = f.value();
                    if !shown || value.trim().is_empty() {
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
                let had_revenue = ws.get(target, &["revenue".to_string()]).is_some();
                // Clearing the revenue model removes the whole revenue table.
                let drop_revenue = no_revenue && had_revenue;
                // The id last: other fields are addressed by position, not id.
                let mut order: Vec<&FormField> = self
                    .fields
                    .iter()
                    .filter(|f| f.changed())
                    .filter(|f| !(drop_revenue && f.path[0] == "revenue"))
                    .collect();
                order.sort_by_key(|f| f.path == ["id"]);
                let mut steps: Vec<(Vec<String>, Option<String>, String)> = Vec::new();
                if drop_revenue {
                    steps.push((vec!["revenue".into()], None, "revenue".into()));
                }
                // Map entries (a score, a coverage) change their map as a
                // whole, so undo puts every key back in its place.
                let mut maps: Vec<(String, MapEntries)> = Vec::new();
                for f in order {
                    let value = f.value();
                    let v = (!value.trim().is_empty()).then_some(value);
                    if f.path.len() == 2 && matches!(f.path[0].as_str(), "scores" | "features") {
                        match maps.iter_mut().find(|(p, _)| *p == f.path[0]) {
                            Some((_, entries)) => entries.push((f.path[1].clone(), v)),
                            None => maps.push((f.path[0].clone(), vec![(f.path[1].clone(), v)])),
                        }
                        continue;
                    }
                    steps.push((f.path.clone(), v, f.label.clone()));
                }
                for (parent, _) in &maps {
                    steps.push((vec![parent.clone()], None, parent.clone()));
                }
                // The id last (see above), after the revenue table.
                steps.sort_by_key(|(p, _, _)| *p == ["id"]);
                for (path, value, label) in steps {
                    let map = maps.iter().find(|(p, _)| path.len() == 1 && *p == path[0]);
                    let result = match (map, &value) {
                        (Some((parent, entries)), _) => ws.set_map_entries(target, parent, entries),
                        (None, None) => ws.set_item(target, &path, None),
                        (None, Some(v)) => ws.set(target, &path, v),
                    };
                    match result {
                        Ok(c) => done.push(c),
                        Err(e) => {
                            for c in done.iter().rev() {
                                let _ = ws.apply(&c.inverse());
                            }
                            return Err(match e {
                                EditError::InvalidValue { reason, .. } => {
                                    format!("{label}: {reason}")
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
