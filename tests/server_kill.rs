//! The server killed in the middle of a push (its own test binary: the one server it
//! kills is its own). `pg_ctl stop -m immediate` ends every server process at once, as a
//! crash does: a batch inserted but not committed is rolled back, one committed stays.
//! The next sync goes on from the server's last record: nothing lost, nothing twice.

mod server_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use guantong::case::log::{CaseLog, CaseLogAppend};
use guantong::server::log::ServerLog;
use guantong::server::{ServerError, sync, verify};
use jiff::civil::date;
use server_common::*;

#[test]
fn the_server_killed_mid_push_then_sync_again_loses_nothing_and_pushes_nothing_twice() {
    let b = bureau("kill");
    let role = b.office("451002");
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let o = open_office(&tmp.path().join("a"), "451002", 1);
    let cases: Vec<Case> = (0..1200)
        .map(|i| {
            (
                Kind::Intermediate,
                date(2026, 6, 15),
                format!("申请人{i}"),
                id_for(i),
            )
        })
        .collect();
    o.sign(&q, &cases);
    let held = || {
        let mut c = b.client("postgres");
        let r = c
            .query_one(
                "SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0) FROM guantong.records",
                &[],
            )
            .unwrap();
        (r.get::<_, i64>(0), r.get::<_, i64>(1), r.get::<_, i64>(2))
    };

    // 1. killed between a batch's INSERT and its COMMIT (the fourth batch, 301..400)
    let killed = Arc::new(AtomicBool::new(false));
    let k = killed.clone();
    let e = sync::sync(
        &o.store,
        b.connect(&role),
        &b.key,
        None,
        100,
        |_| {},
        Some(Box::new(move |batch| {
            if batch[0].seq == 301 && !k.swap(true, Ordering::SeqCst) {
                pg().stop("immediate");
            }
        })),
    )
    .unwrap_err();
    assert!(killed.load(Ordering::SeqCst));
    assert!(matches!(e, ServerError::Unreachable { .. }), "{e}");
    pg().start();
    assert_eq!(
        held(),
        (300, 300, 300),
        "the batch in flight was rolled back"
    );

    // 2. killed right after a batch committed (the client had its answer)
    let killed = Arc::new(AtomicBool::new(false));
    let k = killed.clone();
    let e = sync::sync(
        &o.store,
        b.connect(&role),
        &b.key,
        None,
        100,
        move |batch| {
            if batch[0].seq == 501 && !k.swap(true, Ordering::SeqCst) {
                pg().stop("immediate");
            }
        },
        None,
    )
    .unwrap_err();
    assert!(matches!(e, ServerError::Unreachable { .. }), "{e}");
    pg().start();
    assert_eq!(held(), (600, 600, 600), "the committed batch stayed");

    // 3. again, undisturbed: the rest, once
    let out = sync::sync(&o.store, b.connect(&role), &b.key, None, 100, |_| {}, None).unwrap();
    assert_eq!((out.pushed, out.held), (600, 1200));
    assert_eq!(held(), (1200, 1200, 1200));
    let origin = o.store.origin().unwrap();
    let mut log = ServerLog::new(b.connect(&role), &origin, "451002", None);
    assert_eq!(log.chain_of(&origin).unwrap(), o.store.chain().unwrap());
    let cmp = verify::compare_logs(&o.store, &log).unwrap();
    assert!(cmp.problems.is_empty(), "{:?}", cmp.problems);
    // and the search columns exist once per record
    let n: i64 = b
        .client("postgres")
        .query_one("SELECT count(*) FROM guantong.cases", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1200);
}
