//! `lodestar vote` (cast scores headless), `lodestar votes` (the aggregated
//! votes, text or JSON) and `lodestar votes import FILE.csv`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

use super::{FAILURE, OK, PROBLEMS, open_or_report, pad_width, rpad_width};
use crate::analysis::votes::{VoteSummary, summarise};
use crate::workspace::Model;
use crate::workspace::votes::{self, valid_participant};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum VotesFormat {
    #[default]
    Text,
    Json,
}

/// One cell from the command line: `SCENARIO.CRITERION=SCORE`.
fn parse_cell(arg: &str, model: &Model) -> Result<(String, String, f64), String> {
    let (key, value) = arg
        .split_once('=')
        .ok_or_else(|| crate::tr!("cli.votes.expected_cell", arg = arg))?;
    let (scenario, criterion) = key
        .rsplit_once('.')
        .ok_or_else(|| crate::tr!("cli.votes.expected_cell", arg = arg))?;
    let score = cell(model, scenario.trim(), criterion.trim(), value.trim())?;
    Ok((
        scenario.trim().to_string(),
        criterion.trim().to_string(),
        score,
    ))
}

/// Check one cell against the model: known scenario and criterion, a
/// number within the criterion's scale.
fn cell(model: &Model, scenario: &str, criterion: &str, value: &str) -> Result<f64, String> {
    if !model.scenarios.iter().any(|s| s.id == scenario) {
        return Err(crate::tr!("cli.votes.unknown_scenario", id = scenario));
    }
    let Some(c) = model.criteria.iter().find(|c| c.id == criterion) else {
        return Err(crate::tr!("cli.votes.unknown_criterion", id = criterion));
    };
    let score: f64 = value
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| crate::tr!("cli.votes.not_a_number", value = value))?;
    if score < c.min || score > c.max {
        return Err(crate::tr!(
            "cli.votes.outside_scale",
            score = score,
            cell = format!("{scenario}.{criterion}"),
            min = c.min,
            max = c.max
        ));
    }
    Ok(score)
}

/// `lodestar vote DIR --as NAME CELL…`
pub fn vote(dir: &Path, participant: &str, cells: &[String]) -> u8 {
    if !valid_participant(participant) {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = crate::tr!("cli.votes.bad_participant", name = participant)
            )
        );
        return FAILURE;
    }
    if cells.is_empty() {
        use std::io::IsTerminal;
        if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
            err!(
                "{}",
                crate::tr!(
                    "cli.error",
                    message = crate::tr!(
                        "cli.votes.not_a_terminal",
                        dir = dir.display(),
                        name = participant
                    )
                )
            );
            return FAILURE;
        }
        return match crate::tui::vote::run(dir, participant) {
            Ok(()) => OK,
            Err(e) => {
                err!("{}", crate::tr!("cli.error", message = e));
                FAILURE
            }
        };
    }
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let mut parsed = Vec::new();
    for c in cells {
        match parse_cell(c, &ws.model) {
            Ok(c) => parsed.push(c),
            Err(e) => {
                err!(
                    "{}",
                    crate::tr!(
                        "cli.error",
                        message = crate::tr!("cli.votes.nothing_written", error = e)
                    )
                );
                return FAILURE;
            }
        }
    }
    match votes::cast(dir, participant, &parsed) {
        Ok(path) => {
            out!(
                "{}",
                crate::tr!(
                    if parsed.len() == 1 {
                        "cli.votes.written_one"
                    } else {
                        "cli.votes.written"
                    },
                    name = participant,
                    n = parsed.len(),
                    path = path.display()
                )
            );
            OK
        }
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            FAILURE
        }
    }
}

#[derive(Debug, Serialize)]
struct ParticipantOut {
    id: String,
    cells: usize,
    ahp_cr: Option<f64>,
    spearman: Option<f64>,
}

#[derive(Debug, Serialize)]
struct CellOut {
    scenario: String,
    criterion: String,
    n: usize,
    median: f64,
    mean: f64,
    iqr: f64,
    min: f64,
    max: f64,
}

#[derive(Debug, Serialize)]
struct DiscussOut {
    scenario: String,
    criterion: String,
    spread: f64,
    could_flip: bool,
}

#[derive(Debug, Serialize)]
struct VotesOut {
    /// The workspace's `[scoring] source`: whether `score` uses the votes.
    source: &'static str,
    aggregate: &'static str,
    participants: Vec<ParticipantOut>,
    cells: Vec<CellOut>,
    kendall_w: Option<f64>,
    /// The group's winner with the votes applied.
    winner: String,
    discuss_first: Vec<DiscussOut>,
}

