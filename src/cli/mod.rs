//! The headless command line: argument definitions and the commands that do
//! not need a terminal.

// Defined before the submodules so that they can use them too.
/// Print a line to stdout through [`print::line`]: control characters
/// escaped, a closed pipe (`lodestar check | head`) ignored, any other
/// failure remembered so the command exits 2.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::print::line($crate::cli::print::Stream::Out, &format!($($arg)*))
    };
}

/// Print a line to stderr, control characters escaped.
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::print::line($crate::cli::print::Stream::Err, &format!($($arg)*))
    };
}

pub mod diff;
pub mod help;
pub mod market;
pub mod merge;
pub mod monitor;
pub mod print;
pub mod report;
pub mod risks;
pub mod score;
pub mod train;
pub mod votes;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::workspace::edit::show_item;
use crate::workspace::{self, Diagnostic, FileKind, OpenError, Workspace, format, template};

/// Exit status: success.
pub const OK: u8 = 0;
/// Exit status: the workspace has errors, or `--check` found work to do.
pub const PROBLEMS: u8 = 1;
/// Exit status: bad usage or an I/O failure.
pub const FAILURE: u8 = 2;

const EXAMPLES: &str = "\
Examples:
  lodestar                                   open the bundled example workspace
  lodestar new my-ws                         create a workspace from the example
  lodestar new my-ws --template blank        create an empty workspace
  lodestar check workspaces/example          validate (exit 1 on errors)
  lodestar fmt workspaces/example --check    exit 1 if formatting would change
  lodestar get workspaces/example risk-003.likelihood
  lodestar set workspaces/example risk-003.likelihood 4
  lodestar set workspaces/example workspace.discount-rate 0.08";

#[derive(Debug, Parser)]
#[command(
    name = "lodestar",
    version,
    about = "A terminal workbench for choosing the AI scenario worth betting on",
    long_about = "lodestar walks a team from needs and market analysis to a scored, stress-tested \
                  scenario, a prototype model and its revenue, with a risk register alongside. \
                  Everything lives in TOML files you keep in git.",
    after_help = EXAMPLES,
    // Not `args_conflicts_with_subcommands`: that also refused the global
    // `--lang` before a command (`lodestar --lang zh-CN check DIR`).
    // A folder before a command is refused in `run` instead.
)]
pub struct Cli {
    /// Workspace folder to open (default: the bundled example).
    pub dir: Option<PathBuf>,

    /// Interface language: `en` or `zh-CN` (default: the config file's
    /// `language`, then the workspace's, then LC_ALL/LC_MESSAGES/LANG).
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::i18n::Lang>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    crate::i18n::Lang::parse(s)
        .ok_or_else(|| format!("`{s}` is not a shipped language (en, zh-CN)"))
}

impl Cli {
    /// The workspace folder the command works on, when it names one
    /// (its `language` setting takes part in choosing the language).
    fn workspace_dir(&self) -> Option<PathBuf> {
        match &self.command {
            None => Some(self.dir.clone().unwrap_or_else(example_dir)),
            Some(
                Command::Check { dir, .. }
                | Command::Fmt { dir, .. }
                | Command::Get { dir, .. }
                | Command::Set { dir, .. }
                | Command::Market { dir, .. }
                | Command::Score { dir, .. }
                | Command::Report { dir, .. }
                | Command::Risks { dir, .. }
                | Command::Monitor { dir, .. }
                | Command::Vote { dir, .. },
            ) => Some(dir.clone()),
            Some(Command::Votes { args, .. }) => match args.as_slice() {
                [import, _, rest @ ..] if import == "import" => Some(
                    rest.first()
                        .map_or_else(|| PathBuf::from("."), PathBuf::from),
                ),
                [dir] => Some(PathBuf::from(dir)),
                _ => None,
            },
            Some(Command::GitSetup { dir }) => {
                Some(dir.clone().unwrap_or_else(|| PathBuf::from(".")))
            }
            _ => None,
        }
    }
}

