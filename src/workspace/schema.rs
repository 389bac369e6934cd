//! The workspace format, described once as data.
//!
//! Validation, `lodestar set`, the edit forms of the terminal UI and the field
//! reference in `docs/WORKSPACE.md` are all driven from these tables, so the
//! format cannot be documented one way and checked another.

use super::choice::{
    Activation, Aggregate, ClassWeight, Counts, Coverage, CriterionGroup, Device, Direction,
    EvidenceKind, ForecastMethod, Frequency, Horizon, Monitor, NeedKind, NeedStatus, Optimizer,
    Priority, Resample, RevenueModel, RiskCategory, RiskStatus, Scale, ScenarioStatus, ScoreSource,
    ScoringMethod, TrendDirection, TrendType, WeightSource,
};

/// One of the seven TOML files of a workspace (`monitor.toml` is optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Workspace,
    Needs,
    Market,
    Scenarios,
    Training,
    Risks,
    Monitor,
}

impl FileKind {
    pub const ALL: [FileKind; 7] = [
        FileKind::Workspace,
        FileKind::Needs,
        FileKind::Market,
        FileKind::Scenarios,
        FileKind::Training,
        FileKind::Risks,
        FileKind::Monitor,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            FileKind::Workspace => "workspace.toml",
            FileKind::Needs => "needs.toml",
            FileKind::Market => "market.toml",
            FileKind::Scenarios => "scenarios.toml",
            FileKind::Training => "training.toml",
            FileKind::Risks => "risks.toml",
            FileKind::Monitor => "monitor.toml",
        }
    }

    /// Keys at the top of the file that are not arrays of records.
    pub fn top_fields(self) -> &'static [Field] {
        match self {
            FileKind::Workspace => WORKSPACE_FIELDS,
            FileKind::Training => TRAINING_FIELDS,
            FileKind::Monitor => MONITOR_FIELDS,
            _ => &[],
        }
    }

    /// The record kinds (`[[need]]`, …) this file holds.
    pub fn records(self) -> impl Iterator<Item = RecordKind> {
        RecordKind::ALL
            .into_iter()
            .filter(move |r| r.file() == self)
    }
}

/// A kind of record: one `[[name]]` array of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Criterion,
    Comparison,
    RiskBand,
    Need,
    Segment,
    Trend,
    Feature,
    Competitor,
    Evidence,
    Series,
    Scenario,
    Risk,
    Measurement,
    Actual,
    Batch,
}

impl RecordKind {
    pub const ALL: [RecordKind; 15] = [
        RecordKind::Criterion,
        RecordKind::Comparison,
        RecordKind::RiskBand,
        RecordKind::Need,
        RecordKind::Segment,
        RecordKind::Trend,
        RecordKind::Feature,
        RecordKind::Competitor,
        RecordKind::Evidence,
        RecordKind::Series,
        RecordKind::Scenario,
        RecordKind::Risk,
        RecordKind::Measurement,
        RecordKind::Actual,
        RecordKind::Batch,
    ];

    pub fn file(self) -> FileKind {
        use RecordKind::*;
        match self {
            Criterion | Comparison | RiskBand => FileKind::Workspace,
            Need => FileKind::Needs,
            Segment | Trend | Feature | Competitor | Evidence | Series => FileKind::Market,
            Scenario => FileKind::Scenarios,
            Risk => FileKind::Risks,
            Measurement | Actual | Batch => FileKind::Monitor,
        }
    }

    /// The TOML array name: `[[risk-band]]`.
    pub fn key(self) -> &'static str {
        use RecordKind::*;
        match self {
            Criterion => "criterion",
            Comparison => "comparison",
            RiskBand => "risk-band",
            Need => "need",
            Segment => "segment",
            Trend => "trend",
            Feature => "feature",
            Competitor => "competitor",
            Evidence => "evidence",
            Series => "series",
            Scenario => "scenario",
            Risk => "risk",
            Measurement => "measurement",
            Actual => "actual",
            Batch => "batch",
        }
    }

    /// Whether records of this kind carry an `id` (comparisons and bands are
    /// addressed by position instead).
    pub fn has_id(self) -> bool {
        !matches!(
            self,
            RecordKind::Comparison
                | RecordKind::RiskBand
                | RecordKind::Measurement
                | RecordKind::Actual
                | RecordKind::Batch
        )
    }

    /// Prefix suggested for new ids (`need-` → `need-013`).
    pub fn id_prefix(self) -> &'static str {
        use RecordKind::*;
        match self {
            Criterion => "crit-",
            Need => "need-",
            Segment => "seg-",
            Trend => "trend-",
            Feature => "feat-",
            Competitor => "comp-",
            Evidence => "ev-",
            Series => "series-",
            Scenario => "scn-",
            Risk => "risk-",
            Comparison | RiskBand | Measurement | Actual | Batch => "",
        }
    }

    pub fn fields(self) -> &'static [Field] {
        use RecordKind::*;
        match self {
            Criterion => CRITERION_FIELDS,
            Comparison => COMPARISON_FIELDS,
            RiskBand => RISK_BAND_FIELDS,
            Need => NEED_FIELDS,
            Segment => SEGMENT_FIELDS,
            Trend => TREND_FIELDS,
            Feature => FEATURE_FIELDS,
            Competitor => COMPETITOR_FIELDS,
            Evidence => EVIDENCE_FIELDS,
            Series => SERIES_FIELDS,
            Scenario => SCENARIO_FIELDS,
            Risk => RISK_FIELDS,
            Measurement => MEASUREMENT_FIELDS,
            Actual => ACTUAL_FIELDS,
            Batch => BATCH_FIELDS,
        }
    }

    pub fn from_key(key: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|r| r.key() == key)
    }

    /// What a user calls one of these, for messages.
    pub fn noun(self) -> &'static str {
        use RecordKind::*;
        match self {
            Criterion => "criterion",
            Comparison => "pairwise comparison",
            RiskBand => "risk band",
            Need => "need",
            Segment => "segment",
            Trend => "trend",
            Feature => "feature",
            Competitor => "competitor",
            Evidence => "evidence",
            Series => "series",
            Scenario => "scenario",
            Risk => "risk",
            Measurement => "KPI measurement",
            Actual => "monthly actual",
            Batch => "scoring batch",
        }
    }
}

/// A field's name as the edit forms show it: the TOML key in English, its
/// name in the interface language otherwise (`schema.key.<key>` in
/// locales/schema.toml). A key without a message shows as written. The
/// files, `lodestar set` and docs/WORKSPACE.md always use the key.
pub fn key_label(key: &str) -> String {
    let msg = format!("schema.key.{key}");
    let text = crate::tr!(msg.as_str());
    // rust-i18n answers a missing key with the key itself.
    if text.is_empty() || text.ends_with(msg.as_str()) {
        key.to_string()
    } else {
        text
    }
}

