//! Phase 3: rules, results, materials, steps and the sentence templates.
use std::collections::BTreeSet;

use super::compile::Compiler;
use super::cx::Cx;
use super::model::*;
use super::raw::*;
use crate::expr::check::{self, Place};

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
            } else if raw.schedule.is_some() && check::TimelineField::parse(name).is_some() {
                self.error(
                    r.name.span().start,
                    format!("`{name}` is a timeline result the engine computes from [schedule]; it cannot be a result expression"),
                );
            } else if check::RESERVED_NAMES.contains(&name.as_str()) {
                self.error(r.name.span().start, format!("`{name}` is a reserved name"));
            }
            if !result_names.insert(name.clone()) {
                self.error(r.name.span().start, format!("duplicate result `{name}`"));
            }
            if let Some(l) = &r.label {
                self.english(l, &format!("result `{name}` label"));
            }
            if let Some(l) = &r.aim_label {
                self.english(l, &format!("result `{name}` aim_label"));
            }
            for (k, t) in &r.values {
                if t.lacks_english() {
                    self.warn_kind(
                        "missing_english",
                        r.name.span().start,
                        format!("result `{name}` value `{k}` has no English label"),
                    );
                }
            }
            if let Some((c, _)) =
                comp.compile(self, &r.expr, Place::Result, &format!("result `{name}`"))
            {
                results.push(ResultDef {
                    name: name.clone(),
                    expr: c,
                    label: r.label.as_ref().map(|l| l.get_ref().clone()),
                    aim_label: r.aim_label.as_ref().map(|l| l.get_ref().clone()),
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
}

impl Cx<'_> {
    /// Every slot of every sentence names a result (or, with a schedule, a timeline
    /// result).
    pub(super) fn templates(
        &mut self,
        raw: &RawQuestionnaire,
        results: &[ResultDef],
        schedule: bool,
    ) {
        for (i, it) in raw.sentences.iter().enumerate() {
            let t = it.text.get_ref();
            let texts = [Some(t.zh()), t.en()];
            for s in texts.into_iter().flatten() {
                match super::template::parse(s) {
                    Err(e) => self.error(it.text.span().start, format!("sentence {}: {e}", i + 1)),
                    Ok(pieces) => {
                        for p in pieces {
                            let super::template::Piece::Slot { name, .. } = p else {
                                continue;
                            };
                            let known = results.iter().any(|r| r.name == name)
                                || (schedule && check::TimelineField::parse(&name).is_some());
                            if !known {
                                self.error(
                                    it.text.span().start,
                                    format!("sentence {}: `{{{name}}}` names no result", i + 1),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
