//! The workbench in 简体中文 on the Chinese workspace: snapshots beside the
//! English ones (tests/tui_snapshots.rs), no English left on the screens
//! converted so far, no line wider than the terminal, and the live switch.
//! Each test sets the language on its own thread (`i18n::with`), so they
//! run in parallel with the English tests.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use lodestar::i18n::{self, Lang};
use lodestar::train::{self, Event, Overrides, TrainConfig};
use lodestar::tui::app::{App, Mode};
use lodestar::tui::config;
use lodestar::tui::form::Form;
use lodestar::tui::keymap::Action;
use lodestar::tui::theme::{Theme, ThemeName};
use lodestar::tui::ui;
use lodestar::tui::vote::VoteScreen;
use lodestar::workspace::schema::{Field, FileKind, RecordKind, Ty};
use lodestar::workspace::{Date, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

fn zh_example() -> std::path::PathBuf {
    common::repo().join("workspaces").join("zh-example")
}

fn app() -> App {
    app_at(&zh_example())
}

fn app_at(dir: &Path) -> App {
    let ws = Workspace::open(dir).expect("open the workspace");
    let today = Date::parse("2026-11-29").expect("date");
    App::new(ws, config::parse("theme = \"dark\"", None), today)
}

/// The screen as text, and its lines as the cells show them; no line wider
/// than the screen, no box's right border overwritten.
fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    let text = terminal.backend().to_string();
    assert_fits(&text, w);
    let broken = common::broken_right_borders(terminal.backend().buffer());
    assert!(
        broken.is_empty(),
        "a box's right border overwritten: {broken:#?}\n{text}"
    );
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
        // Names of algorithms and devices, written so in Chinese texts too.
        "cpu", "CPU", "cuda", "CUDA", "relu", "ReLU", "adam", "Adam", "sigmoid", "tanh", "sgd",
        "Ctr", // "Ctr": a key name cut at the edge of a narrow footer
        "Space", "Plus",  // a product name in the Chinese workspace (禾润 Plus 付费会员)
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

/// The Market pane's series view words the CSV problems of its file in the
/// interface language, and the language key re-reads them in the new one.
#[test]
fn market_problems_follow_the_language_key() {
    let (_tmp, dir) = common::temp_copy(&zh_example());
    let csv = dir.join("data").join("market-ai-retail.csv");
    let mut text = std::fs::read_to_string(&csv).expect("read the series");
    text.push_str("2026-07,lots\n");
    std::fs::write(&csv, text).expect("write the series");
    i18n::with(Lang::En, || {
        let mut app = app_at(&dir);
        app.perform(Action::Market);
        step(&mut app, Action::NextKind, 5);
        let english = screen(&mut app, 100, 30);
        assert!(
            english.contains("column `spend_eur_m`: `lots` is not a number; row skipped"),
            "{english}"
        );
        app.handle_key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT));
        let chinese = screen(&mut app, 100, 30);
        assert!(
            chinese.contains("列 `spend_eur_m`：`lots` 不是数字；已跳过此行"),
            "{chinese}"
        );
        assert!(!chinese.contains("row skipped"), "{chinese}");
        app.handle_key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT));
        let back = screen(&mut app, 100, 30);
        assert!(
            back.contains("`lots` is not a number; row skipped"),
            "{back}"
        );
    });
}

/// The language key rewords what was computed in the old language: the
/// Monitor pane's triggers and the Overview's `check` line.
#[test]
fn monitor_triggers_follow_the_language_key() {
    i18n::with(Lang::En, || {
        let mut app = app_at(&zh_example());
        app.perform(Action::Monitor);
        let english = screen(&mut app, 120, 40);
        assert!(english.contains("revisit the need"), "{english}");
        app.handle_key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT));
        let chinese = screen(&mut app, 120, 40);
        assert!(chinese.contains("重新审视该需求"), "{chinese}");
        assert!(!chinese.contains("revisit the need"), "{chinese}");
    });
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

