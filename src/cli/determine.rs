//! `smout determine` and `smout appeal`: record the Privacy Office's decision.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::decide::input::{DocFlags, Flags};
use smout::decide::{record, Kind};
use smout::determination::DeterminationInput;
use smout::error::Error;
use smout::register::validate_id;

use super::{CliResult, Env};

/// Record the Privacy Office's determination on a submission
///
/// Appends to records/<ID>/determinations.toml the outcome, findings and comments, with the
/// submission number and the SHA-256 of the record as submitted; commits it and tags
/// smout/<ID>/determination/<N>. Only git identities listed under [roles] reviewers in
/// smout.toml may do this. review_by defaults to the review date plus the form's (or the
/// register's) review period.
///
/// Examples:
///   smout determine cbp-fld --outcome met --pia-covered "DHS/CBP/PIA-010(a)" \
///       --sorn-covered DHS/CBP-017 --sorn-covered DHS/CBP-001 --comments "..."
///   smout determine cbp-fld --outcome not-yet-met --rules-do-not-comply "Rule (b) ..." --training-required
///   smout determine cbp-fld --from determination.toml      # the same fields as a TOML fragment
///   smout determine opa-seizure-release --outcome approve --finding no_unwarranted_invasion \
///       --finding criterion=8.1.2.1                        # a CBP PII disclosure: 8.1.1, 8.1.2
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DetermineArgs {
    /// The record's id
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,
    #[command(flatten)]
    pub fields: DecisionFields,
}

/// Record an appeal to the Deputy Secretary and its outcome
///
/// The template lets a Component appeal the Privacy Office's determination to the Deputy
/// Secretary for Homeland Security. Record the appeal with --outcome pending, and its decision
/// later with the outcome decided. Recorded like a determination (appended, committed, tagged
/// smout/<ID>/appeal/<N>) by a reviewer.
///
/// Example: smout appeal cbp-fld --outcome pending --comments "CBP appeals the finding on rule (b)"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AppealArgs {
    /// The record's id
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,
    /// Who decided the appeal
    #[arg(long, value_name = "NAME")]
    pub decided_by: Option<String>,
    #[command(flatten)]
    pub fields: DecisionFields,
}

/// The fields of a decision.
#[derive(Debug, Args)]
pub struct DecisionFields {
    /// Read the decision from a TOML fragment (keys as in determinations.toml); flags win
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// The outcome, as the record's form defines them — the DHS SMOUT: met, not-yet-met,
    /// not-authorized; a CBP PII disclosure request: approve, approve-with-conditions,
    /// disapprove. An appeal also takes pending (lodged, not yet decided)
    #[arg(long, add = ArgValueCompleter::new(super::completions::outcomes))]
    pub outcome: Option<String>,
    /// The submission judged (default: the latest)
    #[arg(long, value_name = "N")]
    pub submission: Option<u32>,
    /// "Rules of Behavior do not comply": the analysis
    #[arg(long, value_name = "TEXT")]
    pub rules_do_not_comply: Option<String>,
    /// "Training required."
    #[arg(long)]
    pub training_required: bool,
    /// "A PIA is required."
    #[arg(long)]
    pub pia_required: bool,
    /// "Covered by existing PIA": the PIA's id (repeat for several)
    #[arg(long, value_name = "ID")]
    pub pia_covered: Vec<String>,
    /// PIA action: none, new or update
    #[arg(
        long,
        value_name = "ACTION",
        add = ArgValueCompleter::new(super::completions::actions)
    )]
    pub pia_action: Option<String>,
    /// "A PIA is required. Updated.": the PIA to be updated (repeat for several)
    #[arg(long, value_name = "ID")]
    pub pia_update: Vec<String>,
    /// "A SORN is required."
    #[arg(long)]
    pub sorn_required: bool,
    /// "Covered by existing SORN": the SORN's id (repeat for several)
    #[arg(long, value_name = "ID")]
    pub sorn_covered: Vec<String>,
    /// SORN action: none, new or update
    #[arg(
        long,
        value_name = "ACTION",
        add = ArgValueCompleter::new(super::completions::actions)
    )]
    pub sorn_action: Option<String>,
    /// "A SORN is required. Updated.": the SORN to be updated (repeat for several)
    #[arg(long, value_name = "ID")]
    pub sorn_update: Vec<String>,
    /// A finding of the form's determination page: KEY for a statement affirmed, KEY=VALUE for a
    /// choice (repeat for several). A CBP PII disclosure approval records both 8.1.1 and the
    /// 8.1.2 criterion relied on: --finding no_unwarranted_invasion --finding criterion=8.1.2.1
    #[arg(long, value_name = "KEY[=VALUE]")]
    pub finding: Vec<String>,
    /// Conditions of an approval (forms that have them)
    #[arg(long, value_name = "TEXT")]
    pub conditions: Option<String>,
    /// The Privacy Office's comments
    #[arg(long, value_name = "TEXT")]
    pub comments: Option<String>,
    /// The reviewer's name as printed (default: your git user.name); may carry [[b6: …]]
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Date reviewed (default: today)
    #[arg(long, value_name = "DATE")]
    pub reviewed: Option<NaiveDate>,
    /// Review-by date (default: reviewed + review period)
    #[arg(long, value_name = "DATE")]
    pub review_by: Option<NaiveDate>,
    /// Correct determination N of the record (1-based, as `smout log` numbers them): a new
    /// entry that supersedes it on the same submission; the original stays as recorded
    #[arg(long, value_name = "N")]
    pub corrects: Option<u32>,
    /// Why the determination is corrected (required with --corrects)
    #[arg(long, value_name = "TEXT")]
    pub correction: Option<String>,
    /// Why the review-by date lies beyond the review period (required then)
    #[arg(long, value_name = "TEXT")]
    pub review_by_reason: Option<String>,
    /// Write the file but do not commit or tag
    #[arg(long)]
    pub no_commit: bool,
}

