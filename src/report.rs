//! `report`: the inventory a Privacy Office keeps — per component, each use with its category,
//! stage, status, latest determination, PIA/SORN coverage and review date; totals per status.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::print::{csv_line, date};
use crate::register::Register;
use crate::release::Audience;
use crate::render::Templates;
use crate::session::Session;
use crate::status::{RecordStatus, Status};

/// Why the report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// An approved record's approved submission does not parse (it would go uncounted).
    #[error("{id}: the approved submission does not parse: {message}")]
    ApprovedUnreadable {
        /// The record.
        id: String,
        /// What the TOML parser said.
        message: String,
    },
}

crate::error::refusal!(Refusal);

/// The formats of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Markdown (`report.md` template).
    Md,
    /// CSV, one row per record.
    Csv,
    /// JSON.
    Json,
    /// PDF (`report.pdf` template), laid out like `render`'s.
    Pdf,
}

/// The register's report in `format`: statuses computed from history as of `today`; a
/// `release` copy passes every string through the redaction step. `timestamp` dates the PDF.
pub fn report(
    reg: &Session,
    today: chrono::NaiveDate,
    audience: Audience,
    format: ReportFormat,
    timestamp: i64,
) -> Result<Vec<u8>> {
    let rows = crate::status::register_status(reg, &[], today, audience)?;
    report_of(reg, rows, today, audience, &[format], timestamp).map(|mut v| v.remove(0))
}

/// The report in each of `formats`, from statuses already computed (`rows`, as
/// [`crate::status::register_status`] gives them for `today` and `release`).
pub fn report_of(
    reg: &Session,
    rows: Vec<crate::status::RecordStatus>,
    today: chrono::NaiveDate,
    audience: Audience,
    formats: &[ReportFormat],
    timestamp: i64,
) -> Result<Vec<Vec<u8>>> {
    let release = audience.is_release();
    let markings = &reg.settings.markings;
    let banner = match release {
        true => markings.release_banner.clone(),
        false => markings.banner.clone(),
    }
    .unwrap_or_default();
    let name = reg.settings.display_name().to_string();
    // A component the register lists, however a record spells it (by name or abbreviation),
    // is one component of the report.
    let mut rows = rows;
    for r in &mut rows {
        if let Some(c) = reg.settings.component(&r.component) {
            r.component = c.name.clone();
        }
    }
    let deviations = deviations(reg, &rows)?;
    let mut report = build(&name, &banner, today, rows);
    report.deviations = deviations;
    let templates = Templates::load(Some(&reg.root.join("templates")))?;
    formats
        .iter()
        .map(|f| write_report(reg, &templates, &report, *f, timestamp))
        .collect()
}

fn write_report(
    reg: &Register,
    templates: &Templates,
    report: &Report,
    format: ReportFormat,
    timestamp: i64,
) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Json => {
            let mut v = Vec::new();
            crate::print::json(&mut v, &crate::print::Printer::default(), report)
                .map_err(|e| Error::io(&reg.root, e))?;
            v
        }
        ReportFormat::Md => templates.render_named("report.md", report)?.into_bytes(),
        ReportFormat::Csv => {
            let mut v = Vec::new();
            report_csv(report, &mut v).map_err(|e| Error::io(&reg.root, e))?;
            v
        }
        ReportFormat::Pdf => {
            let blocks = templates.render_named("report.pdf", report)?;
            crate::render::pdf::render("report", &blocks, timestamp)?
        }
    })
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The register's name.
    pub register: String,
    /// Today, as the report was computed.
    pub date: String,
    /// The marking banner.
    pub banner: String,
    /// Components, alphabetically, each with its uses.
    pub components: Vec<ComponentReport>,
    /// Records per status, in status order (only statuses that occur).
    pub totals: Vec<Total>,
    /// All records.
    pub count: usize,
    /// Per Yes/No question, the approved uses that answer No (per component).
    pub deviations: Vec<Deviation>,
    /// Per component with a determination, how long determinations took; last, the whole
    /// register's.
    pub turnaround: Vec<Turnaround>,
}

