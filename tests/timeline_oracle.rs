//! The fast timeline (stepping from one possible change to the next) against the
//! day-by-day oracle (every application day evaluated afresh), on generated applicants:
//! every field of the evaluation must agree.

use guantong::eval::{self, Evaluation};
use guantong::questionnaire::{self, Questionnaire};
use guantong::value::{Answers, Value};
use jiff::civil::{Date, date};

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// A day within `span` days after `from`; month ends and 29 February come up often.
    fn day(&mut self, from: Date, span: i64) -> Date {
        let d = guantong::dates::add_days(from, self.below(span as u64) as i64).unwrap_or(from);
        match self.below(10) {
            0 => d.last_of_month(),
            1 => date(d.year(), 2, 28),
            2 if d.in_leap_year() => date(d.year(), 2, 29),
            3 => date(d.year(), 6, 1),
            4 => date(d.year(), 7, 31),
            _ => d,
        }
    }
}

fn same(q: &Questionnaire, a: &Evaluation, b: &Evaluation, what: &str) {
    assert_eq!(a.status, b.status, "{what}: status");
    assert_eq!(a.missing, b.missing, "{what}: missing");
    assert_eq!(a.day, b.day, "{what}: reported day");
    assert_eq!(a.timeline, b.timeline, "{what}: timeline");
    for ((r, x), y) in q.rules.iter().zip(&a.rules).zip(&b.rules) {
        assert_eq!(x, y, "{what}: rule {}", r.code);
    }
    for ((r, x), y) in q.results.iter().zip(&a.results).zip(&b.results) {
        assert_eq!(x, y, "{what}: result {}", r.name);
    }
    assert_eq!(a.materials, b.materials, "{what}: materials");
    assert_eq!(a.steps, b.steps, "{what}: steps");
}

fn baise() -> Questionnaire {
    match questionnaire::embedded() {
        Ok(q) => q,
        Err(d) => panic!("the embedded questionnaire does not load: {d:?}"),
    }
}

/// A skill-to-title applicant with every date-driven rule in play.
fn applicant(r: &mut Rng) -> Answers {
    let mut a = Answers::new();
    let mut put = |k: &str, v: Value| {
        a.insert(k.to_string(), v);
    };
    let interview = r.day(date(2025, 1, 1), 3 * 366);
    put("pathway", Value::str("skill_to_title"));
    put("interview_date", Value::Date(interview));
    // births around the retirement reform and the window
    let birth = r.day(date(1962, 1, 1), 14 * 366);
    put("birth_date", Value::Date(birth));
    let sex = r.pick(&["male", "female"]);
    put("sex", Value::str(sex));
    if sex == "female" {
        put(
            "original_retirement_age",
            Value::Int(*[50, 55].get(r.below(2) as usize).unwrap_or(&55)),
        );
    }
    put("retired", Value::Bool(r.chance(5)));
    let failed = r.chance(30);
    put("assessment_failed", Value::Bool(failed));
    if failed {
        put(
            "last_failed_assessment_year",
            Value::Int(i64::from(interview.year()) - r.below(6) as i64),
        );
    }
    put("under_sanction", Value::Bool(r.chance(5)));
    let level = r.pick(&[
        "level4", "level3", "level3", "level2", "level2", "level1", "level1",
    ]);
    put("skill_level", Value::str(level));
    let cert = r.day(
        guantong::dates::add_days(interview, -6 * 366).unwrap_or(interview),
        6 * 366,
    );
    let cert = cert.min(interview);
    if level != "level4" {
        put("skill_cert_date", Value::Date(cert));
    }
    let mut earliest = cert;
    if matches!(level, "level2" | "level1") && r.chance(60) {
        let d = r
            .day(
                guantong::dates::add_days(cert, -6 * 366).unwrap_or(cert),
                6 * 366,
            )
            .min(cert);
        put("level3_cert_date", Value::Date(d));
        earliest = d;
    }
    if level == "level1" && r.chance(60) {
        let d = r.day(earliest, 6 * 366).min(cert);
        put("level2_cert_date", Value::Date(d));
    }
    if level != "level4" && r.chance(30) {
        let months = guantong::dates::whole_months(earliest, interview).max(0);
        put(
            "skill_work_break_months",
            Value::Int(r.below(months as u64 + 1) as i64),
        );
    }
    put(
        "title_series",
        Value::str(r.pick(&["engineering", "arts", "other"])),
    );
    put("specialty_matches", Value::Bool(!r.chance(5)));
    put("meets_industry_standard", Value::Bool(!r.chance(5)));
    put("works_in_baise", Value::Bool(!r.chance(5)));
    let freelance = r.chance(20);
    put(
        "employment",
        Value::str(if freelance { "freelance" } else { "employed" }),
    );
    if freelance {
        put("freelance_employer_insurance", Value::Bool(r.chance(30)));
    }
    put("on_post_3_years", Value::Bool(!r.chance(10)));
    let awards = match r.below(10) {
        0 => vec![Value::str("national_technical_expert")],
        1 => vec![Value::str("guangxi_skills_award")],
        _ => vec![],
    };
    put("awards", Value::list(awards));
    let fraud = match r.below(10) {
        0 | 1 => 1,
        2 => 2,
        _ => 0,
    };
    put("fraud_findings", Value::Int(fraud));
    if fraud >= 1 {
        put(
            "last_fraud_year",
            Value::Int(i64::from(interview.year()) - r.below(4) as i64),
        );
    }
    let revoked = r.chance(15);
    put("title_revoked", Value::Bool(revoked));
    if revoked {
        let d = r.day(
            guantong::dates::add_days(interview, -4 * 366).unwrap_or(interview),
            4 * 366,
        );
        put("title_revoked_date", Value::Date(d.min(interview)));
    }
    put("same_level_other_application", Value::Bool(r.chance(5)));
    put("continuing_ed_done", Value::Bool(r.chance(80)));
    put(
        "technical_school_class",
        Value::str(r.pick(&["none", "none", "advanced_class"])),
    );
    // some applicants are interviewed part-way: drop answers to leave the rest unknown
    if r.chance(15) {
        let keys: Vec<String> = a.keys().cloned().collect();
        for k in keys {
            if k != "pathway" && k != "interview_date" && r.chance(20) {
                a.remove(&k);
            }
        }
    }
    a
}

