//! Terminal conventions as a user meets them: when output is coloured (`--color`, NO_COLOR,
//! CLICOLOR_FORCE, TERM), what a pipe gets from `status`, and how periods are written.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// The variables that decide colour; every run here starts without them.
const COLOR_VARS: &[&str] = &["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "TERM", "CI"];

/// Run smout piped (stdout and stderr not terminals) with exactly the colour variables `envs`.
fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smout"));
    cmd.args(args)
        .current_dir(dir)
        .env("SMOUT_TODAY", "2026-11-22")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    for v in COLOR_VARS {
        cmd.env_remove(v);
    }
    cmd.envs(envs.iter().copied()).output().expect("run smout")
}

/// A git register of two draft records with components and categories longer than the table's
/// terminal widths (26 and 24 characters).
fn register() -> tempfile::TempDir {
    let reg = common::register();
    let text = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml")).unwrap();
    common::add_record(reg.path(), "cbp-osint", text.as_bytes());
    let fema = text
        .replace(
            "U.S. Customs and Border Protection",
            "Federal Emergency Management Agency",
        )
        .replace(
            "\"criminal-investigations\"",
            "\"benefit-or-employment-determinations\"",
        );
    common::add_record(reg.path(), "fema-recovery", fema.as_bytes());
    common::git(reg.path(), &["init", "-q", "-b", "main"]);
    common::git(reg.path(), &["add", "-A"]);
    common::git(reg.path(), &["commit", "-q", "-m", "add records"]);
    reg
}

/// Environment variables of a run.
type Env<'a> = &'a [(&'a str, &'a str)];

