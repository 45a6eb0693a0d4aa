//! Home: new interview, resume a draft, recent cases, find an applicant, quit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::cases::Cases;
use super::drafts::Drafts;
use super::search::Search;
use super::{Screen, Step, question};
use crate::tui::interview::Interview;
use crate::tui::msg::{Effect, Msg};
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;
use crate::tui::wrap;

pub const ITEMS: usize = 5;
pub const NEW: usize = 0;
pub const DRAFTS: usize = 1;
pub const CASES: usize = 2;
pub const SEARCH: usize = 3;
pub const QUIT: usize = 4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    pub list: ChoiceList,
}

impl Default for Home {
    fn default() -> Self {
        Home::at(NEW)
    }
}

impl Home {
    /// Home with item `i` selected (where the clerk came back from).
    pub fn at(i: usize) -> Home {
        Home {
            list: ChoiceList::new(ITEMS, i),
        }
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        match msg {
            Msg::Up => self.list.up(),
            Msg::Down => self.list.down(),
            Msg::Home => self.list.first(),
            Msg::End => self.list.last(),
            // The digit beside an item selects it (as in every list); Enter acts.
            Msg::Char(c @ '1'..='5') => {
                self.list.pick(usize::from(c as u8 - b'1'));
            }
            // `/` finds, as in less and vim
            Msg::Char('/') => {
                self.list.pick(SEARCH);
                return self.action(iv);
            }
            Msg::Char('n') => {
                self.list.pick(NEW);
                return self.action(iv);
            }
            Msg::Char('q') => {
                self.list.pick(QUIT);
                return self.action(iv);
            }
            Msg::Enter => return self.action(iv),
            Msg::Char('?') | Msg::Help => return Step::help(),
            _ => {}
        }
        Step::stay()
    }

    fn action(&mut self, iv: &mut Interview) -> Step {
        match self.list.selected.unwrap_or(NEW) {
            NEW => question::start(iv),
            DRAFTS => Step::go(Screen::Drafts(Drafts::default())).with(Effect::LoadDrafts),
            CASES => Step::go(Screen::Cases(Cases::default())).with(Effect::LoadCases),
            SEARCH => Step::go(Screen::Search(Search::default())),
            _ => Step::quit(),
        }
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let w = usize::from(area.width);
        let mut y = area.y + 1;
        for l in wrap::wrap(iv.q.meta.title.get(iv.lang), w.saturating_sub(2)) {
            if y >= area.bottom() {
                return;
            }
            buf.set_string(area.x + 2, y, l, t.title());
            y += 1;
        }
        let version = format!("{} {}", iv.q.meta.id, iv.q.meta.version);
        buf.set_string(
            area.x + 2,
            y,
            wrap::truncate(&version, w.saturating_sub(2)),
            t.dim(),
        );
        y += 2;
        let items = [
            s.home_new,
            s.home_resume,
            s.home_cases,
            s.home_search,
            s.home_quit,
        ];
        let items: Vec<(String, String, Option<bool>)> = items
            .iter()
            .enumerate()
            .map(|(i, l)| ((i + 1).to_string(), l.to_string(), None))
            .collect();
        let n = items.len() as u16;
        let list =
            Rect::new(area.x + 2, y, area.width.saturating_sub(4).min(60), n).intersection(area);
        self.list.render(&items, list, buf, t);
        y += n + 1;
        if y < area.bottom() {
            buf.set_string(
                area.x + 2,
                y,
                wrap::truncate(s.home_hint, w.saturating_sub(2)),
                t.hint(),
            );
        }
    }
}
