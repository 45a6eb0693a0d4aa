//! The attacks on the store issue 10 lists, each done as an attacker with write access to
//! the database would (the append-only triggers dropped first), and each now failing
//! `verify` with a message naming it. Before the anchors outside the store (receipts,
//! pinned keys, checkpoints), every one of them passed `verify` with exit 0.

mod store_common;

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use guantong::case::record::{self, ChainHead};
use guantong::case::verify::{Anchors, ProblemKind};
use guantong::case::{CaseRecord, Store, keys};
use rusqlite::Connection;
use store_common::*;

/// A store with six cases signed by the clerk of `cfg` (the fixed key), each sign-off
/// leaving its receipt in `cfg/receipts`.
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
    c.execute_batch(
        "DROP TRIGGER IF EXISTS cases_immutable_update; DROP TRIGGER IF EXISTS cases_immutable_delete;",
    )
        .unwrap();
    c
}

fn verify(data: &Path, cfg: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["cases", "verify"];
    args.extend_from_slice(extra);
    let o = run(data, cfg, &args);
    (o.status.code().unwrap_or(-1), stdout(&o) + &stderr(&o))
}

fn record_at(c: &Connection, seq: i64) -> CaseRecord {
    let body: String = c
        .query_row("SELECT body FROM cases WHERE seq = ?1", [seq], |r| r.get(0))
        .unwrap();
    serde_json::from_str(&body).unwrap()
}

fn head_at(c: &Connection, seq: i64) -> Option<ChainHead> {
    c.query_row(
        "SELECT seq, number, sha256 FROM cases WHERE seq = ?1",
        [seq],
        |r| {
            Ok(ChainHead {
                seq: r.get(0)?,
                number: r.get(1)?,
                sha256: r.get(2)?,
            })
        },
    )
    .ok()
}

/// Re-seal the records from position `from` on with `key` (registered in `clerk_keys`,
/// as a careful attacker would), after `edit`, keeping the chain, the index and the
/// recorded head consistent: a rewrite verify cannot see from the store alone.
fn resign(c: &Connection, from: i64, key: &SigningKey, edit: impl Fn(&mut CaseRecord)) {
    let last: i64 = c
        .query_row("SELECT max(seq) FROM cases", [], |r| r.get(0))
        .unwrap();
    let public = record::public_key_hex(key);
    for seq in from..=last {
        let mut rec = record_at(c, seq);
        edit(&mut rec);
        rec.clerk.public_key = public.clone();
        let prev = head_at(c, seq - 1);
        let raw = record::seal(&mut rec, prev.as_ref(), key).unwrap();
        c.execute(
            "INSERT OR IGNORE INTO clerk_keys (public_key, os_user, display_name, registered_at)
             VALUES (?1, ?2, NULL, '2026-01-01T00:00:00Z')",
            [&public, &rec.clerk.user],
        )
        .unwrap();
        c.execute(
            "UPDATE cases SET number = ?2, body = ?3, sha256 = ?4, signature = ?5 WHERE seq = ?1",
            rusqlite::params![seq, raw.number, raw.body, raw.sha256, raw.signature],
        )
        .unwrap();
        c.execute(
            "UPDATE case_index SET number = ?2, applicant_name = ?3, clerk = ?4 WHERE seq = ?1",
            rusqlite::params![seq, rec.number, rec.applicant.name, rec.clerk.user],
        )
        .unwrap();
        c.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'head'",
            [format!("{} {} {}", raw.seq, raw.number, raw.sha256)],
        )
        .unwrap();
    }
}

fn mallory() -> SigningKey {
    SigningKey::from_bytes(&[0x66; 32])
}

