//! Review: every answer with its question, in interview order; unanswered questions and
//! defaults marked; answers the branching no longer reaches listed apart as set aside.
//! Enter on a row goes to that question to change it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::eval::Source;
use crate::questionnaire::flow;
use crate::tui::app::{App, Notice, Screen};
use crate::tui::msg::{Effect, Msg};
use crate::tui::wrap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Answered,
    Default,
    Unanswered,
    SetAside,
}

/// The rows of the review, in order: askable facts, then those set aside.
pub fn rows(app: &App) -> Vec<(u16, RowKind)> {
    let mut out = Vec::new();
    for (i, st) in app.ev.facts.iter().enumerate() {
        let i = i as u16;
        if !flow::askable(&app.ev, i) {
            continue;
        }
        let kind = if app.has_answer(i) {
            RowKind::Answered
        } else if st.source == Source::Default {
            RowKind::Default
        } else {
            RowKind::Unanswered
        };
        out.push((i, kind));
    }
    out.extend(app.ev.set_aside().map(|i| (i, RowKind::SetAside)));
    out
}

impl App {
    pub(crate) fn on_review(&mut self, msg: Msg) -> Vec<Effect> {
        let rows = rows(self);
        let n = rows.len();
        match msg {
            Msg::Up => self.review_sel = self.review_sel.saturating_sub(1),
            Msg::Down => self.review_sel = (self.review_sel + 1).min(n.saturating_sub(1)),
            Msg::PageUp => self.review_sel = self.review_sel.saturating_sub(10),
            Msg::PageDown => self.review_sel = (self.review_sel + 10).min(n.saturating_sub(1)),
            Msg::Home => self.review_sel = 0,
            Msg::End => self.review_sel = n.saturating_sub(1),
            Msg::Enter => {
                if let Some((i, kind)) = rows.get(self.review_sel) {
                    if *kind == RowKind::SetAside {
                        self.notice = Some(Notice {
                            text: self.s().review_cannot_edit.to_string(),
                            error: true,
                        });
                    } else {
                        self.from_review = true;
                        self.goto(*i);
                    }
                }
            }
            Msg::Char('o') | Msg::Outcome => self.to_outcome(),
            Msg::Char('?') | Msg::Help => self.open_help(),
            Msg::Back | Msg::Tab | Msg::Left => {
                if self.question.is_some() {
                    self.screen = Screen::Question;
                } else {
                    self.to_outcome();
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let rows = rows(app);
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
        let f = &app.q.facts[usize::from(*i)];
        let value = match kind {
            RowKind::Answered | RowKind::SetAside => f.display(
                app.answers.get(&f.id).unwrap_or(&crate::value::Value::Null),
                app.lang,
            ),
            RowKind::Default => {
                let v = app.ev.facts[usize::from(*i)]
                    .value
                    .known()
                    .map(|v| f.display(v, app.lang))
                    .unwrap_or_default();
                format!("{v} {}", s.review_default)
            }
            RowKind::Unanswered => s.review_unanswered.to_string(),
        };
        let focused = ri == app.review_sel;
        let prompt_w = (w / 2).max(10);
        let prompt = wrap::truncate(f.prompt.get(app.lang), prompt_w.saturating_sub(3));
        let pad = prompt_w.saturating_sub(wrap::width(&prompt) + 2);
        let mut text = String::from(if focused { "> " } else { "  " });
        text.push_str(&prompt);
        text.push_str(&" ".repeat(pad + 1));
        text.push_str(&value);
        let style = match (focused, kind) {
            (true, _) => t.focus(),
            (false, RowKind::SetAside) => t.set_aside(),
            (false, RowKind::Unanswered) => t.warn(),
            _ => t.base(),
        };
        lines.push((wrap::truncate(&text, w), style, Some(ri)));
    }
    let sel_line = lines
        .iter()
        .position(|(_, _, r)| *r == Some(app.review_sel))
        .unwrap_or(0);
    let offset = sel_line.saturating_sub(h - 1);
    for (row, (text, style, _)) in lines.iter().skip(offset).take(h).enumerate() {
        buf.set_string(list.x, list.y + row as u16, text, *style);
    }
}
