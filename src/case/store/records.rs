//! Reading the signed records back: one by number, many by filter, the whole chain in
//! order, the registered keys and the recorded chain head.

use rusqlite::OptionalExtension;

use super::Store;
use crate::case::StoreError;
use crate::case::log::CaseLog;
use crate::case::model::{CaseFilter, CaseRecord};
use crate::case::record::{self, ChainHead, RawCase};

impl Store {
    /// One case by number, with the cases that correct it.
    pub fn get_case(&self, number: &str) -> Result<CaseRecord, StoreError> {
        let mut rec = self.parse_raw(&self.raw_case(number)?)?;
        rec.amended_by = self.amended_by(&rec.number)?;
        Ok(rec)
    }

    /// The numbers of the cases that correct case `number`, oldest first.
    pub fn amended_by(&self, number: &str) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT number FROM case_index WHERE amends = ?1 ORDER BY seq")
            .map_err(|e| self.sq(e))?;
        st.query_map([number], |r| r.get(0))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// The case numbers a short form names (see [`crate::case::office::NumberParts`]):
    /// `1` or `000001` (serial 1 of `this_year`), `2026-1`, `bs-2026-1`, `451002-2026-1`,
    /// `BS-451002-2026-000001`. More than one when the store holds cases of several
    /// offices or prefixes that fit; the caller lists them and never picks one.
    pub fn resolve_number(&self, short: &str, this_year: i16) -> Result<Vec<String>, StoreError> {
        use crate::case::office::NumberParts;
        let Some(want) = NumberParts::parse(short) else {
            return Ok(Vec::new());
        };
        let year = want.year.unwrap_or(this_year);
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT number FROM case_index WHERE year = ?1 AND serial = ?2 ORDER BY seq",
            )
            .map_err(|e| self.sq(e))?;
        let numbers: Vec<String> = st
            .query_map(rusqlite::params![i64::from(year), want.serial], |r| {
                r.get(0)
            })
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))?;
        Ok(numbers
            .into_iter()
            .filter(|n| want.matches(n, this_year))
            .collect())
    }

    /// One kept record by number, as stored.
    pub fn raw_case(&self, number: &str) -> Result<RawCase, StoreError> {
        self.conn
            .query_row(
                "SELECT seq, number, body, sha256, signature FROM cases WHERE number = ?1",
                [number.trim()],
                raw_row,
            )
            .optional()
            .map_err(|e| self.sq(e))?
            .ok_or_else(|| StoreError::NotFound(number.trim().to_string()))
    }

    pub(crate) fn parse_raw(&self, raw: &RawCase) -> Result<CaseRecord, StoreError> {
        record::parse(raw).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!("case {}: {e}", raw.number),
        })
    }

    /// Full records matching `f`, newest first.
    pub fn for_each_case(
        &self,
        f: &CaseFilter,
        mut each: impl FnMut(CaseRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut seqs = Vec::new();
        self.for_each_row(f, |r| {
            seqs.push(r.seq);
            Ok(())
        })?;
        let mut st = self
            .conn
            .prepare("SELECT seq, number, body, sha256, signature FROM cases WHERE seq = ?1")
            .map_err(|e| self.sq(e))?;
        for s in seqs {
            let raw = st.query_row([s], raw_row).map_err(|e| self.sq(e))?;
            let mut rec = self.parse_raw(&raw)?;
            rec.amended_by = self.amended_by(&rec.number)?;
            each(rec)?;
        }
        Ok(())
    }

    /// Every case number in the store.
    pub fn numbers(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT number FROM cases")
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| r.get(0))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// Registered public keys (hex) with their OS user.
    pub fn registered_keys(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT public_key, os_user FROM clerk_keys")
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sq(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sq(e))
    }

    /// The chain head recorded at the last sign-off.
    pub fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'head'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sq(e))?;
        Ok(v.and_then(|v| {
            let mut it = v.split(' ');
            Some(ChainHead {
                seq: it.next()?.parse().ok()?,
                number: it.next()?.to_string(),
                sha256: it.next()?.to_string(),
            })
        }))
    }
}

