//! Lexer and Pratt parser for the CEL-like expression subset.
//! Nesting is limited so that no input can overflow the stack.

use super::ast::{Ast, BinOp, Span, Spanned, UnOp};
use crate::text::{Text, tr};

/// Deepest nesting the parser accepts: parentheses, operators, calls, lists, and every
/// link of a left-nested chain (`a && b && c`, `a.b.c`) count one level each, so the
/// tree the checker and evaluator walk recursively is never deeper than this.
pub const MAX_DEPTH: usize = 200;
/// Longest expression accepted, in bytes.
pub const MAX_LEN: usize = 16 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// In both languages, as every diagnostic.
    pub message: Text,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(i64),
    Str(String),
    Ident(String),
    Sym(&'static str),
    Eof,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

const SYMBOLS: [&str; 22] = [
    "&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", "(", ")",
    "[", "]", ",", ".",
];

impl<'a> Lexer<'a> {
    fn err<T>(&self, message: Text, start: usize, end: usize) -> Result<T, ParseError> {
        Err(ParseError {
            message,
            span: Span::new(start, end),
        })
    }

    fn next(&mut self) -> Result<(Tok, Span), ParseError> {
        let rest = &self.src[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = trimmed.chars().next() else {
            return Ok((Tok::Eof, Span::new(start, start)));
        };
        if c.is_ascii_digit() {
            let len = trimmed
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(trimmed.len());
            let text = &trimmed[..len];
            // a decimal: say so, rather than "expected a name after `.`"
            let rest = &trimmed[len..];
            if rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
                let frac = rest[1..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len() - 1);
                let whole = &trimmed[..len + 1 + frac];
                return self.err(
                    tr!(
                        "不支持小数：`{whole}`；请用整数（金额用以分为单位的整数，除法用 round_div）",
                        "decimals are not supported: `{whole}`; use integers (money as an integer number of fen, 分, with round_div for division)"
                    ),
                    start,
                    start + whole.len(),
                );
            }
            self.pos += len;
            let digits: String = text.chars().filter(|c| *c != '_').collect();
            return match digits.parse::<i64>() {
                Ok(n) => Ok((Tok::Int(n), Span::new(start, self.pos))),
                Err(_) => self.err(
                    tr!("无效的整数 `{text}`", "invalid integer `{text}`"),
                    start,
                    self.pos,
                ),
            };
        }
        if c.is_alphabetic() || c == '_' {
            let len = trimmed
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(trimmed.len());
            let word = &trimmed[..len];
            self.pos += len;
            if !word.is_ascii() {
                return self.err(
                    tr!(
                        "名称只能由 ASCII 字符组成：`{word}`（文字请加引号）",
                        "names must be ASCII: `{word}` (put text in quotes)"
                    ),
                    start,
                    self.pos,
                );
            }
            return Ok((Tok::Ident(word.to_string()), Span::new(start, self.pos)));
        }
        if c == '"' || c == '\'' {
            return self.string(c, start);
        }
        for sym in SYMBOLS {
            if trimmed.starts_with(sym) {
                self.pos += sym.len();
                return Ok((Tok::Sym(sym), Span::new(start, self.pos)));
            }
        }
        if c == '=' {
            return self.err(
                tr!("比较是否相等请用 `==`", "use `==` to compare"),
                start,
                start + 1,
            );
        }
        if c == '&' || c == '|' {
            return self.err(tr!("请用 `{c}{c}`", "use `{c}{c}`"), start, start + 1);
        }
        self.err(
            tr!("无法识别的字符 `{c}`", "unexpected character `{c}`"),
            start,
            start + c.len_utf8(),
        )
    }

    fn string(&mut self, quote: char, start: usize) -> Result<(Tok, Span), ParseError> {
        let mut out = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        loop {
            let Some((i, c)) = chars.next() else {
                return self.err(unterminated(), start, self.src.len());
            };
            let at = start + 1 + i;
            if c == quote {
                self.pos = at + 1;
                return Ok((Tok::Str(out), Span::new(start, self.pos)));
            }
            if c == '\\' {
                match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\'')) => out.push('\''),
                    Some((j, e)) => {
                        let end = start + 1 + j + e.len_utf8();
                        return self.err(
                            tr!("未知的转义 `\\{e}`", "unknown escape `\\{e}`"),
                            at,
                            end,
                        );
                    }
                    None => return self.err(unterminated(), start, self.src.len()),
                }
            } else {
                out.push(c);
            }
        }
    }
}

