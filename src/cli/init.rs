//! `smout init`: create a register.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use smout::error::Error;
use smout::register::{RECORDS_DIR, SETTINGS_FILE};

use super::{CliResult, Env};

/// Create a register: smout.toml, records/, and a git repository with a first commit
///
/// DIR defaults to the current directory (or -C). When DIR is not inside a git repository one is
/// created; the first commit holds smout.toml only, authored by your git identity.
///
/// Example: smout init cbp-register --name "CBP SMOUT register"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct InitArgs {
    /// Where to create the register
    pub dir: Option<PathBuf>,

    /// The register's name, printed on reports
    #[arg(long, default_value = "SMOUT register")]
    pub name: String,

    /// Create the files but do not commit them
    #[arg(long)]
    pub no_commit: bool,
}

/// The settings file written by `init`.
pub fn settings_text(name: &str) -> String {
    format!(
        r#"# smout register settings. See `smout --help` and the README.
name = {name}

[review]
period = "3y"        # default review period when a form does not set one
warn = "90d"         # show approvals as due this long before their review date

[roles]
# git author e-mails allowed to record determinations (`smout determine`)
reviewers = []

[markings]
banner = "FOR OFFICIAL USE ONLY"     # printed top and bottom of internal renderings
# release_banner = "RELEASED UNDER FOIA"   # banner of `render --release` copies (none if unset)
"#,
        name = toml::Value::String(name.to_string())
    )
}

/// Run `smout init`.
pub fn run(env: &Env, args: InitArgs, out: &mut dyn Write) -> CliResult {
    let dir = args
        .dir
        .clone()
        .map(|d| env.start.join(d))
        .unwrap_or_else(|| env.start.clone());
    let settings = dir.join(SETTINGS_FILE);
    if settings.exists() {
        return Err(Error::Refused(format!(
            "{} exists already: this is a register",
            settings.display()
        ))
        .into());
    }
    std::fs::create_dir_all(dir.join(RECORDS_DIR)).map_err(|e| Error::io(&dir, e))?;
    let created_repo = smout::git::init_if_needed(&dir)?;
    if !args.no_commit {
        // Fail before writing anything if the commit could not be authored.
        let repo = smout::git::open(&dir)?;
        smout::git::ensure_ready(&repo)?;
        smout::git::signature(&repo)?;
    }
    std::fs::write(&settings, settings_text(&args.name)).map_err(|e| Error::io(&settings, e))?;
    if !args.no_commit {
        smout::git::commit_paths(
            &dir,
            &[SETTINGS_FILE.to_string()],
            &format!("init: create register \"{}\"", args.name),
        )?;
    }
    if !env.quiet {
        writeln!(
            out,
            "created register \"{}\" in {}{}",
            args.name,
            dir.display(),
            if created_repo {
                " (new git repository)"
            } else {
                ""
            }
        )?;
        writeln!(
            out,
            "next: smout new <id> --form <form>   (`smout forms` lists them)"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
