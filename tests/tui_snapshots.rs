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
    terminal.draw(|f| ui::render(f, app)).expect("draw");
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
        (Action::Monitor, "monitor"),
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
    app.perform(Action::Monitor);
    insta::assert_snapshot!("presentation_monitor_60x20", screen(&mut app, 60, 20));
}

/// Enter on a trigger opens what it proposes to adjust: the off-track KPI's
/// need in the Needs pane, the drifting feature's retraining in Training.
#[test]
fn following_a_trigger_opens_what_it_questions() {
    let mut app = app();
    app.perform(Action::Monitor);
    let triggers: Vec<String> = app
        .ctx
        .monitoring
        .triggers
        .iter()
        .map(|t| t.kind.as_str().to_string())
        .collect();
    assert_eq!(
        &triggers[..3],
        ["kpi-off-track", "revenue-below-plan", "feature-drift"],
        "{triggers:?}"
    );
    app.perform(Action::Follow);
    assert_eq!(app.pane, lodestar::tui::component::Pane::Needs);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("revisit the need"), "{s}");
    assert_eq!(
        app.current().selected(&app.ctx),
        Some((RecordKind::Need, 1)),
        "need-002 under the cursor"
    );
    app.perform(Action::Back);
    assert_eq!(app.pane, lodestar::tui::component::Pane::Monitor);
    app.perform(Action::Down);
    app.perform(Action::Follow);
    assert_eq!(app.pane, lodestar::tui::component::Pane::Scenarios);
    app.perform(Action::Monitor);
    app.perform(Action::Down);
    app.perform(Action::Follow);
    assert_eq!(app.pane, lodestar::tui::component::Pane::Training);
}

#[test]
fn help_overlay() {
    let mut app = app();
    app.perform(Action::Risks);
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::Help(_)));
    insta::assert_snapshot!("help_risks_80x24", screen(&mut app, 80, 24));
}

#[test]
fn form_with_a_validation_error() {
    let mut app = app();
    app.perform(Action::Risks);
    let form = Form::new(&app.ctx.ws, RecordKind::Risk, None);
    app.mode = Mode::Form(Box::new(form));
    // A new record's form starts at its title (the id follows it).
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
    assert_eq!(app.panes.needs.list.selected, 2);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(
        app.panes.needs.list.selected,
        app.ctx.ws.model.needs.len() - 1
    );
    key(&mut app, KeyCode::Char('/'));
    for c in "waste".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.panes.needs.rows(&app.ctx).len(),
        1,
        "one need mentions waste"
    );
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
        assert_eq!(app.panes.scenarios.view, view);
        let name = view.title().to_lowercase();
        insta::assert_snapshot!(format!("scenarios_{name}_80x24"), screen(&mut app, 80, 24));
        key(&mut app, KeyCode::Char('v'));
    }
    assert_eq!(
        app.panes.scenarios.view,
        ScenarioView::Matrix,
        "v cycles back"
    );
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

fn rank_of(app: &App, id: &str) -> usize {
    let a = app.ctx.analysis.as_ref().expect("analysis");
    let i = a.matrix.scenario_index(id).expect("scenario");
    a.ranking.ranks[i]
}

fn score(app: &App, id: &str, criterion: &str) -> f64 {
    app.ctx.ws.model.scenario(id).expect("scenario").scores[criterion]
}

#[test]
fn plus_raises_a_score_the_rank_changes_and_u_undoes_it() {
    let mut app = app();
    key(&mut app, KeyCode::Char('4'));
    // Sorted by rank: the second row is the runner-up.
    key(&mut app, KeyCode::Char('j'));
    let id = "scn-product-content";
    assert_eq!(
        app.scenario_record(),
        app.ctx.ws.model.scenarios.iter().position(|s| s.id == id)
    );
    assert_eq!(rank_of(&app, id), 2);
    assert_eq!(
        app.panes.scenarios.criterion, 0,
        "the value column is selected first"
    );
    assert_eq!(score(&app, id, "value"), 3.0);

    key(&mut app, KeyCode::Char('+'));
    assert_eq!(score(&app, id, "value"), 4.0);
    assert_eq!(rank_of(&app, id), 1, "one more point of value wins");
    assert!(app.ctx.ws.is_dirty());
    assert_eq!(
        app.scenario_record(),
        app.ctx.ws.model.scenarios.iter().position(|s| s.id == id),
        "the cursor follows the scenario to its new row"
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("rank 2 → 1"), "{s}");

    key(&mut app, KeyCode::Char('u'));
    assert_eq!(score(&app, id, "value"), 3.0);
    assert_eq!(rank_of(&app, id), 2);
}

