//! The condition language: a CEL-syntax subset with static types and three-valued
//! evaluation over unknown facts.
//!
//! Why not the `cel` crate: it has no type checker, no partial evaluation that reports
//! which unknown inputs an undecided expression waits for, and no per-node source spans;
//! all three are the heart of this product, so the language is ours (about 1,500 lines).

pub mod ast;
pub mod check;
pub mod eval;
pub mod parser;

pub use ast::Span;
pub use check::{Builtin, Node, Ty};
pub use eval::{FactSet, Tri};
