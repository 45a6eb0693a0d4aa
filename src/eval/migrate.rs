//! Answers given under an earlier version of a questionnaire, carried over to the current
//! one through its `[[migrations]]` (renamed facts, changed meanings): what `cases
//! recheck` re-evaluates and what a resumed draft continues with. Facts neither version
//! knows are left as they are (the caller keeps them aside).

use jiff::civil::Date;

use super::input;
use crate::expr::eval::{Drift, Env, EvalError, eval};
use crate::expr::{FactSet, Tri};
use crate::questionnaire::{FactKind, Questionnaire};
use crate::value::{Answers, Value};

/// The outcome of carrying answers over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Migrated {
    pub answers: Answers,
    /// (earlier facts read, the fact set from them), one per fact set.
    pub renamed: Vec<(Vec<String>, String)>,
    /// The versions passed through, the earliest first (empty: nothing to do).
    pub path: Vec<String>,
}

impl Migrated {
    /// `skill_work_years → skill_work_break_months`, one per line of the report.
    pub fn describe(&self) -> Vec<String> {
        self.renamed
            .iter()
            .map(|(from, to)| format!("{} → {to}", from.join(" + ")))
            .collect()
    }
}

struct MigrationEnv {
    facts: Vec<Tri>,
}

impl Env for MigrationEnv {
    fn fact(&self, i: u16) -> Tri {
        self.facts
            .get(usize::from(i))
            .cloned()
            .unwrap_or_else(|| Tri::Unknown(FactSet::single(i)))
    }
    fn derived(&self, i: u16) -> Result<(Tri, Drift), EvalError> {
        Err(EvalError {
            message: format!("derived value {i} in a migration"),
        })
    }
    fn status(&self) -> Tri {
        Tri::Known(Value::Null)
    }
    fn fired(&self, _rule: u16) -> Tri {
        Tri::Known(Value::Null)
    }
    fn today(&self) -> Date {
        jiff::civil::date(1970, 1, 1)
    }
    fn day(&self) -> Tri {
        Tri::Known(Value::Null)
    }
}

/// A stored value (dates may be strings) as a value of `kind`.
fn typed(kind: FactKind, v: &Value) -> Option<Value> {
    match (kind, v) {
        (FactKind::Date, Value::Str(s)) => input::parse_date(s).map(Value::Date),
        (FactKind::Date, Value::Date(_))
        | (FactKind::Bool, Value::Bool(_))
        | (FactKind::Integer, Value::Int(_))
        | (FactKind::Text | FactKind::Enum, Value::Str(_))
        | (FactKind::EnumList, Value::List(_)) => Some(v.clone()),
        _ => None,
    }
}

/// Carry `answers`, given under version `from` of `q`'s questionnaire, over to `q`.
pub fn apply(q: &Questionnaire, from: &str, answers: &Answers) -> Migrated {
    let mut out = Migrated {
        answers: answers.clone(),
        ..Migrated::default()
    };
    let mut version = from.to_string();
    // every step moves to another version; a cycle in the declarations stops here
    for _ in 0..q.migrations.len() {
        if version == q.meta.version {
            break;
        }
        let Some(m) = q.migrations.iter().find(|m| m.from == version) else {
            break;
        };
        out.path.push(version.clone());
        let mut facts: Vec<Tri> = q
            .facts
            .iter()
            .map(
                |f| match out.answers.get(&f.id).and_then(|v| typed(f.kind, v)) {
                    Some(v) => Tri::Known(v),
                    None => Tri::Unknown(FactSet::single(f.index)),
                },
            )
            .collect();
        let n = facts.len();
        for (i, (id, kind)) in m.old_facts.iter().enumerate() {
            facts.push(match out.answers.get(id).and_then(|v| typed(*kind, v)) {
                Some(v) => Tri::Known(v),
                None => Tri::Unknown(FactSet::single((n + i) as u16)),
            });
        }
        let env = MigrationEnv { facts };
        for (target, c) in &m.set {
            let f = &q.facts[usize::from(*target)];
            let Ok(Tri::Known(v)) = eval(&c.node, &env) else {
                continue;
            };
            if v.is_null() {
                continue;
            }
            if let Ok(v) = input::coerce(f, v) {
                out.answers.insert(f.id.clone(), v);
                let read: Vec<String> = c
                    .facts
                    .iter()
                    .filter(|i| usize::from(**i) >= n)
                    .filter_map(|i| m.old_facts.get(usize::from(*i) - n))
                    .filter(|(id, _)| answers.contains_key(id))
                    .map(|(id, _)| id.clone())
                    .collect();
                if !read.is_empty() {
                    out.renamed.push((read, f.id.clone()));
                }
            }
        }
        for (id, _) in &m.old_facts {
            out.answers.remove(id);
        }
        version = m.to.clone();
    }
    out
}
