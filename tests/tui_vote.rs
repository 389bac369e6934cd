//! The participant's voting screen (`lodestar vote DIR --as NAME`): drawn
//! with ratatui's TestBackend at 80×24 and 60×20 on both examples, and its
//! keys: a digit scores the selected cell and moves on, a digit off the
//! criterion's scale is refused, navigation comes from the keymap.

mod common;

use lodestar::tui::config;
use lodestar::tui::theme::{Theme, ThemeName};
use lodestar::tui::vote::VoteScreen;
use lodestar::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn render(screen: &VoteScreen, w: u16, h: u16) -> String {
    let cfg = config::parse("theme = \"dark\"", None);
    let theme = Theme::new(ThemeName::Dark);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| screen.draw(f, &theme, &cfg.keymap))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn a_digit_scores_the_cell_and_moves_to_the_next() {
    let ws = Workspace::open(common::example()).expect("example");
    let cfg = config::parse("", None);
    // The example's cfo has voted every cell; a newcomer has none.
    let mut s = VoteScreen::new(&ws.model, "newcomer");
    assert_eq!(
        s.key(&key(KeyCode::Char('4')), &cfg.keymap),
        Some(("scn-next-best-offer".into(), "value".into(), 4.0))
    );
    assert_eq!(s.criterion, 1);
    // Off the 1–5 scale: refused, said on the status line.
    assert_eq!(s.key(&key(KeyCode::Char('7')), &cfg.keymap), None);
    assert!(s.status.contains("1–5"), "{}", s.status);
    // Down twice, up once: the third criterion.
    s.key(&key(KeyCode::Down), &cfg.keymap);
    s.key(&key(KeyCode::Down), &cfg.keymap);
    s.key(&key(KeyCode::Up), &cfg.keymap);
    assert_eq!(s.criterion, 2);
    // Tab: the next scenario, first criterion.
    s.key(&key(KeyCode::Tab), &cfg.keymap);
    assert_eq!((s.scenario, s.criterion), (1, 0));
    s.key(&key(KeyCode::Char('q')), &cfg.keymap);
    assert!(s.quit);
}

#[test]
fn voting_screens() {
    for name in ["example", "zh-example"] {
        let ws = Workspace::open(common::repo().join("workspaces").join(name)).expect("opens");
        let s = VoteScreen::new(&ws.model, "cfo");
        for (w, h) in [(80, 24), (60, 20)] {
            insta::assert_snapshot!(format!("vote_{name}_{w}x{h}"), render(&s, w, h));
        }
    }
}

/// Scoring with the votes, the Scenarios pane shows the group's values:
/// in the example only the licence deal's cost differs from the agreed
/// score (4 → 4.5: one participant skipped that scenario), and a vote
/// written while the workbench runs is re-read.
#[test]
fn the_scenarios_pane_shows_the_group_values_and_rereads_votes() {
    use lodestar::tui::app::App;
    use lodestar::tui::keymap::Action;
    use lodestar::workspace::Date;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ws");
    common::copy_dir(&common::example(), &dir);
    let path = dir.join("workspace.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("weights = \"ahp\"", "weights = \"ahp\"\nsource = \"votes\""),
    )
    .expect("write");
    let ws = Workspace::open(&dir).expect("opens");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Scenarios);
    let draw = |app: &mut App| {
        let mut t = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        t.draw(|f| lodestar::tui::ui::render(f, app)).expect("draw");
        t.backend().to_string()
    };
    let screen = draw(&mut app);
    let row = screen
        .lines()
        .find(|l| l.contains("Licensed retail"))
        .unwrap_or_default();
    assert!(row.contains("4.5"), "{row}");
    // Three participants now score the winner's value 1: the median drops
    // and the runner-up leads.
    for p in ["cdo", "cfo", "legal"] {
        let out = common::lodestar(&[
            "vote",
            &dir.display().to_string(),
            "--as",
            p,
            "scn-next-best-offer.value=1",
        ]);
        assert!(out.status.success());
    }
    app.files_changed();
    let screen = draw(&mut app);
    let row = screen
        .lines()
        .find(|l| l.contains("Product content"))
        .unwrap_or_default();
    assert!(row.contains("1  Product content"), "{screen}");
    assert!(screen.contains("votes changed on disk"), "{screen}");
}

/// The Scenarios pane's Votes view: spread glyphs, counts and the planted
/// cell marked `!`; `P` shows the selected scenario's votes participant by
/// participant; at 80×24 and in presentation mode at 60×20.
#[test]
fn the_votes_view_shows_spread_and_participants() {
    use lodestar::tui::app::{App, ScenarioView};
    use lodestar::tui::keymap::Action;
    use lodestar::workspace::Date;
    let ws = Workspace::open(common::example()).expect("example");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("theme = \"dark\"", None), today);
    app.perform(Action::Scenarios);
    let draw = |app: &mut App, w: u16, h: u16| {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| lodestar::tui::ui::render(f, app)).expect("draw");
        t.backend().to_string()
    };
    app.perform(Action::Participants);
    assert_eq!(app.panes.scenarios.view, ScenarioView::Votes);
    assert!(app.panes.scenarios.participants);
    let screen = draw(&mut app, 80, 24);
    // The leader's business value: the one cell that could flip the winner.
    let row = screen
        .lines()
        .find(|l| l.contains("Next-best-offer"))
        .unwrap_or_default();
    assert!(row.contains('!'), "{screen}");
    assert!(
        screen.contains("Participants · Next-best-offer"),
        "{screen}"
    );
    assert!(
        screen.contains("Total cost"),
        "every criterion listed by name: {screen}"
    );
    insta::assert_snapshot!("votes_view_participants_80x24", screen);
    app.perform(Action::Participants);
    assert!(!app.panes.scenarios.participants);
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.contains("Could flip the winner: scn-next-best-offer × value"),
        "{screen}"
    );
    insta::assert_snapshot!("votes_view_80x24", screen);
    app.perform(Action::Presentation);
    insta::assert_snapshot!("votes_view_presentation_60x20", draw(&mut app, 60, 20));
    app.perform(Action::Participants);
    insta::assert_snapshot!(
        "votes_view_participants_presentation_60x20",
        draw(&mut app, 60, 20)
    );
}
