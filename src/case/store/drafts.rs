//! Drafts: interviews in progress, saved after every answer.

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use serde_json::Value as J;

use super::Store;
use crate::case::StoreError;
use crate::case::model::Draft;
use crate::eval::input;
use crate::questionnaire::Questionnaire;

impl Store {
    /// Insert or replace a draft, in one transaction (durable when it returns).
    pub fn save_draft(&self, d: &Draft) -> Result<(), StoreError> {
        self.save(d, None)
    }

    /// Insert or replace a draft made under `q`, keeping a copy of `q` in the same
    /// transaction: the draft can always be resumed under its own questionnaire. `q` must
    /// be the one the draft names.
    pub fn save_draft_with(&self, d: &Draft, q: &Questionnaire) -> Result<(), StoreError> {
        if q.sha256 != d.questionnaire_sha256 || q.meta.id != d.questionnaire_id {
            return Err(StoreError::Invalid(format!(
                "草稿 {} 是按问卷 {} {} 记录的，不是 {} {} / draft {} was made under questionnaire {} {}, not {} {}",
                d.id,
                d.questionnaire_id,
                d.questionnaire_version,
                q.meta.id,
                q.meta.version,
                d.id,
                d.questionnaire_id,
                d.questionnaire_version,
                q.meta.id,
                q.meta.version
            )));
        }
        self.save(d, Some(q))
    }

    fn save(&self, d: &Draft, q: Option<&Questionnaire>) -> Result<(), StoreError> {
        let answers = serde_json::to_string(&input::answers_to_json(&d.answers))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let tx = self.begin()?;
        if let Some(q) = q {
            self.keep_in(&tx, q, d.updated_at)?;
        }
        tx.execute(
            "INSERT INTO drafts (id, questionnaire_id, questionnaire_version, questionnaire_sha256,
                answers, current, created_at, updated_at, updated_ns, clerk)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?9)
             ON CONFLICT (id) DO UPDATE SET questionnaire_id = ?2, questionnaire_version = ?3,
                questionnaire_sha256 = ?4, answers = ?5, current = ?6, updated_at = ?8,
                updated_ns = ?10, clerk = ?9",
            params![
                d.id,
                d.questionnaire_id,
                d.questionnaire_version,
                d.questionnaire_sha256,
                answers,
                d.current,
                d.created_at.to_string(),
                d.updated_at.to_string(),
                d.clerk,
                i64::try_from(d.updated_at.as_nanosecond()).unwrap_or(i64::MAX)
            ],
        )
        .map_err(|e| self.sq(e))?;
        tx.commit().map_err(|e| self.sq(e))
    }

    /// Every draft, most recently updated first.
    pub fn list_drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, questionnaire_id, questionnaire_version, questionnaire_sha256, answers,
                    current, created_at, updated_at, clerk
                 FROM drafts ORDER BY updated_ns DESC, rowid DESC",
            )
            .map_err(|e| self.sq(e))?;
        let rows = st
            .query_map([], draft_row)
            .map_err(|e| self.sq(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sq(e))?;
        rows.into_iter().map(|r| r.finish(&self.path)).collect()
    }

    pub fn load_draft(&self, id: &str) -> Result<Draft, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, questionnaire_id, questionnaire_version, questionnaire_sha256, answers,
                    current, created_at, updated_at, clerk
                 FROM drafts WHERE id = ?1",
                [id],
                draft_row,
            )
            .optional()
            .map_err(|e| self.sq(e))?;
        match row {
            Some(r) => r.finish(&self.path),
            None => Err(StoreError::DraftNotFound(id.to_string())),
        }
    }

    pub fn discard_draft(&self, id: &str) -> Result<(), StoreError> {
        let tx = self.begin()?;
        let n = tx
            .execute("DELETE FROM drafts WHERE id = ?1", [id])
            .map_err(|e| self.sq(e))?;
        if n == 0 {
            return Err(StoreError::DraftNotFound(id.to_string()));
        }
        tx.commit().map_err(|e| self.sq(e))
    }
}

struct DraftRow {
    id: String,
    qid: String,
    qversion: String,
    qsha: String,
    answers: String,
    current: Option<String>,
    created: String,
    updated: String,
    clerk: String,
}

fn draft_row(r: &rusqlite::Row) -> rusqlite::Result<DraftRow> {
    Ok(DraftRow {
        id: r.get(0)?,
        qid: r.get(1)?,
        qversion: r.get(2)?,
        qsha: r.get(3)?,
        answers: r.get(4)?,
        current: r.get(5)?,
        created: r.get(6)?,
        updated: r.get(7)?,
        clerk: r.get(8)?,
    })
}

impl DraftRow {
    fn finish(self, path: &Path) -> Result<Draft, StoreError> {
        let bad = |what: &str| StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("draft {}: unreadable {what}", self.id),
        };
        let obj: serde_json::Map<String, J> =
            serde_json::from_str(&self.answers).map_err(|_| bad("answers"))?;
        let answers = obj
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), input::from_json(v)?)))
            .collect();
        Ok(Draft {
            answers,
            questionnaire_id: self.qid.clone(),
            questionnaire_version: self.qversion.clone(),
            questionnaire_sha256: self.qsha.clone(),
            current: self.current.clone(),
            created_at: self.created.parse().map_err(|_| bad("created_at"))?,
            updated_at: self.updated.parse().map_err(|_| bad("updated_at"))?,
            clerk: self.clerk.clone(),
            id: self.id,
        })
    }
}
