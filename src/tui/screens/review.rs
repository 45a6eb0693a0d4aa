//! Review: every answer with its question, in interview order; unanswered questions and
//! defaults marked; answers the branching no longer reaches listed apart as set aside, and
//! after them the answers a draft kept that this questionnaire does not know or accept.
//! Enter on a row goes to that question to change it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::outcome::Outcome;
use super::question::{self, QuestionState};
use super::{Notice, Screen, Step};
use crate::eval::Source;
use crate::eval::flow;
use crate::tui::interview::Interview;
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::wrap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A value the clerk gave.
    Answered,
    /// A default the clerk accepted: it follows its source.
    Derived,
    /// A default not yet confirmed.
    Default,
    Unanswered,
    /// An answer another answer has made invalid: to correct before sign-off.
    Invalid,
    SetAside,
}

/// The row of fact `i` in the review (the first row when it has none).
pub fn row_of(iv: &Interview, i: u16) -> usize {
    rows(iv).iter().position(|r| r.0 == i).unwrap_or(0)
}

/// The rows of the review, in order: askable facts, then those set aside.
pub fn rows(iv: &Interview) -> Vec<(u16, RowKind)> {
    let mut out = Vec::new();
    for (i, st) in iv.ev.facts.iter().enumerate() {
        let i = i as u16;
        if !flow::askable(&iv.ev, i) {
            continue;
        }
        let kind = if !st.invalid.is_empty() {
            RowKind::Invalid
        } else if iv.answers.contains_key(iv.fact_id(i)) {
            RowKind::Answered
        } else if iv.follows(i) && st.source == Source::Default {
            RowKind::Derived
        } else if st.source == Source::Default {
            RowKind::Default
        } else {
            RowKind::Unanswered
        };
        out.push((i, kind));
    }
    out.extend(iv.ev.set_aside().map(|i| (i, RowKind::SetAside)));
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    /// The selected row.
    pub sel: usize,
    /// The question the clerk came from, to go back to.
    pub ret: Option<Box<QuestionState>>,
}

impl Review {
    pub fn new(sel: usize, ret: Option<Box<QuestionState>>) -> Review {
        Review { sel, ret }
    }

    /// The review with fact `i`'s row selected.
    pub fn at(iv: &Interview, i: u16, ret: Option<Box<QuestionState>>) -> Review {
        Review::new(row_of(iv, i), ret)
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        let rows = rows(iv);
        let n = rows.len();
        match msg {
            Msg::Up => self.sel = self.sel.saturating_sub(1),
            Msg::Down => self.sel = (self.sel + 1).min(n.saturating_sub(1)),
            Msg::PageUp => self.sel = self.sel.saturating_sub(10),
            Msg::PageDown => self.sel = (self.sel + 10).min(n.saturating_sub(1)),
            Msg::Home => self.sel = 0,
            Msg::End => self.sel = n.saturating_sub(1),
            Msg::Enter => {
                if let Some((i, kind)) = rows.get(self.sel) {
                    if *kind == RowKind::SetAside {
                        return Step::notice(Notice::error(iv.s().review_cannot_edit));
                    }
                    // The question the clerk came from comes back as it was left (what was
                    // typed there and not yet confirmed included).
                    return match self.ret.take() {
                        Some(mut q) if q.fact == *i => {
                            q.from_review = Some(*i);
                            question::back_to(iv, *q)
                        }
                        _ => question::goto(iv, *i, Some(*i)),
                    };
                }
            }
            Msg::Char('o') | Msg::Outcome => {
                return Step::go(Screen::Outcome(Outcome::new(self.ret.take())));
            }
            Msg::Char('?') | Msg::Help => return Step::help(),
            Msg::Back | Msg::Tab | Msg::Left => {
                return match self.ret.take() {
                    Some(q) => question::back_to(iv, *q),
                    None => Step::go(Screen::Outcome(Outcome::new(None))),
                };
            }
            _ => {}
        }
        Step::stay()
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let rows = rows(iv);
        let w = usize::from(area.width);
        buf.set_string(area.x, area.y, wrap::truncate(s.review_title, w), t.title());
        let list = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        let h = usize::from(list.height);
        if h == 0 {
            return;
        }
        // One line per row; the set-aside group gets a heading line.
        let mut lines: Vec<(String, Style, Option<usize>)> = Vec::new();
        let mut heading_done = false;
        for (ri, (i, kind)) in rows.iter().enumerate() {
            if *kind == RowKind::SetAside && !heading_done {
                lines.push((s.review_set_aside.to_string(), t.title(), None));
                heading_done = true;
            }
            let f = &iv.q.facts[usize::from(*i)];
            let value = match kind {
                RowKind::Answered | RowKind::SetAside => match iv.answers.get(&f.id) {
                    Some(v) if !v.is_null() => f.display(v, iv.lang),
                    _ => s.not_given.to_string(),
                },
                RowKind::Invalid => format!(
                    "{} {}",
                    f.display(
                        iv.answers.get(&f.id).unwrap_or(&crate::value::Value::Null),
                        iv.lang
                    ),
                    s.review_invalid
                ),
                RowKind::Default | RowKind::Derived => {
                    let v = iv.ev.facts[usize::from(*i)]
                        .value
                        .known()
                        .map(|v| f.display(v, iv.lang))
                        .unwrap_or_default();
                    let mark = if *kind == RowKind::Derived {
                        s.review_derived
                    } else {
                        s.review_default
                    };
                    format!("{v} {mark}")
                }
                RowKind::Unanswered => s.review_unanswered.to_string(),
            };
            let focused = ri == self.sel;
            let prompt_w = (w / 2).max(10);
            let prompt = wrap::truncate(f.prompt.get(iv.lang), prompt_w.saturating_sub(3));
            let pad = prompt_w.saturating_sub(wrap::width(&prompt) + 2);
            let mut text = String::from(if focused { "> " } else { "  " });
            text.push_str(&prompt);
            text.push_str(&" ".repeat(pad + 1));
            text.push_str(&value);
            let style = match (focused, kind) {
                (true, _) => t.focus(),
                (false, RowKind::SetAside) => t.set_aside(),
                (false, RowKind::Unanswered) => t.warn(),
                (false, RowKind::Invalid) => t.error(),
                _ => t.base(),
            };
            lines.push((wrap::truncate(&text, w), style, Some(ri)));
        }
        // Answers kept from the draft that this questionnaire does not use: shown, not
        // selectable (there is no question to change them with).
        let mut aside = iv.set_aside().peekable();
        if aside.peek().is_some() {
            lines.push((s.review_aside.to_string(), t.title(), None));
        }
        for (k, v) in aside {
            let label = iv.q.fact(k).map_or(k.as_str(), |f| f.prompt.get(iv.lang));
            let value = if v.is_null() {
                s.not_given.to_string()
            } else {
                v.to_string()
            };
            let text = format!("  {label}{}{value}", s.colon);
            lines.push((wrap::truncate(&text, w), t.set_aside(), None));
        }
        let sel_line = lines
            .iter()
            .position(|(_, _, r)| *r == Some(self.sel))
            .unwrap_or(0);
        let mut offset = sel_line.saturating_sub(h - 1);
        if self.sel + 1 >= rows.len() {
            // at the last row, what follows it shows too
            offset = offset.max(lines.len().saturating_sub(h).min(sel_line));
        }
        for (row, (text, style, _)) in lines.iter().skip(offset).take(h).enumerate() {
            buf.set_string(list.x, list.y + row as u16, text, *style);
        }
    }
}
