//! The monthly report's numbers: cases by office, pathway (the questionnaire's summary
//! facts), status and level (its summary results), with the fees due (its summary money),
//! for one month and the eleven before it (the trend). From this store's index, or with
//! `--bureau` from every office's cases on the server (one grouped query; no personal data
//! leaves the server).
//!
//! A case counts in the month of its interview day (its signing day, UTC, when it has
//! none); a case corrected by an amendment counts once, as the amendment.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value as J;

use super::{Server, ServerError};
use crate::case::summary::{SummaryKind, SummaryValue};
use crate::case::{Store, StoreError};

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i16,
    pub month: i8,
}

impl Month {
    /// `2026-06`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month): (i16, i8) = (y.parse().ok()?, m.parse().ok()?);
        Date::new(year, month, 1).ok()?;
        Some(Month { year, month })
    }
    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).unwrap_or_default()
    }
    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }
    /// The month `n` months before this one.
    pub fn back(self, n: i32) -> Month {
        let idx = i32::from(self.year) * 12 + i32::from(self.month) - 1 - n;
        Month {
            year: (idx.div_euclid(12)) as i16,
            month: (idx.rem_euclid(12) + 1) as i8,
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Months in the trend, the reported one last.
pub const TREND_MONTHS: i32 = 12;

/// One group of cases.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub office: String,
    /// `2026-06`.
    pub month: String,
    pub questionnaire: String,
    /// The summary facts' values (codes), space-separated: the pathway.
    pub facts: String,
    pub status: String,
    /// The summary results' values (codes), space-separated: the level.
    pub results: String,
    pub cases: i64,
    /// Whole yuan due (the summary's money).
    pub money: i64,
}

/// Where the numbers came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One store (its office code, when it has signed under one).
    Local(Option<String>),
    /// Every office on the server.
    Bureau,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub month: Month,
    pub scope: Scope,
    /// Every group in the trend window (the month and the eleven before).
    pub rows: Vec<Row>,
}

/// Totals of some cases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub cases: i64,
    pub money: i64,
    /// Cases per status code.
    pub statuses: BTreeMap<String, i64>,
}

impl Totals {
    fn add(&mut self, r: &Row) {
        self.cases += r.cases;
        self.money += r.money;
        *self.statuses.entry(r.status.clone()).or_default() += r.cases;
    }
}

impl Report {
    /// The groups of the reported month.
    pub fn month_rows(&self) -> impl Iterator<Item = &Row> {
        let m = self.month.to_string();
        self.rows.iter().filter(move |r| r.month == m)
    }

    /// The month's totals grouped by `key`, in key order.
    pub fn by<K: Ord>(&self, key: impl Fn(&Row) -> K) -> Vec<(K, Totals)> {
        let mut out: BTreeMap<K, Totals> = BTreeMap::new();
        for r in self.month_rows() {
            out.entry(key(r)).or_default().add(r);
        }
        out.into_iter().collect()
    }

    /// The month's totals.
    pub fn total(&self) -> Totals {
        let mut t = Totals::default();
        for r in self.month_rows() {
            t.add(r);
        }
        t
    }

    /// Cases and fees per month of the trend window, oldest first (empty months too).
    pub fn trend(&self) -> Vec<(Month, Totals)> {
        (0..TREND_MONTHS)
            .rev()
            .map(|n| {
                let m = self.month.back(n);
                let label = m.to_string();
                let mut t = Totals::default();
                for r in self.rows.iter().filter(|r| r.month == label) {
                    t.add(r);
                }
                (m, t)
            })
            .collect()
    }
}

/// A summary value as the report groups it (and as the server's `->>` gives it): strings
/// bare, null empty, anything else its JSON text.
fn code(v: &J) -> String {
    match v {
        J::Null => String::new(),
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn keys(summary: &[SummaryValue], kind: SummaryKind) -> String {
    summary
        .iter()
        .filter(|v| v.kind == kind)
        .map(|v| code(&v.value))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The report of one store, from its index.
pub fn local(store: &Store, month: Month) -> Result<Report, StoreError> {
    let from = month.back(TREND_MONTHS - 1).first_day().to_string();
    let to = month.last_day().to_string();
    let sq = |e| StoreError::sqlite(store.path(), e);
    let mut st = store
        .conn()
        .prepare(
            "SELECT coalesce(interview_date, substr(signed_at, 1, 10)) AS day,
                    coalesce(questionnaire_id, ''), summary, status, money
             FROM case_index
             WHERE coalesce(interview_date, substr(signed_at, 1, 10)) BETWEEN ?1 AND ?2
               AND number NOT IN (SELECT amends FROM case_index WHERE amends IS NOT NULL)",
        )
        .map_err(sq)?;
    let office = store.recorded_office()?;
    let shown_office = office.clone().unwrap_or_else(|| "—".to_string());
    // (month, questionnaire, facts, status, results) -> (cases, money)
    type Key = (String, String, String, String, String);
    let mut groups: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    let mut rows = st.query([&from, &to]).map_err(sq)?;
    while let Some(r) = rows.next().map_err(sq)? {
        let day: String = r.get(0).map_err(sq)?;
        let qid: String = r.get(1).map_err(sq)?;
        let summary: String = r.get(2).map_err(sq)?;
        let status: String = r.get(3).map_err(sq)?;
        let money: Option<i64> = r.get(4).map_err(sq)?;
        let summary: Vec<SummaryValue> = serde_json::from_str(&summary).unwrap_or_default();
        let key = (
            day.get(..7).unwrap_or_default().to_string(),
            qid,
            keys(&summary, SummaryKind::Fact),
            status,
            keys(&summary, SummaryKind::Result),
        );
        let e = groups.entry(key).or_default();
        e.0 += 1;
        e.1 += money.unwrap_or(0);
    }
    Ok(Report {
        month,
        scope: Scope::Local(office),
        rows: groups
            .into_iter()
            .map(|((m, q, f, s, r), (n, money))| Row {
                office: shown_office.clone(),
                month: m,
                questionnaire: q,
                facts: f,
                status: s,
                results: r,
                cases: n,
                money,
            })
            .collect(),
    })
}

/// The bureau's report: every office's cases on the server (`os_user` for its log).
pub fn bureau(server: &mut Server, month: Month, os_user: &str) -> Result<Report, ServerError> {
    let from = month.back(TREND_MONTHS - 1).first_day().to_string();
    let to = month.last_day().to_string();
    let rows = server
        .client
        .query(
            "SELECT office, month, questionnaire_id, facts, status, results, cases,
                    coalesce(money, 0)
             FROM guantong.report($1::text::date, $2::text::date, $3)
             ORDER BY 1, 2, 3, 4, 5, 6",
            &[&from, &to, &os_user],
        )
        .map_err(|e| server.pg(e))?;
    Ok(Report {
        month,
        scope: Scope::Bureau,
        rows: rows
            .iter()
            .map(|r| Row {
                office: r.get(0),
                month: r.get(1),
                questionnaire: r.get(2),
                facts: r.get(3),
                status: r.get(4),
                results: r.get(5),
                cases: r.get(6),
                money: r.get(7),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let m = Month::parse("2026-06").unwrap();
        assert_eq!(m.to_string(), "2026-06");
        assert_eq!(m.back(11).to_string(), "2025-07");
        assert_eq!(m.back(6).to_string(), "2025-12");
        assert_eq!(m.last_day().to_string(), "2026-06-30");
        assert_eq!(Month::parse("2026-02").unwrap().last_day().day(), 28);
        for bad in ["2026-13", "2026-6", "26-06", "2026/06", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
