//! Sync to a real PostgreSQL (started by the tests, see server_common): offices pushing
//! concurrently, the roles' confinement, the server as the witness of a truncated or
//! rewritten store, a second store claiming a registered office, verify --server.

mod server_common;

use guantong::case::log::{CaseLog, CaseLogAppend};
use guantong::server::log::ServerLog;
use guantong::server::{ServerError, sync, verify};
use jiff::civil::date;
use server_common::*;

fn cases(n: usize, from: usize, kind: Kind) -> Vec<Case> {
    (from..from + n)
        .map(|i| (kind, date(2026, 6, 15), format!("申请人{i}"), id_for(i)))
        .collect()
}

fn push(b: &Bureau, role: &str, o: &Office, batch: usize) -> Result<sync::Outcome, ServerError> {
    sync::sync(&o.store, b.connect(role), &b.key, None, batch, |_| {}, None)
}

/// The server's copy of an office's chain.
fn server_chain(b: &Bureau, role: &str, o: &Office) -> Vec<guantong::case::ChainHead> {
    let mut log = ServerLog::new(b.connect(role), &o.store.origin().unwrap(), &o.code, None);
    log.chain_of(&o.store.origin().unwrap()).unwrap()
}

#[test]
fn two_offices_sign_and_sync_concurrently_every_record_once_chains_intact() {
    let b = bureau("two_offices");
    let roles = [b.office("451002"), b.office("451021")];
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    std::thread::scope(|s| {
        for (i, (code, role)) in ["451002", "451021"].iter().zip(&roles).enumerate() {
            let dir = tmp.path().join(code);
            let (b, q) = (&b, &q);
            s.spawn(move || {
                let o = open_office(&dir, code, 10 + i as u8);
                for round in 0..6 {
                    o.sign(q, &cases(17, 1000 * i + 17 * round, Kind::Intermediate));
                    let out = push(b, role, &o, 5).expect("sync");
                    assert_eq!(out.held, 17 * (round + 1));
                }
            });
        }
    });
    for (i, (code, role)) in ["451002", "451021"].iter().zip(&roles).enumerate() {
        let o = open_office(&tmp.path().join(code), code, 10 + i as u8);
        let local = o.store.chain().unwrap();
        let remote = server_chain(&b, role, &o);
        assert_eq!(local.len(), 102);
        assert_eq!(
            local, remote,
            "office {code}: the server's chain is the store's"
        );
        // the server's copy: every signature and link, every record once
        let log = ServerLog::new(b.connect(role), &o.store.origin().unwrap(), code, None);
        let cmp = verify::compare_logs(&o.store, &log).unwrap();
        assert!(cmp.problems.is_empty(), "{:?}", cmp.problems);
        assert_eq!((cmp.on_server, cmp.not_pushed), (102, 0));
    }
    let mut c = b.client("postgres");
    let row = c
        .query_one(
            "SELECT count(*), count(DISTINCT (origin, number)), count(DISTINCT origin)
             FROM guantong.records",
            &[],
        )
        .unwrap();
    assert_eq!(
        (
            row.get::<_, i64>(0),
            row.get::<_, i64>(1),
            row.get::<_, i64>(2)
        ),
        (204, 204, 2)
    );
    // the index rows were derived from every record
    let n: i64 = c
        .query_one("SELECT count(*) FROM guantong.cases", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 204);
    // a sync with nothing new pushes nothing
    let o = open_office(&tmp.path().join("451002"), "451002", 10);
    let out = push(&b, &roles[0], &o, 5).unwrap();
    assert_eq!((out.pushed, out.held), (0, 102));
}

/// Run `sql` as `role` and return the server's refusal (the test fails if it is accepted).
fn refused(
    c: &mut postgres::Client,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> String {
    match c.execute(sql, params) {
        Ok(n) => panic!("accepted ({n} rows): {sql}"),
        Err(e) => e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string()),
    }
}

