//! Text laid out in terminal columns: the one place that measures, pads,
//! cuts and wraps text for the command line's tables, the report's
//! fixed-width parts and the workbench.
//!
//! Everything here counts *display width* (Unicode's East Asian Width, via
//! the `unicode-width` crate): `中文` is four columns, `é` one, a combining
//! accent none. Nothing pads with `chars().count()` or `{:<N}`, which are
//! right only for narrow characters and skew every row holding Chinese.
//! Wrapping is `textwrap`'s, measuring with the same widths.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The mark a cut string ends with.
pub const ELLIPSIS: char = '…';

/// How a cell is aligned in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Right,
}

/// Terminal columns `s` takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `w` columns, ending in `…` when cut. A wide
/// character that would straddle the edge is left out (the result may be
/// one column narrower than `w`; [`pad`] fills it).
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    // Some sequences (emoji with selectors) are measured as a whole, not
    // as the sum of their characters: trust the measure of the string.
    while !out.is_empty() && width(&out) + 1 > w {
        out.pop();
    }
    out.push(ELLIPSIS);
    out
}

/// `s` in exactly `w` columns: cut with `…` when too wide, padded with
/// spaces on the right ([`Align::Left`]) or left ([`Align::Right`]).
pub fn pad(s: &str, w: usize, align: Align) -> String {
    let t = fit(s, w);
    let fill = " ".repeat(w.saturating_sub(width(&t)));
    match align {
        Align::Left => format!("{t}{fill}"),
        Align::Right => format!("{fill}{t}"),
    }
}

/// `s` broken into lines of at most `w` columns, at the places Unicode's
/// line-breaking rules allow (spaces, and between CJK characters, which
/// have none); a word longer than `w` is broken. An empty string is one
/// empty line.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let opts = textwrap::Options::new(w.max(1))
        .word_separator(textwrap::WordSeparator::Custom(words_keeping_ranges))
        .break_words(true);
    textwrap::wrap(s, opts)
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect()
}

/// The words Unicode's line-breaking rules find, except that a range of
/// numbers (`79.6–80.8`, `2–5`) stays one word: the rules allow a break
/// after an en dash, which would leave `79.6–` at a line's end.
fn words_keeping_ranges(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    use textwrap::core::Word;
    let offset = |w: &str| w.as_ptr() as usize - line.as_ptr() as usize;
    let mut words = textwrap::WordSeparator::UnicodeBreakProperties
        .find_words(line)
        .peekable();
    Box::new(std::iter::from_fn(move || {
        let first = words.next()?;
        let start = offset(first.word);
        let mut last = first;
        loop {
            let dash = last.whitespace.is_empty()
                && last
                    .word
                    .strip_suffix('–')
                    .is_some_and(|w| w.ends_with(|c: char| c.is_ascii_digit()));
            match words.peek() {
                Some(next) if dash && next.word.starts_with(|c: char| c.is_ascii_digit()) => {
                    last = words.next()?;
                }
                _ => break,
            }
        }
        if offset(last.word) == start {
            return Some(last);
        }
        let end = offset(last.whitespace) + last.whitespace.len();
        Some(Word::from(&line[start..end]))
    }))
}

/// A fixed-width text table: a header, rows, and per column an alignment.
/// Every column is as wide as its widest cell (in display columns) unless a
/// maximum is set, in which case longer cells are cut with `…`; so every
/// line of the table has the same width, Chinese or not.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    /// Text before every line (the CLI's two-space indent).
    indent: String,
    /// Between two columns.
    gap: String,
}

#[derive(Debug, Clone)]
struct Column {
    title: String,
    align: Align,
    max: Option<usize>,
    min: usize,
}

impl Table {
    pub fn new() -> Self {
        Table {
            gap: " ".into(),
            ..Table::default()
        }
    }

    /// Text before every line.
    pub fn indent(mut self, indent: &str) -> Self {
        self.indent = indent.into();
        self
    }

    /// Text between two columns (one space unless set).
    pub fn gap(mut self, gap: &str) -> Self {
        self.gap = gap.into();
        self
    }

    /// Adds a column.
    pub fn column(mut self, title: &str, align: Align) -> Self {
        self.columns.push(Column {
            title: title.into(),
            align,
            max: None,
            min: 0,
        });
        self
    }

    /// Adds a column at most `max` columns wide (cells cut with `…`).
    pub fn column_max(mut self, title: &str, align: Align, max: usize) -> Self {
        self.columns.push(Column {
            title: title.into(),
            align,
            max: Some(max),
            min: 0,
        });
        self
    }

    /// Adds a column exactly `w` columns wide.
    pub fn column_fixed(mut self, title: &str, align: Align, w: usize) -> Self {
        self.columns.push(Column {
            title: title.into(),
            align,
            max: Some(w),
            min: w,
        });
        self
    }

