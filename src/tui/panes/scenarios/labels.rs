//! How the Scenarios pane names things on screen, in the interface
//! language: quadrants, scoring methods and their formulas, sort orders,
//! criteria (by name; the id only where a criterion has none).

pub use crate::labels::{method_formula, method_label};

use crate::analysis::Quadrant;
use crate::workspace::model::Criterion;

/// A quadrant's full name on screen.
pub fn quadrant_label(q: Quadrant) -> String {
    match q {
        Quadrant::QuickWin => crate::tr!("tui.scn.quad.quick_win"),
        Quadrant::StrategicBet => crate::tr!("tui.scn.quad.strategic_bet"),
        Quadrant::FillIn => crate::tr!("tui.scn.quad.fill_in"),
        Quadrant::Avoid => crate::tr!("tui.scn.quad.avoid"),
    }
}

/// A sort order's name on screen.
pub fn sort_label(s: &str) -> String {
    match s {
        "rank" => crate::tr!("tui.scn.sort.rank"),
        "file order" => crate::tr!("tui.scn.sort.file"),
        "P(rank 1)" => crate::tr!("tui.scn.sort.p1"),
        "name" => crate::tr!("tui.scn.sort.name"),
        other => other.to_string(),
    }
}

/// A criterion as named on screen: its name, or its id where it has none.
pub fn criterion_name(c: &Criterion) -> String {
    if c.name.trim().is_empty() {
        c.id.clone()
    } else {
        c.name.clone()
    }
}
