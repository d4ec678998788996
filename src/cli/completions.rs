//! `smout completions`: shell completion scripts.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliResult};

/// Print shell completions
///
/// Examples:
///   smout completions bash > ~/.local/share/bash-completion/completions/smout
///   smout completions zsh > "${fpath[1]}/_smout"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: Shell,
}

/// Run `smout completions`.
pub fn run(args: CompletionsArgs, out: &mut dyn Write) -> CliResult {
    clap_complete::generate(args.shell, &mut Cli::command(), "smout", out);
    Ok(ExitCode::SUCCESS)
}
