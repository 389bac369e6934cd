//! Training data: a CSV file read into row-major `f32` features and 0/1
//! labels, with the encoding (standardisation, one-hot categories) that
//! `predict` applies again. Every problem names `file:line`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::config::TrainConfig;
use super::error::DataError;
use crate::csvfile;

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
                    crate::tr!("train.data.no_model_column", name = c.name()),
                ));
            };
            index.push(i);
            lookup.push(match c {
                ColumnEncoding::Categorical { categories, .. } => {
                    let mut sorted: Vec<(&[u8], usize)> = categories
                        .iter()
                        .enumerate()
                        .map(|(k, v)| (v.as_bytes(), k))
                        .collect();
                    sorted.sort_unstable();
                    sorted
                }
                ColumnEncoding::Numeric { .. } => Vec::new(),
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
    /// Add `other`'s counts (of the same columns) to these.
    pub fn add(&mut self, other: &EncodeCounts) {
        for (a, b) in self.missing.iter_mut().zip(&other.missing) {
            *a += b;
        }
        for (a, b) in self.unseen.iter_mut().zip(&other.unseen) {
            *a += b;
        }
    }
}

/// Applies an [`Encoding`] to the rows of one file.
pub struct RowEncoder<'a> {
    encoding: &'a Encoding,
    file: PathBuf,
    index: Vec<usize>,
    /// Per encoded column, its categories' bytes and positions, sorted by
    /// bytes (found by binary search; empty for numeric columns).
    lookup: Vec<Vec<(&'a [u8], usize)>>,
}

/// The largest magnitude a numeric feature may have. Beyond it one value
/// dominates the column's mean and spread (a single 1e300 leaves every other
/// row standardised to 0), and f32 features lose all resolution; see
/// docs/METHOD.md.
pub const MAX_FEATURE_MAGNITUDE: f64 = 1e15;

#[cfg(test)]
fn is_missing_number(s: &str) -> bool {
    missing_number(s.as_bytes())
}

/// Cells read as missing in a numeric column.
fn missing_number(s: &[u8]) -> bool {
    s.is_empty()
        || (s.len() <= 4
            && [&b"na"[..], b"n/a", b"nan", b"null"]
                .iter()
                .any(|m| s.eq_ignore_ascii_case(m)))
}

#[cfg(test)]
fn parse_number(s: &str) -> Option<f64> {
    number(s.as_bytes())
}

/// A finite number, read as `str::parse::<f64>` reads it (the same
/// values, tested in `number_parses_as_std`), by `fast_float2`: the
/// loader parses every number cell twice, and this is its hot spot.
fn number(s: &[u8]) -> Option<f64> {
    fast_float2::parse::<f64, _>(s)
        .ok()
        .filter(|v| v.is_finite())
}

/// How the first pass keeps one cell for the second, in 4 bytes, so that
/// the second need not read and parse the file again (see [`Cache`]):
///
/// - below [`code::STRING`], a short decimal (`-?digits(.digits)?`, up to
///   7 decimals, all its digits below 2²⁷ as one integer `m`): the bits
///   hold `m`, the sign and the number of decimals `e`, and the value is
///   `±(m / 10^e)`. Both are exact `f64`s and one division rounds
///   correctly, so this is bit for bit what `str::parse` reads (tested in
///   `compact_decimals_read_as_std`);
/// - [`code::STRING`] `| i`: string `i` of the piece's table for the column;
/// - [`code::SPILL`] `| i`: number `i` of the piece's other numbers;
/// - [`code::UNKEPT`]: a string the table had no room for.
mod code {
    pub const STRING: u32 = 0b100 << 29;
    pub const SPILL: u32 = 0b101 << 29;
    pub const UNKEPT: u32 = 0b110 << 29;
    /// The largest index a string or spilled number can have.
    pub const INDEX: u32 = (1 << 29) - 1;
    const MANTISSA: u32 = (1 << 27) - 1;
    const NEGATIVE: u32 = 1 << 27;
    const POW10: [f64; 8] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7];

    /// The code of a short decimal, if `s` is one.
    pub fn compact(s: &[u8]) -> Option<u32> {
        let (negative, digits) = match s.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, s),
        };
        let (int, frac) = match digits.iter().position(|&b| b == b'.') {
            Some(i) => (&digits[..i], &digits[i + 1..]),
            None => (digits, &[][..]),
        };
        if int.is_empty() || (frac.is_empty() && int.len() < digits.len()) || frac.len() > 7 {
            return None;
        }
        let mut m: u32 = 0;
        for &b in int.iter().chain(frac) {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            m = m * 10 + u32::from(d);
            if m > MANTISSA {
                return None;
            }
        }
        Some(m | u32::from(negative) << 27 | (frac.len() as u32) << 28)
    }

    /// The number a code holds, if it holds one.
    pub fn number(code: u32, spill: &[f64]) -> Option<f64> {
        if code < STRING {
            let v = f64::from(code & MANTISSA) / POW10[(code >> 28) as usize];
            Some(if code & NEGATIVE == 0 { v } else { -v })
        } else if code & !INDEX == SPILL {
            spill.get((code & INDEX) as usize).copied()
        } else {
            None
        }
    }
}

/// The cells of one run of rows as the first pass coded them (4 bytes a
/// cell, rows × used columns), for the second pass to encode without the
/// file; a run whose codes do not suffice for the encoding the first pass
/// settles on (see [`Cache::suffices`]) is read again.
#[derive(Debug, Default)]
struct Cache {
    codes: Vec<u32>,
    /// The numbers that are not short decimals.
    spill: Vec<f64>,
    /// Per column, the distinct strings in the run (up to
    /// `MAX_CATEGORIES + 1`).
    strings: Vec<Distinct>,
    /// Per column: whether a cell is coded as a number, or as a string
    /// not kept.
    numbers: Vec<bool>,
    unkept: Vec<bool>,
    /// Each row's line, `line_shift` short.
    lines: Vec<u64>,
    line_shift: u64,
}

impl Cache {
    fn new(columns: usize) -> Cache {
        Cache {
            strings: (0..columns).map(|_| Distinct::default()).collect(),
            numbers: vec![false; columns],
            unkept: vec![false; columns],
            ..Cache::default()
        }
    }

    /// Code the cell of column `k` (`forced`: listed under `[data]
    /// categorical`, so always a string): `compact` is its short-decimal
    /// code and `number` its number, if it is one.
    fn push(
        &mut self,
        k: usize,
        cell: &[u8],
        compact: Option<u32>,
        number: Option<f64>,
        forced: bool,
    ) {
        let code = match (compact, number) {
            (Some(c), _) if !forced => c,
            (None, Some(v)) if !forced && self.spill.len() <= code::INDEX as usize => {
                self.spill.push(v);
                code::SPILL | (self.spill.len() - 1) as u32
            }
            _ => {
                let strings = &mut self.strings[k];
                match strings.position(cell) {
                    Some(i) => code::STRING | i as u32,
                    None if strings.len() <= MAX_CATEGORIES => {
                        strings.insert(cell, 0);
                        code::STRING | (strings.len() - 1) as u32
                    }
                    None => code::UNKEPT,
                }
            }
        };
        if code < code::STRING || code & !code::INDEX == code::SPILL {
            self.numbers[k] = true;
        } else if code == code::UNKEPT {
            self.unkept[k] = true;
        }
        self.codes.push(code);
    }

    /// Whether the codes can be encoded with `encoding`: a categorical
    /// column needs every cell's string (none coded as a number, none not
    /// kept); a numeric column's strings are all missing cells (every
    /// other cell of it is a number).
    fn suffices(&self, encoding: &Encoding) -> bool {
        encoding.columns.iter().enumerate().all(|(k, c)| {
            matches!(c, ColumnEncoding::Numeric { .. }) || !(self.numbers[k] || self.unkept[k])
        })
    }