#[test]
fn scores_stay_within_the_criterion_range_and_columns_move_with_arrows() {
    let mut app = app();
    app.perform(Action::Scenarios);
    let id = app.ctx.ws.model.scenarios[app.scenario_record().expect("row")]
        .id
        .clone();
    // The top scenario scores 5 on value: + refuses to go above the max.
    assert_eq!(score(&app, &id, "value"), 5.0);
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(score(&app, &id, "value"), 5.0);
    assert!(!app.ctx.ws.is_dirty());
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.panes.scenarios.criterion, 2);
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    assert_eq!(
        app.panes.scenarios.criterion,
        app.ctx.ws.model.criteria.len() - 1,
        "wraps around"
    );
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('-'));
    }
    let cost = score(&app, &id, "cost");
    assert_eq!(cost, 1.0, "clamped at the criterion's min");
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('u'));
    }
    assert_eq!(score(&app, &id, "cost"), 2.0);
}

#[test]
fn weights_and_ahp_edits_move_the_ranking_and_undo() {
    let mut app = app();
    app.perform(Action::Scenarios);
    let before = app.ctx.analysis.as_ref().expect("a").weights.values.clone();
    // Weights view: direct weights only count once the source is direct.
    key(&mut app, KeyCode::Char('v'));
    key(&mut app, KeyCode::Char('v'));
    key(&mut app, KeyCode::Char('v'));
    assert_eq!(app.panes.scenarios.view, ScenarioView::Weights);
    key(&mut app, KeyCode::Char('w'));
    assert_eq!(app.ctx.ws.model.settings.scoring.weights, "direct");
    key(&mut app, KeyCode::Char('+'));
    assert!((app.ctx.ws.model.criteria[0].weight - 0.36).abs() < 1e-9);
    let direct = app.ctx.analysis.as_ref().expect("a").weights.values.clone();
    assert!(direct[0] > before[0]);
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.ctx.ws.model.settings.scoring.weights, "ahp");
    assert!((app.ctx.ws.model.criteria[0].weight - 0.31).abs() < 1e-9);

    // AHP view: value vs feasibility from 2 to 3 moves the weights and CR.
    key(&mut app, KeyCode::Char('v'));
    assert_eq!(app.panes.scenarios.view, ScenarioView::Ahp);
    let cr = |app: &App| {
        app.ctx
            .analysis
            .as_ref()
            .expect("a")
            .weights
            .ahp
            .as_ref()
            .expect("ahp")
            .cr
            .expect("cr")
    };
    let cr_before = cr(&app);
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.ctx.ws.model.comparisons[0].ratio, 3.0);
    assert!(cr(&app) != cr_before);
    let after = app.ctx.analysis.as_ref().expect("a").weights.values.clone();
    assert!(after[0] > before[0], "value weighs more");
    let s = screen(&mut app, 80, 24);
    // The pair named by the criteria's names.
    assert!(
        s.contains("Business value vs Technical feasibility: 2 → 3"),
        "{s}"
    );
    for _ in 0..12 {
        key(&mut app, KeyCode::Char('-'));
    }
    assert!(
        (app.ctx.ws.model.comparisons[0].ratio - 1.0 / 9.0).abs() < 1e-3,
        "stops at 1/9"
    );
    for _ in 0..12 {
        key(&mut app, KeyCode::Char('u'));
    }
    assert_eq!(app.ctx.ws.model.comparisons[0].ratio, 2.0);
    assert_eq!(app.ctx.analysis.as_ref().expect("a").weights.values, before);
}