/// Chooses the interface language once, at start: `--lang`, the config
/// file, the workspace's `language`, then the environment.
/// The language before the arguments are parsed, so `--help` can be drawn
/// in it: a `--lang` among the raw arguments, the config file, then
/// LC_ALL/LC_MESSAGES/LANG (the workspace is not known yet).
pub fn early_language() -> crate::i18n::Lang {
    let args: Vec<String> = std::env::args().collect();
    let flag = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    });
    let config = crate::tui::config::language();
    crate::i18n::resolve(flag.as_deref(), config.as_deref(), None, |v| {
        std::env::var(v).ok()
    })
    .0
}

fn choose_language(cli: &Cli) {
    let flag = cli.lang.map(|l| l.code());
    let config = crate::tui::config::language();
    let workspace = cli
        .workspace_dir()
        .and_then(|d| workspace::language_setting(&d));
    let (lang, _) = crate::i18n::resolve(flag, config.as_deref(), workspace.as_deref(), |v| {
        std::env::var(v).ok()
    });
    crate::i18n::set(lang);
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TemplateName {
    /// The Acme Retail example, with data.
    Example,
    /// Criteria and risk bands, no records.
    Blank,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, valid workspace.
    #[command(after_help = "Example:\n  lodestar new acme --template example")]
    New {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = TemplateName::Example)]
        template: TemplateName,
    },
    /// Validate a workspace: every problem as file:line:col: severity: message.
    #[command(
        after_help = "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O failure."
    )]
    Check {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: CheckFormat,
    },
    /// Format the workspace files canonically, keeping comments.
    #[command(
        after_help = "Exit status with --check: 0 already formatted, 1 something would change."
    )]
    Fmt {
        dir: PathBuf,
        /// Change nothing; exit 1 and list the files that would change.
        #[arg(long)]
        check: bool,
    },
    /// Print one field: ID.FIELD, e.g. risk-003.likelihood or workspace.discount-rate.
    #[command(
        after_help = "Examples:\n  lodestar get DIR risk-003.residual.impact\n  lodestar get DIR scn-support-bot.scores.value"
    )]
    Get { dir: PathBuf, field: String },
    /// Change one field in place; exactly that line changes in the file.
    #[command(
        after_help = "Examples:\n  lodestar set DIR risk-003.likelihood 4\n  lodestar set DIR need-002.priority must\n  lodestar set DIR risk-003.review 2027-03-01\n  lodestar set DIR scn-support-bot.needs need-001,need-004"
    )]
    Set {
        dir: PathBuf,
        field: String,
        /// The new value; a negative number needs no `--` (`growth -0.2`).
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Market analysis: series forecasts, TAM/SAM/SOM, competitor gaps, customer evidence.
    #[command(
        after_help = "Examples:\n  lodestar market DIR\n  lodestar market DIR --format json --horizon 24\n\nExit status: 0 analysed, 1 a series or survey could not be used, 2 usage or I/O failure."
    )]
    Market {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: market::MarketFormat,
        /// Forecast N periods for every series (default: each series' `horizon`).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
        horizon: Option<u16>,
    },
    /// Score and rank the scenarios, with ranking stability and the money.
    #[command(
        after_help = "Examples:\n  lodestar score DIR\n  lodestar score DIR --method topsis --format json --samples 20000 --seed 7\n  lodestar score DIR --samples 0   (no Monte Carlo)\n  lodestar score DIR --resample participants   (who is in the room: bootstrap of the voters)"
    )]
    Score {
        dir: PathBuf,
        /// Scoring method (default: the workspace's `[scoring] method`).
        #[arg(long, value_enum)]
        method: Option<score::MethodArg>,
        #[arg(long, value_enum, default_value_t)]
        format: score::ScoreFormat,
        /// Monte Carlo samples for ranking stability, 0–10000000 as in the file (default: the workspace's; 0 = none).
        #[arg(long, value_parser = clap::value_parser!(u64).range(0..=workspace::schema::MAX_SAMPLES as u64))]
        samples: Option<u64>,
        /// Seed for the sampler, 0–9223372036854775807 as in the file (default: the workspace's).
        #[arg(long, value_parser = clap::value_parser!(u64).range(0..=workspace::schema::MAX_SEED as u64))]
        seed: Option<u64>,
        /// What the Monte Carlo resamples: the weights, or the weights and the participants
        /// whose votes give the scores (default: the workspace's `[scoring] resample`).
        #[arg(long, value_enum)]
        resample: Option<score::ResampleArg>,
    },
    /// Write a Markdown report: flow, ranking and stability, revenue, needs, risks, training.
    #[command(
        after_help = "Examples:\n  lodestar report DIR > report.md\n  lodestar report DIR -o report.md"
    )]
    Report {
        dir: PathBuf,
        /// Write to FILE instead of standard output (relative to the current
        /// directory). Written whole or not at all; a symlink is followed, a
        /// device or FIFO written in place, a read-only file refused.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The risk register: levels, overdue reviews, heat maps, exposure per scenario.
    #[command(
        after_help = "Examples:\n  lodestar risks DIR\n  lodestar risks DIR --format json\n\nReviews before today are overdue (LODESTAR_TODAY=YYYY-MM-DD pins the date)."
    )]
    Risks {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: risks::RisksFormat,
    },
    /// After launch: KPIs against their path, revenue against plan, model drift, and the triggers.
    #[command(
        after_help = "Examples:\n  lodestar monitor DIR\n  lodestar monitor DIR --format json --fail-on-trigger\n\nExit status: 0 done (or no trigger with --fail-on-trigger), 1 a trigger fires and --fail-on-trigger is given, 2 usage or I/O failure."
    )]
    Monitor {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: monitor::MonitorFormat,
        /// Exit with status 1 when any trigger fires (for a scheduled CI job).
        #[arg(long)]
        fail_on_trigger: bool,
    },
    /// Cast workshop scores as one participant, into votes/NAME.toml (under the workspace lock).
    #[command(
        after_help = "Examples:\n  lodestar vote DIR --as cfo scn-support-bot.value=4 scn-support-bot.risk=2\n\nEach SCENARIO.CRITERION=SCORE must name a scenario and a criterion and fit the criterion's scale;\nif one does not, nothing is written. Exit status: 0 written, 2 usage, unknown id or I/O failure."
    )]
    Vote {
        dir: PathBuf,
        /// The participant: names the vote file votes/NAME.toml.
        #[arg(long = "as", value_name = "NAME")]
        participant: String,
        /// SCENARIO.CRITERION=SCORE, one or more.
        #[arg(value_name = "CELL")]
        cells: Vec<String>,
    },
    /// Workshop votes aggregated: per-cell spread, agreement, cells to discuss first.
    #[command(
        after_help = "Examples:\n  lodestar votes DIR\n  lodestar votes DIR --format json\n  lodestar votes import answers.csv DIR   (columns participant, scenario, criterion, score)\n\nExit status: 0 done, 1 rows that could not be imported (or no scores), 2 usage or I/O failure."
    )]
    Votes {
        /// DIR, or `import FILE.csv [DIR]` (DIR defaults to the current folder).
        #[arg(num_args = 1..=3, value_name = "DIR | import FILE [DIR]")]
        args: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: votes::VotesFormat,
    },
    /// Train the prototype model of training.toml; the run is saved under runs/.
    Train(train::TrainArgs),
    /// Score a CSV with a saved run: the input's columns plus a probability.
    Predict(train::PredictArgs),
    /// Three-way merge of one workspace file, field by field (a git merge driver).
    #[command(
        after_help = "Git runs it as `lodestar merge %O %A %B %P` once `lodestar git-setup` is done.\nThe result is written into OURS; conflicts get git's markers around the field line or record.\n\nExit status: 0 merged cleanly, 1 conflicts (or the merged file breaks a rule `check` knows), 2 I/O failure."
    )]
    Merge {
        /// The common ancestor (git's %O).
        base: PathBuf,
        /// Our version (git's %A); receives the result.
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// The file's path in the repository (git's %P): tells which workspace file it is.
        path: Option<PathBuf>,
    },
    /// Set up git to merge this workspace's files with `lodestar merge` (idempotent).
    #[command(
        after_help = "Adds `/*.toml merge=lodestar` to DIR/.gitattributes and sets the repository's local\n`merge.lodestar.name` and `merge.lodestar.driver`. Commit the .gitattributes; every clone runs git-setup once."
    )]
    GitSetup {
        /// The workspace folder (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// What changed between two git revisions, per record and field, and in the results.
    #[command(
        after_help = "Examples:\n  lodestar diff                          HEAD vs the working tree, in the current folder\n  lodestar diff main workspaces/acme     main vs the working tree\n  lodestar diff main feature workspaces/acme --format json\n\nA last argument that is a folder is the workspace; git must be installed.\nExit status: 0 compared, 2 not a git repository, unknown revision or unreadable file."
    )]
    Diff {
        /// [REV_A [REV_B]] [DIR]: revisions default to HEAD and the working tree, DIR to `.`.
        #[arg(num_args = 0..=3, value_name = "REV_A REV_B DIR")]
        args: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: diff::DiffFormat,
    },
}

