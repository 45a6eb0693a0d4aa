//! Loading and checking: TOML -> [`Questionnaire`], or every problem found, each with
//! `file:line:col` in the TOML file. `guantong check` prints exactly these.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::build::{Compiler, FactHead, Names};
use super::model::*;
use super::raw::*;
use crate::diag::{Diagnostic, Severity, caret_excerpt, line_col};
use crate::expr::check::Ty;
use crate::text::Text;
use crate::value::Value;

/// Load a questionnaire from its text. `Err` holds every diagnostic (errors and warnings)
/// when there is at least one error; `Ok` keeps the warnings in `warnings`.
pub fn load_str(file: &str, src: &str) -> Result<Questionnaire, Vec<Diagnostic>> {
    let mut cx = Cx {
        file: file.to_string(),
        src,
        diags: Vec::new(),
    };
    let q = cx.build();
    cx.diags.sort_by_key(|d| (d.line, d.col));
    match q {
        Some(mut q) if !cx.diags.iter().any(Diagnostic::is_error) => {
            q.warnings = cx.diags;
            Ok(q)
        }
        _ => Err(cx.diags),
    }
}

/// Load a questionnaire file from disk.
pub fn load_file(path: &std::path::Path) -> Result<Questionnaire, Vec<Diagnostic>> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(src) => load_str(&file, &src),
        Err(e) => Err(vec![Diagnostic {
            file,
            line: 0,
            col: 0,
            severity: Severity::Error,
            message: format!("cannot read the file: {e}"),
            excerpt: None,
        }]),
    }
}

/// The Baise questionnaire, embedded in the binary.
pub const EMBEDDED_BAISE: &str = include_str!("../../questionnaires/baise.toml");

pub fn embedded() -> Result<Questionnaire, Vec<Diagnostic>> {
    load_str("questionnaires/baise.toml", EMBEDDED_BAISE)
}

/// Limits that keep loading fast whatever a file contains.
pub const MAX_FACTS: usize = 2000;
pub const MAX_DERIVED: usize = 1000;
pub const MAX_RULES: usize = 2000;

pub(super) struct Cx<'a> {
    pub file: String,
    pub src: &'a str,
    pub diags: Vec<Diagnostic>,
}

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

