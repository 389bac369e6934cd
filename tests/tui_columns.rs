//! Every header stands over its own field: for each table (Needs, Risks,
//! each Market view, the Scenarios matrix, weights and AHP, the training
//! config), in and out of presentation mode, at 60×20, 80×24 and 120×40,
//! the selected row's text at each header's position is that field's value
//! or its cut (ending in `…`). Also: ids are never cut where there is room.

mod common;

use lodestar::tui::app::{App, MARKET_KINDS, ScenarioView};
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::panes::needs::{kind_label, kpi_text, priority_label};
use lodestar::tui::ui;
use lodestar::workspace::{Date, RecordKind, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (120, 40)];

fn app(presentation: bool) -> App {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    if presentation {
        app.perform(Action::Presentation);
    }
    app
}

fn screen(app: &mut App, w: u16, h: u16) -> Vec<Vec<char>> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| {
                    buf.cell((x, y))
                        .and_then(|c| c.symbol().chars().next())
                        .unwrap_or(' ')
                })
                .collect()
        })
        .collect()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Where `header` starts in `line` as a whole word (not part of another).
fn find_header(line: &[char], header: &str) -> Option<usize> {
    let h: Vec<char> = header.chars().collect();
    (0..line.len().saturating_sub(h.len() - 1)).find(|&x| {
        line[x..x + h.len()] == h[..]
            && (x == 0 || matches!(line[x - 1], ' ' | '│' | '▶'))
            && line.get(x + h.len()).is_none_or(|c| matches!(c, ' ' | '│'))
    })
}

/// Check the table of the selected row (`▶`) on `screen`: each of
/// `fields` whose header is shown holds its value at the header's column.
/// `required` headers must be shown.
fn check(screen: &[Vec<char>], fields: &[(&str, String)], required: &[&str], what: &str) {
    check_n(screen, fields, required, what, 2)
}

fn check_n(
    screen: &[Vec<char>],
    fields: &[(&str, String)],
    required: &[&str],
    what: &str,
    min_seen: usize,
) {
    let text: Vec<String> = screen.iter().map(|l| l.iter().collect()).collect();
    let dump = text.join("\n");
    let y = screen
        .iter()
        .position(|l| l.contains(&'▶'))
        .unwrap_or_else(|| panic!("{what}: no selected row\n{dump}"));
    assert!(y > 0, "{what}: no header line\n{dump}");
    let header = &screen[y - 1];
    let row = &screen[y];
    let mut seen = 0;
    for (h, value) in fields {
        let Some(x) = find_header(header, h) else {
            assert!(
                !required.contains(h),
                "{what}: header {h:?} not shown\n{dump}"
            );
            continue;
        };
        seen += 1;
        // Marks in front of a value: an overdue review (⏰), the biggest
        // gap among features (◆).
        let x = match row[x] {
            '⏰' => x + 1,
            '◆' => x + 2,
            _ => x,
        };
        let cell: String = row[x..].iter().collect();
        if cell.starts_with(value.as_str()) {
            continue;
        }
        // Cut: the text up to `…` is the start of the value.
        let cut: String = row[x..].iter().take_while(|c| **c != '…').collect();
        let ok = cut.len() < row[x..].len()
            && !cut.is_empty()
            && value.starts_with(cut.as_str())
            && cut.chars().count() < value.chars().count();
        assert!(
            ok,
            "{what}: under {h:?} expected {value:?}, found {:?}\n{dump}",
            cell.trim_end()
        );
    }
    assert!(
        seen >= min_seen,
        "{what}: only {seen} known headers shown\n{dump}"
    );
}

fn each_mode_and_size(
    mut setup: impl FnMut(&mut App),
    mut verify: impl FnMut(&mut App, &[Vec<char>], String),
) {
    for presentation in [false, true] {
        for (w, h) in SIZES {
            let mut app = app(presentation);
            setup(&mut app);
            let s = screen(&mut app, w, h);
            verify(&mut app, &s, format!("{w}x{h} presentation={presentation}"));
        }
    }
}

