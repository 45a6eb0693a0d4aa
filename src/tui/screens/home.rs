//! Home: new interview (under the wizard's default questionnaire), resume a draft, recent
//! cases, a new interview under another questionnaire (when the catalogue holds several),
//! quit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::cases::Cases;
use super::choose::Choose;
use super::drafts::Drafts;
use super::{Screen, Step, question};
use crate::tui::interview::Interview;
use crate::tui::msg::{Effect, Msg};
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;
use crate::tui::wrap;

pub const ITEMS: usize = 4;
pub const NEW: usize = 0;
pub const DRAFTS: usize = 1;
pub const CASES: usize = 2;
/// With several questionnaires: a new interview under another one (quit moves down).
pub const CHOOSE: usize = 3;

/// What home offers, in order: the choice of questionnaire only when there is one.
fn items(iv: &Interview) -> usize {
    if iv.choices.len() > 1 {
        ITEMS + 1
    } else {
        ITEMS
    }
}

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
        let n = items(iv);
        if self.list.len != n {
            self.list = ChoiceList::new(n, self.list.selected.unwrap_or(NEW));
        }
        match msg {
            Msg::Up => self.list.up(),
            Msg::Down => self.list.down(),
            Msg::Home => self.list.first(),
            Msg::End => self.list.last(),
            // The digit beside an item selects it (as in every list); Enter acts.
            Msg::Char(c @ '1'..='9') => {
                self.list.pick(usize::from(c as u8 - b'1'));
            }
            Msg::Char('n') => {
                self.list.pick(NEW);
                return self.action(iv);
            }
            Msg::Char('q') => {
                self.list.last();
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
            NEW => {
                // always the default: a questionnaire chosen before is not remembered
                iv.use_default();
                question::start(iv)
            }
            DRAFTS => Step::go(Screen::Drafts(Drafts::default())).with(Effect::LoadDrafts),
            CASES => Step::go(Screen::Cases(Cases::default())).with(Effect::LoadCases),
            CHOOSE if items(iv) > ITEMS => Step::go(Screen::Choose(Choose::new(iv))),
            _ => Step::quit(),
        }
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let w = usize::from(area.width);
        let mut y = area.y + 1;
        // what "new interview" uses
        let q = iv.default_questionnaire();
        for l in wrap::wrap(q.meta.title.get(iv.lang), w.saturating_sub(2)) {
            if y >= area.bottom() {
                return;
            }
            buf.set_string(area.x + 2, y, l, t.title());
            y += 1;
        }
        let version = format!("{} {}", q.meta.id, q.meta.version);
        buf.set_string(
            area.x + 2,
            y,
            wrap::truncate(&version, w.saturating_sub(2)),
            t.dim(),
        );
        y += 2;
        let mut labels = vec![s.home_new, s.home_resume, s.home_cases];
        if items(iv) > ITEMS {
            labels.push(s.home_choose);
        }
        labels.push(s.home_quit);
        let items: Vec<(String, String, Option<bool>)> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| ((i + 1).to_string(), l.to_string(), None))
            .collect();
        let list = ChoiceList {
            len: items.len(),
            ..self.list.clone()
        };
        // wide enough for the longest item in either language; tall enough for every item
        // (one that wraps takes two rows)
        let wide = if items.len() > ITEMS { 48 } else { 40 };
        let width = area.width.saturating_sub(4).min(wide);
        let n = ChoiceList::height(&items, usize::from(width)) as u16;
        let at = Rect::new(area.x + 2, y, width, n).intersection(area);
        list.render(&items, at, buf, t);
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
