//! Name resolution and static type checking. Turns a parsed [`Spanned`] tree into a
//! resolved [`Node`] tree, or an error with the span of the offending part.

use std::collections::BTreeSet;
use std::fmt;

use super::ast::{Ast, BinOp, Span, Spanned, UnOp};
use crate::value::Value;

/// Static types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `null`: fits any type.
    Null,
    Bool,
    Int,
    Date,
    Str,
    /// A string restricted to the choices of enum number `id` (see [`Scope::choices`]).
    Enum(u16),
    List(Box<Ty>),
    /// A data table whose values all have one type (indexable by a string).
    Map(Box<Ty>),
    /// A data table with mixed value types (only `.field` access).
    Record,
    /// Unknown element type (an empty list).
    Any,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Null => write!(f, "null"),
            Ty::Bool => write!(f, "bool"),
            Ty::Int => write!(f, "int"),
            Ty::Date => write!(f, "date"),
            Ty::Str => write!(f, "string"),
            Ty::Enum(_) => write!(f, "enum"),
            Ty::List(t) => write!(f, "list of {t}"),
            Ty::Map(t) => write!(f, "table of {t}"),
            Ty::Record => write!(f, "table"),
            Ty::Any => write!(f, "any"),
        }
    }
}

impl Ty {
    /// The type of a constant (data values and literals).
    pub fn of_value(v: &Value) -> Ty {
        match v {
            Value::Null => Ty::Null,
            Value::Bool(_) => Ty::Bool,
            Value::Int(_) => Ty::Int,
            Value::Date(_) => Ty::Date,
            Value::Str(_) => Ty::Str,
            Value::List(items) => Ty::List(Box::new(uniform(items.iter()).unwrap_or(Ty::Any))),
            Value::Map(m) => match uniform(m.values()) {
                Some(t) => Ty::Map(Box::new(t)),
                None if m.is_empty() => Ty::Map(Box::new(Ty::Any)),
                None => Ty::Record,
            },
        }
    }
}

fn uniform<'a>(mut vals: impl Iterator<Item = &'a Value>) -> Option<Ty> {
    let first = Ty::of_value(vals.next()?);
    vals.all(|v| Ty::of_value(v) == first).then_some(first)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    WholeYears,
    AddMonths,
    AddYears,
    AddDays,
    MakeDate,
    Year,
    Month,
    Day,
    Min,
    Max,
    Size,
    AnyOf,
    Known,
    RetirementDate,
    IdValid,
    IdBirthDate,
    IdSex,
    Today,
    WholeMonths,
    Quarter,
    RoundDiv,
}

impl Builtin {
    fn lookup(name: &str) -> Option<Builtin> {
        use Builtin::*;
        Some(match name {
            "whole_years" => WholeYears,
            "add_months" => AddMonths,
            "add_years" => AddYears,
            "add_days" => AddDays,
            "date" => MakeDate,
            "year" => Year,
            "month" => Month,
            "day" => Day,
            "min" => Min,
            "max" => Max,
            "size" => Size,
            "any_of" => AnyOf,
            "known" => Known,
            "retirement_date" => RetirementDate,
            "id_valid" => IdValid,
            "id_birth_date" => IdBirthDate,
            "id_sex" => IdSex,
            "today" => Today,
            "whole_months" => WholeMonths,
            "quarter" => Quarter,
            "round_div" => RoundDiv,
            _ => return None,
        })
    }
}

/// A resolved, type-checked expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Const(Value),
    Fact(u16),
    Derived(u16),
    Status,
    Fired(u16),
    /// The day the application is made (see `eval::timeline`).
    AppDate,
    /// The day years are counted to: the application year's declared counting date, or
    /// the application day.
    CountingDate,
    /// A timeline result (results, materials and steps only).
    Timeline(TimelineField),
    Not(Box<Node>),
    Neg(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    List(Vec<Node>),
    Index(Box<Node>, Box<Node>),
    Call(Builtin, Vec<Node>),
}

