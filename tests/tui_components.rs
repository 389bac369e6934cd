//! The component shape holds: drawing reads no file (every screen is drawn
//! again, identical, after the workspace folder is gone), and every pane
//! scrolls its selection into view in the layout step.

mod common;

use lodestar::tui::app::{App, Pane};
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, RecordKind, Target, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    terminal.backend().to_string()
}

/// Every pane and every view of the Market and Scenarios panes, reached the
/// way a user reaches them (the events may read files); each is drawn, then
/// drawn again with the workspace folder moved away, and must not change.
#[test]
fn drawing_reads_no_file() {
    for name in ["example", "zh-example"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join(name);
        let away = dir.path().join("moved-away");
        common::copy_dir(&common::repo().join("workspaces").join(name), &copy);
        let ws = Workspace::open(&copy).expect("open copy");
        let today = Date::parse("2026-11-29").expect("date");
        let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
        let mut compared = 0;
        for (w, h) in [(100, 30), (60, 20)] {
            for pane in Pane::ALL {
                let go = match pane {
                    Pane::Overview => Action::Overview,
                    Pane::Needs => Action::Needs,
                    Pane::Market => Action::Market,
                    Pane::Scenarios => Action::Scenarios,
                    Pane::Training => Action::Training,
                    Pane::Risks => Action::Risks,
                    Pane::Monitor => Action::Monitor,
                };
                app.perform(go);
                let (views, next) = match pane {
                    Pane::Market => (6, Some(Action::NextKind)),
                    Pane::Scenarios => (5, Some(Action::NextView)),
                    _ => (1, None),
                };
                for v in 0..views {
                    app.perform(Action::Down);
                    let first = render(&mut app, w, h);
                    std::fs::rename(&copy, &away).expect("move the folder away");
                    let again = render(&mut app, w, h);
                    std::fs::rename(&away, &copy).expect("move it back");
                    assert_eq!(
                        again, first,
                        "{name}: {pane:?} view {v} at {w}x{h} drew something else without its files"
                    );
                    compared += 1;
                    if let Some(next) = next {
                        app.perform(next);
                    }
                }
            }
            app.perform(Action::Presentation);
        }
        assert_eq!(compared, 2 * (5 + 6 + 5), "{name}");
    }
}

/// PageDown moves by the rows the layout step found on screen, and the
/// selection stays visible.
#[test]
fn paging_uses_the_rows_on_screen() {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Risks);
    let _ = render(&mut app, 80, 24);
    let page = app.panes.risks.list.page;
    assert!(page >= 5, "a page of risks at 80x24: {page}");
    app.perform(Action::PageDown);
    assert_eq!(app.panes.risks.list.selected, page);
    let screen = render(&mut app, 80, 24);
    let shown = app.panes.risks.list.offset;
    assert!(shown <= page && page < shown + app.panes.risks.list.page);
    assert!(screen.contains('▶'), "{screen}");
}

/// `o` lists what the selected need links to; Enter jumps to a scenario in
/// the Scenarios pane, from there to one of its needs, and `ctrl-o` walks
/// back the same way.
#[test]
fn links_jump_between_panes_and_back() {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Needs);
    let need = app.ctx.ws.model.needs[0].id.clone();
    app.perform(Action::Links);
    insta::assert_snapshot!("links_of_need_80x24", render(&mut app, 80, 24));
    app.perform(Action::LinkOpen);
    assert_eq!(app.pane, Pane::Scenarios);
    let scenario = app.scenario_record().expect("a scenario selected");
    let s = app.ctx.ws.model.scenarios[scenario].clone();
    assert!(s.needs.contains(&need), "{} addresses {need}", s.id);
    // From the scenario to its last need.
    app.perform(Action::Links);
    let n = s.needs.len();
    for _ in 1..n {
        app.perform(Action::Down);
    }
    app.perform(Action::LinkOpen);
    assert_eq!(app.pane, Pane::Needs);
    let last = app.ctx.ws.model.scenarios[scenario].needs[n - 1].clone();
    let (_, i) = app.current().selected(&app.ctx).expect("a need");
    assert_eq!(app.ctx.ws.model.needs[i].id, last);
    // Back twice: the scenario, then the first need.
    app.perform(Action::Back);
    assert_eq!(app.pane, Pane::Scenarios);
    assert_eq!(app.scenario_record(), Some(scenario));
    app.perform(Action::Back);
    assert_eq!(app.pane, Pane::Needs);
    let (_, i) = app.current().selected(&app.ctx).expect("a need");
    assert_eq!(app.ctx.ws.model.needs[i].id, need);
    insta::assert_snapshot!("links_back_80x24", render(&mut app, 80, 24));
}

/// Enter on an Overview stage opens its pane; `ctrl-o` returns.
#[test]
fn overview_stages_open_their_pane() {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Down);
    app.perform(Action::Down);
    app.perform(Action::OpenStage);
    assert_eq!(app.pane, Pane::Scenarios);
    app.perform(Action::Back);
    assert_eq!(app.pane, Pane::Overview);
    app.perform(Action::Bottom);
    app.perform(Action::OpenStage);
    assert_eq!(app.pane, Pane::Monitor);
}

