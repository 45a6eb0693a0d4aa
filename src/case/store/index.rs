//! The list and search index: one row per case, the columns `list`, `--search` and CSV
//! exports read without parsing a record.

use jiff::Timestamp;
use serde_json::Value as J;

use super::Store;
use crate::case::StoreError;
use crate::case::model::{CaseFilter, CaseSummary, mask_name};
use crate::case::summary::{self, SummaryKind, SummaryValue};

/// A row of `case_index`, unmasked (for exports).
#[derive(Clone, Debug)]
pub struct IndexRow {
    pub seq: i64,
    pub number: String,
    pub signed_at: Timestamp,
    pub interview_date: Option<jiff::civil::Date>,
    pub applicant_name: String,
    pub applicant_id: Option<String>,
    /// The id of the questionnaire the case was made under.
    pub questionnaire: Option<String>,
    pub status: String,
    pub summary: Vec<SummaryValue>,
    pub money: Option<i64>,
    pub clerk: String,
    pub clerk_name: Option<String>,
    pub amends: Option<String>,
    pub results: serde_json::Map<String, J>,
}

impl IndexRow {
    pub fn summary(&self) -> CaseSummary {
        CaseSummary {
            seq: self.seq,
            number: self.number.clone(),
            signed_at: self.signed_at,
            date: self.interview_date,
            name: mask_name(&self.applicant_name),
            id_number: self.applicant_id.as_deref().map(crate::idcard::mask),
            questionnaire: self.questionnaire.clone(),
            status: self.status.clone(),
            summary: self.summary.clone(),
            money: self.money,
            clerk: self.clerk.clone(),
            amends: self.amends.clone(),
        }
    }
}

const COLUMNS: &str = "seq, number, signed_at, interview_date, applicant_name, applicant_id,
    questionnaire_id, status, summary, money, clerk, clerk_name, amends, results";

/// The `WHERE` clause of `f` (from `WHERE 1`) and its arguments.
pub(super) fn filter_sql(f: &CaseFilter) -> (String, Vec<String>) {
    // only rows with a signed record behind them: a row added to the index alone (a
    // phantom, which verify names) is neither listed nor exported
    let mut sql =
        String::from(" WHERE EXISTS (SELECT 1 FROM cases c WHERE c.seq = case_index.seq)");
    let mut args: Vec<String> = Vec::new();
    if let Some(d) = f.from {
        args.push(d.to_string());
        sql.push_str(&format!(" AND interview_date >= ?{}", args.len()));
    }
    if let Some(d) = f.to {
        args.push(d.to_string());
        sql.push_str(&format!(" AND interview_date <= ?{}", args.len()));
    }
    if let Some(s) = &f.status {
        args.push(s.clone());
        sql.push_str(&format!(" AND status = ?{}", args.len()));
    }
    if let Some(c) = &f.clerk {
        args.push(c.clone());
        let n = args.len();
        sql.push_str(&format!(" AND (clerk = ?{n} OR clerk_name = ?{n})"));
    }
    if let Some(q) = &f.questionnaire {
        args.push(q.clone());
        sql.push_str(&format!(" AND questionnaire_id = ?{}", args.len()));
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let esc = s
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        args.push(format!("%{esc}%"));
        let n = args.len();
        sql.push_str(&format!(
            " AND (applicant_name LIKE ?{n} ESCAPE '\\' OR applicant_id LIKE ?{n} ESCAPE '\\'
               OR number LIKE ?{n} ESCAPE '\\')"
        ));
    }
    (sql, args)
}

impl Store {
    /// Cases matching `f`, newest first.
    pub fn list_cases(&self, f: &CaseFilter) -> Result<Vec<CaseSummary>, StoreError> {
        let mut out = Vec::new();
        self.for_each_row(f, |r| {
            out.push(r.summary());
            Ok(())
        })?;
        Ok(out)
    }

