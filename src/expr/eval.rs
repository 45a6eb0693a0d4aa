//! Three-valued evaluation. An absent fact is *unknown*; `false && x` is false and
//! `true || x` is true whatever `x` is; anything else that needs an unknown is unknown and
//! carries the set of absent facts it waits for. `null` in a boolean position counts as
//! false. Arithmetic is checked: nothing here can panic or overflow.

use std::cmp::Ordering;

use jiff::civil::Date;

use super::ast::BinOp;
use super::check::{Builtin, Node};
use crate::value::Value;
use crate::{dates, idcard};

/// A set of fact indices (the absent facts a value waits for).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactSet {
    words: Vec<u64>,
}

impl FactSet {
    pub fn single(i: u16) -> FactSet {
        let mut s = FactSet::default();
        s.insert(i);
        s
    }
    pub fn insert(&mut self, i: u16) {
        let w = usize::from(i) / 64;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << (i % 64);
    }
    pub fn union(&mut self, other: &FactSet) {
        if self.words.len() < other.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }
    pub fn contains(&self, i: u16) -> bool {
        self.words
            .get(usize::from(i) / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
    /// Indices in ascending (interview) order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, w)| {
            (0..64u16)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| (wi as u16) * 64 + b)
        })
    }
}

/// A known value, or unknown waiting for some absent facts.
#[derive(Clone, Debug, PartialEq)]
pub enum Tri {
    Known(Value),
    Unknown(FactSet),
}

