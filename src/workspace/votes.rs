//! Workshop votes: each participant's own file `votes/<participant>.toml`.
//!
//! Vote files are not one of the fixed workspace files ([`super::FileKind`]):
//! there are as many as there are participants, they are written by
//! `lodestar vote` (one participant, one file, so git merges stay trivial),
//! and the workbench never edits them. They are read here, checked against
//! the model (scenario and criterion ids, each criterion's scale) and kept
//! in [`super::Model::votes`] for `analysis::votes`.
//!
//! ```toml
//! # votes/cfo.toml
//! name = "Chief Financial Officer"   # optional, for display
//!
//! [scores.scn-support-bot]           # scenario id
//! value = 4                          # criterion id = score on its scale
//! risk = 3
//!
//! [weights]                          # optional weight points (any positive numbers)
//! value = 40
//! risk = 20
//!
//! [[comparison]]                     # optional AHP judgments (1/9–9)
//! a = "value"
//! b = "risk"
//! ratio = 3
//! ```

use std::path::{Path, PathBuf};

use super::diag::{Diagnostic, LineIndex, Severity};
use super::model::Model;
use super::node::Node;
use super::source;

/// The folder of vote files, inside the workspace.
pub const DIR: &str = "votes";

/// Where a value was written, 1-based (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// One score: a participant's number for a scenario on a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct CellVote {
    pub scenario: String,
    pub criterion: String,
    pub value: f64,
    pub pos: Pos,
}

/// Weight points for one criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    pub criterion: String,
    pub points: f64,
    pub pos: Pos,
}

/// One pairwise AHP judgment: `a` is `ratio` times as important as `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgment {
    pub a: String,
    pub b: String,
    pub ratio: f64,
    pub pos: Pos,
}

/// One participant's vote file.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballot {
    /// The file name without `.toml`.
    pub participant: String,
    /// `name = "…"`, when given.
    pub name: String,
    pub path: PathBuf,
    pub scores: Vec<CellVote>,
    pub weights: Vec<Points>,
    pub comparisons: Vec<Judgment>,
    /// Problems found reading the file (syntax, wrong shapes, unknown keys).
    pub problems: Vec<Diagnostic>,
}

