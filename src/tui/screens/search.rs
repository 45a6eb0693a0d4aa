//! Find anyone: signed cases and drafts by the applicant's name, any part of the ID number,
//! the case number (or a short form: `1`, `bs-2026-1`) or a date, found as the clerk types,
//! newest first, each with the full name and ID number (the clerk's own screen), the
//! verdict and level (or the draft's progress), the clerk, and corrections. Enter opens a
//! case (to read, print or correct it) or resumes a draft.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::cases::CaseView;
use super::home::{self, Home};
use super::{Notice, Screen, Step, question};
use crate::tui::interview::Interview;
use crate::tui::msg::{Effect, Found, FoundRow, Msg};
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::widgets::text_input::TextInput;
use crate::tui::wrap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub query: TextInput,
    /// The results for `found_for` (none before the first search).
    pub rows: Option<Vec<FoundRow>>,
    pub found_for: String,
    pub list: ChoiceList,
}

impl Search {
    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        match msg {
            Msg::Found { query, rows } => {
                // an answer to an earlier query (typed over since) is dropped
                if query == self.query.value() {
                    self.list = ChoiceList::new(rows.len(), 0);
                    self.rows = Some(rows);
                    self.found_for = query;
                }
            }
            Msg::CaseLoaded { number, text } => {
                return Step::go(Screen::CaseView(CaseView {
                    number,
                    text,
                    scroll: Scroll::default(),
                    back: Box::new(Screen::Search(self.clone())),
                }));
            }
            Msg::DraftLoaded(d) => return question::resume(iv, &d),
            Msg::DraftInUse { by, .. } => {
                return Step::notice(Notice::error(strings::in_use_elsewhere(iv.lang, &by)));
            }
            Msg::Up => self.list.up(),
            Msg::Down => self.list.down(),
            Msg::PageUp => (0..5).for_each(|_| self.list.up()),
            Msg::PageDown => (0..5).for_each(|_| self.list.down()),
            Msg::Enter => {
                let row = self
                    .rows
                    .as_ref()
                    .filter(|_| self.found_for == self.query.value())
                    .and_then(|r| r.get(self.list.selected?));
                return match row.map(|r| &r.found) {
                    Some(Found::Case(n)) => Step::effect(Effect::LoadCase(n.clone())),
                    Some(Found::Draft(id)) => Step::effect(Effect::LoadDraft(id.clone())),
                    None => Step::stay(),
                };
            }
            Msg::Back => return Step::go(Screen::Home(Home::at(home::search_item(iv)))),
            Msg::Help => return Step::help(),
            other => {
                let before = self.query.value();
                self.query.edit(&other);
                let now = self.query.value();
                if now != before {
                    if now.trim().is_empty() {
                        self.rows = None;
                        self.found_for = now;
                        self.list = ChoiceList::default();
                    } else {
                        return Step::effect(Effect::Search(now));
                    }
                }
            }
        }
        Step::stay()
    }

    /// A result as two lines: what it is, who; then when, the verdict, the clerk, notes.
    fn row(iv: &Interview, r: &FoundRow) -> String {
        let what = match &r.found {
            Found::Case(n) => n.clone(),
            Found::Draft(_) => iv.s().search_draft.to_string(),
        };
        let first = [what.as_str(), r.name.as_str(), r.id_number.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("  ");
        let verdict = [r.status.as_str(), r.summary.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let clerk = strings::clerk_of(iv.lang, &r.clerk);
        let second = [
            r.when.as_str(),
            verdict.as_str(),
            clerk.as_str(),
            r.note.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("  ");
        format!("{first}\n{second}")
    }

    pub fn render(
        &self,
        iv: &Interview,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) -> Option<Position> {
        let s = iv.s();
        let w = usize::from(area.width);
        buf.set_string(area.x, area.y, wrap::truncate(s.search_title, w), t.title());
        let label = format!("{}{}", s.search_label, s.colon);
        let lw = wrap::width(&label) as u16;
        buf.set_string(area.x, area.y + 2, &label, t.base());
        let field = Rect::new(
            area.x + lw,
            area.y + 2,
            area.width.saturating_sub(lw).min(40),
            1,
        );
        let cursor = self.query.render(field, buf, t.field());
        let body = Rect {
            y: area.y + 4,
            height: area.height.saturating_sub(4),
            ..area
        };
        if body.height == 0 {
            return cursor;
        }
        match &self.rows {
            None => {
                for (k, l) in wrap::wrap(s.search_hint, w).iter().enumerate() {
                    if k as u16 >= body.height {
                        break;
                    }
                    buf.set_string(body.x, body.y + k as u16, l, t.hint());
                }
            }
            Some(rows) if rows.is_empty() => {
                buf.set_string(body.x, body.y, s.search_none, t.dim());
            }
            Some(rows) => {
                let items = super::numbered(rows.iter().map(|r| Self::row(iv, r)).collect());
                self.list.render(&items, body, buf, t);
            }
        }
        cursor
    }
}
