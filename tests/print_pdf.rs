//! The receipt's PDF: one A4 page whose text (read back by a PDF parser) holds the
//! applicant's name, the verdict and the dates; the body shrinks, then the lowest-priority
//! section is cut with a visible note, and never a second page; the font search names the
//! package to install when there is no Chinese font. The font is a small subset committed
//! under tests/fixtures/fonts (see its README), so no test depends on the machine's fonts.

use std::path::Path;

use guantong::print::doc::{Doc, Section};
use guantong::print::font::{CjkFont, FontError, FontSearch};
use guantong::print::pdf::{self, PdfError, PdfOptions, Rendered};
use guantong::text::Lang;

fn fixture_font() -> CjkFont {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts/receipt-subset.ttf");
    CjkFont::load(&p, None).unwrap()
}

fn receipt() -> Doc {
    Doc::new(Lang::Zh)
        .heading("百色市人力资源和社会保障局")
        .heading("职业发展互评互通申报回执")
        .row("案件编号", "BS-2026-000001")
        .row("日期", "2026-06-15 10:42:07")
        .row("申请人", "韦小宝")
        .row("身份证号", "450102199001011234")
        .row("结论", "符合申报条件")
        .row("经办人", "李四")
        .section(
            Section::new("何时、何处申报", 9)
                .paragraph("请于2026年7月1日至2026年7月31日登录百色市人力资源和社会保障局网站提交申报材料，评审费每人300元。")
                .bullets(["身份证原件及复印件", "毕业证书原件及复印件", "职业资格证书原件及复印件"]),
        )
        .section(
            Section::new("之后的安排", 5)
                .paragraph("7月至8月审核，9月至10月评审，结果在网站公布。"),
        )
        .section(Section::new("承诺", 7).paragraph("本人承诺所填信息真实、准确，如有虚假，愿承担相应责任。"))
        .signature("申请人签字")
        .signature("经办人签字")
        .signature("日期")
        .verification("校验码 3f9a-c2e1-07bd")
}

/// The text of every page, and the page count, as a PDF reader sees them.
fn read_back(pdf: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    (pages.len(), text)
}

/// Text without the line breaks and spaces a reader puts between runs.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn render(doc: &Doc) -> Rendered {
    pdf::render(doc, &fixture_font(), PdfOptions::default()).unwrap()
}

#[test]
fn one_page_with_the_name_verdict_and_dates() {
    let r = render(&receipt());
    assert!(r.pdf.starts_with(b"%PDF-"));
    let (pages, text) = read_back(&r.pdf);
    assert_eq!(pages, 1);
    let t = squeeze(&text);
    for want in [
        "百色市人力资源和社会保障局",
        "韦小宝",
        "450102199001011234",
        "符合申报条件",
        "2026-06-15",
        "2026年7月1日至2026年7月31日",
        "BS-2026-000001",
        "申请人签字",
        "校验码3f9a-c2e1-07bd",
    ] {
        assert!(t.contains(want), "{want} not in the PDF's text:\n{text}");
    }
    assert_eq!(r.body_size, PdfOptions::default().body_max);
    assert!(!r.shrunk && r.cut.is_empty(), "{r:?}");
    assert!(r.missing_glyphs.is_empty(), "{:?}", r.missing_glyphs);
}

#[test]
fn a_longer_body_shrinks_the_type_before_anything_is_cut() {
    let mut d = receipt();
    let long = "审核期间如需补充材料，经办人将电话通知申请人，请保持电话畅通。".repeat(3);
    for _ in 0..8 {
        d.sections[1] = d.sections[1].clone().paragraph(long.clone());
    }
    let r = render(&d);
    assert!(r.shrunk, "{r:?}");
    assert!(r.body_size < PdfOptions::default().body_max);
    assert!(r.body_size >= PdfOptions::default().body_min);
    assert!(r.cut.is_empty(), "{:?}", r.cut);
    let (pages, text) = read_back(&r.pdf);
    assert_eq!(pages, 1);
    assert!(!squeeze(&text).contains("余下内容见电子版"));
}

#[test]
fn overflow_cuts_the_lowest_priority_section_with_a_visible_note() {
    let mut d = receipt();
    let long = "审核期间如需补充材料，经办人将电话通知申请人，请保持电话畅通。".repeat(3);
    for _ in 0..40 {
        d.sections[1] = d.sections[1].clone().paragraph(long.clone());
    }
    let r = render(&d);
    assert_eq!(r.body_size, PdfOptions::default().body_min);
    assert_eq!(
        r.cut,
        ["之后的安排"],
        "only the lowest-priority section is cut"
    );
    let (pages, text) = read_back(&r.pdf);
    assert_eq!(pages, 1);
    let t = squeeze(&text);
    assert!(t.contains("…（余下内容见电子版）"), "{text}");
    // the sections of higher priority, the signatures and the code are all there
    for want in [
        "承诺所填信息真实",
        "职业资格证书原件及复印件",
        "经办人签字",
        "校验码",
    ] {
        assert!(t.contains(want), "{want}:\n{text}");
    }
    // the note comes right after what was kept of the cut section
    let note = t.find("…（余下内容见电子版）").unwrap();
    assert!(t.find("之后的安排").unwrap() < note);
    assert!(note < t.find("承诺").unwrap());
}

