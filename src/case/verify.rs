//! `cases verify`: every signature, the hash chain, every index column beside it, the
//! head, and, anchored outside the store, who signed (keys pinned in the clerk's config
//! directory and the administrator's trusted-keys file, [`super::trust`]) and how far the
//! chain reached (the clerk's receipts and checkpoints kept off the machine,
//! [`super::anchor`]).
//!
//! Without anchors, someone who can write the database can rewrite it consistently:
//! re-sign records with a key of their own (and register it in `clerk_keys`), cut the
//! chain back, renumber it, fix the recorded head. The anchors are what make each of
//! those a named problem.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::StoreError;
use super::anchor::{self, HeadFinding, HeadKind, SignedHead};
use super::keys;
use super::model::CaseRecord;
use super::record::{self, RawCase};
use super::store::{Kept, Store};
use super::summary;
use super::trust::{KeyStatus, Pins};
use crate::text::Lang;

/// The record format before office codes and origins.
const LEGACY_FORMAT: &str = "guantong-case/1";

/// One thing wrong with the store, naming the case it is about (`-` when none; `#N` for
/// a chain position).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub number: String,
    pub kind: ProblemKind,
    /// What is wrong, in English.
    pub detail: String,
    /// The same in Chinese.
    pub detail_zh: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    Altered,
    Removed,
    Reordered,
    /// Signed by a key that is not pinned for the clerk the record names.
    Untrusted,
    /// A row in the list index with no signed record behind it.
    Phantom,
    /// A record that cannot be read at all.
    Unreadable,
}

impl ProblemKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ProblemKind::Altered => lang.pick("被改动", "altered"),
            ProblemKind::Removed => lang.pick("被删除", "removed"),
            ProblemKind::Reordered => lang.pick("顺序被调换", "reordered"),
            ProblemKind::Untrusted => lang.pick("签名人不可信", "signer not trusted"),
            ProblemKind::Phantom => lang.pick("虚假索引行", "phantom index row"),
            ProblemKind::Unreadable => lang.pick("无法读取", "unreadable"),
        }
    }
}

impl Problem {
    /// One line for a person in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let detail = match lang {
            Lang::Zh => &self.detail_zh,
            Lang::En => &self.detail,
        };
        format!("{}: {}: {detail}", self.number, self.kind.label(lang))
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} / {}: {} / {}",
            self.number,
            self.kind.label(Lang::Zh),
            self.kind.label(Lang::En),
            self.detail_zh,
            self.detail
        )
    }
}

/// What a store is checked against besides itself.
#[derive(Clone, Debug, Default)]
pub struct Anchors {
    /// Keys pinned outside the store.
    pub pins: Pins,
    /// The running clerk's receipts (from their config directory).
    pub receipts: Vec<SignedHead>,
    /// Checkpoints given to verify, with the file each came from.
    pub checkpoints: Vec<(PathBuf, SignedHead)>,
    /// Lines of receipt or checkpoint files that could not be read: file, line, why.
    pub unreadable: Vec<(PathBuf, usize, String)>,
}

impl Anchors {
    /// The running clerk's anchors for the store of `origin`: their pinned keys (config
    /// directory and trusted-keys file) and receipts.
    pub fn load(origin: &str) -> Result<Anchors, StoreError> {
        let pins = Pins::load().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let (receipts, unreadable) = match keys::config_dir() {
            Some(d) => keys::read_receipts(&d, origin),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Anchors {
            pins,
            receipts,
            checkpoints: Vec::new(),
            unreadable,
        })
    }

    /// Add the signed heads of a checkpoint file (one per line).
    pub fn add_checkpoints(&mut self, path: &std::path::Path) {
        let (heads, bad) = keys::read_heads(path);
        if heads.is_empty() && bad.is_empty() {
            self.unreadable
                .push((path.to_path_buf(), 0, "holds no checkpoint".into()));
        }
        self.checkpoints
            .extend(heads.into_iter().map(|h| (path.to_path_buf(), h)));
        self.unreadable.extend(bad);
    }
}

/// A problem of case `number`, said in Chinese and English.
pub fn problem(number: &str, kind: ProblemKind, zh: String, en: String) -> Problem {
    Problem {
        number: number.to_string(),
        kind,
        detail: en,
        detail_zh: zh,
    }
}

