//! The loader's context: the file, its text and the diagnostics found so far, with the
//! helpers every phase uses to report a problem at its place in the file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::raw::S;
use crate::diag::{Diagnostic, LineIndex, Severity, caret_excerpt};
use crate::expr::check::Ty;
use crate::text::{Text, tr};
use crate::value::Value;

/// Limits that keep loading fast whatever a file contains.
pub const MAX_FACTS: usize = 2000;
pub const MAX_DERIVED: usize = 1000;
pub const MAX_RULES: usize = 2000;

pub(super) struct Cx<'a> {
    pub file: String,
    pub src: &'a str,
    pub lines: LineIndex,
    pub diags: Vec<Diagnostic>,
    /// Kinds of warning the file silences (`[meta] quiet`).
    pub quiet: Vec<String>,
    /// English forms written beside Chinese cites.
    pub cite_en: BTreeMap<String, String>,
}

/// The kinds of warning a questionnaire may silence with `[meta] quiet = [...]`.
pub const WARNING_KINDS: [&str; 4] = [
    "missing_english",
    "unread_fact",
    "unmentioned_choice",
    "unguarded_read",
];

/// Byte offset in the file of byte `value_offset` inside the string token at `token`.
pub fn map_offset(src: &str, token: &Range<usize>, value_offset: usize) -> usize {
    let Some(tok) = src.get(token.clone()) else {
        return token.start;
    };
    let (delim, basic) = if tok.starts_with("\"\"\"") {
        (3, true)
    } else if tok.starts_with("'''") {
        (3, false)
    } else if tok.starts_with('"') {
        (1, true)
    } else if tok.starts_with('\'') {
        (1, false)
    } else {
        return token.start;
    };
    let mut pos = token.start + delim;
    if delim == 3 {
        let after = src.get(pos..).unwrap_or("");
        if after.starts_with("\r\n") {
            pos += 2;
        } else if after.starts_with('\n') {
            pos += 1;
        }
    }
    if !basic {
        let mut at = (pos + value_offset).min(token.end);
        while at > pos && !src.is_char_boundary(at) {
            at -= 1;
        }
        return at;
    }
    let mut value_pos = 0;
    while value_pos < value_offset && pos < token.end {
        let Some(rest) = src.get(pos..token.end) else {
            break;
        };
        let Some(c) = rest.chars().next() else { break };
        if c == '\\' {
            let next = rest[1..].chars().next().unwrap_or(' ');
            match next {
                'u' | 'U' => {
                    let n = if next == 'u' { 4 } else { 8 };
                    let decoded = rest
                        .get(2..2 + n)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .map_or(1, char::len_utf8);
                    pos += 2 + n;
                    value_pos += decoded;
                }
                '\n' | '\r' | ' ' | '\t' => {
                    let skip = rest[1..]
                        .find(|c: char| !c.is_whitespace())
                        .unwrap_or(rest.len() - 1);
                    pos += 1 + skip;
                }
                _ => {
                    pos += 2;
                    value_pos += 1;
                }
            }
        } else {
            pos += c.len_utf8();
            value_pos += c.len_utf8();
        }
    }
    pos.min(token.end)
}

pub(super) fn snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A `[data]` value as the expressions see it. A value it cannot hold becomes null, with
/// its path and the reason added to `bad`.
pub(super) fn toml_to_value(v: &toml::Value, path: &str, bad: &mut Vec<(String, Text)>) -> Value {
    let mut fail = |why: Text| {
        bad.push((path.to_string(), why));
        Value::Null
    };
    match v {
        toml::Value::String(s) => Value::str(s),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Float(_) => fail(tr!(
            "不支持小数：请用整数（金额用以分为单位的整数）",
            "decimals are not supported: use integers (money as an integer number of fen, 分)"
        )),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, toml_date(dt)) {
            (Some(_), None, Some(d)) => Value::Date(d),
            (Some(_), None, None) => fail(tr!("不是有效日期", "not a valid date")),
            _ => fail(tr!(
                "只支持日期（不带时间）",
                "only dates (no times) are supported"
            )),
        },
        toml::Value::Array(items) => Value::list(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| toml_to_value(x, &format!("{path}[{i}]"), bad))
                .collect(),
        ),
        toml::Value::Table(t) => Value::Map(Arc::new(
            t.iter()
                .map(|(k, x)| (k.clone(), toml_to_value(x, &format!("{path}.{k}"), bad)))
                .collect::<BTreeMap<_, _>>(),
        )),
    }
}

