//! `lodestar report`: a Markdown report a team can commit or paste — the
//! flow as a mermaid diagram, the ranking with its stability, the money,
//! needs coverage, the risk heat map, the latest training run and the
//! monitoring after launch.

pub(crate) mod charts;
pub(crate) mod market;
pub(crate) mod monitor;

use std::fmt::Write as _;
use std::path::Path;

use super::score::{Scored, build, compute, markdown_table, md_escape};
use super::{FAILURE, OK, open_or_report, write_stdout};
use crate::analysis::risk::{self, Bands, Basis, HeatMap, Level};
use crate::analysis::{Irr, Quadrant};
use crate::numfmt::{MISSING, or_missing, percent, thousands};
use crate::tr;
use crate::workspace::{Date, Model, Workspace, source};

/// Largest `summary.toml` read (it is a few hundred bytes when written by lodestar).
const MAX_SUMMARY_BYTES: u64 = 256 * 1024;

pub fn report(dir: &Path, output: Option<&Path>) -> u8 {
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let text = render(&ws);
    match output {
        Some(path) => match source::write_atomic(path, crate::escape::visible(&text).as_bytes()) {
            Ok(()) => {
                err!("{}", tr!("cli.wrote", path = path.display()));
                OK
            }
            Err(e) => {
                err!("{}", tr!("cli.error", message = e));
                FAILURE
            }
        },
        None => write_stdout(&text),
    }
}

/// The whole report. Sections whose analysis fails say why instead of
/// being left out.
pub fn render(ws: &Workspace) -> String {
    let m = &ws.model;
    let scored = compute(m, None, None, None);
    let run = latest_run(&ws.root);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n",
        tr!("report.title", name = md_escape(ws.name()))
    );
    if !m.settings.description.is_empty() {
        let _ = writeln!(out, "{}\n", md_escape(&m.settings.description));
    }
    let _ = writeln!(
        out,
        "{}\n",
        tr!(
            "report.generated",
            version = env!("CARGO_PKG_VERSION"),
            date = date(Date::today()),
            currency = m.settings.currency
        )
    );
    flow(&mut out, m, scored.as_ref().ok(), run.as_ref());
    match &scored {
        Ok(s) => {
            ranking(&mut out, m, ws.name(), s);
            charts::scenario_charts(&mut out, m, s);
            revenue(&mut out, m, s);
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "## {}\n\n{}\n",
                tr!("report.ranking.heading"),
                tr!("report.ranking.cannot_score", error = e)
            );
        }
    }
    if !m.votes.is_empty() {
        workshop_votes(&mut out, m);
    }
    let analysed = crate::market::analyse(&ws.root, m, &crate::market::Options::default());
    out.push_str(&market::markdown_section(&analysed, &m.settings.currency));
    charts::market_charts(&mut out, &analysed);
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    needs(&mut out, m);
    risks(&mut out, m);
    training(&mut out, run.as_ref(), &ws.model);
    if let Some(r) = &run {
        charts::training_curves(&mut out, &ws.root.join("runs").join(&r.id), &r.id);
    }
    let monitoring = crate::train::drift::monitoring(&ws.root, m, Date::today());
    out.push_str(&monitor::markdown_section(
        &monitoring,
        &m.settings.currency,
    ));
    // Every pipe table padded by display width: the raw Markdown reads as
    // tables too, Chinese cells included.
    crate::text::align_markdown_tables(&out)
}

/// The workshop votes: who voted, agreement, the disagreement table and
/// the cells to discuss first.
fn workshop_votes(out: &mut String, m: &Model) {
    let _ = writeln!(out, "## {}\n", tr!("report.votes.heading"));
    let s = match crate::analysis::votes::summarise(m, None) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(out, "{}\n", tr!("report.votes.cannot", error = e));
            return;
        }
    };
    let source = if crate::analysis::votes::uses_votes(m) {
        tr!("report.votes.source_votes")
    } else {
        tr!("report.votes.source_single")
    };
    let winner = m.scenarios.get(s.winner).map_or("", |x| x.id.as_str());
    let _ = writeln!(
        out,
        "{}\n",
        tr!(
            "report.votes.summary",
            participants = s.participants.len(),
            cells = s.cells.len(),
            aggregate = s.aggregate,
            source = source,
            winner = md_escape(winner),
            w = s
                .kendall_w
                .map_or_else(|| "–".into(), |w| format!("{w:.2}"))
        )
    );
    let _ = writeln!(out, "{}\n|---|--:|--:|--:|", tr!("report.votes.columns"));
    for p in &s.participants {
        let f = |x: Option<f64>, d: usize| x.map_or_else(|| "–".into(), |x| format!("{x:.d$}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md_escape(&p.id),
            p.cells,
            f(p.ahp_cr, 3),
            f(p.spearman, 2)
        );
    }
    out.push('\n');
    out.push_str(&super::votes::disagreement(m, &s, true, 15));
    out.push('\n');
}

