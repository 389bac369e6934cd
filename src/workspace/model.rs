//! Typed records read from the TOML documents, for the analysis code and the
//! panes. Reading is lenient (a wrong type reads as the default): problems
//! are reported by [`super::check`], never by panicking here.

use std::collections::BTreeMap;

use super::check::as_date;
use super::choice::{
    Activation, Aggregate, Choice, ClassWeight, Counts, Coverage, CriterionGroup, Device,
    Direction, EvidenceKind, ForecastMethod, Frequency, Horizon, Monitor, NeedKind, NeedStatus,
    Optimizer, Options, Priority, Resample, RevenueModel, RiskCategory, RiskStatus, Scale,
    ScenarioStatus, ScoreSource, ScoringMethod, TrendDirection, TrendType, WeightSource,
};
use super::date::Date;
use super::node::Node;
use super::schema::{FileKind, RecordKind};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    pub settings: Settings,
    pub criteria: Vec<Criterion>,
    pub comparisons: Vec<Comparison>,
    pub risk_bands: Vec<RiskBand>,
    pub needs: Vec<Need>,
    pub segments: Vec<Segment>,
    pub trends: Vec<Trend>,
    pub features: Vec<Feature>,
    pub competitors: Vec<Competitor>,
    pub evidence: Vec<Evidence>,
    pub series: Vec<Series>,
    pub scenarios: Vec<Scenario>,
    pub training: Training,
    pub risks: Vec<Risk>,
    /// `monitor.toml`: settings of the monitoring after launch.
    pub monitor: MonitorSettings,
    pub measurements: Vec<Measurement>,
    pub actuals: Vec<Actual>,
    pub batches: Vec<Batch>,
    /// Workshop votes, one per file in `votes/` (see [`super::votes`]).
    pub votes: Vec<super::votes::Ballot>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub name: String,
    pub description: String,
    pub organisation: String,
    pub currency: String,
    pub discount_rate: f64,
    pub horizon_months: u32,
    /// `language`: the interface language the workspace asks for.
    pub language: Option<String>,
    pub scoring: Scoring,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: String::new(),
            description: String::new(),
            organisation: String::new(),
            currency: "EUR".into(),
            discount_rate: 0.1,
            horizon_months: 36,
            language: None,
            scoring: Scoring::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scoring {
    pub method: Choice<ScoringMethod>,
    pub weights: Choice<WeightSource>,
    pub samples: u64,
    pub seed: u64,
    pub concentration: f64,
    pub delta: f64,
    pub quadrant_value: f64,
    pub quadrant_feasibility: f64,
    /// Whether scores come from the scenarios or the aggregated votes.
    pub source: Choice<ScoreSource>,
    /// How the votes of one cell are combined.
    pub aggregate: Choice<Aggregate>,
    /// What the stability Monte Carlo resamples.
    pub resample: Choice<Resample>,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            method: ScoringMethod::WeightedSum.into(),
            weights: WeightSource::Direct.into(),
            samples: 10_000,
            seed: 42,
            concentration: 100.0,
            delta: 0.1,
            quadrant_value: 50.0,
            quadrant_feasibility: 50.0,
            source: ScoreSource::Single.into(),
            aggregate: Aggregate::Median.into(),
            resample: Resample::Weights.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub weight: f64,
    /// `true` for cost criteria (lower is better).
    pub cost: bool,
    pub group: Option<Choice<CriterionGroup>>,
    pub min: f64,
    pub max: f64,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub ratio: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskBand {
    pub name: String,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    pub metric: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub due: Option<Date>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub id: String,
    pub title: String,
    pub kind: Choice<NeedKind>,
    pub priority: Choice<Priority>,
    pub horizon: Choice<Horizon>,
    pub owner: String,
    pub status: Choice<NeedStatus>,
    pub description: String,
    pub kpi: Option<Kpi>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub description: String,
    pub tam: Option<f64>,
    pub sam_share: Option<f64>,
    pub som_share: Option<f64>,
    pub customers_total: Option<f64>,
    pub customers_addressable: Option<f64>,
    pub customers_obtainable: Option<f64>,
    pub revenue_per_customer: Option<f64>,
    pub growth: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub id: String,
    pub title: String,
    pub kind: Choice<TrendType>,
    pub direction: Choice<TrendDirection>,
    pub impact: i64,
    pub horizon: Choice<Horizon>,
    pub source: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    pub name: String,
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Competitor {
    pub id: String,
    pub name: String,
    pub description: String,
    pub pricing: String,
    pub share: Option<f64>,
    pub features: BTreeMap<String, Choice<Coverage>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub id: String,
    pub kind: Choice<EvidenceKind>,
    pub title: String,
    pub date: Option<Date>,
    pub source: String,
    pub needs: Vec<String>,
    pub notes: String,
    pub scale: Option<Choice<Scale>>,
    pub counts: Vec<i64>,
    pub responses: Option<String>,
    pub column: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub id: String,
    pub name: String,
    pub file: String,
    pub date_column: String,
    pub value_column: String,
    pub frequency: Choice<Frequency>,
    pub unit: String,
    pub method: Choice<ForecastMethod>,
    pub horizon: i64,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub phi: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Revenue {
    pub model: Choice<RevenueModel>,
    pub price: f64,
    pub volume: f64,
    pub growth: f64,
    pub churn: f64,
    pub unit_cost: Option<f64>,
    pub tokens_per_unit: Option<f64>,
    pub price_per_1k_tokens: Option<f64>,
    pub fixed_cost: f64,
    pub upfront_cost: f64,
    pub horizon_months: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub status: Choice<ScenarioStatus>,
    pub strategies: Vec<String>,
    pub needs: Vec<String>,
    pub scores: BTreeMap<String, f64>,
    pub features: BTreeMap<String, Choice<Coverage>>,
    pub revenue: Option<Revenue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Residual {
    pub likelihood: i64,
    pub impact: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub category: Choice<RiskCategory>,
    pub likelihood: i64,
    pub impact: i64,
    pub residual: Option<Residual>,
    pub owner: String,
    pub mitigation: String,
    pub status: Choice<RiskStatus>,
    pub review: Option<Date>,
    pub scenarios: Vec<String>,
    pub tags: Vec<String>,
    pub description: String,
}

impl Risk {
    /// Inherent score: likelihood × impact (1–25).
    pub fn score(&self) -> i64 {
        self.likelihood * self.impact
    }

    /// Residual score, or the inherent one when no residual is given.
    pub fn residual_score(&self) -> i64 {
        self.residual
            .as_ref()
            .map(|r| r.likelihood * r.impact)
            .unwrap_or_else(|| self.score())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    pub scenario: Option<String>,
    pub data_file: String,
    pub target: String,
    pub positive: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub categorical: Vec<String>,
    pub hidden: Vec<i64>,
    pub activation: Choice<Activation>,
    pub dropout: f64,
    pub optimizer: Choice<Optimizer>,
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub weight_decay: f64,
    pub batch_size: i64,
    pub epochs: i64,
    pub validation_split: f64,
    pub seed: u64,
    pub device: Choice<Device>,
    pub threads: i64,
    pub class_weight: Choice<ClassWeight>,
    pub early_stopping: Option<(Choice<Monitor>, i64)>,
    pub checkpoint: bool,
    /// `[money]`: what the model at a cut-off implies for a scenario's
    /// revenue volume.
    pub money: Option<Money>,
}

/// `[money]` of training.toml: the bridge from the model's validation
/// scores to a scenario's revenue `volume` (docs/METHOD.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    pub scenario: String,
    /// Rows (customers, cases) the model scores in the first month.
    pub population: f64,
    /// `cutoff = { top = 0.2 }`: contact the top share by score.
    pub top: Option<f64>,
    /// `cutoff = { threshold = 0.5 }`: contact rows scoring at least this.
    pub threshold: Option<f64>,
    pub counts: Choice<Counts>,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            scenario: None,
            data_file: String::new(),
            target: String::new(),
            positive: String::new(),
            include: vec![],
            exclude: vec![],
            categorical: vec![],
            hidden: vec![128, 64],
            activation: Activation::Relu.into(),
            dropout: 0.0,
            optimizer: Optimizer::Adam.into(),
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-7,
            weight_decay: 0.0,
            batch_size: 32,
            epochs: 10,
            validation_split: 0.2,
            seed: 42,
            device: Device::Auto.into(),
            threads: 0,
            class_weight: ClassWeight::None.into(),
            early_stopping: None,
            checkpoint: true,
            money: None,
        }
    }
}

/// The top of `monitor.toml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonitorSettings {
    pub launch: Option<Date>,
    pub deployment: Option<Deployment>,
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub run: String,
    pub since: Option<Date>,
    pub validation_auc: Option<f64>,
}

/// When a trigger fires (`[thresholds]` of `monitor.toml`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub psi: f64,
    pub auc_drop: f64,
    pub revenue_shortfall: f64,
    pub revenue_months: u32,
    pub kpi_tolerance: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            psi: 0.2,
            auc_drop: 0.05,
            revenue_shortfall: 0.2,
            revenue_months: 2,
            kpi_tolerance: 0.1,
        }
    }
}