/// A form row's label: the path's keys as [`key_label`] names them,
/// joined by `.`; a map entry (`scores.value`) keeps its last part, a
/// record id, as written.
pub fn path_label(path: &[String], map_entry: bool) -> String {
    let n = path.len();
    path.iter()
        .enumerate()
        .map(|(i, k)| {
            if map_entry && i + 1 == n {
                k.clone()
            } else {
                key_label(k)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Every table of fields, named as the help messages are keyed
/// (`schema.help.<name>.<key>` in locales/schema.toml).
const TABLES: &[(&str, &[Field])] = &[
    ("quadrant", QUADRANT_FIELDS),
    ("scoring", SCORING_FIELDS),
    ("workspace", WORKSPACE_FIELDS),
    ("criterion", CRITERION_FIELDS),
    ("comparison", COMPARISON_FIELDS),
    ("risk_band", RISK_BAND_FIELDS),
    ("kpi", KPI_FIELDS),
    ("need", NEED_FIELDS),
    ("customers", CUSTOMERS_FIELDS),
    ("segment", SEGMENT_FIELDS),
    ("trend", TREND_FIELDS),
    ("feature", FEATURE_FIELDS),
    ("competitor", COMPETITOR_FIELDS),
    ("evidence", EVIDENCE_FIELDS),
    ("series", SERIES_FIELDS),
    ("revenue", REVENUE_FIELDS),
    ("scenario", SCENARIO_FIELDS),
    ("residual", RESIDUAL_FIELDS),
    ("risk", RISK_FIELDS),
    ("data", DATA_FIELDS),
    ("model", MODEL_FIELDS),
    ("optimizer", OPTIMIZER_FIELDS),
    ("early_stopping", EARLY_STOPPING_FIELDS),
    ("run", RUN_FIELDS),
    ("deployment", DEPLOYMENT_FIELDS),
    ("threshold", THRESHOLD_FIELDS),
    ("monitor", MONITOR_FIELDS),
    ("measurement", MEASUREMENT_FIELDS),
    ("actual", ACTUAL_FIELDS),
    ("batch", BATCH_FIELDS),
    ("training", TRAINING_FIELDS),
    ("cutoff", CUTOFF_FIELDS),
    ("money_link", MONEY_LINK_FIELDS),
];

/// A field's help in the interface language: its message
/// `schema.help.<table>.<key>`, whose English is [`Field::help`] word for
/// word; the schema's own text when no message is found. A map entry's
/// row (`key` empty, the map's help) is found by its text.
pub fn help_text(field: &Field) -> String {
    let found = TABLES.iter().find_map(|(table, fields)| {
        fields
            .iter()
            .find(|f| f.help == field.help && (field.key.is_empty() || f.key == field.key))
            .map(|f| format!("schema.help.{table}.{}", f.key))
    });
    match found {
        Some(msg) => {
            let text = crate::tr!(msg.as_str());
            if text.is_empty() || text.ends_with(msg.as_str()) {
                field.help.to_string()
            } else {
                text
            }
        }
        None => field.help.to_string(),
    }
}

/// The type and allowed values of one field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    /// A string (any text, one line or many).
    Text,
    /// A string that must be a record id of the given kind (a link).
    Link(RecordKind),
    /// An integer in `min..=max`.
    Int { min: i64, max: i64 },
    /// A number (integer or float) in `min..=max`.
    Number { min: f64, max: f64 },
    /// One of a fixed list of strings.
    Choice(&'static [&'static str]),
    /// A TOML local date: `2027-01-15`.
    Date,
    /// A list of strings.
    TextList,
    /// A list of links to records of a kind.
    Links(RecordKind),
    /// A list of integers in `min..=max`.
    IntList { min: i64, max: i64 },
    /// A path relative to the workspace folder that must stay inside it.
    Path,
    /// A table whose fields are listed (inline `{ … }` or `[parent.child]`).
    Table(&'static [Field]),
    /// A table from record ids of a kind to numbers in `min..=max`.
    NumberMap {
        keys: RecordKind,
        min: f64,
        max: f64,
    },
    /// A table from record ids of a kind to one of the choices.
    ChoiceMap {
        keys: RecordKind,
        choices: &'static [&'static str],
    },
    /// A boolean.
    Bool,
}

/// One field of a record or file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// The default, as written in TOML, when the field is optional.
    pub default: Option<&'static str>,
    pub help: &'static str,
    pub example: &'static str,
}

const fn req(key: &'static str, ty: Ty, help: &'static str, example: &'static str) -> Field {
    Field {
        key,
        ty,
        required: true,
        default: None,
        help,
        example,
    }
}

const fn opt(
    key: &'static str,
    ty: Ty,
    default: Option<&'static str>,
    help: &'static str,
    example: &'static str,
) -> Field {
    Field {
        key,
        ty,
        required: false,
        default,
        help,
        example,
    }
}

const MONEY: Ty = Ty::Number {
    min: 0.0,
    max: 1e15,
};
const RATE: Ty = Ty::Number { min: 0.0, max: 1.0 };
const SCORE5: Ty = Ty::Int { min: 1, max: 5 };

/// The interface languages a workspace can ask for (`crate::i18n::Lang`).
pub const LANGUAGES: &[&str] = &["en", "zh-CN"];

// The allowed values of every choice field come from its enum (choice.rs).
pub const HORIZONS: &[&str] = Horizon::NAMES;
pub const NEED_KINDS: &[&str] = NeedKind::NAMES;
pub const PRIORITIES: &[&str] = Priority::NAMES;
pub const NEED_STATUSES: &[&str] = NeedStatus::NAMES;
pub const DIRECTIONS: &[&str] = Direction::NAMES;
pub const CRITERION_GROUPS: &[&str] = CriterionGroup::NAMES;
pub const TREND_TYPES: &[&str] = TrendType::NAMES;
pub const TREND_DIRECTIONS: &[&str] = TrendDirection::NAMES;
pub const COVERAGE: &[&str] = Coverage::NAMES;
pub const EVIDENCE_KINDS: &[&str] = EvidenceKind::NAMES;
pub const SURVEY_SCALES: &[&str] = Scale::NAMES;
pub const FREQUENCIES: &[&str] = Frequency::NAMES;
pub const FORECAST_METHODS: &[&str] = ForecastMethod::NAMES;
pub const SCENARIO_STATUSES: &[&str] = ScenarioStatus::NAMES;
pub const REVENUE_MODELS: &[&str] = RevenueModel::NAMES;
pub const RISK_CATEGORIES: &[&str] = RiskCategory::NAMES;
pub const RISK_STATUSES: &[&str] = RiskStatus::NAMES;
pub const SCORING_METHODS: &[&str] = ScoringMethod::NAMES;
pub const WEIGHT_SOURCES: &[&str] = WeightSource::NAMES;
pub const SCORE_SOURCES: &[&str] = ScoreSource::NAMES;
pub const AGGREGATES: &[&str] = Aggregate::NAMES;
pub const RESAMPLES: &[&str] = Resample::NAMES;
pub const ACTIVATIONS: &[&str] = Activation::NAMES;
pub const OPTIMIZERS: &[&str] = Optimizer::NAMES;
pub const DEVICES: &[&str] = Device::NAMES;
pub const CLASS_WEIGHTS: &[&str] = ClassWeight::NAMES;
pub const MONITORS: &[&str] = Monitor::NAMES;
pub const COUNTS: &[&str] = Counts::NAMES;
/// Not a choice: strategies are free tags, and a tag outside this list is
/// only a warning.
pub const STRATEGIES: &[&str] = &["high-value", "pain-point", "innovation", "scale-effect"];

const QUADRANT_FIELDS: &[Field] = &[
    opt(
        "value",
        Ty::Number {
            min: 0.0,
            max: 100.0,
        },
        Some("50"),
        "Value score (0–100) at or above which a scenario counts as high value.",
        "50",
    ),
    opt(
        "feasibility",
        Ty::Number {
            min: 0.0,
            max: 100.0,
        },
        Some("50"),
        "Feasibility score (0–100) at or above which a scenario counts as feasible.",
        "55",
    ),
];

const SCORING_FIELDS: &[Field] = &[
    opt(
        "method",
        Ty::Choice(SCORING_METHODS),
        Some("\"weighted-sum\""),
        "How scenarios are scored.",
        "\"weighted-sum\"",
    ),
    opt(
        "weights",
        Ty::Choice(WEIGHT_SOURCES),
        Some("\"direct\""),
        "Use each criterion's `weight`, or weights derived from the `[[comparison]]` records (AHP).",
        "\"direct\"",
    ),
    opt(
        "source",
        Ty::Choice(SCORE_SOURCES),
        Some("\"single\""),
        "Score with each scenario's `scores`, or with the workshop votes in `votes/` aggregated per cell (docs/WORKSPACE.md, Votes).",
        "\"single\"",
    ),
    opt(
        "aggregate",
        Ty::Choice(AGGREGATES),
        Some("\"median\""),
        "How the votes of one cell are combined when `source = \"votes\"`.",
        "\"median\"",
    ),
    opt(
        "samples",
        Ty::Int {
            min: 0,
            max: MAX_SAMPLES,
        },
        Some("10000"),
        "Monte Carlo samples for ranking stability.",
        "10000",
    ),
    opt(
        "seed",
        Ty::Int {
            min: 0,
            max: MAX_SEED,
        },
        Some("42"),
        "Seed for the ranking-stability sampler.",
        "42",
    ),
    opt(
        "concentration",
        Ty::Number { min: 1.0, max: 1e6 },
        Some("100"),
        "Dirichlet concentration around the current weights: higher means weights vary less.",
        "100",
    ),
    opt(
        "resample",
        Ty::Choice(RESAMPLES),
        Some("\"weights\""),
        "What the ranking-stability Monte Carlo resamples: the weights, or the weights and the participants whose votes give the scores (with `source = \"votes\"`).",
        "\"participants\"",
    ),
    opt(
        "delta",
        Ty::Number { min: 0.0, max: 1.0 },
        Some("0.1"),
        "Relative weight change (±) used by the tornado analysis.",
        "0.1",
    ),
    opt(
        "quadrant",
        Ty::Table(QUADRANT_FIELDS),
        None,
        "Thresholds of the value-vs-feasibility quadrants.",
        "{ value = 50, feasibility = 50 }",
    ),
];

/// The most Monte Carlo samples `[scoring] samples` and `score --samples`
/// allow (about a minute of sampling).
pub const MAX_SAMPLES: i64 = 10_000_000;

/// The largest seed a file can hold (TOML integers are i64); the command
/// line's `--seed` allows the same range.
pub const MAX_SEED: i64 = i64::MAX;

/// The smallest Adam ε: 0 makes a weight whose gradient is still zero
/// divide 0 by 0 (NaN at the first step).
pub const MIN_EPSILON: f64 = 1e-12;

const WORKSPACE_FIELDS: &[Field] = &[
    req(
        "name",
        Ty::Text,
        "Name of the workspace, shown in the status line.",
        "\"Acme Retail\"",
    ),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "What this workspace is about.",
        "\"Where should Acme bet on large models?\"",
    ),
    opt(
        "organisation",
        Ty::Text,
        Some("\"\""),
        "The company or team the workspace belongs to.",
        "\"Acme Retail GmbH\"",
    ),
    opt(
        "currency",
        Ty::Text,
        Some("\"EUR\""),
        "Currency code used for every amount (ISO 4217).",
        "\"EUR\"",
    ),
    opt(
        "discount-rate",
        Ty::Number { min: 0.0, max: 1.0 },
        Some("0.1"),
        "Annual discount rate for NPV (0.1 = 10 %).",
        "0.12",
    ),
    opt(
        "horizon-months",
        Ty::Int { min: 1, max: 600 },
        Some("36"),
        "Default revenue horizon in months for scenarios that do not set one.",
        "36",
    ),
    opt(
        "language",
        Ty::Choice(LANGUAGES),
        None,
        "Interface language for this workspace: `en` or `zh-CN` (`--lang` and the config file's `language` come first; unset: the environment's).",
        "\"zh-CN\"",
    ),
    opt(
        "scoring",
        Ty::Table(SCORING_FIELDS),
        None,
        "Scoring settings (`[scoring]`).",
        "[scoring]",
    ),
];

