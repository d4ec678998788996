//! `check`: validate records against their forms. Every problem of every record is collected as
//! a [`Finding`] pointing into the TOML (file, line, column, caret) with a stable code and a hint;
//! nothing here stops at the first error, panics on bad input, or reads the clock.
//!
//! The walk is generic: what is required, what type an answer has, which choices exist, which
//! rules apply — all of it comes from the [`Form`].

mod cache;
mod component;
mod conditions;
mod model;
mod read;
mod release;
mod run;
mod targets;
mod walk;

pub use cache::check_targets_cached;
pub use conditions::{lookup, lookup_value, question_ref};
pub use model::{CheckOptions, CheckReport, Ctx, RecordCheck, Target, CODES, MAX_RECORD_BYTES};
pub use read::read_record;
pub use run::{check_file, check_targets, check_text};
pub use targets::targets;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Register;
    use chrono::NaiveDate;

    const MINIMAL: &str = include_str!("../../tests/fixtures/valid/minimal.toml");

    fn findings(text: &str) -> Vec<(String, usize, usize, String)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(crate::register::SETTINGS_FILE),
            crate::create::settings_text("Test", false),
        )
        .unwrap();
        let reg = Register::open(dir.path()).unwrap();
        let opts = CheckOptions {
            today: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            warn_pii: false,
        };
        check_text(&reg, text, "records/x/record.toml", None, &opts)
            .into_iter()
            .filter(|f| f.code != "SM030") // the attachment: no folder in this test
            .map(|f| (f.code, f.line, f.column, f.hint.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_valid_record_has_no_findings() {
        assert_eq!(findings(MINIMAL), []);
    }

    #[test]
    fn a_misspelled_key_is_found_where_it_is_with_the_key_meant() {
        let f = findings(&MINIMAL.replace("it_systems =", "it_sytems ="));
        // The answer the form asks for is missing from its table, and the key written is not one.
        assert_eq!(
            f,
            [
                (
                    "SM005".into(),
                    5,
                    1,
                    "add `it_systems = \"…\"` under [summary]".into()
                ),
                ("SM002".into(), 8, 1, "did you mean `it_systems`?".into()),
            ]
        );
    }

    #[test]
    fn a_syntax_error_stops_the_checks_and_says_where() {
        let f = findings("form = \"dhs-smout\"\ntitle = \"unclosed\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0.as_str(), f[0].1), ("SM001", 2));
    }

    #[test]
    fn a_launch_in_the_future_is_found_with_the_forms_hint() {
        let f = findings(&MINIMAL.replace("launched = 2020-03-01", "launched = 2025-03-01"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "SM009");
        assert_eq!(
            f[0].3,
            "today is 2024-01-01; a use that has not launched yet is in development"
        );
    }
}
