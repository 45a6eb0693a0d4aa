//! Line wrapping and truncation by display width (CJK characters take two cells). The
//! wizard wraps text itself so that scrolling knows exactly how many lines there are.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Wrap `text` to `max` cells. Explicit newlines are kept; English breaks at spaces where
/// it can, CJK anywhere; closing punctuation never starts a line (the rules are shared with
/// the printed receipt: [`crate::linebreak`]). Never returns an empty vector for non-empty
/// input.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    crate::linebreak::wrap_by(text, max.max(2), char_width)
}

/// Cut `s` to at most `max` cells.
pub fn truncate(s: &str, max: usize) -> String {
    let mut w = 0;
    let mut out = String::new();
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw > max {
            break;
        }
        w += cw;
        out.push(c);
    }
    out
}

/// Cut `s` to at most `max` cells keeping its end, marked with a leading `...`.
pub fn truncate_start(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut w = 3;
    for c in s.chars().rev() {
        let cw = char_width(c);
        if w + cw > max {
            break;
        }
        w += cw;
        tail.push(c);
    }
    let mut out = String::from("...");
    out.extend(tail.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_cjk_by_width() {
        let l = wrap("一二三四五六", 5);
        assert_eq!(l, vec!["一二", "三四", "五六"]);
    }

    #[test]
    fn wraps_english_at_spaces() {
        let l = wrap("the quick brown fox", 10);
        assert_eq!(l, vec!["the quick", "brown fox"]);
    }

    #[test]
    fn cjk_after_a_space_does_not_break_early() {
        assert_eq!(
            wrap("- 第七条 一二三四五六七八", 12),
            vec!["- 第七条 一", "二三四五六七", "八"]
        );
    }

    #[test]
    fn keeps_newlines_and_long_words() {
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn truncates_from_the_start() {
        assert_eq!(truncate_start("/a/b/c.html", 10), ".../c.html");
        assert_eq!(truncate_start("abc", 9), "abc");
    }

    #[test]
    fn truncates_by_width() {
        assert_eq!(truncate("中文abc", 5), "中文a");
        assert_eq!(truncate("中文", 3), "中");
    }
}
