//! The server side of the case log: one origin's chain as the server holds it, read
//! through [`CaseLog`] (so `verify --server` reads the server's copy exactly as it reads a
//! local store) and appended to through [`CaseLogAppend`] (what `sync` pushes through).

use std::cell::RefCell;

use crate::case::StoreError;
use crate::case::log::{CaseLog, CaseLogAppend};
use crate::case::record::{ChainHead, RawCase};

use super::{IdKey, Server, ServerError};

/// Called between a batch's INSERT and its COMMIT (tests use it to break the link there).
pub type BeforeCommit = Box<dyn FnMut(&[RawCase])>;

/// One office's chain on the server.
pub struct ServerLog {
    server: RefCell<Server>,
    origin: String,
    office: String,
    key: Option<IdKey>,
    before_commit: Option<BeforeCommit>,
}

impl std::fmt::Debug for ServerLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerLog")
            .field("origin", &self.origin)
            .field("office", &self.office)
            .finish()
    }
}

fn server_err(e: ServerError) -> StoreError {
    StoreError::from(e)
}

/// The applicant's ID number a record names (its body, as signed).
pub fn applicant_id(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("applicant")?
        .get("id_number")?
        .as_str()
        .map(str::to_string)
}

impl ServerLog {
    /// The chain of `origin` (the store of `office`) on `server`. `key` hashes the ID
    /// numbers of records appended; reading needs none.
    pub fn new(server: Server, origin: &str, office: &str, key: Option<IdKey>) -> ServerLog {
        ServerLog {
            server: RefCell::new(server),
            origin: origin.to_string(),
            office: office.to_string(),
            key,
            before_commit: None,
        }
    }

    /// Run `f` after each batch is inserted and before it is committed.
    pub fn set_before_commit(&mut self, f: BeforeCommit) {
        self.before_commit = Some(f);
    }

    pub fn server(&mut self) -> &mut Server {
        self.server.get_mut()
    }

    pub fn into_server(self) -> Server {
        self.server.into_inner()
    }

    fn raw(&self, number: &str, row: &postgres::Row) -> Result<RawCase, StoreError> {
        let body: Vec<u8> = row.get(2);
        let body = String::from_utf8(body).map_err(|_| {
            StoreError::Server(format!(
                "案件 {number}：服务器上的内容不是 UTF-8 / case {number}: the server's bytes are not UTF-8"
            ))
        })?;
        Ok(RawCase {
            seq: row.get(0),
            number: row.get(1),
            body,
            sha256: row.get(3),
            signature: row.get(4),
        })
    }
}

impl CaseLog for ServerLog {
    fn origin(&self) -> Result<String, StoreError> {
        Ok(self.origin.clone())
    }

    /// The server is the outside witness: its head is simply its last record.
    fn recorded_head(&self) -> Result<Option<ChainHead>, StoreError> {
        let mut s = self.server.borrow_mut();
        let row = s
            .client
            .query_opt(
                "SELECT seq, number, sha256 FROM guantong.records WHERE origin = $1
                 ORDER BY seq DESC LIMIT 1",
                &[&self.origin],
            )
            .map_err(|e| server_err(s.pg(e)))?;
        Ok(row.map(|r| ChainHead {
            seq: r.get(0),
            number: r.get(1),
            sha256: r.get(2),
        }))
    }

    fn records_from(
        &self,
        from: i64,
        each: &mut dyn FnMut(RawCase) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // in pages, so a large chain is never held at once
        let mut next = from;
        loop {
            let rows = {
                let mut s = self.server.borrow_mut();
                s.client
                    .query(
                        "SELECT seq, number, body, sha256, signature FROM guantong.records
                         WHERE origin = $1 AND seq >= $2 ORDER BY seq LIMIT 2000",
                        &[&self.origin, &next],
                    )
                    .map_err(|e| server_err(s.pg(e)))?
            };
            if rows.is_empty() {
                return Ok(());
            }
            for r in &rows {
                let number: String = r.get(1);
                let raw = self.raw(&number, r)?;
                next = raw.seq + 1;
                each(raw)?;
            }
        }
    }

