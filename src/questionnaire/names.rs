//! Phase 1: the names. Fact ids, kinds and choices; derived names and their evaluation
//! order (cycles reported); rule codes.
use std::collections::{BTreeSet, HashMap};

use super::compile::FactHead;
use super::cx::{Cx, MAX_DERIVED, MAX_FACTS, MAX_RULES, snake_case};
use super::model::*;
use super::raw::*;
use crate::expr::ast::Spanned;
use crate::expr::check::{self};
use crate::expr::parser;
use crate::text::tr;

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
                let id = sec.id.get_ref();
                self.error(
                    sec.id.span().start,
                    tr!("分节 id `{id}` 重复", "duplicate section id `{id}`"),
                );
            }
            for f in &sec.facts {
                let id = f.id.get_ref();
                if !snake_case(id) {
                    self.error(
                        f.id.span().start,
                        tr!(
                            "事实 id `{id}` 必须是 ASCII snake_case",
                            "fact id `{id}` must be ASCII snake_case"
                        ),
                    );
                }
                if check::is_reserved(id) {
                    self.error(
                        f.id.span().start,
                        tr!("`{id}` 是保留名称", "`{id}` is a reserved name"),
                    );
                }
                let kind = match FactKind::parse(f.kind.get_ref()) {
                    Some(k) => k,
                    None => {
                        let t = f.kind.get_ref();
                        self.error(
                            f.kind.span().start,
                            tr!(
                                "事实 `{id}` 的类型 `{t}` 无效（可用：bool、integer、date、text、enum、enum_list）",
                                "fact `{id}`: unknown type `{t}` (bool, integer, date, text, enum, enum_list)"
                            ),
                        );
                        FactKind::Text
                    }
                };
                if fact_map.insert(id.clone(), heads.len() as u16).is_some() {
                    self.error(
                        f.id.span().start,
                        tr!("事实 id `{id}` 重复", "duplicate fact id `{id}`"),
                    );
                }
                let mut choices = Vec::new();
                let mut seen = BTreeSet::new();
                for c in &f.choices {
                    if !seen.insert(c.value.get_ref().clone()) {
                        let v = c.value.get_ref();
                        self.error(
                            c.value.span().start,
                            tr!(
                                "事实 `{id}`：选项 `{v}` 重复",
                                "fact `{id}`: duplicate choice `{v}`"
                            ),
                        );
                    }
                    choices.push(c.value.get_ref().clone());
                }
                match kind {
                    FactKind::Enum | FactKind::EnumList if f.choices.is_empty() => {
                        let k = kind.name();
                        self.error(
                            f.kind.span().start,
                            tr!(
                                "事实 `{id}`：{k} 类型需要 `choices`",
                                "fact `{id}`: an {k} needs `choices`"
                            ),
                        );
                    }
                    FactKind::Enum | FactKind::EnumList => {}
                    _ if !f.choices.is_empty() => {
                        self.error(
                            f.kind.span().start,
                            tr!(
                                "事实 `{id}`：`choices` 只适用于 enum 和 enum_list",
                                "fact `{id}`: `choices` apply only to enum and enum_list"
                            ),
                        );
                    }
                    _ => {}
                }
                if kind != FactKind::Integer {
                    for m in [&f.min, &f.max].into_iter().flatten() {
                        self.error(
                            m.span().start,
                            tr!(
                                "事实 `{id}`：`min`/`max` 只适用于 integer",
                                "fact `{id}`: `min`/`max` apply only to integers"
                            ),
                        );
                    }
                }
                if let (Some(a), Some(b)) = (&f.min, &f.max)
                    && a.get_ref() > b.get_ref()
                {
                    let (lo, hi) = (a.get_ref(), b.get_ref());
                    self.error(
                        a.span().start,
                        tr!(
                            "事实 `{id}`：min {lo} 大于 max {hi}",
                            "fact `{id}`: min {lo} is above max {hi}"
                        ),
                    );
                }
                if kind != FactKind::Text
                    && let Some(p) = &f.pattern
                {
                    self.error(
                        p.span().start,
                        tr!(
                            "事实 `{id}`：`pattern` 只适用于 text",
                            "fact `{id}`: `pattern` applies only to text"
                        ),
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
            let n = heads.len();
            self.error(
                0,
                tr!(
                    "事实过多（{n} 个；最多 {MAX_FACTS} 个）",
                    "too many facts ({n}; at most {MAX_FACTS})"
                ),
            );
            return None;
        }
        if raw.derived.len() > MAX_DERIVED
            || raw.rules.len() > MAX_RULES
            || raw.results.len() > MAX_RULES
        {
            self.error(
                0,
                tr!(
                    "派生值、规则或结果过多（最多分别为 {MAX_DERIVED}、{MAX_RULES}、{MAX_RULES} 个）",
                    "too many derived values, rules or results (at most {MAX_DERIVED}, {MAX_RULES}, {MAX_RULES})"
                ),
            );
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
                    tr!(
                        "派生值名称 `{name}` 必须是 ASCII",
                        "derived name `{name}` must be ASCII"
                    ),
                );
            }
            if fact_map.contains_key(name) || check::is_reserved(name) {
                self.error(
                    d.name.span().start,
                    tr!(
                        "派生值 `{name}` 与事实同名，或用了保留名称",
                        "derived `{name}` has the name of a fact or a reserved name"
                    ),
                );
            }
            if derived_map.insert(name.clone(), i as u16).is_some() {
                self.error(
                    d.name.span().start,
                    tr!(
                        "派生值名称 `{name}` 重复",
                        "duplicate derived name `{name}`"
                    ),
                );
            }
            let parsed = match parser::parse(d.expr.get_ref()) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.expr_error(
                        &d.expr.span(),
                        e.span.start,
                        e.span.end,
                        tr!("派生值 `{name}`", "derived `{name}`"),
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
                let (name, zr, er) = (d.name.get_ref(), on.join("、"), on.join(", "));
                self.error(
                    d.name.span().start,
                    tr!(
                        "派生值 `{name}` 处在循环依赖中（它读取 {zr}）",
                        "derived `{name}` is part of a cycle (it reads {er})"
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
                    tr!(
                        "规则代码 `{code}` 必须是 ASCII snake_case",
                        "rule code `{code}` must be ASCII snake_case"
                    ),
                );
            }
            let same = rule_map.entry(code.clone()).or_default();
            if let Some(first) = same.first() {
                let other = &raw.rules[usize::from(*first)];
                if other.kind.get_ref() != r.kind.get_ref() {
                    let (a, b) = (other.kind.get_ref(), r.kind.get_ref());
                    self.error(
                        r.code.span().start,
                        tr!(
                            "规则代码 `{code}` 用于两种 kind（{a} 和 {b}）",
                            "rule code `{code}` is used with two kinds ({a} and {b})"
                        ),
                    );
                } else if other.when.get_ref() == r.when.get_ref() {
                    self.error(
                        r.code.span().start,
                        tr!(
                            "规则 `{code}` 重复（代码和条件都相同）",
                            "duplicate rule `{code}` (same code and condition)"
                        ),
                    );
                }
            }
            same.push(i as u16);
        }

        rule_map
    }
}
