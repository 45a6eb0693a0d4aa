//! What the wizard tests and the TUI benchmark share: a scripted interview under the
//! embedded Baise questionnaire (its fact ids are Baise's, so it lives with the tests, not
//! in the program). The benchmark includes this file by path.
#![allow(dead_code)]

/// A complete skill-to-title interview, in interview order (fact id, what the clerk
/// enters; see `guantong::tui::script::answer_keys`): an advanced worker eligible for an assistant title. Shared
/// by the state tests, the snapshots and the benchmark.
pub const EXAMPLE_S2T: &[(&str, &str)] = &[
    ("applicant_name", "张三"),
    ("pathway", "skill_to_title"),
    ("interview_date", ""),
    ("id_number", ""),
    ("birth_date", "1988-05-20"),
    ("sex", "male"),
    ("assessment_failed", "n"),
    ("under_sanction", "n"),
    ("retired", "n"),
    ("skill_level", "level3"),
    ("skill_cert_date", "2022-03-01"),
    ("skill_work_break_months", ""),
    ("awards", ""),
    ("title_series", "engineering"),
    ("specialty_matches", "y"),
    ("meets_industry_standard", "y"),
    ("works_in_baise", "y"),
    ("employment", "employed"),
    ("on_post_3_years", "y"),
    ("fraud_findings", "0"),
    ("title_revoked", "n"),
    ("same_level_other_application", "n"),
    ("continuing_ed_done", "y"),
    ("technical_school_class", "none"),
];
