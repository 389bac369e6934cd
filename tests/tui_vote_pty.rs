//! Workshop voting with the real binary in pseudo-terminals: participants
//! vote on their own screens (`lodestar vote DIR --as NAME`, 60×20) while the
//! facilitator's workbench (80×24, scoring with the votes) re-ranks.

mod common;

mod pty;

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use pty::Tui;

#[test]
fn participants_vote_and_the_facilitators_screen_follows() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let path = dir.join("workspace.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("weights = \"ahp\"", "weights = \"ahp\"\nsource = \"votes\""),
    )
    .expect("write");
    let config = dir.join("no-such-config.toml");
    let mut room = Tui::start(&dir, 80, 24);
    room.wait_for("Needs & goals");
    room.send("4");
    room.wait_for("why this score");
    assert!(
        room.screen().contains("▶1  Next-best-offer"),
        "{}",
        room.screen()
    );

    // Three participants score the leader's business value 1.
    let mut last = Instant::now();
    for who in ["cdo", "cfo", "legal"] {
        let args = [
            OsStr::new("vote"),
            dir.as_os_str(),
            OsStr::new("--as"),
            OsStr::new(who),
        ];
        let mut p = Tui::start_args(&args, 60, 20, &config);
        p.wait_for(&format!("voting as {who}"));
        p.wait_for("Business value");
        p.send("1");
        p.wait_for("1–5     1");
        last = Instant::now();
        p.send("q");
        assert!(p.wait_exit(), "the voting screen quits");
    }
    let saved = std::fs::read_to_string(dir.join("votes/legal.toml")).expect("vote file");
    assert!(
        saved.contains("[scores.scn-next-best-offer]\nvalue = 1\n"),
        "{saved}"
    );
    // Median of 1, 1, 1, 5, 5: the runner-up takes the lead.
    room.wait_for("votes changed on disk");
    room.wait_for("1  Product content");
    let took = last.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "the room saw it after {took:?}"
    );
    room.send("q");
}

/// Eight participants vote at the same moment, each in their own
/// `lodestar vote --as …` process, while the facilitator's workbench shows
/// the Votes view: every vote is written (the processes take turns under
/// the workspace lock) and the room's screen counts all of them — the
/// leader's business value goes from 5 votes to 13.
#[test]
fn concurrent_voters_are_all_counted_on_the_watching_workbench() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut room = Tui::start(&dir, 80, 24);
    room.wait_for("Needs & goals");
    room.send("4");
    room.wait_for("why this score");
    room.send("P");
    room.wait_for("Participants · Next-best-offer");
    room.send("P");
    room.wait_for("Discuss first");
    let row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("Next-best-offer"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row(&room.screen()).contains("!▄ 5"), "{}", room.screen());
    let bin = env!("CARGO_BIN_EXE_lodestar");
    let d = dir.display().to_string();
    let children: Vec<_> = (0..8)
        .map(|k| {
            std::process::Command::new(bin)
                .args(["vote", &d, "--as", &format!("guest{k}")])
                .arg(format!("scn-next-best-offer.value={}", 1 + k % 5))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawns")
        })
        .collect();
    // All eight are running before the first is waited for.
    for c in children {
        let out = c.wait_with_output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for k in 0..8 {
        let saved =
            std::fs::read_to_string(dir.join(format!("votes/guest{k}.toml"))).expect("vote file");
        assert!(
            saved.contains(&format!("value = {}", 1 + k % 5)),
            "guest{k}: {saved}"
        );
    }
    room.wait_for("13");
    let screen = room.screen();
    let first = row(&screen);
    assert!(first.contains("13"), "{screen}");
    room.send("q");
}
