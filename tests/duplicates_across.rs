//! The same applicant under two questionnaires in one year is two kinds of application,
//! not a repeat: the earlier-case check at sign-off looks only at cases of the same
//! questionnaire.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_guantong");
const ID: &str = "451021198805200011";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sign(data: &Path, cfg: &Path, q: &Path, answers: &str, dir: &Path, name: &str) -> Output {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, answers).expect("write answers");
    Command::new(BIN)
        .args([
            "cases",
            "sign",
            "--pledge-confirmed",
            "--applicant-name",
            "张三",
            "--applicant-id",
            ID,
        ])
        .arg("--questionnaire")
        .arg(q)
        .arg("--answers")
        .arg(&file)
        .env("GUANTONG_DATA_DIR", data)
        .env("GUANTONG_CONFIG_DIR", cfg)
        .env("GUANTONG_OFFICE", "451002")
        .env("GUANTONG_TRUSTED_KEYS", dir.join("no-trusted-keys"))
        .output()
        .expect("run guantong")
}

const BAISE: &str = r#"
pathway = "skill_to_title"
interview_date = 2026-06-15
id_number = "451021198805200011"
retired = false
assessment_failed = false
under_sanction = false
skill_level = "level3"
skill_cert_date = 2022-03-01
title_series = "engineering"
specialty_matches = true
meets_industry_standard = true
works_in_baise = true
employment = "employed"
on_post_3_years = true
awards = []
fraud_findings = 0
title_revoked = false
same_level_other_application = false
continuing_ed_done = true
technical_school_class = "none"
"#;

const SUBSIDY: &str = r#"
interview_date = 2026-02-01
id_number = "451021198805200011"
resident = true
category = "graduate"
graduation_date = 2025-06-30
contributions_since = 2025-07-01
paying_without_gaps = true
monthly_contribution_fen = 100800
employer_insured = false
months_used = 0
fraud_recovered = false
"#;

#[test]
fn one_applicant_under_two_questionnaires_is_no_repeat() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (data, cfg) = (tmp.path().join("data"), tmp.path().join("cfg"));
    let baise = root().join("questionnaires/baise.toml");
    let subsidy = root().join("questionnaires/examples/flexible-employment-subsidy.toml");
    let o = sign(&data, &cfg, &baise, BAISE, tmp.path(), "a");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // the subsidy application of the same person, the same year: no confirmation asked
    let o = sign(&data, &cfg, &subsidy, SUBSIDY, tmp.path(), "b");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("SB-451002-2026-"));
    // a second Baise case of the same person still is
    let o = sign(&data, &cfg, &baise, BAISE, tmp.path(), "c");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("BS-451002-2026-000001"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
