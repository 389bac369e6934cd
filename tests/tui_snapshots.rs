//! Snapshots of the panes drawn into ratatui's TestBackend.

mod common;

use lodestar::tui::app::{App, Mode, ScenarioView};
use lodestar::tui::config;
use lodestar::tui::form::Form;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, RecordKind, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app() -> App {
    let ws = Workspace::open(common::example()).expect("open example");
    let today = Date::parse("2026-11-29").expect("date");
    App::new(ws, config::parse("theme = \"dark\"", None), today)
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn every_pane_at_80x24() {
    let mut app = app();
    for (action, name) in [
        (Action::Overview, "overview"),
        (Action::Needs, "needs"),
        (Action::Market, "market"),
        (Action::Scenarios, "scenarios"),
        (Action::Training, "training"),
        (Action::Risks, "risks"),
    ] {
        app.perform(action);
        insta::assert_snapshot!(format!("pane_{name}_80x24"), screen(&mut app, 80, 24));
    }
}

#[test]
fn presentation_mode_at_60x20() {
    let mut app = app();
    app.perform(Action::Presentation);
    app.perform(Action::Needs);
    insta::assert_snapshot!("presentation_needs_60x20", screen(&mut app, 60, 20));
    app.perform(Action::Risks);
    insta::assert_snapshot!("presentation_risks_60x20", screen(&mut app, 60, 20));
}

#[test]
fn help_overlay() {
    let mut app = app();
    app.perform(Action::Risks);
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::Help));
    insta::assert_snapshot!("help_risks_80x24", screen(&mut app, 80, 24));
}

#[test]
fn form_with_a_validation_error() {
    let mut app = app();
    app.perform(Action::Risks);
    let form = Form::new(&app.ws, RecordKind::Risk, None);
    app.mode = Mode::Form(Box::new(form));
    key(&mut app, KeyCode::Tab);
    for c in "Model invents prices 价格".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('9'));
    let Mode::Form(form) = &app.mode else {
        panic!("form closed")
    };
    assert_eq!(form.fields[3].error.as_deref(), Some("is 9, allowed 1–5"));
    insta::assert_snapshot!("form_error_80x24", screen(&mut app, 80, 24));
}

#[test]
fn too_small_screen() {
    let mut app = app();
    insta::assert_snapshot!("too_small_20x6", screen(&mut app, 20, 6));
}

#[test]
fn selection_and_filter_change_the_view() {
    let mut app = app();
    app.perform(Action::Needs);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.needs.selected, 2);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.needs.selected, app.ws.model.needs.len() - 1);
    key(&mut app, KeyCode::Char('/'));
    for c in "waste".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.rows().len(), 1, "one need mentions waste");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("filter “waste”"), "{s}");
}

#[test]
fn monochrome_theme_still_marks_levels_and_overdue() {
    let ws = Workspace::open(common::example()).expect("open");
    let mut app = App::new(
        ws,
        config::parse("theme = \"monochrome\"", None),
        Date::parse("2026-11-29").expect("d"),
    );
    app.perform(Action::Risks);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("‼ critical") && s.contains('⏰'), "{s}");
}

#[test]
fn scenarios_views_at_80x24() {
    let mut app = app();
    app.perform(Action::Scenarios);
    for view in ScenarioView::ALL {
        assert_eq!(app.scenario_view, view);
        let name = view.title().to_lowercase();
        insta::assert_snapshot!(format!("scenarios_{name}_80x24"), screen(&mut app, 80, 24));
        key(&mut app, KeyCode::Char('v'));
    }
    assert_eq!(app.scenario_view, ScenarioView::Matrix, "v cycles back");
}

#[test]
fn scenarios_views_in_presentation_at_60x20() {
    let mut app = app();
    app.perform(Action::Presentation);
    app.perform(Action::Scenarios);
    for view in ScenarioView::ALL {
        let name = view.title().to_lowercase();
        insta::assert_snapshot!(
            format!("presentation_scenarios_{name}_60x20"),
            screen(&mut app, 60, 20)
        );
        key(&mut app, KeyCode::Char('v'));
    }
}
