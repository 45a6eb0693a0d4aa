//! The pure record work, without a store: canonical form, hashing, signing, verifying,
//! chain links and building a record from a sign-off. Then the case-log interface over a
//! real SQLite store, checked with the same pure functions.

mod store_common;

use ed25519_dalek::SigningKey;
use guantong::case::log::CaseLog;
use guantong::case::record::{self, ChainHead, RawCase};
use guantong::case::signoff::{self, Signer};
use guantong::case::{CaseRecord, SignOff, Store, StoreError};
use store_common::*;

fn key(byte: u8) -> SigningKey {
    SigningKey::from_bytes(&[byte; 32])
}

fn signer(k: &SigningKey) -> Signer {
    Signer {
        user: "clerk1".into(),
        public_key: record::public_key_hex(k),
    }
}

fn request_id<'a>(q: &'a guantong::questionnaire::Questionnaire, name: &str) -> SignOff<'a> {
    SignOff {
        applicant_id: Some("11010519491231002X".into()),
        ..request(q, "eligible.toml", name)
    }
}

/// A record as sign-off builds it, numbered by hand.
fn built(number: &str, k: &SigningKey) -> CaseRecord {
    let q = mini();
    let mut rec = signoff::prepare(&request_id(&q, "张三"), &signer(k)).unwrap();
    rec.number = number.into();
    rec
}

