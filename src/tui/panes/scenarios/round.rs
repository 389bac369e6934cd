//! The vote round: one scenario × criterion cell at a time, for the room's
//! projector (presentation mode, 60×20 and up). First who has voted — every
//! participant with a file in `votes/`, ✓ or · — and "3 of 5 voted", with
//! the votes hidden; then the reveal: the votes as a dot plot over the
//! criterion's scale (one ● per vote, stacked by value, a `├──▲──┤` line
//! under the axis for the quartiles and the median), the median, IQR and
//! min–max, and what the cell does to the ranking (the scenario's rank now,
//! with the votes' median, between their quartiles, and whether that could
//! change the winner). `]`/`[` walk the cells, those to discuss first
//! first. `i` types a vote for someone without a terminal (written to their
//! vote file at once; `u` undoes it).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::View;
use crate::analysis::votes::{CellEffect, CellStats, VoteSummary, cell_effect, summarise};
use crate::tui::component::{AppCtx, Level, VoteEdit};
use crate::tui::steps::{number, round_to, score_step};
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::Model;
use crate::workspace::votes::{in_scale, valid_participant};

/// The cell of the round, by ids (the round survives re-sorting and
/// reloads), whether its votes are revealed, and the "vote for" prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub scenario: String,
    pub criterion: String,
    pub revealed: bool,
    pub prompt: Option<Prompt>,
}

/// The facilitator typing a vote for someone: first who (typed, or picked
/// with ↑/↓ from the participants), then the score (typed, or stepped with
/// +/- and ←/→). Enter goes on, Esc cancels.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    Who { input: String, pick: Option<usize> },
    Score { who: String, text: String },
}

/// A cell's effect as computed at a workspace revision.
#[derive(Debug)]
struct EffectAt {
    rev: u64,
    cell: (usize, usize),
    effect: Result<CellEffect, String>,
}

/// The vote summary and the round cell's effect on the ranking, kept per
/// workspace revision (which every edit and every re-read of `votes/`
/// changes), so that frames cost nothing extra.
#[derive(Debug, Default)]
pub struct Cache {
    /// Revision the summary is for, and the summary (or why there is none).
    summary: Option<(u64, Result<VoteSummary, String>)>,
    /// The round cell's effect, with the revision and cell it is for.
    effect: Option<EffectAt>,
    /// How many times the summary was computed (for tests).
    pub computed: usize,
}

impl Cache {
    /// Bring the summary up to date with `model` at `rev` (only when it
    /// changed), and the effect of the round's cell when a round is open.
    pub fn refresh(&mut self, model: &Model, rev: u64, cell: Option<(usize, usize)>) {
        if model.votes.is_empty() {
            self.summary = None;
            self.effect = None;
            return;
        }
        if self.summary.as_ref().map(|s| s.0) != Some(rev) {
            let s = summarise(model, None).map_err(|e| e.to_string());
            self.summary = Some((rev, s));
            self.computed += 1;
        }
        let Some((i, j)) = cell else {
            return;
        };
        if self.effect.as_ref().map(|e| (e.rev, e.cell)) == Some((rev, (i, j))) {
            return;
        }
        let stats = self.stats(i, j).cloned();
        self.effect = stats.map(|c| {
            let effect = cell_effect(model, i, j, &c).map_err(|e| e.to_string());
            EffectAt {
                rev,
                cell: (i, j),
                effect,
            }
        });
    }

    /// The summary, when the workspace has votes.
    pub fn summary(&self) -> Option<&Result<VoteSummary, String>> {
        self.summary.as_ref().map(|s| &s.1)
    }

    /// The revision the summary was computed for.
    pub fn revision(&self) -> Option<u64> {
        self.summary.as_ref().map(|s| s.0)
    }

    fn stats(&self, i: usize, j: usize) -> Option<&CellStats> {
        let s = self.summary()?.as_ref().ok()?;
        s.cells.iter().find(|c| c.scenario == i && c.criterion == j)
    }

    /// The effect of cell (i, j) as last computed.
    pub fn effect(&self, i: usize, j: usize) -> Option<&Result<CellEffect, String>> {
        match &self.effect {
            Some(e) if e.cell == (i, j) => Some(&e.effect),
            _ => None,
        }
    }
}

impl Round {
    pub fn new(model: &Model, i: usize, j: usize) -> Option<Round> {
        Some(Round {
            scenario: model.scenarios.get(i)?.id.clone(),
            criterion: model.criteria.get(j)?.id.clone(),
            revealed: false,
            prompt: None,
        })
    }