const CRITERION_FIELDS: &[Field] = &[
    req(
        "id",
        Ty::Text,
        "Stable id, used as the key in each scenario's `scores`.",
        "\"value\"",
    ),
    req(
        "name",
        Ty::Text,
        "Name shown in tables.",
        "\"Business value\"",
    ),
    opt(
        "weight",
        Ty::Number {
            min: 0.0,
            max: 1000.0,
        },
        Some("1"),
        "Relative weight (weights are normalised to sum to 1).",
        "0.3",
    ),
    opt(
        "direction",
        Ty::Choice(DIRECTIONS),
        Some("\"benefit\""),
        "`benefit`: higher is better; `cost`: lower is better.",
        "\"benefit\"",
    ),
    opt(
        "group",
        Ty::Choice(CRITERION_GROUPS),
        None,
        "Which quadrant axis the criterion feeds.",
        "\"value\"",
    ),
    opt(
        "min",
        Ty::Number {
            min: -1e12,
            max: 1e12,
        },
        Some("1"),
        "Lowest possible score on this criterion.",
        "1",
    ),
    opt(
        "max",
        Ty::Number {
            min: -1e12,
            max: 1e12,
        },
        Some("5"),
        "Highest possible score on this criterion.",
        "5",
    ),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "What a high score means.",
        "\"Revenue or savings within two years\"",
    ),
];

