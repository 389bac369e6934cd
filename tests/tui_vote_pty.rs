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
