//! Resident identity card numbers (GB 11643-1999): ISO 7064 MOD 11-2 check digit, birth
//! date (characters 7–14) and sex (17th digit, odd = male).

use jiff::civil::Date;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdError {
    Length(usize),
    Characters,
    BirthDate,
    CheckDigit { expected: char, found: char },
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Length(n) => write!(
                f,
                "身份证号应为 18 位，实际 {n} 位 / must be 18 characters, got {n}"
            ),
            IdError::Characters => write!(
                f,
                "前 17 位须为数字，末位为数字或 X / the first 17 characters must be digits, the last a digit or X"
            ),
            IdError::BirthDate => write!(
                f,
                "第 7–14 位不是有效的出生日期 / characters 7–14 are not a valid birth date"
            ),
            IdError::CheckDigit { expected, found } => write!(
                f,
                "校验位应为 {expected}，实际为 {found} / check digit should be {expected}, found {found}"
            ),
        }
    }
}

/// A checked resident ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdNumber {
    /// Normalised: trimmed, upper-case X.
    pub number: String,
    pub birth_date: Date,
    pub male: bool,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

pub fn check_digit(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

pub fn parse(s: &str) -> Result<IdNumber, IdError> {
    let s = s.trim();
    let n = s.chars().count();
    if n != 18 {
        return Err(IdError::Length(n));
    }
    let bytes = s.as_bytes();
    if !bytes[..17].iter().all(u8::is_ascii_digit) {
        return Err(IdError::Characters);
    }
    let last = (bytes[17] as char).to_ascii_uppercase();
    if !(last.is_ascii_digit() || last == 'X') {
        return Err(IdError::Characters);
    }
    let num = |r: std::ops::Range<usize>| -> i64 {
        bytes[r]
            .iter()
            .fold(0, |acc, d| acc * 10 + i64::from(d - b'0'))
    };
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    let birth_date = i16::try_from(y)
        .ok()
        .and_then(|y| Date::new(y, m as i8, d as i8).ok())
        .filter(|_| (1..=12).contains(&m) && (1..=31).contains(&d) && y >= 1850)
        .ok_or(IdError::BirthDate)?;
    let expected = check_digit(&bytes[..17]);
    if expected != last {
        return Err(IdError::CheckDigit {
            expected,
            found: last,
        });
    }
    let mut number = s[..17].to_string();
    number.push(last);
    Ok(IdNumber {
        number,
        birth_date,
        male: (bytes[16] - b'0') % 2 == 1,
    })
}

/// Mask for exports: first four and last four characters kept (4510**********0017).
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 4 || i >= chars.len() - 4 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn valid_numbers() {
        let id = parse("451021199003020240").expect("valid");
        assert_eq!(id.birth_date, date(1990, 3, 2));
        assert!(!id.male);
        // GB 11643 example number, check digit X
        let id = parse("11010519491231002X").expect("valid");
        assert_eq!(id.birth_date, date(1949, 12, 31));
        assert!(!id.male);
    }

    #[test]
    fn lower_case_x_is_accepted_and_normalised() {
        let id = parse("11010519491231002x").expect("valid");
        assert_eq!(id.number, "11010519491231002X");
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(
            parse("451021199003020241"),
            Err(IdError::CheckDigit {
                expected: '0',
                found: '1'
            })
        );
    }

    #[test]
    fn wrong_length_and_characters() {
        assert_eq!(parse("45102119900302024"), Err(IdError::Length(17)));
        assert_eq!(parse("4510211990030202401"), Err(IdError::Length(19)));
        assert_eq!(parse("45102119900302024０"), Err(IdError::Characters));
        assert_eq!(parse("4510211990030202A0"), Err(IdError::Characters));
        assert_eq!(
            parse("身份证号码一二三四五六七八九十一二三"),
            Err(IdError::Characters)
        );
    }

    #[test]
    fn impossible_dates() {
        // 1990-02-30
        let mut s = b"45102119900230024".to_vec();
        let c = check_digit(&s);
        s.push(c as u8);
        assert_eq!(
            parse(std::str::from_utf8(&s).unwrap_or("")),
            Err(IdError::BirthDate)
        );
        // month 13
        let mut s = b"45102119901301024".to_vec();
        let c = check_digit(&s);
        s.push(c as u8);
        assert_eq!(
            parse(std::str::from_utf8(&s).unwrap_or("")),
            Err(IdError::BirthDate)
        );
    }

    #[test]
    fn masking() {
        assert_eq!(mask("451021199003020017"), "4510**********0017");
        assert_eq!(mask("123"), "***");
    }
}
