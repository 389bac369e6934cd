//! How numbers are written, everywhere: the command line, the report, the
//! core's messages (and the terminal UI). One style, so the same amount never
//! reads "1.1 bn" in one place and "1.1B" in another.
//!
//! * [`compact`] — `1.1B`, `44M`, `72k`, `9500`, `0.25`: for tables and axes;
//! * [`thousands`] — `1,234,568`: exact amounts in reports;
//! * [`amount`] — a measured value: `1234.50` below a million, compact above;
//! * [`money`] — a compact amount and its currency: `1.1M EUR`;
//! * [`percent`] — `12.3 %`; [`percent_whole`] — `12 %` for narrow columns;
//! * [`MISSING`] — what a cell shows when there is no number.
//!
//! Large numbers follow the interface language ([`crate::i18n::current`]):
//! English groups by thousands (`k`, `M`, `B`), Chinese by ten thousands,
//! as Chinese readers count: `万` (10⁴) and `亿` (10⁸), so `1.1B` reads
//! `11亿` and `72k` reads `7.2万`. The rules are the same in both (written
//! out below 10,000, one decimal below 100 of a unit, none above, rounding
//! into the next unit); exact amounts ([`thousands`]) keep the comma every
//! three digits, which is also how Chinese financial tables write them.
//! JSON outputs never go through this module: their numbers stay numbers.

/// What a table shows for a number that does not exist (no IRR, no samples)
/// or is not finite.
pub const MISSING: &str = "—";

/// Compact number with the suffixes k (thousand), M (million) and B
/// (billion), no space: `1.1B`, `540M`, `12.3k`, `72k`. Below 10,000 the
/// number is written out (`9500`, `12.5`, `0.25`: at most two decimals), since
/// four digits are as short as `9.5k` and exact. Scaled values keep one
/// decimal below 100 and none above; a value that rounds up to 1000 of a unit
/// moves to the next (`999,960` is `1M`, not `1000k`).
pub fn compact(x: f64) -> String {
    compact_in(x, crate::i18n::current())
}

/// [`compact`] in a given language: `k`/`M`/`B` in English, `万`/`亿` in
/// Chinese (`11亿`, `4400万`, `7.2万`).
pub fn compact_in(x: f64, lang: crate::i18n::Lang) -> String {
    if !x.is_finite() {
        return MISSING.into();
    }
    if x.abs() < 1e4 {
        return plain(x);
    }
    const EN: [(f64, &str); 3] = [(1e3, "k"), (1e6, "M"), (1e9, "B")];
    // 万 is ten thousand, 亿 a hundred million; 万亿 (10¹²) for the rare
    // amount beyond.
    const ZH: [(f64, &str); 3] = [(1e4, "万"), (1e8, "亿"), (1e12, "万亿")];
    let units: &[(f64, &str)] = match lang {
        crate::i18n::Lang::En => &EN,
        crate::i18n::Lang::ZhCn => &ZH,
    };
    compact_units(x, units)
}

fn compact_units(x: f64, units: &[(f64, &str)]) -> String {
    let mut unit = units
        .iter()
        .rposition(|(size, _)| x.abs() >= *size)
        .unwrap_or(0);
    loop {
        let (size, suffix) = units[unit];
        let v = x / size;
        let decimals = usize::from(v.abs() < 100.0);
        let text = format!("{v:.decimals$}");
        let rounded: f64 = text.parse().unwrap_or(v);
        let next = units.get(unit + 1).map_or(f64::INFINITY, |(n, _)| n / size);
        if rounded.abs() >= next {
            unit += 1;
            continue;
        }
        return format!("{}{suffix}", trim_zeros(text));
    }
}

/// A number exactly as a message quotes it: whole numbers as integers
/// (`10`), others in the shortest form that reads back to the same value
/// (`0.35`), and very large or small ones with an exponent (`1e308`, not
/// 309 digits; `1e-9`).
pub fn exact(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.0}")
    } else {
        // Debug is Rust's shortest round-trip form, with an exponent outside
        // 1e-5..1e16.
        format!("{x:?}")
    }
}

/// `12.5`, `3`, `0.25`, `-7.1`: at most two decimals, no trailing zeros.
fn plain(x: f64) -> String {
    let text = trim_zeros(format!("{x:.2}"));
    if text == "-0" { "0".into() } else { text }
}

fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `1234567.8` → `1,234,568` (rounded to a whole number).
pub fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return MISSING.into();
    }
    let r = x.round();
    let digits = format!("{}", r.abs() as u64);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if r < 0.0 {
        out.push('-');
    }
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A measured value (a series point, a forecast): two decimals below a
/// million, [`compact`] above.
pub fn amount(x: f64) -> String {
    if x.is_finite() && x.abs() < 1e6 {
        format!("{x:.2}")
    } else {
        compact(x)
    }
}

/// A compact amount and its currency: `1.1M EUR`.
pub fn money(x: f64, currency: &str) -> String {
    if currency.is_empty() {
        compact(x)
    } else {
        format!("{} {currency}", compact(x))
    }
}

/// A share as a percentage with one decimal: `0.1234` → `12.3 %`.
pub fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1} %", 100.0 * x)
    } else {
        MISSING.into()
    }
}

