//! The vote round on the Scenarios pane (`R` in the Votes view), drawn with
//! ratatui's TestBackend: before and after the reveal, in presentation mode
//! at 60×20 and at 80×24, in English and 简体中文; walking the cells with
//! `]`; the facilitator typing a vote for someone (`i`) and undoing it; and
//! the Votes view's summary computed once per change, not per frame.

mod common;

use lodestar::i18n::{self, Lang};
use lodestar::tui::app::{App, ScenarioView};
use lodestar::tui::component::Pane;
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app_at(dir: &std::path::Path) -> App {
    let ws = Workspace::open(dir).expect("open workspace");
    let today = Date::parse("2026-11-29").expect("date");
    App::new(ws, config::parse("theme = \"dark\"", None), today)
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The Votes view with the cursor on the leader's first criterion, then
/// `R`: the round on that cell (in the examples, the cell that could flip
/// the winner).
fn open_round(app: &mut App) {
    app.perform(Action::Scenarios);
    app.panes.scenarios.view = ScenarioView::Votes;
    app.refresh();
    key(app, KeyCode::Char('R'));
    assert!(app.panes.scenarios.round.is_some(), "R opens the round");
}

#[test]
fn the_round_hides_the_votes_until_the_reveal() {
    for (lang, ws) in [(Lang::En, "example"), (Lang::ZhCn, "zh-example")] {
        i18n::with(lang, || {
            let dir = common::repo().join("workspaces").join(ws);
            for (presentation, w, h) in [(true, 60, 20), (false, 80, 24)] {
                let mut app = app_at(&dir);
                if presentation {
                    app.perform(Action::Presentation);
                }
                open_round(&mut app);
                let hidden = screen(&mut app, w, h);
                // Five vote files, every one has voted on this cell.
                assert!(!hidden.contains('●'), "{hidden}");
                assert!(hidden.contains("✓ cfo"), "{hidden}");
                if lang == Lang::En {
                    assert!(hidden.contains("5 of 5 voted"), "{hidden}");
                    assert!(hidden.contains("Scale 1–5"), "{hidden}");
                }
                let name = format!("round_{ws}_{w}x{h}");
                insta::assert_snapshot!(format!("{name}_hidden"), hidden);
                key(&mut app, KeyCode::Char(' '));
                let shown = screen(&mut app, w, h);
                assert!(shown.contains('●'), "{shown}");
                assert!(shown.contains('▲'), "the median under the axis: {shown}");
                if lang == Lang::En {
                    assert!(shown.contains("median"), "{shown}");
                    assert!(shown.contains("rank now 1"), "{shown}");
                    assert!(shown.contains("! could change"), "{shown}");
                }
                insta::assert_snapshot!(format!("{name}_revealed"), shown);
                // Space again hides them; Esc closes the round.
                key(&mut app, KeyCode::Char(' '));
                assert!(!screen(&mut app, w, h).contains('●'));
                key(&mut app, KeyCode::Esc);
                assert!(app.panes.scenarios.round.is_none());
            }
        });
    }
}

#[test]
fn next_cell_starts_with_the_cells_to_discuss_first() {
    let mut app = app_at(&common::example());
    open_round(&mut app);
    let summary = app
        .panes
        .scenarios
        .votes
        .summary()
        .and_then(|s| s.as_ref().ok())
        .cloned()
        .expect("summary");
    let model = &app.ctx.ws.model;
    let ids = |i: usize, j: usize| (model.scenarios[i].id.clone(), model.criteria[j].id.clone());
    let first = ids(
        summary.discuss_first[0].scenario,
        summary.discuss_first[0].criterion,
    );
    let second = ids(
        summary.discuss_first[1].scenario,
        summary.discuss_first[1].criterion,
    );
    let cell = |app: &App| {
        let r = app.panes.scenarios.round.as_ref().expect("round");
        (r.scenario.clone(), r.criterion.clone())
    };
    // The round was opened on the first cell to discuss; ] goes to the second.
    assert_eq!(cell(&app), first);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(cell(&app), second);
    let r = app.panes.scenarios.round.as_ref().expect("round");
    assert!(!r.revealed, "a new cell starts hidden");
    key(&mut app, KeyCode::Char('['));
    assert_eq!(cell(&app), first);
}

/// `i` in the round: who (a new name), the score (typed digits do not
/// switch panes; + steps), Enter writes votes/guest.toml; `u` takes it out
/// again (the file goes), Ctrl-r puts it back. For a participant who has
/// voted, the old score comes back byte for byte.
#[test]
fn the_facilitator_types_a_vote_and_undo_takes_it_back() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut app = app_at(&dir);
    open_round(&mut app);
    let guest = dir.join("votes/guest.toml");
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "guest");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "2");
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.pane, Pane::Scenarios, "digits stay in the prompt");
    key(&mut app, KeyCode::Enter);
    let text = std::fs::read_to_string(&guest).expect("guest's vote file");
    assert!(
        text.contains("[scores.scn-next-best-offer]\nvalue = 3\n"),
        "{text}"
    );
    let hidden = screen(&mut app, 80, 24);
    assert!(hidden.contains("6 of 6 voted"), "{hidden}");
    assert!(hidden.contains("✓ guest"), "{hidden}");
    key(&mut app, KeyCode::Char('u'));
    assert!(!guest.exists(), "undo removes the file the vote created");
    assert!(screen(&mut app, 80, 24).contains("5 of 5 voted"));
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(std::fs::read_to_string(&guest).expect("redone"), text);

    // The CFO has voted 5 on this cell: 2 instead, then undo.
    let cfo = dir.join("votes/cfo.toml");
    let before = std::fs::read(&cfo).expect("cfo");
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "cfo");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "9");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        std::fs::read(&cfo).expect("cfo"),
        before,
        "9 is off the scale"
    );
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "2");
    key(&mut app, KeyCode::Enter);
    let after = std::fs::read_to_string(&cfo).expect("cfo");
    assert_ne!(after.as_bytes(), &before[..]);
    let before_text = String::from_utf8_lossy(&before).into_owned();
    let changed: Vec<_> = after
        .lines()
        .zip(before_text.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "one line changed: {changed:?}");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(std::fs::read(&cfo).expect("cfo"), before, "byte for byte");
    // A bad name is refused and the prompt stays.
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "no way");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(
        app.panes
            .scenarios
            .round
            .as_ref()
            .and_then(|r| r.prompt.as_ref()),
        Some(lodestar::tui::panes::scenarios::round::Prompt::Who { .. })
    ));
    key(&mut app, KeyCode::Esc);
    assert!(
        app.panes
            .scenarios
            .round
            .as_ref()
            .is_some_and(|r| r.prompt.is_none())
    );
}

