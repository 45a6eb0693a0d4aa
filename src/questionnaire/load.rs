//! Loading and checking: TOML -> [`Questionnaire`], or every problem found, each with
//! `file:line:col` in the TOML file. `guantong check` prints exactly these.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use regex::Regex;
use sha2::{Digest, Sha256};

use super::model::*;
use super::raw::*;
use crate::diag::{Diagnostic, Severity, caret_excerpt, line_col};
use crate::expr::check::{self, Place, Scope, Ty};
use crate::expr::parser;
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

struct Cx<'a> {
    file: String,
    src: &'a str,
    diags: Vec<Diagnostic>,
}

/// What the scope knows of a fact while checking.
struct FactHead {
    id: String,
    kind: FactKind,
    choices: Vec<String>,
}

struct Sc<'a> {
    facts: &'a [FactHead],
    fact_map: &'a HashMap<String, u16>,
    derived_map: &'a HashMap<String, u16>,
    derived_types: &'a [Option<Ty>],
    data: &'a Value,
    rules: &'a HashMap<String, Vec<u16>>,
    status_choices: &'a [String],
    place: Place,
}

impl Scope for Sc<'_> {
    fn fact(&self, name: &str) -> Option<(u16, Ty)> {
        let i = *self.fact_map.get(name)?;
        let f = &self.facts[usize::from(i)];
        Some((
            i,
            match f.kind {
                FactKind::Bool => Ty::Bool,
                FactKind::Integer => Ty::Int,
                FactKind::Date => Ty::Date,
                FactKind::Text => Ty::Str,
                FactKind::Enum => Ty::Enum(i),
                FactKind::EnumList => Ty::List(Box::new(Ty::Enum(i))),
            },
        ))
    }
    fn derived(&self, name: &str) -> Option<(u16, Option<Ty>)> {
        let i = *self.derived_map.get(name)?;
        Some((i, self.derived_types[usize::from(i)].clone()))
    }
    fn data(&self) -> &Value {
        self.data
    }
    fn choices(&self, id: u16) -> (&str, &[String]) {
        match self.facts.get(usize::from(id)) {
            Some(f) => (&f.id, &f.choices),
            None => ("status", self.status_choices),
        }
    }
    fn rule(&self, code: &str) -> Vec<u16> {
        self.rules.get(code).cloned().unwrap_or_default()
    }
    fn status_enum(&self) -> u16 {
        self.facts.len() as u16
    }
    fn place(&self) -> Place {
        self.place
    }
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

