//! Draft leases: a draft open in a wizard is leased to that wizard's process, so another
//! wizard (another clerk, another SSH session) sees it in use and cannot open, save or sign
//! it unless the clerk confirms a take-over. A lease is not a lock a crash leaves behind:
//! it names its holder by host, boot, process id and the process's start time, and a
//! holder that is gone (quit, SIGHUP, kill -9, a reboot, a reused pid) holds nothing. No
//! clock and no renewal are involved, so tests need no sleeping.
//!
//! Kept in a side table (`draft_lease`) of the store's file, keyed by draft id. Only one
//! case can come of a draft whatever happens to the lease: signing deletes the draft in the
//! signing transaction and refuses when it is already gone.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::model::new_id;
use super::{Store, StoreError};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS draft_lease (
    draft_id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    user TEXT NOT NULL,
    host TEXT NOT NULL,
    boot_id TEXT,
    pid INTEGER NOT NULL,
    pid_start INTEGER,
    since TEXT NOT NULL
)";

/// Who holds (or wants) a lease: this process, told apart from every other by a random
/// token (two wizards in one process are two holders).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub token: String,
    /// The OS user.
    pub user: String,
    pub host: String,
    /// `/proc/sys/kernel/random/boot_id`: a new one after every reboot.
    pub boot_id: Option<String>,
    pub pid: u32,
    /// The process's start time (clock ticks after boot, `/proc/PID/stat` field 22): a pid
    /// reused by another process has another.
    pub pid_start: Option<u64>,
}

/// A lease on record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    pub draft_id: String,
    pub holder: Holder,
    pub since: Timestamp,
}

/// What asking for a lease gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Acquired {
    /// The lease is ours (it was free, its holder was gone, or it was ours already).
    Held,
    /// Another live holder has it; nothing changed.
    InUse(Lease),
    /// Taken from a live holder, as the clerk confirmed: it can no longer save or sign.
    TakenOver(Lease),
}

impl Holder {
    /// This process, with a new token.
    pub fn current(user: &str) -> Holder {
        let pid = std::process::id();
        Holder {
            token: new_id(),
            user: user.to_string(),
            host: host(),
            boot_id: boot_id(),
            pid,
            pid_start: process_start(pid),
        }
    }