/// Write a command's whole output to stdout (see [`print::text`]).
fn write_stdout(text: &str) -> u8 {
    print::text(text)
}

/// Cut `s` to at most `n` terminal columns, ending in `…` when cut (see
/// [`crate::text::fit`]).
fn fit_width(s: &str, n: usize) -> String {
    crate::text::fit(s, n)
}

/// Left-align in `n` terminal columns, cutting what does not fit.
fn pad_width(s: &str, n: usize) -> String {
    crate::text::pad(s, n, crate::text::Align::Left)
}

/// Right-align in `n` terminal columns, cutting what does not fit.
fn rpad_width(s: &str, n: usize) -> String {
    crate::text::pad(s, n, crate::text::Align::Right)
}

/// The bundled example workspace, when running from a checkout.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("workspaces")
        .join("example")
}

fn open_or_report(dir: &Path) -> Result<Workspace, u8> {
    match Workspace::open(dir) {
        Ok(ws) => Ok(ws),
        Err(OpenError::Unreadable(diags)) => {
            for d in &diags {
                err!("{d}");
            }
            err!("{}", summary(&diags));
            Err(PROBLEMS)
        }
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            Err(FAILURE)
        }
    }
}

fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match (errors == 1, warnings == 1) {
        (true, true) => crate::tr!("cli.summary.one_one"),
        (true, false) => crate::tr!("cli.summary.one_many", warnings = warnings),
        (false, true) => crate::tr!("cli.summary.many_one", errors = errors),
        (false, false) => crate::tr!(
            "cli.summary.many_many",
            errors = errors,
            warnings = warnings
        ),
    }
}

