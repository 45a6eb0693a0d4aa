//! Drafts: interviews saved as they were given, newest first; resume or discard one (it
//! resumes under its own questionnaire, named on its row when it is not the default).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::home::{self, Home};
use super::{Notice, Screen, Step, question};
use crate::tui::interview::Interview;
use crate::tui::msg::{DraftRow, Effect, Msg};
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drafts {
    /// `None` until the store answers.
    pub rows: Option<Vec<DraftRow>>,
    pub list: ChoiceList,
    /// `x` was pressed once: the next `x` discards.
    pub discard_armed: bool,
    /// A draft in use elsewhere that the clerk asked to open: `t` takes it over, any
    /// other key lets it be (and does what it does).
    pub take_over: Option<String>,
}

impl Drafts {
    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        let armed = std::mem::take(&mut self.discard_armed);
        let take_over = self.take_over.take();
        let selected = self
            .rows
            .as_ref()
            .and_then(|d| d.get(self.list.selected?))
            .map(|d| d.id.clone());
        match msg {
            Msg::Drafts(rows) => {
                self.discard_armed = armed;
                self.list = ChoiceList::new(rows.len(), 0);
                self.rows = Some(rows);
            }
            Msg::DraftLoaded(d) => return question::resume(iv, &d),
            // Another wizard opened it meanwhile: say so, and offer the take-over.
            Msg::DraftInUse { id, by } => {
                if let Some(row) = self.rows.iter_mut().flatten().find(|r| r.id == id) {
                    row.in_use = Some(by.clone());
                }
                self.take_over = Some(id);
                return Step::notice(Notice::error(strings::take_over(iv.lang, &by)));
            }
            Msg::Char('t' | 'T') if take_over.is_some() => {
                return Step::effect(Effect::TakeOverDraft(take_over.unwrap_or_default()));
            }
            Msg::Up => self.list.up(),
            Msg::Down => self.list.down(),
            Msg::Home => self.list.first(),
            Msg::End => self.list.last(),
            // The digit beside a row selects it (as in every list); Enter acts.
            Msg::Char(c @ '1'..='9') => {
                self.list.pick(usize::from(c as u8 - b'1'));
            }
            Msg::Enter => {
                let row = self
                    .rows
                    .iter()
                    .flatten()
                    .nth(self.list.selected.unwrap_or(0));
                match (selected, row.and_then(|r| r.in_use.clone())) {
                    // in use elsewhere: confirm before taking it over
                    (Some(id), Some(by)) => {
                        self.take_over = Some(id);
                        return Step::notice(Notice::error(strings::take_over(iv.lang, &by)));
                    }
                    (Some(id), None) => return Step::effect(Effect::LoadDraft(id)),
                    (None, _) => {}
                }
            }
            Msg::Char('x') | Msg::Delete => {
                if let Some(id) = selected {
                    if armed {
                        self.rows = None;
                        return Step::effect(Effect::DiscardDraft(id)).with(Effect::LoadDrafts);
                    }
                    self.discard_armed = true;
                    return Step::notice(Notice::info(iv.s().drafts_discard_again));
                }
            }
            Msg::Back | Msg::Left | Msg::Char('q') => {
                return Step::go(Screen::Home(Home::at(home::DRAFTS)));
            }
            _ => {}
        }
        Step::stay()
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let rows = self.rows.as_ref().map(|rows| {
            rows.iter()
                .map(|d| {
                    let mut row = format!(
                        "{}  {}  {}",
                        d.updated,
                        d.name.as_deref().unwrap_or("-"),
                        strings::draft_row_progress(iv.lang, d.answered)
                    );
                    if let Some(by) = &d.in_use {
                        row.push_str("  ");
                        row.push_str(&strings::in_use(iv.lang, by));
                    }
                    if super::names_questionnaire(iv, &d.questionnaire) {
                        row.push_str(&strings::row_questionnaire(iv.lang, &d.questionnaire_title));
                    }
                    row
                })
                .collect()
        });
        let list = &self.list;
        super::render_rows(
            s.drafts_title,
            rows,
            s.drafts_none,
            list,
            (iv, t),
            area,
            buf,
        );
    }
}