const COMPARISON_FIELDS: &[Field] = &[
    req(
        "a",
        Ty::Link(RecordKind::Criterion),
        "First criterion.",
        "\"value\"",
    ),
    req(
        "b",
        Ty::Link(RecordKind::Criterion),
        "Second criterion.",
        "\"risk\"",
    ),
    req(
        "ratio",
        Ty::Number {
            min: 1.0 / 9.0,
            max: 9.0,
        },
        "How many times more important `a` is than `b` on Saaty's 1–9 scale (use 1/3 ≈ 0.333 when `b` matters more).",
        "3",
    ),
];

const RISK_BAND_FIELDS: &[Field] = &[
    req("name", Ty::Text, "Level name.", "\"high\""),
    req(
        "min",
        Ty::Int { min: 1, max: 25 },
        "Lowest score (likelihood × impact) in the band.",
        "10",
    ),
    req(
        "max",
        Ty::Int { min: 1, max: 25 },
        "Highest score in the band.",
        "14",
    ),
];

const KPI_FIELDS: &[Field] = &[
    req(
        "metric",
        Ty::Text,
        "What is measured.",
        "\"First-contact resolution\"",
    ),
    opt(
        "unit",
        Ty::Text,
        Some("\"\""),
        "Unit of the numbers.",
        "\"%\"",
    ),
    opt(
        "baseline",
        Ty::Number {
            min: -1e15,
            max: 1e15,
        },
        None,
        "Value today.",
        "62",
    ),
    opt(
        "target",
        Ty::Number {
            min: -1e15,
            max: 1e15,
        },
        None,
        "Value to reach.",
        "80",
    ),
    opt(
        "due",
        Ty::Date,
        None,
        "When the target should be reached.",
        "2027-06-30",
    ),
];

const NEED_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"need-001\""),
    req(
        "title",
        Ty::Text,
        "One line that says what is needed.",
        "\"Cut support cost per ticket\"",
    ),
    req(
        "kind",
        Ty::Choice(NEED_KINDS),
        "`business` need, development `goal`, or resource `constraint` (seed §2.1).",
        "\"business\"",
    ),
    opt(
        "priority",
        Ty::Choice(PRIORITIES),
        Some("\"should\""),
        "MoSCoW priority.",
        "\"must\"",
    ),
    opt(
        "horizon",
        Ty::Choice(HORIZONS),
        Some("\"medium\""),
        "Short (< 1 year), medium (1–3 years) or long term.",
        "\"short\"",
    ),
    opt(
        "owner",
        Ty::Text,
        Some("\"\""),
        "Who answers for it.",
        "\"Head of Support\"",
    ),
    opt(
        "status",
        Ty::Choice(NEED_STATUSES),
        Some("\"proposed\""),
        "Where it stands.",
        "\"agreed\"",
    ),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "Longer explanation.",
        "\"…\"",
    ),
    opt(
        "kpi",
        Ty::Table(KPI_FIELDS),
        None,
        "How success is measured.",
        "{ metric = \"Cost per ticket\", unit = \"EUR\", baseline = 4.1, target = 2.5, due = 2027-12-31 }",
    ),
    opt(
        "tags",
        Ty::TextList,
        Some("[]"),
        "Free tags.",
        "[\"support\"]",
    ),
];

const CUSTOMERS_FIELDS: &[Field] = &[
    opt(
        "total",
        Ty::Number {
            min: 0.0,
            max: 1e12,
        },
        None,
        "Every possible customer (bottom-up TAM).",
        "250000",
    ),
    opt(
        "addressable",
        Ty::Number {
            min: 0.0,
            max: 1e12,
        },
        None,
        "Customers we can serve (bottom-up SAM).",
        "60000",
    ),
    opt(
        "obtainable",
        Ty::Number {
            min: 0.0,
            max: 1e12,
        },
        None,
        "Customers we can win in the horizon (bottom-up SOM).",
        "4000",
    ),
];

const SEGMENT_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"seg-grocery\""),
    req("name", Ty::Text, "Segment name.", "\"Grocery chains\""),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "Who is in it.",
        "\"…\"",
    ),
    opt(
        "tam",
        MONEY,
        None,
        "Top-down total addressable market, per year.",
        "1.2e9",
    ),
    opt(
        "sam-share",
        RATE,
        None,
        "Share of TAM we can serve (top-down SAM = TAM × share).",
        "0.25",
    ),
    opt(
        "som-share",
        RATE,
        None,
        "Share of SAM we can obtain (top-down SOM = SAM × share).",
        "0.08",
    ),
    opt(
        "customers",
        Ty::Table(CUSTOMERS_FIELDS),
        None,
        "Customer counts for bottom-up sizing.",
        "{ total = 250000, addressable = 60000, obtainable = 4000 }",
    ),
    opt(
        "revenue-per-customer",
        MONEY,
        None,
        "Yearly revenue per customer (bottom-up sizing).",
        "4800",
    ),
    opt(
        "growth",
        Ty::Number {
            min: -1.0,
            max: 10.0,
        },
        None,
        "Expected yearly growth of the segment.",
        "0.12",
    ),
];

const TREND_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"trend-001\""),
    req(
        "title",
        Ty::Text,
        "What is changing.",
        "\"Open-weight models close the gap\"",
    ),
    req(
        "type",
        Ty::Choice(TREND_TYPES),
        "Market, competition or technology trend (seed §2.2).",
        "\"technology\"",
    ),
    opt(
        "direction",
        Ty::Choice(TREND_DIRECTIONS),
        Some("\"rising\""),
        "Where it is heading.",
        "\"rising\"",
    ),
    opt(
        "impact",
        SCORE5,
        Some("3"),
        "How much it matters to us, 1–5.",
        "4",
    ),
    opt(
        "horizon",
        Ty::Choice(HORIZONS),
        Some("\"medium\""),
        "When it bites.",
        "\"short\"",
    ),
    opt(
        "source",
        Ty::Text,
        Some("\"\""),
        "Where the insight comes from.",
        "\"Analyst report 2026\"",
    ),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "Longer explanation.",
        "\"…\"",
    ),
];

const FEATURE_FIELDS: &[Field] = &[
    req(
        "id",
        Ty::Text,
        "Stable id, used as a key in `features` tables.",
        "\"feat-chat\"",
    ),
    req(
        "name",
        Ty::Text,
        "Capability buyers compare.",
        "\"24/7 chat in 5 languages\"",
    ),
    opt(
        "weight",
        SCORE5,
        Some("3"),
        "How much buyers care, 1–5.",
        "5",
    ),
];

const COMPETITOR_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"comp-shopbot\""),
    req("name", Ty::Text, "Competitor name.", "\"ShopBot Inc.\""),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "Who they are.",
        "\"…\"",
    ),
    opt(
        "pricing",
        Ty::Text,
        Some("\"\""),
        "How they charge.",
        "\"per seat, 49/month\"",
    ),
    opt("share", RATE, None, "Estimated market share.", "0.18"),
    opt(
        "features",
        Ty::ChoiceMap {
            keys: RecordKind::Feature,
            choices: COVERAGE,
        },
        Some("{}"),
        "Coverage of each feature: yes (✓), partial (~), no (✗).",
        "{ feat-chat = \"yes\", feat-sso = \"partial\" }",
    ),
];