pub fn new(dir: &Path, template: TemplateName) -> u8 {
    let files = match template {
        TemplateName::Example => template::EXAMPLE,
        TemplateName::Blank => template::BLANK,
    };
    match template::create(dir, files) {
        Ok(()) => {
            out!(
                "{}",
                crate::tr!(
                    "cli.new.created",
                    dir = dir.display(),
                    files = files.len() + 1
                )
            );
            out!("{}", crate::tr!("cli.new.next", dir = dir.display()));
            OK
        }
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            FAILURE
        }
    }
}

/// Temporary files left in the workspace by a writer that was killed
/// (`kill -9` mid-save): removed here when possible, reported when not.
fn leftovers(dir: &Path) -> Vec<Diagnostic> {
    let state = dir.join(".lodestar");
    crate::fsio::clean_stale(&[&state, dir])
        .into_iter()
        .map(|(path, e)| Diagnostic {
            file: path,
            line: 0,
            col: 0,
            severity: workspace::Severity::Warning,
            message: format!(
                "temporary file left by an interrupted save, cannot remove it ({}); delete it",
                workspace::source::io_reason(&e)
            ),
        })
        .collect()
}

pub fn check(dir: &Path, format: CheckFormat) -> u8 {
    let diags = match Workspace::open(dir) {
        Ok(mut ws) => {
            let mut diags = ws.diagnostics();
            diags.extend(leftovers(dir));
            // The process ends right after: freeing a large workspace record
            // by record would only add to the wait (14 ms for 40,000 records).
            std::mem::forget(ws);
            diags
        }
        Err(OpenError::Unreadable(diags)) => diags,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return FAILURE;
        }
    };
    match format {
        CheckFormat::Text => {
            for d in &diags {
                out!("{d}");
            }
            err!("{}: {}", dir.display(), summary(&diags));
        }
        CheckFormat::Json => {
            let items: Vec<serde_json::Value> = diags
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "file": d.file.display().to_string(),
                        "line": d.line,
                        "col": d.col,
                        "severity": d.severity.to_string(),
                        "message": d.message,
                    })
                })
                .collect();
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let doc = serde_json::json!({
                "errors": errors,
                "warnings": diags.len() - errors,
                "problems": items,
            });
            out!("{}", crate::escape::to_json_pretty(&doc));
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        PROBLEMS
    } else {
        OK
    }
}

