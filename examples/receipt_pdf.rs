//! Render a sample receipt to a PDF with the font guantong finds on this machine (or the
//! one given), to look at by hand:
//! `cargo run --example receipt_pdf -- OUT.pdf [FONT] [EXTRA_PARAGRAPHS]`.

use std::process::ExitCode;

use guantong::print::doc::{Doc, Section};
use guantong::print::font::{CjkFont, FontSearch};
use guantong::print::pdf::{self, PdfOptions};
use guantong::safe;
use guantong::text::Lang;

fn sample(extra: usize) -> Doc {
    let mut after = Section::new("之后的安排", 5)
        .paragraph("申报材料提交后，7月至8月由人力资源和社会保障部门审核，9月至10月组织评审（第十一条第一项）。")
        .paragraph("评审结果在百色市人力资源和社会保障局网站公示，公示无异议的发放证书。");
    for _ in 0..extra {
        after = after.paragraph("审核期间如需补充材料，经办人将电话通知申请人，请保持电话畅通；逾期未补充的，视为放弃本年度申报。");
    }
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
                .paragraph("请于2026年7月1日至2026年7月31日登录百色市人力资源和社会保障局网站（第十一条第二项）提交申报材料，评审费每人300元。")
                .bullets([
                    "居民身份证原件及复印件",
                    "毕业证书、学位证书原件及复印件",
                    "职业资格证书或职业技能等级证书原件及复印件",
                    "单位出具的工作年限证明（加盖公章）",
                ]),
        )
        .section(after)
        .section(
            Section::new("取得后的待遇", 3)
                .paragraph("取得相应职称的，按规定享受同等待遇，可作为岗位聘用、职务晋升的依据（第二十四条、第二十五条）。"),
        )
        .section(
            Section::new("承诺", 8)
                .paragraph("本人承诺以上所填信息及所提交材料真实、准确、完整，如有虚假，愿承担相应责任。"),
        )
        .signature("申请人签字")
        .signature("经办人签字")
        .signature("日期")
        .verification("校验码 3f9a-c2e1-07bd · 密钥 7c1e")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: receipt_pdf OUT.pdf [FONT] [EXTRA_PARAGRAPHS]");
        return ExitCode::from(2);
    };
    let search = match args.get(1).filter(|s| !s.is_empty()) {
        Some(f) => FontSearch::file(f),
        None => FontSearch::default(),
    };
    let extra = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let font = match CjkFont::find(&search) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}", safe::text(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let t = std::time::Instant::now();
    let r = match pdf::render(&sample(extra), &font, PdfOptions::default()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", safe::text(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let took = t.elapsed();
    let mut f = match guantong::outfile::OutFile::create(std::path::Path::new(out)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}", safe::text(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    use std::io::Write;
    if let Err(e) = f
        .write_all(&r.pdf)
        .map_err(|e| e.to_string())
        .and_then(|()| f.commit().map_err(|e| e.to_string()))
    {
        eprintln!("{}", safe::text(&e));
        return ExitCode::FAILURE;
    }
    println!(
        "{}",
        safe::text(&format!(
            "{out}: {} bytes in {took:?}; font {} ({}, face {}); body {} pt{}{}{}",
            r.pdf.len(),
            font.family(),
            font.path().display(),
            font.index(),
            r.body_size,
            if r.shrunk { ", shrunk" } else { "" },
            if r.cut.is_empty() {
                String::new()
            } else {
                format!(", cut: {}", r.cut.join(", "))
            },
            if r.missing_glyphs.is_empty() {
                String::new()
            } else {
                format!(", no glyph for: {:?}", r.missing_glyphs)
            },
        ))
    );
    ExitCode::SUCCESS
}
