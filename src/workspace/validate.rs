//! Checks across files: unique ids, links that resolve, paths that stay inside
//! the workspace, and rules that need more than one record.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use super::check::{Collected, noun_text};
use super::choice::{EvidenceKind, Scale, WeightSource};
use super::diag::{Diagnostic, LineIndex, Severity};
use super::model::Model;
use super::schema::{FileKind, RecordKind};
use crate::numfmt::exact;

/// Where a record is defined, for messages: the file (its index in the
/// files validated), the byte offset and the record's kind. Kept small: the
/// id map holds one per record, tens of thousands in a large workspace, and
/// is looked up once per link; at 24 bytes an entry it stays in cache
/// better than with paths and references in it (64 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Place {
    file: u8,
    kind: RecordKind,
    /// Files are capped at 16 MiB, so an offset fits.
    at: Option<u32>,
}

impl Place {
    fn at(&self) -> Option<usize> {
        self.at.map(|at| at as usize)
    }
}

/// The files being validated: their paths, and their texts' positions.
struct Files<'a> {
    paths: Vec<&'a Path>,
    lines: Vec<Lines<'a>>,
}

impl Files<'_> {
    /// File, line and column of a place.
    fn position(&self, place: &Place) -> (&Path, usize, usize) {
        let file = usize::from(place.file);
        let (line, col) = self
            .lines
            .get(file)
            .map_or((0, 0), |lines| lines.line_col(place.at()));
        (
            self.paths.get(file).copied().unwrap_or(Path::new("")),
            line,
            col,
        )
    }
}

/// Positions in one file's text, its line index built only when a message
/// needs one (most workspaces have few problems and tens of thousands of
/// ids and links).
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    index: std::sync::OnceLock<LineIndex>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            text,
            index: std::sync::OnceLock::new(),
        }
    }

    /// Line and column (1-based) of a byte offset; (0, 0) when unknown.
    pub fn line_col(&self, at: Option<usize>) -> (usize, usize) {
        match at {
            Some(at) if !self.text.is_empty() => self
                .index
                .get_or_init(|| LineIndex::new(self.text))
                .line_col(self.text, at),
            _ => (0, 0),
        }
    }
}

fn diag(place: (&Path, usize, usize), severity: Severity, message: String) -> Diagnostic {
    Diagnostic {
        file: place.0.to_path_buf(),
        line: place.1,
        col: place.2,
        severity,
        message,
    }
}

/// Resolve a path written in a workspace file, refusing absolute paths,
/// paths that climb out of the workspace, and paths that leave it through a
/// symbolic link (the file, or the nearest folder of it that exists, is
/// canonicalised and must be inside the canonical workspace folder): a
/// workspace may come from someone else's repository.
pub fn resolve_inside(root: &Path, written: &str) -> Result<PathBuf, String> {
    let p = Path::new(written);
    if written.trim().is_empty() {
        return Err(crate::tr!("check.path.empty"));
    }
    let mut depth = 0i32;
    for c in p.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                return Err(crate::tr!("check.path.absolute", path = written));
            }
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return Err(crate::tr!("check.path.leaves", path = written));
                }
            }
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
        }
    }
    let full = root.join(p);
    if let Ok(real_root) = std::fs::canonicalize(root) {
        let mut probe = full.as_path();
        loop {
            match std::fs::canonicalize(probe) {
                Ok(real) if !real.starts_with(&real_root) => {
                    return Err(crate::tr!(
                        "check.path.symlink",
                        path = written,
                        target = real.display()
                    ));
                }
                Ok(_) => break,
                Err(_) => match probe.parent() {
                    Some(up) if up.starts_with(root) && up != root => probe = up,
                    _ => break,
                },
            }
        }
    }
    Ok(full)
}