/// How long the Privacy Office took: days from a submission to the determination made on it
/// (corrections not counted).
#[derive(Debug, Clone, Serialize)]
pub struct Turnaround {
    /// The component (`All components` for the register).
    pub name: String,
    /// Determinations counted.
    pub determinations: usize,
    /// The median, in days.
    pub median_days: f64,
    /// The median as the report prints it (`104`, `5.5`).
    pub median: String,
    /// The 90th percentile (nearest rank), in days.
    pub p90_days: i64,
}

impl Turnaround {
    /// The turnaround of `days` (none when there are none).
    fn of(name: &str, mut days: Vec<i64>) -> Option<Turnaround> {
        if days.is_empty() {
            return None;
        }
        days.sort_unstable();
        let n = days.len();
        let median_days = match n % 2 {
            1 => days[n / 2] as f64,
            _ => (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0,
        };
        let p90_days = days[(n * 9).div_ceil(10).max(1) - 1];
        Some(Turnaround {
            name: name.to_string(),
            determinations: n,
            median_days,
            median: match median_days.fract() == 0.0 {
                true => format!("{median_days:.0}"),
                false => format!("{median_days:.1}"),
            },
            p90_days,
        })
    }
}

/// How many approved uses answer No to one Yes/No question of their form (a rule of behavior
/// they do not comply with), in all and per component.
#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    /// The form.
    pub form: String,
    /// The question as the form numbers and names it ("5(b) Email and accounts").
    pub question: String,
    /// Approved uses answering No.
    pub count: usize,
    /// Approved uses of the form (the denominator).
    pub of: usize,
    /// Per component, alphabetically (components with none left out).
    pub components: Vec<ComponentCount>,
}

/// A count for one component.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentCount {
    /// The component (as the listing shows it: withheld in a release when the record says so).
    pub name: String,
    /// How many.
    pub count: usize,
}

/// One component's uses.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentReport {
    /// The component.
    pub name: String,
    /// Its records.
    pub uses: Vec<RecordStatus>,
}

/// A count per status.
#[derive(Debug, Clone, Serialize)]
pub struct Total {
    /// The status.
    pub status: Status,
    /// How many.
    pub count: usize,
}

/// Build the report from the statuses of all records.
pub fn build(
    register: &str,
    banner: &str,
    date: chrono::NaiveDate,
    rows: Vec<RecordStatus>,
) -> Report {
    let count = rows.len();
    let totals = Status::ALL
        .into_iter()
        .map(|s| Total {
            status: s,
            count: rows.iter().filter(|r| r.status == s).count(),
        })
        .filter(|t| t.count > 0)
        .collect();
    let mut by: BTreeMap<String, Vec<RecordStatus>> = BTreeMap::new();
    for r in rows {
        let key = if r.component.is_empty() {
            "(no component given)".to_string()
        } else {
            r.component.clone()
        };
        by.entry(key).or_default().push(r);
    }
    let components: Vec<ComponentReport> = by
        .into_iter()
        .map(|(name, uses)| ComponentReport { name, uses })
        .collect();
    let days = |c: &ComponentReport| -> Vec<i64> {
        c.uses
            .iter()
            .flat_map(|u| u.turnaround.iter().copied())
            .collect()
    };
    let mut turnaround: Vec<Turnaround> = components
        .iter()
        .filter_map(|c| Turnaround::of(&c.name, days(c)))
        .collect();
    if turnaround.len() > 1 {
        turnaround.extend(Turnaround::of(
            "All components",
            components.iter().flat_map(days).collect(),
        ));
    }
    Report {
        register: register.to_string(),
        date: date.to_string(),
        banner: banner.to_string(),
        components,
        totals,
        count,
        deviations: Vec::new(),
        turnaround,
    }
}

