//! The bureau's server with 100,000 cases over 12 offices, on a PostgreSQL started here
//! (as the tests start theirs, but with fsync on): the first push of one office's 10,000
//! cases, the bureau's search by name and by ID number, the cross-office duplicate check
//! and the monthly report. Prints figures against the targets (push >= 2,000 records/s,
//! search < 200 ms, duplicate check < 50 ms, report < 2 s); not criterion: building the
//! data once takes most of the run. `GUANTONG_BENCH_CASES` changes the total.
//!
//! `cargo bench --bench server`

#[path = "../tests/server_common/mod.rs"]
mod server_common;

use std::time::{Duration, Instant};

use guantong::case::OfficeCode;
use guantong::server::bureau::{self, Query};
use guantong::server::report::{self, Month};
use guantong::server::sync;
use jiff::civil::date;
use server_common::*;

const OFFICES: [&str; 12] = [
    "451002", "451003", "451021", "451022", "451024", "451026", "451027", "451028", "451029",
    "451030", "451081", "451082",
];

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // SAFETY: before any thread starts.
    unsafe { std::env::set_var("GUANTONG_PG_FSYNC", "on") };
    let total: usize = std::env::var("GUANTONG_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let first = total / 10;
    let b = bureau("bench");
    let who = b.searcher();
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let kinds = [
        Kind::Intermediate,
        Kind::Assistant,
        Kind::Ineligible,
        Kind::Exam,
    ];
    let start = date(2025, 7, 1);
    let built = Instant::now();
    let mut stores = Vec::new();
    let mut next = 0usize;
    for (i, code) in OFFICES.iter().enumerate() {
        let n = if i == 0 {
            first
        } else {
            (total - first) / (OFFICES.len() - 1)
                + usize::from(i <= (total - first) % (OFFICES.len() - 1))
        };
        let role = b.office(code);
        let o = open_office(&tmp.path().join(code), code, 1 + i as u8);
        for chunk in (next..next + n).collect::<Vec<_>>().chunks(5000) {
            let cases: Vec<Case> = chunk
                .iter()
                .map(|&k| {
                    let day = start + jiff::Span::new().days((k % 365) as i64);
                    (kinds[k % 4], day, format!("申请人{k}"), id_for(k))
                })
                .collect();
            o.sign(&q, &cases);
        }
        next += n;
        stores.push((role, o, n));
    }
    eprintln!(
        "built {total} signed cases in {} stores in {:.1} s",
        OFFICES.len(),
        built.elapsed().as_secs_f64()
    );

    // 1. the first push of one office's cases (and, apart, what the client's own checks
    // of those records cost: reading, hash, Ed25519 signature)
    let (role, o, n) = &stores[0];
    let t = Instant::now();
    guantong::case::log::CaseLog::records_from(&o.store, 1, &mut |raw| {
        let c = guantong::case::record::check_seal(&raw);
        assert!(c.hash_ok && c.signature_ok);
        Ok(())
    })
    .unwrap();
    println!(
        "reading and checking one office's {n} records in the client: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let code = OfficeCode::parse(&o.code).unwrap();
    let t = Instant::now();
    let out = sync::sync(
        &o.store,
        b.connect(role),
        &b.key,
        Some(&code),
        sync::DEFAULT_BATCH,
        |_| {},
        None,
    )
    .unwrap();
    let push = t.elapsed();
    assert_eq!(out.pushed, *n);
    let rate = *n as f64 / push.as_secs_f64();
    println!(
        "first push of one office's {n} cases: {:.2} s, {rate:.0} records/s (target >= 2000)",
        push.as_secs_f64()
    );
    let t = Instant::now();
    for (role, o, _) in &stores[1..] {
        let code = OfficeCode::parse(&o.code).unwrap();
        sync::sync(
            &o.store,
            b.connect(role),
            &b.key,
            Some(&code),
            sync::DEFAULT_BATCH,
            |_| {},
            None,
        )
        .unwrap();
    }
    println!(
        "the other {} offices' {} cases: {:.1} s",
        OFFICES.len() - 1,
        total - n,
        t.elapsed().as_secs_f64()
    );
    b.client("postgres")
        .batch_execute("VACUUM ANALYZE")
        .unwrap();

    // 2. the bureau's search
    let mut s = b.connect(&who);
    let name = Query::Name(format!("申请人{}", total / 3));
    let by_name = time(21, || {
        bureau::search(&mut s, &b.key, &name, 50, false, "bench").unwrap()
    });
    let id = Query::Id(id_for(total / 3));
    let by_id = time(21, || {
        bureau::search(&mut s, &b.key, &id, 50, false, "bench").unwrap()
    });
    let found = bureau::search(&mut s, &b.key, &id, 50, false, "bench").unwrap();
    println!(
        "bureau search by name: {} ; by ID number: {} ({} cases found) (target < 200 ms)",
        ms(by_name),
        ms(by_id),
        found.len()
    );

    // 3. the cross-office duplicate check (open connection; and with connecting)
    let (role, o, _) = &stores[1];
    let mut so = b.connect(role);
    let who_id = id_for(total / 3);
    let dup = time(21, || {
        bureau::same_applicant(
            &mut so,
            &b.key,
            &who_id,
            2026,
            "store-test",
            Some(&o.code),
            "bench",
        )
        .unwrap()
    });
    let asker = bureau::Asker {
        url: guantong::server::ServerUrl::parse(&b.url(role), "bench").unwrap(),
        key: b.key.clone(),
        os_user: "bench".into(),
        timeout: Duration::from_secs(5),
    };
    let dup_connect = time(11, || {
        bureau::check(&asker, &o.store, Some(&who_id), 2026, "store-test")
    });
    println!(
        "cross-office duplicate check: {} on an open connection, {} connecting first (target < 50 ms)",
        ms(dup),
        ms(dup_connect)
    );

    // 4. the monthly report
    let june = Month::parse("2026-06").unwrap();
    let rep = time(5, || report::bureau(&mut s, june, "bench").unwrap());
    let r = report::bureau(&mut s, june, "bench").unwrap();
    let cat = guantong::questionnaire::catalogue::Catalogue::load(
        &guantong::questionnaire::catalogue::Spec {
            paths: vec![fixture("mini.toml")],
            default: None,
            given: None,
        },
    )
    .unwrap();
    let html = time(5, || {
        guantong::cli::report::html(&r, &cat, guantong::text::Lang::Zh, date(2026, 7, 1))
    });
    println!(
        "monthly report (bureau, {} cases in the month, 12-month trend): {} on the server, {} to HTML (target < 2 s)",
        r.total().cases,
        ms(rep),
        ms(html)
    );
}
