//! Drafts: interviews saved as they were given, newest first; resume or discard one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::{App, Notice, Screen};
use crate::tui::msg::{Effect, Msg};
use crate::tui::{strings, wrap};

impl App {
    pub(crate) fn on_drafts(&mut self, msg: Msg) -> Vec<Effect> {
        let armed = std::mem::take(&mut self.discard_armed);
        let selected = self
            .drafts
            .as_ref()
            .and_then(|d| d.get(self.drafts_sel.selected))
            .map(|d| d.id.clone());
        match msg {
            Msg::Up => self.drafts_sel.up(),
            Msg::Down => self.drafts_sel.down(),
            Msg::Home => self.drafts_sel.first(),
            Msg::End => self.drafts_sel.last(),
            Msg::Enter => {
                if let Some(id) = selected {
                    return vec![Effect::LoadDraft(id)];
                }
            }
            Msg::Char('x') | Msg::Delete => {
                if let Some(id) = selected {
                    if armed {
                        self.drafts = None;
                        return vec![Effect::DiscardDraft(id), Effect::LoadDrafts];
                    }
                    self.discard_armed = true;
                    self.notice = Some(Notice {
                        text: self.s().drafts_discard_again.to_string(),
                        error: false,
                    });
                }
            }
            Msg::Back | Msg::Left | Msg::Char('q') => self.screen = Screen::Home,
            _ => {}
        }
        Vec::new()
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let w = usize::from(area.width);
    buf.set_string(area.x, area.y, wrap::truncate(s.drafts_title, w), t.title());
    let list = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    };
    let Some(rows) = &app.drafts else {
        buf.set_string(list.x, list.y, s.loading, t.dim());
        return;
    };
    if rows.is_empty() {
        buf.set_string(list.x, list.y, s.drafts_none, t.dim());
        return;
    }
    let items: Vec<(String, String, Option<bool>)> = rows
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                (i + 1).to_string(),
                format!(
                    "{}  {}  {}",
                    d.updated,
                    d.name.as_deref().unwrap_or("-"),
                    strings::draft_row_progress(app.lang, d.answered)
                ),
                None,
            )
        })
        .collect();
    app.drafts_sel.render(&items, list, buf, t);
}
