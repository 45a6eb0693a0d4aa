//! Phase 5: the application schedule.

use super::compile::Compiler;
use super::cx::{Cx, toml_date};
use super::model::*;
use super::raw::*;
use crate::expr::check::Place;

/// `MM-DD` (a day that recurs every year; 02-29 clamps to the 28th in common years).
fn month_day(s: &str) -> Option<MonthDay> {
    let (m, d) = s.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (month, day): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    // a leap year admits every month-day there is
    jiff::civil::Date::new(2024, month, day).ok()?;
    Some(MonthDay { month, day })
}

impl Cx<'_> {
    /// The application schedule: windows, the ranking result, the blockers time lifts.
    pub(super) fn schedule(
        &mut self,
        raw: &RawQuestionnaire,
        comp: &mut Compiler,
        results: &[ResultDef],
        rules: &[Rule],
        facts: &[Fact],
        articles: &[(String, String)],
    ) -> Option<Schedule> {
        let s = raw.schedule.as_ref()?;
        let applies = s.applies.as_ref().and_then(|a| {
            let (c, ty) = comp.compile(self, a, Place::Fact, "schedule.applies")?;
            self.expect_bool(a, &ty, "schedule.applies");
            Some(c)
        });
        let interview_id = s
            .interview
            .as_ref()
            .map_or("interview_date", |i| i.get_ref().as_str());
        let at = s.interview.as_ref().map_or(0, |i| i.span().start);
        let interview = match facts.iter().find(|f| f.id == interview_id) {
            Some(f) if f.kind == FactKind::Date => f.index,
            Some(_) => {
                self.error(
                    at,
                    format!("schedule.interview: fact `{interview_id}` must be a date"),
                );
                0
            }
            None => {
                self.error(
                    at,
                    format!(
                        "schedule.interview: no date fact `{interview_id}` holds the interview date"
                    ),
                );
                0
            }
        };
        let md = |cx: &mut Cx, v: &S<String>, what: &str| -> MonthDay {
            month_day(v.get_ref()).unwrap_or_else(|| {
                cx.error(
                    v.span().start,
                    format!("schedule.{what} must be a month and day as \"MM-DD\" (e.g. \"06-01\"), not \"{}\"", v.get_ref()),
                );
                MonthDay { month: 1, day: 1 }
            })
        };
        let opens = md(self, &s.opens, "opens");
        let closes = md(self, &s.closes, "closes");
        if (closes.month, closes.day) < (opens.month, opens.day) {
            self.error(
                s.closes.span().start,
                "schedule.closes is before schedule.opens (a window lies within one year)",
            );
        }
        let mut windows: Vec<YearWindow> = Vec::new();
        for w in &s.windows {
            let year = *w.year.get_ref();
            let date = |cx: &mut Cx, d: &S<toml::value::Datetime>, what: &str| {
                let r = toml_date(d.get_ref());
                if r.is_none() {
                    cx.error(
                        d.span().start,
                        format!("schedule.windows {year}: {what} must be a date"),
                    );
                }
                r
            };
            let (o, c) = (
                date(self, &w.opens, "opens"),
                date(self, &w.closes, "closes"),
            );
            let counting = w
                .counting_date
                .as_ref()
                .and_then(|d| date(self, d, "counting_date"));
            let Ok(y16) = i16::try_from(year) else {
                self.error(
                    w.year.span().start,
                    format!("schedule.windows: year {year} is out of range"),
                );
                continue;
            };
            let (Some(o), Some(c)) = (o, c) else { continue };
            if o.year() != y16 || c.year() != y16 {
                self.error(
                    w.year.span().start,
                    format!("schedule.windows {year}: opens and closes must be days of {year}"),
                );
            } else if c < o {
                self.error(
                    w.closes.span().start,
                    format!("schedule.windows {year}: closes before it opens"),
                );
            }
            if let Some(k) = counting
                && (k < c || k.year() != y16)
            {
                self.error(
                    w.year.span().start,
                    format!("schedule.windows {year}: counting_date must fall after the window closes, within {year}"),
                );
            }
            if windows.iter().any(|x| x.year == y16) {
                self.error(
                    w.year.span().start,
                    format!("schedule.windows: {year} is given twice"),
                );
            }
            windows.push(YearWindow {
                year: y16,
                opens: o,
                closes: c,
                counting_date: counting,
            });
        }
        let horizon = match &s.horizon {
            None => 10,
            Some(h) => match u16::try_from(*h.get_ref()) {
                Ok(h) if (1..=50).contains(&h) => h,
                _ => {
                    self.error(
                        h.span().start,
                        "schedule.horizon must be a number of windows from 1 to 50",
                    );
                    10
                }
            },
        };
        // what ranks application days (optional: without it every open day ranks alike)
        let rank = match &s.rank {
            None => None,
            Some(name) => match results.iter().position(|r| &r.name == name.get_ref()) {
                Some(i) => Some(i),
                None => {
                    self.error(
                        name.span().start,
                        format!("schedule.rank: no result `{}`", name.get_ref()),
                    );
                    None
                }
            },
        };
        let at = s.rank.as_ref().map_or(0, |r| r.span().start);
        if let Some(r) = rank.and_then(|i| results.get(i))
            && contains_timeline(&r.expr.node)
        {
            self.error(
                at,
                format!(
                    "schedule.rank: result `{}` reads the timeline it ranks",
                    r.name
                ),
            );
        }
        let codes = rank
            .and_then(|i| results.get(i))
            .and_then(|r| super::rules::codes_of(&r.expr, comp));
        let mut levels = Vec::new();
        for l in &s.levels {
            if levels.contains(l.get_ref()) {
                self.error(
                    l.span().start,
                    format!("schedule.levels: `{}` is listed twice", l.get_ref()),
                );
            }
            if let Some(codes) = &codes
                && !codes.contains(l.get_ref())
            {
                self.error(
                    l.span().start,
                    format!(
                        "schedule.levels: `{}` is not a value the rank result gives ({})",
                        l.get_ref(),
                        codes.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            levels.push(l.get_ref().clone());
        }
        match (rank.is_some(), levels.is_empty()) {
            (true, true) => self.error(at, "schedule.levels: list the ranked values, lowest first"),
            (false, false) => self.error(
                s.levels.first().map_or(0, |l| l.span().start),
                "schedule.levels: give `rank`, the result whose values these are",
            ),
            _ => {}
        }
        let mut lifted = Vec::new();
        for c in &s.lifted_by_time {
            match rules.iter().find(|r| &r.code == c.get_ref()) {
                Some(r) if r.kind == RuleKind::Blocker => lifted.push(c.get_ref().clone()),
                Some(_) => self.error(
                    c.span().start,
                    format!(
                        "schedule.lifted_by_time: `{}` is not a blocker",
                        c.get_ref()
                    ),
                ),
                None => self.error(
                    c.span().start,
                    format!(
                        "schedule.lifted_by_time: no rule has the code `{}`",
                        c.get_ref()
                    ),
                ),
            }
        }
        if let Some(c) = &s.cite {
            self.check_cite(c, articles);
        }
        Some(Schedule {
            applies,
            interview,
            opens,
            closes,
            windows,
            horizon,
            rank,
            levels,
            lifted_by_time: lifted,
            cite: s.cite.as_ref().map(|c| c.get_ref().zh().to_string()),
        })
    }
}

fn contains_timeline(n: &crate::expr::Node) -> bool {
    use crate::expr::Node;
    match n {
        Node::Timeline(_) => true,
        Node::Not(a) | Node::Neg(a) => contains_timeline(a),
        Node::And(a, b) | Node::Or(a, b) | Node::Bin(_, a, b) | Node::Index(a, b) => {
            contains_timeline(a) || contains_timeline(b)
        }
        Node::Cond(a, b, c) => contains_timeline(a) || contains_timeline(b) || contains_timeline(c),
        Node::List(items) | Node::Call(_, items) => items.iter().any(contains_timeline),
        _ => false,
    }
}
