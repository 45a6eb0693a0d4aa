//! Concurrency: 8 processes, each signing off 50 cases one after another through
//! `guantong cases sign`, on one database and with one (not yet created) clerk key.

mod store_common;

use std::collections::BTreeSet;

use guantong::case::{CaseFilter, Store};
use store_common::*;

#[test]
fn eight_processes_fifty_sign_offs_each() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = tmp.path().join("config"); // no key yet: the first sign-offs race to make it
    let answers = fixture("eligible.toml");
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (data, cfg, answers) = (data.clone(), cfg.clone(), answers.clone());
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| sign(&data, &cfg, &answers, &format!("申请人{w}-{i}")))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let numbers: Vec<String> = workers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(numbers.len(), 400);
    let distinct: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(distinct.len(), 400, "case numbers must be unique");
    let year = guantong::cli::today().year();
    let expected: BTreeSet<String> = (1..=400)
        .map(|i| format!("{PREFIX}-{OFFICE}-{year}-{i:06}"))
        .collect();
    assert_eq!(
        distinct.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );

    let o = run(&data, &cfg, &["cases", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("400"));
    let store = Store::open(&data).unwrap();
    store.integrity_check().unwrap();
    let all = store
        .list_cases(&CaseFilter {
            limit: 0,
            ..CaseFilter::default()
        })
        .unwrap();
    assert_eq!(all.len(), 400);
    // One key: every process used the same clerk key.
    assert_eq!(store.registered_keys().unwrap().len(), 1);
}
