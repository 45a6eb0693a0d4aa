//! A scroll position for long text (help, outcome, a case, the pledge). The renderer
//! records how far it can go: unknown until the first frame, when it clamps.

use std::cell::Cell;

use crate::tui::msg::Msg;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scroll {
    pub pos: u16,
    pub max: Cell<u16>,
}

impl Default for Scroll {
    fn default() -> Self {
        Scroll {
            pos: 0,
            max: Cell::new(u16::MAX),
        }
    }
}

impl Scroll {
    pub fn by(&mut self, d: i32) {
        let max = i32::from(self.max.get());
        self.pos = (i32::from(self.pos) + d).clamp(0, max.max(0)) as u16;
    }
    pub fn on(&mut self, msg: &Msg, page: i32) -> bool {
        match msg {
            Msg::Up => self.by(-1),
            Msg::Down => self.by(1),
            Msg::PageUp => self.by(-page),
            Msg::PageDown | Msg::Char(' ') => self.by(page),
            Msg::Home => self.pos = 0,
            Msg::End if self.max.get() == u16::MAX => {}
            Msg::End => self.pos = self.max.get(),
            _ => return false,
        }
        true
    }
    /// The position to draw at, given how many lines there are and how many fit.
    pub fn visible(&self, lines: usize, height: usize) -> usize {
        let max = lines.saturating_sub(height);
        self.max.set(u16::try_from(max).unwrap_or(u16::MAX));
        usize::from(self.pos).min(max)
    }
}