/// The Risks pane shows what `lodestar risks --format json` says: each
/// risk's level, residual and review, and both heat maps cell by cell.
#[test]
fn risks_pane_agrees_with_lodestar_risks() {
    for name in ["example", "zh-example"] {
        let dir = common::repo().join("workspaces").join(name);
        let out = common::lodestar(&["risks", dir.to_str().expect("utf-8"), "--format", "json"]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let json: serde_json::Value =
            serde_json::from_str(&common::stdout(&out)).expect("risks JSON");
        let today = Date::parse(json["today"].as_str().expect("today")).expect("date");
        let ws = Workspace::open(&dir).expect("open");
        let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
        app.perform(Action::Risks);
        let screen = render(&mut app, 160, 60);
        let risks = json["risks"].as_array().expect("risks");
        assert!(risks.len() >= 5, "{name}");
        for r in risks {
            let id = r["id"].as_str().expect("id");
            let row = screen
                .lines()
                .find(|l| l.contains(&format!("│ {id} ")) || l.contains(&format!("│▶{id} ")))
                .unwrap_or_else(|| panic!("{name}: {id} not on screen\n{screen}"));
            let level = r["level"]["name"].as_str().expect("level");
            assert!(row.contains(level), "{name}: {id} level {level}: {row}");
            let residual = match r["residual"]["score"].as_i64() {
                Some(s) => s.to_string(),
                None => "—".to_string(),
            };
            assert!(
                row.contains(&format!(" {residual} ")),
                "{name}: {id} residual {residual}: {row}"
            );
            let review = r["review"].as_str().unwrap_or("—");
            let overdue = r["overdue"].as_bool().expect("overdue");
            let shown = if overdue {
                format!("⏰{review}")
            } else {
                review.to_string()
            };
            assert!(row.contains(&shown), "{name}: {id} review {shown}: {row}");
        }
        for (basis, toggle) in [("inherent", false), ("residual", true)] {
            if toggle {
                app.perform(Action::HeatMap);
            }
            let screen = render(&mut app, 160, 60);
            let grid = &json["heat_map"][basis];
            for impact in 1..=5usize {
                let line = screen
                    .lines()
                    .find(|l| l.contains(&format!("│I{impact} ")))
                    .expect("heat map row");
                let start = line.find(&format!("I{impact} ")).expect("label") + 3;
                let cells: Vec<usize> = line[start..]
                    .split_whitespace()
                    .take(5)
                    .map(|c| {
                        c.trim_matches(|ch| ch == '[' || ch == ']' || ch == '│')
                            .parse()
                            .unwrap_or(0)
                    })
                    .collect();
                let want: Vec<usize> = (0..5)
                    .map(|l| grid[impact - 1][l].as_u64().expect("count") as usize)
                    .collect();
                assert_eq!(cells, want, "{name}: {basis} heat map, impact {impact}");
            }
        }
    }
}

/// An edit undone back to the saved text is not "unsaved": no marker, no
/// question on quit, nothing written by Ctrl-s.
#[test]
fn undo_back_to_the_saved_text_is_not_unsaved() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&common::example(), dir.path());
    let ws = Workspace::open(dir.path()).expect("open copy");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    let file = dir.path().join("scenarios.toml");
    let before = std::fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    app.perform(Action::Scenarios);
    app.perform(Action::Lower);
    assert!(app.ctx.ws.is_dirty());
    assert!(render(&mut app, 80, 24).contains("● unsaved"));
    app.perform(Action::Raise);
    assert!(
        !app.ctx.ws.is_dirty(),
        "back to the saved score by another edit"
    );
    app.perform(Action::Lower);
    app.perform(Action::Undo);
    assert!(!app.ctx.ws.is_dirty(), "undone to the saved text");
    assert!(!render(&mut app, 80, 24).contains("● unsaved"));
    app.perform(Action::Save);
    let after = std::fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    assert_eq!(before, after, "Ctrl-s rewrote an unchanged file");
    app.perform(Action::Quit);
    assert!(app.quit, "quit asked although nothing is unsaved");
}

/// Give the first criterion a minimum above its maximum (`check` rejects
/// it), recorded on the undo stack the way forms and `+`/`-` record edits.
fn break_first_criterion(app: &mut App) {
    let change = app
        .ctx
        .ws
        .set(
            Target::Record(RecordKind::Criterion, 0),
            &["min".to_string()],
            "10",
        )
        .expect("the edit itself applies");
    app.ctx.record(vec![change]);
}

