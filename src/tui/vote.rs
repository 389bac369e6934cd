//! `lodestar vote DIR --as NAME`: a participant's own small voting screen.
//! The scenarios one at a time, the criteria with their descriptions, a
//! digit key per score (saved at once into `votes/NAME.toml` under the
//! workspace lock), progress over all cells. Navigation keys come from the
//! keymap (`Nav` and the global quit, next and previous pane); the digits
//! are data entry, like text typed into a field.

use std::path::{Path, PathBuf};

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

use super::keymap::{Action, Keymap, Scope};
use super::theme::Theme;
use crate::workspace::Model;
use crate::workspace::votes::{self, valid_participant};

/// The voting screen's state. Pure: [`VoteScreen::key`] returns the cell
/// to save, the caller writes it.
pub struct VoteScreen {
    pub participant: String,
    /// Scenario ids and names, criteria (id, name, min, max, description).
    scenarios: Vec<(String, String)>,
    criteria: Vec<(String, String, f64, f64, String)>,
    /// My scores, scenario-major (`None`: not voted).
    mine: Vec<Option<f64>>,
    pub scenario: usize,
    pub criterion: usize,
    pub status: String,
    pub quit: bool,
}

impl VoteScreen {
    pub fn new(model: &Model, participant: &str) -> VoteScreen {
        let scenarios: Vec<(String, String)> = model
            .scenarios
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        let criteria: Vec<(String, String, f64, f64, String)> = model
            .criteria
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.name.clone(),
                    c.min,
                    c.max,
                    c.description.clone(),
                )
            })
            .collect();
        let m = criteria.len();
        let mut mine = vec![None; scenarios.len() * m];
        if let Some(b) = model.votes.iter().find(|b| b.participant == participant) {
            for v in &b.scores {
                let i = scenarios.iter().position(|s| s.0 == v.scenario);
                let j = criteria.iter().position(|c| c.0 == v.criterion);
                if let (Some(i), Some(j)) = (i, j)
                    && votes::in_scale(model, &v.criterion, v.value)
                {
                    mine[i * m + j] = Some(v.value);
                }
            }
        }
        VoteScreen {
            participant: participant.to_string(),
            scenarios,
            criteria,
            mine,
            scenario: 0,
            criterion: 0,
            status: String::new(),
            quit: false,
        }
    }

    fn cells(&self) -> usize {
        self.mine.len()
    }

    fn voted(&self) -> usize {
        self.mine.iter().filter(|v| v.is_some()).count()
    }

    /// Handle a key; returns (scenario id, criterion id, score) when a
    /// score was given, to be saved.
    pub fn key(&mut self, key: &KeyEvent, keymap: &Keymap) -> Option<(String, String, f64)> {
        let m = self.criteria.len();
        if m == 0 || self.scenarios.is_empty() {
            self.quit = true;
            return None;
        }
        if let KeyCode::Char(c) = key.code
            && let Some(d) = c.to_digit(10)
        {
            let (id, name, min, max, _) = &self.criteria[self.criterion];
            let score = f64::from(d);
            if score < *min || score > *max {
                self.status = crate::tr!(
                    "vote.screen.off_scale",
                    criterion = name,
                    min = min,
                    max = max
                );
                return None;
            }
            let cell = (self.scenarios[self.scenario].0.clone(), id.clone(), score);
            self.mine[self.scenario * m + self.criterion] = Some(score);
            self.advance();
            return Some(cell);
        }
        match keymap.action(key, &[Scope::Global, Scope::Nav]) {
            Some(Action::Quit) => self.quit = true,
            Some(Action::Up) => self.criterion = self.criterion.saturating_sub(1),
            Some(Action::Down) => self.criterion = (self.criterion + 1).min(m - 1),
            Some(Action::NextPane | Action::PageDown) => self.move_scenario(1),
            Some(Action::PrevPane | Action::PageUp) => self.move_scenario(-1),
            _ => {}
        }
        None
    }

    fn move_scenario(&mut self, by: isize) {
        let n = self.scenarios.len() as isize;
        self.scenario = (self.scenario as isize + by).rem_euclid(n) as usize;
        self.criterion = 0;
    }

    /// After a score: the next criterion, or the next scenario's first.
    fn advance(&mut self) {
        if self.criterion + 1 < self.criteria.len() {
            self.criterion += 1;
        } else if self.scenario + 1 < self.scenarios.len() {
            self.scenario += 1;
            self.criterion = 0;
        }
    }

    pub fn draw(&self, frame: &mut Frame, theme: &Theme, keymap: &Keymap) {
        let area = frame.area();
        let [head, body, desc, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(3),
            Constraint::Length(4),
            Constraint::Length(1),
        ])
        .areas(area);
        let m = self.criteria.len();
        let (id, name) = self
            .scenarios
            .get(self.scenario)
            .cloned()
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(
                        crate::tr!("vote.screen.as", name = self.participant),
                        theme.title,
                    ),
                    Span::styled(
                        crate::tr!(
                            "vote.screen.progress",
                            n = self.scenario + 1,
                            total = self.scenarios.len(),
                            voted = self.voted(),
                            cells = self.cells()
                        ),
                        theme.dim,
                    ),
                ]),
                Line::from(Span::styled(format!(" {name}  ({id})"), theme.header)),
            ]),
            head,
        );
        let rows: Vec<Row> = self
            .criteria
            .iter()
            .enumerate()
            .map(|(j, (_, cname, min, max, _))| {
                let v = self.mine.get(self.scenario * m + j).copied().flatten();
                let style = if j == self.criterion {
                    theme.selected
                } else {
                    theme.base
                };
                Row::new(vec![
                    cname.clone(),
                    format!("{min}–{max}"),
                    v.map_or_else(|| "·".into(), |v| v.to_string()),
                ])
                .style(style)
            })
            .collect();
        frame.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Fill(1),
                    Constraint::Length(7),
                    Constraint::Length(5),
                ],
            )
            .header(
                Row::new(vec![
                    crate::tr!("vote.screen.col.criterion"),
                    crate::tr!("vote.screen.col.scale"),
                    crate::tr!("vote.screen.col.mine"),
                ])
                .style(theme.header),
            )
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border),
            ),
            body,
        );
        let text = self
            .criteria
            .get(self.criterion)
            .map(|c| c.4.clone())
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(super::ui::wrap_lines(text, desc.width, true))
                .style(theme.dim)
                .block(
                    Block::default()
                        .borders(Borders::TOP)
                        .border_style(theme.border),
                ),
            desc,
        );
        let hint = if self.status.is_empty() {
            crate::tr!(
                "vote.screen.hint",
                up = keymap.first_key(Action::Up),
                down = keymap.first_key(Action::Down),
                next = keymap.first_key(Action::NextPane),
                prev = keymap.first_key(Action::PrevPane),
                quit = keymap.first_key(Action::Quit)
            )
        } else {
            format!(" {}", self.status)
        };
        frame.render_widget(
            Paragraph::new(hint).style(theme.key.remove_modifier(Modifier::BOLD)),
            foot,
        );
    }
}