/// A date as the report writes it: `2026-11-29`, or `2026年11月29日`.
pub(crate) fn date(d: Date) -> String {
    match crate::i18n::current() {
        crate::i18n::Lang::En => d.to_string(),
        crate::i18n::Lang::ZhCn => tr!("report.date", year = d.year, month = d.month, day = d.day),
    }
}

/// A quadrant's name in the current language.
pub(crate) fn quadrant_label(q: Quadrant) -> String {
    match q {
        Quadrant::QuickWin => tr!("report.quadrant.quick_win"),
        Quadrant::StrategicBet => tr!("report.quadrant.strategic_bet"),
        Quadrant::FillIn => tr!("report.quadrant.fill_in"),
        Quadrant::Avoid => tr!("report.quadrant.avoid"),
    }
}

/// Label text safe inside a mermaid `["…"]` node.
fn mermaid(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace(['[', ']'], "")
        .replace('\n', " ")
}

fn flow(out: &mut String, m: &Model, s: Option<&Scored>, run: Option<&Run>) {
    let cov = crate::analysis::coverage(m);
    let top = s.map(|s| {
        let w = s.analysis.ranking.winner();
        let name = s.analysis.matrix.names.get(w).cloned().unwrap_or_default();
        let p = s
            .stability
            .as_ref()
            .and_then(|st| st.p_first.get(w))
            .map(|p| tr!("report.flow.p_first", p = crate::numfmt::percent_whole(*p)));
        let money = s
            .analysis
            .revenue
            .get(w)
            .and_then(Option::as_ref)
            .and_then(|r| r.as_ref().ok())
            .map(|p| {
                let pb = p.payback_month.map_or_else(
                    || tr!("report.no_payback"),
                    |m| tr!("report.payback_month", month = m),
                );
                // The same money format as the Overview (numfmt::money).
                tr!(
                    "report.flow.money",
                    npv = crate::numfmt::money(p.npv, &m.settings.currency),
                    payback = pb
                )
            });
        (
            format!(
                "{}{}",
                tr!("report.flow.top", name = name),
                p.unwrap_or_default()
            ),
            money.unwrap_or_else(|| tr!("report.flow.no_revenue")),
        )
    });
    let (scen, money) = top.unwrap_or_else(|| (tr!("report.flow.not_scored"), MISSING.into()));
    let model = match run {
        Some(r) => match r.get("val-auc") {
            Some(auc) => tr!("report.flow.run_auc", id = r.id, auc = auc),
            None => tr!("report.flow.run", id = r.id),
        },
        None => tr!("report.flow.no_run"),
    };
    let nodes = [
        (
            "needs",
            tr!("report.flow.needs"),
            tr!(
                "report.flow.needs_detail",
                needs = m.needs.len(),
                uncovered = cov.uncovered_must.len()
            ),
        ),
        (
            "market",
            tr!("report.flow.market"),
            tr!(
                "report.flow.market_detail",
                segments = m.segments.len(),
                competitors = m.competitors.len()
            ),
        ),
        (
            "scenarios",
            tr!("report.flow.scenarios"),
            tr!(
                "report.flow.scenarios_detail",
                count = m.scenarios.len(),
                top = scen
            ),
        ),
        ("model", tr!("report.flow.model"), model),
        ("deploy", tr!("report.flow.deploy"), money),
        (
            "monitor",
            tr!("report.flow.monitor"),
            tr!(
                "report.flow.monitor_detail",
                count = risk::summary(m, Date::today()).open_high
            ),
        ),
    ];
    let _ = write!(
        out,
        "## {}\n\n```mermaid\nflowchart LR\n",
        tr!("report.flow.heading")
    );
    for (id, title, detail) in &nodes {
        let _ = writeln!(
            out,
            "  {id}[\"{}<br/>{}\"]",
            mermaid(title),
            mermaid(detail)
        );
    }
    out.push_str("  needs --> market --> scenarios --> model --> deploy --> monitor\n");
    let _ = write!(
        out,
        "  monitor -.->|\"{}\"| needs\n```\n\n",
        mermaid(&tr!("report.flow.rescore"))
    );
}

