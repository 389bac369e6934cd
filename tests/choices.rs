//! Every value `check` allows for a choice field is understood by the code
//! that reads it: set on the example workspace, it checks clean, reads as a
//! known value, and scoring, the market analysis, the report and the training
//! configuration all take it; every training choice trains one epoch.

mod common;

use lodestar::analysis;
use lodestar::market;
use lodestar::train::{self, config::Overrides, config::TrainConfig};
use lodestar::workspace::schema::{Field, FileKind, RecordKind, Ty};
use lodestar::workspace::{Target, Workspace};

/// A choice field of the schema: whose it is, its path, its allowed values.
struct ChoiceField {
    owner: Target,
    path: Vec<String>,
    values: &'static [&'static str],
}

/// Every choice field in the schema (`ChoiceMap` fields with `*` for the key).
fn choice_fields() -> Vec<ChoiceField> {
    fn walk(
        owner: Target,
        fields: &'static [Field],
        parent: &[String],
        out: &mut Vec<ChoiceField>,
    ) {
        for f in fields {
            let mut path = parent.to_vec();
            path.push(f.key.to_string());
            match f.ty {
                Ty::Choice(values) => out.push(ChoiceField {
                    owner,
                    path,
                    values,
                }),
                Ty::ChoiceMap { choices, .. } => {
                    path.push("*".into());
                    out.push(ChoiceField {
                        owner,
                        path,
                        values: choices,
                    });
                }
                Ty::Table(sub) => walk(owner, sub, &path, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for kind in FileKind::ALL {
        walk(Target::File(kind), kind.top_fields(), &[], &mut out);
    }
    for kind in RecordKind::ALL {
        walk(Target::Record(kind, 0), kind.fields(), &[], &mut out);
    }
    out
}

/// The record of the example the field is set on, and the path with the
/// map key filled in: a record that has the field's table where that
/// matters (a survey for `scale`, a scenario with a revenue table).
fn place(ws: &Workspace, field: &ChoiceField) -> (Target, Vec<String>) {
    let m = &ws.model;
    let target = match field.owner {
        Target::Record(RecordKind::Evidence, _) => {
            let survey = m.evidence.iter().position(|e| e.responses.is_some());
            Target::Record(
                RecordKind::Evidence,
                survey.expect("a survey with responses"),
            )
        }
        Target::Record(RecordKind::Scenario, _) if field.path[0] == "revenue" => {
            let priced = m.scenarios.iter().position(|s| s.revenue.is_some());
            Target::Record(
                RecordKind::Scenario,
                priced.expect("a scenario with revenue"),
            )
        }
        other => other,
    };
    let feature = m.features.first().map(|f| f.id.clone()).unwrap_or_default();
    let path = field
        .path
        .iter()
        .map(|k| if k == "*" { feature.clone() } else { k.clone() })
        .collect();
    (target, path)
}

#[test]
fn every_allowed_value_of_every_choice_field_is_understood() {
    let fields = choice_fields();
    assert!(
        fields.len() >= 25,
        "only {} choice fields found",
        fields.len()
    );
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut ws = Workspace::open(&dir).expect("open");
    let mut trained = 0;
    for field in &fields {
        let (target, path) = place(&ws, field);
        let original = ws.get(target, &path);
        for value in field.values {
            let what = format!("{target:?} {} = {value}", path.join("."));
            ws.set(target, &path, value)
                .unwrap_or_else(|e| panic!("{what}: refused: {e}"));
            let errors: Vec<String> = ws
                .diagnostics()
                .into_iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect();
            assert!(errors.is_empty(), "{what}: {errors:#?}");
            let model = format!("{:?}", ws.model);
            assert!(!model.contains("Unknown("), "{what}: read as unknown");

            let a = analysis::analyse(&ws.model, None)
                .unwrap_or_else(|e| panic!("{what}: scoring: {e}"));
            assert!(a.positions.is_ok(), "{what}: {:?}", a.positions);
            for r in a.revenue.iter().flatten() {
                assert!(r.is_ok(), "{what}: revenue {r:?}");
            }
            let market = market::analyse(&ws.root, &ws.model, &market::Options::default());
            assert!(
                !market.has_failures(),
                "{what}: {:?}",
                market.problems().collect::<Vec<_>>()
            );
            assert!(!lodestar::cli::report::render(&ws).is_empty(), "{what}");
            let config = TrainConfig::resolve(&ws.model.training, &Overrides::default())
                .unwrap_or_else(|e| panic!("{what}: training: {e}"));

            // Training choices: one epoch with each (on the CPU: `cuda` is
            // only resolved, as this build may have no GPU).
            if target == Target::File(FileKind::Training) && *value != "cuda" {
                let config = TrainConfig {
                    epochs: 1,
                    device: train::DeviceRequest::Cpu,
                    ..config
                };
                let s = train::train_blocking(&ws.root, config)
                    .unwrap_or_else(|e| panic!("{what}: one epoch: {e}"));
                assert!(
                    s.epochs.first().is_some_and(|e| e.train.loss.is_finite()),
                    "{what}"
                );
                trained += 1;
            }
        }
        ws.set_item(target, &path, original)
            .unwrap_or_else(|e| panic!("{target:?} {}: restore: {e}", path.join(".")));
    }
    // relu/tanh/sigmoid, adam, auto/cpu, none/balanced, three monitors.
    assert!(trained >= 11, "{trained} training runs");
}

/// `gelu` is not a value: `check` says so at its position, as `train` would.
#[test]
fn an_activation_the_trainer_lacks_is_a_check_error() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let path = dir.join("training.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("activation = \"relu\"", "activation = \"gelu\""),
    )
    .expect("write");
    let out = common::lodestar(&["check", &dir.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = common::stdout(&out);
    assert!(
        stdout.contains("training.toml:18:14: error: training: `model.activation` is \"gelu\"; allowed: relu, tanh, sigmoid"),
        "{stdout}"
    );
}
