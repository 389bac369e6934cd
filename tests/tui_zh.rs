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
    english_words_except(text, &[])
}

/// [`english_words`], also allowing `ids` (names the workspace's data
/// gives, such as a dataset's column names).
fn english_words_except(text: &str, ids: &[String]) -> Vec<String> {
    const ALLOWED: &[&str] = &[
        // Key names, units, abbreviations, product names.
        "Enter", "Esc", "Tab", "Shift", "Ctrl", "PgUp", "PgDn", "Home", "End", "KPI", "NPV", "IRR",
        "AUC", "AHP", "TOPSIS", "CNY", "EUR", "RMB", "lodestar", "check", "git", "pull", "set",
        "rank", "yr", "min", "max", "ctrl", "F5", "CSV", "SKU", "POS", "AI", "API", "ERP", "CRM",
        "LLM", "OCR", "App", "APP", "OTC", "CAGR", "PSI", "TAM", "SAM", "SOM", "NPS",
        "Ctr",   // "Ctr": a key name cut at the edge of a narrow footer
        "Plus",  // a product name in the Chinese workspace (禾润 Plus 付费会员)
        "token", // a loanword the Chinese workspace's own texts use (每千 token)
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
            if letters < 3 || is_id || ALLOWED.contains(&word) || ids.iter().any(|i| i == word) {
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
/// unit or a key name: every view of each (Market's kinds, the Scenarios
/// views but Votes, Monitor's triggers and records), each with its first
/// rows selected in turn so the detail panels show, at 80×24, 120×40 and
/// in presentation mode at 60×20. (Training follows.)
#[test]
fn converted_panes_show_no_english() {
    // The dataset's column names are ids (the Monitor's drift panel and
    // triggers name the features by them).
    let columns: Vec<String> = std::fs::read_to_string(zh_example().join("data/propensity.csv"))
        .expect("propensity.csv")
        .lines()
        .next()
        .unwrap_or("")
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    assert!(columns.len() > 3, "{columns:?}");
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
                let words = english_words_except(&text, &columns);
                assert!(
                    words.is_empty(),
                    "{name} at {w}x{h}: English left: {words:?}\n{text}"
                );
            }
        }
        let mut screens = 0;
        let mut left: Vec<String> = Vec::new();
        for (pane, views) in [
            (Action::Market, market_views()),
            (Action::Scenarios, scenario_views()),
            (Action::Monitor, monitor_views()),
        ] {
            for (view, setup) in views {
                for (w, h, presentation) in [(80, 24, false), (120, 40, false), (60, 20, true)] {
                    let mut app = self::app();
                    if presentation {
                        app.perform(Action::Presentation);
                    }
                    app.perform(pane);
                    setup(&mut app);
                    for row in 0..4 {
                        let text = screen(&mut app, w, h);
                        screens += 1;
                        let words = english_words_except(&text, &columns);
                        if !words.is_empty() {
                            left.push(format!(
                                "{view} (row {row}) at {w}x{h}: English left: {words:?}\n{text}"
                            ));
                        }
                        app.perform(Action::Down);
                    }
                }
            }
        }
        assert!(left.is_empty(), "{}", left.join("\n"));
        assert!(screens >= 3 * (6 + 5 + 2) * 4, "{screens} screens");
        // The same scan finds English where there is some (it can fail).
        let found = i18n::with(Lang::En, || {
            app.perform(Action::Needs);
            english_words(&screen(&mut app, 80, 24))
        });
        assert!(found.contains(&"Needs".to_string()), "{found:?}");
    });
}

/// Puts a pane on one of its views (after the pane's key).
type Setup = fn(&mut App);

/// The Market pane's six kinds, `]` stepping through them.
fn market_views() -> Vec<(&'static str, Setup)> {
    vec![
        ("market/segments", |_| {}),
        ("market/trends", |a| step(a, Action::NextKind, 1)),
        ("market/competitors", |a| step(a, Action::NextKind, 2)),
        ("market/features", |a| step(a, Action::NextKind, 3)),
        ("market/evidence", |a| step(a, Action::NextKind, 4)),
        ("market/series", |a| step(a, Action::NextKind, 5)),
    ]
}

