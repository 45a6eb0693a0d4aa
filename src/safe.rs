//! Text that is safe to show a person: the one place that decides which characters may
//! reach a terminal (or a document a terminal may `cat`). Stored data, answers files and
//! questionnaires can carry escape sequences (ESC, OSC 52 clipboard writes, CSI screen
//! clears, C1 controls), bidi overrides that reorder what is shown, and zero-width
//! characters that hide text; every printer runs its output through [`text`] or [`line`],
//! JSON through [`json`].
//!
//! An unsafe character is not dropped but shown as `<U+XXXX>`, so a clerk sees that a
//! record holds something odd instead of a silently different name.

use std::borrow::Cow;
use std::fmt::Write;

/// True for characters that must not reach a terminal as they are: C0 and C1 controls
/// and DEL (escape sequences start with them), bidi embeddings, overrides, isolates and
/// marks (they reorder what is shown), and zero-width or blank format characters (they
/// hide or fake text).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'             // soft hyphen
            | '\u{034F}'           // combining grapheme joiner
            | '\u{061C}'           // Arabic letter mark (bidi)
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers (blank)
            | '\u{17B4}' | '\u{17B5}' // Khmer invisible vowels
            | '\u{180E}'           // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, ZWNJ, ZWJ, LRM, RLM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
            | '\u{FEFF}'           // zero-width no-break space (BOM)
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{1D173}'..='\u{1D17A}' // musical format characters
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

fn neutralise(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && !keep(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        // a CR that ends a line (a file with CRLF line ends) is part of the line end
        if c == '\r' && keep('\n') && chars.peek() == Some(&'\n') {
            continue;
        }
        if bad(c) {
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal, possibly several lines: line feeds and tabs stay (a CR before a
/// line feed is dropped), every other unsafe character is shown as `<U+XXXX>`.
pub fn text(s: &str) -> Cow<'_, str> {
    neutralise(s, |c| c == '\n' || c == '\t')
}

/// One line for a terminal (a table cell, a field, a message about a value): as [`text`],
/// and line feeds and tabs are shown as `<U+000A>` and `<U+0009>` too, so a value cannot
/// start a line of its own or push the columns about.
pub fn line(s: &str) -> Cow<'_, str> {
    neutralise(s, |_| false)
}

/// The lines of a multi-line value, each made safe with [`line`] (CRLF or LF line ends).
pub fn lines(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.split('\n')
        .map(|l| line(l.strip_suffix('\r').unwrap_or(l)))
}

/// Serialised JSON with every unsafe character inside its strings written as a `\uXXXX`
/// escape (serde_json leaves DEL, C1 controls, bidi and zero-width characters raw). The
/// JSON means the same: a program reading it gets the original text back.
pub fn json(s: &str) -> Cow<'_, str> {
    // serde_json escapes C0 controls inside strings, so a raw line feed is layout
    let bad = |c: char| is_unsafe(c) && c != '\n';
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if bad(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// True when `s` has at least one character a person can see: not only spaces and
/// invisible (zero-width, format, control) characters.
pub fn has_visible(s: &str) -> bool {
    s.chars().any(|c| !c.is_whitespace() && !is_unsafe(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_invisibles_are_shown_not_passed() {
        let osc52 = "张三\u{1b}]52;c;ZXZpbA==\u{7}";
        assert_eq!(line(osc52), "张三<U+001B>]52;c;ZXZpbA==<U+0007>");
        assert_eq!(line("a\u{9b}2J"), "a<U+009B>2J");
        assert_eq!(line("\u{202e}cod.exe"), "<U+202E>cod.exe");
        assert_eq!(line("\u{200b}\u{200b}"), "<U+200B><U+200B>");
        assert_eq!(line("x\u{7f}"), "x<U+007F>");
        assert_eq!(line("tag\u{E0041}"), "tag<U+E0041>");
        assert_eq!(line("a\nb\tc"), "a<U+000A>b<U+0009>c");
        assert_eq!(line("over\rwrite"), "over<U+000D>write");
    }

    #[test]
    fn text_keeps_line_ends_and_tabs() {
        assert_eq!(text("a\nb\tc"), "a\nb\tc");
        assert_eq!(text("a\r\nb"), "a\nb");
        assert_eq!(text("a\rb"), "a<U+000D>b");
        assert_eq!(text("\u{1b}[2J"), "<U+001B>[2J");
    }

    #[test]
    fn plain_text_is_borrowed() {
        for s in [
            "",
            "张三丰",
            "ST-451002-2026-000001",
            "符合 (eligible)",
            "a·b",
            "é",
        ] {
            assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
            assert!(matches!(json(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn lines_split_and_neutralise() {
        let v: Vec<_> = lines("a\r\nb\u{1b}\nc").collect();
        assert_eq!(v, ["a", "b<U+001B>", "c"]);
    }

    #[test]
    fn json_escapes_keep_the_meaning() {
        let v =
            serde_json::json!({"name": "张\u{1b}]0;x\u{7}\u{9b}\u{202e}\u{200b}\u{7f}\u{E0041}"});
        let s = serde_json::to_string_pretty(&v).unwrap();
        let safe = json(&s);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn visible_characters() {
        assert!(has_visible("张三"));
        assert!(has_visible(" a "));
        assert!(!has_visible("\u{200b}\u{200b}\u{200b}"));
        assert!(!has_visible(" \u{3000}\u{feff}\u{2060}"));
        assert!(!has_visible(""));
    }
}
