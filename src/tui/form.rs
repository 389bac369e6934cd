//! Edit forms generated from the schema: text fields with a real cursor
//! (tui-input; widths are Unicode-aware, so CJK text places the cursor
//! right), enums as pickers, lists of links as a multi-select picker with
//! search, maps (scores, feature coverage) as one row per key, values
//! validated as you type. Prose fields (descriptions, notes) open a
//! multi-line editor (ratatui-textarea: Unicode-width aware, soft-wrapped).
//! The same forms edit the settings at the top of `workspace.toml` and
//! `training.toml` (nested tables field by field; the training data file
//! and its columns chosen from what is on disk).

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};
use toml_edit::{InlineTable, Item, Table, Value};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::workspace::edit::{parse_input, show_item};
use crate::workspace::schema::{self, Field, FileKind, RecordKind, Ty};
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
    /// For lists of data columns (`data.include`): chosen in the same
    /// picker, from the header of the training data file.
    pub columns: bool,
    /// Prose (a description, notes): edited in a multi-line editor.
    pub prose: bool,
    /// Required here: required itself and inside tables that are required
    /// (marked `*`).
    pub mandatory: bool,
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

/// What a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A new record of a kind.
    Add(RecordKind),
    /// The record of a kind at an index.
    Edit(RecordKind, usize),
    /// The settings at the top of a file (`workspace.toml`, `training.toml`).
    Settings(FileKind),
}

pub struct Form {
    pub subject: Subject,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why applying failed (the form stays open).
    pub error: Option<String>,
    /// The multi-select picker of a links field, while open.
    pub picker: Option<Picker>,
    /// The multi-line editor of a prose field, while open.
    pub editor: Option<Editor>,
}

/// Editing a prose field over several lines: Enter starts a new line,
/// Esc or Tab closes it (keeping the text), Ctrl-z / Ctrl-y undo and redo.
pub struct Editor {
    /// The form field it fills.
    pub field: usize,
    pub area: TextArea<'static>,
}

