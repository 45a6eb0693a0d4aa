//! The office code: which store (which counter office) minted a case. The 6-digit
//! administrative division code of the office's county or district (GB/T 2260, e.g.
//! `451002` 右江区), and for a second store in the same county a suffix `-2`, `-3`, …
//! (`451002-2`). It is part of every case number, so two offices never mint the same one.

use std::fmt;

/// Environment variable giving the office code (before `office_code` in config.toml).
pub const OFFICE_ENV: &str = "GUANTONG_OFFICE";

/// First two digits of a GB/T 2260 code: the province-level divisions.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A well-formed office code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OfficeCode(String);

/// Why a text is not an office code (the message names the text and the rule).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "办公室代码“{given}”无效：{zh}；应为6位行政区划代码，同一县区的第二个案件库加后缀，如 451002 或 451002-2 / office code \"{given}\" is invalid: {en}; expected the 6-digit administrative division code, with a suffix for a second store in the same county, e.g. 451002 or 451002-2"
)]
pub struct OfficeCodeError {
    pub given: String,
    zh: &'static str,
    en: &'static str,
}

impl OfficeCode {
    /// Parse `s` (surrounding spaces ignored).
    pub fn parse(s: &str) -> Result<OfficeCode, OfficeCodeError> {
        let t = s.trim();
        let bad = |zh, en| OfficeCodeError {
            given: t.to_string(),
            zh,
            en,
        };
        let (code, suffix) = match t.split_once('-') {
            Some((c, n)) => (c, Some(n)),
            None => (t, None),
        };
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("前六位须为数字", "the code must be six digits"));
        }
        let province = (code.as_bytes()[0] - b'0') * 10 + (code.as_bytes()[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(bad(
                "前两位不是省级行政区划代码",
                "the first two digits are not a province's code",
            ));
        }
        if let Some(n) = suffix {
            let ok = !n.is_empty()
                && n.len() <= 2
                && n.bytes().all(|b| b.is_ascii_digit())
                && !n.starts_with('0')
                && n != "1";
            if !ok {
                return Err(bad(
                    "后缀须为 2 到 99 的数字（第一个案件库不加后缀）",
                    "the suffix must be a number from 2 to 99 (the first store has none)",
                ));
            }
        }
        Ok(OfficeCode(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OfficeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A case number: `PREFIX-OFFICE-YEAR-SERIAL` (`SB-451002-2026-000001`), or without the
/// prefix when the questionnaire declares none.
pub fn case_number(prefix: Option<&str>, office: &OfficeCode, year: i16, serial: i64) -> String {
    match prefix {
        Some(p) => format!("{p}-{office}-{year}-{serial:06}"),
        None => format!("{office}-{year}-{serial:06}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for ok in ["451002", "451002-2", " 110105 ", "451000-99", "820000"] {
            assert!(OfficeCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "45100",
            "4510022",
            "45100a",
            "991002",
            "000000",
            "451002-",
            "451002-1",
            "451002-02",
            "451002-100",
            "451002-x",
            "451002 2",
            "４５１００２",
        ] {
            let e = OfficeCode::parse(bad).unwrap_err();
            assert!(e.to_string().contains(bad.trim()), "{e}");
        }
        let o = OfficeCode::parse("451002-2").unwrap();
        assert_eq!(
            case_number(Some("SB"), &o, 2026, 7),
            "SB-451002-2-2026-000007"
        );
        assert_eq!(case_number(None, &o, 2026, 7), "451002-2-2026-000007");
    }
}
