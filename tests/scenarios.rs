//! The acceptance scenarios (shared, when present) and the project's own, through the same
//! path as `guantong evaluate`; and the embedded questionnaire's cleanliness.

use std::path::{Path, PathBuf};

use guantong::{questionnaire, scenario};

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 28)
}

fn run_dir(dir: &Path) -> (usize, Vec<String>) {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    let files = scenario::collect(&[dir.to_path_buf()]).expect("scenario dir");
    let outcomes = scenario::run_files(&q, &files, today());
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
    let warnings: Vec<String> = q.warnings.iter().map(ToString::to_string).collect();
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
