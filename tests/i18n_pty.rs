//! The language in the real binary: chosen at start (`--lang`, the config
//! file) and switched live with `L`, in a pseudo-terminal.

mod common;

mod pty;

use pty::Tui;

fn zh_example() -> std::path::PathBuf {
    common::repo().join("workspaces").join("zh-example")
}

#[test]
fn lang_flag_and_the_live_switch() {
    let (_tmp, dir) = common::temp_copy(&zh_example());
    let config = dir.join("no-such-config.toml");
    let mut t = Tui::start_args(
        &["--lang".as_ref(), "zh-CN".as_ref(), dir.as_os_str()],
        80,
        24,
        &config,
    );
    t.wait_for("1 概览");
    t.wait_for("需求与目标");
    t.send("L");
    t.wait_for("1 Overview");
    t.wait_for("Language: English");
    t.wait_for("Needs & goals");
    t.send("L");
    t.wait_for("语言：简体中文");
    t.wait_for("2 需求");
    t.send("q");
    assert!(t.wait_exit(), "did not quit");
}

#[test]
fn config_file_language_applies_and_the_flag_wins() {
    let (tmp, dir) = common::temp_copy(&common::example());
    let config = tmp.path().join("config.toml");
    std::fs::write(&config, "language = \"zh-CN\"\n").expect("write config");
    let mut t = Tui::start_with_config(&dir, 80, 24, &config);
    t.wait_for("1 概览");
    t.send("q");
    assert!(t.wait_exit(), "did not quit");
    let mut t = Tui::start_args(
        &["--lang".as_ref(), "en".as_ref(), dir.as_os_str()],
        80,
        24,
        &config,
    );
    t.wait_for("1 Overview");
    t.send("q");
    assert!(t.wait_exit(), "did not quit");
}

#[test]
fn workspace_language_applies() {
    let (tmp, dir) = common::temp_copy(&common::example());
    let ws = dir.join("workspace.toml");
    let text = std::fs::read_to_string(&ws).expect("read");
    std::fs::write(&ws, format!("language = \"zh-CN\"\n{text}")).expect("write");
    let out = common::lodestar(&["check", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let mut t = Tui::start(&dir, 80, 24);
    t.wait_for("1 概览");
    t.send("q");
    assert!(t.wait_exit(), "did not quit");
    drop(tmp);
}
