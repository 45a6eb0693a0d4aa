//! Case records, drafts, sign-off, the SQLite store, signatures, verification and exports.
//!
//! `record` (canonical form, hashes, signatures, chain links) and `signoff` (building a
//! record from the answers) are pure; `log` is the case-log interface a place that keeps
//! records offers; `store` is the SQLite one.

pub mod anchor;
pub mod dirs;
pub mod draft_meta;
pub mod duplicates;
pub mod error;
pub mod export;
pub mod keys;
pub mod lease;
pub mod log;
pub mod model;
pub mod office;
pub mod outcome;
pub mod privacy;
pub mod record;
pub mod signoff;
pub mod store;
pub mod summary;
pub mod trust;
pub mod verify;

pub use error::StoreError;
pub use export::{ExportFormat, render_case};
pub use log::CaseLog;
pub use model::{
    Applicant, CaseFilter, CaseRecord, CaseSummary, Clerk, Draft, Pledge, PrevRef,
    QuestionnaireRef, Resumed, SignOff, mask_name,
};
pub use office::{OfficeCode, OfficeCodeError};
pub use record::{ChainHead, RawCase};
pub use store::Store;
pub use verify::{Anchors, Problem, verify, verify_with};
