//! Masking that cannot be undone, shown as the attack it stops: from the masked outputs
//! alone (`cases show` in every format and language, `cases export` in every format,
//! `cases list` in every format, `cases drafts --format json`), an attacker who knows
//! everything else about a case (every other answer, the clerk, the dates shown, the
//! region prefix and the last four characters of the ID number, and how the check digit
//! works) tries every birth date and every Baise county code, rebuilds the case the
//! program would have signed for each, masks it the same way and keeps the candidates
//! whose masked outputs are identical to the ones shown.
//!
//! Before masking held, the retirement date (birth date + a fixed age) and `apply_by`
//! (cut short by retirement) left one birth date, and with the check digit about one ID
//! number; the hash of the unmasked record confirmed it offline.

mod store_common;

use std::collections::BTreeSet;
use std::path::Path;

use guantong::case::export::{self, ExportFormat, Shown};
use guantong::case::privacy::Policy;
use guantong::case::signoff::{self, Signer};
use guantong::case::trust::Pins;
use guantong::case::{CaseRecord, SignOff};
use guantong::questionnaire::Questionnaire;
use guantong::text::Lang;
use jiff::civil::Date;
use store_common::*;

/// The county-level codes under 4510 (百色市), GB/T 2260: the region digits an attacker
/// who sees `4510` would try.
const REGIONS: [&str; 12] = [
    "451002", "451003", "451022", "451024", "451026", "451027", "451028", "451029", "451030",
    "451031", "451081", "451082",
];

/// The ISO 7064 MOD 11-2 check character of the first 17 characters.
fn check_char(s17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = s17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    "10X98765432".chars().nth((sum % 11) as usize).unwrap()
}

fn id_for(region: &str, birth: Date, seq: &str) -> String {
    let s17 = format!("{region}{}{seq}", birth.strftime("%Y%m%d"));
    format!("{s17}{}", check_char(&s17))
}

/// A skill-to-title applicant (高级工 since 2022) heard on 2026-03-02, whose outcome
/// depends on the birth date only through retirement.
fn answers(name: &str, id: &str) -> String {
    format!(
        r#"[facts]
applicant_name = "{name}"
id_number = "{id}"
pathway = "skill_to_title"
interview_date = 2026-03-02
sex = "male"
assessment_failed = false
under_sanction = false
retired = false
skill_level = "level3"
skill_cert_date = 2022-03-01
awards = []
title_series = "engineering"
specialty_matches = true
meets_industry_standard = true
works_in_baise = true
employment = "employed"
fraud_findings = 0
title_revoked = false
same_level_other_application = false
continuing_ed_done = true
technical_school_class = "none"
on_post_3_years = true
"#
    )
}

/// Everything masked output shows of one case, as the library renders it (the CLI's
/// outputs are checked to hold exactly these).
fn fingerprint(rec: &CaseRecord, q: &Questionnaire, p: &Policy, pins: &Pins) -> Vec<String> {
    let mut out = Vec::new();
    for f in [
        ExportFormat::Json,
        ExportFormat::Markdown,
        ExportFormat::Html,
        ExportFormat::Text,
    ] {
        for lang in [Lang::Zh, Lang::En] {
            out.push(export::render_fragment_with(
                rec,
                Some(q),
                f,
                &export::Render {
                    shown: Shown::Masked(p),
                    pins: Some(pins),
                    lang,
                },
            ));
        }
    }
    let mut row = export::index_row_of(rec);
    row.clerk_name =
        export::clerk_name_cell(Some(pins), &row.clerk, row.clerk_name.as_deref(), Lang::Zh);
    let row = p.mask_row(&row);
    out.push(export::csv_row(
        &row,
        &export::summary_facts(rec),
        &export::result_names(Some(q), rec),
    ));
    out.push(serde_json::to_string(&row.summary()).unwrap());
    out
}

struct Signed {
    number: String,
    id: String,
    birth: Date,
    retires: &'static [&'static str],
}

