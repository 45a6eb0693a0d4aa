//! The SQLite case store: one database file in the data directory, WAL mode, every write
//! in a `BEGIN IMMEDIATE` transaction with a busy timeout, `synchronous = FULL`.
//!
//! Tables: `drafts` (interviews in progress), `cases` (signed canonical records, append
//! only, enforced by triggers), `case_index` (the columns `list` and `--search` read, so
//! that listing never parses a record), `questionnaires` (a copy of every questionnaire a
//! draft or case was made under, see `copies`), `clerk_keys` (registered public keys),
//! `meta`.
//!
//! By job: this file opens, creates and migrates the store; `schema` holds the migrations;
//! `drafts` the interviews in progress; `signing` sign-off (numbering and appending, the
//! sealing itself is [`crate::case::record`]'s); `index` the list and search rows;
//! `records` reading the signed records back (the [`CaseLog`](crate::case::CaseLog) side).

mod copies;
mod drafts;
mod index;
mod records;
mod schema;
mod signing;

use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::{OfficeCode, StoreError};

pub use super::record::RawCase;
pub use copies::KeptCopy;
pub(crate) use index::IndexCheck;
pub use index::IndexRow;
pub(crate) use records::Kept;
use schema::MIGRATIONS;
pub use schema::SCHEMA_VERSION;
pub use signing::clerk_key;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "guantong.db";
/// `PRAGMA application_id` of a guantong store ("GTNG").
pub const APPLICATION_ID: i64 = 0x4754_4E47;
/// Held (flock) while a process opens and migrates the store.
const LOCK_FILE: &str = "guantong.lock";

/// How long [`Store::open`] waits for another process holding `guantong.lock` (opening
/// or migrating the store) before giving up with a message naming it.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// How to open a store.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// How long to wait for `guantong.lock`.
    pub lock_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            lock_timeout: LOCK_TIMEOUT,
        }
    }
}

