//! guantong: the interview wizard, rule engine and case store for Baise's
//! skilled-worker / professional-title interconnection policy.
//!
//! The core (`questionnaire`, `expr`, `eval`, `case`) knows nothing of terminals; only
//! `tui` uses ratatui or crossterm.

pub mod case;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diag;
pub mod eval;
pub mod expr;
pub mod idcard;
pub mod linebreak;
pub mod outfile;
pub mod print;
pub mod questionnaire;
pub mod receipt;
pub mod safe;
pub mod scenario;
pub mod server;
pub mod text;
pub mod tui;
pub mod value;