pub fn toml_date(dt: &toml::value::Datetime) -> Option<jiff::civil::Date> {
    match (dt.date, dt.time) {
        (Some(d), None) => jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
        _ => None,
    }
}

impl Cx<'_> {
    pub(super) fn push(
        &mut self,
        offset: usize,
        severity: Severity,
        message: Text,
        excerpt: Option<String>,
    ) {
        let (line, col) = self.lines.line_col(self.src, offset);
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            line,
            col,
            severity,
            message,
            excerpt,
        });
    }
    pub(super) fn error(&mut self, offset: usize, message: Text) {
        self.push(offset, Severity::Error, message, None);
    }
    /// A warning of a kind the file may silence.
    pub(super) fn warn_kind(&mut self, kind: &str, offset: usize, message: Text) {
        if !self.quiet.iter().any(|q| q == kind) {
            self.warn(offset, message);
        }
    }
    pub(super) fn warn(&mut self, offset: usize, message: Text) {
        self.push(offset, Severity::Warning, message, None);
    }
    /// An error at `start..end` of the expression in the string token `tok`: what the
    /// expression is (`rule `r` when`), then the message, in each language.
    pub(super) fn expr_error(
        &mut self,
        tok: &Range<usize>,
        start: usize,
        end: usize,
        what: Text,
        message: &Text,
    ) {
        let a = map_offset(self.src, tok, start);
        let b = map_offset(self.src, tok, end).max(a);
        let excerpt = caret_excerpt(self.src, a, b);
        let ((wz, we), (mz, me)) = (what.pair(), message.pair());
        self.push(
            a,
            Severity::Error,
            tr!("{wz}：{mz}", "{we}: {me}"),
            Some(excerpt),
        );
    }
    /// A warning when the text `what` names has no English.
    pub(super) fn english(&mut self, t: &S<Text>, what: Text) {
        if t.get_ref().lacks_english() {
            let (wz, we) = what.pair();
            self.warn_kind(
                "missing_english",
                t.span().start,
                tr!("{wz}：没有英文文本", "{we} has no English text"),
            );
        }
    }

    /// Where a `[data]` value stands in the file: the last key of `path` after `[data]`.
    pub(super) fn data_key_offset(&self, path: &str) -> usize {
        let start = self.src.find("[data]").unwrap_or(0);
        let key = path
            .rsplit('.')
            .next()
            .unwrap_or(path)
            .split('[')
            .next()
            .unwrap_or("");
        self.src[start..]
            .find(&format!("{key} "))
            .or_else(|| self.src[start..].find(&format!("{key}=")))
            .map_or(start, |i| start + i)
    }

    pub(super) fn expect_bool(&mut self, s: &S<String>, ty: &Ty, what: Text) {
        if !matches!(ty, Ty::Bool | Ty::Null | Ty::Any) {
            let end = s.get_ref().len();
            let (tz, te) = ty.names();
            self.expr_error(
                &s.span(),
                0,
                end,
                what,
                &tr!("必须是布尔值，却是{tz}", "must be a bool, found {te}"),
            );
        }
    }

    /// A cite that must be present (facts and rules): checked, or an error at `at`.
    pub(super) fn required_cite(
        &mut self,
        c: &Option<S<Text>>,
        articles: &[(String, String)],
        at: usize,
        what: Text,
    ) -> String {
        match c {
            Some(c) => self.check_cite(c, articles),
            None => {
                let (wz, we) = what.pair();
                self.error(
                    at,
                    tr!(
                        "{wz}：没有 `cite`（所依据的条款）",
                        "{we} has no `cite` (the article it rests on)"
                    ),
                );
                String::new()
            }
        }
    }

    /// Check a cite against the articles; return its Chinese form (the article key), and
    /// remember an English form written beside it.
    pub(super) fn check_cite(&mut self, c: &S<Text>, articles: &[(String, String)]) -> String {
        let zh = c.get_ref().zh().to_string();
        if zh.trim().is_empty() {
            self.error(c.span().start, tr!("cite 为空", "empty cite"));
        } else if !articles.is_empty() && !articles.iter().any(|(k, _)| zh.starts_with(k.as_str()))
        {
            self.error(
                c.span().start,
                tr!(
                    "cite `{zh}` 不是 [articles] 中的任何条款",
                    "cite `{zh}` names no article in [articles]"
                ),
            );
        }
        if let (Text::Both { en: Some(en), .. }, false) = (c.get_ref(), zh.is_empty()) {
            self.cite_en.insert(zh.clone(), en.clone());
        }
        zh
    }
}