fn ranking(out: &mut String, m: &Model, name: &str, s: &Scored) {
    let o = build(m, name, s);
    let a = &s.analysis;
    let _ = writeln!(out, "## {}\n", tr!("report.ranking.heading"));
    let _ = writeln!(
        out,
        "{}\n",
        tr!(
            "report.ranking.method",
            method = crate::labels::method_label(a.method),
            formula = crate::labels::method_formula(a.method)
        )
    );
    let source = match a.weights.source {
        crate::analysis::WeightSource::Direct => tr!("report.ranking.weights_direct"),
        crate::analysis::WeightSource::Ahp => tr!("report.ranking.weights_ahp"),
    };
    let _ = writeln!(out, "{source}\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---|---|---:|",
        tr!("report.ranking.col_criterion"),
        tr!("report.ranking.col_direction"),
        tr!("report.ranking.col_group"),
        tr!("report.ranking.col_weight")
    );
    for (c, w) in m.criteria.iter().zip(&a.weights.values) {
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {:.3} |",
            md_escape(&c.name),
            c.id,
            if c.cost {
                tr!("report.ranking.cost")
            } else {
                tr!("report.ranking.benefit")
            },
            c.group.as_deref().unwrap_or(MISSING),
            w
        );
    }
    out.push('\n');
    if let Some(h) = &a.weights.ahp {
        match h.cr {
            Some(cr) if h.inconsistent() => {
                out.push_str(&tr!("report.ranking.cr_bad", cr = format!("{cr:.3}")));
                if let Some(p) = &h.worst_pair {
                    out.push_str(&tr!(
                        "report.ranking.cr_worst",
                        a = a.matrix.criteria[p.a],
                        b = a.matrix.criteria[p.b],
                        given = format!("{:.2}", p.given),
                        implied = format!("{:.2}", p.implied)
                    ));
                }
                out.push_str(if crate::i18n::current() == crate::i18n::Lang::ZhCn {
                    "。\n\n"
                } else {
                    ".\n\n"
                });
            }
            Some(cr) => {
                let _ = writeln!(
                    out,
                    "{}\n",
                    tr!("report.ranking.cr_ok", cr = format!("{cr:.3}"))
                );
            }
            None => {}
        }
    }
    out.push_str(&markdown_table(&o));
    out.push('\n');
    match &s.stability {
        Some(st) => {
            let _ = writeln!(
                out,
                "{}\n",
                tr!(
                    "report.ranking.stability",
                    samples = st.options.samples,
                    concentration = st.options.concentration,
                    seed = st.options.seed
                )
            );
            if let Some(p) = st.participants {
                let _ = writeln!(
                    out,
                    "{}\n",
                    crate::tr!("votes.report.bootstrap", participants = p)
                );
            }
        }
        None => {
            let _ = writeln!(out, "{}\n", tr!("report.ranking.no_stability"));
        }
    }
    if let Some(f) = a.smallest_flip() {
        let _ = writeln!(
            out,
            "{}\n",
            tr!(
                "report.ranking.flip",
                criterion = a.matrix.criteria[f.criterion],
                from = format!("{:.3}", f.from),
                to = format!("{:.3}", f.to),
                change = format!("{:+.3}", f.change()),
                rival = md_escape(&a.matrix.names[f.rival]),
                winner = md_escape(&a.matrix.names[f.winner])
            )
        );
    } else if a.matrix.n_scenarios() > 1 {
        let _ = writeln!(out, "{}\n", tr!("report.ranking.no_flip"));
    }
    if let Ok(positions) = &a.positions {
        let _ = writeln!(out, "{}\n", tr!("report.ranking.quadrants"));
        for q in [
            Quadrant::QuickWin,
            Quadrant::StrategicBet,
            Quadrant::FillIn,
            Quadrant::Avoid,
        ] {
            let names: Vec<String> = a
                .ranking
                .order
                .iter()
                .filter(|&&i| positions[i].quadrant == q)
                .map(|&i| md_escape(&a.matrix.names[i]))
                .collect();
            let label = quadrant_label(q);
            let _ = writeln!(
                out,
                "- {label}: {}",
                if names.is_empty() {
                    MISSING.into()
                } else {
                    names.join(", ")
                }
            );
        }
        out.push('\n');
    }
}

