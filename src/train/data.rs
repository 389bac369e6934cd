//! Training data: a CSV file read into row-major `f32` features and 0/1
//! labels, with the encoding (standardisation, one-hot categories) that
//! `predict` applies again. Every problem names `file:line`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::config::TrainConfig;
use super::error::DataError;
use crate::csvfile;

/// Larger files are refused rather than read into memory.
pub const MAX_CSV_BYTES: u64 = 1 << 30;
/// More distinct values than this make a text column look like an id.
pub const MAX_CATEGORIES: usize = 1000;

/// How one input column becomes features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ColumnEncoding {
    /// One feature: `(value − mean) / std`; a missing value becomes the mean (0).
    Numeric { name: String, mean: f64, std: f64 },
    /// One feature per category seen in the training part (the empty string
    /// is the "missing" category); an unseen value encodes as all zeros.
    Categorical {
        name: String,
        categories: Vec<String>,
    },
}

impl ColumnEncoding {
    pub fn name(&self) -> &str {
        match self {
            ColumnEncoding::Numeric { name, .. } | ColumnEncoding::Categorical { name, .. } => name,
        }
    }
    pub fn width(&self) -> usize {
        match self {
            ColumnEncoding::Numeric { .. } => 1,
            ColumnEncoding::Categorical { categories, .. } => categories.len(),
        }
    }
}

/// The encoding saved with a run (`encoding.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoding {
    pub target: String,
    pub positive: String,
    pub columns: Vec<ColumnEncoding>,
    pub features: usize,
}

impl Encoding {
    /// Feature names: the column, or `column=category` for one-hot features.
    pub fn feature_names(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.features);
        for c in &self.columns {
            match c {
                ColumnEncoding::Numeric { name, .. } => out.push(name.clone()),
                ColumnEncoding::Categorical { name, categories } => {
                    out.extend(
                        categories.iter().map(|v| {
                            format!("{name}={}", if v.is_empty() { "(missing)" } else { v })
                        }),
                    );
                }
            }
        }
        out
    }

    /// An encoder for rows of a file with this `header`.
    pub fn encoder(
        &self,
        file: &Path,
        header: &csv::StringRecord,
    ) -> Result<RowEncoder<'_>, DataError> {
        let names: Vec<&str> = header.iter().collect();
        let mut index = Vec::with_capacity(self.columns.len());
        let mut lookup = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let Some(i) = names.iter().position(|n| *n == c.name()) else {
                return Err(DataError::new(
                    file,
                    1,
                    format!("no column `{}`, which the model was trained on", c.name()),
                ));
            };
            index.push(i);
            lookup.push(match c {
                ColumnEncoding::Categorical { categories, .. } => categories
                    .iter()
                    .enumerate()
                    .map(|(k, v)| (v.as_str(), k))
                    .collect(),
                ColumnEncoding::Numeric { .. } => HashMap::new(),
            });
        }
        Ok(RowEncoder {
            encoding: self,
            file: file.to_path_buf(),
            index,
            lookup,
        })
    }
}

/// Counts gathered while encoding rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodeCounts {
    /// Missing cells per encoded column.
    pub missing: Vec<usize>,
    /// Category values not seen in training, per encoded column (all zeros).
    pub unseen: Vec<usize>,
}

impl EncodeCounts {
    pub fn new(columns: usize) -> EncodeCounts {
        EncodeCounts {
            missing: vec![0; columns],
            unseen: vec![0; columns],
        }
    }
    pub fn total_missing(&self) -> usize {
        self.missing.iter().sum()
    }
    pub fn total_unseen(&self) -> usize {
        self.unseen.iter().sum()
    }
}

/// Applies an [`Encoding`] to the rows of one file.
pub struct RowEncoder<'a> {
    encoding: &'a Encoding,
    file: PathBuf,
    index: Vec<usize>,
    lookup: Vec<HashMap<&'a str, usize>>,
}

/// The largest magnitude a numeric feature may have. Beyond it one value
/// dominates the column's mean and spread (a single 1e300 leaves every other
/// row standardised to 0), and f32 features lose all resolution; see
/// docs/METHOD.md.
pub const MAX_FEATURE_MAGNITUDE: f64 = 1e15;