/// Check the whole store against the running clerk's anchors ([`Anchors::load`]);
/// `progress` is called once per record. Returns the number of records read and every
/// problem found.
pub fn verify(store: &Store, progress: impl FnMut()) -> Result<(usize, Vec<Problem>), StoreError> {
    let anchors = Anchors::load(&store.origin()?)?;
    verify_with(store, &anchors, progress)
}

/// The short form of a key or hash in messages.
fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// The parts of a case number an index keeps apart: year and serial (the last two).
fn year_serial(number: &str) -> Option<(i64, i64)> {
    let mut parts = number.rsplit('-');
    let serial = parts.next()?.parse().ok()?;
    let year = parts.next()?.parse().ok()?;
    Some((year, serial))
}

/// The index columns that disagree with the signed record.
fn index_differences(ix: &super::store::IndexCheck, rec: &CaseRecord) -> Vec<&'static str> {
    let r = &ix.row;
    let (entries, money) = summary::values(rec);
    let mut out = Vec::new();
    let mut check = |same: bool, col: &'static str| {
        if !same {
            out.push(col);
        }
    };
    check(r.number == rec.number, "number");
    let ys = year_serial(&rec.number);
    check(ix.year == ys.map(|y| y.0), "year");
    check(ix.serial == ys.map(|y| y.1), "serial");
    check(ix.signed_at_text == rec.signed_at.to_string(), "signed_at");
    check(
        ix.interview_date_text == rec.interview_date.map(|d| d.to_string()),
        "interview_date",
    );
    check(r.applicant_name == rec.applicant.name, "applicant_name");
    check(r.applicant_id == rec.applicant.id_number, "applicant_id");
    check(
        r.questionnaire.as_deref() == Some(rec.questionnaire.id.as_str()),
        "questionnaire_id",
    );
    check(
        ix.questionnaire_sha256.as_deref() == Some(rec.questionnaire.sha256.as_str()),
        "questionnaire_sha256",
    );
    check(r.status == rec.status(), "status");
    check(r.summary == entries, "summary");
    check(ix.summary_keys == summary::keys(&entries), "summary_keys");
    check(r.money == money, "money");
    check(r.clerk == rec.clerk.user, "clerk");
    check(r.clerk_name == rec.clerk.display_name, "clerk_name");
    check(r.amends == rec.amends, "amends");
    check(r.results == rec.results, "results");
    out
}

/// The problem a record's key makes, if any.
fn key_problem(pins: &Pins, rec: &CaseRecord) -> Option<(String, String)> {
    let (user, key) = (&rec.clerk.user, &rec.clerk.public_key);
    let where_ = pins.trusted.as_ref().map_or_else(
        || {
            (
                format!(
                    "没有受信密钥文件（{}）",
                    super::trust::TrustedKeys::default_path().display()
                ),
                format!(
                    "there is no trusted-keys file ({})",
                    super::trust::TrustedKeys::default_path().display()
                ),
            )
        },
        |t| {
            (
                format!("也不在 {} 中", t.path.display()),
                format!("nor in {}", t.path.display()),
            )
        },
    );
    match pins.judge(key, user) {
        KeyStatus::Own | KeyStatus::Pinned { .. } => None,
        KeyStatus::OtherUsers { owner } => Some((
            format!(
                "签名密钥 {}… 登记给了另一用户 {owner}，记录却写经办人为 {user}",
                short(key)
            ),
            format!(
                "signed with key {}…, registered to another user ({owner}), but names {user} as its clerk",
                short(key)
            ),
        )),
        KeyStatus::NotYours => Some((
            format!(
                "记录写经办人为您（{user}），却不是用您的密钥签名的（密钥 {}…）",
                short(key)
            ),
            format!(
                "names you ({user}) as its clerk, but was not signed with your key (key {}…)",
                short(key)
            ),
        )),
        KeyStatus::NotTheirs => Some((
            format!(
                "记录写经办人为 {user}，但签名密钥 {}… 不是管理员为其登记的密钥",
                short(key)
            ),
            format!(
                "names {user} as its clerk, but key {}… is not the key the administrator pinned for {user}",
                short(key)
            ),
        )),
        KeyStatus::Unknown => Some((
            format!(
                "签名密钥 {}…（自称 {user}）未在任何地方登记：不是您的密钥，{}；管理员须在受信密钥文件中登记各经办人的公钥",
                short(key),
                where_.0
            ),
            format!(
                "signed by an unknown key {}… (claiming {user}): not yours, and {}; an administrator pins each clerk's public key in the trusted-keys file",
                short(key),
                where_.1
            ),
        )),
    }
}

