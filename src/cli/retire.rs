//! `smout retire`: an approved use ends.

use std::io::Write;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::lifecycle::End;

use super::{withdraw::ended, Env};

/// Retire an approved use that has ended: kept in history, out of every due list
///
/// The record stays in the register with status `retired` — its approval and determinations
/// stay as recorded — and no review falls due. An empty commit says why and is tagged
/// smout/<ID>/retirement/<N> (N: the approved submission). A new `smout submit` reopens it.
/// A record that was never approved is withdrawn instead (`smout withdraw`).
///
/// Example: smout retire cbp-fld --reason "Monitoring ended 2026-09-30"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RetireArgs {
    /// The record's id
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,

    /// Why (kept in history; may carry [[b5: …]] markup for release copies)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// Run `smout retire`.
pub fn run(env: &Env, args: RetireArgs, out: &mut dyn Write) -> super::CliResult {
    ended(env, &args.id, &args.reason, End::Retire, out)
}
