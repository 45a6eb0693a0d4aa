//! Case-store benchmarks on 100,000 signed cases: list the newest 50, search by name and
//! by ID number, export everything to CSV, one sign-off, one draft save.
//!
//! The store is built once per run in one transaction through the internal bulk API
//! (`Store::sign_off_many`): each case is still evaluated, canonicalised, signed and
//! chained exactly as a single sign-off is. `GUANTONG_BENCH_CASES` changes the count;
//! `GUANTONG_BENCH_KEEP=DIR` builds the store in DIR and keeps it (to time the CLI on it).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use guantong::case::export;
use guantong::case::{CaseFilter, Draft, SignOff, Store, store::clerk_key};
use guantong::eval::input;
use guantong::questionnaire::{self, Questionnaire};
use guantong::value::Value;
use jiff::civil::date;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store")
        .join(name)
}

/// A valid resident ID number for case `i`.
fn id_for(i: usize) -> String {
    let d = date(1960, 1, 1) + jiff::Span::new().days((i % 15000) as i64);
    let first17 = format!(
        "451021{:04}{:02}{:02}{:03}",
        d.year(),
        d.month(),
        d.day(),
        i % 1000
    );
    let check = guantong::idcard::check_digit(first17.as_bytes());
    format!("{first17}{check}")
}

struct Fixture {
    _tmp: tempfile::TempDir,
    store: Store,
    q: Questionnaire,
    total: usize,
}

fn build() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    // SAFETY: set before any thread starts.
    unsafe { std::env::set_var("GUANTONG_CONFIG_DIR", tmp.path().join("config")) };
    let total: usize = std::env::var("GUANTONG_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let q = questionnaire::load_file(&fixture("mini.toml")).unwrap();
    let data = std::env::var_os("GUANTONG_BENCH_KEEP")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("data"));
    let mut store = Store::open(&data).unwrap();
    store.set_office(Some(guantong::case::OfficeCode::parse("451002").unwrap()));
    let key = clerk_key().unwrap();
    let sources = ["eligible.toml", "ineligible.toml"].map(|f| {
        let src = std::fs::read_to_string(fixture(f)).unwrap();
        input::parse_answers(&q, f, &src, date(2026, 6, 15)).unwrap()
    });
    let started = Instant::now();
    let now = jiff::Timestamp::now();
    let chunk = 10_000;
    let mut done = 0;
    while done < total {
        let n = chunk.min(total - done);
        let items: Vec<SignOff> = (done..done + n)
            .map(|i| {
                let mut answers = sources[i % 2].clone();
                let id = id_for(i);
                answers.insert("id_number".into(), Value::str(&id));
                answers.insert("applicant_name".into(), Value::str(&format!("申请人{i}")));
                SignOff {
                    questionnaire: &q,
                    answers,
                    applicant_name: format!("申请人{i}"),
                    applicant_id: Some(id),
                    pledge_confirmed_at: now,
                    clerk_display_name: Some("基准测试".into()),
                    notes: None,
                    amends: None,
                    draft_id: None,
                    now,
                    today: date(2026, 6, 15),
                }
            })
            .collect();
        store.sign_off_many(&items, &key).unwrap();
        done += n;
    }
    let size = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "built {total} signed cases in {:.1} s ({} MB)",
        started.elapsed().as_secs_f64(),
        size / 1_000_000
    );
    Fixture {
        _tmp: tmp,
        store,
        q,
        total,
    }
}

fn benches(c: &mut Criterion) {
    let fx = build();
    let store = &fx.store;
    let mut g = c.benchmark_group("store_100k");
    g.sample_size(20);

    g.bench_function("list_newest_50", |b| {
        b.iter(|| {
            let v = store
                .list_cases(&CaseFilter {
                    limit: 50,
                    ..CaseFilter::default()
                })
                .unwrap();
            assert_eq!(v.len(), 50);
            black_box(v)
        })
    });
    let name = format!("申请人{}", fx.total / 3);
    g.bench_function("search_name", |b| {
        b.iter(|| {
            let v = store
                .list_cases(&CaseFilter {
                    search: Some(name.clone()),
                    limit: 50,
                    ..CaseFilter::default()
                })
                .unwrap();
            assert!(!v.is_empty());
            black_box(v)
        })
    });
    let id = id_for(fx.total / 2);
    g.bench_function("search_id_number", |b| {
        b.iter(|| {
            let v = store
                .list_cases(&CaseFilter {
                    search: Some(id.clone()),
                    limit: 50,
                    ..CaseFilter::default()
                })
                .unwrap();
            assert!(!v.is_empty());
            black_box(v)
        })
    });

    let q = &fx.q;
    let answers = {
        let src = std::fs::read_to_string(fixture("eligible.toml")).unwrap();
        input::parse_answers(q, "eligible.toml", &src, date(2026, 6, 15)).unwrap()
    };
    g.bench_function("sign_off_one", |b| {
        b.iter(|| {
            let now = jiff::Timestamp::now();
            black_box(
                store
                    .sign_off(&SignOff {
                        questionnaire: q,
                        answers: answers.clone(),
                        applicant_name: "张三丰".into(),
                        applicant_id: Some("11010519491231002X".into()),
                        pledge_confirmed_at: now,
                        clerk_display_name: None,
                        notes: None,
                        amends: None,
                        draft_id: None,
                        now,
                        today: date(2026, 6, 15),
                    })
                    .unwrap(),
            )
        })
    });
    let mut draft = Draft::new(q, "bench", jiff::Timestamp::now());
    draft.answers = answers.clone();
    let mut n = 0i64;
    g.bench_function("save_draft", |b| {
        b.iter(|| {
            n += 1;
            draft
                .answers
                .insert("skill_work_years".into(), Value::Int(n % 60));
            draft.updated_at = jiff::Timestamp::now();
            store.save_draft(&draft).unwrap();
        })
    });
    // The wizard's save: the questionnaire's copy kept in the same transaction (a no-op
    // once the store has it).
    g.bench_function("save_draft_with_copy", |b| {
        b.iter(|| {
            n += 1;
            draft
                .answers
                .insert("skill_work_years".into(), Value::Int(n % 60));
            draft.updated_at = jiff::Timestamp::now();
            store.save_draft_with(&draft, q).unwrap();
        })
    });

    g.sample_size(10);
    let names: Vec<String> = ["status", "missing"]
        .iter()
        .map(|s| s.to_string())
        .chain(q.results.iter().map(|r| r.name.clone()))
        .collect();
    let facts: Vec<String> = q.meta.summary.facts.iter().map(|f| f.id.clone()).collect();
    // masked, as an export is by default
    let policy = guantong::case::privacy::Policy::new(Some(q));
    g.bench_function("export_all_csv", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(32 << 20);
            out.extend_from_slice(export::BOM.as_bytes());
            out.extend_from_slice(
                export::csv_header(&facts, &names, Default::default()).as_bytes(),
            );
            let mut rows = 0usize;
            store
                .for_each_row(&CaseFilter::default(), |r| {
                    rows += 1;
                    let r = policy.mask_row(&r);
                    out.extend_from_slice(export::csv_row(&r, &facts, &names).as_bytes());
                    Ok(())
                })
                .unwrap();
            assert!(rows >= fx.total);
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(store, benches);
criterion_main!(store);
