//! Fields whose value comes from a fixed list (`status`, `activation`,
//! `revenue.model`, …), as Rust enums.
//!
//! Each enum is declared once, below, with the name of every value in TOML.
//! The schema takes its allowed values from the enum's `NAMES`, the model
//! reads the field into a [`Choice`] of the enum, and the code that acts on
//! a value matches on the enum, so `check` accepts exactly the values the
//! rest of the program understands (the compiler sees to the matches, and
//! `tests/choices.rs` runs every value through its consumer).

use std::fmt;

/// The values of one choice field.
pub trait Options: Copy + Eq + 'static {
    /// Every value, in the order the schema lists them.
    const ALL: &'static [Self];
    /// Their names in TOML, in the same order.
    const NAMES: &'static [&'static str];

    fn as_str(self) -> &'static str;

    /// The value a TOML name stands for.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// Declares choice enums: `Name { Variant = "toml-name", … }`. Each gets
/// `ALL` (an array, in declaration order), `NAMES`, `as_str`, `parse`,
/// `Display` and [`Options`].
macro_rules! choices {
    ($(
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The value's name in TOML.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value a TOML name stands for.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl Options for $name {
            const ALL: &'static [$name] = &$name::ALL;
            const NAMES: &'static [&'static str] = $name::NAMES;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

choices! {
    /// How scenarios are scored (`[scoring] method`).
    ScoringMethod {
        /// Σ weight × normalised score (0–100).
        WeightedSum = "weighted-sum",
        /// Closeness to the ideal scenario (Hwang and Yoon), × 100.
        Topsis = "topsis",
    }

    /// Where the criterion weights come from (`[scoring] weights`).
    WeightSource {
        /// Each criterion's `weight`, normalised to sum to 1.
        Direct = "direct",
        /// The AHP principal eigenvector of the `[[comparison]]` records.
        Ahp = "ahp",
    }

    /// Where the scores come from (`[scoring] source`).
    ScoreSource {
        /// Each scenario's `scores` in scenarios.toml.
        Single = "single",
        /// The participants' votes in `votes/`, aggregated per cell (cells nobody voted keep the scenario's score).
        Votes = "votes",
    }

    /// How the votes of one cell are combined (`[scoring] aggregate`).
    Aggregate {
        /// The median of the votes.
        Median = "median",
        /// The arithmetic mean of the votes.
        Mean = "mean",
    }

    /// What the ranking-stability Monte Carlo resamples (`[scoring] resample`).
    Resample {
        /// The weights only (Dirichlet around the current weights).
        Weights = "weights",
        /// The weights and, when scores come from votes, the participants (a bootstrap of whole participants).
        Participants = "participants",
    }

    /// Whether a criterion's higher scores are better.
    Direction { Benefit = "benefit", Cost = "cost" }

    /// Which quadrant axis a criterion feeds.
    CriterionGroup { Value = "value", Feasibility = "feasibility" }

    /// Short (< 1 year), medium (1–3 years) or long term.
    Horizon { Short = "short", Medium = "medium", Long = "long" }

    /// A business need, a development goal or a resource constraint.
    NeedKind { Business = "business", Goal = "goal", Constraint = "constraint" }

    /// MoSCoW priority.
    Priority { Must = "must", Should = "should", Could = "could", Wont = "wont" }

    /// Where a need stands.
    NeedStatus {
        Proposed = "proposed",
        Agreed = "agreed",
        InProgress = "in-progress",
        Met = "met",
        Dropped = "dropped",
    }

    /// What a trend is about.
    TrendType { Market = "market", Competition = "competition", Technology = "technology" }

    TrendDirection { Rising = "rising", Falling = "falling", Stable = "stable" }

    /// How far a competitor (or a scenario) covers a feature.
    Coverage { Yes = "yes", Partial = "partial", No = "no" }

    EvidenceKind { Interview = "interview", Survey = "survey" }

    /// Answer scale of a survey question.
    Scale {
        /// 1–5
        Likert5 = "likert5",
        /// 1–7
        Likert7 = "likert7",
        /// 0–10, Net Promoter Score
        Nps = "nps",
    }

    /// Spacing of a series' periods.
    Frequency { Monthly = "monthly", Quarterly = "quarterly", Yearly = "yearly" }

    /// Forecast method of a series.
    ForecastMethod {
        /// Holt's method with a damped trend (additive damped trend).
        HoltDamped = "holt-damped",
        /// Holt's linear method (φ = 1).
        Holt = "holt",
        /// Straight-line trend by least squares.
        Linear = "linear",
    }

    ScenarioStatus {
        Candidate = "candidate",
        Shortlisted = "shortlisted",
        Selected = "selected",
        Rejected = "rejected",
    }

    /// How a scenario earns money.
    RevenueModel {
        /// Price per request; volume = requests a month.
        Usage = "usage",
        /// Price per subscriber-month; volume = subscribers.
        Subscription = "subscription",
        /// Price per licence-year; volume = licences (fee spread over 12 months).
        License = "license",
        /// Revenue per 1,000 impressions or per user-month; volume = thousands
        /// of impressions or users a month.
        AdsValueAdded = "ads-value-added",
    }

    RiskCategory {
        Technical = "technical",
        Market = "market",
        Legal = "legal",
        Operational = "operational",
    }

    RiskStatus {
        Open = "open",
        Mitigating = "mitigating",
        Accepted = "accepted",
        /// It happened: the monitor raises a trigger until it is closed.
        Occurred = "occurred",
        Closed = "closed",
    }

    /// Activation of the hidden layers.
    Activation { Relu = "relu", Tanh = "tanh", Sigmoid = "sigmoid" }

    Optimizer { Adam = "adam" }

    /// Where to train.
    Device {
        /// CUDA when built with it and a GPU answers, else the CPU (with the reason).
        Auto = "auto",
        Cpu = "cpu",
        Cuda = "cuda",
    }

    /// Whether the classes are weighted by their frequency in the loss.
    ClassWeight { None = "none", Balanced = "balanced" }

    /// What early stopping watches.
    Monitor { ValLoss = "val_loss", ValAuc = "val_auc", ValAccuracy = "val_accuracy" }

    /// What the linked scenario's revenue `volume` counts (`[money]` of
    /// training.toml): the rows the model picks (contacts) or the positives
    /// among them.
    Counts { Contacts = "contacts", Positives = "positives" }
}

impl Scale {
    /// Lowest answer.
    pub fn min(self) -> i64 {
        match self {
            Scale::Nps => 0,
            _ => 1,
        }
    }

    /// Highest answer.
    pub fn max(self) -> i64 {
        match self {
            Scale::Likert5 => 5,
            Scale::Likert7 => 7,
            Scale::Nps => 10,
        }
    }

    /// Number of answer points.
    pub fn points(self) -> usize {
        (self.max() - self.min() + 1) as usize
    }
}

/// A choice field as read from a file: one of the enum's values, or the text
/// as written when it is not one of them (which `check` reports). Compares
/// with and reads as its text, so it can be shown and matched like one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Choice<T> {
    Known(T),
    Unknown(String),
}

impl<T: Options> Choice<T> {
    /// Read a field's text.
    pub fn read(text: &str) -> Choice<T> {
        match T::parse(text) {
            Some(v) => Choice::Known(v),
            None => Choice::Unknown(text.to_string()),
        }
    }

    /// The value, when it is one of the allowed ones.
    pub fn known(&self) -> Option<T> {
        match self {
            Choice::Known(v) => Some(*v),
            Choice::Unknown(_) => None,
        }
    }

    /// The text: the value's name, or what was written.
    pub fn as_str(&self) -> &str {
        match self {
            Choice::Known(v) => v.as_str(),
            Choice::Unknown(text) => text,
        }
    }
}

impl<T: Options> From<T> for Choice<T> {
    fn from(v: T) -> Choice<T> {
        Choice::Known(v)
    }
}

/// Read as from a file (tests and literals).
impl<T: Options> From<&str> for Choice<T> {
    fn from(text: &str) -> Choice<T> {
        Choice::read(text)
    }
}

impl<T: Options> std::ops::Deref for Choice<T> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<T: Options> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: Options> PartialEq<T> for Choice<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(*other)
    }
}