/// Whether `name` can name a participant (and so a file): letters, digits,
/// `-` and `_`, not empty, at most 64 characters.
pub fn valid_participant(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// The vote file of `participant`.
pub fn path_of(root: &Path, participant: &str) -> PathBuf {
    root.join(DIR).join(format!("{participant}.toml"))
}

/// Every vote file of the workspace at `root`, in file-name order. A
/// workspace without a `votes/` folder has no votes.
pub fn load(root: &Path) -> Vec<Ballot> {
    let dir = root.join(DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| load_file(p)).collect()
}

fn problem(path: &Path, pos: Pos, severity: Severity, message: String) -> Diagnostic {
    Diagnostic {
        file: path.to_path_buf(),
        line: pos.line,
        col: pos.col,
        severity,
        message,
    }
}

/// Read one vote file; what cannot be read is in [`Ballot::problems`].
pub fn load_file(path: &Path) -> Ballot {
    let participant = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let mut ballot = Ballot {
        participant: participant.clone(),
        name: String::new(),
        path: path.to_path_buf(),
        scores: Vec::new(),
        weights: Vec::new(),
        comparisons: Vec::new(),
        problems: Vec::new(),
    };
    if !valid_participant(&participant) {
        ballot.problems.push(problem(
            path,
            Pos::default(),
            Severity::Error,
            "a vote file is named after its participant: letters, digits, `-` and `_` only; this file is ignored".into(),
        ));
        return ballot;
    }
    let text = match source::load(path) {
        Ok(loaded) => loaded.text,
        Err(d) => {
            ballot.problems.push(d);
            return ballot;
        }
    };
    let root = match source::parse(path, &text) {
        Ok(root) => root,
        Err(d) => {
            ballot.problems.push(d);
            return ballot;
        }
    };
    let index = LineIndex::new(&text);
    let at = |span: Option<std::ops::Range<usize>>| match span {
        Some(s) => {
            let (line, col) = index.line_col(&text, s.start);
            Pos { line, col }
        }
        None => Pos::default(),
    };
    let bad = |span, message: String| ballot_problem(path, at(span), message);
    let mut problems = Vec::new();
    let Some(entries) = Node::Root(root.get_ref()).entries() else {
        return ballot;
    };
    for (key, key_span, node) in entries {
        match key {
            "name" => match node.as_str() {
                Some(s) => ballot.name = s.to_string(),
                None => problems.push(bad(node.span(), "`name` must be a string".into())),
            },
            "scores" => {
                let Some(scenarios) = node.entries() else {
                    problems.push(bad(
                        node.span(),
                        "`scores` must be a table: [scores.SCENARIO] with CRITERION = score".into(),
                    ));
                    continue;
                };
                for (scenario, s_span, cells) in scenarios {
                    let Some(cells) = cells.entries() else {
                        problems.push(bad(
                            s_span,
                            format!("`scores.{scenario}` must be a table of CRITERION = score"),
                        ));
                        continue;
                    };
                    for (criterion, c_span, value) in cells {
                        match value.as_number() {
                            Some(v) => ballot.scores.push(CellVote {
                                scenario: scenario.to_string(),
                                criterion: criterion.to_string(),
                                value: v,
                                pos: at(c_span),
                            }),
                            None => problems.push(bad(
                                value.span().or(c_span),
                                format!(
                                    "score `{scenario}.{criterion}` must be a number, not {}",
                                    value.shape().name()
                                ),
                            )),
                        }
                    }
                }
            }
            "weights" => {
                let Some(points) = node.entries() else {
                    problems.push(bad(
                        node.span(),
                        "`weights` must be a table of CRITERION = points".into(),
                    ));
                    continue;
                };
                for (criterion, c_span, value) in points {
                    match value.as_number() {
                        Some(p) => ballot.weights.push(Points {
                            criterion: criterion.to_string(),
                            points: p,
                            pos: at(c_span),
                        }),
                        None => problems.push(bad(
                            value.span().or(c_span),
                            format!("weight points for `{criterion}` must be a number"),
                        )),
                    }
                }
            }
            "comparison" => {
                let Some(items) = node.elements() else {
                    problems.push(bad(
                        node.span(),
                        "`comparison` must be an array of tables: [[comparison]]".into(),
                    ));
                    continue;
                };
                for item in items {
                    let a = item.get("a").and_then(Node::as_str);
                    let b = item.get("b").and_then(Node::as_str);
                    let ratio = item.get("ratio").and_then(Node::as_number);
                    match (a, b, ratio) {
                        (Some(a), Some(b), Some(ratio)) => ballot.comparisons.push(Judgment {
                            a: a.to_string(),
                            b: b.to_string(),
                            ratio,
                            pos: at(item.key_span("a").or(item.span())),
                        }),
                        _ => problems.push(bad(
                            item.span(),
                            "a [[comparison]] needs a = \"criterion\", b = \"criterion\" and ratio = number".into(),
                        )),
                    }
                }
            }
            other => problems.push(ballot_warning(
                path,
                at(key_span),
                format!(
                    "unknown key `{other}` in a vote file (use name, scores, weights, comparison)"
                ),
            )),
        }
    }
    ballot.problems.extend(problems);
    ballot
}

fn ballot_problem(path: &Path, pos: Pos, message: String) -> Diagnostic {
    problem(path, pos, Severity::Error, message)
}

fn ballot_warning(path: &Path, pos: Pos, message: String) -> Diagnostic {
    problem(path, pos, Severity::Warning, message)
}

/// Whether `value` is a usable score for `criterion` of `model`.
pub fn in_scale(model: &Model, criterion: &str, value: f64) -> bool {
    model
        .criteria
        .iter()
        .find(|c| c.id == criterion)
        .is_some_and(|c| value.is_finite() && value >= c.min && value <= c.max)
}

/// Every problem of the vote files against `model`, in file and line
/// order: what [`load_file`] found, unknown scenarios and criteria, scores
/// outside a criterion's scale, judgments outside 1/9–9 or given twice, and
/// weight points that are not positive. Cells with an error are not counted.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let criterion = |id: &str| model.criteria.iter().find(|c| c.id == id);
    for b in &model.votes {
        let mut diags = b.problems.clone();
        let mut err = |pos: Pos, message: String| {
            diags.push(ballot_problem(&b.path, pos, message));
        };
        for v in &b.scores {
            if !model.scenarios.iter().any(|s| s.id == v.scenario) {
                err(v.pos, format!("unknown scenario `{}`", v.scenario));
                continue;
            }
            match criterion(&v.criterion) {
                None => err(
                    v.pos,
                    format!(
                        "unknown criterion `{}` (scenario `{}`)",
                        v.criterion, v.scenario
                    ),
                ),
                Some(c) if !in_scale(model, &c.id, v.value) => err(
                    v.pos,
                    format!(
                        "score {} for `{}.{}` is outside the criterion's scale {}–{}",
                        v.value, v.scenario, v.criterion, c.min, c.max
                    ),
                ),
                Some(_) => {}
            }
        }
        for p in &b.weights {
            if criterion(&p.criterion).is_none() {
                err(
                    p.pos,
                    format!("unknown criterion `{}` in weights", p.criterion),
                );
            } else if !(p.points.is_finite() && p.points > 0.0) {
                err(
                    p.pos,
                    format!(
                        "weight points for `{}` must be a positive number, not {}",
                        p.criterion, p.points
                    ),
                );
            }
        }
        let mut seen: Vec<(&str, &str, Pos)> = Vec::new();
        for j in &b.comparisons {
            for id in [&j.a, &j.b] {
                if criterion(id).is_none() {
                    err(j.pos, format!("unknown criterion `{id}` in a comparison"));
                }
            }
            if j.a == j.b {
                err(j.pos, format!("`{}` is compared with itself", j.a));
            }
            if !(j.ratio.is_finite() && (1.0 / 9.0 - 1e-9..=9.0 + 1e-9).contains(&j.ratio)) {
                err(
                    j.pos,
                    format!("ratio {} is outside Saaty's scale 1/9–9", j.ratio),
                );
            }
            let pair = if j.a <= j.b {
                (j.a.as_str(), j.b.as_str())
            } else {
                (j.b.as_str(), j.a.as_str())
            };
            match seen.iter().find(|(a, b, _)| (*a, *b) == pair) {
                Some((_, _, first)) => err(
                    j.pos,
                    format!(
                        "`{}` and `{}` are compared twice (first at line {}); keep one",
                        j.a, j.b, first.line
                    ),
                ),
                None => seen.push((pair.0, pair.1, j.pos)),
            }
        }
        diags.sort_by_key(|d| (d.line, d.col));
        out.extend(diags);
    }
    out
}