    /// Adds a row; missing cells are empty, extra ones are dropped.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut r: Vec<String> = cells
            .into_iter()
            .take(self.columns.len())
            .map(|c| c.as_ref().to_string())
            .collect();
        r.resize(self.columns.len(), String::new());
        self.rows.push(r);
    }

    /// The width of each column as laid out.
    fn widths(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let widest = self
                    .rows
                    .iter()
                    .map(|r| width(&r[k]))
                    .chain([width(&c.title)])
                    .max()
                    .unwrap_or(0)
                    .max(c.min);
                c.max.map_or(widest, |m| widest.min(m))
            })
            .collect()
    }

    fn line(&self, widths: &[usize], cells: &[String]) -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&self.columns)
            .zip(widths)
            .map(|((cell, col), &w)| pad(cell, w, col.align))
            .collect();
        format!("{}{}", self.indent, parts.join(&self.gap))
    }

    /// The header line and one line per row, all equally wide.
    pub fn lines(&self) -> Vec<String> {
        let widths = self.widths();
        let head: Vec<String> = self.columns.iter().map(|c| c.title.clone()).collect();
        let mut out = Vec::with_capacity(self.rows.len() + 1);
        out.push(self.line(&widths, &head));
        for r in &self.rows {
            out.push(self.line(&widths, r));
        }
        out
    }

    /// The rows' lines only (no header).
    pub fn body(&self) -> Vec<String> {
        let widths = self.widths();
        self.rows.iter().map(|r| self.line(&widths, r)).collect()
    }

    /// [`Table::lines`] joined, each ending in a newline.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for l in self.lines() {
            s.push_str(&l);
            s.push('\n');
        }
        s
    }
}

/// Markdown with every pipe table's columns padded to the same display
/// width, so the raw file reads as a table in a terminal or an editor too
/// (Chinese cells included); what a Markdown renderer shows is unchanged.
/// Lines inside fenced code blocks are left alone; `\|` inside a cell is
/// kept as part of the cell. A separator row (`|---|--:|`) is redrawn with
/// its alignment and the column's width.
pub fn align_markdown_tables(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + md.len() / 4);
    let mut block: Vec<&str> = Vec::new();
    let mut fenced = false;
    let flush = |block: &mut Vec<&str>, out: &mut String| {
        if !block.is_empty() {
            for l in align_table(block) {
                out.push_str(&l);
                out.push('\n');
            }
            block.clear();
        }
    };
    for line in md.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_start().starts_with("```") {
            flush(&mut block, &mut out);
            fenced = !fenced;
            out.push_str(line);
            continue;
        }
        if !fenced && bare.starts_with('|') && line.ends_with('\n') {
            block.push(bare);
            continue;
        }
        flush(&mut block, &mut out);
        out.push_str(line);
    }
    flush(&mut block, &mut out);
    out
}

/// The cells of one `| a | b |` row, trimmed (escaped pipes kept).
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner
        .strip_suffix('|')
        .filter(|s| !s.ends_with('\\'))
        .unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('\\');
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

fn separator_align(cell: &str) -> Option<Align> {
    let t = cell.trim();
    let dashes = t.trim_start_matches(':').trim_end_matches(':');
    if dashes.is_empty() || !dashes.chars().all(|c| c == '-') {
        return None;
    }
    Some(if t.ends_with(':') {
        Align::Right
    } else {
        Align::Left
    })
}

