//! The user's config file: theme, mouse, key bindings. A bad file never
//! stops the program: it falls back to defaults and says what was wrong.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::keymap::Keymap;
use super::theme::{ThemeName, no_color};

pub struct Config {
    pub theme: ThemeName,
    pub mouse: bool,
    pub keymap: Keymap,
    /// `language = "zh-CN"`: the interface language (see `i18n::resolve`).
    pub language: Option<String>,
    /// Problems found in the file, shown once at start.
    pub problems: Vec<String>,
    pub path: Option<PathBuf>,
}

/// `LODESTAR_CONFIG`, else `<config dir>/lodestar/config.toml`
/// (`~/.config/lodestar/config.toml` on Linux).
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LODESTAR_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "lodestar").map(|d| d.config_dir().join("config.toml"))
}

const KNOWN: &[&str] = &["theme", "mouse", "language", "keys"];

/// The config file's `language`, for choosing the language at start
/// (problems with the file are reported by the workbench, not here).
pub fn language() -> Option<String> {
    let path = config_path()?;
    let text = read(&path).ok()??;
    parse(&text, None).language
}

/// Largest config file read (a real one is a few hundred bytes); more, and
/// `LODESTAR_CONFIG=/dev/zero` would never finish.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

pub fn load() -> Config {
    let path = config_path();
    let (text, problem) = match &path {
        Some(p) => match read(p) {
            Ok(text) => (text, None),
            Err(problem) => (None, Some(problem)),
        },
        None => (None, None),
    };
    let mut config = parse(
        text.as_deref().unwrap_or(""),
        path.as_ref().map(|p| p.display().to_string()),
    );
    if let Some(problem) = problem {
        config.problems.insert(0, problem);
    }
    config.path = path;
    config
}

/// The config file's text; `None` when there is none (the file is
/// optional). Every other problem — a folder, a FIFO, too big, not UTF-8,
/// unreadable — is reported.
pub fn read(path: &std::path::Path) -> Result<Option<String>, String> {
    use std::io::Read;
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "{shown}: {}",
                crate::workspace::source::io_reason(&e)
            ));
        }
    };
    if meta.is_dir() {
        return Err(format!("{shown}: is a folder, expected a config file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if meta.file_type().is_fifo() || meta.file_type().is_socket() {
            return Err(format!(
                "{shown}: is a FIFO or socket, expected a config file"
            ));
        }
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{shown}: {}", crate::workspace::source::io_reason(&e)))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "{shown}: larger than {} MiB, not read",
            MAX_CONFIG_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes).map(Some).map_err(|e| {
        format!(
            "{shown}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to() + 1
        )
    })
}

/// Read a config text. Every problem is collected; valid parts still apply.
pub fn parse(text: &str, origin: Option<String>) -> Config {
    let origin = origin.unwrap_or_else(|| "config".into());
    let mut config = Config {
        theme: ThemeName::Dark,
        mouse: false,
        keymap: Keymap::default(),
        language: None,
        problems: Vec::new(),
        path: None,
    };
    let table = match text.parse::<toml_edit::DocumentMut>() {
        Ok(doc) => doc,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            config.problems.push(format!(
                "{origin}:{line}: {} — using defaults",
                e.message().trim()
            ));
            if no_color() {
                config.theme = ThemeName::Monochrome;
            }
            return config;
        }
    };
    for (key, _) in table.iter() {
        if !KNOWN.contains(&key) {
            config.problems.push(format!(
                "{origin}: unknown key `{key}` (known: theme, mouse, language, [keys])"
            ));
        }
    }
    if let Some(item) = table.get("theme") {
        match item.as_str().and_then(ThemeName::parse) {
            Some(t) => config.theme = t,
            None => config.problems.push(format!(
                "{origin}: theme must be one of dark, light, high-contrast, monochrome; using dark"
            )),
        }
    }
    if let Some(item) = table.get("mouse") {
        match item.as_bool() {
            Some(m) => config.mouse = m,
            None => config
                .problems
                .push(format!("{origin}: mouse must be true or false")),
        }
    }
    if let Some(item) = table.get("language") {
        match item
            .as_str()
            .filter(|l| crate::i18n::Lang::parse(l).is_some())
        {
            Some(l) => config.language = Some(l.to_string()),
            None => config.problems.push(format!(
                "{origin}: language must be \"en\" or \"zh-CN\"; not used"
            )),
        }
    }
    if let Some(keys) = table.get("keys") {
        match keys.as_table_like() {
            Some(t) => {
                let mut overrides = BTreeMap::new();
                for (name, v) in t.iter() {
                    let list: Option<Vec<String>> = match v.as_str() {
                        Some(s) => Some(vec![s.to_string()]),
                        None => v.as_array().map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        }),
                    };
                    match list {
                        Some(l) if !l.is_empty() => {
                            overrides.insert(name.to_string(), l);
                        }
                        _ => config.problems.push(format!(
                            "{origin}: [keys] {name} must be a key or a list of keys"
                        )),
                    }
                }
                config.problems.extend(
                    config
                        .keymap
                        .patch(&overrides)
                        .into_iter()
                        .map(|p| format!("{origin}: {p}")),
                );
            }
            None => config
                .problems
                .push(format!("{origin}: keys must be a table ([keys])")),
        }
    }
    if no_color() {
        config.theme = ThemeName::Monochrome;
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_config_applies() {
        let c = parse(
            "theme = \"light\"\nmouse = true\n[keys]\nquit = [\"x\", \"ctrl-q\"]\n",
            None,
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(
            c.theme,
            if no_color() {
                ThemeName::Monochrome
            } else {
                ThemeName::Light
            }
        );
        assert!(c.mouse);
        assert_eq!(c.language, None);
        let c = parse("language = \"zh-CN\"\n", None);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.language.as_deref(), Some("zh-CN"));
        let c = parse("language = \"klingon\"\n", Some("cfg.toml".into()));
        assert_eq!(c.language, None);
        assert!(
            c.problems[0].contains("language must be"),
            "{:?}",
            c.problems
        );
    }

    #[test]
    fn bad_config_falls_back_with_messages() {
        let c = parse(
            "theme = \"neon\"\ncolour = 1\n[keys]\nquit = 3\n",
            Some("cfg.toml".into()),
        );
        assert_eq!(c.problems.len(), 3, "{:?}", c.problems);
        assert!(c.problems[0].contains("unknown key `colour`"));
        let c = parse("theme = \n", Some("cfg.toml".into()));
        assert_eq!(c.problems.len(), 1);
        assert!(c.problems[0].starts_with("cfg.toml:1:"), "{:?}", c.problems);
    }

    #[test]
    fn unreadable_config_files_are_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = read(dir.path()).expect_err("folder");
        assert!(err.contains("is a folder"), "{err}");
        let missing = dir.path().join("none.toml");
        assert_eq!(read(&missing), Ok(None));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, b"theme = \"\xff\"\n").expect("write");
        let err = read(&bad).expect_err("not UTF-8");
        assert!(err.contains("not UTF-8"), "{err}");
        if std::path::Path::new("/dev/zero").exists() {
            let err = read(std::path::Path::new("/dev/zero")).expect_err("endless");
            assert!(err.contains("larger than"), "{err}");
        }
    }
}
