//! An answers file (or scenario file), through the same entry points as `tests/fuzz.rs`:
//! parsed against the embedded Baise questionnaire and against the corpus's full
//! questionnaire (every feature of the format), evaluated, every report and view built,
//! and run as a scenario (`guantong test`).

#![no_main]

use std::sync::OnceLock;

use guantong::questionnaire::{self, Questionnaire};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz/harness.rs"]
mod harness;

const FULL: &str = include_str!("../../tests/fuzz/corpus/questionnaire/full.toml");

fn fixed() -> &'static [Questionnaire] {
    static QS: OnceLock<Vec<Questionnaire>> = OnceLock::new();
    QS.get_or_init(|| {
        [
            questionnaire::embedded(),
            questionnaire::load_str("full.toml", FULL),
        ]
        .into_iter()
        .filter_map(Result::ok)
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    // as the questionnaire target: what is not UTF-8 is refused when the file is read
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    for q in fixed() {
        harness::answers(q, src);
    }
});
