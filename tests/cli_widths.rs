//! Width tests on the Chinese example workspace, with the real binary:
//! every row of every text table of `market` and `score`, and every line of
//! every Markdown table of `report`, is as wide on screen as its header
//! (display columns: 中 takes two), in English and in Chinese.

mod common;

use std::process::Command;

use lodestar::text::width;

fn run(args: &[&str], lang: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LODESTAR_TODAY", "2026-11-29")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("run lodestar");
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    common::stdout(&out)
}

fn zh() -> String {
    common::repo()
        .join("workspaces")
        .join("zh-example")
        .to_string_lossy()
        .into_owned()
}

/// Asserts that the header line (found by its first two words) and the lines up
/// to the first that `ends` says is no longer a row are equally wide;
/// returns how many rows it checked.
fn check_block(text: &str, header: [&str; 2], ends: impl Fn(&str) -> bool) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut checked = 0;
    for (at, l) in lines.iter().enumerate() {
        if l.split_whitespace().take(2).ne(header) {
            continue;
        }
        let w = width(l);
        for row in lines[at + 1..].iter().take_while(|r| !ends(r)) {
            assert_eq!(
                width(row),
                w,
                "row is not as wide as its header `{header:?}`:\n{l}\n{row}\n\n{text}"
            );
            checked += 1;
        }
    }
    checked
}

/// Ends a table of `market`: a blank line, a section heading (no indent),
/// or a note under a table.
fn market_row_ends(r: &str) -> bool {
    r.trim().is_empty()
        || !r.starts_with("  ")
        || ["⚠", "✗", "top-down", "biggest gap", "自上而下", "最大空白"]
            .iter()
            .any(|p| r.trim_start().starts_with(p))
}

#[test]
fn market_tables_are_rectangular_on_the_chinese_workspace() {
    let en = [
        ["period", "forecast"],
        ["segment", "TAM"],
        ["feature", "w"],
        ["scenario", "planned"],
        ["question", "scale"],
        ["need", "title"],
    ];
    let zh_headers = [
        ["周期", "预测"],
        ["细分市场", "TAM"],
        ["功能", "w"],
        ["场景", "计划覆盖"],
        ["问题", "量表"],
        ["需求", "标题"],
    ];
    for (lang, headers) in [("C.UTF-8", en), ("zh_CN.UTF-8", zh_headers)] {
        let text = run(&["market", &zh()], lang);
        let mut total = 0;
        for header in headers {
            let n = check_block(&text, header, market_row_ends);
            assert!(n > 0, "{lang}: no rows under `{header:?}`:\n{text}");
            total += n;
        }
        assert!(total >= 20, "{lang}: {total} rows");
    }
}

#[test]
fn score_table_is_rectangular_on_the_chinese_workspace() {
    for (lang, header) in [("C.UTF-8", ["rank", "id"]), ("zh_CN.UTF-8", ["排名", "id"])] {
        let text = run(&["score", &zh()], lang);
        let n = check_block(&text, header, |r| r.trim().is_empty());
        let scenarios = 5;
        assert_eq!(n, scenarios, "{lang}: one row per scenario:\n{text}");
    }
}

#[test]
fn report_tables_are_rectangular_on_the_chinese_workspace() {
    for lang in ["C.UTF-8", "zh_CN.UTF-8"] {
        let text = run(&["report", &zh()], lang);
        let mut tables = 0;
        let mut rows = 0;
        let mut current: Option<usize> = None;
        for l in text.lines() {
            if l.starts_with('|') {
                match current {
                    None => {
                        current = Some(width(l));
                        tables += 1;
                    }
                    Some(w) => assert_eq!(width(l), w, "{lang}: `{l}`\n\n{text}"),
                }
                rows += 1;
            } else {
                current = None;
            }
        }
        assert!(tables >= 6, "{lang}: {tables} tables");
        assert!(rows >= 40, "{lang}: {rows} rows");
    }
}

/// ASCII words in a Chinese text output that are not ids, field names,
/// units, method names or values the user types: what is left is English
/// that was missed.
fn english_words(text: &str) -> Vec<String> {
    const ALLOWED: &[&str] = &[
        "KPI",
        "NPV",
        "IRR",
        "AUC",
        "AHP",
        "TOPSIS",
        "CNY",
        "EUR",
        "TAM",
        "SAM",
        "SOM",
        "CAGR",
        "NPS",
        "IQR",
        "PSI",
        "Monte",
        "Carlo",
        "Dirichlet",
        "Kendall",
        "Spearman",
        "lodestar",
        "check",
        "toml",
        "csv",
        "CSV",
        "SKU",
        "POS",
        "App",
        "APP",
        "OTC",
        "AI",
        "API",
        "ERP",
        "CRM",
        "LLM",
        "OCR",
        "weighted",
        "sum",
        "ahp",
        "direct",
        "votes",
        "single",
        "stderr",
        "NAME",
        "SCENARIO",
        "CRITERION",
        "SCORE",
        "value",
        "feasibility",
        "risk",
        "cost",
        "data",
        "readiness",
        "level",
        "min", // minⱼ, maxⱼ in the scoring formula
        "max",
        "Plus", // a record's name in the Chinese workspace (禾润 Plus 付费会员)
        "quarterly",
        "monthly",
        "yearly",
    ];
    let mut out = Vec::new();
    for line in text.lines() {
        // Paths and quoted ids/values are what the user typed.
        for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || "-_./`'".contains(c))) {
            let is_typed = word.contains(['-', '_', '.', '/', '`']);
            let word = word.trim_matches('\'').trim_end_matches("'s");
            let letters = word.chars().filter(char::is_ascii_alphabetic).count();
            if letters < 3 || is_typed || ALLOWED.contains(&word) {
                continue;
            }
            out.push(word.to_string());
        }
    }
    out
}

