//! What customers said: survey questions summarised (distribution, median,
//! top-two-box, NPS), interview notes grouped by the needs they support, and
//! trends summarised by type.

use std::path::{Path, PathBuf};

use crate::csvfile::problem::{Problem, RowProblems};
use crate::csvfile::{self, parse_number};
use crate::workspace::choice::{Choice, EvidenceKind, TrendDirection, TrendType};
use crate::workspace::date::Date;
use crate::workspace::model::{Evidence, Model, Trend};
use crate::workspace::validate::resolve_inside;

/// Answer scale of a survey question.
pub use crate::workspace::choice::Scale;

/// Promoters (9–10), passives (7–8) and detractors (0–6) of an NPS question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nps {
    pub promoters: f64,
    pub passives: f64,
    pub detractors: f64,
    /// (promoters − detractors) × 100, from −100 to 100.
    pub score: f64,
}

/// Summary of the answers to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub scale: Scale,
    /// Answers per point, lowest first.
    pub counts: Vec<u64>,
    pub n: u64,
    /// Share of answers per point (sums to 1 when `n` > 0).
    pub distribution: Vec<f64>,
    /// The middle answer (mean of the two middle ones when `n` is even).
    pub median: Option<f64>,
    pub mean: Option<f64>,
    /// Share of answers on the two highest points.
    pub top_two_box: Option<f64>,
    /// Share of answers on the two lowest points.
    pub bottom_two_box: Option<f64>,
    /// Only for `nps` questions.
    pub nps: Option<Nps>,
}

/// The answer at 0-based rank `k` in the ordered answers.
fn answer_at(counts: &[u64], min: i64, k: u64) -> i64 {
    let mut seen = 0;
    for (i, c) in counts.iter().enumerate() {
        seen += c;
        if k < seen {
            return min + i as i64;
        }
    }
    min + counts.len() as i64 - 1
}

/// Summarise answer counts (lowest point first).
pub fn summarise(scale: Scale, counts: &[u64]) -> Answers {
    let n: u64 = counts.iter().sum();
    let nf = n as f64;
    let share = |c: u64| if n > 0 { c as f64 / nf } else { 0.0 };
    let distribution = counts.iter().map(|c| share(*c)).collect();
    let (median, mean, top, bottom) = if n == 0 {
        (None, None, None, None)
    } else {
        let lo = answer_at(counts, scale.min(), (n - 1) / 2);
        let hi = answer_at(counts, scale.min(), n / 2);
        let sum: f64 = counts
            .iter()
            .enumerate()
            .map(|(i, c)| (scale.min() + i as i64) as f64 * *c as f64)
            .sum();
        let len = counts.len();
        let top: u64 = counts.iter().skip(len.saturating_sub(2)).sum();
        let bottom: u64 = counts.iter().take(2).sum();
        (
            Some((lo + hi) as f64 / 2.0),
            Some(sum / nf),
            Some(share(top)),
            Some(share(bottom)),
        )
    };
    let nps = (scale == Scale::Nps && n > 0).then(|| {
        let group = |a: usize, b: usize| share(counts.iter().skip(a).take(b - a + 1).sum());
        let (detractors, passives, promoters) = (group(0, 6), group(7, 8), group(9, 10));
        Nps {
            promoters,
            passives,
            detractors,
            score: (promoters - detractors) * 100.0,
        }
    });
    Answers {
        scale,
        counts: counts.to_vec(),
        n,
        distribution,
        median,
        mean,
        top_two_box: top,
        bottom_two_box: bottom,
        nps,
    }
}

/// Where a survey's answers came from.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerSource {
    Counts,
    Responses {
        file: PathBuf,
        column: String,
        rows: u64,
        blank: u64,
    },
}

/// One survey question, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub id: String,
    pub title: String,
    pub needs: Vec<String>,
    pub source: AnswerSource,
    /// `None` when the answers could not be read (see `problems`).
    pub answers: Option<Answers>,
    /// Rows skipped and, when `answers` is `None`, why.
    pub problems: Vec<Problem>,
}

/// The answers of one column of a responses CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Responses {
    /// Answers per point, lowest first.
    pub counts: Vec<u64>,
    /// Data rows read.
    pub rows: u64,
    /// Empty cells (non-responses).
    pub blank: u64,
    /// Rows skipped, each `file:line: message`.
    pub problems: Vec<Problem>,
}