#[test]
fn needs_columns_hold_their_fields() {
    each_mode_and_size(
        |app| app.perform(Action::Needs),
        |app, s, what| {
            let m = &app.ctx.ws.model;
            let i = app.selected_record().expect("a need");
            let n = &m.needs[i];
            let cov = m.coverage_counts().get(&n.id).copied().unwrap_or(0);
            let scn = if cov == 0 && n.kind != "constraint" {
                format!("⚠{cov}")
            } else {
                format!(" {cov}")
            };
            let fields = [
                ("id", n.id.clone()),
                ("title", n.title.clone()),
                ("kind", kind_label(&n.kind).to_string()),
                ("priority", priority_label(&n.priority).to_string()),
                ("prio", priority_label(&n.priority).to_string()),
                ("horizon", n.horizon.to_string()),
                ("KPI", kpi_text(n)),
                ("owner", n.owner.clone()),
                ("status", n.status.to_string()),
                ("scn", scn),
            ];
            let presentation = what.ends_with("true");
            let required: &[&str] = if presentation {
                &["title", "scn"]
            } else {
                &["id", "title", "scn"]
            };
            check(s, &fields, required, &format!("needs {what}"));
            if presentation {
                assert!(
                    find_header(&s[1..].concat(), "id").is_none(),
                    "needs {what}: presentation mode drops ids"
                );
            }
        },
    );
}

