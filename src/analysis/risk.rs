//! The risk register: levels from the workspace's bands, overdue reviews,
//! the 5×5 heat maps and each scenario's exposure. Pure functions over the
//! model; `lodestar risks`, the report and the Risks and Overview panes all
//! read their figures from here, so they cannot disagree.
//!
//! Band names are free text (`low`…`critical`, or `低`/`中`/`高`/`极高`), so
//! nothing here looks at a name: a level is the band's *position* among the
//! bands ordered by `min`, and "high or worse" means one of the two highest
//! bands.

use serde::Serialize;

use crate::workspace::Date;
use crate::workspace::model::{Model, Risk, RiskBand};

/// A score's level: the band's name and its position among the bands
/// ordered by `min` (0 is the lowest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    pub name: String,
    pub position: usize,
}

/// The risk bands in force, ordered by `min`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands(Vec<RiskBand>);

impl Bands {
    /// The workspace's bands, or the defaults when it defines none.
    pub fn of(model: &Model) -> Bands {
        Bands::new(model.bands())
    }

    pub fn new(mut bands: Vec<RiskBand>) -> Bands {
        bands.sort_by_key(|b| b.min);
        Bands(bands)
    }

    /// The bands, lowest first: a band's index is its level's position.
    pub fn as_slice(&self) -> &[RiskBand] {
        &self.0
    }

    /// The level of a score; `None` when no band holds it (`check` warns
    /// about bands that leave scores out).
    pub fn level(&self, score: i64) -> Option<Level> {
        self.0
            .iter()
            .position(|b| (b.min..=b.max).contains(&score))
            .map(|position| Level {
                position,
                name: self.0[position].name.clone(),
            })
    }

    /// Whether a level is "high or worse": one of the two highest bands
    /// (with the default four, `high` and `critical`).
    pub fn is_high(&self, level: &Level) -> bool {
        level.position + 2 >= self.0.len()
    }
}

/// Whether a risk still counts: every status but `closed`.
pub fn is_open(r: &Risk) -> bool {
    r.status != "closed"
}

/// An open risk whose review date has passed (a review due today is not late).
pub fn overdue(r: &Risk, today: Date) -> bool {
    is_open(r) && r.review.is_some_and(|d| d < today)
}

/// One risk with its levels worked out.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    /// Likelihood × impact (1–25).
    pub score: i64,
    pub level: Option<Level>,
    /// `None` when the residual risk has not been assessed.
    pub residual: Option<ResidualLevel>,
    pub overdue: bool,
}

/// The risk left after mitigation.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidualLevel {
    pub likelihood: i64,
    pub impact: i64,
    pub score: i64,
    pub level: Option<Level>,
}

pub fn assess(r: &Risk, bands: &Bands, today: Date) -> Assessed {
    Assessed {
        score: r.score(),
        level: bands.level(r.score()),
        residual: r.residual.as_ref().map(|x| {
            let score = x.likelihood * x.impact;
            ResidualLevel {
                likelihood: x.likelihood,
                impact: x.impact,
                score,
                level: bands.level(score),
            }
        }),
        overdue: overdue(r, today),
    }
}

/// Which assessment a heat map places risks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Likelihood and impact before mitigation.
    Inherent,
    /// After mitigation; risks without a residual assessment are counted
    /// apart, not placed at their inherent cell.
    Residual,
}

/// Where a risk sits on the heat map as (likelihood, impact), each 1–5;
/// `None` on the residual basis when it has not been assessed.
pub fn cell(r: &Risk, basis: Basis) -> Option<(i64, i64)> {
    let (l, i) = match basis {
        Basis::Inherent => (r.likelihood, r.impact),
        Basis::Residual => r.residual.as_ref().map(|x| (x.likelihood, x.impact))?,
    };
    Some((l.clamp(1, 5), i.clamp(1, 5)))
}

/// Counts of risks per likelihood × impact cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HeatMap {
    /// `counts[impact − 1][likelihood − 1]`.
    pub counts: [[usize; 5]; 5],
    /// Risks not on the map: no residual assessment (residual basis only).
    pub unassessed: usize,
}

impl HeatMap {
    pub fn of<'a>(risks: impl IntoIterator<Item = &'a Risk>, basis: Basis) -> HeatMap {
        let mut map = HeatMap::default();
        for r in risks {
            match cell(r, basis) {
                Some((l, i)) => map.counts[(i - 1) as usize][(l - 1) as usize] += 1,
                None => map.unassessed += 1,
            }
        }
        map
    }

    /// Risks at `likelihood` and `impact` (1–5; 0 outside the grid).
    pub fn count(&self, likelihood: i64, impact: i64) -> usize {
        if (1..=5).contains(&likelihood) && (1..=5).contains(&impact) {
            self.counts[(impact - 1) as usize][(likelihood - 1) as usize]
        } else {
            0
        }
    }

    /// Risks placed on the grid.
    pub fn placed(&self) -> usize {
        self.counts.iter().flatten().sum()
    }
}

