//! Colour themes. Colour is never the only signal: every state that has a
//! colour also has a glyph or a modifier, so monochrome loses nothing.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    HighContrast,
    Monochrome,
}

impl ThemeName {
    pub const ALL: [ThemeName; 4] = [
        ThemeName::Dark,
        ThemeName::Light,
        ThemeName::HighContrast,
        ThemeName::Monochrome,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
            ThemeName::Monochrome => "monochrome",
        }
    }

    pub fn parse(s: &str) -> Option<ThemeName> {
        ThemeName::ALL.into_iter().find(|t| t.key() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub name: ThemeName,
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub header: Style,
    pub selected: Style,
    pub tab_active: Style,
    pub key: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    /// Styles of risk levels, lowest first (bands beyond four reuse the last).
    pub bands: [Style; 4],
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    pub fn new(name: ThemeName) -> Theme {
        let s = Style::default;
        match name {
            ThemeName::Dark => Theme {
                name,
                base: s().fg(Color::Gray),
                dim: s().fg(Color::DarkGray),
                title: s().fg(Color::Cyan).add_modifier(BOLD),
                border: s().fg(Color::DarkGray),
                header: s().fg(Color::Yellow).add_modifier(BOLD),
                selected: s().bg(Color::Blue).fg(Color::White).add_modifier(BOLD),
                tab_active: s().fg(Color::Black).bg(Color::Cyan).add_modifier(BOLD),
                key: s().fg(Color::Cyan).add_modifier(BOLD),
                ok: s().fg(Color::Green),
                warn: s().fg(Color::Yellow),
                error: s().fg(Color::Red).add_modifier(BOLD),
                bands: [
                    s().fg(Color::Green),
                    s().fg(Color::Yellow),
                    s().fg(Color::LightRed),
                    s().fg(Color::Red).add_modifier(BOLD),
                ],
            },
            ThemeName::Light => Theme {
                name,
                base: s().fg(Color::Black),
                dim: s().fg(Color::DarkGray),
                title: s().fg(Color::Blue).add_modifier(BOLD),
                border: s().fg(Color::Gray),
                header: s().fg(Color::Magenta).add_modifier(BOLD),
                selected: s().bg(Color::LightBlue).fg(Color::Black).add_modifier(BOLD),
                tab_active: s().fg(Color::White).bg(Color::Blue).add_modifier(BOLD),
                key: s().fg(Color::Blue).add_modifier(BOLD),
                ok: s().fg(Color::Green),
                warn: s().fg(Color::Rgb(150, 100, 0)),
                error: s().fg(Color::Red).add_modifier(BOLD),
                bands: [
                    s().fg(Color::Green),
                    s().fg(Color::Rgb(150, 100, 0)),
                    s().fg(Color::Red),
                    s().fg(Color::Red).add_modifier(BOLD),
                ],
            },
            ThemeName::HighContrast => Theme {
                name,
                base: s().fg(Color::White),
                dim: s().fg(Color::White),
                title: s()
                    .fg(Color::White)
                    .add_modifier(BOLD | Modifier::UNDERLINED),
                border: s().fg(Color::White),
                header: s().fg(Color::LightYellow).add_modifier(BOLD),
                selected: s().bg(Color::White).fg(Color::Black).add_modifier(BOLD),
                tab_active: s()
                    .fg(Color::Black)
                    .bg(Color::LightYellow)
                    .add_modifier(BOLD),
                key: s().fg(Color::LightYellow).add_modifier(BOLD),
                ok: s().fg(Color::LightGreen).add_modifier(BOLD),
                warn: s().fg(Color::LightYellow).add_modifier(BOLD),
                error: s().fg(Color::LightRed).add_modifier(BOLD),
                bands: [
                    s().fg(Color::LightGreen).add_modifier(BOLD),
                    s().fg(Color::LightYellow).add_modifier(BOLD),
                    s().fg(Color::LightRed).add_modifier(BOLD),
                    s().fg(Color::Black).bg(Color::LightRed).add_modifier(BOLD),
                ],
            },
            ThemeName::Monochrome => Theme {
                name,
                base: s(),
                dim: s().add_modifier(Modifier::DIM),
                title: s().add_modifier(BOLD),
                border: s(),
                header: s().add_modifier(BOLD | Modifier::UNDERLINED),
                selected: s().add_modifier(Modifier::REVERSED | BOLD),
                tab_active: s().add_modifier(Modifier::REVERSED | BOLD),
                key: s().add_modifier(BOLD),
                ok: s(),
                warn: s().add_modifier(BOLD),
                error: s().add_modifier(BOLD | Modifier::UNDERLINED),
                bands: [
                    s(),
                    s(),
                    s().add_modifier(BOLD),
                    s().add_modifier(BOLD | Modifier::REVERSED),
                ],
            },
        }
    }

    /// The style of the `level`-th band (0 = lowest).
    pub fn band(&self, level: usize) -> Style {
        self.bands[level.min(self.bands.len() - 1)]
    }
}

/// Whether the NO_COLOR convention asks for no colour (set and not empty).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
