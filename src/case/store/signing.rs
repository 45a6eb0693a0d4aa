//! Sign-off: the record built ([`crate::case::signoff`]), numbered, placed in the chain and
//! sealed ([`crate::case::record`]), then kept with its index row, the new chain head and
//! a copy of its questionnaire, in one transaction.

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use rusqlite::{OptionalExtension, Transaction, params};

use super::Store;
use crate::case::anchor::{HeadKind, HeadOf, SignedHead};
use crate::case::model::{CaseRecord, SignOff};
use crate::case::record::{self, ChainHead};
use crate::case::signoff::{self, Signer};
use crate::case::{OfficeCode, StoreError, keys, office, summary};

fn signer(key: &SigningKey) -> Signer {
    Signer {
        user: keys::os_user(),
        public_key: record::public_key_hex(key),
    }
}

/// What every record minted in one transaction shares.
struct Mint {
    origin: String,
    office: OfficeCode,
}

impl Store {
    /// Sign off one case: evaluate, number, canonicalise, sign with the clerk's key
    /// (created on first use), chain, insert and remove the draft, in one transaction.
    pub fn sign_off(&self, s: &SignOff) -> Result<CaseRecord, StoreError> {
        self.check_pages()?;
        let key = self.clerk_key()?;
        let rec = signoff::prepare(s, &signer(&key))?;
        let tx = self.begin()?;
        let mint = self.mint(&tx)?;
        let rec = self.insert_case(&tx, rec, &key, s, &mint)?;
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
        self.leave_receipt(&rec, &key);
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
        self.check_pages()?;
        let tx = self.begin()?;
        let mint = self.mint(&tx)?;
        let mut numbers = Vec::with_capacity(items.len());
        let who = signer(key);
        let mut last = None;
        for s in items {
            let rec = signoff::prepare(s, &who)?;
            let rec = self.insert_case(&tx, rec, key, s, &mint)?;
            numbers.push(rec.number.clone());
            last = Some(rec);
        }
        tx.commit().map_err(|e| self.sq(e))?;
        if let Some(rec) = last {
            self.leave_receipt(&rec, key);
        }
        Ok(numbers)
    }

    /// Inside the sign-off transaction (so no other process can claim the store's first
    /// office code meanwhile): the origin, and the office code checked against the
    /// store's, written when this is the store's first sign-off under one.
    fn mint(&self, tx: &Transaction) -> Result<Mint, StoreError> {
        let office = self.check_office()?;
        tx.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('office', ?1)",
            [office.as_str()],
        )
        .map_err(|e| self.sq(e))?;
        Ok(Mint {
            origin: self.origin()?,
            office,
        })
    }

    fn insert_case(
        &self,
        tx: &Transaction,
        mut rec: CaseRecord,
        key: &SigningKey,
        s: &SignOff,
        mint: &Mint,
    ) -> Result<CaseRecord, StoreError> {
        let year = s.today.year();
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
        let prev: Option<ChainHead> = tx
            .query_row(
                "SELECT seq, number, sha256 FROM cases ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(ChainHead {
                        seq: r.get(0)?,
                        number: r.get(1)?,
                        sha256: r.get(2)?,
                    })
                },
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
        rec.number = office::case_number(
            s.questionnaire.meta.case_prefix.as_deref(),
            &mint.office,
            year,
            serial,
        );
        rec.origin = Some(mint.origin.clone());
        rec.office = Some(mint.office.to_string());
        let raw = record::seal(&mut rec, prev.as_ref(), key)?;
        // the case is shown with its own questions whatever the catalogue holds later
        self.keep_in(tx, s.questionnaire, rec.signed_at)?;
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
            params![raw.seq, raw.number, raw.body, raw.sha256, raw.signature],
        )
        .map_err(|e| self.sq(e))?;
        let results =
            serde_json::to_string(&rec.results).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let (entries, money) = summary::values(&rec);
        let keys = summary::keys(&entries);
        let entries =
            serde_json::to_string(&entries).map_err(|e| StoreError::Invalid(e.to_string()))?;
        tx.execute(
            "INSERT INTO case_index (seq, number, year, serial, signed_at, interview_date,
                applicant_name, applicant_id, questionnaire_id, status, summary, money, clerk,
                clerk_name, amends, results, summary_keys, questionnaire_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18)",
            params![
                rec.seq,
                rec.number,
                i64::from(year),
                serial,
                rec.signed_at.to_string(),
                rec.interview_date.map(|d| d.to_string()),
                rec.applicant.name,
                rec.applicant.id_number,
                rec.questionnaire.id,
                rec.status(),
                entries,
                money,
                rec.clerk.user,
                rec.clerk.display_name,
                rec.amends,
                results,
                keys,
                rec.questionnaire.sha256
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
}

/// The clerk's config directory.
fn config_dir() -> Result<PathBuf, StoreError> {
    keys::config_dir().ok_or_else(|| StoreError::Key {
        path: PathBuf::from("~"),
        detail: "no home directory: set GUANTONG_CONFIG_DIR".into(),
    })
}

/// The clerk's signing key, from the config directory, made when they never had one
/// (see [`keys::load_or_create_key`]; this store is not consulted).
pub fn clerk_key() -> Result<SigningKey, StoreError> {
    keys::load_or_create_key(&config_dir()?, false)
}

impl Store {
    /// The clerk's signing key; a missing one is an error when this store holds cases
    /// signed in their name (a new key is made only on the clerk's explicit word).
    pub fn clerk_key(&self) -> Result<SigningKey, StoreError> {
        let user = keys::os_user();
        let signed_here = self.registered_keys()?.iter().any(|(_, u)| *u == user);
        keys::load_or_create_key(&config_dir()?, signed_here)
    }

    /// Leave the clerk a signed receipt of the chain head `rec` made (in their config
    /// directory; see [`crate::case::anchor`]). The case is signed already: a receipt
    /// that cannot be written is a warning ([`Store::take_warnings`]), not a failure.
    fn leave_receipt(&self, rec: &CaseRecord, key: &SigningKey) {
        let Some(origin) = rec.origin.clone() else {
            return;
        };
        let made = (|| -> Result<(), StoreError> {
            let dir = config_dir()?;
            let name = crate::case::trust::TrustedKeys::load(
                &crate::case::trust::TrustedKeys::default_path(),
            )
            .ok()
            .flatten()
            .and_then(|t| t.clerks.into_iter().find(|c| c.user == rec.clerk.user))
            .map(|c| (c.name, false))
            .or_else(|| rec.clerk.display_name.clone().map(|n| (n, true)));
            let head = SignedHead::seal(
                HeadKind::Receipt,
                HeadOf {
                    origin,
                    office: rec.office.clone(),
                    count: rec.seq,
                    number: rec.number.clone(),
                    sha256: rec.sha256.clone(),
                },
                rec.signed_at,
                &rec.clerk.user,
                name,
                key,
            )?;
            keys::append_receipt(&dir, &head)
        })();
        if let Err(e) = made {
            self.warn(format!(
                "案件 {} 已签发，但签发回执未能保存 / case {} is signed, but its receipt could not be kept: {e}",
                rec.number, rec.number
            ));
        }
    }
}
