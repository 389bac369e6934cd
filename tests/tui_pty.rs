//! The real binary in a pseudo-terminal, read back through a vt100 parser:
//! what a user at a terminal sees and what ends up in the files.

mod common;

mod pty;

use std::time::{Duration, Instant};

use pty::{Tui, WAIT};

fn comment_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('#') || l.contains(" # "))
        .collect()
}

/// Add a risk through the form: the TOML diff is exactly one new record
/// with every comment kept; undo and save restores the file byte for byte.
#[test]
fn add_a_risk_save_and_undo() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let before = std::fs::read_to_string(dir.join("risks.toml")).expect("read");
    let mut t = Tui::start(&dir, 100, 30);
    t.wait_for("Needs & goals");
    t.send("2");
    t.wait_for("need-001");
    t.send("6");
    t.wait_for("Heat map");
    t.send("a");
    t.wait_for("New risk");
    t.send("Chatbot leaks PII");
    t.send("\t\t3\t4\r");
    t.wait_for("added risk risk-016");
    t.wait_for("unsaved: risks.toml");
    t.send("\x13"); // Ctrl-s
    t.wait_for("saved risks.toml");
    let after = std::fs::read_to_string(dir.join("risks.toml")).expect("read");
    let (removed, added) = common::changed_region(&before, &after);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(
        added.concat(),
        "\n[[risk]]\nid = \"risk-016\"\ntitle = \"Chatbot leaks PII\"\ncategory = \"technical\"\nlikelihood = 3\nimpact = 4\nstatus = \"open\"\n"
    );
    assert_eq!(comment_lines(&before), comment_lines(&after));
    for other in [
        "needs.toml",
        "market.toml",
        "scenarios.toml",
        "workspace.toml",
        "training.toml",
    ] {
        assert_eq!(
            std::fs::read(dir.join(other)).expect("read"),
            std::fs::read(common::example().join(other)).expect("read")
        );
    }
    t.send("u");
    t.wait_for("undid: added risk risk-016");
    t.send("\x13");
    t.wait_for("saved risks.toml");
    assert_eq!(
        std::fs::read_to_string(dir.join("risks.toml")).expect("read"),
        before
    );
    t.send("q");
    assert!(t.wait_exit());
}

#[test]
fn resize_to_tiny_and_back() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut t = Tui::start(&dir, 80, 24);
    t.wait_for("Needs & goals");
    t.resize(20, 6);
    t.wait_for("too small");
    t.resize(80, 24);
    t.wait_for("Needs & goals");
    t.send("q");
    assert!(t.wait_exit());
}

#[test]
fn quitting_with_unsaved_changes_asks() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let before = std::fs::read_to_string(dir.join("needs.toml")).expect("read");
    let mut t = Tui::start(&dir, 80, 24);
    t.wait_for("Needs & goals");
    t.send("2");
    t.wait_for("need-001");
    t.send("e");
    t.wait_for("Edit need");
    t.send("\t"); // title
    t.send("Offers customers redeem\r");
    t.wait_for("set title = Offers customers redeem");
    t.send("q");
    t.wait_for("Unsaved changes");
    t.send("\x1b");
    t.wait_gone("Unsaved changes");
    t.send("q");
    t.wait_for("Unsaved changes");
    t.send("d");
    assert!(t.wait_exit(), "discard and quit exits");
    assert_eq!(
        std::fs::read_to_string(dir.join("needs.toml")).expect("read"),
        before
    );
    assert!(
        !dir.join(".lodestar/recovery.json").exists(),
        "discarding removes the journal"
    );
}

/// `kill -9` with unsaved edits: the next start offers to restore them.
#[test]
fn kill_9_then_recover() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut t = Tui::start(&dir, 100, 30);
    t.wait_for("Needs & goals");
    t.send("6");
    t.wait_for("Heat map");
    t.send("a");
    t.wait_for("New risk");
    t.send("Supplier outage\r");
    t.wait_for("added risk risk-016");
    let journal = dir.join(".lodestar/recovery.json");
    let start = Instant::now();
    while !journal.exists() && start.elapsed() < WAIT {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        journal.exists(),
        "journal written within a second or so of the edit"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    t.kill_9();
    drop(t);
    assert!(
        !std::fs::read_to_string(dir.join("risks.toml"))
            .expect("read")
            .contains("Supplier outage")
    );
    assert!(
        std::fs::read_to_string(dir.join(".lodestar/.gitignore"))
            .expect("gitignore")
            .contains('*')
    );

    let mut t = Tui::start(&dir, 100, 30);
    t.wait_for("Recover unsaved edits");
    t.send("r");
    t.wait_for("restored unsaved edits");
    t.wait_for("unsaved: risks.toml");
    t.send("\x13");
    t.wait_for("saved risks.toml");
    let saved = std::fs::read_to_string(dir.join("risks.toml")).expect("read");
    assert!(saved.contains("title = \"Supplier outage\""), "{saved}");
    assert!(!journal.exists(), "journal removed after saving");
    t.send("q");
    assert!(t.wait_exit());
}

