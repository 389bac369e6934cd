//! lodestar: choose the AI scenario worth betting on.
//!
//! The core (`workspace`, and later `analysis` and `train`) knows nothing
//! about terminals; `cli` and `tui` are the faces over it.

pub mod analysis;
pub mod cli;
pub mod csvfile;
pub mod escape;
pub mod fsio;
pub mod i18n;
pub mod labels;
pub mod market;
pub mod numfmt;
pub mod rng;
pub mod text;
pub mod train;
pub mod tui;
pub mod workspace;

// Messages in both interface languages, compiled in from locales/*.toml.
rust_i18n::i18n!("locales", fallback = "en");
