//! Three-valued evaluation. An absent fact is *unknown*; `false && x` is false and
//! `true || x` is true whatever `x` is; anything else that needs an unknown is unknown and
//! carries the set of absent facts it waits for. `null` in a boolean position counts as
//! false. Arithmetic is checked: nothing here can panic or overflow.

use std::cmp::Ordering;
use std::sync::Arc;

use jiff::civil::Date;

use super::ast::BinOp;
use super::check::{Builtin, Node, TimelineField};
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
/// derived values in dependency order), status, rule outcomes, the clock, and the
/// application day.
pub trait Env {
    fn fact(&self, i: u16) -> Tri;
    fn derived(&self, i: u16) -> Result<(Tri, Drift), EvalError>;
    fn status(&self) -> Tri;
    fn fired(&self, rule: u16) -> Tri;
    fn today(&self) -> Date;
    /// The day the application is made: known, or unknown waiting for the facts that
    /// give it (the interview date).
    fn day(&self) -> Tri {
        Tri::Known(Value::Date(self.today()))
    }
    /// `counting_date` and how it moves.
    fn counting(&self) -> (Tri, Drift) {
        (self.day(), Drift::moving_day())
    }
    fn timeline(&self, _f: TimelineField) -> Tri {
        Tri::Known(Value::Null)
    }
    /// The last application day that matters: searches for the next change stop here.
    fn horizon(&self) -> Option<Date> {
        None
    }
}

/// How a value moves as the application day `t` moves forward.
///
/// The timeline steps from one day on which something may change to the next, instead of
/// evaluating every day: every node reports `until`, the first day after `t` on which its
/// value may differ. A date or integer that follows the day itself (`application_date`,
/// `add_months(application_date, 3)`, `whole_years(d, application_date)`) is *moving*: a
/// monotone non-decreasing function of the day, kept as a [`Recipe`] that can be
/// evaluated at any day, so that a comparison against it can find its exact switching day
/// by bisection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drift {
    /// First day after `t` on which the value may change (or the recipe stop applying);
    /// `None`: not before the horizon.
    pub until: Option<Date>,
    /// The value follows the day through this recipe (until `until`).
    pub moving: Option<Arc<Recipe>>,
}

impl Drift {
    pub const FIXED: Drift = Drift {
        until: None,
        moving: None,
    };
    pub fn until(d: Option<Date>) -> Drift {
        Drift {
            until: d,
            moving: None,
        }
    }
    pub fn moving_day() -> Drift {
        Drift {
            until: None,
            moving: Some(Arc::new(Recipe::Day)),
        }
    }
}

/// The earlier of two change days (`None` is "never").
pub fn earliest(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (x, None) | (None, x) => x,
    }
}

/// A value as a monotone non-decreasing function of the application day.
#[derive(Debug, PartialEq)]
pub enum Recipe {
    Day,
    AddDays(Arc<Recipe>, i64),
    AddMonths(Arc<Recipe>, i64),
    WholeYears(Date, Arc<Recipe>),
    WholeMonths(Date, Arc<Recipe>),
    Year(Arc<Recipe>),
    Add(Arc<Recipe>, i64),
    /// Multiplied by a positive constant.
    Scale(Arc<Recipe>, i64),
    Extreme {
        min: bool,
        args: Vec<Arg>,
    },
}

#[derive(Debug, PartialEq)]
pub enum Arg {
    Fixed(Value),
    Moving(Arc<Recipe>),
}

impl Recipe {
    /// The value on day `t` (`None`: out of range).
    pub fn at(&self, t: Date) -> Option<Value> {
        Some(match self {
            Recipe::Day => Value::Date(t),
            Recipe::AddDays(r, n) => Value::Date(dates::add_days(r.at(t)?.as_date()?, *n)?),
            Recipe::AddMonths(r, n) => Value::Date(dates::add_months(r.at(t)?.as_date()?, *n)?),
            Recipe::WholeYears(a, r) => Value::Int(dates::whole_years(*a, r.at(t)?.as_date()?)),
            Recipe::WholeMonths(a, r) => Value::Int(dates::whole_months(*a, r.at(t)?.as_date()?)),
            Recipe::Year(r) => Value::Int(i64::from(r.at(t)?.as_date()?.year())),
            Recipe::Add(r, k) => Value::Int(r.at(t)?.as_int()?.checked_add(*k)?),
            Recipe::Scale(r, k) => Value::Int(r.at(t)?.as_int()?.checked_mul(*k)?),
            Recipe::Extreme { min, args } => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(match a {
                        Arg::Fixed(v) => v.clone(),
                        Arg::Moving(r) => r.at(t)?,
                    });
                }
                extreme(*min, &vals)
            }
        })
    }
}

