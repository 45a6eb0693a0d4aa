//! The print menu (`p` wherever a case is on screen): where the receipt goes. Send it to
//! the clerk's PC through the terminal (ZMODEM), print it on the office printer (`lp`), or
//! write it as an HTML file. The last choice stands selected; Enter confirms, Esc cancels.
//! Drawn over the screen it was opened from, taking the keys until closed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::config::PrintTo;
use crate::tui::interview::Interview;
use crate::tui::msg::{Effect, Msg};
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::ChoiceList;
use crate::tui::wrap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintMenu {
    /// The case whose receipt is printed.
    pub number: String,
    pub list: ChoiceList,
}

/// What a key does to the menu.
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed without printing.
    Cancelled,
    /// Print there.
    Chosen(Effect),
}

impl PrintMenu {
    /// The menu for case `number`, `last` selected.
    pub fn new(number: String, last: PrintTo) -> PrintMenu {
        let at = PrintTo::ALL.iter().position(|p| *p == last).unwrap_or(0);
        PrintMenu {
            number,
            list: ChoiceList::new(PrintTo::ALL.len(), at),
        }
    }

    pub fn update(&mut self, msg: &Msg) -> Outcome {
        match msg {
            Msg::Up => self.list.up(),
            Msg::Down => self.list.down(),
            Msg::Home => self.list.first(),
            Msg::End => self.list.last(),
            Msg::Char(c @ '1'..='3') => {
                self.list.pick(usize::from(*c as u8 - b'1'));
            }
            Msg::Enter => {
                let to = PrintTo::ALL[self.list.selected.unwrap_or(0).min(2)];
                return Outcome::Chosen(Effect::Print {
                    number: self.number.clone(),
                    to,
                });
            }
            Msg::Back | Msg::Char('q') => return Outcome::Cancelled,
            _ => {}
        }
        Outcome::Open
    }

    /// Draw the menu at the foot of `area` (the body), over what is there.
    pub fn render(
        &self,
        iv: &Interview,
        printer: Option<&str>,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) {
        let s = iv.s();
        let items: Vec<(String, String, Option<bool>)> = [
            s.print_zmodem.to_string(),
            strings::print_printer(iv.lang, printer),
            s.print_html.to_string(),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), l, None))
        .collect();
        let inner_w = usize::from(area.width.saturating_sub(6));
        let rows = ChoiceList::height(&items, inner_w) as u16;
        let height = (rows + 3).min(area.height);
        let outer = Rect {
            x: area.x + 1,
            y: area.bottom().saturating_sub(height),
            width: area.width.saturating_sub(2),
            height,
        };
        Clear.render(outer, buf);
        let title = format!(" {} {} ", s.print_title, self.number);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_set(t.border())
            .title(wrap::truncate(
                &title,
                usize::from(outer.width.saturating_sub(2)),
            ));
        let inner = block.inner(outer);
        block.render(outer, buf);
        let list = Rect {
            x: inner.x + 1,
            y: inner.y + 1,
            width: inner.width.saturating_sub(2),
            height: inner.height.saturating_sub(1),
        };
        self.list.render(&items, list, buf, t);
    }
}
