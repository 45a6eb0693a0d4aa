//! Copies of the questionnaires drafts and cases were made under, keyed by the SHA-256 of
//! their text: kept when a draft is saved or a case signed (in the same transaction), never
//! changed or removed (triggers refuse it). A case is shown and exported with its own
//! questions however the catalogue changes; a draft resumes under its own id even when
//! the wizard's catalogue no longer names it.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use super::index::filter_sql;
use crate::case::StoreError;
use crate::case::model::CaseFilter;
use crate::questionnaire::catalogue::Catalogue;
use crate::questionnaire::{self, Questionnaire};

/// A questionnaire the store keeps a copy of (without its text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptCopy {
    pub sha256: String,
    pub id: String,
    pub version: String,
    /// The file it was loaded from when first kept.
    pub file: String,
    pub kept_at: Timestamp,
}

impl Store {
    /// Keep a copy of `q` (nothing happens when the store has it already). Returns true
    /// when the copy is new.
    pub fn keep_questionnaire(
        &self,
        q: &Questionnaire,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let tx = self.begin()?;
        let added = self.keep_in(&tx, q, now)?;
        tx.commit().map_err(|e| self.sq(e))?;
        Ok(added)
    }

    /// Keep a copy of `q` inside the caller's transaction.
    pub(super) fn keep_in(
        &self,
        c: &Connection,
        q: &Questionnaire,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        // Looked up first: every draft save comes here, and the text (tens of kB) need not
        // be bound for an insert that would be ignored.
        let kept: bool = c
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM questionnaires WHERE sha256 = ?1)",
                [&q.sha256],
                |r| r.get(0),
            )
            .map_err(|e| self.sq(e))?;
        if kept {
            return Ok(false);
        }
        let n = c
            .execute(
                "INSERT OR IGNORE INTO questionnaires (sha256, id, version, file, source, kept_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    q.sha256,
                    q.meta.id,
                    q.meta.version,
                    q.file,
                    q.source,
                    now.to_string()
                ],
            )
            .map_err(|e| self.sq(e))?;
        Ok(n > 0)
    }

    /// The copies the store keeps, oldest first.
    pub fn kept_questionnaires(&self) -> Result<Vec<KeptCopy>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT sha256, id, version, file, kept_at FROM questionnaires
                 ORDER BY kept_at, rowid",
            )
            .map_err(|e| self.sq(e))?;
        let rows: Vec<(String, String, String, String, String)> = st
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))?;
        rows.into_iter()
            .map(|(sha256, id, version, file, at)| {
                Ok(KeptCopy {
                    kept_at: at.parse().map_err(|_| self.damaged(&at))?,
                    sha256,
                    id,
                    version,
                    file,
                })
            })
            .collect()
    }

    /// The store's copy of the questionnaire whose text has this SHA-256, loaded; `None`
    /// when it keeps none. A copy whose text no longer matches its hash, or that this
    /// program cannot load, is an error naming it.
    pub fn questionnaire_copy(&self, sha256: &str) -> Result<Option<Questionnaire>, StoreError> {
        let row: Option<(String, String, String, String)> = self
            .conn
            .query_row(
                "SELECT id, version, file, source FROM questionnaires WHERE sha256 = ?1",
                [sha256],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.sq(e))?;
        let Some((id, version, file, source)) = row else {
            return Ok(None);
        };
        let bad = |detail: String| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!(
                "问卷 {id} {version} 的副本 / the copy of questionnaire {id} {version} ({file}): {detail}"
            ),
        };
        match questionnaire::load_str(&file, &source) {
            Ok(q) if q.sha256 == sha256 => Ok(Some(q)),
            Ok(_) => Err(bad(
                "内容与其 SHA-256 不符 / its text does not match its SHA-256".into(),
            )),
            Err(diags) => Err(bad(diags
                .iter()
                .find(|d| d.is_error())
                .map(|d| d.render(crate::text::Lang::Zh))
                .unwrap_or_default())),
        }
    }

    /// The questionnaires (id, SHA-256 of the text) of the cases matching `f` (`limit` ignored).
    pub fn case_questionnaires(&self, f: &CaseFilter) -> Result<Vec<(String, String)>, StoreError> {
        let (filter, args) = filter_sql(f);
        let sql = format!(
            "SELECT DISTINCT coalesce(questionnaire_id, ''), questionnaire_sha256 FROM case_index
             {filter} AND questionnaire_sha256 IS NOT NULL"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sq(e))?;
        st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(|e| self.sq(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.sq(e))
    }

    /// The questionnaires (id, hash) the drafts were made under.
    pub fn draft_questionnaires(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT questionnaire_id, questionnaire_sha256 FROM drafts")
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// Keep a copy of each of `qs` that some draft or case was made under and the store
    /// has no copy of yet: drafts and cases from before the store kept copies, while
    /// their questionnaire is still at hand (an upgrade may replace the embedded one).
    /// Returns how many were kept.
    pub fn keep_referenced<'q>(
        &self,
        qs: impl IntoIterator<Item = &'q Questionnaire>,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let mut wanted = Vec::new();
        for q in qs {
            let used: bool = self
                .conn
                .query_row(
                    "SELECT NOT EXISTS (SELECT 1 FROM questionnaires WHERE sha256 = ?1)
                     AND (EXISTS (SELECT 1 FROM case_index WHERE questionnaire_sha256 = ?1)
                          OR EXISTS (SELECT 1 FROM drafts WHERE questionnaire_sha256 = ?1))",
                    [&q.sha256],
                    |r| r.get(0),
                )
                .map_err(|e| self.sq(e))?;
            if used {
                wanted.push(q);
            }
        }
        if wanted.is_empty() {
            return Ok(0);
        }
        let tx = self.begin()?;
        let mut n = 0;
        for q in wanted {
            n += usize::from(self.keep_in(&tx, q, now)?);
        }
        tx.commit().map_err(|e| self.sq(e))?;
        Ok(n)
    }

    /// Add to `cat` the store's copies of the questionnaires in `refs` that it lacks, so
    /// that [`Catalogue::find`] gives each draft and case its own. Problems with single
    /// copies (damaged, or not loadable by this program) are returned, one each; the
    /// others are adopted all the same.
    pub fn adopt_copies(&self, cat: &mut Catalogue, refs: &[(String, String)]) -> Vec<StoreError> {
        let mut problems = Vec::new();
        for (_, sha) in refs {
            if cat.has(sha) {
                continue;
            }
            match self.questionnaire_copy(sha) {
                Ok(Some(q)) => {
                    cat.adopt(q);
                }
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        problems
    }

    /// Add to `cat` the store's newest copy with each id in `ids` that it has no
    /// configured questionnaire for (re-checking and resuming use the newest known).
    pub fn adopt_newest(&self, cat: &mut Catalogue, ids: &[String]) -> Vec<StoreError> {
        let mut problems = Vec::new();
        let kept = match self.kept_questionnaires() {
            Ok(k) => k,
            Err(e) => return vec![e],
        };
        for id in ids {
            if cat.ids().contains(id) {
                continue;
            }
            let newest = kept.iter().filter(|k| &k.id == id).max_by(|a, b| {
                questionnaire::catalogue::cmp_versions(&a.version, &b.version)
                    .then(a.kept_at.cmp(&b.kept_at))
            });
            if let Some(k) = newest
                && !cat.has(&k.sha256)
            {
                match self.questionnaire_copy(&k.sha256) {
                    Ok(Some(q)) => {
                        cat.adopt(q);
                    }
                    Ok(None) => {}
                    Err(e) => problems.push(e),
                }
            }
        }
        problems
    }
}
