//! Signed chain heads: evidence of a chain's state kept *outside* the store, so that
//! someone who can rewrite the database cannot also rewrite what it is checked against.
//!
//! A [`SignedHead`] names one origin's chain (its origin id, see
//! [`super::CaseLog::origin`]), how many records it held (`count`, the head's position,
//! from 1) and the number and SHA-256 of the record at that position, signed with a
//! clerk's Ed25519 key. Because every record carries the hash of the one before it, a
//! head pins every record at or before it: truncating the chain leaves no record at
//! `count`, and rewriting any record at or before it changes the hash at `count` (or
//! breaks a link, which `verify` names anyway).
//!
//! Two kinds: a **receipt**, left in the clerk's own config directory at each sign-off
//! (`receipts/<origin>.jsonl`, one head per line), and a **checkpoint**, printed by
//! `guantong cases checkpoint` for keeping off the machine. A store that holds several
//! origins' chains (the bureau's server) is checked head by head, each against the chain
//! it names; a file of heads may hold several, one per line.
//!
//! Pure: sealing and checking take a key and bytes; comparing takes the record found at
//! the head's position. Reading and writing receipt files is [`super::keys`]'s.

use ed25519_dalek::SigningKey;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::record::{self, RawCase};

/// Format tag of a signed head.
pub const HEAD_FORMAT: &str = "guantong-head/1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadKind {
    /// Left in the clerk's config directory at a sign-off.
    Receipt,
    /// Printed for keeping off the machine.
    Checkpoint,
}

/// Who signed a head: the OS user, the name shown for them (the administrator's, from
/// the trusted-keys file, where one is pinned; else the clerk's own `clerk_name`, marked
/// self-declared) and the public key (hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadSigner {
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// True when `name` is the clerk's own `clerk_name`, not the administrator's.
    #[serde(default)]
    pub name_self_declared: bool,
    pub public_key: String,
}

/// One origin's chain head as a clerk saw it, signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    pub format: String,
    pub kind: HeadKind,
    pub origin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// Records in the chain up to and including the head: the head's position (0 for an
    /// empty chain).
    pub count: i64,
    /// The head record's number and SHA-256 (empty for an empty chain).
    pub number: String,
    pub sha256: String,
    pub at: Timestamp,
    pub signer: HeadSigner,
    /// Ed25519 over the canonical JSON (RFC 8785) of everything else, hex.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signature: String,
}

/// What the caller knows of the head it seals.
#[derive(Clone, Debug)]
pub struct HeadOf {
    pub origin: String,
    pub office: Option<String>,
    pub count: i64,
    pub number: String,
    pub sha256: String,
}

impl SignedHead {
    /// Seal `head` with `key`, naming `user` and the shown `name`.
    pub fn seal(
        kind: HeadKind,
        head: HeadOf,
        at: Timestamp,
        user: &str,
        name: Option<(String, bool)>,
        key: &SigningKey,
    ) -> Result<SignedHead, StoreError> {
        let (name, name_self_declared) = match name {
            Some((n, s)) => (Some(n), s),
            None => (None, false),
        };
        let mut h = SignedHead {
            format: HEAD_FORMAT.to_string(),
            kind,
            origin: head.origin,
            office: head.office,
            count: head.count,
            number: head.number,
            sha256: head.sha256,
            at,
            signer: HeadSigner {
                user: user.to_string(),
                name,
                name_self_declared,
                public_key: record::public_key_hex(key),
            },
            signature: String::new(),
        };
        let body = h.canonical()?;
        h.signature = record::sign(key, body.as_bytes());
        Ok(h)
    }