const EVIDENCE_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"ev-001\""),
    req(
        "kind",
        Ty::Choice(EVIDENCE_KINDS),
        "An `interview` (notes) or a `survey` question.",
        "\"interview\"",
    ),
    req(
        "title",
        Ty::Text,
        "Who was asked, or the survey question.",
        "\"Store manager, Berlin-Mitte\"",
    ),
    opt(
        "date",
        Ty::Date,
        None,
        "When it was collected.",
        "2026-09-14",
    ),
    opt(
        "source",
        Ty::Text,
        Some("\"\""),
        "Who collected it or where it comes from.",
        "\"UX research\"",
    ),
    opt(
        "needs",
        Ty::Links(RecordKind::Need),
        Some("[]"),
        "Needs this evidence supports.",
        "[\"need-001\"]",
    ),
    opt(
        "notes",
        Ty::Text,
        Some("\"\""),
        "Interview notes or survey context.",
        "\"…\"",
    ),
    opt(
        "scale",
        Ty::Choice(SURVEY_SCALES),
        None,
        "Answer scale of a survey question: likert5 (1–5), likert7 (1–7) or nps (0–10).",
        "\"likert5\"",
    ),
    opt(
        "counts",
        Ty::IntList {
            min: 0,
            max: 1_000_000_000,
        },
        None,
        "Number of answers for each point of the scale, lowest first.",
        "[4, 9, 20, 41, 26]",
    ),
    opt(
        "responses",
        Ty::Path,
        None,
        "CSV file of individual responses (instead of `counts`).",
        "\"data/survey.csv\"",
    ),
    opt(
        "column",
        Ty::Text,
        None,
        "Column of `responses` holding this question's answers.",
        "\"q3\"",
    ),
];

const SERIES_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"series-ai-spend\""),
    req(
        "name",
        Ty::Text,
        "What the series measures.",
        "\"Retail AI spend, EU\"",
    ),
    req(
        "file",
        Ty::Path,
        "CSV file inside the workspace.",
        "\"data/market.csv\"",
    ),
    req(
        "date-column",
        Ty::Text,
        "Column with the period (YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY).",
        "\"month\"",
    ),
    req(
        "value-column",
        Ty::Text,
        "Column with the value.",
        "\"spend\"",
    ),
    opt(
        "frequency",
        Ty::Choice(FREQUENCIES),
        Some("\"monthly\""),
        "Spacing of the periods.",
        "\"monthly\"",
    ),
    opt(
        "unit",
        Ty::Text,
        Some("\"\""),
        "Unit of the values.",
        "\"EUR m\"",
    ),
    opt(
        "method",
        Ty::Choice(FORECAST_METHODS),
        Some("\"holt-damped\""),
        "Forecast method.",
        "\"holt-damped\"",
    ),
    opt(
        "horizon",
        Ty::Int { min: 1, max: 240 },
        Some("12"),
        "Periods to forecast.",
        "12",
    ),
    opt(
        "alpha",
        RATE,
        None,
        "Fixed Holt level smoothing (fitted when absent).",
        "0.5",
    ),
    opt(
        "beta",
        RATE,
        None,
        "Fixed Holt trend smoothing (fitted when absent).",
        "0.1",
    ),
    opt(
        "phi",
        Ty::Number { min: 0.0, max: 1.0 },
        None,
        "Fixed damping (fitted when absent).",
        "0.98",
    ),
];

const REVENUE_FIELDS: &[Field] = &[
    req(
        "model",
        Ty::Choice(REVENUE_MODELS),
        "How the scenario earns money (seed §4.2).",
        "\"usage\"",
    ),
    opt(
        "price",
        MONEY,
        Some("0"),
        "Price per unit: per request (usage), per subscriber-month (subscription), per licence-year (license), or revenue per 1,000 impressions / per user-month (ads-value-added).",
        "0.02",
    ),
    opt(
        "volume",
        Ty::Number {
            min: 0.0,
            max: 1e15,
        },
        Some("0"),
        "Units in the first month: requests, subscribers, licences or thousands of impressions.",
        "400000",
    ),
    opt(
        "growth",
        Ty::Number {
            min: -1.0,
            max: 10.0,
        },
        Some("0"),
        "Monthly growth of volume (0.05 = 5 %).",
        "0.05",
    ),
    opt(
        "churn",
        RATE,
        Some("0"),
        "Monthly share of subscribers or licences lost.",
        "0.02",
    ),
    opt(
        "unit-cost",
        MONEY,
        None,
        "Inference (or delivery) cost per unit. Use this or the token fields.",
        "0.006",
    ),
    opt(
        "tokens-per-unit",
        Ty::Number { min: 0.0, max: 1e9 },
        None,
        "Tokens per unit, with `price-per-1k-tokens`, instead of `unit-cost`.",
        "1500",
    ),
    opt(
        "price-per-1k-tokens",
        MONEY,
        None,
        "Token price per 1,000 tokens.",
        "0.004",
    ),
    opt(
        "fixed-cost",
        MONEY,
        Some("0"),
        "Fixed running cost per month.",
        "18000",
    ),
    opt(
        "upfront-cost",
        MONEY,
        Some("0"),
        "One-off cost in month 0.",
        "250000",
    ),
    opt(
        "horizon-months",
        Ty::Int { min: 1, max: 600 },
        None,
        "Months to model (default: the workspace's).",
        "36",
    ),
];

const SCENARIO_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"scn-support-bot\""),
    req(
        "name",
        Ty::Text,
        "Scenario name.",
        "\"Customer-service assistant\"",
    ),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "What the model does, for whom.",
        "\"…\"",
    ),
    opt(
        "owner",
        Ty::Text,
        Some("\"\""),
        "Who champions it.",
        "\"COO\"",
    ),
    opt(
        "status",
        Ty::Choice(SCENARIO_STATUSES),
        Some("\"candidate\""),
        "Where it stands in the selection.",
        "\"shortlisted\"",
    ),
    opt(
        "strategies",
        Ty::TextList,
        Some("[]"),
        "Selection strategies it follows (seed §2.3): high-value, pain-point, innovation, scale-effect.",
        "[\"pain-point\", \"scale-effect\"]",
    ),
    opt(
        "needs",
        Ty::Links(RecordKind::Need),
        Some("[]"),
        "Needs it addresses.",
        "[\"need-001\", \"need-004\"]",
    ),
    opt(
        "scores",
        Ty::NumberMap {
            keys: RecordKind::Criterion,
            min: -1e12,
            max: 1e12,
        },
        Some("{}"),
        "Score on each criterion, within the criterion's min–max.",
        "{ value = 4, feasibility = 3 }",
    ),
    opt(
        "features",
        Ty::ChoiceMap {
            keys: RecordKind::Feature,
            choices: COVERAGE,
        },
        Some("{}"),
        "Planned coverage of the competitor features.",
        "{ feat-chat = \"yes\" }",
    ),
    opt(
        "revenue",
        Ty::Table(REVENUE_FIELDS),
        None,
        "The revenue model (`[scenario.revenue]`).",
        "[scenario.revenue]",
    ),
];

