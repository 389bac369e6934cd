//! Periods of a market series: months, quarters and years, and the cells of a
//! CSV date column that name them.

use std::fmt;

use crate::workspace::date::days_in_month;

/// Spacing of a series' periods.
pub use crate::workspace::choice::Frequency;

impl Frequency {
    /// Periods in one year (12, 4, 1).
    pub fn per_year(self) -> u32 {
        match self {
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
            Frequency::Yearly => 1,
        }
    }

    /// The length of its periods as an adjective in the interface language
    /// (`monthly`, 月度), for messages.
    pub fn adjective(self) -> String {
        match self {
            Frequency::Monthly => crate::tr!("market.data.grain.monthly"),
            Frequency::Quarterly => crate::tr!("market.data.grain.quarterly"),
            Frequency::Yearly => crate::tr!("market.data.grain.yearly"),
        }
    }

    fn rank(self) -> u8 {
        match self {
            Frequency::Monthly => 0,
            Frequency::Quarterly => 1,
            Frequency::Yearly => 2,
        }
    }
}

/// One period of a series: the `index`-th month (quarter, year) counted from
/// January (Q1) of year 0. Consecutive periods have consecutive indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub frequency: Frequency,
    pub index: i64,
}

impl Period {
    pub fn year(self) -> i64 {
        self.index.div_euclid(i64::from(self.frequency.per_year()))
    }

    /// The period `n` steps later.
    pub fn plus(self, n: i64) -> Period {
        Period {
            frequency: self.frequency,
            index: self.index + n,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = i64::from(self.frequency.per_year());
        let (year, sub) = (self.index.div_euclid(per), self.index.rem_euclid(per) + 1);
        match self.frequency {
            Frequency::Monthly => write!(f, "{year:04}-{sub:02}"),
            Frequency::Quarterly => write!(f, "{year:04}-Q{sub}"),
            Frequency::Yearly => write!(f, "{year:04}"),
        }
    }
}

/// A parsed date cell and how fine it is. Days count as months: a series is
/// at most monthly, so the day only needs to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub year: i32,
    /// 1–12 for a month or day, 1–4 for a quarter, 0 for a whole year.
    pub sub: u8,
    pub grain: Frequency,
    /// Whether the cell named a day (finer than any series frequency).
    pub day: bool,
}

impl Stamp {
    /// Whether several such stamps can fall in one period of `frequency`
    /// (days in a month, months in a quarter), so their rows are summed.
    pub fn is_finer_than(self, frequency: Frequency) -> bool {
        self.day || self.grain.rank() < frequency.rank()
    }

