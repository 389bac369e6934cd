//! Random edit sequences: saved files reload to the same model, and every
//! edit touches only its own lines.

mod common;

use lodestar::workspace::{Change, FileKind, RecordKind, Target, Workspace};
use proptest::prelude::*;
use toml_edit::{Item, Value};

#[derive(Debug, Clone)]
enum Op {
    RiskNumber {
        index: usize,
        field: &'static str,
        value: i64,
    },
    RiskText {
        index: usize,
        text: String,
    },
    NeedPriority {
        index: usize,
        priority: &'static str,
    },
    ScenarioScore {
        index: usize,
        criterion: usize,
        value: i64,
    },
    DiscountRate(f64),
    AddNeed {
        title: String,
    },
    RemoveNeed {
        index: usize,
    },
    Undo,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.!?-]{0,40}",
        "[\\p{Han}]{1,8}",
        Just("quote \" backslash \\ tab \t newline \n end".to_string()),
        Just("# not a comment".to_string()),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            0usize..20,
            prop::sample::select(vec!["likelihood", "impact"]),
            1i64..=5
        )
            .prop_map(|(index, field, value)| Op::RiskNumber {
                index,
                field,
                value
            }),
        (0usize..20, text()).prop_map(|(index, text)| Op::RiskText { index, text }),
        (
            0usize..20,
            prop::sample::select(vec!["must", "should", "could", "wont"])
        )
            .prop_map(|(index, priority)| Op::NeedPriority { index, priority }),
        (0usize..12, 0usize..8, 1i64..=5).prop_map(|(index, criterion, value)| Op::ScenarioScore {
            index,
            criterion,
            value
        }),
        (0.0f64..0.5).prop_map(Op::DiscountRate),
        text().prop_map(|title| Op::AddNeed { title }),
        (0usize..20).prop_map(|index| Op::RemoveNeed { index }),
        Just(Op::Undo),
    ]
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

fn apply(ws: &mut Workspace, op: &Op, history: &mut Vec<Change>) -> Option<Change> {
    let m = &ws.model;
    let change = match op {
        Op::RiskNumber {
            index,
            field,
            value,
        } => {
            let i = index % m.risks.len();
            ws.set(
                Target::Record(RecordKind::Risk, i),
                &path(&[field]),
                &value.to_string(),
            )
            .ok()
        }
        Op::RiskText { index, text } => {
            let i = index % m.risks.len();
            ws.set(Target::Record(RecordKind::Risk, i), &path(&["title"]), text)
                .ok()
        }
        Op::NeedPriority { index, priority } => {
            if m.needs.is_empty() {
                return None;
            }
            let i = index % m.needs.len();
            ws.set(
                Target::Record(RecordKind::Need, i),
                &path(&["priority"]),
                priority,
            )
            .ok()
        }
        Op::ScenarioScore {
            index,
            criterion,
            value,
        } => {
            let i = index % m.scenarios.len();
            let c = m.criteria[criterion % m.criteria.len()].id.clone();
            ws.set(
                Target::Record(RecordKind::Scenario, i),
                &path(&["scores", &c]),
                &value.to_string(),
            )
            .ok()
        }
        Op::DiscountRate(r) => ws
            .set(
                Target::File(FileKind::Workspace),
                &path(&["discount-rate"]),
                &format!("{r:.4}"),
            )
            .ok(),
        Op::AddNeed { title } => {
            let mut t = ws.new_record(RecordKind::Need);
            t.insert("title", Item::Value(Value::from(title.as_str())));
            ws.add_record(RecordKind::Need, t).ok()
        }
        Op::RemoveNeed { index } => {
            if m.needs.is_empty() {
                return None;
            }
            ws.remove_record(RecordKind::Need, index % m.needs.len())
                .ok()
        }
        Op::Undo => {
            let last = history.pop()?;
            let inverse = last.inverse();
            ws.apply(&inverse).expect("undo applies");
            return Some(inverse);
        }
    };
    if let Some(c) = &change {
        history.push(c.clone());
    }
    change
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn edits_save_and_reload_to_the_same_model(ops in prop::collection::vec(op(), 1..25)) {
        let (_tmp, dir) = common::temp_copy(&common::example());
        let mut ws = Workspace::open(&dir).expect("open");
        let mut history = Vec::new();
        for op in &ops {
            let before: Vec<String> = ws.files().iter().map(|f| f.render()).collect();
            let Some(change) = apply(&mut ws, op, &mut history) else { continue };
            let after: Vec<String> = ws.files().iter().map(|f| f.render()).collect();
            for (i, kind) in FileKind::ALL.iter().enumerate() {
                if *kind != change.file() {
                    prop_assert_eq!(&before[i], &after[i], "{:?} touched {:?}", op, kind);
                    continue;
                }
                let (removed, added) = common::changed_region(&before[i], &after[i]);
                match &change {
                    Change::Set { old: Some(_), new: Some(_), .. } => {
                        prop_assert!(removed.len() <= 1 && added.len() <= 1, "{:?}: {:?} → {:?}", op, removed, added);
                        prop_assert_eq!(removed.len(), added.len());
                    }
                    Change::Insert { .. } => prop_assert!(removed.is_empty(), "{:?} removed {:?}", op, removed),
                    Change::Remove { .. } => prop_assert!(added.is_empty(), "{:?} added {:?}", op, added),
                    Change::Set { .. } => {}
                }
            }
        }
        ws.save().expect("save");
        let reloaded = Workspace::open(&dir).expect("reopen");
        prop_assert_eq!(&reloaded.model, &ws.model);
        for f in ws.files() {
            if f.exists_on_load() || f.path.exists() {
                prop_assert_eq!(std::fs::read_to_string(&f.path).expect("read"), f.render());
            }
        }
    }

    #[test]
    fn undoing_everything_restores_the_original_bytes(ops in prop::collection::vec(op(), 1..20)) {
        let (_tmp, dir) = common::temp_copy(&common::example());
        let mut ws = Workspace::open(&dir).expect("open");
        let original: Vec<String> = ws.files().iter().map(|f| f.render()).collect();
        let mut history = Vec::new();
        for op in ops.iter().filter(|o| !matches!(o, Op::Undo)) {
            apply(&mut ws, op, &mut history);
        }
        while let Some(change) = history.pop() {
            ws.apply(&change.inverse()).expect("undo");
        }
        let now: Vec<String> = ws.files().iter().map(|f| f.render()).collect();
        prop_assert_eq!(now, original);
    }
}
