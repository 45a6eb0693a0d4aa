//! The pure record work: the canonical form (RFC 8785), hashing, Ed25519 signing and
//! verification, and the chain link. Every function here takes a key and bytes (or a
//! record) and does no I/O, so the SQLite store, `verify` and a later sync to the bureau's
//! server all seal and check records the same way.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::StoreError;
use super::model::{CaseRecord, PrevRef};

/// A record as it is kept: the exact signed bytes beside their hash and signature.
/// `seq` is the record's position in its origin's chain (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCase {
    pub seq: i64,
    pub number: String,
    pub body: String,
    pub sha256: String,
    pub signature: String,
}

/// The end of a chain: the last record's position, number and hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub number: String,
    pub sha256: String,
}

impl ChainHead {
    /// The link a record appended after this head carries.
    pub fn link(&self) -> PrevRef {
        PrevRef {
            number: self.number.clone(),
            sha256: self.sha256.clone(),
        }
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The canonical JSON of a record (RFC 8785): the bytes that are hashed and signed.
pub fn canonical(rec: &CaseRecord) -> Result<String, StoreError> {
    serde_jcs::to_string(rec).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Ed25519 signature of `bytes` with `key`, hex.
pub fn sign(key: &SigningKey, bytes: &[u8]) -> String {
    hex::encode(key.sign(bytes).to_bytes())
}

/// The public key of `key`, hex (as records name their signer).
pub fn public_key_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().to_bytes())
}

/// True when `signature_hex` is a valid Ed25519 signature of `bytes` by `public_key_hex`.
/// Malformed keys or signatures are simply not valid.
pub fn signature_valid(public_key_hex: &str, bytes: &[u8], signature_hex: &str) -> bool {
    let Ok(pk) = hex::decode(public_key_hex) else {
        return false;
    };
    let Ok(pk) = <[u8; 32]>::try_from(pk.as_slice()) else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    let Ok(sig) = hex::decode(signature_hex) else {
        return false;
    };
    let Ok(sig) = <[u8; 64]>::try_from(sig.as_slice()) else {
        return false;
    };
    vk.verify(bytes, &Signature::from_bytes(&sig)).is_ok()
}

/// Place `rec` after `prev` in its chain (position and link), then canonicalise, hash and
/// sign it with `key`. `rec.sha256` and `rec.signature` are filled in; the returned
/// [`RawCase`] holds the exact bytes to keep.
pub fn seal(
    rec: &mut CaseRecord,
    prev: Option<&ChainHead>,
    key: &SigningKey,
) -> Result<RawCase, StoreError> {
    rec.seq = prev.map_or(1, |p| p.seq + 1);
    rec.prev = prev.map(ChainHead::link);
    let body = canonical(rec)?;
    rec.sha256 = sha256_hex(body.as_bytes());
    rec.signature = sign(key, body.as_bytes());
    Ok(RawCase {
        seq: rec.seq,
        number: rec.number.clone(),
        body,
        sha256: rec.sha256.clone(),
        signature: rec.signature.clone(),
    })
}

/// Parse a kept record, with its hash and signature filled in from beside it.
pub fn parse(raw: &RawCase) -> Result<CaseRecord, serde_json::Error> {
    let mut rec: CaseRecord = serde_json::from_str(&raw.body)?;
    rec.sha256 = raw.sha256.clone();
    rec.signature = raw.signature.clone();
    Ok(rec)
}

/// What checking one kept record's seal found.
#[derive(Clone, Debug)]
pub struct SealCheck {
    /// The body hashes to the hash kept beside it.
    pub hash_ok: bool,
    /// The signature is valid for the body under the public key the record names.
    pub signature_ok: bool,
    /// The record, when the body parses.
    pub record: Option<CaseRecord>,
}

/// Check a kept record's hash and signature (the signer is the key the record itself
/// names; whether that key is trusted is the caller's question).
pub fn check_seal(raw: &RawCase) -> SealCheck {
    let hash_ok = sha256_hex(raw.body.as_bytes()) == raw.sha256;
    let record: Option<CaseRecord> = serde_json::from_str(&raw.body).ok();
    let signature_ok = record
        .as_ref()
        .is_some_and(|r| signature_valid(&r.clerk.public_key, raw.body.as_bytes(), &raw.signature));
    SealCheck {
        hash_ok,
        signature_ok,
        record,
    }
}

/// True when `raw` may follow `prev` in one chain: the next position, and a signed link
/// naming `prev`'s number and hash. (The seal itself is [`check_seal`]'s question.)
pub fn follows(raw: &RawCase, rec: &CaseRecord, prev: Option<&ChainHead>) -> bool {
    let seq_ok = raw.seq == prev.map_or(1, |p| p.seq + 1) && rec.seq == raw.seq;
    let link_ok = match (prev, &rec.prev) {
        (None, None) => true,
        (Some(p), Some(l)) => p.number == l.number && p.sha256 == l.sha256,
        _ => false,
    };
    seq_ok && link_ok && rec.number == raw.number
}