    /// Whether keeping it for the second pass is worth its memory: not
    /// when more than an eighth of the cells are numbers kept as `f64`s
    /// (5 bytes a cell at most, and the run is read again otherwise).
    fn worth_keeping(&self) -> bool {
        self.spill.len() * 8 <= self.codes.len()
    }
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
        self.encode_cells(|i| record.get(i).unwrap_or(""), line, out, counts)
    }

    /// Encode the row whose cell in column `i` (of the header) is
    /// `cell(i)` into `out` (length `features`).
    pub fn encode_cells<'c>(
        &self,
        cell: impl Fn(usize) -> &'c str,
        line: u64,
        out: &mut [f32],
        counts: &mut EncodeCounts,
    ) -> Result<(), DataError> {
        self.encode_bytes(|i| cell(i).as_bytes(), line, out, counts)
    }

    /// [`RowEncoder::encode_cells`] for cells given as (UTF-8, trimmed) bytes.
    fn encode_bytes<'c>(
        &self,
        cell: impl Fn(usize) -> &'c [u8],
        line: u64,
        out: &mut [f32],
        counts: &mut EncodeCounts,
    ) -> Result<(), DataError> {
        let mut at = 0;
        for (k, c) in self.encoding.columns.iter().enumerate() {
            let cell = cell(self.index[k]);
            match c {
                ColumnEncoding::Numeric { name, mean, std } => {
                    out[at] = if missing_number(cell) {
                        counts.missing[k] += 1;
                        0.0
                    } else {
                        match number(cell) {
                            Some(v) => ((v - mean) / std) as f32,
                            None => {
                                return Err(DataError::new(
                                    &self.file,
                                    line,
                                    crate::tr!(
                                        "train.data.not_a_number",
                                        name = name,
                                        cell = crate::escape::value(&String::from_utf8_lossy(cell))
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
                    let lookup = &self.lookup[k];
                    match lookup.binary_search_by(|(v, _)| (*v).cmp(cell)) {
                        Ok(j) => slots[lookup[j].1] = 1.0,
                        Err(_) => counts.unseen[k] += 1,
                    }
                    at += categories.len();
                }
            }
        }
        Ok(())
    }

    /// Per encoded column of a categorical encoding, for each string of the
    /// run's table (`strings`, in the order of [`Cache::strings`]): its
    /// category's slot, if it is one, and whether it is empty (missing).
    fn string_slots(&self, strings: &[Distinct]) -> Vec<Vec<(Option<usize>, bool)>> {
        self.lookup
            .iter()
            .zip(strings)
            .zip(&self.encoding.columns)
            .map(|((lookup, table), column)| {
                if let ColumnEncoding::Numeric { .. } = column {
                    return Vec::new();
                }
                table
                    .list
                    .iter()
                    .map(|(v, _)| {
                        let slot = lookup
                            .binary_search_by(|(c, _)| (*c).cmp(v))
                            .ok()
                            .map(|j| lookup[j].1);
                        (slot, v.is_empty())
                    })
                    .collect()
            })
            .collect()
    }

    /// [`RowEncoder::encode_bytes`] for a row the first pass coded (`row`:
    /// one code per encoded column), for a [`Cache`] that
    /// [`Cache::suffices`]; `slots` from [`RowEncoder::string_slots`].
    fn encode_codes(
        &self,
        row: &[u32],
        spill: &[f64],
        slots: &[Vec<(Option<usize>, bool)>],
        out: &mut [f32],
        counts: &mut EncodeCounts,
    ) {
        let mut at = 0;
        for (k, (c, &cell)) in self.encoding.columns.iter().zip(row).enumerate() {
            match c {
                ColumnEncoding::Numeric { mean, std, .. } => {
                    // Every cell of a numeric column that is not a number
                    // is a missing one.
                    out[at] = match code::number(cell, spill) {
                        Some(v) => ((v - mean) / std) as f32,
                        None => {
                            counts.missing[k] += 1;
                            0.0
                        }
                    };
                    at += 1;
                }
                ColumnEncoding::Categorical { categories, .. } => {
                    let out = &mut out[at..at + categories.len()];
                    out.fill(0.0);
                    let (slot, empty) = slots[k]
                        .get((cell & code::INDEX) as usize)
                        .copied()
                        .unwrap_or((None, false));
                    if empty {
                        counts.missing[k] += 1;
                    }
                    match slot {
                        Some(j) => out[j] = 1.0,
                        None => counts.unseen[k] += 1,
                    }
                    at += categories.len();
                }
            }
        }
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
            crate::tr!("train.data.invalid_utf8", field = err.field() + 1)
        }
        csv::ErrorKind::Io(io) => crate::tr!("train.data.cannot_read", error = io),
        _ => e.to_string(),
    };
    DataError::new(file, line, message)
}

/// How the rows of a training or scoring file end. Rows end at `\n`, and
/// a `\r` before it is white space that cells lose when trimmed, so the
/// csv reader counts lines exactly in files with Windows line ends too:
/// the crate's own CRLF mode reports the line before
/// (BurntSushi/rust-csv#395). A file whose first line ends with `\r`
/// alone (classic Mac) keeps that mode, where `\r` ends a row.
pub fn row_end(file: &Path, skip: u64) -> Result<csv::Terminator, DataError> {
    use std::io::{Read, Seek};
    let mut f = std::fs::File::open(file).map_err(|e| cannot_read(file, &e))?;
    f.seek(std::io::SeekFrom::Start(skip))
        .map_err(|e| cannot_read(file, &e))?;
    let mut head = Vec::with_capacity(1 << 16);
    f.take(1 << 16)
        .read_to_end(&mut head)
        .map_err(|e| cannot_read(file, &e))?;
    Ok(match memchr::memchr2(b'\r', b'\n', &head) {
        Some(i) if head[i] == b'\r' && head.get(i + 1).is_some_and(|&b| b != b'\n') => {
            csv::Terminator::CRLF
        }
        _ => csv::Terminator::Any(b'\n'),
    })
}

/// The csv reader of training and scoring files (see [`row_end`]), with a
/// header row; otherwise [`csvfile::reader`]'s settings.
pub fn data_reader<R: std::io::Read>(r: R, end: csv::Terminator) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .terminator(end)
        .from_reader(r)
}

/// A blank line with a Windows line end, which rows ending at `\n` read
/// as one field holding `\r` (the csv reader skips empty lines itself).
fn blank_cr(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && record.get(0) == Some(&b"\r"[..])
}

/// Read the header of `rdr` (a [`data_reader`]), names trimmed,
/// refusing an empty file and a name given twice.
pub fn read_header<R: std::io::Read>(
    file: &Path,
    rdr: &mut csv::Reader<R>,
) -> Result<csv::StringRecord, DataError> {
    let mut header = rdr.headers().map_err(|e| csv_error(file, &e))?.clone();
    header.trim();
    if header.is_empty() || header.iter().all(str::is_empty) {
        return Err(DataError::new(file, 1, crate::tr!("train.data.empty_file")));
    }
    let mut seen = BTreeSet::new();
    for name in header.iter() {
        if !seen.insert(name) {
            return Err(DataError::new(
                file,
                1,
                crate::tr!("train.data.column_twice", name = name),
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
    loop {
        if !rdr.read_record(record).map_err(|e| csv_error(file, &e))? {
            return Ok(false);
        }
        if !blank_cr(record.as_byte_record()) {
            break;
        }
    }
    if record.len() != width {
        return Err(DataError::new(
            file,
            record_line(record),
            crate::tr!(
                "train.data.field_count",
                fields = record.len(),
                width = width
            ),
        ));
    }
    record.trim();
    Ok(true)
}

/// The line a record starts on.
pub fn record_line(record: &csv::StringRecord) -> u64 {
    record.position().map_or(1, csv::Position::line)
}

/// Rows between the checkpoints of the first pass: where the second pass's
/// threads start reading, and where the training part's statistics are
/// finished once the row count (and so the split) is known.
const CHECKPOINT_ROWS: usize = 16_384;

/// Load and encode `file` for `cfg`. The last `validation_split` share of
/// rows, before any shuffling, is the validation part (Keras semantics);
/// statistics and categories come from the training part only.
///
/// The file's text is never held in memory. The first pass checks every
/// row, gathers per-column statistics and codes each cell in 4 bytes (on
/// the rayon pool, in pieces cut at line ends and merged in file order, so
/// the result does not depend on the cuts; one reader from the first piece
/// that holds a quote character on). The second (on the rayon pool, one
/// job per piece) writes the encoded features straight into the training
/// and validation matrices from the codes, or, for a piece whose codes do
/// not suffice (see [`Cache`]), by reading its rows again. See
/// docs/PERFORMANCE.md (Training) for its speed and memory.
pub fn load(file: &Path, cfg: &TrainConfig) -> Result<Dataset, DataError> {
    load_with(file, cfg, CHECKPOINT_ROWS, PIECE_BYTES)
}

fn cannot_read(file: &Path, e: &std::io::Error) -> DataError {
    DataError::new(file, 1, crate::tr!("train.data.cannot_read", error = e))
}

/// Which columns are used, from the header and `[data]`.
fn used_columns(
    file: &Path,
    names: &[&str],
    cfg: &TrainConfig,
) -> Result<(usize, Vec<usize>), DataError> {
    let head_err = |msg: String| DataError::new(file, 1, msg);
    let Some(target) = names.iter().position(|n| *n == cfg.target) else {
        return Err(head_err(crate::tr!(
            "train.data.no_target",
            target = cfg.target,
            columns = names.join(", ")
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
                    return Err(head_err(crate::tr!(
                        "train.data.include_target",
                        name = inc
                    )));
                }
                Some(i) => used.push(i),
                None => {
                    return Err(head_err(crate::tr!(
                        "train.data.include_missing",
                        name = inc,
                        columns = names.join(", ")
                    )));
                }
            }
        }
    }
    if used.is_empty() {
        return Err(head_err(crate::tr!("train.data.no_features")));
    }
    Ok((target, used))
}

/// Count, sum and Welford's running mean and squared deviations of the
/// numbers of one column. The mean reported is `sum / count` (the sum in
/// row order); `m2` gives the spread without a second pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Moments {
    count: usize,
    sum: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, v: f64) {
        self.count += 1;
        self.sum += v;
        let d = v - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (v - self.mean);
    }
    /// `(mean, std)` as the encoding stores them.
    fn mean_std(&self) -> (f64, f64) {
        if self.count == 0 {
            return (0.0, 1.0);
        }
        let mean = self.sum / self.count as f64;
        let std = (self.m2.max(0.0) / self.count as f64).sqrt();
        let std = if std.is_finite() && std > 1e-12 {
            std
        } else {
            1.0
        };
        (mean, std)
    }
}

/// What the first pass learns about one used column, over a run of rows
/// (a piece of the file, or the whole file once the pieces are merged).
#[derive(Debug, Default)]
struct ColumnScan {
    /// Cells that are not missing, and those of them that are numbers.
    present: usize,
    numeric: usize,
    /// The first present cell that is not a number: (line, cell).
    first_bad: Option<(u64, String)>,
    /// Numbers beyond [`MAX_FEATURE_MAGNITUDE`]: how many, the first
    /// cell, the lines of the first five.
    huge: usize,
    huge_first: String,
    huge_lines: Vec<u64>,
    /// Over the rows read so far (checkpointed for the training part):
    /// gathered by [`Pass1::merge`] from the numbers of each piece, in file
    /// order (in a piece's own scan, empty).
    moments: Moments,
    /// Distinct cells with the first row they are on, up to
    /// `MAX_CATEGORIES + 1` of them.
    values: Distinct,
    /// The row of the first distinct value not kept in `values`.
    overflow: Option<usize>,
    /// Whether to gather `values` in this piece (not once the rows before
    /// it are known to have overflowed: they would be dropped).
    skip_values: bool,
}

/// Distinct cells in the order first seen, with their first row: a short
/// list is searched, a longer one hashed (most columns that become
/// categories have a few values; a numeric column stops at
/// `MAX_CATEGORIES + 1`).
#[derive(Debug, Default, PartialEq)]
struct Distinct {
    list: Vec<(Box<[u8]>, usize)>,
    /// Positions in `list`, once it is longer than [`Distinct::SCAN`].
    index: HashMap<Box<[u8]>, usize>,
}

impl Distinct {
    const SCAN: usize = 16;

    fn len(&self) -> usize {
        self.list.len()
    }

    fn contains(&self, v: &[u8]) -> bool {
        self.position(v).is_some()
    }

    fn position(&self, v: &[u8]) -> Option<usize> {
        if self.list.len() <= Self::SCAN {
            self.list.iter().position(|(k, _)| **k == *v)
        } else {
            self.index.get(v).copied()
        }
    }

    /// Add `v` (not yet in the set), first seen on `row`.
    fn insert(&mut self, v: &[u8], row: usize) {
        self.list.push((v.into(), row));
        if self.list.len() == Self::SCAN + 1 {
            self.index = self
                .list
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
        } else if self.list.len() > Self::SCAN + 1 {
            self.index.insert(v.into(), self.list.len() - 1);
        }
    }
}

impl ColumnScan {
    /// Note one cell (trimmed UTF-8): its code, if it is a short decimal
    /// (its number is not needed here: it is below
    /// [`MAX_FEATURE_MAGNITUDE`]), or else its number, if it is one.
    fn update(&mut self, row: usize, line: u64, cell: &[u8]) -> (Option<f64>, Option<u32>) {
        let compact = code::compact(cell);
        let missing = compact.is_none() && missing_number(cell);
        let number = if compact.is_some() || missing {
            None
        } else {
            number(cell)
        };
        if !missing {
            self.present += 1;
            if compact.is_some() || number.is_some() {
                self.numeric += 1;
            } else if self.first_bad.is_none() {
                self.first_bad = Some((line, String::from_utf8_lossy(cell).into_owned()));
            }
        }
        if let Some(v) = number
            && v.abs() > MAX_FEATURE_MAGNITUDE
        {
            if self.huge == 0 {
                self.huge_first = String::from_utf8_lossy(cell).into_owned();
            }
            self.huge += 1;
            if self.huge_lines.len() < 5 {
                self.huge_lines.push(line);
            }
        }
        if self.overflow.is_none() && !self.skip_values && !self.values.contains(cell) {
            if self.values.len() <= MAX_CATEGORIES {
                self.values.insert(cell, row);
            } else {
                self.overflow = Some(row);
            }
        }
        (number, compact)
    }

    /// Add the scan of the rows that follow (`piece`, whose rows start at
    /// row `row0` and whose lines are `line_shift` short), as if its rows had
    /// been read one by one after these. The moments are left to the
    /// caller (see [`Pass1::merge`]).
    fn merge(&mut self, piece: ColumnScan, row0: usize, line_shift: u64) {
        self.present += piece.present;
        self.numeric += piece.numeric;
        if self.first_bad.is_none() {
            self.first_bad = piece.first_bad.map(|(l, s)| (l + line_shift, s));
        }
        if self.huge == 0 && piece.huge > 0 {
            self.huge_first = piece.huge_first;
        }
        self.huge += piece.huge;
        for l in piece.huge_lines {
            if self.huge_lines.len() < 5 {
                self.huge_lines.push(l + line_shift);
            }
        }
        if self.overflow.is_some() {
            return;
        }
        // The piece's distinct values in the order they first appear: the
        // ones new here are kept (or overflow) just as row by row. A piece
        // that overflowed kept its first MAX_CATEGORIES + 1 values, so by
        // now these are full (or overflowed above) and its overflow value,
        // not among them, is new here too. (A piece skips its values only
        // when the rows before it overflowed, and then this is not reached.)
        for (v, row) in piece.values.list {
            if self.values.contains(&v) {
                continue;
            }
            if self.values.len() <= MAX_CATEGORIES {
                self.values.insert(&v, row0 + row);
            } else {
                self.overflow = Some(row0 + row);
                return;
            }
        }
        self.overflow = piece.overflow.map(|row| row0 + row);
    }
}

/// Where the first pass was at a row: the reader's position at the start
/// of the row, and the numeric moments of the rows before it.
#[derive(Debug)]
struct Checkpoint {
    row: usize,
    /// Byte offset in the file (past any byte-order mark) and line.
    byte: u64,
    line: u64,
    moments: Vec<Moments>,
    /// The coded cells of the rows up to the next checkpoint, unless they
    /// are not worth their memory ([`Cache::worth_keeping`]).
    cache: Option<Cache>,
}

/// A record's cell `i` as trimmed bytes (empty past the end). The record
/// has passed [`check_utf8`].
fn cell(record: &csv::ByteRecord, i: usize) -> &[u8] {
    record.get(i).map_or(&b""[..], trim)
}

/// `s` (UTF-8) trimmed exactly as `str::trim` trims it: ASCII white space
/// here, anything else by `str::trim` (rare: a cell starting or ending in
/// a non-ASCII character).
fn trim(s: &[u8]) -> &[u8] {
    let space = |b: &u8| matches!(*b, b'\t'..=b'\r' | b' ');
    let start = s.iter().position(|b| !space(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !space(b)).map_or(start, |i| i + 1);
    let s = &s[start..end];
    match (s.first(), s.last()) {
        (Some(a), Some(z)) if !a.is_ascii() || !z.is_ascii() => {
            std::str::from_utf8(s).map_or(s, |t| t.trim().as_bytes())
        }
        _ => s,
    }
}

/// Refuse a record that is not UTF-8, as reading it as a
/// `csv::StringRecord` would (field number and line).
fn check_utf8(file: &Path, record: &csv::ByteRecord) -> Result<(), DataError> {
    // The whole record valid and no field starting inside a character
    // means every field is valid.
    let whole = std::str::from_utf8(record.as_slice()).is_ok();
    if whole
        && record
            .iter()
            .all(|f| f.first().is_none_or(|&b| !(0x80..0xC0).contains(&b)))
    {
        return Ok(());
    }
    let field = record
        .iter()
        .position(|f| std::str::from_utf8(f).is_err())
        .unwrap_or(0);
    Err(DataError::new(
        file,
        record_position_line(record),
        crate::tr!("train.data.invalid_utf8", field = field + 1),
    ))
}

fn record_position_line(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(1, csv::Position::line)
}

/// A csv reader over `file` from byte `byte` (past the byte-order mark
/// of `skip` bytes), which is on line `line` and row `row` (no header row);
/// rows end at `end` ([`row_end`]).
fn reader_at(
    file: &Path,
    (skip, end): (u64, csv::Terminator),
    byte: u64,
    line: u64,
    row: usize,
) -> Result<csv::Reader<std::fs::File>, DataError> {
    let f = std::fs::File::open(file).map_err(|e| cannot_read(file, &e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(end)
        .buffer_capacity(1 << 16)
        .from_reader(f);
    let mut pos = csv::Position::new();
    pos.set_byte(byte).set_line(line).set_record(row as u64);
    rdr.seek_raw(std::io::SeekFrom::Start(skip + byte), pos)
        .map_err(|e| csv_error(file, &e))?;
    Ok(rdr)
}

/// Read the next record of a data row into `record`: `Ok(false)` at the
/// end; the field count checked, and UTF-8 if `utf8` (the first pass;
/// the second reads rows the first has checked, and what it does with a
/// cell's bytes is safe whatever they are).
fn next_row<R: std::io::Read>(
    file: &Path,
    rdr: &mut csv::Reader<R>,
    width: usize,
    record: &mut csv::ByteRecord,
    utf8: bool,
) -> Result<bool, DataError> {
    loop {
        if !rdr
            .read_byte_record(record)
            .map_err(|e| csv_error(file, &e))?
        {
            return Ok(false);
        }
        if !blank_cr(record) {
            break;
        }
    }
    if utf8 {
        check_utf8(file, record)?;
    }
    if record.len() != width {
        return Err(DataError::new(
            file,
            record_position_line(record),
            crate::tr!(
                "train.data.field_count",
                fields = record.len(),
                width = width
            ),
        ));
    }
    Ok(true)
}

/// Bytes of the file one job of the parallel first pass reads, roughly:
/// the file is cut at line ends near multiples of this.
const PIECE_BYTES: u64 = 4 << 20;

/// The labels gathered for the "values:" list of the one-class error come
/// from the first this many rows.
const LABEL_ROWS: usize = 10_000;

/// What the first pass reads from one run of rows. Rows count from the
/// run's start; lines and bytes are as the run's reader reports them.
#[derive(Debug, Default)]
struct PieceScan {
    rows: usize,
    /// The position of the first row: (byte, line).
    first: Option<(u64, u64)>,
    labels: Vec<f32>,
    /// Labels first seen in the run's first [`LABEL_ROWS`] rows, with the row.
    label_values: BTreeMap<String, usize>,
    columns: Vec<ColumnScan>,
    /// The run's cells, coded: [`Pass1::merge`] adds their numbers to the
    /// moments in file order, so that the statistics do not depend on
    /// where the file was cut (they are bit for bit those of one reader
    /// going row by row), and the second pass encodes them.
    cache: Cache,
}

/// The fixed inputs of the first pass.
struct Scanner<'a> {
    file: &'a Path,
    width: usize,
    target: usize,
    used: &'a [usize],
    /// Per used column: listed under `[data] categorical`.
    forced: &'a [bool],
    cfg: &'a TrainConfig,
    /// How rows end ([`row_end`]).
    end: csv::Terminator,
}

impl Scanner<'_> {
    /// Read up to `max_rows` rows from `rdr`, checking each; the distinct
    /// values of the columns marked in `skip_values` are not gathered.
    fn scan<R: std::io::Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        max_rows: usize,
        skip_values: &[bool],
    ) -> Result<PieceScan, DataError> {
        let mut piece = PieceScan {
            columns: skip_values
                .iter()
                .map(|&skip_values| ColumnScan {
                    skip_values,
                    ..ColumnScan::default()
                })
                .collect(),
            cache: Cache::new(skip_values.len()),
            ..PieceScan::default()
        };
        let mut record = csv::ByteRecord::new();
        while piece.rows < max_rows && next_row(self.file, rdr, self.width, &mut record, true)? {
            let n = piece.rows;
            let line = record_position_line(&record);
            if piece.first.is_none() {
                let byte = record.position().map_or(0, csv::Position::byte);
                piece.first = Some((byte, line));
            }
            let label = cell(&record, self.target);
            if label.is_empty() {
                return Err(DataError::new(
                    self.file,
                    line,
                    crate::tr!("train.data.empty_target", target = self.cfg.target),
                ));
            }
            piece
                .labels
                .push(f32::from(u8::from(label == self.cfg.positive.as_bytes())));
            if n < LABEL_ROWS {
                let label = String::from_utf8_lossy(label);
                if !piece.label_values.contains_key(&*label) {
                    piece.label_values.insert(label.into_owned(), n);
                }
            }
            for (k, (scan, &c)) in piece.columns.iter_mut().zip(self.used).enumerate() {
                let cell = cell(&record, c);
                let (number, compact) = scan.update(n, line, cell);
                piece.cache.push(k, cell, compact, number, self.forced[k]);
            }
            piece.cache.lines.push(line);
            piece.rows += 1;
        }
        piece.cache.codes.shrink_to_fit();
        piece.cache.lines.shrink_to_fit();
        Ok(piece)
    }

    /// Scan the piece of the file from byte `start` to `end` (past the
    /// byte-order mark of `skip` bytes), on its own reader: lines count
    /// from 1 and bytes from 0 at `start`. Also says how many line ends it
    /// holds and whether it holds a quote character (then it, and what
    /// follows, may have been cut inside a quoted field: see [`load_with`]).
    fn scan_piece(
        &self,
        skip: u64,
        start: u64,
        end: u64,
        skip_values: &[bool],
    ) -> (Result<PieceScan, DataError>, Watch) {
        use std::io::{Read, Seek};
        let mut watch = Watch::default();
        let opened = std::fs::File::open(self.file)
            .and_then(|mut f| f.seek(std::io::SeekFrom::Start(skip + start)).map(|_| f));
        let f = match opened {
            Ok(f) => f,
            Err(e) => return (Err(cannot_read(self.file, &e)), watch),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .terminator(self.end)
            .from_reader(Watched {
                inner: f.take(end - start),
                watch: &mut watch,
            });
        let scanned = self.scan(&mut rdr, usize::MAX, skip_values);
        drop(rdr);
        (scanned, watch)
    }
}

/// What [`Watched`] saw in the bytes it passed on.
#[derive(Debug, Default, Clone, Copy)]
struct Watch {
    newlines: u64,
    quoted: bool,
}

/// A reader that counts the line ends in what it reads and notes a quote.
struct Watched<'w, R> {
    inner: R,
    watch: &'w mut Watch,
}

impl<R: std::io::Read> std::io::Read for Watched<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        self.watch.newlines += memchr::memchr_iter(b'\n', got).count() as u64;
        self.watch.quoted |= memchr::memchr(b'"', got).is_some();
        Ok(n)
    }
}

/// Where to cut the data (bytes `start..len` of the file past its
/// byte-order mark of `skip` bytes) into pieces of about `piece` bytes:
/// the first piece starts at `start`, the last ends at `len`; every other
/// cut is at a line end, so a row starts there unless a quoted field runs
/// across it (which [`Watched`] detects). The cut is after the `\n`, where
/// a reader whose rows end at `\n` ([`row_end`]) is between rows.
fn cuts(file: &Path, skip: u64, start: u64, len: u64, piece: u64) -> Result<Vec<u64>, DataError> {
    use std::io::{Read, Seek};
    let mut cuts = vec![start];
    if start >= len {
        return Ok(cuts);
    }
    let mut f = std::fs::File::open(file).map_err(|e| cannot_read(file, &e))?;
    let mut window = vec![0u8; 1 << 16];
    let mut target = start.saturating_add(piece.max(1));
    'cut: while target < len {
        // Look for a line end from the byte before `target` on.
        let mut from = target - 1;
        loop {
            f.seek(std::io::SeekFrom::Start(skip + from))
                .map_err(|e| cannot_read(file, &e))?;
            let got = f.read(&mut window).map_err(|e| cannot_read(file, &e))?;
            if got == 0 {
                break 'cut;
            }
            let window = &window[..got];
            if let Some(i) = window[1..].iter().position(|&b| b == b'\n') {
                let at = from + 1 + i as u64;
                let cut = at + 1;
                if cut >= len {
                    break 'cut;
                }
                if cut > *cuts.last().unwrap_or(&start) {
                    cuts.push(cut);
                }
                target = cut.max(target).saturating_add(piece.max(1));
                continue 'cut;
            }
            if got < 2 {
                break 'cut;
            }
            from += got as u64 - 1;
        }
    }
    cuts.push(len);
    Ok(cuts)
}

/// The first pass over the whole file: its pieces merged in file order.
struct Pass1 {
    rows: usize,
    labels: Vec<f32>,
    label_values: BTreeSet<String>,
    columns: Vec<ColumnScan>,
    checkpoints: Vec<Checkpoint>,
}

impl Pass1 {
    /// The columns whose distinct values overflowed: later pieces need not
    /// gather theirs.
    fn overflowed(&self) -> Vec<bool> {
        self.columns.iter().map(|c| c.overflow.is_some()).collect()
    }

    /// Add the rows of `piece`, which follow those merged so far; its
    /// bytes and lines are `byte_shift` and `line_shift` short.
    fn merge(&mut self, piece: PieceScan, byte_shift: u64, line_shift: u64) {
        let Some((byte, line)) = piece.first else {
            return;
        };
        let moments = self.columns.iter().map(|c| c.moments).collect();
        for (label, row) in piece.label_values {
            if self.rows + row < LABEL_ROWS {
                self.label_values.insert(label);
            }
        }
        self.labels.extend(piece.labels);
        // The moments in file order, bit for bit those of one reader.
        let mut cache = piece.cache;
        let width = self.columns.len();
        for row in cache.codes.chunks_exact(width) {
            for (c, &code) in self.columns.iter_mut().zip(row) {
                if let Some(v) = code::number(code, &cache.spill) {
                    c.moments.push(v);
                }
            }
        }
        cache.line_shift = line_shift;
        self.checkpoints.push(Checkpoint {
            row: self.rows,
            byte: byte + byte_shift,
            line: line + line_shift,
            moments,
            cache: cache.worth_keeping().then_some(cache),
        });
        for (c, p) in self.columns.iter_mut().zip(piece.columns) {
            c.merge(p, self.rows, line_shift);
        }
        self.rows += piece.rows;
    }
}

/// Where the parallel first pass is: the next piece to merge, where it
/// starts and on which line.
struct Resume {
    piece: usize,
    byte: u64,
    line: u64,
}

/// Merge the scans of the pieces from `at.piece` on, in order. `Ok(false)`
/// at a piece that holds a quote character (it, and the pieces after it,
/// may have been cut inside a quoted field): `at` is then its start. An
/// error in a piece before that is the file's first, at its line.
fn merge_wave(
    pass: &mut Pass1,
    at: &mut Resume,
    cuts: &[u64],
    scanned: Vec<(Result<PieceScan, DataError>, Watch)>,
) -> Result<bool, DataError> {
    for (result, watch) in scanned {
        if watch.quoted {
            return Ok(false);
        }
        let piece = result.map_err(|mut e| {
            e.line += at.line - 1;
            e
        })?;
        pass.merge(piece, at.byte, at.line - 1);
        at.piece += 1;
        at.byte = cuts[at.piece];
        at.line += watch.newlines;
    }
    Ok(true)
}

fn load_with(
    file: &Path,
    cfg: &TrainConfig,
    every: usize,
    piece_bytes: u64,
) -> Result<Dataset, DataError> {
    load_counted(file, cfg, every, piece_bytes).map(|(d, _)| d)
}

/// How the second pass went: runs of rows encoded from their codes, and
/// runs read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Pass2 {
    coded: usize,
    reread: usize,
}

#[allow(clippy::too_many_lines)]
fn load_counted(
    file: &Path,
    cfg: &TrainConfig,
    every: usize,
    piece_bytes: u64,
) -> Result<(Dataset, Pass2), DataError> {
    let (f, _, skip) = csvfile::open_past_bom(file).map_err(|e| cannot_read(file, &e))?;
    let len = f
        .metadata()
        .map_err(|e| cannot_read(file, &e))?
        .len()
        .saturating_sub(skip);
    let end = row_end(file, skip)?;
    let mut rdr = data_reader(f, end);
    let header = read_header(file, &mut rdr)?;
    let names: Vec<&str> = header.iter().collect();
    let head_err = |msg: String| DataError::new(file, 1, msg);
    let (target, used) = used_columns(file, &names, cfg)?;
    let width = header.len();
    let start = rdr.position().clone();
    drop(rdr);
    let forced: Vec<bool> = used
        .iter()
        .map(|&c| cfg.categorical.iter().any(|x| *x == names[c]))
        .collect();
    let scanner = Scanner {
        file,
        width,
        target,
        used: &used,
        forced: &forced,
        cfg,
        end,
    };

    // Pass 1: check every row; labels, and per-column statistics. The
    // data is cut into pieces at line ends, scanned a few per thread at a
    // time and merged in file order. A piece that holds a quote character
    // may have been cut inside a quoted field (which can hold line ends):
    // from its start on, the rest of the file is read by one reader.
    let mut pass = Pass1 {
        rows: 0,
        labels: Vec::new(),
        label_values: BTreeSet::new(),
        columns: used.iter().map(|_| ColumnScan::default()).collect(),
        checkpoints: Vec::new(),
    };
    let cuts = cuts(file, skip, start.byte(), len, piece_bytes)?;
    let pieces = cuts.len() - 1;
    let mut at = Resume {
        piece: 0,
        byte: start.byte(),
        line: start.line(),
    };
    // Wave after wave of pieces: one wave scanned on the pool while the
    // one before is merged.
    let wave = 2 * rayon::current_num_threads();
    let mut scanned: Vec<(Result<PieceScan, DataError>, Watch)> = Vec::new();
    let mut from = 0;
    loop {
        let upto = (from + wave).min(pieces);
        let overflowed = pass.overflowed();
        let (merged, fresh) = rayon::join(
            || merge_wave(&mut pass, &mut at, &cuts, std::mem::take(&mut scanned)),
            || {
                (from..upto)
                    .into_par_iter()
                    .map(|k| scanner.scan_piece(skip, cuts[k], cuts[k + 1], &overflowed))
                    .collect::<Vec<_>>()
            },
        );
        if !merged? || from == upto {
            break;
        }
        scanned = fresh;
        from = upto;
    }
    if at.piece < pieces {
        let mut rdr = reader_at(file, (skip, scanner.end), at.byte, at.line, pass.rows)?;
        loop {
            let piece = scanner.scan(&mut rdr, every.max(1), &pass.overflowed())?;
            if piece.rows == 0 {
                break;
            }
            pass.merge(piece, 0, 0);
        }
    }
    let Pass1 {
        rows: n,
        mut labels,
        label_values: target_values,
        columns: scans,
        mut checkpoints,
    } = pass;
    if n == 0 {
        return Err(head_err(crate::tr!("train.data.no_rows")));
    }
    let n_train = ((n as f64) * (1.0 - cfg.validation_split)).floor() as usize;
    let n_valid = n - n_train;
    if n_train < 2 || (cfg.validation_split > 0.0 && n_valid == 0) {
        return Err(head_err(crate::tr!(
            "train.data.too_few_rows",
            n = n,
            split = cfg.validation_split,
            train = n_train,
            valid = n_valid
        )));
    }
    let positives = labels.iter().filter(|&&y| y > 0.5).count();
    if positives == 0 || positives == n {
        let values: Vec<&str> = target_values.iter().map(String::as_str).take(8).collect();
        return Err(head_err(crate::tr!(
            if positives == 0 {
                "train.data.never_positive"
            } else {
                "train.data.always_positive"
            },
            target = cfg.target,
            positive = cfg.positive,
            values = values.join(", ")
        )));
    }
    let train_pos = labels[..n_train].iter().filter(|&&y| y > 0.5).count();
    if train_pos == 0 || train_pos == n_train {
        return Err(head_err(crate::tr!(
            "train.data.one_class_in_training",
            n = n_train,
            target = cfg.target
        )));
    }

    // The numeric moments of the training part: the last checkpoint at or
    // before its end, and the rows from there.
    let train_moments: Vec<Moments> = if n_train == n {
        scans.iter().map(|s| s.moments).collect()
    } else {
        let at = &checkpoints[checkpoints
            .partition_point(|c| c.row <= n_train)
            .saturating_sub(1)];
        let mut moments = at.moments.clone();
        if at.row < n_train {
            let mut rdr = reader_at(file, (skip, scanner.end), at.byte, at.line, at.row)?;
            let mut record = csv::ByteRecord::new();
            for _ in at.row..n_train {
                if !next_row(file, &mut rdr, width, &mut record, false)? {
                    return Err(head_err(crate::tr!("train.data.changed")));
                }
                for (m, &c) in moments.iter_mut().zip(&used) {
                    let s = cell(&record, c);
                    if !missing_number(s)
                        && let Some(v) = number(s)
                    {
                        m.push(v);
                    }
                }
            }
        }
        moments
    };

    // Column types and statistics, checked in column order.
    let mut columns = Vec::with_capacity(used.len());
    for (k, &c) in used.iter().enumerate() {
        let name = names[c];
        let scan = &scans[k];
        let forced = cfg.categorical.iter().any(|x| x == name);
        let (present, numeric) = (scan.present, scan.numeric);
        let all_numeric = present > 0 && numeric == present;
        if !forced && !all_numeric && numeric * 10 >= present * 9 && present > 0 {
            let distinct_over_20 = scan.overflow.is_some() || scan.values.len() > 20;
            if distinct_over_20 {
                let (line, bad) = scan
                    .first_bad
                    .as_ref()
                    .map_or((1, ""), |(l, s)| (*l, s.as_str()));
                return Err(DataError::new(
                    file,
                    line,
                    crate::tr!(
                        "train.data.mostly_numbers",
                        name = name,
                        cell = crate::escape::value(bad),
                        numeric = numeric,
                        present = present
                    ),
                ));
            }
        }
        if !forced && all_numeric {
            if scan.huge > 0 {
                let shown: Vec<String> = scan.huge_lines.iter().map(u64::to_string).collect();
                let more = if scan.huge > 5 { ", …" } else { "" };
                return Err(DataError::new(
                    file,
                    scan.huge_lines.first().copied().unwrap_or(1),
                    crate::tr!(
                        if scan.huge == 1 {
                            "train.data.too_large_one"
                        } else {
                            "train.data.too_large_many"
                        },
                        name = name,
                        cell = scan.huge_first,
                        limit = format!("{MAX_FEATURE_MAGNITUDE:e}"),
                        count = scan.huge,
                        shown = format!("{}{more}", shown.join(", "))
                    ),
                ));
            }
            let (mean, std) = train_moments[k].mean_std();
            columns.push(ColumnEncoding::Numeric {
                name: name.to_string(),
                mean,
                std,
            });
        } else {
            let mut categories: Vec<&[u8]> = scan
                .values
                .list
                .iter()
                .filter(|(_, first)| *first < n_train)
                .map(|(v, _)| &**v)
                .collect();
            let too_many = scan.overflow.is_some_and(|row| row < n_train);
            if too_many
                || categories.len() > MAX_CATEGORIES
                || (categories.len() > 50 && categories.len() * 2 > n_train)
            {
                let count = if too_many {
                    crate::tr!("train.data.more_than", n = MAX_CATEGORIES)
                } else {
                    categories.len().to_string()
                };
                return Err(head_err(crate::tr!(
                    "train.data.too_many_values",
                    name = name,
                    count = count
                )));
            }
            categories.sort_unstable();
            columns.push(ColumnEncoding::Categorical {
                name: name.to_string(),
                categories: categories
                    .into_iter()
                    .map(|v| String::from_utf8_lossy(v).into_owned())
                    .collect(),
            });
        }
    }
    drop(scans);
    let features = columns.iter().map(ColumnEncoding::width).sum();
    let encoding = Encoding {
        target: cfg.target.clone(),
        positive: cfg.positive.clone(),
        columns,
        features,
    };

    // Pass 2: encode straight into the two matrices, one job per
    // checkpoint, each from its rows' codes or, where they do not suffice,
    // reading its rows again.
    let encoder = encoding.encoder(file, &header)?;
    let mut train_x = vec![0.0f32; n_train * features];
    let mut valid_x = vec![0.0f32; n_valid * features];
    let mut jobs = Vec::with_capacity(checkpoints.len());
    {
        let (mut train_rest, mut valid_rest) = (train_x.as_mut_slice(), valid_x.as_mut_slice());
        let ends: Vec<usize> = checkpoints.iter().skip(1).map(|c| c.row).collect();
        for (i, at) in checkpoints.iter_mut().enumerate() {
            let end = ends.get(i).copied().unwrap_or(n);
            let t = end.min(n_train).saturating_sub(at.row);
            let v = end - at.row - t;
            let (tx, rest) = std::mem::take(&mut train_rest).split_at_mut(t * features);
            train_rest = rest;
            let (vx, rest) = std::mem::take(&mut valid_rest).split_at_mut(v * features);
            valid_rest = rest;
            let cache = at
                .cache
                .take()
                .filter(|c| c.lines.len() == end - at.row && c.suffices(&encoding));
            jobs.push((&*at, end, tx, vx, cache));
        }
    }
    let columns = encoding.columns.len();
    let encoded: Vec<Result<Encoded, DataError>> = jobs
        .into_par_iter()
        .map(|(at, end, tx, vx, cache)| {
            let mut out = Encoded {
                train: EncodeCounts::new(columns),
                valid: EncodeCounts::new(columns),
                valid_lines: Vec::new(),
                reread: cache.is_none(),
            };
            let (mut tx, mut vx) = (tx.chunks_exact_mut(features), vx.chunks_exact_mut(features));
            if let Some(cache) = cache {
                let slots = encoder.string_slots(&cache.strings);
                let rows = cache.codes.chunks_exact(columns).zip(&cache.lines);
                for (row, (codes, &line)) in (at.row..end).zip(rows) {
                    let (slot, counts) = if row < n_train {
                        (tx.next(), &mut out.train)
                    } else {
                        out.valid_lines.push(line + cache.line_shift);
                        (vx.next(), &mut out.valid)
                    };
                    let Some(slot) = slot else {
                        return Err(head_err(crate::tr!("train.data.changed")));
                    };
                    encoder.encode_codes(codes, &cache.spill, &slots, slot, counts);
                }
                return Ok(out);
            }
            let mut rdr = reader_at(file, (skip, scanner.end), at.byte, at.line, at.row)?;
            let mut record = csv::ByteRecord::new();
            for row in at.row..end {
                if !next_row(file, &mut rdr, width, &mut record, false)? {
                    return Err(head_err(crate::tr!("train.data.changed")));
                }
                let line = record_position_line(&record);
                let (slot, counts) = if row < n_train {
                    (tx.next(), &mut out.train)
                } else {
                    out.valid_lines.push(line);
                    (vx.next(), &mut out.valid)
                };
                let Some(slot) = slot else {
                    return Err(head_err(crate::tr!("train.data.changed")));
                };
                encoder.encode_bytes(|i| cell(&record, i), line, slot, counts)?;
            }
            Ok(out)
        })
        .collect();
    let mut train_counts = EncodeCounts::new(columns);
    let mut valid_counts = EncodeCounts::new(columns);
    let mut valid_lines = Vec::with_capacity(n_valid);
    let mut pass2 = Pass2::default();
    for part in encoded {
        let part = part?;
        if part.reread {
            pass2.reread += 1;
        } else {
            pass2.coded += 1;
        }
        train_counts.add(&part.train);
        valid_counts.add(&part.valid);
        valid_lines.extend(part.valid_lines);
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
    let valid_y = labels.split_off(n_train);
    let train_y = labels;
    let dataset = Dataset {
        file: file.to_path_buf(),
        balance_train: Balance::of(&train_y),
        balance_valid: Balance::of(&valid_y),
        encoding,
        train_x,
        train_y,
        valid_x,
        valid_y,
        valid_lines,
        missing,
        unseen_valid: valid_counts.total_unseen(),
    };
    Ok((dataset, pass2))
}

/// What one job of the second pass counted.
struct Encoded {
    train: EncodeCounts,
    valid: EncodeCounts,
    valid_lines: Vec<u64>,
    /// Whether it read its rows again (its codes did not suffice).
    reread: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loader before streaming (every row held as text, two-pass
    /// variance), kept as the reference the streaming loader must match.
    #[allow(clippy::too_many_lines)]
    fn reference_parse(file: &Path, bytes: &[u8], cfg: &TrainConfig) -> Result<Dataset, DataError> {
        let mut rdr = data_reader(bytes, row_end(file, 0)?);
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
                    .filter(|(_, s)| {
                        parse_number(s).is_some_and(|v| v.abs() > MAX_FEATURE_MAGNITUDE)
                    })
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

    /// The old loader's result for `bytes` (as `load` read them).
    fn reference_load(file: &Path, cfg: &TrainConfig) -> Result<Dataset, DataError> {
        let bytes = std::fs::read(file).map_err(|e| cannot_read(file, &e))?;
        reference_parse(file, csvfile::strip_bom(&bytes), cfg)
    }

    /// The two loaders agree: the same error, or the same encoding (the
    /// spread to 1e-12, computed in one pass instead of two) and the same
    /// matrices, labels, lines and counts, bit for bit.
    fn assert_same(streamed: &Result<Dataset, DataError>, reference: &Result<Dataset, DataError>) {
        let (s, r) = match (streamed, reference) {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                assert_eq!(s.as_ref().err(), r.as_ref().err());
                return;
            }
        };
        assert_eq!(s.encoding.columns.len(), r.encoding.columns.len());
        for (a, b) in s.encoding.columns.iter().zip(&r.encoding.columns) {
            match (a, b) {
                (
                    ColumnEncoding::Numeric { name, mean, std },
                    ColumnEncoding::Numeric {
                        name: n2,
                        mean: m2,
                        std: s2,
                    },
                ) => {
                    assert_eq!((name, mean.to_bits()), (n2, m2.to_bits()));
                    assert!(
                        (std - s2).abs() <= 1e-12 * s2.abs(),
                        "{name}: {std} vs {s2}"
                    );
                }
                _ => assert_eq!(a, b),
            }
        }
        assert_eq!(s.encoding.features, r.encoding.features);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
        assert!(
            bits(&s.train_x) == bits(&r.train_x),
            "training matrices differ"
        );
        assert!(
            bits(&s.valid_x) == bits(&r.valid_x),
            "validation matrices differ"
        );
        assert_eq!(s.train_y, r.train_y);
        assert_eq!(s.valid_y, r.valid_y);
        assert_eq!(s.valid_lines, r.valid_lines);
        assert_eq!(s.balance_train, r.balance_train);
        assert_eq!(s.balance_valid, r.balance_valid);
        assert_eq!(s.missing, r.missing);
        assert_eq!(s.unseen_valid, r.unseen_valid);
    }

    /// Load `text` as `d.csv` with the streaming loader (the first pass cut
    /// at every line end, every few lines, or not at all; checkpoints every
    /// 2 rows and every `CHECKPOINT_ROWS`), checked against the old one.
    fn load_str(text: &str, split: f64) -> Result<Dataset, DataError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, text).unwrap();
        let cfg = cfg(split);
        let reference = reference_load(&path, &cfg);
        let mut out = None;
        for (every, piece) in [
            (2, 1),
            (3, 5),
            (2, PIECE_BYTES),
            (CHECKPOINT_ROWS, PIECE_BYTES),
        ] {
            let streamed = load_with(&path, &cfg, every, piece);
            assert_same(&streamed, &reference);
            out = Some(streamed);
        }
        out.unwrap()
            .map(|mut d| {
                d.file = "d.csv".into();
                d
            })
            .map_err(|mut e| {
                e.file = "d.csv".into();
                e
            })
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

    /// Every CSV shipped with the example workspaces, under several
    /// settings and checkpoint spacings: the streaming loader gives the
    /// old loader's matrices bit for bit (or its error, word for word).
    #[test]
    fn shipped_data_encodes_as_the_old_loader_did() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .flat_map(|ws| std::fs::read_dir(ws.unwrap().path().join("data")).unwrap())
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        files.sort();
        assert!(files.len() >= 18, "{files:?}");
        let (mut trained, mut refused) = (0, 0);
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let mut lines = text.lines();
            let header: Vec<&str> = lines.next().unwrap().split(',').collect();
            let first: Vec<&str> = lines.next().unwrap().split(',').collect();
            let (target, positive) = match header.iter().position(|h| *h == "accepted_offer") {
                Some(i) => (header[i], "yes"),
                None => (header[header.len() - 1], first[header.len() - 1]),
            };
            for (split, categorical) in [(0.2, vec![]), (0.5, vec!["region", "age"]), (0.0, vec![])]
            {
                let t = Training {
                    data_file: "d.csv".into(),
                    target: target.into(),
                    positive: positive.into(),
                    exclude: vec!["customer_id".into(), "respondent".into()],
                    categorical: categorical.iter().map(|c| (*c).to_string()).collect(),
                    validation_split: split,
                    ..Training::default()
                };
                let Ok(cfg) = TrainConfig::resolve(&t, &Overrides::default()) else {
                    continue;
                };
                let reference = reference_load(file, &cfg);
                match &reference {
                    Ok(_) => trained += 1,
                    Err(_) => refused += 1,
                }
                for (every, piece) in [(7, 1000), (1000, 1 << 14), (CHECKPOINT_ROWS, PIECE_BYTES)] {
                    assert_same(&load_with(file, &cfg, every, piece), &reference);
                }
            }
        }
        // Matrices were compared, not only errors (which the small cases
        // above compare too).
        assert!(trained >= 36, "{trained} trained, {refused} refused");
    }

    /// The example run's data: 6,000 rows, 4,800 for training.
    #[test]
    fn example_propensity_matches_the_old_loader() {
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example/data/propensity.csv");
        let t = Training {
            data_file: "data/propensity.csv".into(),
            target: "accepted_offer".into(),
            positive: "yes".into(),
            exclude: vec!["customer_id".into()],
            validation_split: 0.2,
            ..Training::default()
        };
        let cfg = TrainConfig::resolve(&t, &Overrides::default()).unwrap();
        let d = load(&file, &cfg);
        assert_same(&d, &reference_load(&file, &cfg));
        let d = d.unwrap();
        assert_eq!((d.rows_train(), d.rows_valid()), (4800, 1200));
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

    /// A file of 14 rows: numbers (some missing, one negative), a category
    /// column with an empty cell and a value first seen in the validation
    /// part, and labels; `crlf` ends lines with `\r\n`.
    fn small_file(crlf: bool) -> String {
        let rows = [
            "1,2.5,x,yes",
            "2,,y,no",
            "3,-1.25,x,no",
            "4,7,,yes",
            "5,3.125,z,no",
            "6,0.5,x,yes",
            "7,11,y,no",
            "8,NA,x,yes",
            "9,4.75,y,no",
            "10,6,x,yes",
            "11,1e3,z,no",
            "12,2,w,yes",
            "13,8.5,x,no",
            "14,9,v,yes",
        ];
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("id,a,c,y{end}");
        for r in rows {
            text.push_str(r);
            text.push_str(end);
        }
        text
    }

    /// The first pass cut into pieces of every size from one byte (a cut
    /// at every line end) to the whole file gives the one-piece result:
    /// the same means bit for bit, categories and first rows, matrices,
    /// lines and counts; and the old loader's.
    #[test]
    fn every_cut_gives_the_one_piece_result() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        for crlf in [false, true] {
            let text = small_file(crlf);
            std::fs::write(&path, &text).unwrap();
            for split in [0.0, 0.5] {
                let cfg = cfg(split);
                let whole = load_with(&path, &cfg, CHECKPOINT_ROWS, u64::MAX);
                let reference = reference_load(&path, &cfg);
                assert_same(&whole, &reference);
                let whole = whole.unwrap();
                for piece in 1..=text.len() as u64 {
                    let cut = load_with(&path, &cfg, 3, piece).unwrap();
                    assert_eq!(cut.encoding, whole.encoding, "piece {piece} crlf {crlf}");
                    assert_same(&Ok(cut), &Ok(whole.clone()));
                }
            }
        }
    }

    /// The merged scan itself (not only the encoding it leads to) is the
    /// one-reader scan: counts, first rows of every value, overflow row,
    /// sums bit for bit.
    #[test]
    fn merged_pieces_scan_as_one_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        let mut text = String::from("a,b,y\n");
        // `a` overflows MAX_CATEGORIES distinct values partway; `b` repeats.
        for i in 0..(MAX_CATEGORIES + 40) {
            let a = if i % 3 == 0 { i / 3 } else { i };
            text.push_str(&format!(
                "{a}.{},{},{}\n",
                i % 7,
                i % 5,
                if i % 2 == 0 { "yes" } else { "no" }
            ));
        }
        std::fs::write(&path, &text).unwrap();
        let cfg = cfg(0.2);
        let used = vec![0usize, 1];
        let scanner = Scanner {
            file: &path,
            width: 3,
            target: 2,
            used: &used,
            forced: &[false, false],
            cfg: &cfg,
            end: csv::Terminator::Any(b'\n'),
        };
        let scan_with = |piece: u64| {
            let (f, _, skip) = csvfile::open_past_bom(&path).unwrap();
            let len = f.metadata().unwrap().len() - skip;
            let mut rdr = data_reader(f, csv::Terminator::Any(b'\n'));
            read_header(&path, &mut rdr).unwrap();
            let start = rdr.position().clone();
            let cuts = cuts(&path, skip, start.byte(), len, piece).unwrap();
            let mut pass = Pass1 {
                rows: 0,
                labels: Vec::new(),
                label_values: BTreeSet::new(),
                columns: vec![ColumnScan::default(), ColumnScan::default()],
                checkpoints: Vec::new(),
            };
            let (mut byte, mut line) = (start.byte(), start.line());
            for k in 0..cuts.len() - 1 {
                let overflowed = pass.overflowed();
                let (piece, watch) = scanner.scan_piece(skip, cuts[k], cuts[k + 1], &overflowed);
                assert!(!watch.quoted);
                pass.merge(piece.unwrap(), byte, line - 1);
                byte = cuts[k + 1];
                line += watch.newlines;
            }
            (cuts.len(), pass)
        };
        let (one, whole) = scan_with(u64::MAX);
        assert_eq!(one, 2);
        for piece in [60, 997, 4096, 8192] {
            let (n, cut) = scan_with(piece);
            assert!(n > 2, "{piece}");
            assert_eq!(cut.rows, whole.rows);
            assert_eq!(cut.labels, whole.labels);
            assert_eq!(cut.label_values, whole.label_values);
            for (c, w) in cut.columns.iter().zip(&whole.columns) {
                assert_eq!((c.present, c.numeric), (w.present, w.numeric));
                assert_eq!(c.values, w.values, "piece {piece}");
                assert_eq!(c.overflow, w.overflow, "piece {piece}");
                assert_eq!(c.moments, w.moments, "piece {piece}");
                assert!(c.moments.count > 0);
            }
            // Every checkpoint is where a reader going row by row is.
            for at in &cut.checkpoints {
                let mut rdr = reader_at(&path, (0, scanner.end), at.byte, at.line, at.row).unwrap();
                let mut record = csv::ByteRecord::new();
                assert!(next_row(&path, &mut rdr, 3, &mut record, true).unwrap());
                assert_eq!(record_position_line(&record), at.row as u64 + 2);
                let expect = text.lines().nth(at.row + 1).unwrap();
                assert_eq!(record.as_slice(), expect.replace(',', "").as_bytes());
            }
        }
        assert!(whole.columns[0].overflow.is_some());
        assert!(whole.columns[1].overflow.is_none());
    }

    /// A quoted field holding a line end: pieces cut inside it are noticed
    /// (the quote), and the rest of the file is read by one reader, so the
    /// result is the old loader's, at every cut.
    #[test]
    fn quoted_line_ends_fall_back_to_one_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        let text = "id,a,c,y\n1,1,x,yes\n2,2,\"two\nlines\",no\n3,3,x,no\n4,4,\"y\",yes\n5,5,\"a,\nb\",no\n6,6,x,yes\n7,7,x,no\n8,8,x,yes\n";
        std::fs::write(&path, text).unwrap();
        for split in [0.0, 0.25, 0.5] {
            let cfg = cfg(split);
            let reference = reference_load(&path, &cfg);
            assert!(reference.is_ok());
            for piece in 1..=text.len() as u64 {
                assert_same(&load_with(&path, &cfg, 2, piece), &reference);
            }
        }
        let d = load_with(&path, &cfg(0.0), 2, 1).unwrap();
        assert!(
            d.encoding
                .feature_names()
                .contains(&"c=two\nlines".to_string())
        );
        // An error after the quoted rows names its line.
        let bad = format!("{text}9,9,x\n");
        std::fs::write(&path, &bad).unwrap();
        for piece in 1..=bad.len() as u64 {
            let e = load_with(&path, &cfg(0.2), 2, piece).unwrap_err();
            assert_eq!(e.line, 12, "piece {piece}: {e}");
            assert!(e.message.starts_with("row has 3 fields"), "{e}");
        }
    }

    /// A bad row in any piece is reported at its line, as one reader
    /// reports it: wrong field count, empty target, invalid UTF-8; with
    /// `\n` and `\r\n` line ends.
    #[test]
    fn errors_name_the_line_across_cuts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        for crlf in [false, true] {
            let good = small_file(crlf);
            let end = if crlf { "\r\n" } else { "\n" };
            let mut lines: Vec<&str> = good.split(end).collect();
            lines.pop();
            for (bad_line, bad) in [(5, "4,7,x"), (12, "11,1,z,"), (15, "14,9,v,yes,1")] {
                let mut rows = lines.clone();
                rows[bad_line - 1] = bad;
                let text = rows.join(end) + end;
                std::fs::write(&path, &text).unwrap();
                let reference = reference_load(&path, &cfg(0.2)).unwrap_err();
                for piece in 1..=text.len() as u64 {
                    let e = load_with(&path, &cfg(0.2), 3, piece).unwrap_err();
                    assert_eq!(e, reference, "piece {piece} crlf {crlf}");
                    assert_eq!(e.line, bad_line as u64, "piece {piece} crlf {crlf}: {e}");
                }
            }
            let mut bytes = lines.join(end).into_bytes();
            let at = bytes.len() - 3;
            bytes[at] = 0xFF;
            bytes.extend_from_slice(end.as_bytes());
            std::fs::write(&path, &bytes).unwrap();
            let reference = reference_load(&path, &cfg(0.2)).unwrap_err();
            assert!(reference.message.contains("UTF-8"), "{reference}");
            for piece in 1..=bytes.len() as u64 {
                assert_eq!(
                    load_with(&path, &cfg(0.2), 3, piece).unwrap_err(),
                    reference
                );
            }
        }
    }

    /// Windows line ends give the rows, values and lines of Unix ones,
    /// blank lines included, at every cut; a file whose lines end with `\r`
    /// alone (classic Mac) gives the same values.
    #[test]
    fn windows_and_mac_line_ends_read_as_unix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        let unix = small_file(false).replacen("3,-1.25", "\n3,-1.25", 1);
        std::fs::write(&path, &unix).unwrap();
        let want = load_with(&path, &cfg(0.5), 3, u64::MAX).unwrap();
        // Line 4 is blank, so the last seven rows sit on lines 10–16.
        assert_eq!(want.valid_lines, [10, 11, 12, 13, 14, 15, 16]);
        let windows = unix.replace('\n', "\r\n");
        std::fs::write(&path, &windows).unwrap();
        assert!(matches!(
            row_end(&path, 0).unwrap(),
            csv::Terminator::Any(b'\n')
        ));
        for piece in 1..=windows.len() as u64 {
            assert_same(&load_with(&path, &cfg(0.5), 3, piece), &Ok(want.clone()));
        }
        let mac = small_file(false).replace('\n', "\r");
        std::fs::write(&path, &mac).unwrap();
        assert!(matches!(row_end(&path, 0).unwrap(), csv::Terminator::CRLF));
        let got = load_with(&path, &cfg(0.5), 3, 7).unwrap();
        assert_eq!((&got.train_x, &got.train_y), (&want.train_x, &want.train_y));
        assert_eq!((&got.valid_x, &got.valid_y), (&want.valid_x, &want.valid_y));
    }

    /// The fast parser reads what `str::parse::<f64>` reads, the same
    /// value bit for bit, and refuses what it refuses (non-finite values
    /// are refused by both): on strings built from number pieces.
    #[test]
    fn number_parses_as_std() {
        use proptest::prelude::*;
        let std_number = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(f64::to_bits)
        };
        let fixed = [
            "",
            "1",
            "-0",
            "+1.5",
            "1.",
            ".5",
            ".",
            "1e",
            "1e+",
            "1e-5",
            "1E300",
            "1e400",
            "-1e-400",
            "inf",
            "-Infinity",
            "nan",
            "NaN",
            "0x10",
            "1_000",
            "1,5",
            " 1",
            "1 ",
            "00012.3400",
            "9007199254740993",
            "2.2250738585072011e-308",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
            "0.1000000000000000055511151231257827021181583404541015625",
            "1.2.3",
            "--1",
            "e5",
        ];
        for s in fixed {
            assert_eq!(
                number(s.as_bytes()).map(f64::to_bits),
                std_number(s),
                "{s:?}"
            );
        }
        proptest!(ProptestConfig::with_cases(20_000), |(s in "[-+]?[0-9]{0,20}(\\.[0-9]{0,20})?([eE][-+]?[0-9]{0,4})?|[0-9.eE+-]{0,12}")| {
            prop_assert_eq!(number(s.as_bytes()).map(f64::to_bits), std_number(&s), "{:?}", s);
        });
    }

    /// A short decimal's code holds what `str::parse::<f64>` reads, bit
    /// for bit; the common forms get one, the others (exponents, a `+`, a
    /// bare point, too many digits or decimals) none.
    #[test]
    fn compact_decimals_read_as_std() {
        let read =
            |s: &str| code::compact(s.as_bytes()).map(|c| code::number(c, &[]).unwrap().to_bits());
        let std = |s: &str| s.parse::<f64>().unwrap().to_bits();
        for s in [
            "0",
            "-0",
            "7",
            "-0.288",
            "28.741",
            "00012.3400",
            "134217727",
            "1.0000001",
            "-13421.7727",
            "0.1",
            "0.3",
        ] {
            assert_eq!(read(s), Some(std(s)), "{s}");
        }
        assert!(read("-0").is_some_and(|b| f64::from_bits(b).is_sign_negative()));
        for s in [
            "",
            "-",
            "1.",
            ".5",
            "+1",
            "1e5",
            "1E5",
            "134217728",
            "0.12345678",
            "1,5",
            " 1",
            "1-",
            "--1",
            "1.2.3",
            "NA",
            "inf",
            "nan",
            "0x1",
        ] {
            assert_eq!(read(s), None, "{s:?}");
        }
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(20_000), |(s in "-?[0-9]{1,9}(\\.[0-9]{1,8})?|[0-9.eE+-]{0,12}")| {
            let code = code::compact(s.as_bytes());
            if let Some(c) = code {
                prop_assert_eq!(code::number(c, &[]).map(f64::to_bits), Some(std(&s)), "{:?}", s);
            }
            // Every plain decimal that fits the code gets one.
            let (int, frac) = s.trim_start_matches('-').split_once('.').unwrap_or((s.trim_start_matches('-'), ""));
            let plain = !int.is_empty()
                && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
                && (frac.len() <= 7 && (s.contains('.') != frac.is_empty()))
                && format!("{int}{frac}").parse::<u64>().is_ok_and(|m| m < 1 << 27)
                && s.matches('-').count() == usize::from(s.starts_with('-'));
            prop_assert_eq!(code.is_some(), plain, "{:?}", s);
        });
    }

    /// The second pass encodes runs of rows from the first pass's codes
    /// where they suffice, and reads the rows again where they do not (a
    /// categorical column with cells coded as numbers, strings the table
    /// had no room for, too many numbers kept as `f64`s): the result is
    /// the old loader's either way, for every way of cutting the file.
    #[test]
    fn coded_rows_encode_as_read_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        let run = |text: &str, categorical: &[&str]| {
            std::fs::write(&path, text).unwrap();
            let t = Training {
                data_file: "d.csv".into(),
                target: "y".into(),
                positive: "yes".into(),
                validation_split: 0.25,
                categorical: categorical.iter().map(|c| (*c).to_string()).collect(),
                ..Training::default()
            };
            let cfg = TrainConfig::resolve(&t, &Overrides::default()).unwrap();
            let reference = reference_load(&path, &cfg);
            assert!(reference.is_ok(), "{reference:?}");
            let mut passes = Vec::new();
            for (every, piece) in [
                (3, 1),
                (5, 40),
                (CHECKPOINT_ROWS, 200),
                (CHECKPOINT_ROWS, PIECE_BYTES),
            ] {
                let loaded = load_counted(&path, &cfg, every, piece);
                passes.push(loaded.as_ref().map(|(_, p)| *p).unwrap());
                assert_same(&loaded.map(|(d, _)| d), &reference);
            }
            passes
        };
        // Column `c`: two categories, an empty cell, and one seen only in
        // the validation rows.
        let rows = |cell: &dyn Fn(usize) -> String| {
            let mut text = String::from("a,b,c,y\n");
            for i in 0..40 {
                let c = match i {
                    39 => "w",
                    _ if i % 11 == 4 => "",
                    _ if i % 2 == 0 => "x",
                    _ => "z",
                };
                let y = if i % 3 == 0 { "yes" } else { "no" };
                text.push_str(&format!("{},{},{c},{y}\n", i % 9, cell(i)));
            }
            text
        };
        // Short decimals and missing cells: every run from its codes.
        let plain = rows(&|i| match i % 7 {
            0 => "NA".into(),
            1 => String::new(),
            _ => format!("{}.{}", i, i % 4),
        });
        for p in run(&plain, &[]) {
            assert_eq!(p.reread, 0, "{p:?}");
        }
        // A column listed as categorical keeps its numbers as strings.
        for p in run(&plain, &["a"]) {
            assert_eq!(p.reread, 0, "{p:?}");
        }
        // Mostly numbers, few distinct: categorical, so runs holding a
        // number in it are read again.
        let mostly = rows(&|i| {
            if i == 5 {
                "n/k".into()
            } else {
                (i % 3).to_string()
            }
        });
        let passes = run(&mostly, &[]);
        assert!(passes.iter().all(|p| p.reread > 0), "{passes:?}");
        // Numbers in other forms are kept as f64s while they are few (in
        // the whole file; a run of one row holding one is read again) ...
        let few = rows(&|i| {
            if i % 10 == 0 {
                format!("{i}e-1")
            } else {
                i.to_string()
            }
        });
        let passes = run(&few, &[]);
        assert_eq!(
            passes[3],
            Pass2 {
                coded: 1,
                reread: 0
            }
        );
        assert!(passes[0].coded > 0 && passes[0].reread > 0, "{passes:?}");
        // ... and runs mostly of them are read again.
        let many = rows(&|i| format!("{i}.123456789"));
        let passes = run(&many, &[]);
        assert!(
            passes.iter().all(|p| p.coded == 0 && p.reread > 0),
            "{passes:?}"
        );
    }

    /// `trim` trims as `str::trim` does, Unicode white space included.
    #[test]
    fn byte_trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\t1.5\r",
            "\u{a0}x\u{a0}",
            " \u{3000}y",
            "z\u{2028} ",
            "\u{b}v\u{b}",
            "é",
            " é ",
            "\u{1c}w",
        ] {
            assert_eq!(trim(s.as_bytes()), s.trim().as_bytes(), "{s:?}");
        }
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