const RESIDUAL_FIELDS: &[Field] = &[
    req(
        "likelihood",
        SCORE5,
        "Likelihood after mitigation, 1–5.",
        "2",
    ),
    req("impact", SCORE5, "Impact after mitigation, 1–5.", "3"),
];

const RISK_FIELDS: &[Field] = &[
    req("id", Ty::Text, "Stable id.", "\"risk-003\""),
    req(
        "title",
        Ty::Text,
        "What could go wrong.",
        "\"Assistant invents refund policy\"",
    ),
    req(
        "category",
        Ty::Choice(RISK_CATEGORIES),
        "Technical, market, legal or operational (seed §4.3).",
        "\"legal\"",
    ),
    req(
        "likelihood",
        SCORE5,
        "Likelihood before mitigation, 1 (rare) – 5 (almost certain).",
        "3",
    ),
    req(
        "impact",
        SCORE5,
        "Impact before mitigation, 1 (minor) – 5 (severe).",
        "4",
    ),
    opt(
        "residual",
        Ty::Table(RESIDUAL_FIELDS),
        None,
        "Likelihood and impact after mitigation.",
        "{ likelihood = 2, impact = 3 }",
    ),
    opt(
        "owner",
        Ty::Text,
        Some("\"\""),
        "Who answers for it.",
        "\"Head of Support\"",
    ),
    opt(
        "mitigation",
        Ty::Text,
        Some("\"\""),
        "What we do about it.",
        "\"Ground answers in policy docs\"",
    ),
    opt(
        "status",
        Ty::Choice(RISK_STATUSES),
        Some("\"open\""),
        "Where it stands.",
        "\"mitigating\"",
    ),
    opt(
        "review",
        Ty::Date,
        None,
        "Next review date; past dates are overdue.",
        "2027-01-15",
    ),
    opt(
        "scenarios",
        Ty::Links(RecordKind::Scenario),
        Some("[]"),
        "Scenarios it threatens.",
        "[\"scn-support-bot\"]",
    ),
    opt("tags", Ty::TextList, Some("[]"), "Free tags.", "[\"gdpr\"]"),
    opt(
        "description",
        Ty::Text,
        Some("\"\""),
        "Longer explanation.",
        "\"…\"",
    ),
];

const DATA_FIELDS: &[Field] = &[
    req(
        "file",
        Ty::Path,
        "Training CSV inside the workspace.",
        "\"data/propensity.csv\"",
    ),
    req("target", Ty::Text, "Column to predict.", "\"converted\""),
    req(
        "positive",
        Ty::Text,
        "Value of the target column that counts as positive.",
        "\"yes\"",
    ),
    opt(
        "include",
        Ty::TextList,
        Some("[]"),
        "Columns to use (empty: all but the target and `exclude`).",
        "[]",
    ),
    opt(
        "exclude",
        Ty::TextList,
        Some("[]"),
        "Columns never used as features (ids, leaks).",
        "[\"customer_id\"]",
    ),
    opt(
        "categorical",
        Ty::TextList,
        Some("[]"),
        "Columns to one-hot encode even if they look numeric.",
        "[\"store\"]",
    ),
];

const MODEL_FIELDS: &[Field] = &[
    opt(
        "hidden",
        Ty::IntList { min: 1, max: 65536 },
        Some("[128, 64]"),
        "Units of each hidden layer.",
        "[128, 64]",
    ),
    opt(
        "activation",
        Ty::Choice(ACTIVATIONS),
        Some("\"relu\""),
        "Activation of the hidden layers.",
        "\"relu\"",
    ),
    opt(
        "dropout",
        Ty::Number {
            min: 0.0,
            max: 0.95,
        },
        Some("0"),
        "Dropout rate after each hidden layer.",
        "0.1",
    ),
];

const OPTIMIZER_FIELDS: &[Field] = &[
    opt(
        "name",
        Ty::Choice(OPTIMIZERS),
        Some("\"adam\""),
        "Optimizer.",
        "\"adam\"",
    ),
    opt(
        "learning-rate",
        Ty::Number {
            min: 1e-9,
            max: 10.0,
        },
        Some("0.001"),
        "Step size.",
        "0.001",
    ),
    opt(
        "beta1",
        Ty::Number {
            min: 0.0,
            max: 0.999999,
        },
        Some("0.9"),
        "Adam β1.",
        "0.9",
    ),
    opt(
        "beta2",
        Ty::Number {
            min: 0.0,
            max: 0.9999999,
        },
        Some("0.999"),
        "Adam β2.",
        "0.999",
    ),
    opt(
        "epsilon",
        Ty::Number {
            min: MIN_EPSILON,
            max: 1.0,
        },
        Some("1e-7"),
        "Adam ε (Keras default 1e-7); above 0, since 0 divides zero by zero.",
        "1e-7",
    ),
    opt(
        "weight-decay",
        Ty::Number { min: 0.0, max: 1.0 },
        Some("0"),
        "Decoupled weight decay.",
        "0",
    ),
];

const EARLY_STOPPING_FIELDS: &[Field] = &[
    opt(
        "monitor",
        Ty::Choice(MONITORS),
        Some("\"val_loss\""),
        "Metric to watch.",
        "\"val_auc\"",
    ),
    opt(
        "patience",
        Ty::Int { min: 1, max: 1000 },
        Some("3"),
        "Epochs without improvement before stopping.",
        "3",
    ),
];

const RUN_FIELDS: &[Field] = &[
    opt(
        "batch-size",
        Ty::Int {
            min: 1,
            max: 1_048_576,
        },
        Some("32"),
        "Rows per training step.",
        "32",
    ),
    opt(
        "epochs",
        Ty::Int {
            min: 1,
            max: 10_000,
        },
        Some("10"),
        "Passes over the training rows.",
        "10",
    ),
    opt(
        "validation-split",
        Ty::Number { min: 0.0, max: 0.9 },
        Some("0.2"),
        "Share of rows, taken from the end before shuffling, held out for validation.",
        "0.2",
    ),
    opt(
        "seed",
        Ty::Int {
            min: 0,
            max: MAX_SEED,
        },
        Some("42"),
        "Seed for weights and shuffling.",
        "42",
    ),
    opt(
        "device",
        Ty::Choice(DEVICES),
        Some("\"auto\""),
        "`auto` tries CUDA and falls back to the CPU.",
        "\"auto\"",
    ),
    opt(
        "threads",
        Ty::Int { min: 0, max: 1024 },
        Some("0"),
        "CPU threads (0: chosen by lodestar).",
        "2",
    ),
    opt(
        "class-weight",
        Ty::Choice(CLASS_WEIGHTS),
        Some("\"none\""),
        "Weight classes by inverse frequency.",
        "\"balanced\"",
    ),
    opt(
        "early-stopping",
        Ty::Table(EARLY_STOPPING_FIELDS),
        None,
        "Stop when the monitored metric stops improving.",
        "{ monitor = \"val_loss\", patience = 3 }",
    ),
    opt(
        "checkpoint",
        Ty::Bool,
        Some("true"),
        "Keep the best epoch's weights.",
        "true",
    ),
];