/// The results the engine computes from the application schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimelineField {
    ApplicationYear,
    WindowOpens,
    WindowCloses,
    ApplyFrom,
    ApplyBy,
    QualifiesOn,
    QualifiesLevel,
    NextLevel,
    NextLevelOn,
}

impl TimelineField {
    pub const ALL: [TimelineField; 9] = [
        TimelineField::ApplicationYear,
        TimelineField::WindowOpens,
        TimelineField::WindowCloses,
        TimelineField::ApplyFrom,
        TimelineField::ApplyBy,
        TimelineField::QualifiesOn,
        TimelineField::QualifiesLevel,
        TimelineField::NextLevel,
        TimelineField::NextLevelOn,
    ];
    pub fn name(self) -> &'static str {
        match self {
            TimelineField::ApplicationYear => "application_year",
            TimelineField::WindowOpens => "window_opens",
            TimelineField::WindowCloses => "window_closes",
            TimelineField::ApplyFrom => "apply_from",
            TimelineField::ApplyBy => "apply_by",
            TimelineField::QualifiesOn => "qualifies_on",
            TimelineField::QualifiesLevel => "qualifies_level",
            TimelineField::NextLevel => "next_level",
            TimelineField::NextLevelOn => "next_level_on",
        }
    }
    pub fn parse(name: &str) -> Option<TimelineField> {
        TimelineField::ALL.into_iter().find(|f| f.name() == name)
    }
    pub fn ty(self) -> Ty {
        match self {
            TimelineField::ApplicationYear => Ty::Int,
            TimelineField::QualifiesLevel | TimelineField::NextLevel => Ty::Str,
            _ => Ty::Date,
        }
    }
}

/// Names the engine gives a meaning: no fact, derived value or result may take them.
pub const RESERVED_NAMES: [&str; 5] = [
    "data",
    "status",
    "missing",
    "application_date",
    "counting_date",
];

/// Is `name` reserved (including the timeline results)?
pub fn is_reserved(name: &str) -> bool {
    RESERVED_NAMES.contains(&name) || TimelineField::parse(name).is_some()
}

/// What an expression may see, and where it stands.
pub trait Scope {
    /// A fact by id: its index and type.
    fn fact(&self, name: &str) -> Option<(u16, Ty)>;
    /// A derived value by name: its index and type (`None` type while unknown: a cycle).
    fn derived(&self, name: &str) -> Option<(u16, Option<Ty>)>;
    /// The `[data]` table.
    fn data(&self) -> &Value;
    /// The choices of enum number `id`, and a name for messages.
    fn choices(&self, id: u16) -> (&str, &[String]);
    /// Rule code -> indices of the rules with that code, for `fired("code")`.
    fn rule(&self, code: &str) -> Vec<u16>;
    /// The enum id of `status` (results only).
    fn status_enum(&self) -> u16;
    /// What this expression is for: controls `today()`, `status`, `fired()`, the
    /// application day and the timeline results.
    fn place(&self) -> Place;
    /// Whether the questionnaire declares an application schedule (timeline results).
    fn has_schedule(&self) -> bool {
        false
    }
    /// Is `name` a result (for a clear message: expressions cannot read results)?
    fn is_result(&self, _name: &str) -> bool {
        false
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// `default` of a fact: may call `today()`; never the application day.
    Default,
    /// `ask_if` and `validate` of facts and sections: the interview itself, before any
    /// application day exists.
    Fact,
    /// `results`, materials and steps: may read `status`, `fired()` and the timeline.
    Result,
    /// Derived values and rules: may read the application day.
    Plain,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    pub message: String,
    pub span: Span,
}

/// The outcome of checking one expression.
#[derive(Clone, Debug)]
pub struct Checked {
    pub node: Node,
    pub ty: Ty,
    pub facts: BTreeSet<u16>,
    pub derived: BTreeSet<u16>,
    /// Enum choices named by literals: (enum id, choice).
    pub mentioned: Vec<(u16, String)>,
    /// Reads `application_date` or `counting_date` directly (not through derived values).
    pub time: bool,
}

/// Names an expression refers to (facts or derived), before resolution: for ordering
/// derived values.
pub fn referenced_names(e: &Spanned, out: &mut Vec<String>) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || referenced_names_inner(e, out))
}