pub fn fmt(dir: &Path, check_only: bool) -> u8 {
    if !dir.join(FileKind::Workspace.file_name()).exists() {
        err!(
            "{}",
            crate::tr!("cli.fmt.not_workspace", dir = dir.display())
        );
        return FAILURE;
    }
    let _held = if check_only {
        None
    } else {
        match workspace::lock::acquire(dir, "lodestar fmt", workspace::lock::WAIT) {
            Ok(held) => Some(held),
            Err(e) => {
                err!("{}", crate::tr!("cli.error", message = e));
                return FAILURE;
            }
        }
    };
    let mut status = OK;
    for kind in FileKind::ALL {
        let path = dir.join(kind.file_name());
        if !path.exists() {
            continue;
        }
        let text = match workspace::source::read_capped(&path)
            .and_then(|bytes| workspace::source::decode(&path, bytes))
        {
            Ok(t) => t,
            Err(d) => {
                err!("{d}");
                status = status.max(PROBLEMS);
                continue;
            }
        };
        let conflicts = workspace::source::conflict_markers(&path, &text);
        if !conflicts.is_empty() {
            for d in &conflicts {
                err!("{d}");
            }
            err!("{}", crate::tr!("cli.fmt.conflict", path = path.display()));
            status = status.max(PROBLEMS);
            continue;
        }
        if let Err(d) = workspace::source::parse(&path, &text) {
            err!("{d}");
            err!("{}", crate::tr!("cli.fmt.syntax", path = path.display()));
            status = status.max(PROBLEMS);
            continue;
        }
        let formatted = format::canonical(&text);
        if formatted == text {
            continue;
        }
        if !format::same_data(&text, &formatted) {
            err!(
                "{}",
                crate::tr!("cli.fmt.would_change_data", path = path.display())
            );
            status = FAILURE;
            continue;
        }
        if check_only {
            out!(
                "{}",
                crate::tr!("cli.fmt.would_reformat", path = path.display())
            );
            status = status.max(PROBLEMS);
        } else {
            match workspace::source::write_in_workspace(&path, formatted.as_bytes()) {
                Ok(()) => out!("{}", crate::tr!("cli.fmt.formatted", path = path.display())),
                Err(e) => {
                    err!("{}", crate::tr!("cli.error", message = e));
                    status = FAILURE;
                }
            }
        }
    }
    status
}

/// Split `risk-003.residual.likelihood` into the id and the field path.
pub fn split_field(spec: &str) -> Option<(&str, Vec<String>)> {
    let (id, path) = spec.split_once('.')?;
    let path: Vec<String> = path.split('.').map(str::to_string).collect();
    if id.is_empty() || path.iter().any(String::is_empty) {
        return None;
    }
    Some((id, path))
}

