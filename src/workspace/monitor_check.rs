//! Cross-record rules of `monitor.toml` that the schema cannot say: dates
//! before the launch, two actuals for one month, measurements of a need
//! without a KPI. Each problem points at the line of the field concerned.

use std::collections::HashMap;

use super::date::Date;
use super::diag::{Diagnostic, LineIndex, Severity};
use super::model::Model;
use super::schema::RecordKind;
use super::source::SourceFile;

/// The year and month of a date, as `2026-05`.
pub fn month_label(d: Date) -> String {
    format!("{:04}-{:02}", d.year, d.month)
}

struct Out<'a> {
    file: &'a SourceFile,
    index: LineIndex,
    out: Vec<Diagnostic>,
}

impl Out<'_> {
    fn push(&mut self, kind: RecordKind, i: usize, key: &str, severity: Severity, message: String) {
        let text = self.file.text();
        let (line, col) = self
            .file
            .field_offset(kind, i, key)
            .map(|at| self.index.line_col(text, at))
            .unwrap_or((0, 0));
        self.out.push(Diagnostic {
            file: self.file.path.clone(),
            line,
            col,
            severity,
            message,
        });
    }

    fn line_of(&self, kind: RecordKind, i: usize, key: &str) -> usize {
        self.file
            .field_offset(kind, i, key)
            .map(|at| self.index.line_col(self.file.text(), at).0)
            .unwrap_or(0)
    }
}

/// The problems of `monitor.toml` (`file`) that involve more than one field.
pub fn check(file: &SourceFile, model: &Model) -> Vec<Diagnostic> {
    let mut o = Out {
        file,
        index: LineIndex::new(file.text()),
        out: Vec::new(),
    };
    let launch = model.monitor.launch;
    let needs: HashMap<&str, bool> = model
        .needs
        .iter()
        .map(|n| (n.id.as_str(), n.kpi.is_some()))
        .collect();
    for (i, m) in model.measurements.iter().enumerate() {
        if needs.get(m.need.as_str()) == Some(&false) {
            o.push(
                RecordKind::Measurement,
                i,
                "need",
                Severity::Warning,
                format!(
                    "KPI measurement #{}: need {} has no `kpi` to measure against",
                    i + 1,
                    m.need
                ),
            );
        }
        if let (Some(d), Some(l)) = (m.date, launch)
            && d < l
        {
            o.push(
                RecordKind::Measurement,
                i,
                "date",
                Severity::Error,
                format!(
                    "KPI measurement #{} of {}: date {d} is before the launch ({l})",
                    i + 1,
                    m.need
                ),
            );
        }
    }
    let mut seen: HashMap<(&str, i32, u8), usize> = HashMap::new();
    for (i, a) in model.actuals.iter().enumerate() {
        let Some(month) = a.month else { continue };
        if let Some(l) = launch
            && (month.year, month.month) < (l.year, l.month)
        {
            o.push(
                RecordKind::Actual,
                i,
                "month",
                Severity::Error,
                format!(
                    "actual #{} of {}: month {} is before the launch ({})",
                    i + 1,
                    a.scenario,
                    month_label(month),
                    month_label(l)
                ),
            );
        }
        match seen.get(&(a.scenario.as_str(), month.year, month.month)) {
            Some(&first) => {
                let line = o.line_of(RecordKind::Actual, first, "month");
                o.push(
                    RecordKind::Actual,
                    i,
                    "month",
                    Severity::Error,
                    format!(
                        "actual #{} of {}: a second record for {} (the first is at line {line})",
                        i + 1,
                        a.scenario,
                        month_label(month)
                    ),
                );
            }
            None => {
                seen.insert((a.scenario.as_str(), month.year, month.month), i);
            }
        }
        if model
            .scenario(&a.scenario)
            .is_some_and(|s| s.revenue.is_none())
        {
            o.push(
                RecordKind::Actual,
                i,
                "scenario",
                Severity::Warning,
                format!(
                    "actual #{}: scenario {} has no revenue model to compare with",
                    i + 1,
                    a.scenario
                ),
            );
        }
    }
    if launch.is_none() && !(model.actuals.is_empty() && model.measurements.is_empty()) {
        let (kind, key) = if model.actuals.is_empty() {
            (RecordKind::Measurement, "date")
        } else {
            (RecordKind::Actual, "month")
        };
        o.push(
            kind,
            0,
            key,
            Severity::Warning,
            "no `launch` date: KPI paths and revenue plans start at the earliest record".into(),
        );
    }
    if let Some(since) = model.monitor.deployment.as_ref().and_then(|d| d.since) {
        for (i, b) in model.batches.iter().enumerate() {
            if let Some(d) = b.date
                && d < since
            {
                o.push(
                    RecordKind::Batch,
                    i,
                    "date",
                    Severity::Warning,
                    format!(
                        "scoring batch #{}: date {d} is before the deployment ({since})",
                        i + 1
                    ),
                );
            }
        }
    }
    o.out
}