#[test]
fn an_untouched_store_verifies_against_its_receipts() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    // one receipt per sign-off, in the clerk's config directory, private
    let receipts: Vec<_> = std::fs::read_dir(cfg.join("receipts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(receipts.len(), 1, "one file for the store's origin");
    let text = std::fs::read_to_string(&receipts[0]).unwrap();
    assert_eq!(text.lines().count(), 6);
    assert!(text.lines().last().unwrap().contains(&n[5]));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&receipts[0])
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "receipts are private: {mode:o}");
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn dropping_the_triggers_and_re_signing_cases_3_to_6_with_a_new_key_fails_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    // case 3's applicant changed, 3..6 re-signed (and their key registered) so that the
    // chain, the index and the recorded head all agree
    resign(&c, 3, &mallory(), |r| {
        if r.seq == 3 {
            r.applicant.name = "李鬼".into();
        }
    });
    drop(c);
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 1, "{out}");
    for number in &n[2..] {
        assert!(
            out.contains(&format!("{number}: 签名人不可信")),
            "{number}: {out}"
        );
    }
    assert!(out.contains("不是用您的密钥签名的"), "{out}");
    // the receipts name the rewrite: the earliest receipt that no longer holds
    assert!(
        out.contains(&format!("{}: 被改动", n[2])) && out.contains("链在此处或之前被改写"),
        "{out}"
    );
    assert!(!out.contains(&format!("{}: 签名人不可信", n[1])), "{out}");
    // Claiming another user instead (one nobody pinned) is named as well.
    let c = attacker(&data);
    resign(&c, 3, &mallory(), |r| r.clerk.user = "mallory".into());
    drop(c);
    let o = run(&data, &cfg, &["--lang", "en", "cases", "verify"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "{}: signer not trusted: signed by an unknown key",
            n[3]
        )),
        "{out}"
    );
    assert!(
        out.contains("the chain was rewritten at or before it"),
        "{out}"
    );
}

#[test]
fn deleting_the_newest_cases_fails_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    c.execute_batch("DELETE FROM cases WHERE seq >= 5; DELETE FROM case_index WHERE seq >= 5;")
        .unwrap();
    // the recorded head set back too: the store alone looks whole
    let h = head_at(&c, 4).unwrap();
    c.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'head'",
        [format!("{} {} {}", h.seq, h.number, h.sha256)],
    )
    .unwrap();
    drop(c);
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("{}: 被删除", n[4])), "{out}");
    assert!(
        out.contains("案件库现只到第 4 位：最新的案件被截断或删除"),
        "{out}"
    );
}

#[test]
fn deleting_every_case_fails_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    c.execute_batch(
        "DELETE FROM cases; DELETE FROM case_index; DELETE FROM meta WHERE key = 'head';",
    )
    .unwrap();
    drop(c);
    let o = run(&data, &cfg, &["--lang", "en", "cases", "verify"]);
    let (code, out) = (o.status.code().unwrap_or(-1), stdout(&o));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("{}: removed:", n[0]))
            && out.contains(
                "the store now ends at position 0: the newest cases were truncated or deleted"
            ),
        "{out}"
    );
    assert!(
        out.contains("6 receipts or checkpoints in all disagree"),
        "{out}"
    );
}

#[test]
fn removing_one_from_the_middle_and_renumbering_fails_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    // case 3 removed; 4..6 moved up a place and renumbered (serials too), re-signed with a
    // key registered for the occasion, the index and the head to match
    c.execute_batch("DELETE FROM cases WHERE seq = 3; DELETE FROM case_index WHERE seq = 3;")
        .unwrap();
    for seq in 4..=6 {
        let number = n[(seq - 2) as usize].clone();
        c.execute(
            "UPDATE cases SET seq = ?1, number = ?2 WHERE seq = ?3",
            rusqlite::params![seq - 1, number, seq],
        )
        .unwrap();
        c.execute(
            "UPDATE case_index SET seq = ?1, number = ?2, serial = serial - 1 WHERE seq = ?3",
            rusqlite::params![seq - 1, number, seq],
        )
        .unwrap();
    }
    // (the body still says its old position: 4 now stands at 3, numbered as 3 was)
    resign(&c, 3, &mallory(), |r| {
        r.number = n[(r.seq - 2) as usize].clone()
    });
    drop(c);
    let store = Store::open(&data).unwrap();
    assert_eq!(store.numbers().unwrap().len(), 5);
    drop(store);
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 1, "{out}");
    // the receipt of the sixth sign-off: the chain now ends at 5
    assert!(
        out.contains(&format!("{}: 被删除", n[5])) && out.contains("现只到第 5 位"),
        "{out}"
    );
    // and the records at 3..5 were rewritten by a key pinned nowhere
    assert!(out.contains("链在此处或之前被改写"), "{out}");
    assert!(out.contains(&format!("{}: 签名人不可信", n[2])), "{out}");
}

