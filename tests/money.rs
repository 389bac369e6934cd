//! From AUC to money: the cut-off's figures and what they imply for the
//! linked scenario's revenue, against hand computations; `check` on a
//! dangling `[money]` scenario and on a cut-off that is not one rule.

mod common;

use common::{example, lodestar, stderr, stdout, temp_copy};
use lodestar::train::metrics::Cutoff;
use lodestar::train::money;
use lodestar::workspace::Workspace;

// Ten validation rows: positives at ranks 1, 3, 4 and 7 (base rate 0.4).
const S: [f32; 10] = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
const Y: [f32; 10] = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];

// The next-best-offer plan of workspaces/example (usage model: margin
// 0.045 per offer, 400 tokens at 0.0005 per 1k, volume 2,400,000 growing
// 2 % a month, fixed 38,000 a month, upfront 420,000, 36 months at 12 % a
// year), its NPV computed in Python independently of lodestar:
//   i = 1.12**(1/12) - 1
//   npv(V) = -420000 + sum(((0.045 - 0.0002) * V * 1.02**(t-1) - 38000)
//                          / (1 + i)**t for t in 1..=36)
const NPV_PLAN: f64 = 3_048_808.535_301_301_6; // npv(2_400_000)
const NPV_300K: f64 = -996_359.507_237_567_3; // npv(300_000)
const NPV_200K: f64 = -1_188_986.556_882_275_5; // npv(200_000)
const NPV_ZERO: f64 = -1_574_240.656_171_691_8; // npv(0)
const NPV_HIGH: f64 = -711_429.403_053_178_6; // npv(200_000 + 247_918.012_921_824_67)

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

fn linked(counts: &str) -> (tempfile::TempDir, Workspace) {
    let (tmp, dir) = temp_copy(&example());
    let path = dir.join("training.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("[money]").unwrap();
    let text = format!(
        "{}[money]\nscenario = \"scn-next-best-offer\"\npopulation = 1000000\ncutoff = {{ top = 0.3 }}\ncounts = \"{counts}\"\n",
        &text[..start]
    );
    std::fs::write(&path, text).unwrap();
    let ws = Workspace::open(&dir).unwrap();
    (tmp, ws)
}

#[test]
fn contacts_at_top_k_replace_the_plan_volume() {
    let (_tmp, ws) = linked("contacts");
    let m = ws.model.training.money.as_ref().unwrap();
    assert_eq!(money::cutoff(m), Some(Cutoff::Top(0.3)));
    let i = money::implication(&ws.model, m, Cutoff::Top(0.3), &S, &Y).unwrap();
    // 30 % of 1,000,000 scored rows; of them 2/3 positive (2 of 3 rows).
    assert_eq!(i.contacts, 300_000.0);
    assert!(close(i.positives, 200_000.0));
    assert_eq!(i.implied, 300_000.0);
    // A top-k cut-off fixes the contacts: no sampling error.
    assert_eq!(i.margin, 0.0);
    assert_eq!(i.plan, 2_400_000.0);
    assert_eq!(i.months, 36);
    assert!(close(i.plan_npv, NPV_PLAN), "{}", i.plan_npv);
    assert!(close(i.implied_npv, NPV_300K), "{}", i.implied_npv);
    assert!((i.volume_change() - (300_000.0 / 2_400_000.0 - 1.0)).abs() < 1e-12);
}

#[test]
fn positives_carry_a_binomial_interval() {
    let (_tmp, ws) = linked("positives");
    let m = ws.model.training.money.as_ref().unwrap();
    let i = money::implication(&ws.model, m, Cutoff::Top(0.3), &S, &Y).unwrap();
    // 300,000 contacts × precision 2/3 = 200,000 positives.
    assert!(close(i.implied, 200_000.0));
    // 1.96 × 1,000,000 × √(0.2 × 0.8 / 10): f = 2 of 10 validation rows.
    assert!(close(i.margin, 247_918.012_921_824_67), "{}", i.margin);
    assert!(close(i.implied_npv, NPV_200K), "{}", i.implied_npv);
    // The low end is below zero volume: the volume stops at 0.
    assert!(close(i.npv_low, NPV_ZERO), "{}", i.npv_low);
    assert!(close(i.npv_high, NPV_HIGH), "{}", i.npv_high);
    // Every figure of the JSON contract is there.
    let j = money::to_json(&i);
    assert_eq!(j["cutoff"]["top"], 0.3);
    assert_eq!(j["contacted_rows"], 3);
    assert_eq!(j["reached_positives"], 2);
    assert_eq!(j["counts"], "positives");
    assert_eq!(j["recall"], 0.5);
}

#[test]
fn threshold_cutoff_and_missing_scores() {
    let (_tmp, ws) = linked("contacts");
    let m = ws.model.training.money.as_ref().unwrap();
    // Score ≥ 0.5: 5 of 10 rows, so half the population.
    let i = money::implication(&ws.model, m, Cutoff::Threshold(0.5), &S, &Y).unwrap();
    assert_eq!(i.contacts, 500_000.0);
    // The share is measured on 10 rows now: 1.96 × 1e6 × √(0.5 × 0.5 / 10).
    assert!(close(
        i.margin,
        1.959_963_984_540_054 * 1e6 * (0.025f64).sqrt()
    ));
    let e = money::implication(&ws.model, m, Cutoff::Top(0.3), &[], &[]).unwrap_err();
    assert!(e.contains("validation"), "{e}");
}

fn check_with_money(money_table: &str) -> (String, i32) {
    let (_tmp, dir) = temp_copy(&example());
    let path = dir.join("training.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("[money]").unwrap();
    std::fs::write(&path, format!("{}{money_table}", &text[..start])).unwrap();
    let out = lodestar(&["check", dir.to_str().unwrap()]);
    (
        format!("{}{}", stdout(&out), stderr(&out)),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn check_names_a_dangling_scenario_with_file_and_line() {
    let (text, code) = check_with_money(
        "[money]\nscenario = \"scn-gone\"\npopulation = 10\ncutoff = { top = 0.2 }\n",
    );
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("training.toml:"), "{text}");
    assert!(text.contains("scn-gone"), "{text}");
}

#[test]
fn check_wants_exactly_one_cutoff_rule() {
    let (text, code) = check_with_money(
        "[money]\nscenario = \"scn-next-best-offer\"\npopulation = 10\ncutoff = { top = 0.2, threshold = 0.5 }\n",
    );
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("exactly one of `top`"), "{text}");
    let (text, code) = check_with_money(
        "[money]\nscenario = \"scn-next-best-offer\"\npopulation = 10\ncutoff = { top = 0.2 }\n",
    );
    assert_eq!(code, 0, "{text}");
}