/// Cross-file validation.
pub fn validate(
    root: &Path,
    collected: &[(FileKind, PathBuf, &str, &Collected)],
    model: &Model,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let files = Files {
        paths: collected
            .iter()
            .map(|(_, path, _, _)| path.as_path())
            .collect(),
        lines: collected
            .iter()
            .map(|(_, _, text, _)| Lines::new(text))
            .collect(),
    };
    let lines = &files.lines;
    let mut places: HashMap<&str, Place> =
        HashMap::with_capacity(collected.iter().map(|(_, _, _, c)| c.ids.len()).sum());
    for (file, ((_, path, _, c), lines)) in collected.iter().zip(lines).enumerate() {
        for def in &c.ids {
            if def.id.is_empty() {
                continue;
            }
            match places.get(def.id.as_str()) {
                Some(first) => {
                    let (line, col) = lines.line_col(def.at);
                    let (first_file, first_line, _) = files.position(first);
                    out.push(diag(
                        (path, line, col),
                        Severity::Error,
                        crate::tr!(
                            "check.duplicate_id",
                            id = def.id,
                            noun = noun_text(def.kind.noun()),
                            first = noun_text(first.kind.noun()),
                            file = first_file.display(),
                            line = first_line
                        ),
                    ))
                }
                None => {
                    places.insert(
                        &def.id,
                        Place {
                            file: u8::try_from(file).unwrap_or(u8::MAX),
                            kind: def.kind,
                            at: def.at.and_then(|at| u32::try_from(at).ok()),
                        },
                    );
                }
            }
        }
    }
    // Links and paths, and the rules, only read the ids: on two threads.
    let (links, ruled) = rayon::join(
        || {
            let mut found = Vec::new();
            for ((_, path, _, c), lines) in collected.iter().zip(lines) {
                found.extend(
                    c.links
                        .iter()
                        .filter_map(|link| link_problem(&places, path, lines, link)),
                );
                for p in &c.paths {
                    let (line, col) = lines.line_col(p.at);
                    match resolve_inside(root, &p.path) {
                        Err(e) => found.push(diag(
                            (path, line, col),
                            Severity::Error,
                            crate::tr!("check.context", context = p.context, error = e),
                        )),
                        Ok(full) if !full.is_file() => found.push(diag(
                            (path, line, col),
                            Severity::Error,
                            crate::tr!("check.file_not_found", context = p.context, path = p.path),
                        )),
                        Ok(_) => {}
                    }
                }
            }
            found
        },
        || {
            let mut found = Vec::new();
            rules(&places, &files, model, &mut found);
            found
        },
    );
    out.extend(links);
    out.extend(ruled);
    out
}

/// The problem with one link, if any: an unknown id or one of another kind.
fn link_problem(
    places: &HashMap<&str, Place>,
    path: &Path,
    lines: &Lines,
    link: &super::check::LinkUse,
) -> Option<Diagnostic> {
    let at = || {
        let (line, col) = lines.line_col(link.at);
        (path, line, col)
    };
    match places.get(link.id.as_str()) {
        Some(p) if p.kind == link.target => None,
        Some(p) => Some(diag(
            at(),
            Severity::Error,
            crate::tr!(
                "check.wrong_kind",
                context = link.context,
                id = link.id,
                found = noun_text(p.kind.noun()),
                expected = noun_text(link.target.noun())
            ),
        )),
        None => Some(diag(
            at(),
            Severity::Error,
            crate::tr!(
                "check.dangling",
                context = link.context,
                noun = noun_text(link.target.noun()),
                id = link.id
            ),
        )),
    }
}