/// One KPI measurement (`[[measurement]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub need: String,
    pub date: Option<Date>,
    pub value: f64,
    pub note: String,
}

/// One month of a live scenario (`[[actual]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    pub scenario: String,
    pub month: Option<Date>,
    pub revenue: f64,
    pub cost: f64,
    pub volume: Option<f64>,
    pub tokens: Option<f64>,
    pub note: String,
}

/// One scoring batch of the deployed model (`[[batch]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub date: Option<Date>,
    pub file: String,
    pub labels: Option<String>,
    pub rows: Option<i64>,
    pub note: String,
}

// ---- lenient readers -------------------------------------------------------

fn text(t: Node, key: &str) -> String {
    t.get(key)
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_string()
}

fn text_or(t: Node, key: &str, default: &str) -> String {
    t.get(key)
        .and_then(Node::as_str)
        .unwrap_or(default)
        .to_string()
}

fn opt_text(t: Node, key: &str) -> Option<String> {
    t.get(key).and_then(Node::as_str).map(str::to_string)
}

/// A choice field; text that is not one of the values is kept as written.
/// A field that is absent (or not a string) reads as `default`.
fn choice_or<T: Options>(t: Node, key: &str, default: T) -> Choice<T> {
    opt_choice(t, key).unwrap_or(Choice::Known(default))
}

