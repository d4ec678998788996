//! Values.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use toml::Value;

use super::matching::norm_str;
use crate::form::{Field, Form};

/// A date as filings write it: the form's format, ISO, 6/12/2018, June 12, 2018.
pub(super) fn parse_date(s: &str, form: &Form) -> Option<NaiveDate> {
    let t = s.trim().trim_end_matches(['.', ',']);
    let formats = [
        form.date_format.as_str(),
        "%Y-%m-%d",
        "%m/%d/%Y",
        "%m/%d/%y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
    ];
    // A four-digit year read from two digits ("6/12/18" as %Y) is the year 18: not a filing's.
    formats
        .iter()
        .filter_map(|f| NaiveDate::parse_from_str(t, f).ok().map(|d| (f, d)))
        .find(|(f, d)| !f.contains("%Y") || d.year() >= 1000)
        .map(|(_, d)| d)
}

pub(super) fn toml_date(d: NaiveDate) -> Value {
    match d.to_string().parse::<toml::value::Datetime>() {
        Ok(dt) => Value::Datetime(dt),
        Err(_) => Value::String(d.to_string()),
    }
}

/// The choice whose printed wording (or value) the text is.
pub(super) fn choice_by_label(f: &Field, text: &str) -> Option<String> {
    let t = norm_str(text);
    f.choices
        .iter()
        .find(|c| norm_str(&c.label) == t || norm_str(&c.value) == t)
        .map(|c| c.value.clone())
}

pub(super) fn yes_no(s: &str) -> Option<bool> {
    match norm_str(s).as_str() {
        "yes" | "true" | "x" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// A field's anchoring pattern (without `^…$`), to find its value inside prose.
pub(super) fn search_pattern(f: &Field) -> Option<Regex> {
    let p = f.pattern.as_deref()?;
    let inner = p.trim_start_matches('^').trim_end_matches('$');
    // Alternatives inside the anchors that admit markup are of no use in prose.
    let inner = inner
        .strip_prefix(r"(\[\[.*\]\]|")
        .map_or(inner.to_string(), |r| format!("({}", r));
    Regex::new(&inner).ok()
}

pub(super) fn month_date(s: &str) -> Option<NaiveDate> {
    MONTH_DATE
        .find(s)
        .and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%B %d, %Y").ok())
}

/// A date as prose writes it: June 7, 2012.
static MONTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}",
    )
    .expect("valid")
});
