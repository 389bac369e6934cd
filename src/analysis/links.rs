//! The links between records, both ways: what a record points at (a
//! scenario's needs) and what points at it (the scenarios that address a
//! need). The workbench follows them from pane to pane.

use crate::workspace::{Model, RecordKind};

/// One linked record, and how it is linked, in the users' words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: RecordKind,
    pub index: usize,
    pub id: String,
    /// "addressed by", "needs", "risks", …
    pub relation: &'static str,
}

fn push(out: &mut Vec<Link>, relation: &'static str, kind: RecordKind, index: usize, id: &str) {
    out.push(Link {
        kind,
        index,
        id: id.to_string(),
        relation,
    });
}

fn index_of<'a>(mut ids: impl Iterator<Item = &'a String>, id: &str) -> Option<usize> {
    ids.position(|x| x == id)
}

/// The records linked to record `index` of `kind`, grouped by relation,
/// each group in file order. Links to ids that do not exist are left out
/// (`lodestar check` reports them).
pub fn links_of(m: &Model, kind: RecordKind, index: usize) -> Vec<Link> {
    let mut out = Vec::new();
    match kind {
        RecordKind::Need => {
            let Some(n) = m.needs.get(index) else {
                return out;
            };
            for (i, s) in m.scenarios.iter().enumerate() {
                if s.needs.contains(&n.id) {
                    push(&mut out, "addressed by", RecordKind::Scenario, i, &s.id);
                }
            }
            for (i, e) in m.evidence.iter().enumerate() {
                if e.needs.contains(&n.id) {
                    push(&mut out, "evidence", RecordKind::Evidence, i, &e.id);
                }
            }
        }
        RecordKind::Scenario => {
            let Some(s) = m.scenarios.get(index) else {
                return out;
            };
            for id in &s.needs {
                if let Some(i) = index_of(m.needs.iter().map(|n| &n.id), id) {
                    push(&mut out, "needs", RecordKind::Need, i, id);
                }
            }
            for (i, r) in m.risks.iter().enumerate() {
                if r.scenarios.contains(&s.id) {
                    push(&mut out, "risks", RecordKind::Risk, i, &r.id);
                }
            }
            for id in s.features.keys() {
                if let Some(i) = index_of(m.features.iter().map(|f| &f.id), id) {
                    push(&mut out, "features", RecordKind::Feature, i, id);
                }
            }
        }
        RecordKind::Risk => {
            let Some(r) = m.risks.get(index) else {
                return out;
            };
            for id in &r.scenarios {
                if let Some(i) = index_of(m.scenarios.iter().map(|s| &s.id), id) {
                    push(&mut out, "scenarios", RecordKind::Scenario, i, id);
                }
            }
        }
        RecordKind::Evidence => {
            let Some(e) = m.evidence.get(index) else {
                return out;
            };
            for id in &e.needs {
                if let Some(i) = index_of(m.needs.iter().map(|n| &n.id), id) {
                    push(&mut out, "supports", RecordKind::Need, i, id);
                }
            }
        }
        RecordKind::Feature => {
            let Some(f) = m.features.get(index) else {
                return out;
            };
            for (i, s) in m.scenarios.iter().enumerate() {
                if s.features.contains_key(&f.id) {
                    push(&mut out, "planned by", RecordKind::Scenario, i, &s.id);
                }
            }
            for (i, c) in m.competitors.iter().enumerate() {
                if c.features.contains_key(&f.id) {
                    push(&mut out, "competitors", RecordKind::Competitor, i, &c.id);
                }
            }
        }
        RecordKind::Competitor => {
            let Some(c) = m.competitors.get(index) else {
                return out;
            };
            for id in c.features.keys() {
                if let Some(i) = index_of(m.features.iter().map(|f| &f.id), id) {
                    push(&mut out, "features", RecordKind::Feature, i, id);
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    fn example() -> Workspace {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
        Workspace::open(&root).expect("example")
    }

    #[test]
    fn links_go_both_ways() {
        let ws = example();
        let m = &ws.model;
        // Every scenario → need link comes back as need → scenario.
        let mut pairs = 0;
        for (si, s) in m.scenarios.iter().enumerate() {
            for l in links_of(m, RecordKind::Scenario, si) {
                let back = links_of(m, l.kind, l.index);
                assert!(
                    back.iter()
                        .any(|b| b.kind == RecordKind::Scenario && b.index == si),
                    "{} → {} has no way back",
                    s.id,
                    l.id
                );
                pairs += 1;
            }
        }
        assert!(pairs > 10, "the example links scenarios to needs and risks");
        // Evidence ↔ need.
        for (ei, e) in m.evidence.iter().enumerate() {
            for l in links_of(m, RecordKind::Evidence, ei) {
                assert_eq!(l.kind, RecordKind::Need);
                assert!(e.needs.contains(&l.id));
                assert!(
                    links_of(m, RecordKind::Need, l.index)
                        .iter()
                        .any(|b| b.kind == RecordKind::Evidence && b.index == ei)
                );
            }
        }
    }

    #[test]
    fn a_need_lists_the_scenarios_that_address_it_in_file_order() {
        let ws = example();
        let m = &ws.model;
        let (ni, n) = m
            .needs
            .iter()
            .enumerate()
            .find(|(_, n)| {
                m.scenarios
                    .iter()
                    .filter(|s| s.needs.contains(&n.id))
                    .count()
                    >= 2
            })
            .expect("a need addressed twice");
        let expected: Vec<&str> = m
            .scenarios
            .iter()
            .filter(|s| s.needs.contains(&n.id))
            .map(|s| s.id.as_str())
            .collect();
        let got: Vec<String> = links_of(m, RecordKind::Need, ni)
            .into_iter()
            .filter(|l| l.relation == "addressed by")
            .map(|l| l.id)
            .collect();
        assert_eq!(got, expected);
        assert!(links_of(m, RecordKind::Need, usize::MAX).is_empty());
    }
}