impl Tri {
    pub fn known(&self) -> Option<&Value> {
        match self {
            Tri::Known(v) => Some(v),
            Tri::Unknown(_) => None,
        }
    }
    /// `Some(true/false)` when decided (null counts as false), `None` when unknown.
    pub fn truth(&self) -> Option<bool> {
        match self {
            Tri::Known(Value::Bool(b)) => Some(*b),
            Tri::Known(_) => Some(false),
            Tri::Unknown(_) => None,
        }
    }
    pub fn waiting(&self) -> Option<&FactSet> {
        match self {
            Tri::Unknown(s) => Some(s),
            Tri::Known(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

fn fail<T>(message: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError {
        message: message.into(),
    })
}

/// What evaluation reads: facts, derived values (already computed: the caller evaluates
/// derived values in dependency order), status, rule outcomes, the clock.
pub trait Env {
    fn fact(&self, i: u16) -> Tri;
    fn derived(&self, i: u16) -> Result<Tri, EvalError>;
    fn status(&self) -> Tri;
    fn fired(&self, rule: u16) -> Tri;
    fn today(&self) -> Date;
}

fn truth_of(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// Red zone and growth step for deep trees: whatever the caller's thread stack, recursion
/// grows the stack on the heap instead of overflowing it.
const RED_ZONE: usize = 64 * 1024;
const GROW: usize = 1024 * 1024;

pub fn eval(node: &Node, env: &dyn Env) -> Result<Tri, EvalError> {
    stacker::maybe_grow(RED_ZONE, GROW, || eval_node(node, env))
}

fn eval_node(node: &Node, env: &dyn Env) -> Result<Tri, EvalError> {
    Ok(match node {
        Node::Const(v) => Tri::Known(v.clone()),
        Node::Fact(i) => env.fact(*i),
        Node::Derived(i) => env.derived(*i)?,
        Node::Status => env.status(),
        Node::Fired(i) => env.fired(*i),
        Node::Not(a) => match eval(a, env)? {
            Tri::Known(v) => Tri::Known(Value::Bool(!truth_of(&v))),
            u => u,
        },
        Node::Neg(a) => match eval(a, env)? {
            Tri::Known(Value::Int(n)) => match n.checked_neg() {
                Some(n) => Tri::Known(Value::Int(n)),
                None => return fail("integer overflow in `-`"),
            },
            Tri::Known(_) => Tri::Known(Value::Null),
            u => u,
        },
        Node::And(a, b) => logic(a, b, env, false)?,
        Node::Or(a, b) => logic(a, b, env, true)?,
        Node::Cond(c, a, b) => match eval(c, env)? {
            Tri::Known(v) => {
                if truth_of(&v) {
                    eval(a, env)?
                } else {
                    eval(b, env)?
                }
            }
            Tri::Unknown(mut missing) => {
                let x = eval(a, env)?;
                let y = eval(b, env)?;
                match (x, y) {
                    (Tri::Known(x), Tri::Known(y)) if x == y => Tri::Known(x),
                    (x, y) => {
                        for t in [x, y] {
                            if let Tri::Unknown(m) = t {
                                missing.union(&m);
                            }
                        }
                        Tri::Unknown(missing)
                    }
                }
            }
        },
        Node::Bin(op, a, b) => {
            let x = eval(a, env)?;
            let y = eval(b, env)?;
            match (x, y) {
                (Tri::Known(x), Tri::Known(y)) => Tri::Known(binary(*op, &x, &y)?),
                (x, y) => Tri::Unknown(merge_unknown([x, y])),
            }
        }
        Node::List(items) => {
            let mut vals = Vec::with_capacity(items.len());
            let mut missing: Option<FactSet> = None;
            for item in items {
                match eval(item, env)? {
                    Tri::Known(v) => vals.push(v),
                    Tri::Unknown(m) => missing.get_or_insert_with(FactSet::default).union(&m),
                }
            }
            match missing {
                Some(m) => Tri::Unknown(m),
                None => Tri::Known(Value::list(vals)),
            }
        }
        Node::Index(a, b) => {
            let x = eval(a, env)?;
            let y = eval(b, env)?;
            match (x, y) {
                (Tri::Known(x), Tri::Known(y)) => Tri::Known(index(&x, &y)),
                (x, y) => Tri::Unknown(merge_unknown([x, y])),
            }
        }
        Node::Call(f, args) => call(*f, args, env)?,
    })
}

fn merge_unknown<const N: usize>(ts: [Tri; N]) -> FactSet {
    let mut out = FactSet::default();
    for t in ts {
        if let Tri::Unknown(m) = t {
            out.union(&m);
        }
    }
    out
}

/// `&&` (`short = false`) and `||` (`short = true`): a decisive operand wins in either
/// order, even when the other one is unknown.
fn logic(a: &Node, b: &Node, env: &dyn Env, short: bool) -> Result<Tri, EvalError> {
    let x = eval(a, env)?;
    if x.truth() == Some(short) {
        return Ok(Tri::Known(Value::Bool(short)));
    }
    let y = eval(b, env)?;
    if y.truth() == Some(short) {
        return Ok(Tri::Known(Value::Bool(short)));
    }
    Ok(match (x, y) {
        (Tri::Known(_), Tri::Known(_)) => Tri::Known(Value::Bool(!short)),
        (x, y) => Tri::Unknown(merge_unknown([x, y])),
    })
}

fn index(x: &Value, k: &Value) -> Value {
    match (x, k) {
        (Value::List(items), Value::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| items.get(i))
            .cloned()
            .unwrap_or(Value::Null),
        (Value::Map(m), Value::Str(s)) => m.get(&**s).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn binary(op: BinOp, x: &Value, y: &Value) -> Result<Value, EvalError> {
    use Value::*;
    Ok(match op {
        BinOp::Eq => Bool(x == y),
        BinOp::Ne => Bool(x != y),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = match (x, y) {
                (Int(a), Int(b)) => a.cmp(b),
                (Date(a), Date(b)) => a.cmp(b),
                _ => return Ok(Null),
            };
            Bool(match op {
                BinOp::Lt => ord == Ordering::Less,
                BinOp::Le => ord != Ordering::Greater,
                BinOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            })
        }
        BinOp::In => match y {
            List(items) => Bool(items.contains(x)),
            Map(m) => Bool(x.as_str().is_some_and(|k| m.contains_key(k))),
            _ => Bool(false),
        },
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
            let (Int(a), Int(b)) = (x, y) else {
                return Ok(Null);
            };
            let r = match op {
                BinOp::Add => a.checked_add(*b),
                BinOp::Sub => a.checked_sub(*b),
                BinOp::Mul => a.checked_mul(*b),
                BinOp::Div if *b == 0 => return fail("division by zero"),
                BinOp::Rem if *b == 0 => return fail("remainder by zero"),
                BinOp::Div => a.checked_div(*b),
                _ => a.checked_rem(*b),
            };
            match r {
                Some(n) => Int(n),
                None => return fail(format!("integer overflow in `{}`", op.symbol())),
            }
        }
        BinOp::And | BinOp::Or => Bool(match op {
            BinOp::And => truth_of(x) && truth_of(y),
            _ => truth_of(x) || truth_of(y),
        }),
    })
}

fn date_or_fail(d: Option<Date>, what: &str) -> Result<Value, EvalError> {
    match d {
        Some(d) => Ok(Value::Date(d)),
        None => fail(format!("{what}: date out of range")),
    }
}

fn call(f: Builtin, args: &[Node], env: &dyn Env) -> Result<Tri, EvalError> {
    if f == Builtin::Known {
        let known = match args.first() {
            Some(a) => matches!(eval(a, env)?, Tri::Known(ref v) if !v.is_null()),
            None => false,
        };
        return Ok(Tri::Known(Value::Bool(known)));
    }
    let mut vals = Vec::with_capacity(args.len());
    let mut missing: Option<FactSet> = None;
    for a in args {
        match eval(a, env)? {
            Tri::Known(v) => vals.push(v),
            Tri::Unknown(m) => missing.get_or_insert_with(FactSet::default).union(&m),
        }
    }
    if let Some(m) = missing {
        return Ok(Tri::Unknown(m));
    }
    Ok(Tri::Known(apply(f, &vals, env)?))
}

fn apply(f: Builtin, v: &[Value], env: &dyn Env) -> Result<Value, EvalError> {
    use Builtin::*;
    use Value::{Bool, Date as D, Int, Null, Str};
    Ok(match (f, v) {
        (Today, []) => D(env.today()),
        (WholeYears, [D(a), D(b)]) => Int(dates::whole_years(*a, *b)),
        (AddMonths, [D(d), Int(n)]) => date_or_fail(dates::add_months(*d, *n), "add_months")?,
        (AddYears, [D(d), Int(n)]) => date_or_fail(dates::add_years(*d, *n), "add_years")?,
        (AddDays, [D(d), Int(n)]) => date_or_fail(dates::add_days(*d, *n), "add_days")?,
        (MakeDate, [Int(y), Int(m), Int(d)]) => match dates::make_date(*y, *m, *d) {
            Some(d) => D(d),
            None => return fail(format!("date({y}, {m}, {d}) is not a date")),
        },
        (Year, [D(d)]) => Int(i64::from(d.year())),
        (Month, [D(d)]) => Int(i64::from(d.month())),
        (Day, [D(d)]) => Int(i64::from(d.day())),
        (Min | Max, vals) => {
            let mut best: Option<&crate::value::Value> = None;
            for x in vals {
                if x.is_null() {
                    continue;
                }
                best = Some(match best {
                    None => x,
                    Some(b) if (f == Min) == (x < b) => x,
                    Some(b) => b,
                });
            }
            best.cloned().unwrap_or(Null)
        }
        (Size, [crate::value::Value::List(items)]) => Int(items.len() as i64),
        (AnyOf, [crate::value::Value::List(a), crate::value::Value::List(b)]) => {
            Bool(a.iter().any(|x| b.contains(x)))
        }
        (RetirementDate, [D(b), Int(age)]) => match dates::retirement_date(*b, *age) {
            Some(d) => D(d),
            None => {
                return fail(format!(
                    "retirement_date: no statutory track for original age {age} (50, 55 or 60)"
                ));
            }
        },
        (IdValid, [Str(s)]) => Bool(idcard::parse(s).is_ok()),
        (IdBirthDate, [Str(s)]) => idcard::parse(s).map(|id| D(id.birth_date)).unwrap_or(Null),
        (IdSex, [Str(s)]) => idcard::parse(s)
            .map(|id| crate::value::Value::str(if id.male { "male" } else { "female" }))
            .unwrap_or(Null),
        // a null argument (or a shape the checker already ruled out) gives null
        _ => Null,
    })
}
