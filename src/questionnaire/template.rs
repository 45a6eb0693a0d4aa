//! Sentence templates: text with `{name}` slots filled from results and timeline results
//! (`{name:long}` writes a date in words: 2027年6月1日, 1 June 2027). `{{` and `}}` stand
//! for braces.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    Slot { name: String, long: bool },
}

use crate::text::{Text, tr};

/// Split a template into literal text and slots; `Err` says what is malformed.
pub fn parse(s: &str) -> Result<Vec<Piece>, Text> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '}' => {
                return Err(tr!(
                    "`}}` 没有对应的 `{{`（花括号本身请写 `}}}}`）",
                    "a `}}` with no `{{` (write `}}}}` for a brace)"
                ));
            }
            '{' => {
                let mut slot = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => slot.push(c),
                        None => {
                            return Err(tr!(
                                "`{{{slot}` 没有用 `}}` 闭合",
                                "`{{{slot}` is not closed with `}}`"
                            ));
                        }
                    }
                }
                let (name, spec) = match slot.split_once(':') {
                    Some((n, s)) => (n.trim(), Some(s.trim())),
                    None => (slot.trim(), None),
                };
                let long = match spec {
                    None => false,
                    Some("long") => true,
                    Some(other) => {
                        return Err(tr!(
                            "`{{{slot}}}`：未知的格式 `{other}`（只有 `long`，用于日期）",
                            "`{{{slot}}}`: unknown format `{other}` (only `long`, for dates)"
                        ));
                    }
                };
                if name.is_empty() {
                    return Err(tr!("空的 `{{}}` 占位", "an empty `{{}}` slot"));
                }
                if !lit.is_empty() {
                    out.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                out.push(Piece::Slot {
                    name: name.to_string(),
                    long,
                });
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_literals_and_braces() {
        assert_eq!(
            parse("可于 {apply_from} 至 {apply_by:long}申报{{x}}"),
            Ok(vec![
                Piece::Lit("可于 ".into()),
                Piece::Slot {
                    name: "apply_from".into(),
                    long: false
                },
                Piece::Lit(" 至 ".into()),
                Piece::Slot {
                    name: "apply_by".into(),
                    long: true
                },
                Piece::Lit("申报{x}".into()),
            ])
        );
        assert!(parse("{open").is_err());
        assert!(parse("close}").is_err());
        assert!(parse("{x:short}").is_err());
        assert!(parse("{}").is_err());
    }
}
