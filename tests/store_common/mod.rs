//! Helpers shared by the case-store tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use guantong::questionnaire::{self, Questionnaire};

pub const BIN: &str = env!("CARGO_BIN_EXE_guantong");

/// The office code the tests sign under (右江区).
pub const OFFICE: &str = "451002";
/// The case-number prefix `mini.toml` declares.
pub const PREFIX: &str = "ST";

/// Open the store in `dir`, signing under [`OFFICE`].
pub fn open_signing(dir: &Path) -> guantong::case::Store {
    let mut s = guantong::case::Store::open(dir).expect("store opens");
    s.set_office(Some(guantong::case::OfficeCode::parse(OFFICE).unwrap()));
    s
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store")
        .join(name)
}

pub fn mini() -> Questionnaire {
    questionnaire::load_file(&fixture("mini.toml")).expect("mini questionnaire loads")
}

/// A private config dir holding a fixed signing key (deterministic signatures).
pub fn fixed_config(dir: &Path) -> PathBuf {
    let cfg = dir.join("config");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("signing.key"), hex_key()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        cfg.join("signing.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    cfg
}

pub fn hex_key() -> String {
    "2a".repeat(32)
}

/// Point this test process at `cfg` for the clerk's key. Every test in a file uses the
/// same directory, so concurrent tests agree on the value.
pub fn use_config(cfg: &Path) {
    // SAFETY: the tests of one file set the same value before any store call.
    unsafe {
        std::env::set_var("GUANTONG_CONFIG_DIR", cfg);
        std::env::set_var("GUANTONG_TRUSTED_KEYS", NO_TRUSTED_KEYS);
    };
}

/// A trusted-keys file that does not exist: the tests' default.
pub const NO_TRUSTED_KEYS: &str = "/nonexistent/guantong/trusted_keys.toml";

/// Run the binary with a data dir and config dir, signing under [`OFFICE`].
pub fn run(data: &Path, cfg: &Path, args: &[&str]) -> Output {
    run_env(data, cfg, args, &[("GUANTONG_OFFICE", Some(OFFICE))])
}

/// Run the binary with a data dir and config dir and these environment variables set
/// (`Some`) or removed (`None`).
pub fn run_env(data: &Path, cfg: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("GUANTONG_DATA_DIR", data)
        .env("GUANTONG_CONFIG_DIR", cfg)
        .env_remove("GUANTONG_OFFICE")
        .env_remove("GUANTONG_QUESTIONNAIRE")
        // no administrator's file unless a test gives one (whatever this machine has)
        .env("GUANTONG_TRUSTED_KEYS", NO_TRUSTED_KEYS)
        .env_remove("NO_COLOR");
    for (k, v) in env {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().expect("run guantong")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `guantong cases sign --questionnaire Q --answers A EXTRA…` through the binary.
pub fn sign_with(data: &Path, cfg: &Path, q: &Path, answers: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "cases",
        "sign",
        // these tests sign the same fixture applicant again and again on purpose
        "--confirm-duplicate",
        "--questionnaire",
        q.to_str().unwrap(),
        "--answers",
        answers.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(data, cfg, &args)
}

/// Sign one case through the binary; returns the number.
pub fn sign(data: &Path, cfg: &Path, answers: &Path, name: &str) -> String {
    let q = fixture("mini.toml");
    let o = sign_with(
        data,
        cfg,
        &q,
        answers,
        &["--applicant-name", name, "--pledge-confirmed"],
    );
    assert!(o.status.success(), "sign failed: {}", stderr(&o));
    stdout(&o).trim().to_string()
}

/// A sign-off request under `q` for the answers fixture `answers`, on 2026-06-15 at
/// 01:00 UTC, for `name` (no ID number, notes or amendment).
pub fn request<'a>(q: &'a Questionnaire, answers: &str, name: &str) -> guantong::case::SignOff<'a> {
    let src = std::fs::read_to_string(fixture(answers)).unwrap();
    let day = jiff::civil::date(2026, 6, 15);
    let now: jiff::Timestamp = "2026-06-15T01:00:00Z".parse().unwrap();
    guantong::case::SignOff {
        questionnaire: q,
        answers: guantong::eval::input::parse_answers(q, answers, &src, day).unwrap(),
        applicant_name: name.into(),
        applicant_id: None,
        pledge_confirmed_at: now,
        clerk_display_name: None,
        notes: None,
        amends: None,
        draft_id: None,
        now,
        today: day,
    }
}

/// Compare with a golden file; `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/store")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        expected,
        actual,
        "output differs from {} (UPDATE_GOLDEN=1 to accept)",
        path.display()
    );
}
