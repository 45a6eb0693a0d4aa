//! What a draft remembers beside its answers: which facts follow their default (a birth
//! date taken from the ID number, an interview date of today) rather than hold a value the
//! clerk typed; and, for a correction, the case it corrects. Kept in side tables keyed by
//! draft id, so the drafts table and its readers stay as they are; a draft without a row
//! follows nothing and corrects nothing.

use rusqlite::{OptionalExtension, TransactionBehavior};

use super::{Store, StoreError};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS draft_meta (
    draft_id TEXT PRIMARY KEY,
    followed TEXT NOT NULL
)";

fn no_table(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(_, Some(m)) if m.starts_with("no such table"))
}

/// Record the facts of draft `id` that follow their default (replacing what was there).
pub fn save_followed(store: &Store, id: &str, followed: &[String]) -> Result<(), StoreError> {
    let sq = |e| StoreError::sqlite(store.path(), e);
    let json = serde_json::to_string(followed).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let tx = rusqlite::Transaction::new_unchecked(store.conn(), TransactionBehavior::Immediate)
        .map_err(sq)?;
    tx.execute_batch(SCHEMA).map_err(sq)?;
    tx.execute(
        "INSERT INTO draft_meta (draft_id, followed) VALUES (?1, ?2)
         ON CONFLICT (draft_id) DO UPDATE SET followed = ?2",
        [id, &json],
    )
    .map_err(sq)?;
    tx.commit().map_err(sq)
}

/// The facts of draft `id` that follow their default (none when nothing was recorded).
pub fn load_followed(store: &Store, id: &str) -> Result<Vec<String>, StoreError> {
    let row: Result<Option<String>, _> = store
        .conn()
        .query_row(
            "SELECT followed FROM draft_meta WHERE draft_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional();
    let json = match row {
        Ok(Some(j)) => j,
        Ok(None) => return Ok(Vec::new()),
        Err(e) if no_table(&e) => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::sqlite(store.path(), e)),
    };
    serde_json::from_str(&json).map_err(|_| StoreError::Corrupt {
        path: store.path().to_path_buf(),
        detail: format!("draft {id}: unreadable list of facts following their default"),
    })
}

/// Forget draft `id`'s records (the draft was signed off or discarded).
pub fn forget(store: &Store, id: &str) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM draft_meta WHERE draft_id = ?1",
        "DELETE FROM draft_amends WHERE draft_id = ?1",
    ] {
        match store.conn().execute(sql, [id]) {
            Ok(_) => {}
            Err(e) if no_table(&e) => {}
            Err(e) => return Err(StoreError::sqlite(store.path(), e)),
        }
    }
    Ok(())
}

const AMENDS_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS draft_amends (
    draft_id TEXT PRIMARY KEY,
    amends TEXT NOT NULL
)";

/// Record that draft `id` corrects case `number`.
pub fn save_amends(store: &Store, id: &str, number: &str) -> Result<(), StoreError> {
    let sq = |e| StoreError::sqlite(store.path(), e);
    let tx = rusqlite::Transaction::new_unchecked(store.conn(), TransactionBehavior::Immediate)
        .map_err(sq)?;
    tx.execute_batch(AMENDS_SCHEMA).map_err(sq)?;
    tx.execute(
        "INSERT INTO draft_amends (draft_id, amends) VALUES (?1, ?2)
         ON CONFLICT (draft_id) DO UPDATE SET amends = ?2",
        [id, number],
    )
    .map_err(sq)?;
    tx.commit().map_err(sq)
}

/// The case draft `id` corrects, if it is a correction.
pub fn load_amends(store: &Store, id: &str) -> Result<Option<String>, StoreError> {
    match store
        .conn()
        .query_row(
            "SELECT amends FROM draft_amends WHERE draft_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
    {
        Ok(v) => Ok(v),
        Err(e) if no_table(&e) => Ok(None),
        Err(e) => Err(StoreError::sqlite(store.path(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn followed_round_trips_and_is_forgotten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("store");
        assert!(load_followed(&store, "d1").expect("read").is_empty());
        forget(&store, "d1").expect("forget before any table");
        let f = vec!["birth_date".to_string(), "sex".to_string()];
        save_followed(&store, "d1", &f).expect("save");
        assert_eq!(load_followed(&store, "d1").expect("read"), f);
        save_followed(&store, "d1", &f[..1]).expect("save again");
        assert_eq!(load_followed(&store, "d1").expect("read"), f[..1]);
        forget(&store, "d1").expect("forget");
        assert!(load_followed(&store, "d1").expect("read").is_empty());
    }

    #[test]
    fn a_correction_remembers_its_case_until_forgotten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("store");
        assert_eq!(load_amends(&store, "d1").expect("read"), None);
        save_amends(&store, "d1", "BS-451002-2026-000001").expect("save");
        assert_eq!(
            load_amends(&store, "d1").expect("read").as_deref(),
            Some("BS-451002-2026-000001")
        );
        forget(&store, "d1").expect("forget");
        assert_eq!(load_amends(&store, "d1").expect("read"), None);
    }
}
