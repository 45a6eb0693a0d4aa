//! The list and search index: one row per case, the columns `list`, `--search` and CSV
//! exports read without parsing a record.

use jiff::Timestamp;
use serde_json::Value as J;

use super::Store;
use crate::case::StoreError;
use crate::case::model::{CaseFilter, CaseSummary, mask_name};

/// A row of `case_index`, unmasked (for exports).
#[derive(Clone, Debug)]
pub struct IndexRow {
    pub seq: i64,
    pub number: String,
    pub signed_at: Timestamp,
    pub interview_date: Option<jiff::civil::Date>,
    pub applicant_name: String,
    pub applicant_id: Option<String>,
    pub pathway: Option<String>,
    pub status: String,
    pub level: Option<String>,
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
            pathway: self.pathway.clone(),
            status: self.status.clone(),
            level: self.level.clone(),
            clerk: self.clerk.clone(),
            amends: self.amends.clone(),
        }
    }
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

    /// Index rows matching `f`, newest first, unmasked.
    pub fn for_each_row(
        &self,
        f: &CaseFilter,
        mut each: impl FnMut(IndexRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut sql = String::from(
            "SELECT seq, number, signed_at, interview_date, applicant_name, applicant_id, pathway,
                status, level, clerk, clerk_name, amends, results FROM case_index WHERE 1",
        );
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
        sql.push_str(" ORDER BY seq DESC");
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
            let results_src = text(12)?;
            let row = IndexRow {
                seq: r.get(0).map_err(|e| self.sq(e))?,
                number: text(1)?,
                signed_at: signed_at.parse().map_err(|_| self.damaged(&signed_at))?,
                interview_date: opt(3)?.and_then(|s| s.parse().ok()),
                applicant_name: text(4)?,
                applicant_id: opt(5)?,
                pathway: opt(6)?,
                status: text(7)?,
                level: opt(8)?,
                clerk: text(9)?,
                clerk_name: opt(10)?,
                amends: opt(11)?,
                results: serde_json::from_str(&results_src)
                    .map_err(|_| self.damaged(&results_src))?,
            };
            each(row)?;
        }
        Ok(())
    }

    /// The index row of one case (for `verify`'s cross-check).
    pub(crate) fn index_row(&self, seq: i64) -> Result<Option<IndexRow>, StoreError> {
        let mut found = None;
        let mut st = self
            .conn
            .prepare(
                "SELECT seq, number, signed_at, interview_date, applicant_name, applicant_id,
                    pathway, status, level, clerk, clerk_name, amends, results
                 FROM case_index WHERE seq = ?1",
            )
            .map_err(|e| self.sq(e))?;
        let mut rows = st.query([seq]).map_err(|e| self.sq(e))?;
        if let Some(r) = rows.next().map_err(|e| self.sq(e))? {
            let g = |i: usize| r.get::<_, Option<String>>(i).ok().flatten();
            found = Some(IndexRow {
                seq,
                number: g(1).unwrap_or_default(),
                signed_at: g(2).and_then(|s| s.parse().ok()).unwrap_or_default(),
                interview_date: g(3).and_then(|s| s.parse().ok()),
                applicant_name: g(4).unwrap_or_default(),
                applicant_id: g(5),
                pathway: g(6),
                status: g(7).unwrap_or_default(),
                level: g(8),
                clerk: g(9).unwrap_or_default(),
                clerk_name: g(10),
                amends: g(11),
                results: g(12)
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or_default(),
            });
        }
        Ok(found)
    }
}
