//! `smout check`: validate records and print every finding.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::check::{check_targets_cached, CheckOptions, Target};
use smout::error::Error;
use smout::register::{validate_id, Register, RECORDS_DIR, RECORD_FILE};

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
    // A record file named by its path is checked in the register it belongs to, wherever the
    // command runs (and on its own when it belongs to none).
    let file = args
        .targets
        .first()
        .filter(|t| looks_like_path(t))
        .map(PathBuf::from);
    let reg = match (env.register(), file) {
        (Ok(reg), Some(f)) if !is_inside(&f, &reg.root) => Register::of_file(&record_file(f))?,
        (Ok(reg), _) => reg,
        (Err(Error::NoRegister(_)), Some(f)) => Register::of_file(&record_file(f))?,
        (Err(e), _) => return Err(e.into()),
    };
    let targets = if args.targets.is_empty() {
        reg.record_ids()?
            .iter()
            .map(|id| Target::record(&reg, id))
            .collect()
    } else {
        args.targets
            .iter()
            .map(|t| resolve(&reg, t))
            .collect::<Result<Vec<_>, _>>()?
    };
    let opts = CheckOptions {
        today: env.today,
        release: args.release,
    };
    // Records unchanged since the last check (in a register kept in git) are not read again.
    let reg = smout::session::Session::open(reg)?;
    let report = check_targets_cached(&reg, &targets, &opts);
    match args.format {
        CheckFormat::Sarif => smout::forge::write_sarif(&report, out)?,
        CheckFormat::Gitlab => smout::forge::write_gitlab(&report, out)?,
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        CheckFormat::Text => {
            for rec in &report.records {
                for f in &rec.findings {
                    writeln!(out, "{}", f.render_text(env.color))?;
                }
            }
            if !env.quiet {
                let n = report.records.len();
                let plural =
                    |k: usize, w: &str| format!("{k} {w}{}", if k == 1 { "" } else { "s" });
                writeln!(
                    out,
                    "checked {}: {}, {}",
                    plural(n, "record"),
                    plural(report.errors, "error"),
                    plural(report.warnings, "warning")
                )?;
            }
        }
    }
    Ok(if report.errors > 0 {
        findings()
    } else {
        ExitCode::SUCCESS
    })
}

fn looks_like_path(arg: &str) -> bool {
    arg.contains('/') || arg.contains('\\') || arg.ends_with(".toml") || arg.starts_with('.')
}

/// A record's folder names its `record.toml`.
fn record_file(path: PathBuf) -> PathBuf {
    if path.is_dir() {
        path.join(RECORD_FILE)
    } else {
        path
    }
}

fn is_inside(path: &Path, root: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(root))
}

/// An id (`cbp-fld`) or a path (`records/cbp-fld/record.toml`, `records/cbp-fld`, `x.toml`).
fn resolve(reg: &Register, arg: &str) -> Result<Target, Error> {
    if !looks_like_path(arg) {
        validate_id(arg)?;
        if !reg.record_dir(arg).exists() {
            return Err(reg.no_record(arg));
        }
        return Ok(Target::record(reg, arg));
    }
    let path = record_file(PathBuf::from(arg));
    if !path.exists() {
        return Err(Error::io(
            &path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let abs = path.canonicalize().map_err(|e| Error::io(&path, e))?;
    let records = reg.root.join(RECORDS_DIR);
    let rel = abs.strip_prefix(&reg.root).ok().map(Path::to_path_buf);
    let id = match abs.parent() {
        Some(dir) if dir.parent() == Some(records.as_path()) => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        _ => abs
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    Ok(Target {
        id,
        display: rel
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|| arg.to_string()),
        path: abs,
    })
}
