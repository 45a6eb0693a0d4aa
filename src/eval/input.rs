//! Answers from outside: answers files (TOML), stored drafts (JSON) and what the clerk
//! types. Every value is checked against its fact's type, choices, range and pattern;
//! every error names the fact.

use std::collections::BTreeMap;

use jiff::civil::Date;
use toml::Spanned;

use crate::diag::LineIndex;
use crate::questionnaire::{Fact, FactKind, Questionnaire};
use crate::text::{Lang, Text, tr};
use crate::value::{Answers, Value};

/// An error in an answers file: where, which fact, what (in both languages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The fact the error is about (empty for a file-level error such as TOML syntax).
    pub fact: String,
    pub message: Text,
}

impl AnswerError {
    /// `file:line:col: error: fact `id`: message` in `lang`, as `check` prints its lines
    /// (the severity word is not translated).
    pub fn render(&self, lang: Lang) -> String {
        let (file, line, col, msg) = (&self.file, self.line, self.col, self.message.get(lang));
        if self.fact.is_empty() {
            format!("{file}:{line}:{col}: error: {msg}")
        } else {
            let about = about_fact(&self.fact, lang);
            format!("{file}:{line}:{col}: error: {about}{msg}")
        }
    }
}

/// What an answer error about fact `id` starts with: `事实 `id`：` or `fact `id`: `.
pub fn about_fact(id: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("事实 `{id}`："),
        Lang::En => format!("fact `{id}`: "),
    }
}