/// The header names of the Chinese workspace's CSV files.
fn data_columns() -> Vec<String> {
    let dir = common::repo()
        .join("workspaces")
        .join("zh-example")
        .join("data");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("data folder") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "csv") {
            let text = std::fs::read_to_string(&p).expect("read csv");
            let header = text.lines().next().unwrap_or_default();
            out.extend(header.split(',').map(|c| c.trim().to_string()));
        }
    }
    // Participants are named by their vote files (`votes/cfo.toml`).
    let votes = common::repo()
        .join("workspaces")
        .join("zh-example")
        .join("votes");
    for e in std::fs::read_dir(votes).expect("votes folder") {
        let p = e.expect("entry").path();
        if let Some(stem) = p.file_stem() {
            out.push(stem.to_string_lossy().into_owned());
        }
    }
    out
}

/// The text outputs of the commands in Chinese carry no English besides
/// ids, units and method names; the same scan finds English in the
/// English output (it can fail).
#[test]
fn text_outputs_in_chinese_have_no_english_left() {
    let dir = zh();
    for args in [
        vec!["market", dir.as_str()],
        vec!["score", dir.as_str()],
        vec!["risks", dir.as_str()],
        vec!["monitor", dir.as_str()],
        vec!["votes", dir.as_str()],
        vec!["check", dir.as_str()],
    ] {
        let text = run(&args, "zh_CN.UTF-8");
        // Column names of the workspace's data files are the data's words.
        let columns = data_columns();
        let words: Vec<String> = english_words(&text)
            .into_iter()
            .filter(|w| !columns.contains(w))
            .collect();
        assert!(
            words.is_empty(),
            "{args:?}: English left: {words:?}\n{text}"
        );
        let english = english_words(&run(&args, "C.UTF-8"));
        assert!(
            args[0] == "check" || english.len() > 3,
            "{args:?}: the scan sees English: {english:?}"
        );
    }
}

/// Runs lodestar in `lang`, expecting exit status 1 (a problem the user
/// fixes): its stdout and stderr.
fn refused(args: &[&str], lang: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("run lodestar");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?}: {}",
        common::stderr(&out)
    );
    common::stdout(&out) + &common::stderr(&out)
}

/// `check` names problems in the interface language, with the file and line.
#[test]
fn check_messages_follow_the_language() {
    let (_tmp, dir) = common::temp_copy(&common::repo().join("workspaces").join("zh-example"));
    let needs = dir.join("needs.toml");
    let text = std::fs::read_to_string(&needs).expect("read");
    std::fs::write(
        &needs,
        text.replacen("priority = ", "priority = \"urgent\" # ", 1),
    )
    .expect("write");
    let path = dir.to_string_lossy().into_owned();
    let check = |lang: &str| refused(&["check", &path], lang);
    let zh = check("zh_CN.UTF-8");
    assert!(zh.contains("needs.toml:") && zh.contains("需求"), "{zh}");
    assert!(zh.contains("允许的值") && zh.contains("1 个错误"), "{zh}");
    // The value written and the allowed ones are what the user types.
    let typed = ["urgent", "must", "should", "could", "wont"];
    let words: Vec<String> = english_words(&zh)
        .into_iter()
        .filter(|w| !typed.contains(&w.as_str()))
        .collect();
    assert!(words.is_empty(), "{words:?}\n{zh}");
    let en = check("C.UTF-8");
    assert!(
        en.contains("error: need need-001: `priority` is \"urgent\"; allowed: "),
        "{en}"
    );
}

