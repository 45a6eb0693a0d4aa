//! Phase 3: rules, results, materials, steps and the sentence templates.

use std::collections::BTreeSet;

use super::compile::Compiler;
use super::cx::Cx;
use super::model::*;
use super::raw::*;
use crate::expr::check::{self, Place, Ty};
use crate::text::{Text, tr};
use crate::value::Value;

impl Cx<'_> {
    pub(super) fn rules(
        &mut self,
        raw: &RawQuestionnaire,
        comp: &mut Compiler,
        articles: &[(String, String)],
    ) -> Vec<Rule> {
        let mut rules = Vec::new();
        for r in &raw.rules {
            let code = r.code.get_ref();
            self.english(
                &r.message,
                tr!("规则 `{code}` 的 message", "rule `{code}` message"),
            );
            let kind = RuleKind::parse(r.kind.get_ref()).unwrap_or_else(|| {
                let k = r.kind.get_ref();
                self.error(
                    r.kind.span().start,
                    tr!(
                        "规则 `{code}`：kind 必须是 blocker、refer、action 或 note，而不是 `{k}`",
                        "rule `{code}`: kind must be blocker, refer, action or note, not `{k}`"
                    ),
                );
                RuleKind::Note
            });
            let cite = self.required_cite(
                &r.cite,
                articles,
                r.code.span().start,
                tr!("规则 `{code}`", "rule `{code}`"),
            );
            let what = tr!("规则 `{code}` 的 when", "rule `{code}` when");
            if let Some((c, ty)) = comp.compile(self, &r.when, Place::Plain, what.clone()) {
                self.expect_bool(&r.when, &ty, what);
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
                    tr!(
                        "`{name}` 由规则算出，不能写成结果表达式",
                        "`{name}` is computed from the rules; it cannot be a result expression"
                    ),
                );
            } else if raw.schedule.is_some() && check::TimelineField::parse(name).is_some() {
                self.error(
                    r.name.span().start,
                    tr!(
                        "`{name}` 是引擎依 [schedule] 算出的时间线结果，不能写成结果表达式",
                        "`{name}` is a timeline result the engine computes from [schedule]; it cannot be a result expression"
                    ),
                );
            } else if check::RESERVED_NAMES.contains(&name.as_str()) {
                self.error(
                    r.name.span().start,
                    tr!("`{name}` 是保留名称", "`{name}` is a reserved name"),
                );
            }
            if !result_names.insert(name.clone()) {
                self.error(
                    r.name.span().start,
                    tr!("结果 `{name}` 重复", "duplicate result `{name}`"),
                );
            }
            if let Some(l) = &r.label {
                self.english(l, tr!("结果 `{name}` 的 label", "result `{name}` label"));
            }
            if let Some(l) = &r.aim_label {
                self.english(
                    l,
                    tr!("结果 `{name}` 的 aim_label", "result `{name}` aim_label"),
                );
            }
            for (k, t) in &r.values {
                if t.lacks_english() {
                    self.warn_kind(
                        "missing_english",
                        r.name.span().start,
                        tr!(
                            "结果 `{name}` 的值 `{k}`：没有英文标签",
                            "result `{name}` value `{k}` has no English label"
                        ),
                    );
                }
            }
            let what = tr!("结果 `{name}`", "result `{name}`");
            let compiled = comp.compile(self, &r.expr, Place::Result, what);
            // The summary's money result is added up by reports: an integer (whole yuan,
            // or fen with `unit = "fen"`).
            if let Some(m) = raw.meta.summary.as_ref().and_then(|s| s.money.as_ref())
                && m.get_ref() == name
                && let Some((_, ty)) = &compiled
                && !matches!(ty, Ty::Int | Ty::Null)
            {
                self.error(
                    m.span().start,
                    tr!(
                        "meta.summary.money：结果 `{name}` 须为整数，实为{ty}",
                        "meta.summary.money: result `{name}` must be an integer, found {ty}",
                        ty = ty
                    ),
                );
            }
            if let Some((c, _)) = compiled {
                if let Some(codes) = codes_of(&c, comp) {
                    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                    let (zc, ec) = (codes.join("、"), codes.join(", "));
                    for k in r.values.keys() {
                        if !codes.contains(&k.as_str()) {
                            self.error(
                                r.name.span().start,
                                tr!(
                                    "结果 `{name}`：`values` 为 `{k}` 写了标签，但该结果从不给出这个代码（它给出：{zc}）",
                                    "result `{name}`: `values` labels `{k}`, a code it never gives ({ec})"
                                ),
                            );
                        }
                    }
                }
                results.push(ResultDef {
                    name: name.clone(),
                    expr: c,
                    label: r.label.as_ref().map(|l| l.get_ref().clone()),
                    aim_label: r.aim_label.as_ref().map(|l| l.get_ref().clone()),
                    fen: match &r.unit {
                        None => false,
                        Some(u) if u.get_ref() == "fen" => true,
                        Some(u) => {
                            let unit = u.get_ref();
                            self.error(
                                u.span().start,
                                tr!(
                                    "结果 `{name}`：未知的 unit `{unit}`（\"fen\"：以分为单位的整数，显示为元）",
                                    "result `{name}`: unit `{unit}` is unknown (\"fen\": an integer number of fen shown as yuan)"
                                ),
                            );
                            false
                        }
                    },
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

    /// Materials, steps or sentences; `what` names one (`材料`, `material`).
    pub(super) fn items(
        &mut self,
        raw_items: &[RawItem],
        what: &Text,
        comp: &mut Compiler,
        articles: &[(String, String)],
    ) -> Vec<Item> {
        let cx = self;
        let (wz, we) = what.pair();
        let mut out = Vec::new();
        for (i, it) in raw_items.iter().enumerate() {
            let n = i + 1;
            cx.english(&it.text, tr!("{wz} {n}", "{we} {n}"));
            if let Some(c) = &it.cite {
                cx.check_cite(c, articles);
            }
            let when = it.when.as_ref().and_then(|w| {
                let what = tr!("{wz} {n} 的 when", "{we} {n} when");
                let (c, ty) = comp.compile(cx, w, Place::Result, what.clone())?;
                cx.expect_bool(w, &ty, what);
                Some(c)
            });
            out.push(Item {
                when,
                text: it.text.get_ref().clone(),
                cite: it.cite.as_ref().map(|c| c.get_ref().zh().to_string()),
            });
        }
        out
    }
}

impl Cx<'_> {
    /// Every slot of every sentence names a result (or, with a schedule, a timeline
    /// result).
    pub(super) fn templates(&mut self, raw: &RawQuestionnaire, schedule: bool) {
        for (i, it) in raw.sentences.iter().enumerate() {
            let t = it.text.get_ref();
            // a plain string serves both languages: check it once
            let en = t.en().filter(|en| *en != t.zh());
            for ((lz, le), s) in [(("中文", "zh"), Some(t.zh())), (("英文", "en"), en)] {
                let Some(s) = s else { continue };
                let n = i + 1;
                match super::template::parse(s) {
                    Err(e) => {
                        let (ez, ee) = e.pair();
                        self.error(
                            it.text.span().start,
                            tr!("句子 {n}（{lz}）：{ez}", "sentence {n} ({le}): {ee}"),
                        );
                    }
                    Ok(pieces) => {
                        for p in pieces {
                            let super::template::Piece::Slot { name, .. } = p else {
                                continue;
                            };
                            let known = raw.results.iter().any(|r| r.name.get_ref() == &name)
                                || (schedule && check::TimelineField::parse(&name).is_some());
                            if !known {
                                self.error(
                                    it.text.span().start,
                                    tr!(
                                        "句子 {n}（{lz}）：`{{{name}}}` 不是任何结果",
                                        "sentence {n} ({le}): `{{{name}}}` names no result"
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Every string an expression (and the derived values it reads) can give, when that set is
/// known: its string constants, the choices of the enum facts it reads, the strings in
/// `[data]`. `None` when it reads a text fact (anything is possible).
pub(super) fn codes_of(c: &Compiled, comp: &Compiler) -> Option<BTreeSet<String>> {
    use crate::expr::Node;
    fn walk(n: &Node, out: &mut BTreeSet<String>, facts: &mut BTreeSet<u16>) {
        match n {
            Node::Const(v) => strings(v, out),
            Node::Fact(i) => {
                facts.insert(*i);
            }
            Node::Not(a) | Node::Neg(a) => walk(a, out, facts),
            Node::And(a, b) | Node::Or(a, b) | Node::Bin(_, a, b) | Node::Index(a, b) => {
                walk(a, out, facts);
                walk(b, out, facts);
            }
            Node::Cond(a, b, c) => {
                walk(a, out, facts);
                walk(b, out, facts);
                walk(c, out, facts);
            }
            Node::List(items) | Node::Call(_, items) => {
                items.iter().for_each(|i| walk(i, out, facts));
            }
            _ => {}
        }
    }
    fn strings(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Str(s) => {
                out.insert(s.to_string());
            }
            Value::List(items) => items.iter().for_each(|i| strings(i, out)),
            Value::Map(m) => m.values().for_each(|i| strings(i, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    let mut facts = BTreeSet::new();
    walk(&c.node, &mut out, &mut facts);
    for d in &c.needs {
        if let Some(node) = comp
            .derived_nodes
            .get(usize::from(*d))
            .and_then(|n| n.as_ref())
        {
            walk(node, &mut out, &mut facts);
        }
    }
    for f in facts {
        let h = comp.names.heads.get(usize::from(f))?;
        match h.kind {
            FactKind::Text => return None,
            FactKind::Enum | FactKind::EnumList => out.extend(h.choices.iter().cloned()),
            _ => {}
        }
    }
    Some(out)
}
