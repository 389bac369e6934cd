//! Reading a `[[series]]` CSV into one value per period.
//!
//! The file is streamed: each row is parsed and added to its period's sum
//! straight away, so memory grows with the number of periods (and at most
//! [`KEPT_PROBLEMS`](super::problem::KEPT_PROBLEMS) messages), never with the
//! number of rows.
//!
//! Rows finer than the series frequency (days or months in a quarterly
//! series) are **summed** into their period. Market series are flows —
//! spend, revenue, units sold — and a quarter's spend is the sum of its
//! months'. Levels such as prices or market shares should be given at the
//! series frequency (one row per period); a period that appears on several
//! rows is reported, so averaging levels by accident cannot go unnoticed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::csvfile::{self, parse_number};
use super::period::{Frequency, Period, parse_stamp};
use super::problem::{Problem, Problems};
use crate::workspace::model;
use crate::workspace::validate::resolve_inside;

/// More periods than this is almost surely a mistyped year.
pub const MAX_PERIODS: i64 = 100_000;

/// One period's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub period: Period,
    pub value: f64,
    /// Data rows summed into this period (0 when `filled`).
    pub rows: u32,
    /// No row fell in this period; the value is interpolated between its
    /// neighbours.
    pub filled: bool,
}

/// A series read from its CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSeries {
    pub file: PathBuf,
    pub frequency: Frequency,
    /// One point per period, consecutive, oldest first.
    pub points: Vec<Point>,
    /// Data rows in the file (blank lines not counted).
    pub rows: u64,
    /// Rows that went into a period.
    pub used_rows: u64,
    /// Line of the last data row (where more rows would go).
    pub last_line: u64,
    /// Rows skipped and other warnings, each `file:line: message`; the data
    /// is usable.
    pub problems: Vec<Problem>,
}

impl LoadedSeries {
    pub fn values(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.value).collect()
    }

    pub fn first_period(&self) -> Option<Period> {
        self.points.first().map(|p| p.period)
    }

    pub fn last_period(&self) -> Option<Period> {
        self.points.last().map(|p| p.period)
    }
}

/// The sum of one period while reading.
#[derive(Debug, Clone, Copy)]
struct Acc {
    sum: f64,
    rows: u32,
    first_line: u64,
}

/// Load a workspace `[[series]]`: resolve its file inside `root`, then
/// [`load_file`]. Errors (the series cannot be used) come as a list whose
/// last entry is the reason; earlier entries are row problems seen first.
pub fn load(root: &Path, series: &model::Series) -> Result<LoadedSeries, Vec<Problem>> {
    let toml = root.join("market.toml");
    let file = resolve_inside(root, &series.file)
        .map_err(|e| vec![Problem::new(&toml, 0, format!("series {}: {e}", series.id))])?;
    let frequency = Frequency::parse(&series.frequency).ok_or_else(|| {
        vec![Problem::new(
            &toml,
            0,
            format!(
                "series {}: unknown frequency `{}` (monthly, quarterly or yearly)",
                series.id, series.frequency
            ),
        )]
    })?;
    load_file(&file, &series.date_column, &series.value_column, frequency)
}

