//! Engine benchmarks: load + check of questionnaires/baise.toml (read from disk, so the
//! current file is measured); one evaluation with the application timeline of complete
//! skill_to_title cases (eligible now; eligible with a higher level years ahead, the
//! longest look-ahead; ineligible until a later window); the re-evaluation after one more
//! answer (the wizard runs it after each answer); an empty interview.
//! Targets: load + check <= 5 ms; a complete case with its timeline <= 1 ms; an empty
//! interview <= 2 ms.

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
    let parse = |name: &str, src: &str| match input::parse_answers(&q, name, src, today) {
        Ok(a) => a,
        Err(e) => panic!(
            "{name} does not fit {file}: {}",
            e.first()
                .map(|e| e.render(guantong::text::Lang::En))
                .unwrap_or_default()
        ),
    };
    let answers = parse(&case_file, &case_src);
    // the same applicant as a technician of one year with 11 years as an advanced worker:
    // assistant now, intermediate two windows ahead (the next level is searched for)
    let upgrade = parse(
        "upgrade",
        &case_src
            .replace("skill_level = \"level3\"", "skill_level = \"level2\"")
            .replace(
                "skill_cert_date = 2022-03-01",
                "skill_cert_date = 2025-03-01\nlevel3_cert_date = 2015-05-01",
            ),
    );
    // certified in 2025: no window this year, qualifies in 2027
    let later = parse(
        "later",
        &case_src.replace(
            "skill_cert_date = 2022-03-01",
            "skill_cert_date = 2025-03-01",
        ),
    );
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
    for (name, a, want) in [
        ("evaluate_next_level_ahead", &upgrade, "next_level_on"),
        ("evaluate_qualifies_later", &later, "qualifies_on"),
    ] {
        let ev = eval::evaluate(&q, a, today);
        let v = ev.value(&q, want).unwrap_or(guantong::value::Value::Null);
        assert!(!v.is_null(), "{name}: {want} should be set");
        eprintln!("{name}: status {}, {want} {v}", ev.status.code());
        c.bench_function(name, |b| {
            b.iter(|| eval::evaluate(black_box(&q), black_box(a), today))
        });
    }

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
