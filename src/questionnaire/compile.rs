//! Compiling expressions: the names an expression may use ([`Names`], gathered before any
//! is checked), and the [`Compiler`] that checks each one against them and keeps what
//! checking learns (types of derived values, what each reads).

use std::collections::{BTreeSet, HashMap};

use super::cx::Cx;
use super::model::*;
use super::raw::*;
use crate::expr::check::{self, Place, Scope, Ty};
use crate::expr::parser;
use crate::text::{Text, tr};
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
    /// A `[schedule]` is declared: results may read the timeline.
    pub schedule: bool,
    /// How many `[[derived]]` there are (duplicate names included: each has its slot).
    pub derived_count: usize,
    /// The names of the results (which expressions cannot read).
    pub result_names: Vec<String>,
}

/// Per derived value: the derived values and facts it reads, transitively, and its place
/// in evaluation order.
pub(super) struct Closure {
    pub derived: Vec<BTreeSet<u16>>,
    pub facts: Vec<BTreeSet<u16>>,
    /// Reads the application day, directly or through other derived values.
    pub time: Vec<bool>,
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
    /// The compiled derived values, once checked (for what results can give).
    pub derived_nodes: Vec<Option<crate::expr::Node>>,
}

pub(super) struct Sc<'a> {
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
    fn has_schedule(&self) -> bool {
        self.names.schedule
    }
    fn is_result(&self, name: &str) -> bool {
        self.names.result_names.iter().any(|r| r == name)
    }
}

impl<'n> Compiler<'n> {
    pub fn new(names: &'n Names) -> Compiler<'n> {
        let n = names.derived_count;
        Compiler {
            names,
            derived_types: vec![None; n],
            closure: Closure {
                derived: vec![BTreeSet::new(); n],
                facts: vec![BTreeSet::new(); n],
                time: vec![false; n],
                position: vec![usize::MAX; n],
            },
            mentioned: BTreeSet::new(),
            facts_read: BTreeSet::new(),
            derived_nodes: Vec::new(),
        }
    }

    pub(super) fn scope(&self, place: Place) -> Sc<'_> {
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
        what: Text,
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
                let uses_time = c.time || needs.iter().any(|d| self.closure.time[usize::from(*d)]);
                let mut needs: Vec<u16> = needs.into_iter().collect();
                needs.sort_by_key(|d| self.closure.position[usize::from(*d)]);
                self.mentioned.extend(c.mentioned.iter().cloned());
                self.facts_read.extend(facts.iter().copied());
                if uses_time && matches!(place, Place::Default | Place::Fact) {
                    let (wz, we) = what.pair();
                    cx.error(
                        s.span().start,
                        tr!(
                            "{wz}：读取了申报日（application_date 或 counting_date，经由派生值）；提问时还没有申报日",
                            "{we}: reads the application day (application_date or counting_date, through a derived value); questions are asked before any application day"
                        ),
                    );
                }
                Some((
                    Compiled {
                        source: s.get_ref().clone(),
                        node: c.node,
                        needs,
                        facts,
                        uses_time,
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