/// Read `file`, taking periods from `date_column` and values from
/// `value_column`, one value per period of `frequency`.
pub fn load_file(
    file: &Path,
    date_column: &str,
    value_column: &str,
    frequency: Frequency,
) -> Result<LoadedSeries, Vec<Problem>> {
    let mut csv = csvfile::open(file).map_err(|p| vec![p])?;
    let di = csv
        .column(date_column, "date-column")
        .map_err(|p| vec![p])?;
    let vi = csv
        .column(value_column, "value-column")
        .map_err(|p| vec![p])?;
    let width = csv.header.len();
    let path = csv.path.clone();

    let mut problems = Problems::default();
    let mut periods: BTreeMap<i64, Acc> = BTreeMap::new();
    // Rows usually come in order: keep the current period out of the map.
    let mut current: Option<(i64, Acc)> = None;
    let mut finest = Frequency::Yearly;
    let (mut rows, mut used, mut last_line) = (0u64, 0u64, 1u64);
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let mut list = problems.into_list(&path);
                list.push(csvfile::csv_problem(&path, &e));
                return Err(list);
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        if csvfile::is_blank(&record) {
            continue;
        }
        rows += 1;
        last_line = line;
        // A quote that is never closed swallows the following lines into one
        // field; say so instead of reporting a strange value.
        let spans = if record.len() == width {
            newlines(record.get(di)).max(newlines(record.get(vi)))
        } else {
            record.iter().map(|c| newlines(Some(c))).max().unwrap_or(0)
        };
        if spans > 0 {
            problems.push(Problem::new(
                &path,
                line,
                format!(
                    "unbalanced quote: a quoted field opened on this line runs over {spans} more line{} (is a closing \" missing?); row skipped",
                    if spans == 1 { "" } else { "s" }
                ),
            ));
            continue;
        }
        let (Some(date), Some(value)) = (record.get(di), record.get(vi)) else {
            problems.push(Problem::new(
                &path,
                line,
                format!(
                    "row has {} fields but the header has {width}; row skipped",
                    record.len()
                ),
            ));
            continue;
        };
        if record.len() != width {
            let hint = if record.len() > width {
                " (an unquoted thousands separator? write \"1,234.5\" in quotes)"
            } else {
                ""
            };
            problems.push(Problem::new(
                &path,
                line,
                format!(
                    "row has {} fields but the header has {width}{hint}; row skipped",
                    record.len()
                ),
            ));
            continue;
        }
        let stamp = match parse_stamp(date) {
            Ok(s) => s,
            Err(m) => {
                problems.push(Problem::new(
                    &path,
                    line,
                    format!("column `{date_column}`: {m}; row skipped"),
                ));
                continue;
            }
        };
        let period = match stamp.to_period(frequency) {
            Ok(p) => p,
            Err(m) => {
                problems.push(Problem::new(
                    &path,
                    line,
                    format!("column `{date_column}`: {m}; row skipped"),
                ));
                continue;
            }
        };
        let x = match parse_number(value) {
            Ok(Some(x)) => x,
            Ok(None) => {
                problems.push(Problem::new(
                    &path,
                    line,
                    format!("column `{value_column}`: missing value; row skipped"),
                ));
                continue;
            }
            Err(m) => {
                problems.push(Problem::new(
                    &path,
                    line,
                    format!("column `{value_column}`: {m}; row skipped"),
                ));
                continue;
            }
        };
        if stamp.grain < finest {
            finest = stamp.grain;
        }
        used += 1;
        match &mut current {
            Some((key, acc)) if *key == period.index => {
                acc.sum += x;
                acc.rows = acc.rows.saturating_add(1);
            }
            _ => {
                if let Some((key, acc)) = current.take() {
                    merge(&mut periods, key, acc);
                }
                current = Some((
                    period.index,
                    Acc {
                        sum: x,
                        rows: 1,
                        first_line: line,
                    },
                ));
            }
        }
    }
    if let Some((key, acc)) = current.take() {
        merge(&mut periods, key, acc);
    }

    if periods.is_empty() {
        let mut list = problems.into_list(&path);
        let why = if rows == 0 {
            "no data rows (only a header)".to_string()
        } else {
            format!("none of the {rows} data rows could be used")
        };
        list.push(Problem::new(&path, 0, why));
        return Err(list);
    }

    let (first, last) = match (periods.first_key_value(), periods.last_key_value()) {
        (Some((a, fa)), Some((b, fb))) => ((*a, fa.first_line), (*b, fb.first_line)),
        _ => return Err(problems.into_list(&path)),
    };
    let span = last.0 - first.0 + 1;
    let at = |i: i64| Period {
        frequency,
        index: i,
    };
    if span > MAX_PERIODS {
        let mut list = problems.into_list(&path);
        list.push(Problem::new(
            &path,
            0,
            format!(
                "the periods run from {} (line {}) to {} (line {}): {span} {} periods, more than {MAX_PERIODS}; is a year mistyped?",
                at(first.0),
                first.1,
                at(last.0),
                last.1,
                frequency.as_str()
            ),
        ));
        return Err(list);
    }

    let mut notes = Vec::new();
    if finest == frequency {
        let repeated: Vec<(i64, &Acc)> = periods
            .iter()
            .filter(|(_, a)| a.rows > 1)
            .map(|(k, a)| (*k, a))
            .collect();
        if let Some((k, a)) = repeated.first() {
            notes.push(Problem::new(
                &path,
                a.first_line,
                format!(
                    "period {} appears on {} rows{}; their values are summed (give levels such as prices once per period)",
                    at(*k),
                    a.rows,
                    if repeated.len() > 1 { format!(", and {} more periods repeat", repeated.len() - 1) } else { String::new() }
                ),
            ));
        }
    } else {
        incomplete_ends(&periods, frequency, &path, &mut notes);
    }

    let mut points = Vec::with_capacity(span as usize);
    let mut gaps = Vec::new();
    let mut prev: Option<(i64, f64)> = None;
    for (&k, acc) in &periods {
        if let Some((pk, pv)) = prev {
            let n = k - pk;
            for j in 1..n {
                let t = j as f64 / n as f64;
                points.push(Point {
                    period: at(pk + j),
                    value: pv + (acc.sum - pv) * t,
                    rows: 0,
                    filled: true,
                });
                gaps.push(at(pk + j));
            }
        }
        points.push(Point {
            period: at(k),
            value: acc.sum,
            rows: acc.rows,
            filled: false,
        });
        prev = Some((k, acc.sum));
    }
    if !gaps.is_empty() {
        let shown: Vec<String> = gaps.iter().take(6).map(Period::to_string).collect();
        notes.push(Problem::new(
            &path,
            0,
            format!(
                "{} period{} without rows ({}{}); filled by straight-line interpolation between neighbours",
                gaps.len(),
                if gaps.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if gaps.len() > shown.len() { ", …" } else { "" }
            ),
        ));
    }
    let mut list = problems.into_list(&path);
    list.extend(notes);
    Ok(LoadedSeries {
        file: path,
        frequency,
        points,
        rows,
        used_rows: used,
        last_line,
        problems: list,
    })
}

