//! Overview: the method's flow, needs → market → scenarios → model →
//! deploy & monetise → monitor, each stage with its state and numbers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::needs::uncovered;
use crate::analysis::risk;
use crate::numfmt;
use crate::tui::component::{AppCtx, Component, Handled, ListView, Modal, Pane};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Scope};
use crate::tui::ui;
use crate::workspace::FileKind;

/// The Overview pane: what it derives from the workspace (per revision) and
/// reads from `runs/` (at most once a second), so drawing reads no file.
#[derive(Debug, Default)]
pub struct OverviewPane {
    /// The stage under the cursor (Enter opens its pane).
    pub list: ListView,
    revision: Option<u64>,
    coverage: HashMap<String, usize>,
    /// (errors, warnings) of `lodestar check`.
    problems: (usize, usize),
    run: Option<(Instant, Option<LatestRun>)>,
}

/// How long the latest run read from disk is shown before `runs/` is read again.
const RUN_FRESH: Duration = Duration::from_secs(1);

impl OverviewPane {
    /// Read `runs/` again at the next sync (a run started or ended).
    pub fn runs_changed(&mut self) {
        self.run = None;
    }
}

/// The pane each stage of the method opens.
pub const STAGE_PANES: [Pane; 6] = [
    Pane::Needs,
    Pane::Market,
    Pane::Scenarios,
    Pane::Training,
    Pane::Scenarios,
    Pane::Monitor,
];

impl Component for OverviewPane {
    fn commands(&self) -> Vec<Scope> {
        vec![Scope::Nav, Scope::Overview]
    }

    fn sync(&mut self, ctx: &mut AppCtx) {
        if self.revision != Some(ctx.ws.revision()) {
            self.revision = Some(ctx.ws.revision());
            self.coverage = ctx.ws.model.coverage_counts();
            self.problems = ctx.problem_counts();
        }
        ctx.sync_monitoring();
        if self
            .run
            .as_ref()
            .is_none_or(|(at, _)| at.elapsed() >= RUN_FRESH)
        {
            self.run = Some((Instant::now(), latest_run(&ctx.ws.root)));
        }
    }

    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        if self.list.navigate(action, STAGE_PANES.len()) {
            return Handled::Done;
        }
        match action {
            Action::WorkspaceSettings => Handled::Open(Modal::Form(Box::new(Form::settings(
                &ctx.ws,
                FileKind::Workspace,
            )))),
            Action::OpenStage => {
                Handled::Go(STAGE_PANES[self.list.selected.min(STAGE_PANES.len() - 1)])
            }
            _ => Handled::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        draw(self, frame, area, ctx)
    }
}

/// A stage of the flow: name, whether it needs attention, headline and
/// further detail lines (dropped first when the screen is short).
pub struct Stage {
    pub name: String,
    pub state: StageState,
    pub headline: String,
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    Ready,
    Attention,
    Empty,
}

/// Largest `summary.toml` read; lodestar writes a few hundred bytes.
const MAX_SUMMARY_BYTES: u64 = 64 * 1024;

/// The latest training run with a readable `summary.toml`: its folder name
/// and validation AUC, read leniently (the run format may grow).
#[derive(Debug, Clone)]
pub struct LatestRun {
    pub id: String,
    pub status: Option<String>,
    pub val_auc: Option<f64>,
}

pub fn latest_run(root: &std::path::Path) -> Option<LatestRun> {
    let dir = root.join("runs");
    let mut ids: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    // Run folders start with their start time: the last is the newest.
    ids.sort();
    ids.into_iter().rev().find_map(|id| {
        let path = dir.join(&id).join("summary.toml");
        if std::fs::metadata(&path).map_or(true, |m| m.len() > MAX_SUMMARY_BYTES) {
            return None;
        }
        let doc: toml_edit::DocumentMut = std::fs::read_to_string(&path).ok()?.parse().ok()?;
        let number = |k: &str| {
            doc.get(k)
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                .filter(|x| x.is_finite())
        };
        Some(LatestRun {
            val_auc: number("val-auc").or_else(|| number("val_auc")),
            // A run killed while training still says "running".
            status: doc
                .get("status")
                .and_then(|v| v.as_str())
                .map(|s| crate::train::runs::effective_status(&dir.join(&id), s)),
            id,
        })
    })
}

