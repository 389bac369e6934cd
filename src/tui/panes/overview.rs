//! Overview: the method's flow, needs → market → scenarios → model →
//! deploy & monetise → monitor, each stage with its state and numbers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::needs::uncovered;
use super::risks::{level, overdue};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// A stage of the flow: name, whether it needs attention, headline.
pub struct Stage {
    pub name: &'static str,
    pub state: StageState,
    pub headline: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    Ready,
    Attention,
    Empty,
}

pub fn stages(app: &App) -> Vec<Stage> {
    let m = &app.ws.model;
    let must = m.needs.iter().filter(|n| n.priority == "must").count();
    let open: Vec<_> = m.needs.iter().filter(|n| uncovered(app, n)).collect();
    let open_must = open.iter().filter(|n| n.priority == "must").count();
    let shortlisted = m
        .scenarios
        .iter()
        .filter(|s| matches!(s.status.as_str(), "shortlisted" | "selected"))
        .count();
    let revenue = m.scenarios.iter().filter(|s| s.revenue.is_some()).count();
    let mut bands = m.bands();
    bands.sort_by_key(|b| b.min);
    let top_levels = bands.len().saturating_sub(2);
    let serious = m
        .risks
        .iter()
        .filter(|r| r.status != "closed" && level(m, r.score()).0 >= top_levels)
        .count();
    let late = m.risks.iter().filter(|r| overdue(app, r)).count();
    let runs = super::training::runs(app).len();
    let state = |empty: bool, attention: bool| {
        if empty {
            StageState::Empty
        } else if attention {
            StageState::Attention
        } else {
            StageState::Ready
        }
    };
    vec![
        Stage {
            name: "Needs & goals",
            state: state(m.needs.is_empty(), open_must > 0),
            headline: format!(
                "{} needs, {must} must-have · {} not addressed by any scenario ({open_must} must-have)",
                m.needs.len(),
                open.len()
            ),
        },
        Stage {
            name: "Market",
            state: state(m.segments.is_empty() && m.trends.is_empty(), false),
            headline: format!(
                "{} segments · {} trends · {} competitors · {} evidence · {} series",
                m.segments.len(),
                m.trends.len(),
                m.competitors.len(),
                m.evidence.len(),
                m.series.len()
            ),
        },
        Stage {
            name: "Scenarios",
            state: state(m.scenarios.is_empty(), false),
            headline: format!(
                "{} candidates scored on {} criteria · {shortlisted} shortlisted or selected",
                m.scenarios.len(),
                m.criteria.len()
            ),
        },
        Stage {
            name: "Model",
            state: state(m.training.data_file.is_empty(), runs == 0),
            headline: match (&m.training.scenario, runs) {
                (Some(s), 0) => format!("prototype for {s} configured · no run yet"),
                (Some(s), n) => format!("prototype for {s} · {n} run(s)"),
                (None, _) => "no training configured".into(),
            },
        },
        Stage {
            name: "Deploy & monetise",
            state: state(revenue == 0, false),
            headline: format!("{revenue} scenarios with a revenue model"),
        },
        Stage {
            name: "Monitor",
            state: state(m.risks.is_empty(), serious > 0 || late > 0),
            headline: format!(
                "{} risks · {serious} high or critical still open · {late} reviews overdue",
                m.risks.len()
            ),
        },
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let mut lines = Vec::new();
    let diags = app.ws.diagnostics();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let stages = stages(app);
    for (i, s) in stages.iter().enumerate() {
        let (glyph, style) = match s.state {
            StageState::Ready => ("✓", theme.ok),
            StageState::Attention => ("!", theme.warn),
            StageState::Empty => ("·", theme.dim),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {glyph} "), style),
            Span::styled(format!("{}. {}", i + 1, s.name), theme.header),
        ]));
        lines.push(Line::from(Span::styled(
            format!("     {}", s.headline),
            theme.base,
        )));
        if i + 1 < stages.len() {
            lines.push(Line::from(Span::styled("     │", theme.dim)));
        }
    }
    lines.push(Line::from(Span::styled(
        "     └─▶ monitor & adjust feeds back into needs and scores",
        theme.dim,
    )));
    lines.push(Line::default());
    let check = if diags.is_empty() {
        Span::styled(" ✓ check: no problems", theme.ok)
    } else {
        Span::styled(
            format!(
                " {} check: {errors} errors, {} warnings — run `lodestar check`",
                if errors > 0 { "✗" } else { "!" },
                diags.len() - errors
            ),
            if errors > 0 { theme.error } else { theme.warn },
        )
    };
    lines.push(Line::from(check));
    let title = format!("{} — from needs to money", app.ws.name());
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(ui::block(title, theme)),
        area,
    );
}