/// Cells read as missing in a numeric column.
fn is_missing_number(s: &str) -> bool {
    s.is_empty()
        || ["na", "n/a", "nan", "null"]
            .iter()
            .any(|m| s.eq_ignore_ascii_case(m))
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl RowEncoder<'_> {
    /// Encode one record into `out` (length `features`).
    pub fn encode(
        &self,
        record: &csv::StringRecord,
        line: u64,
        out: &mut [f32],
        counts: &mut EncodeCounts,
    ) -> Result<(), DataError> {
        let mut at = 0;
        for (k, c) in self.encoding.columns.iter().enumerate() {
            let cell = record.get(self.index[k]).unwrap_or("");
            match c {
                ColumnEncoding::Numeric { name, mean, std } => {
                    out[at] = if is_missing_number(cell) {
                        counts.missing[k] += 1;
                        0.0
                    } else {
                        match parse_number(cell) {
                            Some(v) => ((v - mean) / std) as f32,
                            None => {
                                return Err(DataError::new(
                                    &self.file,
                                    line,
                                    format!(
                                        "column `{name}`: `{}` is not a number",
                                        crate::escape::value(cell)
                                    ),
                                ));
                            }
                        }
                    };
                    at += 1;
                }
                ColumnEncoding::Categorical { categories, .. } => {
                    let slots = &mut out[at..at + categories.len()];
                    slots.fill(0.0);
                    if cell.is_empty() {
                        counts.missing[k] += 1;
                    }
                    match self.lookup[k].get(cell) {
                        Some(&j) => slots[j] = 1.0,
                        None => counts.unseen[k] += 1,
                    }
                    at += categories.len();
                }
            }
        }
        Ok(())
    }
}

/// Positives and negatives of one split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Balance {
    pub positive: usize,
    pub negative: usize,
}

impl Balance {
    fn of(labels: &[f32]) -> Balance {
        let positive = labels.iter().filter(|&&y| y > 0.5).count();
        Balance {
            positive,
            negative: labels.len() - positive,
        }
    }
    pub fn rows(&self) -> usize {
        self.positive + self.negative
    }
    pub fn positive_share(&self) -> f64 {
        if self.rows() == 0 {
            0.0
        } else {
            self.positive as f64 / self.rows() as f64
        }
    }
}

/// Encoded training and validation rows.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub file: PathBuf,
    pub encoding: Encoding,
    /// Row-major, `rows_train × features`.
    pub train_x: Vec<f32>,
    pub train_y: Vec<f32>,
    pub valid_x: Vec<f32>,
    pub valid_y: Vec<f32>,
    /// Line in the file of each validation row (for tests and reports).
    pub valid_lines: Vec<u64>,
    pub balance_train: Balance,
    pub balance_valid: Balance,
    /// Missing cells per column name, over all rows (only columns with some).
    pub missing: Vec<(String, usize)>,
    /// Validation cells whose category never occurs in the training part.
    pub unseen_valid: usize,
}

impl Dataset {
    pub fn features(&self) -> usize {
        self.encoding.features
    }
    pub fn rows_train(&self) -> usize {
        self.train_y.len()
    }
    pub fn rows_valid(&self) -> usize {
        self.valid_y.len()
    }
}

/// Map a csv error to a message at its line.
pub fn csv_error(file: &Path, e: &csv::Error) -> DataError {
    let line = e.position().map_or(1, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!(
                "invalid UTF-8 in field {} (save the file as UTF-8)",
                err.field() + 1
            )
        }
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string(),
    };
    DataError::new(file, line, message)
}

