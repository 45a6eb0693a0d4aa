//! The applicant's receipt, built from signed cases of the Baise questionnaire: the HTML
//! against golden files (an eligible skill-to-title case in Chinese and English, an
//! ineligible one that can apply next year, a skill assessment, a corrected case), and the
//! PDF set with the fixture font: one page, holding the applicant's own name and ID number
//! in full, the verdict, the dates and the case number, and no internal code.

use std::path::Path;

use guantong::case::signoff::{Signer, prepare};
use guantong::case::{CaseRecord, SignOff};
use guantong::eval::input;
use guantong::print::font::CjkFont;
use guantong::print::pdf::{self, PdfOptions};
use guantong::questionnaire::{self, Questionnaire};
use guantong::text::Lang;
use jiff::civil::date;

const OFFICE: &str = "百色市人力资源和社会保障局";

/// 高级工 since 2022: eligible for the assistant title, window 2026-06-15 to 07-31.
const S2T_ELIGIBLE: &str = "
pathway = \"skill_to_title\"
interview_date = 2026-06-15
birth_date = 1988-05-20
sex = \"male\"
retired = false
assessment_failed = false
under_sanction = false
skill_level = \"level3\"
skill_cert_date = 2022-03-01
title_series = \"engineering\"
specialty_matches = true
meets_industry_standard = true
works_in_baise = true
employment = \"employed\"
awards = []
fraud_findings = 0
title_revoked = false
same_level_other_application = false
continuing_ed_done = true
technical_school_class = \"none\"
on_post_3_years = true
";

/// 中级职称 → 技师 skill assessment, theory exam waived.
const T2S_ELIGIBLE: &str = "
pathway = \"title_to_skill\"
interview_date = 2026-06-15
birth_date = 1985-09-09
sex = \"female\"
original_retirement_age = 55
retired = false
assessment_failed = false
under_sanction = false
title_level = \"intermediate\"
works_related_field = true
licensed_occupation = \"not_required\"
demerit_in_effect = false
integrity_record_in_effect = false
skill_cert_before_promotion = false
major_award = false
overseas_talent_degree = \"none\"
pro_work_years = 6
title_required_years = 5
related_degree = true
";

fn q() -> Questionnaire {
    questionnaire::embedded().expect("the embedded questionnaire loads")
}

/// A signed record (numbered and hashed as the store would) of `facts` for 韦小宝.
fn record(q: &Questionnaire, facts: &str, id: Option<&str>) -> CaseRecord {
    let mut src = format!("[facts]\n{facts}\napplicant_name = \"韦小宝\"\n");
    if let Some(id) = id {
        src.push_str(&format!("id_number = \"{id}\"\n"));
    }
    let answers = input::parse_answers(q, "a.toml", &src, date(2026, 6, 15)).expect("answers");
    let at: jiff::Timestamp = "2026-06-15T02:42:07Z".parse().unwrap();
    let s = SignOff {
        questionnaire: q,
        answers,
        applicant_name: "韦小宝".into(),
        applicant_id: id.map(str::to_string),
        pledge_confirmed_at: at,
        clerk_display_name: Some("李四".into()),
        notes: None,
        amends: None,
        draft_id: None,
        now: at,
        today: date(2026, 6, 15),
    };
    let signer = Signer {
        user: "lisi".into(),
        public_key: "ab".repeat(32),
    };
    let mut rec = prepare(&s, &signer).expect("the case signs");
    rec.seq = 1;
    rec.number = "BS-451002-2026-000001".into();
    rec.sha256 = "3f9ac2e107bd5e6f".repeat(4);
    rec
}

/// The HTML receipt with the local signing time (it depends on the machine's zone) named
/// by a placeholder.
fn html(rec: &CaseRecord, q: &Questionnaire, lang: Lang) -> String {
    let doc = guantong::receipt::build(rec, Some(q), Some(OFFICE), lang);
    guantong::print::html::render(&doc, lang).replace(
        &guantong::dates::local_time(rec.signed_at),
        "SIGNED_AT_LOCAL",
    )
}

/// Compare with `tests/golden/receipt/NAME`; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/receipt")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        expected,
        actual,
        "the receipt differs from {} (UPDATE_GOLDEN=1 to accept)",
        path.display()
    );
}

/// Codes and technical detail a receipt must never show.
const NEVER: [&str; 10] = [
    "skill_to_title",
    "eligible",
    "insufficient_experience",
    "continuing_ed",
    "assistant",
    "SHA-256",
    "ababab",
    "<blockquote",
    "第十一条  申报流程",
    "*",
];

fn s2t_ineligible() -> String {
    S2T_ELIGIBLE.replace("2022-03-01", "2025-03-01")
}

