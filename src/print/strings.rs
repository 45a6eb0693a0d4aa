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
