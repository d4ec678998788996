//! `smout withdraw`: the drafter withdraws a record that is not approved.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::lifecycle::{end, End};

use super::{CliResult, Env};

/// Withdraw a record that will not be approved: kept in history, off the work lists
///
/// For a draft that will not be filed, or a submission the program no longer asks to have
/// decided (awaiting a determination, found not yet met or not authorized, under appeal). The
/// record stays in the register with status `withdrawn`; an empty commit says why and is tagged
/// smout/<ID>/withdrawal/<N> (N: the submission withdrawn, 0 for a draft). A new
/// `smout submit` reopens it. An approved use is retired instead (`smout retire`).
///
/// Example: smout withdraw uscis-fraud-draft --reason "Program cancelled before launch"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct WithdrawArgs {
    /// The record's id
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,

    /// Why (kept in history; may carry [[b5: …]] markup for release copies)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// Run `smout withdraw`.
pub fn run(env: &Env, args: WithdrawArgs, out: &mut dyn Write) -> CliResult {
    ended(env, &args.id, &args.reason, End::Withdraw, out)
}

/// Withdraw or retire, and say what was done.
pub(super) fn ended(env: &Env, id: &str, reason: &str, how: End, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let done = end(&reg, id, how, reason, env.today, &mut |m| eprintln!("{m}"))?;
    if !env.quiet {
        writeln!(
            out,
            "{id} {}; commit {} tagged {}",
            match how {
                End::Withdraw => "withdrawn",
                End::Retire => "retired",
            },
            smout::digest::short(&done.commit.to_string()),
            done.tag
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