/// Problems in the training data are named in the interface language,
/// with the file and line; the English text is unchanged.
#[test]
fn training_data_errors_follow_the_language() {
    let (_tmp, dir) = common::temp_copy(&common::repo().join("workspaces").join("zh-example"));
    let data = dir.join("data").join("propensity.csv");
    let good = std::fs::read_to_string(&data).expect("read data");
    let lines: Vec<&str> = good.lines().collect();
    let path = dir.to_string_lossy().into_owned();
    let train = |lang: &str| refused(&["train", &path, "--epochs", "1"], lang);
    // The file as a list of lines with line `n` (1-based) replaced.
    let with_line = |n: usize, text: &str| {
        let mut l = lines.clone();
        l[n - 1] = text;
        l.join("\n") + "\n"
    };
    let second: Vec<&str> = lines[1].split(',').collect();
    let short_row = second[..4].join(",");
    let mut bad_age = second.clone();
    bad_age[1] = "abc";
    let bad_age = bad_age.join(",");
    let mut no_label = second.clone();
    *no_label.last_mut().expect("cells") = "";
    let no_label = no_label.join(",");
    let all_no = good.replace(",yes\n", ",no\n");
    let cases: [(String, &str, &str, &str); 5] = [
        (
            with_line(7, &short_row),
            "propensity.csv:7:",
            "row has 4 fields, the header has 13",
            "此行有 4 个字段，表头有 13 个",
        ),
        (
            with_line(9, &bad_age),
            "propensity.csv:9:",
            "column `age`: `abc` is not a number",
            "列 `age`：`abc` 不是数字",
        ),
        (
            with_line(5, &no_label),
            "propensity.csv:5:",
            "the target `accepted_offer` is empty",
            "目标列 `accepted_offer` 为空",
        ),
        (
            all_no,
            "propensity.csv:1:",
            "target `accepted_offer` never has the positive label `yes` (values: no)",
            "从未出现正类标签 `yes`",
        ),
        (
            String::new(),
            "propensity.csv:1:",
            "file is empty (expected a header row with column names)",
            "文件为空",
        ),
    ];
    for (text, at, en_text, zh_text) in cases {
        std::fs::write(&data, &text).expect("write data");
        let zh = train("zh_CN.UTF-8");
        assert!(
            zh.contains(at) && zh.contains(zh_text) && zh.contains("错误："),
            "{zh}"
        );
        let words: Vec<String> = english_words(&zh)
            .into_iter()
            .filter(|w| !["abc", "yes", "no"].contains(&w.as_str()))
            .collect();
        assert!(words.is_empty(), "English left: {words:?}\n{zh}");
        let en = train("C.UTF-8");
        assert!(
            en.contains(at) && en.contains(en_text) && en.contains("error: "),
            "{en}"
        );
    }
}

/// `train`'s line per epoch is in the interface language (the words, not
/// the numbers); the English one keeps Keras' abbreviations.
#[test]
fn training_epoch_lines_follow_the_language() {
    let (_tmp, dir) = common::temp_copy(&common::repo().join("workspaces").join("zh-example"));
    let path = dir.to_string_lossy().into_owned();
    let epochs = |lang: &str| -> Vec<String> {
        let text = run(&["train", &path, "--epochs", "2", "--device", "cpu"], lang);
        let lines: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("第") || l.starts_with("epoch"))
            .map(str::to_string)
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        lines
    };
    for line in epochs("zh_CN.UTF-8") {
        assert!(line.starts_with("第   "), "{line}");
        for word in ["损失", "准确率", "精确率", "召回率", "│ 验证 损失", " 秒"] {
            assert!(line.contains(word), "{word}: {line}");
        }
        let words = english_words(&line);
        assert!(words.is_empty(), "English left: {words:?}\n{line}");
    }
    for line in epochs("C.UTF-8") {
        assert!(line.starts_with("epoch   "), "{line}");
        assert!(
            line.contains("  loss 0.") && line.contains("│ val loss 0."),
            "{line}"
        );
    }
}

/// The scoring method and its formula are named in the interface language
/// in `score`'s text and the report; `score --format json` keeps English.
#[test]
fn scoring_formula_follows_the_language() {
    let dir = zh();
    let zh_text = run(&["score", &dir], "zh_CN.UTF-8");
    assert!(
        zh_text.contains("方法 加权和") && zh_text.contains("  得分 = Σ wⱼ"),
        "{zh_text}"
    );
    let en_text = run(&["score", &dir], "C.UTF-8");
    assert!(
        en_text.contains("method weighted-sum") && en_text.contains("  score = Σ wⱼ"),
        "{en_text}"
    );
    let json = |lang: &str| run(&["score", &dir, "--format", "json"], lang);
    let zh_json = json("zh_CN.UTF-8");
    assert_eq!(zh_json, json("C.UTF-8"));
    assert!(
        zh_json.contains("\"formula\": \"score = Σ wⱼ · nᵢⱼ,"),
        "{zh_json}"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("r.md");
    let out_s = out.to_string_lossy().into_owned();
    run(&["report", &dir, "-o", &out_s], "zh_CN.UTF-8");
    let report = std::fs::read_to_string(&out).expect("report");
    assert!(report.contains("方法 **加权和**：`得分 = Σ wⱼ"), "{report}");
}