#[test]
fn overview_reads_the_latest_training_run_leniently() {
    let dir = tempfile::tempdir().expect("tmp");
    common::copy_dir(&common::example(), dir.path());
    for (id, text) in [
        ("2026-11-01T09-00-00", "val-auc = 0.71\n"),
        (
            "2026-11-02T09-00-00",
            "status = \"finished\"\nval-auc = 0.834\n",
        ),
        ("2026-11-03T09-00-00", "not = = toml"),
    ] {
        let d = dir.path().join("runs").join(id);
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join("summary.toml"), text).expect("write");
    }
    let ws = Workspace::open(dir.path()).expect("open");
    let mut app = App::new(
        ws,
        config::parse("theme = \"dark\"", None),
        Date::parse("2026-11-29").expect("date"),
    );
    app.perform(Action::Overview);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("validation AUC 0.834 · latest run 2026-11-02T09-00-00 (finished)"),
        "{s}"
    );
}

#[test]
fn help_lists_the_scenario_keys() {
    let mut app = app();
    app.perform(Action::Scenarios);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_scenarios_80x24", screen(&mut app, 80, 24));
}

#[test]
fn plus_on_a_pair_never_compared_adds_the_comparison() {
    let dir = tempfile::tempdir().expect("tmp");
    common::copy_dir(&common::example(), dir.path());
    let path = dir.path().join("workspace.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    let text = text.replace(
        "[[comparison]]\na = \"risk\"\nb = \"cost\"\nratio = 2\n",
        "",
    );
    std::fs::write(&path, text).expect("write");
    let ws = Workspace::open(dir.path()).expect("open");
    let mut app = App::new(
        ws,
        config::parse("theme = \"dark\"", None),
        Date::parse("2026-11-29").expect("date"),
    );
    let n = app.ctx.ws.model.comparisons.len();
    app.perform(Action::Scenarios);
    // Matrix → Votes → AHP.
    app.perform(Action::PrevView);
    app.perform(Action::PrevView);
    assert_eq!(app.panes.scenarios.view, ScenarioView::Ahp);
    key(&mut app, KeyCode::Char('G'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("not compared"), "{s}");
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(app.ctx.ws.model.comparisons.len(), n + 1);
    let c = &app.ctx.ws.model.comparisons[n];
    assert_eq!((c.a.as_str(), c.b.as_str()), ("risk", "cost"));
    assert_eq!(c.ratio, 0.5);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.ctx.ws.model.comparisons.len(), n);
}

#[test]
fn every_add_form_at_80x24() {
    for kind in RecordKind::ALL {
        let mut app = app();
        app.perform(Action::Scenarios);
        app.mode = Mode::Form(Box::new(Form::new(&app.ctx.ws, kind, None)));
        insta::assert_snapshot!(
            format!("form_add_{}_80x24", kind.key()),
            screen(&mut app, 80, 24)
        );
    }
}

#[test]
fn scenario_add_form_derives_the_id_from_the_name() {
    let mut app = app();
    app.perform(Action::Scenarios);
    key(&mut app, KeyCode::Char('a'));
    for c in "Shelf-gap detection".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let Mode::Form(form) = &app.mode else {
        panic!("no form")
    };
    assert_eq!(form.fields[0].value(), "scn-shelf-gap-detection");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal));
    let last = app.ctx.ws.model.scenarios.last().expect("added");
    assert_eq!(
        (last.id.as_str(), last.name.as_str()),
        ("scn-shelf-gap-detection", "Shelf-gap detection")
    );
}

#[test]
fn scenario_edit_form_with_the_needs_picker_open() {
    let mut app = app();
    app.perform(Action::Scenarios);
    key(&mut app, KeyCode::Char('e'));
    let Mode::Form(form) = &app.mode else {
        panic!("e opens no form on the scenarios pane")
    };
    let needs = form
        .fields
        .iter()
        .position(|f| f.path == ["needs"])
        .expect("needs row");
    assert!(form.fields.iter().any(|f| f.path == ["scores", "value"]));
    insta::assert_snapshot!("form_edit_scenario_80x24", screen(&mut app, 80, 24));
    for _ in 0..needs {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::Char(' '));
    insta::assert_snapshot!("form_scenario_needs_picker_80x24", screen(&mut app, 80, 24));
    for c in "waste".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(
        "form_scenario_needs_picker_search_80x24",
        screen(&mut app, 80, 24)
    );
    key(&mut app, KeyCode::Esc);
    let Mode::Form(form) = &app.mode else {
        panic!("Esc closed the form, not the picker")
    };
    assert!(form.picker.is_none());
    assert!(form.fields[needs].value().split(", ").count() >= 2);
}

