//! `smout forms`: list the forms a register can use.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use smout::error::Error;
use smout::form::FormSet;

use super::{CliResult, Env, ReportFormat};

/// List the forms this register can use (built-in, and the register's own forms/ folder)
///
/// A register's forms/<name>.toml adds a form, or replaces a built-in one with the same id.
///
/// Examples:
///   smout forms
///   smout forms --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct FormsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    version: &'a str,
    title: &'a str,
    fields: usize,
    review_period: Option<String>,
    reviews: bool,
    source: &'a str,
}

/// Run `smout forms`.
pub fn run(env: &Env, args: FormsArgs, out: &mut dyn Write) -> CliResult {
    let forms = match env.register() {
        Ok(reg) => reg.forms,
        Err(Error::NoRegister(_)) => FormSet::builtin()?,
        Err(e) => return Err(e.into()),
    };
    let rows: Vec<Row> = forms
        .iter()
        .map(|f| Row {
            id: &f.id,
            version: &f.version,
            title: &f.title,
            fields: f.fields.len(),
            review_period: f.review_period.map(|p| p.to_string()),
            reviews: f.reviews,
            source: &f.source,
        })
        .collect();
    match args.format {
        ReportFormat::Json => {
            smout::print::json(out, &env.printer(), &rows)?;
        }
        ReportFormat::Text => {
            for r in rows {
                let review = match (r.reviews, r.review_period.as_deref()) {
                    (false, _) => "decided case by case, no review date".to_string(),
                    (true, Some(p)) => format!("review every {p}"),
                    (true, None) => "review period: the register's [review] period".to_string(),
                };
                writeln!(
                    out,
                    "{:<22} {:<11} {}  ({} fields, {review}; {})",
                    r.id, r.version, r.title, r.fields, r.source
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
