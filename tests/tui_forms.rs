//! The forms beyond single records: the multi-line editor of prose fields
//! and the settings of `workspace.toml` and `training.toml`, which let a
//! team fill a blank workspace up to a training run without a text editor.

mod common;

use lodestar::tui::app::{App, Mode};
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, FileKind, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn open(dir: &std::path::Path) -> App {
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

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Tab to the form field at `path`.
fn focus(app: &mut App, path: &[&str]) {
    for _ in 0..200 {
        let Mode::Form(form) = &app.mode else {
            panic!("no form open")
        };
        if form.fields[form.focus].path == path {
            return;
        }
        key(app, KeyCode::Tab);
    }
    panic!("no field {path:?} in the form");
}

fn field(app: &App, path: &[&str]) -> String {
    let Mode::Form(form) = &app.mode else {
        panic!("no form open")
    };
    form.fields
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.value())
        .unwrap_or_else(|| panic!("no field {path:?}"))
}

#[test]
fn a_description_is_edited_over_several_lines_and_stays_one_line_in_the_file() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut app = open(&dir);
    let before = app.ctx.ws.file(FileKind::Needs).text().to_string();
    app.perform(Action::Needs);
    key(&mut app, KeyCode::Char('e'));
    focus(&mut app, &["description"]);
    insta::assert_snapshot!(
        "form_need_description_focused_80x24",
        screen(&mut app, 80, 24)
    );
    key(&mut app, KeyCode::Right);
    let Mode::Form(form) = &app.mode else {
        panic!("→ closed the form")
    };
    assert!(form.editor.is_some(), "→ on a description opens the editor");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "第二行：中文 and more");
    insta::assert_snapshot!(
        "form_need_description_editor_80x24",
        screen(&mut app, 80, 24)
    );
    // Undo inside the editor takes the last typing back; redo restores it.
    ctrl(&mut app, 'z');
    ctrl(&mut app, 'y');
    key(&mut app, KeyCode::Esc);
    let text = field(&app, &["description"]);
    assert!(
        text.ends_with("anyway.\n第二行：中文 and more"),
        "the editor's text is the field's value: {text:?}"
    );
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "Enter applies the form");
    let after = app.ctx.ws.file(FileKind::Needs).text().to_string();
    let (removed, added) = common::changed_region(&before, &after);
    assert_eq!(
        (removed.len(), added.len()),
        (1, 1),
        "{removed:?} {added:?}"
    );
    assert!(
        added[0].contains(r"anyway.\n第二行：中文 and more"),
        "the new line is escaped onto one line: {}",
        added[0]
    );
    // Reloading the workspace reads the newline back.
    ctrl(&mut app, 's');
    let ws = Workspace::open(&dir).expect("reopen");
    assert!(ws.model.needs[0].description.contains("\n第二行"));
    // One u takes the whole edit back.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.ctx.ws.file(FileKind::Needs).text(), before);
}

#[test]
fn esc_in_the_editor_keeps_the_text_and_esc_in_the_form_drops_it() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut app = open(&dir);
    let before = app.ctx.ws.file(FileKind::Needs).text().to_string();
    app.perform(Action::Needs);
    key(&mut app, KeyCode::Char('e'));
    focus(&mut app, &["description"]);
    // Typing on the field opens the editor with the letter added.
    key(&mut app, KeyCode::Char('!'));
    key(&mut app, KeyCode::Esc);
    assert!(field(&app, &["description"]).ends_with("anyway.!"));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Normal));
    assert_eq!(app.ctx.ws.file(FileKind::Needs).text(), before);
}

