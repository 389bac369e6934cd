//! The training run the workbench started: it lives in the `App` (not the
//! pane), so switching panes never touches it. With a sink (the event
//! loop) a forwarding thread turns the trainer's events into at most ten
//! batches a second on the main channel; without one (tests, headless use)
//! [`TrainRuns::poll`] reads them.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::train::{self, EpochReport, Event, Progress, Started, StopHandle, Summary, Trainer};

/// At most this many batches of training events a second reach the loop.
pub const FORWARD_INTERVAL: Duration = Duration::from_millis(100);

/// Where the forwarding thread sends batches of events (the event channel).
pub type Sink = Arc<dyn Fn(Vec<Event>) + Send + Sync>;

/// How a run ended.
#[derive(Debug, Clone)]
pub enum End {
    Finished(Box<Summary>),
    Stopped(Box<Summary>),
    Failed(String),
}

/// What is known about the current (or last) run of this session.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub started: Option<Box<Started>>,
    pub progress: Option<Progress>,
    pub epochs: Vec<EpochReport>,
    /// The epoch whose weights are saved (the best so far).
    pub checkpoint: Option<usize>,
    pub end: Option<End>,
    /// A stop was asked for and the run has not ended yet.
    pub stopping: bool,
}

impl Live {
    pub fn running(&self) -> bool {
        self.end.is_none()
    }

    pub fn best_epoch(&self) -> Option<usize> {
        self.epochs.iter().rev().find(|e| e.best).map(|e| e.epoch)
    }

    /// Take one trainer event into the state.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Started(s) => self.started = Some(s),
            Event::Batch(p) => self.progress = Some(p),
            Event::Epoch(e) => self.epochs.push(e),
            Event::Checkpoint { epoch, .. } => self.checkpoint = Some(epoch),
            Event::Finished(s) => {
                self.end = Some(End::Finished(s));
                self.stopping = false;
            }
            Event::Stopped(s) => {
                self.end = Some(End::Stopped(s));
                self.stopping = false;
            }
            Event::Failed { message, .. } => {
                self.end = Some(End::Failed(message));
                self.stopping = false;
            }
        }
    }
}

/// The session's training run and its plumbing.
#[derive(Default)]
pub struct TrainRuns {
    sink: Option<Sink>,
    trainer: Option<Trainer>,
    stop: Option<StopHandle>,
    /// Events still to read when there is no sink.
    events: Option<Receiver<Event>>,
    pub live: Option<Live>,
}

impl Drop for TrainRuns {
    fn drop(&mut self) {
        if let Some(s) = &self.stop {
            s.stop();
        }
    }
}

impl TrainRuns {
    /// Forward events to `sink` from now on.
    pub fn set_sink(&mut self, sink: Sink) {
        self.sink = Some(sink);
    }

    pub fn running(&self) -> bool {
        self.live.as_ref().is_some_and(Live::running)
    }

    /// Start a run; the previous one must have ended.
    pub fn start(&mut self, job: train::Job) -> Result<(), String> {
        if self.running() {
            return Err(crate::tr!("tui.training.msg.in_progress"));
        }
        let mut trainer = train::start(job).map_err(|e| e.to_string())?;
        self.stop = Some(trainer.stop_handle());
        self.live = Some(Live::default());
        match self.sink.clone() {
            Some(sink) => {
                let (_, empty) = std::sync::mpsc::channel();
                let events = std::mem::replace(&mut trainer.events, empty);
                std::thread::Builder::new()
                    .name("lodestar-train-forward".into())
                    .spawn(move || forward(events, sink))
                    .map_err(|e| crate::tr!("tui.training.msg.forward_thread", error = e))?;
            }
            None => {
                let (_, empty) = std::sync::mpsc::channel();
                self.events = Some(std::mem::replace(&mut trainer.events, empty));
            }
        }
        self.trainer = Some(trainer);
        Ok(())
    }

    /// Ask the run to stop after its current batch; false when none runs.
    pub fn stop(&mut self) -> bool {
        if !self.running() {
            return false;
        }
        if let Some(s) = &self.stop {
            s.stop();
        }
        if let Some(l) = &mut self.live {
            l.stopping = true;
        }
        true
    }

    /// Take events (from the loop, or from [`poll`](Self::poll)).
    pub fn apply(&mut self, events: Vec<Event>) {
        let Some(live) = &mut self.live else {
            return;
        };
        for e in events {
            live.apply(e);
        }
        if !live.running()
            && let Some(t) = self.trainer.take()
        {
            t.join();
        }
    }

    /// Without a sink: read what has arrived. Returns how many events.
    pub fn poll(&mut self) -> usize {
        let Some(rx) = &self.events else {
            return 0;
        };
        let got: Vec<Event> = rx.try_iter().collect();
        let n = got.len();
        self.apply(got);
        n
    }

    /// Stop a run in progress and wait for it to save (quitting).
    pub fn shutdown(&mut self) {
        if let Some(s) = &self.stop {
            s.stop();
        }
        if let Some(t) = self.trainer.take() {
            t.join();
        }
    }
}

/// Read the trainer's events and pass them on in batches, at most one
/// batch per [`FORWARD_INTERVAL`], so progress never floods the loop.
fn forward(events: Receiver<Event>, sink: Sink) {
    let now = Instant::now();
    let mut last = now.checked_sub(FORWARD_INTERVAL).unwrap_or(now);
    loop {
        let Ok(first) = events.recv() else {
            return;
        };
        let mut batch = vec![first];
        let end_of = |b: &[Event]| {
            b.iter().any(|e| {
                matches!(
                    e,
                    Event::Finished(_) | Event::Stopped(_) | Event::Failed { .. }
                )
            })
        };
        let due = last + FORWARD_INTERVAL;
        while !end_of(&batch) {
            match events.recv_timeout(due.saturating_duration_since(Instant::now())) {
                Ok(e) => batch.push(e),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let done = end_of(&batch);
        last = Instant::now();
        sink(batch);
        if done {
            return;
        }
    }
}
