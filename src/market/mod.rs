//! Market analysis (seed §2.2, §2.4): series growth and forecasts, segment
//! sizing, the competitor feature matrix and customer evidence.
//!
//! Pure functions over the workspace model: nothing here prints or knows
//! about terminals. The only I/O is reading the CSV files a workspace names
//! (series and survey responses), streamed in bounded memory.
//!
//! Entry points:
//! * [`analyse`] — everything at once (the `market` command, the report);
//! * [`SeriesCache`] + [`forecast_series`] — for a pane that reloads a CSV
//!   only when it changed and re-forecasts cheaply when a parameter is edited;
//! * [`sizing::size_all`], [`competitors::matrix`], [`evidence::surveys`],
//!   [`evidence::evidence_by_need`], [`evidence::trends_by_type`] — each
//!   section on its own.
//!
//! The command line writes the results as text, JSON or Markdown
//! (`cli::market`, `cli::report::market`); nothing here formats them.

pub mod competitors;
pub mod evidence;
pub mod forecast;
pub mod period;
pub mod series;
pub mod sizing;
pub mod stats;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use crate::csvfile::Problem;
pub use competitors::Matrix;
pub use evidence::{NeedEvidence, Survey, TrendGroup};
pub use forecast::{Fixed, Forecast, ForecastPoint, ForecastSpec, Method, Params};
pub use period::{Frequency, Period};
pub use series::{LoadedSeries, Point};
pub use sizing::Sizing;

use crate::workspace::choice::Choice;
use crate::workspace::model::{Model, Series};
use crate::workspace::validate::resolve_inside;

/// Most periods a forecast may run ahead.
pub const MAX_HORIZON: usize = 1000;

/// Settings of a whole-market analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Forecast this many periods for every series instead of each series'
    /// own `horizon`.
    pub horizon: Option<usize>,
}

/// One `[[series]]`: its data, growth and forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesAnalysis {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// The data, or `None` when the file could not be used (see `problems`).
    pub data: Option<LoadedSeries>,
    /// Compound annual growth from the first to the last period.
    pub cagr: Option<f64>,
    pub forecast: Option<Forecast>,
    /// Warnings (rows skipped, gaps filled) and, when `data` or `forecast`
    /// is missing, the reason — each `file:line: message`.
    pub problems: Vec<Problem>,
    /// True when the series could not be loaded or forecast.
    pub failed: bool,
}

/// Everything the market pane, the `market` command and the report show.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketAnalysis {
    pub series: Vec<SeriesAnalysis>,
    pub segments: Vec<Sizing>,
    pub competitors: Matrix,
    pub surveys: Vec<Survey>,
    pub needs: Vec<NeedEvidence>,
    pub trends: Vec<TrendGroup>,
}

impl MarketAnalysis {
    /// Every CSV problem, series first, then surveys.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.series
            .iter()
            .flat_map(|s| &s.problems)
            .chain(self.surveys.iter().flat_map(|s| &s.problems))
    }

    /// Whether some series or survey could not be used at all.
    pub fn has_failures(&self) -> bool {
        self.series.iter().any(|s| s.failed) || self.surveys.iter().any(|s| s.answers.is_none())
    }
}

/// The forecast settings of a `[[series]]`, with `horizon` overriding its own.
pub fn spec_of(series: &Series, horizon: Option<usize>) -> ForecastSpec {
    let own = usize::try_from(series.horizon).unwrap_or(12);
    ForecastSpec {
        method: series.method.known().unwrap_or(Method::HoltDamped),
        horizon: horizon.unwrap_or(own).clamp(1, MAX_HORIZON),
        fixed: Fixed {
            alpha: series.alpha,
            beta: series.beta,
            phi: series.phi,
        },
    }
}