/// Read the header of `rdr` (a [`csvfile::reader`]), names trimmed,
/// refusing an empty file and a name given twice.
pub fn read_header<R: std::io::Read>(
    file: &Path,
    rdr: &mut csv::Reader<R>,
) -> Result<csv::StringRecord, DataError> {
    let mut header = rdr.headers().map_err(|e| csv_error(file, &e))?.clone();
    header.trim();
    if header.is_empty() || header.iter().all(str::is_empty) {
        return Err(DataError::new(
            file,
            1,
            "file is empty (expected a header row with column names)",
        ));
    }
    let mut seen = BTreeSet::new();
    for name in header.iter() {
        if !seen.insert(name) {
            return Err(DataError::new(
                file,
                1,
                format!("column `{name}` appears twice in the header"),
            ));
        }
    }
    Ok(header)
}

/// Read the next row into `record`, cells trimmed; `Ok(false)` at the end.
/// Every row must have the header's `width` fields.
pub fn read_row<R: std::io::Read>(
    file: &Path,
    rdr: &mut csv::Reader<R>,
    width: usize,
    record: &mut csv::StringRecord,
) -> Result<bool, DataError> {
    if !rdr.read_record(record).map_err(|e| csv_error(file, &e))? {
        return Ok(false);
    }
    if record.len() != width {
        return Err(DataError::new(
            file,
            record_line(record),
            format!("row has {} fields, the header has {width}", record.len()),
        ));
    }
    record.trim();
    Ok(true)
}

/// The line a record starts on.
pub fn record_line(record: &csv::StringRecord) -> u64 {
    record.position().map_or(1, csv::Position::line)
}

/// Load and encode `file` for `cfg`. The last `validation_split` share of
/// rows, before any shuffling, is the validation part (Keras semantics);
/// statistics and categories come from the training part only.
pub fn load(file: &Path, cfg: &TrainConfig) -> Result<Dataset, DataError> {
    let len = std::fs::metadata(file)
        .map_err(|e| DataError::new(file, 1, format!("cannot read: {e}")))?
        .len();
    if len > MAX_CSV_BYTES {
        return Err(DataError::new(
            file,
            1,
            format!("file is {len} bytes; the limit is {MAX_CSV_BYTES}"),
        ));
    }
    let bytes =
        std::fs::read(file).map_err(|e| DataError::new(file, 1, format!("cannot read: {e}")))?;
    parse(file, csvfile::strip_bom(&bytes), cfg)
}

