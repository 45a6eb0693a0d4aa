//! Diagnostics with `file:line:col`, and the caret under an expression placed by display
//! width (a CJK character is two cells).

use unicode_width::UnicodeWidthStr;

use crate::text::{Lang, Text, tr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `error` or `warning`, the same in every language: tools look for `: error:`.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a file, with its message in both languages (written where the
/// problem was found); a printer picks the language with [`Diagnostic::render`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: Text,
    /// For expression errors: the expression's line and a caret line under the fault.
    pub excerpt: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: error|warning: message` in `lang`, then the excerpt's lines
    /// indented by four spaces. The severity word is not translated.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = format!(
            "{}:{}:{}: {}: {}",
            self.file,
            self.line,
            self.col,
            self.severity.word(),
            self.message.get(lang)
        );
        if let Some(ex) = &self.excerpt {
            for line in ex.lines() {
                out.push_str("\n    ");
                out.push_str(line);
            }
        }
        out
    }

    /// The machine form (`check --format json`): the message in `lang` as `message`, and in
    /// each language as `message_zh` and `message_en`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let mut o = serde_json::json!({
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity.word(),
            "message": self.message.get(lang),
            "message_zh": self.message.get(Lang::Zh),
            "message_en": self.message.get(Lang::En),
        });
        if let (Some(ex), Some(map)) = (&self.excerpt, o.as_object_mut()) {
            map.insert("excerpt".into(), ex.clone().into());
        }
        o
    }
}

/// Size limits on what guantong reads, well above real files (Baise's questionnaire is
/// 80 KB, an answers file 1 KB) and above the hostile-input benchmarks, so that a file
/// that could only hang the program is refused with a message instead.
pub const MAX_QUESTIONNAIRE_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_ANSWERS_BYTES: u64 = 4 * 1024 * 1024;

/// Read a text file of at most `limit` bytes; a larger one is an error naming the limit.
/// The error names the cause in both languages (the system's own words for an I/O error).
pub fn read_limited(path: &std::path::Path, limit: u64) -> Result<String, Text> {
    use std::io::Read;
    let io = |e: std::io::Error| Text::Plain(e.to_string());
    let f = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    f.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(too_large(limit));
    }
    String::from_utf8(buf).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        tr!(
            "不是 UTF-8 文本（第 {at} 字节处无效）",
            "not UTF-8 text (invalid byte at offset {at})"
        )
    })
}

/// The message for a file over a size limit.
pub fn too_large(limit: u64) -> Text {
    let mib = limit / (1024 * 1024);
    tr!(
        "文件超过 guantong 可读取的上限 {mib} MiB",
        "the file is larger than the limit of {mib} MiB guantong reads"
    )
}

/// Line and column (1-based; the column counts characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = src[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Where each line starts, found once: any number of diagnostics on a large file each cost
/// a binary search, not a scan from the top. Columns are counted from a checkpoint every
/// [`CHAR_MARK`] bytes rather than from the line's start, so that thousands of diagnostics
/// on one long line (a minified file) do not each count the line again.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// (byte offset, characters before it), every [`CHAR_MARK`] bytes or so.
    marks: Vec<(usize, usize)>,
}

/// The spacing of [`LineIndex`]'s character-count checkpoints, in bytes.
const CHAR_MARK: usize = 4096;

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut marks = vec![(0, 0)];
        let (mut at, mut chars) = (0, 0);
        while at < src.len() {
            // a character is at most 4 bytes, so the boundary below moves forward
            let next = floor_char_boundary(src, (at + CHAR_MARK).min(src.len()));
            chars += src.get(at..next).map_or(0, |s| s.chars().count());
            marks.push((next, chars));
            at = next;
        }
        LineIndex { starts, marks }
    }
    /// Characters in `src` before byte `offset` (a char boundary).
    fn chars_before(&self, src: &str, offset: usize) -> usize {
        let k = self
            .marks
            .partition_point(|m| m.0 <= offset)
            .saturating_sub(1);
        let (at, chars) = self.marks.get(k).copied().unwrap_or((0, 0));
        chars + src.get(at..offset).map_or(0, |s| s.chars().count())
    }
    /// As [`line_col`], for the `src` this index was built from.
    pub fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(src, offset.min(src.len()));
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
            .min(offset);
        let col = self.chars_before(src, offset) - self.chars_before(src, start) + 1;
        (line.max(1), col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// At most this many bytes of a line are shown either side of the fault in an excerpt
/// (cut at a character boundary, marked `...`): a minified file's one line of megabytes
/// would otherwise be printed whole under every error on it (output quadratic in the
/// file's size).
pub const EXCERPT_CONTEXT: usize = 240;

/// The source line holding `offset` and a caret line under `start..end`, aligned by
/// display width. Of a long line, only [`EXCERPT_CONTEXT`] bytes either side are shown.
pub fn caret_excerpt(src: &str, start: usize, end: usize) -> String {
    let start = floor_char_boundary(src, start.min(src.len()));
    let end = floor_char_boundary(src, end.clamp(start, src.len()));
    let lo = floor_char_boundary(src, start.saturating_sub(EXCERPT_CONTEXT));
    let line_start = src[lo..start].rfind('\n').map_or(lo, |i| lo + i + 1);
    let hi = floor_char_boundary(
        src,
        (end.min(start + EXCERPT_CONTEXT) + EXCERPT_CONTEXT).min(src.len()),
    );
    let line_end = src[start..hi].find('\n').map_or(hi, |i| start + i);
    let bytes = src.as_bytes();
    let (before, after) = (
        if line_start > 0 && bytes[line_start - 1] != b'\n' {
            "..."
        } else {
            ""
        },
        if line_end < src.len() && bytes[line_end] != b'\n' {
            "..."
        } else {
            ""
        },
    );
    let line = &src[line_start..line_end];
    let pad = before.len() + src[line_start..start].width();
    let span_end = end.min(line_end);
    let len = src[start..span_end].width().max(1);
    format!(
        "{before}{line}{after}\n{}{}",
        " ".repeat(pad),
        "^".repeat(len)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_agrees_with_the_scan() {
        let src = "a = 1\n\nwhen = \"等级 == x\"\nlast";
        let idx = LineIndex::new(src);
        for off in 0..=src.len() + 3 {
            assert_eq!(idx.line_col(src, off), line_col(src, off), "offset {off}");
        }
    }

    #[test]
    fn columns_count_characters_and_carets_count_cells() {
        let src = "a = 1\nwhen = \"等级 == x\"";
        let off = src.find("x\"").unwrap_or(0);
        assert_eq!(line_col(src, off), (2, 15));
        let ex = caret_excerpt(src, off, off + 1);
        let caret_line = ex.lines().nth(1).unwrap_or("");
        // `when = "` is 8 cells, 等级 is 4 cells, ` == ` is 4 cells
        assert_eq!(caret_line, format!("{}^", " ".repeat(16)));
    }

    #[test]
    fn columns_on_a_long_line_count_from_the_checkpoints() {
        // several checkpoints on one line, with characters of 1, 2, 3 and 4 bytes
        let src = format!("x\n{}", "aé中𝕏".repeat(5_000));
        let idx = LineIndex::new(&src);
        for off in (0..src.len() + 2)
            .step_by(997)
            .chain([src.len() - 1, src.len()])
        {
            assert_eq!(idx.line_col(&src, off), line_col(&src, off), "offset {off}");
        }
    }

    #[test]
    fn an_excerpt_of_a_long_line_shows_a_window_around_the_fault() {
        let line = format!("when = \"{} && (\"", "a && ".repeat(10_000));
        let src = format!("x = 1\n{line}\ny = 2\n");
        let at = src.find("&& (").unwrap_or(0);
        let ex = caret_excerpt(&src, at, at + 2);
        let (shown, carets) = ex.split_once('\n').unwrap_or_default();
        assert!(
            shown.starts_with("...") && !shown.ends_with("..."),
            "{shown}"
        );
        assert!(
            shown.len() <= 2 * EXCERPT_CONTEXT + 6,
            "{} bytes",
            shown.len()
        );
        assert_eq!(carets.find('^'), shown.find("&& ("));
        assert_eq!(carets.trim(), "^^");
        // a short line is shown whole, as before
        let ex = caret_excerpt("a = 1\nwhen = x\n", 13, 14);
        assert_eq!(ex, "when = x\n       ^");
    }
}