fn merge(periods: &mut BTreeMap<i64, Acc>, key: i64, acc: Acc) {
    periods
        .entry(key)
        .and_modify(|a| {
            a.sum += acc.sum;
            a.rows = a.rows.saturating_add(acc.rows);
            a.first_line = a.first_line.min(acc.first_line);
        })
        .or_insert(acc);
}

fn newlines(cell: Option<&[u8]>) -> usize {
    cell.map_or(0, |c| c.iter().filter(|b| **b == b'\n').count())
}

/// When rows are summed into periods, a first or last period with far fewer
/// rows than usual is probably cut off (data until mid-month).
fn incomplete_ends(
    periods: &BTreeMap<i64, Acc>,
    frequency: Frequency,
    path: &Path,
    notes: &mut Vec<Problem>,
) {
    if periods.len() < 3 {
        return;
    }
    let mut counts: Vec<u32> = periods.values().map(|a| a.rows).collect();
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    if median < 2 {
        return;
    }
    let ends = [
        ("first", periods.first_key_value()),
        ("last", periods.last_key_value()),
    ];
    for (which, end) in ends {
        if let Some((k, a)) = end
            && f64::from(a.rows) < 0.8 * f64::from(median)
        {
            notes.push(Problem::new(
                path,
                a.first_line,
                format!(
                    "the {which} period {} has {} rows where periods usually have {median}; it may be incomplete (rows are summed)",
                    Period { frequency, index: *k },
                    a.rows
                ),
            ));
        }
    }
}
