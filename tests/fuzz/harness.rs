//! What a hostile file goes through, shared by `tests/fuzz.rs` (the bounded run in
//! `cargo test`) and the `cargo fuzz` targets under `fuzz/` (included there by path): the
//! same entry points the program uses, nothing mocked.
//!
//! - a questionnaire: `questionnaire::load_str`, then `guantong check`'s output (text and
//!   JSON, made terminal-safe); on success, answers parsed against it
//!   (`eval::input::parse_answers`), `eval::evaluate`, the reports `evaluate` prints, the
//!   outcome screen's view, the interview flow, a scenario run (`guantong test`) and the
//!   carrying over of earlier answers (`cases recheck`, resumed drafts);
//! - an answers file: the same, against a loaded questionnaire.
//!
//! Nothing here asserts on what comes out: the callers check that nothing panics (and
//! the bounded test how long it takes). Outputs are consumed through `black_box` so that
//! the work is done.

#![allow(dead_code)]

use std::hint::black_box;
use std::path::Path;

use guantong::cli::check::{self, CheckFormat};
use guantong::diag::Diagnostic;
use guantong::eval::{self, flow, input, migrate, report, view};
use guantong::questionnaire::{self, FactKind, Questionnaire};
use guantong::text::Lang;
use guantong::value::{Answers, Value};
use guantong::{safe, scenario};
use jiff::civil::Date;

/// The clock for evaluation (fixed, so that every run of an input does the same work).
pub const TODAY: Date = jiff::civil::date(2026, 6, 15);

/// `guantong check` on `src`: the diagnostics printed as text and as JSON. Returns the
/// questionnaire when it loads.
pub fn load(src: &str) -> Option<Questionnaire> {
    let file = "fuzz.toml";
    let r = questionnaire::load_str(file, src);
    let diags: &[Diagnostic] = match &r {
        Ok(q) => &q.warnings,
        Err(d) => d,
    };
    for lang in [Lang::Zh, Lang::En] {
        black_box(safe::text(&check::render(file, diags, CheckFormat::Text, lang)).len());
        black_box(safe::json(&check::render(file, diags, CheckFormat::Json, lang)).len());
    }
    r.ok()
}

/// Parse `src` as an answers file for `q` and, when it parses, evaluate it and build every
/// output `evaluate`, the wizard and `test` build from it.
pub fn answers(q: &Questionnaire, src: &str) {
    match input::parse_answers(q, "answers.toml", src, TODAY) {
        Ok(a) => outputs(q, &a),
        Err(errors) => {
            // what `evaluate` prints for them
            for e in &errors {
                black_box(safe::text(&e.render(Lang::Zh)).len());
            }
        }
    }
    // `guantong test`: the same text as a scenario file
    let outcome = scenario::run_str(q, Path::new("scenario.toml"), src, TODAY, Lang::Zh);
    black_box(outcome.passed());
    for m in &outcome.mismatches {
        black_box(safe::text(&format!("{}: {} / {}", m.key, m.expected, m.actual)).len());
    }
}

/// Evaluate `a` and build the JSON and text reports, the outcome view (both languages) and
/// walk the interview flow, as `evaluate`, the wizard and the printout do.
pub fn outputs(q: &Questionnaire, a: &Answers) {
    let ev = eval::evaluate(q, a, TODAY);
    let json = serde_json::to_string_pretty(&report::to_json(q, &ev)).unwrap_or_default();
    black_box(safe::json(&json).len());
    for lang in [Lang::Zh, Lang::En] {
        black_box(safe::text(&report::to_text(q, &ev, lang)).len());
        let v = view::build(q, &ev, lang);
        black_box(v.headline());
        black_box(v.blockers().count());
    }
    // the wizard's walk: forwards from the start, then back; bounded by the fact count
    let mut at = flow::next(&ev, None);
    let mut steps = 0;
    while let Some(i) = at {
        black_box(flow::progress(&ev, i));
        steps += 1;
        if steps > q.facts.len() {
            break;
        }
        at = flow::next(&ev, Some(i));
    }
    if let Some(last) = q
        .facts
        .len()
        .checked_sub(1)
        .and_then(|n| u16::try_from(n).ok())
    {
        black_box(flow::prev(&ev, last));
    }
}