#[test]
fn baise_fast_timeline_equals_day_by_day_oracle() {
    let q = baise();
    let today = date(2026, 11, 29);
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut shapes = std::collections::BTreeMap::new();
    for case in 0..160 {
        let a = applicant(&mut r);
        let fast = eval::evaluate(&q, &a, today);
        let slow = eval::evaluate_day_by_day(&q, &a, today);
        same(&q, &fast, &slow, &format!("case {case}: {a:?}"));
        let tl = fast.timeline.clone().unwrap_or_default();
        let shape = (
            fast.status,
            tl.apply_from.is_some(),
            tl.qualifies_on.is_some(),
            tl.next_level.is_some(),
        );
        *shapes.entry(format!("{shape:?}")).or_insert(0) += 1;
    }
    // the generator must reach every kind of outcome, or the comparison proves little
    for want in [
        "(Eligible, true, false, false)",
        "(Eligible, true, false, true)",
        "(Ineligible, false, true, false)",
        "(Ineligible, false, false, false)",
        "(Incomplete, false, false, false)",
        "(Refer, true, false, false)",
    ] {
        assert!(shapes.contains_key(want), "no case gave {want}: {shapes:?}");
    }
}

/// A questionnaire that exercises the moving values the Baise file does not: days added to
/// the application day, months and days of it, min/max, equality with a date, arithmetic
/// on whole years, a declared counting date and a moved window.
const EXOTIC: &str = r#"
[meta]
id = "exotic"
version = "1"
title = "exotic"
policy = { name = "exotic" }

[schedule]
opens = "05-15"
closes = "06-30"
horizon = 3
rank = "grade"
levels = ["low", "mid", "high"]
lifted_by_time = ["early"]

[[schedule.windows]]
year = 2027
opens = 2027-05-20
closes = 2027-07-05
counting_date = 2027-12-31

[[sections]]
id = "s"
title = "s"

[[sections.facts]]
id = "interview_date"
type = "date"
prompt = "d"
cite = "1"

[[sections.facts]]
id = "since"
type = "date"
prompt = "since"
cite = "1"

[[sections.facts]]
id = "deadline"
type = "date"
prompt = "deadline"
cite = "1"

[[sections.facts]]
id = "k"
type = "integer"
prompt = "k"
cite = "1"

[[derived]]
name = "yrs"
expr = "whole_years(since, counting_date) * 2 + 1"

[[derived]]
name = "soon"
expr = "add_days(application_date, k) >= deadline"

[[rules]]
code = "early"
kind = "blocker"
when = "yrs < 5"
cite = "1"
message = "early"

[[rules]]
code = "late"
kind = "blocker"
when = "min(add_months(application_date, 1), deadline) == deadline && k > 7"
cite = "1"
message = "late"

[[rules]]
code = "odd_day"
kind = "refer"
when = "day(application_date) == 31 || month(add_days(application_date, k)) == 7"
cite = "1"
message = "odd"

[[rules]]
code = "soon"
kind = "note"
when = "soon || max(application_date, since) == since"
cite = "1"
message = "soon"

[[results]]
name = "grade"
expr = 'whole_months(since, application_date) - k >= 60 ? "high" : (yrs >= 7 ? "mid" : "low")'
"#;

fn exotic_answers(r: &mut Rng) -> Answers {
    let mut a = Answers::new();
    let interview = r.day(date(2025, 1, 1), 3 * 366);
    a.insert("interview_date".into(), Value::Date(interview));
    a.insert(
        "since".into(),
        Value::Date(r.day(date(2019, 1, 1), 7 * 366)),
    );
    a.insert(
        "deadline".into(),
        Value::Date(r.day(date(2025, 1, 1), 5 * 366)),
    );
    if r.chance(90) {
        a.insert("k".into(), Value::Int(r.below(40) as i64 - 5));
    }
    a
}

#[test]
fn exotic_moving_values_equal_day_by_day_oracle() {
    let q = match questionnaire::load_str("exotic.toml", EXOTIC) {
        Ok(q) => q,
        Err(d) => panic!("{d:?}"),
    };
    let today = date(2026, 11, 29);
    let mut r = Rng(0x1234_5678_9abc_def1);
    let mut outcomes = std::collections::BTreeSet::new();
    for case in 0..200 {
        let a = exotic_answers(&mut r);
        let fast = eval::evaluate(&q, &a, today);
        let slow = eval::evaluate_day_by_day(&q, &a, today);
        same(&q, &fast, &slow, &format!("case {case}: {a:?}"));
        outcomes.insert(format!("{:?}", fast.status));
    }
    assert!(
        outcomes.len() >= 3,
        "too few kinds of outcome: {outcomes:?}"
    );
}
