//! Phase 4: the meta table (required results, applicant facts, pledge, validity period
//! and its refer rule), and the warnings about what nothing reads.
use std::collections::BTreeSet;

use super::compile::{Compiler, Names};
use super::cx::{Cx, toml_date};
use super::model::*;
use super::raw::*;
use crate::diag::Diagnostic;
use crate::expr::check::{self, Place};
use crate::text::{Text, tr};

impl Cx<'_> {
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
            self.error(
                m.id.span().start,
                tr!(
                    "meta.id 必须是非空的 ASCII 文字",
                    "meta.id must be non-empty ASCII"
                ),
            );
        }
        self.english(&m.title, tr!("meta.title", "meta.title"));
        self.english(&m.policy.name, tr!("meta.policy.name", "meta.policy.name"));
        for r in &m.required_results {
            let n = r.get_ref();
            let timeline = raw.schedule.is_some() && check::TimelineField::parse(n).is_some();
            if !result_names.contains(n) && n != "status" && n != "missing" && !timeline {
                self.error(
                    r.span().start,
                    tr!(
                        "必需的结果 `{n}` 没有在 [[results]] 中定义",
                        "required result `{n}` is not defined in [[results]]"
                    ),
                );
            }
        }
        let person_fact = |cx: &mut Cx, s: &Option<S<String>>, what: &str| -> Option<u16> {
            let s = s.as_ref()?;
            let id = s.get_ref();
            match fact_map.get(id) {
                Some(i) if heads[usize::from(*i)].kind == FactKind::Text => Some(*i),
                Some(_) => {
                    cx.error(
                        s.span().start,
                        tr!(
                            "meta.{what}：事实 `{id}` 必须是 text 类型",
                            "meta.{what}: fact `{id}` must be text"
                        ),
                    );
                    None
                }
                None => {
                    cx.error(
                        s.span().start,
                        tr!(
                            "meta.{what}：没有事实 `{id}`",
                            "meta.{what}: no fact `{id}`"
                        ),
                    );
                    None
                }
            }
        };
        let applicant_name = person_fact(self, &m.applicant_name, "applicant_name");
        let applicant_id = person_fact(self, &m.applicant_id, "applicant_id");
        if let Some(p) = &m.pledge {
            self.english(p, tr!("meta.pledge", "meta.pledge"));
        }
        if let Some(c) = &m.pledge_cite {
            self.check_cite(c, articles);
        }
        let date = |cx: &mut Cx, d: &Option<toml::value::Datetime>, what: &str| {
            let d = d.as_ref()?;
            let r = toml_date(d);
            if r.is_none() {
                let off = cx.src.find(what).unwrap_or(0);
                cx.error(
                    off,
                    tr!("meta.{what} 必须是日期", "meta.{what} must be a date"),
                );
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
                    tr!(
                        "meta.case_prefix `{t}` 须为1至8个大写字母或数字，以字母开头（如 \"BS\"）",
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
            self.error(
                off,
                tr!(
                    "meta.valid_from 晚于 meta.valid_to",
                    "meta.valid_from is after meta.valid_to"
                ),
            );
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
            pledge_cite: m.pledge_cite.as_ref().map(|p| p.get_ref().zh().to_string()),
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
                        if result {
                            tr!(
                                "meta.summary.{what}：没有结果 `{id}`",
                                "meta.summary.{what}: no result `{id}`"
                            )
                        } else {
                            tr!(
                                "meta.summary.{what}：没有事实 `{id}`",
                                "meta.summary.{what}: no fact `{id}`"
                            )
                        },
                    );
                    continue;
                }
                if !seen.insert(id.clone()) {
                    cx.error(
                        it.id.span().start,
                        tr!(
                            "meta.summary.{what}：`{id}` 列出了两次",
                            "meta.summary.{what}: `{id}` is listed twice"
                        ),
                    );
                    continue;
                }
                if let Some(l) = &it.label {
                    cx.english(
                        l,
                        tr!(
                            "meta.summary.{what} `{id}` 的标题",
                            "meta.summary.{what} `{id}` label"
                        ),
                    );
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
                    tr!(
                        "meta.summary.money：没有结果 `{m}`",
                        "meta.summary.money: no result `{m}`",
                        m = m.get_ref()
                    ),
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
            let id = f.id.get_ref();
            if !facts_read.contains(&i) && !is_person {
                self.warn_kind(
                    "unread_fact",
                    f.id.span().start,
                    tr!(
                        "事实 `{id}` 没有被任何表达式读取",
                        "fact `{id}` is read by no expression"
                    ),
                );
            }
            if heads[usize::from(i)].kind == FactKind::Enum
                || heads[usize::from(i)].kind == FactKind::EnumList
            {
                for c in &f.choices {
                    if !mentioned.contains(&(i, c.value.get_ref().clone())) {
                        let v = c.value.get_ref();
                        self.warn_kind(
                            "unmentioned_choice",
                            c.value.span().start,
                            tr!(
                                "`{id}` 的选项 `{v}` 没有被任何表达式提到",
                                "choice `{v}` of `{id}` is mentioned by no expression"
                            ),
                        );
                    }
                }
            }
        }
    }

    /// A declared validity period becomes a refer rule on the application day:
    /// `policy_not_in_force`.
    pub(super) fn validity_rule(
        &mut self,
        raw: &RawQuestionnaire,
        meta: &Meta,
        comp: &mut Compiler,
        articles: &[(String, String)],
    ) -> Option<Rule> {
        let (from, to) = (meta.valid_from, meta.valid_to);
        if from.is_none() && to.is_none() {
            return None;
        }
        let lit = |d: jiff::civil::Date| format!("date({}, {}, {})", d.year(), d.month(), d.day());
        let src = match (from, to) {
            (Some(a), Some(b)) => format!(
                "application_date < {} || application_date > {}",
                lit(a),
                lit(b)
            ),
            (Some(a), None) => format!("application_date < {}", lit(a)),
            (None, Some(b)) => format!("application_date > {}", lit(b)),
            (None, None) => return None,
        };
        let at = self.src.find("valid_").unwrap_or(0);
        let cite = match &raw.meta.validity_cite {
            Some(c) => self.check_cite(c, articles),
            None => {
                self.warn(
                    at,
                    tr!(
                        "meta.valid_from/valid_to：没有 meta.validity_cite，审查意见 policy_not_in_force 将不引用任何条款",
                        "meta.valid_from/valid_to: no meta.validity_cite, so the finding policy_not_in_force cites no article"
                    ),
                );
                String::new()
            }
        };
        let span = raw.meta.validity_cite.as_ref().map_or(at..at, |c| c.span());
        let what = tr!("meta 的有效期", "meta validity");
        let (c, _) = comp.compile(self, &S::new(span, src), Place::Plain, what)?;
        let show = |d: Option<jiff::civil::Date>| d.map_or("…".to_string(), |d| d.to_string());
        let message = raw.meta.validity_message.as_ref().map_or_else(
            || {
                crate::text::Text::new(
                    &format!("申报日不在本政策有效期（{}至{}）内，请转办。", show(from), show(to)),
                    &format!(
                        "The application day falls outside the policy's period in force ({} to {}): refer.",
                        show(from),
                        show(to)
                    ),
                )
            },
            |m| m.get_ref().clone(),
        );
        Some(Rule {
            code: "policy_not_in_force".into(),
            kind: RuleKind::Refer,
            when: c,
            cite,
            message,
        })
    }
}

