//! `smout completions`: shell completion scripts.

use std::io::Write;
use std::process::ExitCode;

use std::ffi::OsStr;

use clap::{Args, CommandFactory};
use clap_complete::engine::CompletionCandidate;
use clap_complete::Shell;

use super::{Cli, CliResult};

/// Print shell completions (static: commands and options)
///
/// Completions that know the register — record ids, forms, revisions such as submission/2 —
/// come from smout itself while you type; load them instead with:
///   bash:  source <(COMPLETE=bash smout)      (in ~/.bashrc)
///   zsh:   source <(COMPLETE=zsh smout)       (in ~/.zshrc)
///   fish:  COMPLETE=fish smout | source       (in ~/.config/fish/config.fish)
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

/// The register completions look in: the one around the current folder.
fn register() -> Option<smout::register::Register> {
    smout::register::Register::discover(std::path::Path::new(".")).ok()
}

fn matching(current: &OsStr, all: impl IntoIterator<Item = String>) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    all.into_iter()
        .filter(|c| c.starts_with(current.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The register's record ids.
pub fn record_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let ids = register()
        .and_then(|r| r.record_ids().ok())
        .unwrap_or_default();
    matching(current, ids)
}

/// The forms the register can use.
pub fn form_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let forms: Vec<String> = register()
        .map(|r| r.forms.iter().map(|f| f.id.clone()).collect())
        .or_else(|| {
            smout::form::FormSet::builtin()
                .ok()
                .map(|s| s.iter().map(|f| f.id.clone()).collect())
        })
        .unwrap_or_default();
    matching(current, forms)
}

/// Revision names: worktree, submitted, approved and submission/N (as many as the register's
/// most submitted record has).
pub fn revisions(current: &OsStr) -> Vec<CompletionCandidate> {
    let most = register()
        .and_then(|r| smout::store::Store::open(&r.root).ok())
        .and_then(|s| s.all_submissions().ok())
        .and_then(|all| all.values().flatten().map(|s| s.n).max())
        .unwrap_or(0);
    let names = ["worktree", "submitted", "approved"]
        .into_iter()
        .map(String::from)
        .chain((1..=most).map(|n| format!("submission/{n}")));
    matching(current, names)
}

/// The statuses `status --status` takes.
pub fn statuses(current: &OsStr) -> Vec<CompletionCandidate> {
    let words = smout::status::Status::ALL.map(|s| s.word().to_string());
    matching(current, words)
}

/// What `--pia-action` and `--sorn-action` take.
pub fn actions(current: &OsStr) -> Vec<CompletionCandidate> {
    matching(current, ["none", "new", "update"].map(String::from))
}

/// The outcomes `determine --outcome` and `appeal --outcome` take: those of the named record's
/// form (of every form of the register before a record is named), and for an appeal `pending`.
pub fn outcomes(current: &OsStr) -> Vec<CompletionCandidate> {
    let words = command_line();
    let appeal = words.iter().any(|w| w == "appeal");
    let mut all: Vec<String> = Vec::new();
    if let Some(reg) = register() {
        let record_form = words
            .iter()
            .filter(|w| smout::register::validate_id(w).is_ok())
            .find_map(|w| reg.form_of(w).ok());
        let forms: Vec<&smout::form::Form> = match record_form {
            Some(f) => vec![f],
            None => reg.forms.iter().collect(),
        };
        for o in forms.iter().flat_map(|f| &f.determination.outcomes) {
            if !all.contains(&o.value) {
                all.push(o.value.clone());
            }
        }
    }
    if appeal {
        all.push("pending".into());
    }
    matching(current, all)
}

/// The words of the command line being completed: what the shell hook passes after `--`
/// (`smout -- smout determine cbp-fld --outcome ''`).
fn command_line() -> Vec<String> {
    // `args_os`: a word that is not UTF-8 must not stop completion (`args` panics on one).
    std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}
