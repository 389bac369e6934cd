//! `--help` in the interface language.
//!
//! The arguments are declared once, in English, with clap's derive (their
//! doc comments are the English help). For another language the built
//! [`clap::Command`] is walked and every text that has a message in
//! `locales/cli.toml` is replaced: the about of the program and of each
//! subcommand (`cli.help.<sub>.about`), its examples (`….after_help`), each
//! argument's help (`cli.help.<sub>.<arg>`), the section headings and the
//! usage line. A text without a message stays English, so a new flag is never
//! left without help. clap's own error messages ("unexpected argument") stay
//! English: clap has no hook to translate them.

use clap::{Arg, ArgAction, Command};

use crate::i18n::{self, Lang};

/// The message for `key` in the current language, if the locale file has
/// one (rust-i18n gives the key back when it has none).
fn message(key: &str) -> Option<String> {
    let text = crate::tr!(key);
    (text != key && !text.is_empty()).then_some(text)
}

/// The command line's definition with its help in the current language.
pub fn localize(cmd: Command) -> Command {
    if i18n::current() == Lang::En {
        return cmd;
    }
    localize_command(cmd, "lodestar")
}

fn localize_command(mut cmd: Command, key: &str) -> Command {
    if let Some(about) = message(&format!("cli.help.{key}.about")) {
        cmd = cmd.about(about.clone()).long_about(about);
        if let Some(long) = message(&format!("cli.help.{key}.long_about")) {
            cmd = cmd.long_about(long);
        }
    }
    if let Some(after) = message(&format!("cli.help.{key}.after_help")) {
        cmd = cmd.after_help(after);
    }
    let options = message("cli.help.options").unwrap_or_else(|| "Options".into());
    let arguments = message("cli.help.arguments").unwrap_or_else(|| "Arguments".into());
    let usage = message("cli.help.usage").unwrap_or_else(|| "Usage".into());
    let commands = message("cli.help.commands").unwrap_or_else(|| "Commands".into());
    cmd = cmd
        .help_template(format!(
            "{{about-with-newline}}\n{usage}：{{usage}}\n\n{{all-args}}{{after-help}}"
        ))
        .subcommand_help_heading(commands)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(message("cli.help.help").unwrap_or_else(|| "Print help".into())),
        );
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(message("cli.help.version").unwrap_or_else(|| "Print version".into())),
        );
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let help = message(&format!("cli.help.{key}.{id}"))
            .or_else(|| message(&format!("cli.help.arg.{id}")));
        let heading = if positional {
            arguments.clone()
        } else {
            options.clone()
        };
        cmd = cmd.mut_arg(&id, |a| {
            let a = a.help_heading(heading);
            match help {
                Some(h) => a.help(h.clone()).long_help(h),
                None => a,
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        if name == "help" {
            continue;
        }
        cmd = cmd.mut_subcommand(&name, |s| localize_command(s, &name));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn help_of(cmd: &mut Command, path: &[&str]) -> String {
        let mut c = cmd.clone();
        c.build();
        let mut c = &mut c;
        for p in path {
            c = c.find_subcommand_mut(p).expect("subcommand");
        }
        c.render_help().to_string()
    }

    #[test]
    fn english_help_is_untouched() {
        let mut plain = crate::cli::Cli::command();
        let mut same = i18n::with(Lang::En, || localize(crate::cli::Cli::command()));
        assert_eq!(help_of(&mut plain, &[]), help_of(&mut same, &[]));
        assert_eq!(
            help_of(&mut plain, &["score"]),
            help_of(&mut same, &["score"])
        );
    }

    #[test]
    fn chinese_help_translates_every_subcommand_and_argument() {
        let mut cmd = i18n::with(Lang::ZhCn, || localize(crate::cli::Cli::command()));
        let top = help_of(&mut cmd, &[]);
        assert!(top.contains("用法："), "{top}");
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .filter(|n| n != "help")
            .collect();
        for name in names {
            // Each subcommand's about and every argument's help have a
            // message: no English sentence is left in its help.
            let key = format!("cli.help.{name}.about");
            assert!(
                i18n::with(Lang::ZhCn, || message(&key)).is_some(),
                "no message {key}"
            );
            let sub = cmd.find_subcommand(&name).expect("sub");
            for a in sub.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                let has = i18n::with(Lang::ZhCn, || {
                    message(&format!("cli.help.{name}.{id}"))
                        .or_else(|| message(&format!("cli.help.arg.{id}")))
                });
                assert!(has.is_some(), "no help message for `{name} --{id}`");
            }
        }
    }
}
