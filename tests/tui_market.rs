//! The Market pane: snapshots of every view at 80×24 and in presentation
//! mode at 60×20 (TestBackend), and adding a trend through the form.

mod common;

use lodestar::tui::app::{App, MARKET_KINDS, Mode};
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, RecordKind, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app() -> App {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Market);
    app
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Switch the Market pane to a record kind with `]`, as a user would.
fn show(app: &mut App, kind: RecordKind) {
    for _ in 0..MARKET_KINDS.len() {
        if MARKET_KINDS[app.panes.market.kind] == kind {
            return;
        }
        key(app, KeyCode::Char(']'));
    }
    panic!("{kind:?} is not a market kind");
}

/// Select the record with this id (by moving down from the top).
fn select(app: &mut App, id: &str) {
    key(app, KeyCode::Char('g'));
    let kind = MARKET_KINDS[app.panes.market.kind];
    for _ in 0..app.ctx.ws.count(kind) {
        let ids = app.ctx.ws.ids(kind);
        if app.selected_record().and_then(|i| ids.get(i).copied()) == Some(id) {
            return;
        }
        key(app, KeyCode::Char('j'));
    }
    panic!("{id} not found");
}

const VIEWS: [(RecordKind, &str, Option<&str>); 8] = [
    (RecordKind::Series, "series", None),
    (RecordKind::Segment, "segments", None),
    (RecordKind::Competitor, "competitors", None),
    (RecordKind::Feature, "features", Some("feat-conv-search")),
    (RecordKind::Evidence, "evidence_interview", Some("ev-001")),
    (RecordKind::Evidence, "evidence_likert", Some("ev-006")),
    (RecordKind::Evidence, "evidence_nps", Some("ev-007")),
    (RecordKind::Trend, "trends", Some("trend-004")),
];

#[test]
fn every_market_view_at_80x24() {
    let mut app = app();
    for (kind, name, id) in VIEWS {
        show(&mut app, kind);
        if let Some(id) = id {
            select(&mut app, id);
        }
        insta::assert_snapshot!(format!("market_{name}_80x24"), screen(&mut app, 80, 24));
    }
}

#[test]
fn every_market_view_in_presentation_at_60x20() {
    let mut app = app();
    app.perform(Action::Presentation);
    for (kind, name, id) in VIEWS {
        show(&mut app, kind);
        if let Some(id) = id {
            select(&mut app, id);
        }
        insta::assert_snapshot!(
            format!("market_presentation_{name}_60x20"),
            screen(&mut app, 60, 20)
        );
    }
}

#[test]
fn survey_from_a_csv_of_responses() {
    let mut app = app();
    show(&mut app, RecordKind::Evidence);
    select(&mut app, "ev-008");
    let s = screen(&mut app, 80, 24);
    // 120 respondents; the bars and the summary are drawn from the CSV.
    assert!(s.contains("n 120") && s.contains("median"), "{s}");
    assert!(s.contains('│') && s.contains('█'), "{s}");
}

#[test]
fn views_state_their_numbers_in_text_not_only_in_colour() {
    let mut app = app();
    show(&mut app, RecordKind::Series);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("CAGR"), "{s}");
    assert!(s.contains("Holt's damped trend: α ="), "{s}");
    assert!(s.contains("80 %"), "{s}");
    show(&mut app, RecordKind::Segment);
    let s = screen(&mut app, 80, 24);
    // seg-members: SOM 6.6 m top-down vs 3.6 m bottom-up.
    assert!(s.contains("⚠") && s.contains("more than 20 % apart"), "{s}");
    show(&mut app, RecordKind::Competitor);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("◆ biggest gap in the market"), "{s}");
    assert!(s.contains('✓') && s.contains('~') && s.contains('✗'), "{s}");
}

