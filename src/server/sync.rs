//! `guantong sync`: push this store's new signed records to the bureau's server.
//!
//! 1. The store claims its office code on the server (a second store claiming a registered
//!    code is refused there) and registers its clerks' public keys.
//! 2. Its chain is compared with the server's copy (position, number, hash of every record
//!    the server holds): the server is the outside witness, so a store that lost records
//!    (truncated, restored from an old backup) or holds other ones (rewritten) is refused,
//!    naming the first case that disagrees, before anything is pushed.
//! 3. The records after the server's last are checked as `verify` checks them (hash,
//!    Ed25519 signature, registered key, the link to the one before) and pushed in order,
//!    in batches of one transaction each. A dropped link loses at most the batch in
//!    flight, which the server rolls back; the next run starts after the server's last
//!    record again, so nothing is pushed twice.

use jiff::Timestamp;

use crate::case::log::{CaseLog, CaseLogAppend};
use crate::case::record::{self, ChainHead, RawCase};
use crate::case::{OfficeCode, Store};

use super::log::{BeforeCommit, ServerLog};
use super::{IdKey, Server, ServerError, contact};

/// Records per transaction when none is asked for.
pub const DEFAULT_BATCH: usize = 500;

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub office: String,
    /// Records pushed by this run.
    pub pushed: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Records of this store the server holds now.
    pub held: usize,
}

