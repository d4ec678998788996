//! `smout check`: validate records and print every finding.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::check::{check_targets_cached, CheckOptions};

use super::{findings, CliResult, Env};

/// Formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// For people
    Text,
    /// For programs
    Json,
    /// SARIF 2.1.0 (GitHub code scanning, forges' security dashboards)
    Sarif,
    /// GitLab Code Quality (merge-request widget)
    Gitlab,
}

/// Check records against their forms and report every problem
///
/// Each finding has a stable code (SM001…), the file, line and column, the offending line with a
/// caret under it, and a hint. All records are checked in one run; with no arguments, every
/// record of the register.
///
/// Examples:
///   smout check                     # the whole register
///   smout check cbp-fld             # one record, by id
///   smout check records/x/record.toml --format json
///   smout check --release cbp-fld   # also warn about PII a release would show
///   smout check --format sarif > smout.sarif      # for code scanning
///   smout check --format gitlab > gl-code-quality-report.json
///
/// Exit status: 0 no errors (warnings allowed), 1 errors found, 2 could not run.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Record ids or paths to record files (default: every record)
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub targets: Vec<String>,

    /// Output format: text, json, sarif (SARIF 2.1.0, for code scanning) or gitlab (GitLab Code
    /// Quality, for the merge-request widget)
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// Also warn about PII (SM050, people named in free text too) and sensitive PII (SM051) not
    /// marked for withholding — the kinds of CBP Directive 1450-027 footnotes 4 and 6 — and
    /// about information a statute protects (SM052, exemption 3: VAWA, asylum, TPS)
    #[arg(long)]
    pub release: bool,
}

/// Run `smout check`.
pub fn run(env: &Env, args: CheckArgs, out: &mut dyn Write) -> CliResult {
    let (reg, targets) = smout::check::targets(&env.start, &args.targets)?;
    let opts = CheckOptions {
        today: env.today,
        warn_pii: args.release,
    };
    // Records unchanged since the last check (in a register kept in git) are not read again.
    let reg = smout::session::Session::open(reg)?;
    let report = check_targets_cached(&reg, &targets, &opts);
    match args.format {
        CheckFormat::Sarif => smout::forge::write_sarif(&report, out)?,
        CheckFormat::Gitlab => smout::forge::write_gitlab(&report, out)?,
        CheckFormat::Json => {
            smout::print::json(out, &env.printer(), &report)?;
        }
        CheckFormat::Text => smout::print::check_text(out, &env.printer(), &report)?,
    }
    Ok(if report.errors > 0 {
        findings()
    } else {
        ExitCode::SUCCESS
    })
}