    /// The bytes signed: the canonical JSON without the signature.
    fn canonical(&self) -> Result<String, StoreError> {
        let mut unsigned = self.clone();
        unsigned.signature.clear();
        serde_jcs::to_string(&unsigned).map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// True when the signature is valid under the key the head names (whether that key
    /// is trusted is the caller's question).
    pub fn signature_valid(&self) -> bool {
        self.format == HEAD_FORMAT
            && self.canonical().is_ok_and(|b| {
                record::signature_valid(&self.signer.public_key, b.as_bytes(), &self.signature)
            })
    }

    /// One line of a receipts or checkpoint file.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parse one line.
    pub fn parse(line: &str) -> Result<SignedHead, serde_json::Error> {
        serde_json::from_str(line)
    }
}

/// How a chain compares with a head of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadFinding {
    /// The record at the head's position is the one the head names.
    Holds,
    /// The head is another origin's.
    OtherOrigin,
    /// The chain ends before the head's position (`last`: its last position): the newest
    /// records are gone (truncated, or every record deleted).
    Truncated { last: i64 },
    /// A record at the head's position is missing, though later ones are present.
    Missing,
    /// Another record stands at the head's position: the chain was rewritten at or
    /// before it.
    Rewritten { number: String, sha256: String },
}

/// Compare `head` with a chain of origin `origin` whose last position is `last` and whose
/// record at the head's position is `at` (read from the store as kept).
pub fn compare(head: &SignedHead, origin: &str, at: Option<&RawCase>, last: i64) -> HeadFinding {
    if head.origin != origin {
        return HeadFinding::OtherOrigin;
    }
    if head.count <= 0 {
        return HeadFinding::Holds;
    }
    match at {
        None if last < head.count => HeadFinding::Truncated { last },
        None => HeadFinding::Missing,
        Some(r) if r.number == head.number && r.sha256 == head.sha256 => {
            // the kept hash is checked against the body by verify's seal check
            HeadFinding::Holds
        }
        Some(r) => HeadFinding::Rewritten {
            number: r.number.clone(),
            sha256: r.sha256.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(count: i64) -> SignedHead {
        SignedHead::seal(
            HeadKind::Receipt,
            HeadOf {
                origin: "o1".into(),
                office: Some("451002".into()),
                count,
                number: format!("BS-451002-2026-{count:06}"),
                sha256: "ab".repeat(32),
            },
            "2026-06-15T01:00:00Z".parse().unwrap(),
            "wang",
            Some(("王小明".into(), false)),
            &SigningKey::from_bytes(&[7; 32]),
        )
        .unwrap()
    }

    #[test]
    fn a_head_is_signed_and_any_change_breaks_it() {
        let h = head(3);
        assert!(h.signature_valid());
        let back = SignedHead::parse(&h.to_line()).unwrap();
        assert_eq!(back, h);
        for tamper in [
            |h: &mut SignedHead| h.count = 2,
            |h: &mut SignedHead| h.sha256 = "cd".repeat(32),
            |h: &mut SignedHead| h.origin = "o2".into(),
            |h: &mut SignedHead| h.signer.user = "li".into(),
            |h: &mut SignedHead| h.signer.name_self_declared = true,
        ] {
            let mut t = h.clone();
            tamper(&mut t);
            assert!(!t.signature_valid(), "{t:?}");
        }
    }

    #[test]
    fn comparing_names_truncation_rewriting_and_holes() {
        let h = head(3);
        let raw = |number: &str, sha: &str| RawCase {
            seq: 3,
            number: number.into(),
            body: String::new(),
            sha256: sha.into(),
            signature: String::new(),
        };
        let same = raw(&h.number, &h.sha256);
        assert_eq!(compare(&h, "o1", Some(&same), 5), HeadFinding::Holds);
        assert_eq!(compare(&h, "o2", Some(&same), 5), HeadFinding::OtherOrigin);
        assert_eq!(
            compare(&h, "o1", None, 2),
            HeadFinding::Truncated { last: 2 }
        );
        assert_eq!(
            compare(&h, "o1", None, 0),
            HeadFinding::Truncated { last: 0 }
        );
        assert_eq!(compare(&h, "o1", None, 4), HeadFinding::Missing);
        let other = raw(&h.number, &"ef".repeat(32));
        assert!(matches!(
            compare(&h, "o1", Some(&other), 3),
            HeadFinding::Rewritten { .. }
        ));
    }
}