/// Compare a local chain with the server's copy: every record the server holds must be in
/// the local chain, at the same position, with the same number and hash.
pub fn compare(local: &[ChainHead], remote: &[ChainHead]) -> Result<(), ServerError> {
    let at = |seq: i64| {
        local
            .binary_search_by_key(&seq, |h| h.seq)
            .ok()
            .map(|i| &local[i])
    };
    for r in remote {
        match at(r.seq) {
            None => {
                return Err(ServerError::Disagree {
                    number: r.number.clone(),
                    zh: format!(
                        "服务器上有这份案件（第 {} 份），本案件库中却没有：案件库被截断或被替换",
                        r.seq
                    ),
                    en: format!(
                        "the server holds it (position {}) but this store does not: the store was truncated or replaced",
                        r.seq
                    ),
                });
            }
            Some(l) if l.number != r.number || l.sha256 != r.sha256 => {
                let (zh_what, en_what) = if l.number != r.number {
                    (
                        format!("本案件库该位置是 {}", l.number),
                        format!("this store holds {} there", l.number),
                    )
                } else {
                    ("内容不同".to_string(), "its content differs".to_string())
                };
                return Err(ServerError::Disagree {
                    number: r.number.clone(),
                    zh: format!(
                        "与服务器上的副本（第 {} 份）不符，{zh_what}：案件库被改写",
                        r.seq
                    ),
                    en: format!(
                        "differs from the server's copy (position {}), {en_what}: the store was rewritten",
                        r.seq
                    ),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Check a local record before it leaves: its seal, its signer and its link.
fn check_outgoing(
    raw: &RawCase,
    prev: Option<&ChainHead>,
    keys: &std::collections::HashSet<String>,
) -> Result<(), ServerError> {
    let seal = record::check_seal(raw);
    let mut bad: Vec<&str> = Vec::new();
    if !seal.hash_ok {
        bad.push("content does not match its hash");
    }
    if !seal.signature_ok {
        bad.push("signature does not match");
    }
    match &seal.record {
        None => bad.push("record unreadable"),
        Some(rec) => {
            if !keys.contains(&rec.clerk.public_key) {
                bad.push("signed by a key not registered in this store");
            }
            if !record::follows(raw, rec, prev) {
                bad.push("does not follow the case before it in the chain");
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(ServerError::Broken {
            number: raw.number.clone(),
            detail: bad.join("; "),
        })
    }
}

/// Push what `local` has beyond `remote`'s copy of its chain, in batches of `batch`,
/// calling `pushed` after each committed batch. Returns the records pushed (first, last,
/// count).
pub fn push<L, R>(
    local: &L,
    remote: &mut R,
    batch: usize,
    mut pushed: impl FnMut(&[RawCase]),
) -> Result<(usize, Option<String>, Option<String>, usize), ServerError>
where
    L: CaseLog + ?Sized,
    R: CaseLogAppend<Error = ServerError>,
{
    let origin = local.origin()?;
    let held = remote.chain_of(&origin)?;
    let mine = local.chain()?;
    compare(&mine, &held)?;
    if let (Some(h), Some(last)) = (local.recorded_head()?, mine.last())
        && h.seq > last.seq
    {
        return Err(ServerError::Disagree {
            number: h.number.clone(),
            zh: format!(
                "本案件库记录的最新案件在第 {} 份，实际只有 {} 份：请运行 guantong cases verify",
                h.seq, last.seq
            ),
            en: format!(
                "this store's head is at position {} but its last record is at {}: run guantong cases verify",
                h.seq, last.seq
            ),
        });
    }
    let keys: std::collections::HashSet<String> = local
        .registered_keys()?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut prev: Option<ChainHead> = held.last().cloned();
    let from = prev.as_ref().map_or(1, |p| p.seq + 1);
    let batch = batch.max(1);
    let mut pending: Vec<RawCase> = Vec::with_capacity(batch);
    let (mut count, mut first, mut last) = (0usize, None, None);
    let mut failure: Option<ServerError> = None;
    let mut flush = |pending: &mut Vec<RawCase>,
                     remote: &mut R,
                     count: &mut usize,
                     first: &mut Option<String>,
                     last: &mut Option<String>|
     -> Result<(), ServerError> {
        if pending.is_empty() {
            return Ok(());
        }
        remote.append(&origin, pending)?;
        *count += pending.len();
        if first.is_none() {
            *first = pending.first().map(|r| r.number.clone());
        }
        *last = pending.last().map(|r| r.number.clone());
        pushed(pending);
        pending.clear();
        Ok(())
    };
    let r = local.records_from(from, &mut |raw| {
        if let Err(e) = check_outgoing(&raw, prev.as_ref(), &keys) {
            failure = Some(e);
            return Err(crate::case::StoreError::Invalid(String::new()));
        }
        prev = Some(ChainHead {
            seq: raw.seq,
            number: raw.number.clone(),
            sha256: raw.sha256.clone(),
        });
        pending.push(raw);
        if pending.len() >= batch
            && let Err(e) = flush(&mut pending, remote, &mut count, &mut first, &mut last)
        {
            failure = Some(e);
            return Err(crate::case::StoreError::Invalid(String::new()));
        }
        Ok(())
    });
    if let Some(e) = failure {
        // what passed before a broken record still goes: it is good, and in order
        if matches!(e, ServerError::Broken { .. }) {
            flush(&mut pending, remote, &mut count, &mut first, &mut last)?;
        }
        return Err(e);
    }
    r?;
    flush(&mut pending, remote, &mut count, &mut first, &mut last)?;
    Ok((count, first, last, held.len() + count))
}

/// Everything `guantong sync` does with an open connection: claim the office, register
/// the keys, push, and note the contact. `office` is the code configured for this store
/// (used when the store has signed nothing under one yet).
pub fn sync(
    store: &Store,
    mut server: Server,
    key: &IdKey,
    office: Option<&OfficeCode>,
    batch: usize,
    pushed: impl FnMut(&[RawCase]),
    before_commit: Option<BeforeCommit>,
) -> Result<Outcome, ServerError> {
    let origin = store.origin()?;
    let office = match (store.recorded_office()?, office) {
        (Some(r), _) => r,
        (None, Some(c)) => c.to_string(),
        (None, None) => {
            return Err(crate::case::StoreError::NoOffice {
                path: store.path().to_path_buf(),
                recorded: None,
            }
            .into());
        }
    };
    let at = server.at();
    server
        .client
        .query_one(
            "SELECT guantong.claim($1, $2, $3)",
            &[&office, &origin, &key.fingerprint()],
        )
        .map_err(|e| ServerError::from_pg(&at, e))?;
    let display: Option<String> = None;
    for (k, user) in store.registered_keys()? {
        server
            .client
            .execute(
                "SELECT guantong.register_key($1, $2, $3)",
                &[&k, &user, &display],
            )
            .map_err(|e| ServerError::from_pg(&at, e))?;
    }
    let mut log = ServerLog::new(server, &origin, &office, Some(key.clone()));
    if let Some(f) = before_commit {
        log.set_before_commit(f);
    }
    let (pushed_n, first, last, held) = push(store, &mut log, batch, pushed)?;
    contact::record_ok(store, Timestamp::now())?;
    Ok(Outcome {
        office,
        pushed: pushed_n,
        first,
        last,
        held,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(seq: i64, n: &str, s: &str) -> ChainHead {
        ChainHead {
            seq,
            number: n.into(),
            sha256: s.into(),
        }
    }

    #[test]
    fn the_server_is_the_witness() {
        let local = vec![h(1, "A", "a"), h(2, "B", "b"), h(3, "C", "c")];
        assert!(compare(&local, &[]).is_ok());
        assert!(compare(&local, &local[..2]).is_ok());
        // truncated: the server holds C, the store no longer does
        let e = compare(&local[..2], &local).unwrap_err().to_string();
        assert!(e.contains("案件 C") && e.contains("truncated"), "{e}");
        // rewritten: B's hash differs
        let other = vec![h(1, "A", "a"), h(2, "B", "x")];
        let e = compare(&local, &other).unwrap_err().to_string();
        assert!(e.contains("case B") && e.contains("rewritten"), "{e}");
        // another case at the position
        let other = vec![h(1, "A", "a"), h(2, "Z", "b")];
        let e = compare(&local, &other).unwrap_err().to_string();
        assert!(e.contains("case Z") && e.contains("holds B"), "{e}");
    }
}
