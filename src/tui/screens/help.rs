//! Help (F1 or `?`): the question's explanation and the article it rests on, quoted from
//! the questionnaire, then the keys. Drawn over the current screen; scrolls.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::Screen;
use crate::tui::interview::Interview;
use crate::tui::theme::Theme;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::wrap;

/// The help text for `screen`, as styled lines wrapped to `width`.
pub fn lines(iv: &Interview, screen: &Screen, t: &Theme, width: usize) -> Vec<(String, Style)> {
    let s = iv.s();
    let mut out: Vec<(String, Style)> = Vec::new();
    let push = |text: &str, style: Style, out: &mut Vec<(String, Style)>| {
        for l in wrap::wrap(text, width) {
            out.push((l, style));
        }
    };
    if let Screen::Question(qs) = screen {
        let f = &iv.q.facts[usize::from(qs.fact)];
        push(f.prompt.get(iv.lang), t.prompt(), &mut out);
        if let Some(h) = &f.help {
            push(h.get(iv.lang), t.base(), &mut out);
        }
        out.push((String::new(), t.base()));
        push(
            &format!("{}{}{}", s.help_basis, s.colon, f.cite),
            t.title(),
            &mut out,
        );
        match iv.q.article(&f.cite) {
            Some((_, text)) => push(text.trim(), t.base(), &mut out),
            None => push(s.help_no_article, t.dim(), &mut out),
        }
        out.push((String::new(), t.base()));
    }
    push(s.help_keys_title, t.title(), &mut out);
    for k in s.help_keys {
        push(k, t.base(), &mut out);
    }
    out
}

/// Draw the help box over `area` (the body).
pub fn render(
    iv: &Interview,
    screen: &Screen,
    t: &Theme,
    scroll: &Scroll,
    area: Rect,
    buf: &mut Buffer,
) {
    let outer = Rect {
        x: area.x + 1,
        y: area.y,
        width: area.width.saturating_sub(2),
        height: area.height,
    };
    Clear.render(outer, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_set(t.border())
        .title(format!(" {} ", iv.s().help_title));
    let inner = block.inner(outer);
    block.render(outer, buf);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let lines = lines(iv, screen, t, usize::from(inner.width));
    let h = usize::from(inner.height);
    let start = scroll.visible(lines.len(), h);
    for (row, (text, style)) in lines.iter().skip(start).take(h).enumerate() {
        buf.set_string(inner.x, inner.y + row as u16, text, *style);
    }
}