/// A kept record as a scan finds it: readable, or not (a column that is not UTF-8 text,
/// a missing value), named by its position and as much of its number as can be read.
#[derive(Clone, Debug)]
pub(crate) enum Kept {
    Raw(RawCase),
    Unreadable {
        seq: i64,
        number: String,
        sha256: String,
        detail: String,
    },
}

fn text_of(r: &rusqlite::Row, i: usize) -> Result<String, String> {
    use rusqlite::types::ValueRef;
    match r.get_ref(i).map_err(|e| e.to_string())? {
        ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8(b.to_vec())
            .map_err(|e| format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to())),
        ValueRef::Null => Err("empty (NULL)".into()),
        ValueRef::Integer(n) => Ok(n.to_string()),
        ValueRef::Real(x) => Ok(x.to_string()),
    }
}

fn lossy(r: &rusqlite::Row, i: usize) -> String {
    use rusqlite::types::ValueRef;
    match r.get_ref(i) {
        Ok(ValueRef::Text(b) | ValueRef::Blob(b)) => String::from_utf8_lossy(b).into_owned(),
        Ok(ValueRef::Integer(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl Store {
    /// Every kept record in chain order from position `from`, each readable or named as
    /// unreadable, so that one bad record does not stop a scan (verify goes on past it).
    pub(crate) fn scan(
        &self,
        from: i64,
        each: &mut dyn FnMut(Kept) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT seq, number, body, sha256, signature FROM cases WHERE seq >= ?1
                 ORDER BY seq",
            )
            .map_err(|e| self.sq(e))?;
        let mut rows = st.query([from]).map_err(|e| self.sq(e))?;
        while let Some(r) = rows.next().map_err(|e| self.sq(e))? {
            let seq: i64 = r.get(0).map_err(|e| self.sq(e))?;
            let cols = (text_of(r, 1), text_of(r, 2), text_of(r, 3), text_of(r, 4));
            let kept = match cols {
                (Ok(number), Ok(body), Ok(sha256), Ok(signature)) => Kept::Raw(RawCase {
                    seq,
                    number,
                    body,
                    sha256,
                    signature,
                }),
                (n, b, h, s) => {
                    let why: Vec<String> =
                        [("number", n), ("body", b), ("sha256", h), ("signature", s)]
                            .into_iter()
                            .filter_map(|(c, v)| v.err().map(|e| format!("{c}: {e}")))
                            .collect();
                    Kept::Unreadable {
                        seq,
                        number: lossy(r, 1),
                        sha256: lossy(r, 3),
                        detail: why.join("; "),
                    }
                }
            };
            each(kept)?;
        }
        Ok(())
    }
}

impl CaseLog for Store {
    fn origin(&self) -> Result<String, StoreError> {
        Store::origin(self)
    }
    fn recorded_head(&self) -> Result<Option<ChainHead>, StoreError> {
        self.head()
    }
    fn records_from(
        &self,
        from: i64,
        each: &mut dyn FnMut(RawCase) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.scan(from, &mut |k| match k {
            Kept::Raw(raw) => each(raw),
            Kept::Unreadable {
                seq,
                number,
                detail,
                ..
            } => Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!("case {number} (position {seq}): unreadable: {detail}"),
            }),
        })
    }
    fn record(&self, number: &str) -> Result<RawCase, StoreError> {
        self.raw_case(number)
    }
    fn numbers(&self) -> Result<Vec<String>, StoreError> {
        Store::numbers(self)
    }
    fn registered_keys(&self) -> Result<Vec<(String, String)>, StoreError> {
        Store::registered_keys(self)
    }
    fn chain(&self) -> Result<Vec<ChainHead>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT seq, number, sha256 FROM cases ORDER BY seq")
            .map_err(|e| self.sq(e))?;
        st.query_map([], |r| {
            Ok(ChainHead {
                seq: r.get(0)?,
                number: r.get(1)?,
                sha256: r.get(2)?,
            })
        })
        .map_err(|e| self.sq(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.sq(e))
    }
}

fn raw_row(r: &rusqlite::Row) -> rusqlite::Result<RawCase> {
    Ok(RawCase {
        seq: r.get(0)?,
        number: r.get(1)?,
        body: r.get(2)?,
        sha256: r.get(3)?,
        signature: r.get(4)?,
    })
}