fn revenue(out: &mut String, m: &Model, s: &Scored) {
    let a = &s.analysis;
    let _ = writeln!(out, "## {}\n", tr!("report.revenue.heading"));
    let _ = writeln!(
        out,
        "{}\n",
        tr!(
            "report.revenue.intro",
            rate = percent(m.settings.discount_rate),
            monthly = format!(
                "{:.4}",
                100.0 * crate::analysis::revenue::monthly_rate(m.settings.discount_rate)
            )
        )
    );
    let _ = writeln!(out, "{}", tr!("report.revenue.columns"));
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|\n");
    let mut notes = Vec::new();
    let mut order = a.ranking.order.clone();
    let npv_of = |i: usize| {
        a.revenue
            .get(i)
            .and_then(Option::as_ref)
            .and_then(|r| r.as_ref().ok())
            .map_or(f64::NEG_INFINITY, |p| p.npv)
    };
    order.sort_by(|&x, &y| npv_of(y).total_cmp(&npv_of(x)));
    for i in order {
        let name = md_escape(&a.matrix.names[i]);
        match a.revenue.get(i).and_then(Option::as_ref) {
            None => {
                let _ = writeln!(out, "| {name} |{}", format!(" {MISSING} |").repeat(7));
            }
            Some(Err(e)) => {
                let _ = writeln!(
                    out,
                    "| {name} | {} |{}",
                    tr!("report.revenue.error"),
                    format!(" {MISSING} |").repeat(6)
                );
                notes.push(format!("{name}: {e}"));
            }
            Some(Ok(p)) => {
                let irr = match p.irr {
                    Irr::Rate { .. } => or_missing(p.irr_annual, percent),
                    Irr::NoSignChange => tr!("report.none"),
                    Irr::NoRoot { .. } => tr!("report.none"),
                };
                if !p.irr.explain().is_empty() {
                    notes.push(format!("{name}: {}", p.irr.explain()));
                }
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} | {irr} | {} | {} | {} |",
                    p.model,
                    tr!("report.months", n = p.months),
                    thousands(p.npv),
                    p.payback_month.map_or_else(
                        || tr!("report.not_in_horizon"),
                        |m| tr!("report.month", month = m)
                    ),
                    p.break_even_volume
                        .map_or_else(|| tr!("report.revenue.never"), thousands),
                    or_missing(p.gross_margin, percent),
                );
            }
        }
    }
    out.push('\n');
    for n in notes {
        let _ = writeln!(out, "- {n}");
    }
    out.push('\n');
}

