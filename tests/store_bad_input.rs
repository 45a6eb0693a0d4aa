//! Bad input: foreign, newer and damaged database files, a read-only directory, a full
//! disk, an unknown case number, a bad answers file -> a clear message, a non-zero exit,
//! and nothing lost or half-written.

mod store_common;

use std::path::Path;

use guantong::case::{CaseFilter, Draft, SignOff, Store, StoreError};
use guantong::eval::input;
use guantong::value::Value;
use jiff::civil::date;
use store_common::*;

fn list(data: &Path, cfg: &Path) -> std::process::Output {
    run(data, cfg, &["cases", "list"])
}

fn signed_store(root: &Path, n: usize) -> (std::path::PathBuf, std::path::PathBuf, Vec<String>) {
    let data = root.join("data");
    let cfg = fixed_config(root);
    let numbers = (0..n)
        .map(|i| {
            sign(
                &data,
                &cfg,
                &fixture("eligible.toml"),
                &format!("申请人{i}"),
            )
        })
        .collect();
    (data, cfg, numbers)
}

#[test]
fn a_file_that_is_not_a_database_is_refused_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let content = b"name,id\nzhang,123\n".repeat(300);
    std::fs::write(data.join("guantong.db"), &content).unwrap();
    let o = list(&data, &cfg);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("不是 guantong 案件库"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(data.join("guantong.db")).unwrap(), content);
    let o = run(
        &data,
        &cfg,
        &[
            "cases",
            "sign",
            "--answers",
            "x.toml",
            "--applicant-name",
            "x",
            "--pledge-confirmed",
            "--questionnaire",
            fixture("mini.toml").to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert_eq!(std::fs::read(data.join("guantong.db")).unwrap(), content);
}

#[test]
fn another_programs_sqlite_database_is_refused_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let db = data.join("guantong.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE invoices (id INTEGER, total INTEGER); INSERT INTO invoices VALUES (1, 100);")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not a guantong case store"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(!data.join("guantong.db-wal").exists());
}

#[test]
fn a_newer_store_is_refused_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = signed_store(tmp.path(), 1);
    let db = data.join("guantong.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let o = list(&data, &cfg);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("newer than this program"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(matches!(
        Store::open(&data),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn a_damaged_store_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = signed_store(tmp.path(), 8);
    let db = data.join("guantong.db");
    let len = std::fs::metadata(&db).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    f.set_len(len / 3).unwrap();
    drop(f);
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("damaged"), "{}", stderr(&o));
}