fn referenced_names_inner(e: &Spanned, out: &mut Vec<String>) {
    match &e.ast {
        Ast::Ident(n) => out.push(n.clone()),
        Ast::Member(a, _, _) => referenced_names(a, out),
        Ast::Index(a, b) | Ast::Binary(_, a, b) => {
            referenced_names(a, out);
            referenced_names(b, out);
        }
        Ast::Unary(_, a) => referenced_names(a, out),
        Ast::Cond(a, b, c) => {
            referenced_names(a, out);
            referenced_names(b, out);
            referenced_names(c, out);
        }
        Ast::List(items) | Ast::Call(_, _, items) => {
            items.iter().for_each(|i| referenced_names(i, out));
        }
        Ast::Null | Ast::Bool(_) | Ast::Int(_) | Ast::Str(_) => {}
    }
}

pub fn check(e: &Spanned, scope: &dyn Scope) -> Result<Checked, CheckError> {
    let mut c = Checker {
        scope,
        facts: BTreeSet::new(),
        derived: BTreeSet::new(),
        mentioned: Vec::new(),
        time: false,
    };
    let (node, ty) = c.expr(e)?;
    Ok(Checked {
        node,
        ty,
        facts: c.facts,
        derived: c.derived,
        mentioned: c.mentioned,
        time: c.time,
    })
}

struct Checker<'a> {
    scope: &'a dyn Scope,
    facts: BTreeSet<u16>,
    derived: BTreeSet<u16>,
    mentioned: Vec<(u16, String)>,
    time: bool,
}

fn err<T>(span: Span, message: impl Into<String>) -> Result<T, CheckError> {
    Err(CheckError {
        message: message.into(),
        span,
    })
}

fn is_list(t: &Ty) -> bool {
    matches!(t, Ty::List(_) | Ty::Null | Ty::Any)
}

