//! Malformed and unusual CSV files (tests/fixtures/csv/): each gives the
//! expected `file:line: message`, never a panic.

use std::path::{Path, PathBuf};

use lodestar::market::evidence::{Scale, read_responses};
use lodestar::market::series::load_file;
use lodestar::market::{Frequency, LoadedSeries, Problem, SeriesCache, analyse_series};
use lodestar::workspace::model::Series;

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