/// A required choice field; absent, it reads as empty text.
fn choice<T: Options>(t: Node, key: &str) -> Choice<T> {
    Choice::read(t.get(key).and_then(Node::as_str).unwrap_or_default())
}

fn opt_choice<T: Options>(t: Node, key: &str) -> Option<Choice<T>> {
    t.get(key).and_then(Node::as_str).map(Choice::read)
}

fn num(t: Node, key: &str) -> Option<f64> {
    t.get(key)
        .and_then(Node::as_number)
        .filter(|x| x.is_finite())
}

/// A number the scenario analysis computes with, as written: NaN when the
/// key holds something else, `None` only when it is absent. The analysis
/// refuses a value that is not a finite number instead of computing with a
/// default (`lodestar check` says where it is).
fn input(t: Node, key: &str) -> Option<f64> {
    t.get(key).map(|v| v.as_number().unwrap_or(f64::NAN))
}

fn int(t: Node, key: &str) -> Option<i64> {
    t.get(key).and_then(Node::as_int)
}

fn date(t: Node, key: &str) -> Option<Date> {
    t.get(key).and_then(|v| as_date(v).ok())
}

fn list(t: Node, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(Node::elements)
        .map(|a| {
            a.into_iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn int_list(t: Node, key: &str) -> Vec<i64> {
    t.get(key)
        .and_then(Node::elements)
        .map(|a| a.into_iter().filter_map(Node::as_int).collect())
        .unwrap_or_default()
}

fn sub<'a>(t: Node<'a>, key: &str) -> Option<Node<'a>> {
    t.get(key).filter(|n| n.is_table())
}

fn number_map(t: Node, key: &str) -> BTreeMap<String, f64> {
    sub(t, key)
        .and_then(Node::entries)
        .map(|m| {
            m.into_iter()
                .map(|(k, _, v)| (k.to_string(), v.as_number().unwrap_or(f64::NAN)))
                .collect()
        })
        .unwrap_or_default()
}

fn choice_map<T: Options>(t: Node, key: &str) -> BTreeMap<String, Choice<T>> {
    sub(t, key)
        .and_then(Node::entries)
        .map(|m| {
            m.into_iter()
                .filter_map(|(k, _, v)| v.as_str().map(|s| (k.to_string(), Choice::read(s))))
                .collect()
        })
        .unwrap_or_default()
}

fn records<'a>(root: Node<'a>, kind: RecordKind) -> Vec<Node<'a>> {
    root.get(kind.key())
        .and_then(Node::elements)
        .map(|els| els.into_iter().filter(|e| e.is_table()).collect())
        .unwrap_or_default()
}

