//! The workbench fills a workspace without a text editor: the real binary
//! in a pseudo-terminal adds criteria and scenarios with scores from the
//! Scenarios pane, and undoing all of it gives back the file byte for byte.

mod common;

mod pty;

use pty::Tui;

/// In a form, Tab `n` times.
fn tabs(t: &mut Tui, n: usize) {
    t.send(&"\t".repeat(n));
}

/// A blank workspace filled from the Scenarios pane: two criteria in the
/// weights view, three scenarios with a score on every criterion, the
/// ranking shown, saved, and `lodestar check` finds nothing; the files
/// differ from the blank ones only by the new records.
#[test]
fn fill_a_blank_workspace_from_the_scenarios_pane() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("blank");
    let out = common::lodestar(&["new", &dir.to_string_lossy(), "--template", "blank"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let before_ws = std::fs::read_to_string(dir.join("workspace.toml")).expect("read");
    let before_scn = std::fs::read_to_string(dir.join("scenarios.toml")).expect("read");

    let mut t = Tui::start(&dir, 100, 30);
    t.send("4");
    t.wait_for("a adds a scenario");
    // Weights view: two criteria (the second one a cost).
    t.send("vvv");
    t.wait_for("Business value");
    t.send("a");
    t.wait_for("New criterion");
    t.send("Time to value");
    t.wait_for("time-to-value");
    t.send("\r");
    t.wait_for("added criterion time-to-value");
    t.send("a");
    t.wait_for("New criterion");
    t.send("Running cost");
    tabs(&mut t, 2); // weight, direction
    t.send("\x1b[C"); // → benefit to cost
    t.wait_for("‹ cost ›");
    t.send("\r");
    t.wait_for("added criterion running-cost");
    // Back to the matrix (past AHP and Votes): three scenarios, scored in the add form.
    t.send("vvv");
    t.wait_for("a adds a scenario");
    let scenarios = [
        ("Shelf-gap detection", "54321 2"),
        ("Returns triage", "33333 3"),
        ("Supplier chat", "22245 5"),
    ];
    for (name, scores) in scenarios {
        t.send("a");
        t.wait_for("New scenario");
        t.send(name);
        // From name: description, owner, status, strategies, needs, then
        // a score per criterion in file order.
        tabs(&mut t, 6);
        for c in scores.chars().filter(|c| *c != ' ') {
            t.send(&c.to_string());
            tabs(&mut t, 1);
        }
        t.send("\r");
        t.wait_for("added scenario scn-");
    }
    t.wait_for("3 scenarios");
    let screen = t.screen();
    for (name, _) in scenarios {
        assert!(screen.contains(name), "{name} not listed:\n{screen}");
    }
    assert!(!screen.contains("cannot score"), "{screen}");
    t.send("\x13");
    t.wait_for("saved");
    t.send("q");
    assert!(t.wait_exit());

    let check = common::lodestar(&["check", &dir.to_string_lossy()]);
    let said = format!("{}{}", common::stdout(&check), common::stderr(&check));
    assert!(check.status.success(), "{said}");
    assert!(
        said.contains("0 errors, 0 warnings"),
        "check is not clean:\n{said}"
    );

    let after_ws = std::fs::read_to_string(dir.join("workspace.toml")).expect("read");
    let (removed, added) = common::changed_region(&before_ws, &after_ws);
    assert!(removed.is_empty(), "{removed:?}");
    let added = added.concat();
    assert_eq!(added.matches("[[criterion]]").count(), 2, "{added}");
    assert!(added.contains("id = \"running-cost\"") && added.contains("direction = \"cost\""));

    let after_scn = std::fs::read_to_string(dir.join("scenarios.toml")).expect("read");
    let (removed, added) = common::changed_region(&before_scn, &after_scn);
    assert!(removed.is_empty(), "{removed:?}");
    let added = added.concat();
    assert_eq!(added.matches("[[scenario]]").count(), 3, "{added}");
    assert!(
        added.contains("id = \"scn-shelf-gap-detection\""),
        "{added}"
    );
    assert!(
        added.contains(
            "scores = { value = 5, feasibility = 4, data-readiness = 3, risk = 2, time-to-value = 1, running-cost = 2 }"
        ),
        "{added}"
    );
}

/// In front of the room: add a scenario by name only, score it, watch its
/// rank and P(rank 1) change; undo all and the file is as it was.
#[test]
fn add_a_scenario_from_the_room_score_it_and_undo_all() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let before = std::fs::read(dir.join("scenarios.toml")).expect("read");
    let mut t = Tui::start(&dir, 100, 30);
    t.send("4");
    t.wait_for("✓ 10,000 samples");
    t.send("a");
    t.wait_for("New scenario");
    t.send("Shelf-gap detection");
    t.wait_for("scn-shelf-gap-detection");
    t.send("\r");
    t.wait_for("added scenario scn-shelf-gap-detection");
    t.wait_for("10 scenarios");
    let row = |t: &Tui| {
        t.screen()
            .lines()
            .find(|l| l.contains("Shelf-gap"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    // Unscored, it ranks last (a missing score counts as the worst).
    t.wait_for("✓ 10,000 samples");
    let unscored = row(&t);
    assert!(unscored.contains("10"), "{unscored}");
    t.send("e");
    t.wait_for("Edit scenario");
    tabs(&mut t, 7); // id → scores.value
    for c in "555511".chars() {
        t.send(&c.to_string());
        tabs(&mut t, 1);
    }
    t.send("\r");
    t.wait_for("set scores");
    t.wait_for("✓ 10,000 samples");
    let scored = row(&t);
    assert!(
        scored.contains("100 %"),
        "P(rank 1) of the best possible scores:\n{scored}"
    );
    assert_ne!(scored, unscored);
    t.send("\x13");
    t.wait_for("saved scenarios.toml");
    assert_ne!(
        std::fs::read(dir.join("scenarios.toml")).expect("read"),
        before
    );
    t.send("u");
    t.wait_for("undid");
    t.send("u");
    t.wait_for("undid: added scenario scn-shelf-gap-detection");
    t.wait_for("9 scenarios");
    t.send("\x13");
    t.wait_for("saved scenarios.toml");
    assert_eq!(
        std::fs::read(dir.join("scenarios.toml")).expect("read"),
        before
    );
    t.send("q");
    assert!(t.wait_exit());
}