/// The register's headline figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub risks: usize,
    pub open: usize,
    /// Open risks whose inherent level is high or worse ([`Bands::is_high`]).
    pub open_high: usize,
    pub overdue: usize,
    /// Every risk of the register, closed ones included.
    pub inherent: HeatMap,
    pub residual: HeatMap,
}

pub fn summary(model: &Model, today: Date) -> Summary {
    let bands = Bands::of(model);
    let open: Vec<&Risk> = model.risks.iter().filter(|r| is_open(r)).collect();
    Summary {
        risks: model.risks.len(),
        open: open.len(),
        open_high: open
            .iter()
            .filter(|r| bands.level(r.score()).is_some_and(|l| bands.is_high(&l)))
            .count(),
        overdue: model.risks.iter().filter(|r| overdue(r, today)).count(),
        inherent: HeatMap::of(&model.risks, Basis::Inherent),
        residual: HeatMap::of(&model.risks, Basis::Residual),
    }
}

/// How much open risk a scenario carries: the inherent scores of the open
/// risks that name it in `scenarios`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub scenario: String,
    /// Indices into `model.risks`, in file order.
    pub risks: Vec<usize>,
    /// Sum of their scores (0 when none).
    pub sum: i64,
    /// The highest of their scores (0 when none).
    pub max: i64,
}