/// Count the answers in `column` of a responses CSV. Blank cells are
/// non-responses: counted apart, not an error.
pub fn read_responses(file: &Path, column: &str, scale: Scale) -> Result<Responses, Vec<Problem>> {
    let mut csv = csvfile::open(file).map_err(|p| vec![p])?;
    let ci = csv.column(column, "column").map_err(|p| vec![p])?;
    let path = csv.path.clone();
    let mut counts = vec![0u64; scale.points()];
    let (mut rows, mut blank) = (0u64, 0u64);
    let mut problems = RowProblems::default();
    let mut record = csv::ByteRecord::new();
    while let Some(at) = csv.next_row(&mut record, &mut problems)? {
        rows += 1;
        let Some(cell) = record.get(ci) else {
            problems.push(at, || crate::tr!("market.data.no_field", name = column));
            continue;
        };
        match parse_number(cell) {
            Ok(None) => blank += 1,
            Ok(Some(x))
                if x.fract() == 0.0 && (scale.min() as f64..=scale.max() as f64).contains(&x) =>
            {
                counts[(x as i64 - scale.min()) as usize] += 1;
            }
            Ok(Some(x)) => problems.push(at, || {
                crate::tr!(
                    "market.data.off_scale",
                    name = column,
                    answer = x,
                    scale = scale.as_str(),
                    min = scale.min(),
                    max = scale.max()
                )
            }),
            Err(m) => problems.push(at, || {
                crate::tr!("market.data.column_skipped", name = column, problem = m)
            }),
        }
    }
    Ok(Responses {
        counts,
        rows,
        blank,
        problems: problems.finish(&path, vec![]),
    })
}

/// Summarise one `[[evidence]]` survey question; `None` for interviews.
pub fn survey(root: &Path, e: &Evidence) -> Option<Survey> {
    if e.kind != EvidenceKind::Survey {
        return None;
    }
    let toml = root.join("market.toml");
    let mut out = Survey {
        id: e.id.clone(),
        title: e.title.clone(),
        needs: e.needs.clone(),
        source: AnswerSource::Counts,
        answers: None,
        problems: vec![],
    };
    let Some(scale) = e.scale.as_ref().and_then(Choice::known) else {
        out.problems.push(Problem::new(
            &toml,
            0,
            crate::tr!(
                "market.data.survey_scale",
                id = e.id,
                names = Scale::NAMES.join(", ")
            ),
        ));
        return Some(out);
    };
    if let Some(written) = &e.responses {
        let column = e.column.clone().unwrap_or_default();
        let file = match resolve_inside(root, written) {
            Ok(f) => f,
            Err(m) => {
                out.problems.push(Problem::new(
                    &toml,
                    0,
                    crate::tr!("market.data.survey", id = e.id, message = m),
                ));
                return Some(out);
            }
        };
        match read_responses(&file, &column, scale) {
            Ok(Responses {
                counts,
                rows,
                blank,
                problems,
            }) => {
                out.source = AnswerSource::Responses {
                    file,
                    column,
                    rows,
                    blank,
                };
                out.answers = Some(summarise(scale, &counts));
                out.problems = problems;
            }
            Err(problems) => out.problems = problems,
        }
        return Some(out);
    }
    if e.counts.len() != scale.points() {
        out.problems.push(Problem::new(
            &toml,
            0,
            crate::tr!(
                "market.data.survey_counts",
                id = e.id,
                scale = scale.as_str(),
                points = scale.points(),
                n = e.counts.len()
            ),
        ));
        return Some(out);
    }
    let counts: Vec<u64> = e
        .counts
        .iter()
        .map(|c| u64::try_from(*c).unwrap_or(0))
        .collect();
    out.answers = Some(summarise(scale, &counts));
    Some(out)
}

/// Every survey question in the workspace, in file order.
pub fn surveys(root: &Path, model: &Model) -> Vec<Survey> {
    model
        .evidence
        .iter()
        .filter_map(|e| survey(root, e))
        .collect()
}

/// A piece of evidence as listed under a need.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRef {
    pub id: String,
    /// `interview` or `survey`.
    pub kind: String,
    pub title: String,
    pub date: Option<Date>,
    pub source: String,
    pub notes: String,
}

/// A need and the evidence that supports it.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedEvidence {
    pub need: String,
    /// The need's title (empty when the id is not a known need).
    pub title: String,
    pub interviews: usize,
    pub surveys: usize,
    pub evidence: Vec<EvidenceRef>,
}

/// Every need (in file order) with the interviews and surveys tagged to it;
/// needs without evidence are listed too, with an empty list, so the gaps
/// show. Ids that no need has come last.
pub fn evidence_by_need(model: &Model) -> Vec<NeedEvidence> {
    let mut out: Vec<NeedEvidence> = model
        .needs
        .iter()
        .map(|n| NeedEvidence {
            need: n.id.clone(),
            title: n.title.clone(),
            interviews: 0,
            surveys: 0,
            evidence: vec![],
        })
        .collect();
    for e in &model.evidence {
        for need in &e.needs {
            let i = match out.iter().position(|n| &n.need == need) {
                Some(i) => i,
                None => {
                    out.push(NeedEvidence {
                        need: need.clone(),
                        title: String::new(),
                        interviews: 0,
                        surveys: 0,
                        evidence: vec![],
                    });
                    out.len() - 1
                }
            };
            let entry = &mut out[i];
            if e.kind == EvidenceKind::Survey {
                entry.surveys += 1;
            } else {
                entry.interviews += 1;
            }
            entry.evidence.push(EvidenceRef {
                id: e.id.clone(),
                kind: e.kind.to_string(),
                title: e.title.clone(),
                date: e.date,
                source: e.source.clone(),
                notes: e.notes.clone(),
            });
        }
    }
    out
}

