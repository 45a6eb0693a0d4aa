//! The application timeline. A policy measures its conditions on the day the person
//! *applies*, in the questionnaire's application window, not on the day they ask. So, for
//! applicants the `[schedule]` applies to, the rules are evaluated for every application
//! day of the first window that has not closed on the interview date (window `Y`):
//!
//! - if some day has no blocker (and every rule is decided), the applicant may apply; of
//!   those days the ones giving the highest level make `apply_from`..`apply_by`, and the
//!   results are reported for `apply_from`; `next_level(_on)` is the first later day, up
//!   to `horizon` windows ahead, that gives a higher level;
//! - if every day has a blocker, the results are reported for the first day, every
//!   blocker that fires on some day is listed, and when only blockers that time lifts
//!   fire, `qualifies_on`/`qualifies_level` is the first later application day with none;
//! - if some day is undecided (and none is open), the status is `incomplete`.
//!
//! Days are not evaluated one by one: every value reports the first later day on which it
//! may change ([`crate::expr::eval::Drift`]), and the scan steps from one such day to the
//! next, keeping what does not read the day. [`Mode::DayByDay`] is the oracle the tests
//! hold it to.

use jiff::civil::Date;

use super::state::{DayOutcome, State, status_of};
use super::{Evaluation, FactState, RuleOutcome, Status};
use crate::dates;
use crate::expr::check::TimelineField;
use crate::expr::{FactSet, Tri};
use crate::questionnaire::{Questionnaire, RuleKind, Schedule};
use crate::value::{Answers, Value};

/// When and for what the applicant may apply. Fields are null where the contract says so
/// (no window for this applicant, not eligible in the window, nothing within the horizon).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub application_year: Option<i64>,
    pub window_opens: Option<Date>,
    pub window_closes: Option<Date>,
    pub apply_from: Option<Date>,
    pub apply_by: Option<Date>,
    pub qualifies_on: Option<Date>,
    pub qualifies_level: Option<Value>,
    pub next_level: Option<Value>,
    pub next_level_on: Option<Date>,
}

