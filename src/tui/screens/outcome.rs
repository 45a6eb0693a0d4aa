//! The outcome: status, every decided result (level, route, fee, window, ...), each finding
//! with its article and message, what is still missing, materials to bring, next steps and
//! answers set aside. Scrolls, so all of it can be read at 80x24.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::eval::Status;
use crate::questionnaire::RuleKind;
use crate::tui::app::{App, Notice, Screen};
use crate::tui::msg::{Effect, Msg};
use crate::tui::screens::signoff::SignOffState;
use crate::tui::theme::Theme;
use crate::tui::wrap;

pub fn status_style(t: &Theme, st: Status) -> Style {
    match st {
        Status::Eligible => t.ok(),
        Status::Ineligible => t.error(),
        Status::Refer => t.warn(),
        Status::Incomplete => t.pending(),
    }
}

/// The outcome as styled lines wrapped to `width`.
pub fn lines(app: &App, width: usize) -> Vec<(String, Style)> {
    let t = &app.theme;
    let s = app.s();
    let lang = app.lang;
    let q = &app.q;
    let ev = &app.ev;
    let mut out: Vec<(String, Style)> = Vec::new();
    let push = |out: &mut Vec<(String, Style)>, text: &str, indent: usize, style: Style| {
        let pad = " ".repeat(indent);
        for l in wrap::wrap(text, width.saturating_sub(indent)) {
            out.push((format!("{pad}{l}"), style));
        }
    };
    push(
        &mut out,
        &format!(
            "{}{}{} ({})",
            s.outcome_status,
            s.colon,
            ev.status.label(lang),
            ev.status.code()
        ),
        0,
        status_style(t, ev.status),
    );
    for (r, v) in q.results.iter().zip(&ev.results) {
        let Some(v) = v.known() else { continue };
        if v.is_null() {
            continue;
        }
        let label = r
            .label
            .as_ref()
            .map_or(r.name.clone(), |l| l.get(lang).to_string());
        push(
            &mut out,
            &format!("{label}{}{}", s.colon, r.display(v, lang)),
            2,
            t.base(),
        );
    }
    let fired: Vec<_> = ev.fired(q).collect();
    if !fired.is_empty() {
        out.push((String::new(), t.base()));
        push(&mut out, s.outcome_findings, 0, t.title());
        for r in fired {
            let style = if r.kind == RuleKind::Blocker {
                t.error()
            } else {
                t.base()
            };
            push(
                &mut out,
                &format!("[{}] {} {}", r.kind.label(lang), r.cite, r.code),
                2,
                style,
            );
            push(&mut out, r.message.get(lang), 4, t.base());
        }
    }
    if ev.status == Status::Incomplete && !ev.missing.is_empty() {
        out.push((String::new(), t.base()));
        push(&mut out, s.outcome_missing, 0, t.title());
        for i in &ev.missing {
            let f = &q.facts[usize::from(*i)];
            push(&mut out, &format!("- {}", f.prompt.get(lang)), 2, t.warn());
        }
    }
    for (title, items, which, numbered) in [
        (s.outcome_materials, &q.materials, &ev.materials, false),
        (s.outcome_steps, &q.steps, &ev.steps, true),
    ] {
        if which.is_empty() {
            continue;
        }
        out.push((String::new(), t.base()));
        push(&mut out, title, 0, t.title());
        for (n, i) in which.iter().enumerate() {
            let it = &items[*i];
            let cite = it
                .cite
                .as_ref()
                .map_or(String::new(), |c| format!(" ({c})"));
            let bullet = if numbered {
                format!("{}.", n + 1)
            } else {
                "-".to_string()
            };
            push(
                &mut out,
                &format!("{bullet} {}{cite}", it.text.get(lang)),
                2,
                t.base(),
            );
        }
    }
    let aside: Vec<u16> = ev.set_aside().collect();
    if !aside.is_empty() {
        out.push((String::new(), t.base()));
        push(&mut out, s.outcome_set_aside, 0, t.title());
        for i in aside {
            let f = &q.facts[usize::from(i)];
            let v = app
                .answers
                .get(&f.id)
                .map(|v| f.display(v, lang))
                .unwrap_or_default();
            push(
                &mut out,
                &format!("{}{}{v}", f.prompt.get(lang), s.colon),
                2,
                t.set_aside(),
            );
        }
    }
    out
}

impl App {
    pub(crate) fn on_outcome(&mut self, msg: Msg) -> Vec<Effect> {
        if self.outcome_scroll.on(&msg, 10) {
            return Vec::new();
        }
        match msg {
            Msg::Char('s') => {
                if self.ev.status == Status::Incomplete {
                    self.notice = Some(Notice {
                        text: self.s().outcome_incomplete.to_string(),
                        error: true,
                    });
                } else {
                    self.signoff = SignOffState::prefilled(self);
                    self.screen = Screen::SignOff;
                }
            }
            Msg::Char('r') | Msg::Tab => {
                self.review_sel = 0;
                self.screen = Screen::Review;
            }
            Msg::Char('?') | Msg::Help => self.open_help(),
            Msg::Back | Msg::Left => {
                if self.question.is_some() {
                    self.screen = Screen::Question;
                } else {
                    self.screen = Screen::Review;
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let w = usize::from(area.width);
    buf.set_string(
        area.x,
        area.y,
        wrap::truncate(app.s().outcome_title, w),
        t.title(),
    );
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    let lines = lines(app, w.saturating_sub(1));
    let h = usize::from(body.height);
    let start = app.outcome_scroll.visible(lines.len(), h);
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