#[test]
fn the_series_is_read_once_not_on_every_redraw() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&common::example(), dir.path());
    let ws = Workspace::open(dir.path()).expect("open copy");
    let mut app = App::new(
        ws,
        config::parse("theme = \"dark\"", None),
        Date::parse("2026-11-29").expect("date"),
    );
    app.perform(Action::Market);
    show(&mut app, RecordKind::Series);
    let first = screen(&mut app, 80, 24);
    // Same size, same modification time: the cached data is drawn again.
    let csv = dir.path().join("data").join("market-ai-retail.csv");
    let meta = std::fs::metadata(&csv).expect("meta");
    let text = std::fs::read_to_string(&csv).expect("read");
    let same_length = text.replacen("39.21", "99.21", 1);
    std::fs::write(&csv, &same_length).expect("write");
    let f = std::fs::File::options()
        .write(true)
        .open(&csv)
        .expect("open");
    f.set_modified(meta.modified().expect("mtime"))
        .expect("keep mtime");
    drop(f);
    // Any event brings the pane up to date (this is where files are read,
    // never while drawing).
    app.refresh();
    assert_eq!(screen(&mut app, 80, 24), first, "redraw re-read the file");
    // A real change (new size) is picked up at the next event.
    std::fs::write(&csv, format!("{same_length}2026-07,70.00\n")).expect("append");
    assert_eq!(screen(&mut app, 80, 24), first, "drawing read the file");
    app.refresh();
    assert_ne!(screen(&mut app, 80, 24), first, "changed file not re-read");
}

#[test]
fn adding_a_trend_through_the_form_adds_one_record_and_u_removes_it() {
    let mut app = app();
    show(&mut app, RecordKind::Trend);
    let before = app.ctx.ws.model.trends.clone();
    key(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.mode, Mode::Form(_)), "a opens the form");
    // The form starts at the title; the id is suggested.
    for c in "Agents book shopping slots".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab); // type
    key(&mut app, KeyCode::Char('t')); // → technology
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "Enter applies the form");
    assert_eq!(app.ctx.ws.model.trends.len(), before.len() + 1);
    assert_eq!(app.ctx.ws.model.trends[..before.len()], before[..]);
    let added = app.ctx.ws.model.trends.last().expect("added");
    assert_eq!(added.title, "Agents book shopping slots");
    assert_eq!(added.kind, "technology");
    assert_eq!(added.id, "trend-008");
    assert!(app.ctx.ws.is_dirty());
    // The new trend is selected and shown.
    assert_eq!(app.selected_record(), Some(before.len()));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Agents book shopping slots"), "{s}");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.ctx.ws.model.trends, before);
    assert!(app.ctx.ws.model.trends.iter().all(|t| t.id != "trend-008"));
}

#[test]
fn missing_files_empty_filters_and_odd_sizes_draw_without_panicking() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_dir(&common::example(), dir.path());
    let ws = Workspace::open(dir.path()).expect("open copy");
    let mut app = App::new(
        ws,
        config::parse("theme = \"monochrome\"", None),
        Date::parse("2026-11-29").expect("date"),
    );
    app.perform(Action::Market);
    // The CSVs go away after the workspace was opened.
    std::fs::remove_file(dir.path().join("data").join("market-ai-retail.csv")).expect("rm");
    std::fs::remove_file(dir.path().join("data").join("survey-responses.csv")).expect("rm");
    for presentation in [false, true] {
        if app.ctx.presentation != presentation {
            app.perform(Action::Presentation);
        }
        for (kind, _, id) in VIEWS {
            show(&mut app, kind);
            if let Some(id) = id {
                select(&mut app, id);
            }
            for (w, h) in [(50, 14), (61, 21), (120, 40), (220, 60)] {
                screen(&mut app, w, h);
            }
        }
    }
    app.perform(Action::Presentation);
    show(&mut app, RecordKind::Series);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("cannot use data/market-ai-retail.csv"),
        "the missing file is named: {s}"
    );
    show(&mut app, RecordKind::Evidence);
    select(&mut app, "ev-008");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("answers cannot be read"), "{s}");
    // A filter that matches nothing leaves every view empty.
    for kind in MARKET_KINDS {
        show(&mut app, kind);
        key(&mut app, KeyCode::Char('/'));
        for c in "no-such-record".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        key(&mut app, KeyCode::Enter);
        assert!(app.panes.market.rows(&app.ctx).is_empty(), "{kind:?}");
        screen(&mut app, 80, 24);
        screen(&mut app, 60, 20);
        key(&mut app, KeyCode::Esc);
    }
}

#[test]
fn help_lists_the_market_keys() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::Help(_)));
    insta::assert_snapshot!("market_help_80x24", screen(&mut app, 80, 24));
}