fn align_table(rows: &[&str]) -> Vec<String> {
    let parsed: Vec<Vec<String>> = rows.iter().map(|r| cells(r)).collect();
    let n = parsed.iter().map(Vec::len).max().unwrap_or(0);
    // The separator is the second row; without one this is not a table.
    let aligns: Option<Vec<Option<Align>>> = parsed
        .get(1)
        .map(|sep| sep.iter().map(|c| separator_align(c)).collect());
    let Some(aligns) = aligns.filter(|a| a.iter().all(Option::is_some)) else {
        return rows.iter().map(|r| r.to_string()).collect();
    };
    let align = |k: usize| aligns.get(k).copied().flatten().unwrap_or(Align::Left);
    let mut widths = vec![3usize; n];
    for (i, r) in parsed.iter().enumerate() {
        if i == 1 {
            continue;
        }
        for (k, c) in r.iter().enumerate() {
            widths[k] = widths[k].max(width(c));
        }
    }
    parsed
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let parts: Vec<String> = (0..n)
                .map(|k| {
                    if i == 1 {
                        match align(k) {
                            Align::Right => format!("{}:", "-".repeat(widths[k] - 1)),
                            Align::Left => "-".repeat(widths[k]),
                        }
                    } else {
                        let c = r.get(k).map_or("", String::as_str);
                        let fill = " ".repeat(widths[k].saturating_sub(width(c)));
                        match align(k) {
                            Align::Left => format!("{c}{fill}"),
                            Align::Right => format!("{fill}{c}"),
                        }
                    }
                })
                .collect();
            format!("| {} |", parts.join(" | "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn widths_count_columns_not_characters() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("禾润超市"), 8);
        assert_eq!(width("e\u{301}"), 1, "a combining accent takes no column");
        assert_eq!(width(""), 0);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("hello world", 8), "hello w…");
        assert_eq!(fit("hello", 5), "hello");
        assert_eq!(fit("禾润超市", 8), "禾润超市");
        // 7 columns: three wide characters (6) and the ellipsis (1).
        assert_eq!(fit("禾润超市会员", 7), "禾润超…");
        // 6 columns: the third character would straddle; two and … is 5.
        assert_eq!(fit("禾润超市会员", 6), "禾润…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("abc", 1), "…");
    }

    #[test]
    fn pad_aligns_in_display_columns() {
        assert_eq!(pad("禾润", 6, Align::Left), "禾润  ");
        assert_eq!(pad("禾润", 6, Align::Right), "  禾润");
        assert_eq!(pad("禾润超市会员", 6, Align::Left), "禾润… ");
        assert_eq!(pad("12", 5, Align::Right), "   12");
    }

    #[test]
    fn wrap_breaks_cjk_without_spaces() {
        let lines = wrap("会员复购预测与精准营销", 8);
        assert_eq!(lines, ["会员复购", "预测与精", "准营销"]);
        assert_eq!(wrap("the quick brown fox", 9), ["the quick", "brown fox"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("mixed 中文 text", 8), ["mixed 中", "文 text"]);
    }

    #[test]
    fn wrap_keeps_number_ranges_whole() {
        // Unicode allows a break after the dash; a range reads as one.
        assert_eq!(
            wrap("scores 79.6–80.8 here", 13),
            ["scores", "79.6–80.8", "here"]
        );
        assert_eq!(
            wrap("weight 0.29–0.33, 2–5", 12),
            ["weight", "0.29–0.33,", "2–5"]
        );
        // A dash between words may still end a line; a range wider than
        // the line is broken as any long word is.
        assert_eq!(wrap("north–south road", 7), ["north–", "south", "road"]);
        assert_eq!(wrap("1234–5678", 5), ["1234–", "5678"]);
        assert_eq!(wrap("会员 12–30 岁", 6), ["会员", "12–30", "岁"]);
    }

    #[test]
    fn table_lines_are_equally_wide_with_cjk() {
        let mut t = Table::new()
            .indent("  ")
            .column("scenario", Align::Left)
            .column("NPV", Align::Right)
            .column_max("note", Align::Left, 10);
        t.row(["会员复购预测", "1.2亿", "a long English note"]);
        t.row(["churn", "3M", "短"]);
        t.row(["x"]);
        let lines = t.lines();
        assert_eq!(lines.len(), 4);
        let w0 = width(&lines[0]);
        for l in &lines {
            assert_eq!(width(l), w0, "{l:?}");
        }
        assert!(lines[1].starts_with("  会员复购预测 "));
        assert!(lines[1].contains("a long En…"));
        assert!(lines[2].contains("     3M "));
    }

    #[test]
    fn markdown_tables_are_aligned_by_display_width() {
        let md = "# t\n\n| a | b |\n|---|--:|\n| 会员 | 1 |\n| x\\|y | 12345 |\n\ntext | not a table\n```\n| in | code |\n```\n";
        let got = align_markdown_tables(md);
        // `x\|y` is four columns in the file (the backslash is written).
        let want = "# t\n\n| a    |     b |\n| ---- | ----: |\n| 会员 |     1 |\n| x\\|y | 12345 |\n\ntext | not a table\n```\n| in | code |\n```\n";
        assert_eq!(got, want);
        let lines: Vec<&str> = got.lines().filter(|l| l.starts_with('|')).collect();
        let w = width(lines[0]);
        assert!(lines[..4].iter().all(|l| width(l) == w), "{got}");
        // Inside the fence, untouched.
        assert!(got.contains("| in | code |"));
    }

    proptest! {
        #[test]
        fn pad_is_always_exactly_w(s in "\\PC{0,20}", w in 0usize..30) {
            // Text from files is printable; widths of control characters
            // are not defined.
            let p = pad(&s, w, Align::Left);
            prop_assert_eq!(width(&p), w);
            let r = pad(&s, w, Align::Right);
            prop_assert_eq!(width(&r), w);
        }

        #[test]
        fn fit_never_exceeds_w(s in "\\PC{0,20}", w in 0usize..30) {
            prop_assert!(width(&fit(&s, w)) <= w);
        }

        #[test]
        fn wrap_lines_fit(s in "[a-z0-9 –.中文禾润]{0,40}", w in 2usize..20) {
            for l in wrap(&s, w) {
                prop_assert!(width(&l) <= w, "{:?} > {}", l, w);
            }
        }
    }
}
