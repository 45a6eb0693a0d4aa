//! Phase 2: derived values (typed in dependency order) and the sections and facts, with
//! their branching, defaults, patterns and validations.
use std::collections::BTreeSet;

use regex::Regex;

use super::compile::{Compiler, FactHead};
use super::cx::Cx;
use super::model::*;
use super::raw::*;
use crate::expr::ast::Spanned;
use crate::expr::check::{self, Place, Ty};
use crate::text::tr;
use crate::value::Value;

impl Cx<'_> {
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
            let Some(p) = &parsed[i] else {
                // a derived value that does not parse: readers type it as anything, so its
                // own error is not followed by false cycles and type errors
                comp.derived_types[i] = Some(Ty::Any);
                continue;
            };
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
                    let name = d.name.get_ref();
                    self.expr_error(
                        &d.expr.span(),
                        e.span.start,
                        e.span.end,
                        tr!("派生值 `{name}`", "derived `{name}`"),
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
                let mut time = c.time;
                for d in &c.derived {
                    ds.extend(closure.derived[usize::from(*d)].iter().copied());
                    fs.extend(closure.facts[usize::from(*d)].iter().copied());
                    time |= closure.time[usize::from(*d)];
                }
                closure.derived[i] = ds;
                closure.facts[i] = fs;
                closure.time[i] = time;
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
            comp.derived_nodes
                .push(nodes[i].as_ref().map(|c| c.node.clone()));
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
                    uses_time: comp.closure.time[i],
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
            let sid = sec.id.get_ref();
            self.english(
                &sec.title,
                tr!("分节 `{sid}` 的 title", "section `{sid}` title"),
            );
            let first = facts.len();
            let ask_if = sec.ask_if.as_ref().and_then(|a| {
                let what = tr!("分节 `{sid}` 的 ask_if", "section `{sid}` ask_if");
                let (c, ty) = comp.compile(self, a, Place::Fact, what.clone())?;
                self.expect_bool(a, &ty, what);
                if let Some(late) = c.facts.iter().find(|f| usize::from(**f) >= first) {
                    let name = &heads[usize::from(*late)].id;
                    self.error(
                        a.span().start,
                        tr!(
                            "分节 `{sid}` 的 ask_if 读取了 `{name}`，而它不在本分节之前提问",
                            "section `{sid}` ask_if reads `{name}`, which is not asked before this section"
                        ),
                    );
                }
                Some(c)
            });
            for f in &sec.facts {
                let index = facts.len() as u16;
                let id = f.id.get_ref().clone();
                let kind = heads[usize::from(index)].kind;
                self.english(
                    &f.prompt,
                    tr!("事实 `{id}` 的 prompt", "fact `{id}` prompt"),
                );
                if let Some(h) = &f.help {
                    self.english(h, tr!("事实 `{id}` 的 help", "fact `{id}` help"));
                }
                for c in &f.choices {
                    let v = c.value.get_ref();
                    self.english(
                        &c.label,
                        tr!("事实 `{id}` 的选项 `{v}`", "fact `{id}` choice `{v}`"),
                    );
                }
                let cite = self.required_cite(
                    &f.cite,
                    articles,
                    f.id.span().start,
                    tr!("事实 `{id}`", "fact `{id}`"),
                );
                let order_check = |cx: &mut Cx, c: &Compiled, s: &S<String>, what: &str| {
                    for r in &c.facts {
                        if *r >= index {
                            let name = &heads[usize::from(*r)].id;
                            let message = if *r == index {
                                tr!(
                                    "事实 `{id}`：{what} 读取了 `{name}`，即它自己",
                                    "fact `{id}`: {what} reads `{name}`, itself"
                                )
                            } else {
                                tr!(
                                    "事实 `{id}`：{what} 读取了 `{name}`，而它在之后才提问",
                                    "fact `{id}`: {what} reads `{name}`, a fact asked later"
                                )
                            };
                            cx.error(s.span().start, message);
                        }
                    }
                };
                let ask = f.ask_if.as_ref().and_then(|a| {
                    let what = tr!("事实 `{id}` 的 ask_if", "fact `{id}` ask_if");
                    let (c, ty) = comp.compile(self, a, Place::Fact, what.clone())?;
                    self.expect_bool(a, &ty, what);
                    order_check(self, &c, a, "ask_if");
                    Some(c)
                });
                let default = f.default.as_ref().and_then(|d| {
                    let what = tr!("事实 `{id}` 的 default", "fact `{id}` default");
                    let (c, ty) = comp.compile(self, d, Place::Default, what)?;
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
                            // the regex library's own words (English)
                            let why = why.trim().trim_start_matches("error: ");
                            self.error(
                                p.span().start,
                                tr!(
                                    "事实 `{id}`：pattern 无效：{why}",
                                    "fact `{id}`: invalid pattern: {why}"
                                ),
                            );
                            None
                        }
                    });
                let mut validate = Vec::new();
                for v in &f.validate {
                    self.english(
                        &v.message,
                        tr!(
                            "事实 `{id}` 的 validate message",
                            "fact `{id}` validation message"
                        ),
                    );
                    let what = tr!("事实 `{id}` 的 validate", "fact `{id}` validate");
                    if let Some((c, ty)) = comp.compile(self, &v.check, Place::Fact, what.clone()) {
                        self.expect_bool(&v.check, &ty, what);
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
            let ((tz, te), k) = (ty.names(), kind.name());
            self.expr_error(
                &d.span(),
                0,
                end,
                tr!("事实 `{id}` 的 default", "fact `{id}` default"),
                &tr!(
                    "值为{tz}，但该事实的类型为 {k}",
                    "is {te}, but the fact is {k}"
                ),
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
                    tr!(
                        "事实 `{id}`：默认值 {v} 不在其选项或范围之内",
                        "fact `{id}`: default {v} is outside its choices or range"
                    ),
                );
            }
        }
    }
}