    /// The cell's indices in `model`, while both ids exist.
    pub fn cell(&self, model: &Model) -> Option<(usize, usize)> {
        let i = model.scenarios.iter().position(|s| s.id == self.scenario)?;
        let j = model.criteria.iter().position(|c| c.id == self.criterion)?;
        Some((i, j))
    }
}

/// The cells in the order `]` walks them: those to discuss first (could
/// flip the winner, then by spread), then every other cell, scenario by
/// scenario in the list's order, criteria in order.
pub fn order(
    summary: Option<&VoteSummary>,
    rows: &[usize],
    criteria: usize,
) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = summary
        .map(|s| {
            s.discuss_first
                .iter()
                .map(|d| (d.scenario, d.criterion))
                .collect()
        })
        .unwrap_or_default();
    for &i in rows {
        for j in 0..criteria {
            if !out.contains(&(i, j)) {
                out.push((i, j));
            }
        }
    }
    out
}

/// The participants (every vote file) and whether each has a usable vote
/// on the cell.
pub fn who_voted(model: &Model, stats: Option<&CellStats>) -> Vec<(String, bool)> {
    model
        .votes
        .iter()
        .enumerate()
        .map(|(p, b)| {
            let voted = stats.is_some_and(|c| c.votes.iter().any(|v| v.0 == p));
            (b.participant.clone(), voted)
        })
        .collect()
}

/// A key while the "vote for" prompt is open: true when taken (every key
/// is, so digits never switch panes under the prompt).
pub fn prompt_key(round: &mut Round, key: &KeyEvent, ctx: &mut AppCtx) -> bool {
    let Some(prompt) = round.prompt.take() else {
        return false;
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        // Ctrl-c and friends still reach the keymap.
        round.prompt = Some(prompt);
        return false;
    }
    let model = &ctx.ws.model;
    let Some((i, j)) = round.cell(model) else {
        return true;
    };
    let crit = &model.criteria[j];
    let (min, max) = (crit.min, crit.max);
    let step = score_step(min, max);
    let mut cast = None;
    round.prompt = match prompt {
        Prompt::Who { mut input, pick } => match key.code {
            KeyCode::Esc => {
                ctx.say(Level::Info, crate::tr!("tui.votes.prompt.cancelled"));
                None
            }
            KeyCode::Up | KeyCode::Down => {
                let names: Vec<String> =
                    model.votes.iter().map(|b| b.participant.clone()).collect();
                if names.is_empty() {
                    Some(Prompt::Who { input, pick })
                } else {
                    let n = names.len();
                    let k = match (pick, key.code) {
                        (None, KeyCode::Up) => n - 1,
                        (None, _) => 0,
                        (Some(k), KeyCode::Up) => (k + n - 1) % n,
                        (Some(k), _) => (k + 1) % n,
                    };
                    Some(Prompt::Who {
                        input: names[k].clone(),
                        pick: Some(k),
                    })
                }
            }
            KeyCode::Backspace => {
                input.pop();
                Some(Prompt::Who { input, pick: None })
            }
            KeyCode::Enter => {
                let who = input.trim().to_string();
                if valid_participant(&who) {
                    let current = current_vote(model, &who, i, j);
                    let start = current.unwrap_or_else(|| round_to((min + max) / 2.0, step));
                    Some(Prompt::Score {
                        who,
                        text: number(start),
                    })
                } else {
                    ctx.say(
                        Level::Warn,
                        crate::tr!("tui.votes.prompt.bad_name", name = who),
                    );
                    Some(Prompt::Who { input, pick })
                }
            }
            KeyCode::Char(c) if !c.is_control() => {
                input.push(c);
                Some(Prompt::Who { input, pick: None })
            }
            _ => Some(Prompt::Who { input, pick }),
        },
        Prompt::Score { who, mut text } => match key.code {
            KeyCode::Esc => {
                ctx.say(Level::Info, crate::tr!("tui.votes.prompt.cancelled"));
                None
            }
            KeyCode::Char('+') | KeyCode::Char('=') | KeyCode::Right | KeyCode::Up => {
                let v = text.parse::<f64>().unwrap_or(min);
                text = number(round_to((v + step).clamp(min, max), 1e-9));
                Some(Prompt::Score { who, text })
            }
            KeyCode::Char('-') | KeyCode::Left | KeyCode::Down => {
                let v = text.parse::<f64>().unwrap_or(max);
                text = number(round_to((v - step).clamp(min, max), 1e-9));
                Some(Prompt::Score { who, text })
            }
            KeyCode::Backspace => {
                text.pop();
                Some(Prompt::Score { who, text })
            }
            KeyCode::Char(c) if c.is_ascii_digit() || c == '.' => {
                text.push(c);
                Some(Prompt::Score { who, text })
            }
            KeyCode::Enter => match text.parse::<f64>() {
                Ok(v) if in_scale(model, &crit.id, v) => {
                    cast = Some(VoteEdit {
                        before: current_vote(model, &who, i, j),
                        participant: who,
                        scenario: round.scenario.clone(),
                        criterion: round.criterion.clone(),
                        after: Some(v),
                    });
                    None
                }
                _ => {
                    ctx.say(
                        Level::Warn,
                        crate::tr!(
                            "tui.votes.prompt.bad_score",
                            score = text.clone(),
                            min = number(min),
                            max = number(max)
                        ),
                    );
                    Some(Prompt::Score { who, text })
                }
            },
            _ => Some(Prompt::Score { who, text }),
        },
    };
    if let Some(edit) = cast {
        ctx.cast_vote(edit);
    }
    true
}

