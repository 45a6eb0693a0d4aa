//! The SQLite case store: one database file in the data directory, WAL mode, every write
//! in a `BEGIN IMMEDIATE` transaction with a busy timeout, `synchronous = FULL`.
//!
//! Tables: `drafts` (interviews in progress), `cases` (signed canonical records, append
//! only, enforced by triggers), `case_index` (the columns `list` and `--search` read, so
//! that listing never parses a record), `clerk_keys` (registered public keys), `meta`.

use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use jiff::Timestamp;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use serde_json::Value as J;
use sha2::{Digest, Sha256};

use super::StoreError;
use super::keys;
use super::model::*;
use crate::eval::{self, input, report};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "guantong.db";
/// `PRAGMA application_id` of a guantong store ("GTNG").
pub const APPLICATION_ID: i64 = 0x4754_4E47;
/// Held (flock) while a process opens and migrates the store.
const LOCK_FILE: &str = "guantong.lock";

/// The schema version this program writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// Migrations: entry `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    questionnaire_sha256 TEXT NOT NULL,
    answers TEXT NOT NULL,
    current TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_ns INTEGER NOT NULL,
    clerk TEXT NOT NULL
);
CREATE INDEX drafts_updated ON drafts (updated_ns);
CREATE TABLE clerk_keys (
    public_key TEXT PRIMARY KEY,
    os_user TEXT NOT NULL,
    display_name TEXT,
    registered_at TEXT NOT NULL
);
CREATE TABLE cases (
    seq INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE case_index (
    seq INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    signed_at TEXT NOT NULL,
    interview_date TEXT,
    applicant_name TEXT NOT NULL,
    applicant_id TEXT,
    pathway TEXT,
    status TEXT NOT NULL,
    level TEXT,
    clerk TEXT NOT NULL,
    clerk_name TEXT,
    amends TEXT,
    results TEXT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX case_index_date ON case_index (interview_date);
CREATE TRIGGER cases_immutable_update BEFORE UPDATE ON cases
    BEGIN SELECT RAISE(ABORT, 'signed cases are immutable'); END;
CREATE TRIGGER cases_immutable_delete BEFORE DELETE ON cases
    BEGIN SELECT RAISE(ABORT, 'signed cases are immutable'); END;
INSERT INTO meta (key, value) VALUES ('app', 'guantong');
"#];

/// The case store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    dir: PathBuf,
    shared: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

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

/// A stored row of `cases`, as `verify` reads it.
#[derive(Clone, Debug)]
pub struct RawCase {
    pub seq: i64,
    pub number: String,
    pub body: String,
    pub sha256: String,
    pub signature: String,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn io_err(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Store {
    /// guantong's data directory (`~/.local/share/guantong` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("cn", "baise", "guantong")
            .map(|p| p.data_dir().to_path_buf())
    }

    /// Open (creating when absent) the store in `dir`. A new directory is created 0700 and
    /// the database 0600; in an existing setgid directory (a shared office directory) the
    /// database is created 0660 instead. A file that is not a guantong store, or one with
    /// a newer schema, is refused without being changed.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        match std::fs::metadata(dir) {
            Ok(m) if !m.is_dir() => {
                return Err(io_err(
                    dir,
                    std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .map_err(|e| io_err(dir, e))?;
            }
            Err(e) => return Err(io_err(dir, e)),
        }
        let shared = std::fs::metadata(dir)
            .map(|m| m.mode() & 0o2000 != 0)
            .unwrap_or(false);
        let path = dir.join(DB_FILE);
        // Creating the file, switching it to WAL and migrating it must not race with
        // another process doing the same (a journal-mode switch can fail with "database is
        // locked" without waiting): hold an OS lock on a sidecar file meanwhile.
        let lock_path = dir.join(LOCK_FILE);
        let lock = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(if shared { 0o660 } else { 0o600 })
            .open(&lock_path)
            .map_err(|e| io_err(&lock_path, e))?;
        if shared {
            // the umask must not take the group's write access (the next clerk opens it
            // read-write); only the file's owner can change it, and need not again
            let _ = lock.set_permissions(std::fs::Permissions::from_mode(0o660));
        }
        lock.lock().map_err(|e| io_err(&lock_path, e))?;
        let fresh_file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(if shared { 0o660 } else { 0o600 })
            .open(&path)
        {
            Ok(f) => {
                // The umask must not take the group's write access in a shared directory.
                f.set_permissions(std::fs::Permissions::from_mode(if shared {
                    0o660
                } else {
                    0o600
                }))
                .map_err(|e| io_err(&path, e))?;
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
            Err(e) => return Err(io_err(&path, e)),
        };
        if !fresh_file {
            check_header(&path)?;
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::sqlite(&path, e))?;
        let store = Store {
            conn,
            path,
            dir: dir.to_path_buf(),
            shared,
        };
        store.init()?;
        drop(lock);
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// True when the directory is a shared (setgid) one and files are group-readable.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    fn sq(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }

    fn init(&self) -> Result<(), StoreError> {
        let c = &self.conn;
        c.busy_timeout(Duration::from_secs(30))
            .map_err(|e| self.sq(e))?;
        let (app, version, objects) = self.identity()?;
        if version > SCHEMA_VERSION && app == APPLICATION_ID {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let ours = app == APPLICATION_ID || (app == 0 && version == 0 && objects == 0);
        if !ours {
            return Err(StoreError::Foreign {
                path: self.path.clone(),
            });
        }
        // WAL is persistent; setting it again is a no-op. A read-only store stays usable
        // for reading when it is already migrated.
        let wal: Result<String, _> = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
        c.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| self.sq(e))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        if let Err(e) = wal {
            return Err(self.sq(e));
        }
        let tx = self.begin()?;
        // Another process may have migrated meanwhile: read again under the lock.
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.sq(e))?;
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.execute_batch(m).map_err(|e| self.sq(e))?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))
                .map_err(|e| self.sq(e))?;
        }
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))
            .map_err(|e| self.sq(e))?;
        tx.commit().map_err(|e| self.sq(e))
    }

    /// (application_id, user_version, number of schema objects), read only.
    fn identity(&self) -> Result<(i64, i64, i64), StoreError> {
        let c = &self.conn;
        let app: i64 = c
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| self.sq(e))?;
        let version: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.sq(e))?;
        let objects: i64 = c
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| self.sq(e))?;
        Ok((app, version, objects))
    }

    fn begin(&self) -> Result<Transaction<'_>, StoreError> {
        Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.sq(e))
    }

    /// Fault injection for tests: cap the database size (pages), as a full disk would.
    #[doc(hidden)]
    pub fn set_max_page_count(&self, pages: i64) -> Result<i64, StoreError> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })
            .map_err(|e| self.sq(e))
    }

    /// Run `PRAGMA integrity_check`; `Ok(())` when it says "ok".
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.sq(e))?;
        let rows: Vec<String> = st
            .query_map([], |r| r.get(0))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: rows.join("; "),
            })
        }
    }

    // ----- drafts -----

    /// Insert or replace a draft, in one transaction (durable when it returns).
    pub fn save_draft(&self, d: &Draft) -> Result<(), StoreError> {
        let answers = serde_json::to_string(&input::answers_to_json(&d.answers))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let tx = self.begin()?;
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

    // ----- sign-off -----

    /// Sign off one case: evaluate, number, canonicalise, sign with the clerk's key
    /// (created on first use), chain, insert and remove the draft, in one transaction.
    pub fn sign_off(&self, s: &SignOff) -> Result<CaseRecord, StoreError> {
        let key = clerk_key()?;
        let rec = prepare(s, &key)?;
        let tx = self.begin()?;
        let rec = self.insert_case(&tx, rec, &key, s.today.year())?;
        if let Some(d) = &s.draft_id {
            let n = tx
                .execute("DELETE FROM drafts WHERE id = ?1", [d])
                .map_err(|e| self.sq(e))?;
            // Signed already (in another terminal) or discarded: no second case from it.
            if n == 0 {
                return Err(StoreError::DraftNotFound(d.clone()));
            }
        }
        tx.commit().map_err(|e| self.sq(e))?;
        Ok(rec)
    }

    /// Sign off many cases in one transaction (bulk entry, benchmarks): numbered, signed
    /// and chained exactly as one by one.
    #[doc(hidden)]
    pub fn sign_off_many(
        &self,
        items: &[SignOff],
        key: &SigningKey,
    ) -> Result<Vec<String>, StoreError> {
        let tx = self.begin()?;
        let mut numbers = Vec::with_capacity(items.len());
        for s in items {
            let rec = prepare(s, key)?;
            numbers.push(self.insert_case(&tx, rec, key, s.today.year())?.number);
        }
        tx.commit().map_err(|e| self.sq(e))?;
        Ok(numbers)
    }

    fn insert_case(
        &self,
        tx: &Transaction,
        mut rec: CaseRecord,
        key: &SigningKey,
        year: i16,
    ) -> Result<CaseRecord, StoreError> {
        if let Some(a) = &rec.amends {
            let exists: Option<i64> = tx
                .query_row("SELECT seq FROM cases WHERE number = ?1", [a], |r| r.get(0))
                .optional()
                .map_err(|e| self.sq(e))?;
            if exists.is_none() {
                return Err(StoreError::Invalid(format!(
                    "要更正的案件 {a} 不存在 / the case to amend, {a}, does not exist"
                )));
            }
        }
        let prev: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT seq, number, sha256 FROM cases ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.sq(e))?;
        let serial: i64 = tx
            .query_row(
                "SELECT coalesce(max(serial), 0) + 1 FROM case_index WHERE year = ?1",
                [i64::from(year)],
                |r| r.get(0),
            )
            .map_err(|e| self.sq(e))?;
        if serial > 999_999 {
            return Err(StoreError::Invalid(format!(
                "{year} 年的案件编号已用完 / case numbers for {year} are exhausted"
            )));
        }
        rec.seq = prev.as_ref().map_or(1, |p| p.0 + 1);
        rec.number = format!("BS-{year}-{serial:06}");
        rec.prev = prev.map(|(_, number, sha256)| PrevRef { number, sha256 });
        let body = rec
            .canonical()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        rec.sha256 = sha256_hex(body.as_bytes());
        rec.signature = hex::encode(key.sign(body.as_bytes()).to_bytes());
        tx.execute(
            "INSERT OR IGNORE INTO clerk_keys (public_key, os_user, display_name, registered_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                rec.clerk.public_key,
                rec.clerk.user,
                rec.clerk.display_name,
                rec.signed_at.to_string()
            ],
        )
        .map_err(|e| self.sq(e))?;
        tx.execute(
            "INSERT INTO cases (seq, number, body, sha256, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![rec.seq, rec.number, body, rec.sha256, rec.signature],
        )
        .map_err(|e| self.sq(e))?;
        let results =
            serde_json::to_string(&rec.results).map_err(|e| StoreError::Invalid(e.to_string()))?;
        tx.execute(
            "INSERT INTO case_index (seq, number, year, serial, signed_at, interview_date,
                applicant_name, applicant_id, pathway, status, level, clerk, clerk_name, amends,
                results)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                rec.seq,
                rec.number,
                i64::from(year),
                serial,
                rec.signed_at.to_string(),
                rec.interview_date.map(|d| d.to_string()),
                rec.applicant.name,
                rec.applicant.id_number,
                rec.pathway(),
                rec.status(),
                rec.result_str("level"),
                rec.clerk.user,
                rec.clerk.display_name,
                rec.amends,
                results
            ],
        )
        .map_err(|e| self.sq(e))?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('head', ?1)
             ON CONFLICT (key) DO UPDATE SET value = ?1",
            [format!("{} {} {}", rec.seq, rec.number, rec.sha256)],
        )
        .map_err(|e| self.sq(e))?;
        Ok(rec)
    }

    // ----- reading cases -----

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

    fn damaged(&self, what: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("unreadable value `{what}`"),
        }
    }

    /// One case by number.
    pub fn get_case(&self, number: &str) -> Result<CaseRecord, StoreError> {
        let raw = self
            .conn
            .query_row(
                "SELECT seq, number, body, sha256, signature FROM cases WHERE number = ?1",
                [number.trim()],
                raw_row,
            )
            .optional()
            .map_err(|e| self.sq(e))?
            .ok_or_else(|| StoreError::NotFound(number.trim().to_string()))?;
        self.parse_raw(&raw)
    }

    pub(crate) fn parse_raw(&self, raw: &RawCase) -> Result<CaseRecord, StoreError> {
        let mut rec: CaseRecord =
            serde_json::from_str(&raw.body).map_err(|e| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("case {}: {e}", raw.number),
            })?;
        rec.sha256 = raw.sha256.clone();
        rec.signature = raw.signature.clone();
        Ok(rec)
    }

    /// Full records matching `f`, newest first.
    pub fn for_each_case(
        &self,
        f: &CaseFilter,
        mut each: impl FnMut(CaseRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut seqs = Vec::new();
        self.for_each_row(f, |r| {
            seqs.push(r.seq);
            Ok(())
        })?;
        let mut st = self
            .conn
            .prepare("SELECT seq, number, body, sha256, signature FROM cases WHERE seq = ?1")
            .map_err(|e| self.sq(e))?;
        for s in seqs {
            let raw = st.query_row([s], raw_row).map_err(|e| self.sq(e))?;
            each(self.parse_raw(&raw)?)?;
        }
        Ok(())
    }

    /// Every stored record in chain order, raw (for `verify`).
    pub fn for_each_raw(
        &self,
        mut each: impl FnMut(RawCase) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT seq, number, body, sha256, signature FROM cases ORDER BY seq")
            .map_err(|e| self.sq(e))?;
        let mut rows = st.query([]).map_err(|e| self.sq(e))?;
        while let Some(r) = rows.next().map_err(|e| self.sq(e))? {
            each(raw_row(r).map_err(|e| self.sq(e))?)?;
        }
        Ok(())
    }

    /// Every case number in the store.
    pub fn numbers(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT number FROM cases")
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| r.get(0))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// Registered public keys (hex) with their OS user.
    pub fn registered_keys(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT public_key, os_user FROM clerk_keys")
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// The chain head recorded at the last sign-off: (seq, number, sha256).
    pub fn head(&self) -> Result<Option<(i64, String, String)>, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'head'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sq(e))?;
        Ok(v.and_then(|v| {
            let mut it = v.split(' ');
            Some((
                it.next()?.parse().ok()?,
                it.next()?.to_string(),
                it.next()?.to_string(),
            ))
        }))
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

fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .map_err(|e| io_err(path, e))?;
    if head.is_empty() || head == b"SQLite format 3\0" {
        Ok(())
    } else {
        Err(StoreError::Foreign {
            path: path.to_path_buf(),
        })
    }
}