impl DecisionFields {
    /// The determination these flags (and `--from`) describe.
    fn input(&self) -> Result<DeterminationInput, Error> {
        let base = match &self.from {
            Some(p) => DeterminationInput::from_file(p)?,
            None => DeterminationInput::default(),
        };
        Flags {
            outcome: self.outcome.clone(),
            submission: self.submission,
            rules_do_not_comply: self.rules_do_not_comply.clone(),
            training_required: self.training_required,
            findings: self.finding.clone(),
            pia: DocFlags {
                required: self.pia_required,
                covered: self.pia_covered.clone(),
                action: self.pia_action.clone(),
                update: self.pia_update.clone(),
            },
            sorn: DocFlags {
                required: self.sorn_required,
                covered: self.sorn_covered.clone(),
                action: self.sorn_action.clone(),
                update: self.sorn_update.clone(),
            },
            conditions: self.conditions.clone(),
            comments: self.comments.clone(),
            reviewer: self.reviewer.clone(),
            reviewed: self.reviewed,
            review_by: self.review_by,
            corrects: self.corrects,
            correction: self.correction.clone(),
            review_by_reason: self.review_by_reason.clone(),
        }
        .over(base)
    }
}

fn run_kind(
    env: &Env,
    id: &str,
    kind: Kind,
    mut input: DeterminationInput,
    no_commit: bool,
    out: &mut dyn Write,
) -> CliResult {
    validate_id(id)?;
    let reg = env.session()?;
    reg.require_record(id)?;
    let form = reg.form_of(id)?;
    if kind == Kind::Appeal && input.decided_by.is_empty() && input.outcome != "pending" {
        input.decided_by = form.determination.appeal_to.clone().unwrap_or_default();
    }
    let r = record(
        &reg,
        form,
        id,
        kind,
        input,
        smout::decide::Mode {
            today: env.today,
            commit: !no_commit,
        },
        &mut |m| eprintln!("{m}"),
    )?;
    if !env.quiet {
        let review = r
            .entry
            .review_by
            .map(|d| format!("; review by {d}"))
            .unwrap_or_default();
        let what = if kind == Kind::Appeal {
            "appeal"
        } else {
            "determination"
        };
        writeln!(
            out,
            "recorded {what} {} on submission {} of {id}: {}{review}",
            r.n, r.entry.submission, r.entry.outcome
        )?;
        if let Some(c) = r.commit {
            writeln!(
                out,
                "commit {} tagged {}",
                smout::digest::short(&c.to_string()),
                smout::store::tag_name(id, kind.tag_kind(), r.n)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Run `smout determine`.
pub fn run(env: &Env, args: DetermineArgs, out: &mut dyn Write) -> CliResult {
    let input = args.fields.input()?;
    run_kind(
        env,
        &args.id,
        Kind::Determination,
        input,
        args.fields.no_commit,
        out,
    )
}

/// Run `smout appeal`.
pub fn run_appeal(env: &Env, args: AppealArgs, out: &mut dyn Write) -> CliResult {
    let mut input = args.fields.input()?;
    if let Some(d) = &args.decided_by {
        input.decided_by = d.clone();
    }
    run_kind(
        env,
        &args.id,
        Kind::Appeal,
        input,
        args.fields.no_commit,
        out,
    )
}
