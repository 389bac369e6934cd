//! Properties of the three-way merge on the example workspace, with edits
//! made by the library's own `set` (so "applying both edit sequences" is
//! well defined): an unchanged side gives the other side byte for byte,
//! merge(b, X, X) = X, non-overlapping field edits merge into exactly the
//! sequential result, and the merge is symmetric up to the order of the
//! conflict markers. Case counts are kept small for CI time.

mod common;

use std::collections::BTreeSet;

use lodestar::workspace::merge::{self, OURS_MARKER, SPLIT_MARKER, THEIRS_MARKER};
use lodestar::workspace::{FileKind, RecordKind, Target, Workspace};
use proptest::prelude::*;

/// One field of one record that an edit can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Slot {
    kind: RecordKind,
    record: usize,
    field: &'static str,
}

const RISK_FIELDS: [&str; 7] = [
    "tags",
    "likelihood",
    "impact",
    "title",
    "owner",
    "residual.likelihood",
    "residual.impact",
];
const SCENARIO_FIELDS: [&str; 7] = [
    "needs",
    "scores.value",
    "scores.feasibility",
    "scores.risk",
    "name",
    "owner",
    "revenue.growth",
];

fn slot() -> impl Strategy<Value = Slot> {
    prop_oneof![
        (0usize..8, prop::sample::select(RISK_FIELDS.to_vec())).prop_map(|(record, field)| Slot {
            kind: RecordKind::Risk,
            record,
            field
        }),
        (0usize..6, prop::sample::select(SCENARIO_FIELDS.to_vec())).prop_map(|(record, field)| {
            Slot {
                kind: RecordKind::Scenario,
                record,
                field,
            }
        }),
    ]
}

/// A value `set` accepts for the slot, from a seed.
fn value(slot: Slot, seed: u8) -> String {
    match slot.field {
        "title" | "owner" | "name" => format!("Edited {seed} \"q\""),
        "revenue.growth" => format!("0.0{}", seed % 10),
        // Lists of ids and tags: a non-empty subset, chosen by the seed's bits.
        "needs" | "tags" => {
            let items: Vec<String> = (0..6)
                .filter(|bit| seed & (1 << bit) != 0)
                .map(|bit| match slot.field {
                    "needs" => format!("need-00{}", bit + 1),
                    _ => format!("tag-{bit}"),
                })
                .collect();
            if items.is_empty() {
                if slot.field == "needs" {
                    "need-007".into()
                } else {
                    "tag-x".into()
                }
            } else {
                items.join(",")
            }
        }
        _ => ((seed % 5) + 1).to_string(),
    }
}

type Edit = (Slot, String);

fn edits() -> impl Strategy<Value = Vec<(Slot, bool, u8)>> {
    prop::collection::vec((slot(), any::<bool>(), any::<u8>()), 1..8)
}

fn files_after(dir: &std::path::Path, edits: &[Edit]) -> Vec<(FileKind, String)> {
    let mut ws = Workspace::open(dir).expect("open example");
    for (slot, v) in edits {
        let path: Vec<String> = slot.field.split('.').map(str::to_string).collect();
        // A value out of range for this record is refused: no edit then.
        let _ = ws.set(Target::Record(slot.kind, slot.record), &path, v);
    }
    [FileKind::Risks, FileKind::Scenarios]
        .into_iter()
        .map(|k| (k, ws.file(k).render()))
        .collect()
}

