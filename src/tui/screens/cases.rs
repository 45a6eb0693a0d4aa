//! Recent cases: list, view a case's summary, write its printable file.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::{App, Screen};
use crate::tui::msg::{Effect, Msg};
use crate::tui::wrap;

impl App {
    pub(crate) fn on_cases(&mut self, msg: Msg) -> Vec<Effect> {
        let selected = self
            .cases
            .as_ref()
            .and_then(|c| c.get(self.cases_sel.selected))
            .map(|c| c.number.clone());
        match msg {
            Msg::Up => self.cases_sel.up(),
            Msg::Down => self.cases_sel.down(),
            Msg::Home => self.cases_sel.first(),
            Msg::End => self.cases_sel.last(),
            Msg::Enter => {
                if let Some(n) = selected {
                    return vec![Effect::LoadCase(n)];
                }
            }
            Msg::Char('p') => {
                if let Some(n) = selected {
                    return vec![Effect::WritePrintable(n)];
                }
            }
            Msg::Back | Msg::Left | Msg::Char('q') => self.screen = Screen::Home,
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn on_case_view(&mut self, msg: Msg) -> Vec<Effect> {
        if self.case_scroll.on(&msg, 10) {
            return Vec::new();
        }
        match (msg, &self.case_view) {
            (Msg::Char('p'), Some((n, _))) => vec![Effect::WritePrintable(n.clone())],
            (Msg::Back | Msg::Left | Msg::Char('q'), _) => {
                self.screen = Screen::Cases;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let w = usize::from(area.width);
    buf.set_string(area.x, area.y, wrap::truncate(s.cases_title, w), t.title());
    let list = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    };
    let Some(rows) = &app.cases else {
        buf.set_string(list.x, list.y, s.loading, t.dim());
        return;
    };
    if rows.is_empty() {
        buf.set_string(list.x, list.y, s.cases_none, t.dim());
        return;
    }
    let items: Vec<(String, String, Option<bool>)> = rows
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let key = if i < 9 {
                (i + 1).to_string()
            } else {
                " ".to_string()
            };
            (
                key,
                format!(
                    "{}  {}  {}  {} {}",
                    c.number, c.date, c.name, c.status, c.level
                ),
                None,
            )
        })
        .collect();
    app.cases_sel.render(&items, list, buf, t);
}

pub fn render_case(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some((number, text)) = &app.case_view else {
        return;
    };
    let w = usize::from(area.width);
    // The rendered case names its number in its first line; a title only when it does not.
    let body = if text
        .lines()
        .next()
        .is_some_and(|l| l.contains(number.as_str()))
    {
        area
    } else {
        buf.set_string(
            area.x,
            area.y,
            wrap::truncate(&format!("{} {number}", app.s().case_title), w),
            t.title(),
        );
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        }
    };
    let lines = wrap::wrap(text, w.saturating_sub(1));
    let h = usize::from(body.height);
    let start = app.case_scroll.visible(lines.len(), h);
    for (row, l) in lines.iter().skip(start).take(h).enumerate() {
        buf.set_string(body.x, body.y + row as u16, l, t.base());
    }
}