fn unterminated() -> Text {
    tr!("字符串缺少结尾的引号", "unterminated string")
}

pub struct Parser<'a> {
    lexer: Lexer<'a>,
    tok: Tok,
    span: Span,
    depth: usize,
}

/// Parse a whole expression.
pub fn parse(src: &str) -> Result<Spanned, ParseError> {
    if src.len() > MAX_LEN {
        return Err(ParseError {
            message: tr!(
                "表达式超过 {MAX_LEN} 字节",
                "expression longer than {MAX_LEN} bytes"
            ),
            span: Span::new(0, 0),
        });
    }
    if src.trim().is_empty() {
        return Err(ParseError {
            message: tr!("表达式为空", "empty expression"),
            span: Span::new(0, src.len()),
        });
    }
    let mut lexer = Lexer { src, pos: 0 };
    let (tok, span) = lexer.next()?;
    let mut p = Parser {
        lexer,
        tok,
        span,
        depth: 0,
    };
    let e = p.expr()?;
    if p.tok != Tok::Eof {
        let (dz, de) = describe(&p.tok);
        return Err(ParseError {
            message: tr!("此处不应有{dz}", "unexpected {de}"),
            span: p.span,
        });
    }
    Ok(e)
}

/// A token as messages name it: (Chinese, English).
fn describe(t: &Tok) -> (String, String) {
    match t {
        Tok::Int(n) => (format!("数字 `{n}`"), format!("number `{n}`")),
        Tok::Str(s) => (format!("字符串 \"{s}\""), format!("string \"{s}\"")),
        Tok::Ident(s) => (format!("名称 `{s}`"), format!("name `{s}`")),
        Tok::Sym(s) => (format!("符号 `{s}`"), format!("`{s}`")),
        Tok::Eof => ("表达式的结尾".into(), "end of expression".into()),
    }
}

fn binop(t: &Tok) -> Option<(BinOp, u8)> {
    Some(match t {
        Tok::Sym("||") => (BinOp::Or, 1),
        Tok::Sym("&&") => (BinOp::And, 2),
        Tok::Sym("==") => (BinOp::Eq, 3),
        Tok::Sym("!=") => (BinOp::Ne, 3),
        Tok::Sym("<") => (BinOp::Lt, 3),
        Tok::Sym("<=") => (BinOp::Le, 3),
        Tok::Sym(">") => (BinOp::Gt, 3),
        Tok::Sym(">=") => (BinOp::Ge, 3),
        Tok::Ident(w) if w == "in" => (BinOp::In, 3),
        Tok::Sym("+") => (BinOp::Add, 4),
        Tok::Sym("-") => (BinOp::Sub, 4),
        Tok::Sym("*") => (BinOp::Mul, 5),
        Tok::Sym("/") => (BinOp::Div, 5),
        Tok::Sym("%") => (BinOp::Rem, 5),
        _ => return None,
    })
}

