//! The message files: every key in both languages, with the same
//! arguments; every key the code asks for exists. The TOML files are parsed
//! here directly (not through rust-i18n), so a key that rust-i18n would
//! silently fall back on is caught.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use lodestar::i18n::{self, Lang};
use lodestar::tui::keymap::{BINDINGS, Scope};

fn args(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find("%{") {
        rest = &rest[i + 2..];
        let end = rest.find('}').expect("closing brace of %{…}");
        out.insert(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

#[test]
fn every_key_has_both_languages_with_the_same_arguments() {
    let m = common::messages();
    assert!(m.len() > 100, "only {} keys", m.len());
    for (key, langs) in &m {
        let names: BTreeSet<&str> = langs.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            BTreeSet::from(["en", "zh-CN"]),
            "{key}: expected exactly en and zh-CN"
        );
        let en = &langs["en"];
        let zh = &langs["zh-CN"];
        assert!(!en.trim().is_empty(), "{key}: empty en");
        assert!(!zh.trim().is_empty(), "{key}: empty zh-CN");
        assert_eq!(args(en), args(zh), "{key}: arguments differ");
    }
}

#[test]
fn chinese_texts_are_translated() {
    // A zh-CN text with no Chinese character is an English text copied
    // over, unless it is all symbols, numbers and names (allow-listed).
    // Abbreviations read the same in Chinese business use.
    let allowed = ["KPI", "AHP"];
    for (key, langs) in common::messages() {
        let zh = &langs["zh-CN"];
        let has_cjk = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        if !has_cjk && zh != "English" && !allowed.contains(&zh.as_str()) {
            let words = zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2)
                .count();
            assert_eq!(words, 0, "{key}: zh-CN looks untranslated: {zh:?}");
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_key_the_code_uses_exists() {
    let m = common::messages();
    let mut files = Vec::new();
    rust_files(&common::repo().join("src"), &mut files);
    let mut used = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        // Comments (examples in doc comments) are not code.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = code.as_str();
        while let Some(i) = rest.find("tr!(") {
            rest = &rest[i + 4..];
            let arg = rest.trim_start();
            let Some(lit) = arg.strip_prefix('"') else {
                continue; // a key built at run time: checked below
            };
            let key = &lit[..lit.find('"').expect("closing quote")];
            used += 1;
            assert!(
                m.contains_key(key),
                "{}: tr!(\"{key}\") has no message in locales/",
                f.display()
            );
        }
    }
    assert!(used > 100, "only {used} keys found in src/");
}

/// Keys chosen at run time (`tr!(if one { "….one" } else { "…" })`,
/// `tr!(match …)`) are string literals in the code too: every literal that
/// looks like a key of the `check`, `cli`, `train.data` and `market.data`
/// namespaces exists.
#[test]
fn every_key_literal_exists() {
    let m = common::messages();
    let mut files = Vec::new();
    rust_files(&common::repo().join("src"), &mut files);
    let mut seen = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        for lit in text.split('"').skip(1).step_by(2) {
            let key_like = (lit.starts_with("check.")
                || lit.starts_with("cli.")
                || lit.starts_with("train.data.")
                || lit.starts_with("market.data."))
                && lit.matches('.').count() >= 2
                && lit
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
            if key_like {
                seen += 1;
                assert!(
                    m.contains_key(lit),
                    "{}: \"{lit}\" looks like a message key but has no message in locales/",
                    f.display()
                );
            }
        }
    }
    assert!(seen > 100, "only {seen} key literals found in src/");
}

#[test]
fn every_key_binding_is_described_in_both_languages() {
    let m = common::messages();
    for b in BINDINGS {
        let help = m
            .get(&format!("tui.key.{}", b.name))
            .unwrap_or_else(|| panic!("tui.key.{} missing", b.name));
        // The table in keymap.rs and the English message say the same.
        assert_eq!(help["en"], b.help, "tui.key.{}", b.name);
        match b.hint {
            Some(h) => {
                let hint = m
                    .get(&format!("tui.hint.{}", b.name))
                    .unwrap_or_else(|| panic!("tui.hint.{} missing", b.name));
                assert_eq!(hint["en"], h, "tui.hint.{}", b.name);
            }
            None => assert!(!m.contains_key(&format!("tui.hint.{}", b.name))),
        }
        // And rust-i18n finds them (not the key echoed back).
        let zh = i18n::with(Lang::ZhCn, || b.describe());
        assert_eq!(zh, help["zh-CN"]);
    }
    for (_, name) in Scope::PROMPTS {
        assert!(m.contains_key(&format!("tui.help.prompt.{name}")), "{name}");
    }
}
