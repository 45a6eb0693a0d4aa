//! Which question comes next, given the evaluation of the answers so far. The wizard keeps
//! answers keyed by fact and asks this module where to go; "back" never pops a stack.

use crate::eval::{Evaluation, Reach};

/// Is fact `i` to be asked now? Reached facts are; so are pending ones (their branching
/// waits for an earlier fact the clerk skipped past).
pub fn askable(ev: &Evaluation, i: u16) -> bool {
    ev.facts
        .get(usize::from(i))
        .is_some_and(|f| f.reach != Reach::NotReached)
}

/// The next askable fact after `after` (or the first one).
pub fn next(ev: &Evaluation, after: Option<u16>) -> Option<u16> {
    let start = after.map_or(0, |a| usize::from(a) + 1);
    (start..ev.facts.len())
        .map(|i| i as u16)
        .find(|i| askable(ev, *i))
}

/// The askable fact before `before`.
pub fn prev(ev: &Evaluation, before: u16) -> Option<u16> {
    (0..usize::from(before))
        .rev()
        .map(|i| i as u16)
        .find(|i| askable(ev, *i))
}

/// The first askable fact that has no answer.
pub fn first_unanswered(ev: &Evaluation, answered: impl Fn(u16) -> bool) -> Option<u16> {
    (0..ev.facts.len())
        .map(|i| i as u16)
        .find(|i| askable(ev, *i) && !answered(*i))
}

/// Position of `current` among the askable facts (1-based) and how many there are now.
pub fn progress(ev: &Evaluation, current: u16) -> (usize, usize) {
    let askable: Vec<u16> = (0..ev.facts.len())
        .map(|i| i as u16)
        .filter(|i| askable(ev, *i))
        .collect();
    let pos = askable
        .iter()
        .position(|i| *i >= current)
        .map_or(askable.len(), |p| p + 1);
    (pos, askable.len())
}