/// An edit that breaks the workspace says why at once; saving it asks
/// first, and declining writes nothing. (The edit goes in as forms and
/// `+`/`-` put theirs: a workspace change recorded on the undo stack.)
#[test]
fn an_invalid_edit_is_named_and_saving_it_asks() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&common::example(), dir.path());
    let file = dir.path().join("workspace.toml");
    let before = std::fs::read(&file).expect("read");
    let ws = Workspace::open(dir.path()).expect("open copy");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Scenarios);
    // A criterion whose minimum is above its maximum: `check` rejects it.
    break_first_criterion(&mut app);
    let (text, _) = app.ctx.message.clone().expect("a message");
    assert!(text.contains("makes the workspace invalid"), "{text}");
    app.perform(Action::Save);
    assert!(
        matches!(app.mode, lodestar::tui::app::Mode::SaveInvalid { .. }),
        "saving an invalid workspace asks"
    );
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("lodestar check rejects this"), "{screen}");
    app.perform(Action::SaveCancel);
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "declining wrote"
    );
    // Undo makes it valid again; nothing is unsaved then.
    app.perform(Action::Undo);
    assert!(!app.ctx.ws.is_dirty());
    // Quit-and-save on an invalid workspace asks too, and does not quit.
    break_first_criterion(&mut app);
    app.perform(Action::Quit);
    app.perform(Action::QuitSave);
    assert!(!app.quit);
    assert!(matches!(
        app.mode,
        lodestar::tui::app::Mode::SaveInvalid { .. }
    ));
    app.perform(Action::SaveAnyway);
    assert!(app.quit, "saved anyway, then quit");
    assert_ne!(std::fs::read(&file).expect("read"), before);
}

/// The help overlay fits at 80×24 and scrolls to its last line.
#[test]
fn help_overlay_scrolls_to_the_end() {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Scenarios);
    app.perform(Action::Help);
    let first = render(&mut app, 80, 24);
    assert!(
        first.lines().next().unwrap_or("").contains("1 Overview"),
        "tabs stay visible"
    );
    assert!(
        !first.contains("invalid?"),
        "the last prompt line is below the fold at first"
    );
    app.perform(Action::Bottom);
    let last = render(&mut app, 80, 24);
    assert!(last.contains("invalid?"), "{last}");
    assert!(last.contains("scroll ("), "{last}");
    app.perform(Action::Top);
    assert_eq!(render(&mut app, 80, 24), first);
    app.perform(Action::CloseHelp);
    assert!(matches!(app.mode, lodestar::tui::app::Mode::Normal));
}

/// A message wider than the screen wraps instead of being cut.
#[test]
fn long_status_messages_wrap() {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Needs);
    app.perform(Action::Delete);
    let (text, _) = app.ctx.message.clone().expect("a refusal");
    assert!(text.contains("linked from"), "{text}");
    let screen = render(&mut app, 80, 24);
    let tail: String = text
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(
        screen.contains(tail.trim()),
        "the end of `{text}` is on screen:\n{screen}"
    );
}

/// The report and the Overview take their facts from the same core
/// functions: the must-have needs no scenario addresses (constraints are
/// not addressed by scenarios) and the open high-or-worse risks (by the
/// workspace's own bands, whatever their names) agree on both examples.
#[test]
fn overview_and_report_agree_on_coverage_and_risks() {
    for name in ["example", "zh-example"] {
        let dir = common::repo().join("workspaces").join(name);
        let ws = Workspace::open(&dir).expect("open");
        let today = Date::parse("2026-11-29").expect("date");
        let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
        app.perform(Action::Overview);
        let screen = render(&mut app, 160, 50);
        let out = common::lodestar(&["report", &dir.to_string_lossy()]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let report = common::stdout(&out);
        let number_before = |text: &str, tail: &str| -> usize {
            let at = text
                .find(tail)
                .unwrap_or_else(|| panic!("{name}: `{tail}` not found"));
            text[..at]
                .split(|c: char| !c.is_ascii_digit())
                .rfind(|s| !s.is_empty())
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{name}: no number before `{tail}`"))
        };
        let report_must = number_before(&report, " must-haves uncovered");
        let overview_must = if screen.contains("uncovered must-have needs: none") {
            0
        } else {
            let line = screen
                .lines()
                .find(|l| l.contains("uncovered must-have needs:"))
                .expect("coverage line");
            line.matches("need-").count()
        };
        assert_eq!(report_must, overview_must, "{name}: must-haves uncovered");
        assert_eq!(
            number_before(&report, " open high/critical risks"),
            number_before(&screen, " high or critical still open"),
            "{name}: open high or critical risks"
        );
        // Counts: the flow's nodes and the Overview's headlines.
        for (in_report, on_screen) in [
            (" needs ·", " needs, "),
            (" segments ·", " segments ·"),
            (" competitors\"]", " competitors ·"),
        ] {
            assert_eq!(
                number_before(&report, in_report),
                number_before(&screen, on_screen),
                "{name}: `{in_report}` vs `{on_screen}`"
            );
        }
        assert_eq!(
            number_before(&report, " scenarios · top: "),
            ws_scenarios(&dir),
            "{name}: scenarios"
        );
        // Money: the top scenario's NPV, formatted by the same function.
        let npv = |text: &str| -> String {
            let at = text
                .find("NPV ")
                .unwrap_or_else(|| panic!("{name}: no NPV"));
            let rest = &text[at + 4..];
            rest[..rest.find(" ·").expect("NPV ends")].to_string()
        };
        assert_eq!(npv(&report), npv(&screen), "{name}: the top scenario's NPV");
    }
}

fn ws_scenarios(dir: &std::path::Path) -> usize {
    Workspace::open(dir).expect("open").model.scenarios.len()
}