#[test]
fn criterion_edit_form_from_the_weights_view() {
    let mut app = app();
    app.perform(Action::Scenarios);
    while app.panes.scenarios.view != ScenarioView::Weights {
        key(&mut app, KeyCode::Char('v'));
    }
    key(&mut app, KeyCode::Enter);
    let Mode::Form(form) = &app.mode else {
        panic!("Enter opens no form on the weights view")
    };
    assert_eq!(form.kind(), Some(RecordKind::Criterion));
    insta::assert_snapshot!("form_edit_criterion_80x24", screen(&mut app, 80, 24));
}

#[test]
fn removing_a_criterion_takes_its_scores_and_one_u_brings_them_back() {
    let mut app = app();
    let texts = |app: &App| {
        (
            app.ctx
                .ws
                .file(lodestar::workspace::FileKind::Workspace)
                .text()
                .to_string(),
            app.ctx
                .ws
                .file(lodestar::workspace::FileKind::Scenarios)
                .text()
                .to_string(),
        )
    };
    let before = texts(&app);
    app.perform(Action::Scenarios);
    while app.panes.scenarios.view != ScenarioView::Weights {
        key(&mut app, KeyCode::Char('v'));
    }
    let n = app.ctx.ws.model.criteria.len();
    key(&mut app, KeyCode::Char('d'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("its score in 9 scenarios"), "{s}");
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.ctx.ws.model.criteria.len(), n - 1);
    assert!(
        app.ctx
            .ws
            .model
            .scenarios
            .iter()
            .all(|s| !s.scores.contains_key("value"))
    );
    assert!(
        app.ctx
            .ws
            .model
            .comparisons
            .iter()
            .all(|c| c.a != "value" && c.b != "value")
    );
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(texts(&app), before);
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

#[test]
fn long_notes_scroll_in_the_detail_panel_with_ctrl_d_and_ctrl_u() {
    let mut app = app();
    app.perform(Action::Needs);
    let words: Vec<String> = (1..=40).map(|i| format!("word{i}")).collect();
    app.ctx.ws.model.needs[0].description = format!("{} THE-END", words.join(" "));
    let top = screen(&mut app, 80, 24);
    assert!(
        top.contains("↓ more Ctrl-d"),
        "more below is marked:\n{top}"
    );
    assert!(!top.contains("THE-END"), "the end is cut at first:\n{top}");
    assert!(!top.contains("↑ Ctrl-u"), "nothing above yet:\n{top}");
    for _ in 0..20 {
        ctrl(&mut app, 'd');
        screen(&mut app, 80, 24);
    }
    let end = screen(&mut app, 80, 24);
    assert!(end.contains("THE-END"), "ctrl-d reaches the end:\n{end}");
    assert!(!end.contains("↓ more"), "nothing more below:\n{end}");
    assert!(end.contains("↑ Ctrl-u"), "more above is marked:\n{end}");
    insta::assert_snapshot!("needs_detail_scrolled_80x24", end);
    ctrl(&mut app, 'u');
    let up = screen(&mut app, 80, 24);
    assert!(up.contains("↓ more"), "ctrl-u scrolls back:\n{up}");
    for _ in 0..20 {
        ctrl(&mut app, 'd');
        screen(&mut app, 80, 24);
    }
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Up);
    let back = screen(&mut app, 80, 24);
    assert!(
        !back.contains("↑ Ctrl-u"),
        "a new selection starts at the top:\n{back}"
    );
    assert!(back.contains("↓ more"), "{back}");
}

#[test]
fn every_scatter_point_is_labelled_with_its_matrix_rank() {
    for (presentation, w, h) in [(false, 80, 24), (true, 60, 20)] {
        let mut app = app();
        if presentation {
            app.perform(Action::Presentation);
        }
        app.perform(Action::Scenarios);
        key(&mut app, KeyCode::Char('v'));
        assert_eq!(app.panes.scenarios.view, ScenarioView::Charts);
        let s = screen(&mut app, w, h);
        let ids: Vec<String> = app
            .ctx
            .ws
            .model
            .scenarios
            .iter()
            .map(|s| s.id.clone())
            .collect();
        assert!(ids.len() > 5, "enough points to crowd the chart");
        for id in &ids {
            let rank = rank_of(&app, id);
            let name = &app.ctx.ws.model.scenario(id).expect("scenario").name;
            let prefix: String = name.chars().take(5).collect();
            // Beside its point or in the legend under the plot.
            assert!(
                s.contains(&format!("{rank} {prefix}")),
                "{id} is labelled {rank} {prefix}… at {w}x{h}:\n{s}"
            );
        }
    }
}

