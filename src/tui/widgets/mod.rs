//! Input widgets: one file each. They hold their own editing state and draw from a borrow.

pub mod choice_list;
pub mod field;
pub mod multi_select;
pub mod scroll;
pub mod text_input;
