//! Engine benchmarks: load + check of questionnaires/baise.toml (read from disk, so the
//! current file is measured); one evaluation of a complete skill_to_title case; the
//! re-evaluation after one more answer (the wizard's per-keystroke cost).
//! Targets: load + check < 5 ms; one evaluation < 50 µs.

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use guantong::eval::{self, input};
use guantong::questionnaire;
use jiff::civil::date;

fn read(rel: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let src = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    (path.display().to_string(), src)
}

fn engine(c: &mut Criterion) {
    let (file, src) = read("questionnaires/baise.toml");
    c.bench_function("load_check_baise", |b| {
        b.iter(|| questionnaire::load_str(black_box(&file), black_box(&src)))
    });

    let q = match questionnaire::load_str(&file, &src) {
        Ok(q) => q,
        Err(d) => panic!("{file} does not load: {d:?}"),
    };
    let today = date(2026, 6, 15);
    let (case_file, case_src) = read("tests/fixtures/bench_case.toml");
    let answers = match input::parse_answers(&q, &case_file, &case_src, today) {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "skipping the evaluation benches: {case_file} does not fit {file} \
                 (a placeholder questionnaire?): {}",
                e.first().map(|e| e.to_string()).unwrap_or_default()
            );
            return;
        }
    };
    let ev = eval::evaluate(&q, &answers, today);
    eprintln!(
        "bench case: status {}, {} facts, {} rules, {} answers",
        ev.status.code(),
        q.facts.len(),
        q.rules.len(),
        answers.len()
    );

    c.bench_function("evaluate_complete_case", |b| {
        b.iter(|| eval::evaluate(black_box(&q), black_box(&answers), today))
    });

    // the last answered fact in interview order is the "one more answer"
    let (last_id, last_value) = q
        .facts
        .iter()
        .rev()
        .find_map(|f| answers.get(&f.id).map(|v| (f.id.clone(), v.clone())))
        .expect("the bench case answers some fact");
    let mut before = answers.clone();
    before.remove(&last_id);
    eprintln!("one more answer: `{last_id}`");
    c.bench_function("reevaluate_after_one_more_answer", |b| {
        b.iter_batched(
            || before.clone(),
            |mut a| {
                a.insert(last_id.clone(), last_value.clone());
                eval::evaluate(black_box(&q), &a, today)
            },
            BatchSize::SmallInput,
        )
    });

    c.bench_function("evaluate_empty_interview", |b| {
        let empty = Default::default();
        b.iter(|| eval::evaluate(black_box(&q), black_box(&empty), today))
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