/// Run the voting screen until the participant quits.
pub fn run(dir: &Path, participant: &str) -> Result<(), String> {
    if !valid_participant(participant) {
        return Err(crate::tr!(
            "vote.screen.bad_participant",
            name = participant
        ));
    }
    let ws = crate::workspace::Workspace::open(dir).map_err(|e| e.to_string())?;
    let mut screen = VoteScreen::new(&ws.model, participant);
    let config = super::config::load();
    let keymap = &config.keymap;
    let theme = Theme::new(config.theme);
    let root: PathBuf = dir.to_path_buf();
    let mut terminal = ratatui::init();
    let result = (|| -> Result<(), String> {
        loop {
            terminal
                .draw(|f| screen.draw(f, &theme, keymap))
                .map_err(|e| e.to_string())?;
            if screen.quit {
                return Ok(());
            }
            let ev = event::read().map_err(|e| e.to_string())?;
            let Event::Key(key) = ev else { continue };
            if key.kind != KeyEventKind::Press {
                continue;
            }
            if let Some(cell) = screen.key(&key, keymap) {
                screen.status = match votes::cast(&root, participant, &[cell]) {
                    Ok(_) => String::new(),
                    Err(e) => crate::tr!("vote.screen.not_saved", error = e),
                };
            }
        }
    })();
    ratatui::restore();
    result
}
