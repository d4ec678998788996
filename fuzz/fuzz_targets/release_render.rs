//! Any bytes as a record: rendering its release copy in every format must not panic, nor print
//! a `ZQX…` token that the release copy of the record withholds (seed the corpus with records
//! whose exempt text is such tokens, e.g. from tests/fuzz_mutations.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (reg, templates) = common::register();
        if let Err(leak) = smout::fuzz::exercise(reg, templates, text, true) {
            panic!("{leak}");
        }
    }
});

mod common;