/// A trusted-keys file pinning the clerk of `cfg` (this OS user) and a colleague, `li`,
/// with key `other`.
fn trusted_file(root: &Path, other: &SigningKey) -> PathBuf {
    let path = root.join("trusted_keys.toml");
    let mine = record::public_key_hex(&SigningKey::from_bytes(&[0x2a; 32]));
    std::fs::write(
        &path,
        format!(
            "[[clerk]]\nname = \"王小明\"\nuser = \"{}\"\nkey = \"{mine}\"\n\n[[clerk]]\nname = \"李四\"\nuser = \"li\"\nkey = \"{}\"\n",
            keys::os_user(),
            record::public_key_hex(other)
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    path
}

#[test]
fn records_signed_by_a_key_registered_to_another_os_user_fail_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let li = SigningKey::from_bytes(&[0x33; 32]);
    let trusted = trusted_file(tmp.path(), &li);
    // Li's key, in a config directory of its own, signs a case in this OS user's name
    // (the store registers it for that user: it proves nothing).
    let cfg_li = tmp.path().join("li");
    std::fs::create_dir_all(&cfg_li).unwrap();
    std::fs::write(cfg_li.join("signing.key"), hex::encode(li.to_bytes())).unwrap();
    let o = run_env(
        &data,
        &cfg_li,
        &[
            "cases",
            "sign",
            "--confirm-duplicate",
            "--questionnaire",
            fixture("mini.toml").to_str().unwrap(),
            "--answers",
            fixture("eligible.toml").to_str().unwrap(),
            "--applicant-name",
            "张三9",
            "--pledge-confirmed",
        ],
        &[("GUANTONG_OFFICE", Some(OFFICE))],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let forged = stdout(&o).trim().to_string();
    let with_trusted = [
        ("GUANTONG_OFFICE", Some(OFFICE)),
        ("GUANTONG_TRUSTED_KEYS", Some(trusted.to_str().unwrap())),
    ];
    let o = run_env(&data, &cfg, &["cases", "verify"], &with_trusted);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!("{forged}: 签名人不可信")) && out.contains("登记给了另一用户 li"),
        "{out}"
    );
    for number in &n {
        assert!(!out.contains(number.as_str()), "{number} is fine: {out}");
    }
    // Without the administrator's file, the clerk's own key still tells: not theirs.
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("{forged}: 签名人不可信")), "{out}");
    // Lists show the administrator's name for a pinned clerk, and mark a self-declared
    // one as such.
    std::fs::write(cfg.join("config.toml"), "clerk_name = \"小王\"\n").unwrap();
    let o = run_env(&data, &cfg, &["cases", "list"], &with_trusted);
    assert!(
        stdout(&o).contains(&format!("王小明（{}）", keys::os_user())),
        "{}",
        stdout(&o)
    );
    let o = run(&data, &cfg, &["cases", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(v["clerk_name_self_declared"], false, "{v}");
    // a receipt names the administrator's name when one is pinned
    let o = run_env(
        &data,
        &cfg,
        &[
            "cases",
            "sign",
            "--confirm-duplicate",
            "--questionnaire",
            fixture("mini.toml").to_str().unwrap(),
            "--answers",
            fixture("eligible.toml").to_str().unwrap(),
            "--applicant-name",
            "张三10",
            "--pledge-confirmed",
        ],
        &with_trusted,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let named = stdout(&o).trim().to_string();
    let r = std::fs::read_dir(cfg.join("receipts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let last = std::fs::read_to_string(r).unwrap();
    let last: serde_json::Value = serde_json::from_str(last.lines().last().unwrap()).unwrap();
    assert_eq!(last["signer"]["name"], "王小明");
    assert_eq!(last["signer"]["name_self_declared"], false);
    // without the administrator's file, the name the clerk gave themselves is marked so
    let o = run(&data, &cfg, &["cases", "show", &named]);
    assert!(stdout(&o).contains("小王（自称，"), "{}", stdout(&o));
}

#[test]
fn a_trusted_keys_file_others_can_write_stops_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = make_store(tmp.path());
    let trusted = trusted_file(tmp.path(), &mallory());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&trusted, std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = run_env(
        &data,
        &cfg,
        &["cases", "verify"],
        &[("GUANTONG_TRUSTED_KEYS", Some(trusted.to_str().unwrap()))],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("writable by others"), "{}", stderr(&o));
}

#[test]
fn forged_index_columns_fail_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    use_config(&cfg);
    let c = attacker(&data);
    let forgeries: &[(&str, &str)] = &[
        ("signed_at", "'2020-01-01T00:00:00Z'"),
        ("interview_date", "'2020-01-01'"),
        (
            "summary",
            "'[{\"kind\":\"fact\",\"id\":\"pathway\",\"value\":\"title_to_skill\"},{\"kind\":\"result\",\"id\":\"level\",\"value\":\"intermediate\"}]'",
        ),
        ("summary_keys", "'fact:pathway'"),
        ("clerk_name", "'局长'"),
        ("amends", "'ST-451002-2026-000001'"),
        ("clerk", "'li'"),
        ("applicant_name", "'李鬼'"),
        ("status", "'eligible'"),
        ("money", "9999"),
        ("results", "'{}'"),
        ("questionnaire_id", "'other'"),
        ("year", "1999"),
        ("serial", "77"),
    ];
    let store = Store::open(&data).unwrap();
    let anchors = Anchors::load(&store.origin().unwrap()).unwrap();
    for (col, value) in forgeries {
        let before: rusqlite::types::Value = c
            .query_row(
                &format!("SELECT {col} FROM case_index WHERE seq = 2"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        c.execute(
            &format!("UPDATE case_index SET {col} = {value} WHERE seq = 2"),
            [],
        )
        .unwrap();
        let (_, problems) = guantong::case::verify_with(&store, &anchors, || {}).unwrap();
        assert_eq!(problems.len(), 1, "{col}: {problems:?}");
        let p = &problems[0];
        assert_eq!(
            (p.number.as_str(), p.kind),
            (n[1].as_str(), ProblemKind::Altered)
        );
        assert!(
            p.detail.contains("index disagrees") && p.detail.ends_with(col),
            "{col}: {}",
            p.detail
        );
        c.execute(
            &format!("UPDATE case_index SET {col} = ?1 WHERE seq = 2"),
            [before],
        )
        .unwrap();
    }
    let (_, problems) = guantong::case::verify_with(&store, &anchors, || {}).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn phantom_index_rows_fail_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = make_store(tmp.path());
    let c = attacker(&data);
    c.execute(
        "INSERT INTO case_index (seq, number, year, serial, signed_at, interview_date,
            applicant_name, applicant_id, questionnaire_id, status, summary, money, clerk,
            clerk_name, amends, results, summary_keys)
         VALUES (99, 'ST-451002-2026-000099', 2026, 99, '2026-06-15T01:00:00Z', '2026-06-15',
            '幽灵', NULL, 'store-test', 'eligible', '[]', NULL, 'root', NULL, NULL, '{}', '')",
        [],
    )
    .unwrap();
    drop(c);
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("ST-451002-2026-000099: 虚假索引行: 列表索引第 99 位有此案件，但没有签名记录"),
        "{out}"
    );
    // and lists and exports do not show it
    let o = run(&data, &cfg, &["cases", "list", "--format", "json"]);
    assert!(!stdout(&o).contains("000099"), "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().count(), 6);
    let o = run(&data, &cfg, &["cases", "export", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 6);
}

#[test]
fn an_unreadable_record_is_named_and_verify_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let c = attacker(&data);
    // not UTF-8: case 3's body; and case 5 altered as well
    c.execute(
        "UPDATE cases SET body = CAST(X'7B226E616D65223A22FF227D' AS TEXT) WHERE seq = 3",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE cases SET body = replace(body, '\"name\":\"张三4\"', '\"name\":\"张三9\"')
         WHERE seq = 5",
        [],
    )
    .unwrap();
    drop(c);
    let (code, out) = verify(&data, &cfg, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "{}: 无法读取: 第 3 位的记录无法读取：body: not UTF-8",
            n[2]
        )),
        "{out}"
    );
    assert!(out.contains(&format!("{}: 被改动", n[4])), "{out}");
}

#[test]
fn a_checkpoint_kept_off_the_machine_names_what_the_store_alone_cannot() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = make_store(tmp.path());
    let o = run(&data, &cfg, &["cases", "checkpoint"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let checkpoint = tmp.path().join("checkpoint.jsonl");
    std::fs::write(&checkpoint, stdout(&o)).unwrap();
    let cp = checkpoint.to_str().unwrap();
    let (code, out) = verify(&data, &cfg, &["--checkpoint", cp]);
    assert_eq!(code, 0, "{out}");
    // Verified by someone without the clerk's receipts (another clerk, the bureau): the
    // last two cases deleted and the head set back pass, but not the checkpoint.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let c = attacker(&data);
    c.execute_batch("DELETE FROM cases WHERE seq >= 5; DELETE FROM case_index WHERE seq >= 5;")
        .unwrap();
    let h = head_at(&c, 4).unwrap();
    c.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'head'",
        [format!("{} {} {}", h.seq, h.number, h.sha256)],
    )
    .unwrap();
    drop(c);
    let trusted = trusted_file(tmp.path(), &mallory());
    let env = [("GUANTONG_TRUSTED_KEYS", Some(trusted.to_str().unwrap()))];
    let o = run_env(&data, &other, &["cases", "verify"], &env);
    assert!(
        o.status.success(),
        "the store alone looks whole: {}",
        stdout(&o)
    );
    let o = run_env(
        &data,
        &other,
        &["cases", "verify", "--checkpoint", cp],
        &env,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("{}: 被删除", n[5])) && stdout(&o).contains("检查点"),
        "{}",
        stdout(&o)
    );
    // A checkpoint altered (to match the cut store) no longer carries a valid signature.
    let forged = std::fs::read_to_string(&checkpoint)
        .unwrap()
        .replace("\"count\":6", "\"count\":4");
    let forged_path = tmp.path().join("forged.jsonl");
    std::fs::write(&forged_path, forged).unwrap();
    let o = run_env(
        &data,
        &other,
        &[
            "cases",
            "verify",
            "--checkpoint",
            forged_path.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("签名无效"), "{}", stdout(&o));
    // A checkpoint of another store is named as such.
    let tmp2 = tempfile::tempdir().unwrap();
    let (data2, cfg2, _) = make_store(tmp2.path());
    let o = run(&data2, &cfg2, &["cases", "verify", "--checkpoint", cp]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("属于另一案件库"), "{}", stdout(&o));
    // And a store that does not verify is not checkpointed.
    let o = run(&data, &cfg, &["cases", "checkpoint"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty() || !stdout(&o).contains("guantong-head"));
}