/// `english_words` less the words the workspace itself wrote in ASCII:
/// record ids (`value`, `risk`), choice values as the files hold them
/// (`benefit`, `must`), data file and column names. A form shows them as
/// they will be written; everything else must be Chinese.
fn english_words_beyond(text: &str, ws: &Workspace) -> Vec<String> {
    let mut known: Vec<String> = Vec::new();
    fn choices(fields: &[Field], out: &mut Vec<String>) {
        for f in fields {
            match f.ty {
                Ty::Choice(c) | Ty::ChoiceMap { choices: c, .. } => {
                    out.extend(c.iter().map(|s| s.to_string()))
                }
                Ty::Table(sub) => choices(sub, out),
                _ => {}
            }
        }
    }
    for kind in RecordKind::ALL {
        known.extend(ws.ids(kind).iter().map(|s| s.to_string()));
        choices(kind.fields(), &mut known);
    }
    for file in FileKind::ALL {
        choices(file.top_fields(), &mut known);
    }
    let t = &ws.model.training;
    known.extend(
        [
            t.data_file.clone(),
            t.target.clone(),
            t.positive.clone(),
            t.optimizer.to_string(),
            t.activation.to_string(),
        ]
        .iter()
        .flat_map(|s| s.split(|c: char| !c.is_ascii_alphanumeric()))
        .map(str::to_string),
    );
    // The files' keys (help texts quote them: `scores`, `[scoring]`).
    fn keys(fields: &[Field], out: &mut Vec<String>) {
        for f in fields {
            out.extend(f.key.split('-').map(str::to_string));
            if let Ty::Table(sub) = f.ty {
                keys(sub, out);
            }
        }
    }
    for kind in RecordKind::ALL {
        keys(kind.fields(), &mut known);
        known.push(kind.key().to_string());
    }
    for file in FileKind::ALL {
        keys(file.top_fields(), &mut known);
    }
    known.extend(
        [
            "true",
            "false",
            "csv",
            "toml", // file values and names
            // Names of methods and people, written so in Chinese too.
            "MoSCoW",
            "Saaty",
            "Holt",
            "Keras",
            "Dirichlet",
            "ISO",
            "TAM",
            "SAM",
            "SOM",
            "PSI",
            "seed",
            "nps",
        ]
        .map(String::from),
    );
    // Code and paths: `quoted`, docs/METHOD.md, --lang.
    let code = without_code(text);
    // Ids cut at the edge of a narrow column (`need-00…` → `nee`) count too.
    let ids: Vec<String> = RecordKind::ALL
        .into_iter()
        .flat_map(|k| {
            ws.ids(k)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    english_words(&code)
        .into_iter()
        .filter(|w| !known.contains(w) && !ids.iter().any(|id| id.starts_with(w.as_str())))
        .collect()
}

/// The text less what it quotes as code (`…`) and less paths and flags
/// (`docs/WORKSPACE.md`, `--lang`): those are written as the user types
/// them, in any language.
fn without_code(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut out = String::new();
            for (k, part) in line.split('`').enumerate() {
                if k % 2 == 0 {
                    out.push_str(part);
                }
                out.push(' ');
            }
            out.split(' ')
                .filter(|w| {
                    !(w.contains('/')
                        || w.starts_with("--")
                        || [".md", ".toml", ".csv"].iter().any(|x| w.contains(x)))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A copy of the Chinese workspace with the first `rows` rows of its
/// training data, `epochs` epochs, on the CPU.
fn tiny_zh(rows: usize, epochs: usize) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = common::temp_copy(&zh_example());
    let csv = std::fs::read_to_string(dir.join("data/propensity.csv")).expect("read csv");
    let head: Vec<&str> = csv.lines().take(rows + 1).collect();
    std::fs::write(dir.join("data/propensity.csv"), head.join("\n") + "\n").expect("write");
    let toml = std::fs::read_to_string(dir.join("training.toml")).expect("read");
    assert!(toml.contains("epochs = 10") && toml.contains("device = \"auto\""));
    let toml = toml
        .replace("epochs = 10", &format!("epochs = {epochs}"))
        .replace("device = \"auto\"", "device = \"cpu\"");
    std::fs::write(dir.join("training.toml"), toml).expect("write");
    (tmp, dir)
}

fn one_thread(dir: &Path) -> TrainConfig {
    let ws = Workspace::open(dir).expect("open");
    let overrides = Overrides {
        threads: Some(1),
        ..Overrides::default()
    };
    TrainConfig::resolve(&ws.model.training, &overrides).expect("config")
}

fn key(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

/// Screens of the Training pane at 80×24 and 60×20 carry no English.
fn assert_chinese(app: &mut App, what: &str, mask: &dyn Fn(String) -> String) -> String {
    let ws = Workspace::open(&app.ctx.ws.root).expect("open");
    for (w, h) in [(80, 24), (60, 20)] {
        let text = mask(screen(app, w, h));
        let words = english_words_beyond(&text, &ws);
        assert!(
            words.is_empty(),
            "{what} at {w}x{h}: English left: {words:?}\n{text}"
        );
    }
    mask(screen(app, 80, 24))
}

/// The Training pane in Chinese: no run yet, no training.toml, two saved
/// runs (history, an older run picked, the comparison), the gains chart
/// with its cut-off box and the gains table.
#[test]
fn training_pane_in_chinese_saved_runs() {
    i18n::with(Lang::ZhCn, || {
        let same = |s: String| s;
        // The shipped workspace has no run yet.
        let mut empty = app();
        empty.perform(Action::Training);
        let text = assert_chinese(&mut empty, "no run yet", &same);
        assert!(text.contains("尚无训练记录"), "{text}");
        // A workspace that does not train.
        let (_t0, bare) = common::temp_copy(&zh_example());
        std::fs::remove_file(bare.join("training.toml")).expect("remove training.toml");
        let mut bare_app = app_at(&bare);
        bare_app.perform(Action::Training);
        assert_chinese(&mut bare_app, "no training.toml", &same);

        let (_tmp, dir) = tiny_zh(300, 3);
        let cfg = one_thread(&dir);
        let a = train::train_blocking(&dir, cfg.clone()).expect("first run");
        let mut cfg = cfg;
        cfg.epochs = 2;
        cfg.batch_size = 8;
        let b = train::train_blocking(&dir, cfg).expect("second run");
        let runs = dir.join("runs");
        std::fs::rename(runs.join(&a.run_id), runs.join("20261129-100000-42")).expect("a");
        std::fs::rename(runs.join(&b.run_id), runs.join("20261129-100500-42")).expect("b");
        let mut app = app_at(&dir);
        app.perform(Action::Training);
        let list = assert_chinese(&mut app, "runs", &same);
        assert!(list.contains("训练记录（2）"), "{list}");
        insta::assert_snapshot!("zh_training_runs_80x24", list);
        key(&mut app, ']');
        let older = assert_chinese(&mut app, "older run", &same);
        assert!(older.contains("100000-42 的轮次"), "{older}");
        key(&mut app, '[');
        key(&mut app, 'c');
        let compare = assert_chinese(&mut app, "compare", &same);
        assert!(
            compare.contains("对比") && compare.contains("批量大小"),
            "{compare}"
        );
        insta::assert_snapshot!("zh_training_compare_80x24", compare);
        key(&mut app, 'c');
        key(&mut app, '[');
        key(&mut app, 'v');
        let chart = assert_chinese(&mut app, "gains chart", &same);
        assert!(chart.contains("截断点 前 20"), "{chart}");
        insta::assert_snapshot!("zh_training_gains_chart_80x24", chart);
        key(&mut app, 'v');
        let table = assert_chinese(&mut app, "gains table", &same);
        assert!(
            table.contains("精确率") && table.contains("提升度"),
            "{table}"
        );
        insta::assert_snapshot!("zh_training_gains_table_80x24", table);
    });
}

/// The run in progress and finished, and the overfitting warning, in
/// Chinese (recorded events; wall-clock figures fixed).
#[test]
fn training_pane_in_chinese_live_run() {
    i18n::with(Lang::ZhCn, || {
        let (_tmp, dir) = tiny_zh(300, 3);
        let job = train::Job::new(&dir, one_thread(&dir));
        let mut events = Vec::new();
        let summary =
            train::run(&job, &AtomicBool::new(false), &mut |e| events.push(e)).expect("train");
        let id = summary.run_id.clone();
        let time_part = id.split_once('-').map(|x| x.1).unwrap_or(&id).to_string();
        let mask = move |s: String| {
            s.replace(&id, &"#".repeat(id.len()))
                .replace(&time_part, &"#".repeat(time_part.len()))
        };
        // Mid-run: the first epoch done, a batch of the second.
        let cut = events
            .iter()
            .position(|e| matches!(e, Event::Epoch(_)))
            .expect("an epoch")
            + 1;
        let mut mid: Vec<Event> = events[..cut].to_vec();
        let batch = events.iter().find_map(|e| match e {
            Event::Batch(p) => Some(p.clone()),
            _ => None,
        });
        if let Some(mut p) = batch {
            p.epoch = 2;
            p.samples_per_sec = 12_345.0;
            p.eta = Duration::from_secs(75);
            mid.push(Event::Batch(p));
        }
        let mut running = app_at(&dir);
        running.perform(Action::Training);
        running.ctx.train.live = Some(Default::default());
        running.training_events(mid);
        let text = assert_chinese(&mut running, "running", &mask);
        assert!(
            text.contains("训练中") && text.contains("剩余 1:15"),
            "{text}"
        );
        insta::assert_snapshot!("zh_training_running_80x24", text);
        // Finished, with made-up epochs that overfit after the third.
        let mut done: Vec<Event> = events
            .iter()
            .filter(|e| matches!(e, Event::Started(_)))
            .cloned()
            .collect();
        let epochs = overfitting_epochs(12);
        done.extend(epochs.iter().cloned().map(Event::Epoch));
        let mut s = summary.clone();
        s.epochs = epochs;
        s.best_epoch = Some(3);
        s.overfitting_from = Some(3);
        done.push(Event::Finished(Box::new(s)));
        let mut finished = app_at(&dir);
        finished.perform(Action::Training);
        finished.ctx.train.live = Some(Default::default());
        finished.training_events(done);
        let text = assert_chinese(&mut finished, "finished", &mask);
        assert!(text.contains("已完成") && text.contains("过拟合"), "{text}");
        insta::assert_snapshot!("zh_training_overfit_80x24", text);
    });
}

fn overfitting_epochs(n: usize) -> Vec<train::EpochReport> {
    (1..=n)
        .map(|e| {
            let x = e as f64;
            let score = |loss: f64, auc: f64| train::Scores {
                loss,
                accuracy: 0.8,
                auc,
                precision: 0.6,
                recall: 0.5,
            };
            train::EpochReport {
                epoch: e,
                train: score(0.6 / x.sqrt(), 0.80 + 0.01 * x),
                valid: Some(score(
                    0.5 + 0.02 * (x - 3.0) * (x - 3.0),
                    0.83 - 0.002 * (x - 3.0).abs(),
                )),
                seconds: 0.0,
                samples_per_sec: 0.0,
                best: e == 3,
            }
        })
        .collect()
}

fn vote_screen(screen: &VoteScreen, w: u16, h: u16) -> String {
    let cfg = config::parse("theme = \"dark\"", None);
    let theme = Theme::new(ThemeName::Dark);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| screen.draw(f, &theme, &cfg.keymap))
        .expect("draw");
    let text = terminal.backend().to_string();
    assert_fits(&text, w);
    text
}

/// The voting screen in Chinese: its own texts translated, the criteria's
/// names and descriptions as the workspace wrote them, an off-scale digit
/// said in Chinese with the criterion's name.
#[test]
fn voting_screen_in_chinese() {
    i18n::with(Lang::ZhCn, || {
        let ws = Workspace::open(zh_example()).expect("open");
        let cfg = config::parse("", None);
        let mut s = VoteScreen::new(&ws.model, "newcomer");
        s.key(
            &KeyEvent::new(KeyCode::Char('9'), KeyModifiers::NONE),
            &cfg.keymap,
        );
        let first = &ws.model.criteria[0];
        assert!(
            s.status.contains(&first.name) && s.status.contains("评分范围"),
            "{}",
            s.status
        );
        for (w, h) in [(80, 24), (60, 20)] {
            let text = vote_screen(&s, w, h);
            let words: Vec<String> = english_words_beyond(&text, &ws)
                .into_iter()
                .filter(|w| w != "newcomer")
                .collect();
            assert!(words.is_empty(), "vote at {w}x{h}: {words:?}\n{text}");
            assert!(text.contains(&first.name), "{text}");
        }
        s.status.clear();
        let text = vote_screen(&s, 80, 24);
        assert!(text.contains("评分") && text.contains("退出"), "{text}");
        insta::assert_snapshot!("zh_vote_80x24", text);
    });
}

/// Opens a form on a workspace.
type MakeForm = Box<dyn Fn(&Workspace) -> Form>;

/// An open edit form of each record kind the brief names, and the settings
/// forms, show field names in Chinese; one is a snapshot.
#[test]
fn edit_forms_in_chinese() {
    i18n::with(Lang::ZhCn, || {
        let ws = Workspace::open(zh_example()).expect("open");
        let forms: Vec<(&str, MakeForm)> = vec![
            (
                "need",
                Box::new(|ws| Form::new(ws, RecordKind::Need, Some(0))),
            ),
            (
                "scenario",
                Box::new(|ws| Form::new(ws, RecordKind::Scenario, Some(0))),
            ),
            (
                "criterion",
                Box::new(|ws| Form::new(ws, RecordKind::Criterion, Some(0))),
            ),
            (
                "risk",
                Box::new(|ws| Form::new(ws, RecordKind::Risk, Some(0))),
            ),
            (
                "kpi",
                Box::new(|ws| Form::new(ws, RecordKind::Measurement, Some(0))),
            ),
            (
                "workspace settings",
                Box::new(|ws| Form::settings(ws, FileKind::Workspace)),
            ),
            (
                "training settings",
                Box::new(|ws| Form::settings(ws, FileKind::Training)),
            ),
            (
                "new need",
                Box::new(|ws| Form::new(ws, RecordKind::Need, None)),
            ),
        ];
        for (name, make) in &forms {
            let mut app = app();
            app.perform(Action::Needs);
            let form = make(&ws);
            let n = form.fields.len();
            app.mode = Mode::Form(Box::new(form));
            // Every field in turn, so each label is on screen once.
            for _ in 0..n {
                for (w, h) in [(80, 24), (60, 20)] {
                    let text = screen(&mut app, w, h);
                    let words = english_words_beyond(&text, &ws);
                    assert!(
                        words.is_empty(),
                        "{name} form at {w}x{h}: English left: {words:?}\n{text}"
                    );
                }
                app.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
            }
        }
        let mut app = app();
        app.perform(Action::Needs);
        app.mode = Mode::Form(Box::new(Form::new(&ws, RecordKind::Criterion, Some(0))));
        let text = screen(&mut app, 80, 24);
        assert!(text.contains("名称") && text.contains("权重"), "{text}");
        insta::assert_snapshot!("zh_form_criterion_80x24", text);
    });
}

/// The forms' field names come from the schema: English keys as the files
/// write them, Chinese names from locales/schema.toml for every field.
#[test]
fn every_schema_field_has_a_chinese_name_and_help() {
    use lodestar::workspace::schema::{help_text, key_label};
    fn walk(fields: &[Field], out: &mut Vec<&'static str>) {
        for f in fields {
            out.push(f.key);
            // The help: the schema's English word for word (the generated
            // docs/WORKSPACE.md is unchanged), and a Chinese text.
            assert_eq!(i18n::with(Lang::En, || help_text(f)), f.help);
            let zh = i18n::with(Lang::ZhCn, || help_text(f));
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: {zh}",
                f.key
            );
            if let Ty::Table(sub) = f.ty {
                walk(sub, out);
            }
        }
    }
    let mut keys = Vec::new();
    for kind in RecordKind::ALL {
        walk(kind.fields(), &mut keys);
    }
    for file in FileKind::ALL {
        walk(file.top_fields(), &mut keys);
    }
    assert!(keys.len() > 150, "{}", keys.len());
    for k in keys {
        assert_eq!(i18n::with(Lang::En, || key_label(k)), k);
        let zh = i18n::with(Lang::ZhCn, || key_label(k));
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                || ["KPI", "β1", "β2"].contains(&zh.as_str()),
            "{k}: {zh}"
        );
    }
}
