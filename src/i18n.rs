//! Interface language: English and 简体中文.
//!
//! Messages live in `locales/*.toml` (rust-i18n's version-2 layout: every
//! key carries both languages side by side, one file per area so parallel
//! work never edits the same file) and are compiled into the binary. Code
//! asks for a message with [`tr!`](crate::tr), never with a literal string.
//!
//! The language is process-wide ([`set`]), chosen once at start by
//! [`resolve`] and switched live by the workbench; a thread may override it
//! ([`set_thread`]) so tests can render both languages side by side.
//! JSON outputs never translate field names or enum values.

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The locale code used in the message files and in settings.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for menus and the status line.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The other language (the workbench's switch key toggles).
    pub fn next(self) -> Lang {
        match self {
            Lang::En => Lang::ZhCn,
            Lang::ZhCn => Lang::En,
        }
    }

    /// Parses a setting or a POSIX locale: `en`, `en_US.UTF-8`, `zh-CN`,
    /// `zh_CN.UTF-8`, `zh`, `zh-Hans`. `C`/`POSIX` are English. Unknown
    /// languages are `None` (the caller falls through to the next source).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim();
        let base = s.split(['.', '@']).next().unwrap_or("");
        let lower = base.to_ascii_lowercase().replace('_', "-");
        if lower.is_empty() {
            return None;
        }
        if lower == "c" || lower == "posix" || lower == "en" || lower.starts_with("en-") {
            return Some(Lang::En);
        }
        if lower == "zh" || lower.starts_with("zh-") {
            // Traditional Chinese is not shipped: simplified is closer than English.
            return Some(Lang::ZhCn);
        }
        None
    }

    fn to_u8(self) -> u8 {
        match self {
            Lang::En => 0,
            Lang::ZhCn => 1,
        }
    }

    fn from_u8(v: u8) -> Lang {
        if v == 1 { Lang::ZhCn } else { Lang::En }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

static GLOBAL: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// The language messages are given in on this thread.
pub fn current() -> Lang {
    THREAD
        .with(|t| t.get())
        .unwrap_or_else(|| Lang::from_u8(GLOBAL.load(Ordering::Relaxed)))
}

/// Sets the process-wide language (start-up, the workbench's switch key).
pub fn set(lang: Lang) {
    GLOBAL.store(lang.to_u8(), Ordering::Relaxed);
}

/// Overrides the language on this thread only (`None` goes back to the
/// process-wide one). Tests use it to render both languages in parallel.
pub fn set_thread(lang: Option<Lang>) {
    THREAD.with(|t| t.set(lang));
}

/// Switches the language live (the workbench's key): this thread's when it
/// has its own (a test rendering in one language), else the process's.
pub fn switch_to(lang: Lang) {
    if THREAD.with(|t| t.get()).is_some() {
        set_thread(Some(lang));
    } else {
        set(lang);
    }
}

/// Runs `f` with this thread's language set to `lang`, then restores it.
pub fn with<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    let before = THREAD.with(|t| t.replace(Some(lang)));
    let out = f();
    THREAD.with(|t| t.set(before));
    out
}

/// Where the language came from, for `--help`-style explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Flag,
    Config,
    Workspace,
    Environment,
    Default,
}

/// The language by precedence: `--lang`, then the config file's
/// `language`, then the workspace's `language`, then `LC_ALL`,
/// `LC_MESSAGES`, `LANG` (the first one set and non-empty decides, as POSIX
/// says), else English. A value that names no shipped language is skipped.
pub fn resolve(
    flag: Option<&str>,
    config: Option<&str>,
    workspace: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> (Lang, Source) {
    if let Some(l) = flag.and_then(Lang::parse) {
        return (l, Source::Flag);
    }
    if let Some(l) = config.and_then(Lang::parse) {
        return (l, Source::Config);
    }
    if let Some(l) = workspace.and_then(Lang::parse) {
        return (l, Source::Workspace);
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(v) = env(var).filter(|v| !v.is_empty()) {
            return match Lang::parse(&v) {
                Some(l) => (l, Source::Environment),
                None => (Lang::En, Source::Default),
            };
        }
    }
    (Lang::En, Source::Default)
}

/// A message in the current language: `tr!("tui.tabs.needs")`, with
/// arguments `tr!("status.saved", files = n)` (`%{files}` in the text).
#[macro_export]
macro_rules! tr {
    ($key:expr) => {
        ::rust_i18n::t!($key, locale = $crate::i18n::current().code()).into_owned()
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        ::rust_i18n::t!($key, locale = $crate::i18n::current().code(), $($name = $value),+).into_owned()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_settings_and_posix_locales() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("zh"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C"), Some(Lang::En));
        assert_eq!(Lang::parse("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("de_DE.UTF-8"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn precedence_flag_config_workspace_environment() {
        let env = |v: &str| match v {
            "LANG" => Some("zh_CN.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(resolve(Some("en"), Some("zh-CN"), None, env).0, Lang::En);
        assert_eq!(
            resolve(None, Some("zh-CN"), Some("en"), env),
            (Lang::ZhCn, Source::Config)
        );
        assert_eq!(
            resolve(None, None, Some("en"), env),
            (Lang::En, Source::Workspace)
        );
        assert_eq!(
            resolve(None, None, None, env),
            (Lang::ZhCn, Source::Environment)
        );
        // LC_ALL set to something unknown decides (English), LANG is not read.
        let env2 = |v: &str| match v {
            "LC_ALL" => Some("de_DE.UTF-8".to_string()),
            "LANG" => Some("zh_CN.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(resolve(None, None, None, env2).0, Lang::En);
        assert_eq!(
            resolve(Some("klingon"), None, None, |_| None),
            (Lang::En, Source::Default)
        );
    }

    #[test]
    fn thread_override_does_not_leak() {
        let seen = with(Lang::ZhCn, || (current(), crate::tr!("common.language")));
        assert_eq!(seen.0, Lang::ZhCn);
        assert_eq!(seen.1, "语言");
        with(Lang::En, || {
            assert_eq!(crate::tr!("common.language"), "Language")
        });
    }
}