/// Exposure of every scenario, in file order.
pub fn exposure(model: &Model) -> Vec<Exposure> {
    model
        .scenarios
        .iter()
        .map(|s| {
            let risks: Vec<usize> = (0..model.risks.len())
                .filter(|&i| {
                    let r = &model.risks[i];
                    is_open(r) && r.scenarios.contains(&s.id)
                })
                .collect();
            let scores = || risks.iter().map(|&i| model.risks[i].score());
            Exposure {
                scenario: s.id.clone(),
                sum: scores().sum(),
                max: scores().max().unwrap_or(0),
                risks,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    /// A model read from TOML the way `lodestar` reads a workspace: bands as
    /// in the Chinese example (written out of order on purpose), scenarios
    /// s1–s3, and `risks` as the text of `risks.toml`.
    fn model(risks: &str) -> Model {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = [
            (
                "workspace.toml",
                "name = \"t\"\n\
                 [[risk-band]]\nname = \"极高\"\nmin = 15\nmax = 25\n\
                 [[risk-band]]\nname = \"低\"\nmin = 1\nmax = 4\n\
                 [[risk-band]]\nname = \"高\"\nmin = 10\nmax = 14\n\
                 [[risk-band]]\nname = \"中\"\nmin = 5\nmax = 9\n",
            ),
            (
                "scenarios.toml",
                "[[scenario]]\nid = \"s1\"\n[[scenario]]\nid = \"s2\"\n[[scenario]]\nid = \"s3\"\n",
            ),
            ("risks.toml", risks),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        Workspace::open(dir.path()).expect("open").model
    }

    fn risk(id: &str, l: i64, i: i64, extra: &str) -> String {
        format!("[[risk]]\nid = \"{id}\"\nlikelihood = {l}\nimpact = {i}\n{extra}\n")
    }

    fn date(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn levels_go_by_position_not_name() {
        let b = Bands::of(&model(""));
        let names: Vec<&str> = b.as_slice().iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["低", "中", "高", "极高"]);
        let at = |s| b.level(s).map(|l| (l.position, l.name));
        assert_eq!(at(1), Some((0, "低".into())));
        assert_eq!(at(4), Some((0, "低".into())));
        assert_eq!(at(5), Some((1, "中".into())));
        assert_eq!(at(12), Some((2, "高".into())));
        assert_eq!(at(25), Some((3, "极高".into())));
        assert_eq!(at(0), None);
        assert_eq!(at(26), None);
        let high: Vec<bool> = (0..4)
            .map(|position| {
                b.is_high(&Level {
                    position,
                    name: String::new(),
                })
            })
            .collect();
        assert_eq!(high, [false, false, true, true]);
    }

    #[test]
    fn gaps_leave_scores_without_a_level_and_few_bands_are_all_high() {
        let band = |name: &str, min, max| RiskBand {
            name: name.into(),
            min,
            max,
        };
        let b = Bands::new(vec![band("bad", 16, 25), band("ok", 1, 9)]);
        assert_eq!(b.level(12), None);
        assert!(b.level(1).is_some_and(|l| l.name == "ok" && b.is_high(&l)));
        let defaults = Bands::new(crate::workspace::model::default_bands());
        assert_eq!(defaults.level(10).map(|l| l.name), Some("high".into()));
        assert!(defaults.level(9).is_some_and(|l| !defaults.is_high(&l)));
    }

    #[test]
    fn overdue_is_strictly_before_today_and_never_closed() {
        let today = date("2026-11-29");
        let m = model(
            &[
                risk("r1", 1, 1, ""),
                risk("r2", 1, 2, "review = 2026-11-29"),
                risk("r3", 1, 3, "review = 2026-11-28"),
                risk("r4", 1, 4, "review = 2026-11-28\nstatus = \"accepted\""),
                risk("r5", 1, 5, "review = 2026-11-28\nstatus = \"closed\""),
            ]
            .concat(),
        );
        let got: Vec<bool> = m.risks.iter().map(|r| overdue(r, today)).collect();
        // No date; due today; a day late; accepted risks are still reviewed; closed.
        assert_eq!(got, [false, false, true, true, false]);
    }

    #[test]
    fn assess_keeps_an_unassessed_residual_unassessed() {
        let m = model(
            &[
                risk("r6", 4, 4, "residual = { likelihood = 2, impact = 3 }"),
                risk("r7", 3, 3, ""),
            ]
            .concat(),
        );
        let b = Bands::of(&m);
        let today = date("2026-01-01");
        let a = assess(&m.risks[0], &b, today);
        assert_eq!(a.score, 16);
        assert_eq!(a.level.map(|l| l.name), Some("极高".into()));
        let res = a.residual.expect("residual");
        assert_eq!((res.likelihood, res.impact, res.score), (2, 3, 6));
        assert_eq!(
            res.level.map(|l| (l.position, l.name)),
            Some((1, "中".into()))
        );
        let b9 = assess(&m.risks[1], &b, today);
        assert_eq!((b9.score, b9.residual), (9, None));
    }

    #[test]
    fn heat_maps_count_by_hand() {
        let m = model(
            &[
                risk("r8", 4, 4, "residual = { likelihood = 2, impact = 3 }"),
                risk("r9", 4, 4, ""),
                risk("r10", 1, 5, "residual = { likelihood = 1, impact = 1 }"),
                risk("r11", 2, 3, "residual = { likelihood = 2, impact = 3 }"),
            ]
            .concat(),
        );
        assert_eq!(m.risks.len(), 4);
        let inherent = HeatMap::of(&m.risks, Basis::Inherent);
        assert_eq!(inherent.count(4, 4), 2);
        assert_eq!(inherent.count(1, 5), 1);
        assert_eq!(inherent.count(2, 3), 1);
        assert_eq!(inherent.count(5, 5), 0);
        assert_eq!(inherent.count(0, 3), 0);
        assert_eq!((inherent.placed(), inherent.unassessed), (4, 0));
        // counts[impact − 1][likelihood − 1]
        assert_eq!(inherent.counts[4][0], 1);

        let residual = HeatMap::of(&m.risks, Basis::Residual);
        assert_eq!(residual.count(2, 3), 2, "the first and the last");
        assert_eq!(residual.count(1, 1), 1);
        assert_eq!(residual.count(4, 4), 0, "not placed at its inherent cell");
        assert_eq!((residual.placed(), residual.unassessed), (3, 1));
        assert_eq!(cell(&m.risks[1], Basis::Residual), None);
        assert_eq!(cell(&m.risks[1], Basis::Inherent), Some((4, 4)));
    }

    /// a: 16 极高, overdue; b: 12 高; c: 25 极高 but closed; d: 6 中.
    fn register() -> Model {
        model(
            "[[risk]]\nid = \"a\"\nlikelihood = 4\nimpact = 4\nresidual = { likelihood = 2, impact = 2 }\n\
             review = 2026-10-31\nscenarios = [\"s1\", \"s2\"]\n\
             [[risk]]\nid = \"b\"\nlikelihood = 3\nimpact = 4\nscenarios = [\"s1\"]\n\
             [[risk]]\nid = \"c\"\nlikelihood = 5\nimpact = 5\nresidual = { likelihood = 1, impact = 1 }\n\
             status = \"closed\"\nreview = 2020-01-01\nscenarios = [\"s1\", \"s3\"]\n\
             [[risk]]\nid = \"d\"\nlikelihood = 2\nimpact = 3\nscenarios = [\"s2\", \"nope\"]\n",
        )
    }

    #[test]
    fn summary_counts_open_high_risks_by_position() {
        let s = summary(&register(), date("2026-11-29"));
        assert_eq!((s.risks, s.open), (4, 3));
        assert_eq!(s.open_high, 2, "a (极高) and b (高); c is closed, d is 中");
        assert_eq!(s.overdue, 1, "a; c's review is past but it is closed");
        assert_eq!(s.inherent.placed(), 4);
        assert_eq!(s.inherent.count(5, 5), 1, "closed risks stay on the map");
        assert_eq!((s.residual.placed(), s.residual.unassessed), (2, 2));
    }

    #[test]
    fn exposure_sums_open_linked_risks() {
        let e = exposure(&register());
        let got: Vec<(&str, Vec<usize>, i64, i64)> = e
            .iter()
            .map(|x| (x.scenario.as_str(), x.risks.clone(), x.sum, x.max))
            .collect();
        assert_eq!(
            got,
            [
                ("s1", vec![0, 1], 16 + 12, 16),
                ("s2", vec![0, 3], 16 + 6, 16),
                ("s3", vec![], 0, 0),
            ]
        );
    }
}
