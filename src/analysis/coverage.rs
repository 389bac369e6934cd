//! Needs coverage: which needs no scenario addresses, and which must-have
//! needs each scenario covers.

use std::collections::HashMap;

use crate::workspace::Model;
use crate::workspace::choice::{Choice, NeedKind, NeedStatus, Priority};
use crate::workspace::model::Need;

/// Whether a need waits for a scenario to address it. Constraints are not
/// addressed by a scenario (every scenario must respect them); `wont` and
/// dropped needs are out of scope by choice. The Overview, the Needs pane
/// and the report all count "not addressed" by this one rule.
pub fn expects_scenario(n: &Need) -> bool {
    n.kind != NeedKind::Constraint
        && n.priority != Priority::Wont
        && n.status != NeedStatus::Dropped
}

/// One need and the scenarios that address it.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedCoverage {
    pub need: String,
    pub title: String,
    pub priority: Choice<Priority>,
    pub scenarios: Vec<String>,
}

/// The must-have needs one scenario addresses.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioCoverage {
    pub scenario: String,
    pub name: String,
    pub must: Vec<String>,
    pub all: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// Every need in workspace order.
    pub needs: Vec<NeedCoverage>,
    /// Needs no scenario addresses among those that expect one
    /// ([`expects_scenario`]: not constraints, `wont` or dropped needs).
    pub uncovered: Vec<String>,
    /// The `must` needs among them.
    pub uncovered_must: Vec<String>,
    /// Per scenario, in workspace order.
    pub scenarios: Vec<ScenarioCoverage>,
    /// The scenario covering the most must-have needs (first on ties);
    /// `None` when no scenario covers any.
    pub most_must: Option<String>,
}

pub fn coverage(model: &Model) -> Coverage {
    // Indexes, so that ten thousand needs and scenarios take milliseconds
    // rather than a search of every list for every need.
    let mut by_id: HashMap<&str, &Need> = HashMap::with_capacity(model.needs.len());
    for n in &model.needs {
        by_id.entry(n.id.as_str()).or_insert(n);
    }
    let mut addressed: HashMap<&str, Vec<String>> = HashMap::new();
    for s in &model.scenarios {
        for id in &s.needs {
            let list = addressed.entry(id.as_str()).or_default();
            // A scenario naming a need twice addresses it once.
            if list.last() != Some(&s.id) {
                list.push(s.id.clone());
            }
        }
    }
    let needs: Vec<NeedCoverage> = model
        .needs
        .iter()
        .map(|n| NeedCoverage {
            need: n.id.clone(),
            title: n.title.clone(),
            priority: n.priority.clone(),
            scenarios: addressed.get(n.id.as_str()).cloned().unwrap_or_default(),
        })
        .collect();
    let need = |id: &str| by_id.get(id).copied();
    let in_scope = |id: &str| need(id).is_some_and(expects_scenario);
    let uncovered: Vec<String> = needs
        .iter()
        .filter(|n| n.scenarios.is_empty() && in_scope(&n.need))
        .map(|n| n.need.clone())
        .collect();
    let is_must = |id: &str| need(id).is_some_and(|n| n.priority == Priority::Must);
    let uncovered_must = uncovered.iter().filter(|id| is_must(id)).cloned().collect();
    let scenarios: Vec<ScenarioCoverage> = model
        .scenarios
        .iter()
        .map(|s| {
            let all: Vec<String> = s
                .needs
                .iter()
                .filter(|id| need(id).is_some())
                .cloned()
                .collect();
            ScenarioCoverage {
                scenario: s.id.clone(),
                name: s.name.clone(),
                must: all.iter().filter(|id| is_must(id)).cloned().collect(),
                all,
            }
        })
        .collect();
    let most_must = scenarios
        .iter()
        .filter(|s| !s.must.is_empty())
        .fold(None::<&ScenarioCoverage>, |best, s| match best {
            Some(b) if b.must.len() >= s.must.len() => Some(b),
            _ => Some(s),
        })
        .map(|s| s.scenario.clone());
    Coverage {
        needs,
        uncovered,
        uncovered_must,
        scenarios,
        most_must,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::model::{Need, Scenario};

    fn need(id: &str, priority: &str) -> Need {
        Need {
            id: id.into(),
            title: id.into(),
            kind: "business".into(),
            priority: priority.into(),
            horizon: "medium".into(),
            owner: String::new(),
            status: "agreed".into(),
            description: String::new(),
            kpi: None,
            tags: vec![],
        }
    }

    fn scenario(id: &str, needs: &[&str]) -> Scenario {
        Scenario {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            owner: String::new(),
            status: "candidate".into(),
            strategies: vec![],
            needs: needs.iter().map(|s| s.to_string()).collect(),
            scores: Default::default(),
            features: Default::default(),
            revenue: None,
        }
    }

    #[test]
    fn coverage_by_hand() {
        let model = Model {
            needs: vec![
                need("n1", "must"),
                need("n2", "must"),
                need("n3", "should"),
                need("n4", "wont"),
                need("n5", "must"),
            ],
            scenarios: vec![
                scenario("a", &["n1", "n3"]),
                scenario("b", &["n1", "n2", "ghost"]),
                scenario("c", &[]),
            ],
            ..Model::default()
        };
        let c = coverage(&model);
        assert_eq!(c.uncovered, vec!["n5"]);
        assert_eq!(c.uncovered_must, vec!["n5"]);
        assert_eq!(c.needs[0].scenarios, vec!["a", "b"]);
        assert_eq!(c.scenarios[1].must, vec!["n1", "n2"]);
        assert_eq!(c.scenarios[1].all, vec!["n1", "n2"]);
        assert_eq!(c.most_must.as_deref(), Some("b"));
        assert!(coverage(&Model::default()).most_must.is_none());
    }

    /// A need named twice by one scenario, and a need id used twice: the
    /// scenario is listed once, and the first need with the id counts.
    #[test]
    fn repeated_ids() {
        let model = Model {
            needs: vec![need("n1", "must"), need("n1", "wont"), need("n2", "wont")],
            scenarios: vec![scenario("a", &["n1", "n1"]), scenario("b", &["n1"])],
            ..Model::default()
        };
        let c = coverage(&model);
        assert_eq!(c.needs[0].scenarios, vec!["a", "b"]);
        assert_eq!(c.scenarios[0].must, vec!["n1", "n1"]);
        assert!(c.uncovered.is_empty());
    }
}