pub fn stages(pane: &OverviewPane, ctx: &AppCtx) -> Vec<Stage> {
    let m = &ctx.ws.model;
    let must = m.needs.iter().filter(|n| n.priority == "must").count();
    let open: Vec<_> = m
        .needs
        .iter()
        .filter(|n| uncovered(&pane.coverage, n))
        .collect();
    let open_must: Vec<&str> = open
        .iter()
        .filter(|n| n.priority == "must")
        .map(|n| n.id.as_str())
        .collect();
    let shortlisted = m
        .scenarios
        .iter()
        .filter(|s| matches!(s.status.as_str(), "shortlisted" | "selected"))
        .count();
    let revenue = m.scenarios.iter().filter(|s| s.revenue.is_some()).count();
    let register = risk::summary(m, ctx.today);
    let (serious, late) = (register.open_high, register.overdue);
    let run = pane.run.as_ref().and_then(|(_, r)| r.clone());
    let state = |empty: bool, attention: bool| {
        if empty {
            StageState::Empty
        } else if attention {
            StageState::Attention
        } else {
            StageState::Ready
        }
    };
    // The top scenario, its confidence and its money.
    let analysis = ctx.analysis.as_ref();
    let top = analysis.ok().map(|a| (a, a.ranking.winner()));
    let p_first = top.and_then(|(a, w)| {
        ctx.stability
            .latest(&a.matrix.scenarios)
            .and_then(|(s, fresh)| s.p_first.get(w).map(|p| (*p, fresh)))
    });
    let top_line = match (top, analysis) {
        (Some((a, w)), _) => {
            let name = a.matrix.names.get(w).map(String::as_str).unwrap_or("?");
            let score = a.ranking.scores.get(w).copied().unwrap_or(0.0);
            let confidence = match (p_first, ctx.stability.running) {
                (Some((p, true)), _) => {
                    crate::tr!("tui.overview.p_rank1", p = numfmt::percent_whole(p))
                }
                (_, Some(pr)) => crate::tr!(
                    "tui.overview.p_rank1_computing",
                    pct = format!("{:.0}", pr.fraction() * 100.0)
                ),
                (Some((p, false)), None) => {
                    crate::tr!("tui.overview.p_rank1", p = numfmt::percent_whole(p))
                }
                (None, None) => crate::tr!("tui.overview.p_rank1_none"),
            };
            crate::tr!(
                "tui.overview.top",
                name = name,
                score = format!("{score:.1}"),
                confidence = confidence
            )
        }
        (None, Err(e)) => crate::tr!("tui.overview.cannot_score", error = e),
        (None, Ok(_)) => String::new(),
    };
    let close_call = p_first.is_some_and(|(p, _)| p < 0.5);
    let money = top.and_then(|(a, w)| match a.revenue.get(w) {
        Some(Some(Ok(p))) => Some(p),
        _ => None,
    });
    let currency = &m.settings.currency;
    let money_line = match (top, money) {
        (Some((a, w)), Some(p)) => crate::tr!(
            "tui.overview.money",
            name = a.matrix.names.get(w).map(String::as_str).unwrap_or("?"),
            // The report's flow writes the same amount with the same function.
            npv = numfmt::money(p.npv, currency),
            payback = p
                .payback_month
                .map(|m| crate::tr!("tui.overview.month", m = m))
                .unwrap_or_else(|| crate::tr!("tui.overview.beyond_horizon")),
            irr = p
                .irr_annual
                .map(|r| crate::tr!("tui.overview.per_year", rate = numfmt::percent_whole(r)))
                .unwrap_or_else(|| crate::tr!("tui.overview.none")),
        ),
        (Some(_), None) => crate::tr!("tui.overview.no_revenue"),
        _ => String::new(),
    };
    let prototype = match &m.training.scenario {
        // Named as the workspace names it; the id when it names none.
        Some(s) => crate::tr!(
            "tui.overview.prototype",
            scenario = m.scenario(s).map_or(s.as_str(), |x| x.name.as_str())
        ),
        None => crate::tr!("tui.overview.no_training"),
    };
    let (model_headline, model_details) = match &run {
        None => (
            crate::tr!("tui.overview.no_run", prototype = prototype),
            vec![],
        ),
        Some(r) => (
            crate::tr!(
                "tui.overview.latest_run",
                auc = r
                    .val_auc
                    .map(|a| format!("{a:.3}"))
                    .unwrap_or_else(|| "—".into()),
                id = r.id,
                status = r
                    .status
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default(),
            ),
            vec![prototype],
        ),
    };
    vec![
        Stage {
            name: crate::tr!("tui.overview.stage.needs"),
            state: state(m.needs.is_empty(), !open_must.is_empty()),
            headline: crate::tr!(
                "tui.overview.needs_headline",
                n = m.needs.len(),
                must = must,
                open = open.len()
            ),
            details: vec![if open_must.is_empty() {
                crate::tr!("tui.overview.uncovered_none")
            } else {
                crate::tr!("tui.overview.uncovered", ids = open_must.join(", "))
            }],
        },
        Stage {
            name: crate::tr!("tui.overview.stage.market"),
            state: state(m.segments.is_empty() && m.trends.is_empty(), false),
            headline: crate::tr!(
                "tui.overview.market_headline",
                segments = m.segments.len(),
                trends = m.trends.len(),
                competitors = m.competitors.len(),
                evidence = m.evidence.len(),
                series = m.series.len()
            ),
            details: vec![],
        },
        Stage {
            name: crate::tr!("tui.overview.stage.scenarios"),
            state: state(m.scenarios.is_empty(), analysis.is_err() || close_call),
            headline: crate::tr!(
                "tui.overview.scenarios_headline",
                n = m.scenarios.len(),
                criteria = m.criteria.len(),
                shortlisted = shortlisted
            ),
            details: if close_call {
                vec![top_line, crate::tr!("tui.overview.close_call")]
            } else {
                vec![top_line]
            },
        },
        Stage {
            name: crate::tr!("tui.overview.stage.model"),
            state: state(m.training.data_file.is_empty(), run.is_none()),
            headline: model_headline,
            details: model_details,
        },
        Stage {
            name: crate::tr!("tui.overview.stage.deploy"),
            state: state(revenue == 0, money.is_some_and(|p| p.npv < 0.0)),
            headline: crate::tr!("tui.overview.revenue_headline", n = revenue),
            details: vec![money_line],
        },
        Stage {
            name: crate::tr!("tui.overview.stage.monitor"),
            state: state(
                m.risks.is_empty() && ctx.monitoring.is_empty(),
                serious > 0 || !ctx.monitoring.triggers.is_empty(),
            ),
            headline: match ctx.monitoring.triggers.first() {
                Some(t) => crate::tr!(
                    "tui.overview.triggers",
                    n = ctx.monitoring.triggers.len(),
                    kind = t.kind.as_str(),
                    subject = t.subject
                ),
                None if ctx.monitoring.is_empty() => crate::tr!("tui.overview.nothing_recorded"),
                None => crate::tr!("tui.overview.no_trigger"),
            },
            details: vec![crate::tr!(
                "tui.overview.risks_line",
                n = m.risks.len(),
                serious = serious,
                late = late
            )],
        },
    ]
}