/// Parse a date as a clerk types it: `2026-06-15`, `20260615`, `2026年6月15日`,
/// `2026/6/15`, `2026.6.15`.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (
            s[0..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..8].parse().ok()?,
        );
        return Date::new(y, m, d).ok();
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// The choice codes, joined by `sep` (`、` in Chinese, `, ` in English).
fn choices_list(f: &Fact, sep: &str) -> String {
    f.choices
        .iter()
        .map(|c| c.value.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

/// The longest text answer accepted, in characters. A name, an ID number or a work unit is
/// far shorter; a 9 MB "name" is a mistake (a file pasted into the field) or an attack, and
/// would be stored, signed and printed on every list.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// Check a text answer: at most [`MAX_TEXT_CHARS`] characters, no control or invisible
/// characters ([`crate::safe::is_unsafe`]: escapes, bidi overrides, zero-width spaces), and
/// unless empty, at least one visible character.
pub fn check_text(s: &str) -> Result<(), Text> {
    // bytes first: a huge value is refused without counting it
    let n = if s.len() > MAX_TEXT_CHARS * 4 {
        s.len()
    } else {
        s.chars().count()
    };
    if n > MAX_TEXT_CHARS {
        let unit = if s.len() > MAX_TEXT_CHARS * 4 {
            ("字节", "bytes")
        } else {
            ("个字符", "characters")
        };
        return Err(Text::new(
            &format!("过长：{n} {}，最多 {MAX_TEXT_CHARS} 个字符", unit.0),
            &format!(
                "too long: {n} {}; at most {MAX_TEXT_CHARS} characters",
                unit.1
            ),
        ));
    }
    if let Some((i, c)) = s
        .chars()
        .enumerate()
        .find(|(_, c)| crate::safe::is_unsafe(*c))
    {
        let (i, code) = (i + 1, u32::from(c));
        return Err(Text::new(
            &format!("第 {i} 个字符 U+{code:04X} 是控制字符或不可见字符"),
            &format!("character {i} is the control or invisible character U+{code:04X}"),
        ));
    }
    // "" is left to the caller (an empty optional answer, or one a rule tests for)
    if !s.is_empty() && !crate::safe::has_visible(s) {
        return Err(Text::new(
            "没有可见的字符（只有空格或零宽字符）",
            "has no visible character (only spaces or zero-width characters)",
        ));
    }
    Ok(())
}

/// [`check_text`] for the applicant's name at sign-off, as one bilingual message.
pub fn check_applicant_name(name: &str) -> Result<(), String> {
    check_text(name).map_err(|t| {
        format!(
            "申请人姓名{} / the applicant's name: {}",
            t.zh(),
            t.en().unwrap_or_default()
        )
    })
}

/// Check a value against its fact, converting where the form is loose (a date given as a
/// string). Returns the normalised value or a message.
pub fn coerce(f: &Fact, v: Value) -> Result<Value, Text> {
    let wrong = |expected: &str, expected_en: &str| {
        Err(Text::new(
            &format!("应为{expected}"),
            &format!("expected {expected_en}"),
        ))
    };
    match (f.kind, v) {
        (_, Value::Null) if f.optional => Ok(Value::Null),
        // an optional text given as "" was left empty
        (FactKind::Text, Value::Str(s)) if f.optional && s.trim().is_empty() => Ok(Value::Null),
        (FactKind::Bool, v @ Value::Bool(_)) => Ok(v),
        (FactKind::Bool, _) => wrong("是/否（true 或 false）", "true or false"),
        (FactKind::Integer, Value::Int(n)) => {
            if f.min.is_some_and(|m| n < m) || f.max.is_some_and(|m| n > m) {
                let range = format!(
                    "{}–{}",
                    f.min.map_or("…".into(), |m| m.to_string()),
                    f.max.map_or("…".into(), |m| m.to_string())
                );
                return Err(Text::new(
                    &format!("{n} 超出范围 {range}"),
                    &format!("{n} is outside {range}"),
                ));
            }
            Ok(Value::Int(n))
        }
        (FactKind::Integer, _) => wrong("整数", "an integer"),
        (FactKind::Date, v @ Value::Date(_)) => Ok(v),
        (FactKind::Date, Value::Str(s)) => match parse_date(&s) {
            Some(d) => Ok(Value::Date(d)),
            None => Err(Text::new(
                &format!("“{s}”不是有效日期（如 2026-06-15）"),
                &format!("\"{s}\" is not a valid date (e.g. 2026-06-15)"),
            )),
        },
        (FactKind::Date, _) => wrong("日期（如 2026-06-15）", "a date (e.g. 2026-06-15)"),
        (FactKind::Text, Value::Str(s)) => {
            check_text(&s)?;
            if let Some(p) = &f.pattern
                && !p.is_match(&s)
            {
                return Err(Text::new(
                    &format!("“{s}”格式不对"),
                    &format!("\"{s}\" does not have the expected form"),
                ));
            }
            Ok(Value::Str(s))
        }
        (FactKind::Text, _) => wrong("文字", "text"),
        (FactKind::Enum, Value::Str(s)) => match f.choice(&s) {
            Some(_) => Ok(Value::Str(s)),
            None => Err(Text::new(
                &format!("“{s}”不是可选项（{}）", choices_list(f, "、")),
                &format!(
                    "\"{s}\" is not one of the choices ({})",
                    choices_list(f, ", ")
                ),
            )),
        },
        (FactKind::Enum, _) => wrong("选项代码（文字）", "a choice code (a string)"),
        (FactKind::EnumList, Value::List(items)) => {
            let mut seen = Vec::new();
            for i in items.iter() {
                let Some(s) = i.as_str() else {
                    return wrong("选项代码列表", "a list of choice codes");
                };
                if f.choice(s).is_none() {
                    return Err(Text::new(
                        &format!("“{s}”不是可选项（{}）", choices_list(f, "、")),
                        &format!(
                            "\"{s}\" is not one of the choices ({})",
                            choices_list(f, ", ")
                        ),
                    ));
                }
                if seen.contains(&s) {
                    return Err(Text::new(
                        &format!("“{s}”重复"),
                        &format!("\"{s}\" is listed twice"),
                    ));
                }
                seen.push(s);
            }
            Ok(Value::List(items))
        }
        (FactKind::EnumList, _) => wrong("选项代码列表", "a list of choice codes"),
    }
}

/// What the clerk typed for a text, integer or date question.
pub fn parse_typed(f: &Fact, s: &str) -> Result<Value, Text> {
    let t = s.trim();
    if t.is_empty() {
        return if f.optional {
            Ok(Value::Null)
        } else {
            Err(Text::new("此项必填", "an answer is required"))
        };
    }
    match f.kind {
        FactKind::Integer => match t.parse::<i64>() {
            Ok(n) => coerce(f, Value::Int(n)),
            Err(_) => Err(Text::new(
                &format!("“{t}”不是整数"),
                &format!("\"{t}\" is not a whole number"),
            )),
        },
        FactKind::Date => coerce(f, Value::str(t)),
        _ => coerce(f, Value::str(t)),
    }
}

pub fn from_toml(v: &toml::Value) -> Option<Value> {
    Some(match v {
        toml::Value::String(s) => Value::str(s),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                Value::Date(Date::new(d.year as i16, d.month as i8, d.day as i8).ok()?)
            }
            _ => return None,
        },
        toml::Value::Array(a) => Value::list(a.iter().map(from_toml).collect::<Option<Vec<_>>>()?),
        toml::Value::Float(_) | toml::Value::Table(_) => return None,
    })
}

