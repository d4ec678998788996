//! `report`: the inventory a Privacy Office keeps — per component, each use with its category,
//! stage, status, latest determination, PIA/SORN coverage and review date; totals per status.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::status::{RecordStatus, Status};

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
    Report {
        register: register.to_string(),
        date: date.to_string(),
        banner: banner.to_string(),
        components: by
            .into_iter()
            .map(|(name, uses)| ComponentReport { name, uses })
            .collect(),
        totals,
        count,
    }
}