/// Swap the two halves of every conflict block.
fn swap_markers(text: &str) -> String {
    let mut out = Vec::new();
    let mut ours: Vec<&str> = Vec::new();
    let mut theirs: Vec<&str> = Vec::new();
    let mut state = 0;
    for line in text.lines() {
        match (state, line) {
            (0, OURS_MARKER) => state = 1,
            (1, SPLIT_MARKER) => state = 2,
            (2, THEIRS_MARKER) => {
                out.push(OURS_MARKER);
                out.append(&mut theirs);
                out.push(SPLIT_MARKER);
                out.append(&mut ours);
                out.push(THEIRS_MARKER);
                state = 0;
            }
            (1, l) => ours.push(l),
            (2, l) => theirs.push(l),
            (_, l) => out.push(l),
        }
    }
    out.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn non_overlapping_edits_merge_like_applying_both(raw in edits()) {
        let (_tmp, dir) = common::temp_copy(&common::example());
        let mut seen = BTreeSet::new();
        let (mut a, mut b): (Vec<Edit>, Vec<Edit>) = (Vec::new(), Vec::new());
        for (slot, side, seed) in raw {
            if seen.insert(slot) {
                if side { a.push((slot, value(slot, seed))) } else { b.push((slot, value(slot, seed))) }
            }
        }
        let base = files_after(&dir, &[]);
        let ours = files_after(&dir, &a);
        let theirs = files_after(&dir, &b);
        let both: Vec<Edit> = a.iter().chain(&b).cloned().collect();
        let sequential = files_after(&dir, &both);
        for i in 0..base.len() {
            let kind = base[i].0;
            let (bt, ot, tt, st) = (&base[i].1, &ours[i].1, &theirs[i].1, &sequential[i].1);
            let r = merge::merge(kind, bt, ot, tt);
            prop_assert!(r.is_clean(), "{:?}", r.conflicts);
            prop_assert_eq!(&r.text, st);
            let swapped = merge::merge(kind, bt, tt, ot);
            prop_assert_eq!(&swapped.text, st);
            // An unchanged side gives the other side byte for byte.
            prop_assert_eq!(&merge::merge(kind, bt, ot, bt).text, ot);
            prop_assert_eq!(&merge::merge(kind, bt, bt, tt).text, tt);
            prop_assert_eq!(&merge::merge(kind, bt, ot, ot).text, ot);
        }
    }

    #[test]
    fn merge_is_symmetric_up_to_marker_order(raw in edits(), shift in 1u8..5) {
        let (_tmp, dir) = common::temp_copy(&common::example());
        let mut seen = BTreeSet::new();
        let (mut a, mut b): (Vec<Edit>, Vec<Edit>) = (Vec::new(), Vec::new());
        for (slot, both, seed) in raw {
            if !seen.insert(slot) {
                continue;
            }
            a.push((slot, value(slot, seed)));
            if both {
                // The same field on both sides, most often to different values.
                b.push((slot, value(slot, seed.wrapping_add(shift))));
            }
        }
        let base = files_after(&dir, &[]);
        let ours = files_after(&dir, &a);
        let theirs = files_after(&dir, &b);
        for i in 0..base.len() {
            let kind = base[i].0;
            let r = merge::merge(kind, &base[i].1, &ours[i].1, &theirs[i].1);
            let s = merge::merge(kind, &base[i].1, &theirs[i].1, &ours[i].1);
            prop_assert_eq!(swap_markers(&swap_markers(&r.text)), swap_markers(&s.text));
            let places = |m: &merge::MergeResult| -> BTreeSet<(String, Option<String>, Option<String>)> {
                m.conflicts.iter().map(|c| (c.place(), c.ours.clone(), c.theirs.clone())).collect()
            };
            let flipped: BTreeSet<_> = places(&s).into_iter().map(|(p, o, t)| (p, t, o)).collect();
            prop_assert_eq!(places(&r), flipped);
            for c in &r.conflicts {
                // Lists of ids and tags merge as sets: they never conflict.
                prop_assert!(!c.place().ends_with(".needs") && !c.place().ends_with(".tags"));
                let lines: Vec<&str> = r.text.lines().collect();
                prop_assert_eq!(lines[c.lines.0 - 1], OURS_MARKER);
                prop_assert_eq!(lines[c.lines.1 - 1], THEIRS_MARKER);
                let field = c.field.as_deref().unwrap_or("");
                let key = field.split('.').next_back().unwrap_or("");
                let block = lines[c.lines.0 - 1..c.lines.1].join("\n");
                prop_assert!(block.contains(key) || block.contains(field.split('.').next().unwrap_or("")), "{} not in {}", field, block);
            }
        }
    }
}