/// The first day in `(t, hi]` on which `changed` holds, for a predicate that, once true,
/// stays true (bisection over day numbers).
fn first_change(t: Date, hi: Date, changed: impl Fn(Date) -> bool) -> Option<Date> {
    let (mut lo, mut hi_n) = (dates::day_number(t), dates::day_number(hi));
    if hi_n <= lo || !changed(hi) {
        return None;
    }
    while hi_n - lo > 1 {
        let mid = lo + (hi_n - lo) / 2;
        match dates::from_day_number(mid) {
            Some(m) if changed(m) => hi_n = mid,
            Some(_) => lo = mid,
            None => return dates::from_day_number(lo + 1),
        }
    }
    dates::from_day_number(hi_n)
}

/// The day before `d`, or `hi` if that is earlier.
fn bound(hi: Date, until: Option<Date>) -> Date {
    match until.and_then(|u| dates::from_day_number(dates::day_number(u) - 1)) {
        Some(b) => b.min(hi),
        None => hi,
    }
}

/// Where a search can look: the current application day and the horizon.
#[derive(Clone, Copy)]
struct Clock {
    t: Date,
    hi: Date,
}

fn clock(env: &dyn Env) -> Option<Clock> {
    let t = env.day().known()?.as_date()?;
    Some(Clock {
        t,
        hi: env.horizon().unwrap_or(t),
    })
}

/// The first day the value may change, for a value whose drift may be moving.
fn settle(v: &Tri, d: &Drift, clk: Option<Clock>) -> Option<Date> {
    let Some(r) = &d.moving else { return d.until };
    let (Some(clk), Tri::Known(now)) = (clk, v) else {
        return d.until;
    };
    if **r == Recipe::Day {
        return earliest(d.until, dates::add_days(clk.t, 1));
    }
    let hi = bound(clk.hi, d.until);
    first_change(clk.t, hi, |x| r.at(x).as_ref() != Some(now)).or(d.until)
}

/// The first day after the current application day on which a value may change.
pub fn settled_until(v: &Tri, d: &Drift, env: &dyn Env) -> Option<Date> {
    settle(v, d, clock(env))
}

/// The earliest settled change of several values.
fn settle_all<'a>(outs: impl IntoIterator<Item = &'a (Tri, Drift)>, clk: Option<Clock>) -> Drift {
    let mut until = None;
    for (v, d) in outs {
        until = earliest(until, settle(v, d, clk));
    }
    Drift::until(until)
}

