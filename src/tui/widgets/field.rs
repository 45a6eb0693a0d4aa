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
            input: TextInput::prefilled(initial),
        }
    }

    /// The answer typed, or why it is not one. Numbers, dates and text of a set form (an
    /// ID number) are read with full-width characters as half-width (an input method left
    /// on types ２０２２年９月１日); text of a set form ignores the spaces inside it
    /// (4510 2119 8805 2000 11). Free text is taken as typed.
    pub fn parse(&self, fact: &Fact) -> Result<Value, Text> {
        let typed = self.input.value();
        match fact.kind {
            FactKind::Integer | FactKind::Date => parse_typed(fact, &halfwidth(&typed)),
            FactKind::Text if fact.pattern.is_some() => {
                let s = halfwidth(&typed);
                match parse_typed(fact, &s) {
                    Err(e) => {
                        let joined: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                        parse_typed(fact, &joined).map_err(|_| e)
                    }
                    ok => ok,
                }
            }
            _ => parse_typed(fact, &typed),
        }
    }

    /// The line under the field saying what is accepted. `id_number`: the field is the
    /// applicant's ID number.
    pub fn hint(fact: &Fact, id_number: bool, lang: Lang) -> String {
        let s = strings::strings(lang);
        let mut h = match fact.kind {
            FactKind::Date => s.date_hint.to_string(),
            FactKind::Integer => strings::range(lang, fact.min, fact.max),
            FactKind::Text if id_number => s.id_hint.to_string(),
            FactKind::Text if fact.pattern.is_some() => s.pattern_hint.to_string(),
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

/// Full-width ASCII forms (Ａ, １, ：, the ideographic space) as their half-width
/// characters: what a clerk with the input method left on types into a number, a date or
/// an ID number means the same.
pub fn halfwidth(s: &str) -> String {
    s.chars().map(halfwidth_char).collect()
}

pub fn halfwidth_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_read_as_half_width() {
        assert_eq!(halfwidth("２０２２年９月１日"), "2022年9月1日");
        assert_eq!(halfwidth("４５１０２１　１９８８ｘ"), "451021 1988x");
        assert_eq!(halfwidth("张三（右江）"), "张三(右江)");
        assert_eq!(halfwidth_char('ｙ'), 'y');
        assert_eq!(halfwidth_char('？'), '?');
    }
}
