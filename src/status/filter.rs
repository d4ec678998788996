//! Which rows a listing shows: `--due-within`, `--status`, `--component`, `--cites`.

use chrono::NaiveDate;

use super::row::RecordStatus;
use super::state::Status;
use crate::duration::Period;

/// The filters of a listing; an empty one keeps every row.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only rows whose review-by or retention date falls within this period from today (or has
    /// passed), soonest first.
    pub due_within: Option<Period>,
    /// Only rows with one of these statuses.
    pub statuses: Vec<Status>,
    /// Only rows whose component contains this text (any case).
    pub component: Option<String>,
    /// Only rows citing one of these PIAs or SORNs (`DHS/ICE/PIA-055`, any case or spacing):
    /// every record a changed or retired document touches.
    pub cites: Vec<String>,
    /// Only records waiting on someone (submitted or appealed: the Privacy Office; not yet met
    /// or not authorized: the program), longest waiting first.
    pub open: bool,
}

/// A document's id as citations are compared: upper case, without spaces.
fn cited(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

impl Filter {
    /// `rows` as the filter keeps them, as of `today`.
    pub fn apply(&self, mut rows: Vec<RecordStatus>, today: NaiveDate) -> Vec<RecordStatus> {
        if let Some(p) = self.due_within {
            let limit = p.after(today);
            rows.retain(|r| r.attention_date().is_some_and(|d| d <= limit));
            rows.sort_by_key(|r| r.attention_date());
        }
        if !self.statuses.is_empty() {
            rows.retain(|r| self.statuses.contains(&r.status));
        }
        if let Some(c) = &self.component {
            let c = c.to_lowercase();
            rows.retain(|r| r.component.to_lowercase().contains(&c));
        }
        if self.open {
            rows.retain(|r| r.waiting.is_some());
            rows.sort_by_key(|r| std::cmp::Reverse(r.waiting.as_ref().map(|w| w.days)));
        }
        if !self.cites.is_empty() {
            let wanted: Vec<String> = self.cites.iter().map(|c| cited(c)).collect();
            rows.retain(|r| r.references.iter().any(|x| wanted.contains(&cited(x))));
        }
        rows
    }

    /// What the filter asks, as the command line says it (`--status due --cites DHS/…`).
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.statuses.is_empty() {
            let words: Vec<&str> = self.statuses.iter().map(|s| s.word()).collect();
            out.push(format!("--status {}", words.join(",")));
        }
        if let Some(c) = &self.component {
            out.push(format!("--component {c:?}"));
        }
        if self.open {
            out.push("--open".into());
        }
        for c in &self.cites {
            out.push(format!("--cites {c}"));
        }
        out
    }
}