#[test]
fn html_receipts_match_their_golden_files() {
    let q = q();
    let ok = record(&q, S2T_ELIGIBLE, Some("451021198805200011"));
    let no = record(&q, &s2t_ineligible(), Some("451021198805200011"));
    let t2s = record(&q, T2S_ELIGIBLE, None);
    let mut fixed = ok.clone();
    fixed.number = "BS-451002-2026-000002".into();
    fixed.amends = Some("BS-451002-2026-000001".into());
    let mut corrected = ok.clone();
    corrected.amended_by = vec!["BS-451002-2026-000002".into()];
    for (name, rec, lang) in [
        ("s2t-eligible.zh.html", &ok, Lang::Zh),
        ("s2t-eligible.en.html", &ok, Lang::En),
        ("s2t-ineligible.zh.html", &no, Lang::Zh),
        ("t2s-eligible.zh.html", &t2s, Lang::Zh),
        ("s2t-correction.zh.html", &fixed, Lang::Zh),
        ("s2t-corrected.zh.html", &corrected, Lang::Zh),
    ] {
        let h = html(rec, &q, lang);
        // (in English "eligible" is the word, not a code)
        for never in NEVER.iter().filter(|_| lang == Lang::Zh) {
            assert!(!h.contains(never), "{name} shows {never}");
        }
        golden(name, &h);
    }
}

#[test]
fn the_receipt_reads_the_outcome_for_the_applicant() {
    let q = q();
    let ok = record(&q, S2T_ELIGIBLE, Some("451021198805200011"));
    let h = html(&ok, &q, Lang::Zh);
    for want in [
        OFFICE,
        "咨询回执",
        "韦小宝",
        "451021198805200011",
        "BS-451002-2026-000001",
        "SIGNED_AT_LOCAL",
        "<dd>符合</dd>",
        "李四",
        "可于 2026-06-15 至 2026-07-31 申报助理级职称（评审费150元）",
        "广西人才在线网",
        "7—8月审核，9—10月评审",
        "第二十四条",
        "本人承诺",
        "申请人签字",
        "经办人签字",
        "校验码 3f9a-c2e1-07bd",
    ] {
        assert!(h.contains(want), "{want} not on the receipt:\n{h}");
    }
    // an ineligible applicant reads why, and when it may change; no steps to apply
    let no = record(&q, &s2t_ineligible(), Some("451021198805200011"));
    let h = html(&no, &q, Lang::Zh);
    for want in [
        "<dd>不符合</dd>",
        "2027年6月1日起可申报助理级职称",
        "暂不符合的原因",
        "第八条",
    ] {
        assert!(h.contains(want), "{want} not on the receipt:\n{h}");
    }
    for not in ["申报途径和步骤", "取得后的待遇", "7—8月审核"] {
        assert!(!h.contains(not), "{not} on an ineligible receipt:\n{h}");
    }
    // a skill assessment reads Art. 22's steps and Art. 25
    let t2s = record(&q, T2S_ELIGIBLE, None);
    let h = html(&t2s, &q, Lang::Zh);
    assert!(h.contains("第二十二条") && h.contains("第二十五条"), "{h}");
    assert!(
        !h.contains("身份证号码"),
        "no ID number given, no row:\n{h}"
    );
}

fn fixture_font() -> CjkFont {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts/receipt-subset.ttf");
    CjkFont::load(&p, None).unwrap()
}

/// The text of every page, and the page count, as a PDF reader sees them (spaces and
/// line breaks the reader puts between runs taken out).
fn read_back(pdf: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    (
        pages.len(),
        text.chars().filter(|c| !c.is_whitespace()).collect(),
    )
}

#[test]
fn pdf_receipts_are_one_page_with_the_name_verdict_and_dates() {
    let q = q();
    let font = fixture_font();
    let cases = [
        (
            record(&q, S2T_ELIGIBLE, Some("451021198805200011")),
            vec!["符合", "可于2026-06-15至2026-07-31申报助理级职称"],
        ),
        (
            record(&q, &s2t_ineligible(), Some("451021198805200011")),
            vec!["不符合", "2027年6月1日起可申报助理级职称"],
        ),
        (record(&q, T2S_ELIGIBLE, None), vec!["符合", "技师"]),
    ];
    for (rec, wants) in &cases {
        let doc = guantong::receipt::build(rec, Some(&q), Some(OFFICE), Lang::Zh);
        let r = pdf::render(&doc, &font, PdfOptions::default()).unwrap();
        assert!(r.missing_glyphs.is_empty(), "{:?}", r.missing_glyphs);
        assert!(r.cut.is_empty(), "cut to fit: {:?}", r.cut);
        let (pages, text) = read_back(&r.pdf);
        assert_eq!(pages, 1);
        let signed = guantong::dates::local_time(rec.signed_at).replace(' ', "");
        for want in [
            OFFICE,
            "韦小宝",
            "BS-451002-2026-000001",
            &signed,
            "校验码3f9a-c2e1-07bd",
        ]
        .into_iter()
        .chain(wants.iter().copied())
        {
            assert!(text.contains(want), "{want} not in the PDF:\n{text}");
        }
        if rec.applicant.id_number.is_some() {
            assert!(text.contains("451021198805200011"), "{text}");
        }
        for never in NEVER {
            assert!(!text.contains(never), "the PDF shows {never}");
        }
    }
}