impl Editor {
    fn new(field: usize, text: &str) -> Editor {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Editor { field, area }
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }
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

/// The rows a form shows for a list of fields: scalars, lists, the fields
/// of nested tables (`kpi.target`, `optimizer.early-stopping.patience`),
/// and one row per key of a map (a score per criterion, a coverage per
/// feature).
fn form_rows(ws: &Workspace, fields: &'static [Field]) -> Vec<Row> {
    let mut out = Vec::new();
    rows_into(ws, fields, &[], &mut out);
    out
}

fn rows_into(ws: &Workspace, fields: &'static [Field], prefix: &[String], out: &mut Vec<Row>) {
    let m = &ws.model;
    let at = |key: &str| {
        let mut p = prefix.to_vec();
        p.push(key.to_string());
        p
    };
    for f in fields {
        match f.ty {
            Ty::Table(sub) => rows_into(ws, sub, &at(f.key), out),
            Ty::NumberMap {
                keys: RecordKind::Criterion,
                ..
            } => {
                for c in &m.criteria {
                    let better = if c.cost {
                        "tui.form.lower_better"
                    } else {
                        "tui.form.higher_better"
                    };
                    let mut path = at(f.key);
                    path.push(c.id.clone());
                    out.push(Row {
                        path,
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
                        hint: crate::tr!(
                            better,
                            lo = number(c.min),
                            hi = number(c.max),
                            name = c.name
                        ),
                        range: Some((c.min, c.max)),
                    });
                }
            }
            Ty::ChoiceMap { keys, choices } => {
                let titles = titles(ws, keys);
                for (id, title) in titles {
                    let mut path = at(f.key);
                    path.push(id);
                    out.push(Row {
                        path,
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
                path: at(f.key),
                field: *f,
                hint: String::new(),
                range: None,
            }),
        }
    }
}

/// Whether a field is prose, edited over several lines.
fn is_prose(field: &Field) -> bool {
    matches!(field.ty, Ty::Text) && matches!(field.key, "description" | "notes" | "mitigation")
}

/// CSV files in the workspace (paths relative to it, `/`-separated), for
/// choosing the training data: at most three folders deep, hidden folders
/// and `runs/` skipped, at most 200.
pub fn data_files(root: &std::path::Path) -> Vec<String> {
    fn walk(dir: &std::path::Path, rel: &str, depth: usize, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            if out.len() >= 200 {
                return;
            }
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                if depth > 0 && name != "runs" && name != "target" {
                    walk(&e.path(), &path, depth - 1, out);
                }
            } else if kind.is_file() && name.to_ascii_lowercase().ends_with(".csv") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, "", 3, &mut out);
    out
}

/// The header of a CSV file inside the workspace (empty when it cannot be
/// read: the field is then typed by hand).
pub fn csv_columns(root: &std::path::Path, rel: &str) -> Vec<String> {
    let rel = rel.trim();
    if rel.is_empty() || std::path::Path::new(rel).is_absolute() || rel.contains("..") {
        return Vec::new();
    }
    let Ok(file) = std::fs::File::open(root.join(rel)) else {
        return Vec::new();
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(std::io::BufReader::new(file));
    reader
        .headers()
        .map(|h| h.iter().map(str::to_string).take(2000).collect())
        .unwrap_or_default()
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
        match index {
            Some(i) => Form::build(ws, Subject::Edit(kind, i)),
            None => Form::build(ws, Subject::Add(kind)),
        }
    }

    /// A form for the settings at the top of a file.
    pub fn settings(ws: &Workspace, file: FileKind) -> Form {
        Form::build(ws, Subject::Settings(file))
    }

    /// The fields of what the form edits.
    pub fn schema(&self) -> &'static [Field] {
        match self.subject {
            Subject::Add(k) | Subject::Edit(k, _) => k.fields(),
            Subject::Settings(f) => f.top_fields(),
        }
    }

    /// The record kind, unless the form edits settings.
    pub fn kind(&self) -> Option<RecordKind> {
        match self.subject {
            Subject::Add(k) | Subject::Edit(k, _) => Some(k),
            Subject::Settings(_) => None,
        }
    }

    fn build(ws: &Workspace, subject: Subject) -> Form {
        let (fields_of, adding) = match subject {
            Subject::Add(k) | Subject::Edit(k, _) => {
                (k.fields(), matches!(subject, Subject::Add(_)))
            }
            Subject::Settings(f) => (f.top_fields(), false),
        };
        let template = match subject {
            Subject::Add(k) => ws.new_record(k),
            _ => Table::new(),
        };
        let mut fields = Vec::new();
        for row in form_rows(ws, fields_of) {
            let Row {
                path,
                field,
                hint,
                range,
            } = row;
            let existing = match subject {
                Subject::Edit(k, i) => ws.get(Target::Record(k, i), &path),
                Subject::Settings(f) => ws.get(Target::File(f), &path),
                Subject::Add(_) => get_in(&template, &path).cloned(),
            };
            // Required here when it and every table around it are required.
            let mandatory = field.required
                && (1..path.len()).all(|n| {
                    let keys: Vec<&str> = path[..n].iter().map(String::as_str).collect();
                    schema::resolve_path(fields_of, &keys).is_some_and(|p| p.required)
                });
            let mut original = as_input(existing.as_ref());
            if adding && path != ["id"] && matches!(field.ty, Ty::Text) {
                // A new record starts with empty text, not a placeholder.
                original.clear();
            }
            if adding && original.is_empty() && matches!(field.ty, Ty::Choice(_)) {
                original = field
                    .default
                    .map(|d| d.trim_matches('"').to_string())
                    .unwrap_or_default();
            }
            let options: Option<Vec<String>> = match field.ty {
                Ty::Choice(options) => {
                    let mut opts: Vec<String> = Vec::new();
                    if !mandatory {
                        opts.push(String::new());
                    }
                    opts.extend(options.iter().map(|o| o.to_string()));
                    Some(opts)
                }
                Ty::Bool => {
                    let mut opts: Vec<String> = Vec::new();
                    if !mandatory {
                        opts.push(String::new());
                    }
                    opts.extend(["true".to_string(), "false".to_string()]);
                    Some(opts)
                }
                Ty::Link(kind) => {
                    // One record of a kind: chosen among those that exist (a
                    // dangling id already in the file stays an option).
                    let mut opts: Vec<String> = Vec::new();
                    if !mandatory {
                        opts.push(String::new());
                    }
                    let ids: Vec<String> = ws.ids(kind).iter().map(|s| s.to_string()).collect();
                    if !original.is_empty() && !ids.contains(&original) {
                        opts.push(original.clone());
                    }
                    opts.extend(ids);
                    (opts.len() > usize::from(!mandatory)).then_some(opts)
                }
                Ty::Path if matches!(subject, Subject::Settings(FileKind::Training)) => {
                    // The training data: one of the CSV files in the workspace.
                    let mut opts = vec![String::new()];
                    if !original.is_empty() {
                        opts.push(original.clone());
                    }
                    for f in data_files(&ws.root) {
                        if f != original {
                            opts.push(f);
                        }
                    }
                    (opts.len() > 1).then_some(opts)
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
            let columns = matches!(subject, Subject::Settings(FileKind::Training))
                && path.len() == 2
                && path[0] == "data"
                && matches!(path[1].as_str(), "include" | "exclude" | "categorical");
            let label = schema::path_label(&path, field.key.is_empty());
            fields.push(FormField {
                input: Input::new(original.clone()),
                prose: is_prose(&field),
                path,
                label,
                field,
                choices,
                links,
                columns,
                mandatory,
                hint,
                range,
                touched: false,
                original: if adding { String::new() } else { original },
                error: None,
                fresh: true,
            });
        }
        // Adding starts at the name: the id follows it until typed by hand.
        let focus = match subject {
            Subject::Add(k) if k.has_id() => fields
                .iter()
                .position(|f| f.path == ["name"] || f.path == ["title"])
                .unwrap_or(0),
            _ => 0,
        };
        let mut form = Form {
            subject,
            fields,
            focus,
            error: None,
            picker: None,
            editor: None,
        };
        form.refresh_columns(ws);
        form.validate_all(ws);
        form
    }

    /// In the training settings, the target column is chosen from the
    /// header of the chosen data file (typed when it cannot be read).
    fn refresh_columns(&mut self, ws: &Workspace) {
        if self.subject != Subject::Settings(FileKind::Training) {
            return;
        }
        let file = self.value_of(&["data", "file"]).unwrap_or_default();
        let columns = csv_columns(&ws.root, &file);
        if let Some(f) = self
            .fields
            .iter_mut()
            .find(|f| f.path == ["data", "target"])
        {
            let value = f.value();
            f.choices = (!columns.is_empty()).then(|| {
                let mut opts = vec![String::new()];
                if !value.is_empty() && !columns.contains(&value) {
                    opts.push(value.clone());
                }
                opts.extend(columns.iter().cloned());
                let i = opts.iter().position(|o| *o == value).unwrap_or(0);
                (opts, i)
            });
            if f.choices.is_none() {
                f.input = Input::new(value);
            }
        }
    }

    fn refresh_focus(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.fresh = true;
        }
    }

    pub fn title(&self) -> String {
        match self.subject {
            Subject::Edit(k, _) => crate::tr!("tui.form.edit", what = noun(k)),
            Subject::Add(k) => crate::tr!("tui.form.new", what = noun(k)),
            Subject::Settings(f) => crate::tr!("tui.form.settings", file = f.file_name()),
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
        let parent = &f.path[..f.path.len().saturating_sub(1)];
        let required = f.mandatory
            || (f.field.required
                && self.fields.iter().any(|o| {
                    o.path.len() == f.path.len()
                        && o.path.starts_with(parent)
                        && !o.value().trim().is_empty()
                }));
        let error = if !visible {
            None
        } else if value.trim().is_empty() {
            required.then(|| crate::tr!("tui.form.required"))
        } else {
            ws.validate_input(self.schema(), &f.path, &value)
                .err()
                .or_else(|| {
                    let (lo, hi) = f.range?;
                    let x: f64 = value.trim().parse().ok()?;
                    (x < lo || x > hi).then(|| {
                        crate::tr!(
                            "tui.form.out_of_range",
                            value = value.trim(),
                            lo = number(lo),
                            hi = number(hi)
                        )
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
        let Subject::Add(kind) = self.subject else {
            return;
        };
        let numbered = matches!(
            kind,
            RecordKind::Need | RecordKind::Trend | RecordKind::Evidence | RecordKind::Risk
        );
        if !kind.has_id() || numbered {
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
        let options = match (f.links, f.columns) {
            (Some(kind), _) => titles(ws, kind),
            (None, true) => {
                let file = self.value_of(&["data", "file"]).unwrap_or_default();
                csv_columns(&ws.root, &file)
                    .into_iter()
                    .map(|c| (c, String::new()))
                    .collect()
            }
            (None, false) => return,
        };
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
            options,
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

    /// Close the editor, writing its text into its field.
    fn close_editor(&mut self, ws: &Workspace) {
        let Some(e) = self.editor.take() else { return };
        let text = e.text();
        if let Some(f) = self.fields.get_mut(e.field) {
            if f.value() != text {
                f.touched = true;
            }
            f.input = Input::new(text);
            f.fresh = false;
        }
        self.validate(ws, e.field);
    }

    fn editor_key(&mut self, ws: &Workspace, key: KeyEvent) -> FormOutcome {
        let Some(e) = self.editor.as_mut() else {
            return FormOutcome::Continue;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab => self.close_editor(ws),
            KeyCode::Char('s') if ctrl => {
                self.close_editor(ws);
                return FormOutcome::Apply;
            }
            KeyCode::Char('z') if ctrl => {
                e.area.undo();
            }
            KeyCode::Char('y') if ctrl => {
                e.area.redo();
            }
            _ => {
                e.area.input(key);
            }
        }
        FormOutcome::Continue
    }

    /// Open the multi-line editor of prose field `i`, with what was typed.
    fn open_editor(&mut self, i: usize, key: Option<KeyEvent>) {
        let Some(f) = self.fields.get(i) else { return };
        let mut editor = Editor::new(i, &f.value());
        if let Some(key) = key {
            editor.area.input(key);
        }
        self.editor = Some(editor);
    }

    /// Handle a key; editing keys go to the focused field.
    pub fn handle_key(&mut self, ws: &Workspace, key: KeyEvent) -> FormOutcome {
        if self.picker.is_some() {
            self.picker_key(ws, key);
            return FormOutcome::Continue;
        }
        if self.editor.is_some() {
            return self.editor_key(ws, key);
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
                let plain = !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                if self.fields.get(focus).is_some_and(|f| f.prose) {
                    match key.code {
                        KeyCode::Right | KeyCode::F(2) => self.open_editor(focus, None),
                        KeyCode::Char(_) | KeyCode::Backspace if plain => {
                            self.open_editor(focus, Some(key))
                        }
                        _ => {}
                    }
                    return FormOutcome::Continue;
                }
                let is_links = self
                    .fields
                    .get(focus)
                    .is_some_and(|f| f.links.is_some() || f.columns);
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
                    .is_some_and(|f| f.path == ["data", "file"])
                {
                    self.refresh_columns(ws);
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
        let target = match self.subject {
            Subject::Add(kind) => {
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
                return ws
                    .add_record(kind, table)
                    .map(|c| vec![c])
                    .map_err(|e| e.to_string());
            }
            Subject::Edit(kind, index) => Target::Record(kind, index),
            Subject::Settings(file) => Target::File(file),
        };
        {
            {
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

/// What a user calls a record of this kind, in the interface language.
pub fn noun(k: RecordKind) -> String {
    match k {
        RecordKind::Criterion => crate::tr!("tui.noun.criterion"),
        RecordKind::Comparison => crate::tr!("tui.noun.comparison"),
        RecordKind::RiskBand => crate::tr!("tui.noun.risk-band"),
        RecordKind::Need => crate::tr!("tui.noun.need"),
        RecordKind::Segment => crate::tr!("tui.noun.segment"),
        RecordKind::Trend => crate::tr!("tui.noun.trend"),
        RecordKind::Feature => crate::tr!("tui.noun.feature"),
        RecordKind::Competitor => crate::tr!("tui.noun.competitor"),
        RecordKind::Evidence => crate::tr!("tui.noun.evidence"),
        RecordKind::Series => crate::tr!("tui.noun.series"),
        RecordKind::Scenario => crate::tr!("tui.noun.scenario"),
        RecordKind::Risk => crate::tr!("tui.noun.risk"),
        RecordKind::Measurement => crate::tr!("tui.noun.measurement"),
        RecordKind::Actual => crate::tr!("tui.noun.actual"),
        RecordKind::Batch => crate::tr!("tui.noun.batch"),
    }
}