impl Cx<'_> {
    /// Warn where a condition reads a fact the branching may not reach in a way that an
    /// absent (null) fact makes it hold — under `!` or `!=` — without a guard
    /// (`known(x)`, or reading the facts that decide whether `x` is asked).
    pub(super) fn unguarded(&mut self, raw: &RawQuestionnaire, q: &Questionnaire) {
        if self.diags.iter().any(Diagnostic::is_error) {
            return;
        }
        let gate = |x: u16| -> BTreeSet<u16> {
            let f = &q.facts[usize::from(x)];
            match &f.ask_if {
                Some(c) => c.facts.clone(),
                None => q.sections[f.section]
                    .ask_if
                    .as_ref()
                    .map(|c| c.facts.clone())
                    .unwrap_or_default(),
            }
        };
        let mut exprs: Vec<(Text, usize, &Compiled)> = Vec::new();
        for (d, r) in q.derived.iter().zip(&raw.derived) {
            let name = &d.name;
            exprs.push((
                tr!("派生值 `{name}`", "derived `{name}`"),
                r.expr.span().start,
                &d.expr,
            ));
        }
        for (rule, r) in q.rules.iter().zip(&raw.rules) {
            let code = &rule.code;
            exprs.push((
                tr!("规则 `{code}`", "rule `{code}`"),
                r.when.span().start,
                &rule.when,
            ));
        }
        for (res, r) in q.results.iter().zip(&raw.results) {
            let name = &res.name;
            exprs.push((
                tr!("结果 `{name}`", "result `{name}`"),
                r.expr.span().start,
                &res.expr,
            ));
        }
        for ((wz, we), items, raws) in [
            (("材料", "material"), &q.materials, &raw.materials),
            (("步骤", "step"), &q.steps, &raw.steps),
            (("句子", "sentence"), &q.sentences, &raw.sentences),
        ] {
            for (i, (it, r)) in items.iter().zip(raws).enumerate() {
                if let (Some(c), Some(w)) = (&it.when, &r.when) {
                    let n = i + 1;
                    exprs.push((tr!("{wz} {n}", "{we} {n}"), w.span().start, c));
                }
            }
        }
        for (what, at, c) in exprs {
            let mut seen = Scan::default();
            seen.walk(&c.node, false);
            for x in &seen.negated {
                let g = gate(*x);
                if g.is_empty() || seen.known.contains(x) || g.iter().any(|f| seen.read.contains(f))
                {
                    continue;
                }
                let id = &q.facts[usize::from(*x)].id;
                let (wz, we) = what.pair();
                self.warn_kind(
                    "unguarded_read",
                    at,
                    tr!(
                        "{wz}：`{id}` 缺席（未提问，为 null）时条件即成立；请用 known({id}) 或决定是否问它的条件加以限定",
                        "{we} reads `{id}` where its absence (not asked: null) makes the condition hold; guard it with known({id}) or the condition that asks it"
                    ),
                );
            }
        }
    }
}

