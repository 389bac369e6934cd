//! Ranking stability for the workbench: the Monte Carlo runs on a named
//! background thread, reports throttled progress into the event loop and
//! is cancelled as soon as an edit makes it stale. Without a sink (tests,
//! headless use) it runs inline, so results are deterministic.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::analysis::{self, Analysis, AnalysisError, Progress, Stability, StabilityOptions};

/// At most this many progress reports a second reach the event loop.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// What the background run tells the event loop.
#[derive(Debug)]
pub enum Update {
    Progress {
        generation: u64,
        progress: Progress,
    },
    Done {
        generation: u64,
        result: Result<Stability, AnalysisError>,
    },
}

/// Where the background run sends its updates (the event channel).
pub type Sink = Arc<dyn Fn(Update) + Send + Sync>;

/// A finished run and the scenarios it was computed for.
#[derive(Debug)]
pub struct Outcome {
    pub generation: u64,
    pub scenarios: Vec<String>,
    pub result: Result<Stability, AnalysisError>,
}

/// The stability of the current analysis: what runs, what is known.
#[derive(Default)]
pub struct StabilityRuns {
    sink: Option<Sink>,
    /// Bumped whenever the inputs change; results of other generations are dropped.
    pub generation: u64,
    key: Option<u64>,
    scenarios: Vec<String>,
    cancel: Option<Arc<AtomicBool>>,
    /// Progress of the run in flight, if any.
    pub running: Option<Progress>,
    /// The latest finished run (possibly of an older generation while a new
    /// one runs).
    pub outcome: Option<Outcome>,
}

impl Drop for StabilityRuns {
    fn drop(&mut self) {
        if let Some(c) = &self.cancel {
            c.store(true, Ordering::Relaxed);
        }
    }
}

/// A fingerprint of everything the Monte Carlo depends on.
fn key_of(a: &Analysis, options: &StabilityOptions) -> u64 {
    let mut h = DefaultHasher::new();
    a.matrix.scenarios.hash(&mut h);
    a.matrix.criteria.hash(&mut h);
    for x in a.matrix.normalised.iter().chain(&a.weights.values) {
        x.to_bits().hash(&mut h);
    }
    a.method.hash(&mut h);
    options.samples.hash(&mut h);
    options.seed.hash(&mut h);
    options.concentration.to_bits().hash(&mut h);
    a.panel.is_some().hash(&mut h);
    if let Some(p) = &a.panel {
        p.hash_into(&mut h);
    }
    h.finish()
}

impl StabilityRuns {
    /// Run in the background from now on, reporting through `sink`.
    pub fn set_sink(&mut self, sink: Sink) {
        self.sink = Some(sink);
    }

