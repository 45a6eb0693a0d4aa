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

impl OfficeCodeError {
    /// The message in one language (the wizard's screen), where [`std::fmt::Display`]
    /// gives both (logs and the command line).
    pub fn message(&self, lang: crate::text::Lang) -> String {
        let given = &self.given;
        match lang {
            crate::text::Lang::Zh => format!(
                "办公室代码“{given}”无效：{}；应为6位行政区划代码，如 451002 或 451002-2",
                self.zh
            ),
            crate::text::Lang::En => format!(
                "office code \"{given}\" is invalid: {}; expected a 6-digit division code, e.g. 451002 or 451002-2",
                self.en
            ),
        }
    }
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

/// A case number, or a short form of one, in parts: `[PREFIX-][OFFICE-][YEAR-]SERIAL`.
///
/// The last part is always the serial (1 to 6 digits, leading zeros or not); the one
/// before it, when it has 4 digits, the year; a first part starting with a letter, the
/// questionnaire's prefix (any case); whatever is left between them, the office code
/// (`451002`, `451002-2`). Parts not given match any case: `1` is serial 1 of the current
/// year whatever its prefix and office, `bs-2026-1` serial 1 of 2026 with prefix BS in
/// any office, `451002-2-2026-1` the same serial minted by office 451002-2. A bare number
/// is always a serial (`2026` is case 2026 of this year, not a year). A full number
/// (`BS-451002-2026-000001`, or a `guantong-case/1` one without office) parses the same
/// way, so a short form is compared with stored numbers part by part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberParts {
    pub prefix: Option<String>,
    pub office: Option<String>,
    pub year: Option<i16>,
    pub serial: i64,
}

impl NumberParts {
    pub fn parse(s: &str) -> Option<NumberParts> {
        let s = s.trim();
        let mut parts: Vec<&str> = s.split('-').collect();
        let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        let serial = parts.pop().filter(|t| digits(t, 1..=6))?.parse().ok()?;
        let prefix = match parts.first() {
            Some(p) if p.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                if !(1..=8).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                let p = p.to_ascii_uppercase();
                parts.remove(0);
                Some(p)
            }
            _ => None,
        };
        let year = match parts.last() {
            Some(y) if digits(y, 4..=4) => {
                let y = y.parse().ok()?;
                parts.pop();
                Some(y)
            }
            _ => None,
        };
        let office = if parts.is_empty() {
            None
        } else {
            Some(OfficeCode::parse(&parts.join("-")).ok()?.0)
        };
        Some(NumberParts {
            prefix,
            office,
            year,
            serial,
        })
    }

    /// Whether the case numbered `number` is one this (short) form names; a form without
    /// a year names `this_year`'s case.
    pub fn matches(&self, number: &str, this_year: i16) -> bool {
        let Some(full) = NumberParts::parse(number) else {
            return false;
        };
        full.serial == self.serial
            && full.year == Some(self.year.unwrap_or(this_year))
            && (self.prefix.is_none() || full.prefix == self.prefix)
            && (self.office.is_none() || full.office == self.office)
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

    #[test]
    fn short_forms_name_cases_part_by_part() {
        let stored = [
            "BS-451002-2026-000001",
            "BS-451002-2-2026-000001",
            "SB-451002-2026-000002",
            "BS-2026-000003",
            "451002-2025-000001",
        ];
        let find = |short: &str| -> Vec<&str> {
            let p = NumberParts::parse(short).unwrap_or_else(|| panic!("{short}"));
            stored
                .iter()
                .copied()
                .filter(|n| p.matches(n, 2026))
                .collect()
        };
        // serial 1 of this year: two offices minted one each, so both (never a guess)
        assert_eq!(
            find("1"),
            ["BS-451002-2026-000001", "BS-451002-2-2026-000001"]
        );
        assert_eq!(find("000001"), find("1"));
        assert_eq!(find("bs-2026-1"), find("1"));
        // the office part narrows it to one
        assert_eq!(find("451002-2026-1"), ["BS-451002-2026-000001"]);
        assert_eq!(find("bs-451002-2-2026-1"), ["BS-451002-2-2026-000001"]);
        assert_eq!(find("BS-451002-2026-000001"), ["BS-451002-2026-000001"]);
        // an office code and the serial: this year
        assert_eq!(find("451002-2"), ["SB-451002-2026-000002"]);
        // another prefix, another year, a number without office
        assert_eq!(find("sb-2026-2"), ["SB-451002-2026-000002"]);
        assert_eq!(find("2025-1"), ["451002-2025-000001"]);
        assert_eq!(find("BS-2026-3"), ["BS-2026-000003"]);
        assert!(find("SB-2026-1").is_empty());
        // not a number at all
        for bad in [
            "",
            "-",
            "bs",
            "bs-",
            "1234567",
            "张三",
            "bs-2026-x",
            "99-2026-1",
        ] {
            assert_eq!(NumberParts::parse(bad), None, "{bad}");
        }
    }
}