    fn record(&self, number: &str) -> Result<RawCase, StoreError> {
        let row = {
            let mut s = self.server.borrow_mut();
            s.client
                .query_opt(
                    "SELECT seq, number, body, sha256, signature FROM guantong.records
                     WHERE origin = $1 AND number = $2",
                    &[&self.origin, &number.trim()],
                )
                .map_err(|e| server_err(s.pg(e)))?
        };
        match row {
            Some(r) => self.raw(number, &r),
            None => Err(StoreError::NotFound(number.trim().to_string())),
        }
    }

    fn numbers(&self) -> Result<Vec<String>, StoreError> {
        let mut s = self.server.borrow_mut();
        let rows = s
            .client
            .query(
                "SELECT number FROM guantong.records WHERE origin = $1",
                &[&self.origin],
            )
            .map_err(|e| server_err(s.pg(e)))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn registered_keys(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut s = self.server.borrow_mut();
        let rows = s
            .client
            .query(
                "SELECT public_key, os_user FROM guantong.clerk_keys WHERE office = $1",
                &[&self.office],
            )
            .map_err(|e| server_err(s.pg(e)))?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}

impl CaseLogAppend for ServerLog {
    type Error = ServerError;

    fn chain_of(&mut self, origin: &str) -> Result<Vec<ChainHead>, ServerError> {
        let s = self.server.get_mut();
        let rows = s
            .client
            .query(
                "SELECT seq, number, sha256 FROM guantong.records WHERE origin = $1
                 ORDER BY seq",
                &[&origin],
            )
            .map_err(|e| s.pg(e))?;
        Ok(rows
            .iter()
            .map(|r| ChainHead {
                seq: r.get(0),
                number: r.get(1),
                sha256: r.get(2),
            })
            .collect())
    }

    fn append(&mut self, origin: &str, records: &[RawCase]) -> Result<(), ServerError> {
        if records.is_empty() {
            return Ok(());
        }
        let n = records.len();
        let mut origins = Vec::with_capacity(n);
        let mut seqs = Vec::with_capacity(n);
        let mut numbers = Vec::with_capacity(n);
        let mut bodies: Vec<&[u8]> = Vec::with_capacity(n);
        let mut hashes = Vec::with_capacity(n);
        let mut sigs = Vec::with_capacity(n);
        let mut id_hashes: Vec<Option<String>> = Vec::with_capacity(n);
        for r in records {
            origins.push(origin);
            seqs.push(r.seq);
            numbers.push(r.number.as_str());
            bodies.push(r.body.as_bytes());
            hashes.push(r.sha256.as_str());
            sigs.push(r.signature.as_str());
            id_hashes.push(match (&self.key, applicant_id(&r.body)) {
                (Some(k), Some(id)) => Some(k.hash(&id)),
                _ => None,
            });
        }
        let s = self.server.get_mut();
        let at = s.at();
        let mut tx = s
            .client
            .transaction()
            .map_err(|e| ServerError::from_pg(&at, e))?;
        tx.execute(
            "INSERT INTO guantong.records (origin, seq, number, body, sha256, signature, id_hash)
             SELECT o, s, n, b, h, g, i
             FROM unnest($1::text[], $2::int8[], $3::text[], $4::bytea[], $5::text[],
                         $6::text[], $7::text[]) WITH ORDINALITY AS t(o, s, n, b, h, g, i, k)
             ORDER BY k",
            &[
                &origins, &seqs, &numbers, &bodies, &hashes, &sigs, &id_hashes,
            ],
        )
        .map_err(|e| ServerError::from_pg(&at, e))?;
        if let Some(f) = &mut self.before_commit {
            f(records);
        }
        tx.commit().map_err(|e| ServerError::from_pg(&at, e))
    }
}
