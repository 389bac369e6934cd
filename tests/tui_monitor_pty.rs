//! The Monitor pane in the real binary: a KPI measurement added through the
//! form moves a KPI off track, the trigger appears, undo takes both back.

mod common;

mod pty;

use pty::Tui;

#[test]
fn a_measurement_moves_a_kpi_off_track_and_undo_takes_it_back() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let before = std::fs::read_to_string(dir.join("monitor.toml")).expect("read");
    let mut t = Tui::start(&dir, 100, 30);
    t.wait_for("Needs & goals");
    t.send("7");
    t.wait_for("Triggers (5)");
    t.wait_for("✓ on track");
    t.send("a");
    t.wait_for("New KPI measurement");
    // need-001 (the first need) and today's date are filled in: the value
    // falls back to the baseline, 11, where the path expects 13.
    t.send("\t\t11\r");
    t.wait_for("added");
    t.wait_for("Triggers (6)");
    t.wait_for("kpi-off-track need-001");
    t.wait_for("unsaved: monitor.toml");
    t.send("u");
    t.wait_for("undid");
    t.wait_for("Triggers (5)");
    assert!(
        !t.screen().contains("kpi-off-track need-001"),
        "{}",
        t.screen()
    );
    t.send("\x13"); // Ctrl-s: nothing to save, the file is as it was
    t.send("q");
    assert!(t.wait_exit());
    assert_eq!(
        std::fs::read_to_string(dir.join("monitor.toml")).expect("read"),
        before
    );
}