/// `who`'s vote on cell (i, j), as the vote files were last read.
fn current_vote(model: &Model, who: &str, i: usize, j: usize) -> Option<f64> {
    let (s, c) = (&model.scenarios.get(i)?.id, &model.criteria.get(j)?.id);
    let b = model.votes.iter().find(|b| b.participant == who)?;
    b.scores
        .iter()
        .rev()
        .find(|v| v.scenario == *s && v.criterion == *c)
        .map(|v| v.value)
}

/// The scale's ticks for the dot plot: from the criterion's min to its max
/// by its score step, coarser when more than `most` would not fit.
pub fn ticks(min: f64, max: f64, most: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite() && max > min) {
        return vec![min];
    }
    let mut step = score_step(min, max);
    let most = most.max(2);
    while ((max - min) / step).round() as usize + 1 > most {
        step *= 2.0;
    }
    let n = ((max - min) / step).round() as usize;
    (0..=n)
        .map(|k| round_to(min + k as f64 * step, 1e-9))
        .collect()
}

/// The index of the tick nearest to `v`.
fn nearest(ticks: &[f64], v: f64) -> usize {
    let mut best = 0;
    for (k, t) in ticks.iter().enumerate() {
        if (t - v).abs() < (ticks[best] - v).abs() {
            best = k;
        }
    }
    best
}

/// The dot plot as text lines, `height` rows of dots (stacks taller than
/// that show their count on top), the axis, and the quartile line
/// `├──▲──┤` (▲ the median). Each tick takes `col` columns.
pub fn dot_plot(stats: &CellStats, ticks: &[f64], col: usize, height: usize) -> Vec<String> {
    let mut counts = vec![0usize; ticks.len()];
    for &(_, v) in &stats.votes {
        counts[nearest(ticks, v)] += 1;
    }
    let tallest = counts.iter().copied().max().unwrap_or(0);
    let h = tallest.min(height.max(1));
    let centre = |s: &str| {
        let w = UnicodeWidthStr::width(s);
        let left = col.saturating_sub(w) / 2;
        let right = col.saturating_sub(w + left);
        format!("{}{s}{}", " ".repeat(left), " ".repeat(right))
    };
    let mut lines = Vec::new();
    for row in 0..h {
        let level = h - row;
        let mut line = String::new();
        for &c in &counts {
            let cell = if level == h && c > h {
                c.to_string()
            } else if c >= level {
                "●".to_string()
            } else {
                String::new()
            };
            line.push_str(&centre(&cell));
        }
        lines.push(line.trim_end().to_string());
    }
    let axis: String = ticks.iter().map(|t| centre(&number(*t))).collect();
    lines.push(axis.trim_end().to_string());
    let (q1, med, q3) = (
        nearest(ticks, stats.q1),
        nearest(ticks, stats.median),
        nearest(ticks, stats.q3),
    );
    let mid = col / 2;
    let width = col * ticks.len();
    let mut marks: Vec<char> = vec![' '; width];
    let (a, b) = (q1 * col + mid, q3 * col + mid);
    for m in marks.iter_mut().take(b + 1).skip(a) {
        *m = '─';
    }
    if a < b {
        marks[a] = '├';
        marks[b] = '┤';
    }
    marks[med * col + mid] = '▲';
    lines.push(marks.into_iter().collect::<String>().trim_end().to_string());
    lines
}