/// Why a vote could not be cast.
#[derive(Debug, thiserror::Error)]
pub enum CastError {
    #[error("`{0}` cannot name a participant: use letters, digits, `-` and `_`")]
    BadParticipant(String),
    #[error("{0}")]
    Locked(#[from] super::lock::LockError),
    #[error("{0}")]
    Unreadable(Diagnostic),
    #[error("{0}")]
    Write(#[from] crate::fsio::WriteError),
    #[error("{}: cannot create the votes folder: {}", .0.display(), .1)]
    Folder(PathBuf, std::io::Error),
}

/// Write `cells` (scenario, criterion, score) into `participant`'s vote
/// file under the workspace lock, keeping everything else in the file
/// (comments, other cells) as it was. Validation is `check`'s job: the
/// caller checks ids and scales before casting.
pub fn cast(
    root: &Path,
    participant: &str,
    cells: &[(String, String, f64)],
) -> Result<PathBuf, CastError> {
    if !valid_participant(participant) {
        return Err(CastError::BadParticipant(participant.to_string()));
    }
    let _held = super::lock::acquire(
        root,
        &format!("lodestar vote --as {participant}"),
        super::lock::WAIT,
    )?;
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| CastError::Folder(dir.clone(), e))?;
    let path = path_of(root, participant);
    let (text, header) = if path.exists() {
        (source::load(&path).map_err(CastError::Unreadable)?.text, "")
    } else {
        (String::new(), HEADER)
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        CastError::Unreadable(problem(
            &path,
            Pos::default(),
            Severity::Error,
            format!("TOML syntax: {}", e.message()),
        ))
    })?;
    for (scenario, criterion, value) in cells {
        let scores = doc.entry("scores").or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        });
        // Inline tables (`scores = { … }`) become [scores.…] tables, which
        // can take new sub-tables.
        if let Some(t) = scores.as_inline_table() {
            *scores = toml_edit::Item::Table(t.clone().into_table());
        }
        let Some(scores) = scores.as_table_mut() else {
            return Err(CastError::Unreadable(problem(
                &path,
                Pos::default(),
                Severity::Error,
                "`scores` is not a table".into(),
            )));
        };
        let row = scores.entry(scenario).or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.decor_mut().set_prefix("\n");
            toml_edit::Item::Table(t)
        });
        if let Some(t) = row.as_inline_table() {
            *row = toml_edit::Item::Table(t.clone().into_table());
        }
        let Some(row) = row.as_table_like_mut() else {
            return Err(CastError::Unreadable(problem(
                &path,
                Pos::default(),
                Severity::Error,
                format!("`scores.{scenario}` is not a table"),
            )));
        };
        let v: toml_edit::Value = if value.fract() == 0.0 && value.abs() < 1e15 {
            (*value as i64).into()
        } else {
            (*value).into()
        };
        match row.get_mut(criterion).and_then(|i| i.as_value_mut()) {
            Some(old) => {
                let decor = old.decor().clone();
                *old = v;
                *old.decor_mut() = decor;
            }
            None => {
                row.insert(criterion, toml_edit::value(v));
            }
        }
    }
    let tmp = super::recovery::ensure_dir(root).ok();
    let text = format!("{header}{doc}");
    crate::fsio::write_in(&path, text.as_bytes(), tmp.as_deref())?;
    Ok(path)
}