fn raw_row(r: &rusqlite::Row) -> rusqlite::Result<RawCase> {
    Ok(RawCase {
        seq: r.get(0)?,
        number: r.get(1)?,
        body: r.get(2)?,
        sha256: r.get(3)?,
        signature: r.get(4)?,
    })
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

/// The clerk's signing key, from the config directory.
pub fn clerk_key() -> Result<SigningKey, StoreError> {
    let dir = keys::config_dir().ok_or_else(|| StoreError::Key {
        path: PathBuf::from("~"),
        detail: "no home directory: set GUANTONG_CONFIG_DIR".into(),
    })?;
    keys::load_or_create_key(&dir)
}

/// Evaluate and build the record (all but its number, position and chain link).
fn prepare(s: &SignOff, key: &SigningKey) -> Result<CaseRecord, StoreError> {
    let q = s.questionnaire;
    let name = s.applicant_name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "申请人姓名不能为空 / the applicant's name is required".into(),
        ));
    }
    input::check_applicant_name(name).map_err(StoreError::Invalid)?;
    let applicant_id = s
        .applicant_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            crate::idcard::parse(id)
                .map(|_| id.to_ascii_uppercase())
                .map_err(|e| {
                    StoreError::Invalid(format!("身份证号码无效 / invalid ID number {id}: {e}"))
                })
        })
        .transpose()?;
    let ev = eval::evaluate(q, &s.answers, s.today);
    if let Some((fi, vi)) = ev.invalid().next() {
        let f = &q.facts[usize::from(fi)];
        let m = &f.validate[vi].message;
        return Err(StoreError::Invalid(format!(
            "fact `{}`: {} / {}",
            f.id,
            m.zh(),
            m.en().unwrap_or(m.zh())
        )));
    }
    let mut facts = input::answers_to_json(&s.answers);
    // The interview date defaults to today: record it, so a later re-check uses the day
    // the case was heard.
    if let (Some(d), Some(f)) = (ev.interview_date, q.fact("interview_date")) {
        facts
            .entry(f.id.clone())
            .or_insert_with(|| J::String(d.to_string()));
    }
    let full = report::to_json(q, &ev);
    let take_arr = |k: &str| {
        full.get(k)
            .and_then(J::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut personal: Vec<String> = q
        .facts
        .iter()
        .filter(|f| f.personal)
        .map(|f| f.id.clone())
        .collect();
    for i in [q.meta.applicant_name, q.meta.applicant_id]
        .into_iter()
        .flatten()
    {
        let id = &q.facts[usize::from(i)].id;
        if !personal.contains(id) {
            personal.push(id.clone());
        }
    }
    Ok(CaseRecord {
        format: RECORD_FORMAT.to_string(),
        seq: 0,
        number: String::new(),
        signed_at: s.now,
        questionnaire: QuestionnaireRef {
            id: q.meta.id.clone(),
            version: q.meta.version.clone(),
            sha256: q.sha256.clone(),
        },
        interview_date: ev.interview_date,
        facts,
        personal_facts: personal,
        results: report::results_json(q, &ev),
        findings: report::findings_json(q, &ev),
        materials: take_arr("materials"),
        steps: take_arr("steps"),
        set_aside: take_arr("set_aside"),
        applicant: Applicant {
            name: name.to_string(),
            id_number: applicant_id,
        },
        pledge: Pledge {
            confirmed_at: s.pledge_confirmed_at,
            cite: q.meta.pledge_cite.clone(),
            text: q.meta.pledge.as_ref().map(|t| t.zh().to_string()),
        },
        clerk: Clerk {
            user: keys::os_user(),
            display_name: s.clerk_display_name.clone(),
            public_key: hex::encode(key.verifying_key().to_bytes()),
        },
        notes: s.notes.clone().filter(|n| !n.trim().is_empty()),
        amends: s.amends.clone(),
        prev: None,
        sha256: String::new(),
        signature: String::new(),
    })
}

impl Store {
    /// The connection, for the side tables kept beside the drafts (`draft_meta`, `lease`):
    /// they share the store's file, transactions and busy timeout.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}