pub fn get(dir: &Path, spec: &str) -> u8 {
    let Some((id, path)) = split_field(spec) else {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = crate::tr!("cli.get.not_a_field_spec", spec = spec)
            )
        );
        return FAILURE;
    };
    let mut ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let Some(target) = ws.find(id) else {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = workspace::EditError::UnknownId(id.to_string())
            )
        );
        return PROBLEMS;
    };
    if matches!(target, workspace::Target::Record(..))
        && let Some(code) = refuse_duplicate(id, &ws.diagnostics())
    {
        return code;
    }
    match ws.get(target, &path) {
        Some(item) => {
            out!("{}", show_item(&item));
            OK
        }
        None => {
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            match workspace::schema::resolve_path(target.fields(), &keys) {
                Some(f) => match f.default {
                    Some(d) => {
                        out!("{}", d.trim_matches('"'));
                        err!("{}", crate::tr!("cli.get.default", path = path.join(".")));
                        OK
                    }
                    None => {
                        err!(
                            "{}",
                            crate::tr!(
                                "cli.get.not_set",
                                field = format!("{id}.{}", path.join("."))
                            )
                        );
                        PROBLEMS
                    }
                },
                None => {
                    err!(
                        "{}",
                        crate::tr!(
                            "cli.error",
                            message =
                                crate::tr!("cli.get.no_such_field", path = path.join("."), id = id)
                        )
                    );
                    PROBLEMS
                }
            }
        }
    }
}

/// `get` and `set` refuse an id that two records carry, naming both places
/// (`check`'s duplicate-id message has the second and points at the first),
/// rather than silently using the first.
fn refuse_duplicate(id: &str, diags: &[Diagnostic]) -> Option<u8> {
    let prefix = format!("duplicate id `{id}` ");
    let dups: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.message.starts_with(&prefix))
        .collect();
    if dups.is_empty() {
        return None;
    }
    for d in &dups {
        err!("{d}");
    }
    err!(
        "error: `{id}` names more than one record, so which one is meant is unclear; make the ids unique first"
    );
    Some(PROBLEMS)
}

pub fn set(dir: &Path, spec: &str, value: &str) -> u8 {
    let Some((id, path)) = split_field(spec) else {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = crate::tr!("cli.get.not_a_field_spec", spec = spec)
            )
        );
        return FAILURE;
    };
    // Read, check and write under the workspace's write lock, so two `set`s
    // (or a `set` and a workbench save) never lose each other's edits.
    let held = match dir
        .join(FileKind::Workspace.file_name())
        .is_file()
        .then(|| {
            workspace::lock::acquire(dir, &format!("lodestar set {spec}"), workspace::lock::WAIT)
        }) {
        Some(Ok(held)) => Some(held),
        Some(Err(e)) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return FAILURE;
        }
        None => None,
    };
    let mut ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let Some(target) = ws.find(id) else {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = workspace::EditError::UnknownId(id.to_string())
            )
        );
        return PROBLEMS;
    };
    // The edit is a transaction: the whole workspace is checked with it
    // applied, and an edit that adds an error is refused with `check`'s
    // messages; nothing is written then.
    let before = ws.diagnostics();
    if let Some(code) = refuse_duplicate(id, &before) {
        return code;
    }
    let change = match ws.set(target, &path, value) {
        Ok(c) => c,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return PROBLEMS;
        }
    };
    let added = workspace::added_errors(&before, &ws.diagnostics());
    if !added.is_empty() {
        for d in &added {
            err!("{d}");
        }
        err!(
            "error: {spec} not set: the change would add {} error{} (nothing written)",
            added.len(),
            if added.len() == 1 { "" } else { "s" }
        );
        return PROBLEMS;
    }
    let saved = match &held {
        Some(held) => ws.save_locked(held),
        None => ws.save(),
    };
    match saved {
        Ok(_) => {
            if let workspace::Change::Set { old, new, .. } = &change {
                let old = old
                    .as_ref()
                    .map(show_item)
                    .unwrap_or_else(|| "(unset)".into());
                let new = new.as_ref().map(show_item).unwrap_or_default();
                out!("{spec}: {old} → {new} ({})", change.file().file_name());
            }
            OK
        }
        Err(e @ workspace::SaveError::TooLarge { .. }) => {
            // Refused like an invalid value: nothing was written.
            err!("{}", crate::tr!("cli.error", message = e));
            PROBLEMS
        }
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            FAILURE
        }
    }
}

