//! Steps for editing numbers with `+`/`-`: scores along their criterion's
//! scale, weights, Saaty's ratios and learning rates, and how a number is
//! written back into a file.

/// How far one `+` moves a score: 1 on small integer scales, a tenth of
/// the range (rounded to 1, 2 or 5 × 10ᵏ) on wide ones.
pub fn score_step(min: f64, max: f64) -> f64 {
    let range = max - min;
    if (2.0..=10.0).contains(&range) {
        1.0
    } else {
        nice_step(range / 10.0)
    }
}

/// The nearest 1, 2 or 5 × 10ᵏ at or below `x` (x > 0).
pub fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let f = if m >= 5.0 {
        5.0
    } else if m >= 2.0 {
        2.0
    } else {
        1.0
    };
    f * p
}

pub fn round_to(x: f64, unit: f64) -> f64 {
    (x / unit).round() * unit
}

/// A number as it is written into a file: `4`, `0.35`.
pub fn number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{:.0}", x.round())
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Saaty's scale, from 1/9 to 9.
pub const SAATY: [f64; 17] = [
    1.0 / 9.0,
    1.0 / 8.0,
    1.0 / 7.0,
    1.0 / 6.0,
    1.0 / 5.0,
    1.0 / 4.0,
    1.0 / 3.0,
    1.0 / 2.0,
    1.0,
    2.0,
    3.0,
    4.0,
    5.0,
    6.0,
    7.0,
    8.0,
    9.0,
];

/// The next value on Saaty's scale above (or below) `x`.
/// The next value on the 1-2-5 scale (…, 0.001, 0.002, 0.005, 0.01, …).
pub fn step125(x: f64, up: bool) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 0.001;
    }
    let e = x.log10().floor();
    let scale = 10f64.powf(e);
    let m = x / scale;
    let ladder = [1.0, 2.0, 5.0, 10.0, 20.0];
    let next = if up {
        ladder
            .iter()
            .find(|&&v| v > m + 1e-9)
            .copied()
            .unwrap_or(10.0)
    } else {
        [0.5, 1.0, 2.0, 5.0]
            .iter()
            .rev()
            .find(|&&v| v < m - 1e-9)
            .copied()
            .unwrap_or(0.5)
    };
    round_to(next * scale, scale / 1000.0)
}

pub fn saaty_step(x: f64, up: bool) -> Option<f64> {
    let eps = 1e-3;
    if up {
        SAATY.iter().copied().find(|&s| s > x * (1.0 + eps))
    } else {
        SAATY.iter().rev().copied().find(|&s| s < x * (1.0 - eps))
    }
}

/// A ratio as Saaty writes it: `3`, `1/3`, or the number when it is off
/// the scale.
pub fn saaty(x: f64) -> String {
    if !(x.is_finite() && x > 0.0) {
        return "?".into();
    }
    let near = |a: f64, b: f64| (a - b).abs() <= 0.01 * b;
    if x >= 1.0 && near(x, x.round()) {
        format!("{:.0}", x.round())
    } else if x < 1.0 && near(1.0 / x, (1.0 / x).round()) {
        format!("1/{:.0}", (1.0 / x).round())
    } else {
        format!("{x:.2}")
    }
}

/// A stored ratio: whole numbers as they are, fractions to four places,
/// rounded up so that 1/9 stays within the allowed 1/9–9.
pub fn ratio_text(x: f64) -> String {
    if x >= 1.0 {
        number(x)
    } else {
        number((x * 10_000.0).ceil() / 10_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_suit_the_scale() {
        assert_eq!(score_step(1.0, 5.0), 1.0);
        assert_eq!(score_step(0.0, 100.0), 10.0);
        assert_eq!(score_step(0.0, 1.0), 0.1);
        assert_eq!(nice_step(0.05), 0.05);
        assert_eq!(nice_step(0.07), 0.05);
        assert_eq!(nice_step(3.0), 2.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn learning_rate_steps_along_1_2_5() {
        assert!((step125(0.001, true) - 0.002).abs() < 1e-15);
        assert!((step125(0.002, true) - 0.005).abs() < 1e-15);
        assert!((step125(0.005, true) - 0.01).abs() < 1e-15);
        assert!((step125(0.01, false) - 0.005).abs() < 1e-15);
        assert!((step125(0.001, false) - 0.0005).abs() < 1e-15);
        assert!((step125(0.003, false) - 0.002).abs() < 1e-15);
    }

    #[test]
    fn saaty_scale_moves_and_stops_at_the_ends() {
        assert_eq!(saaty_step(1.0, true), Some(2.0));
        assert_eq!(saaty_step(1.0, false), Some(0.5));
        assert_eq!(saaty_step(2.5, true), Some(3.0));
        assert_eq!(saaty_step(2.5, false), Some(2.0));
        assert_eq!(saaty_step(9.0, true), None);
        assert_eq!(saaty_step(0.1112, false), None, "1/9 as stored");
        assert_eq!(saaty(0.3334), "1/3");
        assert_eq!(saaty(3.0), "3");
        assert_eq!(saaty(2.5), "2.50");
        assert_eq!(ratio_text(1.0 / 9.0), "0.1112");
        assert!(ratio_text(1.0 / 9.0).parse::<f64>().unwrap_or(0.0) >= 1.0 / 9.0);
        assert_eq!(number(0.35000000001), "0.35");
        assert_eq!(number(4.0), "4");
    }
}