/// Check the whole store against itself and `anchors`; `progress` is called once per
/// record. Returns the number of records read and every problem found.
pub fn verify_with(
    store: &Store,
    anchors: &Anchors,
    mut progress: impl FnMut(),
) -> Result<(usize, Vec<Problem>), StoreError> {
    let registered: HashSet<String> = store
        .registered_keys()?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let present: HashSet<String> = store.numbers()?.into_iter().collect();
    let origin = store.origin()?;
    let office = store.recorded_office()?;
    // the positions the anchors name, to remember while scanning
    let wanted: HashSet<i64> = anchors
        .receipts
        .iter()
        .chain(anchors.checkpoints.iter().map(|(_, h)| h))
        .filter(|h| h.origin == origin)
        .map(|h| h.count)
        .collect();
    let mut at: BTreeMap<i64, RawCase> = BTreeMap::new();
    let mut removed: Vec<String> = Vec::new();
    let mut gaps: Vec<(i64, i64)> = Vec::new();
    let mut problems = Vec::new();
    let mut count = 0usize;
    // (seq, number, stored sha256) of the previous row.
    let mut prev: Option<(i64, String, String)> = None;
    let mut push = |number: &str, kind, zh: String, en: String| {
        problems.push(problem(number, kind, zh, en));
    };
    store.scan(1, &mut |kept: Kept| {
        count += 1;
        progress();
        let raw = match kept {
            Kept::Raw(raw) => raw,
            Kept::Unreadable {
                seq,
                number,
                sha256,
                detail,
            } => {
                let name = if number.is_empty() {
                    format!("#{seq}")
                } else {
                    crate::safe::line(&number).into_owned()
                };
                push(
                    &name,
                    ProblemKind::Unreadable,
                    format!("第 {seq} 位的记录无法读取：{detail}"),
                    format!("the record at position {seq} cannot be read: {detail}"),
                );
                if wanted.contains(&seq) {
                    at.insert(
                        seq,
                        RawCase {
                            seq,
                            number: number.clone(),
                            body: String::new(),
                            sha256: sha256.clone(),
                            signature: String::new(),
                        },
                    );
                }
                let expected_seq = prev.as_ref().map_or(1, |p| p.0 + 1);
                if seq > expected_seq {
                    gaps.push((expected_seq, seq - 1));
                }
                prev = Some((seq, number, sha256));
                return Ok(());
            }
        };
        if wanted.contains(&raw.seq) {
            at.insert(
                raw.seq,
                RawCase {
                    body: String::new(),
                    signature: String::new(),
                    ..raw.clone()
                },
            );
        }
        let number = raw.number.clone();
        let mut altered: Vec<(String, String)> = Vec::new();
        let seal = record::check_seal(&raw);
        if !seal.hash_ok {
            altered.push((
                "内容与其哈希值不符".into(),
                "content does not match its hash".into(),
            ));
        }
        let rec = seal.record;
        let signed = seal.signature_ok;
        if !signed {
            altered.push(("签名不符".into(), "signature does not match".into()));
        }
        let Some(rec) = rec else {
            altered.push(("记录无法解析".into(), "record unreadable".into()));
            let (zh, en): (Vec<String>, Vec<String>) = altered.into_iter().unzip();
            push(&number, ProblemKind::Altered, zh.join("；"), en.join("; "));
            prev = Some((raw.seq, raw.number, raw.sha256));
            return Ok(());
        };
        if !registered.contains(&rec.clerk.public_key) {
            altered.push((
                "签名密钥未在本案件库登记".into(),
                "signed by a key not registered in this store".into(),
            ));
        }
        // Records from before office codes carry neither; every later one names this
        // store's origin (its chain) and office.
        if rec.format != LEGACY_FORMAT {
            if rec.origin.as_deref() != Some(origin.as_str()) {
                altered.push((
                    "签入了另一案件库的链（origin differs，来源不同）".into(),
                    "signed into another store's chain (origin differs)".into(),
                ));
            }
            if rec.office.is_none() || rec.office != office {
                altered.push((
                    "签发时的办公室代码（office code）与本案件库的不同".into(),
                    "signed under another office code than this store's".into(),
                ));
            }
        }
        if rec.number != raw.number {
            altered.push((
                "编号与签名时的不同".into(),
                "number differs from the signed one".into(),
            ));
        }
        match store.index_row(raw.seq) {
            Ok(Some(ix)) => {
                let cols = index_differences(&ix, &rec);
                if !cols.is_empty() {
                    altered.push((
                        format!(
                            "列表/检索索引与签名记录不符（index disagrees）：{}",
                            cols.join(", ")
                        ),
                        format!(
                            "list/search index disagrees with the signed record: {}",
                            cols.join(", ")
                        ),
                    ));
                }
            }
            _ => altered.push((
                "列表/检索索引中没有此案件".into(),
                "missing from the list/search index".into(),
            )),
        }
        if !altered.is_empty() {
            let (zh, en): (Vec<String>, Vec<String>) = altered.into_iter().unzip();
            push(&number, ProblemKind::Altered, zh.join("；"), en.join("; "));
        }
        if signed && let Some((zh, en)) = key_problem(&anchors.pins, &rec) {
            push(&number, ProblemKind::Untrusted, zh, en);
        }
        if rec.seq != raw.seq {
            push(
                &number,
                ProblemKind::Reordered,
                format!("存放在第 {} 位，签名时在第 {} 位", raw.seq, rec.seq),
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
                    format!("{number} 是在它之后签发的，但它已不在案件库中"),
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
                let (zh, en) = match (expect, got) {
                    (Some((n, _)), Some((gn, _))) if n == gn => (
                        format!("它之前的 {n} 在它签发后被改动"),
                        format!("its predecessor {n} was changed after it was signed"),
                    ),
                    (Some((n, _)), Some((gn, _))) => (
                        format!("签发时在 {gn} 之后，现存放在 {n} 之后"),
                        format!("signed after {gn}, but stored after {n}"),
                    ),
                    (None, Some((gn, _))) => (
                        format!("签发时在 {gn} 之后，现存放在最前"),
                        format!("signed after {gn}, stored first"),
                    ),
                    (Some((n, _)), None) => (
                        format!("签发时是第一份，现存放在 {n} 之后"),
                        format!("signed as the first case, stored after {n}"),
                    ),
                    (None, None) => (String::new(), String::new()),
                };
                push(&number, ProblemKind::Reordered, zh, en);
            }
        }
        prev = Some((raw.seq, raw.number, raw.sha256));
        Ok(())
    })?;
    let last = prev.as_ref().map_or(0, |p| p.0);
    // Positions missing without a successor naming them (removed at the end is handled
    // by the head and the anchors below).
    let named = removed.len() as i64;
    let missing: i64 = gaps.iter().map(|(a, b)| b - a + 1).sum();
    if missing > named {
        for (a, b) in &gaps {
            push(
                &format!("#{a}"),
                ProblemKind::Removed,
                format!("链上第 {a} 至 {b} 位缺失"),
                format!("chain positions {a}..{b} are missing"),
            );
        }
    }
    if let Some(record::ChainHead {
        seq: hseq,
        number: hnum,
        ..
    }) = store.head()?
    {
        if hseq > last {
            push(
                &hnum,
                ProblemKind::Removed,
                format!(
                    "最新的 {} 份案件（到 {hnum} 为止）缺失（最后一份在第 {last} 位）",
                    hseq - last
                ),
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
            "链头记录缺失".into(),
            "the chain head record is missing".into(),
        );
    }
    // Index rows with nothing signed behind them.
    for (seq, number) in store.phantom_rows()? {
        let name = if number.is_empty() {
            format!("#{seq}")
        } else {
            crate::safe::line(&number).into_owned()
        };
        push(
            &name,
            ProblemKind::Phantom,
            format!("列表索引第 {seq} 位有此案件，但没有签名记录"),
            format!("the list index has it at position {seq}, but no signed record is there"),
        );
    }
    // The anchors kept outside the store.
    for (file, line, why) in &anchors.unreadable {
        push(
            "-",
            ProblemKind::Unreadable,
            format!("{}:{line}：无法读取：{why}", file.display()),
            format!("{}:{line}: cannot be read: {why}", file.display()),
        );
    }
    let heads = anchors
        .receipts
        .iter()
        .map(|h| (None, h))
        .chain(anchors.checkpoints.iter().map(|(f, h)| (Some(f), h)));
    // per finding, the earliest head (lowest position) that shows it, and how many do
    #[allow(clippy::type_complexity)]
    let mut findings: BTreeMap<u8, (Option<&PathBuf>, &SignedHead, HeadFinding, usize)> =
        BTreeMap::new();
    for (file, h) in heads {
        let what = match (file, h.kind) {
            (Some(f), _) => (
                format!("检查点 {}（{}，{}）", f.display(), h.at, h.signer.user),
                format!(
                    "the checkpoint {} ({}, {})",
                    f.display(),
                    h.at,
                    h.signer.user
                ),
            ),
            (None, HeadKind::Receipt) => (
                format!("您 {} 签发后的回执", h.at),
                format!("your receipt of {}", h.at),
            ),
            (None, HeadKind::Checkpoint) => (
                format!("检查点（{}）", h.at),
                format!("a checkpoint ({})", h.at),
            ),
        };
        let signer_ok = h.signature_valid()
            && anchors
                .pins
                .judge(&h.signer.public_key, &h.signer.user)
                .trusted();
        if !signer_ok {
            push(
                "-",
                ProblemKind::Untrusted,
                format!("{}：签名无效或签名人的密钥未登记，不能作为依据", what.0),
                format!(
                    "{}: its signature is invalid or its signer's key is not pinned: it cannot be relied on",
                    what.1
                ),
            );
            continue;
        }
        let finding = anchor::compare(h, &origin, at.get(&h.count), last);
        let rank = match &finding {
            HeadFinding::Holds => continue,
            HeadFinding::OtherOrigin if file.is_none() => continue,
            HeadFinding::OtherOrigin => 0,
            HeadFinding::Truncated { .. } => 1,
            HeadFinding::Missing => 2,
            HeadFinding::Rewritten { .. } => 3,
        };
        match findings.get_mut(&rank) {
            Some(e) => {
                e.3 += 1;
                if h.count < e.1.count {
                    (e.0, e.1, e.2) = (file, h, finding);
                }
            }
            None => {
                findings.insert(rank, (file, h, finding, 1));
            }
        }
    }
    for (_, (file, h, finding, n)) in findings {
        let what = match file {
            Some(f) => (
                format!("检查点 {}（{}，{}）", f.display(), h.at, h.signer.user),
                format!(
                    "the checkpoint {} ({}, {})",
                    f.display(),
                    h.at,
                    h.signer.user
                ),
            ),
            None => (
                format!("您 {} 签发后的回执", h.at),
                format!("your receipt of {}", h.at),
            ),
        };
        let more = if n > 1 {
            (
                format!("（共 {n} 份回执或检查点与案件库不符）"),
                format!(" ({n} receipts or checkpoints in all disagree)"),
            )
        } else {
            (String::new(), String::new())
        };
        let (c, num) = (h.count, crate::safe::line(&h.number).into_owned());
        match finding {
            HeadFinding::Holds => {}
            HeadFinding::OtherOrigin => push(
                "-",
                ProblemKind::Altered,
                format!(
                    "{}属于另一案件库（origin {}），本案件库为 {origin}",
                    what.0, h.origin
                ),
                format!(
                    "{} is of another store (origin {}); this store's is {origin}",
                    what.1, h.origin
                ),
            ),
            HeadFinding::Truncated { last } => push(
                &num,
                ProblemKind::Removed,
                format!(
                    "{}记载链上有 {c} 份案件（到 {num} 为止），案件库现只到第 {last} 位：最新的案件被截断或删除{}",
                    what.0, more.0
                ),
                format!(
                    "{} records {c} cases up to {num}; the store now ends at position {last}: the newest cases were truncated or deleted{}",
                    what.1, more.1
                ),
            ),
            HeadFinding::Missing => push(
                &num,
                ProblemKind::Removed,
                format!(
                    "{}记载第 {c} 位是 {num}，该位置现已空缺：案件被删除{}",
                    what.0, more.0
                ),
                format!(
                    "{} records {num} at position {c}; that position is empty now: the case was deleted{}",
                    what.1, more.1
                ),
            ),
            HeadFinding::Rewritten { number, sha256 } => push(
                &num,
                ProblemKind::Altered,
                format!(
                    "{}记载第 {c} 位是 {num}（SHA-256 {}…），案件库现为 {}（{}…）：链在此处或之前被改写{}",
                    what.0,
                    short(&h.sha256),
                    crate::safe::line(&number),
                    short(&sha256),
                    more.0
                ),
                format!(
                    "{} records {num} (SHA-256 {}…) at position {c}; the store holds {} ({}…) there: the chain was rewritten at or before it{}",
                    what.1,
                    short(&h.sha256),
                    crate::safe::line(&number),
                    short(&sha256),
                    more.1
                ),
            ),
        }
    }
    Ok((count, problems))
}
