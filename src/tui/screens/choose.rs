//! Choose a questionnaire: with several in the catalogue, a new interview can be made under
//! any of them (the default first, each id at its newest version). Nothing is remembered:
//! the next new interview from home is under the default again.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::home::{self, Home};
use super::{Screen, Step, question};
use crate::tui::interview::Interview;
use crate::tui::msg::{Effect, Msg, Under};
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choose {
    pub list: ChoiceList,
}

impl Choose {
    pub fn new(iv: &Interview) -> Choose {
        Choose {
            list: ChoiceList::new(iv.choices.len(), 0),
        }
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        match msg {
            // the run loop found the questionnaire chosen
            Msg::StartUnder(Under(q)) => {
                iv.use_questionnaire(*q);
                return question::start(iv);
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
                if let Some(c) = self.list.selected.and_then(|i| iv.choices.get(i)) {
                    if c.id == iv.default_questionnaire().meta.id {
                        iv.use_default();
                        return question::start(iv);
                    }
                    return Step::effect(Effect::StartUnder(c.id.clone()));
                }
            }
            Msg::Back | Msg::Left | Msg::Char('q') => {
                return Step::go(Screen::Home(Home::at(home::CHOOSE)));
            }
            Msg::Char('?') | Msg::Help => return Step::help(),
            _ => {}
        }
        Step::stay()
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let default = &iv.default_questionnaire().meta.id;
        let rows = iv
            .choices
            .iter()
            .map(|c| {
                let mark = if &c.id == default {
                    s.choose_default
                } else {
                    ""
                };
                format!("{}{mark}  {} {}", c.title.get(iv.lang), c.id, c.version)
            })
            .collect();
        super::render_rows(
            s.choose_title,
            Some(rows),
            "",
            &self.list,
            (iv, t),
            area,
            buf,
        );
    }
}