fn snake_case(s: &str) -> bool {
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

/// Per-derived facts: the derived values and facts each one reads, transitively.
struct Closure {
    derived: Vec<BTreeSet<u16>>,
    facts: Vec<BTreeSet<u16>>,
    position: Vec<usize>,
}

impl Cx<'_> {
    fn push(
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
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.push(offset, Severity::Error, message.into(), None);
    }
    fn warn(&mut self, offset: usize, message: impl Into<String>) {
        self.push(offset, Severity::Warning, message.into(), None);
    }
    /// An error at `start..end` of the expression in the string token `tok`.
    fn expr_error(
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
    fn english(&mut self, t: &S<Text>, what: &str) {
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

        // ---- data and articles
        let data = match toml_to_value(&toml::Value::Table(raw.data.clone())) {
            Ok(v) => v,
            Err(e) => {
                let off = self.src.find("[data]").unwrap_or(0);
                self.error(off, format!("[data]: {e}"));
                Value::Null
            }
        };
        let articles: Vec<(String, String)> = raw.articles.clone().into_iter().collect();

        // ---- facts: names, kinds, choices
        let mut heads: Vec<FactHead> = Vec::new();
        let mut fact_map: HashMap<String, u16> = HashMap::new();
        let mut section_ids = BTreeSet::new();
        for sec in &raw.sections {
            if !section_ids.insert(sec.id.get_ref().clone()) {
                self.error(
                    sec.id.span().start,
                    format!("duplicate section id `{}`", sec.id.get_ref()),
                );
            }
            for f in &sec.facts {
                let id = f.id.get_ref();
                if !snake_case(id) {
                    self.error(
                        f.id.span().start,
                        format!("fact id `{id}` must be ASCII snake_case"),
                    );
                }
                if ["data", "status", "missing"].contains(&id.as_str()) {
                    self.error(f.id.span().start, format!("`{id}` is a reserved name"));
                }
                let kind = match FactKind::parse(f.kind.get_ref()) {
                    Some(k) => k,
                    None => {
                        self.error(
                            f.kind.span().start,
                            format!(
                                "fact `{id}`: unknown type `{}` (bool, integer, date, text, enum, enum_list)",
                                f.kind.get_ref()
                            ),
                        );
                        FactKind::Text
                    }
                };
                if fact_map.insert(id.clone(), heads.len() as u16).is_some() {
                    self.error(f.id.span().start, format!("duplicate fact id `{id}`"));
                }
                let mut choices = Vec::new();
                let mut seen = BTreeSet::new();
                for c in &f.choices {
                    if !seen.insert(c.value.get_ref().clone()) {
                        self.error(
                            c.value.span().start,
                            format!("fact `{id}`: duplicate choice `{}`", c.value.get_ref()),
                        );
                    }
                    choices.push(c.value.get_ref().clone());
                }
                match kind {
                    FactKind::Enum | FactKind::EnumList if f.choices.is_empty() => {
                        self.error(
                            f.kind.span().start,
                            format!("fact `{id}`: an {} needs `choices`", kind.name()),
                        );
                    }
                    FactKind::Enum | FactKind::EnumList => {}
                    _ if !f.choices.is_empty() => {
                        self.error(
                            f.kind.span().start,
                            format!("fact `{id}`: `choices` apply only to enum and enum_list"),
                        );
                    }
                    _ => {}
                }
                if kind != FactKind::Integer {
                    for m in [&f.min, &f.max].into_iter().flatten() {
                        self.error(
                            m.span().start,
                            format!("fact `{id}`: `min`/`max` apply only to integers"),
                        );
                    }
                }
                if let (Some(a), Some(b)) = (&f.min, &f.max)
                    && a.get_ref() > b.get_ref()
                {
                    self.error(
                        a.span().start,
                        format!(
                            "fact `{id}`: min {} is above max {}",
                            a.get_ref(),
                            b.get_ref()
                        ),
                    );
                }
                if kind != FactKind::Text
                    && let Some(p) = &f.pattern
                {
                    self.error(
                        p.span().start,
                        format!("fact `{id}`: `pattern` applies only to text"),
                    );
                }
                heads.push(FactHead {
                    id: id.clone(),
                    kind,
                    choices,
                });
            }
        }
        if heads.len() > MAX_FACTS {
            self.error(
                0,
                format!("too many facts ({}; at most {MAX_FACTS})", heads.len()),
            );
            return None;
        }
        if raw.derived.len() > MAX_DERIVED
            || raw.rules.len() > MAX_RULES
            || raw.results.len() > MAX_RULES
        {
            self.error(0, format!("too many derived values, rules or results (at most {MAX_DERIVED}, {MAX_RULES}, {MAX_RULES})"));
            return None;
        }

        // ---- derived: names, graph, cycles, order
        let mut derived_map: HashMap<String, u16> = HashMap::new();
        let mut parsed_derived = Vec::new();
        for (i, d) in raw.derived.iter().enumerate() {
            let name = d.name.get_ref();
            if !snake_case(name) && !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                self.error(
                    d.name.span().start,
                    format!("derived name `{name}` must be ASCII"),
                );
            }
            if fact_map.contains_key(name) || ["data", "status", "missing"].contains(&name.as_str())
            {
                self.error(
                    d.name.span().start,
                    format!("derived `{name}` has the name of a fact or a reserved name"),
                );
            }
            if derived_map.insert(name.clone(), i as u16).is_some() {
                self.error(
                    d.name.span().start,
                    format!("duplicate derived name `{name}`"),
                );
            }
            let parsed = match parser::parse(d.expr.get_ref()) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.expr_error(
                        &d.expr.span(),
                        e.span.start,
                        e.span.end,
                        &format!("derived `{name}`"),
                        &e.message,
                    );
                    None
                }
            };
            parsed_derived.push(parsed);
        }
        let n_derived = raw.derived.len();
        let mut deps: Vec<BTreeSet<u16>> = vec![BTreeSet::new(); n_derived];
        for (i, p) in parsed_derived.iter().enumerate() {
            if let Some(p) = p {
                let mut names = Vec::new();
                check::referenced_names(p, &mut names);
                for n in names {
                    if let Some(j) = derived_map.get(&n) {
                        deps[i].insert(*j);
                    }
                }
            }
        }
        // Kahn's algorithm; what remains sits on a cycle.
        let mut order: Vec<u16> = Vec::new();
        let mut done = vec![false; n_derived];
        loop {
            let before = order.len();
            for i in 0..n_derived {
                if !done[i] && deps[i].iter().all(|j| done[usize::from(*j)]) {
                    done[i] = true;
                    order.push(i as u16);
                }
            }
            if order.len() == before {
                break;
            }
        }
        for i in 0..n_derived {
            if !done[i] {
                let d = &raw.derived[i];
                let on: Vec<&str> = deps[i]
                    .iter()
                    .filter(|j| !done[usize::from(**j)])
                    .map(|j| raw.derived[usize::from(*j)].name.get_ref().as_str())
                    .collect();
                self.error(
                    d.name.span().start,
                    format!(
                        "derived `{}` is part of a cycle (it reads {})",
                        d.name.get_ref(),
                        on.join(", ")
                    ),
                );
            }
        }

        let status_choices: Vec<String> = STATUS_VALUES.iter().map(|s| s.to_string()).collect();
        // A finding code may stand on several rules (say, one per pathway, each with its
        // own article), but it must mean one kind of finding.
        let mut rule_map: HashMap<String, Vec<u16>> = HashMap::new();
        for (i, r) in raw.rules.iter().enumerate() {
            let code = r.code.get_ref();
            if !snake_case(code) {
                self.error(
                    r.code.span().start,
                    format!("rule code `{code}` must be ASCII snake_case"),
                );
            }
            let same = rule_map.entry(code.clone()).or_default();
            if let Some(first) = same.first() {
                let other = &raw.rules[usize::from(*first)];
                if other.kind.get_ref() != r.kind.get_ref() {
                    self.error(
                        r.code.span().start,
                        format!(
                            "rule code `{code}` is used with two kinds ({} and {})",
                            other.kind.get_ref(),
                            r.kind.get_ref()
                        ),
                    );
                } else if other.when.get_ref() == r.when.get_ref() {
                    self.error(
                        r.code.span().start,
                        format!("duplicate rule `{code}` (same code and condition)"),
                    );
                }
            }
            same.push(i as u16);
        }

        // ---- check derived in dependency order
        let mut derived_types: Vec<Option<Ty>> = vec![None; n_derived];
        let mut derived_nodes: Vec<Option<check::Checked>> = vec![None; n_derived];
        let mut mentioned: BTreeSet<(u16, String)> = BTreeSet::new();
        let mut facts_read: BTreeSet<u16> = BTreeSet::new();
        for &i in &order {
            let i = usize::from(i);
            let Some(p) = &parsed_derived[i] else {
                continue;
            };
            let sc = Sc {
                facts: &heads,
                fact_map: &fact_map,
                derived_map: &derived_map,
                derived_types: &derived_types,
                data: &data,
                rules: &rule_map,
                status_choices: &status_choices,
                place: Place::Plain,
            };
            match check::check(p, &sc) {
                Ok(c) => {
                    derived_types[i] = Some(if c.ty == Ty::Null {
                        Ty::Any
                    } else {
                        c.ty.clone()
                    });
                    derived_nodes[i] = Some(c);
                }
                Err(e) => {
                    let d = &raw.derived[i];
                    self.expr_error(
                        &d.expr.span(),
                        e.span.start,
                        e.span.end,
                        &format!("derived `{}`", d.name.get_ref()),
                        &e.message,
                    );
                    derived_types[i] = Some(Ty::Any);
                }
            }
        }
        let mut closure = Closure {
            derived: vec![BTreeSet::new(); n_derived],
            facts: vec![BTreeSet::new(); n_derived],
            position: vec![usize::MAX; n_derived],
        };
        for (pos, &i) in order.iter().enumerate() {
            let i = usize::from(i);
            closure.position[i] = pos;
            if let Some(c) = &derived_nodes[i] {
                let mut ds = c.derived.clone();
                let mut fs = c.facts.clone();
                for d in &c.derived {
                    ds.extend(closure.derived[usize::from(*d)].iter().copied());
                    fs.extend(closure.facts[usize::from(*d)].iter().copied());
                }
                closure.derived[i] = ds;
                closure.facts[i] = fs;
            }
        }

        // derived as Compiled (needs of a derived exclude itself)
        let mut derived = Vec::with_capacity(n_derived);
        for (i, d) in raw.derived.iter().enumerate() {
            let (node, facts) = match &derived_nodes[i] {
                Some(c) => {
                    mentioned.extend(c.mentioned.iter().cloned());
                    facts_read.extend(closure.facts[i].iter().copied());
                    (c.node.clone(), closure.facts[i].clone())
                }
                None => (crate::expr::Node::Const(Value::Null), BTreeSet::new()),
            };
            let mut needs: Vec<u16> = closure.derived[i].iter().copied().collect();
            needs.sort_by_key(|d| closure.position[usize::from(*d)]);
            derived.push(Derived {
                name: d.name.get_ref().clone(),
                expr: Compiled {
                    source: d.expr.get_ref().clone(),
                    node,
                    needs,
                    facts,
                },
            });
        }

        // A closure over everything needed to compile one expression.
        let mut compile =
            |cx: &mut Cx, s: &S<String>, place: Place, what: &str| -> Option<(Compiled, Ty)> {
                let p = match parser::parse(s.get_ref()) {
                    Ok(p) => p,
                    Err(e) => {
                        cx.expr_error(&s.span(), e.span.start, e.span.end, what, &e.message);
                        return None;
                    }
                };
                let sc = Sc {
                    facts: &heads,
                    fact_map: &fact_map,
                    derived_map: &derived_map,
                    derived_types: &derived_types,
                    data: &data,
                    rules: &rule_map,
                    status_choices: &status_choices,
                    place,
                };
                match check::check(&p, &sc) {
                    Ok(c) => {
                        let mut needs: BTreeSet<u16> = c.derived.clone();
                        let mut facts = c.facts.clone();
                        for d in &c.derived {
                            needs.extend(closure.derived[usize::from(*d)].iter().copied());
                            facts.extend(closure.facts[usize::from(*d)].iter().copied());
                        }
                        let mut needs: Vec<u16> = needs.into_iter().collect();
                        needs.sort_by_key(|d| closure.position[usize::from(*d)]);
                        mentioned.extend(c.mentioned.iter().cloned());
                        facts_read.extend(facts.iter().copied());
                        Some((
                            Compiled {
                                source: s.get_ref().clone(),
                                node: c.node,
                                needs,
                                facts,
                            },
                            c.ty,
                        ))
                    }
                    Err(e) => {
                        cx.expr_error(&s.span(), e.span.start, e.span.end, what, &e.message);
                        None
                    }
                }
            };

        // ---- sections and facts
        let mut sections = Vec::new();
        let mut facts = Vec::new();
        for (si, sec) in raw.sections.iter().enumerate() {
            self.english(&sec.title, &format!("section `{}` title", sec.id.get_ref()));
            let first = facts.len();
            let ask_if = sec.ask_if.as_ref().and_then(|a| {
                let (c, ty) = compile(self, a, Place::Plain, &format!("section `{}` ask_if", sec.id.get_ref()))?;
                self.expect_bool(a, &ty, "ask_if");
                if let Some(late) = c.facts.iter().find(|f| usize::from(**f) >= first) {
                    let name = &heads[usize::from(*late)].id;
                    self.error(a.span().start, format!("section `{}` ask_if reads `{name}`, which is not asked before this section", sec.id.get_ref()));
                }
                Some(c)
            });
            for f in &sec.facts {
                let index = facts.len() as u16;
                let id = f.id.get_ref().clone();
                let kind = heads[usize::from(index)].kind;
                self.english(&f.prompt, &format!("fact `{id}` prompt"));
                if let Some(h) = &f.help {
                    self.english(h, &format!("fact `{id}` help"));
                }
                for c in &f.choices {
                    self.english(
                        &c.label,
                        &format!("fact `{id}` choice `{}`", c.value.get_ref()),
                    );
                }
                let cite = self.required_cite(
                    &f.cite,
                    &articles,
                    f.id.span().start,
                    &format!("fact `{id}`"),
                );
                let order_check = |cx: &mut Cx, c: &Compiled, s: &S<String>, what: &str| {
                    for r in &c.facts {
                        if *r >= index {
                            let name = &heads[usize::from(*r)].id;
                            let when = if *r == index {
                                "itself"
                            } else {
                                "a fact asked later"
                            };
                            cx.error(
                                s.span().start,
                                format!("fact `{id}`: {what} reads `{name}`, {when}"),
                            );
                        }
                    }
                };
                let ask = f.ask_if.as_ref().and_then(|a| {
                    let (c, ty) = compile(self, a, Place::Plain, &format!("fact `{id}` ask_if"))?;
                    self.expect_bool(a, &ty, "ask_if");
                    order_check(self, &c, a, "ask_if");
                    Some(c)
                });
                let default = f.default.as_ref().and_then(|d| {
                    let (c, ty) =
                        compile(self, d, Place::Default, &format!("fact `{id}` default"))?;
                    order_check(self, &c, d, "default");
                    self.default_fits(d, &c, &ty, kind, f, &heads[usize::from(index)]);
                    Some(c)
                });
                let pattern = f
                    .pattern
                    .as_ref()
                    .and_then(|p| match Regex::new(p.get_ref()) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            // regex errors span several lines; keep the last one
                            let why = e.to_string();
                            let why = why
                                .lines()
                                .rev()
                                .find(|l| !l.trim().is_empty())
                                .unwrap_or("");
                            self.error(
                                p.span().start,
                                format!(
                                    "fact `{id}`: invalid pattern: {}",
                                    why.trim().trim_start_matches("error: ")
                                ),
                            );
                            None
                        }
                    });
                let mut validate = Vec::new();
                for v in &f.validate {
                    self.english(&v.message, &format!("fact `{id}` validation message"));
                    if let Some((c, ty)) = compile(
                        self,
                        &v.check,
                        Place::Plain,
                        &format!("fact `{id}` validate"),
                    ) {
                        self.expect_bool(&v.check, &ty, "validate");
                        validate.push(Validation {
                            check: c,
                            message: v.message.get_ref().clone(),
                        });
                    }
                }
                facts.push(Fact {
                    id,
                    index,
                    section: si,
                    kind,
                    prompt: f.prompt.get_ref().clone(),
                    help: f.help.as_ref().map(|h| h.get_ref().clone()),
                    cite,
                    ask_if: ask,
                    default,
                    optional: f.optional,
                    personal: f.personal,
                    choices: f
                        .choices
                        .iter()
                        .map(|c| Choice {
                            value: c.value.get_ref().clone(),
                            label: c.label.get_ref().clone(),
                        })
                        .collect(),
                    min: f.min.as_ref().map(|m| *m.get_ref()),
                    max: f.max.as_ref().map(|m| *m.get_ref()),
                    pattern,
                    validate,
                    offset: f.id.span().start,
                });
            }
            sections.push(Section {
                id: sec.id.get_ref().clone(),
                title: sec.title.get_ref().clone(),
                ask_if,
                facts: first..facts.len(),
            });
        }

        // ---- rules
        let mut rules = Vec::new();
        for r in &raw.rules {
            let code = r.code.get_ref();
            self.english(&r.message, &format!("rule `{code}` message"));
            let kind = RuleKind::parse(r.kind.get_ref()).unwrap_or_else(|| {
                self.error(
                    r.kind.span().start,
                    format!(
                        "rule `{code}`: kind must be blocker, refer, action or note, not `{}`",
                        r.kind.get_ref()
                    ),
                );
                RuleKind::Note
            });
            let cite = self.required_cite(
                &r.cite,
                &articles,
                r.code.span().start,
                &format!("rule `{code}`"),
            );
            if let Some((c, ty)) =
                compile(self, &r.when, Place::Plain, &format!("rule `{code}` when"))
            {
                self.expect_bool(&r.when, &ty, "when");
                rules.push(Rule {
                    code: code.clone(),
                    kind,
                    when: c,
                    cite,
                    message: r.message.get_ref().clone(),
                });
            }
        }

        // ---- results
        let mut results = Vec::new();
        let mut result_names = BTreeSet::new();
        for r in &raw.results {
            let name = r.name.get_ref();
            if ["status", "missing"].contains(&name.as_str()) {
                self.error(
                    r.name.span().start,
                    format!(
                        "`{name}` is computed from the rules; it cannot be a result expression"
                    ),
                );
            }
            if !result_names.insert(name.clone()) {
                self.error(r.name.span().start, format!("duplicate result `{name}`"));
            }
            if let Some(l) = &r.label {
                self.english(l, &format!("result `{name}` label"));
            }
            for (k, t) in &r.values {
                if t.lacks_english() {
                    self.warn(
                        r.name.span().start,
                        format!("result `{name}` value `{k}` has no English label"),
                    );
                }
            }
            if let Some((c, _)) = compile(self, &r.expr, Place::Result, &format!("result `{name}`"))
            {
                results.push(ResultDef {
                    name: name.clone(),
                    expr: c,
                    label: r.label.as_ref().map(|l| l.get_ref().clone()),
                    values: r
                        .values
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                });
            }
        }

        // ---- materials and steps
        let mut items = |cx: &mut Cx, raw_items: &[RawItem], what: &str| -> Vec<Item> {
            let mut out = Vec::new();
            for (i, it) in raw_items.iter().enumerate() {
                cx.english(&it.text, &format!("{what} {}", i + 1));
                if let Some(c) = &it.cite {
                    cx.check_cite(c, &articles);
                }
                let when = it.when.as_ref().and_then(|w| {
                    let (c, ty) = compile(cx, w, Place::Result, &format!("{what} {} when", i + 1))?;
                    cx.expect_bool(w, &ty, "when");
                    Some(c)
                });
                out.push(Item {
                    when,
                    text: it.text.get_ref().clone(),
                    cite: it.cite.as_ref().map(|c| c.get_ref().clone()),
                });
            }
            out
        };
        let materials = items(self, &raw.materials, "material");
        let steps = items(self, &raw.steps, "step");

        // ---- meta
        let m = &raw.meta;
        if !m.id.get_ref().is_ascii() || m.id.get_ref().is_empty() {
            self.error(m.id.span().start, "meta.id must be non-empty ASCII");
        }
        self.english(&m.title, "meta.title");
        self.english(&m.policy.name, "meta.policy.name");
        for r in &m.required_results {
            let n = r.get_ref();
            if !result_names.contains(n) && n != "status" && n != "missing" {
                self.error(
                    r.span().start,
                    format!("required result `{n}` is not defined in [[results]]"),
                );
            }
        }
        let person_fact = |cx: &mut Cx, s: &Option<S<String>>, what: &str| -> Option<u16> {
            let s = s.as_ref()?;
            match fact_map.get(s.get_ref()) {
                Some(i) if heads[usize::from(*i)].kind == FactKind::Text => Some(*i),
                Some(_) => {
                    cx.error(
                        s.span().start,
                        format!("meta.{what}: fact `{}` must be text", s.get_ref()),
                    );
                    None
                }
                None => {
                    cx.error(
                        s.span().start,
                        format!("meta.{what}: no fact `{}`", s.get_ref()),
                    );
                    None
                }
            }
        };
        let applicant_name = person_fact(self, &m.applicant_name, "applicant_name");
        let applicant_id = person_fact(self, &m.applicant_id, "applicant_id");
        if let Some(p) = &m.pledge {
            self.english(p, "meta.pledge");
        }
        if let Some(c) = &m.pledge_cite {
            self.check_cite(c, &articles);
        }
        let date = |cx: &mut Cx, d: &Option<toml::value::Datetime>, what: &str| {
            let d = d.as_ref()?;
            let r = toml_date(d);
            if r.is_none() {
                let off = cx.src.find(what).unwrap_or(0);
                cx.error(off, format!("meta.{what} must be a date"));
            }
            r
        };
        let valid_from = date(self, &m.valid_from, "valid_from");
        let valid_to = date(self, &m.valid_to, "valid_to");
        if let (Some(a), Some(b)) = (valid_from, valid_to)
            && a > b
        {
            let off = self.src.find("valid_from").unwrap_or(0);
            self.error(off, "meta.valid_from is after meta.valid_to");
        }

        // ---- warnings: facts nothing reads, choices nothing mentions (only meaningful
        // when every expression compiled)
        let complete = !self.diags.iter().any(Diagnostic::is_error);
        for (i, f) in raw.sections.iter().flat_map(|s| &s.facts).enumerate() {
            let i = i as u16;
            let is_person = applicant_name == Some(i) || applicant_id == Some(i);
            if !complete {
                break;
            }
            if !facts_read.contains(&i) && !is_person {
                self.warn(
                    f.id.span().start,
                    format!("fact `{}` is read by no expression", f.id.get_ref()),
                );
            }
            if heads[usize::from(i)].kind == FactKind::Enum
                || heads[usize::from(i)].kind == FactKind::EnumList
            {
                for c in &f.choices {
                    if !mentioned.contains(&(i, c.value.get_ref().clone())) {
                        self.warn(
                            c.value.span().start,
                            format!(
                                "choice `{}` of `{}` is mentioned by no expression",
                                c.value.get_ref(),
                                f.id.get_ref()
                            ),
                        );
                    }
                }
            }
        }

        Some(Questionnaire {
            file: self.file.clone(),
            source: self.src.to_string(),
            sha256,
            meta: Meta {
                id: m.id.get_ref().clone(),
                version: m.version.clone(),
                title: m.title.get_ref().clone(),
                policy_name: m.policy.name.get_ref().clone(),
                policy_document: m.policy.document.clone(),
                valid_from,
                valid_to,
                required_results: m
                    .required_results
                    .iter()
                    .map(|r| r.get_ref().clone())
                    .collect(),
                applicant_name,
                applicant_id,
                pledge: m.pledge.as_ref().map(|p| p.get_ref().clone()),
                pledge_cite: m.pledge_cite.as_ref().map(|p| p.get_ref().clone()),
            },
            data,
            articles,
            sections,
            facts,
            derived,
            derived_order: order,
            rules,
            results,
            materials,
            steps,
            warnings: Vec::new(),
        })
    }

    fn expect_bool(&mut self, s: &S<String>, ty: &Ty, what: &str) {
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
    fn required_cite(
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

    fn check_cite(&mut self, c: &S<String>, articles: &[(String, String)]) {
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
    fn default_fits(
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
