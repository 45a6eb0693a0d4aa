//! A questionnaire file, through the same entry points as `tests/fuzz.rs`: loaded and
//! checked (`guantong check`'s output), and when it loads, evaluated with no answers, with
//! answers written from its own facts, with a seed answers file, and through its
//! migrations, with every report and view built.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/harness.rs"]
mod harness;

const ANSWERS: &str = include_str!("../../tests/fuzz/corpus/answers/full-eligible.toml");

fuzz_target!(|data: &[u8]| {
    // the program reads files through `diag::read_limited`, which refuses what is not
    // UTF-8 before any parser sees it
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    // the answers written from the questionnaire's facts depend on the input only
    let mut rng = harness::Rng(data.len() as u64);
    harness::questionnaire_input(src, ANSWERS, &mut rng);
});
