//! The printing layer's own words (the receipt's wording comes from the questionnaire).
//! Error messages carry both languages, as the rest of the core's errors do.

use crate::text::Lang;

/// Put where a section was cut to fit the page.
pub fn cut_note(lang: Lang) -> &'static str {
    lang.pick(
        "…（余下内容见电子版）",
        "… (the rest is in the electronic copy)",
    )
}

/// The Debian packages that bring a CJK font, first the one to suggest.
pub const FONT_PACKAGES: [&str; 2] = ["fonts-noto-cjk", "fonts-wqy-microhei"];

/// The Debian package that brings `lp`.
pub const LP_PACKAGE: &str = "cups-client";

/// The Debian package that brings `rz` (for a clerk's terminal that does not receive
/// ZMODEM by itself).
pub const RZ_PACKAGE: &str = "lrzsz";

/// An article after a line of the receipt: （第八条） in Chinese, ` (Art. 8)` in English.
pub fn cite_suffix(lang: Lang, cite: &str) -> String {
    match lang {
        Lang::Zh => format!("（{cite}）"),
        Lang::En => format!(" ({cite})"),
    }
}

/// "label：value" / "label: value".
pub fn pair(lang: Lang, label: &str, value: &str) -> String {
    match lang {
        Lang::Zh => format!("{label}：{value}"),
        Lang::En => format!("{label}: {value}"),
    }
}

/// The generic wording of a receipt whose questionnaire declares no `[receipt]` (and the
/// labels it leaves out).
pub mod fallback {
    use crate::text::Lang;

    pub fn title(lang: Lang) -> &'static str {
        lang.pick(
            "咨询回执（申请人留存）",
            "Consultation receipt (applicant's copy)",
        )
    }
    pub fn number(lang: Lang) -> &'static str {
        lang.pick("案件编号", "Case number")
    }
    pub fn date(lang: Lang) -> &'static str {
        lang.pick("日期", "Date")
    }
    pub fn applicant(lang: Lang) -> &'static str {
        lang.pick("申请人", "Applicant")
    }
    pub fn id_number(lang: Lang) -> &'static str {
        lang.pick("身份证号码", "ID number")
    }
    pub fn status(lang: Lang) -> &'static str {
        lang.pick("结论", "Outcome")
    }
    pub fn clerk(lang: Lang) -> &'static str {
        lang.pick("经办人", "Clerk")
    }
    pub fn amends(lang: Lang) -> &'static str {
        lang.pick("更正", "Corrects")
    }
    pub fn amended_by(lang: Lang) -> &'static str {
        lang.pick("已更正", "Corrected by")
    }
    pub fn signatures(lang: Lang) -> [&'static str; 3] {
        [
            lang.pick("申请人签字", "Applicant's signature"),
            lang.pick("经办人签字", "Clerk's signature"),
            lang.pick("日期", "Date"),
        ]
    }
    pub fn verification(lang: Lang) -> &'static str {
        lang.pick("校验码 {code}", "Verification code {code}")
    }
    /// Headings of the generic sections: the outcome, why not, how to apply, what to
    /// bring, the pledge.
    pub fn sections(lang: Lang) -> [&'static str; 5] {
        [
            lang.pick("结论说明", "What the outcome means"),
            lang.pick("暂不符合的原因", "Why not yet"),
            lang.pick("办理步骤", "Next steps"),
            lang.pick("需准备的材料", "What to bring"),
            lang.pick("诚信承诺", "Integrity pledge"),
        ]
    }
}