#[test]
fn sha256_and_ed25519_known_answers() {
    // FIPS 180-2 "abc".
    assert_eq!(
        record::sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // RFC 8032, section 7.1, test 1 (empty message).
    let secret: [u8; 32] =
        hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap()
            .try_into()
            .unwrap();
    let k = SigningKey::from_bytes(&secret);
    let pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    assert_eq!(record::public_key_hex(&k), pk);
    assert_eq!(record::sign(&k, b""), sig);
    assert!(record::signature_valid(pk, b"", sig));
    assert!(!record::signature_valid(pk, b"x", sig));
    // Malformed keys and signatures are not valid (and do not panic).
    assert!(!record::signature_valid("zz", b"", sig));
    assert!(!record::signature_valid(pk, b"", "00"));
    assert!(!record::signature_valid(&pk[..62], b"", sig));
}

#[test]
fn canonical_form_is_rfc8785() {
    let k = key(7);
    let rec = built("T-1", &k);
    let body = record::canonical(&rec).unwrap();
    // No insignificant whitespace, keys in code-point order at every level.
    assert!(!body.contains(": ") && !body.contains(", ") && !body.contains('\n'));
    // serde_json's default map is sorted by key: re-serialising the parsed value compactly
    // gives sorted keys at every level; the canonical text must already be exactly that.
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(serde_json::to_string(&v).unwrap(), body);
    let pos: Vec<usize> = ["\"amends\"", "\"applicant\"", "\"clerk\"", "\"facts\""]
        .iter()
        .map(|k| body.find(k).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{body}");
    // Parsing and canonicalising again gives the same bytes: what is kept is what is signed.
    let back: CaseRecord = serde_json::from_str(&body).unwrap();
    assert_eq!(record::canonical(&back).unwrap(), body);
    // Chinese text is kept as UTF-8, not \u-escaped.
    assert!(body.contains("张三"));
}

#[test]
fn sealing_places_hashes_and_signs() {
    let k = key(7);
    let mut first = built("T-1", &k);
    let raw1 = record::seal(&mut first, None, &k).unwrap();
    assert_eq!((raw1.seq, first.seq), (1, 1));
    assert_eq!(first.prev, None);
    assert_eq!(raw1.sha256, record::sha256_hex(raw1.body.as_bytes()));
    assert_eq!(first.sha256, raw1.sha256);
    assert!(record::signature_valid(
        &record::public_key_hex(&k),
        raw1.body.as_bytes(),
        &raw1.signature
    ));
    // Deterministic: the same record and key give the same bytes and signature.
    let mut again = built("T-1", &k);
    assert_eq!(record::seal(&mut again, None, &k).unwrap(), raw1);

    let head = ChainHead {
        seq: raw1.seq,
        number: raw1.number.clone(),
        sha256: raw1.sha256.clone(),
    };
    let mut second = built("T-2", &k);
    let raw2 = record::seal(&mut second, Some(&head), &k).unwrap();
    assert_eq!(raw2.seq, 2);
    assert_eq!(second.prev.as_ref().unwrap().number, "T-1");
    assert_eq!(second.prev.as_ref().unwrap().sha256, raw1.sha256);
    assert!(record::follows(&raw1, &first, None));
    assert!(record::follows(&raw2, &second, Some(&head)));
    assert!(!record::follows(&raw2, &second, None));
    assert!(!record::follows(&raw1, &first, Some(&head)));
    let other = ChainHead {
        sha256: "0".repeat(64),
        ..head.clone()
    };
    assert!(!record::follows(&raw2, &second, Some(&other)));

    // Parsing gives the record back, hash and signature included.
    assert_eq!(record::parse(&raw2).unwrap(), second);
}

#[test]
fn checking_a_seal_names_what_is_wrong() {
    let k = key(7);
    let mut rec = built("T-1", &k);
    let raw = record::seal(&mut rec, None, &k).unwrap();
    let ok = record::check_seal(&raw);
    assert!(ok.hash_ok && ok.signature_ok);
    assert_eq!(ok.record.unwrap().number, "T-1");

    // One changed character in the body: neither hash nor signature holds.
    let altered = RawCase {
        body: raw.body.replacen("张三", "张四", 1),
        ..raw.clone()
    };
    let c = record::check_seal(&altered);
    assert!(!c.hash_ok && !c.signature_ok);
    assert!(c.record.is_some());

    // Re-hashed after the change (the hash column is easy to recompute): still unsigned.
    let rehashed = RawCase {
        sha256: record::sha256_hex(altered.body.as_bytes()),
        ..altered.clone()
    };
    let c = record::check_seal(&rehashed);
    assert!(c.hash_ok && !c.signature_ok);

    // Signed by another key while naming the first: not valid.
    let forged = RawCase {
        signature: record::sign(&key(8), raw.body.as_bytes()),
        ..raw.clone()
    };
    assert!(!record::check_seal(&forged).signature_ok);

    // An unreadable body: no record, no signature.
    let junk = RawCase {
        body: "{not json".into(),
        ..raw
    };
    let c = record::check_seal(&junk);
    assert!(c.record.is_none() && !c.signature_ok);
}

#[test]
fn building_a_record_checks_the_applicant_and_takes_the_signer() {
    let q = mini();
    let k = key(9);
    let rec = signoff::prepare(&request_id(&q, " 张三 "), &signer(&k)).unwrap();
    assert_eq!(rec.applicant.name, "张三");
    assert_eq!(rec.clerk.user, "clerk1");
    assert_eq!(rec.clerk.public_key, record::public_key_hex(&k));
    assert_eq!(rec.status(), "eligible");
    assert_eq!(rec.questionnaire.id, q.meta.id);
    assert!(rec.personal_facts.contains(&"id_number".to_string()));
    // Nothing is placed or sealed yet.
    assert_eq!((rec.seq, rec.prev.as_ref()), (0, None));
    assert!(rec.sha256.is_empty() && rec.signature.is_empty());

    let e = signoff::prepare(&request_id(&q, "  "), &signer(&k)).unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
    let mut bad_id = request_id(&q, "张三");
    bad_id.applicant_id = Some("110105194912310021".into());
    let e = signoff::prepare(&bad_id, &signer(&k)).unwrap_err();
    assert!(e.to_string().contains("110105194912310021"), "{e}");
}

/// Walk any case log with the pure checks: every seal and link holds, and the recorded
/// head is the last record.
fn check_log(log: &dyn CaseLog) -> usize {
    let mut prev: Option<ChainHead> = None;
    let mut n = 0;
    log.records_from(1, &mut |raw| {
        let c = record::check_seal(&raw);
        assert!(c.hash_ok && c.signature_ok, "{}", raw.number);
        let rec = c.record.unwrap();
        assert!(record::follows(&raw, &rec, prev.as_ref()), "{}", raw.number);
        prev = Some(ChainHead {
            seq: raw.seq,
            number: raw.number,
            sha256: raw.sha256,
        });
        n += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(log.recorded_head().unwrap(), prev);
    n
}

#[test]
fn the_sqlite_store_is_a_case_log() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    let data = tmp.path().join("data");
    let a = sign(&data, &cfg, &fixture("eligible.toml"), "张三");
    let b = sign(&data, &cfg, &fixture("ineligible.toml"), "李四");
    let c = sign(&data, &cfg, &fixture("eligible.toml"), "王五");
    let store = Store::open(&data).unwrap();
    assert_eq!(check_log(&store), 3);
    let mut numbers = store.numbers().unwrap();
    numbers.sort();
    assert_eq!(numbers, vec![a.clone(), b.clone(), c.clone()]);
    // From a position on, in order.
    let mut from2 = Vec::new();
    store
        .records_from(2, &mut |r| {
            from2.push(r.number);
            Ok(())
        })
        .unwrap();
    assert_eq!(from2, vec![b.clone(), c]);
    // One by number: the exact kept bytes, which parse to the record `get_case` gives.
    let raw = CaseLog::record(&store, &b).unwrap();
    assert_eq!(record::parse(&raw).unwrap(), store.get_case(&b).unwrap());
    assert!(matches!(
        CaseLog::record(&store, "NO-SUCH"),
        Err(StoreError::NotFound(_))
    ));
    let keys = CaseLog::registered_keys(&store).unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        keys[0].0,
        record::public_key_hex(&SigningKey::from_bytes(&[0x2a; 32]))
    );
}