/// The stored-case path: answers kept as JSON under an earlier version, carried over by
/// each of `q`'s migrations, read back as a stored case is, and evaluated.
pub fn recheck(q: &Questionnaire, stored: &Answers) {
    for m in &q.migrations {
        let moved = migrate::apply(q, &m.from, stored);
        black_box(moved.describe());
        let json = input::answers_to_json(&moved.answers);
        let (a, dropped) = input::answers_from_json(q, &json);
        black_box(dropped.len());
        let ev = eval::evaluate(q, &a, TODAY);
        black_box(report::to_json(q, &ev));
    }
}

/// A tiny deterministic generator (SplitMix64): the same seed gives the same inputs on
/// every machine, with no dependency.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        xs.get(self.below(xs.len()))
    }
}

/// An answers file for `q` written from its own facts (a choice of each enum, a date, a
/// number inside the range, text that fits the pattern, some facts left out), so that a
/// mutated questionnaire that still loads is evaluated on answers it accepts; and the
/// answers of an earlier version (every migration's old facts) for [`recheck`].
pub fn synth_answers(q: &Questionnaire, rng: &mut Rng) -> (String, Answers) {
    let dates = [
        "2026-06-15",
        "1988-05-20",
        "2022-03-01",
        "2000-02-29",
        "1966-12-31",
    ];
    let mut table = toml::Table::new();
    let mut stored = Answers::new();
    for f in &q.facts {
        if rng.chance(6) {
            continue;
        }
        let v = match f.kind {
            FactKind::Bool => Some(toml::Value::Boolean(rng.chance(2))),
            FactKind::Integer => {
                let lo = f.min.unwrap_or(0);
                let hi = f.max.unwrap_or(lo.saturating_add(40)).max(lo);
                let n = match rng.below(4) {
                    0 => lo,
                    1 => hi,
                    _ => lo.saturating_add((rng.next() % 12) as i64).min(hi),
                };
                Some(toml::Value::Integer(n))
            }
            FactKind::Date => rng
                .pick(&dates)
                .and_then(|d| d.parse::<toml::value::Datetime>().ok())
                .map(toml::Value::Datetime),
            FactKind::Text => {
                let id = "451002198805200012";
                let text = if f.pattern.as_ref().is_some_and(|p| p.is_match(id)) {
                    id
                } else {
                    *rng.pick(&["张三", "Nguyễn Văn A", "", "x"]).unwrap_or(&"x")
                };
                Some(toml::Value::String(text.to_string()))
            }
            FactKind::Enum => rng
                .pick(&f.choices)
                .map(|c| toml::Value::String(c.value.clone())),
            FactKind::EnumList => Some(toml::Value::Array(
                f.choices
                    .iter()
                    .filter(|_| rng.chance(2))
                    .map(|c| toml::Value::String(c.value.clone()))
                    .collect(),
            )),
        };
        if let Some(v) = v {
            if let Some(sv) = input::from_toml(&v) {
                stored.insert(f.id.clone(), sv);
            }
            table.insert(f.id.clone(), v);
        }
    }
    for m in &q.migrations {
        for (id, kind) in &m.old_facts {
            let v = match kind {
                FactKind::Bool => Value::Bool(rng.chance(2)),
                FactKind::Integer => Value::Int((rng.next() % 30) as i64),
                FactKind::Date => Value::str(rng.pick(&dates).unwrap_or(&"2026-06-15")),
                _ => Value::str("3"),
            };
            stored.insert(id.clone(), v);
        }
    }
    (toml::to_string(&table).unwrap_or_default(), stored)
}

/// Everything a questionnaire file goes through: loaded and checked; when it loads,
/// evaluated with no answers, with answers written from its own facts, with `answers_src`
/// (a seed answers file, perhaps mutated), and through its migrations.
pub fn questionnaire_input(src: &str, answers_src: &str, rng: &mut Rng) -> bool {
    let Some(q) = load(src) else {
        return false;
    };
    outputs(&q, &Answers::new());
    let (own, stored) = synth_answers(&q, rng);
    answers(&q, &own);
    answers(&q, answers_src);
    recheck(&q, &stored);
    true
}
