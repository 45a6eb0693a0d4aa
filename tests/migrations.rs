//! Answers given under the first version of the Baise questionnaire (1.0.0, kept as
//! tests/fixtures/baise-1.0.0.toml) carried over to the current one through its
//! [[migrations]]: in the engine, in a resumed draft, and in `cases recheck`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use guantong::case::Draft;
use guantong::eval::migrate;
use guantong::questionnaire::{self, Questionnaire};
use guantong::value::{Answers, Value};
use jiff::civil::date;

const BIN: &str = env!("CARGO_BIN_EXE_guantong");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn current() -> Questionnaire {
    questionnaire::embedded().expect("the embedded questionnaire loads")
}

fn answers(pairs: &[(&str, Value)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn the_current_version_declares_the_contract_renames() {
    let q = current();
    assert_eq!(q.meta.version, "2.0.0");
    let m = q
        .migrations
        .iter()
        .find(|m| m.from == "1.0.0")
        .expect("a migration from 1.0.0");
    assert_eq!(m.to, "2.0.0");
    let old: Vec<&str> = m.old_facts.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(old, ["freelance_no_employer_insurance", "skill_work_years"]);
}

#[test]
fn years_worked_become_months_not_worked_and_the_insurance_answer_flips() {
    let q = current();
    // certificate 2020-01-01, interview 2026-06-15: 6 whole years
    let base = [
        ("pathway", Value::str("skill_to_title")),
        ("interview_date", Value::str("2026-06-15")),
        ("skill_level", Value::str("level3")),
        ("skill_cert_date", Value::str("2020-01-01")),
        ("employment", Value::str("freelance")),
    ];
    for (years, months) in [(6, 0), (3, 36), (0, 72), (7, 0)] {
        let mut a = answers(&base);
        a.insert("skill_work_years".into(), Value::Int(years));
        a.insert("freelance_no_employer_insurance".into(), Value::Bool(true));
        let m = migrate::apply(&q, "1.0.0", &a);
        assert_eq!(
            m.answers.get("skill_work_break_months"),
            Some(&Value::Int(months)),
            "{years} years worked"
        );
        assert_eq!(
            m.answers.get("freelance_employer_insurance"),
            Some(&Value::Bool(false))
        );
        assert!(!m.answers.contains_key("skill_work_years"));
        assert!(!m.answers.contains_key("freelance_no_employer_insurance"));
        assert_eq!(
            m.describe(),
            [
                "skill_work_years → skill_work_break_months",
                "freelance_no_employer_insurance → freelance_employer_insurance"
            ]
        );
    }
    // an answer the earlier version did not have is not invented
    let m = migrate::apply(&q, "1.0.0", &answers(&base));
    assert!(!m.answers.contains_key("skill_work_break_months"));
    assert!(!m.answers.contains_key("freelance_employer_insurance"));
    assert!(m.renamed.is_empty());
    // the current version needs no carrying over
    let mut a = answers(&base);
    a.insert("skill_work_years".into(), Value::Int(3));
    assert_eq!(migrate::apply(&q, "2.0.0", &a).answers, a);
}

#[test]
fn a_draft_from_the_first_version_resumes_under_the_current_one() {
    let q = current();
    let old = questionnaire::load_file(&root().join("tests/fixtures/baise-1.0.0.toml"))
        .expect("the 1.0.0 questionnaire still loads");
    let mut d = Draft::new(&old, "clerk", jiff::Timestamp::UNIX_EPOCH);
    d.answers = answers(&[
        ("pathway", Value::str("skill_to_title")),
        ("interview_date", Value::str("2026-06-15")),
        ("skill_level", Value::str("level3")),
        ("skill_cert_date", Value::str("2020-01-01")),
        ("skill_work_years", Value::Int(5)),
    ]);
    let r = d.resume(&q);
    assert!(r.questionnaire_changed);
    assert_eq!(r.renamed, ["skill_work_years → skill_work_break_months"]);
    assert!(r.aside.is_empty(), "nothing set aside: {:?}", r.aside);
    assert_eq!(
        r.answers.get("skill_work_break_months"),
        Some(&Value::Int(12))
    );
    assert_eq!(
        r.answers.get("skill_cert_date"),
        Some(&Value::Date(date(2020, 1, 1)))
    );
}

fn run(data: &Path, cfg: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("GUANTONG_DATA_DIR", data)
        .env("GUANTONG_CONFIG_DIR", cfg)
        .env("GUANTONG_OFFICE", "451002")
        .output()
        .expect("run guantong")
}

/// The answers of a skill-to-title case under the first version.
fn v1_case(cert: &str, years: Option<i64>, freelance: Option<bool>) -> String {
    let mut s = format!(
        "pathway = \"skill_to_title\"\ninterview_date = 2026-06-15\napplicant_name = \"张三\"\n\
         birth_date = 1988-05-20\nsex = \"male\"\nretired = false\nassessment_failed = false\n\
         under_sanction = false\nskill_level = \"level3\"\nskill_cert_date = {cert}\n\
         title_series = \"engineering\"\nspecialty_matches = true\nmeets_industry_standard = true\n\
         works_in_baise = true\nawards = []\nfraud_findings = 0\ntitle_revoked = false\n\
         same_level_other_application = false\ncontinuing_ed_done = true\n\
         technical_school_class = \"none\"\n"
    );
    if let Some(y) = years {
        s += &format!("skill_work_years = {y}\n");
    }
    match freelance {
        Some(x) => {
            s += &format!("employment = \"freelance\"\nfreelance_no_employer_insurance = {x}\n")
        }
        None => s += "employment = \"employed\"\n",
    }
    s
}

#[test]
fn recheck_lists_every_changed_case_with_the_carried_over_answers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (data, cfg) = (tmp.path().join("data"), tmp.path().join("cfg"));
    let v1 = root().join("tests/fixtures/baise-1.0.0.toml");
    let mut numbers = Vec::new();
    for (i, (cert, years, freelance)) in [
        ("2020-01-01", Some(3), None),
        ("2024-07-10", None, Some(true)),
        ("2022-03-01", None, None),
    ]
    .into_iter()
    .enumerate()
    {
        let file = tmp.path().join(format!("case{i}.toml"));
        std::fs::write(&file, v1_case(cert, years, freelance)).expect("write answers");
        let o = run(
            &data,
            &cfg,
            &[
                "cases",
                "sign",
                "--questionnaire",
                v1.to_str().unwrap_or_default(),
                "--answers",
                file.to_str().unwrap_or_default(),
                "--pledge-confirmed",
                // the same applicant three times, on purpose
                "--confirm-duplicate",
            ],
        );
        assert!(
            o.status.success(),
            "sign: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        numbers.push(String::from_utf8_lossy(&o.stdout).trim().to_string());
    }
    let q = root().join("questionnaires/baise.toml");
    let o = run(
        &data,
        &cfg,
        &[
            "--lang",
            "en",
            "cases",
            "recheck",
            "--questionnaire",
            q.to_str().unwrap_or_default(),
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // every case now lacks on_post_3_years: incomplete, so every outcome changes
    assert!(
        out.contains("3 cases re-evaluated under baise-interconnection 2.0.0: 3 would change"),
        "{out}"
    );
    for n in &numbers {
        assert!(out.contains(n.as_str()), "{n} listed: {out}");
    }
    assert!(
        out.contains(&format!(
            "{}: skill_work_years → skill_work_break_months",
            numbers[0]
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "{}: freelance_no_employer_insurance → freelance_employer_insurance",
            numbers[1]
        )),
        "{out}"
    );
    assert!(!out.contains(&format!("{}: ", numbers[2])), "{out}");
}
