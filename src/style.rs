//! The styles of text output, as [`anstyle`] values: one palette for findings, tables and
//! messages. Whether colour is on is decided once, by the command line (`--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`, `TERM`); a printer given `color: false` gets plain styles, which print
//! nothing.

use anstyle::{AnsiColor, Effects, Style};

/// `error` and the caret under an error.
pub const ERROR: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
/// `warning` and the caret under a warning.
pub const WARNING: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
/// The gutter of a finding: `-->`, `|`, `=`, line numbers.
pub const GUTTER: Style = AnsiColor::Blue.on_default().effects(Effects::BOLD);
/// Emphasis: a finding's message, `hint`, a table's header.
pub const BOLD: Style = Style::new().bold();
/// A good state (approved).
pub const GOOD: Style = AnsiColor::Green.on_default();
/// A state that wants attention soon (due, changed, submitted, appealed).
pub const ATTENTION: Style = AnsiColor::Yellow.on_default();
/// A state that blocks (expired, not authorized, not yet met).
pub const BAD: Style = AnsiColor::Red.on_default();
/// A state out of the way (draft, withdrawn, retired).
pub const QUIET: Style = Style::new().dimmed();

/// `style` when colour is on, else the plain style (which prints nothing, nor a reset).
pub fn on(color: bool, style: Style) -> Style {
    if color {
        style
    } else {
        Style::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_styles_print_nothing() {
        let s = on(false, ERROR);
        assert_eq!(format!("{s}error{s:#}"), "error");
        let s = on(true, ERROR);
        assert_eq!(format!("{s}error{s:#}"), "\x1b[1m\x1b[31merror\x1b[0m");
    }
}