/// What `cast` writes at the top of a vote file it creates.
const HEADER: &str = "# Votes, written by `lodestar vote`.\n";

/// Take cells (scenario, criterion) out of `participant`'s vote file under
/// the workspace lock — the counterpart of [`cast`], used to undo a vote
/// typed in the workbench. Everything else in the file (comments, other
/// cells) stays as it was; a `[scores.SCENARIO]` table left empty goes, and
/// a file left with nothing but the header `cast` gave it is deleted. A
/// cell or file that is not there is not an error (nothing to take out).
pub fn remove(root: &Path, participant: &str, cells: &[(String, String)]) -> Result<(), CastError> {
    if !valid_participant(participant) {
        return Err(CastError::BadParticipant(participant.to_string()));
    }
    let _held = super::lock::acquire(
        root,
        &format!("lodestar: undo a vote of {participant}"),
        super::lock::WAIT,
    )?;
    let path = path_of(root, participant);
    if !path.exists() {
        return Ok(());
    }
    let text = source::load(&path).map_err(CastError::Unreadable)?.text;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        CastError::Unreadable(problem(
            &path,
            Pos::default(),
            Severity::Error,
            format!("TOML syntax: {}", e.message()),
        ))
    })?;
    let mut changed = false;
    if let Some(scores) = doc.get_mut("scores").and_then(|s| s.as_table_like_mut()) {
        for (scenario, criterion) in cells {
            let Some(row) = scores.get_mut(scenario).and_then(|r| r.as_table_like_mut()) else {
                continue;
            };
            if row.remove(criterion).is_some() {
                changed = true;
            }
            if row.is_empty() {
                scores.remove(scenario);
            }
        }
        if scores.is_empty() {
            doc.remove("scores");
        }
    }
    if !changed {
        return Ok(());
    }
    let rest = doc.to_string();
    if doc.is_empty() && rest.strip_prefix(HEADER).unwrap_or(&rest).trim().is_empty() {
        return std::fs::remove_file(&path).map_err(|source| {
            CastError::Write(crate::fsio::WriteError::Io {
                path: path.clone(),
                source,
            })
        });
    }
    let tmp = super::recovery::ensure_dir(root).ok();
    crate::fsio::write_in(&path, rest.as_bytes(), tmp.as_deref())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str, c: &str) -> (String, String) {
        (s.to_string(), c.to_string())
    }

    fn workspace() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(tmp.path().join(DIR)).expect("votes folder");
        tmp
    }

    #[test]
    fn remove_takes_out_one_cell_and_keeps_the_rest_byte_for_byte() {
        let tmp = workspace();
        let root = tmp.path();
        let before = "# Votes of the CFO.\nname = \"CFO\"\n\n[scores.scn-a] # first\nvalue = 4 # sure\nrisk = 2\n\n# the second one\n[scores.scn-b]\nvalue = 3\n";
        std::fs::write(path_of(root, "cfo"), before).expect("write");
        // A cell cast, then removed: the file is back as it was.
        cast(root, "cfo", &[("scn-a".into(), "cost".into(), 5.0)]).expect("cast");
        let cast_text = std::fs::read_to_string(path_of(root, "cfo")).expect("read");
        assert_eq!(
            cast_text,
            before.replace("risk = 2\n", "risk = 2\ncost = 5\n"),
            "one line added"
        );
        remove(root, "cfo", &[cell("scn-a", "cost")]).expect("remove");
        let after = std::fs::read_to_string(path_of(root, "cfo")).expect("read");
        assert_eq!(after, before);
        // A cell that is not there: nothing changes.
        remove(
            root,
            "cfo",
            &[cell("scn-a", "nope"), cell("scn-z", "value")],
        )
        .expect("remove");
        assert_eq!(
            std::fs::read_to_string(path_of(root, "cfo")).expect("read"),
            before
        );
    }

    #[test]
    fn removing_the_last_cell_of_a_scenario_drops_its_table() {
        let tmp = workspace();
        let root = tmp.path();
        let before = "name = \"CFO\"\n\n[scores.scn-a]\nvalue = 4\n";
        std::fs::write(path_of(root, "cfo"), before).expect("write");
        cast(root, "cfo", &[("scn-b".into(), "risk".into(), 2.0)]).expect("cast");
        assert!(
            std::fs::read_to_string(path_of(root, "cfo"))
                .expect("read")
                .contains("[scores.scn-b]\nrisk = 2\n")
        );
        remove(root, "cfo", &[cell("scn-b", "risk")]).expect("remove");
        assert_eq!(
            std::fs::read_to_string(path_of(root, "cfo")).expect("read"),
            before
        );
        // The last cell of the last scenario: `scores` goes, `name` stays.
        remove(root, "cfo", &[cell("scn-a", "value")]).expect("remove");
        let left = std::fs::read_to_string(path_of(root, "cfo")).expect("read");
        assert_eq!(left.trim(), "name = \"CFO\"");
        let b = load_file(&path_of(root, "cfo"));
        assert!(b.problems.is_empty(), "{:?}", b.problems);
        assert!(b.scores.is_empty());
    }

    #[test]
    fn a_file_cast_into_being_goes_when_its_only_cell_is_removed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        cast(root, "guest", &[("scn-a".into(), "value".into(), 3.0)]).expect("cast");
        assert!(path_of(root, "guest").exists());
        remove(root, "guest", &[cell("scn-a", "value")]).expect("remove");
        assert!(!path_of(root, "guest").exists());
        // Bad names are refused before anything is touched.
        assert!(matches!(
            remove(root, "../x", &[cell("scn-a", "value")]),
            Err(CastError::BadParticipant(_))
        ));
    }
}