    /// The period of `frequency` this stamp falls in, or why it cannot be
    /// placed (a quarter in a monthly series).
    pub fn to_period(self, frequency: Frequency) -> Result<Period, String> {
        if self.grain.rank() > frequency.rank() {
            return Err(crate::tr!(
                "market.data.coarser_period",
                grain = self.grain.adjective(),
                frequency = frequency.adjective()
            ));
        }
        let year = i64::from(self.year);
        let index = match (self.grain, frequency) {
            (Frequency::Monthly, Frequency::Monthly) => year * 12 + i64::from(self.sub) - 1,
            (Frequency::Monthly, Frequency::Quarterly) => year * 4 + (i64::from(self.sub) - 1) / 3,
            (Frequency::Quarterly, Frequency::Quarterly) => year * 4 + i64::from(self.sub) - 1,
            _ => year,
        };
        Ok(Period { frequency, index })
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
}

/// Parse a date cell: `YYYY-MM`, `YYYY-MM-DD` (a time after it, as in
/// `2024-03-01T00:00:00` or `2024-03-01 12:00`, is ignored), `YYYY-Qn` or
/// `YYYY`. Works on bytes so the hot loop allocates nothing.
pub fn parse_stamp(cell: &[u8]) -> Result<Stamp, String> {
    let cell = cell.trim_ascii();
    let bad = || {
        crate::tr!(
            "market.data.not_a_period",
            cell = String::from_utf8_lossy(cell)
        )
    };
    let year = cell.get(..4).and_then(digits).ok_or_else(bad)?;
    let year = i32::try_from(year).map_err(|_| bad())?;
    let rest = &cell[4..];
    if rest.is_empty() {
        return Ok(Stamp {
            year,
            sub: 0,
            grain: Frequency::Yearly,
            day: false,
        });
    }
    if rest[0] != b'-' {
        return Err(bad());
    }
    let rest = &rest[1..];
    if let [b'Q' | b'q', q] = rest {
        let q = digits(std::slice::from_ref(q)).ok_or_else(bad)?;
        if !(1..=4).contains(&q) {
            return Err(crate::tr!(
                "market.data.no_quarter",
                cell = String::from_utf8_lossy(cell),
                quarter = q
            ));
        }
        return Ok(Stamp {
            year,
            sub: q as u8,
            grain: Frequency::Quarterly,
            day: false,
        });
    }
    let month = rest.get(..2).and_then(digits).ok_or_else(bad)?;
    if !(1..=12).contains(&month) {
        return Err(crate::tr!(
            "market.data.no_month",
            cell = String::from_utf8_lossy(cell),
            month = month
        ));
    }
    let month = month as u8;
    let rest = &rest[2..];
    if rest.is_empty() {
        return Ok(Stamp {
            year,
            sub: month,
            grain: Frequency::Monthly,
            day: false,
        });
    }
    if rest[0] != b'-' {
        return Err(bad());
    }
    let day = rest.get(1..3).and_then(digits).ok_or_else(bad)?;
    let time_ok = match rest.get(3) {
        None => true,
        Some(b'T' | b't' | b' ') => true,
        Some(_) => false,
    };
    if !time_ok {
        return Err(bad());
    }
    let last = u32::from(days_in_month(year, month));
    if day == 0 || day > last {
        return Err(crate::tr!(
            "market.data.no_day",
            cell = String::from_utf8_lossy(cell),
            month = format!("{year:04}-{month:02}"),
            day = day
        ));
    }
    Ok(Stamp {
        year,
        sub: month,
        grain: Frequency::Monthly,
        day: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(cell: &str, f: Frequency) -> Result<String, String> {
        parse_stamp(cell.as_bytes())
            .and_then(|s| s.to_period(f))
            .map(|p| p.to_string())
    }

    #[test]
    fn parses_every_spelling() {
        assert_eq!(period("2024-03", Frequency::Monthly), Ok("2024-03".into()));
        assert_eq!(
            period(" 2024-03-31 ", Frequency::Monthly),
            Ok("2024-03".into())
        );
        assert_eq!(
            period("2024-03-31T23:59:59Z", Frequency::Quarterly),
            Ok("2024-Q1".into())
        );
        assert_eq!(
            period("2024-12-01", Frequency::Quarterly),
            Ok("2024-Q4".into())
        );
        assert_eq!(
            period("2024-Q3", Frequency::Quarterly),
            Ok("2024-Q3".into())
        );
        assert_eq!(period("2024-q3", Frequency::Yearly), Ok("2024".into()));
        assert_eq!(period("2024", Frequency::Yearly), Ok("2024".into()));
    }

    #[test]
    fn refuses_impossible_or_too_coarse_periods() {
        assert!(
            period("2024-13", Frequency::Monthly)
                .unwrap_err()
                .contains("month 13")
        );
        assert!(
            period("2023-02-29", Frequency::Monthly)
                .unwrap_err()
                .contains("no day 29")
        );
        assert!(
            period("2024-Q5", Frequency::Quarterly)
                .unwrap_err()
                .contains("quarter 5")
        );
        assert!(
            period("2024-Q1", Frequency::Monthly)
                .unwrap_err()
                .contains("quarterly period")
        );
        assert!(
            period("2024", Frequency::Quarterly)
                .unwrap_err()
                .contains("yearly period")
        );
        assert!(
            period("03/2024", Frequency::Monthly)
                .unwrap_err()
                .contains("expected YYYY-MM")
        );
        assert!(period("", Frequency::Monthly).is_err());
        assert!(period("2024-3", Frequency::Monthly).is_err());
    }

    #[test]
    fn periods_step_across_years() {
        let p = Period {
            frequency: Frequency::Quarterly,
            index: 2024 * 4 + 3,
        };
        assert_eq!(p.plus(1).to_string(), "2025-Q1");
        assert_eq!(p.plus(1).year(), 2025);
    }
}
