//! `smout site`: the register as a static site.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{CliResult, Env};

/// Write the register as a static site: dashboard, a page per record, audit, report
///
/// Plain HTML a forge's Pages or any file server serves, no server code: a dashboard of every
/// record (component, category, status, review-by date, next action; counts per status; due,
/// expired and changed first; sortable and filterable when JavaScript runs), a page per record
/// (its rendering, its PDF, its timeline of submissions, determinations and appeals, and the
/// word-level diff between consecutive submissions), the audit of the whole history and the
/// report (with its PDF and CSV). Every page meets WCAG 2.1 AA, like `render --format html`.
///
/// --release writes the public reading room: release copies of submitted records only (a
/// record's latest submission), every string through the redaction step, people withheld under
/// (b) (6), the audit as counts only.
///
/// Examples:
///   smout site -o public/                  # the internal site
///   smout site -o public/ --release        # the public reading room
///   smout site -o public/ --no-pdf         # a large register, faster: no PDF per record
///   smout site -o public/ --fresh          # render every record again
///
/// A record's rendering (its HTML and PDF) is made again only when what it is made of changed
/// (the record, its determinations, the forms, the templates, smout.toml, smout itself): the
/// others are taken from the last site written to the same folder, after checking each is
/// still exactly the file smout wrote (SHA-256s are kept under .git/smout/, not in the
/// published site). On a forge, keep the last site between pipelines (a CI cache of public/
/// and .git/smout/) so that a pipeline renders only what changed. A kept PDF keeps the time
/// it was made, unless SOURCE_DATE_EPOCH pins one.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SiteArgs {
    /// The folder to write (created if missing; replaced as a whole once the new site is complete)
    #[arg(short, long, value_name = "DIR", default_value = "public")]
    pub output: PathBuf,
    /// The public reading room: release copies of submitted records only
    #[arg(long)]
    pub release: bool,
    /// Do not write a PDF per record
    #[arg(long)]
    pub no_pdf: bool,
    /// Render every record again (by default a record's HTML and PDF are taken from the last
    /// site written to the same folder when what they are made of is unchanged)
    #[arg(long)]
    pub fresh: bool,
}

/// Run `smout site`.
pub fn run(env: &Env, args: SiteArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let output = if args.output.is_absolute() {
        args.output.clone()
    } else {
        env.start.join(&args.output)
    };
    let tty = std::io::stderr().is_terminal() && !env.quiet;
    let progress = move |done: usize, total: usize| {
        if tty {
            if done < total {
                eprint!("\rwriting the site: {done}/{total} records");
            } else {
                eprint!("\r\x1b[2K");
            }
        }
    };
    let summary = smout::site::build(
        &reg,
        &output,
        &smout::site::SiteOptions {
            audience: smout::release::Audience::of_flag(args.release),
            today: env.today,
            timestamp: super::render::timestamp(),
            pdf: !args.no_pdf,
            timestamp_pinned: std::env::var_os("SOURCE_DATE_EPOCH").is_some(),
            fresh: args.fresh,
        },
        &progress,
    )?;
    for (id, why) in &summary.left_out {
        eprintln!("note: {id} is not on the site: {why}");
    }
    if !env.quiet {
        writeln!(
            out,
            "wrote {} ({} records, {} pages, {:.1} MB{}){}",
            output.display(),
            summary.records,
            summary.pages,
            summary.bytes as f64 / 1e6,
            match summary.reused {
                0 => String::new(),
                n => format!("; {n} unchanged renderings kept from the last site"),
            },
            if args.release {
                " — the reading room: release copies only"
            } else {
                ""
            }
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