impl Parser<'_> {
    fn bump(&mut self) -> Result<(Tok, Span), ParseError> {
        let (tok, span) = self.lexer.next()?;
        let old_tok = std::mem::replace(&mut self.tok, tok);
        let old_span = std::mem::replace(&mut self.span, span);
        Ok((old_tok, old_span))
    }

    fn expect(&mut self, sym: &'static str) -> Result<Span, ParseError> {
        if self.tok == Tok::Sym(sym) {
            Ok(self.bump()?.1)
        } else {
            let (dz, de) = describe(&self.tok);
            Err(ParseError {
                message: tr!("此处应为 `{sym}`，却是{dz}", "expected `{sym}`, found {de}"),
                span: self.span,
            })
        }
    }

    fn expr(&mut self) -> Result<Spanned, ParseError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner())
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                message: tr!(
                    "表达式嵌套超过 {MAX_DEPTH} 层",
                    "expression nested deeper than {MAX_DEPTH} levels"
                ),
                span: self.span,
            });
        }
        Ok(())
    }

    fn expr_inner(&mut self) -> Result<Spanned, ParseError> {
        self.enter()?;
        let cond = self.binary(1)?;
        let out = if self.tok == Tok::Sym("?") {
            self.bump()?;
            let a = self.expr()?;
            self.expect(":")?;
            let b = self.expr()?;
            let span = cond.span.to(b.span);
            Spanned {
                ast: Ast::Cond(Box::new(cond), Box::new(a), Box::new(b)),
                span,
            }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(out)
    }

    fn binary(&mut self, min_prec: u8) -> Result<Spanned, ParseError> {
        let mut lhs = self.unary()?;
        let mut links = 0;
        while let Some((op, prec)) = binop(&self.tok) {
            if prec < min_prec {
                break;
            }
            self.enter()?;
            links += 1;
            let op_span = self.span;
            self.bump()?;
            self.enter()?;
            let rhs = self.binary(prec + 1)?;
            self.depth -= 1;
            // comparisons do not chain: `a < b < c` is an error
            if prec == 3
                && let Some((_, 3)) = binop(&self.tok)
            {
                let op = op.symbol();
                return Err(ParseError {
                    message: tr!(
                        "比较不能连写；请在 `{op}` 之后加括号",
                        "comparisons cannot be chained; add parentheses after `{op}`"
                    ),
                    span: self.span,
                });
            }
            let span = lhs.span.to(rhs.span).to(op_span);
            lhs = Spanned {
                ast: Ast::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        self.depth -= links;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Spanned, ParseError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.unary_inner())
    }

    fn unary_inner(&mut self) -> Result<Spanned, ParseError> {
        let op = match self.tok {
            Tok::Sym("!") => Some(UnOp::Not),
            Tok::Sym("-") => Some(UnOp::Neg),
            _ => None,
        };
        if let Some(op) = op {
            let (_, start) = self.bump()?;
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            let span = start.to(e.span);
            // fold negative literals into constants
            if let (UnOp::Neg, Ast::Int(n)) = (op, &e.ast) {
                return Ok(Spanned {
                    ast: Ast::Int(-n),
                    span,
                });
            }
            return Ok(Spanned {
                ast: Ast::Unary(op, Box::new(e)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Spanned, ParseError> {
        let mut e = self.primary()?;
        let mut levels = 0;
        loop {
            match self.tok {
                Tok::Sym(".") => {
                    self.bump()?;
                    let (tok, span) = self.bump()?;
                    let Tok::Ident(name) = tok else {
                        let (dz, de) = describe(&tok);
                        return Err(ParseError {
                            message: tr!(
                                "`.` 之后应为名称，却是{dz}",
                                "expected a name after `.`, found {de}"
                            ),
                            span,
                        });
                    };
                    let full = e.span.to(span);
                    e = Spanned {
                        ast: Ast::Member(Box::new(e), name, span),
                        span: full,
                    };
                }
                Tok::Sym("[") => {
                    self.bump()?;
                    let idx = self.expr()?;
                    let end = self.expect("]")?;
                    let full = e.span.to(end);
                    e = Spanned {
                        ast: Ast::Index(Box::new(e), Box::new(idx)),
                        span: full,
                    };
                }
                _ => break,
            }
            levels += 1;
            self.enter()?;
        }
        self.depth -= levels;
        Ok(e)
    }

    fn list(&mut self, close: &'static str) -> Result<(Vec<Spanned>, Span), ParseError> {
        let mut items = Vec::new();
        if self.tok == Tok::Sym(close) {
            return Ok((items, self.bump()?.1));
        }
        loop {
            items.push(self.expr()?);
            if self.tok == Tok::Sym(",") {
                self.bump()?;
                if self.tok == Tok::Sym(close) {
                    return Ok((items, self.bump()?.1));
                }
                continue;
            }
            return Ok((items, self.expect(close)?));
        }
    }

    fn primary(&mut self) -> Result<Spanned, ParseError> {
        let (tok, span) = self.bump()?;
        let ast = match tok {
            Tok::Int(n) => Ast::Int(n),
            Tok::Str(s) => Ast::Str(s),
            Tok::Ident(w) => match w.as_str() {
                "true" => Ast::Bool(true),
                "false" => Ast::Bool(false),
                "null" => Ast::Null,
                "in" => {
                    return Err(ParseError {
                        message: tr!("此处应为一个值，却是 `in`", "expected a value, found `in`"),
                        span,
                    });
                }
                _ if self.tok == Tok::Sym("(") => {
                    self.bump()?;
                    self.enter()?;
                    let (args, end) = self.list(")")?;
                    self.depth -= 1;
                    return Ok(Spanned {
                        ast: Ast::Call(w, span, args),
                        span: span.to(end),
                    });
                }
                _ => Ast::Ident(w),
            },
            Tok::Sym("(") => {
                let e = self.expr()?;
                let end = self.expect(")")?;
                return Ok(Spanned {
                    ast: e.ast,
                    span: span.to(end),
                });
            }
            Tok::Sym("[") => {
                self.enter()?;
                let (items, end) = self.list("]")?;
                self.depth -= 1;
                return Ok(Spanned {
                    ast: Ast::List(items),
                    span: span.to(end),
                });
            }
            other => {
                let (dz, de) = describe(&other);
                return Err(ParseError {
                    message: tr!("此处应为一个值，却是{dz}", "expected a value, found {de}"),
                    span,
                });
            }
        };
        Ok(Spanned { ast, span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Lang;

    fn ok(s: &str) -> Ast {
        match parse(s) {
            Ok(e) => e.ast,
            Err(e) => panic!("{s}: {e:?}"),
        }
    }

    fn err(s: &str) -> ParseError {
        match parse(s) {
            Ok(e) => panic!("{s} parsed as {e:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn precedence() {
        let Ast::Binary(BinOp::Or, _, rhs) = ok("a || b && c") else {
            panic!()
        };
        assert!(matches!(rhs.ast, Ast::Binary(BinOp::And, _, _)));
        let Ast::Binary(BinOp::Eq, lhs, _) = ok("a + 1 * 2 == 3") else {
            panic!()
        };
        assert!(matches!(lhs.ast, Ast::Binary(BinOp::Add, _, _)));
        assert!(matches!(ok("a ? b : c ? d : e"), Ast::Cond(_, _, _)));
        assert!(matches!(
            ok("x in [\"a\", 'b',]"),
            Ast::Binary(BinOp::In, _, _)
        ));
        assert!(matches!(ok("data.fee[level]"), Ast::Index(_, _)));
        assert_eq!(ok("-9223372036854775807"), Ast::Int(-i64::MAX));
        // integers beyond i64 are load errors, not wrap-arounds
        assert!(parse("-9223372036854775808").is_err());
        assert_eq!(ok("\"技师\""), Ast::Str("技师".into()));
    }

    #[test]
    fn errors_have_spans() {
        let e = err("a == ");
        assert_eq!(e.span, Span::new(5, 5));
        let e = err("a = 1");
        assert_eq!(e.span, Span::new(2, 3));
        let e = err("\"技师\" == 等级");
        assert_eq!(e.span.start, "\"技师\" == ".len());
        assert!(err("a < b < c").message.get(Lang::En).contains("chained"));
        assert!(err("'abc").message.get(Lang::En).contains("unterminated"));
        assert!(
            err("99999999999999999999")
                .message
                .get(Lang::En)
                .contains("invalid integer")
        );
        assert!(
            err("f(a,,b)")
                .message
                .get(Lang::En)
                .contains("expected a value")
        );
        assert!(err("").message.get(Lang::En).contains("empty"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for s in [
            "(".repeat(100_000),
            "!".repeat(100_000) + "a",
            "-".repeat(100_000) + "a",
            "[".repeat(5000),
            "f(".repeat(5000),
            "a".to_string() + &".b".repeat(5000),
            "a".to_string() + &"[0]".repeat(5000),
            "a ? ".repeat(5000) + "b",
        ] {
            assert!(parse(&s).is_err(), "{}", &s[..20]);
        }
        // a chain of 150 conditions is fine; 5000 is refused, not a stack overflow later
        let chain = vec!["a"; 150].join(" && ");
        assert!(parse(&chain).is_ok());
        let chain = vec!["a"; 3000].join(" && ");
        assert!(parse(&chain).is_err());
    }
}