/// Trends of one type (market, competition, technology).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendGroup {
    pub kind: String,
    pub rising: usize,
    pub falling: usize,
    pub stable: usize,
    pub mean_impact: f64,
    /// The trends, highest impact first (file order among equals).
    pub trends: Vec<Trend>,
}

/// Trends grouped by type: market, competition, technology, then any other
/// type in order of first appearance.
pub fn trends_by_type(trends: &[Trend]) -> Vec<TrendGroup> {
    let mut kinds: Vec<&str> = TrendType::NAMES.to_vec();
    for t in trends {
        if !kinds.contains(&t.kind.as_str()) {
            kinds.push(&t.kind);
        }
    }
    kinds
        .into_iter()
        .filter_map(|k| {
            let mut list: Vec<Trend> = trends.iter().filter(|t| t.kind == k).cloned().collect();
            if list.is_empty() {
                return None;
            }
            list.sort_by_key(|t| std::cmp::Reverse(t.impact));
            let count = |d: TrendDirection| list.iter().filter(|t| t.direction == d).count();
            Some(TrendGroup {
                kind: k.to_string(),
                rising: count(TrendDirection::Rising),
                falling: count(TrendDirection::Falling),
                stable: count(TrendDirection::Stable),
                mean_impact: list.iter().map(|t| t.impact as f64).sum::<f64>() / list.len() as f64,
                trends: list,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NPS by hand: counts 0…10 = [6, 4, 7, 9, 12, 28, 31, 58, 64, 37, 44]
    /// (n = 300). Detractors 0–6: 97 (32.33 %), passives 7–8: 122,
    /// promoters 9–10: 81 (27 %). NPS = 27 − 32.33 = −5.33.
    #[test]
    fn nps_by_hand() {
        let a = summarise(Scale::Nps, &[6, 4, 7, 9, 12, 28, 31, 58, 64, 37, 44]);
        assert_eq!(a.n, 300);
        let nps = a.nps.unwrap_or(Nps {
            promoters: 0.0,
            passives: 0.0,
            detractors: 0.0,
            score: f64::NAN,
        });
        assert!((nps.promoters - 81.0 / 300.0).abs() < 1e-12);
        assert!((nps.detractors - 97.0 / 300.0).abs() < 1e-12);
        assert!((nps.passives - 122.0 / 300.0).abs() < 1e-12);
        assert!((nps.score - (-16.0 / 3.0)).abs() < 1e-9);
        // Top-two-box of an NPS question = the promoters.
        assert_eq!(a.top_two_box, Some(81.0 / 300.0));
        // Ordered answers: 0–6 hold ranks 0–96, 7 holds 97–154; ranks 149 and 150 are both 7.
        assert_eq!(a.median, Some(7.0));
    }

    /// Likert-7 by hand: counts [96, 118, 141, 120, 88, 51, 26], n = 640.
    /// Top-two-box = (51 + 26) / 640 = 12.03 %; bottom-two = 214 / 640.
    /// Ranks 319 and 320: cumulative 96, 214, 355 → both answer 3.
    #[test]
    fn likert_by_hand() {
        let a = summarise(Scale::Likert7, &[96, 118, 141, 120, 88, 51, 26]);
        assert_eq!(a.n, 640);
        assert_eq!(a.top_two_box, Some(77.0 / 640.0));
        assert_eq!(a.bottom_two_box, Some(214.0 / 640.0));
        assert_eq!(a.median, Some(3.0));
        assert!(a.nps.is_none());
        let mean =
            (96.0 + 2.0 * 118.0 + 3.0 * 141.0 + 4.0 * 120.0 + 5.0 * 88.0 + 6.0 * 51.0 + 7.0 * 26.0)
                / 640.0;
        assert!((a.mean.unwrap_or(0.0) - mean).abs() < 1e-12);
        assert!((a.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn even_median_between_two_answers_and_empty_survey() {
        // Answers 2, 2, 4, 4 → median 3.
        let a = summarise(Scale::Likert5, &[0, 2, 0, 2, 0]);
        assert_eq!(a.median, Some(3.0));
        assert_eq!(a.top_two_box, Some(0.5));
        let e = summarise(Scale::Likert5, &[0; 5]);
        assert_eq!((e.n, e.median, e.top_two_box), (0, None, None));
    }
}
