//! Phase 6: migrations from earlier versions.
use std::collections::HashMap;

use super::compile::{Compiler, FactHead, Names};
use super::cx::Cx;
use super::model::*;
use super::raw::*;
use crate::expr::check::{Place, Ty};
use crate::text::tr;

impl Cx<'_> {
    /// Migration steps: each `set` expression is checked against this questionnaire's
    /// facts plus the earlier version's facts it names.
    pub(super) fn migrations(
        &mut self,
        raw: &RawQuestionnaire,
        names: &Names,
        facts: &[Fact],
    ) -> Vec<Migration> {
        let mut out = Vec::new();
        for m in &raw.migrations {
            let from = m.from.get_ref().clone();
            let to =
                m.to.as_ref()
                    .map_or_else(|| raw.meta.version.clone(), |t| t.get_ref().clone());
            if from == to {
                self.error(
                    m.from.span().start,
                    tr!(
                        "从 `{from}` 的迁移指向同一个版本",
                        "migration from `{from}` leads to the same version"
                    ),
                );
                continue;
            }
            let mut heads: Vec<FactHead> = names
                .heads
                .iter()
                .map(|h| FactHead {
                    id: h.id.clone(),
                    kind: h.kind,
                    choices: h.choices.clone(),
                })
                .collect();
            let mut fact_map = names.fact_map.clone();
            let mut old_facts = Vec::new();
            for (id, kind) in &m.facts {
                let Some(k) = FactKind::parse(kind.get_ref())
                    .filter(|k| !matches!(k, FactKind::Enum | FactKind::EnumList))
                else {
                    self.error(
                        kind.span().start,
                        tr!(
                            "从 `{from}` 的迁移：事实 `{id}`：类型必须是 bool、integer、date 或 text",
                            "migration from `{from}`: fact `{id}`: type must be bool, integer, date or text"
                        ),
                    );
                    continue;
                };
                if fact_map.contains_key(id) {
                    self.error(
                        kind.span().start,
                        tr!(
                            "从 `{from}` 的迁移：`{id}` 是本版本的事实；只列出本版本已没有的事实",
                            "migration from `{from}`: `{id}` is a fact of this version; list only the facts it no longer has"
                        ),
                    );
                    continue;
                }
                fact_map.insert(id.clone(), heads.len() as u16);
                heads.push(FactHead {
                    id: id.clone(),
                    kind: k,
                    choices: Vec::new(),
                });
                old_facts.push((id.clone(), k));
            }
            let scope = Names {
                heads,
                fact_map,
                derived_map: HashMap::new(),
                rule_map: HashMap::new(),
                data: names.data.clone(),
                status_choices: names.status_choices.clone(),
                schedule: false,
                derived_count: 0,
                result_names: Vec::new(),
            };
            let mut comp = Compiler::new(&scope);
            let mut set = Vec::new();
            for s in &m.set {
                let Some(target) = facts.iter().find(|f| &f.id == s.fact.get_ref()) else {
                    self.error(
                        s.fact.span().start,
                        tr!(
                            "从 `{from}` 的迁移：没有可设置的事实 `{id}`",
                            "migration from `{from}`: no fact `{id}` to set",
                            id = s.fact.get_ref()
                        ),
                    );
                    continue;
                };
                let to = &target.id;
                let what = tr!(
                    "从 `{from}` 迁移到 `{to}`",
                    "migration from `{from}` to `{to}`"
                );
                if let Some((c, ty)) = comp.compile(self, &s.expr, Place::Fact, what.clone()) {
                    let fits = matches!(
                        (target.kind, &ty),
                        (_, Ty::Null | Ty::Any)
                            | (FactKind::Bool, Ty::Bool)
                            | (FactKind::Integer, Ty::Int)
                            | (FactKind::Date, Ty::Date)
                            | (FactKind::Text | FactKind::Enum, Ty::Str | Ty::Enum(_))
                            | (FactKind::EnumList, Ty::List(_))
                    );
                    if !fits {
                        let ((wz, we), (tz, te)) = (what.pair(), ty.names());
                        let k = target.kind.name();
                        self.error(
                            s.expr.span().start,
                            tr!(
                                "{wz}：值为{tz}，但该事实的类型为 {k}",
                                "{we}: is {te}, but the fact is {k}"
                            ),
                        );
                        continue;
                    }
                    set.push((target.index, c));
                }
            }
            out.push(Migration {
                from,
                to,
                old_facts,
                set,
            });
        }
        out
    }
}