/// The Yes/No answers of every approved use, as the approved submission holds them (never the
/// working tree's edits since), counted per question of each form.
fn deviations(reg: &Session, rows: &[RecordStatus]) -> Result<Vec<Deviation>> {
    // Each approved record as approved, read on both cores (one store per worker).
    // A record the report cannot read as approved is an error, not a record left uncounted.
    // Every record as submitted and every determinations file at HEAD, found in one replay of
    // the history index, is read by blob id (else through the `records/` tree of each commit).
    // Every tag is read once and handed to each worker (else each record lists its own: a
    // packed-refs scan).
    reg.store().share_history();
    let approved = reg.par_map(rows, |w, row| -> Result<Option<toml::Table>> {
        if !matches!(
            row.status,
            Status::Approved | Status::Due | Status::Expired | Status::Changed
        ) {
            return Ok(None);
        }
        let (side, _) = crate::revision::resolve(w.reg, w.store, &row.id, "approved")?;
        let text = w.store.record_text(&row.id, &side)?;
        toml::from_str::<toml::Table>(&text).map(Some).map_err(|e| {
            Refusal::ApprovedUnreadable {
                id: row.id.clone(),
                message: e.message().to_string(),
            }
            .into()
        })
    });
    let approved = approved.into_iter().collect::<Result<Vec<_>>>()?;
    // In form order, one per (form, question).
    let mut out: Vec<Deviation> = Vec::new();
    for (row, record) in rows.iter().zip(approved) {
        let Some(record) = record else {
            continue;
        };
        let Some(form) = reg.forms.get(&row.form) else {
            continue;
        };
        for f in form
            .fields
            .iter()
            .filter(|f| f.yes.is_some() && f.compound.is_some())
        {
            // The compound's Yes/No is its first yes/no (bool) answer.
            let Some(answer) = f.children.iter().find_map(|k| {
                let path = format!("{}.{k}", f.path);
                form.field(&path)
                    .filter(|c| c.kind == crate::form::FieldType::Bool)
                    .map(|_| path)
            }) else {
                continue;
            };
            let question = f.display_label();
            let i = match out
                .iter()
                .position(|d| d.form == form.id && d.question == question)
            {
                Some(i) => i,
                None => {
                    out.push(Deviation {
                        form: form.id.clone(),
                        question,
                        count: 0,
                        of: 0,
                        components: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let d = &mut out[i];
            d.of += 1;
            if crate::check::lookup_value(&record, &answer).and_then(toml::Value::as_bool)
                == Some(false)
            {
                d.count += 1;
                match d.components.iter_mut().find(|c| c.name == row.component) {
                    Some(c) => c.count += 1,
                    None => d.components.push(ComponentCount {
                        name: row.component.clone(),
                        count: 1,
                    }),
                }
            }
        }
    }
    for d in &mut out {
        d.components.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}

/// The report's uses as CSV, one row per record.
pub fn report_csv(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    csv_line(
        out,
        &[
            "component",
            "id",
            "title",
            "category",
            "stage",
            "status",
            "determination",
            "references",
            "review_by",
        ],
    )?;
    for c in &report.components {
        for u in &c.uses {
            csv_line(
                out,
                &[
                    c.name.clone(),
                    u.id.clone(),
                    u.title.clone(),
                    u.category.clone(),
                    u.stage.clone(),
                    u.status.to_string(),
                    u.determination.clone().unwrap_or_default(),
                    u.references.join("; "),
                    date(u.review_by),
                ],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod turnaround_tests {
    use super::Turnaround;

    #[test]
    fn the_median_and_the_90th_percentile_by_nearest_rank() {
        let t = Turnaround::of("C", vec![10, 1, 4, 7]).unwrap();
        assert_eq!((t.determinations, t.median_days, t.p90_days), (4, 5.5, 10));
        let t = Turnaround::of("C", (1..=10).collect()).unwrap();
        assert_eq!((t.median_days, t.p90_days), (5.5, 9));
        let t = Turnaround::of("C", vec![3]).unwrap();
        assert_eq!((t.median_days, t.p90_days), (3.0, 3));
        assert!(Turnaround::of("C", Vec::new()).is_none());
    }
}
