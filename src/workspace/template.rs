//! Workspaces `lodestar new` can create.

use std::fs;
use std::path::Path;

/// A file of a template: path inside the workspace and content.
type TemplateFile = (&'static str, &'static [u8]);

macro_rules! example_file {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!("../../workspaces/example/", $path)) as &'static [u8],
        )
    };
}

/// The bundled example workspace (Acme Retail), data included.
pub const EXAMPLE: &[TemplateFile] = &[
    example_file!("workspace.toml"),
    example_file!("needs.toml"),
    example_file!("market.toml"),
    example_file!("scenarios.toml"),
    example_file!("training.toml"),
    example_file!("risks.toml"),
    example_file!("monitor.toml"),
    example_file!("data/propensity.csv"),
    example_file!("data/market-ai-retail.csv"),
    example_file!("data/survey-responses.csv"),
    example_file!("data/scored-2026-05.csv"),
    example_file!("data/scored-2026-06.csv"),
    example_file!("data/scored-2026-07.csv"),
    example_file!("data/scored-2026-08.csv"),
    example_file!("data/scored-2026-09.csv"),
    example_file!("data/scored-2026-10.csv"),
    example_file!("votes/cdo.toml"),
    example_file!("votes/cfo.toml"),
    example_file!("votes/crm-lead.toml"),
    example_file!("votes/data-lead.toml"),
    example_file!("votes/legal.toml"),
];

/// A blank but valid workspace with the usual criteria and risk bands.
pub const BLANK: &[TemplateFile] = &[
    (
        "workspace.toml",
        br#"# lodestar workspace: settings, scoring criteria and risk bands.
name = "New workspace"
description = ""
currency = "EUR"
discount-rate = 0.1 # yearly, used for NPV
horizon-months = 36

[scoring]
method = "weighted-sum"
weights = "direct"
samples = 10000
seed = 42

[[criterion]]
id = "value"
name = "Business value"
weight = 0.35
direction = "benefit"
group = "value"

[[criterion]]
id = "feasibility"
name = "Technical feasibility"
weight = 0.25
direction = "benefit"
group = "feasibility"

[[criterion]]
id = "data-readiness"
name = "Data readiness"
weight = 0.2
direction = "benefit"
group = "feasibility"

[[criterion]]
id = "risk"
name = "Risk"
weight = 0.2
direction = "cost"
group = "feasibility"

[[risk-band]]
name = "low"
min = 1
max = 4

[[risk-band]]
name = "medium"
min = 5
max = 9

[[risk-band]]
name = "high"
min = 10
max = 14

[[risk-band]]
name = "critical"
min = 15
max = 25
"#,
    ),
    ("needs.toml", b"# Needs, goals and constraints: [[need]] records.\n"),
    ("market.toml", b"# Market: [[segment]], [[trend]], [[feature]], [[competitor]], [[evidence]], [[series]].\n"),
    ("scenarios.toml", b"# Candidate scenarios: [[scenario]] records with scores and a revenue model.\n"),
    ("risks.toml", b"# Risk register: [[risk]] records.\n"),
];

/// Write a template into `dir`, which must not exist or be empty.
pub fn create(dir: &Path, files: &[TemplateFile]) -> Result<(), String> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{}: folder exists and is not empty; refusing to write into it",
                dir.display()
            ));
        }
    }
    for (path, bytes) in files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&full, bytes).map_err(|e| format!("{}: {e}", full.display()))?;
    }
    let gitignore = dir.join(".gitignore");
    fs::write(
        &gitignore,
        b"# lodestar: recovery journal and large run artefacts stay out of git\n.lodestar/\n",
    )
    .map_err(|e| format!("{}: {e}", gitignore.display()))?;
    Ok(())
}
