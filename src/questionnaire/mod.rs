//! The questionnaire: TOML model, loading with `file:line:col` errors, the checks behind
//! `guantong check`, and the interview flow.

mod build;
pub mod catalogue;
pub mod flow;
pub mod load;
pub mod model;
mod raw;

pub use load::{embedded, load_file, load_str};
pub use model::*;
