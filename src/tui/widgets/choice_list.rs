//! A single-choice list: arrows move, the digit (or letter) beside an item picks it. The
//! focused row is drawn in reverse video with a `>` marker, so it shows without colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::theme::Theme;
use crate::tui::wrap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChoiceList {
    pub selected: usize,
    pub len: usize,
}

/// The key shown beside item `i`: 1-9, then a-z (skipping letters the screen uses).
pub fn key_label(i: usize) -> String {
    if i < 9 {
        (i + 1).to_string()
    } else {
        String::from(char::from(b'a' + (i - 9) as u8 % 26))
    }
}

impl ChoiceList {
    pub fn new(len: usize, selected: usize) -> ChoiceList {
        ChoiceList {
            selected: selected.min(len.saturating_sub(1)),
            len,
        }
    }
    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }
    pub fn down(&mut self) {
        if self.selected + 1 < self.len {
            self.selected += 1;
        }
    }
    pub fn first(&mut self) {
        self.selected = 0;
    }
    pub fn last(&mut self) {
        self.selected = self.len.saturating_sub(1);
    }
    pub fn pick(&mut self, i: usize) -> bool {
        if i < self.len {
            self.selected = i;
            true
        } else {
            false
        }
    }

    /// Draw `items` (key, label, ticked) into `area`, scrolled so the selection shows.
    /// `ticked` = `Some(bool)` draws a `[x]` box (multi-select).
    pub fn render(
        &self,
        items: &[(String, String, Option<bool>)],
        area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let h = usize::from(area.height);
        if h == 0 || area.width < 4 {
            return;
        }
        let offset = if self.selected >= h {
            self.selected + 1 - h
        } else {
            0
        };
        for (row, (i, (key, label, ticked))) in
            items.iter().enumerate().skip(offset).take(h).enumerate()
        {
            let focused = i == self.selected;
            let y = area.y + row as u16;
            let mut text = String::from(if focused { "> " } else { "  " });
            text.push_str(key);
            text.push_str(". ");
            if let Some(t) = ticked {
                text.push_str(if *t { "[x] " } else { "[ ] " });
            }
            text.push_str(label);
            let text = wrap::truncate(&text, usize::from(area.width));
            let style = if focused { theme.focus() } else { theme.base() };
            buf.set_string(area.x, y, &text, style);
        }
        // A scroll hint when items are hidden; plain ASCII.
        if offset > 0 {
            buf.set_string(area.right().saturating_sub(3), area.y, "^^", theme.dim());
        }
        if offset + h < items.len() {
            buf.set_string(
                area.right().saturating_sub(3),
                area.bottom() - 1,
                "vv",
                theme.dim(),
            );
        }
    }
}