impl<T: Options> PartialEq<str> for Choice<T> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<T: Options> PartialEq<&str> for Choice<T> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<T: Options> PartialEq<Choice<T>> for &str {
    fn eq(&self, other: &Choice<T>) -> bool {
        *self == other.as_str()
    }
}

/// By text, as tables sort them.
impl<T: Options> PartialOrd for Choice<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Options> Ord for Choice<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// As its text (the JSON output of the commands).
impl<T: Options> serde::Serialize for Choice<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_its_names_and_keeps_other_text() {
        assert_eq!(
            Choice::read("in-progress"),
            Choice::Known(NeedStatus::InProgress)
        );
        assert_eq!(NeedStatus::ALL.len(), NeedStatus::NAMES.len());
        for (v, name) in NeedStatus::ALL.iter().zip(NeedStatus::NAMES) {
            assert_eq!(v.as_str(), *name);
            assert_eq!(NeedStatus::parse(name), Some(*v));
        }
        let odd: Choice<RiskStatus> = Choice::read("Closed");
        assert_eq!(odd, Choice::Unknown("Closed".into()));
        assert!(odd != RiskStatus::Closed && odd == "Closed");
        assert_eq!(odd.known(), None);
        let closed: Choice<RiskStatus> = RiskStatus::Closed.into();
        assert!(closed == "closed");
        assert!("closed" == closed);
        assert!(closed == RiskStatus::Closed);
        assert_eq!(closed.to_string(), "closed");
    }
}
