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

/// Wait until a line of `tui`'s screen satisfies `pred`; the time it took.
fn wait_line(tui: &Tui, pred: impl Fn(&str) -> bool, what: &str) -> Duration {
    let start = Instant::now();
    while start.elapsed() < pty::WAIT {
        if tui.screen().lines().any(&pred) {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what} did not appear; screen:\n{}", tui.screen());
}

fn voter(dir: &std::path::Path, who: &str) -> Tui {
    let config = dir.join("no-such-config.toml");
    let args = [
        OsStr::new("vote"),
        dir.as_os_str(),
        OsStr::new("--as"),
        OsStr::new(who),
    ];
    let p = Tui::start_args(&args, 60, 20, &config);
    p.wait_for(&format!("voting as {who}"));
    p.wait_for("Business value");
    p
}

/// The facilitator's Votes view (per-participant columns on, the leader
/// selected) shows a new vote's median and spread within a second of the
/// voter's key: the leader's business value is 2, 4, 5, 5, 5 (median 5,
/// IQR 1); a sixth participant's 1 makes it median 4.5, IQR 2.5 (numpy:
/// np.percentile([1,2,4,5,5,5], [25,50,75]) = 2.5, 4.5, 5).
#[test]
fn a_vote_reaches_the_rooms_votes_view_within_a_second() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut room = Tui::start(&dir, 80, 24);
    room.wait_for("Needs & goals");
    room.send("4");
    room.wait_for("why this score");
    room.send("P");
    room.wait_for("Participants · Next-best-offer");
    let value_row = |want: &'static [&'static str]| {
        move |l: &str| {
            l.trim_start_matches(['│', ' ']).starts_with("Business v")
                && want.iter().all(|w| l.contains(w))
        }
    };
    wait_line(&room, value_row(&["5     1"]), "median 5, IQR 1");
    let mut p = voter(&dir, "newbie");
    let sent = Instant::now();
    p.send("1");
    wait_line(&room, value_row(&["4.5", "2.5"]), "median 4.5, IQR 2.5");
    let took = sent.elapsed();
    assert!(
        took <= Duration::from_secs(1),
        "the room's Votes view showed the vote after {took:?}"
    );
    eprintln!("voter's key → room's Votes view: {took:?}");
    p.send("q");
    assert!(p.wait_exit());
    room.send("q");
}

/// The vote round in presentation mode at 60×20: who has voted (a
/// participant with an empty vote file shows ·), their vote from another
/// terminal turns it into ✓ and the count to 6 of 6, then the reveal
/// draws the dot plot.
#[test]
fn the_vote_round_at_60x20_follows_the_room_and_reveals() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    std::fs::write(dir.join("votes/newbie.toml"), "name = \"Newcomer\"\n").expect("write");
    let mut room = Tui::start(&dir, 60, 20);
    room.wait_for("Needs");
    room.send("p");
    room.send("4");
    room.send("P");
    room.send("P");
    room.send("R");
    room.wait_for("5 of 6 voted");
    room.wait_for("· newbie");
    assert!(room.screen().contains("✓ cdo"), "{}", room.screen());
    assert!(!room.screen().contains('●'), "{}", room.screen());
    let mut p = voter(&dir, "newbie");
    p.send("1");
    room.wait_for("6 of 6 voted");
    room.wait_for("✓ newbie");
    p.send("q");
    assert!(p.wait_exit());
    room.send(" ");
    room.wait_for("●");
    room.wait_for("median 4.5");
    room.wait_for("▲");
    room.send("q");
}

/// The facilitator types a vote for the CFO in the round (`i`, name,
/// Enter, the score, Enter): one line of votes/cfo.toml changes; `u` puts
/// the file back byte for byte.
#[test]
fn a_typed_vote_is_undone_byte_for_byte() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let cfo = dir.join("votes/cfo.toml");
    let before = std::fs::read(&cfo).expect("cfo");
    let mut room = Tui::start(&dir, 80, 24);
    room.wait_for("Needs & goals");
    room.send("4");
    room.send("P");
    room.send("P");
    room.send("R");
    room.wait_for("5 of 5 voted");
    room.send("i");
    room.wait_for("Vote for:");
    room.send("cfo");
    room.send("\r");
    room.wait_for("cfo: 4");
    room.send("\x7f");
    room.send("2");
    room.send("\r");
    let start = Instant::now();
    while std::fs::read(&cfo).expect("cfo") == before && start.elapsed() < pty::WAIT {
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = std::fs::read_to_string(&cfo).expect("cfo");
    assert!(
        after.contains("[scores.scn-next-best-offer]\nvalue = 2\n"),
        "{after}"
    );
    room.send("u");
    room.wait_for("undid");
    assert_eq!(std::fs::read(&cfo).expect("cfo"), before, "byte for byte");
    room.send("q");
}