impl Timeline {
    pub fn get(&self, f: TimelineField) -> Value {
        let date = |d: Option<Date>| d.map_or(Value::Null, Value::Date);
        match f {
            TimelineField::ApplicationYear => self.application_year.map_or(Value::Null, Value::Int),
            TimelineField::WindowOpens => date(self.window_opens),
            TimelineField::WindowCloses => date(self.window_closes),
            TimelineField::ApplyFrom => date(self.apply_from),
            TimelineField::ApplyBy => date(self.apply_by),
            TimelineField::QualifiesOn => date(self.qualifies_on),
            TimelineField::QualifiesLevel => self.qualifies_level.clone().unwrap_or(Value::Null),
            TimelineField::NextLevel => self.next_level.clone().unwrap_or(Value::Null),
            TimelineField::NextLevelOn => date(self.next_level_on),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Step from one possible change to the next.
    Events,
    /// Evaluate every day afresh (the tests' oracle).
    DayByDay,
}

/// Consecutive application days with one outcome.
#[derive(Clone, Debug)]
struct Segment {
    from: Date,
    to: Date,
    out: DayOutcome,
}

/// What a look-ahead does with a segment.
enum Look {
    Hit,
    Abort,
    Go,
}

fn next_day(d: Date) -> Option<Date> {
    dates::add_days(d, 1)
}

pub(super) fn run(q: &Questionnaire, answers: &Answers, today: Date, mode: Mode) -> Evaluation {
    let mut st = State::new(q, today, mode == Mode::Events);
    let facts = st.facts(answers);
    let interview_fact = q
        .schedule
        .as_ref()
        .map(|s| s.interview)
        .or_else(|| q.fact_index("interview_date"));
    let interview = match interview_fact {
        Some(i) => facts[usize::from(i)].value.clone(),
        None => Tri::Known(Value::Date(today)),
    };
    let interview_date = interview.known().and_then(Value::as_date);
    let Some(s) = &q.schedule else {
        return single(st, facts, interview, None, FactSet::default());
    };
    let base = Timeline {
        application_year: interview_date.map(|d| i64::from(d.year())),
        ..Timeline::default()
    };
    let applies = match &s.applies {
        None => Tri::Known(Value::Bool(true)),
        Some(c) => st.run(c).unwrap_or(Tri::Known(Value::Bool(false))),
    };
    match (applies, interview_date) {
        (Tri::Unknown(m), _) => single(st, facts, interview, Some(base), m),
        (a, _) if a.truth() == Some(false) => {
            single(st, facts, interview, Some(base), FactSet::default())
        }
        (_, None) => {
            let m = interview.waiting().cloned().unwrap_or_default();
            single(st, facts, interview, Some(base), m)
        }
        (_, Some(d)) => match window(&mut st, s, d, mode) {
            Some(w) => {
                let day = Tri::Known(Value::Date(w.day));
                finish(
                    st,
                    facts,
                    day,
                    w.status,
                    w.rules,
                    Some(w.timeline),
                    w.missing,
                )
            }
            // a window out of the calendar's range: measure on the interview day
            None => single(st, facts, interview, Some(base), FactSet::default()),
        },
    }
}

/// One application day (no window): the interview date.
fn single(
    mut st: State,
    facts: Vec<FactState>,
    day: Tri,
    timeline: Option<Timeline>,
    waiting: FactSet,
) -> Evaluation {
    st.set_day(day.clone());
    let out = st.outcome();
    let mut status = out.status;
    let mut missing = FactSet::default();
    if !waiting.is_empty() && status != Status::Ineligible {
        status = Status::Incomplete;
        missing.union(&waiting);
    }
    if status == Status::Incomplete {
        missing.union(&undecided(&out.rules));
    }
    finish(st, facts, day, status, out.rules, timeline, missing)
}

/// The facts undecided rules wait for.
fn undecided(rules: &[RuleOutcome]) -> FactSet {
    let mut m = FactSet::default();
    for o in rules.iter().filter(|o| o.fired.is_none()) {
        m.union(&o.waiting);
    }
    m
}

/// Results, materials and steps on the reported day, with the overall status.
fn finish(
    mut st: State,
    facts: Vec<FactState>,
    day: Tri,
    status: Status,
    rules: Vec<RuleOutcome>,
    timeline: Option<Timeline>,
    missing: FactSet,
) -> Evaluation {
    let q = st.q;
    st.set_day(day.clone());
    st.timeline = timeline.clone();
    st.set_outcome(status, &rules);
    let mut results = Vec::with_capacity(q.results.len());
    let mut result_errors = Vec::with_capacity(q.results.len());
    for r in &q.results {
        match st.run(&r.expr) {
            Ok(t) => {
                results.push(t);
                result_errors.push(None);
            }
            Err(e) => {
                results.push(Tri::Known(Value::Null));
                result_errors.push(Some(e.message));
            }
        }
    }
    let mut holds = |items: &[crate::questionnaire::Item]| -> Vec<usize> {
        items
            .iter()
            .enumerate()
            .filter(|(_, it)| match &it.when {
                None => true,
                Some(c) => st.run(c).ok().and_then(|t| t.truth()) == Some(true),
            })
            .map(|(i, _)| i)
            .collect()
    };
    let materials = holds(&q.materials);
    let steps = holds(&q.steps);
    let sentences = holds(&q.sentences);
    let interview_date = q
        .schedule
        .as_ref()
        .map(|s| s.interview)
        .or_else(|| q.fact_index("interview_date"))
        .and_then(|i| facts[usize::from(i)].value.known().and_then(Value::as_date));
    Evaluation {
        interview_date,
        day: day.known().and_then(Value::as_date),
        facts,
        rules,
        status,
        missing: if status == Status::Incomplete {
            missing.iter().collect()
        } else {
            Vec::new()
        },
        results,
        result_errors,
        materials,
        steps,
        sentences,
        timeline,
    }
}

/// The verdict for the window: the day to report, its status and rule outcomes, the
/// missing facts, and the timeline.
struct WindowVerdict {
    day: Date,
    status: Status,
    rules: Vec<RuleOutcome>,
    missing: FactSet,
    timeline: Timeline,
}

fn window(st: &mut State, s: &Schedule, interview: Date, mode: Mode) -> Option<WindowVerdict> {
    let q = st.q;
    // the first window that has not closed on the interview date
    let mut y = i64::from(interview.year());
    let (opens, closes) = loop {
        let (o, c) = s.window(y)?;
        if c >= interview {
            break (o, c);
        }
        y += 1;
        if y > i64::from(interview.year()) + 2 {
            return None;
        }
    };
    let last = y + i64::from(s.horizon);
    st.horizon = s.window(last).map(|(_, c)| c);
    let first = opens.max(interview);
    let segs = scan(st, first, closes, mode, |_| Look::Go).0;
    let mut tl = Timeline {
        application_year: Some(y),
        window_opens: Some(opens),
        window_closes: Some(closes),
        ..Timeline::default()
    };
    let head = segs.first()?;
    if segs.iter().any(|g| g.out.status == Status::Incomplete) {
        let mut missing = FactSet::default();
        for g in segs.iter().filter(|g| g.out.status == Status::Incomplete) {
            missing.union(&undecided(&g.out.rules));
        }
        let at = segs
            .iter()
            .find(|g| g.out.status == Status::Incomplete)
            .unwrap_or(head);
        return Some(WindowVerdict {
            day: at.from,
            status: Status::Incomplete,
            rules: at.out.rules.clone(),
            missing,
            timeline: tl,
        });
    }
    let best = segs
        .iter()
        .filter(|g| g.out.status.open())
        .map(|g| s.rank_of(g.out.level.as_ref()))
        .max();
    if let Some(best) = best {
        let top: Vec<&Segment> = segs
            .iter()
            .filter(|g| g.out.status.open() && s.rank_of(g.out.level.as_ref()) == best)
            .collect();
        let (from, by) = (top.first()?, top.last()?);
        tl.apply_from = Some(from.from);
        tl.apply_by = Some(by.to);
        let higher = |g: &Segment| match g.out.status {
            Status::Incomplete => Look::Abort,
            st if st.open() && s.rank_of(g.out.level.as_ref()) > best => Look::Hit,
            _ => Look::Go,
        };
        if let Some(hit) = look_ahead(
            st,
            s,
            mode,
            next_day(by.to).filter(|d| *d <= closes),
            closes,
            y,
            last,
            higher,
        ) {
            tl.next_level = hit.out.level.clone();
            tl.next_level_on = Some(hit.from);
        }
        return Some(WindowVerdict {
            day: from.from,
            status: from.out.status,
            rules: from.out.rules.clone(),
            missing: FactSet::default(),
            timeline: tl,
        });
    }
    // no day without a blocker: report the first day, with every blocker of the window
    let mut rules = head.out.rules.clone();
    for g in &segs[1..] {
        for ((r, o), other) in q.rules.iter().zip(rules.iter_mut()).zip(&g.out.rules) {
            if r.kind == RuleKind::Blocker && other.fired == Some(true) {
                *o = other.clone();
            }
        }
    }
    let status = status_of(q, &rules);
    let undecided_any = segs
        .iter()
        .any(|g| g.out.rules.iter().any(|o| o.fired.is_none()));
    let lifted = q.rules.iter().zip(&rules).all(|(r, o)| {
        !(r.kind == RuleKind::Blocker && o.fired == Some(true))
            || s.lifted_by_time.contains(&r.code)
    });
    if lifted && !undecided_any {
        let open = |g: &Segment| match g.out.status {
            Status::Incomplete => Look::Abort,
            st if st.open() => Look::Hit,
            _ => Look::Go,
        };
        if let Some(hit) = look_ahead(st, s, mode, None, closes, y, last, open) {
            tl.qualifies_on = Some(hit.from);
            tl.qualifies_level = hit.out.level.clone();
        }
    }
    Some(WindowVerdict {
        day: head.from,
        status,
        rules,
        missing: FactSet::default(),
        timeline: tl,
    })
}

/// Scan the rest of window `y` from `rest` (if any), then windows `y+1 ..= last`, for the
/// first segment `look` hits.
#[allow(clippy::too_many_arguments)]
fn look_ahead(
    st: &mut State,
    s: &Schedule,
    mode: Mode,
    rest: Option<Date>,
    closes: Date,
    y: i64,
    last: i64,
    mut look: impl FnMut(&Segment) -> Look,
) -> Option<Segment> {
    let mut spans: Vec<(Date, Date)> = Vec::new();
    if let Some(r) = rest {
        spans.push((r, closes));
    }
    for year in y + 1..=last {
        spans.push(s.window(year)?);
    }
    for (from, to) in spans {
        let (segs, verdict, stable) = scan(st, from, to, mode, &mut look);
        match verdict {
            Some(Look::Hit) => return segs.last().cloned(),
            Some(Look::Abort) => return None,
            _ => {}
        }
        if stable {
            // nothing changes any more before the horizon
            return None;
        }
    }
    None
}

/// Evaluate the days `from ..= to`, merging consecutive days with the same outcome. Stops
/// at the first segment `look` hits or aborts on. Also says whether the last outcome holds
/// to the horizon.
fn scan(
    st: &mut State,
    from: Date,
    to: Date,
    mode: Mode,
    mut look: impl FnMut(&Segment) -> Look,
) -> (Vec<Segment>, Option<Look>, bool) {
    let mut segs: Vec<Segment> = Vec::new();
    let mut t = from;
    loop {
        st.set_day(Tri::Known(Value::Date(t)));
        let out = st.outcome();
        let end = match mode {
            Mode::DayByDay => t,
            Mode::Events => match out.until {
                Some(u) if u <= to => dates::add_days(u, -1).filter(|e| *e >= t).unwrap_or(t),
                _ => to,
            },
        };
        let stable = mode == Mode::Events && out.until.is_none();
        match segs.last_mut() {
            Some(g) if g.out.same(&out) && next_day(g.to) == Some(t) => g.to = end,
            _ => segs.push(Segment {
                from: t,
                to: end,
                out,
            }),
        }
        if let Some(g) = segs.last() {
            match look(g) {
                Look::Go => {}
                v => return (segs, Some(v), false),
            }
        }
        match next_day(end) {
            Some(n) if end < to => t = n,
            _ => return (segs, None, stable),
        }
    }
}
