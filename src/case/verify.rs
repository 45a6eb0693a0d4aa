//! `cases verify`: every signature, the hash chain, the index beside it, and the head.

use super::StoreError;
use super::log::CaseLog;
use super::record::{self, RawCase};
use super::store::Store;
use super::summary;

/// The record format before office codes and origins.
const LEGACY_FORMAT: &str = "guantong-case/1";

/// One thing wrong with the store, naming the case it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub number: String,
    pub kind: ProblemKind,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    Altered,
    Removed,
    Reordered,
}

impl ProblemKind {
    pub fn label(self, lang: crate::text::Lang) -> &'static str {
        match self {
            ProblemKind::Altered => lang.pick("被改动", "altered"),
            ProblemKind::Removed => lang.pick("被删除", "removed"),
            ProblemKind::Reordered => lang.pick("顺序被调换", "reordered"),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} / {}: {}",
            self.number,
            self.kind.label(crate::text::Lang::Zh),
            self.kind.label(crate::text::Lang::En),
            self.detail
        )
    }
}

/// Check the whole store; `progress` is called once per record. Returns the number of
/// records read and every problem found.
pub fn verify(
    store: &Store,
    mut progress: impl FnMut(),
) -> Result<(usize, Vec<Problem>), StoreError> {
    let keys: std::collections::HashSet<String> = store
        .registered_keys()?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let present: std::collections::HashSet<String> = store.numbers()?.into_iter().collect();
    let origin = store.origin()?;
    let office = store.recorded_office()?;
    let mut removed: Vec<String> = Vec::new();
    let mut gaps: Vec<(i64, i64)> = Vec::new();
    let mut problems = Vec::new();
    let mut count = 0usize;
    // (seq, number, stored sha256) of the previous row.
    let mut prev: Option<(i64, String, String)> = None;
    let mut push = |number: &str, kind, detail: String| {
        problems.push(Problem {
            number: number.to_string(),
            kind,
            detail,
        })
    };
    store.records_from(1, &mut |raw: RawCase| {
        count += 1;
        progress();
        let number = raw.number.clone();
        let mut altered = Vec::new();
        let seal = record::check_seal(&raw);
        if !seal.hash_ok {
            altered.push("content does not match its hash");
        }
        let rec = seal.record;
        let signed = seal.signature_ok;
        if !signed {
            altered.push("signature does not match");
        }
        let Some(rec) = rec else {
            altered.push("record unreadable");
            push(&number, ProblemKind::Altered, altered.join("; "));
            prev = Some((raw.seq, raw.number, raw.sha256));
            return Ok(());
        };
        if !keys.contains(&rec.clerk.public_key) {
            altered.push("signed by a key not registered in this store");
        }
        // Records from before office codes carry neither; every later one names this
        // store's origin (its chain) and office.
        if rec.format != LEGACY_FORMAT {
            if rec.origin.as_deref() != Some(origin.as_str()) {
                altered.push("signed into another store's chain (origin differs)");
            }
            if rec.office.is_none() || rec.office != office {
                altered.push("signed under another office code than this store's");
            }
        }
        if rec.number != raw.number {
            altered.push("number differs from the signed one");
        }
        if let Ok(Some((ix, keys))) = store.index_row(raw.seq) {
            let (entries, money) = summary::values(&rec);
            let same = ix.number == rec.number
                && ix.applicant_name == rec.applicant.name
                && ix.applicant_id == rec.applicant.id_number
                && ix.status == rec.status()
                && ix.summary == entries
                && ix.money == money
                && keys == summary::keys(&entries)
                && ix.questionnaire.as_deref() == Some(rec.questionnaire.id.as_str())
                && ix.clerk == rec.clerk.user
                && ix.results == rec.results
                && ix.interview_date == rec.interview_date;
            if !same {
                altered.push("list/search index disagrees with the signed record");
            }
        } else {
            altered.push("missing from the list/search index");
        }
        if !altered.is_empty() {
            push(&number, ProblemKind::Altered, altered.join("; "));
        }
        if rec.seq != raw.seq {
            push(
                &number,
                ProblemKind::Reordered,
                format!(
                    "stored at position {} but signed at position {}",
                    raw.seq, rec.seq
                ),
            );
        }
        let expected_seq = prev.as_ref().map_or(1, |p| p.0 + 1);
        if raw.seq > expected_seq {
            gaps.push((expected_seq, raw.seq - 1));
        }
        let named_prev = rec.prev.as_ref().map(|p| p.number.clone());
        if !signed {
            // An altered record's links cannot be trusted: it is already named.
        } else if let Some(p) = &named_prev
            && !present.contains(p)
        {
            if !removed.contains(p) {
                removed.push(p.clone());
                push(
                    p,
                    ProblemKind::Removed,
                    format!("{number} was signed after it, but it is no longer in the store"),
                );
            }
        } else if rec.seq == raw.seq {
            let expect = prev.as_ref().map(|p| (p.1.as_str(), p.2.as_str()));
            let got = rec
                .prev
                .as_ref()
                .map(|p| (p.number.as_str(), p.sha256.as_str()));
            if expect != got {
                let what = match (expect, got) {
                    (Some((n, _)), Some((gn, _))) if n == gn => {
                        format!("its predecessor {n} was changed after it was signed")
                    }
                    (Some((n, _)), Some((gn, _))) => {
                        format!("signed after {gn}, but stored after {n}")
                    }
                    (None, Some((gn, _))) => format!("signed after {gn}, stored first"),
                    (Some((n, _)), None) => format!("signed as the first case, stored after {n}"),
                    (None, None) => String::new(),
                };
                push(&number, ProblemKind::Reordered, what);
            }
        }
        prev = Some((raw.seq, raw.number, raw.sha256));
        Ok(())
    })?;
    // Positions missing without a successor naming them (removed at the end is handled
    // by the head below).
    let named = removed.len() as i64;
    let missing: i64 = gaps.iter().map(|(a, b)| b - a + 1).sum();
    if missing > named {
        for (a, b) in &gaps {
            push(
                &format!("#{a}"),
                ProblemKind::Removed,
                format!("chain positions {a}..{b} are missing"),
            );
        }
    }
    if let Some(record::ChainHead {
        seq: hseq,
        number: hnum,
        ..
    }) = store.recorded_head()?
    {
        let last = prev.as_ref().map_or(0, |p| p.0);
        if hseq > last {
            push(
                &hnum,
                ProblemKind::Removed,
                format!(
                    "the latest {} case(s) up to {hnum} are missing (last found at position {last})",
                    hseq - last
                ),
            );
        }
    } else if count > 0 {
        push(
            "-",
            ProblemKind::Removed,
            "the chain head record is missing".into(),
        );
    }
    Ok((count, problems))
}
