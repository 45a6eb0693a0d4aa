//! `cases verify --server`: this store against the server's copy of its chain. Every
//! record the server holds must be in the store unchanged (else the store was truncated
//! or rewritten), and every record on the server must carry a valid Ed25519 signature by
//! a key the server's registry holds for the office, in an unbroken chain. Records not
//! pushed yet are counted, not faulted.

use std::collections::HashSet;

use crate::case::log::CaseLog;
use crate::case::record::{self, ChainHead};
use crate::case::verify::{Problem, ProblemKind, problem};

use super::ServerError;

/// What comparing found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compared {
    /// Records on the server.
    pub on_server: usize,
    /// Local records the server does not hold yet.
    pub not_pushed: usize,
    pub problems: Vec<Problem>,
}

/// Compare `local` with `remote` (the server's copy of the same origin).
pub fn compare_logs(local: &dyn CaseLog, remote: &dyn CaseLog) -> Result<Compared, ServerError> {
    let mine = local.chain()?;
    let theirs = remote.chain()?;
    let mut out = Compared {
        on_server: theirs.len(),
        ..Compared::default()
    };
    let find = |seq: i64| {
        mine.binary_search_by_key(&seq, |h| h.seq)
            .ok()
            .map(|i| &mine[i])
    };
    for r in &theirs {
        match find(r.seq) {
            None => out.problems.push(problem(
                &r.number,
                ProblemKind::Removed,
                format!(
                    "服务器上有这份案件（第 {} 份），本案件库中却没有（被截断或被替换）",
                    r.seq
                ),
                format!(
                    "the server holds it at position {} but this store does not (truncated or replaced)",
                    r.seq
                ),
            )),
            Some(l) if l.number != r.number || l.sha256 != r.sha256 => {
                out.problems.push(problem(
                    &r.number,
                    ProblemKind::Altered,
                    format!(
                        "本案件库第 {} 份（{}）与服务器上的副本不符（被改写）",
                        r.seq, l.number
                    ),
                    format!(
                        "this store's record at position {} ({}) differs from the server's copy (rewritten)",
                        r.seq, l.number
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    let last_on_server = theirs.last().map_or(0, |h| h.seq);
    out.not_pushed = mine.iter().filter(|h| h.seq > last_on_server).count();
    // the server's copy on its own: seals, signers, links
    let keys: HashSet<String> = remote
        .registered_keys()?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut prev: Option<ChainHead> = None;
    let mut problems = Vec::new();
    remote.records_from(1, &mut |raw| {
        let seal = record::check_seal(&raw);
        let mut bad: Vec<(&str, &str)> = Vec::new();
        if !seal.hash_ok {
            bad.push((
                "服务器上的副本与其哈希不符",
                "the server's copy does not match its hash",
            ));
        }
        if !seal.signature_ok {
            bad.push((
                "服务器上的副本签名无效",
                "the server's copy has an invalid signature",
            ));
        }
        if let Some(rec) = &seal.record {
            if !keys.contains(&rec.clerk.public_key) {
                bad.push((
                    "签名密钥不在服务器为本办公室登记的密钥中",
                    "signed by a key not in the server's registry for this office",
                ));
            }
            if !record::follows(&raw, rec, prev.as_ref()) {
                bad.push((
                    "服务器上的副本未接续前一份案件",
                    "the server's copy does not follow the case before it",
                ));
            }
        } else {
            bad.push(("服务器上的副本无法读取", "the server's copy is unreadable"));
        }
        if !bad.is_empty() {
            let zh: Vec<&str> = bad.iter().map(|b| b.0).collect();
            let en: Vec<&str> = bad.iter().map(|b| b.1).collect();
            problems.push(problem(
                &raw.number,
                ProblemKind::Altered,
                zh.join("；"),
                en.join("; "),
            ));
        }
        prev = Some(ChainHead {
            seq: raw.seq,
            number: raw.number,
            sha256: raw.sha256,
        });
        Ok(())
    })?;
    out.problems.extend(problems);
    Ok(out)
}