fn needs(out: &mut String, m: &Model) {
    let cov = crate::analysis::coverage(m);
    let _ = writeln!(out, "## {}\n", tr!("report.needs.heading"));
    if m.needs.is_empty() {
        let _ = writeln!(out, "{}\n", tr!("report.needs.none"));
        return;
    }
    if cov.uncovered.is_empty() {
        let _ = writeln!(out, "{}\n", tr!("report.needs.all_covered"));
    } else {
        let _ = writeln!(out, "{}\n", tr!("report.needs.uncovered"));
        for id in &cov.uncovered {
            if let Some(n) = m.need(id) {
                let _ = writeln!(out, "- `{}` ({}) {}", n.id, n.priority, md_escape(&n.title));
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}\n|---|---:|---|", tr!("report.needs.columns"));
    for s in &cov.scenarios {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md_escape(&s.name),
            s.must.len(),
            if s.all.is_empty() {
                MISSING.into()
            } else {
                s.all.join(", ")
            }
        );
    }
    out.push('\n');
    if let Some(best) = cov.most_must.as_deref().and_then(|id| m.scenario(id)) {
        let _ = writeln!(
            out,
            "{}\n",
            tr!("report.needs.most_must", name = md_escape(&best.name))
        );
    }
}

fn risks(out: &mut String, m: &Model) {
    let _ = writeln!(out, "## {}\n", tr!("report.risks.heading"));
    if m.risks.is_empty() {
        let _ = writeln!(out, "{}\n", tr!("report.risks.none"));
        return;
    }
    let bands = Bands::of(m);
    let grid = HeatMap::of(&m.risks, Basis::Inherent);
    // A band is marked by the first letter of its name (`H`, or `极`).
    let mark = |name: &str| name.chars().next().map_or('?', |c| c.to_ascii_uppercase());
    let mark_of = |score: i64| bands.level(score).map_or('?', |l| mark(&l.name));
    let _ = writeln!(out, "{}\n", tr!("report.risks.heatmap"));
    let _ = writeln!(
        out,
        "| {} | 1 | 2 | 3 | 4 | 5 |\n|---|---:|---:|---:|---:|---:|",
        tr!("report.risks.axes")
    );
    for impact in (1..=5).rev() {
        let cells: Vec<String> = (1..=5)
            .map(|l| match grid.count(l, impact) {
                0 => format!("· [{}]", mark_of(l * impact)),
                n => format!("**{n}** [{}]", mark_of(l * impact)),
            })
            .collect();
        let _ = writeln!(out, "| {impact} | {} |", cells.join(" | "));
    }
    let legend: Vec<String> = bands
        .as_slice()
        .iter()
        .map(|b| format!("{} = {} ({}–{})", mark(&b.name), b.name, b.min, b.max))
        .collect();
    let _ = writeln!(out, "\n{}.\n", legend.join(", "));
    let mut top: Vec<_> = m.risks.iter().filter(|r| risk::is_open(r)).collect();
    top.sort_by(|a, b| b.score().cmp(&a.score()).then(a.id.cmp(&b.id)));
    let _ = writeln!(
        out,
        "{}\n|---|---|---:|---:|---|---|",
        tr!("report.risks.columns")
    );
    let unbanded = tr!("report.risks.unbanded");
    let scored = |score: i64, level: Option<&Level>| {
        format!(
            "{score} ({})",
            level.map_or(unbanded.as_str(), |l| l.name.as_str())
        )
    };
    let today = Date::today();
    for r in top.iter().take(10) {
        let a = risk::assess(r, &bands, today);
        let residual = a.residual.as_ref().map_or_else(
            || MISSING.to_string(),
            |x| scored(x.score, x.level.as_ref()),
        );
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {residual} | {} | {} |",
            r.id,
            md_escape(&r.title),
            r.category,
            scored(a.score, a.level.as_ref()),
            r.status,
            md_escape(&r.owner)
        );
    }
    if top.len() > 10 {
        let _ = writeln!(
            out,
            "\n{}",
            tr!("report.risks.more", count = top.len() - 10)
        );
    }
    out.push('\n');
}

/// The latest `runs/<id>/summary.toml`, read leniently: every top-level
/// value kept as text, in file order.
struct Run {
    id: String,
    fields: Vec<(String, String)>,
    /// The kept model's gains by decile on the validation part (`gains.csv`).
    gains: Vec<crate::train::metrics::GainsRow>,
    /// The kept model's validation scores and labels (`validation.csv`).
    valid: (Vec<f32>, Vec<f32>),
}