/// Growth and forecast of loaded data: pure and cheap (microseconds for a
/// few hundred periods), so a pane can call it on every parameter edit.
pub fn forecast_series(
    data: &LoadedSeries,
    spec: &ForecastSpec,
) -> (Option<f64>, Result<Forecast, String>) {
    let values = data.values();
    let cagr = forecast::series_cagr(&values, data.frequency.per_year());
    let Some(last) = data.last_period() else {
        return (cagr, Err(crate::tr!("market.data.no_periods")));
    };
    let mut result = forecast::forecast(&values, last, spec);
    if let Ok(f) = &mut result {
        let ignored: Vec<&str> = match spec.method {
            Method::Linear => [
                ("alpha", spec.fixed.alpha),
                ("beta", spec.fixed.beta),
                ("phi", spec.fixed.phi),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k)
            .collect(),
            Method::Holt if spec.fixed.phi.is_some() => vec!["phi"],
            _ => vec![],
        };
        if !ignored.is_empty() {
            let text = crate::tr!(
                "market.data.ignored",
                params = ignored.join(", "),
                method = spec.method.as_str()
            );
            f.note = Some(match f.note.take() {
                Some(n) => crate::tr!("market.data.notes", a = n, b = text),
                None => text,
            });
        }
    }
    (cagr, result)
}

/// What identifies a loaded CSV: the file and its size and modification
/// time, plus how it is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    file: PathBuf,
    date_column: String,
    value_column: String,
    frequency: Choice<Frequency>,
    modified: Option<SystemTime>,
    len: u64,
}

/// Loaded series kept between calls; a file is read again only when its
/// size or modification time changes (or a different column is asked for).
#[derive(Debug, Default)]
pub struct SeriesCache {
    entries: HashMap<CacheKey, Result<LoadedSeries, Vec<Problem>>>,
}

impl SeriesCache {
    pub fn new() -> SeriesCache {
        SeriesCache::default()
    }

    /// The series' data, from the cache when the file is unchanged.
    pub fn load(&mut self, root: &Path, series: &Series) -> Result<LoadedSeries, Vec<Problem>> {
        let Ok(file) = resolve_inside(root, &series.file) else {
            return series::load(root, series);
        };
        let meta = std::fs::metadata(&file).ok();
        let key = CacheKey {
            file,
            date_column: series.date_column.clone(),
            value_column: series.value_column.clone(),
            frequency: series.frequency.clone(),
            modified: meta.as_ref().and_then(|m| m.modified().ok()),
            len: meta.as_ref().map_or(0, std::fs::Metadata::len),
        };
        if meta.is_none() {
            // Missing file: nothing to cache against.
            return series::load(root, series);
        }
        if let Some(hit) = self.entries.get(&key) {
            return hit.clone();
        }
        self.entries.retain(|k, _| k.file != key.file);
        let loaded = series::load(root, series);
        self.entries.insert(key, loaded.clone());
        loaded
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Load (through `cache`) and forecast one series.
pub fn analyse_series(
    root: &Path,
    series: &Series,
    horizon: Option<usize>,
    cache: &mut SeriesCache,
) -> SeriesAnalysis {
    let mut out = SeriesAnalysis {
        id: series.id.clone(),
        name: series.name.clone(),
        unit: series.unit.clone(),
        data: None,
        cagr: None,
        forecast: None,
        problems: vec![],
        failed: false,
    };
    match cache.load(root, series) {
        Ok(data) => {
            out.problems = data.problems.clone();
            let (cagr, forecast) = forecast_series(&data, &spec_of(series, horizon));
            out.cagr = cagr;
            match forecast {
                Ok(f) => out.forecast = Some(f),
                Err(m) => {
                    // Point at the last data row: that is where more rows go.
                    out.problems.push(Problem::new(
                        &data.file,
                        data.last_line,
                        crate::tr!("market.data.series", id = series.id, message = m),
                    ));
                    out.failed = true;
                }
            }
            out.data = Some(data);
        }
        Err(problems) => {
            out.problems = problems;
            out.failed = true;
        }
    }
    out
}

/// Analyse the whole market of a workspace. `root` is the workspace folder
/// (CSV paths are resolved inside it).
pub fn analyse(root: &Path, model: &Model, options: &Options) -> MarketAnalysis {
    analyse_with(root, model, options, &mut SeriesCache::new())
}

/// [`analyse`] with a cache kept by the caller.
pub fn analyse_with(
    root: &Path,
    model: &Model,
    options: &Options,
    cache: &mut SeriesCache,
) -> MarketAnalysis {
    MarketAnalysis {
        series: model
            .series
            .iter()
            .map(|s| analyse_series(root, s, options.horizon, cache))
            .collect(),
        segments: sizing::size_all(&model.segments),
        competitors: competitors::matrix(model),
        surveys: evidence::surveys(root, model),
        needs: evidence::evidence_by_need(model),
        trends: evidence::trends_by_type(&model.trends),
    }
}
