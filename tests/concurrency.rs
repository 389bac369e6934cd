//! Concurrent writers lose nothing: several `lodestar set` processes, each
//! changing its own risk over and over in the same file, all succeed and
//! every last value is on disk at the end (they take turns under the
//! workspace's write lock).

mod common;

use std::process::Command;

#[test]
fn concurrent_sets_on_one_file_lose_no_acknowledged_edit() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let dir_s = dir.to_str().expect("utf-8").to_string();
    let writers = 4;
    let rounds = 8;
    let handles: Vec<_> = (1..=writers)
        .map(|w| {
            let dir = dir_s.clone();
            std::thread::spawn(move || {
                let mut acknowledged = None;
                for r in 0..rounds {
                    let title = format!("writer {w} round {r}");
                    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
                        .args(["set", &dir, &format!("risk-00{w}.title"), &title])
                        .output()
                        .expect("run lodestar");
                    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                    if out.status.success() {
                        acknowledged = Some(title);
                    } else {
                        // Refused is allowed only with the lock message.
                        assert!(stderr.contains("another lodestar is writing"), "{stderr}");
                    }
                }
                (w, acknowledged)
            })
        })
        .collect();
    for h in handles {
        let (w, last) = h.join().expect("writer thread");
        let last = last.expect("at least one set went through");
        let out = common::lodestar(&["get", &dir_s, &format!("risk-00{w}.title")]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        assert!(
            common::stdout(&out).contains(&last),
            "risk-00{w}: the acknowledged `{last}` was lost: {}",
            common::stdout(&out)
        );
    }
    let check = common::lodestar(&["check", &dir_s]);
    assert!(check.status.success(), "{}", common::stderr(&check));
}