fn toml_to_value(v: &toml::Value) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => Value::str(s),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Float(_) => return Err("floats are not supported (use integers)".into()),
        toml::Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => Value::Date(
                jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8)
                    .map_err(|e| format!("invalid date: {e}"))?,
            ),
            _ => return Err("only dates (no times) are supported".into()),
        },
        toml::Value::Array(items) => Value::list(
            items
                .iter()
                .map(toml_to_value)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        toml::Value::Table(t) => Value::Map(Arc::new(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), toml_to_value(v)?)))
                .collect::<Result<BTreeMap<_, _>, String>>()?,
        )),
    })
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
        message: String,
        excerpt: Option<String>,
    ) {
        let (line, col) = line_col(self.src, offset);
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            line,
            col,
            severity,
            message,
            excerpt,
        });
    }
    pub(super) fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.push(offset, Severity::Error, message.into(), None);
    }
    pub(super) fn warn(&mut self, offset: usize, message: impl Into<String>) {
        self.push(offset, Severity::Warning, message.into(), None);
    }
    /// An error at `start..end` of the expression in the string token `tok`.
    pub(super) fn expr_error(
        &mut self,
        tok: &Range<usize>,
        start: usize,
        end: usize,
        what: &str,
        message: &str,
    ) {
        let a = map_offset(self.src, tok, start);
        let b = map_offset(self.src, tok, end).max(a);
        let excerpt = caret_excerpt(self.src, a, b);
        self.push(
            a,
            Severity::Error,
            format!("{what}: {message}"),
            Some(excerpt),
        );
    }
    pub(super) fn english(&mut self, t: &S<Text>, what: &str) {
        if t.get_ref().lacks_english() {
            self.warn(t.span().start, format!("{what} has no English text"));
        }
    }

    fn build(&mut self) -> Option<Questionnaire> {
        let raw: RawQuestionnaire = match toml::from_str(self.src) {
            Ok(r) => r,
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let msg = e.message().trim().to_string();
                let excerpt = e.span().map(|s| caret_excerpt(self.src, s.start, s.end));
                self.push(offset, Severity::Error, format!("TOML: {msg}"), excerpt);
                return None;
            }
        };
        let sha256 = hex::encode(Sha256::digest(self.src.as_bytes()));
        let data = match toml_to_value(&toml::Value::Table(raw.data.clone())) {
            Ok(v) => v,
            Err(e) => {
                let off = self.src.find("[data]").unwrap_or(0);
                self.error(off, format!("[data]: {e}"));
                Value::Null
            }
        };
        let articles: Vec<(String, String)> = raw.articles.clone().into_iter().collect();

        let (heads, fact_map) = self.fact_heads(&raw)?;
        let (derived_map, parsed, order) = self.derived_graph(&raw, &fact_map);
        let rule_map = self.rule_codes(&raw);
        let names = Names {
            heads,
            fact_map,
            derived_map,
            rule_map,
            data,
            status_choices: STATUS_VALUES.iter().map(|s| s.to_string()).collect(),
            schedule: raw.schedule.is_some(),
        };
        let mut comp = Compiler::new(&names);
        let derived = self.check_derived(&raw, &mut comp, &parsed, &order);
        let (sections, facts) = self.sections(&raw, &mut comp, &articles);
        let mut rules = self.rules(&raw, &mut comp, &articles);
        let (results, result_names) = self.results(&raw, &mut comp);
        let materials = self.items(&raw.materials, "material", &mut comp, &articles);
        let steps = self.items(&raw.steps, "step", &mut comp, &articles);
        let meta = self.meta(&raw, &names, &result_names, &articles);
        if let Some(r) = self.validity_rule(&raw, &meta, &mut comp, &articles) {
            rules.push(r);
        }
        let schedule = self.schedule(&raw, &mut comp, &results, &rules, &facts, &articles);
        let sentences = self.items(&raw.sentences, "sentence", &mut comp, &articles);
        self.templates(&raw, &results, schedule.is_some());
        let migrations = self.migrations(&raw, &names, &facts);
        self.warnings(&raw, &comp, &meta);
        Some(Questionnaire {
            file: self.file.clone(),
            source: self.src.to_string(),
            sha256,
            meta,
            data: names.data.clone(),
            articles,
            sections,
            facts,
            derived,
            derived_order: order,
            rules,
            results,
            materials,
            steps,
            sentences,
            schedule,
            migrations,
            warnings: Vec::new(),
        })
    }

    pub(super) fn expect_bool(&mut self, s: &S<String>, ty: &Ty, what: &str) {
        if !matches!(ty, Ty::Bool | Ty::Null) {
            let end = s.get_ref().len();
            self.expr_error(
                &s.span(),
                0,
                end,
                what,
                &format!("must be a bool, found {ty}"),
            );
        }
    }

    /// A cite that must be present (facts and rules): checked, or an error at `at`.
    pub(super) fn required_cite(
        &mut self,
        c: &Option<S<String>>,
        articles: &[(String, String)],
        at: usize,
        what: &str,
    ) -> String {
        match c {
            Some(c) => {
                self.check_cite(c, articles);
                c.get_ref().clone()
            }
            None => {
                self.error(
                    at,
                    format!("{what} has no `cite` (the article it rests on)"),
                );
                String::new()
            }
        }
    }

    pub(super) fn check_cite(&mut self, c: &S<String>, articles: &[(String, String)]) {
        if c.get_ref().trim().is_empty() {
            self.error(c.span().start, "empty cite");
        } else if !articles.is_empty()
            && !articles
                .iter()
                .any(|(k, _)| c.get_ref().starts_with(k.as_str()))
        {
            self.error(
                c.span().start,
                format!("cite `{}` names no article in [articles]", c.get_ref()),
            );
        }
    }

    /// A default must have the fact's type; a constant default must also be a valid answer.
    pub(super) fn default_fits(
        &mut self,
        d: &S<String>,
        c: &Compiled,
        ty: &Ty,
        kind: FactKind,
        f: &RawFact,
        head: &FactHead,
    ) {
        let fits = matches!(
            (kind, ty),
            (_, Ty::Null | Ty::Any)
                | (FactKind::Bool, Ty::Bool)
                | (FactKind::Integer, Ty::Int)
                | (FactKind::Date, Ty::Date)
                | (FactKind::Text | FactKind::Enum, Ty::Str | Ty::Enum(_))
                | (FactKind::EnumList, Ty::List(_))
        );
        let id = f.id.get_ref();
        if !fits {
            let end = d.get_ref().len();
            self.expr_error(
                &d.span(),
                0,
                end,
                &format!("fact `{id}` default"),
                &format!("is {ty}, but the fact is {}", kind.name()),
            );
            return;
        }
        if let crate::expr::Node::Const(v) = &c.node {
            let bad = match v {
                Value::Int(n) => {
                    f.min.as_ref().is_some_and(|m| n < m.get_ref())
                        || f.max.as_ref().is_some_and(|m| n > m.get_ref())
                }
                Value::Str(s) if kind == FactKind::Enum => !head.choices.iter().any(|c| c == &**s),
                Value::List(items) if kind == FactKind::EnumList => items.iter().any(|i| {
                    !i.as_str()
                        .is_some_and(|s| head.choices.iter().any(|c| c == s))
                }),
                _ => false,
            };
            if bad {
                self.error(
                    d.span().start,
                    format!("fact `{id}`: default {v} is outside its choices or range"),
                );
            }
        }
    }
}
