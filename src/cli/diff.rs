//! `lodestar diff [REV_A [REV_B]] [DIR]`: what changed in a workspace between
//! two git revisions (default: HEAD and the working tree), per record and
//! field, and what it changes in the results: each scenario's rank, P(rank 1)
//! and NPV, and each risk's level. The JSON form is a contract (docs/CLI.md).

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;
use toml_edit::{DocumentMut, Item, TableLike};

use super::merge::{git, repo_of};
use super::{FAILURE, fit_width, write_stdout};
use crate::analysis::risk::{self, Bands};
use crate::numfmt::{compact, percent};
use crate::workspace::merge::parts;
use crate::workspace::schema::{Field, Ty};
use crate::workspace::{Date, FileKind, OpenError, RecordKind, Workspace};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum DiffFormat {
    #[default]
    Text,
    Json,
}

/// One side of the comparison.
#[derive(Debug, Clone)]
enum Side {
    Rev(String),
    WorkingTree,
}

impl Side {
    fn name(&self) -> String {
        match self {
            Side::Rev(r) => r.clone(),
            Side::WorkingTree => "working tree".into(),
        }
    }
}

#[derive(Debug, Serialize, PartialEq)]
pub struct FieldChange {
    /// Dotted path inside the record: `likelihood`, `scores.value`, `revenue.price`.
    pub field: String,
    /// The value as TOML; `null` when not set on that side.
    pub from: Option<String>,
    pub to: Option<String>,
    /// For lists of ids and tags: the items added and removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct RecordChange {
    pub file: &'static str,
    /// The record kind (`risk`); `null` for a file's top-level keys and tables.
    pub kind: Option<&'static str>,
    /// The record's id; the table's name, or "" for the top-level keys.
    pub id: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// For `changed`: every field that differs (empty: comments or layout only).
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize, Clone, Copy, PartialEq)]
pub struct Pair<T> {
    pub from: Option<T>,
    pub to: Option<T>,
}

impl<T: PartialEq> Pair<T> {
    fn changed(&self) -> bool {
        self.from != self.to
    }
}

#[derive(Debug, Serialize)]
pub struct ScenarioEffect {
    pub id: String,
    pub rank: Pair<usize>,
    /// Probability of ranking first under weight uncertainty (the workspace's
    /// samples and seed); `null` when sampling is off or scoring failed.
    pub p_first: Pair<f64>,
    pub npv: Pair<f64>,
}

#[derive(Debug, Serialize)]
pub struct RiskEffect {
    pub id: String,
    pub level: Pair<String>,
    pub residual_level: Pair<String>,
}

#[derive(Debug, Serialize)]
pub struct DiffOut {
    pub workspace: String,
    pub from: String,
    pub to: String,
    pub changes: Vec<RecordChange>,
    /// Scenarios whose rank, P(rank 1) or NPV changed.
    pub scenarios: Vec<ScenarioEffect>,
    /// Risks whose level or residual level changed.
    pub risks: Vec<RiskEffect>,
    /// Why a side's results could not be computed, if so.
    pub notes: Vec<String>,
}

/// Split `[REV_A [REV_B]] [DIR]`: a last argument that is a folder is DIR.
fn parse_args(args: &[String]) -> Result<(Side, Side, PathBuf), String> {
    let (revs, dir) = match args.split_last() {
        Some((last, rest)) if Path::new(last).is_dir() => (rest, PathBuf::from(last)),
        _ => (args, PathBuf::from(".")),
    };
    match revs {
        [] => Ok((Side::Rev("HEAD".into()), Side::WorkingTree, dir)),
        [a] => Ok((Side::Rev(a.clone()), Side::WorkingTree, dir)),
        [a, b] => Ok((Side::Rev(a.clone()), Side::Rev(b.clone()), dir)),
        _ => Err(format!(
            "expected at most two revisions and a folder, got {}; is the folder's name right?",
            args.join(" ")
        )),
    }
}