/// The round, drawn in the Scenarios pane's body.
pub fn draw(frame: &mut Frame, area: Rect, app: &View, round: &Round, theme: &Theme) {
    let model = &app.ws.model;
    let Some((i, j)) = round.cell(model) else {
        frame.render_widget(
            Paragraph::new(crate::tr!("tui.votes.round.gone"))
                .block(ui::block(crate::tr!("tui.votes.round.title"), theme)),
            area,
        );
        return;
    };
    let (sc, crit) = (&model.scenarios[i], &model.criteria[j]);
    let summary = app.summary.and_then(|s| s.as_ref().ok());
    let stats = summary.and_then(|s| s.cells.iter().find(|c| c.scenario == i && c.criterion == j));
    let who = who_voted(model, stats);
    let voted = who.iter().filter(|w| w.1).count();
    let title = crate::tr!(
        "tui.votes.round.title_count",
        voted = voted,
        total = who.len()
    );
    let block = ui::block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = usize::from(inner.width);

    // Who: ✓ name / · name, wrapped over as many lines as they need.
    let mut who_lines: Vec<Line> = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let mut used = 0usize;
    for (name, yes) in &who {
        let text = format!("{} {name}", if *yes { "✓" } else { "·" });
        let tw = UnicodeWidthStr::width(text.as_str()) + 2;
        if used + tw > w && !cur.is_empty() {
            who_lines.push(Line::from(std::mem::take(&mut cur)));
            used = 0;
        }
        cur.push(Span::styled(text, if *yes { theme.ok } else { theme.dim }));
        cur.push(Span::raw("  "));
        used += tw;
    }
    if !cur.is_empty() {
        who_lines.push(Line::from(cur));
    }
    if who.is_empty() {
        who_lines.push(Line::from(Span::styled(
            crate::tr!("tui.votes.round.nobody"),
            theme.dim,
        )));
    }
    let who_h = u16::try_from(who_lines.len().min(3)).unwrap_or(3);
    // Wrapped here by display width (ratatui's wrapper let a line of CJK
    // text run one column into the border): at most two lines, the second
    // cut with … when there is more.
    let mut desc_lines = if crit.description.trim().is_empty() {
        Vec::new()
    } else {
        crate::text::wrap(crit.description.trim(), w)
    };
    if desc_lines.len() > 2 {
        let rest = desc_lines[1..].join("");
        desc_lines.truncate(1);
        desc_lines.push(ui::truncate(&rest, w));
    }
    let desc_h = u16::try_from(desc_lines.len()).unwrap_or(2);
    let prompt_h = u16::from(round.prompt.is_some());
    let [head, desc, scale, who_area, _, body, prompt_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(desc_h),
        Constraint::Length(1),
        Constraint::Length(who_h),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(prompt_h),
    ])
    .areas(inner);

    let cell_name = format!("{} × {}", sc.name, crit.name);
    frame.render_widget(
        Paragraph::new(Span::styled(
            ui::truncate(&cell_name, w),
            theme.title.add_modifier(Modifier::BOLD),
        )),
        head,
    );
    frame.render_widget(
        Paragraph::new(
            desc_lines
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme.dim)))
                .collect::<Vec<_>>(),
        ),
        desc,
    );
    let better = if crit.cost {
        crate::tr!("tui.votes.round.lower_better")
    } else {
        crate::tr!("tui.votes.round.higher_better")
    };
    let scale_text = crate::tr!(
        "tui.votes.round.scale",
        min = number(crit.min),
        max = number(crit.max),
        better = better
    );
    frame.render_widget(
        Paragraph::new(Span::raw(ui::truncate(&scale_text, w))),
        scale,
    );
    frame.render_widget(Paragraph::new(who_lines), who_area);

    let mut lines: Vec<Line> = Vec::new();
    if !round.revealed {
        lines.push(Line::from(Span::styled(
            crate::tr!("tui.votes.round.voted", voted = voted, total = who.len()),
            theme.title.add_modifier(Modifier::BOLD),
        )));
        lines.push(Line::from(Span::styled(
            crate::tr!("tui.votes.round.hidden"),
            theme.dim,
        )));
    } else if let Some(c) = stats {
        // Rows left for the dots: the body less the axis, the quartile line
        // and the two lines of figures.
        // The effect line may wrap on narrow screens.
        let reserve = if w < 90 { 5 } else { 4 };
        let dots_h = usize::from(body.height).saturating_sub(reserve).max(1);
        let t = ticks(crit.min, crit.max, (w / 3).max(2));
        let col = (w / t.len().max(1)).clamp(3, 6);
        let plot = dot_plot(c, &t, col, dots_h);
        let n_plot = plot.len();
        for (k, l) in plot.into_iter().enumerate() {
            let style = if k + 2 == n_plot {
                theme.dim
            } else if k + 1 == n_plot {
                theme.key
            } else {
                theme.title
            };
            lines.push(Line::from(Span::styled(l, style)));
        }
        lines.push(Line::from(ui::truncate(
            &crate::tr!(
                "tui.votes.round.figures",
                median = number(c.median),
                iqr = number(c.iqr),
                q1 = number(c.q1),
                q3 = number(c.q3),
                min = number(c.min),
                max = number(c.max)
            ),
            w,
        )));
        let could_flip = summary.is_some_and(|s| {
            s.discuss_first
                .iter()
                .any(|d| d.scenario == i && d.criterion == j && d.could_flip)
        });
        match app.effect {
            Some(Ok(e)) => {
                let mut text = crate::tr!(
                    "tui.votes.round.effect",
                    now = e.now,
                    median = e.median,
                    best = e.best,
                    worst = e.worst
                );
                let style = if e.flips || could_flip {
                    text.push_str(&crate::tr!("tui.votes.round.could_flip"));
                    theme.warn.add_modifier(Modifier::BOLD)
                } else {
                    theme.base
                };
                lines.push(Line::from(Span::styled(text, style)));
            }
            Some(Err(e)) => lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error))),
            None => {}
        }
    } else {
        lines.push(Line::from(Span::styled(
            crate::tr!("tui.votes.round.no_votes"),
            theme.dim,
        )));
    }
    // Wrapped by display width, not by ratatui's wrapper (which let a line
    // of CJK text run one column into the border).
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(lines, body.width, false)),
        body,
    );

    if let Some(p) = &round.prompt {
        let text = match p {
            Prompt::Who { input, .. } => crate::tr!("tui.votes.prompt.who", input = input.clone()),
            Prompt::Score { who, text } => crate::tr!(
                "tui.votes.prompt.score",
                who = who.clone(),
                score = text.clone(),
                min = number(crit.min),
                max = number(crit.max)
            ),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(ui::truncate(&text, w), theme.key)),
            prompt_area,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::votes::cell_stats;

    #[test]
    fn ticks_follow_the_scale_and_thin_out_when_narrow() {
        assert_eq!(ticks(1.0, 5.0, 10), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        // 0–10 by 1 is 11 ticks; 6 fit: every second one.
        assert_eq!(ticks(0.0, 10.0, 6), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.0, 100.0, 20).len(), 11);
        assert_eq!(ticks(3.0, 3.0, 10), vec![3.0]);
    }

    #[test]
    fn the_dot_plot_stacks_one_dot_per_vote() {
        // Votes 1, 2, 2, 4, 5 on 1–5: median 2, quartiles 2 and 4.
        let c = cell_stats(
            0,
            0,
            [1.0, 2.0, 2.0, 4.0, 5.0]
                .iter()
                .enumerate()
                .map(|(p, &v)| (p, v))
                .collect(),
        );
        let t = ticks(1.0, 5.0, 10);
        let plot = dot_plot(&c, &t, 3, 5);
        assert_eq!(
            plot,
            vec![
                "    ●".to_string(),
                " ●  ●     ●  ●".to_string(),
                " 1  2  3  4  5".to_string(),
                "    ▲─────┤".to_string(),
            ]
        );
        // Only one row for dots: the taller stack shows its count.
        let plot = dot_plot(&c, &t, 3, 1);
        assert_eq!(plot[0], " ●  2     ●  ●");
    }

    #[test]
    fn the_round_walks_the_cells_to_discuss_first_first() {
        use crate::analysis::votes::Discuss;
        let d = |scenario, criterion, could_flip| Discuss {
            scenario,
            criterion,
            spread: 1.0,
            could_flip,
        };
        let summary = VoteSummary {
            aggregate: crate::workspace::choice::Aggregate::Median,
            participants: Vec::new(),
            cells: Vec::new(),
            kendall_w: None,
            discuss_first: vec![d(1, 1, true), d(0, 0, false)],
            group_scores: Vec::new(),
            winner: 0,
        };
        let o = order(Some(&summary), &[1, 0], 2);
        assert_eq!(o, vec![(1, 1), (0, 0), (1, 0), (0, 1)]);
        assert_eq!(order(None, &[0], 2), vec![(0, 0), (0, 1)]);
    }
}
