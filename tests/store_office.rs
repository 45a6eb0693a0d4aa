//! Office codes, origins and numbering: the code is written at a store's first sign-off
//! and held; numbers are `PREFIX-OFFICE-YEAR-SERIAL`; serials and the hash chain are per
//! origin; a store made by the previous version (office-less `BS-2026-000001` numbers)
//! migrates with its old numbers still valid, searchable and verifiable.

mod store_common;

use std::path::{Path, PathBuf};

use guantong::case::log::CaseLog;
use guantong::case::record::{self, ChainHead};
use guantong::case::{CaseFilter, OfficeCode, Store, StoreError};
use rusqlite::Connection;
use store_common::*;

/// One config directory (the fixed key) for the library tests of this file: the
/// environment variable is process-wide.
fn lib_root() -> &'static PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        use_config(&fixed_config(&dir));
        dir
    })
}

fn office(s: &str) -> Option<OfficeCode> {
    Some(OfficeCode::parse(s).unwrap())
}

/// `cases sign` with the office given as `env` (None: the variable unset).
fn sign_env(data: &Path, cfg: &Path, env: Option<&str>) -> std::process::Output {
    let q = fixture("mini.toml");
    run_env(
        data,
        cfg,
        &[
            "cases",
            "sign",
            "--questionnaire",
            q.to_str().unwrap(),
            "--answers",
            fixture("eligible.toml").to_str().unwrap(),
            "--applicant-name",
            "张三",
            "--pledge-confirmed",
            // the same applicant each time, on purpose
            "--confirm-duplicate",
        ],
        &[("GUANTONG_OFFICE", env)],
    )
}

fn count(data: &Path) -> usize {
    Store::open(data)
        .unwrap()
        .list_cases(&CaseFilter::default())
        .unwrap()
        .len()
}

