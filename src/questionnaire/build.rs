//! The phases of loading a questionnaire, each a method of the loader: gather the names
//! expressions may use, order the derived values, then compile every expression against
//! them (sections and facts, rules, results, materials and steps), check the meta table,
//! and warn about what nothing reads.

use std::collections::{BTreeSet, HashMap};

use regex::Regex;

use super::load::{Cx, MAX_DERIVED, MAX_FACTS, MAX_RULES, snake_case, toml_date};
use super::model::*;
use super::raw::*;
use crate::diag::Diagnostic;
use crate::expr::ast::Spanned;
use crate::expr::check::{self, Place, Scope, Ty};
use crate::expr::parser;
use crate::value::Value;

/// What the scope knows of a fact while checking.
pub(super) struct FactHead {
    pub id: String,
    pub kind: FactKind,
    pub choices: Vec<String>,
}

/// Every name an expression may use, gathered before any expression is checked.
pub(super) struct Names {
    pub heads: Vec<FactHead>,
    pub fact_map: HashMap<String, u16>,
    pub derived_map: HashMap<String, u16>,
    pub rule_map: HashMap<String, Vec<u16>>,
    pub data: Value,
    pub status_choices: Vec<String>,
}

/// Per derived value: the derived values and facts it reads, transitively, and its place
/// in evaluation order.
pub(super) struct Closure {
    pub derived: Vec<BTreeSet<u16>>,
    pub facts: Vec<BTreeSet<u16>>,
    pub position: Vec<usize>,
}

/// Checks expressions against the names, and keeps what checking has learnt: the types of
/// derived values, what each reads, and which facts and choices anything mentions.
pub(super) struct Compiler<'n> {
    pub names: &'n Names,
    pub derived_types: Vec<Option<Ty>>,
    pub closure: Closure,
    pub mentioned: BTreeSet<(u16, String)>,
    pub facts_read: BTreeSet<u16>,
}

struct Sc<'a> {
    names: &'a Names,
    derived_types: &'a [Option<Ty>],
    place: Place,
}

impl Scope for Sc<'_> {
    fn fact(&self, name: &str) -> Option<(u16, Ty)> {
        let i = *self.names.fact_map.get(name)?;
        let f = &self.names.heads[usize::from(i)];
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
        let i = *self.names.derived_map.get(name)?;
        Some((i, self.derived_types[usize::from(i)].clone()))
    }
    fn data(&self) -> &Value {
        &self.names.data
    }
    fn choices(&self, id: u16) -> (&str, &[String]) {
        match self.names.heads.get(usize::from(id)) {
            Some(f) => (&f.id, &f.choices),
            None => ("status", &self.names.status_choices),
        }
    }
    fn rule(&self, code: &str) -> Vec<u16> {
        self.names.rule_map.get(code).cloned().unwrap_or_default()
    }
    fn status_enum(&self) -> u16 {
        self.names.heads.len() as u16
    }
    fn place(&self) -> Place {
        self.place
    }
}

impl<'n> Compiler<'n> {
    pub fn new(names: &'n Names) -> Compiler<'n> {
        let n = names.derived_map.len();
        Compiler {
            names,
            derived_types: vec![None; n],
            closure: Closure {
                derived: vec![BTreeSet::new(); n],
                facts: vec![BTreeSet::new(); n],
                position: vec![usize::MAX; n],
            },
            mentioned: BTreeSet::new(),
            facts_read: BTreeSet::new(),
        }
    }

    fn scope(&self, place: Place) -> Sc<'_> {
        Sc {
            names: self.names,
            derived_types: &self.derived_types,
            place,
        }
    }