/// What `lodestar` prints when it cannot open a terminal UI.
pub fn summary_of(dir: &Path) -> u8 {
    let mut ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let m = &ws.model;
    out!("{} — {}", ws.name(), dir.display());
    if !m.settings.description.is_empty() {
        out!("{}", m.settings.description);
    }
    out!(
        "{}",
        crate::tr!(
            "cli.summary.counts",
            needs = m.needs.len(),
            segments = m.segments.len(),
            trends = m.trends.len(),
            competitors = m.competitors.len(),
            scenarios = m.scenarios.len(),
            risks = m.risks.len(),
            criteria = m.criteria.len()
        )
    );
    let diags = ws.diagnostics();
    out!(
        "{}",
        crate::tr!("cli.summary.check", summary = summary(&diags))
    );
    OK
}

/// `lodestar [DIR]`: the workbench on a terminal, a summary otherwise.
pub fn open(dir: &Path) -> u8 {
    use std::io::IsTerminal;
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return summary_of(dir);
    }
    match crate::tui::run(dir) {
        Ok(()) => OK,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            FAILURE
        }
    }
}

/// Run the parsed command line; the terminal UI is started by `main`.
pub fn run(cli: Cli) -> ExitCode {
    choose_language(&cli);
    if let (Some(dir), Some(_)) = (&cli.dir, &cli.command) {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = crate::tr!("cli.dir_before_command", dir = dir.display())
            )
        );
        return ExitCode::from(print::finish(FAILURE));
    }
    let code = match cli.command {
        Some(Command::New { dir, template }) => new(&dir, template),
        Some(Command::Check { dir, format }) => check(&dir, format),
        Some(Command::Fmt { dir, check }) => fmt(&dir, check),
        Some(Command::Get { dir, field }) => get(&dir, &field),
        Some(Command::Set { dir, field, value }) => set(&dir, &field, &value),
        Some(Command::Market {
            dir,
            format,
            horizon,
        }) => market::run(&dir, format, horizon.map(usize::from)),
        Some(Command::Score {
            dir,
            method,
            format,
            samples,
            seed,
            resample,
        }) => score::score(&dir, method, format, samples, seed, resample),
        Some(Command::Report { dir, output }) => report::report(&dir, output.as_deref()),
        Some(Command::Risks { dir, format }) => risks::run(&dir, format),
        Some(Command::Monitor {
            dir,
            format,
            fail_on_trigger,
        }) => monitor::run(&dir, format, fail_on_trigger),
        Some(Command::Train(args)) => train::train(&args),
        Some(Command::Predict(args)) => train::predict(&args),
        Some(Command::Merge {
            base,
            ours,
            theirs,
            path,
        }) => merge::run(&base, &ours, &theirs, path.as_deref()),
        Some(Command::Diff { args, format }) => diff::run(&args, format),
        Some(Command::Vote {
            dir,
            participant,
            cells,
        }) => votes::vote(&dir, &participant, &cells),
        Some(Command::Votes { args, format }) => match args.as_slice() {
            [import, file, rest @ ..] if import == "import" && rest.len() <= 1 => {
                let dir = rest
                    .first()
                    .map_or_else(|| PathBuf::from("."), PathBuf::from);
                votes::import(Path::new(file), &dir)
            }
            [dir] => votes::show(Path::new(dir), format),
            _ => {
                err!(
                    "error: usage: lodestar votes DIR [--format json]  or  lodestar votes import FILE.csv [DIR]"
                );
                FAILURE
            }
        },
        Some(Command::GitSetup { dir }) => {
            merge::git_setup(&dir.unwrap_or_else(|| PathBuf::from(".")))
        }
        None => open(&cli.dir.unwrap_or_else(example_dir)),
    };
    ExitCode::from(print::finish(code))
}