fn rules(places: &HashMap<&str, Place>, files: &Files, model: &Model, out: &mut Vec<Diagnostic>) {
    let at = |id: &str| -> (PathBuf, usize, usize) {
        places
            .get(id)
            .map(|p| {
                let (file, line, col) = files.position(p);
                (file.to_path_buf(), line, col)
            })
            .unwrap_or_default()
    };
    let mut extra = Vec::new();
    let mut push = |id: &str, severity: Severity, message: String| {
        let (f, l, c) = at(id);
        out.push(Diagnostic {
            file: f,
            line: l,
            col: c,
            severity,
            message,
        });
    };

    // Criteria and scores.
    let criteria: BTreeMap<&str, &super::model::Criterion> =
        model.criteria.iter().map(|c| (c.id.as_str(), c)).collect();
    for c in &model.criteria {
        if c.min >= c.max {
            push(
                &c.id,
                Severity::Error,
                crate::tr!(
                    "check.criterion_min_max",
                    id = c.id,
                    min = exact(c.min),
                    max = exact(c.max)
                ),
            );
        }
    }
    if !model.criteria.is_empty()
        && model.criteria.iter().all(|c| c.weight <= 0.0)
        && model.settings.scoring.weights == WeightSource::Direct
    {
        push(
            &model.criteria[0].id,
            Severity::Error,
            crate::tr!("check.all_weights_zero"),
        );
    }
    for s in &model.scenarios {
        for (cid, value) in &s.scores {
            if let Some(c) = criteria.get(cid.as_str())
                && (*value < c.min || *value > c.max)
            {
                push(
                    &s.id,
                    Severity::Error,
                    crate::tr!(
                        "check.score_out_of_range",
                        id = s.id,
                        criterion = cid,
                        value = exact(*value),
                        min = exact(c.min),
                        max = exact(c.max)
                    ),
                );
            }
        }
        for c in &model.criteria {
            if !s.scores.contains_key(&c.id) {
                push(
                    &s.id,
                    Severity::Warning,
                    if c.cost {
                        crate::tr!(
                            "check.missing_score_cost",
                            id = s.id,
                            criterion = c.id,
                            value = exact(c.max)
                        )
                    } else {
                        crate::tr!(
                            "check.missing_score",
                            id = s.id,
                            criterion = c.id,
                            value = exact(c.min)
                        )
                    },
                );
            }
        }
        for strategy in &s.strategies {
            if !super::schema::STRATEGIES.contains(&strategy.as_str()) {
                push(
                    &s.id,
                    Severity::Warning,
                    crate::tr!(
                        "check.unknown_strategy",
                        id = s.id,
                        strategy = strategy,
                        known = super::schema::STRATEGIES.join(", ")
                    ),
                );
            }
        }
        if let Some(r) = &s.revenue {
            if r.unit_cost.is_some()
                && (r.tokens_per_unit.is_some() || r.price_per_1k_tokens.is_some())
            {
                push(
                    &s.id,
                    Severity::Warning,
                    crate::tr!("check.unit_cost_and_tokens", id = s.id),
                );
            }
            if r.tokens_per_unit.is_some() != r.price_per_1k_tokens.is_some()
                && r.unit_cost.is_none()
            {
                push(
                    &s.id,
                    Severity::Error,
                    crate::tr!("check.half_tokens", id = s.id),
                );
            }
        }
    }

    // AHP comparisons.
    let mut seen = BTreeSet::new();
    for (i, c) in model.comparisons.iter().enumerate() {
        let first = model
            .criteria
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        if c.a == c.b {
            push(
                &first,
                Severity::Error,
                crate::tr!("check.compared_with_itself", n = i + 1, a = c.a),
            );
        }
        let key = if c.a < c.b {
            (c.a.clone(), c.b.clone())
        } else {
            (c.b.clone(), c.a.clone())
        };
        if !seen.insert(key) {
            push(
                &first,
                Severity::Error,
                crate::tr!("check.compared_twice", n = i + 1, a = c.a, b = c.b),
            );
        }
    }
    if model.settings.scoring.weights == WeightSource::Ahp && model.comparisons.is_empty() {
        extra.push(plain(
            FileKind::Workspace,
            crate::tr!("check.ahp_without_comparisons"),
        ));
    }

    // Risk bands must tile 1–25.
    if !model.risk_bands.is_empty() {
        let mut covered = [0u8; 26];
        for b in &model.risk_bands {
            if b.min > b.max {
                extra.push(plain(
                    FileKind::Workspace,
                    crate::tr!(
                        "check.band_min_max",
                        name = b.name,
                        min = b.min,
                        max = b.max
                    ),
                ));
            }
            for s in b.min.max(1)..=b.max.min(25) {
                covered[s as usize] += 1;
            }
        }
        let gaps: Vec<String> = (1..=25)
            .filter(|s| covered[*s] == 0)
            .map(|s| s.to_string())
            .collect();
        let overlaps: Vec<String> = (1..=25)
            .filter(|s| covered[*s] > 1)
            .map(|s| s.to_string())
            .collect();
        if !gaps.is_empty() {
            extra.push(plain(
                FileKind::Workspace,
                crate::tr!("check.band_gaps", scores = gaps.join(", ")),
            ));
        }
        if !overlaps.is_empty() {
            extra.push(plain(
                FileKind::Workspace,
                crate::tr!("check.band_overlaps", scores = overlaps.join(", ")),
            ));
        }
    }

    // Survey evidence.
    for e in &model.evidence {
        if e.kind != EvidenceKind::Survey {
            continue;
        }
        let Some(scale) = &e.scale else {
            push(
                &e.id,
                Severity::Error,
                crate::tr!(
                    "check.survey_scale",
                    id = e.id,
                    scales = Scale::NAMES.join(", ")
                ),
            );
            continue;
        };
        // A scale that is not one of the values is reported by `check`.
        let Some(points) = scale.known().map(Scale::points) else {
            continue;
        };
        match (&e.responses, e.counts.is_empty()) {
            (None, true) => push(
                &e.id,
                Severity::Error,
                crate::tr!("check.survey_counts", id = e.id),
            ),
            (None, false) if e.counts.len() != points => push(
                &e.id,
                Severity::Error,
                crate::tr!(
                    "check.survey_count_length",
                    id = e.id,
                    scale = scale,
                    points = points,
                    n = e.counts.len()
                ),
            ),
            (Some(_), _) if e.column.is_none() => push(
                &e.id,
                Severity::Error,
                crate::tr!("check.survey_column", id = e.id),
            ),
            _ => {}
        }
    }

    // Segments: shares need a TAM to mean anything.
    for s in &model.segments {
        if s.tam.is_none() && (s.sam_share.is_some() || s.som_share.is_some()) {
            push(
                &s.id,
                Severity::Warning,
                crate::tr!("check.segment_shares", id = s.id),
            );
        }
    }
    out.extend(extra);
}