/// What an expression reads: every fact, the facts under `known()`, and the facts read
/// where null makes the condition hold (under `!`, or as an operand of `!=`; `x == false`
/// does not hold for a null `x`).
#[derive(Default)]
struct Scan {
    read: BTreeSet<u16>,
    known: BTreeSet<u16>,
    negated: BTreeSet<u16>,
}

impl Scan {
    fn walk(&mut self, n: &crate::expr::Node, neg: bool) {
        use crate::expr::ast::BinOp;
        use crate::expr::{Builtin, Node};
        match n {
            Node::Fact(i) => {
                self.read.insert(*i);
                if neg {
                    self.negated.insert(*i);
                }
            }
            Node::Call(Builtin::Known, args) => {
                for a in args {
                    if let Node::Fact(i) = a {
                        self.known.insert(*i);
                        self.read.insert(*i);
                    } else {
                        self.walk(a, false);
                    }
                }
            }
            Node::Not(a) => self.walk(a, !neg),
            Node::Bin(BinOp::Ne, a, b) => {
                self.walk(a, !neg);
                self.walk(b, !neg);
            }
            Node::And(a, b) | Node::Or(a, b) | Node::Bin(_, a, b) | Node::Index(a, b) => {
                self.walk(a, neg);
                self.walk(b, neg);
            }
            Node::Cond(a, b, c) => {
                self.walk(a, neg);
                self.walk(b, neg);
                self.walk(c, neg);
            }
            Node::Neg(a) => self.walk(a, neg),
            Node::List(items) | Node::Call(_, items) => {
                items.iter().for_each(|i| self.walk(i, neg));
            }
            _ => {}
        }
    }
}
