//! Malformed and unusual CSV files (tests/fixtures/csv/): each gives the
//! expected `file:line: message`, never a panic.

use std::path::{Path, PathBuf};

use lodestar::market::evidence::{Scale, read_responses};
use lodestar::market::series::load_file;
use lodestar::market::{Frequency, LoadedSeries, Problem, SeriesCache, analyse_series};
use lodestar::workspace::model::Series;

mod common;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("csv")
}

/// Messages with the fixture folder left out: `bom.csv:3: …`.
fn texts(problems: &[Problem]) -> Vec<String> {
    let prefix = format!("{}{}", dir().display(), std::path::MAIN_SEPARATOR);
    problems
        .iter()
        .map(|p| p.to_string().replace(&prefix, ""))
        .collect()
}

fn load(name: &str) -> Result<LoadedSeries, Vec<String>> {
    load_file(&dir().join(name), "month", "value", Frequency::Monthly).map_err(|e| texts(&e))
}

fn ok(name: &str) -> (Vec<(String, f64)>, Vec<String>) {
    match load(name) {
        Ok(s) => (
            s.points
                .iter()
                .map(|p| (p.period.to_string(), p.value))
                .collect(),
            texts(&s.problems),
        ),
        Err(e) => panic!("{name} did not load: {e:?}"),
    }
}

fn err(name: &str) -> Vec<String> {
    match load(name) {
        Ok(s) => panic!("{name} loaded {} points", s.points.len()),
        Err(e) => e,
    }
}

fn pts(list: &[(&str, f64)]) -> Vec<(String, f64)> {
    list.iter().map(|(p, v)| (p.to_string(), *v)).collect()
}