pub fn from_json(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Int(n.as_i64()?),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(a) => {
            Value::list(a.iter().map(from_json).collect::<Option<Vec<_>>>()?)
        }
        serde_json::Value::Object(_) => return None,
    })
}

/// Answers from a JSON object (a stored draft or case): unknown facts and bad values are
/// returned separately so that a changed questionnaire loses nothing silently.
pub fn answers_from_json(
    q: &Questionnaire,
    obj: &serde_json::Map<String, serde_json::Value>,
) -> (Answers, Vec<String>) {
    let mut out = Answers::new();
    let mut dropped = Vec::new();
    for (k, v) in obj {
        match (q.fact(k), from_json(v)) {
            (Some(f), Some(v)) => match coerce(f, v) {
                Ok(v) => {
                    out.insert(k.clone(), v);
                }
                Err(_) => dropped.push(k.clone()),
            },
            _ => dropped.push(k.clone()),
        }
    }
    (out, dropped)
}

pub fn answers_to_json(answers: &Answers) -> serde_json::Map<String, serde_json::Value> {
    answers
        .iter()
        .map(|(k, v)| (k.clone(), v.to_json()))
        .collect()
}

type SpannedTable = BTreeMap<String, Spanned<toml::Value>>;

/// A TOML syntax error in an answers file: the TOML library's own words (English) after a
/// prefix in each language.
fn toml_error(e: &toml::de::Error) -> Text {
    let msg = e.message().trim();
    tr!("TOML 格式错误：{msg}", "TOML: {msg}")
}

/// The bare key at the start of the line holding byte `offset` (`key = value`).
fn key_at(src: &str, offset: usize) -> Option<String> {
    let start = src.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = src.get(start..)?.lines().next()?.trim_start();
    let key: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let rest = line.get(key.len()..)?.trim_start();
    (!key.is_empty() && rest.starts_with('=')).then_some(key)
}

#[derive(serde::Deserialize)]
struct Wrapped {
    facts: SpannedTable,
}