#[test]
fn risks_columns_hold_their_fields() {
    each_mode_and_size(
        |app| app.perform(Action::Risks),
        |app, s, what| {
            let m = &app.ctx.ws.model;
            let i = app.selected_record().expect("a risk");
            let r = &m.risks[i];
            let fields = [
                ("id", r.id.clone()),
                ("title", r.title.clone()),
                ("category", r.category.to_string()),
                (
                    "L×I",
                    format!("{}×{}={}", r.likelihood, r.impact, r.score()),
                ),
                ("status", r.status.to_string()),
                ("owner", r.owner.clone()),
                (
                    "review",
                    r.review
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
            ];
            let presentation = what.ends_with("true");
            let required: &[&str] = if presentation {
                &["title"]
            } else {
                &["id", "title", "L×I"]
            };
            check(s, &fields, required, &format!("risks {what}"));
            if presentation {
                let header_line = s.iter().position(|l| l.contains(&'▶')).unwrap_or(1) - 1;
                assert!(
                    find_header(&s[header_line], "id").is_none(),
                    "risks {what}: presentation mode drops ids"
                );
            }
        },
    );
}

#[test]
fn market_columns_hold_their_fields() {
    for (k, kind) in MARKET_KINDS.iter().enumerate() {
        each_mode_and_size(
            |app| {
                app.perform(Action::Market);
                for _ in 0..k {
                    key(app, KeyCode::Char(']'));
                }
                assert_eq!(MARKET_KINDS[app.panes.market.kind], *kind);
            },
            |app, s, what| {
                let m = &app.ctx.ws.model;
                let Some(i) = app.selected_record() else {
                    return;
                };
                let fields: Vec<(&str, String)> = match kind {
                    RecordKind::Series => {
                        let x = &m.series[i];
                        vec![
                            ("id", x.id.clone()),
                            ("name", x.name.clone()),
                            ("frequency", x.frequency.to_string()),
                            ("unit", x.unit.clone()),
                        ]
                    }
                    RecordKind::Segment => {
                        let x = &m.segments[i];
                        vec![("id", x.id.clone()), ("name", x.name.clone())]
                    }
                    RecordKind::Trend => {
                        let x = &m.trends[i];
                        vec![
                            ("id", x.id.clone()),
                            ("title", x.title.clone()),
                            ("type", x.kind.to_string()),
                        ]
                    }
                    RecordKind::Competitor => {
                        let x = &m.competitors[i];
                        vec![("competitor", x.name.clone())]
                    }
                    RecordKind::Feature => {
                        let x = &m.features[i];
                        vec![("id", x.id.clone()), ("name", x.name.clone())]
                    }
                    RecordKind::Evidence => {
                        let x = &m.evidence[i];
                        vec![
                            ("id", x.id.clone()),
                            ("kind", x.kind.to_string()),
                            ("title", x.title.clone()),
                        ]
                    }
                    _ => vec![],
                };
                // One series is shown as its chart alone, with no table.
                if *kind == RecordKind::Series && !s.iter().any(|l| l.contains(&'▶')) {
                    return;
                }
                if *kind == RecordKind::Competitor {
                    // Its own grid (competitors × features), not a record table.
                    return;
                }
                check_n(s, &fields, &[], &format!("market {kind:?} {what}"), 1);
            },
        );
    }
}

#[test]
fn scenario_tables_hold_their_fields() {
    // Matrix.
    each_mode_and_size(
        |app| app.perform(Action::Scenarios),
        |app, s, what| {
            let a = app.ctx.analysis.as_ref().expect("analysis");
            let i = app.scenario_record().expect("a scenario");
            let sc = &app.ctx.ws.model.scenarios[i];
            let mut fields = vec![
                ("#", a.ranking.ranks[i].to_string()),
                ("scenario", sc.name.clone()),
                ("score", format!("{:.1}", a.ranking.scores[i])),
            ];
            // Criterion columns are headed by the criteria's names (a name
            // cut with … is not looked for).
            for c in &a.matrix.criteria {
                let v = sc
                    .scores
                    .get(c)
                    .map(|x| lodestar::numfmt::compact(*x))
                    .unwrap_or_else(|| "—".into());
                let name = app
                    .ctx
                    .ws
                    .model
                    .criteria
                    .iter()
                    .find(|k| &k.id == c)
                    .map_or(c.as_str(), |k| k.name.as_str());
                fields.push((name, v));
            }
            check(
                s,
                &fields,
                &["#", "scenario", "score"],
                &format!("matrix {what}"),
            );
        },
    );
    // Weights.
    each_mode_and_size(
        |app| {
            app.perform(Action::Scenarios);
            while app.panes.scenarios.view != ScenarioView::Weights {
                key(app, KeyCode::Char('v'));
            }
        },
        |app, s, what| {
            let c = &app.ctx.ws.model.criteria[0];
            let fields = [
                ("criterion", c.name.clone()),
                ("dir", if c.cost { "cost" } else { "gain" }.to_string()),
                ("weight", lodestar::tui::steps::number(c.weight)),
            ];
            check(
                s,
                &fields,
                &["criterion", "dir"],
                &format!("weights {what}"),
            );
        },
    );
    // AHP: the first pair compares the first two criteria.
    each_mode_and_size(
        |app| {
            app.perform(Action::Scenarios);
            while app.panes.scenarios.view != ScenarioView::Ahp {
                key(app, KeyCode::Char('v'));
            }
        },
        |app, s, what| {
            let m = &app.ctx.ws.model;
            // The pair is named by the criteria's names (cut with … where narrow).
            let fields = [
                ("a", m.criteria[0].name.clone()),
                ("b", m.criteria[1].name.clone()),
            ];
            check(s, &fields, &["a", "b"], &format!("ahp {what}"));
        },
    );
}

#[test]
fn training_config_columns_hold_their_fields() {
    each_mode_and_size(
        |app| app.perform(Action::Training),
        |app, s, what| {
            let rows = lodestar::tui::panes::training::settings(&app.ctx);
            let fields = [("setting", rows[0].0.clone()), ("value", rows[0].1.clone())];
            check(
                s,
                &fields,
                &["setting", "value"],
                &format!("training {what}"),
            );
        },
    );
}

#[test]
fn a_long_id_is_never_cut_when_the_table_has_room() {
    let mut app = app(false);
    app.perform(Action::Market);
    while MARKET_KINDS[app.panes.market.kind] != RecordKind::Feature {
        key(&mut app, KeyCode::Char(']'));
    }
    let longest = app
        .ctx
        .ws
        .model
        .features
        .iter()
        .map(|f| f.id.clone())
        .max_by_key(|id| id.chars().count())
        .expect("features");
    for (w, h) in [(80, 24), (100, 30), (200, 60)] {
        let text: String = screen(&mut app, w, h)
            .iter()
            .map(|l| l.iter().collect::<String>() + "\n")
            .collect();
        assert!(
            text.contains(&format!("{longest} ")),
            "{w}x{h}: {longest} is cut\n{text}"
        );
    }
    // Needs and Risks ids too, at every non-presentation size.
    for action in [Action::Needs, Action::Risks] {
        app.perform(action);
        for (w, h) in SIZES {
            let text: String = screen(&mut app, w, h)
                .iter()
                .map(|l| l.iter().collect::<String>() + "\n")
                .collect();
            let kind = if action == Action::Needs {
                RecordKind::Need
            } else {
                RecordKind::Risk
            };
            let i = app.selected_record().expect("selected");
            let id = app.ctx.ws.ids(kind)[i].to_string();
            assert!(
                text.contains(&format!("▶{id} ")),
                "{w}x{h}: {id} cut\n{text}"
            );
        }
    }
}

mod why_this_score {
    use super::*;
    use lodestar::tui::panes::scenarios::matrix::{Slot, slots};
    use proptest::prelude::*;

    proptest! {
        /// The contributions shown plus "+N more" are all of them, and
        /// their sum is the whole, at any panel size.
        #[test]
        fn shown_plus_more_is_the_whole(
            parts in proptest::collection::vec(-50.0f64..50.0, 0..20),
            width in 1usize..200,
            height in 0usize..40,
        ) {
            let list = slots(&parts, width, height);
            let cols = (width / lodestar::tui::panes::scenarios::matrix::SLOT_W).max(1);
            prop_assert!(list.len() <= cols * height.max(1));
            let mut sum = 0.0;
            let mut count = 0;
            for s in &list {
                match *s {
                    Slot::Part(k) => { sum += parts[k]; count += 1; }
                    Slot::More { n, sum: rest } => { sum += rest; count += n; }
                }
            }
            prop_assert_eq!(count, parts.len());
            let total: f64 = parts.iter().sum();
            prop_assert!((sum - total).abs() < 1e-9);
        }

        /// On screen: the selected scenario's panel accounts for its whole
        /// score at every pane size (shown to 0.1, so within rounding).
        #[test]
        fn the_panel_adds_up_at_every_size(w in 50u16..200, h in 14u16..60, presentation: bool) {
            let mut app = app(presentation);
            app.perform(Action::Scenarios);
            let s: Vec<String> = screen(&mut app, w, h)
                .iter()
                .map(|l| l.iter().collect())
                .collect();
            let a = app.ctx.analysis.as_ref().expect("analysis");
            let i = app.scenario_record().expect("a scenario");
            let score = a.ranking.scores[i];
            let top = s.iter().position(|l| l.contains("why this score"));
            let Some(top) = top else { return Ok(()); };
            let mut sum = 0.0;
            let mut terms = 0;
            for line in &s[top + 1..] {
                if line.starts_with('└') { break; }
                for piece in line.split('│') {
                    // "id  31%×100= 31.1 ███" and "+3 more = 23.4".
                    let mut rest = piece;
                    while let Some(eq) = rest.find('=') {
                        let after = &rest[eq + 1..];
                        let num: String = after
                            .trim_start()
                            .chars()
                            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                            .collect();
                        if let Ok(x) = num.parse::<f64>()
                            && (rest[..eq].contains('%') || rest[..eq].contains("more"))
                        {
                            sum += x;
                            terms += 1;
                        }
                        rest = after;
                    }
                }
            }
            if terms == 0 {
                // A panel too short for any line (the table took the room).
                return Ok(());
            }
            prop_assert!(
                (sum - score).abs() <= 0.05 * terms as f64 + 1e-6,
                "{}x{}: parts sum to {} against {}\n{}", w, h, sum, score, s.join("\n")
            );
        }
    }
}
