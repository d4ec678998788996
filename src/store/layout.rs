//! Where a register keeps its files: the names the store reads history by. The register's own
//! module re-exports them; the store needs them to follow records through history, and knows
//! nothing else of what the files say.

/// The settings file at the root of a register.
pub const SETTINGS_FILE: &str = "smout.toml";
/// The folder of records.
pub const RECORDS_DIR: &str = "records";
/// The file of a record inside its folder.
pub const RECORD_FILE: &str = "record.toml";
/// The file of determinations inside a record's folder.
pub const DETERMINATIONS_FILE: &str = "determinations.toml";

/// `records/<id>/record.toml`, relative to the register.
pub fn record_rel(id: &str) -> String {
    format!("{RECORDS_DIR}/{id}/{RECORD_FILE}")
}

/// `records/<id>/determinations.toml`, relative to the register.
pub fn determinations_rel(id: &str) -> String {
    format!("{RECORDS_DIR}/{id}/{DETERMINATIONS_FILE}")
}
