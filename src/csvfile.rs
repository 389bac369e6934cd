//! Reading the CSV files a workspace names (market series, survey answers,
//! training data, files to score): one reader configuration for the whole
//! program, byte-order marks, UTF-16, empty files, header lookup, numbers
//! written with thousands separators, and one loop over the rows.
//!
//! Market files are read as bytes (`csv::ByteRecord`) and only the cells a
//! caller needs are decoded, so a stray Latin-1 byte in an unused column is
//! not an error and the hot loop allocates nothing.

pub mod problem;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub use problem::Problem;
use problem::RowProblems;

/// The UTF-8 byte-order mark spreadsheets put at the start of a CSV file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The one CSV reader configuration: a header row; rows of any length (the
/// caller says which row is short, with its line, and why it matters);
/// cells untouched (callers trim what they read, so byte records stay
/// allocation-free).
pub fn reader<R: Read>(r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(r)
}

/// `bytes` without a leading byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Open `path` and read up to its first three bytes, then leave the file
/// positioned after a byte-order mark if there is one. Returns the file and
/// the bytes read (for callers that look for UTF-16 or an empty file) and
/// how many were skipped.
pub fn open_past_bom(path: &Path) -> std::io::Result<(File, Vec<u8>, u64)> {
    let mut file = File::open(path)?;
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let skip = if head[..got] == *BOM { 3 } else { 0 };
    file.seek(SeekFrom::Start(skip))?;
    Ok((file, head[..got].to_vec(), skip))
}

/// An open CSV file positioned after its header.
pub struct CsvFile {
    pub path: PathBuf,
    pub reader: csv::Reader<File>,
    /// Column names, trimmed.
    pub header: Vec<String>,
    /// Bytes skipped before the csv reader (a UTF-8 byte-order mark).
    pub skip: u64,
}

impl std::fmt::Debug for CsvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvFile")
            .field("path", &self.path)
            .field("header", &self.header)
            .finish()
    }
}

fn io_problem(path: &Path, e: &std::io::Error) -> Problem {
    Problem::new(path, 0, crate::tr!("market.data.cannot_read", error = e))
}

/// Open `path` and read its header line.
pub fn open(path: &Path) -> Result<CsvFile, Problem> {
    let (file, head, skip) = open_past_bom(path).map_err(|e| io_problem(path, &e))?;
    if head.is_empty() {
        return Err(Problem::new(path, 0, crate::tr!("market.data.empty_file")));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Problem::new(path, 1, crate::tr!("market.data.utf16")));
    }
    let mut reader = reader(file);
    let raw = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_problem(path, &e)),
    };
    let line = raw.position().map_or(1, csv::Position::line);
    if raw.iter().all(|c| c.trim_ascii().is_empty()) {
        return Err(Problem::new(
            path,
            if raw.is_empty() { 0 } else { line },
            crate::tr!("market.data.no_header"),
        ));
    }
    let mut header = Vec::with_capacity(raw.len());
    for cell in &raw {
        match std::str::from_utf8(cell) {
            Ok(s) => header.push(s.trim().to_string()),
            Err(_) => {
                return Err(Problem::new(
                    path,
                    line,
                    crate::tr!(
                        "market.data.header_not_utf8",
                        header = raw
                            .iter()
                            .map(String::from_utf8_lossy)
                            .collect::<Vec<_>>()
                            .join(",")
                            .chars()
                            .take(80)
                            .collect::<String>()
                    ),
                ));
            }
        }
    }
    Ok(CsvFile {
        path: path.to_path_buf(),
        reader,
        header,
        skip,
    })
}

/// A problem from the csv crate (an I/O error in the middle of the file).
pub fn csv_problem(path: &Path, e: &csv::Error) -> Problem {
    let line = e.position().map_or(0, csv::Position::line);
    Problem::new(path, line, crate::tr!("market.data.cannot_read", error = e))
}

impl CsvFile {
    /// Read the next data row that is not blank into `record` and return
    /// the byte offset where it starts (for [`RowProblems::push`]); `None`
    /// at the end. When the file cannot be read to the end: every problem
    /// so far, then the reason.
    pub fn next_row(
        &mut self,
        record: &mut csv::ByteRecord,
        problems: &mut RowProblems,
    ) -> Result<Option<u64>, Vec<Problem>> {
        loop {
            match self.reader.read_byte_record(record) {
                Ok(true) if is_blank(record) => {}
                Ok(true) => return Ok(Some(self.offset(record))),
                Ok(false) => return Ok(None),
                Err(e) => {
                    let mut list = std::mem::take(problems).finish(&self.path, vec![]);
                    list.push(csv_problem(&self.path, &e));
                    return Err(list);
                }
            }
        }
    }

    /// Byte offset in the file where the reader started looking for
    /// `record` (see [`problem::lines_at`] for its line).
    pub fn offset(&self, record: &csv::ByteRecord) -> u64 {
        record.position().map_or(0, csv::Position::byte) + self.skip
    }

    /// Index of the column named `name`; `role` says which setting named it
    /// (`value-column`) for the message.
    pub fn column(&self, name: &str, role: &str) -> Result<usize, Problem> {
        let name = name.trim();
        let found: Vec<usize> = (0..self.header.len())
            .filter(|i| self.header[*i] == name)
            .collect();
        match found.as_slice() {
            [i] => Ok(*i),
            [] => {
                let close = self
                    .header
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(name));
                let hint = match close {
                    Some(i) => crate::tr!("market.data.no_column_hint", name = self.header[i]),
                    None => String::new(),
                };
                Err(Problem::new(
                    &self.path,
                    1,
                    crate::tr!(
                        "market.data.no_column",
                        name = name,
                        role = role,
                        hint = hint,
                        columns = self.header.join(", ")
                    ),
                ))
            }
            _ => Err(Problem::new(
                &self.path,
                1,
                crate::tr!(
                    "market.data.column_repeated",
                    name = name,
                    role = role,
                    n = found.len()
                ),
            )),
        }
    }
}

