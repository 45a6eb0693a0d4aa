//! Typed fields: text, whole number and date, all edited as text and parsed on Enter with
//! the engine's `parse_typed` (dates as 2026-06-15, 20260615 or 2026年6月15日). What was
//! typed stays in the field when it does not parse.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Block, Borders, Widget};

use super::text_input::TextInput;
use crate::eval::input::parse_typed;
use crate::questionnaire::{Fact, FactKind};
use crate::text::{Lang, Text};
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::value::Value;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field {
    pub input: TextInput,
}

impl Field {
    pub fn new(initial: &str) -> Field {
        Field {
            input: TextInput::new(initial),
        }
    }

    pub fn parse(&self, fact: &Fact) -> Result<Value, Text> {
        parse_typed(fact, &self.input.value())
    }

    /// The line under the field saying what is accepted.
    pub fn hint(fact: &Fact, lang: Lang) -> String {
        let s = strings::strings(lang);
        let mut h = match fact.kind {
            FactKind::Date => s.date_hint.to_string(),
            FactKind::Integer => strings::range(lang, fact.min, fact.max),
            _ => s.text_hint.to_string(),
        };
        if fact.optional {
            h.push(' ');
            h.push_str(s.optional_hint);
        }
        h
    }

    /// A bordered box of height 3 (or a bare line when there is no room for a box).
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) -> Option<Position> {
        if area.height >= 3 && area.width >= 6 {
            let block = Block::new()
                .borders(Borders::ALL)
                .border_set(theme.border());
            let inner = block.inner(Rect { height: 3, ..area });
            block.render(Rect { height: 3, ..area }, buf);
            self.input.render(inner, buf, theme.base())
        } else {
            self.input.render(area, buf, theme.field())
        }
    }
}