/// Parse an answers file (`fact = value` at the top level, or under `[facts]`), check
/// every value, then run the questionnaire's validations (ID number check, agreement of
/// birth date and sex with it). `today` is the clock for the interview-date default.
pub fn parse_answers(
    q: &Questionnaire,
    file: &str,
    src: &str,
    today: Date,
) -> Result<Answers, Vec<AnswerError>> {
    if src.len() as u64 > crate::diag::MAX_ANSWERS_BYTES {
        return Err(vec![AnswerError {
            file: file.to_string(),
            line: 0,
            col: 0,
            fact: String::new(),
            message: crate::diag::too_large(crate::diag::MAX_ANSWERS_BYTES),
        }]);
    }
    let lines = LineIndex::new(src);
    let at = |offset: usize, fact: &str, message: Text| {
        let (line, col) = lines.line_col(src, offset);
        AnswerError {
            file: file.to_string(),
            line,
            col,
            fact: fact.to_string(),
            message,
        }
    };
    let top: SpannedTable = match toml::from_str(src) {
        Ok(t) => t,
        Err(e) => {
            let off = e.span().map_or(0, |s| s.start);
            // a value TOML itself refuses (2026-02-29) still names its fact
            let fact = key_at(src, off)
                .filter(|k| q.fact(k).is_some())
                .unwrap_or_default();
            return Err(vec![at(off, &fact, toml_error(&e))]);
        }
    };
    let table = if top.contains_key("facts") && q.fact("facts").is_none() {
        // beside [facts], only a scenario's [expect] may stand
        let stray: Vec<AnswerError> = top
            .iter()
            .filter(|(k, _)| *k != "facts" && *k != "expect")
            .map(|(k, v)| {
                at(
                    v.span().start,
                    k,
                    tr!(
                        "这一项在 [facts] 之外；请把它移到 [facts] 中",
                        "this key stands outside [facts]; move it into [facts]"
                    ),
                )
            })
            .collect();
        if !stray.is_empty() {
            return Err(stray);
        }
        match toml::from_str::<Wrapped>(src) {
            Ok(w) => w.facts,
            Err(e) => {
                let off = e.span().map_or(0, |s| s.start);
                return Err(vec![at(off, "facts", toml_error(&e))]);
            }
        }
    } else {
        top
    };
    let mut errors = Vec::new();
    let mut answers = Answers::new();
    for (k, v) in &table {
        let off = v.span().start;
        let Some(f) = q.fact(k) else {
            errors.push(at(
                off,
                k,
                tr!(
                    "问卷 `{qid}` 中没有事实 `{k}`",
                    "the questionnaire `{qid}` defines no fact `{k}`",
                    qid = q.meta.id
                ),
            ));
            continue;
        };
        let Some(val) = from_toml(v.get_ref()) else {
            errors.push(at(
                off,
                k,
                tr!(
                    "不支持的值（该事实为 {kind} 类型）",
                    "unsupported value for this {kind} fact",
                    kind = f.kind.name()
                ),
            ));
            continue;
        };
        match coerce(f, val) {
            Ok(val) => {
                answers.insert(k.clone(), val);
            }
            Err(t) => errors.push(at(off, k, t)),
        }
    }
    if errors.is_empty() {
        let ev = super::evaluate(q, &answers, today);
        for (fi, vi) in ev.invalid() {
            let f = &q.facts[usize::from(fi)];
            let off = table.get(&f.id).map_or(0, |v| v.span().start);
            // the questionnaire's own message, in both languages as written
            errors.push(at(off, &f.id, f.validate[vi].message.clone()));
        }
    }
    errors.sort_by_key(|e| (e.line, e.col));
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn text_answer_checks_size_controls_and_visibility() {
        assert!(check_text("张三").is_ok());
        assert!(check_text("Nguyễn Văn A").is_ok());
        assert!(check_text(&"名".repeat(MAX_TEXT_CHARS)).is_ok());
        let e = check_text(&"名".repeat(MAX_TEXT_CHARS + 1)).unwrap_err();
        assert!(e.get(Lang::En).contains("at most 1000 characters"), "{e:?}");
        let e = check_text(&"x".repeat(9_000_000)).unwrap_err();
        assert!(e.get(Lang::En).contains("too long: 9000000 bytes"), "{e:?}");
        let e = check_text("\u{200b}\u{200b}\u{200b}").unwrap_err();
        assert!(e.get(Lang::En).contains("U+200B"), "{e:?}");
        let e = check_text("张\u{1b}]0;x\u{7}").unwrap_err();
        assert!(e.get(Lang::En).contains("character 2") && e.get(Lang::En).contains("U+001B"));
        let e = check_text(" \u{3000} ").unwrap_err();
        assert!(e.get(Lang::En).contains("no visible character"), "{e:?}");
    }

    #[test]
    fn key_at_finds_the_key_of_a_line() {
        let src = "[facts]\npathway = \"x\"\n  interview_date = 2026-02-29\n";
        let off = src.find("2026").unwrap_or(0);
        assert_eq!(key_at(src, off).as_deref(), Some("interview_date"));
        assert_eq!(key_at(src, 2), None);
    }

    #[test]
    fn dates_in_every_accepted_form() {
        for s in [
            "2026-06-15",
            "20260615",
            "2026年6月15日",
            "2026年06月15日",
            "2026/6/15",
            "2026.06.15",
            " 2026-6-15 ",
        ] {
            assert_eq!(parse_date(s), Some(date(2026, 6, 15)), "{s}");
        }
        for s in [
            "2026-02-30",
            "2026-13-01",
            "15/06/2026",
            "2026-06",
            "26-06-15",
            "",
            "二〇二六年六月",
            "2026061",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(parse_date("20240229"), Some(date(2024, 2, 29)));
        assert_eq!(parse_date("20230229"), None);
    }
}
