//! The questionnaire: TOML model, loading with `file:line:col` errors, the checks behind
//! `guantong check`, and migrations.

pub mod catalogue;
mod compile;
mod cx;
mod facts;
pub mod load;
mod meta;
mod migrations;
pub mod model;
mod names;
mod raw;
pub mod receipt;
mod rules;
mod schedule;
pub mod template;

pub use load::{embedded, load_file, load_str};
pub use model::*;
pub use receipt::{Receipt, ReceiptSection, Show};