    /// Parse and check one expression; errors go to `cx` with their position in the file.
    pub fn compile(
        &mut self,
        cx: &mut Cx,
        s: &S<String>,
        place: Place,
        what: &str,
    ) -> Option<(Compiled, Ty)> {
        let p = match parser::parse(s.get_ref()) {
            Ok(p) => p,
            Err(e) => {
                cx.expr_error(&s.span(), e.span.start, e.span.end, what, &e.message);
                return None;
            }
        };
        let checked = check::check(&p, &self.scope(place));
        match checked {
            Ok(c) => {
                let mut needs: BTreeSet<u16> = c.derived.clone();
                let mut facts = c.facts.clone();
                for d in &c.derived {
                    needs.extend(self.closure.derived[usize::from(*d)].iter().copied());
                    facts.extend(self.closure.facts[usize::from(*d)].iter().copied());
                }
                let mut needs: Vec<u16> = needs.into_iter().collect();
                needs.sort_by_key(|d| self.closure.position[usize::from(*d)]);
                self.mentioned.extend(c.mentioned.iter().cloned());
                self.facts_read.extend(facts.iter().copied());
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
    }
}

impl Cx<'_> {
    /// Fact ids, kinds and choices; `None` past the size limits.
    pub(super) fn fact_heads(
        &mut self,
        raw: &RawQuestionnaire,
    ) -> Option<(Vec<FactHead>, HashMap<String, u16>)> {
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

        Some((heads, fact_map))
    }

    /// Derived names, their parsed expressions, and an evaluation order (cycles reported).
    #[allow(clippy::type_complexity)]
    pub(super) fn derived_graph(
        &mut self,
        raw: &RawQuestionnaire,
        fact_map: &HashMap<String, u16>,
    ) -> (HashMap<String, u16>, Vec<Option<Spanned>>, Vec<u16>) {
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

        (derived_map, parsed_derived, order)
    }

    /// Rule code -> rules.
    pub(super) fn rule_codes(&mut self, raw: &RawQuestionnaire) -> HashMap<String, Vec<u16>> {
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

        rule_map
    }

    /// Check derived values in dependency order, so each one's type is known before it is
    /// read; then compute what each reads, transitively.
    pub(super) fn check_derived(
        &mut self,
        raw: &RawQuestionnaire,
        comp: &mut Compiler,
        parsed: &[Option<Spanned>],
        order: &[u16],
    ) -> Vec<Derived> {
        let n = raw.derived.len();
        let mut nodes: Vec<Option<check::Checked>> = vec![None; n];
        for &i in order {
            let i = usize::from(i);
            let Some(p) = &parsed[i] else { continue };
            let checked = check::check(p, &comp.scope(Place::Plain));
            match checked {
                Ok(c) => {
                    comp.derived_types[i] = Some(if c.ty == Ty::Null {
                        Ty::Any
                    } else {
                        c.ty.clone()
                    });
                    nodes[i] = Some(c);
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
                    comp.derived_types[i] = Some(Ty::Any);
                }
            }
        }
        let closure = &mut comp.closure;
        for (pos, &i) in order.iter().enumerate() {
            let i = usize::from(i);
            closure.position[i] = pos;
            if let Some(c) = &nodes[i] {
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
        let mut derived = Vec::with_capacity(n);
        for (i, d) in raw.derived.iter().enumerate() {
            let (node, facts) = match &nodes[i] {
                Some(c) => {
                    comp.mentioned.extend(c.mentioned.iter().cloned());
                    comp.facts_read
                        .extend(comp.closure.facts[i].iter().copied());
                    (c.node.clone(), comp.closure.facts[i].clone())
                }
                None => (crate::expr::Node::Const(Value::Null), BTreeSet::new()),
            };
            // the needs of a derived value exclude itself
            let mut needs: Vec<u16> = comp.closure.derived[i].iter().copied().collect();
            needs.sort_by_key(|d| comp.closure.position[usize::from(*d)]);
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
        derived
    }

    /// Sections and their facts, in interview order.
    pub(super) fn sections(
        &mut self,
        raw: &RawQuestionnaire,
        comp: &mut Compiler,
        articles: &[(String, String)],
    ) -> (Vec<Section>, Vec<Fact>) {
        let heads = &comp.names.heads;
        let mut sections = Vec::new();
        let mut facts = Vec::new();
        for (si, sec) in raw.sections.iter().enumerate() {
            self.english(&sec.title, &format!("section `{}` title", sec.id.get_ref()));
            let first = facts.len();
            let ask_if = sec.ask_if.as_ref().and_then(|a| {
                let (c, ty) = comp.compile(self, a, Place::Plain, &format!("section `{}` ask_if", sec.id.get_ref()))?;
                self.expect_bool(a, &ty, &format!("section `{}` ask_if", sec.id.get_ref()));
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
                    articles,
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
                    let (c, ty) =
                        comp.compile(self, a, Place::Plain, &format!("fact `{id}` ask_if"))?;
                    self.expect_bool(a, &ty, &format!("fact `{id}` ask_if"));
                    order_check(self, &c, a, "ask_if");
                    Some(c)
                });
                let default = f.default.as_ref().and_then(|d| {
                    let (c, ty) =
                        comp.compile(self, d, Place::Default, &format!("fact `{id}` default"))?;
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
                    if let Some((c, ty)) = comp.compile(
                        self,
                        &v.check,
                        Place::Plain,
                        &format!("fact `{id}` validate"),
                    ) {
                        self.expect_bool(&v.check, &ty, &format!("fact `{id}` validate"));
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

        (sections, facts)
    }

    pub(super) fn rules(
        &mut self,
        raw: &RawQuestionnaire,
        comp: &mut Compiler,
        articles: &[(String, String)],
    ) -> Vec<Rule> {
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
                articles,
                r.code.span().start,
                &format!("rule `{code}`"),
            );
            if let Some((c, ty)) =
                comp.compile(self, &r.when, Place::Plain, &format!("rule `{code}` when"))
            {
                self.expect_bool(&r.when, &ty, &format!("rule `{code}` when"));
                rules.push(Rule {
                    code: code.clone(),
                    kind,
                    when: c,
                    cite,
                    message: r.message.get_ref().clone(),
                });
            }
        }

        rules
    }

    /// Results, and the set of their names.
    pub(super) fn results(
        &mut self,
        raw: &RawQuestionnaire,
        comp: &mut Compiler,
    ) -> (Vec<ResultDef>, BTreeSet<String>) {
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
            let compiled = comp.compile(self, &r.expr, Place::Result, &format!("result `{name}`"));
            // The summary's money result is added up by reports: a whole number of yuan.
            if let Some(m) = raw.meta.summary.as_ref().and_then(|s| s.money.as_ref())
                && m.get_ref() == name
                && let Some((_, ty)) = &compiled
                && !matches!(ty, Ty::Int | Ty::Null)
            {
                self.error(
                    m.span().start,
                    format!(
                        "meta.summary.money: result `{name}` must be an integer (whole yuan), found {ty}"
                    ),
                );
            }
            if let Some((c, _)) = compiled {
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

        (results, result_names)
    }

    /// Materials or steps.
    pub(super) fn items(
        &mut self,
        raw_items: &[RawItem],
        what: &str,
        comp: &mut Compiler,
        articles: &[(String, String)],
    ) -> Vec<Item> {
        let cx = self;
        let mut out = Vec::new();
        for (i, it) in raw_items.iter().enumerate() {
            cx.english(&it.text, &format!("{what} {}", i + 1));
            if let Some(c) = &it.cite {
                cx.check_cite(c, articles);
            }
            let when = it.when.as_ref().and_then(|w| {
                let (c, ty) =
                    comp.compile(cx, w, Place::Result, &format!("{what} {} when", i + 1))?;
                cx.expect_bool(w, &ty, &format!("{what} {} when", i + 1));
                Some(c)
            });
            out.push(Item {
                when,
                text: it.text.get_ref().clone(),
                cite: it.cite.as_ref().map(|c| c.get_ref().clone()),
            });
        }
        out
    }

    /// The meta table's checks: required results, applicant facts, pledge, validity.
    pub(super) fn meta(
        &mut self,
        raw: &RawQuestionnaire,
        names: &Names,
        result_names: &BTreeSet<String>,
        articles: &[(String, String)],
    ) -> Meta {
        let (heads, fact_map) = (&names.heads, &names.fact_map);
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
            self.check_cite(c, articles);
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
        if let Some(p) = &m.case_prefix {
            let t = p.get_ref();
            let ok = (1..=8).contains(&t.len())
                && t.starts_with(|c: char| c.is_ascii_uppercase())
                && t.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if !ok {
                self.error(
                    p.span().start,
                    format!(
                        "meta.case_prefix `{t}` must be 1 to 8 capital letters or digits, starting with a letter (e.g. \"BS\")"
                    ),
                );
            }
        }
        let summary = self.summary(m.summary.as_ref(), fact_map, result_names);
        let valid_from = date(self, &m.valid_from, "valid_from");
        let valid_to = date(self, &m.valid_to, "valid_to");
        if let (Some(a), Some(b)) = (valid_from, valid_to)
            && a > b
        {
            let off = self.src.find("valid_from").unwrap_or(0);
            self.error(off, "meta.valid_from is after meta.valid_to");
        }

        Meta {
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
            case_prefix: m.case_prefix.as_ref().map(|p| p.get_ref().clone()),
            summary,
        }
    }

    /// `[meta.summary]`: every fact and result named exists, none twice; labels in both
    /// languages (a missing English label is a warning, as elsewhere).
    fn summary(
        &mut self,
        raw: Option<&RawSummary>,
        fact_map: &std::collections::HashMap<String, u16>,
        result_names: &BTreeSet<String>,
    ) -> Summary {
        let Some(raw) = raw else {
            return Summary::default();
        };
        let items = |cx: &mut Cx, list: &[RawSummaryItem], result: bool| {
            let what = if result { "results" } else { "facts" };
            let mut seen = BTreeSet::new();
            let mut out = Vec::new();
            for it in list {
                let id = it.id.get_ref();
                let known = if result {
                    result_names.contains(id)
                } else {
                    fact_map.contains_key(id)
                };
                if !known {
                    cx.error(
                        it.id.span().start,
                        format!(
                            "meta.summary.{what}: no {} `{id}`",
                            if result { "result" } else { "fact" }
                        ),
                    );
                    continue;
                }
                if !seen.insert(id.clone()) {
                    cx.error(
                        it.id.span().start,
                        format!("meta.summary.{what}: `{id}` is listed twice"),
                    );
                    continue;
                }
                if let Some(l) = &it.label {
                    cx.english(l, &format!("meta.summary.{what} `{id}` label"));
                }
                out.push(SummaryItem {
                    id: id.clone(),
                    label: it.label.as_ref().map(|l| l.get_ref().clone()),
                });
            }
            out
        };
        let facts = items(self, &raw.facts, false);
        let results = items(self, &raw.results, true);
        let money = raw.money.as_ref().and_then(|m| {
            if result_names.contains(m.get_ref()) {
                Some(m.get_ref().clone())
            } else {
                self.error(
                    m.span().start,
                    format!("meta.summary.money: no result `{}`", m.get_ref()),
                );
                None
            }
        });
        Summary {
            facts,
            results,
            money,
        }
    }

    /// Warnings: facts nothing reads, choices nothing mentions (only meaningful when every
    /// expression compiled).
    pub(super) fn warnings(&mut self, raw: &RawQuestionnaire, comp: &Compiler, meta: &Meta) {
        let heads = &comp.names.heads;
        let (facts_read, mentioned) = (&comp.facts_read, &comp.mentioned);
        let (applicant_name, applicant_id) = (meta.applicant_name, meta.applicant_id);
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
    }
}
