//! The interview wizard (ratatui + crossterm; the only module that uses them).
//!
//! Key -> [`Msg`] -> [`App::update`] -> [`Effect`]s: `update` does no I/O; the run loop in
//! [`term`] executes effects (draft saves, sign-off, printable files) and feeds their
//! results back as messages. Rendering ([`view`]) borrows the state.

pub mod app;
pub mod exec;
pub mod keys;
pub mod msg;
pub mod screens;
pub mod script;
pub mod strings;
pub mod term;
pub mod theme;
pub mod view;
pub mod widgets;
pub mod wrap;

pub use app::{App, Clock, Screen};
pub use msg::{Effect, Msg};
pub use theme::Theme;