/// A share as a whole percentage, for narrow columns: `0.123` → `12 %`; a
/// share that is above zero but would round to `0 %` reads `<1 %`.
pub fn percent_whole(x: f64) -> String {
    if !x.is_finite() {
        MISSING.into()
    } else if x > 0.0 && x < 0.005 {
        "<1 %".into()
    } else {
        format!("{:.0} %", 100.0 * x)
    }
}

/// `f(x)`, or [`MISSING`] when there is no number.
pub fn or_missing(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| MISSING.into(), f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_suffixes() {
        assert_eq!(compact(1.1e9), "1.1B");
        assert_eq!(compact(2.8e9), "2.8B");
        assert_eq!(compact(540e6), "540M");
        assert_eq!(compact(44e6), "44M");
        assert_eq!(compact(6.6e6), "6.6M");
        assert_eq!(compact(72_000.0), "72k");
        assert_eq!(compact(12_345.0), "12.3k");
        assert_eq!(compact(123_456.0), "123k");
        assert_eq!(compact(-3_680_610.0), "-3.7M");
        assert_eq!(compact(1.5e12), "1500B");
    }

    #[test]
    fn compact_small_numbers_are_written_out() {
        assert_eq!(compact(9500.0), "9500");
        assert_eq!(compact(9999.0), "9999");
        assert_eq!(compact(12.0), "12");
        assert_eq!(compact(12.5), "12.5");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(0.126), "0.13");
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(-0.001), "0");
        assert_eq!(compact(-7.1), "-7.1");
    }

    #[test]
    fn compact_rounds_into_the_next_unit() {
        // 999,960 / 1000 = 999.96 → "1000k" would be wrong.
        assert_eq!(compact(999_960.0), "1M");
        assert_eq!(compact(999_400.0), "999k");
        assert_eq!(compact(99_960.0), "100k");
        assert_eq!(compact(999_960_000.0), "1B");
        assert_eq!(compact(-999_960.0), "-1M");
    }

    #[test]
    fn compact_in_chinese_counts_wan_and_yi() {
        use crate::i18n::Lang::ZhCn;
        assert_eq!(compact_in(1.1e9, ZhCn), "11亿");
        assert_eq!(compact_in(44e6, ZhCn), "4400万");
        assert_eq!(compact_in(6.6e6, ZhCn), "660万");
        assert_eq!(compact_in(72_000.0, ZhCn), "7.2万");
        assert_eq!(compact_in(123_456.0, ZhCn), "12.3万");
        assert_eq!(compact_in(-3_680_610.0, ZhCn), "-368万");
        assert_eq!(compact_in(9500.0, ZhCn), "9500");
        assert_eq!(compact_in(2.5e8, ZhCn), "2.5亿");
        // 9999.6万 would round to 10000万: it is 1亿.
        assert_eq!(compact_in(99_996_000.0, ZhCn), "1亿");
        assert_eq!(compact_in(99_960.0, ZhCn), "10万");
        assert_eq!(compact_in(3e12, ZhCn), "3万亿");
        assert_eq!(compact_in(f64::NAN, ZhCn), MISSING);
        // The thread's language decides what `compact` writes.
        crate::i18n::with(ZhCn, || assert_eq!(compact(1.1e9), "11亿"));
        crate::i18n::with(crate::i18n::Lang::En, || assert_eq!(compact(1.1e9), "1.1B"));
    }

    #[test]
    fn compact_of_no_number() {
        assert_eq!(compact(f64::NAN), MISSING);
        assert_eq!(compact(f64::INFINITY), MISSING);
    }

    #[test]
    fn exact_numbers_for_messages() {
        assert_eq!(exact(10.0), "10");
        assert_eq!(exact(-3.0), "-3");
        assert_eq!(exact(0.35), "0.35");
        assert_eq!(exact(1e308), "1e308");
        assert_eq!(exact(-1.5e300), "-1.5e300");
        assert_eq!(exact(1e-9), "1e-9");
        assert_eq!(exact(f64::INFINITY), "inf");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-999.4), "-999");
        assert_eq!(thousands(-2_469_457.0), "-2,469,457");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(100_000.0), "100,000");
        assert_eq!(thousands(f64::NAN), MISSING);
    }

    #[test]
    fn amounts_keep_two_decimals_below_a_million() {
        assert_eq!(amount(1234.5), "1234.50");
        assert_eq!(amount(-0.126), "-0.13");
        assert_eq!(amount(2_345_678.0), "2.3M");
        assert_eq!(amount(f64::NAN), MISSING);
    }

    #[test]
    fn money_and_percentages() {
        assert_eq!(money(3_048_809.0, "EUR"), "3M EUR");
        assert_eq!(money(1.1e6, "CNY"), "1.1M CNY");
        assert_eq!(money(250.0, ""), "250");
        assert_eq!(percent(0.1234), "12.3 %");
        assert_eq!(percent(7.404), "740.4 %");
        assert_eq!(percent(-0.5), "-50.0 %");
        assert_eq!(percent(f64::NAN), MISSING);
        assert_eq!(percent_whole(0.123), "12 %");
        assert_eq!(percent_whole(0.004), "<1 %");
        assert_eq!(percent_whole(0.0), "0 %");
        assert_eq!(percent_whole(1.0), "100 %");
        assert_eq!(or_missing(None, percent), MISSING);
        assert_eq!(or_missing(Some(0.5), percent), "50.0 %");
    }
}
