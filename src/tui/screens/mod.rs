//! One file per screen: each holds its part of `update` (`impl App { fn on_… }`) and its
//! `render`, which draws from a borrow of the state.

pub mod cases;
pub mod drafts;
pub mod help;
pub mod home;
pub mod outcome;
pub mod question;
pub mod review;
pub mod signoff;
