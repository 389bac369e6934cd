//! TAM / SAM / SOM per segment, sized two ways.
//!
//! * top-down: TAM from the file, SAM = TAM × `sam-share`, SOM = SAM × `som-share`;
//! * bottom-up: each level = customers at that level × `revenue-per-customer`.
//!
//! The two are compared level by level; they "disagree" when they differ by
//! more than [`DISAGREEMENT`] of the larger one (symmetric, so neither method
//! is treated as the truth).

use crate::workspace::model::Segment;

/// Relative difference above which the two sizings are flagged.
pub const DISAGREEMENT: f64 = 0.2;

/// TAM, SAM and SOM, any of which may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Levels {
    pub tam: Option<f64>,
    pub sam: Option<f64>,
    pub som: Option<f64>,
}

impl Levels {
    fn get(&self, i: usize) -> Option<f64> {
        [self.tam, self.sam, self.som][i]
    }

    fn is_empty(&self) -> bool {
        self.tam.is_none() && self.sam.is_none() && self.som.is_none()
    }
}

/// Which sizing the headline numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    TopDown,
    BottomUp,
    None,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::TopDown => "top-down",
            Basis::BottomUp => "bottom-up",
            Basis::None => "none",
        }
    }
}

/// One level where top-down and bottom-up differ by more than
/// [`DISAGREEMENT`].
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// "TAM", "SAM" or "SOM".
    pub level: &'static str,
    pub top_down: f64,
    pub bottom_up: f64,
    /// |top-down − bottom-up| / max(top-down, bottom-up).
    pub relative: f64,
}

impl Disagreement {
    /// A sentence for tables and warnings.
    pub fn message(&self, segment: &str) -> String {
        let key = if self.bottom_up < self.top_down {
            "market.data.disagreement.bottom_up_lower"
        } else {
            "market.data.disagreement.top_down_lower"
        };
        crate::tr!(
            key,
            segment = segment,
            level = self.level,
            top_down = compact(self.top_down),
            bottom_up = compact(self.bottom_up),
            percent = format!("{:.0}", self.relative * 100.0),
            limit = format!("{:.0}", DISAGREEMENT * 100.0)
        )
    }
}

/// A segment sized both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct Sizing {
    pub id: String,
    pub name: String,
    pub top_down: Levels,
    pub bottom_up: Levels,
    /// The headline numbers: top-down where the segment has a TAM, else
    /// bottom-up.
    pub headline: Levels,
    pub basis: Basis,
    /// Relative difference per level (TAM, SAM, SOM) where both are known.
    pub difference: Levels,
    pub disagreements: Vec<Disagreement>,
    pub growth: Option<f64>,
}

/// Size one segment.
pub fn size(s: &Segment) -> Sizing {
    let sam = s.tam.zip(s.sam_share).map(|(t, f)| t * f);
    let top_down = Levels {
        tam: s.tam,
        sam,
        som: sam.zip(s.som_share).map(|(t, f)| t * f),
    };
    let rpc = s.revenue_per_customer;
    let bottom_up = Levels {
        tam: s.customers_total.zip(rpc).map(|(c, r)| c * r),
        sam: s.customers_addressable.zip(rpc).map(|(c, r)| c * r),
        som: s.customers_obtainable.zip(rpc).map(|(c, r)| c * r),
    };
    let mut diff = [None; 3];
    let mut disagreements = Vec::new();
    for (i, level) in ["TAM", "SAM", "SOM"].into_iter().enumerate() {
        if let (Some(td), Some(bu)) = (top_down.get(i), bottom_up.get(i)) {
            let larger = td.abs().max(bu.abs());
            let rel = if larger > 0.0 {
                (td - bu).abs() / larger
            } else {
                0.0
            };
            diff[i] = Some(rel);
            if rel > DISAGREEMENT {
                disagreements.push(Disagreement {
                    level,
                    top_down: td,
                    bottom_up: bu,
                    relative: rel,
                });
            }
        }
    }
    let (headline, basis) = if top_down.tam.is_some() {
        (top_down, Basis::TopDown)
    } else if !bottom_up.is_empty() {
        (bottom_up, Basis::BottomUp)
    } else {
        (Levels::default(), Basis::None)
    };
    Sizing {
        id: s.id.clone(),
        name: s.name.clone(),
        top_down,
        bottom_up,
        headline,
        basis,
        difference: Levels {
            tam: diff[0],
            sam: diff[1],
            som: diff[2],
        },
        disagreements,
        growth: s.growth,
    }
}

/// Size every segment, in file order.
pub fn size_all(segments: &[Segment]) -> Vec<Sizing> {
    segments.iter().map(size).collect()
}

/// The one compact number format (`1.1B`, `44M`), re-exported for the
/// terminal UI until it imports [`crate::numfmt`] itself.
pub use crate::numfmt::compact;

#[cfg(test)]
mod tests {
    use super::*;

    fn segment() -> Segment {
        Segment {
            id: "seg-a".into(),
            name: "A".into(),
            description: String::new(),
            tam: Some(1.1e9),
            sam_share: Some(0.04),
            som_share: Some(0.15),
            customers_total: Some(9e6),
            customers_addressable: Some(1.2e6),
            customers_obtainable: Some(60_000.0),
            revenue_per_customer: Some(60.0),
            growth: None,
        }
    }

    #[test]
    fn sizes_both_ways_and_flags_disagreement() {
        let s = size(&segment());
        assert_eq!(s.top_down.tam, Some(1.1e9));
        assert!((s.top_down.sam.unwrap_or(0.0) - 44e6).abs() < 1e-3);
        assert!((s.top_down.som.unwrap_or(0.0) - 6.6e6).abs() < 1e-3);
        assert_eq!(s.bottom_up.som, Some(3.6e6));
        assert_eq!(s.basis, Basis::TopDown);
        // SOM: |6.6 − 3.6| / 6.6 = 45 %.
        let som = s
            .disagreements
            .iter()
            .find(|d| d.level == "SOM")
            .map(|d| d.relative);
        assert!((som.unwrap_or(0.0) - 3.0 / 6.6).abs() < 1e-12);
        assert_eq!(s.disagreements.len(), 3);
        assert!(
            s.disagreements[2]
                .message("seg-a")
                .contains("bottom-up is 45 % lower")
        );
    }

    #[test]
    fn within_twenty_percent_is_quiet_and_bottom_up_alone_is_the_headline() {
        let mut seg = segment();
        seg.customers_obtainable = Some(100_000.0); // 6.0 m vs 6.6 m: 9 %
        let s = size(&seg);
        assert!(s.disagreements.iter().all(|d| d.level != "SOM"));
        seg.tam = None;
        let s = size(&seg);
        assert_eq!(s.basis, Basis::BottomUp);
        assert_eq!(s.headline.tam, Some(540e6));
        assert!(s.disagreements.is_empty());
    }
}
