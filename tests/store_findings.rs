//! The store's smaller findings of issue 10, each with its test: `sign` on damaged pages,
//! a read-only copy, waiting on `guantong.lock`, a deleted signing key, a world-readable
//! database.

mod store_common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use guantong::case::store::OpenOptions;
use guantong::case::{Store, StoreError};
use store_common::*;

fn sign_args(name: &str) -> Vec<String> {
    [
        "cases",
        "sign",
        "--confirm-duplicate",
        "--questionnaire",
        fixture("mini.toml").to_str().unwrap(),
        "--answers",
        fixture("eligible.toml").to_str().unwrap(),
        "--applicant-name",
        name,
        "--pledge-confirmed",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_s(data: &Path, cfg: &Path, args: &[String]) -> std::process::Output {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    run(data, cfg, &a)
}

/// The leftmost leaf page of table `table` (1-based page number): a page no sign-off
/// reads or writes (appends go to the right).
fn leftmost_leaf(db: &Path, table: &str) -> (usize, usize) {
    let c = rusqlite::Connection::open(db).unwrap();
    let page_size: usize = c
        .query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize;
    let mut page: usize = c
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = ?1",
            [table],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize;
    drop(c);
    let bytes = std::fs::read(db).unwrap();
    loop {
        let start = (page - 1) * page_size + if page == 1 { 100 } else { 0 };
        match bytes[start] {
            // interior table page: follow the first cell's left child
            0x05 => {
                let first = u16::from_be_bytes([bytes[start + 12], bytes[start + 13]]) as usize;
                let at = (page - 1) * page_size + first;
                page = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            }
            0x0d => return (page, page_size),
            other => panic!("page {page}: unexpected type {other:#x}"),
        }
    }
}

#[test]
fn sign_refuses_to_append_to_a_store_whose_pages_are_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    for i in 0..12 {
        sign(&data, &cfg, &fixture("eligible.toml"), &format!("张三{i}"));
    }
    let db = data.join("guantong.db");
    let (page, size) = leftmost_leaf(&db, "cases");
    assert_ne!(page, 1);
    let mut bytes = std::fs::read(&db).unwrap();
    // the page's cell count: far more cells than a page holds
    let at = (page - 1) * size + 3;
    bytes[at..at + 2].copy_from_slice(&[0xff, 0xf0]);
    std::fs::write(&db, &bytes).unwrap();
    let o = run_s(&data, &cfg, &sign_args("李四"));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("PRAGMA quick_check") && stderr(&o).contains("nothing was signed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing appended");
}

/// Make `p` immutable (binds root too) or, for other users, read-only; `false` when
/// neither can be done here.
fn freeze(p: &Path, on: bool) -> bool {
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if root {
        return std::process::Command::new("chattr")
            .arg(if on { "+i" } else { "-i" })
            .arg(p)
            .status()
            .is_ok_and(|s| s.success());
    }
    let mode = if p.is_dir() {
        if on { 0o500 } else { 0o700 }
    } else if on {
        0o400
    } else {
        0o600
    };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).is_ok()
}

#[test]
fn a_read_only_copy_of_a_store_can_be_listed_and_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    let numbers: Vec<String> = (0..3)
        .map(|i| sign(&data, &cfg, &fixture("eligible.toml"), &format!("张三{i}")))
        .collect();
    // a copy (as a backup is taken), then made read-only: the directory and its files
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(&data).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    let files: Vec<_> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    if !files.iter().all(|f| freeze(f, true)) || !freeze(&copy, true) {
        eprintln!("cannot make files read-only here: test skipped");
        return;
    }
    let list = run(&copy, &cfg, &["cases", "list", "--format", "json"]);
    let verify = run(&copy, &cfg, &["cases", "verify"]);
    let show = run(&copy, &cfg, &["cases", "show", &numbers[1]]);
    let signed = run_s(&copy, &cfg, &sign_args("李四"));
    freeze(&copy, false);
    for f in &files {
        freeze(f, false);
    }
    assert!(list.status.success(), "{}", stderr(&list));
    assert_eq!(stdout(&list).lines().count(), 3);
    assert!(
        verify.status.success(),
        "{}{}",
        stdout(&verify),
        stderr(&verify)
    );
    assert!(
        stdout(&verify).contains("已核验 3 份案件"),
        "{}",
        stdout(&verify)
    );
    assert!(show.status.success(), "{}", stderr(&show));
    // nothing can be saved, and the message says why
    assert_eq!(signed.status.code(), Some(1));
    assert!(stderr(&signed).contains("read-only"), "{}", stderr(&signed));
    let names: Vec<String> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with("-wal") || n.ends_with("-shm")),
        "nothing written beside it: {names:?}"
    );
}

#[test]
fn waiting_on_the_store_lock_times_out_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    drop(Store::open(&data).unwrap());
    // another process (here: this one) holds the lock and does not let go
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(data.join("guantong.lock"))
        .unwrap();
    held.lock().unwrap();
    let e = Store::open_with(
        &data,
        &OpenOptions {
            lock_timeout: Duration::from_millis(200),
        },
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::LockTimeout { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("guantong.lock") && msg.contains("gave up waiting") && msg.contains("0.2 s"),
        "{msg}"
    );
    held.unlock().unwrap();
    Store::open_with(
        &data,
        &OpenOptions {
            lock_timeout: Duration::from_millis(200),
        },
    )
    .unwrap();
}

#[test]
fn a_deleted_signing_key_is_not_silently_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // no key yet: the first sign-off makes one (and keeps its public half beside it)
    let cfg = tmp.path().join("config");
    let first = run_s(&data, &cfg, &sign_args("张三"));
    assert!(first.status.success(), "{}", stderr(&first));
    let old_pub = std::fs::read_to_string(cfg.join("signing.pub")).unwrap();
    // the key deleted: refused, naming the file and the explicit step
    std::fs::remove_file(cfg.join("signing.key")).unwrap();
    let o = run_s(&data, &cfg, &sign_args("李四"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("signing.key")
            && stderr(&o).contains("the signing key is missing")
            && stderr(&o).contains("guantong cases new-key"),
        "{}",
        stderr(&o)
    );
    assert!(!cfg.join("signing.key").exists(), "no key made silently");
    // the whole config directory gone: the store's cases in this clerk's name still tell
    let fresh = tmp.path().join("fresh");
    let o = run_s(&data, &fresh, &sign_args("李四"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cases in the store"), "{}", stderr(&o));
    assert!(!fresh.join("signing.key").exists());
    // the explicit step: a new key, the old public key kept as the clerk's
    let o = run(&data, &cfg, &["cases", "new-key"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("[[clerk]]"), "{}", stdout(&o));
    let retired = std::fs::read_to_string(cfg.join("retired-keys")).unwrap();
    assert!(retired.contains(old_pub.trim()), "{retired}");
    let o = run_s(&data, &cfg, &sign_args("李四"));
    assert!(o.status.success(), "{}", stderr(&o));
    // both keys count as this clerk's: the store verifies
    let o = run(&data, &cfg, &["cases", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // and new-key refuses while a key is there
    let o = run(&data, &cfg, &["cases", "new-key"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_world_readable_database_gives_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    sign(&data, &cfg, &fixture("eligible.toml"), "张三");
    let db = data.join("guantong.db");
    let o = run(&data, &cfg, &["cases", "list"]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&data, &cfg, &["cases", "list"]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&db.display().to_string())
            && err.contains("readable by every user (mode 644)")
            && err.contains("chmod o-rwx"),
        "{err}"
    );
}