/// The text of every workspace file on one side (`None`: no such file).
fn texts(dir: &Path, side: &Side) -> Result<Vec<(FileKind, Option<String>)>, String> {
    if let Side::Rev(rev) = side {
        git(
            dir,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| format!("unknown revision `{rev}`"))?;
    }
    let mut out = Vec::new();
    for kind in FileKind::ALL {
        let text = match side {
            Side::WorkingTree => {
                let path = dir.join(kind.file_name());
                if path.exists() {
                    let bytes =
                        crate::workspace::source::read_capped(&path).map_err(|d| d.to_string())?;
                    Some(String::from_utf8_lossy(&bytes).into_owned())
                } else {
                    None
                }
            }
            Side::Rev(rev) => git(dir, &["show", &format!("{rev}:./{}", kind.file_name())]).ok(),
        };
        // `git` output comes trimmed at the end: compare like with like.
        out.push((kind, text.map(|t| t.trim_end().to_string())));
    }
    Ok(out)
}

/// A value as TOML, without comments or surrounding space.
fn shown(item: &Item) -> String {
    match item {
        Item::Value(v) => {
            let mut v = v.clone();
            v.decor_mut().clear();
            v.to_string()
        }
        other => other.to_string().trim().to_string(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Leaf {
    Value(String),
    Set(Vec<String>),
}

impl Leaf {
    fn toml(&self) -> String {
        match self {
            Leaf::Value(v) => v.clone(),
            Leaf::Set(items) => {
                let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
                format!("[{}]", quoted.join(", "))
            }
        }
    }
}

/// Every leaf field of a table as (dotted path, value); tables and maps are
/// walked into, lists of ids and tags kept as sets.
fn flatten(
    table: &dyn TableLike,
    prefix: &str,
    fields: Option<&'static [Field]>,
    out: &mut Vec<(String, Leaf)>,
) {
    for (key, item) in table.iter() {
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        let field = fields.and_then(|fs| fs.iter().find(|f| f.key == key));
        let sub = match field.map(|f| f.ty) {
            Some(Ty::Table(sub)) => Some(sub),
            _ => None,
        };
        if let Some(t) = item.as_table_like() {
            flatten(t, &path, sub, out);
            continue;
        }
        let set = matches!(field.map(|f| f.ty), Some(Ty::Links(_) | Ty::TextList));
        let strings: Option<Vec<String>> = item
            .as_array()
            .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
        match (set, strings) {
            (true, Some(items)) => out.push((path, Leaf::Set(items))),
            _ => out.push((path, Leaf::Value(shown(item)))),
        }
    }
}

fn leaves(
    record: Option<RecordKind>,
    table: &str,
    kind: FileKind,
    text: &str,
) -> Vec<(String, Leaf)> {
    let mut out = Vec::new();
    let Ok(doc) = text.parse::<DocumentMut>() else {
        return out;
    };
    match record {
        Some(rk) => {
            if let Some(t) = doc
                .get(rk.key())
                .and_then(Item::as_array_of_tables)
                .and_then(|a| a.get(0))
            {
                flatten(t, "", Some(rk.fields()), &mut out);
            }
        }
        None if table.is_empty() => flatten(doc.as_table(), "", Some(kind.top_fields()), &mut out),
        // A top-level table: its fields, without the table's name before each.
        None => {
            let sub = kind
                .top_fields()
                .iter()
                .find(|f| f.key == table)
                .and_then(|f| match f.ty {
                    Ty::Table(sub) => Some(sub),
                    _ => None,
                });
            match doc.get(table).and_then(Item::as_table_like) {
                Some(t) => flatten(t, "", sub, &mut out),
                None => flatten(doc.as_table(), "", Some(kind.top_fields()), &mut out),
            }
        }
    }
    out
}

fn field_changes(a: &[(String, Leaf)], b: &[(String, Leaf)]) -> Vec<FieldChange> {
    let get = |list: &[(String, Leaf)], k: &str| {
        list.iter().find(|(p, _)| p == k).map(|(_, l)| l.clone())
    };
    let mut keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
    keys.extend(
        b.iter()
            .map(|(k, _)| k)
            .filter(|k| !a.iter().any(|(x, _)| x == *k)),
    );
    let mut out = Vec::new();
    for k in keys {
        let (from, to) = (get(a, k), get(b, k));
        if from == to {
            continue;
        }
        let (added, removed) = match (&from, &to) {
            (Some(Leaf::Set(x)), Some(Leaf::Set(y))) => (
                Some(y.iter().filter(|i| !x.contains(i)).cloned().collect()),
                Some(x.iter().filter(|i| !y.contains(i)).cloned().collect()),
            ),
            _ => (None, None),
        };
        out.push(FieldChange {
            field: k.clone(),
            from: from.map(|l| l.toml()),
            to: to.map(|l| l.toml()),
            added,
            removed,
        });
    }
    out
}

fn record_changes(
    a: &[(FileKind, Option<String>)],
    b: &[(FileKind, Option<String>)],
) -> Result<Vec<RecordChange>, String> {
    let mut out = Vec::new();
    for ((kind, ta), (_, tb)) in a.iter().zip(b) {
        let (ta, tb) = (ta.as_deref().unwrap_or(""), tb.as_deref().unwrap_or(""));
        if ta == tb {
            continue;
        }
        let name = kind.file_name();
        let pa = parts(*kind, ta).map_err(|e| format!("{name}: {e}"))?;
        let pb = parts(*kind, tb).map_err(|e| format!("{name}: {e}"))?;
        let same = |x: &crate::workspace::merge::Part, y: &crate::workspace::merge::Part| {
            x.record == y.record && x.id == y.id
        };
        let change = |p: &crate::workspace::merge::Part, change, fields| RecordChange {
            file: name,
            kind: p.record.map(RecordKind::key),
            id: p.id.clone(),
            change,
            fields,
        };
        for x in &pa {
            match pb.iter().find(|y| same(x, y)) {
                None => out.push(change(x, "removed", Vec::new())),
                Some(y) if y.text.trim() != x.text.trim() => {
                    let fields = field_changes(
                        &leaves(x.record, &x.id, *kind, x.text),
                        &leaves(y.record, &y.id, *kind, y.text),
                    );
                    // The top-level part of an untouched file is empty on both sides.
                    if !(fields.is_empty() && x.record.is_none() && x.id.is_empty()) {
                        out.push(change(x, "changed", fields));
                    }
                }
                Some(_) => {}
            }
        }
        for y in &pb {
            if !pa.iter().any(|x| same(x, y)) {
                out.push(change(y, "added", Vec::new()));
            }
        }
    }
    Ok(out)
}

/// A side's workspace, opened from a temporary folder holding its files.
fn open_side(
    files: &[(FileKind, Option<String>)],
) -> Result<(tempfile::TempDir, Workspace), String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    for (kind, text) in files {
        if let Some(text) = text {
            std::fs::write(tmp.path().join(kind.file_name()), format!("{text}\n"))
                .map_err(|e| format!("cannot write a temporary file: {e}"))?;
        }
    }
    match Workspace::open(tmp.path()) {
        Ok(ws) => Ok((tmp, ws)),
        Err(OpenError::Unreadable(diags)) => Err(diags
            .first()
            .map(|d| {
                let file = d.file.file_name().map(|f| f.to_string_lossy().into_owned());
                format!(
                    "{}:{}:{}: {}",
                    file.unwrap_or_default(),
                    d.line,
                    d.col,
                    d.message
                )
            })
            .unwrap_or_else(|| "cannot be read".into())),
        Err(e) => Err(e.to_string()),
    }
}

struct Results {
    /// id → (rank, P(rank 1), NPV)
    scenarios: Vec<(String, usize, Option<f64>, Option<f64>)>,
    /// id → (level, residual level)
    risks: Vec<(String, Option<String>, Option<String>)>,
}

fn results(ws: &Workspace, notes: &mut Vec<String>, side: &str) -> Results {
    let model = &ws.model;
    let mut scenarios = Vec::new();
    match super::score::compute(model, None, None, None) {
        Ok(s) => {
            let a = &s.analysis;
            for (i, id) in a.matrix.scenarios.iter().enumerate() {
                let npv = a
                    .revenue
                    .get(i)
                    .and_then(Option::as_ref)
                    .and_then(|r| r.as_ref().ok())
                    .map(|p| p.npv)
                    .filter(|x| x.is_finite());
                let p = s
                    .stability
                    .as_ref()
                    .and_then(|st| st.p_first.get(i).copied());
                if let Some(&rank) = a.ranking.ranks.get(i) {
                    scenarios.push((id.clone(), rank, p, npv));
                }
            }
        }
        Err(e) => notes.push(format!("{side}: scenarios cannot be scored: {e}")),
    }
    let bands = Bands::of(model);
    let today = Date::new(2000, 1, 1).ok();
    let risks = match today {
        Some(today) => model
            .risks
            .iter()
            .map(|r| {
                let a = risk::assess(r, &bands, today);
                (
                    r.id.clone(),
                    a.level.map(|l| l.name),
                    a.residual.and_then(|x| x.level).map(|l| l.name),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    Results { scenarios, risks }
}

fn effects(a: &Results, b: &Results) -> (Vec<ScenarioEffect>, Vec<RiskEffect>) {
    let mut ids: Vec<&String> = b.scenarios.iter().map(|s| &s.0).collect();
    ids.extend(
        a.scenarios
            .iter()
            .map(|s| &s.0)
            .filter(|id| !b.scenarios.iter().any(|s| &s.0 == *id)),
    );
    let mut scenarios = Vec::new();
    for id in ids {
        let x = a.scenarios.iter().find(|s| &s.0 == id);
        let y = b.scenarios.iter().find(|s| &s.0 == id);
        let effect = ScenarioEffect {
            id: id.clone(),
            rank: Pair {
                from: x.map(|s| s.1),
                to: y.map(|s| s.1),
            },
            p_first: Pair {
                from: x.and_then(|s| s.2),
                to: y.and_then(|s| s.2),
            },
            npv: Pair {
                from: x.and_then(|s| s.3),
                to: y.and_then(|s| s.3),
            },
        };
        if effect.rank.changed() || effect.p_first.changed() || effect.npv.changed() {
            scenarios.push(effect);
        }
    }
    scenarios.sort_by_key(|s| (s.rank.to.unwrap_or(usize::MAX), s.id.clone()));
    let mut ids: Vec<&String> = a.risks.iter().map(|r| &r.0).collect();
    ids.extend(
        b.risks
            .iter()
            .map(|r| &r.0)
            .filter(|id| !a.risks.iter().any(|r| &r.0 == *id)),
    );
    let mut risks = Vec::new();
    for id in ids {
        let x = a.risks.iter().find(|r| &r.0 == id);
        let y = b.risks.iter().find(|r| &r.0 == id);
        let effect = RiskEffect {
            id: id.clone(),
            level: Pair {
                from: x.and_then(|r| r.1.clone()),
                to: y.and_then(|r| r.1.clone()),
            },
            residual_level: Pair {
                from: x.and_then(|r| r.2.clone()),
                to: y.and_then(|r| r.2.clone()),
            },
        };
        if effect.level.changed() || effect.residual_level.changed() {
            risks.push(effect);
        }
    }
    (scenarios, risks)
}

/// Compute the whole comparison.
pub fn compare(args: &[String]) -> Result<DiffOut, String> {
    let (from, to, dir) = parse_args(args)?;
    repo_of(&dir)?;
    let ta = texts(&dir, &from)?;
    let tb = texts(&dir, &to)?;
    for (side, files) in [(&from, &ta), (&to, &tb)] {
        if files.iter().all(|(_, t)| t.is_none()) {
            return Err(format!(
                "{}: no workspace files at {}",
                dir.display(),
                side.name()
            ));
        }
    }
    let changes = record_changes(&ta, &tb)?;
    let mut notes = Vec::new();
    let (scenarios, risks) = match (open_side(&ta), open_side(&tb)) {
        (Ok((_a, wa)), Ok((_b, wb))) => {
            let ra = results(&wa, &mut notes, &from.name());
            let rb = results(&wb, &mut notes, &to.name());
            effects(&ra, &rb)
        }
        (ra, rb) => {
            for (side, r) in [(&from, ra.err()), (&to, rb.err())] {
                if let Some(e) = r {
                    notes.push(format!("{}: results not computed: {e}", side.name()));
                }
            }
            (Vec::new(), Vec::new())
        }
    };
    Ok(DiffOut {
        workspace: dir.display().to_string(),
        from: from.name(),
        to: to.name(),
        changes,
        scenarios,
        risks,
        notes,
    })
}

fn value_text(v: &Option<String>) -> String {
    match v {
        Some(v) => fit_width(v, 48),
        None => "(unset)".into(),
    }
}

fn field_text(f: &FieldChange) -> String {
    match (&f.added, &f.removed) {
        (Some(added), Some(removed)) if f.from.is_some() && f.to.is_some() => {
            let mut parts: Vec<String> = added.iter().map(|x| format!("+{x}")).collect();
            parts.extend(removed.iter().map(|x| format!("−{x}")));
            if parts.is_empty() {
                format!("{} reordered", f.field)
            } else {
                format!("{} {}", f.field, parts.join(" "))
            }
        }
        _ => format!(
            "{} {} → {}",
            f.field,
            value_text(&f.from),
            value_text(&f.to)
        ),
    }
}

fn pair_text<T>(p: &Pair<T>, show: impl Fn(&T) -> String) -> String {
    let s = |x: &Option<T>| x.as_ref().map_or_else(|| "—".to_string(), &show);
    format!("{} → {}", s(&p.from), s(&p.to))
}

pub fn text(d: &DiffOut) -> String {
    let mut out = format!("{}: {} → {}\n", d.workspace, d.from, d.to);
    if d.changes.is_empty() {
        out.push_str("no changes to the workspace files\n");
    }
    let mut file = "";
    for c in &d.changes {
        if c.file != file {
            file = c.file;
            out.push_str(&format!("{file}\n"));
        }
        let who = match (c.kind, c.id.is_empty()) {
            (_, true) => "top level".to_string(),
            (None, false) => format!("[{}]", c.id),
            (Some(k), false) if RecordKind::from_key(k).is_some_and(|k| k.has_id()) => c.id.clone(),
            (Some(k), false) => format!("{k} {}", c.id),
        };
        let what = match c.change {
            "changed" if c.fields.is_empty() => "comments or layout only".to_string(),
            "changed" => c
                .fields
                .iter()
                .map(field_text)
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        out.push_str(&format!("  {who}: {what}\n"));
    }
    if !d.scenarios.is_empty() || !d.risks.is_empty() {
        out.push_str("results\n");
    }
    for s in &d.scenarios {
        let mut parts = Vec::new();
        if s.rank.changed() {
            parts.push(format!("rank {}", pair_text(&s.rank, usize::to_string)));
        }
        if s.p_first.changed() {
            parts.push(format!(
                "P(rank 1) {}",
                pair_text(&s.p_first, |p| percent(*p))
            ));
        }
        if s.npv.changed() {
            parts.push(format!("NPV {}", pair_text(&s.npv, |x| compact(*x))));
        }
        out.push_str(&format!("  {}: {}\n", s.id, parts.join(", ")));
    }
    for r in &d.risks {
        let mut parts = Vec::new();
        if r.level.changed() {
            parts.push(format!("level {}", pair_text(&r.level, String::clone)));
        }
        if r.residual_level.changed() {
            parts.push(format!(
                "residual level {}",
                pair_text(&r.residual_level, String::clone)
            ));
        }
        out.push_str(&format!("  {}: {}\n", r.id, parts.join(", ")));
    }
    for n in &d.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

pub fn run(args: &[String], format: DiffFormat) -> u8 {
    match compare(args) {
        Ok(d) => match format {
            DiffFormat::Text => write_stdout(&text(&d)),
            DiffFormat::Json => write_stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&d).unwrap_or_default()
            )),
        },
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            FAILURE
        }
    }
}