    /// The questionnaire ids of the cases matching `f` (`limit` ignored), with how many
    /// cases each, most cases first.
    pub fn questionnaire_ids(&self, f: &CaseFilter) -> Result<Vec<(String, usize)>, StoreError> {
        let (filter, args) = filter_sql(f);
        let sql = format!(
            "SELECT coalesce(questionnaire_id, ''), count(*) FROM case_index{filter}
             GROUP BY questionnaire_id ORDER BY count(*) DESC, questionnaire_id"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sq(e))?;
        st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as usize))
        })
        .map_err(|e| self.sq(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.sq(e))
    }

    /// The summary entries (kind, id) the cases matching `f` have, facts first, each
    /// kind in the order the summaries list them.
    pub fn summary_ids(&self, f: &CaseFilter) -> Result<Vec<(SummaryKind, String)>, StoreError> {
        let (filter, args) = filter_sql(f);
        let sql =
            format!("SELECT DISTINCT summary_keys FROM case_index{filter} ORDER BY summary_keys");
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sq(e))?;
        let distinct: Vec<String> = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))?;
        let mut out: Vec<(SummaryKind, String)> = Vec::new();
        for k in distinct.iter().flat_map(|s| summary::parse_keys(s)) {
            if !out.contains(&k) {
                out.push(k);
            }
        }
        out.sort_by_key(|(kind, _)| *kind);
        Ok(out)
    }

    /// The result names recorded in the cases matching `f`, sorted.
    pub fn result_names(&self, f: &CaseFilter) -> Result<Vec<String>, StoreError> {
        let (filter, args) = filter_sql(f);
        let sql = format!(
            "SELECT DISTINCT j.key FROM case_index, json_each(case_index.results) AS j{filter}
             ORDER BY 1"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sq(e))?;
        st.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// Index rows matching `f`, newest first, unmasked.
    pub fn for_each_row(
        &self,
        f: &CaseFilter,
        mut each: impl FnMut(IndexRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let (filter, args) = filter_sql(f);
        let mut sql = format!("SELECT {COLUMNS} FROM case_index{filter} ORDER BY seq DESC");
        if f.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", f.limit));
        }
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sq(e))?;
        let mut rows = st
            .query(rusqlite::params_from_iter(args.iter()))
            .map_err(|e| self.sq(e))?;
        while let Some(r) = rows.next().map_err(|e| self.sq(e))? {
            let text =
                |i: usize| -> Result<String, StoreError> { r.get(i).map_err(|e| self.sq(e)) };
            let opt = |i: usize| -> Result<Option<String>, StoreError> {
                r.get(i).map_err(|e| self.sq(e))
            };
            let signed_at = text(2)?;
            let summary_src = text(8)?;
            let results_src = text(13)?;
            let row = IndexRow {
                seq: r.get(0).map_err(|e| self.sq(e))?,
                number: text(1)?,
                signed_at: signed_at.parse().map_err(|_| self.damaged(&signed_at))?,
                interview_date: opt(3)?.and_then(|s| s.parse().ok()),
                applicant_name: text(4)?,
                applicant_id: opt(5)?,
                questionnaire: opt(6)?,
                status: text(7)?,
                summary: serde_json::from_str(&summary_src)
                    .map_err(|_| self.damaged(&summary_src))?,
                money: r.get(9).map_err(|e| self.sq(e))?,
                clerk: text(10)?,
                clerk_name: opt(11)?,
                amends: opt(12)?,
                results: serde_json::from_str(&results_src)
                    .map_err(|_| self.damaged(&results_src))?,
            };
            each(row)?;
        }
        Ok(())
    }

    /// The index row of one case with the columns only verify reads (`summary_keys`,
    /// `year`, `serial`); unreadable values come back empty, so that they differ from the
    /// record.
    pub(crate) fn index_row(&self, seq: i64) -> Result<Option<IndexCheck>, StoreError> {
        let mut found = None;
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, summary_keys, year, serial, questionnaire_sha256 FROM case_index
                 WHERE seq = ?1"
            ))
            .map_err(|e| self.sq(e))?;
        let mut rows = st.query([seq]).map_err(|e| self.sq(e))?;
        if let Some(r) = rows.next().map_err(|e| self.sq(e))? {
            let g = |i: usize| r.get::<_, Option<String>>(i).ok().flatten();
            let n = |i: usize| r.get::<_, Option<i64>>(i).ok().flatten();
            let row = IndexRow {
                seq,
                number: g(1).unwrap_or_default(),
                signed_at: g(2).and_then(|s| s.parse().ok()).unwrap_or_default(),
                interview_date: g(3).and_then(|s| s.parse().ok()),
                applicant_name: g(4).unwrap_or_default(),
                applicant_id: g(5),
                questionnaire: g(6),
                status: g(7).unwrap_or_default(),
                summary: g(8)
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
                money: n(9),
                clerk: g(10).unwrap_or_default(),
                clerk_name: g(11),
                amends: g(12),
                results: g(13)
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
            };
            found = Some(IndexCheck {
                signed_at_text: g(2).unwrap_or_default(),
                interview_date_text: g(3),
                summary_keys: g(14).unwrap_or_default(),
                year: n(15),
                serial: n(16),
                questionnaire_sha256: g(17),
                row,
            });
        }
        Ok(found)
    }

    /// Index rows with no signed record behind them (position and number).
    pub(crate) fn phantom_rows(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT seq, CAST(number AS BLOB) FROM case_index
                 WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.seq = case_index.seq)
                 ORDER BY seq",
            )
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| {
            let n: Vec<u8> = r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default();
            Ok((r.get(0)?, String::from_utf8_lossy(&n).into_owned()))
        })
        .map_err(|e| self.sq(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.sq(e))
    }
}

/// An index row as verify reads it: the row, and the columns kept only for the index.
#[derive(Clone, Debug)]
pub(crate) struct IndexCheck {
    pub row: IndexRow,
    /// `signed_at` and `interview_date` as stored (a forged value that still parses as
    /// the same instant in another spelling is a change too).
    pub signed_at_text: String,
    pub interview_date_text: Option<String>,
    pub summary_keys: String,
    pub year: Option<i64>,
    pub serial: Option<i64>,
    /// Which copy of its questionnaire the case's listing reads (schema 4).
    pub questionnaire_sha256: Option<String>,
}
