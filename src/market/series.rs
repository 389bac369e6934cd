//! Reading a `[[series]]` CSV into one value per period.
//!
//! The file is streamed: each row is parsed and added to its period's sum
//! straight away, so memory grows with the number of periods (and at most
//! [`KEPT_PROBLEMS`](crate::csvfile::problem::KEPT_PROBLEMS) messages), never with the
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

use super::period::{Frequency, Period, parse_stamp};
use crate::csvfile::problem::{Problem, RowProblems, lines_at};
use crate::csvfile::{self, parse_number};
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
    /// Line of the last data row when the series has fewer than three
    /// periods (for the "too few periods" message), else 0.
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
    /// Byte offsets of the period's first and last rows, for messages.
    first_offset: u64,
    last_offset: u64,
}

/// Load a workspace `[[series]]`: resolve its file inside `root`, then
/// [`load_file`]. Errors (the series cannot be used) come as a list whose
/// last entry is the reason; earlier entries are row problems seen first.
pub fn load(root: &Path, series: &model::Series) -> Result<LoadedSeries, Vec<Problem>> {
    let toml = root.join("market.toml");
    let file = resolve_inside(root, &series.file).map_err(|e| {
        vec![Problem::new(
            &toml,
            0,
            crate::tr!("market.data.series", id = series.id, message = e),
        )]
    })?;
    let frequency = series.frequency.known().ok_or_else(|| {
        vec![Problem::new(
            &toml,
            0,
            crate::tr!(
                "market.data.unknown_frequency",
                id = series.id,
                frequency = series.frequency,
                names = Frequency::NAMES.join(", ")
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

    let mut problems = RowProblems::default();
    let mut periods: BTreeMap<i64, Acc> = BTreeMap::new();
    // Rows usually come in order: keep the current period out of the map.
    let mut current: Option<(i64, Acc)> = None;
    let mut finer_rows = false;
    let (mut rows, mut used) = (0u64, 0u64);
    let mut record = csv::ByteRecord::new();
    while let Some(at) = csv.next_row(&mut record, &mut problems)? {
        rows += 1;
        // A quote that is never closed swallows the following lines into one
        // field; say so instead of reporting a strange value.
        let spans = if record.len() == width {
            newlines(record.get(di)).max(newlines(record.get(vi)))
        } else {
            record.iter().map(|c| newlines(Some(c))).max().unwrap_or(0)
        };
        if spans > 0 {
            problems.push(at, || {
                crate::tr!(
                    if spans == 1 {
                        "market.data.unbalanced_quote_one"
                    } else {
                        "market.data.unbalanced_quote"
                    },
                    n = spans
                )
            });
            continue;
        }
        let (Some(date), Some(value)) = (record.get(di), record.get(vi)) else {
            problems.push(at, || field_count(record.len(), width, false));
            continue;
        };
        if record.len() != width {
            let n = record.len();
            problems.push(at, || field_count(n, width, n > width));
            continue;
        }
        let period = match parse_stamp(date).and_then(|s| s.to_period(frequency).map(|p| (p, s))) {
            Ok((p, stamp)) => {
                finer_rows |= stamp.is_finer_than(frequency);
                p
            }
            Err(m) => {
                problems.push(at, || {
                    crate::tr!(
                        "market.data.column_skipped",
                        name = date_column,
                        problem = m
                    )
                });
                continue;
            }
        };
        let x = match parse_number(value) {
            Ok(Some(x)) => x,
            Ok(None) => {
                problems.push(at, || {
                    crate::tr!("market.data.missing_value", name = value_column)
                });
                continue;
            }
            Err(m) => {
                problems.push(at, || {
                    crate::tr!(
                        "market.data.column_skipped",
                        name = value_column,
                        problem = m
                    )
                });
                continue;
            }
        };
        used += 1;
        match &mut current {
            Some((key, acc)) if *key == period.index => {
                acc.sum += x;
                acc.rows = acc.rows.saturating_add(1);
                acc.last_offset = at;
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
                        first_offset: at,
                        last_offset: at,
                    },
                ));
            }
        }
    }
    if let Some((key, acc)) = current.take() {
        merge(&mut periods, key, acc);
    }

    let (Some((&first, first_acc)), Some((&last, last_acc))) =
        (periods.first_key_value(), periods.last_key_value())
    else {
        let why = if rows == 0 {
            crate::tr!("market.data.no_rows")
        } else {
            crate::tr!("market.data.no_usable_rows", rows = rows)
        };
        return Err(problems.finish(&path, vec![(None, why)]));
    };
    let at = |i: i64| Period {
        frequency,
        index: i,
    };
    let span = last - first + 1;
    let real = periods.len() as i64;
    if span > MAX_PERIODS || span - real > real {
        // More invented periods than real ones: a mistyped date, not gaps.
        let (mut a, mut b) = (
            (first, first_acc.first_offset),
            (first, first_acc.first_offset),
        );
        let mut prev = (first, first_acc.first_offset);
        for (&k, acc) in periods.iter().skip(1) {
            if k - prev.0 > b.0 - a.0 {
                (a, b) = (prev, (k, acc.first_offset));
            }
            prev = (k, acc.first_offset);
        }
        let lines = lines_at(&path, &[a.1, b.1]);
        let why = crate::tr!(
            "market.data.sparse_periods",
            first = at(first),
            last = at(last),
            real = real,
            span = span,
            frequency = frequency.adjective(),
            from = at(a.0),
            from_line = lines[0],
            to = at(b.0),
            to_line = lines[1]
        );
        return Err(problems.finish(&path, vec![(None, why)]));
    }

    let mut notes: Vec<(Option<u64>, String)> = Vec::new();
    if finer_rows {
        incomplete_ends(&periods, frequency, &mut notes);
    } else {
        let repeated: Vec<(i64, &Acc)> = periods
            .iter()
            .filter(|(_, a)| a.rows > 1)
            .map(|(k, a)| (*k, a))
            .collect();
        if let Some((k, a)) = repeated.first() {
            let more = match repeated.len() {
                1 => String::new(),
                n => crate::tr!("market.data.repeated_more", n = n - 1),
            };
            notes.push((
                Some(a.first_offset),
                crate::tr!(
                    "market.data.repeated_period",
                    period = at(*k),
                    rows = a.rows,
                    more = more
                ),
            ));
        }
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
        let mut shown: Vec<String> = gaps.iter().take(6).map(Period::to_string).collect();
        if gaps.len() > shown.len() {
            shown.push("…".to_string());
        }
        notes.push((
            None,
            crate::tr!(
                if gaps.len() == 1 {
                    "market.data.gaps_one"
                } else {
                    "market.data.gaps"
                },
                n = gaps.len(),
                periods = shown.join(&crate::tr!("market.data.list_separator"))
            ),
        ));
    }
    // Short histories end in a "too few periods" message that points at the
    // last row; work its line out now while the file is at hand.
    let last_line = if real < 3 {
        lines_at(&path, &[last_acc.last_offset])[0]
    } else {
        0
    };
    let problems = problems.finish(&path, notes);
    Ok(LoadedSeries {
        file: path,
        frequency,
        points,
        rows,
        used_rows: used,
        last_line,
        problems,
    })
}

fn merge(periods: &mut BTreeMap<i64, Acc>, key: i64, acc: Acc) {
    periods
        .entry(key)
        .and_modify(|a| {
            a.sum += acc.sum;
            a.rows = a.rows.saturating_add(acc.rows);
            a.first_offset = a.first_offset.min(acc.first_offset);
            a.last_offset = a.last_offset.max(acc.last_offset);
        })
        .or_insert(acc);
}

/// Line breaks inside a field (one at its very end closes the last line it
/// swallowed, so it does not count).
fn newlines(cell: Option<&[u8]>) -> usize {
    let Some(c) = cell else { return 0 };
    let c = c
        .strip_suffix(b"\n")
        .map_or(c, |c| c.strip_suffix(b"\r").unwrap_or(c));
    c.iter().filter(|b| **b == b'\n').count()
}

/// A row of `n` fields under a header of `width`; `hint` when the row is
/// longer (an unquoted thousands separator splits a number in two).
fn field_count(n: usize, width: usize, hint: bool) -> String {
    let hint = if hint {
        crate::tr!("market.data.field_count_hint")
    } else {
        String::new()
    };
    crate::tr!(
        if n == 1 {
            "market.data.field_count_one"
        } else {
            "market.data.field_count"
        },
        fields = n,
        width = width,
        hint = hint
    )
}

/// When rows are summed into periods, a first or last period with far fewer
/// rows than usual is probably cut off (data until mid-month).
fn incomplete_ends(
    periods: &BTreeMap<i64, Acc>,
    frequency: Frequency,
    notes: &mut Vec<(Option<u64>, String)>,
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
        ("market.data.incomplete_first", periods.first_key_value()),
        ("market.data.incomplete_last", periods.last_key_value()),
    ];
    for (which, end) in ends {
        if let Some((k, a)) = end
            && f64::from(a.rows) < 0.8 * f64::from(median)
        {
            notes.push((
                Some(a.first_offset),
                crate::tr!(
                    which,
                    period = Period {
                        frequency,
                        index: *k
                    },
                    rows = a.rows,
                    median = median
                ),
            ));
        }
    }
}
