//! Tampering: change one byte of a stored record, delete one, swap two; `verify` names
//! each case and exits 1.

mod store_common;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use store_common::*;

/// A store with six signed cases; returns (data dir, config dir, numbers).
fn make_store(root: &Path) -> (PathBuf, PathBuf, Vec<String>) {
    let data = root.join("data");
    let cfg = fixed_config(root);
    let numbers = (0..6)
        .map(|i| {
            let answers = if i % 2 == 0 {
                "eligible.toml"
            } else {
                "ineligible.toml"
            };
            sign(&data, &cfg, &fixture(answers), &format!("张三{i}"))
        })
        .collect();
    (data, cfg, numbers)
}

/// Open the raw database as an attacker would, lifting the append-only triggers.
fn attacker(data: &Path) -> Connection {
    let c = Connection::open(data.join("guantong.db")).unwrap();
    c.execute_batch("DROP TRIGGER cases_immutable_update; DROP TRIGGER cases_immutable_delete;")
        .unwrap();
    c
}

fn verify(data: &Path, cfg: &Path) -> (bool, String) {
    let o = run(data, cfg, &["cases", "verify"]);
    (o.status.success(), stdout(&o) + &stderr(&o))
}

#[test]
fn untouched_store_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = make_store(tmp.path());
    let (ok, out) = verify(&data, &cfg);
    assert!(ok, "{out}");
}

#[test]
fn one_changed_byte_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    // One byte of the applicant's name inside the signed record: 张三2 -> 张三3.
    let changed = c
        .execute(
            "UPDATE cases SET body = replace(body, '\"name\":\"张三2\"', '\"name\":\"张三3\"')
             WHERE number = ?1",
            [&n[2]],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(c);
    let (ok, out) = verify(&data, &cfg);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("{}: 被改动", n[2])), "{out}");
    for (i, other) in n.iter().enumerate() {
        if i != 2 {
            assert!(
                !out.contains(&format!("{other}:")),
                "only {} is named: {out}",
                n[2]
            );
        }
    }
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_byte_flipped_in_the_file_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    // Flip a byte in the database file itself, inside the signed body of case 4 (its
    // applicant's name occurs in no other record).
    let store = guantong::case::Store::open(&data).unwrap();
    let rec = store.get_case(&n[4]).unwrap();
    drop(store);
    let path = data.join("guantong.db");
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = "\"name\":\"张三4\"";
    let pos = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .expect("record body in the file");
    let last_digit = pos + needle.len() - 2; // the "4"
    bytes[last_digit] = if bytes[last_digit] == b'9' {
        b'8'
    } else {
        b'9'
    };
    std::fs::write(&path, bytes).unwrap();
    let (ok, out) = verify(&data, &cfg);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("{}: 被改动", n[4])), "{out}");
    assert_eq!(out.matches(": 被").count(), 1, "only one case named: {out}");
    assert!(!rec.sha256.is_empty());
}

#[test]
fn a_deleted_case_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    c.execute("DELETE FROM cases WHERE number = ?1", [&n[3]])
        .unwrap();
    c.execute("DELETE FROM case_index WHERE number = ?1", [&n[3]])
        .unwrap();
    drop(c);
    let (ok, out) = verify(&data, &cfg);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("{}: 被删除", n[3])), "{out}");
}

#[test]
fn the_deleted_latest_case_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    c.execute("DELETE FROM cases WHERE number = ?1", [&n[5]])
        .unwrap();
    c.execute("DELETE FROM case_index WHERE number = ?1", [&n[5]])
        .unwrap();
    drop(c);
    let (ok, out) = verify(&data, &cfg);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("{}: 被删除", n[5])), "{out}");
}

#[test]
fn swapped_cases_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    for table in ["cases", "case_index"] {
        c.execute_batch(&format!(
            "UPDATE {table} SET seq = -1 WHERE seq = 2;
             UPDATE {table} SET seq = 2 WHERE seq = 3;
             UPDATE {table} SET seq = 3 WHERE seq = -1;"
        ))
        .unwrap();
    }
    drop(c);
    let (ok, out) = verify(&data, &cfg);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("{}: 顺序被调换", n[1])), "{out}");
    assert!(out.contains(&format!("{}: 顺序被调换", n[2])), "{out}");
}

#[test]
fn direct_updates_and_deletes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = Connection::open(data.join("guantong.db")).unwrap();
    assert!(
        c.execute("DELETE FROM cases WHERE number = ?1", [&n[0]])
            .is_err()
    );
    assert!(
        c.execute("UPDATE cases SET body = '{}' WHERE number = ?1", [&n[0]])
            .is_err()
    );
    drop(c);
    let (ok, out) = verify(&data, &cfg);
    assert!(ok, "{out}");
}