fn draw(pane: &OverviewPane, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
    let theme = &ctx.theme();
    let (errors, warnings) = pane.problems;
    let mut stages = stages(pane, ctx);
    for s in &mut stages {
        s.details.retain(|d| !d.is_empty());
    }
    let inner_h = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    // Headers, headlines, the feedback line and the check line always show;
    // detail lines only while they fit.
    let fixed = stages.len() * 2 + 2;
    let mut room = inner_h.saturating_sub(fixed);
    let blank = room > stages.iter().map(|s| s.details.len()).sum::<usize>();
    for s in &mut stages {
        let keep = s.details.len().min(room);
        s.details.truncate(keep);
        room -= keep;
    }
    let mut lines = Vec::new();
    let cursor = pane.list.selected;
    for (i, s) in stages.iter().enumerate() {
        let (glyph, style) = match s.state {
            StageState::Ready => ("✓", theme.ok),
            StageState::Attention => ("!", theme.warn),
            StageState::Empty => ("·", theme.dim),
        };
        let name_style = if i == cursor {
            theme.selected
        } else {
            theme.header
        };
        let mark = if i == cursor { "▶" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark}{glyph} "), style),
            Span::styled(format!("{}. {}", i + 1, s.name), name_style),
        ]));
        let bar = if i + 1 < stages.len() {
            " │   "
        } else {
            "     "
        };
        for (k, text) in std::iter::once(&s.headline).chain(&s.details).enumerate() {
            lines.push(Line::from(vec![
                Span::styled(bar, theme.dim),
                Span::styled(
                    ui::truncate(text, width.saturating_sub(5)),
                    if k == 0 { theme.base } else { theme.dim },
                ),
            ]));
        }
    }
    lines.push(Line::from(Span::styled(
        format!(" {}", crate::tr!("tui.overview.feedback")),
        theme.dim,
    )));
    if blank {
        lines.push(Line::default());
    }
    let check = if errors + warnings == 0 {
        Span::styled(
            format!(" {}", crate::tr!("tui.overview.check_ok")),
            theme.ok,
        )
    } else {
        Span::styled(
            format!(
                " {}",
                crate::tr!(
                    "tui.overview.check_problems",
                    glyph = if errors > 0 { "✗" } else { "!" },
                    errors = errors,
                    warnings = warnings
                )
            ),
            if errors > 0 { theme.error } else { theme.warn },
        )
    };
    lines.push(Line::from(check));
    let title = crate::tr!("tui.overview.title", name = ctx.ws.name());
    frame.render_widget(Paragraph::new(lines).block(ui::block(title, theme)), area);
}