#[test]
fn the_office_code_is_written_at_the_first_sign_off_and_then_held() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    let data = tmp.path().join("data");
    let year = guantong::cli::today().year();

    // No code anywhere: refused, saying where to set it; nothing signed.
    let o = sign_env(&data, &cfg, None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("office_code") && e.contains("GUANTONG_OFFICE"),
        "{e}"
    );
    assert_eq!(count(&data), 0);

    // Malformed: refused, naming the text and where it came from.
    let o = sign_env(&data, &cfg, Some("45100"));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("GUANTONG_OFFICE") && e.contains("“45100”"),
        "{e}"
    );
    assert_eq!(count(&data), 0);
    std::fs::write(cfg.join("config.toml"), "office_code = \"451002-1\"\n").unwrap();
    let o = sign_env(&data, &cfg, None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("config.toml office_code") && e.contains("451002-1"),
        "{e}"
    );
    assert!(e.contains("suffix"), "{e}");

    // The first sign-off writes the code; the number carries it and the prefix.
    std::fs::write(cfg.join("config.toml"), "office_code = \"451002\"\n").unwrap();
    let o = sign_env(&data, &cfg, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), format!("ST-451002-{year}-000001"));
    let store = Store::open(&data).unwrap();
    assert_eq!(store.recorded_office().unwrap().as_deref(), Some("451002"));

    // GUANTONG_OFFICE comes before the config file: a different code is refused,
    // naming both; nothing is signed.
    let o = sign_env(&data, &cfg, Some("451002-2"));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("451002-2") && e.contains("451002"), "{e}");
    assert_eq!(count(&data), 1);
    // The same code from the environment is fine.
    let o = sign_env(&data, &cfg, Some("451002"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), format!("ST-451002-{year}-000002"));

    // Missing once the store has one: refused, saying which code the store has.
    std::fs::remove_file(cfg.join("config.toml")).unwrap();
    let o = sign_env(&data, &cfg, None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("451002"), "{}", stderr(&o));
    assert_eq!(count(&data), 2);
    // Reading needs no office code.
    let o = run_env(&data, &cfg, &["cases", "list"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_env(&data, &cfg, &["cases", "verify"], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
}

#[test]
fn check_office_in_the_library() {
    let q = mini();
    let mut store = Store::open(&lib_root().join("check")).unwrap();
    assert!(matches!(
        store.check_office(),
        Err(StoreError::NoOffice { recorded: None, .. })
    ));
    assert!(matches!(
        store.sign_off(&request(&q, "eligible.toml", "张三")),
        Err(StoreError::NoOffice { .. })
    ));
    store.set_office(office("451021"));
    assert_eq!(store.check_office().unwrap().as_str(), "451021");
    let rec = store
        .sign_off(&request(&q, "eligible.toml", "张三"))
        .unwrap();
    assert_eq!(rec.number, "ST-451021-2026-000001");
    assert_eq!(rec.office.as_deref(), Some("451021"));
    store.set_office(office("451021-2"));
    let e = store
        .sign_off(&request(&q, "eligible.toml", "李四"))
        .unwrap_err();
    assert!(matches!(e, StoreError::OfficeMismatch { .. }), "{e}");
    assert!(e.is_user_error());
    store.set_office(None);
    assert!(matches!(
        store.check_office(),
        Err(StoreError::NoOffice {
            recorded: Some(_),
            ..
        })
    ));
}

#[test]
fn serials_and_chains_are_per_origin() {
    let root = lib_root().join("per-origin");
    let q = mini();
    // Two offices' stores sign the same day.
    let mut a = Store::open(&root.join("a")).unwrap();
    a.set_office(office("451002"));
    let mut b = Store::open(&root.join("b")).unwrap();
    b.set_office(office("451021"));
    let (oa, ob) = (a.origin().unwrap(), b.origin().unwrap());
    assert_ne!(oa, ob, "every store gets its own origin");
    assert_eq!(oa.len(), 32);
    assert!(oa.bytes().all(|c| c.is_ascii_hexdigit()));
    let mut numbers = Vec::new();
    for i in 0..3 {
        let ra = a
            .sign_off(&request(&q, "eligible.toml", &format!("甲{i}")))
            .unwrap();
        let rb = b
            .sign_off(&request(&q, "eligible.toml", &format!("乙{i}")))
            .unwrap();
        // Same position, same serial, different numbers; each in its own chain.
        assert_eq!(ra.seq, rb.seq);
        assert_eq!(ra.number, format!("ST-451002-2026-{:06}", i + 1));
        assert_eq!(rb.number, format!("ST-451021-2026-{:06}", i + 1));
        assert_eq!(ra.origin.as_deref(), Some(oa.as_str()));
        assert_eq!(rb.origin.as_deref(), Some(ob.as_str()));
        if i == 0 {
            assert!(ra.prev.is_none() && rb.prev.is_none());
        } else {
            assert!(ra.prev.as_ref().unwrap().number.starts_with("ST-451002-"));
            assert!(rb.prev.as_ref().unwrap().number.starts_with("ST-451021-"));
        }
        numbers.push(ra.number);
        numbers.push(rb.number);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 6);
    // The origin stays with the store.
    drop(a);
    assert_eq!(Store::open(&root.join("a")).unwrap().origin().unwrap(), oa);
    assert_eq!(CaseLog::origin(&b).unwrap(), ob);

    // A validly signed record sealed into another origin's chain (copied in by someone
    // with write access) is named by verify.
    let (n, problems) = guantong::case::verify(&b, || {}).unwrap();
    assert_eq!((n, problems.len()), (3, 0));
    let raw_a = CaseLog::record(
        &Store::open(&root.join("a")).unwrap(),
        "ST-451002-2026-000003",
    )
    .unwrap();
    let mut foreign = record::parse(&raw_a).unwrap();
    let head = b.recorded_head().unwrap().unwrap();
    foreign.number = "ST-451021-2026-000004".into();
    let key = ed25519_dalek::SigningKey::from_bytes(&[0x2a; 32]);
    let raw = record::seal(&mut foreign, Some(&head), &key).unwrap();
    let c = Connection::open(root.join("b").join("guantong.db")).unwrap();
    c.execute(
        "INSERT INTO cases (seq, number, body, sha256, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![raw.seq, raw.number, raw.body, raw.sha256, raw.signature],
    )
    .unwrap();
    let (_, problems) = guantong::case::verify(&b, || {}).unwrap();
    let p = problems
        .iter()
        .find(|p| p.number == "ST-451021-2026-000004")
        .unwrap_or_else(|| panic!("{problems:?}"));
    assert!(p.detail.contains("origin differs"), "{}", p.detail);
    assert!(p.detail.contains("office code"), "{}", p.detail);
}

/// A copy of the store made by the previous version: three `guantong-case/1` cases
/// (`BS-2026-000001` .. `000003`, the third amending the first) signed through its
/// `cases sign` under `mini.toml` with the fixed test key.
fn old_store(root: &Path) -> PathBuf {
    let data = root.join("old");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(fixture("v1/guantong.db"), data.join("guantong.db")).unwrap();
    data
}

fn user_version(data: &Path) -> i64 {
    Connection::open(data.join("guantong.db"))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_old_store_migrates_and_its_numbers_stay_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    let data = old_store(tmp.path());
    assert_eq!(user_version(&data), 1);
    let old = ["BS-2026-000001", "BS-2026-000002", "BS-2026-000003"];

    // Listing migrates; every old number is listed as it was.
    let o = run(&data, &cfg, &["cases", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for n in old {
        assert!(stdout(&o).contains(n), "{}", stdout(&o));
    }
    assert_eq!(user_version(&data), guantong::case::store::SCHEMA_VERSION);
    let store = Store::open(&data).unwrap();
    assert!(!store.origin().unwrap().is_empty());
    assert_eq!(store.recorded_office().unwrap(), None);

    // Shown, searched and amended by their old numbers.
    let o = run(&data, &cfg, &["cases", "show", "BS-2026-000002"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("案件 BS-2026-000002"));
    let o = run(
        &data,
        &cfg,
        &[
            "cases",
            "list",
            "--search",
            "BS-2026-000003",
            "--format",
            "json",
        ],
    );
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert_eq!(
        store.get_case("BS-2026-000003").unwrap().amends.as_deref(),
        Some("BS-2026-000001")
    );
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains('3'));

    // The next case carries the office code, continues the year's serials and the
    // chain from the old head.
    let old_head = store.recorded_head().unwrap().unwrap();
    assert_eq!(old_head.number, "BS-2026-000003");
    let year = guantong::cli::today().year();
    let serial = if year == 2026 { 4 } else { 1 };
    let q = fixture("mini.toml");
    let o = sign_with(
        &data,
        &cfg,
        &q,
        &fixture("eligible.toml"),
        &[
            "--applicant-name",
            "赵六",
            "--pledge-confirmed",
            "--amends",
            "BS-2026-000002",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let new = stdout(&o).trim().to_string();
    assert_eq!(new, format!("ST-451002-{year}-{serial:06}"));
    let rec = store.get_case(&new).unwrap();
    assert_eq!(rec.seq, 4);
    assert_eq!(
        rec.prev.as_ref().map(|p| (&p.number, &p.sha256)),
        Some((&old_head.number, &old_head.sha256))
    );
    assert_eq!(rec.origin, Some(store.origin().unwrap()));
    assert_eq!(store.recorded_office().unwrap().as_deref(), Some("451002"));

    // Old and new verify together, in one chain.
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains('4'));
    let mut prev: Option<ChainHead> = None;
    store
        .records_from(1, &mut |raw| {
            let c = record::check_seal(&raw);
            assert!(c.hash_ok && c.signature_ok, "{}", raw.number);
            assert!(record::follows(&raw, &c.record.unwrap(), prev.as_ref()));
            prev = Some(ChainHead {
                seq: raw.seq,
                number: raw.number,
                sha256: raw.sha256,
            });
            Ok(())
        })
        .unwrap();
    // The old records are kept byte for byte: a changed one is still named.
    let c = Connection::open(data.join("guantong.db")).unwrap();
    c.execute_batch("DROP TRIGGER cases_immutable_update;")
        .unwrap();
    c.execute(
        "UPDATE cases SET body = replace(body, '李四', '李五') WHERE number = 'BS-2026-000002'",
        [],
    )
    .unwrap();
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("BS-2026-000002"), "{}", stdout(&o));
}

#[test]
fn the_loader_checks_the_case_prefix() {
    let src = std::fs::read_to_string(fixture("mini.toml")).unwrap();
    for bad in ["bs", "B-S", "", "1BS", "ABCDEFGHI", "百色"] {
        let s = src.replace("case_prefix = \"ST\"", &format!("case_prefix = \"{bad}\""));
        let diags = guantong::questionnaire::load_str("q.toml", &s).unwrap_err();
        let d = diags.iter().find(|d| d.is_error()).unwrap();
        assert!(
            d.message
                .get(guantong::text::Lang::En)
                .contains("meta.case_prefix")
                && d.message.get(guantong::text::Lang::En).contains(bad),
            "{bad}: {}",
            d.message.get(guantong::text::Lang::En)
        );
        assert_eq!(d.line, 11, "{bad}: points at the key");
    }
    for ok in ["BS", "X", "GX2026", "ABCDEFGH"] {
        let s = src.replace("case_prefix = \"ST\"", &format!("case_prefix = \"{ok}\""));
        let q = guantong::questionnaire::load_str("q.toml", &s).unwrap();
        assert_eq!(q.meta.case_prefix.as_deref(), Some(ok));
    }
    // Optional: without it, numbers have no prefix.
    let s = src.replace("case_prefix = \"ST\"\n", "");
    let q = guantong::questionnaire::load_str("q.toml", &s).unwrap();
    assert_eq!(q.meta.case_prefix, None);
}