#[test]
fn an_office_role_may_insert_only_its_own_origin_and_never_update_or_delete() {
    let b = bureau("confined");
    let ra = b.office("451002");
    let rb = b.office("451021");
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let a = open_office(&tmp.path().join("a"), "451002", 1);
    let o_b = open_office(&tmp.path().join("b"), "451021", 2);
    a.sign(&q, &cases(3, 0, Kind::Intermediate));
    o_b.sign(&q, &cases(3, 100, Kind::Assistant));
    push(&b, &ra, &a, 10).unwrap();
    push(&b, &rb, &o_b, 10).unwrap();
    let origin_a = a.store.origin().unwrap();
    let origin_b = o_b.store.origin().unwrap();
    let mut ca = b.client(&ra);
    // B's next record, made by B's key, pushed by A's role under B's origin
    o_b.sign(&q, &cases(1, 200, Kind::Assistant));
    let next_b = o_b
        .store
        .raw_case(&o_b.store.chain().unwrap()[3].number)
        .unwrap();
    let insert = "INSERT INTO guantong.records (origin, seq, number, body, sha256, signature)
                  VALUES ($1, $2, $3, $4, $5, $6)";
    let m = refused(
        &mut ca,
        insert,
        &[
            &origin_b,
            &next_b.seq,
            &next_b.number,
            &next_b.body.as_bytes(),
            &next_b.sha256,
            &next_b.signature,
        ],
    );
    assert!(m.contains("is not the store of office 451002"), "{m}");
    // the same record claimed for A's origin: its signed origin and office are B's
    let m = refused(
        &mut ca,
        insert,
        &[
            &origin_a,
            &4i64,
            &next_b.number,
            &next_b.body.as_bytes(),
            &next_b.sha256,
            &next_b.signature,
        ],
    );
    assert!(
        m.contains("number or position") || m.contains("signed origin"),
        "{m}"
    );
    // A's own next record with a gap, or bytes that do not match the hash
    a.sign(&q, &cases(2, 300, Kind::Intermediate));
    let chain = a.store.chain().unwrap();
    let fifth = a.store.raw_case(&chain[4].number).unwrap();
    let m = refused(
        &mut ca,
        insert,
        &[
            &origin_a,
            &fifth.seq,
            &fifth.number,
            &fifth.body.as_bytes(),
            &fifth.sha256,
            &fifth.signature,
        ],
    );
    assert!(m.contains("gap before position 5"), "{m}");
    let fourth = a.store.raw_case(&chain[3].number).unwrap();
    let forged = fourth.body.replace("申请人300", "申请人999");
    let m = refused(
        &mut ca,
        insert,
        &[
            &origin_a,
            &fourth.seq,
            &fourth.number,
            &forged.as_bytes(),
            &fourth.sha256,
            &fourth.signature,
        ],
    );
    assert!(m.contains("do not match their hash"), "{m}");
    // no UPDATE, DELETE or TRUNCATE for an office
    for sql in [
        "UPDATE guantong.records SET signature = 'x'",
        "DELETE FROM guantong.records",
        "TRUNCATE guantong.records",
        "UPDATE guantong.cases SET status = 'eligible'",
        "DELETE FROM guantong.audit",
        "UPDATE guantong.offices SET origin = 'x'",
    ] {
        let m = refused(&mut ca, sql, &[]);
        assert!(m.contains("permission denied"), "{sql}: {m}");
    }
    // a privilege granted by mistake still does not let it change a record: row-level
    // security gives it no row to change ...
    b.client("postgres")
        .batch_execute(&format!("GRANT UPDATE, DELETE ON guantong.records TO {ra}"))
        .unwrap();
    assert_eq!(
        ca.execute("UPDATE guantong.records SET signature = 'x'", &[])
            .unwrap(),
        0
    );
    assert_eq!(ca.execute("DELETE FROM guantong.records", &[]).unwrap(), 0);
    // ... and with a policy added by mistake too, the trigger refuses
    b.client("postgres")
        .batch_execute("CREATE POLICY oops ON guantong.records FOR ALL USING (true)")
        .unwrap();
    let m = refused(&mut ca, "UPDATE guantong.records SET signature = 'x'", &[]);
    assert!(m.contains("signed records cannot be changed"), "{m}");
    let m = refused(&mut ca, "DELETE FROM guantong.records", &[]);
    assert!(m.contains("signed records cannot be changed"), "{m}");
    b.client("postgres")
        .batch_execute("DROP POLICY oops ON guantong.records")
        .unwrap();
    // an office reads only its own origin's records
    let seen: Vec<String> = ca
        .query("SELECT DISTINCT origin FROM guantong.records", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seen, vec![origin_a.clone()]);
    // nothing changed: the server still holds 3 + 3, chains intact
    let mut owner = b.client("postgres");
    let n: i64 = owner
        .query_one("SELECT count(*) FROM guantong.records", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 6);
    // the legitimate push still goes through after all that
    assert_eq!(push(&b, &ra, &a, 10).unwrap().pushed, 2);
}

/// Open the store's database directly, as someone tampering with it would.
fn tamper(o: &Office, sql: &str) {
    let c = rusqlite::Connection::open(o.store.path()).unwrap();
    c.execute_batch(&format!(
        "DROP TRIGGER IF EXISTS cases_immutable_update;
         DROP TRIGGER IF EXISTS cases_immutable_delete;
         {sql}"
    ))
    .unwrap();
}