// ---- monitor.toml: what happened after launch ------------------------------

const DEPLOYMENT_FIELDS: &[Field] = &[
    req(
        "run",
        Ty::Text,
        "Id of the training run in production (a folder under `runs/`).",
        "\"20261104-101500-42\"",
    ),
    req(
        "since",
        Ty::Date,
        "Date it went into production.",
        "2026-11-15",
    ),
    opt(
        "validation-auc",
        Ty::Number { min: 0.0, max: 1.0 },
        None,
        "The run's validation AUC, the yardstick for labelled batches (the run's `summary.toml` wins when the run is under `runs/`).",
        "0.81",
    ),
];

const THRESHOLD_FIELDS: &[Field] = &[
    opt(
        "psi",
        Ty::Number {
            min: 0.0,
            max: 100.0,
        },
        Some("0.2"),
        "Population stability index above which a feature or the score has drifted.",
        "0.2",
    ),
    opt(
        "auc-drop",
        Ty::Number { min: 0.0, max: 1.0 },
        Some("0.05"),
        "Drop of a labelled batch's AUC below the run's validation AUC that calls for retraining.",
        "0.05",
    ),
    opt(
        "revenue-shortfall",
        Ty::Number { min: 0.0, max: 1.0 },
        Some("0.2"),
        "Share below plan a month's revenue must fall to count as short (0.2 = 20 %).",
        "0.2",
    ),
    opt(
        "revenue-months",
        Ty::Int { min: 1, max: 120 },
        Some("2"),
        "Consecutive short months that fire the revenue trigger.",
        "2",
    ),
    opt(
        "kpi-tolerance",
        Ty::Number { min: 0.0, max: 1.0 },
        Some("0.1"),
        "How far behind the straight path a KPI may be, as a share of the baseline–target gap, and still be on track; up to twice that it is at risk.",
        "0.1",
    ),
];

const MONITOR_FIELDS: &[Field] = &[
    opt(
        "launch",
        Ty::Date,
        None,
        "When the first scenario went live: KPI baselines stand at this date, the revenue plan's month 1 is this month, and no measurement or actual may come before it.",
        "2026-03-01",
    ),
    opt(
        "deployment",
        Ty::Table(DEPLOYMENT_FIELDS),
        None,
        "The model in production (`[deployment]`).",
        "{ run = \"20261104-101500-42\", since = 2026-11-15 }",
    ),
    opt(
        "thresholds",
        Ty::Table(THRESHOLD_FIELDS),
        None,
        "When a trigger fires (`[thresholds]`).",
        "{ psi = 0.25 }",
    ),
];

const MEASUREMENT_FIELDS: &[Field] = &[
    req(
        "need",
        Ty::Link(RecordKind::Need),
        "The need whose KPI was measured.",
        "\"need-002\"",
    ),
    req("date", Ty::Date, "When it was measured.", "2026-05-31"),
    req(
        "value",
        Ty::Number {
            min: -1e15,
            max: 1e15,
        },
        "The measured value, in the KPI's unit.",
        "3.6",
    ),
    opt(
        "note",
        Ty::Text,
        Some("\"\""),
        "Where the figure comes from.",
        "\"Finance monthly close\"",
    ),
];

const ACTUAL_FIELDS: &[Field] = &[
    req(
        "scenario",
        Ty::Link(RecordKind::Scenario),
        "The live scenario.",
        "\"scn-support-bot\"",
    ),
    req(
        "month",
        Ty::Date,
        "The month (write its first day; any day of the month counts as the month).",
        "2026-05-01",
    ),
    req(
        "revenue",
        MONEY,
        "Revenue (or savings) booked in the month.",
        "41000",
    ),
    req("cost", MONEY, "Running cost in the month.", "12500"),
    opt(
        "volume",
        Ty::Number {
            min: 0.0,
            max: 1e15,
        },
        None,
        "Units in the month, as the revenue model counts them (requests, subscribers, …).",
        "52000",
    ),
    opt(
        "tokens",
        Ty::Number {
            min: 0.0,
            max: 1e18,
        },
        None,
        "Tokens used in the month (usage models).",
        "31000000",
    ),
    opt(
        "note",
        Ty::Text,
        Some("\"\""),
        "Anything unusual about the month.",
        "\"Easter campaign\"",
    ),
];

const BATCH_FIELDS: &[Field] = &[
    req("date", Ty::Date, "When the batch was scored.", "2026-06-01"),
    req(
        "file",
        Ty::Path,
        "The scored CSV (the output of `lodestar predict`: the input columns and the probability).",
        "\"data/scored-2026-06.csv\"",
    ),
    opt(
        "labels",
        Ty::Text,
        None,
        "Column of the file holding the observed outcomes, once they arrived (same values as the training target).",
        "\"churned\"",
    ),
    opt(
        "rows",
        Ty::Int {
            min: 0,
            max: i64::MAX,
        },
        None,
        "Rows scored (written by `lodestar predict --record`).",
        "5000",
    ),
    opt(
        "note",
        Ty::Text,
        Some("\"\""),
        "Anything unusual about the batch.",
        "\"\"",
    ),
];

const TRAINING_FIELDS: &[Field] = &[
    opt(
        "scenario",
        Ty::Link(RecordKind::Scenario),
        None,
        "The scenario this prototype model validates.",
        "\"scn-next-best-offer\"",
    ),
    req(
        "data",
        Ty::Table(DATA_FIELDS),
        "Training data (`[data]`).",
        "[data]",
    ),
    opt(
        "model",
        Ty::Table(MODEL_FIELDS),
        None,
        "Network shape (`[model]`).",
        "[model]",
    ),
    opt(
        "optimizer",
        Ty::Table(OPTIMIZER_FIELDS),
        None,
        "Optimizer settings (`[optimizer]`).",
        "[optimizer]",
    ),
    opt(
        "run",
        Ty::Table(RUN_FIELDS),
        None,
        "Run settings (`[run]`).",
        "[run]",
    ),
    opt(
        "money",
        Ty::Table(MONEY_LINK_FIELDS),
        None,
        "What the model at a cut-off implies for a scenario's revenue volume (`[money]`, docs/METHOD.md).",
        "[money]",
    ),
];

const CUTOFF_FIELDS: &[Field] = &[
    opt(
        "top",
        Ty::Number { min: 0.0, max: 1.0 },
        None,
        "Contact this share of the population with the highest scores (0.2 = top 20 %). Give `top` or `threshold`.",
        "0.2",
    ),
    opt(
        "threshold",
        Ty::Number { min: 0.0, max: 1.0 },
        None,
        "Contact every row whose score (probability of the positive label) is at least this.",
        "0.5",
    ),
];

