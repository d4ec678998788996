//! Any bytes as a record: `check` and the release check must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (reg, _) = common::register();
        // Rendering is the other target's job: this one stays fast.
        let _ = smout::check::check_text(
            reg,
            text,
            "records/x/record.toml",
            None,
            &smout::check::CheckOptions {
                today: common::today(),
                warn_pii: true,
            },
        );
    }
});

mod common;