/// The Market pane's detail text (a trend's description, an interview's
/// notes) scrolls like the Needs and Risks panels, at 60×20 in
/// presentation mode too.
#[test]
fn market_detail_text_scrolls_with_ctrl_d_and_ctrl_u() {
    let mut app = app();
    app.perform(Action::Market);
    app.perform(Action::Presentation);
    while app.panes.market.kind != 4 {
        app.perform(Action::NextKind);
    }
    let words: Vec<String> = (1..=60).map(|i| format!("word{i}")).collect();
    app.ctx.ws.model.evidence[0].notes = format!("{} THE-END", words.join(" "));
    let top = screen(&mut app, 60, 20);
    assert!(
        top.contains("↓ more Ctrl-d"),
        "more below is marked:\n{top}"
    );
    assert!(!top.contains("THE-END"), "the end is cut at first:\n{top}");
    for _ in 0..30 {
        ctrl(&mut app, 'd');
        screen(&mut app, 60, 20);
    }
    let end = screen(&mut app, 60, 20);
    assert!(end.contains("THE-END"), "ctrl-d reaches the end:\n{end}");
    assert!(end.contains("↑ Ctrl-u"), "more above is marked:\n{end}");
    insta::assert_snapshot!("market_evidence_scrolled_60x20", end);
    // One ctrl-u is enough to move back: the offset never ran past the end.
    ctrl(&mut app, 'u');
    let up = screen(&mut app, 60, 20);
    assert!(up.contains("↓ more"), "ctrl-u scrolls back:\n{up}");
    // Another view starts at the top.
    while app.panes.market.kind != 1 {
        app.perform(Action::PrevKind);
    }
    app.ctx.ws.model.trends[0].description = format!("{} THE-END", words.join(" "));
    let trend = screen(&mut app, 60, 20);
    assert!(!trend.contains("↑ Ctrl-u"), "{trend}");
    assert!(trend.contains("↓ more Ctrl-d"), "{trend}");
    for _ in 0..30 {
        ctrl(&mut app, 'd');
        screen(&mut app, 60, 20);
    }
    assert!(screen(&mut app, 60, 20).contains("THE-END"));
}

/// `v` on the Monitor pane lists what was recorded, newest first; `e` edits
/// a measurement in its form (one changed line), `d` deletes it after a
/// question, and `u` brings the file back byte for byte.
#[test]
fn monitor_records_are_edited_and_deleted_from_the_pane() {
    use lodestar::workspace::FileKind;
    let mut app = app();
    let before = app.ctx.ws.file(FileKind::Monitor).text().to_string();
    app.perform(Action::Monitor);
    key(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("monitor_records_80x24", screen(&mut app, 80, 24));
    let (kind, index) = app.current().selected(&app.ctx).expect("a record selected");
    key(&mut app, KeyCode::Char('e'));
    let Mode::Form(form) = &app.mode else {
        panic!("e opens no form on the records list")
    };
    assert_eq!(form.kind(), Some(kind));
    let value = form
        .fields
        .iter()
        .position(|f| f.path == ["value"] || f.path == ["revenue"])
        .expect("value field");
    for _ in 0..value {
        key(&mut app, KeyCode::Tab);
    }
    for c in "42".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "the form applies");
    let after = app.ctx.ws.file(FileKind::Monitor).text().to_string();
    let (removed, added) = common::changed_region(&before, &after);
    assert_eq!(
        (removed.len(), added.len()),
        (1, 1),
        "{removed:?} {added:?}"
    );
    assert!(added[0].contains("42"), "{added:?}");
    key(&mut app, KeyCode::Char('d'));
    assert!(
        matches!(app.mode, Mode::ConfirmDelete { .. }),
        "d asks first"
    );
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.ctx.ws.count(kind) + 1, {
        let ws = Workspace::open(common::example()).expect("open");
        ws.count(kind)
    });
    let _ = index;
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.ctx.ws.file(FileKind::Monitor).text(), before);
}