/// Whether a record is empty: a blank line, only whitespace, or only commas
/// (spreadsheets export `,,,` for empty rows).
pub fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|c| c.trim_ascii().is_empty())
}

/// Trim ASCII white space and the no-break spaces spreadsheets put around
/// numbers (U+00A0, U+202F).
fn trim_spaces(mut s: &[u8]) -> &[u8] {
    loop {
        let before = s.len();
        s = s.trim_ascii();
        for sp in [&[0xC2, 0xA0][..], &[0xE2, 0x80, 0xAF][..]] {
            if let Some(rest) = s.strip_prefix(sp) {
                s = rest;
            }
            if let Some(rest) = s.strip_suffix(sp) {
                s = rest;
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Cells that mean "no value".
const MISSING: &[&str] = &[
    "na", "n/a", "#n/a", "nan", "null", "none", "-", "--", "—", ".", "?",
];

/// Parse a numeric cell. `Ok(None)` is a missing value (empty, `NA`, `n/a`,
/// `NaN`, `null`, `-`…). Thousands separators are accepted when every group
/// after the first has three digits: `1,234.5`, `1 234`, `1 234` (no-break
/// space), `1'234`. A decimal comma (`1,5`) is refused rather than guessed.
pub fn parse_number(cell: &[u8]) -> Result<Option<f64>, String> {
    let s = trim_spaces(cell);
    if s.is_empty() {
        return Ok(None);
    }
    let Ok(text) = std::str::from_utf8(s) else {
        return Err(crate::tr!(
            "market.data.value_not_utf8",
            value = crate::escape::value(&String::from_utf8_lossy(s))
        ));
    };
    if let Ok(x) = text.parse::<f64>() {
        if x.is_finite() {
            return Ok(Some(x));
        }
        if x.is_nan() {
            return Ok(None);
        }
        return Err(crate::tr!(
            "market.data.not_finite",
            value = crate::escape::value(text)
        ));
    }
    if MISSING.iter().any(|m| text.eq_ignore_ascii_case(m)) {
        return Ok(None);
    }
    grouped(text)
        .ok_or_else(|| {
            // A NUL or a zero-width space would make `0.1` look like a number.
            let text = crate::escape::value(text);
            if text.contains(',') && !text.contains('.') {
                crate::tr!("market.data.decimal_comma", value = text)
            } else {
                crate::tr!("market.data.not_a_number", value = text)
            }
        })
        .map(Some)
}

/// `1,234,567.25` and friends: one kind of separator, groups of three.
fn grouped(text: &str) -> Option<f64> {
    let (sign, body) = match text.as_bytes().first() {
        Some(b'-') => ("-", &text[1..]),
        Some(b'+') => ("", &text[1..]),
        _ => ("", text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let sep = int.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, ',' | ' ' | '\u{a0}' | '\u{202f}' | '\'') {
        return None;
    }
    let mut digits = String::with_capacity(text.len());
    digits.push_str(sign);
    for (i, group) in int.split(sep).enumerate() {
        let ok_len = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !ok_len || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(group);
    }
    if let Some(f) = frac {
        digits.push('.');
        digits.push_str(f);
    }
    digits.parse::<f64>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Result<Option<f64>, String> {
        parse_number(s.as_bytes())
    }

    #[test]
    fn numbers_with_separators() {
        assert_eq!(num("1234.5"), Ok(Some(1234.5)));
        assert_eq!(num(" -1.5e3 "), Ok(Some(-1500.0)));
        assert_eq!(num("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(num("-12,345,678"), Ok(Some(-12_345_678.0)));
        assert_eq!(num("1 234"), Ok(Some(1234.0)));
        assert_eq!(
            num("1\u{a0}234,5".replace(",5", "").as_str()),
            Ok(Some(1234.0))
        );
        assert_eq!(num("\u{a0}1\u{202f}234.25\u{a0}"), Ok(Some(1234.25)));
        assert_eq!(num("1'234'567"), Ok(Some(1_234_567.0)));
        assert_eq!(num("+7"), Ok(Some(7.0)));
    }

    #[test]
    fn missing_values() {
        for s in ["", "  ", "NA", "n/a", "#N/A", "NaN", "null", "-"] {
            assert_eq!(num(s), Ok(None), "{s:?}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_be_sure_of() {
        assert!(num("1,5").unwrap_err().contains("write a decimal as `1.5`"));
        assert!(num("12,34.5").is_err());
        assert!(num("1,234 567").is_err());
        assert!(num("abc").unwrap_err().contains("`abc` is not a number"));
        assert!(
            num("0.1\0")
                .unwrap_err()
                .contains("`0.1\\u{0}` is not a number")
        );
        assert!(
            num("1\u{200b}")
                .unwrap_err()
                .contains("`1\\u{200b}` is not a number")
        );
        assert!(num("inf").unwrap_err().contains("finite"));
        assert!(num("1.").is_ok());
        assert!(parse_number(b"1\xA0234").unwrap_err().contains("UTF-8"));
    }
}