fn cli(data: &Path, cfg: &Path, args: &[&str]) -> String {
    let o = run(data, cfg, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn masked_outputs_leave_over_a_thousand_id_numbers_and_no_birth_date() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    let q = guantong::questionnaire::embedded().unwrap();
    // A: retires on 2026-06-02, inside the 2026 window: eligible, apply_by cut to 06-01.
    // B: retired 2026-05-10, before the window: ineligible, a sentence names the day.
    // C: far from retirement.
    let people = [
        (
            "韦小宝",
            Date::constant(1966, 2, 2),
            &["2026-06-02", "2026年6月2日"][..],
        ),
        (
            "覃明",
            Date::constant(1966, 1, 10),
            &["2026-05-10", "2026年5月10日"][..],
        ),
        (
            "黄丽华",
            Date::constant(1988, 5, 20),
            &["2051-05-20", "2051年5月20日"][..],
        ),
    ];
    let mut signed = Vec::new();
    for (i, (name, birth, retires)) in people.iter().enumerate() {
        let id = id_for("451002", *birth, &format!("12{}", 3 + 2 * i));
        let file = tmp.path().join(format!("a{i}.toml"));
        std::fs::write(&file, answers(name, &id)).unwrap();
        let notes = format!("{name}，{id}，生于{birth}");
        let o = run(
            &data,
            &cfg,
            &[
                "cases",
                "sign",
                "--answers",
                file.to_str().unwrap(),
                "--pledge-confirmed",
                "--notes",
                &notes,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        signed.push(Signed {
            number: stdout(&o).trim().to_string(),
            id,
            birth: *birth,
            retires,
        });
    }
    // A draft of applicant A, its birth date following the ID number.
    {
        let store = guantong::case::Store::open(&data).unwrap();
        let mut d = guantong::case::Draft::new(&q, "clerk", jiff::Timestamp::now());
        let src = answers(people[0].0, &signed[0].id);
        d.answers =
            guantong::eval::input::parse_answers(&q, "a.toml", &src, Date::constant(2026, 3, 2))
                .unwrap();
        store.save_draft(&d).unwrap();
    }

    // Every masked output the CLI gives.
    let mut outputs: Vec<(String, String)> = Vec::new();
    for s in &signed {
        for fmt in ["text", "json", "md", "html"] {
            for lang in ["zh", "en"] {
                let args = ["--lang", lang, "cases", "show", &s.number, "--format", fmt];
                outputs.push((format!("{args:?}"), cli(&data, &cfg, &args)));
            }
        }
    }
    for fmt in ["json", "csv", "md", "html"] {
        let args = ["cases", "export", "--format", fmt];
        outputs.push((format!("{args:?}"), cli(&data, &cfg, &args)));
    }
    for fmt in ["json", "csv", "table"] {
        let args = ["cases", "list", "--format", fmt];
        outputs.push((format!("{args:?}"), cli(&data, &cfg, &args)));
    }
    let args = ["cases", "drafts", "--format", "json"];
    outputs.push((format!("{args:?}"), cli(&data, &cfg, &args)));

    // Nothing derived from a birth date, no name, no hash of an unmasked record.
    let store = guantong::case::Store::open(&data).unwrap();
    let mut hashes = Vec::new();
    for s in &signed {
        let rec = store.get_case(&s.number).unwrap();
        hashes.push(rec.sha256.clone());
    }
    for (what, out) in &outputs {
        for (s, (name, _, _)) in signed.iter().zip(&people) {
            let b = s.birth;
            for needle in [
                s.id.clone(),
                s.id[6..14].to_string(),
                b.to_string(),
                format!("{}年{}月{}日", b.year(), b.month(), b.day()),
                name.to_string(),
                // the given name, where it is long enough not to occur in other words
                Some(name.chars().skip(1).collect::<String>())
                    .filter(|g| g.chars().count() > 1)
                    .unwrap_or_else(|| name.to_string()),
            ]
            .iter()
            .chain(
                s.retires
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .iter(),
            ) {
                assert!(
                    !out.contains(needle.as_str()),
                    "{what} shows {needle}:\n{out}"
                );
            }
        }
        for h in &hashes {
            assert!(!out.contains(h.as_str()), "{what} shows a record's hash");
        }
        assert!(!out.contains("signature"), "{what} shows a signature");
    }

    // The attack: every candidate birth date within 1,250 days either side (650 for the
    // case far from retirement, whose outcome does not turn on its birth date), every
    // county.
    let policy = Policy::new(Some(&q));
    use_config(&cfg);
    let pins = Pins::load().unwrap();
    let export_json = &outputs
        .iter()
        .find(|(w, _)| w.contains("export") && w.contains("json"))
        .unwrap()
        .1;
    let list_json = &outputs
        .iter()
        .find(|(w, _)| w.contains("list") && w.contains("json"))
        .unwrap()
        .1;
    for s in &signed {
        let rec = store.get_case(&s.number).unwrap();
        let seen = fingerprint(&rec, &q, &policy, &pins);
        // what the library renders is what the CLI showed
        assert!(
            export_json.contains(&seen[0]),
            "export json holds the fragment"
        );
        let show_text = &outputs
            .iter()
            .find(|(w, _)| w.contains(&s.number) && w.contains("\"text\"") && w.contains("\"zh\""))
            .unwrap()
            .1;
        assert_eq!(show_text, &seen[6], "cases show is the library's text");
        let listed: serde_json::Value = serde_json::from_str(&seen[9]).unwrap();
        let holds = |l: &str| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            listed
                .as_object()
                .unwrap()
                .iter()
                .all(|(k, x)| v.get(k) == Some(x))
        };
        assert!(list_json.lines().any(holds), "list json holds the row");

        let seq = &s.id[14..17];
        let check = s.id.chars().last().unwrap();
        let today = rec
            .signed_at
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .date();
        let signer = Signer {
            user: rec.clerk.user.clone(),
            public_key: rec.clerk.public_key.clone(),
        };
        let (mut ids, mut dates) = (0usize, BTreeSet::new());
        let reach: i64 = if s.retires[0].starts_with("2051") {
            650
        } else {
            1250
        };
        for off in -reach..=reach {
            let d = s.birth.checked_add(jiff::Span::new().days(off)).unwrap();
            let fits: Vec<&str> = REGIONS
                .iter()
                .copied()
                .filter(|r| id_for(r, d, seq).ends_with(check))
                .collect();
            let Some(region) = fits.first() else {
                continue;
            };
            let id = id_for(region, d, seq);
            let src = answers(&rec.applicant.name, &id);
            let Ok(parsed) = guantong::eval::input::parse_answers(&q, "c.toml", &src, today) else {
                continue;
            };
            let req = SignOff {
                questionnaire: &q,
                answers: parsed,
                applicant_name: rec.applicant.name.clone(),
                applicant_id: Some(id.clone()),
                pledge_confirmed_at: rec.pledge.confirmed_at,
                clerk_display_name: rec.clerk.display_name.clone(),
                notes: rec.notes.clone(),
                amends: None,
                draft_id: None,
                now: rec.signed_at,
                today,
            };
            let Ok(mut c) = signoff::prepare(&req, &signer) else {
                continue;
            };
            c.seq = rec.seq;
            c.number = rec.number.clone();
            c.prev = rec.prev.clone();
            c.origin = rec.origin.clone();
            c.office = rec.office.clone();
            if fingerprint(&c, &q, &policy, &pins) == seen {
                ids += fits.len();
                dates.insert(d);
            }
        }
        eprintln!(
            "{}: {ids} ID numbers and {} birth dates (from {} to {}) fit the masked outputs",
            s.number,
            dates.len(),
            dates.first().unwrap(),
            dates.last().unwrap()
        );
        assert!(dates.contains(&s.birth), "the true one fits");
        assert!(ids >= 1000, "{}: only {ids} ID numbers remain", s.number);
        // no birth date: hundreds fit, spread over more than two years
        assert!(
            dates.len() >= 500,
            "{}: only {} birth dates",
            s.number,
            dates.len()
        );
        let (first, last) = (*dates.first().unwrap(), *dates.last().unwrap());
        assert!(
            (last - first).get_days() > 730,
            "{}: birth dates fit only from {first} to {last}",
            s.number
        );
    }
}
