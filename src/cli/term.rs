//! Terminal conventions: whether a stream gets colour.
//!
//! `--color always|never` wins over everything. `--color auto` (the default) follows the
//! environment's conventions, stdout and stderr each on its own:
//! - `NO_COLOR` set to anything but the empty string: no colour (<https://no-color.org>);
//! - `CLICOLOR_FORCE` set to anything but `0` or the empty string: colour, even into a pipe or a
//!   file (<https://bixense.com/clicolors/>);
//! - otherwise colour only on a terminal, and not when `CLICOLOR=0`, `TERM=dumb` or (outside
//!   Windows) `TERM` is unset.

use std::ffi::OsString;

use super::ColorChoice;

/// Whether a stream that `is_terminal` gets colour, the environment read by `var`.
pub fn color_on(
    flag: ColorChoice,
    is_terminal: bool,
    var: impl Fn(&str) -> Option<OsString>,
) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    match flag {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR").is_some() {
                false
            } else if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else if !is_terminal || var("CLICOLOR").is_some_and(|v| v == "0") {
                false
            } else {
                match var("TERM") {
                    Some(term) => term != "dumb",
                    None => cfg!(windows),
                }
            }
        }
    }
}

/// [`color_on`] in this process's environment.
pub fn color_on_here(flag: ColorChoice, is_terminal: bool) -> bool {
    color_on(flag, is_terminal, |name| std::env::var_os(name))
}

/// The `--color` the command line asks for, read before clap parses it, so that clap's own
/// help and usage errors follow it too: the last `--color X` or `--color=X` before `--`
/// (auto when there is none or it is not a choice; clap then reports the latter).
pub fn color_flag(args: &[OsString]) -> ColorChoice {
    let mut flag = ColorChoice::Auto;
    let mut words = args.iter().skip(1).map(|a| a.to_str());
    while let Some(word) = words.next() {
        let value = match word {
            Some("--") => break,
            Some("--color") => words.next().flatten(),
            Some(w) => w.strip_prefix("--color="),
            None => None,
        };
        if let Some(v) = value {
            flag = match v {
                "always" => ColorChoice::Always,
                "never" => ColorChoice::Never,
                _ => ColorChoice::Auto,
            };
        }
    }
    flag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(flag: ColorChoice, tty: bool, env: &[(&str, &str)]) -> bool {
        color_on(flag, tty, |name| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn auto_follows_the_conventions() {
        use ColorChoice::Auto;
        let term = ("TERM", "xterm-256color");
        assert!(on(Auto, true, &[term]));
        assert!(!on(Auto, false, &[term]));
        assert!(!on(Auto, true, &[term, ("NO_COLOR", "1")]));
        assert!(on(Auto, true, &[term, ("NO_COLOR", "")]));
        assert!(on(Auto, false, &[("CLICOLOR_FORCE", "1")]));
        assert!(!on(Auto, false, &[("CLICOLOR_FORCE", "0")]));
        assert!(!on(Auto, false, &[("CLICOLOR_FORCE", "")]));
        assert!(!on(
            Auto,
            false,
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
        ));
        assert!(!on(Auto, true, &[("TERM", "dumb")]));
        assert!(on(Auto, true, &[("TERM", "dumb"), ("CLICOLOR_FORCE", "1")]));
        assert!(!on(Auto, true, &[term, ("CLICOLOR", "0")]));
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        assert!(on(ColorChoice::Always, false, &[("NO_COLOR", "1")]));
        assert!(!on(ColorChoice::Never, true, &[("CLICOLOR_FORCE", "1")]));
    }

    #[test]
    fn the_flag_is_read_before_parsing() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        use ColorChoice::*;
        assert!(matches!(color_flag(&args(&["smout", "status"])), Auto));
        assert!(matches!(
            color_flag(&args(&["smout", "--color", "never", "status"])),
            Never
        ));
        assert!(matches!(
            color_flag(&args(&["smout", "status", "--color=always"])),
            Always
        ));
        assert!(matches!(
            color_flag(&args(&["smout", "--color=always", "--color", "never"])),
            Never
        ));
        assert!(matches!(
            color_flag(&args(&["smout", "x", "--", "--color", "never"])),
            Auto
        ));
    }
}