/// The Scenarios views but Votes (`v` steps through them).
fn scenario_views() -> Vec<(&'static str, Setup)> {
    vec![
        ("scenarios/matrix", |_| {}),
        ("scenarios/charts", |a| step(a, Action::NextView, 1)),
        ("scenarios/revenue", |a| step(a, Action::NextView, 2)),
        ("scenarios/weights", |a| step(a, Action::NextView, 3)),
        ("scenarios/ahp", |a| step(a, Action::NextView, 4)),
    ]
}

/// The Monitor's triggers and (`v`) its records.
fn monitor_views() -> Vec<(&'static str, Setup)> {
    vec![
        ("monitor/triggers", |_| {}),
        ("monitor/records", |a| step(a, Action::MonitorView, 1)),
    ]
}

fn step(app: &mut App, action: Action, n: usize) {
    for _ in 0..n {
        app.perform(action);
    }
}

/// Every Scenarios view (but Votes) and every Market view in 简体中文.
#[test]
fn scenarios_and_market_views_in_chinese_at_80x24() {
    i18n::with(Lang::ZhCn, || {
        let mut app = app();
        app.perform(Action::Scenarios);
        for name in ["matrix", "charts", "revenue", "weights", "ahp"] {
            insta::assert_snapshot!(
                format!("zh_scenarios_{name}_80x24"),
                screen(&mut app, 80, 24)
            );
            app.perform(Action::NextView);
        }
        app.perform(Action::Market);
        for name in [
            "segments",
            "trends",
            "competitors",
            "features",
            "evidence",
            "series",
        ] {
            assert_eq!(
                app.panes.market.kind,
                [
                    "segments",
                    "trends",
                    "competitors",
                    "features",
                    "evidence",
                    "series"
                ]
                .iter()
                .position(|n| *n == name)
                .expect("kind")
            );
            insta::assert_snapshot!(format!("zh_market_{name}_80x24"), screen(&mut app, 80, 24));
            app.perform(Action::NextKind);
        }
    });
}

/// The Revenue view's "top by rank" lines keep rank, name, NPV and payback
/// on one line with Chinese names (the name is cut with … by display
/// width), and the money figures keep label and value on one line.
#[test]
fn revenue_top_by_rank_never_wraps_in_chinese() {
    i18n::with(Lang::ZhCn, || {
        for (w, h) in [(80, 24), (120, 40)] {
            let mut app = app();
            app.perform(Action::Scenarios);
            step(&mut app, Action::NextView, 2);
            let text = screen(&mut app, w, h);
            let rows: Vec<&str> = text.lines().collect();
            let head = rows
                .iter()
                .position(|l| l.contains("排名靠前"))
                .unwrap_or_else(|| panic!("no top-by-rank box at {w}x{h}:\n{text}"));
            for (k, line) in rows[head + 1..head + 4].iter().enumerate() {
                // The left box's inside: between the first two borders.
                let inside = line
                    .split('│')
                    .nth(1)
                    .unwrap_or_else(|| panic!("{line}"))
                    .trim_end();
                let rank = inside.trim_start().split(' ').next().unwrap_or("");
                assert_eq!(rank, (k + 1).to_string(), "{w}x{h}: {inside:?}\n{text}");
                let payback = inside.rsplit(' ').next().unwrap_or("");
                let is_month = payback.starts_with('第') && payback.ends_with('月');
                assert!(
                    is_month || payback == "—",
                    "{w}x{h}: payback not on the rank's line: {inside:?}\n{text}"
                );
            }
            assert!(text.contains("回本期"), "{text}");
        }
        // Presentation at 60×20: the figures stack above the chart, each
        // label with its value.
        let mut app = app();
        app.perform(Action::Presentation);
        app.perform(Action::Scenarios);
        step(&mut app, Action::NextView, 2);
        let text = screen(&mut app, 60, 20);
        let payback = text
            .lines()
            .find(|l| l.contains("回本期") && !l.contains("折现"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            payback.contains("个月") || payback.contains("不在预测期内"),
            "{payback}\n{text}"
        );
        insta::assert_snapshot!("zh_presentation_scenarios_revenue_60x20", text);
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