#[test]
fn when_one_section_is_not_enough_the_next_lowest_is_cut_too() {
    let mut d = receipt();
    let long = "审核期间如需补充材料，经办人将电话通知申请人，请保持电话畅通。".repeat(3);
    for i in [1, 2] {
        for _ in 0..25 {
            d.sections[i] = d.sections[i].clone().paragraph(long.clone());
        }
    }
    let r = render(&d);
    // priorities 9, 5, 7: cut 5 first, then 7
    assert_eq!(r.cut, ["之后的安排", "承诺"]);
    let (pages, text) = read_back(&r.pdf);
    assert_eq!(pages, 1);
    assert_eq!(squeeze(&text).matches("余下内容见电子版").count(), 2);
}

#[test]
fn particulars_that_cannot_fit_are_an_error_not_a_second_page() {
    let mut d = receipt();
    for i in 0..80 {
        d = d.row("备注", format!("第{i}条"));
    }
    match pdf::render(&d, &fixture_font(), PdfOptions::default()) {
        Err(PdfError::TooLong) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn closing_punctuation_never_starts_a_printed_line() {
    // a paragraph of commas and stops at every width the page could break at
    let mut d = receipt();
    d.sections[1] = Section::new("之后的安排", 5).paragraph("审核，评审。".repeat(60));
    let r = render(&d);
    let (_, text) = read_back(&r.pdf);
    for line in text.lines() {
        let l = line.trim_start();
        assert!(
            !l.starts_with(['，', '。']),
            "a line starts with punctuation: {l:?}\n{text}"
        );
    }
}

#[test]
fn escapes_in_a_name_print_as_visible_codes_and_missing_glyphs_are_reported() {
    let d = receipt().row("备注", "韦\u{202e}小宝\u{1b}[2J");
    let r = render(&d);
    let t = squeeze(&read_back(&r.pdf).1);
    assert!(t.contains("韦<U+202E>小宝<U+001B>[2J"), "{t}");
    // a character the subset font does not have
    let r = render(&receipt().row("备注", "䶮"));
    assert_eq!(r.missing_glyphs, ['䶮']);
}

#[test]
fn no_chinese_font_names_the_package_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let search = FontSearch {
        explicit: None,
        fontconfig: false,
        dirs: vec![empty.path().to_path_buf()],
    };
    let e = CjkFont::find(&search).unwrap_err();
    assert!(matches!(e, FontError::NoneFound { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("apt-get install fonts-noto-cjk"), "{msg}");
    assert!(msg.contains("fonts-wqy-microhei"), "{msg}");
    assert!(msg.contains(&empty.path().display().to_string()), "{msg}");
}

#[test]
fn a_named_font_is_used_or_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing.ttf");
    let e = CjkFont::find(&FontSearch::file(&missing)).unwrap_err();
    assert!(matches!(e, FontError::Read { .. }), "{e}");
    assert!(e.to_string().contains("nothing.ttf"));

    let junk = dir.path().join("junk.ttf");
    std::fs::write(&junk, b"not a font at all").unwrap();
    let e = CjkFont::find(&FontSearch::file(&junk)).unwrap_err();
    assert!(matches!(e, FontError::NotAFont { .. }), "{e}");

    let f = CjkFont::find(&FontSearch::file(fixture_font().path())).unwrap();
    assert_eq!(f.path(), fixture_font().path());
}

#[test]
fn a_font_without_chinese_is_not_taken_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let latin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts/latin-subset.ttf");
    let e = CjkFont::find(&FontSearch::file(&latin)).unwrap_err();
    assert!(matches!(e, FontError::NoChinese { .. }), "{e}");
    // found by the directory search: the Latin font is passed over for the Chinese one
    let fonts = dir.path().join("fonts");
    std::fs::create_dir_all(fonts.join("truetype/wqy")).unwrap();
    std::fs::copy(&latin, fonts.join("wqy-zenhei.ttc")).unwrap();
    std::fs::copy(
        fixture_font().path(),
        fonts.join("truetype/wqy/wqy-microhei.ttc"),
    )
    .unwrap();
    let search = FontSearch {
        explicit: None,
        fontconfig: false,
        dirs: vec![fonts.clone()],
    };
    let f = CjkFont::find(&search).unwrap();
    assert_eq!(f.path(), fonts.join("truetype/wqy/wqy-microhei.ttc"));
}