fn build(model: &Model, s: &VoteSummary) -> VotesOut {
    let scen = |i: usize| {
        model
            .scenarios
            .get(i)
            .map(|s| s.id.clone())
            .unwrap_or_default()
    };
    let crit = |j: usize| {
        model
            .criteria
            .get(j)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    };
    VotesOut {
        source: if crate::analysis::votes::uses_votes(model) {
            "votes"
        } else {
            "single"
        },
        aggregate: s.aggregate.as_str(),
        participants: s
            .participants
            .iter()
            .map(|p| ParticipantOut {
                id: p.id.clone(),
                cells: p.cells,
                ahp_cr: p.ahp_cr,
                spearman: p.spearman,
            })
            .collect(),
        cells: s
            .cells
            .iter()
            .map(|c| CellOut {
                scenario: scen(c.scenario),
                criterion: crit(c.criterion),
                n: c.n,
                median: c.median,
                mean: c.mean,
                iqr: c.iqr,
                min: c.min,
                max: c.max,
            })
            .collect(),
        kendall_w: s.kendall_w,
        winner: scen(s.winner),
        discuss_first: s
            .discuss_first
            .iter()
            .map(|d| DiscussOut {
                scenario: scen(d.scenario),
                criterion: crit(d.criterion),
                spread: d.spread,
                could_flip: d.could_flip,
            })
            .collect(),
    }
}

fn num(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "–".into(), |x| format!("{x:.digits$}"))
}

/// The disagreement table: cells with a spread, widest first (at most
/// `limit`), and the discuss-first list. Markdown when `md`.
pub(crate) fn disagreement(model: &Model, s: &VoteSummary, md: bool, limit: usize) -> String {
    let o = build(model, s);
    let mut out = String::new();
    let mut cells: Vec<&CellOut> = o.cells.iter().filter(|c| c.iqr > 0.0).collect();
    cells.sort_by(|a, b| b.iqr.total_cmp(&a.iqr));
    let mut flips: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for d in &o.discuss_first {
        flips.insert((&d.scenario, &d.criterion), d.could_flip);
    }
    if md {
        out.push_str(&crate::tr!("cli.votes.md_header"));
        out.push('\n');
        out.push_str("|---|---|--:|--:|--:|--:|---|\n");
    } else {
        let _ = writeln!(
            out,
            "{} {} {} {} {} {}  {}",
            pad_width(&crate::tr!("cli.votes.col.scenario"), 28),
            pad_width(&crate::tr!("cli.votes.col.criterion"), 16),
            rpad_width("n", 3),
            rpad_width(&crate::tr!("cli.votes.col.median"), 6),
            rpad_width("IQR", 5),
            rpad_width(&crate::tr!("cli.votes.col.range"), 8),
            crate::tr!("cli.votes.col.flips"),
        );
    }
    for c in cells.iter().take(limit) {
        let flip = flips.get(&(c.scenario.as_str(), c.criterion.as_str())) == Some(&true);
        let range = format!("{}–{}", c.min, c.max);
        if md {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                super::score::md_escape(&c.scenario),
                super::score::md_escape(&c.criterion),
                c.n,
                c.median,
                c.iqr,
                range,
                if flip {
                    format!("**{}**", crate::tr!("cli.votes.yes"))
                } else {
                    crate::tr!("cli.votes.no")
                }
            );
        } else {
            let _ = writeln!(
                out,
                "{} {} {} {} {} {}  {}",
                pad_width(&c.scenario, 28),
                pad_width(&c.criterion, 16),
                rpad_width(&c.n.to_string(), 3),
                rpad_width(&c.median.to_string(), 6),
                rpad_width(&c.iqr.to_string(), 5),
                rpad_width(&range, 8),
                crate::tr!(if flip {
                    "cli.votes.yes"
                } else {
                    "cli.votes.no"
                })
            );
        }
    }
    if cells.len() > limit {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!("cli.votes.more", n = cells.len() - limit)
        );
    }
    let first: Vec<&DiscussOut> = o.discuss_first.iter().filter(|d| d.could_flip).collect();
    out.push('\n');
    if first.is_empty() {
        out.push_str(&crate::tr!("cli.votes.discuss_none"));
        out.push('\n');
    } else {
        out.push_str(&crate::tr!("cli.votes.discuss_first"));
        out.push('\n');
        if md {
            out.push('\n');
        }
        for d in first {
            let _ = writeln!(
                out,
                "{}{}.{} (IQR {})",
                if md { "- " } else { "  " },
                d.scenario,
                d.criterion,
                d.spread
            );
        }
    }
    out
}

