//! Name resolution and static type checking. Turns a parsed [`Spanned`] tree into a
//! resolved [`Node`] tree, or an error with the span of the offending part.

use std::collections::BTreeSet;
use std::fmt;

use super::ast::{Ast, BinOp, Span, Spanned, UnOp};
use crate::text::{Text, tr};
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
    /// The type's name in Chinese, for messages (`Display` gives the English).
    pub fn zh(&self) -> String {
        match self {
            Ty::Null => "null".into(),
            Ty::Bool => "布尔值".into(),
            Ty::Int => "整数".into(),
            Ty::Date => "日期".into(),
            Ty::Str => "文字".into(),
            Ty::Enum(_) => "选项值".into(),
            Ty::List(t) => format!("{}列表", t.zh()),
            Ty::Map(t) => format!("值为{}的数据表", t.zh()),
            Ty::Record => "数据表".into(),
            Ty::Any => "任意类型".into(),
        }
    }
    /// The type's name in Chinese and in English.
    pub fn names(&self) -> (String, String) {
        (self.zh(), self.to_string())
    }

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
    /// In both languages, as every diagnostic.
    pub message: Text,
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

fn err<T>(span: Span, message: Text) -> Result<T, CheckError> {
    Err(CheckError { message, span })
}

/// `name() takes N argument(s), got M`.
fn arg_count(name: &str, n: usize, got: usize) -> Text {
    let s = if n == 1 { "" } else { "s" };
    tr!(
        "{name}() 需要 {n} 个参数，实有 {got} 个",
        "{name}() takes {n} argument{s}, got {got}"
    )
}