#[test]
fn byte_order_mark_is_skipped_and_the_first_column_found() {
    let (points, problems) = ok("bom.csv");
    assert_eq!(
        points,
        pts(&[("2024-01", 1.0), ("2024-02", 2.0), ("2024-03", 3.0)])
    );
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn utf16_is_refused() {
    assert_eq!(
        err("utf16.csv"),
        ["utf16.csv:1: the file is UTF-16 encoded; save it as UTF-8 (CSV UTF-8 in Excel)"]
    );
}

#[test]
fn ragged_rows_are_skipped_with_their_line() {
    let (points, problems) = ok("ragged.csv");
    assert_eq!(points.len(), 4);
    assert_eq!(
        problems,
        [
            "ragged.csv:3: row has 3 fields but the header has 2 (an unquoted thousands separator? write \"1,234.5\" in quotes); row skipped",
            "ragged.csv:4: row has 1 field but the header has 2; row skipped",
            "ragged.csv: 2 periods without rows (2024-02, 2024-03); filled by straight-line interpolation between neighbours",
        ]
    );
}

#[test]
fn non_numeric_values() {
    let (points, problems) = ok("non_numeric.csv");
    assert_eq!(
        points,
        pts(&[("2024-01", 10.0), ("2024-02", 11.0), ("2024-03", 12.0)])
    );
    assert_eq!(
        problems[0],
        "non_numeric.csv:3: column `value`: `abc` is not a number; row skipped"
    );
    assert!(problems[1].starts_with("non_numeric.csv:5: row has 3 fields but the header has 2"));
}

#[test]
fn empty_file() {
    assert_eq!(
        err("empty.csv"),
        ["empty.csv: the file is empty (expected a header line such as `month,value`)"]
    );
}

#[test]
fn non_utf8_header_and_value() {
    assert_eq!(
        err("non_utf8.csv"),
        [
            "non_utf8.csv:1: the header is not valid UTF-8 (`Monat,Ums\u{fffd}tze`); the file looks like Latin-1 or Windows-1252 — save it as UTF-8"
        ]
    );
    let (_, problems) = ok("non_utf8_value.csv");
    assert_eq!(
        problems[0],
        "non_utf8_value.csv:3: column `value`: `1\u{fffd}234` is not valid UTF-8 (save the file as UTF-8); row skipped"
    );
}

#[test]
fn unbalanced_quote_names_the_line_it_opens_on() {
    let (points, problems) = ok("unbalanced_quote.csv");
    assert_eq!(points, pts(&[("2024-01", 10.0)]));
    assert_eq!(
        problems,
        [
            "unbalanced_quote.csv:3: unbalanced quote: a quoted field opened on this line runs over 2 more lines (is a closing \" missing?); row skipped"
        ]
    );
}

#[test]
fn zero_rows() {
    assert_eq!(
        err("zero_rows.csv"),
        ["zero_rows.csv: no data rows (only a header)"]
    );
}

#[test]
fn one_row_loads_but_cannot_be_forecast() {
    let (points, problems) = ok("one_row.csv");
    assert_eq!(points, pts(&[("2024-01", 10.0)]));
    assert!(problems.is_empty());
    let series = Series {
        id: "series-one".into(),
        name: "One".into(),
        file: "one_row.csv".into(),
        date_column: "month".into(),
        value_column: "value".into(),
        frequency: "monthly".into(),
        unit: String::new(),
        method: "holt-damped".into(),
        horizon: 12,
        alpha: None,
        beta: None,
        phi: None,
    };
    let a = analyse_series(&dir(), &series, None, &mut SeriesCache::new());
    assert!(a.failed && a.forecast.is_none());
    assert_eq!(
        texts(&a.problems),
        ["one_row.csv:2: series series-one: 1 period of history; a forecast needs at least 2"]
    );
}

#[test]
fn thousands_separators() {
    let (points, problems) = ok("thousands.csv");
    assert_eq!(
        points,
        pts(&[
            ("2024-01", 1234.5),
            ("2024-02", 1234.0),
            ("2024-03", 12_345_678.0),
            ("2024-04", 1000.0)
        ])
    );
    assert_eq!(
        problems,
        [
            "thousands.csv:6: column `value`: `1,5` is not a number (a comma is read as a thousands separator followed by three digits; write a decimal as `1.5`); row skipped"
        ]
    );
}

#[test]
fn blank_lines_are_skipped_and_lines_still_count() {
    let (points, problems) = ok("blank_lines.csv");
    assert_eq!(points, pts(&[("2024-01", 1.0), ("2024-02", 2.0)]));
    assert_eq!(
        problems,
        ["blank_lines.csv:9: column `value`: `x` is not a number; row skipped"]
    );
}

#[test]
fn crlf_line_numbers() {
    let (_, problems) = ok("crlf.csv");
    assert_eq!(
        problems,
        ["crlf.csv:4: column `value`: `x` is not a number; row skipped"]
    );
}

#[test]
fn missing_values_are_skipped_and_gaps_interpolated() {
    let (points, problems) = ok("missing.csv");
    assert_eq!(
        points,
        pts(&[
            ("2024-01", 1.0),
            ("2024-02", 2.0),
            ("2024-03", 3.0),
            ("2024-04", 4.0)
        ])
    );
    assert_eq!(
        problems,
        [
            "missing.csv:3: column `value`: missing value; row skipped",
            "missing.csv:4: column `value`: missing value; row skipped",
            "missing.csv: 2 periods without rows (2024-02, 2024-03); filled by straight-line interpolation between neighbours",
        ]
    );
}

#[test]
fn bad_dates() {
    let (points, problems) = ok("bad_date.csv");
    assert_eq!(points, pts(&[("2024-01", 1.0), ("2024-02", 5.0)]));
    assert_eq!(
        problems,
        [
            "bad_date.csv:3: column `month`: `2024-13`: month 13 does not exist; row skipped",
            "bad_date.csv:4: column `month`: `01/03/2024` is not a period (expected YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY); row skipped",
            "bad_date.csv:5: column `month`: a quarterly period cannot be placed in a monthly series; row skipped",
        ]
    );
}

#[test]
fn wrong_column_lists_the_columns() {
    assert_eq!(
        err("wrong_column.csv"),
        [
            "wrong_column.csv:1: no column `month` (date-column) in the header; the columns are: date, amount"
        ]
    );
}

#[test]
fn a_mistyped_year_is_an_error_not_84000_invented_months() {
    assert_eq!(
        err("typo_year.csv"),
        [
            "typo_year.csv: the periods run from 2024-01 to 9024-02 but only 2 of those 84002 monthly periods have rows; the largest gap is between 2024-01 (line 2) and 9024-02 (line 3) — is a date mistyped?"
        ]
    );
}

#[test]
fn repeated_periods_are_summed_and_reported() {
    let (points, problems) = ok("duplicate.csv");
    assert_eq!(points, pts(&[("2024-01", 4.0), ("2024-02", 2.0)]));
    assert_eq!(
        problems,
        [
            "duplicate.csv:2: period 2024-01 appears on 2 rows; their values are summed (give levels such as prices once per period)"
        ]
    );
}

#[test]
fn days_are_summed_into_months_and_a_short_last_month_is_flagged() {
    let s = load_file(
        &dir().join("daily.csv"),
        "day",
        "orders",
        Frequency::Monthly,
    )
    .map_err(|e| texts(&e));
    let s = s.unwrap_or_else(|e| panic!("{e:?}"));
    let points: Vec<(String, f64, u32)> = s
        .points
        .iter()
        .map(|p| (p.period.to_string(), p.value, p.rows))
        .collect();
    // January: 31 days × 1; February 2024: 29 days × 2; March: 5 days × 3.
    assert_eq!(
        points,
        [
            ("2024-01".into(), 31.0, 31),
            ("2024-02".into(), 58.0, 29),
            ("2024-03".into(), 15.0, 5)
        ]
    );
    assert_eq!(
        texts(&s.problems),
        [
            "daily.csv:62: the last period 2024-03 has 5 rows where periods usually have 29; it may be incomplete (rows are summed)"
        ]
    );
    let q = load_file(
        &dir().join("daily.csv"),
        "day",
        "orders",
        Frequency::Quarterly,
    );
    let q: Vec<(String, f64)> = q
        .map(|s| {
            s.points
                .iter()
                .map(|p| (p.period.to_string(), p.value))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(q, pts(&[("2024-Q1", 104.0)]));
}

#[test]
fn months_are_summed_into_quarters_and_years() {
    let s = load_file(
        &dir().join("bom.csv"),
        "month",
        "value",
        Frequency::Quarterly,
    );
    let q: Vec<(String, f64)> = s
        .map(|s| {
            s.points
                .iter()
                .map(|p| (p.period.to_string(), p.value))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(q, pts(&[("2024-Q1", 6.0)]));
    let s = load_file(&dir().join("bom.csv"), "month", "value", Frequency::Yearly);
    assert_eq!(
        s.map(|s| s.points[0].period.to_string()).ok().as_deref(),
        Some("2024")
    );
}

#[test]
fn a_thousand_bad_rows_keep_twenty_messages() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = tmp.path().join("bad.csv");
    let mut text = String::from("month,value\n2024-01,1\n");
    for _ in 0..1000 {
        text.push_str("2024-02,oops\n");
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let s =
        load_file(&path, "month", "value", Frequency::Monthly).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.problems.len(), 21);
    assert!(
        s.problems[19]
            .to_string()
            .ends_with("bad.csv:22: column `value`: `oops` is not a number; row skipped")
    );
    assert_eq!(
        s.problems[20].to_string(),
        format!("{}: … and 980 more row problems like these", path.display())
    );
}

#[test]
fn survey_responses_count_answers_and_report_bad_ones() {
    let r = read_responses(&dir().join("survey.csv"), "q1", Scale::Likert5)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.counts, [0, 0, 0, 2, 1]);
    assert_eq!((r.rows, r.blank), (6, 1));
    assert_eq!(
        texts(&r.problems),
        [
            "survey.csv:4: column `q1`: answer 9 is not on the likert5 scale (1–5); row skipped",
            "survey.csv:5: column `q1`: `x` is not a number; row skipped",
        ]
    );
    let missing = read_responses(&dir().join("survey.csv"), "q9", Scale::Likert5)
        .err()
        .map(|e| texts(&e));
    assert_eq!(
        missing,
        Some(vec!["survey.csv:1: no column `q9` (column) in the header; the columns are: respondent, q1, q2".to_string()])
    );
}

/// A copy of the example workspace whose market has broken files: a series
/// with bad rows and a gap, an empty file, a misspelt column, and a survey
/// answer off its scale.
fn broken_market() -> (tempfile::TempDir, PathBuf) {
    let (tmp, ws) = common::temp_copy(&common::example());
    let data = ws.join("data");
    let write = |name: &str, text: &str| {
        std::fs::write(data.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    write(
        "bad.csv",
        "month,value\n2023-01,10\n2023-02,abc\n2023-03,12\n2023-05,14\n2023-06,1,5\n\
         2023-13,3\n2023-07,\n2023-08,16\n2023-Q3,4\n",
    );
    write("empty.csv", "");
    write("short.csv", "month,value\n2023-01,10\n");
    let survey = data.join("survey-responses.csv");
    let mut answers = std::fs::read_to_string(&survey).expect("survey responses");
    answers.push_str("R999,4,6,9\n");
    std::fs::write(&survey, answers).expect("write survey responses");
    let mut toml = std::fs::read_to_string(ws.join("market.toml")).expect("market.toml");
    for (id, file, column) in [
        ("series-bad", "bad.csv", "value"),
        ("series-empty", "empty.csv", "value"),
        ("series-short", "short.csv", "Value"),
    ] {
        toml.push_str(&format!(
            "\n[[series]]\nid = \"{id}\"\nname = \"{id}\"\nfile = \"data/{file}\"\n\
             date-column = \"month\"\nvalue-column = \"{column}\"\nfrequency = \"monthly\"\n"
        ));
    }
    std::fs::write(ws.join("market.toml"), toml).expect("write market.toml");
    (tmp, ws)
}

fn market(lang: &str, ws: &Path, json: bool) -> (String, String) {
    let dir = ws.to_str().unwrap_or_default();
    let mut args = vec!["--lang", lang, "market", dir];
    if json {
        args.extend(["--format", "json"]);
    }
    let out = common::lodestar(&args);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    (common::stdout(&out), common::stderr(&out))
}

/// Words of Latin letters left in a message once the names it quotes
/// (between backticks), the file's own column names and the setting names
/// are taken out: none should remain in Chinese.
fn english_words(message: &str) -> Vec<String> {
    let unquoted: String = message.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    unquoted
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .filter(|w| {
            ![
                "month",
                "value",
                "value-column",
                "UTF-8",
                "likert5",
                "seg-members",
                "TAM",
                "SAM",
                "SOM",
            ]
            .contains(w)
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn market_problems_follow_the_interface_language_but_json_stays_english() {
    let (_tmp, ws) = broken_market();
    let (_, en) = market("en", &ws, false);
    let (zh_out, zh) = market("zh-CN", &ws, false);
    let data = ws.join("data");
    let at = |file: &str, line: u64| {
        let path = data.join(file);
        if line > 0 {
            format!("{}:{line}: ", path.display())
        } else {
            format!("{}: ", path.display())
        }
    };
    // English is unchanged.
    for line in [
        format!(
            "{}column `value`: `abc` is not a number; row skipped",
            at("bad.csv", 3)
        ),
        format!(
            "{}4 periods without rows (2023-02, 2023-04, 2023-06, 2023-07); filled by straight-line interpolation between neighbours",
            at("bad.csv", 0)
        ),
        format!(
            "{}the file is empty (expected a header line such as `month,value`)",
            at("empty.csv", 0)
        ),
    ] {
        assert!(en.lines().any(|l| l == line), "{line:?} not in:\n{en}");
    }
    let expected = [
        (at("bad.csv", 3), "列 `value`：`abc` 不是数字；已跳过此行"),
        (
            at("bad.csv", 6),
            "此行有 3 个字段，表头有 2 个（是否有未加引号的千位分隔符？请加引号写作 \"1,234.5\"）；已跳过此行",
        ),
        (
            at("bad.csv", 7),
            "列 `month`：`2023-13`：不存在 13 月；已跳过此行",
        ),
        (at("bad.csv", 8), "列 `value`：缺少数值；已跳过此行"),
        (
            at("bad.csv", 10),
            "列 `month`：季度周期无法放入月度序列；已跳过此行",
        ),
        (
            at("bad.csv", 0),
            "4 个周期没有数据行（2023-02、2023-04、2023-06、2023-07）；已按相邻周期线性插值补齐",
        ),
        (
            at("empty.csv", 0),
            "文件为空（第一行应为表头，例如 `month,value`）",
        ),
        (
            at("short.csv", 1),
            "表头中没有列 `Value`（value-column）（是否应为 `value`？列名区分大小写）；现有列：month, value",
        ),
    ];
    for (place, message) in &expected {
        let line = format!("{place}{message}");
        assert!(zh.lines().any(|l| l == line), "{line:?} not in:\n{zh}");
    }
    let survey = zh
        .lines()
        .find(|l| l.starts_with(&at("survey-responses.csv", 0).replace(": ", ":")))
        .unwrap_or_else(|| panic!("no survey problem in:\n{zh}"));
    assert!(
        survey.contains("答案 9 不在 likert5 量表上（1–5）；已跳过此行"),
        "{survey}"
    );
    // Every problem line, whatever its file, is Chinese but for names.
    assert_eq!(zh.lines().count(), en.lines().count(), "{zh}");
    for line in zh.lines() {
        let message = line
            .strip_prefix(&format!("{}", data.display()))
            .and_then(|rest| rest.split_once(": "))
            .map_or(line, |(_, m)| m);
        assert_eq!(english_words(message), Vec::<String>::new(), "{line}");
    }
    // Segment warnings in the text output too.
    let warnings: Vec<&str> = zh_out
        .lines()
        .filter(|l| l.contains("⚠ 细分市场"))
        .collect();
    assert!(!warnings.is_empty(), "{zh_out}");
    for w in warnings {
        assert_eq!(english_words(w), Vec::<String>::new(), "{w}");
    }

    // The JSON contract does not change with the language, stderr neither.
    let (en_json, en_err) = market("en", &ws, true);
    let (zh_json, zh_err) = market("zh-CN", &ws, true);
    assert!(en_json == zh_json, "JSON differs between en and zh-CN");
    assert_eq!(en_err, zh_err);
    assert_eq!(en_err, en);
    assert!(en_json.contains("`abc` is not a number; row skipped"));
    assert!(en_json.contains("bottom-up is 45 % lower"));
}
