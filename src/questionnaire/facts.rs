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
                    self.expr_error(
                        &d.expr.span(),
                        e.span.start,
                        e.span.end,
                        format!("derived `{}`", d.name.get_ref()),
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
            self.english(&sec.title, format!("section `{}` title", sec.id.get_ref()));
            let first = facts.len();
            let ask_if = sec.ask_if.as_ref().and_then(|a| {
                let (c, ty) = comp.compile(self, a, Place::Fact, format!("section `{}` ask_if", sec.id.get_ref()))?;
                self.expect_bool(a, &ty, format!("section `{}` ask_if", sec.id.get_ref()));
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
                self.english(&f.prompt, format!("fact `{id}` prompt"));
                if let Some(h) = &f.help {
                    self.english(h, format!("fact `{id}` help"));
                }
                for c in &f.choices {
                    self.english(
                        &c.label,
                        format!("fact `{id}` choice `{}`", c.value.get_ref()),
                    );
                }
                let cite = self.required_cite(
                    &f.cite,
                    articles,
                    f.id.span().start,
                    format!("fact `{id}`"),
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
                        comp.compile(self, a, Place::Fact, format!("fact `{id}` ask_if"))?;
                    self.expect_bool(a, &ty, format!("fact `{id}` ask_if"));
                    order_check(self, &c, a, "ask_if");
                    Some(c)
                });
                let default = f.default.as_ref().and_then(|d| {
                    let (c, ty) =
                        comp.compile(self, d, Place::Default, format!("fact `{id}` default"))?;
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
                    self.english(&v.message, format!("fact `{id}` validation message"));
                    if let Some((c, ty)) =
                        comp.compile(self, &v.check, Place::Fact, format!("fact `{id}` validate"))
                    {
                        self.expect_bool(&v.check, &ty, format!("fact `{id}` validate"));
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
            self.expr_error(
                &d.span(),
                0,
                end,
                format!("fact `{id}` default"),
                &crate::text::Text::Plain(format!("is {ty}, but the fact is {}", kind.name())),
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