    /// `user@host` when the host is not this one, else `user`.
    pub fn who(&self) -> String {
        if self.host == host() {
            self.user.clone()
        } else {
            format!("{}@{}", self.user, self.host)
        }
    }
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn host() -> String {
    read_trimmed("/proc/sys/kernel/hostname")
        .or_else(|| read_trimmed("/etc/hostname"))
        .unwrap_or_else(|| "localhost".to_string())
}

fn boot_id() -> Option<String> {
    read_trimmed("/proc/sys/kernel/random/boot_id")
}

/// A running process's start time from `/proc/PID/stat` (field 22, counted after the
/// command name, which may itself hold spaces and parentheses); `None` when there is no
/// such process, or it has ended and waits only to be reaped (a zombie).
pub fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    if matches!(fields.next(), Some("Z" | "X" | "x")) {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

/// Is the holder of `lease` still running? Gone after a reboot, when its process has ended,
/// or when its pid now belongs to a process started at another time. A holder on another
/// host cannot be checked from here and counts as running (the take-over is for that).
pub fn alive(lease: &Lease) -> bool {
    let h = &lease.holder;
    if h.host != host() {
        return true;
    }
    if let (Some(theirs), Some(ours)) = (&h.boot_id, boot_id())
        && *theirs != ours
    {
        return false;
    }
    match process_start(h.pid) {
        None => false,
        Some(start) => h.pid_start.is_none_or(|s| s == start),
    }
}

fn no_table(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(_, Some(m)) if m.starts_with("no such table"))
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<(Lease, String)> {
    let since: String = r.get(7)?;
    Ok((
        Lease {
            draft_id: r.get(0)?,
            holder: Holder {
                token: r.get(1)?,
                user: r.get(2)?,
                host: r.get(3)?,
                boot_id: r.get(4)?,
                pid: r.get::<_, i64>(5)?.try_into().unwrap_or(0),
                pid_start: r.get::<_, Option<i64>>(6)?.and_then(|s| s.try_into().ok()),
            },
            since: Timestamp::UNIX_EPOCH,
        },
        since,
    ))
}

fn finish(store: &Store, (mut lease, since): (Lease, String)) -> Result<Lease, StoreError> {
    lease.since = since.parse().map_err(|_| StoreError::Corrupt {
        path: store.path().to_path_buf(),
        detail: format!(
            "lease of draft {}: unreadable time `{since}`",
            lease.draft_id
        ),
    })?;
    Ok(lease)
}

const COLUMNS: &str = "draft_id, token, user, host, boot_id, pid, pid_start, since";

/// Ask for the lease on draft `id` for `me`. Free, held by a holder that is gone, or held by
/// `me`: ours. Held by another live holder: `InUse`, unless `take_over` (the clerk
/// confirmed), which takes it. `alive` decides whether a holder is running ([`alive`] in
/// the program; tests may pass their own).
pub fn acquire(
    store: &Store,
    id: &str,
    me: &Holder,
    now: Timestamp,
    take_over: bool,
    alive: &dyn Fn(&Lease) -> bool,
) -> Result<Acquired, StoreError> {
    let sq = |e| StoreError::sqlite(store.path(), e);
    let tx = rusqlite::Transaction::new_unchecked(store.conn(), TransactionBehavior::Immediate)
        .map_err(sq)?;
    tx.execute_batch(SCHEMA).map_err(sq)?;
    let current = tx
        .query_row(
            &format!("SELECT {COLUMNS} FROM draft_lease WHERE draft_id = ?1"),
            [id],
            row,
        )
        .optional()
        .map_err(sq)?
        .map(|r| finish(store, r))
        .transpose()?;
    let outcome = match current {
        Some(l) if l.holder.token == me.token => return Ok(Acquired::Held),
        Some(l) if alive(&l) && !take_over => return Ok(Acquired::InUse(l)),
        Some(l) if alive(&l) => Acquired::TakenOver(l),
        _ => Acquired::Held,
    };
    tx.execute(
        &format!(
            "INSERT INTO draft_lease ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (draft_id) DO UPDATE SET token = ?2, user = ?3, host = ?4,
                boot_id = ?5, pid = ?6, pid_start = ?7, since = ?8"
        ),
        params![
            id,
            me.token,
            me.user,
            me.host,
            me.boot_id,
            i64::from(me.pid),
            me.pid_start.and_then(|s| i64::try_from(s).ok()),
            now.to_string()
        ],
    )
    .map_err(sq)?;
    tx.commit().map_err(sq)?;
    Ok(outcome)
}

/// Is the lease on draft `id` still `me`'s? (Not when another wizard took it over.)
pub fn holds(store: &Store, id: &str, me: &Holder) -> Result<bool, StoreError> {
    Ok(lease_of(store, id)?.is_some_and(|l| l.holder.token == me.token))
}

/// The lease on draft `id`, whoever holds it, running or not.
pub fn lease_of(store: &Store, id: &str) -> Result<Option<Lease>, StoreError> {
    let r = store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM draft_lease WHERE draft_id = ?1"),
            [id],
            row,
        )
        .optional();
    match r {
        Ok(r) => r.map(|r| finish(store, r)).transpose(),
        Err(e) if no_table(&e) => Ok(None),
        Err(e) => Err(StoreError::sqlite(store.path(), e)),
    }
}

/// Every lease whose holder is running (per `alive`), by draft id.
pub fn live(
    store: &Store,
    alive: &dyn Fn(&Lease) -> bool,
) -> Result<std::collections::BTreeMap<String, Lease>, StoreError> {
    let sq = |e| StoreError::sqlite(store.path(), e);
    let mut st = match store
        .conn()
        .prepare(&format!("SELECT {COLUMNS} FROM draft_lease"))
    {
        Ok(st) => st,
        Err(e) if no_table(&e) => return Ok(Default::default()),
        Err(e) => return Err(sq(e)),
    };
    let rows = st
        .query_map([], row)
        .map_err(sq)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sq)?;
    let mut out = std::collections::BTreeMap::new();
    for r in rows {
        let l = finish(store, r)?;
        if alive(&l) {
            out.insert(l.draft_id.clone(), l);
        }
    }
    Ok(out)
}

/// Give up `me`'s lease on draft `id` (nothing when it is not `me`'s).
pub fn release(store: &Store, id: &str, me: &Holder) -> Result<(), StoreError> {
    match store.conn().execute(
        "DELETE FROM draft_lease WHERE draft_id = ?1 AND token = ?2",
        [id, &me.token],
    ) {
        Ok(_) => Ok(()),
        Err(e) if no_table(&e) => Ok(()),
        Err(e) => Err(StoreError::sqlite(store.path(), e)),
    }
}

