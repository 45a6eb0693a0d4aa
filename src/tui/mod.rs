//! The interview wizard (ratatui + crossterm; the only module that uses them).
//!
//! Key -> [`Msg`] -> [`App::update`] -> [`Effect`]s: `update` hands the message to the
//! screen on display ([`screens`], one file and one state type each), which works on the
//! shared [`Interview`] and returns effects and the next screen; nothing there does I/O.
//! The run loop in [`term`] executes effects (draft saves, sign-off, printable files) and
//! feeds their results back as messages. Rendering ([`view`]) borrows the state.

pub mod app;
pub mod exec;
pub mod interview;
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

pub use app::App;
pub use interview::{Clock, Interview};
pub use msg::{Effect, Msg};
pub use screens::{Kind, Screen};
pub use theme::Theme;
