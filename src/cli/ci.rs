//! `smout ci`: the merge-request gate.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{findings, CliResult, Env};

/// Gate a merge request: what the change does to the register, relative to its base
///
/// Compares HEAD with its merge base with --base and reports: the records the change touches
/// (added, modified, deleted) with `check`'s findings on each; approved records it changes
/// materially (their approval no longer covers them: a new review is needed); determinations
/// and appeals it adds, and the audit of the whole history (each decision committed by a
/// reviewer in force, signed once the register signs; no past entry edited; no tag moved); and
/// whether the branch rewrites history the base has, or deletes a decided record. The base must
/// be on HEAD's first-parent chain (a branch brought up to date by `git rebase`, not by merging
/// the base into it), with the same root of trust.
///
/// Exit status: 0 the gate passes (warnings allowed), 1 it fails (an error anywhere), 2 could
/// not run (no such base, a shallow clone). `--format md` writes the summary as a
/// merge-request comment, each changed record's diff (a release copy: no exempt text) in a
/// collapsible section.
///
/// Examples:
///   smout ci --base origin/main                     # in a pipeline, after `git fetch origin main`
///   smout ci --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --format md > comment.md
///   smout ci --base main --format json
///   smout ci --base origin/main --root "$SMOUT_ROOT"  # the root of trust pinned
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CiArgs {
    /// The base the change is merged into (a branch, tag or commit)
    #[arg(long, default_value = "main", value_name = "REV")]
    pub base: String,
    /// The root of trust the history must have (a commit, as `smout audit` prints it);
    /// default: git config audit.root. A pipeline pins it (a CI variable), so that a branch
    /// with another root of trust cannot pass
    #[arg(long, value_name = "COMMIT")]
    pub root: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = CiFormat::Text)]
    pub format: CiFormat,
}

/// Formats of `ci`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiFormat {
    /// For a job log
    Text,
    /// Markdown, for a merge-request comment
    Md,
    /// For programs
    Json,
}

/// Run `smout ci`.
pub fn run(env: &Env, args: CiArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let report = smout::ci::gate(&reg, &args.base, args.root.as_deref(), env.today)?;
    match args.format {
        CiFormat::Text => write!(out, "{}", smout::ci::render_text(&report))?,
        CiFormat::Md => write!(out, "{}", smout::ci::render_md(&report))?,
        CiFormat::Json => {
            smout::print::json(out, &env.printer(), &report)?;
        }
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        findings()
    })
}
