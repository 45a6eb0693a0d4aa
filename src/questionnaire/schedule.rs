//! Phase 5: the application schedule.

use super::compile::Compiler;
use super::cx::{Cx, toml_date};
use super::model::*;
use super::raw::*;
use crate::expr::check::Place;
use crate::text::tr;

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
            let what = tr!("schedule.applies", "schedule.applies");
            let (c, ty) = comp.compile(self, a, Place::Fact, what.clone())?;
            self.expect_bool(a, &ty, what);
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
                    tr!(
                        "schedule.interview：事实 `{interview_id}` 必须是 date 类型",
                        "schedule.interview: fact `{interview_id}` must be a date"
                    ),
                );
                0
            }
            None => {
                self.error(
                    at,
                    tr!(
                        "schedule.interview：没有记录面谈日期的 date 事实 `{interview_id}`",
                        "schedule.interview: no date fact `{interview_id}` holds the interview date"
                    ),
                );
                0
            }
        };
        let md = |cx: &mut Cx, v: &S<String>, what: &str| -> MonthDay {
            month_day(v.get_ref()).unwrap_or_else(|| {
                let (at, v) = (v.span().start, v.get_ref());
                cx.error(
                    at,
                    tr!(
                        "schedule.{what} 必须是 \"MM-DD\" 形式的月日（如 \"06-01\"），而不是 \"{v}\"",
                        "schedule.{what} must be a month and day as \"MM-DD\" (e.g. \"06-01\"), not \"{v}\""
                    ),
                );
                MonthDay { month: 1, day: 1 }
            })
        };
        let opens = md(self, &s.opens, "opens");
        let closes = md(self, &s.closes, "closes");
        if (closes.month, closes.day) < (opens.month, opens.day) {
            self.error(
                s.closes.span().start,
                tr!(
                    "schedule.closes 早于 schedule.opens（受理期在同一年之内）",
                    "schedule.closes is before schedule.opens (a window lies within one year)"
                ),
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
                        tr!(
                            "schedule.windows {year}：{what} 必须是日期",
                            "schedule.windows {year}: {what} must be a date"
                        ),
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
                    tr!(
                        "schedule.windows：年份 {year} 超出范围",
                        "schedule.windows: year {year} is out of range"
                    ),
                );
                continue;
            };
            let (Some(o), Some(c)) = (o, c) else { continue };
            if o.year() != y16 || c.year() != y16 {
                self.error(
                    w.year.span().start,
                    tr!(
                        "schedule.windows {year}：opens 和 closes 必须是 {year} 年内的日期",
                        "schedule.windows {year}: opens and closes must be days of {year}"
                    ),
                );
            } else if c < o {
                self.error(
                    w.closes.span().start,
                    tr!(
                        "schedule.windows {year}：closes 早于 opens",
                        "schedule.windows {year}: closes before it opens"
                    ),
                );
            }
            if let Some(k) = counting
                && (k < c || k.year() != y16)
            {
                self.error(
                    w.year.span().start,
                    tr!(
                        "schedule.windows {year}：counting_date 必须在受理期结束之后、{year} 年之内",
                        "schedule.windows {year}: counting_date must fall after the window closes, within {year}"
                    ),
                );
            }
            if windows.iter().any(|x| x.year == y16) {
                self.error(
                    w.year.span().start,
                    tr!(
                        "schedule.windows：{year} 年给出了两次",
                        "schedule.windows: {year} is given twice"
                    ),
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
                        tr!(
                            "schedule.horizon 必须是 1 到 50 之间的受理期个数",
                            "schedule.horizon must be a number of windows from 1 to 50"
                        ),
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
                    let rank = name.get_ref();
                    self.error(
                        name.span().start,
                        tr!(
                            "schedule.rank：没有结果 `{rank}`",
                            "schedule.rank: no result `{rank}`"
                        ),
                    );
                    None
                }
            },
        };
        let at = s.rank.as_ref().map_or(0, |r| r.span().start);
        if let Some(r) = rank.and_then(|i| results.get(i))
            && contains_timeline(&r.expr.node)
        {
            let name = &r.name;
            self.error(
                at,
                tr!(
                    "schedule.rank：结果 `{name}` 读取了它所排序的时间线",
                    "schedule.rank: result `{name}` reads the timeline it ranks"
                ),
            );
        }
        let codes = rank
            .and_then(|i| results.get(i))
            .and_then(|r| super::rules::codes_of(&r.expr, comp));
        let mut levels = Vec::new();
        for l in &s.levels {
            let v = l.get_ref();
            if levels.contains(v) {
                self.error(
                    l.span().start,
                    tr!(
                        "schedule.levels：`{v}` 列了两次",
                        "schedule.levels: `{v}` is listed twice"
                    ),
                );
            }
            if let Some(codes) = &codes
                && !codes.contains(v)
            {
                let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                let (zc, ec) = (codes.join("、"), codes.join(", "));
                self.error(
                    l.span().start,
                    tr!(
                        "schedule.levels：`{v}` 不是排序结果会给出的值（它给出：{zc}）",
                        "schedule.levels: `{v}` is not a value the rank result gives ({ec})"
                    ),
                );
            }
            levels.push(v.clone());
        }
        match (rank.is_some(), levels.is_empty()) {
            (true, true) => self.error(
                at,
                tr!(
                    "schedule.levels：请列出排序的各个值，从低到高",
                    "schedule.levels: list the ranked values, lowest first"
                ),
            ),
            (false, false) => self.error(
                s.levels.first().map_or(0, |l| l.span().start),
                tr!(
                    "schedule.levels：请给出 `rank`，即这些值所属的结果",
                    "schedule.levels: give `rank`, the result whose values these are"
                ),
            ),
            _ => {}
        }
        let mut lifted = Vec::new();
        for c in &s.lifted_by_time {
            let code = c.get_ref();
            match rules.iter().find(|r| &r.code == code) {
                Some(r) if r.kind == RuleKind::Blocker => lifted.push(code.clone()),
                Some(_) => self.error(
                    c.span().start,
                    tr!(
                        "schedule.lifted_by_time：`{code}` 不是 blocker",
                        "schedule.lifted_by_time: `{code}` is not a blocker"
                    ),
                ),
                None => self.error(
                    c.span().start,
                    tr!(
                        "schedule.lifted_by_time：没有代码为 `{code}` 的规则",
                        "schedule.lifted_by_time: no rule has the code `{code}`"
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
