//! The workbench in 简体中文 on the Chinese workspace: snapshots beside the
//! English ones (tests/tui_snapshots.rs), no English left on the screens
//! converted so far, no line wider than the terminal, and the live switch.
//! Each test sets the language on its own thread (`i18n::with`), so they
//! run in parallel with the English tests.

mod common;

use lodestar::i18n::{self, Lang};
use lodestar::tui::app::App;
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

fn zh_example() -> std::path::PathBuf {
    common::repo().join("workspaces").join("zh-example")
}

fn app() -> App {
    let ws = Workspace::open(zh_example()).expect("open zh-example");
    let today = Date::parse("2026-11-29").expect("date");
    App::new(ws, config::parse("theme = \"dark\"", None), today)
}

/// The screen as text, and its lines as the cells show them.
fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    let text = terminal.backend().to_string();
    assert_fits(&text, w);
    text
}

/// No line of a snapshot is wider than the terminal (display width; the
/// TestBackend's text quotes each row).
fn assert_fits(text: &str, w: u16) {
    for line in text.lines() {
        // TestBackend notes cells hidden under wide characters after the row.
        let line = line
            .split("\" Hidden by multi-width")
            .next()
            .unwrap_or(line);
        let row = line.trim_start_matches('"').trim_end_matches('"');
        assert!(
            UnicodeWidthStr::width(row) <= usize::from(w),
            "wider than {w}: {row:?} ({} columns)",
            UnicodeWidthStr::width(row)
        );
    }
}

/// ASCII words on a screen that are not ids, units, numbers or key names.
/// Record contents of the Chinese workspace are Chinese already; what is
/// left is either allowed here explicitly or English that was missed.
fn english_words(text: &str) -> Vec<String> {
    const ALLOWED: &[&str] = &[
        // Key names, units, abbreviations, product names.
        "Enter", "Esc", "Tab", "Shift", "Ctrl", "PgUp", "PgDn", "Home", "End", "KPI", "NPV", "IRR",
        "AUC", "AHP", "TOPSIS", "CNY", "EUR", "RMB", "lodestar", "check", "git", "pull", "set",
        "rank", "yr", "min", "max", "ctrl", "F5", "CSV", "SKU", "POS", "AI", "API", "ERP", "CRM",
        "LLM", "OCR", "App", "APP", "OTC",
        "Ctr", // "Ctr": a key name cut at the edge of a narrow footer
    ];
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line
            .split("\" Hidden by multi-width")
            .next()
            .unwrap_or(line);
        let row = line.trim_start_matches('"').trim_end_matches('"');
        for word in row.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
            let word = word.trim_matches('-');
            // Ids (need-001, scn-…, risk-003, run ids) and numbers.
            let is_id = word.contains('-') || word.contains('_');
            let letters = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
            if letters < 3 || is_id || ALLOWED.contains(&word) {
                continue;
            }
            out.push(word.to_string());
        }
    }
    out
}

const PANES: [(Action, &str); 7] = [
    (Action::Overview, "overview"),
    (Action::Needs, "needs"),
    (Action::Market, "market"),
    (Action::Scenarios, "scenarios"),
    (Action::Training, "training"),
    (Action::Risks, "risks"),
    (Action::Monitor, "monitor"),
];

#[test]
fn every_pane_in_chinese_at_80x24() {
    i18n::with(Lang::ZhCn, || {
        let mut app = app();
        for (action, name) in PANES {
            app.perform(action);
            insta::assert_snapshot!(format!("zh_pane_{name}_80x24"), screen(&mut app, 80, 24));
        }
    });
}

#[test]
fn presentation_mode_in_chinese_at_60x20() {
    i18n::with(Lang::ZhCn, || {
        let mut app = app();
        app.perform(Action::Presentation);
        for (action, name) in PANES {
            app.perform(action);
            insta::assert_snapshot!(
                format!("zh_presentation_{name}_60x20"),
                screen(&mut app, 60, 20)
            );
        }
    });
}