const MONEY_LINK_FIELDS: &[Field] = &[
    req(
        "scenario",
        Ty::Link(RecordKind::Scenario),
        "Scenario whose revenue `volume` the model drives.",
        "\"scn-next-best-offer\"",
    ),
    req(
        "population",
        Ty::Number {
            min: 0.0,
            max: 1e15,
        },
        "Rows the model scores in the scenario's first month (customers, cases).",
        "12000000",
    ),
    req(
        "cutoff",
        Ty::Table(CUTOFF_FIELDS),
        "Who is contacted: `{ top = 0.2 }` or `{ threshold = 0.5 }`.",
        "{ top = 0.2 }",
    ),
    opt(
        "counts",
        Ty::Choice(COUNTS),
        Some("\"positives\""),
        "What the scenario's `volume` counts: the rows contacted, or the positives among them.",
        "\"contacts\"",
    ),
];

/// Look up a field by key in a list.
pub fn find_field(fields: &'static [Field], key: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.key == key)
}

/// Resolve a dotted path (`residual.likelihood`) inside a field list.
/// Map entries (`scores.value`) resolve to a synthetic field of the map's
/// value type.
pub fn resolve_path(fields: &'static [Field], path: &[&str]) -> Option<Field> {
    let (first, rest) = path.split_first()?;
    let field = find_field(fields, first)?;
    if rest.is_empty() {
        return Some(*field);
    }
    match field.ty {
        Ty::Table(sub) => resolve_path(sub, rest),
        Ty::NumberMap { min, max, .. } if rest.len() == 1 => Some(Field {
            key: "",
            ty: Ty::Number { min, max },
            required: false,
            default: None,
            help: field.help,
            example: "",
        }),
        Ty::ChoiceMap { choices, .. } if rest.len() == 1 => Some(Field {
            key: "",
            ty: Ty::Choice(choices),
            required: false,
            default: None,
            help: field.help,
            example: "",
        }),
        _ => None,
    }
}

impl Ty {
    /// A short name of the type for messages and docs.
    pub fn describe(&self) -> String {
        match self {
            Ty::Text => "string".into(),
            Ty::Link(k) => format!("{} id", k.noun()),
            Ty::Int { min, max } => format!("integer {min}–{max}"),
            Ty::Number { min, max } => format!("number {}–{}", fmt_num(*min), fmt_num(*max)),
            Ty::Choice(c) => format!("one of {}", c.join(", ")),
            Ty::Date => "date (YYYY-MM-DD)".into(),
            Ty::TextList => "list of strings".into(),
            Ty::Links(k) => format!("list of {} ids", k.noun()),
            Ty::IntList { min, max } => format!("list of integers {min}–{max}"),
            Ty::Path => "path inside the workspace".into(),
            Ty::Table(_) => "table".into(),
            Ty::NumberMap { keys, min, max } => {
                format!(
                    "table {} id → number {}–{}",
                    keys.noun(),
                    fmt_num(*min),
                    fmt_num(*max)
                )
            }
            Ty::ChoiceMap { keys, choices } => {
                format!("table {} id → {}", keys.noun(), choices.join(" | "))
            }
            Ty::Bool => "boolean".into(),
        }
    }
}

pub(crate) fn fmt_num(x: f64) -> String {
    if x.abs() >= 1e6 || (x != 0.0 && x.abs() < 1e-4) {
        format!("{x:e}")
    } else if (x - x.round()).abs() < 1e-12 {
        format!("{}", x as i64)
    } else if (x - 1.0 / 9.0).abs() < 1e-12 {
        "1/9".into()
    } else {
        format!("{x}")
    }
}

/// The field reference of `docs/WORKSPACE.md`, generated from the tables
/// above (a test keeps the document in step).
pub fn reference_markdown() -> String {
    fn rows(out: &mut String, fields: &[Field], prefix: &str) {
        for f in fields {
            let key = format!("{prefix}{}", f.key);
            let req = if f.required {
                "**required**".to_string()
            } else {
                f.default
                    .map(|d| format!("`{d}`"))
                    .unwrap_or_else(|| "—".into())
            };
            let ty = f.ty.describe().replace('|', "\\|");
            let help = f.help.replace('|', "\\|");
            out.push_str(&format!(
                "| `{key}` | {ty} | {req} | {help} | `{}` |\n",
                f.example.replace('|', "\\|")
            ));
            if let Ty::Table(sub) = f.ty {
                rows(out, sub, &format!("{key}."));
            }
        }
    }
    let header = "| key | type and range | default | meaning | example |\n|---|---|---|---|---|\n";
    let mut out = String::new();
    for file in FileKind::ALL {
        out.push_str(&format!("### `{}`\n\n", file.file_name()));
        if !file.top_fields().is_empty() {
            out.push_str("Top-level keys:\n\n");
            out.push_str(header);
            rows(&mut out, file.top_fields(), "");
            out.push('\n');
        }
        for record in file.records() {
            out.push_str(&format!(
                "`[[{}]]` — one record per {}:\n\n",
                record.key(),
                record.noun()
            ));
            out.push_str(header);
            rows(&mut out, record.fields(), "");
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- BEGIN GENERATED FIELD REFERENCE -->\n";
    const END: &str = "<!-- END GENERATED FIELD REFERENCE -->";

    /// docs/WORKSPACE.md documents every field; regenerate with
    /// `LODESTAR_BLESS=1 cargo test --release docs_field_reference`.
    #[test]
    fn docs_field_reference_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/WORKSPACE.md");
        let doc = std::fs::read_to_string(&path).expect("docs/WORKSPACE.md");
        let (Some(a), Some(b)) = (doc.find(BEGIN), doc.find(END)) else {
            panic!("docs/WORKSPACE.md lacks the generated-reference markers");
        };
        let current = &doc[a + BEGIN.len()..b];
        let fresh = reference_markdown();
        if current != fresh {
            if std::env::var_os("LODESTAR_BLESS").is_some() {
                let updated = format!("{}{BEGIN}{fresh}{}", &doc[..a], &doc[b..]);
                std::fs::write(&path, updated).expect("write");
            } else {
                panic!(
                    "docs/WORKSPACE.md is out of date: run LODESTAR_BLESS=1 cargo test --release docs_field_reference"
                );
            }
        }
    }

    #[test]
    fn every_field_has_help_and_example() {
        fn walk(fields: &[Field]) {
            for f in fields {
                assert!(!f.help.is_empty() && !f.example.is_empty(), "{}", f.key);
                assert!(
                    !(f.required && f.default.is_some()),
                    "{} is required and has a default",
                    f.key
                );
                if let Ty::Table(sub) = f.ty {
                    walk(sub);
                }
            }
        }
        for file in FileKind::ALL {
            walk(file.top_fields());
        }
        for r in RecordKind::ALL {
            walk(r.fields());
        }
    }
}
