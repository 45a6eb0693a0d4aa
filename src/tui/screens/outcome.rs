//! The outcome: status, every decided result (level, route, fee, window, ...), each finding
//! with its article and message, what is still missing, materials to bring, next steps and
//! answers set aside. Scrolls, so all of it can be read at 80x24.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::question::{self, QuestionState};
use super::review::Review;
use super::signoff::SignOffState;
use super::{Notice, Screen, Step};
use crate::eval::Status;
use crate::eval::flow;
use crate::questionnaire::RuleKind;
use crate::tui::interview::Interview;
use crate::tui::msg::Msg;
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::wrap;

pub fn status_style(t: &Theme, st: Status) -> Style {
    match st {
        Status::Eligible => t.ok(),
        Status::Ineligible => t.error(),
        Status::Refer => t.warn(),
        Status::Incomplete => t.pending(),
    }
}

/// The outcome as styled lines wrapped to `width`: the outcome view (the same one
/// `evaluate --format text`, `cases show` and the printout render), for the screen.
pub fn lines(iv: &Interview, t: &Theme, width: usize) -> Vec<(String, Style)> {
    let s = iv.s();
    let v = &iv.view;
    let mut out: Vec<(String, Style)> = Vec::new();
    let push = |out: &mut Vec<(String, Style)>, text: &str, indent: usize, style: Style| {
        let pad = " ".repeat(indent);
        for l in wrap::wrap(text, width.saturating_sub(indent)) {
            out.push((format!("{pad}{l}"), style));
        }
    };
    let st = status_style(t, v.status);
    push(
        &mut out,
        &format!("{}{}{}", s.outcome_status, s.colon, v.status_label),
        0,
        st,
    );
    // when and for what, read aloud
    for line in &v.sentences {
        push(&mut out, line, 2, st);
    }
    for r in &v.results {
        push(
            &mut out,
            &format!("{}{}{}", r.label, s.colon, r.value),
            2,
            t.base(),
        );
    }
    if !v.findings.is_empty() {
        out.push((String::new(), t.base()));
        push(&mut out, s.outcome_findings, 0, t.title());
        for f in &v.findings {
            let style = if f.kind == RuleKind::Blocker {
                t.error()
            } else {
                t.base()
            };
            push(
                &mut out,
                &format!("[{}] {}", f.kind_label, f.cite),
                2,
                style,
            );
            push(&mut out, &f.message, 4, t.base());
        }
    }
    if v.status == Status::Incomplete && !v.missing.is_empty() {
        out.push((String::new(), t.base()));
        push(&mut out, s.outcome_missing, 0, t.title());
        for m in &v.missing {
            push(&mut out, &format!("- {}", m.prompt), 2, t.warn());
        }
    }
    for (title, items, numbered) in [
        (s.outcome_materials, &v.materials, false),
        (s.outcome_steps, &v.steps, true),
    ] {
        if items.is_empty() {
            continue;
        }
        out.push((String::new(), t.base()));
        push(&mut out, title, 0, t.title());
        for (n, it) in items.iter().enumerate() {
            let cite = it
                .cite
                .as_ref()
                .map_or(String::new(), |c| strings::cite_suffix(iv.lang, c));
            let bullet = if numbered {
                format!("{}.", n + 1)
            } else {
                "-".to_string()
            };
            push(
                &mut out,
                &format!("{bullet} {}{cite}", it.text),
                2,
                t.base(),
            );
        }
    }
    if !v.set_aside.is_empty() {
        out.push((String::new(), t.base()));
        push(&mut out, s.outcome_set_aside, 0, t.title());
        for f in &v.set_aside {
            let shown =
                iv.q.fact(&f.id)
                    .and_then(|fact| iv.answers.get(&f.id).map(|a| fact.display(a, iv.lang)))
                    .unwrap_or_default();
            push(
                &mut out,
                &format!("{}{}{shown}", f.prompt, s.colon),
                2,
                t.set_aside(),
            );
        }
    }
    out
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub scroll: Scroll,
    /// The question the clerk came from, to go back to.
    pub ret: Option<Box<QuestionState>>,
}

impl Outcome {
    pub fn new(ret: Option<Box<QuestionState>>) -> Outcome {
        Outcome {
            scroll: Scroll::default(),
            ret,
        }
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        if self.scroll.on(&msg, 10) {
            return Step::stay();
        }
        match msg {
            Msg::Char('s') => {
                if iv.ev.status == Status::Incomplete {
                    return Step::notice(Notice::error(iv.s().outcome_incomplete));
                }
                Step::go(Screen::SignOff(SignOffState::prefilled(
                    iv,
                    Some(Box::new(std::mem::take(self))),
                )))
            }
            Msg::Char('r') | Msg::Tab => Step::go(Screen::Review(Review::new(0, self.ret.take()))),
            Msg::Char('?') | Msg::Help => Step::help(),
            // Back to what is left to ask: the first unanswered question, or the last
            // question when every one is answered.
            Msg::Back | Msg::Left => {
                let target = flow::first_unanswered(&iv.ev, |i| iv.answered(i))
                    .or_else(|| flow::prev(&iv.ev, iv.ev.facts.len() as u16));
                match target {
                    Some(i) => match self.ret.take() {
                        Some(q) if q.fact == i => question::back_to(iv, *q),
                        _ => question::goto(iv, i, None),
                    },
                    None => Step::go(Screen::Review(Review::new(0, None))),
                }
            }
            _ => Step::stay(),
        }
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let w = usize::from(area.width);
        buf.set_string(
            area.x,
            area.y,
            wrap::truncate(iv.s().outcome_title, w),
            t.title(),
        );
        let body = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        let lines = lines(iv, t, w.saturating_sub(1));
        let h = usize::from(body.height);
        let start = self.scroll.visible(lines.len(), h);
        for (row, (text, style)) in lines.iter().skip(start).take(h).enumerate() {
            buf.set_string(body.x, body.y + row as u16, text, *style);
        }
        // Scroll marks in the last column, ASCII.
        if start > 0 {
            buf.set_string(area.right() - 1, body.y, "^", t.dim());
        }
        if start + h < lines.len() && h > 0 {
            buf.set_string(area.right() - 1, body.bottom() - 1, "v", t.dim());
        }
    }
}
