//! The case-log interface: an append-only chain of sealed records, as a place that keeps
//! cases offers it. The SQLite store implements it; a sync to the bureau's server reads a
//! local log through it and a server-side log will implement it too. The record work
//! itself (canonical form, hashes, signatures, links) is [`super::record`]'s and does not
//! depend on where records are kept.

use super::StoreError;
use super::record::{ChainHead, RawCase};

pub trait CaseLog {
    /// The origin whose chain this log holds (a store's id, made when it was created).
    fn origin(&self) -> Result<String, StoreError>;

    /// The chain head the log recorded at its last append. Compared with the records
    /// actually present it shows truncation: removing the newest records leaves it
    /// pointing past the end.
    fn recorded_head(&self) -> Result<Option<ChainHead>, StoreError>;

    /// The records in chain order, from position `from` (1 = the first) on.
    fn records_from(
        &self,
        from: i64,
        each: &mut dyn FnMut(RawCase) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// One record by its case number.
    fn record(&self, number: &str) -> Result<RawCase, StoreError>;

    /// Every case number the log holds, in no particular order.
    fn numbers(&self) -> Result<Vec<String>, StoreError>;

    /// The public keys (hex) registered with the log, with the OS user each belongs to.
    fn registered_keys(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Every record's (position, number, hash), in chain order: what two copies of a
    /// chain compare. A log that keeps these beside the records reads them without the
    /// bodies.
    fn chain(&self) -> Result<Vec<ChainHead>, StoreError> {
        let mut out = Vec::new();
        self.records_from(1, &mut |r| {
            out.push(ChainHead {
                seq: r.seq,
                number: r.number,
                sha256: r.sha256,
            });
            Ok(())
        })?;
        Ok(out)
    }
}

/// The write side, as a sync needs it: a place that keeps copies of stores' chains (the
/// bureau's server) and takes each origin's records in chain order, never rewriting one
/// it holds. The server's implementation is `crate::server::log::ServerLog`.
pub trait CaseLogAppend {
    type Error: From<StoreError>;

    /// Every (position, number, hash) of `origin`'s chain held here, in order.
    fn chain_of(&mut self, origin: &str) -> Result<Vec<ChainHead>, Self::Error>;

    /// Append `records`, the next ones of `origin`'s chain in order, all or none. The log
    /// refuses records that do not continue what it holds.
    fn append(&mut self, origin: &str, records: &[RawCase]) -> Result<(), Self::Error>;
}