    /// Make sure the stability of `analysis` is known or being computed:
    /// when its inputs changed, cancel the old run and start a new one.
    pub fn request(&mut self, analysis: Option<&Analysis>, options: StabilityOptions) {
        let Some(a) = analysis else {
            self.stop();
            self.key = None;
            self.outcome = None;
            return;
        };
        let key = key_of(a, &options);
        if self.key == Some(key) {
            return;
        }
        self.stop();
        self.key = Some(key);
        self.generation += 1;
        self.scenarios = a.matrix.scenarios.clone();
        let generation = self.generation;
        let matrix = a.matrix.clone();
        let weights = a.weights.values.clone();
        let method = a.method;
        let panel = a.panel.clone();
        let Some(sink) = self.sink.clone() else {
            let result = analysis::stability_panel(
                &matrix,
                &weights,
                method,
                &options,
                panel.as_deref(),
                &|_| {},
                &AtomicBool::new(false),
            );
            self.finish(generation, result);
            return;
        };
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(cancel.clone());
        self.running = Some(Progress {
            done: 0,
            total: options.samples,
        });
        let spawned = std::thread::Builder::new()
            .name("lodestar-stability".into())
            .spawn(move || {
                let last = Mutex::new(None::<Instant>);
                let report = |progress: Progress| {
                    // A worker that finds the lock taken skips its report.
                    if let Ok(mut at) = last.try_lock()
                        && at.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL)
                    {
                        *at = Some(Instant::now());
                        sink(Update::Progress {
                            generation,
                            progress,
                        });
                    }
                };
                let result = analysis::stability_panel(
                    &matrix,
                    &weights,
                    method,
                    &options,
                    panel.as_deref(),
                    &report,
                    &cancel,
                );
                if !matches!(result, Err(AnalysisError::Cancelled)) {
                    sink(Update::Done { generation, result });
                }
            });
        if let Err(e) = spawned {
            self.running = None;
            self.cancel = None;
            self.outcome = Some(Outcome {
                generation,
                scenarios: self.scenarios.clone(),
                result: Err(AnalysisError::BadSetting {
                    name: "stability",
                    value: e.to_string(),
                    reason: "could not start the background thread",
                }),
            });
        }
    }

    fn stop(&mut self) {
        if let Some(c) = self.cancel.take() {
            c.store(true, Ordering::Relaxed);
        }
        self.running = None;
    }

    fn finish(&mut self, generation: u64, result: Result<Stability, AnalysisError>) {
        self.running = None;
        self.cancel = None;
        self.outcome = Some(Outcome {
            generation,
            scenarios: self.scenarios.clone(),
            result,
        });
    }

    /// Take an update from the background run; false when it was stale and
    /// dropped.
    pub fn update(&mut self, update: Update) -> bool {
        match update {
            Update::Progress {
                generation,
                progress,
            } => {
                if generation != self.generation || self.running.is_none() {
                    return false;
                }
                self.running = Some(progress);
                true
            }
            Update::Done { generation, result } => {
                if generation != self.generation {
                    return false;
                }
                self.finish(generation, result);
                true
            }
        }
    }

    /// The latest result usable for these scenarios, and whether it is for
    /// the current inputs (false: an older result shown while a new run goes).
    pub fn latest(&self, scenarios: &[String]) -> Option<(&Stability, bool)> {
        let o = self.outcome.as_ref()?;
        let s = o.result.as_ref().ok()?;
        (o.scenarios == scenarios).then_some((s, o.generation == self.generation))
    }

    /// The error of the current run, if it failed.
    pub fn error(&self) -> Option<&AnalysisError> {
        self.outcome
            .as_ref()
            .filter(|o| o.generation == self.generation)
            .and_then(|o| o.result.as_ref().err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;
    use std::sync::mpsc;

    fn example() -> (Analysis, StabilityOptions) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
        let ws = Workspace::open(dir).expect("example opens");
        let a = analysis::analyse(&ws.model, None).expect("analyses");
        (a, Analysis::stability_options(&ws.model))
    }

    #[test]
    fn inline_without_a_sink_and_only_when_inputs_change() {
        let (a, opts) = example();
        let mut runs = StabilityRuns::default();
        runs.request(Some(&a), opts);
        assert_eq!(runs.generation, 1);
        let (s, fresh) = runs.latest(&a.matrix.scenarios).expect("result");
        assert!(fresh);
        assert!((s.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        runs.request(Some(&a), opts);
        assert_eq!(runs.generation, 1, "same inputs: no new run");
    }

    #[test]
    fn background_results_of_old_generations_are_dropped() {
        let (a, opts) = example();
        let (tx, rx) = mpsc::channel();
        let mut runs = StabilityRuns::default();
        runs.set_sink(Arc::new(move |u| {
            let _ = tx.send(u);
        }));
        runs.request(Some(&a), opts);
        let mut b = a.clone();
        b.weights.values.reverse();
        runs.request(Some(&b), opts);
        assert_eq!(runs.generation, 2);
        let mut applied = false;
        while let Ok(u) = rx.recv_timeout(Duration::from_secs(30)) {
            let done = matches!(u, Update::Done { generation: 2, .. });
            let stale = matches!(
                u,
                Update::Done { generation: 1, .. } | Update::Progress { generation: 1, .. }
            );
            let took = runs.update(u);
            assert!(!(stale && took), "a stale update was applied");
            if done {
                applied = took;
                break;
            }
        }
        assert!(applied);
        assert!(runs.running.is_none());
        let (_, fresh) = runs.latest(&b.matrix.scenarios).expect("result");
        assert!(fresh);
    }
}
