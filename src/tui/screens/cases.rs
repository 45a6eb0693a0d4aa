//! Recent cases: list, view a case's summary, write its printable file.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::home::{self, Home};
use super::{Screen, Step};
use crate::tui::interview::Interview;
use crate::tui::msg::{CaseRow, Effect, Msg};
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::wrap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cases {
    /// `None` until the store answers.
    pub rows: Option<Vec<CaseRow>>,
    pub list: ChoiceList,
}

/// One case's summary, scrolled; Esc returns to the list it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseView {
    pub number: String,
    pub text: String,
    pub scroll: Scroll,
    pub back: Cases,
}

impl Cases {
    pub fn update(&mut self, msg: Msg, _iv: &mut Interview) -> Step {
        let selected = self
            .rows
            .as_ref()
            .and_then(|c| c.get(self.list.selected?))
            .map(|c| c.number.clone());
        match msg {
            Msg::Cases(rows) => {
                self.list = ChoiceList::new(rows.len(), 0);
                self.rows = Some(rows);
            }
            Msg::CaseLoaded { number, text } => {
                return Step::go(Screen::CaseView(CaseView {
                    number,
                    text,
                    scroll: Scroll::default(),
                    back: self.clone(),
                }));
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
                if let Some(n) = selected {
                    return Step::effect(Effect::LoadCase(n));
                }
            }
            Msg::Char('p') => {
                if let Some(n) = selected {
                    return Step::effect(Effect::WritePrintable(n));
                }
            }
            Msg::Back | Msg::Left | Msg::Char('q') => {
                return Step::go(Screen::Home(Home::at(home::CASES)));
            }
            _ => {}
        }
        Step::stay()
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let rows = self.rows.as_ref().map(|rows| {
            rows.iter()
                .map(|c| {
                    let mut row = format!(
                        "{}  {}  {}  {} {}",
                        c.number, c.date, c.name, c.status, c.level
                    );
                    if super::names_questionnaire(iv, &c.questionnaire) {
                        let row_q = strings::row_questionnaire(iv.lang, &c.questionnaire_title);
                        row = row.trim_end().to_string() + &row_q;
                    }
                    row
                })
                .collect()
        });
        let list = &self.list;
        super::render_rows(s.cases_title, rows, s.cases_none, list, (iv, t), area, buf);
    }
}

impl CaseView {
    pub fn update(&mut self, msg: Msg, _iv: &mut Interview) -> Step {
        if self.scroll.on(&msg, 10) {
            return Step::stay();
        }
        match msg {
            Msg::Char('p') => Step::effect(Effect::WritePrintable(self.number.clone())),
            Msg::Back | Msg::Left | Msg::Char('q') => {
                Step::go(Screen::Cases(std::mem::take(&mut self.back)))
            }
            _ => Step::stay(),
        }
    }

    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let (number, text) = (&self.number, &self.text);
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
                wrap::truncate(&format!("{} {number}", iv.s().case_title), w),
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
        let start = self.scroll.visible(lines.len(), h);
        for (row, l) in lines.iter().skip(start).take(h).enumerate() {
            buf.set_string(body.x, body.y + row as u16, l, t.base());
        }
    }
}
