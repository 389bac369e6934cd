use clap::Parser;

fn main() -> std::process::ExitCode {
    lodestar::cli::run(lodestar::cli::Cli::parse())
}