/// `lodestar votes DIR [--format json]`
pub fn show(dir: &Path, format: VotesFormat) -> u8 {
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let model = &ws.model;
    let summary = match summarise(model, None) {
        Ok(s) => s,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return PROBLEMS;
        }
    };
    match format {
        VotesFormat::Json => {
            let doc = serde_json::to_value(build(model, &summary)).unwrap_or_default();
            out!("{}", crate::escape::to_json_pretty(&doc));
        }
        VotesFormat::Text => {
            let o = build(model, &summary);
            if o.participants.is_empty() {
                out!(
                    "{}",
                    crate::tr!("cli.votes.none", name = ws.name(), dir = dir.display())
                );
                return OK;
            }
            let mut text = String::new();
            let _ = writeln!(
                text,
                "{}",
                crate::tr!(
                    "cli.votes.headline",
                    name = ws.name(),
                    participants = o.participants.len(),
                    cells = o.cells.len(),
                    aggregate = crate::tr!(if o.aggregate == "mean" {
                        "cli.votes.mean"
                    } else {
                        "cli.votes.median"
                    }),
                    source = o.source
                )
            );
            let _ = writeln!(
                text,
                "{}\n",
                crate::tr!(
                    "cli.votes.winner",
                    winner = o.winner,
                    w = num(o.kendall_w, 2)
                )
            );
            let _ = writeln!(
                text,
                "{} {} {} {}",
                pad_width(&crate::tr!("cli.votes.col.participant"), 20),
                rpad_width(&crate::tr!("cli.votes.col.cells"), 5),
                rpad_width("AHP CR", 6),
                rpad_width("Spearman", 8)
            );
            for p in &o.participants {
                let _ = writeln!(
                    text,
                    "{} {} {} {}",
                    pad_width(&p.id, 20),
                    rpad_width(&p.cells.to_string(), 5),
                    rpad_width(&num(p.ahp_cr, 3), 6),
                    rpad_width(&num(p.spearman, 2), 8)
                );
            }
            text.push('\n');
            text.push_str(&disagreement(model, &summary, false, 20));
            super::write_stdout(&text);
        }
    }
    OK
}

/// `lodestar votes import FILE.csv [DIR]`: columns participant, scenario,
/// criterion, score (a header row names them, in any order). Usable rows
/// are cast per participant; the others are reported with their line.
pub fn import(file: &Path, dir: &Path) -> u8 {
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            err!(
                "{}",
                crate::tr!(
                    "cli.error",
                    message = format!(
                        "{}: {}",
                        file.display(),
                        crate::tr!("train.data.cannot_read", error = e)
                    )
                )
            );
            return FAILURE;
        }
    };
    // Rows end at `\n` (a `\r` before it is trimmed), so lines count right
    // with Windows line ends too: see `train::data::row_end`.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes));
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            err!("{}:1: error: {e}", file.display());
            return FAILURE;
        }
    };
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(pc), Some(sc), Some(cc), Some(vc)) = (
        col("participant"),
        col("scenario"),
        col("criterion"),
        col("score"),
    ) else {
        err!(
            "{}:1: error: the header must name the columns participant, scenario, criterion, score",
            file.display()
        );
        return FAILURE;
    };
    let mut by: BTreeMap<String, Vec<(String, String, f64)>> = BTreeMap::new();
    let mut bad = 0;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                err!("{}:{line}: error: {e}", file.display());
                bad += 1;
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue; // a blank line ending in `\r\n`
        }
        let line = record.position().map_or(0, csv::Position::line);
        let field = |k: usize| record.get(k).unwrap_or("");
        let participant = field(pc);
        let result = if valid_participant(participant) {
            cell(&ws.model, field(sc), field(cc), field(vc))
        } else {
            Err(format!(
                "participant `{participant}`: use letters, digits, `-` and `_`"
            ))
        };
        match result {
            Ok(score) => by.entry(participant.to_string()).or_default().push((
                field(sc).to_string(),
                field(cc).to_string(),
                score,
            )),
            Err(e) => {
                err!("{}:{line}: error: {e}; row skipped", file.display());
                bad += 1;
            }
        }
    }
    let mut written: Vec<PathBuf> = Vec::new();
    let mut rows = 0;
    for (participant, cells) in &by {
        match votes::cast(dir, participant, cells) {
            Ok(p) => {
                rows += cells.len();
                written.push(p);
            }
            Err(e) => {
                err!("{}", crate::tr!("cli.error", message = e));
                return FAILURE;
            }
        }
    }
    out!(
        "imported {rows} score{} for {} participant{}; {bad} row{} skipped",
        if rows == 1 { "" } else { "s" },
        written.len(),
        if written.len() == 1 { "" } else { "s" },
        if bad == 1 { "" } else { "s" }
    );
    if bad > 0 { PROBLEMS } else { OK }
}