/// The Votes view's summary is computed once per workspace revision: frames
/// do not recompute it, a changed vote file (re-read by the watcher's
/// `files_changed`) does.
#[test]
fn the_votes_summary_is_cached_until_a_vote_file_changes() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut app = app_at(&dir);
    app.perform(Action::Scenarios);
    app.panes.scenarios.view = ScenarioView::Votes;
    app.refresh();
    for _ in 0..5 {
        screen(&mut app, 80, 24);
    }
    let cache = &app.panes.scenarios.votes;
    assert_eq!(cache.computed, 1, "five frames, one summary");
    assert_eq!(cache.revision(), Some(app.ctx.ws.revision()));
    let m = &app.ctx.ws.model;
    let i = m
        .scenarios
        .iter()
        .position(|s| s.id == "scn-next-best-offer")
        .expect("scenario");
    let j = m
        .criteria
        .iter()
        .position(|c| c.id == "value")
        .expect("criterion");
    let n = |app: &App| {
        let s = app
            .panes
            .scenarios
            .votes
            .summary()
            .and_then(|s| s.as_ref().ok());
        s.and_then(|s| s.cells.iter().find(|c| c.scenario == i && c.criterion == j))
            .map(|c| c.n)
    };
    assert_eq!(n(&app), Some(5));
    let out = common::lodestar(&[
        "vote",
        &dir.display().to_string(),
        "--as",
        "newcomer",
        "scn-next-best-offer.value=2",
    ]);
    assert!(out.status.success());
    app.files_changed();
    app.refresh();
    screen(&mut app, 80, 24);
    screen(&mut app, 80, 24);
    assert_eq!(app.panes.scenarios.votes.computed, 2);
    assert_eq!(n(&app), Some(6));
    assert!(screen(&mut app, 80, 24).contains(" 6"));
}

/// The round's effect line against the discuss-first list, two separate
/// code paths: scoring with the votes (`source = "votes"`), the median is
/// already the group's value (rank unchanged), and a cell changes the
/// winner between its quartiles exactly when `summarise` says it could flip.
#[test]
fn the_cell_effect_agrees_with_discuss_first() {
    use lodestar::analysis::votes::{cell_effect, summarise};
    let (_tmp, dir) = common::temp_copy(&common::example());
    let path = dir.join("workspace.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("weights = \"ahp\"", "weights = \"ahp\"\nsource = \"votes\""),
    )
    .expect("write");
    let ws = Workspace::open(&dir).expect("opens");
    let s = summarise(&ws.model, None).expect("summary");
    let mut flips = 0;
    for d in &s.discuss_first {
        let c = s
            .cells
            .iter()
            .find(|c| c.scenario == d.scenario && c.criterion == d.criterion)
            .expect("cell");
        let e = cell_effect(&ws.model, d.scenario, d.criterion, c).expect("effect");
        assert_eq!(e.now, e.median, "{d:?}");
        assert_eq!(e.flips, d.could_flip, "{d:?}");
        assert!(e.best <= e.now && e.now <= e.worst, "{e:?}");
        flips += usize::from(e.flips);
    }
    assert!(
        flips >= 1,
        "the example plants a cell that flips the top two"
    );
}