fn has_escapes(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

/// Escapes made visible, for snapshots.
fn visible(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\x1b', "\\e")
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let reg = register();
    // (flag, environment, colour expected) — stdout and stderr are pipes throughout.
    let cases: &[(&[&str], Env, bool)] = &[
        (&[], &[], false),
        (&[], &[("TERM", "xterm-256color")], false),
        (&[], &[("CLICOLOR_FORCE", "1")], true),
        (&[], &[("CLICOLOR_FORCE", "0")], false),
        (&[], &[("CLICOLOR_FORCE", "")], false),
        (&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false),
        // An empty NO_COLOR is not set (no-color.org).
        (&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")], true),
        (&[], &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")], true),
        (&["--color", "never"], &[("CLICOLOR_FORCE", "1")], false),
        (&["--color=always"], &[("NO_COLOR", "1")], true),
        (&["--color", "always"], &[("TERM", "dumb")], true),
        (&["--color", "auto"], &[("CLICOLOR_FORCE", "1")], true),
    ];
    for (flag, envs, colour) in cases {
        let table = run(reg.path(), &[flag, &["status"][..]].concat(), envs);
        assert_eq!(table.status.code(), Some(0), "{flag:?} {envs:?}");
        assert_eq!(
            has_escapes(&table.stdout),
            *colour,
            "stdout of `smout {} status` with {envs:?}:\n{}",
            flag.join(" "),
            visible(&table.stdout)
        );
        // Errors and hints follow the same choice, on stderr.
        let error = run(reg.path(), &[flag, &["status", "nope"][..]].concat(), envs);
        assert_eq!(error.status.code(), Some(2));
        assert_eq!(
            has_escapes(&error.stderr),
            *colour,
            "stderr of `smout {} status nope` with {envs:?}:\n{}",
            flag.join(" "),
            visible(&error.stderr)
        );
        // So do clap's own usage errors.
        let usage = run(
            reg.path(),
            &[flag, &["status", "--nope"][..]].concat(),
            envs,
        );
        assert_eq!(usage.status.code(), Some(2));
        assert_eq!(
            has_escapes(&usage.stderr),
            *colour,
            "stderr of `smout {} status --nope` with {envs:?}:\n{}",
            flag.join(" "),
            visible(&usage.stderr)
        );
    }
}

#[test]
fn forced_colour_styles_the_table_and_the_error() {
    let reg = register();
    let force = [("CLICOLOR_FORCE", "1")];
    let table = run(reg.path(), &["status"], &force);
    insta::assert_snapshot!("forced_colour_status", visible(&table.stdout));
    let error = run(reg.path(), &["status", "cbp-osnit"], &force);
    insta::assert_snapshot!("forced_colour_error", visible(&error.stderr));
}

#[test]
fn a_piped_status_shows_every_column_whole() {
    let reg = register();
    let o = run(reg.path(), &["status"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let text = common::stdout(&o);
    assert!(!text.contains('…'), "{text}");
    insta::assert_snapshot!("piped_status", text);
    // What a user piping to grep finds.
    let fema = text
        .lines()
        .find(|l| l.starts_with("fema-recovery"))
        .unwrap();
    assert!(
        fema.contains("Federal Emergency Management Agency")
            && fema.contains("Benefit or employment determinations"),
        "{fema}"
    );
}

#[test]
fn nothing_due_prints_no_table_header() {
    let reg = register();
    // The minimal record is approved nowhere: no review-by date, nothing is due.
    let o = run(reg.path(), &["status", "--due-within", "90d"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(common::stdout(&o), "", "no header, no summary on stdout");
    insta::assert_snapshot!("nothing_due", common::stderr(&o));
    // Quiet: nothing at all.
    let o = run(reg.path(), &["status", "--due-within", "90d", "-q"], &[]);
    assert_eq!(
        (common::stdout(&o), common::stderr(&o)),
        ("".into(), "".into())
    );
    // Other filters that match nothing say so the same way.
    let o = run(
        reg.path(),
        &[
            "status",
            "--status",
            "expired",
            "--component",
            "Coast Guard",
        ],
        &[],
    );
    assert_eq!(common::stdout(&o), "");
    assert_eq!(
        common::stderr(&o),
        "no record matches --status expired --component \"Coast Guard\"\n"
    );
    // The data formats keep their shape: an empty list, a header row.
    let o = run(
        reg.path(),
        &["status", "--due-within", "90d", "--format", "json"],
        &[],
    );
    assert_eq!(common::stdout(&o), "[]\n");
}

#[test]
fn a_period_needs_a_unit() {
    let reg = register();
    let o = run(reg.path(), &["status", "--due-within", "90"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(common::stdout(&o), "");
    insta::assert_snapshot!("due_within_without_unit", common::stderr(&o));
    for ok in ["90d", "12w", "6m", "1y", "90 days"] {
        let o = run(reg.path(), &["status", "--due-within", ok], &[]);
        assert_eq!(o.status.code(), Some(0), "{ok}: {}", common::stderr(&o));
    }
}

#[test]
fn a_review_setting_needs_a_unit_too() {
    let reg = register();
    let settings = reg.path().join("smout.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}[review]\nwarn = \"90\"\n")).unwrap();
    let o = run(reg.path(), &["status"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let text = common::stderr(&o).replace(&reg.path().display().to_string(), "[REGISTER]");
    insta::assert_snapshot!("review_warn_without_unit", text);
}

/// Runs with stdout on a pseudo-terminal: what a user at a terminal sees.
#[cfg(target_os = "linux")]
mod on_a_terminal {
    use super::*;
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};

    /// Run smout with stdout on a new pseudo-terminal; what it printed there (CRLF as LF).
    fn run_on_tty(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (Option<i32>, String) {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 40,
            ws_col: 120,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two new descriptors, which are owned from here on.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_smout"));
        cmd.args(args)
            .current_dir(dir)
            .env("SMOUT_TODAY", "2026-11-22")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir);
        for v in COLOR_VARS {
            cmd.env_remove(v);
        }
        let mut child = cmd
            .envs(envs.iter().copied())
            .stdout(std::process::Stdio::from(slave))
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("run smout");
        // The parent's copy of the terminal's end went with the Command; reading ends (EIO)
        // once the child has exited.
        drop(cmd);
        let reader = std::thread::spawn(move || {
            let mut file = std::fs::File::from(master);
            let mut out = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                match file.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => out.extend_from_slice(&buf[..n]),
                }
            }
            out
        });
        let status = child.wait().unwrap();
        let out = reader.join().unwrap();
        (
            status.code(),
            String::from_utf8_lossy(&out).replace("\r\n", "\n"),
        )
    }

    #[test]
    fn a_terminal_gets_colour_unless_term_is_dumb_or_no_color() {
        let reg = register();
        let (code, text) = run_on_tty(reg.path(), &["status"], &[("TERM", "xterm-256color")]);
        assert_eq!(code, Some(0));
        assert!(text.contains('\x1b'), "{text}");
        for envs in [
            &[("TERM", "dumb")][..],
            &[("TERM", "xterm-256color"), ("NO_COLOR", "1")][..],
            &[("TERM", "xterm-256color"), ("CLICOLOR", "0")][..],
        ] {
            let (code, text) = run_on_tty(reg.path(), &["status"], envs);
            assert_eq!(code, Some(0));
            assert!(
                !text.contains('\x1b'),
                "{envs:?}: {}",
                visible(text.as_bytes())
            );
        }
        let (_, text) = run_on_tty(
            reg.path(),
            &["--color", "never", "status"],
            &[("TERM", "xterm-256color")],
        );
        assert!(!text.contains('\x1b'), "{}", visible(text.as_bytes()));
    }

    #[test]
    fn a_terminal_table_is_clipped_to_fit() {
        let reg = register();
        let (code, text) = run_on_tty(
            reg.path(),
            &["status"],
            &[("TERM", "xterm-256color"), ("NO_COLOR", "1")],
        );
        assert_eq!(code, Some(0));
        insta::assert_snapshot!("terminal_status", text);
    }
}