impl Checker<'_> {
    /// A string literal against an enum: it must be one of the choices.
    fn enum_literal(&mut self, id: u16, lit: &str, span: Span) -> Result<(), CheckError> {
        let (name, choices) = self.scope.choices(id);
        if choices.iter().any(|c| c == lit) {
            self.mentioned.push((id, lit.to_string()));
            Ok(())
        } else {
            err(
                span,
                format!(
                    "\"{lit}\" is not a choice of {name} ({})",
                    choices.join(", ")
                ),
            )
        }
    }

    /// Check every string literal directly in `e` (itself, list items, branches).
    fn literals_against(&mut self, id: u16, e: &Spanned) -> Result<(), CheckError> {
        match &e.ast {
            Ast::Str(s) => self.enum_literal(id, s, e.span),
            Ast::List(items) => items.iter().try_for_each(|i| self.literals_against(id, i)),
            Ast::Cond(_, a, b) => {
                self.literals_against(id, a)?;
                self.literals_against(id, b)
            }
            _ => Ok(()),
        }
    }

    /// Are values of these types comparable for equality? Checks enum literals.
    fn comparable(
        &mut self,
        a: (&Ty, &Spanned),
        b: (&Ty, &Spanned),
        span: Span,
    ) -> Result<(), CheckError> {
        match (a.0, b.0) {
            (Ty::Null | Ty::Any, _) | (_, Ty::Null | Ty::Any) => Ok(()),
            (Ty::Enum(x), Ty::Enum(y)) => {
                let (xn, xc) = self.scope.choices(*x);
                let (yn, yc) = self.scope.choices(*y);
                if x == y || xc == yc {
                    Ok(())
                } else {
                    err(span, format!("{xn} and {yn} have different choices"))
                }
            }
            (Ty::Enum(id), Ty::Str) => self.literals_against(*id, b.1),
            (Ty::Str, Ty::Enum(id)) => self.literals_against(*id, a.1),
            (Ty::List(x), Ty::List(y)) => {
                if unify(x, y).is_some() {
                    Ok(())
                } else {
                    err(span, format!("cannot compare {} with {}", a.0, b.0))
                }
            }
            (x, y) if x == y => Ok(()),
            (x, y) => err(span, format!("cannot compare {x} with {y}")),
        }
    }

    fn expr(&mut self, e: &Spanned) -> Result<(Node, Ty), CheckError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Spanned) -> Result<(Node, Ty), CheckError> {
        let span = e.span;
        Ok(match &e.ast {
            Ast::Null => (Node::Const(Value::Null), Ty::Null),
            Ast::Bool(b) => (Node::Const(Value::Bool(*b)), Ty::Bool),
            Ast::Int(n) => (Node::Const(Value::Int(*n)), Ty::Int),
            Ast::Str(s) => (Node::Const(Value::str(s)), Ty::Str),
            Ast::Ident(name) => self.ident(name, span)?,
            Ast::Member(base, field, fspan) => {
                let (node, _) = self.expr(base)?;
                let Node::Const(Value::Map(m)) = node else {
                    return err(*fspan, format!("`.{field}` applies only to data tables"));
                };
                let Some(v) = m.get(field) else {
                    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                    return err(
                        *fspan,
                        format!("data has no `{field}` (it has: {})", keys.join(", ")),
                    );
                };
                (Node::Const(v.clone()), Ty::of_value(v))
            }
            Ast::Index(base, idx) => {
                let (b, bt) = self.expr(base)?;
                let (i, it) = self.expr(idx)?;
                let elem = match (&bt, &it) {
                    (Ty::List(t), Ty::Int | Ty::Null | Ty::Any) => (**t).clone(),
                    (Ty::Any, _) => Ty::Any,
                    // a key that the table lacks reads as null
                    (Ty::Map(t), Ty::Str | Ty::Enum(_) | Ty::Null | Ty::Any) => (**t).clone(),
                    (Ty::Record, _) => {
                        return err(base.span, "this data table mixes value types: use `.field`");
                    }
                    _ => return err(span, format!("cannot index {bt} with {it}")),
                };
                (Node::Index(Box::new(b), Box::new(i)), elem)
            }
            Ast::Unary(op, a) => {
                let (n, t) = self.expr(a)?;
                match (op, &t) {
                    (UnOp::Not, Ty::Bool | Ty::Null | Ty::Any) => {
                        (Node::Not(Box::new(n)), Ty::Bool)
                    }
                    (UnOp::Neg, Ty::Int | Ty::Null | Ty::Any) => (Node::Neg(Box::new(n)), Ty::Int),
                    (UnOp::Not, _) => return err(span, format!("`!` needs a bool, found {t}")),
                    (UnOp::Neg, _) => return err(span, format!("`-` needs an int, found {t}")),
                }
            }
            Ast::Binary(op, a, b) => self.binary(*op, a, b, span)?,
            Ast::Cond(c, a, b) => {
                let (cn, ct) = self.expr(c)?;
                if !matches!(ct, Ty::Bool | Ty::Null | Ty::Any) {
                    return err(
                        c.span,
                        format!("the condition before `?` must be a bool, found {ct}"),
                    );
                }
                let (an, at) = self.expr(a)?;
                let (bn, bt) = self.expr(b)?;
                // an enum on one side checks the literals on the other
                if let Ty::Enum(id) = at {
                    self.literals_against(id, b)?;
                }
                if let Ty::Enum(id) = bt {
                    self.literals_against(id, a)?;
                }
                let Some(t) = unify(&at, &bt) else {
                    return err(
                        span,
                        format!("the branches of `?:` have different types: {at} and {bt}"),
                    );
                };
                (Node::Cond(Box::new(cn), Box::new(an), Box::new(bn)), t)
            }
            Ast::List(items) => {
                let mut nodes = Vec::with_capacity(items.len());
                let mut ty = Ty::Any;
                for item in items {
                    let (n, t) = self.expr(item)?;
                    ty = match unify(&ty, &t) {
                        Some(u) => u,
                        None => {
                            return err(
                                item.span,
                                format!("list items have different types: {ty} and {t}"),
                            );
                        }
                    };
                    nodes.push(n);
                }
                let node = match nodes.iter().all(|n| matches!(n, Node::Const(_))) {
                    true => Node::Const(Value::list(
                        nodes
                            .into_iter()
                            .filter_map(|n| match n {
                                Node::Const(v) => Some(v),
                                _ => None,
                            })
                            .collect(),
                    )),
                    false => Node::List(nodes),
                };
                (node, Ty::List(Box::new(ty)))
            }
            Ast::Call(name, nspan, args) => self.call(name, *nspan, args, span)?,
        })
    }

    fn ident(&mut self, name: &str, span: Span) -> Result<(Node, Ty), CheckError> {
        if let Some((i, t)) = self.scope.fact(name) {
            self.facts.insert(i);
            return Ok((Node::Fact(i), t));
        }
        if let Some((i, t)) = self.scope.derived(name) {
            let Some(t) = t else {
                return err(
                    span,
                    format!("`{name}` depends on itself (a cycle among derived values)"),
                );
            };
            self.derived.insert(i);
            return Ok((Node::Derived(i), t));
        }
        match name {
            "data" => {
                let v = self.scope.data().clone();
                let t = Ty::of_value(&v);
                Ok((Node::Const(v), t))
            }
            "status" if self.scope.place() == Place::Result => {
                Ok((Node::Status, Ty::Enum(self.scope.status_enum())))
            }
            "status" => err(span, "`status` can be read only by results"),
            "application_date" | "counting_date" => match self.scope.place() {
                Place::Plain | Place::Result => {
                    self.time = true;
                    Ok((
                        if name == "application_date" {
                            Node::AppDate
                        } else {
                            Node::CountingDate
                        },
                        Ty::Date,
                    ))
                }
                Place::Default | Place::Fact => err(
                    span,
                    format!(
                        "`{name}` can be read only by derived values, rules and results (questions are asked before any application day)"
                    ),
                ),
            },
            _ => match TimelineField::parse(name) {
                Some(f) if self.scope.place() == Place::Result && self.scope.has_schedule() => {
                    Ok((Node::Timeline(f), f.ty()))
                }
                Some(_) if self.scope.place() == Place::Result => err(
                    span,
                    format!("`{name}` is a timeline result: declare a [schedule] to use it"),
                ),
                Some(_) => err(
                    span,
                    format!(
                        "`{name}` is a timeline result: only results, materials and steps can read it"
                    ),
                ),
                None if self.scope.is_result(name) => err(
                    span,
                    format!(
                        "`{name}` is a result, and expressions cannot read results: compute it as a [[derived]] value and read that (the result can show the derived value)"
                    ),
                ),
                None => err(span, format!("undefined name `{name}`")),
            },
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        a: &Spanned,
        b: &Spanned,
        span: Span,
    ) -> Result<(Node, Ty), CheckError> {
        let (an, at) = self.expr(a)?;
        let (bn, bt) = self.expr(b)?;
        let boxed = |an, bn| (Box::new(an), Box::new(bn));
        Ok(match op {
            BinOp::And | BinOp::Or => {
                for (t, s) in [(&at, a.span), (&bt, b.span)] {
                    if !matches!(t, Ty::Bool | Ty::Null | Ty::Any) {
                        return err(s, format!("`{}` needs bools, found {t}", op.symbol()));
                    }
                }
                let (x, y) = boxed(an, bn);
                (
                    if op == BinOp::And {
                        Node::And(x, y)
                    } else {
                        Node::Or(x, y)
                    },
                    Ty::Bool,
                )
            }
            BinOp::Eq | BinOp::Ne => {
                self.comparable((&at, a), (&bt, b), span)?;
                let (x, y) = boxed(an, bn);
                (Node::Bin(op, x, y), Ty::Bool)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                match (&at, &bt) {
                    (Ty::Int, Ty::Int) | (Ty::Date, Ty::Date) => {}
                    (Ty::Int | Ty::Date | Ty::Null | Ty::Any, Ty::Null | Ty::Any)
                    | (Ty::Null | Ty::Any, Ty::Int | Ty::Date) => {}
                    _ => {
                        return err(
                            span,
                            format!("cannot compare {at} with {bt} using `{}`", op.symbol()),
                        );
                    }
                }
                let (x, y) = boxed(an, bn);
                (Node::Bin(op, x, y), Ty::Bool)
            }
            BinOp::In => {
                let elem = match &bt {
                    Ty::List(t) => (**t).clone(),
                    Ty::Map(_) | Ty::Record => Ty::Str,
                    Ty::Null | Ty::Any => Ty::Any,
                    _ => {
                        return err(
                            b.span,
                            format!("`in` needs a list on its right, found {bt}"),
                        );
                    }
                };
                match (&at, &elem) {
                    (Ty::Enum(id), _) => self.literals_against(*id, b)?,
                    (_, Ty::Enum(id)) => self.literals_against(*id, a)?,
                    _ => {
                        if unify(&at, &elem).is_none() {
                            return err(span, format!("cannot look for {at} in a list of {elem}"));
                        }
                    }
                }
                let (x, y) = boxed(an, bn);
                (Node::Bin(op, x, y), Ty::Bool)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                for (t, s) in [(&at, a.span), (&bt, b.span)] {
                    if !matches!(t, Ty::Int | Ty::Null | Ty::Any) {
                        let hint = if *t == Ty::Date {
                            " (use add_days, add_months or add_years for dates)"
                        } else {
                            ""
                        };
                        return err(s, format!("`{}` needs ints, found {t}{hint}", op.symbol()));
                    }
                }
                let (x, y) = boxed(an, bn);
                (Node::Bin(op, x, y), Ty::Int)
            }
        })
    }

    fn call(
        &mut self,
        name: &str,
        nspan: Span,
        args: &[Spanned],
        span: Span,
    ) -> Result<(Node, Ty), CheckError> {
        if name == "fired" {
            if self.scope.place() != Place::Result {
                return err(nspan, "`fired()` can be used only by results");
            }
            let [arg] = args else {
                return err(
                    span,
                    format!("fired() takes 1 argument, got {}", args.len()),
                );
            };
            let Ast::Str(code) = &arg.ast else {
                return err(arg.span, "fired() takes a rule code in quotes");
            };
            let rules = self.scope.rule(code);
            let Some((first, rest)) = rules.split_first() else {
                return err(arg.span, format!("no rule has the code \"{code}\""));
            };
            // a code on several rules (one per pathway) fired when any of them did
            let node = rest.iter().fold(Node::Fired(*first), |acc, i| {
                Node::Or(Box::new(acc), Box::new(Node::Fired(*i)))
            });
            return Ok((node, Ty::Bool));
        }
        let Some(f) = Builtin::lookup(name) else {
            return err(nspan, format!("unknown function `{name}`"));
        };
        if f == Builtin::Today && self.scope.place() != Place::Default {
            return err(
                nspan,
                "today() may be used only in a fact's default: rules never read the clock",
            );
        }
        let mut nodes = Vec::with_capacity(args.len());
        let mut tys = Vec::with_capacity(args.len());
        for a in args {
            let (n, t) = self.expr(a)?;
            nodes.push(n);
            tys.push(t);
        }
        use Builtin::*;
        use Ty::*;
        let (params, ret): (Vec<Ty>, Ty) = match f {
            WholeYears | WholeMonths => (vec![Date, Date], Int),
            AddMonths | AddYears | AddDays => (vec![Date, Int], Date),
            MakeDate => (vec![Int, Int, Int], Date),
            Year | Month | Day | Quarter => (vec![Date], Int),
            RoundDiv => (vec![Int, Int], Int),
            RetirementDate => (vec![Date, Int], Date),
            IdValid => (vec![Str], Bool),
            IdBirthDate => (vec![Str], Date),
            IdSex => (vec![Str], Str),
            Today => (vec![], Date),
            Known => {
                if args.len() != 1 {
                    return err(
                        span,
                        format!("known() takes 1 argument, got {}", args.len()),
                    );
                }
                return Ok((Node::Call(f, nodes), Bool));
            }
            Size => {
                if args.len() != 1 {
                    return err(span, format!("size() takes 1 argument, got {}", args.len()));
                }
                if !is_list(&tys[0]) {
                    return err(
                        args[0].span,
                        format!("size() needs a list, found {}", tys[0]),
                    );
                }
                return Ok((Node::Call(f, nodes), Int));
            }
            AnyOf => {
                if args.len() != 2 {
                    return err(
                        span,
                        format!("any_of() takes 2 arguments, got {}", args.len()),
                    );
                }
                for (t, a) in tys.iter().zip(args) {
                    if !is_list(t) {
                        return err(a.span, format!("any_of() needs lists, found {t}"));
                    }
                }
                if let List(inner) = &tys[0]
                    && let Enum(id) = **inner
                {
                    self.literals_against(id, &args[1])?;
                }
                return Ok((Node::Call(f, nodes), Bool));
            }
            Min | Max => {
                if args.is_empty() {
                    return err(span, format!("{name}() takes at least 1 argument"));
                }
                let mut t = Null;
                for (at, a) in tys.iter().zip(args) {
                    if !matches!(at, Int | Date | Null) {
                        return err(a.span, format!("{name}() needs ints or dates, found {at}"));
                    }
                    t = match unify(&t, at) {
                        Some(u) => u,
                        None => return err(a.span, format!("{name}() arguments mix {t} and {at}")),
                    };
                }
                return Ok((Node::Call(f, nodes), t));
            }
        };
        if args.len() != params.len() {
            let s = if params.len() == 1 { "" } else { "s" };
            return err(
                span,
                format!(
                    "{name}() takes {} argument{s}, got {}",
                    params.len(),
                    args.len()
                ),
            );
        }
        for ((p, t), a) in params.iter().zip(&tys).zip(args) {
            let fits = t == p || matches!(t, Null | Any) || (*p == Str && matches!(t, Enum(_)));
            if !fits {
                return err(a.span, format!("{name}() expects {p} here, found {t}"));
            }
        }
        Ok((Node::Call(f, nodes), ret))
    }
}

/// The common type of two branches or list items.
pub fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    match (a, b) {
        (Ty::Null | Ty::Any, t) | (t, Ty::Null | Ty::Any) => Some(t.clone()),
        (Ty::Enum(x), Ty::Enum(y)) if x == y => Some(Ty::Enum(*x)),
        (Ty::Enum(_) | Ty::Str, Ty::Enum(_) | Ty::Str) => Some(Ty::Str),
        (Ty::List(x), Ty::List(y)) => Some(Ty::List(Box::new(unify(x, y)?))),
        (Ty::Map(x), Ty::Map(y)) => Some(Ty::Map(Box::new(unify(x, y)?))),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}
