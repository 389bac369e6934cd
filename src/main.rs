use clap::{CommandFactory, FromArgMatches};

fn main() -> std::process::ExitCode {
    // Temporary, until `--lang` and the config/workspace settings land: the
    // language from LC_ALL/LC_MESSAGES/LANG alone.
    lodestar::i18n::set(lodestar::i18n::resolve(None, None, None, |v| std::env::var(v).ok()).0);
    // `--help` in that language (src/cli/help.rs); the same parse as Cli::parse().
    let matches = lodestar::cli::help::localize(lodestar::cli::Cli::command()).get_matches();
    let cli = lodestar::cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    lodestar::cli::run(cli)
}
