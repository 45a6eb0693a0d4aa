//! When the bureau's server was last reached from this store (by `sync` or a sign-off's
//! check), so that a check that cannot reach it says since when: kept in a side table of
//! the local store, like the drafts' side tables.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior};

use crate::case::{Store, StoreError};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS server_contact (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)";

/// Note that the server answered at `at`.
pub fn record_ok(store: &Store, at: Timestamp) -> Result<(), StoreError> {
    let sq = |e| StoreError::sqlite(store.path(), e);
    let tx = rusqlite::Transaction::new_unchecked(store.conn(), TransactionBehavior::Immediate)
        .map_err(sq)?;
    tx.execute_batch(SCHEMA).map_err(sq)?;
    tx.execute(
        "INSERT INTO server_contact (key, value) VALUES ('last_ok', ?1)
         ON CONFLICT (key) DO UPDATE SET value = ?1",
        [at.to_string()],
    )
    .map_err(sq)?;
    tx.commit().map_err(sq)
}

/// When the server last answered (`None`: never, as far as this store knows).
pub fn last_ok(store: &Store) -> Result<Option<Timestamp>, StoreError> {
    let row: Result<Option<String>, _> = store
        .conn()
        .query_row(
            "SELECT value FROM server_contact WHERE key = 'last_ok'",
            [],
            |r| r.get(0),
        )
        .optional();
    match row {
        Ok(v) => Ok(v.and_then(|s| s.parse().ok())),
        Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.starts_with("no such table") => {
            Ok(None)
        }
        Err(e) => Err(StoreError::sqlite(store.path(), e)),
    }
}