/// The case store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    dir: PathBuf,
    shared: bool,
    /// Opened read-only (a read-only copy, a directory or file this user cannot write):
    /// everything can be read and verified, nothing saved.
    read_only: bool,
    /// The office code this process signs under (from config or the environment).
    office: Option<OfficeCode>,
    /// The pages passed `PRAGMA quick_check` in this process (checked once, before the
    /// first sign-off).
    pages_checked: std::cell::Cell<bool>,
    /// Things a person should hear about (a world-readable file, a receipt not kept).
    warnings: std::cell::RefCell<Vec<String>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn io_err(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Store {
    /// guantong's data directory (`~/.local/share/guantong` on Linux; see
    /// [`super::dirs`] for stores at an earlier version's location).
    pub fn default_dir() -> Option<PathBuf> {
        super::dirs::data_dir().map(|(d, _)| d)
    }

    /// Open (creating when absent) the store in `dir`. A new directory is created 0700 and
    /// the database 0600; in an existing setgid directory (a shared office directory) the
    /// database is created 0660 instead. A file that is not a guantong store, or one with
    /// a newer schema, is refused without being changed. A store this user cannot write
    /// (a read-only copy, directory or file) is opened read-only: it can be listed, shown
    /// and verified, and every save is refused naming why.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(dir, &OpenOptions::default())
    }

    /// [`Store::open`] with options.
    pub fn open_with(dir: &Path, opts: &OpenOptions) -> Result<Store, StoreError> {
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
        let path = dir.join(DB_FILE);
        let store = match Store::open_rw(dir, opts) {
            Ok(s) => s,
            // Cannot write here, but there is a store to read: read it.
            Err(e) if cannot_write(&e) && path.is_file() => {
                Store::open_ro(dir, opts).map_err(|ro| match ro {
                    // say why writing failed when reading fails the same way
                    StoreError::CannotOpen { .. } => e,
                    other => other,
                })?
            }
            Err(e) => return Err(e),
        };
        store.check_modes();
        Ok(store)
    }

    fn open_rw(dir: &Path, opts: &OpenOptions) -> Result<Store, StoreError> {
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
        lock_within(&lock, &lock_path, opts.lock_timeout)?;
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
        let store = Store::with(conn, path, dir, shared, false);
        store.init()?;
        drop(lock);
        Ok(store)
    }

    /// Open a store this user cannot write, read-only. SQLite needs to create the `-shm`
    /// file beside a WAL database even to read it; where it cannot, and no `-wal` file
    /// holds changes not yet written back, the file is read as immutable.
    fn open_ro(dir: &Path, opts: &OpenOptions) -> Result<Store, StoreError> {
        let path = dir.join(DB_FILE);
        check_header(&path)?;
        // Wait for a process migrating it, where the lock file can be opened at all.
        let lock_path = dir.join(LOCK_FILE);
        let lock = std::fs::File::open(&lock_path).ok();
        if let Some(l) = &lock {
            lock_within(l, &lock_path, opts.lock_timeout)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let uri = |extra: &str| format!("file:{}?mode=ro{extra}", uri_path(&path));
        let probe =
            |c: &Connection| c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
        let conn = match Connection::open_with_flags(uri(""), flags) {
            Ok(c) if probe(&c).is_ok() => c,
            _ => {
                let wal = dir.join(format!("{DB_FILE}-wal"));
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(StoreError::CannotOpen {
                        path: path.clone(),
                        detail: format!(
                            "只读打开时无法读取 {} 中尚未写回的内容：请在可写的位置打开，或复制前先关闭所有 guantong / opened read-only, the changes in {} not yet written back cannot be read: open it where it can be written, or close every guantong before copying",
                            wal.display(),
                            wal.display()
                        ),
                    });
                }
                let c = Connection::open_with_flags(uri("&immutable=1"), flags)
                    .map_err(|e| StoreError::sqlite(&path, e))?;
                probe(&c).map_err(|e| StoreError::sqlite(&path, e))?;
                c
            }
        };
        let store = Store::with(conn, path, dir, false, true);
        store.init()?;
        drop(lock);
        Ok(store)
    }

    fn with(conn: Connection, path: PathBuf, dir: &Path, shared: bool, read_only: bool) -> Store {
        Store {
            conn,
            path,
            dir: dir.to_path_buf(),
            shared,
            read_only,
            office: None,
            pages_checked: std::cell::Cell::new(false),
            warnings: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// True when the store was opened read-only ([`Store::open`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// What a person should hear about this store, once: a database others can read, a
    /// receipt that could not be kept. Each Chinese / English.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings.take()
    }

    pub(crate) fn warn(&self, w: String) {
        self.warnings.borrow_mut().push(w);
    }

    /// Warn when the database or its journal files can be read (or written) by anyone
    /// not in its owner's group: personal data of every applicant is in them.
    fn check_modes(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", self.path.display()));
            if let Ok(m) = std::fs::metadata(&p)
                && m.mode() & 0o006 != 0
            {
                self.warn(format!(
                    "{}: 警告：其他用户可以读取（权限 {:o}），其中有申请人的个人信息：请执行 chmod o-rwx {} / warning: readable by every user (mode {:o}), and it holds applicants' personal data: chmod o-rwx it",
                    p.display(),
                    m.mode() & 0o777,
                    p.display(),
                    m.mode() & 0o777
                ));
            }
        }
    }

    /// Before appending to the chain: `PRAGMA quick_check` once per process, so that a
    /// store whose pages are damaged is not written to (an append could spread the
    /// damage, and a record chained after a damaged one is chained to nothing sure).
    pub fn check_pages(&self) -> Result<(), StoreError> {
        if self.pages_checked.get() {
            return Ok(());
        }
        let rows: Result<Vec<String>, rusqlite::Error> = self
            .conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
        let bad = |detail: String| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!(
                "完整性检查（PRAGMA quick_check）未通过，未签发 / the integrity check (PRAGMA quick_check) failed, nothing was signed: {detail}"
            ),
        };
        match rows {
            Ok(r) if r == ["ok"] => {
                self.pages_checked.set(true);
                Ok(())
            }
            Ok(r) => Err(bad(r.into_iter().take(5).collect::<Vec<_>>().join("; "))),
            Err(e) => Err(bad(e.to_string())),
        }
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

    /// The office code this process signs under. Sign-off refuses without one, and
    /// refuses one that differs from the code the store was first signed under.
    pub fn set_office(&mut self, office: Option<OfficeCode>) {
        self.office = office;
    }

    /// The office code given with [`Store::set_office`].
    pub fn configured_office(&self) -> Option<&OfficeCode> {
        self.office.as_ref()
    }

    /// The store's origin id: the name of its chain, made when the store was created (or
    /// migrated to schema 2).
    pub fn origin(&self) -> Result<String, StoreError> {
        self.meta("origin")?.ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            detail: "the store has no origin id".into(),
        })
    }

    /// The office code written at the store's first sign-off, if any.
    pub fn recorded_office(&self) -> Result<Option<String>, StoreError> {
        self.meta("office")
    }

    /// Check the configured office code against the store's, as sign-off will: `Ok` when
    /// they agree or the store has none yet.
    pub fn check_office(&self) -> Result<OfficeCode, StoreError> {
        let recorded = self.recorded_office()?;
        match (&self.office, recorded) {
            (None, recorded) => Err(StoreError::NoOffice {
                path: self.path.clone(),
                recorded,
            }),
            (Some(c), Some(r)) if c.as_str() != r => Err(StoreError::OfficeMismatch {
                path: self.path.clone(),
                configured: c.to_string(),
                recorded: r,
            }),
            (Some(c), _) => Ok(c.clone()),
        }
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.sq(e))
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
        if self.read_only {
            return Err(StoreError::CannotOpen {
                path: self.path.clone(),
                detail: "opened read-only: nothing can be saved".into(),
            });
        }
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
    fn damaged(&self, what: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("unreadable value `{what}`"),
        }
    }
}

/// An error that says this user cannot write the store (where reading may still work).
fn cannot_write(e: &StoreError) -> bool {
    match e {
        StoreError::ReadOnly { .. } | StoreError::CannotOpen { .. } => true,
        StoreError::Io { source, .. } => matches!(
            source.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        ),
        _ => false,
    }
}

/// Take `lock` (flock, exclusive), waiting at most `timeout` for another process.
fn lock_within(lock: &std::fs::File, path: &Path, timeout: Duration) -> Result<(), StoreError> {
    let start = std::time::Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::LockTimeout {
                    path: path.to_path_buf(),
                    seconds: timeout.as_secs_f64(),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(path, e)),
        }
    }
}

/// A path for an SQLite URI (`file:` + percent-encoded path).
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for b in path.as_os_str().as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(*b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
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

impl Store {
    /// The connection, for the side tables kept beside the drafts (`draft_meta`, `lease`):
    /// they share the store's file, transactions and busy timeout.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}