impl Run {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn latest_run(root: &Path) -> Option<Run> {
    let entries = std::fs::read_dir(root.join("runs")).ok()?;
    let mut ids: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|id| root.join("runs").join(id).join("summary.toml").is_file())
        .collect();
    // Run ids start with their start time, so the last one is the newest.
    ids.sort();
    for id in ids.into_iter().rev() {
        let path = root.join("runs").join(&id).join("summary.toml");
        if std::fs::metadata(&path).map_or(true, |md| md.len() > MAX_SUMMARY_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let dir = root.join("runs").join(&id);
        let fields = doc
            .iter()
            .filter_map(|(k, v)| {
                let v = v.as_value()?;
                let shown = match v {
                    // A run killed mid-way still says "running".
                    toml_edit::Value::String(s) if k == "status" => {
                        crate::train::runs::effective_status(&dir, s.value())
                    }
                    toml_edit::Value::String(s) => s.value().clone(),
                    other => other.clone().decorated("", "").to_string(),
                };
                Some((k.to_string(), shown))
            })
            .collect();
        let gains = crate::train::runs::read_gains(&dir);
        let valid = crate::train::runs::read_validation(&dir);
        return Some(Run {
            id,
            fields,
            gains,
            valid,
        });
    }
    None
}

fn training(out: &mut String, run: Option<&Run>, model: &crate::workspace::model::Model) {
    out.push_str("## Latest training run\n\n");
    let Some(r) = run else {
        out.push_str("No training run yet (`lodestar train DIR` writes one under `runs/`).\n");
        return;
    };
    let _ = writeln!(out, "Run `{}`:\n", r.id);
    out.push_str("| field | value |\n|---|---|\n");
    for (k, v) in &r.fields {
        let _ = writeln!(out, "| {} | {} |", md_escape(k), md_escape(v));
    }
    if r.gains.is_empty() {
        return;
    }
    // Reading down: contacting the top k % of the validation rows by score
    // reaches `recall` of the positives at `precision`.
    out.push_str("\nGains by decile on the validation part (the kept model):\n\n");
    out.push_str(
        "| top | rows | positives | precision | recall (gain) | lift | cumulative lift |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|\n");
    let total = r.gains.last().map_or(0, |g| g.cum_rows).max(1);
    for g in &r.gains {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.2} | {:.2} |",
            percent(g.cum_rows as f64 / total as f64),
            g.cum_rows,
            g.cum_positives,
            percent(g.cum_positives as f64 / g.cum_rows.max(1) as f64),
            percent(g.gain),
            g.lift,
            g.cum_lift
        );
    }
    money(out, r, model);
}

/// From AUC to money: the kept model at `[money]`'s cut-off and what it
/// implies for the linked scenario (docs/METHOD.md).
fn money(out: &mut String, r: &Run, model: &crate::workspace::model::Model) {
    use crate::train::money;
    let Some(m) = model.training.money.as_ref() else {
        return;
    };
    let _ = writeln!(out, "\n{}\n", crate::tr!("training.money.report_heading"));
    let result = money::cutoff(m)
        .ok_or_else(|| "money.cutoff: give `top` or `threshold`".to_string())
        .and_then(|cut| money::implication(model, m, cut, &r.valid.0, &r.valid.1));
    match result {
        Ok(i) => {
            let _ = writeln!(out, "- {}", money::headline(&i));
            let _ = writeln!(
                out,
                "- {}",
                crate::tr!(
                    "training.money.contacted",
                    contacted = crate::numfmt::thousands(i.stats.contacted as f64),
                    rows = crate::numfmt::thousands(i.stats.rows as f64),
                    share = crate::numfmt::percent(i.stats.share)
                )
            );
            for line in money::lines(&i) {
                let _ = writeln!(out, "- {}", md_escape(&line));
            }
        }
        Err(e) => {
            let _ = writeln!(out, "{}", md_escape(&e));
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_are_escaped() {
        assert_eq!(mermaid("say \"hi\" [now]"), "say #quot;hi#quot; now");
    }

    #[test]
    fn summary_is_read_leniently() {
        let dir = tempfile::tempdir().unwrap();
        assert!(latest_run(dir.path()).is_none());
        for (id, text) in [
            ("2026-01-01T10-00-00", "val-auc = 0.7\n"),
            (
                "2026-02-01T10-00-00",
                "id = \"x\"\nstatus = \"finished\"\nval-auc = 0.81\n[extra]\nignored = 1\n",
            ),
            ("2026-03-01T10-00-00", "this is = = not toml"),
        ] {
            let d = dir.path().join("runs").join(id);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("summary.toml"), text).unwrap();
        }
        let r = latest_run(dir.path()).unwrap();
        assert_eq!(r.id, "2026-02-01T10-00-00");
        assert_eq!(r.get("val-auc"), Some("0.81"));
        assert_eq!(r.get("status"), Some("finished"));
        assert_eq!(r.get("ignored"), None);
    }
}