#[test]
fn an_unknown_case_number() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = signed_store(tmp.path(), 1);
    let o = run(&data, &cfg, &["cases", "show", "BS-2026-999999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("没有编号为 BS-2026-999999 的案件"),
        "{}",
        stderr(&o)
    );
    let o = run(&data, &cfg, &["cases", "drafts", "--discard", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope"));
}

#[test]
fn bad_answers_are_refused_as_evaluate_refuses_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, numbers) = signed_store(tmp.path(), 2);
    let db = data.join("guantong.db");
    let q = fixture("mini.toml");
    let bad = fixture("bad-answers.toml");
    let before = std::fs::read(&db).unwrap();
    let o = sign_with(
        &data,
        &cfg,
        &q,
        &bad,
        &["--applicant-name", "张三", "--pledge-confirmed"],
    );
    assert_eq!(o.status.code(), Some(2));
    let ev = std::process::Command::new(BIN)
        .args([
            "evaluate",
            q.to_str().unwrap(),
            "--answers",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(ev.status.code(), Some(2));
    assert_eq!(stderr(&o), stderr(&ev), "same messages as evaluate");
    assert!(stderr(&o).contains("skill_work_years") && stderr(&o).contains("no_such_fact"));
    // A bad ID number, refused by the questionnaire's validation.
    let bad_id = tmp.path().join("bad-id.toml");
    std::fs::write(
        &bad_id,
        "pathway = \"qualification_exam\"\nid_number = \"110105194912310021\"\n",
    )
    .unwrap();
    let o = sign_with(
        &data,
        &cfg,
        &q,
        &bad_id,
        &["--applicant-name", "张三", "--pledge-confirmed"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("id_number"), "{}", stderr(&o));
    // Missing file, missing pledge, unknown amended case.
    let o = run(
        &data,
        &cfg,
        &[
            "cases",
            "sign",
            "--questionnaire",
            q.to_str().unwrap(),
            "--answers",
            "/nonexistent.toml",
            "--applicant-name",
            "张三",
            "--pledge-confirmed",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let good = fixture("eligible.toml");
    let o = sign_with(&data, &cfg, &q, &good, &["--applicant-name", "张三"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--pledge-confirmed"));
    let o = sign_with(
        &data,
        &cfg,
        &q,
        &good,
        &[
            "--applicant-name",
            "张三",
            "--pledge-confirmed",
            "--amends",
            "BS-1999-000001",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("BS-1999-000001"));
    // Nothing was written.
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let o = run(&data, &cfg, &["cases", "list", "--format", "json"]);
    assert_eq!(stdout(&o).lines().count(), numbers.len());
}

#[test]
fn a_full_disk_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, numbers) = signed_store(tmp.path(), 3);
    use_config(&cfg);
    let store = Store::open(&data).unwrap();
    let q = mini();
    let mut d = Draft::new(&q, "clerk", jiff::Timestamp::now());
    d.answers
        .insert("pathway".into(), Value::str("skill_to_title"));
    store.save_draft(&d).unwrap();
    // The disk is full: the database may not grow by a single page.
    let pages: i64 = rusqlite::Connection::open(data.join("guantong.db"))
        .unwrap()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store.set_max_page_count(pages).unwrap();
    let answers = input::parse_answers(
        &q,
        "eligible.toml",
        &std::fs::read_to_string(fixture("eligible.toml")).unwrap(),
        date(2026, 6, 15),
    )
    .unwrap();
    let mut failed = None;
    for i in 0..200 {
        let r = store.sign_off(&SignOff {
            questionnaire: &q,
            answers: answers.clone(),
            applicant_name: format!("很长的名字{i}").repeat(50),
            applicant_id: None,
            pledge_confirmed_at: jiff::Timestamp::now(),
            clerk_display_name: None,
            notes: Some("备注".repeat(200)),
            amends: None,
            draft_id: Some(d.id.clone()),
            now: jiff::Timestamp::now(),
            today: date(2026, 6, 15),
        });
        if let Err(e) = r {
            failed = Some(e);
            break;
        }
    }
    let err = failed.expect("the full disk stops a sign-off");
    assert!(matches!(err, StoreError::Full { .. }), "{err}");
    assert!(err.to_string().contains("磁盘已满"), "{err}");
    // The draft that could not be signed off is still there.
    assert_eq!(store.load_draft(&d.id).unwrap().answers.len(), 1);
    drop(store);
    // Every case signed before is intact, and the chain verifies.
    let store = Store::open(&data).unwrap();
    store.integrity_check().unwrap();
    let all = store.list_cases(&CaseFilter::default()).unwrap();
    for n in &numbers {
        assert!(all.iter().any(|s| &s.number == n));
        store.get_case(n).unwrap();
    }
    let (_, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_data_dir_that_cannot_be_created() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = list(&file.join("store"), &cfg);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("a-file"), "{}", stderr(&o));
    let o = list(&file, &cfg);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a directory"), "{}", stderr(&o));
}

/// Tests run as root, which ignores permission bits; the immutable attribute (chattr +i)
/// binds root too. Where it cannot be set (no CAP_LINUX_IMMUTABLE, a file system without
/// it) the test says so and checks the non-root path with permission bits instead.
#[test]
fn a_read_only_directory_or_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, numbers) = signed_store(tmp.path(), 2);
    let db = data.join("guantong.db");
    let before = std::fs::read(&db).unwrap();
    let chattr = |flag: &str, p: &Path| {
        std::process::Command::new("chattr")
            .arg(flag)
            .arg(p)
            .status()
            .is_ok_and(|s| s.success())
    };
    let q = fixture("mini.toml");
    let good = fixture("eligible.toml");
    let sign_args = [
        "cases",
        "sign",
        "--questionnaire",
        q.to_str().unwrap(),
        "--answers",
        good.to_str().unwrap(),
        "--applicant-name",
        "张三",
        "--pledge-confirmed",
        // the applicant was signed before: this is about the write failing
        "--confirm-duplicate",
    ];
    if chattr("+i", &data) {
        // A read-only directory: the journal files cannot be created beside the database.
        assert!(!data.join("guantong.db-wal").exists());
        let o = run(&data, &cfg, &sign_args);
        chattr("-i", &data);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("read-only directory?"),
            "{}",
            stderr(&o)
        );
        // A read-only database file.
        assert!(chattr("+i", &db));
        let o = run(&data, &cfg, &sign_args);
        chattr("-i", &db);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("只读") || stderr(&o).contains("read-only"),
            "{}",
            stderr(&o)
        );
    } else {
        eprintln!("chattr +i unavailable here: the immutable-file part of this test is skipped");
        assert!(unsafe_is_root(), "non-root runs use permission bits below");
    }
    if !unsafe_is_root() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
        let o = run(&data, &cfg, &sign_args);
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(!o.status.success());
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing half-written");
    let o = run(&data, &cfg, &["cases", "list", "--format", "json"]);
    assert_eq!(stdout(&o).lines().count(), numbers.len());
}

fn unsafe_is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.uid() == 0
        })
        .unwrap_or(false)
}
