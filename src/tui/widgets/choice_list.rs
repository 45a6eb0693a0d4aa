//! A single-choice list: arrows move, the digit (or letter) beside an item picks it. The
//! focused row is drawn in reverse video with a `>` marker, so it shows without colour.
//! A list may have no selection at all (a question nobody has answered): the first arrow
//! or key selects.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::theme::Theme;
use crate::tui::wrap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChoiceList {
    pub selected: Option<usize>,
    pub len: usize,
    /// The row number typed so far in a numbered list ([`ChoiceList::digit`]).
    pub typed: Option<usize>,
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
    /// A list with item `selected` selected (clamped; none when the list is empty).
    pub fn new(len: usize, selected: usize) -> ChoiceList {
        ChoiceList {
            selected: (len > 0).then(|| selected.min(len - 1)),
            len,
            typed: None,
        }
    }
    /// A list with nothing selected.
    pub fn unselected(len: usize) -> ChoiceList {
        ChoiceList {
            selected: None,
            len,
            typed: None,
        }
    }
    pub fn up(&mut self) {
        self.selected = match self.selected {
            Some(i) => Some(i.saturating_sub(1)),
            None => self.first_item(),
        };
    }
    pub fn down(&mut self) {
        self.selected = match self.selected {
            Some(i) if i + 1 < self.len => Some(i + 1),
            Some(i) => Some(i),
            None => self.first_item(),
        };
    }
    pub fn first(&mut self) {
        self.selected = self.first_item();
    }
    pub fn last(&mut self) {
        self.selected = self.len.checked_sub(1);
    }
    pub fn pick(&mut self, i: usize) -> bool {
        if i < self.len {
            self.selected = Some(i);
            true
        } else {
            false
        }
    }
    /// A digit typed in a numbered list (drafts, cases, search results: every row shows
    /// its number): it extends the number typed just before when the longer number is a
    /// row (`1` then `2` selects row 12 of 20), else starts a new one (`3` selects row 3).
    /// Any other key ends the number ([`ChoiceList::end_number`]).
    pub fn digit(&mut self, d: u32) -> bool {
        let d = d as usize;
        let longer = self
            .typed
            .map(|t| t * 10 + d)
            .filter(|n| (1..=self.len).contains(n));
        let n = longer.or_else(|| (1..=self.len).contains(&d).then_some(d));
        self.typed = n;
        match n {
            Some(n) => self.pick(n - 1),
            None => false,
        }
    }
    /// The number being typed is complete.
    pub fn end_number(&mut self) {
        self.typed = None;
    }
    fn first_item(&self) -> Option<usize> {
        (self.len > 0).then_some(0)
    }

    /// Draw `items` (key, label, ticked) into `area`, scrolled so the selection shows.
    /// `ticked` = `Some(bool)` draws a `[x]` box (multi-select). A label too long for the
    /// width wraps onto further rows, indented, so that nothing is cut off.
    pub fn render(
        &self,
        items: &[(String, String, Option<bool>)],
        area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
    ) {
        let h = usize::from(area.height);
        if h == 0 || area.width < 8 {
            return;
        }
        let rows = Self::rows(items, usize::from(area.width));
        // First item shown: the selection's rows must fit, and everything before it.
        let mut offset = 0;
        let used = |from: usize, to: usize| -> usize { rows[from..=to].iter().map(Vec::len).sum() };
        if let Some(sel) = self.selected.filter(|s| *s < rows.len()) {
            while offset < sel && used(offset, sel) > h {
                offset += 1;
            }
        }
        let mut y = 0usize;
        let mut last_shown = offset;
        for (i, lines) in rows.iter().enumerate().skip(offset) {
            if y >= h {
                break;
            }
            let focused = self.selected == Some(i);
            for (k, l) in lines.iter().enumerate() {
                if y >= h {
                    break;
                }
                let row = area.y + y as u16;
                match (focused, k, l.strip_prefix("  ")) {
                    (true, 0, Some(rest)) => {
                        // Focus: `>` and the key in reverse video. The label keeps its
                        // style, so a move rewrites only the two short prefixes (a CJK
                        // label restyled costs a cursor move per wide character).
                        let key_len = rest.find(". ").map_or(0, |p| p + 1);
                        let (key, label) = rest.split_at(key_len);
                        let x = area.x + 2 + wrap::width(key) as u16;
                        buf.set_string(area.x, row, format!("> {key}"), theme.focus());
                        buf.set_string(x, row, label, theme.base());
                    }
                    _ => {
                        buf.set_string(area.x, row, l, theme.base());
                    }
                }
                y += 1;
            }
            last_shown = i;
        }
        // A scroll hint when items are hidden; plain ASCII.
        if offset > 0 {
            buf.set_string(area.right().saturating_sub(3), area.y, "^^", theme.dim());
        }
        if last_shown + 1 < items.len() || y > h {
            buf.set_string(
                area.right().saturating_sub(3),
                area.bottom() - 1,
                "vv",
                theme.dim(),
            );
        }
    }

    /// The rows each item takes at `width`: the first with the marker and key, the rest
    /// indented under the label.
    pub fn rows(items: &[(String, String, Option<bool>)], width: usize) -> Vec<Vec<String>> {
        items
            .iter()
            .map(|(key, label, ticked)| {
                let mut head = format!("{key}. ");
                if let Some(t) = ticked {
                    head.push_str(if *t { "[x] " } else { "[ ] " });
                }
                let indent = 2 + wrap::width(&head);
                let avail = width.saturating_sub(indent + 3).max(4);
                wrap::wrap(label, avail)
                    .into_iter()
                    .enumerate()
                    .map(|(k, l)| {
                        if k == 0 {
                            format!("  {head}{l}")
                        } else {
                            format!("{}{l}", " ".repeat(indent))
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Total rows the items take at `width`.
    pub fn height(items: &[(String, String, Option<bool>)], width: usize) -> usize {
        Self::rows(items, width).iter().map(Vec::len).sum()
    }
}
