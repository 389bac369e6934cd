use clap::{CommandFactory, FromArgMatches};

fn main() -> std::process::ExitCode {
    // `--help` is drawn before `--lang` is parsed: it follows the config file
    // and LC_ALL/LC_MESSAGES/LANG (src/cli/help.rs); cli::run then settles
    // the language with --lang and the workspace's setting too.
    lodestar::i18n::set(lodestar::cli::early_language());
    let matches = lodestar::cli::help::localize(lodestar::cli::Cli::command()).get_matches();
    let cli = lodestar::cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    lodestar::cli::run(cli)
}
