//! `smout init`: create a register.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{CliResult, Env};

/// Create a register: smout.toml, records/, and a git repository with a first commit
///
/// DIR defaults to the current directory (or -C). When DIR is not inside a git repository one is
/// created; the first commit holds smout.toml and a .gitignore that keeps renders/ out of git,
/// authored by your git identity. A folder that holds other files is refused unless --force.
///
/// A new register requires signed commits, as git makes them with an SSH key: set yours first
/// (or pass --unsigned), then make yourself its first reviewer — its root of trust.
///
/// Examples:
///   git config --global gpg.format ssh
///   git config --global user.signingkey ~/.ssh/id_ed25519.pub
///   smout init cbp-register --name "CBP SMOUT register"
///   cd cbp-register && smout roles add you@example.gov --name "Your Name" --key "$(cat ~/.ssh/id_ed25519.pub)"
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

    /// Make the folder a register even though it holds other files
    #[arg(long)]
    pub force: bool,

    /// Do not require signed commits (require_signatures = false; opt in later with
    /// `smout roles require-signatures`)
    #[arg(long)]
    pub unsigned: bool,
}

/// Run `smout init`.
pub fn run(env: &Env, args: InitArgs, out: &mut dyn Write) -> CliResult {
    let dir = args
        .dir
        .clone()
        .map(|d| env.start.join(d))
        .unwrap_or_else(|| env.start.clone());
    let done = smout::create::init(
        &dir,
        &args.name,
        !args.no_commit,
        args.force,
        !args.unsigned,
    )?;
    if !env.quiet {
        writeln!(
            out,
            "created register \"{}\" in {}{}",
            args.name,
            dir.display(),
            if done.created_repo {
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