fn plain(kind: FileKind, message: String) -> Diagnostic {
    Diagnostic {
        file: PathBuf::from(kind.file_name()),
        line: 0,
        col: 0,
        severity: Severity::Error,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside() {
        let root = Path::new("/w");
        assert!(resolve_inside(root, "data/a.csv").is_ok());
        assert!(resolve_inside(root, "data/../a.csv").is_ok());
        assert!(resolve_inside(root, "../a.csv").is_err());
        assert!(resolve_inside(root, "data/../../a.csv").is_err());
        assert!(resolve_inside(root, "/etc/passwd").is_err());
        assert!(resolve_inside(root, "").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_workspace_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("data")).expect("mkdir");
        std::fs::write(root.join("data/ok.csv"), "a\n1\n").expect("write");
        std::os::unix::fs::symlink(root.join("data/ok.csv"), root.join("data/alias.csv"))
            .expect("symlink");
        std::os::unix::fs::symlink("/etc/passwd", root.join("data/evil.csv")).expect("symlink");
        std::os::unix::fs::symlink("/etc", root.join("etc")).expect("symlink");
        assert!(resolve_inside(&root, "data/alias.csv").is_ok());
        assert!(resolve_inside(&root, "data/missing.csv").is_ok());
        for bad in ["data/evil.csv", "etc/passwd", "etc/nothing-here"] {
            let err = resolve_inside(&root, bad).expect_err(bad);
            assert!(err.contains("through a symbolic link"), "{err}");
        }
    }
}