/// Outside changes: reloaded in place while clean, a prompt while dirty.
#[test]
fn external_changes_reload_or_prompt() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let path = dir.join("risks.toml");
    let mut t = Tui::start(&dir, 120, 30);
    t.wait_for("Needs & goals");
    t.send("6");
    t.wait_for("Heat map");
    let text = std::fs::read_to_string(&path).expect("read");
    let pulled = text.replacen(
        "Assistant invents refund",
        "Pulled from git: bot invents refund",
        1,
    );
    assert_ne!(text, pulled);
    std::fs::write(&path, &pulled).expect("write");
    t.wait_for("reloaded risks.toml");
    t.wait_for("Pulled from git");

    // An unsaved edit, then an outside change to another record of the
    // same file: merged at once, no question; saving writes both.
    t.send("a");
    t.wait_for("New risk");
    t.send("Mine\r");
    t.wait_for("added risk");
    let theirs = pulled.replacen("Pulled from git", "Second pull", 1);
    std::fs::write(&path, &theirs).expect("write");
    t.wait_for("merged the change on disk into your unsaved edits of risks.toml");
    t.wait_for("Second pull");
    t.send("\x13");
    t.wait_for("saved risks.toml");
    let saved = std::fs::read_to_string(&path).expect("read");
    assert!(
        saved.contains("Second pull") && saved.contains("title = \"Mine\""),
        "{saved}"
    );

    // An unsaved title edit, then `lodestar set` of another field of the
    // same risk: combined without a question; saving writes both.
    let ws = dir.to_string_lossy().to_string();
    t.send("e");
    t.wait_for("Edit risk");
    t.send("\t");
    t.send("My title\r");
    t.wait_for("unsaved");
    let out = common::lodestar(&["set", &ws, "risk-016.likelihood", "3"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    t.wait_for("merged the change on disk into your unsaved edits of risks.toml");
    t.send("\x13");
    t.wait_for("saved risks.toml");
    let both = lodestar::workspace::Workspace::open(&dir).expect("open");
    let mine = both
        .model
        .risks
        .iter()
        .find(|r| r.id == "risk-016")
        .expect("risk-016");
    assert_eq!((mine.title.as_str(), mine.likelihood), ("My title", 3));

    // The same field changed in the workbench and by `lodestar set`: asked,
    // showing both values; taking theirs keeps the value on disk.
    t.send("e");
    t.wait_for("Edit risk");
    t.send("\t");
    t.send("Title two\r");
    t.wait_for("unsaved");
    let out = common::lodestar(&["set", &ws, "risk-016.title", "Theirs"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    t.wait_for("Merge risks.toml (1 of 1)");
    t.wait_for("title changed on both sides");
    t.wait_for("yours: \"Title two\"");
    t.send("t");
    t.wait_for("merged risks.toml: 0 of 1 conflicts kept yours");
    // Theirs everywhere is the file on disk: nothing is left to save.
    t.send("\x13");
    t.wait_for("nothing to save");
    let last = std::fs::read_to_string(&path).expect("read");
    assert!(
        last.contains("title = \"Theirs\"") && !last.contains("Title two"),
        "{last}"
    );
    t.send("q");
    assert!(t.wait_exit(), "no unsaved edits left, so q quits at once");
}

/// Over a slow link only what changes is sent: moving the selection one row
/// at 120×40 writes a few hundred bytes, not a repaint.
#[test]
fn moving_the_selection_sends_few_bytes() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut t = Tui::start(&dir, 120, 40);
    t.wait_for("Needs & goals");
    t.send("6");
    t.wait_for("Heat map");
    std::thread::sleep(Duration::from_millis(300));
    let full = t.take_bytes();
    t.send("j");
    t.wait_for("title Assistant invents");
    std::thread::sleep(Duration::from_millis(300));
    let moved = t.take_bytes();
    eprintln!(
        "risks pane: pane switch {full} bytes; one-row move {moved} bytes (row highlight + detail panel)"
    );
    assert!(
        moved > 0 && moved < full,
        "a move ({moved} B) costs less than a pane switch ({full} B)"
    );
    // A table without a detail that changes: only the two rows are redrawn.
    t.send("5");
    t.wait_for("Config (± edits)");
    std::thread::sleep(Duration::from_millis(300));
    let _ = t.take_bytes();
    t.send("j");
    std::thread::sleep(Duration::from_millis(400));
    let row_only = t.take_bytes();
    eprintln!("training pane: one-row move {row_only} bytes");
    assert!(row_only > 0 && row_only <= 300, "{row_only}");
    t.send("q");
    assert!(t.wait_exit());
}

/// In the Scenarios pane `+` raises a score, the ranking changes on screen,
/// and `u` puts it back.
#[test]
fn scenario_score_plus_changes_rank_and_undo_restores_it() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let before = std::fs::read_to_string(dir.join("scenarios.toml")).expect("read");
    let mut t = Tui::start(&dir, 100, 30);
    t.wait_for("Needs & goals");
    t.send("4");
    t.wait_for("why this score");
    t.wait_for("1  Next-best-offer engine");
    t.send("j");
    t.send("+");
    t.wait_for("value: 3 → 4 · rank 2 → 1");
    t.wait_for("1  Product content generator");
    t.send("u");
    t.wait_for("undid: set scores.value = 4");
    t.wait_for("1  Next-best-offer engine");
    // Undone back to the saved text: nothing is unsaved, nothing written.
    t.wait_for(" saved ");
    t.send("\x13");
    t.wait_for("nothing to save");
    assert_eq!(
        std::fs::read_to_string(dir.join("scenarios.toml")).expect("read"),
        before
    );
    t.send("q");
    assert!(t.wait_exit(), "quit without a question");
}

/// Crash with unsaved edits, then outside changes to the same file: the
/// restore merges them field by field (nothing newer on disk is lost), and a
/// journal of an older lodestar (without the base text) asks per file with a
/// diff on demand.
#[test]
fn recovery_merges_with_newer_work_on_disk() {
    for legacy in [false, true] {
        let (_tmp, dir) = common::temp_copy(&common::example());
        let ws = dir.to_string_lossy().to_string();
        let mut t = Tui::start(&dir, 100, 30);
        t.wait_for("Needs & goals");
        t.send("2");
        t.wait_for("need-001");
        t.send("a");
        t.wait_for("New need");
        t.send("Recovered need\r");
        t.wait_for("added need");
        t.send("6");
        t.wait_for("Heat map");
        t.send("a");
        t.wait_for("New risk");
        t.send("Journaled risk\r");
        t.wait_for("added risk");
        let journal = dir.join(".lodestar/recovery.json");
        let start = Instant::now();
        while !journal.exists() && start.elapsed() < WAIT {
            std::thread::sleep(Duration::from_millis(50));
        }
        // Wait until the journal holds both files.
        while !std::fs::read_to_string(&journal)
            .unwrap_or_default()
            .contains("Journaled risk")
            && start.elapsed() < WAIT
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        t.kill_9();
        drop(t);
        if legacy {
            let mut j: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&journal).expect("journal"))
                    .expect("json");
            for f in j["files"].as_array_mut().expect("files") {
                f.as_object_mut().expect("file").remove("base_text");
            }
            std::fs::write(&journal, j.to_string()).expect("write journal");
        }
        // Two outside changes to risks.toml after the crash.
        for args in [
            ["set", &ws, "risk-009.likelihood", "2"],
            ["set", &ws, "risk-001.impact", "5"],
        ] {
            let out = common::lodestar(&args);
            assert!(out.status.success(), "{}", common::stderr(&out));
        }
        let theirs = std::fs::read_to_string(dir.join("risks.toml")).expect("read");

        let mut t = Tui::start(&dir, 100, 30);
        t.wait_for("Recover unsaved edits");
        t.send("r");
        if legacy {
            t.wait_for("Recover risks.toml");
            t.wait_for("changed on disk since");
            t.send("v");
            t.wait_for("+ title = \"Journaled risk\"");
            t.send("t");
            t.wait_for("kept risks.toml as it is on disk");
        } else {
            t.wait_for("merged with the changes on disk since");
        }
        t.send("\x13");
        t.wait_for("saved");
        let risks = std::fs::read_to_string(dir.join("risks.toml")).expect("read");
        if legacy {
            assert_eq!(risks, theirs, "both outside sets survive");
        } else {
            let ws = lodestar::workspace::Workspace::open(&dir).expect("open");
            let risk = |id: &str| {
                ws.model
                    .risks
                    .iter()
                    .find(|r| r.id == id)
                    .unwrap_or_else(|| panic!("{id}"))
                    .clone()
            };
            assert_eq!(risk("risk-009").likelihood, 2, "outside set kept");
            assert_eq!(risk("risk-001").impact, 5, "outside set kept");
            assert!(risks.contains("title = \"Journaled risk\""), "{risks}");
        }
        assert!(
            std::fs::read_to_string(dir.join("needs.toml"))
                .expect("read")
                .contains("Recovered need")
        );
        t.send("q");
        assert!(t.wait_exit());
    }
}

/// A config file that never ends (`/dev/zero`), a folder or a file that is
/// not UTF-8 does not stop the workbench: it draws, and says why the
/// defaults are used.
#[cfg(unix)]
#[test]
fn bad_config_files_are_reported_and_never_hang() {
    let (tmp, dir) = common::temp_copy(&common::example());
    let not_utf8 = tmp.path().join("config.toml");
    std::fs::write(&not_utf8, b"theme = \"\xff\"\n").expect("write");
    for (config, says) in [
        (std::path::PathBuf::from("/dev/zero"), "larger than 1 MiB"),
        (tmp.path().to_path_buf(), "is a folder"),
        (not_utf8, "not UTF-8"),
    ] {
        let mut t = Tui::start_with_config(&dir, 100, 30, &config);
        t.wait_for("Needs & goals");
        t.wait_for(says);
        t.send("q");
        assert!(t.wait_exit(), "{}: quits", config.display());
    }
}