/// Drop the lease on draft `id`, whoever held it (the draft was signed off or discarded).
pub fn forget(store: &Store, id: &str) -> Result<(), StoreError> {
    match store
        .conn()
        .execute("DELETE FROM draft_lease WHERE draft_id = ?1", [id])
    {
        Ok(_) => Ok(()),
        Err(e) if no_table(&e) => Ok(()),
        Err(e) => Err(StoreError::sqlite(store.path(), e)),
    }
}

/// The error for a wizard whose lease was taken: it must neither save nor sign.
pub fn lost(id: &str, now_held_by: Option<&Lease>) -> StoreError {
    let who = now_held_by.map_or_else(
        || "另一终端 / another terminal".to_string(),
        |l| l.holder.who(),
    );
    // short: the wizard shows it in one status line
    StoreError::Invalid(format!(
        "此草稿已由 {who} 接管，本终端不再保存或签字 / draft {id} was taken over by {who}: not saved or signed here"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = Store::open(dir.path()).expect("store");
        (dir, s)
    }

    fn now() -> Timestamp {
        "2026-06-15T02:30:00Z".parse().expect("timestamp")
    }

    #[test]
    fn this_process_is_alive_and_a_finished_one_is_not() {
        let me = Holder::current("clerk");
        assert!(me.pid_start.is_some());
        let lease = |h: Holder| Lease {
            draft_id: "d".into(),
            holder: h,
            since: now(),
        };
        assert!(alive(&lease(me.clone())));
        // a process that has ended
        let mut child = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .expect("spawn");
        let pid = child.id();
        let start = process_start(pid);
        assert!(start.is_some());
        child.kill().expect("kill");
        // killed but not reaped yet: a zombie holds nothing either
        let mut zombie = Holder {
            pid,
            pid_start: start,
            ..me.clone()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while alive(&lease(zombie.clone())) {
            assert!(
                std::time::Instant::now() < deadline,
                "still alive after kill"
            );
            std::thread::yield_now();
        }
        child.wait().expect("wait");
        zombie.pid_start = start;
        assert!(!alive(&lease(zombie)));
        // this pid, but started at another time (a reused pid)
        let reused = Holder {
            pid_start: me.pid_start.map(|s| s + 1),
            ..me.clone()
        };
        assert!(!alive(&lease(reused)));
        // another boot
        let rebooted = Holder {
            boot_id: Some("another-boot".into()),
            ..me.clone()
        };
        assert!(!alive(&lease(rebooted)));
        // another host cannot be checked: counted as running
        let remote = Holder {
            host: "elsewhere".into(),
            pid: 1,
            pid_start: Some(1),
            ..me
        };
        assert!(alive(&lease(remote)));
    }

    #[test]
    fn in_use_take_over_release() {
        let (_d, s) = store();
        let a = Holder::current("a");
        let b = Holder::current("b");
        let yes = |_: &Lease| true;
        let no = |_: &Lease| false;
        assert!(lease_of(&s, "d1").expect("read").is_none());
        assert!(live(&s, &yes).expect("list").is_empty());
        assert_eq!(
            acquire(&s, "d1", &a, now(), false, &yes).expect("a"),
            Acquired::Held
        );
        assert_eq!(
            acquire(&s, "d1", &a, now(), false, &yes).expect("again"),
            Acquired::Held
        );
        let Acquired::InUse(l) = acquire(&s, "d1", &b, now(), false, &yes).expect("b") else {
            panic!("b got a held lease");
        };
        assert_eq!(l.holder.user, "a");
        assert_eq!(l.since, now());
        assert!(holds(&s, "d1", &a).expect("holds"));
        assert!(!holds(&s, "d1", &b).expect("holds"));
        assert_eq!(live(&s, &yes).expect("list").len(), 1);
        assert!(live(&s, &no).expect("list").is_empty());
        // the holder is gone: b gets it without a take-over
        assert_eq!(
            acquire(&s, "d1", &b, now(), false, &no).expect("b"),
            Acquired::Held
        );
        assert!(!holds(&s, "d1", &a).expect("holds"));
        // a takes it back over a live b, as confirmed
        let Acquired::TakenOver(l) = acquire(&s, "d1", &a, now(), true, &yes).expect("a") else {
            panic!("no take-over");
        };
        assert_eq!(l.holder.token, b.token);
        // b's release does not touch a's lease; a's does
        release(&s, "d1", &b).expect("release");
        assert!(holds(&s, "d1", &a).expect("holds"));
        release(&s, "d1", &a).expect("release");
        assert!(lease_of(&s, "d1").expect("read").is_none());
        acquire(&s, "d2", &a, now(), false, &yes).expect("a");
        forget(&s, "d2").expect("forget");
        assert!(lease_of(&s, "d2").expect("read").is_none());
    }
}