// ---- per-record readers ----------------------------------------------------

/// A record read from its `[[kind]]` table.
trait Record {
    fn read(t: Node) -> Self;

    /// The record's id; empty for kinds addressed by position.
    fn id(&self) -> &str {
        ""
    }
}

impl Record for Criterion {
    fn read(t: Node) -> Criterion {
        Criterion {
            id: text(t, "id"),
            name: text(t, "name"),
            weight: input(t, "weight").unwrap_or(1.0),
            cost: choice_or(t, "direction", Direction::Benefit) == Direction::Cost,
            group: opt_choice(t, "group"),
            min: input(t, "min").unwrap_or(1.0),
            max: input(t, "max").unwrap_or(5.0),
            description: text(t, "description"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Comparison {
    fn read(t: Node) -> Comparison {
        Comparison {
            a: text(t, "a"),
            b: text(t, "b"),
            ratio: input(t, "ratio").unwrap_or(1.0),
        }
    }
}

impl Record for RiskBand {
    fn read(t: Node) -> RiskBand {
        RiskBand {
            name: text(t, "name"),
            min: int(t, "min").unwrap_or(1),
            max: int(t, "max").unwrap_or(25),
        }
    }
}

impl Record for Need {
    fn read(t: Node) -> Need {
        Need {
            id: text(t, "id"),
            title: text(t, "title"),
            kind: choice(t, "kind"),
            priority: choice_or(t, "priority", Priority::Should),
            horizon: choice_or(t, "horizon", Horizon::Medium),
            owner: text(t, "owner"),
            status: choice_or(t, "status", NeedStatus::Proposed),
            description: text(t, "description"),
            kpi: sub(t, "kpi").map(|k| Kpi {
                metric: text(k, "metric"),
                unit: text(k, "unit"),
                baseline: num(k, "baseline"),
                target: num(k, "target"),
                due: date(k, "due"),
            }),
            tags: list(t, "tags"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Segment {
    fn read(t: Node) -> Segment {
        let c = sub(t, "customers");
        Segment {
            id: text(t, "id"),
            name: text(t, "name"),
            description: text(t, "description"),
            tam: num(t, "tam"),
            sam_share: num(t, "sam-share"),
            som_share: num(t, "som-share"),
            customers_total: c.and_then(|c| num(c, "total")),
            customers_addressable: c.and_then(|c| num(c, "addressable")),
            customers_obtainable: c.and_then(|c| num(c, "obtainable")),
            revenue_per_customer: num(t, "revenue-per-customer"),
            growth: num(t, "growth"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Trend {
    fn read(t: Node) -> Trend {
        Trend {
            id: text(t, "id"),
            title: text(t, "title"),
            kind: choice(t, "type"),
            direction: choice_or(t, "direction", TrendDirection::Rising),
            impact: int(t, "impact").unwrap_or(3),
            horizon: choice_or(t, "horizon", Horizon::Medium),
            source: text(t, "source"),
            description: text(t, "description"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Feature {
    fn read(t: Node) -> Feature {
        Feature {
            id: text(t, "id"),
            name: text(t, "name"),
            weight: int(t, "weight").unwrap_or(3),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Competitor {
    fn read(t: Node) -> Competitor {
        Competitor {
            id: text(t, "id"),
            name: text(t, "name"),
            description: text(t, "description"),
            pricing: text(t, "pricing"),
            share: num(t, "share"),
            features: choice_map(t, "features"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Evidence {
    fn read(t: Node) -> Evidence {
        Evidence {
            id: text(t, "id"),
            kind: choice(t, "kind"),
            title: text(t, "title"),
            date: date(t, "date"),
            source: text(t, "source"),
            needs: list(t, "needs"),
            notes: text(t, "notes"),
            scale: opt_choice(t, "scale"),
            counts: int_list(t, "counts"),
            responses: opt_text(t, "responses"),
            column: opt_text(t, "column"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Series {
    fn read(t: Node) -> Series {
        Series {
            id: text(t, "id"),
            name: text(t, "name"),
            file: text(t, "file"),
            date_column: text(t, "date-column"),
            value_column: text(t, "value-column"),
            frequency: choice_or(t, "frequency", Frequency::Monthly),
            unit: text(t, "unit"),
            method: choice_or(t, "method", ForecastMethod::HoltDamped),
            horizon: int(t, "horizon").unwrap_or(12),
            alpha: num(t, "alpha"),
            beta: num(t, "beta"),
            phi: num(t, "phi"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Scenario {
    fn read(t: Node) -> Scenario {
        Scenario {
            id: text(t, "id"),
            name: text(t, "name"),
            description: text(t, "description"),
            owner: text(t, "owner"),
            status: choice_or(t, "status", ScenarioStatus::Candidate),
            strategies: list(t, "strategies"),
            needs: list(t, "needs"),
            scores: number_map(t, "scores"),
            features: choice_map(t, "features"),
            revenue: sub(t, "revenue").map(|r| Revenue {
                model: choice(r, "model"),
                price: input(r, "price").unwrap_or(0.0),
                volume: input(r, "volume").unwrap_or(0.0),
                growth: input(r, "growth").unwrap_or(0.0),
                churn: input(r, "churn").unwrap_or(0.0),
                unit_cost: input(r, "unit-cost"),
                tokens_per_unit: input(r, "tokens-per-unit"),
                price_per_1k_tokens: input(r, "price-per-1k-tokens"),
                fixed_cost: input(r, "fixed-cost").unwrap_or(0.0),
                upfront_cost: input(r, "upfront-cost").unwrap_or(0.0),
                horizon_months: int(r, "horizon-months"),
            }),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

impl Record for Risk {
    fn read(t: Node) -> Risk {
        Risk {
            id: text(t, "id"),
            title: text(t, "title"),
            category: choice(t, "category"),
            likelihood: int(t, "likelihood").unwrap_or(1).clamp(1, 5),
            impact: int(t, "impact").unwrap_or(1).clamp(1, 5),
            residual: sub(t, "residual").map(|r| Residual {
                likelihood: int(r, "likelihood").unwrap_or(1).clamp(1, 5),
                impact: int(r, "impact").unwrap_or(1).clamp(1, 5),
            }),
            owner: text(t, "owner"),
            mitigation: text(t, "mitigation"),
            status: choice_or(t, "status", RiskStatus::Open),
            review: date(t, "review"),
            scenarios: list(t, "scenarios"),
            tags: list(t, "tags"),
            description: text(t, "description"),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

fn read_monitor(root: Node) -> MonitorSettings {
    let d = Thresholds::default();
    let t = sub(root, "thresholds");
    let n = |key: &str, default: f64| t.and_then(|t| num(t, key)).unwrap_or(default);
    MonitorSettings {
        launch: date(root, "launch"),
        deployment: sub(root, "deployment").map(|t| Deployment {
            run: text(t, "run"),
            since: date(t, "since"),
            validation_auc: num(t, "validation-auc"),
        }),
        thresholds: Thresholds {
            psi: n("psi", d.psi),
            auc_drop: n("auc-drop", d.auc_drop),
            revenue_shortfall: n("revenue-shortfall", d.revenue_shortfall),
            revenue_months: t
                .and_then(|t| int(t, "revenue-months"))
                .and_then(|m| u32::try_from(m).ok())
                .filter(|m| *m >= 1)
                .unwrap_or(d.revenue_months),
            kpi_tolerance: n("kpi-tolerance", d.kpi_tolerance),
        },
    }
}

impl Record for Measurement {
    fn read(t: Node) -> Measurement {
        Measurement {
            need: text(t, "need"),
            date: date(t, "date"),
            value: input(t, "value").unwrap_or(f64::NAN),
            note: text(t, "note"),
        }
    }
}

impl Record for Actual {
    fn read(t: Node) -> Actual {
        Actual {
            scenario: text(t, "scenario"),
            month: date(t, "month"),
            revenue: input(t, "revenue").unwrap_or(f64::NAN),
            cost: input(t, "cost").unwrap_or(f64::NAN),
            volume: num(t, "volume"),
            tokens: num(t, "tokens"),
            note: text(t, "note"),
        }
    }
}

impl Record for Batch {
    fn read(t: Node) -> Batch {
        Batch {
            date: date(t, "date"),
            file: text(t, "file"),
            labels: opt_text(t, "labels"),
            rows: int(t, "rows"),
            note: text(t, "note"),
        }
    }
}

fn read_settings(root: Node) -> Settings {
    let d = Settings::default();
    let s = sub(root, "scoring");
    let sd = Scoring::default();
    let q = s.and_then(|s| sub(s, "quadrant"));
    Settings {
        name: text(root, "name"),
        description: text(root, "description"),
        organisation: text(root, "organisation"),
        currency: text_or(root, "currency", &d.currency),
        discount_rate: input(root, "discount-rate").unwrap_or(d.discount_rate),
        horizon_months: int(root, "horizon-months")
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(36),
        language: Some(text(root, "language")).filter(|l| !l.is_empty()),
        scoring: Scoring {
            method: s.and_then(|s| opt_choice(s, "method")).unwrap_or(sd.method),
            weights: s
                .and_then(|s| opt_choice(s, "weights"))
                .unwrap_or(sd.weights),
            samples: s
                .and_then(|s| int(s, "samples"))
                .and_then(|x| u64::try_from(x).ok())
                .unwrap_or(sd.samples),
            seed: s
                .and_then(|s| int(s, "seed"))
                .and_then(|x| u64::try_from(x).ok())
                .unwrap_or(sd.seed),
            concentration: s
                .and_then(|s| input(s, "concentration"))
                .unwrap_or(sd.concentration),
            delta: s.and_then(|s| input(s, "delta")).unwrap_or(sd.delta),
            quadrant_value: q
                .and_then(|q| input(q, "value"))
                .unwrap_or(sd.quadrant_value),
            quadrant_feasibility: q
                .and_then(|q| input(q, "feasibility"))
                .unwrap_or(sd.quadrant_feasibility),
            source: s.and_then(|s| opt_choice(s, "source")).unwrap_or(sd.source),
            aggregate: s
                .and_then(|s| opt_choice(s, "aggregate"))
                .unwrap_or(sd.aggregate),
            resample: s
                .and_then(|s| opt_choice(s, "resample"))
                .unwrap_or(sd.resample),
        },
    }
}

fn read_training(root: Node) -> Training {
    let d = Training::default();
    let data = sub(root, "data");
    let model = sub(root, "model");
    let opt = sub(root, "optimizer");
    let run = sub(root, "run");
    let es = run.and_then(|r| sub(r, "early-stopping"));
    Training {
        scenario: opt_text(root, "scenario"),
        data_file: data.map(|t| text(t, "file")).unwrap_or_default(),
        target: data.map(|t| text(t, "target")).unwrap_or_default(),
        positive: data.map(|t| text(t, "positive")).unwrap_or_default(),
        include: data.map(|t| list(t, "include")).unwrap_or_default(),
        exclude: data.map(|t| list(t, "exclude")).unwrap_or_default(),
        categorical: data.map(|t| list(t, "categorical")).unwrap_or_default(),
        hidden: model
            .filter(|m| m.get("hidden").is_some())
            .map(|m| int_list(m, "hidden"))
            .unwrap_or(d.hidden),
        activation: model
            .and_then(|m| opt_choice(m, "activation"))
            .unwrap_or(d.activation),
        dropout: model.and_then(|m| num(m, "dropout")).unwrap_or(d.dropout),
        optimizer: opt
            .and_then(|o| opt_choice(o, "name"))
            .unwrap_or(d.optimizer),
        learning_rate: opt
            .and_then(|o| num(o, "learning-rate"))
            .unwrap_or(d.learning_rate),
        beta1: opt.and_then(|o| num(o, "beta1")).unwrap_or(d.beta1),
        beta2: opt.and_then(|o| num(o, "beta2")).unwrap_or(d.beta2),
        epsilon: opt.and_then(|o| num(o, "epsilon")).unwrap_or(d.epsilon),
        weight_decay: opt
            .and_then(|o| num(o, "weight-decay"))
            .unwrap_or(d.weight_decay),
        batch_size: run
            .and_then(|r| int(r, "batch-size"))
            .unwrap_or(d.batch_size),
        epochs: run.and_then(|r| int(r, "epochs")).unwrap_or(d.epochs),
        validation_split: run
            .and_then(|r| num(r, "validation-split"))
            .unwrap_or(d.validation_split),
        seed: run
            .and_then(|r| int(r, "seed"))
            .and_then(|x| u64::try_from(x).ok())
            .unwrap_or(d.seed),
        device: run
            .and_then(|r| opt_choice(r, "device"))
            .unwrap_or(d.device),
        threads: run.and_then(|r| int(r, "threads")).unwrap_or(d.threads),
        class_weight: run
            .and_then(|r| opt_choice(r, "class-weight"))
            .unwrap_or(d.class_weight),
        early_stopping: es.map(|e| {
            (
                choice_or(e, "monitor", Monitor::ValLoss),
                int(e, "patience").unwrap_or(3),
            )
        }),
        checkpoint: run
            .and_then(|r| r.get("checkpoint"))
            .and_then(Node::as_bool)
            .unwrap_or(true),
        money: sub(root, "money").map(|m| {
            let cut = sub(m, "cutoff");
            Money {
                scenario: text(m, "scenario"),
                population: num(m, "population").unwrap_or(0.0),
                top: cut.and_then(|c| num(c, "top")),
                threshold: cut.and_then(|c| num(c, "threshold")),
                counts: choice_or(m, "counts", Counts::Positives),
            }
        }),
    }
}

/// What loading and edits do to the records of one kind, whatever the kind.
trait RecordList {
    fn read_all(&mut self, tables: Vec<Node>);
    fn read_at(&mut self, index: usize, t: Node);
    fn insert_at(&mut self, index: usize, t: Node);
    fn remove_at(&mut self, index: usize);
    fn ids(&self) -> Vec<&str>;
}

impl<T: Record> RecordList for Vec<T> {
    fn read_all(&mut self, tables: Vec<Node>) {
        *self = tables.into_iter().map(T::read).collect();
    }

    fn read_at(&mut self, index: usize, t: Node) {
        if let Some(slot) = self.get_mut(index) {
            *slot = T::read(t);
        }
    }

    fn insert_at(&mut self, index: usize, t: Node) {
        self.insert(index.min(self.len()), T::read(t));
    }

    fn remove_at(&mut self, index: usize) {
        if index < self.len() {
            self.remove(index);
        }
    }

    fn ids(&self) -> Vec<&str> {
        self.iter().map(T::id).collect()
    }
}

/// The one place that ties each record kind to its list in the model; every
/// method that works on "the records of a kind" goes through these.
macro_rules! record_lists {
    ($($kind:ident => $list:ident),* $(,)?) => {
        impl Model {
            fn list(&self, kind: RecordKind) -> &dyn RecordList {
                match kind {
                    $(RecordKind::$kind => &self.$list,)*
                }
            }

            fn list_mut(&mut self, kind: RecordKind) -> &mut dyn RecordList {
                match kind {
                    $(RecordKind::$kind => &mut self.$list,)*
                }
            }

            fn swap_list(&mut self, other: &mut Model, kind: RecordKind) {
                match kind {
                    $(RecordKind::$kind => std::mem::swap(&mut self.$list, &mut other.$list),)*
                }
            }
        }
    };
}

record_lists! {
    Criterion => criteria,
    Comparison => comparisons,
    RiskBand => risk_bands,
    Need => needs,
    Segment => segments,
    Trend => trends,
    Feature => features,
    Competitor => competitors,
    Evidence => evidence,
    Series => series,
    Scenario => scenarios,
    Risk => risks,
    Measurement => measurements,
    Actual => actuals,
    Batch => batches,
}

impl Model {
    /// Re-read the records of one file from its document.
    pub fn read_file(&mut self, kind: FileKind, root: Node) {
        match kind {
            FileKind::Workspace => self.settings = read_settings(root),
            FileKind::Training => self.training = read_training(root),
            FileKind::Monitor => self.monitor = read_monitor(root),
            _ => {}
        }
        for rk in kind.records() {
            self.list_mut(rk).read_all(records(root, rk));
        }
    }

    /// Re-read one record after it was edited in place.
    pub fn read_record(&mut self, kind: RecordKind, index: usize, t: Node) {
        self.list_mut(kind).read_at(index, t);
    }

    /// Read a record into position `index` of its kind.
    pub fn insert_record(&mut self, kind: RecordKind, index: usize, t: Node) {
        self.list_mut(kind).insert_at(index, t);
    }

    pub fn remove_record(&mut self, kind: RecordKind, index: usize) {
        self.list_mut(kind).remove_at(index);
    }

    /// The ids of the records of a kind, in file order (none for kinds
    /// addressed by position).
    pub fn ids(&self, kind: RecordKind) -> Vec<&str> {
        if kind.has_id() {
            self.list(kind).ids()
        } else {
            Vec::new()
        }
    }

    /// Move the records of one file from `other` (loaded on another thread).
    pub fn take_file(&mut self, kind: FileKind, mut other: Model) {
        match kind {
            FileKind::Workspace => self.settings = std::mem::take(&mut other.settings),
            FileKind::Training => self.training = std::mem::take(&mut other.training),
            FileKind::Monitor => self.monitor = std::mem::take(&mut other.monitor),
            _ => {}
        }
        for rk in kind.records() {
            self.swap_list(&mut other, rk);
        }
    }

    /// Risk bands in force: the workspace's, or the defaults (levels:
    /// [`crate::analysis::risk::Bands`]).
    pub fn bands(&self) -> Vec<RiskBand> {
        if self.risk_bands.is_empty() {
            default_bands()
        } else {
            self.risk_bands.clone()
        }
    }

    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    pub fn need(&self, id: &str) -> Option<&Need> {
        self.needs.iter().find(|n| n.id == id)
    }

    /// How many scenarios address each need, for every need at once.
    pub fn coverage_counts(&self) -> std::collections::HashMap<String, usize> {
        let mut counts: std::collections::HashMap<String, usize> =
            self.needs.iter().map(|n| (n.id.clone(), 0)).collect();
        for s in &self.scenarios {
            for n in &s.needs {
                if let Some(c) = counts.get_mut(n) {
                    *c += 1;
                }
            }
        }
        counts
    }

    /// How many scenarios address each need.
    pub fn need_coverage(&self, need_id: &str) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.needs.iter().any(|n| n == need_id))
            .count()
    }
}

pub fn default_bands() -> Vec<RiskBand> {
    [
        ("low", 1, 4),
        ("medium", 5, 9),
        ("high", 10, 14),
        ("critical", 15, 25),
    ]
    .into_iter()
    .map(|(n, a, b)| RiskBand {
        name: n.into(),
        min: a,
        max: b,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Change, Workspace, source};
    use super::*;

    /// The model of a file as a fresh read of its whole text gives it.
    fn reread(ws: &Workspace, kind: FileKind) -> Model {
        let file = ws.file(kind);
        let root = source::parse(&file.path, file.text()).expect("parses");
        let mut model = Model::default();
        model.read_file(kind, Node::Root(root.get_ref()));
        model
    }

    /// Removing and re-inserting a record of every kind keeps the model in
    /// step with the text, and the undo restores it exactly.
    #[test]
    fn every_record_kind_is_removed_and_restored_in_step_with_the_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
        let mut ws = Workspace::open(&root).expect("open");
        let original = ws.model.clone();
        for kind in RecordKind::ALL {
            let count = ws.count(kind);
            assert!(count > 0, "the example has no {kind:?} records");
            let index = count / 2;
            let text = ws
                .file(kind.file())
                .record_text(kind, index)
                .expect("record")
                .to_string();
            let remove = Change::Remove { kind, index, text };
            ws.apply(&remove).expect("remove");
            let mut expected = original.clone();
            expected.take_file(kind.file(), reread(&ws, kind.file()));
            assert_eq!(ws.model, expected, "{kind:?} removed");
            assert_eq!(
                ws.ids(kind).len(),
                if kind.has_id() { count - 1 } else { 0 }
            );
            ws.apply(&remove.inverse()).expect("insert");
            assert_eq!(ws.model, original, "{kind:?} restored");
        }
    }
}
