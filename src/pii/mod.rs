//! The release check (`check --release`): warn about personally identifiable information that a
//! FOIA or public release would show because nobody marked it. The kinds follow CBP Directive
//! 1450-027: footnote 4's PII (SM050) — names, e-mail addresses, telephone numbers, IP and device
//! identifiers, dates and places of birth, mother's maiden names, licence plates, VINs, and
//! financial, medical, criminal, employment and education information — and footnote 6's
//! sensitive PII (SM051): Social Security, Alien Registration, passport, driver's licence,
//! account and payment card numbers, and biometric identifiers.

mod detect;
mod fields;
pub mod names;
mod scan;

pub use detect::passages;
pub use fields::{collect_record_names, withheld_fields};
pub use scan::{determination_field, fold, reviewer_names, scan, scan_determinations};
