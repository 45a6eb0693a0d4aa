//! Case records, drafts, sign-off, the SQLite store, signatures, verification and exports.

pub mod draft_meta;
pub mod duplicates;
pub mod error;
pub mod export;
pub mod keys;
pub mod lease;
pub mod model;
pub mod store;
pub mod verify;

pub use error::StoreError;
pub use export::{ExportFormat, render_case};
pub use model::{
    Applicant, CaseFilter, CaseRecord, CaseSummary, Clerk, Draft, Pledge, PrevRef,
    QuestionnaireRef, Resumed, SignOff, mask_name,
};
pub use store::Store;
pub use verify::{Problem, verify};
