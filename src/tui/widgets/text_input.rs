//! A one-line text field. Characters from an input method arrive one key event per
//! character or as one paste; both land here. The cursor is kept as a character index and
//! placed on screen by display width, so it sits after a CJK character, not inside it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

use crate::tui::msg::Msg;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextInput {
    chars: Vec<char>,
    cursor: usize,
    /// The text is a value filled in for the clerk (a default, an earlier answer) and
    /// stands selected: the first character typed replaces it, so typing 3 over a
    /// pre-filled 4 gives 3, not 43. Any editing or moving key keeps it for editing.
    replace: bool,
}

fn cw(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

impl TextInput {
    pub fn new(s: &str) -> TextInput {
        let chars: Vec<char> = s.chars().collect();
        let cursor = chars.len();
        TextInput {
            chars,
            cursor,
            replace: false,
        }
    }
    /// A field filled in for the clerk: typing replaces the text, editing keys edit it.
    pub fn prefilled(s: &str) -> TextInput {
        TextInput {
            replace: !s.is_empty(),
            ..TextInput::new(s)
        }
    }
    /// True while the pre-filled text stands selected (typing replaces it).
    pub fn replaces(&self) -> bool {
        self.replace
    }
    /// Typing over a selected pre-filled text starts afresh.
    fn typing(&mut self) {
        if std::mem::take(&mut self.replace) {
            self.clear();
        }
    }
    pub fn value(&self) -> String {
        self.chars.iter().collect()
    }
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }
    pub fn cursor(&self) -> usize {
        self.cursor
    }
    /// Insert typed text at the cursor. Control and invisible characters (a pasted newline
    /// or tab, an escape sequence, a zero-width space: [`crate::safe::is_unsafe`]) are
    /// dropped: the field is one line of visible text.
    pub fn insert_str(&mut self, s: &str) {
        self.typing();
        for c in s.chars().filter(|c| !crate::safe::is_unsafe(*c)) {
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }
    pub fn insert(&mut self, c: char) {
        if !crate::safe::is_unsafe(c) {
            self.typing();
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.chars.remove(self.cursor);
        }
    }
    pub fn delete(&mut self) {
        if self.cursor < self.chars.len() {
            self.chars.remove(self.cursor);
        }
    }
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.chars.len());
    }
    pub fn home(&mut self) {
        self.cursor = 0;
    }
    pub fn end(&mut self) {
        self.cursor = self.chars.len();
    }
    pub fn clear(&mut self) {
        self.chars.clear();
        self.cursor = 0;
    }
    pub fn kill_to_start(&mut self) {
        self.chars.drain(..self.cursor);
        self.cursor = 0;
    }
    pub fn kill_to_end(&mut self) {
        self.chars.truncate(self.cursor);
    }
    /// Delete the word before the cursor (and the blanks between it and the cursor), as a
    /// shell's Ctrl-W does.
    pub fn kill_word(&mut self) {
        let mut start = self.cursor;
        while start > 0 && self.chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !self.chars[start - 1].is_whitespace() {
            start -= 1;
        }
        self.chars.drain(start..self.cursor);
        self.cursor = start;
    }

    /// Apply an editing key; false when `msg` is not one (the screen handles it).
    pub fn edit(&mut self, msg: &Msg) -> bool {
        if !matches!(msg, Msg::Char(_) | Msg::Paste(_)) {
            // an editing or moving key: the pre-filled text is kept, to edit
            let keep = matches!(
                msg,
                Msg::Backspace
                    | Msg::Delete
                    | Msg::Left
                    | Msg::Right
                    | Msg::Home
                    | Msg::End
                    | Msg::KillToStart
                    | Msg::KillToEnd
                    | Msg::KillWord
            );
            if keep {
                self.replace = false;
            }
        }
        match msg {
            Msg::Char(c) => self.insert(*c),
            Msg::Paste(s) => self.insert_str(s),
            Msg::Backspace => self.backspace(),
            Msg::Delete => self.delete(),
            Msg::Left => self.left(),
            Msg::Right => self.right(),
            Msg::Home => self.home(),
            Msg::End => self.end(),
            Msg::KillToStart => self.kill_to_start(),
            Msg::KillToEnd => self.kill_to_end(),
            Msg::KillWord => self.kill_word(),
            _ => return false,
        }
        true
    }

    /// Display width of the text before the cursor.
    pub fn cursor_width(&self) -> usize {
        self.chars[..self.cursor].iter().map(|c| cw(*c)).sum()
    }

    /// Draw on one line of `area`, scrolled so that the cursor is visible; returns where the
    /// terminal cursor goes.
    pub fn render(&self, area: Rect, buf: &mut Buffer, style: Style) -> Option<Position> {
        if area.width < 2 || area.height == 0 {
            return None;
        }
        let width = usize::from(area.width) - 1; // keep a cell for the cursor at the end
        // First visible character: the smallest start such that the cursor fits.
        let mut start = 0;
        let mut before: usize = self.cursor_width();
        while before > width && start < self.cursor {
            before -= cw(self.chars[start]);
            start += 1;
        }
        buf.set_style(Rect { height: 1, ..area }, style);
        // selected pre-filled text in reverse video (shows without colour)
        let style = if self.replace {
            style.add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            style
        };
        let mut x = 0usize;
        for &c in &self.chars[start..] {
            let w = cw(c);
            if x + w > usize::from(area.width) {
                break;
            }
            let mut tmp = [0u8; 4];
            buf.set_string(area.x + x as u16, area.y, c.encode_utf8(&mut tmp), style);
            x += w;
        }
        Some(Position::new(area.x + before as u16, area.y))
    }
}

