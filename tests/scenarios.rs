//! The acceptance scenarios (shared, when present) and the project's own, through the same
//! path as `guantong evaluate`; and the embedded questionnaire's cleanliness.

use std::path::{Path, PathBuf};

use guantong::text::Lang;
use guantong::{questionnaire, scenario};

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 28)
}

fn run_dir(dir: &Path) -> (usize, Vec<String>) {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    let files = scenario::collect(&[dir.to_path_buf()]).expect("scenario dir");
    let outcomes = scenario::run_files(&q, &files, today(), Lang::En);
    let failures = outcomes
        .iter()
        .filter(|o| !o.passed())
        .flat_map(|o| {
            o.mismatches.iter().map(move |m| {
                format!(
                    "{}: {}: expected {}, got {}",
                    o.file.display(),
                    m.key,
                    m.expected,
                    m.actual
                )
            })
        })
        .collect();
    (outcomes.len(), failures)
}

#[test]
fn project_scenarios_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let (n, failures) = run_dir(&dir);
    assert!(n >= 13, "expected the project's scenario files, found {n}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The ten-window horizon cannot be reached with Baise answers: its own questionnaire.
#[test]
fn horizon_scenarios_pass() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/horizon");
    let q = questionnaire::load_file(&root.join("questionnaire.toml"))
        .expect("the horizon questionnaire loads");
    let files = scenario::collect(&[root.join("cases")]).expect("horizon cases");
    assert!(files.len() >= 7, "{} horizon cases", files.len());
    let failures: Vec<String> = scenario::run_files(&q, &files, today(), Lang::En)
        .iter()
        .filter(|o| !o.passed())
        .map(|o| format!("{}: {:?}", o.file.display(), o.mismatches))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shared_acceptance_scenarios_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/scenarios");
    if !dir.is_dir() {
        eprintln!("no shared scenarios at {}: skipped", dir.display());
        return;
    }
    let (n, failures) = run_dir(&dir);
    assert!(n > 0);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn embedded_questionnaire_is_clean() {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    let warnings: Vec<String> = q.warnings.iter().map(|d| d.render(Lang::En)).collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    let on_disk = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questionnaires/baise.toml"),
    )
    .expect("questionnaires/baise.toml");
    assert_eq!(
        on_disk,
        questionnaire::load::EMBEDDED_BAISE,
        "the binary embeds the file on disk"
    );
    for r in [
        "level",
        "route",
        "fee_yuan",
        "theory_exam_exempt",
        "education_equivalent",
        "retirement_date",
    ] {
        assert!(q.result(r).is_some(), "contract result {r} is defined");
    }
    // the timeline results come from the application schedule
    assert!(q.schedule.is_some(), "baise.toml declares its schedule");
    let ev = guantong::eval::evaluate(&q, &Default::default(), jiff::civil::date(2026, 6, 15));
    let results = guantong::eval::report::results_json(&q, &ev);
    for r in [
        "window_opens",
        "window_closes",
        "application_year",
        "apply_from",
        "apply_by",
        "qualifies_on",
        "qualifies_level",
        "next_level",
        "next_level_on",
    ] {
        assert!(results.contains_key(r), "contract result {r} is printed");
    }
}

/// An unasked question is absent, not "not none": a senior title holder is not asked about
/// overseas degrees, so the overseas proof is not among the materials.
#[test]
fn unasked_questions_bring_no_materials() {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    let src = "pathway = \"title_to_skill\"\ninterview_date = 2026-06-15\nbirth_date = 1980-01-01\n\
               sex = \"male\"\nassessment_failed = false\nunder_sanction = false\n\
               title_level = \"deputy_senior\"\nworks_related_field = true\n\
               licensed_occupation = \"not_required\"\ndemerit_in_effect = false\n\
               integrity_record_in_effect = false\nskill_cert_before_promotion = false\n\
               related_degree = false\n";
    let answers =
        guantong::eval::input::parse_answers(&q, "t.toml", src, today()).expect("valid answers");
    let ev = guantong::eval::evaluate(&q, &answers, today());
    assert_eq!(ev.status, guantong::eval::Status::Eligible);
    let texts: Vec<&str> = ev
        .materials
        .iter()
        .map(|i| q.materials[*i].text.zh())
        .collect();
    assert!(!texts.iter().any(|t| t.contains("海外")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("职称证书")), "{texts:?}");
}

#[test]
fn every_contract_finding_code_is_a_rule() {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    for code in [
        "not_high_skilled",
        "not_working_in_baise",
        "specialty_mismatch",
        "industry_standard_not_met",
        "assessment_failed_recent",
        "assessment_window_review",
        "fraud_ban",
        "fraud_lifetime_ban",
        "title_revoked_ban",
        "under_sanction",
        "retirement",
        "same_level_duplicate",
        "freelance_insurance",
        "insufficient_experience",
        "series_not_covered",
        "complete_public_course",
        "no_degree_paper_language_requirement",
        "unrelated_field",
        "licence_missing",
        "demerit_in_effect",
        "integrity_record",
        "no_matching_route",
        "no_work_years_limit",
        "exam_conditions_apply",
    ] {
        assert!(q.rule(code).is_some(), "rule {code} is defined");
    }
}

/// The example questionnaire another bureau can start from (a fictional city's
/// flexible-employment subsidy): it loads with no warning, and its own scenarios pass.
#[test]
fn example_questionnaire_scenarios_pass() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let q = questionnaire::load_file(
        &root.join("questionnaires/examples/flexible-employment-subsidy.toml"),
    )
    .expect("the example questionnaire loads");
    let warnings: Vec<String> = q.warnings.iter().map(|d| d.render(Lang::En)).collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    let files =
        scenario::collect(&[root.join("tests/scenarios/examples/flexible-employment-subsidy")])
            .expect("example scenarios");
    assert!(files.len() >= 15, "{} example scenarios", files.len());
    let failures: Vec<String> = scenario::run_files(&q, &files, today(), Lang::En)
        .iter()
        .filter(|o| !o.passed())
        .flat_map(|o| {
            o.mismatches.iter().map(move |m| {
                format!(
                    "{}: {}: expected {}, got {}",
                    o.file.display(),
                    m.key,
                    m.expected,
                    m.actual
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
