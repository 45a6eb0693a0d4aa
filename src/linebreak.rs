//! Line breaking for mixed Chinese and Latin text, by any measure of width: terminal cells
//! for the wizard (`tui::wrap`), a font's advances in points for the printed receipt
//! (`print::pdf`). One set of rules for both, so the paper breaks where the screen does:
//! explicit newlines are kept; Latin text breaks at spaces where it can, CJK anywhere; and
//! closing punctuation never starts a line (kinsoku).

use std::ops::{Add, Sub};

use unicode_width::UnicodeWidthChar;

/// A width: terminal cells (`usize`) or points (`f32`).
pub trait Measure: Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> + Default {}
impl<T: Copy + PartialOrd + Add<Output = T> + Sub<Output = T> + Default> Measure for T {}

/// Punctuation that must not begin a line.
pub fn no_line_start(c: char) -> bool {
    "，。、；：？！）」』】》〉”’…,.;:!?)".contains(c)
}

/// A narrow (Latin) character, one terminal cell wide: only inside runs of these does a
/// break go back to the last space.
fn is_narrow(c: char) -> bool {
    UnicodeWidthChar::width(c) == Some(1)
}

/// Wrap `text` into lines no wider than `max`, measuring each character with `width`.
/// A single character wider than `max` gets a line of its own. Never returns an empty
/// vector (an empty text is one empty line).
pub fn wrap_by<W: Measure>(text: &str, max: W, width: impl Fn(char) -> W) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = W::default();
        // Byte index in `line` after the last space, and the width up to it.
        let mut last_space: Option<(usize, W)> = None;
        for c in para.chars() {
            let cw = width(c);
            if w + cw > max && !line.is_empty() {
                // Break at the last space only inside Latin text; CJK breaks anywhere.
                match last_space {
                    Some((idx, sw)) if c != ' ' && is_narrow(c) && idx < line.len() => {
                        let rest = line.split_off(idx);
                        out.push(line.trim_end().to_string());
                        line = rest;
                        w = w - sw;
                    }
                    _ => {
                        // Closing punctuation never starts a line (kinsoku): carry the
                        // character before it down with it.
                        let carried = match line.chars().next_back() {
                            Some(prev) if no_line_start(c) && line.chars().count() > 1 => {
                                line.pop();
                                Some(prev)
                            }
                            _ => None,
                        };
                        out.push(line.trim_end().to_string());
                        line = String::new();
                        w = W::default();
                        if let Some(prev) = carried {
                            line.push(prev);
                            w = width(prev);
                        }
                    }
                }
                last_space = None;
                if c == ' ' && line.is_empty() {
                    continue;
                }
            }
            line.push(c);
            w = w + cw;
            if c == ' ' {
                last_space = Some((line.len(), w));
            }
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proportional measure: what a font does (CJK 1 em, Latin narrower and uneven).
    fn pts(c: char) -> f32 {
        if is_narrow(c) {
            if c == 'i' || c == ' ' { 0.25 } else { 0.5 }
        } else {
            1.0
        }
    }

    #[test]
    fn closing_punctuation_never_starts_a_line_by_points() {
        let l = wrap_by("一二三四，五六", 4.0, pts);
        assert_eq!(l, vec!["一二三", "四，五六"]);
        for l in wrap_by("申请人须知：请于七月前提交材料。逾期不予受理！", 5.0, pts)
        {
            assert!(!l.starts_with(no_line_start), "{l}");
        }
    }

    #[test]
    fn latin_breaks_at_spaces_by_points() {
        // "iii" is narrow: three fit where two "mm" do not
        assert_eq!(wrap_by("iii mm mm", 2.0, pts), vec!["iii mm", "mm"]);
    }

    #[test]
    fn a_character_wider_than_the_line_gets_its_own() {
        assert_eq!(wrap_by("一二", 0.5, pts), vec!["一", "二"]);
        assert_eq!(wrap_by("", 3.0, pts), vec![""]);
    }

    #[test]
    fn cells_and_points_agree_on_cjk() {
        let by_cells = wrap_by(
            "百色市人力资源和社会保障局，回执。",
            10usize,
            |c| UnicodeWidthChar::width(c).unwrap_or(0),
        );
        let by_points = wrap_by("百色市人力资源和社会保障局，回执。", 5.0, pts);
        assert_eq!(by_cells, by_points);
    }
}