/// One labelled text field on row `y` of `area` (`> 标签 [     ]`, the focused one marked
/// and titled): the sign-off and first-run forms. Returns the cursor when focused.
#[allow(clippy::too_many_arguments)]
pub fn labelled_row(
    buf: &mut Buffer,
    area: Rect,
    y: u16,
    label: &str,
    label_w: u16,
    input: &TextInput,
    focused: bool,
    t: &crate::tui::theme::Theme,
) -> Option<Position> {
    let mark = if focused { "> " } else { "  " };
    buf.set_string(
        area.x,
        y,
        format!("{mark}{label}"),
        if focused { t.title() } else { t.base() },
    );
    let field = Rect::new(
        area.x + label_w + 1,
        y,
        area.width.saturating_sub(label_w + 1).min(40),
        1,
    );
    let pos = input.render(field, buf, t.field());
    if focused { pos } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_cursor_by_width() {
        let mut t = TextInput::new("");
        for c in "张三".chars() {
            t.insert(c);
        }
        assert_eq!(t.cursor_width(), 4);
        t.left();
        assert_eq!(t.cursor_width(), 2);
        t.insert('小');
        assert_eq!(t.value(), "张小三");
        t.backspace();
        t.backspace();
        assert_eq!(t.value(), "三");
    }

    #[test]
    fn typing_replaces_a_prefilled_value_editing_keeps_it() {
        let mut t = TextInput::prefilled("4");
        t.edit(&Msg::Char('3'));
        assert_eq!(t.value(), "3");
        let mut t = TextInput::prefilled("2026-06-15");
        t.edit(&Msg::Backspace);
        t.edit(&Msg::Char('4'));
        assert_eq!(t.value(), "2026-06-14");
        let mut t = TextInput::prefilled("张三");
        t.edit(&Msg::Paste("李四".into()));
        assert_eq!(t.value(), "李四");
        assert!(!TextInput::prefilled("").replaces());
    }

    #[test]
    fn shell_editing_keys() {
        let mut t = TextInput::new("张三 李四  王五");
        t.edit(&Msg::KillWord);
        assert_eq!(t.value(), "张三 李四  ");
        t.edit(&Msg::KillWord);
        assert_eq!(t.value(), "张三 ");
        t.edit(&Msg::Home);
        t.edit(&Msg::Right);
        t.edit(&Msg::KillToEnd);
        assert_eq!(t.value(), "张");
        t.edit(&Msg::Char('x'));
        t.edit(&Msg::Left);
        t.edit(&Msg::KillToStart);
        assert_eq!((t.value().as_str(), t.cursor()), ("x", 0));
        assert!(!t.edit(&Msg::Enter));
    }

    #[test]
    fn paste_drops_control_characters() {
        let mut t = TextInput::new("a");
        t.insert_str("李\n四\t");
        assert_eq!(t.value(), "a李四");
    }

    #[test]
    fn scrolls_to_keep_the_cursor_visible() {
        let t = TextInput::new("一二三四五六七八");
        let area = Rect::new(0, 0, 6, 1);
        let mut buf = Buffer::empty(area);
        let pos = t.render(area, &mut buf, Style::new()).unwrap();
        assert!(pos.x < 6);
    }
}