#[test]
fn a_blank_workspace_gets_its_training_data_from_the_settings_form() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ws");
    let dir_s = dir.to_string_lossy().to_string();
    let out = common::lodestar(&["new", &dir_s, "--template", "blank"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    std::fs::create_dir_all(dir.join("data")).expect("data folder");
    std::fs::copy(
        common::example().join("data/propensity.csv"),
        dir.join("data/customers.csv"),
    )
    .expect("copy data");
    assert!(!dir.join("training.toml").exists());
    let mut app = open(&dir);
    app.perform(Action::Training);
    // Training without data says what to do.
    key(&mut app, KeyCode::Char('r'));
    assert!(screen(&mut app, 80, 24).contains("press e to choose the data file"));
    key(&mut app, KeyCode::Char('e'));
    focus(&mut app, &["data", "file"]);
    // The CSV files of the workspace are the choices.
    key(&mut app, KeyCode::Right);
    assert_eq!(field(&app, &["data", "file"]), "data/customers.csv");
    // The target column is picked from that file's header.
    focus(&mut app, &["data", "target"]);
    typed(&mut app, "aa");
    assert_eq!(field(&app, &["data", "target"]), "accepted_offer");
    focus(&mut app, &["data", "positive"]);
    typed(&mut app, "yes");
    // Columns to leave out: ticked in a picker of the header.
    focus(&mut app, &["data", "exclude"]);
    key(&mut app, KeyCode::Char(' '));
    typed(&mut app, "customer");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert_eq!(field(&app, &["data", "exclude"]), "customer_id");
    insta::assert_snapshot!(
        "form_training_settings_blank_80x24",
        screen(&mut app, 80, 24)
    );
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "the settings apply");
    assert_eq!(
        app.ctx.ws.file(FileKind::Training).text(),
        "[data]\nfile = \"data/customers.csv\"\ntarget = \"accepted_offer\"\npositive = \"yes\"\nexclude = [\"customer_id\"]\n"
    );
    ctrl(&mut app, 's');
    let check = common::lodestar(&["check", &dir_s]);
    assert!(
        check.status.success(),
        "{}{}",
        common::stdout(&check),
        common::stderr(&check)
    );
    let said = format!("{}{}", common::stdout(&check), common::stderr(&check));
    assert!(said.contains("0 errors"), "{said}");
}

#[test]
fn the_workspace_settings_form_changes_one_line() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut app = open(&dir);
    let before = app.ctx.ws.file(FileKind::Workspace).text().to_string();
    key(&mut app, KeyCode::Char('e'));
    let Mode::Form(form) = &app.mode else {
        panic!("e on the Overview opens no form")
    };
    assert_eq!(form.title(), "Settings: workspace.toml");
    // Nested tables are edited field by field.
    assert!(form.fields.iter().any(|f| f.path == ["scoring", "seed"]));
    insta::assert_snapshot!("form_workspace_settings_80x24", screen(&mut app, 80, 24));
    focus(&mut app, &["discount-rate"]);
    typed(&mut app, "0.08");
    key(&mut app, KeyCode::Enter);
    let after = app.ctx.ws.file(FileKind::Workspace).text().to_string();
    let (removed, added) = common::changed_region(&before, &after);
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].starts_with("discount-rate = 0.08"), "{}", added[0]);
    assert_eq!(app.ctx.ws.model.settings.discount_rate, 0.08);
}

/// A setting inside a table the file lacks creates the table as `[name]`
/// (not an inline table), and clearing its last field removes the table.
#[test]
fn a_missing_settings_table_is_written_as_a_table_and_goes_with_its_last_field() {
    use lodestar::workspace::Target;
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut ws = Workspace::open(&dir).expect("open");
    let before = ws.file(FileKind::Training).text().to_string();
    assert!(!before.contains("\nearly-stopping"));
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let t = Target::File(FileKind::Training);
    let change = ws
        .set(t, &path(&["run", "early-stopping", "patience"]), "3")
        .expect("set patience");
    let text = ws.file(FileKind::Training).text().to_string();
    assert!(
        text.contains("\nearly-stopping = { patience = 3 }"),
        "{text}"
    );
    ws.apply(&change.inverse()).expect("undo");
    assert_eq!(ws.file(FileKind::Training).text(), before);

    let blank = tempfile::tempdir().expect("tempdir");
    let b = blank.path().join("ws");
    let out = common::lodestar(&["new", &b.to_string_lossy(), "--template", "blank"]);
    assert!(out.status.success());
    let mut ws = Workspace::open(&b).expect("open blank");
    let c1 = ws
        .set(t, &path(&["run", "epochs"]), "5")
        .expect("set epochs");
    assert_eq!(ws.file(FileKind::Training).text(), "[run]\nepochs = 5\n");
    let c2 = ws
        .set_item(t, &path(&["run", "epochs"]), None)
        .expect("clear");
    assert_eq!(ws.file(FileKind::Training).text(), "");
    ws.apply(&c2.inverse()).expect("undo clear");
    ws.apply(&c1.inverse()).expect("undo set");
    assert_eq!(ws.file(FileKind::Training).text(), "");
}
