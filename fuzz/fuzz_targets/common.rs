//! One throw-away register for every run of a target.

use std::sync::OnceLock;

use smout::register::Register;
use smout::render::Templates;

/// The date type `check` takes.
pub type Date = chrono::NaiveDate;

/// A fixed "today", so findings do not change with the clock.
#[allow(dead_code)]
pub fn today() -> Date {
    Date::from_ymd_opt(2026, 11, 22).expect("a date")
}

/// The register and the built-in templates.
pub fn register() -> (&'static Register, &'static Templates) {
    static R: OnceLock<(tempfile::TempDir, Register, Templates)> = OnceLock::new();
    let (_, reg, templates) = R.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("smout.toml"), "name = \"fuzz\"\n").expect("settings");
        std::fs::create_dir_all(dir.path().join("records")).expect("records");
        let reg = Register::open(dir.path()).expect("a register");
        let templates = Templates::load(None).expect("built-in templates");
        (dir, reg, templates)
    });
    (reg, templates)
}