fn cannot_compare(a: &Ty, b: &Ty) -> Text {
    let ((az, ae), (bz, be)) = (a.names(), b.names());
    tr!("不能比较{az}与{bz}", "cannot compare {ae} with {be}")
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
            let (zl, el) = (choices.join("、"), choices.join(", "));
            err(
                span,
                tr!(
                    "\"{lit}\" 不是 `{name}` 的选项（可选：{zl}）",
                    "\"{lit}\" is not a choice of {name} ({el})"
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
                    err(
                        span,
                        tr!(
                            "`{xn}` 与 `{yn}` 的选项不同",
                            "{xn} and {yn} have different choices"
                        ),
                    )
                }
            }
            (Ty::Enum(id), Ty::Str) => self.literals_against(*id, b.1),
            (Ty::Str, Ty::Enum(id)) => self.literals_against(*id, a.1),
            (Ty::List(x), Ty::List(y)) => {
                if unify(x, y).is_some() {
                    Ok(())
                } else {
                    err(span, cannot_compare(a.0, b.0))
                }
            }
            (x, y) if x == y => Ok(()),
            (x, y) => err(span, cannot_compare(x, y)),
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
                    return err(
                        *fspan,
                        tr!(
                            "`.{field}` 只能用于数据表",
                            "`.{field}` applies only to data tables"
                        ),
                    );
                };
                let Some(v) = m.get(field) else {
                    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                    let (zk, ek) = (keys.join("、"), keys.join(", "));
                    return err(
                        *fspan,
                        tr!(
                            "data 中没有 `{field}`（现有：{zk}）",
                            "data has no `{field}` (it has: {ek})"
                        ),
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
                        return err(
                            base.span,
                            tr!(
                                "该数据表的值类型不一：请用 `.field` 取值",
                                "this data table mixes value types: use `.field`"
                            ),
                        );
                    }
                    _ => {
                        let ((bz, be), (iz, ie)) = (bt.names(), it.names());
                        return err(
                            span,
                            tr!("不能用{iz}索引{bz}", "cannot index {be} with {ie}"),
                        );
                    }
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
                    (UnOp::Not, _) => {
                        let (tz, te) = t.names();
                        return err(
                            span,
                            tr!("`!` 需要布尔值，却是{tz}", "`!` needs a bool, found {te}"),
                        );
                    }
                    (UnOp::Neg, _) => {
                        let (tz, te) = t.names();
                        return err(
                            span,
                            tr!("`-` 需要整数，却是{tz}", "`-` needs an int, found {te}"),
                        );
                    }
                }
            }
            Ast::Binary(op, a, b) => self.binary(*op, a, b, span)?,
            Ast::Cond(c, a, b) => {
                let (cn, ct) = self.expr(c)?;
                if !matches!(ct, Ty::Bool | Ty::Null | Ty::Any) {
                    let (tz, te) = ct.names();
                    return err(
                        c.span,
                        tr!(
                            "`?` 之前的条件必须是布尔值，却是{tz}",
                            "the condition before `?` must be a bool, found {te}"
                        ),
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
                    let ((az, ae), (bz, be)) = (at.names(), bt.names());
                    return err(
                        span,
                        tr!(
                            "`?:` 两个分支的类型不同：{az}与{bz}",
                            "the branches of `?:` have different types: {ae} and {be}"
                        ),
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
                            let ((az, ae), (bz, be)) = (ty.names(), t.names());
                            return err(
                                item.span,
                                tr!(
                                    "列表各项的类型不同：{az}与{bz}",
                                    "list items have different types: {ae} and {be}"
                                ),
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
                    tr!(
                        "`{name}` 依赖它自己（派生值之间成环）",
                        "`{name}` depends on itself (a cycle among derived values)"
                    ),
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
            "status" => err(
                span,
                tr!(
                    "只有结果（results）可以读取 `status`",
                    "`status` can be read only by results"
                ),
            ),
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
                    tr!(
                        "只有派生值、规则和结果可以读取 `{name}`（提问时还没有申报日）",
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
                    tr!(
                        "`{name}` 是时间线结果：须先声明 [schedule] 才能使用",
                        "`{name}` is a timeline result: declare a [schedule] to use it"
                    ),
                ),
                Some(_) => err(
                    span,
                    tr!(
                        "`{name}` 是时间线结果：只有结果、材料和步骤可以读取",
                        "`{name}` is a timeline result: only results, materials and steps can read it"
                    ),
                ),
                None if self.scope.is_result(name) => err(
                    span,
                    tr!(
                        "`{name}` 是结果，表达式不能读取结果：请把它算成 [[derived]] 派生值并读取那个值（结果可以显示该派生值）",
                        "`{name}` is a result, and expressions cannot read results: compute it as a [[derived]] value and read that (the result can show the derived value)"
                    ),
                ),
                None => err(
                    span,
                    tr!("未定义的名称 `{name}`", "undefined name `{name}`"),
                ),
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
                        let ((tz, te), op) = (t.names(), op.symbol());
                        return err(
                            s,
                            tr!(
                                "`{op}` 需要布尔值，却是{tz}",
                                "`{op}` needs bools, found {te}"
                            ),
                        );
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
                        let ((az, ae), (bz, be), op) = (at.names(), bt.names(), op.symbol());
                        return err(
                            span,
                            tr!(
                                "不能用 `{op}` 比较{az}与{bz}",
                                "cannot compare {ae} with {be} using `{op}`"
                            ),
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
                        let (bz, be) = bt.names();
                        return err(
                            b.span,
                            tr!(
                                "`in` 右边需要列表，却是{bz}",
                                "`in` needs a list on its right, found {be}"
                            ),
                        );
                    }
                };
                match (&at, &elem) {
                    (Ty::Enum(id), _) => self.literals_against(*id, b)?,
                    (_, Ty::Enum(id)) => self.literals_against(*id, a)?,
                    _ => {
                        if unify(&at, &elem).is_none() {
                            let ((az, ae), (ez, ee)) = (at.names(), elem.names());
                            return err(
                                span,
                                tr!(
                                    "不能在{ez}列表中查找{az}",
                                    "cannot look for {ae} in a list of {ee}"
                                ),
                            );
                        }
                    }
                }
                let (x, y) = boxed(an, bn);
                (Node::Bin(op, x, y), Ty::Bool)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                for (t, s) in [(&at, a.span), (&bt, b.span)] {
                    if !matches!(t, Ty::Int | Ty::Null | Ty::Any) {
                        let (hz, he) = if *t == Ty::Date {
                            (
                                "（日期请用 add_days、add_months 或 add_years）",
                                " (use add_days, add_months or add_years for dates)",
                            )
                        } else {
                            ("", "")
                        };
                        let ((tz, te), op) = (t.names(), op.symbol());
                        return err(
                            s,
                            tr!(
                                "`{op}` 需要整数，却是{tz}{hz}",
                                "`{op}` needs ints, found {te}{he}"
                            ),
                        );
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
                return err(
                    nspan,
                    tr!(
                        "只有结果（results）可以使用 `fired()`",
                        "`fired()` can be used only by results"
                    ),
                );
            }
            let [arg] = args else {
                return err(span, arg_count("fired", 1, args.len()));
            };
            let Ast::Str(code) = &arg.ast else {
                return err(
                    arg.span,
                    tr!(
                        "fired() 的参数应为加引号的规则代码",
                        "fired() takes a rule code in quotes"
                    ),
                );
            };
            let rules = self.scope.rule(code);
            let Some((first, rest)) = rules.split_first() else {
                return err(
                    arg.span,
                    tr!(
                        "没有代码为 \"{code}\" 的规则",
                        "no rule has the code \"{code}\""
                    ),
                );
            };
            // a code on several rules (one per pathway) fired when any of them did
            let node = rest.iter().fold(Node::Fired(*first), |acc, i| {
                Node::Or(Box::new(acc), Box::new(Node::Fired(*i)))
            });
            return Ok((node, Ty::Bool));
        }
        let Some(f) = Builtin::lookup(name) else {
            return err(
                nspan,
                tr!("未知的函数 `{name}`", "unknown function `{name}`"),
            );
        };
        if f == Builtin::Today && self.scope.place() != Place::Default {
            return err(
                nspan,
                tr!(
                    "today() 只能用在事实的 default 中：规则从不读取时钟",
                    "today() may be used only in a fact's default: rules never read the clock"
                ),
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
                    return err(span, arg_count("known", 1, args.len()));
                }
                return Ok((Node::Call(f, nodes), Bool));
            }
            Size => {
                if args.len() != 1 {
                    return err(span, arg_count("size", 1, args.len()));
                }
                if !is_list(&tys[0]) {
                    let (tz, te) = tys[0].names();
                    return err(
                        args[0].span,
                        tr!(
                            "size() 需要列表，却是{tz}",
                            "size() needs a list, found {te}"
                        ),
                    );
                }
                return Ok((Node::Call(f, nodes), Int));
            }
            AnyOf => {
                if args.len() != 2 {
                    return err(span, arg_count("any_of", 2, args.len()));
                }
                for (t, a) in tys.iter().zip(args) {
                    if !is_list(t) {
                        let (tz, te) = t.names();
                        return err(
                            a.span,
                            tr!(
                                "any_of() 需要列表，却是{tz}",
                                "any_of() needs lists, found {te}"
                            ),
                        );
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
                    return err(
                        span,
                        tr!(
                            "{name}() 至少需要 1 个参数",
                            "{name}() takes at least 1 argument"
                        ),
                    );
                }
                let mut t = Null;
                for (at, a) in tys.iter().zip(args) {
                    if !matches!(at, Int | Date | Null) {
                        let (az, ae) = at.names();
                        return err(
                            a.span,
                            tr!(
                                "{name}() 需要整数或日期，却是{az}",
                                "{name}() needs ints or dates, found {ae}"
                            ),
                        );
                    }
                    t = match unify(&t, at) {
                        Some(u) => u,
                        None => {
                            let ((tz, te), (az, ae)) = (t.names(), at.names());
                            return err(
                                a.span,
                                tr!(
                                    "{name}() 的参数混用了{tz}与{az}",
                                    "{name}() arguments mix {te} and {ae}"
                                ),
                            );
                        }
                    };
                }
                return Ok((Node::Call(f, nodes), t));
            }
        };
        if args.len() != params.len() {
            return err(span, arg_count(name, params.len(), args.len()));
        }
        for ((p, t), a) in params.iter().zip(&tys).zip(args) {
            let fits = t == p || matches!(t, Null | Any) || (*p == Str && matches!(t, Enum(_)));
            if !fits {
                let ((pz, pe), (tz, te)) = (p.names(), t.names());
                return err(
                    a.span,
                    tr!(
                        "{name}() 此处需要{pz}，却是{tz}",
                        "{name}() expects {pe} here, found {te}"
                    ),
                );
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