fn truth_of(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// Red zone and growth step for deep trees: whatever the caller's thread stack, recursion
/// grows the stack on the heap instead of overflowing it.
const RED_ZONE: usize = 64 * 1024;
const GROW: usize = 1024 * 1024;

pub fn eval(node: &Node, env: &dyn Env) -> Result<Tri, EvalError> {
    eval_drift(node, env).map(|(t, _)| t)
}

/// Evaluate, and say how the value moves with the application day.
pub fn eval_drift(node: &Node, env: &dyn Env) -> Result<(Tri, Drift), EvalError> {
    stacker::maybe_grow(RED_ZONE, GROW, || eval_node(node, env))
}

fn known(v: Value, d: Drift) -> (Tri, Drift) {
    (Tri::Known(v), d)
}

fn eval_node(node: &Node, env: &dyn Env) -> Result<(Tri, Drift), EvalError> {
    Ok(match node {
        Node::Const(v) => known(v.clone(), Drift::FIXED),
        Node::Fact(i) => (env.fact(*i), Drift::FIXED),
        Node::Derived(i) => env.derived(*i)?,
        Node::Status => (env.status(), Drift::FIXED),
        Node::Fired(i) => (env.fired(*i), Drift::FIXED),
        Node::Timeline(f) => (env.timeline(*f), Drift::FIXED),
        Node::AppDate => match env.day() {
            t @ Tri::Known(Value::Date(_)) => (t, Drift::moving_day()),
            t => (t, Drift::FIXED),
        },
        Node::CountingDate => env.counting(),
        Node::Not(a) => {
            let x = eval_drift(a, env)?;
            let d = Drift::until(settle(&x.0, &x.1, clock(env)));
            match x.0 {
                Tri::Known(v) => known(Value::Bool(!truth_of(&v)), d),
                u => (u, d),
            }
        }
        Node::Neg(a) => {
            let x = eval_drift(a, env)?;
            let d = Drift::until(settle(&x.0, &x.1, clock(env)));
            match x.0 {
                Tri::Known(Value::Int(n)) => match n.checked_neg() {
                    Some(n) => known(Value::Int(n), d),
                    None => return fail("integer overflow in `-`"),
                },
                Tri::Known(_) => known(Value::Null, d),
                u => (u, d),
            }
        }
        Node::And(a, b) => logic(a, b, env, false)?,
        Node::Or(a, b) => logic(a, b, env, true)?,
        Node::Cond(c, a, b) => {
            let (cv, cd) = eval_drift(c, env)?;
            let clk = clock(env);
            match cv {
                Tri::Known(v) => {
                    let (bv, bd) = eval_drift(if truth_of(&v) { a } else { b }, env)?;
                    let until = earliest(settle(&Tri::Known(v), &cd, clk), bd.until);
                    (
                        bv,
                        Drift {
                            until,
                            moving: bd.moving,
                        },
                    )
                }
                Tri::Unknown(mut missing) => {
                    let x = eval_drift(a, env)?;
                    let y = eval_drift(b, env)?;
                    let d = settle_all([&x, &y], clk);
                    let d = Drift::until(earliest(
                        d.until,
                        settle(&Tri::Unknown(missing.clone()), &cd, clk),
                    ));
                    match (x.0, y.0) {
                        (Tri::Known(x), Tri::Known(y)) if x == y => known(x, d),
                        (x, y) => {
                            for t in [x, y] {
                                if let Tri::Unknown(m) = t {
                                    missing.union(&m);
                                }
                            }
                            (Tri::Unknown(missing), d)
                        }
                    }
                }
            }
        }
        Node::Bin(op, a, b) => {
            let x = eval_drift(a, env)?;
            let y = eval_drift(b, env)?;
            let clk = clock(env);
            match (&x, &y) {
                ((Tri::Known(xv), xd), (Tri::Known(yv), yd)) => {
                    let v = binary(*op, xv, yv)?;
                    let d = bin_drift(*op, (xv, xd), (yv, yd), clk);
                    known(v, d)
                }
                _ => {
                    let d = settle_all([&x, &y], clk);
                    (Tri::Unknown(merge_unknown([x.0, y.0])), d)
                }
            }
        }
        Node::List(items) => {
            let mut outs = Vec::with_capacity(items.len());
            for item in items {
                outs.push(eval_drift(item, env)?);
            }
            let d = settle_all(&outs, clock(env));
            let mut vals = Vec::with_capacity(outs.len());
            let mut missing: Option<FactSet> = None;
            for (t, _) in outs {
                match t {
                    Tri::Known(v) => vals.push(v),
                    Tri::Unknown(m) => missing.get_or_insert_with(FactSet::default).union(&m),
                }
            }
            match missing {
                Some(m) => (Tri::Unknown(m), d),
                None => known(Value::list(vals), d),
            }
        }
        Node::Index(a, b) => {
            let x = eval_drift(a, env)?;
            let y = eval_drift(b, env)?;
            let d = settle_all([&x, &y], clock(env));
            match (x.0, y.0) {
                (Tri::Known(x), Tri::Known(y)) => known(index(&x, &y), d),
                (x, y) => (Tri::Unknown(merge_unknown([x, y])), d),
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
/// order, even when the other one is unknown; the result then holds as long as it does.
fn logic(a: &Node, b: &Node, env: &dyn Env, short: bool) -> Result<(Tri, Drift), EvalError> {
    let clk = clock(env);
    let x = eval_drift(a, env)?;
    if x.0.truth() == Some(short) {
        return Ok(known(
            Value::Bool(short),
            Drift::until(settle(&x.0, &x.1, clk)),
        ));
    }
    let y = eval_drift(b, env)?;
    if y.0.truth() == Some(short) {
        return Ok(known(
            Value::Bool(short),
            Drift::until(settle(&y.0, &y.1, clk)),
        ));
    }
    let d = settle_all([&x, &y], clk);
    Ok(match (x.0, y.0) {
        (Tri::Known(_), Tri::Known(_)) => known(Value::Bool(!short), d),
        (x, y) => (Tri::Unknown(merge_unknown([x, y])), d),
    })
}

/// How the result of a binary operation on two known values moves.
fn bin_drift(op: BinOp, x: (&Value, &Drift), y: (&Value, &Drift), clk: Option<Clock>) -> Drift {
    let settled = || {
        settle_all(
            [
                &(Tri::Known(x.0.clone()), x.1.clone()),
                &(Tri::Known(y.0.clone()), y.1.clone()),
            ],
            clk,
        )
    };
    let until = earliest(x.1.until, y.1.until);
    match (op, &x.1.moving, &y.1.moving) {
        (_, None, None) => Drift::until(until),
        (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, Some(r), None) => {
            compare_drift(op, r, x.0, y.0, until, clk)
        }
        (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge, None, Some(r)) => {
            compare_drift(flip(op), r, y.0, x.0, until, clk)
        }
        (BinOp::Add, Some(r), None) | (BinOp::Add, None, Some(r)) => {
            let k = if x.1.moving.is_some() { y.0 } else { x.0 };
            match k {
                Value::Int(k) => Drift {
                    until,
                    moving: Some(Arc::new(Recipe::Add(r.clone(), *k))),
                },
                _ => Drift::until(until),
            }
        }
        (BinOp::Sub, Some(r), None) => match y.0.as_int().and_then(i64::checked_neg) {
            Some(k) => Drift {
                until,
                moving: Some(Arc::new(Recipe::Add(r.clone(), k))),
            },
            None => settled(),
        },
        (BinOp::Mul, Some(r), None) | (BinOp::Mul, None, Some(r)) => {
            let k = if x.1.moving.is_some() { y.0 } else { x.0 };
            match k {
                Value::Int(k) if *k > 0 => Drift {
                    until,
                    moving: Some(Arc::new(Recipe::Scale(r.clone(), *k))),
                },
                Value::Int(0) | Value::Null => Drift::until(until),
                _ => settled(),
            }
        }
        _ => settled(),
    }
}

fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        o => o,
    }
}

/// `r op c` for a moving `r` and a value `c` that holds until `until`: the first day the
/// outcome changes, found by bisection (the ordering comparisons switch at most once; `==`
/// and `!=` are stepped at each change of `r`'s position relative to `c`).
fn compare_drift(
    op: BinOp,
    r: &Arc<Recipe>,
    now: &Value,
    c: &Value,
    until: Option<Date>,
    clk: Option<Clock>,
) -> Drift {
    let Some(clk) = clk else {
        return Drift::until(until);
    };
    let hi = bound(clk.hi, until);
    let order = |v: &Value| match (v, c) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let first = match op {
        BinOp::Eq | BinOp::Ne => {
            let here = order(now);
            first_change(clk.t, hi, |x| r.at(x).as_ref().map(order) != Some(here))
        }
        _ => {
            let holds = |v: &Value| binary(op, v, c).ok().and_then(|b| b.as_bool());
            let here = holds(now);
            first_change(clk.t, hi, |x| r.at(x).as_ref().map(holds) != Some(here))
        }
    };
    Drift::until(first.or(until))
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

fn call(f: Builtin, args: &[Node], env: &dyn Env) -> Result<(Tri, Drift), EvalError> {
    let clk = clock(env);
    if f == Builtin::Known {
        let (known_now, d) = match args.first() {
            Some(a) => {
                let x = eval_drift(a, env)?;
                let d = Drift::until(settle(&x.0, &x.1, clk));
                (matches!(x.0, Tri::Known(ref v) if !v.is_null()), d)
            }
            None => (false, Drift::FIXED),
        };
        return Ok(known(Value::Bool(known_now), d));
    }
    let mut outs = Vec::with_capacity(args.len());
    for a in args {
        outs.push(eval_drift(a, env)?);
    }
    let mut missing: Option<FactSet> = None;
    for (t, _) in &outs {
        if let Tri::Unknown(m) = t {
            missing.get_or_insert_with(FactSet::default).union(m);
        }
    }
    if let Some(m) = missing {
        return Ok((Tri::Unknown(m), settle_all(&outs, clk)));
    }
    let vals: Vec<Value> = outs
        .iter()
        .filter_map(|(t, _)| t.known().cloned())
        .collect();
    let v = apply(f, &vals, env)?;
    let d = call_drift(f, &vals, &outs, clk);
    Ok(known(v, d))
}

/// How a built-in's result moves: monotone built-ins of a moving argument stay moving
/// (so that a comparison can bisect them); anything else changes when an argument does.
fn call_drift(f: Builtin, vals: &[Value], outs: &[(Tri, Drift)], clk: Option<Clock>) -> Drift {
    let movers: Vec<Option<&Arc<Recipe>>> = outs.iter().map(|(_, d)| d.moving.as_ref()).collect();
    if movers.iter().all(Option::is_none) {
        let mut until = None;
        for (_, d) in outs {
            until = earliest(until, d.until);
        }
        return Drift::until(until);
    }
    let until = outs.iter().fold(None, |u, (_, d)| earliest(u, d.until));
    let moving = |r: Recipe| Drift {
        until,
        moving: Some(Arc::new(r)),
    };
    use Builtin::*;
    match (f, vals, movers.as_slice()) {
        (WholeYears, [Value::Date(a), _], [None, Some(r)]) => {
            moving(Recipe::WholeYears(*a, (*r).clone()))
        }
        (WholeMonths, [Value::Date(a), _], [None, Some(r)]) => {
            moving(Recipe::WholeMonths(*a, (*r).clone()))
        }
        (AddDays, [_, Value::Int(n)], [Some(r), None]) => moving(Recipe::AddDays((*r).clone(), *n)),
        (AddMonths, [_, Value::Int(n)], [Some(r), None]) => {
            moving(Recipe::AddMonths((*r).clone(), *n))
        }
        (AddYears, [_, Value::Int(n)], [Some(r), None]) => match n.checked_mul(12) {
            Some(m) => moving(Recipe::AddMonths((*r).clone(), m)),
            None => settle_all(outs, clk),
        },
        (Year, [_], [Some(r)]) => moving(Recipe::Year((*r).clone())),
        (Min | Max, _, _) => moving(Recipe::Extreme {
            min: f == Min,
            args: vals
                .iter()
                .zip(&movers)
                .map(|(v, m)| match m {
                    Some(r) => Arg::Moving((*r).clone()),
                    None => Arg::Fixed(v.clone()),
                })
                .collect(),
        }),
        _ => settle_all(outs, clk),
    }
}

/// `a / b` rounded half away from zero (四舍五入): 1120 × 2 / 3 = 746.67 -> 747.
pub fn round_div(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let (a, b) = (i128::from(a), i128::from(b));
    let q = a / b;
    let r = a % b;
    let away = if 2 * r.abs() >= b.abs() {
        if (a < 0) == (b < 0) { 1 } else { -1 }
    } else {
        0
    };
    i64::try_from(q + away).ok()
}

/// `min`/`max` over values, nulls skipped.
fn extreme(min: bool, vals: &[Value]) -> Value {
    let mut best: Option<&Value> = None;
    for x in vals {
        if x.is_null() {
            continue;
        }
        best = Some(match best {
            None => x,
            Some(b) if min == (x < b) => x,
            Some(b) => b,
        });
    }
    best.cloned().unwrap_or(Value::Null)
}

fn apply(f: Builtin, v: &[Value], env: &dyn Env) -> Result<Value, EvalError> {
    use Builtin::*;
    use Value::{Bool, Date as D, Int, Null, Str};
    Ok(match (f, v) {
        (Today, []) => D(env.today()),
        (WholeYears, [D(a), D(b)]) => Int(dates::whole_years(*a, *b)),
        (WholeMonths, [D(a), D(b)]) => Int(dates::whole_months(*a, *b)),
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
        (Quarter, [D(d)]) => Int((i64::from(d.month()) - 1) / 3 + 1),
        (RoundDiv, [Int(a), Int(b)]) => match round_div(*a, *b) {
            Some(q) => Int(q),
            None if *b == 0 => return fail("round_div: division by zero"),
            None => return fail("round_div: integer overflow"),
        },
        (Min | Max, vals) => extreme(f == Min, vals),
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