#[test]
fn a_truncated_or_rewritten_store_is_refused_naming_the_case() {
    let b = bureau("witness");
    let (r1, r2, r3) = (b.office("451002"), b.office("451021"), b.office("451022"));
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();

    // truncated: the newest three records gone after they were pushed
    let t = open_office(&tmp.path().join("t"), "451002", 1);
    let numbers = t.sign(&q, &cases(10, 0, Kind::Intermediate));
    push(&b, &r1, &t, 4).unwrap();
    tamper(
        &t,
        "DELETE FROM cases WHERE seq > 7; DELETE FROM case_index WHERE seq > 7;
                UPDATE meta SET value = (SELECT seq || ' ' || number || ' ' || sha256 FROM cases
                WHERE seq = 7) WHERE key = 'head';",
    );
    let e = push(&b, &r1, &t, 4).unwrap_err();
    assert!(matches!(e, ServerError::Disagree { .. }), "{e}");
    let m = e.to_string();
    assert!(m.contains(&numbers[7]) && m.contains("truncated"), "{m}");
    // ... and then kept signing: position 8 is another case now
    t.sign(&q, &cases(2, 50, Kind::Intermediate));
    let m = push(&b, &r1, &t, 4).unwrap_err().to_string();
    assert!(m.contains(&numbers[7]) && m.contains("rewritten"), "{m}");
    // nothing was pushed meanwhile
    assert_eq!(server_chain(&b, &r1, &t).len(), 10);

    // rewritten: an old record's content changed (hash recomputed, signature kept)
    let w = open_office(&tmp.path().join("w"), "451021", 2);
    let numbers = w.sign(&q, &cases(6, 100, Kind::Assistant));
    push(&b, &r2, &w, 100).unwrap();
    let raw = w.store.raw_case(&numbers[2]).unwrap();
    let body = raw.body.replace("申请人102", "申请人777");
    let sha = guantong::case::record::sha256_hex(body.as_bytes());
    let c = rusqlite::Connection::open(w.store.path()).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS cases_immutable_update; DROP TRIGGER IF EXISTS cases_immutable_delete;",
    )
    .unwrap();
    c.execute(
        "UPDATE cases SET body = ?1, sha256 = ?2 WHERE seq = 3",
        rusqlite::params![body, sha],
    )
    .unwrap();
    let m = push(&b, &r2, &w, 100).unwrap_err().to_string();
    assert!(m.contains(&numbers[2]) && m.contains("rewritten"), "{m}");
    // verify --server names it too
    let log = ServerLog::new(b.connect(&r2), &w.store.origin().unwrap(), "451021", None);
    let cmp = verify::compare_logs(&w.store, &log).unwrap();
    assert_eq!(cmp.problems.len(), 1, "{:?}", cmp.problems);
    assert_eq!(cmp.problems[0].number, numbers[2]);

    // a local record broken before it was ever pushed: the good ones before it go, it
    // does not, and the case is named
    let x = open_office(&tmp.path().join("x"), "451022", 3);
    let numbers = x.sign(&q, &cases(5, 200, Kind::Intermediate));
    tamper(
        &x,
        "UPDATE cases SET signature = replace(signature, substr(signature, 1, 2), 'ff') WHERE seq = 4;",
    );
    let e = push(&b, &r3, &x, 100).unwrap_err();
    assert!(matches!(e, ServerError::Broken { .. }), "{e}");
    assert!(e.to_string().contains(&numbers[3]), "{e}");
    assert_eq!(server_chain(&b, &r3, &x).len(), 3);
}

#[test]
fn a_second_store_claiming_a_registered_office_code_is_refused() {
    let b = bureau("second_store");
    let role = b.office("451002");
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let first = open_office(&tmp.path().join("1"), "451002", 1);
    first.sign(&q, &cases(2, 0, Kind::Intermediate));
    push(&b, &role, &first, 10).unwrap();
    let second = open_office(&tmp.path().join("2"), "451002", 2);
    second.sign(&q, &cases(2, 10, Kind::Intermediate));
    let m = push(&b, &role, &second, 10).unwrap_err().to_string();
    assert!(
        m.contains("office code 451002 is registered to another store"),
        "{m}"
    );
    assert!(m.contains("451002-2"), "{m}");
    // a role pushing a store of another office code is refused too
    let other = b.office("451021");
    let m = push(&b, &other, &first, 10).unwrap_err().to_string();
    assert!(m.contains("pushes for office 451021, not 451002"), "{m}");
    // and an office holding another ID-hash key
    let mut s = b.connect(&role);
    let e = sync::sync(
        &first.store,
        b.connect(&role),
        &guantong::server::IdKey::from_bytes([9; 32]),
        None,
        10,
        |_| {},
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("ID-hash key"), "{e}");
    assert_eq!(s.schema_version().unwrap(), 1);
}