#[test]
fn help_overlay_in_chinese() {
    i18n::with(Lang::ZhCn, || {
        let mut app = app();
        app.perform(Action::Risks);
        app.perform(Action::Help);
        let text = screen(&mut app, 80, 24);
        assert!(text.contains("按键 — 风险"), "{text}");
        assert!(text.contains("切换界面语言"), "{text}");
        insta::assert_snapshot!("zh_help_risks_80x24", text);
    });
}

/// The panes converted so far show no English word that is not an id, a
/// unit or a key name. (Market, Scenarios, Training and Monitor follow.)
#[test]
fn converted_panes_show_no_english() {
    i18n::with(Lang::ZhCn, || {
        let mut app = app();
        for (action, name) in [
            (Action::Overview, "overview"),
            (Action::Needs, "needs"),
            (Action::Risks, "risks"),
        ] {
            app.perform(action);
            for (w, h) in [(80, 24), (120, 40), (60, 20)] {
                let text = screen(&mut app, w, h);
                let words = english_words(&text);
                assert!(
                    words.is_empty(),
                    "{name} at {w}x{h}: English left: {words:?}\n{text}"
                );
            }
        }
        // The same scan finds English where there is some (it can fail).
        let found = i18n::with(Lang::En, || {
            app.perform(Action::Needs);
            english_words(&screen(&mut app, 80, 24))
        });
        assert!(found.contains(&"Needs".to_string()), "{found:?}");
    });
}

#[test]
fn the_language_key_switches_live() {
    i18n::with(Lang::En, || {
        let mut app = app();
        let before = screen(&mut app, 80, 24);
        assert!(before.contains("Overview"), "{before}");
        app.handle_key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT));
        assert_eq!(i18n::current(), Lang::ZhCn);
        let after = screen(&mut app, 80, 24);
        assert!(after.contains("概览") && after.contains("需求"), "{after}");
        assert!(after.contains("语言：简体中文"), "{after}");
        app.handle_key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT));
        let back = screen(&mut app, 80, 24);
        assert!(back.contains("Overview"), "{back}");
        assert!(back.contains("Language: English"), "{back}");
    });
    // The switch stayed on this test's thread.
    assert_eq!(i18n::current(), Lang::En);
}

/// The Votes view (with and without the per-participant columns) and the
/// vote round (hidden, revealed, the "vote for" prompt) show no English in
/// 简体中文 beyond the workspace's own ids (criterion ids head the Votes
/// grid, participants are named by their vote files).
#[test]
fn votes_view_and_round_show_no_english() {
    i18n::with(Lang::ZhCn, || {
        let mut app = app();
        let m = &app.ctx.ws.model;
        let ids: Vec<String> = m
            .criteria
            .iter()
            .map(|c| c.id.clone())
            .chain(m.votes.iter().map(|b| b.participant.clone()))
            // Key names in the footer (`+` shows as Plus, the reveal key).
            .chain(["space".to_string(), "Plus".to_string()])
            .collect();
        // The pane's line of view tabs (with the stability run's state) is
        // the Scenarios pane's, scanned with the other panes.
        let tabs = lodestar::tui::app::ScenarioView::Matrix.title();
        let check = |app: &mut App, name: &str| {
            for (w, h) in [(80, 24), (60, 20)] {
                let text: String = screen(app, w, h)
                    .lines()
                    .filter(|l| !l.contains(&tabs))
                    .map(|l| format!("{l}\n"))
                    .collect();
                let words: Vec<String> = english_words(&text)
                    .into_iter()
                    // Narrow columns cut ids short (`val…`, `feasib…`).
                    .filter(|w| !ids.iter().any(|id| id.starts_with(w.as_str())))
                    .collect();
                assert!(
                    words.is_empty(),
                    "{name} at {w}x{h}: English left: {words:?}\n{text}"
                );
            }
        };
        app.perform(Action::Scenarios);
        app.perform(Action::Participants);
        check(&mut app, "votes view, participants");
        app.perform(Action::Participants);
        check(&mut app, "votes view");
        app.perform(Action::VoteRound);
        check(&mut app, "round");
        app.perform(Action::RoundReveal);
        check(&mut app, "round revealed");
        app.perform(Action::RoundVoteFor);
        check(&mut app, "round, vote for");
    });
}