fn parse(file: &Path, bytes: &[u8], cfg: &TrainConfig) -> Result<Dataset, DataError> {
    let mut rdr = csvfile::reader(bytes);
    let header = read_header(file, &mut rdr)?;
    let names: Vec<&str> = header.iter().collect();
    let head_err = |msg: String| DataError::new(file, 1, msg);
    let Some(target) = names.iter().position(|n| *n == cfg.target) else {
        return Err(head_err(format!(
            "no target column `{}` (columns: {})",
            cfg.target,
            names.join(", ")
        )));
    };
    let mut used = Vec::new();
    if cfg.include.is_empty() {
        for (i, n) in names.iter().enumerate() {
            if i != target && !cfg.exclude.iter().any(|e| e == n) {
                used.push(i);
            }
        }
    } else {
        for inc in &cfg.include {
            match names.iter().position(|n| n == inc) {
                Some(i) if i == target => {
                    return Err(head_err(format!(
                        "[data] include lists the target column `{inc}`"
                    )));
                }
                Some(i) => used.push(i),
                None => {
                    return Err(head_err(format!(
                        "[data] include lists `{inc}`, which is not a column ({})",
                        names.join(", ")
                    )));
                }
            }
        }
    }
    if used.is_empty() {
        return Err(head_err(
            "no feature columns left after [data] include/exclude".into(),
        ));
    }

    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut r = csv::StringRecord::new();
    while read_row(file, &mut rdr, header.len(), &mut r)? {
        let line = record_line(&r);
        if r.get(target).is_none_or(str::is_empty) {
            return Err(DataError::new(
                file,
                line,
                format!("the target `{}` is empty", cfg.target),
            ));
        }
        records.push(r.clone());
        lines.push(line);
    }
    let n = records.len();
    if n == 0 {
        return Err(head_err("no data rows after the header".into()));
    }
    let n_train = ((n as f64) * (1.0 - cfg.validation_split)).floor() as usize;
    let n_valid = n - n_train;
    if n_train < 2 || (cfg.validation_split > 0.0 && n_valid == 0) {
        return Err(head_err(format!(
            "{n} rows are too few for validation-split {} ({n_train} training, {n_valid} validation)",
            cfg.validation_split
        )));
    }
    let labels: Vec<f32> = records
        .iter()
        .map(|r| f32::from(u8::from(r.get(target) == Some(cfg.positive.as_str()))))
        .collect();
    let positives = labels.iter().filter(|&&y| y > 0.5).count();
    if positives == 0 || positives == n {
        let values: BTreeSet<&str> = records
            .iter()
            .filter_map(|r| r.get(target))
            .take(10_000)
            .collect();
        let values: Vec<&str> = values.into_iter().take(8).collect();
        let what = if positives == 0 {
            "never has"
        } else {
            "always has"
        };
        return Err(head_err(format!(
            "target `{}` {what} the positive label `{}` (values: {}); training needs both classes",
            cfg.target,
            cfg.positive,
            values.join(", ")
        )));
    }
    let train_pos = labels[..n_train].iter().filter(|&&y| y > 0.5).count();
    if train_pos == 0 || train_pos == n_train {
        return Err(head_err(format!(
            "the training part (the first {n_train} rows) has only one class of `{}`; training needs both",
            cfg.target
        )));
    }

    // Column types and statistics, from the training part only.
    let mut columns = Vec::with_capacity(used.len());
    for &c in &used {
        let name = names[c];
        let forced = cfg.categorical.iter().any(|x| x == name);
        let cells = || records.iter().map(move |r| r.get(c).unwrap_or(""));
        let present = cells().filter(|s| !is_missing_number(s)).count();
        let numeric = cells()
            .filter(|s| !is_missing_number(s))
            .filter(|s| parse_number(s).is_some())
            .count();
        let all_numeric = present > 0 && numeric == present;
        if !forced && !all_numeric && numeric * 10 >= present * 9 && present > 0 {
            let distinct: BTreeSet<&str> = cells().collect();
            if distinct.len() > 20 {
                let (k, bad) = cells()
                    .enumerate()
                    .find(|(_, s)| !is_missing_number(s) && parse_number(s).is_none())
                    .unwrap_or((0, ""));
                return Err(DataError::new(
                    file,
                    lines[k],
                    format!(
                        "column `{name}`: `{}` is not a number ({numeric} of {present} values are); fix the cell, or list the column under [data] categorical",
                        crate::escape::value(bad)
                    ),
                ));
            }
        }
        if !forced && all_numeric {
            // A value of absurd scale (1e300) would make the mean and the
            // spread meaningless and every other value standardise to 0:
            // refused, naming the rows, rather than trained on silently.
            let huge: Vec<(usize, &str)> = cells()
                .enumerate()
                .filter(|(_, s)| parse_number(s).is_some_and(|v| v.abs() > MAX_FEATURE_MAGNITUDE))
                .collect();
            if let Some(&(first, cell)) = huge.first() {
                let shown: Vec<String> = huge
                    .iter()
                    .take(5)
                    .map(|(k, _)| lines[*k].to_string())
                    .collect();
                let more = if huge.len() > 5 { ", …" } else { "" };
                return Err(DataError::new(
                    file,
                    lines[first],
                    format!(
                        "column `{name}`: `{cell}` is too large to standardise (values must be within ±{MAX_FEATURE_MAGNITUDE:e}); {} such value{} on line{} {}{more}; fix those rows, or add the column to [data] exclude",
                        huge.len(),
                        if huge.len() == 1 { "" } else { "s" },
                        if shown.len() == 1 { "" } else { "s" },
                        shown.join(", ")
                    ),
                ));
            }
            let (mut sum, mut count) = (0.0f64, 0usize);
            for s in cells().take(n_train) {
                if let Some(v) = (!is_missing_number(s)).then(|| parse_number(s)).flatten() {
                    sum += v;
                    count += 1;
                }
            }
            let mean = if count == 0 { 0.0 } else { sum / count as f64 };
            let mut sq = 0.0f64;
            for s in cells().take(n_train) {
                if let Some(v) = (!is_missing_number(s)).then(|| parse_number(s)).flatten() {
                    sq += (v - mean) * (v - mean);
                }
            }
            let std = if count == 0 {
                1.0
            } else {
                (sq / count as f64).sqrt()
            };
            let std = if std.is_finite() && std > 1e-12 {
                std
            } else {
                1.0
            };
            columns.push(ColumnEncoding::Numeric {
                name: name.to_string(),
                mean,
                std,
            });
        } else {
            let categories: BTreeSet<&str> = cells().take(n_train).collect();
            if categories.len() > MAX_CATEGORIES
                || (categories.len() > 50 && categories.len() * 2 > n_train)
            {
                return Err(head_err(format!(
                    "column `{name}` has {} different values in the training rows, which looks like an id or free text; add it to [data] exclude",
                    categories.len()
                )));
            }
            columns.push(ColumnEncoding::Categorical {
                name: name.to_string(),
                categories: categories.into_iter().map(str::to_string).collect(),
            });
        }
    }
    let features = columns.iter().map(ColumnEncoding::width).sum();
    let encoding = Encoding {
        target: cfg.target.clone(),
        positive: cfg.positive.clone(),
        columns,
        features,
    };

    let encoder = encoding.encoder(file, &header)?;
    let mut x = vec![0.0f32; n * features];
    let mut train_counts = EncodeCounts::new(encoding.columns.len());
    let mut valid_counts = EncodeCounts::new(encoding.columns.len());
    for (i, r) in records.iter().enumerate() {
        let counts = if i < n_train {
            &mut train_counts
        } else {
            &mut valid_counts
        };
        encoder.encode(
            r,
            lines[i],
            &mut x[i * features..(i + 1) * features],
            counts,
        )?;
    }
    let missing = encoding
        .columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                c.name().to_string(),
                train_counts.missing[k] + valid_counts.missing[k],
            )
        })
        .filter(|(_, m)| *m > 0)
        .collect();
    let valid_x = x.split_off(n_train * features);
    let valid_y = labels[n_train..].to_vec();
    let mut train_y = labels;
    train_y.truncate(n_train);
    Ok(Dataset {
        file: file.to_path_buf(),
        balance_train: Balance::of(&train_y),
        balance_valid: Balance::of(&valid_y),
        encoding,
        train_x: x,
        train_y,
        valid_x,
        valid_y,
        valid_lines: lines[n_train..].to_vec(),
        missing,
        unseen_valid: valid_counts.total_unseen(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::config::Overrides;
    use crate::workspace::model::Training;

    fn cfg(split: f64) -> TrainConfig {
        let t = Training {
            data_file: "d.csv".into(),
            target: "y".into(),
            positive: "yes".into(),
            exclude: vec!["id".into()],
            validation_split: split,
            ..Training::default()
        };
        TrainConfig::resolve(&t, &Overrides::default()).unwrap()
    }

    fn load_str(text: &str, split: f64) -> Result<Dataset, DataError> {
        parse(
            Path::new("d.csv"),
            csvfile::strip_bom(text.as_bytes()),
            &cfg(split),
        )
    }

    #[test]
    fn encodes_numeric_and_categorical_with_training_statistics() {
        let text = "id,a,c,y\n1,1,x,yes\n2,3,y,no\n3,,x,no\n4,5,,yes\n5,100,z,no\n";
        let d = load_str(text, 0.2).unwrap();
        assert_eq!((d.rows_train(), d.rows_valid()), (4, 1));
        // a: training values 1, 3, 5 (one missing) → mean 3, std sqrt(8/3).
        let ColumnEncoding::Numeric { mean, std, .. } = &d.encoding.columns[0] else {
            panic!()
        };
        assert_eq!(*mean, 3.0);
        assert!((std - (8.0f64 / 3.0).sqrt()).abs() < 1e-12);
        // c: categories from the training rows only: "", x, y.
        assert_eq!(
            d.encoding.columns[1],
            ColumnEncoding::Categorical {
                name: "c".into(),
                categories: vec!["".into(), "x".into(), "y".into()]
            }
        );
        assert_eq!(d.features(), 4);
        assert_eq!(&d.train_x[8..12], &[0.0, 0.0, 1.0, 0.0]); // missing a → mean; c = x
        assert_eq!(
            &d.train_x[12..16],
            &[((5.0 - 3.0) / std) as f32, 1.0, 0.0, 0.0]
        ); // c missing → "" category
        assert_eq!(d.valid_x[1..4], [0.0, 0.0, 0.0]); // z unseen → all zero
        assert_eq!(d.unseen_valid, 1);
        assert_eq!(d.missing, vec![("a".to_string(), 1), ("c".to_string(), 1)]);
        assert_eq!(d.train_y, vec![1.0, 0.0, 0.0, 1.0]);
        assert_eq!(
            d.balance_train,
            Balance {
                positive: 2,
                negative: 2
            }
        );
        assert_eq!(d.valid_lines, vec![6]);
    }

    #[test]
    fn bom_is_ignored() {
        let d = load_str("\u{feff}a,y\n1,yes\n2,no\n3,yes\n4,no\n", 0.25).unwrap();
        assert_eq!(d.encoding.columns[0].name(), "a");
    }

    #[test]
    fn cells_and_names_are_trimmed() {
        // Spaces around names, numbers and labels, as spreadsheets export them.
        let d = load_str(" a , y \n 1 , yes\n2,no \n 3,yes\n4 , no\n", 0.25).unwrap();
        assert_eq!(d.encoding.columns[0].name(), "a");
        assert!(matches!(
            d.encoding.columns[0],
            ColumnEncoding::Numeric { .. }
        ));
        assert_eq!(d.train_y, vec![1.0, 0.0, 1.0]);
        assert_eq!(d.valid_y, vec![0.0]);
    }

    #[test]
    fn keras_split_takes_the_last_rows() {
        let text: String = std::iter::once("a,y\n".to_string())
            .chain((0..10).map(|i| format!("{i},{}\n", if i % 2 == 0 { "yes" } else { "no" })))
            .collect();
        let d = load_str(&text, 0.2).unwrap();
        assert_eq!((d.rows_train(), d.rows_valid()), (8, 2));
        assert_eq!(d.valid_lines, vec![10, 11]);
    }

    #[test]
    fn malformed_input_names_the_line() {
        let e = |t: &str| load_str(t, 0.2).unwrap_err().to_string();
        assert_eq!(
            e(""),
            "d.csv:1: file is empty (expected a header row with column names)"
        );
        assert!(
            e("a,y\n1,yes\n2\n").starts_with("d.csv:3: row has 1 fields, the header has 2"),
            "{}",
            e("a,y\n1,yes\n2\n")
        );
        assert!(
            e("a,y\n1,yes\n2,no,3\n").starts_with("d.csv:3: row has 3 fields, the header has 2")
        );
        assert!(e("a,b\n1,2\n").starts_with("d.csv:1: no target column `y`"));
        assert!(e("a,y\n1,no\n2,no\n3,no\n").contains("never has the positive label `yes`"));
    }

    /// One value of absurd scale is refused, naming the column and the
    /// rows, instead of standardising every other value to 0.
    #[test]
    fn extreme_values_are_refused_with_their_rows() {
        let text = "a,b,y\n1,1,yes\n2,1e300,no\n3,2,yes\n4,-5e16,no\n5,3,yes\n";
        let err = load_str(text, 0.2).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let msg = err.to_string();
        assert!(msg.contains("column `b`"), "{msg}");
        assert!(msg.contains("`1e300` is too large to standardise"), "{msg}");
        assert!(msg.contains("2 such values on lines 3, 5"), "{msg}");
        // Large but sane magnitudes still train.
        let ok = load_str("a,y\n1e12,yes\n2,no\n3e14,yes\n4,no\n5,yes\n", 0.2).unwrap();
        let ColumnEncoding::Numeric { std, .. } = &ok.encoding.columns[0] else {
            panic!("numeric expected");
        };
        assert!(std.is_finite() && *std > 1.0);
    }
}
