//! The receipt as a one-page A4 PDF (krilla), laid out here: text is broken into lines by
//! the wizard's rules ([`crate::linebreak`]) measured with the font's own advances, and
//! every character is drawn with the glyph that was measured, so what fits on paper is
//! what was counted.
//!
//! One page, always. When the text would run past the signature lines, the body's type
//! shrinks step by step from [`PdfOptions::body_max`] to [`PdfOptions::body_min`]; if it
//! still does not fit at the floor, the section of lowest priority is cut where the page
//! ends and marked with the document's cut note ("…（余下内容见电子版）"), then the next
//! one if need be; [`Rendered`] says what was shrunk and cut, so the caller can tell the
//! clerk. Only when the heading, particulars and signature lines alone overflow the page
//! is it an error ([`PdfError::TooLong`]).

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{GlyphId as KGlyph, KrillaGlyph};

use super::doc::{Block, Doc};
use super::font::{CjkFont, Metrics};
use crate::linebreak::wrap_by;
use crate::safe;

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_X: f32 = 56.69; // 20 mm
const MARGIN_TOP: f32 = 51.02; // 18 mm
const MARGIN_BOTTOM: f32 = 42.52; // 15 mm
const LEADING: f32 = 1.5;
const TITLE_SIZE: f32 = 18.0;
const SUBTITLE_SIZE: f32 = 15.0;
const CODE_SIZE: f32 = 8.0;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "回执的标题、基本信息和签字栏已超过一页，无法排版 / the receipt's heading, particulars and signature lines alone do not fit on one page"
    )]
    TooLong,
    #[error("字体无法用于 PDF / the font cannot be used for the PDF: {0}")]
    Font(String),
    #[error("无法生成 PDF / cannot write the PDF: {0}")]
    Write(String),
}

/// Type sizes for the body text (the particulars and the sections), in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PdfOptions {
    /// The size used when everything fits.
    pub body_max: f32,
    /// The smallest size the body shrinks to before sections are cut.
    pub body_min: f32,
    /// How much smaller each try is.
    pub step: f32,
}

impl Default for PdfOptions {
    fn default() -> Self {
        // 11 pt reads well on A4; 9 pt (小五) is the smallest a form should use
        PdfOptions {
            body_max: 11.0,
            body_min: 9.0,
            step: 0.5,
        }
    }
}

/// A rendered receipt and what had to give to fit it on one page.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// The body's type size in points.
    pub body_size: f32,
    /// True when the body was set smaller than [`PdfOptions::body_max`].
    pub shrunk: bool,
    /// Headings of the sections that were cut (empty when all of it is on the page).
    pub cut: Vec<String>,
    /// Characters the font has no glyph for (printed as the font's empty box).
    pub missing_glyphs: Vec<char>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Style {
    Plain,
    Bold,
    Grey,
}

/// One line of text, placed by the flow: `x` from the left margin, `height` the room it
/// takes, `gap` the space before it.
#[derive(Clone, Debug)]
struct Line {
    x: f32,
    text: String,
    size: f32,
    style: Style,
    centred: bool,
    gap: f32,
    height: f32,
}

impl Line {
    fn new(text: String, size: f32, style: Style) -> Line {
        Line {
            x: 0.0,
            text,
            size,
            style,
            centred: false,
            gap: 0.0,
            height: size * LEADING,
        }
    }
    fn at(mut self, x: f32) -> Line {
        self.x = x;
        self
    }
    fn gap(mut self, gap: f32) -> Line {
        self.gap = gap;
        self
    }
    fn room(&self) -> f32 {
        self.gap + self.height
    }
}

/// A row of the particulars: a label and its value's lines, at a column.
struct RowLine {
    col: usize,
    label: String,
    value: Vec<String>,
}

struct Layout {
    body_size: f32,
    two_up: bool,
    label_w: f32,
    rows: Vec<RowLine>,
    rows_height: f32,
    sections: Vec<Vec<Line>>,
    cut: Vec<String>,
}

const CONTENT_W: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

/// Render `doc` on one A4 page with `font`.
pub fn render(doc: &Doc, font: &CjkFont, opts: PdfOptions) -> Result<Rendered, PdfError> {
    let m = font
        .metrics()
        .ok_or_else(|| PdfError::Font(font.path().display().to_string()))?;
    let kfont = font
        .krilla_font()
        .ok_or_else(|| PdfError::Font(font.path().display().to_string()))?;
    let doc = clean(doc);
    let layout = fit(&doc, &m, opts)?;
    let mut missing: Vec<char> = doc
        .texts()
        .flat_map(str::chars)
        .filter(|&c| !c.is_whitespace() && m.glyph(c).is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let pdf = draw(&doc, &m, &kfont, &layout)?;
    Ok(Rendered {
        pdf,
        body_size: layout.body_size,
        shrunk: layout.body_size < opts.body_max,
        cut: layout.cut,
        missing_glyphs: missing,
    })
}

/// The document with every text made safe to show (an escape or a bidi override prints
/// as `<U+XXXX>`, as on screen) and tabs as spaces.
fn clean(doc: &Doc) -> Doc {
    let one = |s: &str| safe::line(s).into_owned();
    let many = |s: &str| safe::text(s).replace('\t', " ");
    let mut d = doc.clone();
    d.heading = d.heading.iter().map(|s| one(s)).collect();
    for r in &mut d.rows {
        r.label = one(&r.label);
        r.value = one(&r.value);
    }
    for s in &mut d.sections {
        s.heading = one(&s.heading);
        for b in &mut s.blocks {
            match b {
                Block::Paragraph(p) => *p = many(p),
                Block::Bullets(v) => v.iter_mut().for_each(|p| *p = many(p)),
            }
        }
    }
    d.signatures = d.signatures.iter().map(|s| one(s)).collect();
    d.verification = one(&d.verification);
    d.cut_note = one(&d.cut_note);
    d
}

fn wrap(m: &Metrics<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    wrap_by(text, width, |c| m.advance(c) * size)
}

fn bullet_mark(m: &Metrics<'_>) -> &'static str {
    ["• ", "· ", "- "]
        .into_iter()
        .find(|b| b.chars().all(|c| m.glyph(c).is_some()))
        .unwrap_or("- ")
}

/// The top of the body (below the heading, its rule and the particulars).
fn heading_height(doc: &Doc) -> f32 {
    let lines: f32 = doc
        .heading
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { TITLE_SIZE } else { SUBTITLE_SIZE } * 1.4)
        .sum();
    lines + 14.0
}

/// The height of the signature lines and the verification code at the foot.
fn footer_height(doc: &Doc, size: f32) -> f32 {
    let sig = if doc.signatures.is_empty() {
        0.0
    } else {
        size * 3.5
    };
    sig + CODE_SIZE * 2.5
}

fn layout_rows(doc: &Doc, m: &Metrics<'_>, size: f32) -> (bool, f32, Vec<RowLine>, f32) {
    let label_w = doc
        .rows
        .iter()
        .map(|r| m.width(&r.label) * size)
        .fold(0.0, f32::max)
        + size;
    let half = CONTENT_W / 2.0;
    let two_up = doc
        .rows
        .iter()
        .all(|r| label_w + m.width(&r.value) * size <= half - size);
    let lh = size * LEADING;
    let mut rows = Vec::new();
    let mut height = 0.0;
    for (i, r) in doc.rows.iter().enumerate() {
        if two_up {
            rows.push(RowLine {
                col: i % 2,
                label: r.label.clone(),
                value: vec![r.value.clone()],
            });
            if i % 2 == 0 {
                height += lh;
            }
        } else {
            let value = wrap(m, &r.value, size, CONTENT_W - label_w);
            height += lh * value.len() as f32;
            rows.push(RowLine {
                col: 0,
                label: r.label.clone(),
                value,
            });
        }
    }
    (two_up, label_w, rows, height)
}

fn layout_sections(doc: &Doc, m: &Metrics<'_>, size: f32) -> Vec<Vec<Line>> {
    let lh = size * LEADING;
    let mark = bullet_mark(m);
    let mark_w = m.width(mark) * size;
    doc.sections
        .iter()
        .map(|s| {
            let mut lines =
                vec![Line::new(s.heading.clone(), size + 1.0, Style::Bold).gap(lh * 0.5)];
            for (bi, b) in s.blocks.iter().enumerate() {
                let gap = if bi == 0 { 0.0 } else { lh * 0.25 };
                match b {
                    Block::Paragraph(p) => {
                        for (i, l) in wrap(m, p, size, CONTENT_W).into_iter().enumerate() {
                            let g = if i == 0 { gap } else { 0.0 };
                            lines.push(Line::new(l, size, Style::Plain).gap(g));
                        }
                    }
                    Block::Bullets(items) => {
                        for (ii, item) in items.iter().enumerate() {
                            let wrapped = wrap(m, item, size, CONTENT_W - mark_w);
                            for (i, l) in wrapped.into_iter().enumerate() {
                                let g = if ii == 0 && i == 0 { gap } else { 0.0 };
                                let text = if i == 0 { format!("{mark}{l}") } else { l };
                                let x = if i == 0 { 0.0 } else { mark_w };
                                lines.push(Line::new(text, size, Style::Plain).gap(g).at(x));
                            }
                        }
                    }
                }
            }
            lines
        })
        .collect()
}

fn room(lines: &[Line]) -> f32 {
    lines.iter().map(Line::room).sum()
}

/// The largest body size at which everything fits; else the floor with sections cut.
fn fit(doc: &Doc, m: &Metrics<'_>, opts: PdfOptions) -> Result<Layout, PdfError> {
    let top = MARGIN_TOP + heading_height(doc);
    let mut size = opts.body_max;
    loop {
        let (two_up, label_w, rows, rows_height) = layout_rows(doc, m, size);
        let sections = layout_sections(doc, m, size);
        let avail = PAGE_HEIGHT - MARGIN_BOTTOM - footer_height(doc, size) - top - rows_height;
        let need: f32 = sections.iter().map(|s| room(s)).sum();
        let floor = size - opts.step < opts.body_min - 1e-3;
        if need <= avail || floor {
            let mut layout = Layout {
                body_size: size,
                two_up,
                label_w,
                rows,
                rows_height,
                sections,
                cut: Vec::new(),
            };
            if need > avail {
                cut(doc, &mut layout, avail)?;
            }
            return Ok(layout);
        }
        size -= opts.step;
    }
}

/// Cut sections, lowest priority first, until the body fits in `avail`.
fn cut(doc: &Doc, layout: &mut Layout, avail: f32) -> Result<(), PdfError> {
    let size = layout.body_size;
    let mut order: Vec<usize> = (0..doc.sections.len()).collect();
    // lowest priority first; of equal priority, the later section first
    order.sort_by_key(|&i| (doc.sections[i].priority, std::cmp::Reverse(i)));
    let note = Line::new(doc.cut_note.clone(), size, Style::Grey);
    for i in order {
        let need: f32 = layout.sections.iter().map(|s| room(s)).sum();
        if need <= avail {
            return Ok(());
        }
        let over = need - avail;
        let lines = &mut layout.sections[i];
        // drop lines from the end until the note fits in their place
        let mut freed = -note.room();
        while lines.len() > 1 && freed < over {
            if let Some(l) = lines.pop() {
                freed += l.room();
            }
        }
        lines.push(note.clone());
        layout.cut.push(doc.sections[i].heading.clone());
    }
    let need: f32 = layout.sections.iter().map(|s| room(s)).sum();
    if need <= avail + 1e-3 {
        Ok(())
    } else {
        Err(PdfError::TooLong)
    }
}

/// The glyphs of `text`, each the one [`Metrics`] measured, with its place in the text
/// (so the PDF's text can be copied and searched).
fn glyphs(m: &Metrics<'_>, text: &str) -> Vec<KrillaGlyph> {
    text.char_indices()
        .map(|(i, c)| {
            let g = m.glyph(c).unwrap_or(skrifa::GlyphId::NOTDEF);
            KrillaGlyph::new(
                KGlyph::new(g.to_u32()),
                m.glyph_advance(g),
                0.0,
                0.0,
                0.0,
                i..i + c.len_utf8(),
                None,
            )
        })
        .collect()
}

fn draw(
    doc: &Doc,
    m: &Metrics<'_>,
    font: &krilla::text::Font,
    l: &Layout,
) -> Result<Vec<u8>, PdfError> {
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("A4".into()))?;
    let mut page = document.start_page_with(settings);
    let mut s = page.surface();
    let black = || Fill {
        paint: luma::Color::black().into(),
        ..Fill::default()
    };
    let text = |s: &mut krilla::surface::Surface<'_>, x: f32, top: f32, line: &Line| {
        // baseline: the line box's middle, the font's ascent above and descent below it
        let inner = (m.ascent + m.descent) * line.size;
        let baseline = top + (line.height - inner) / 2.0 + m.ascent * line.size;
        let width = m.width(&line.text) * line.size;
        let x = if line.centred {
            MARGIN_X + (CONTENT_W - width) / 2.0
        } else {
            MARGIN_X + x + line.x
        };
        match line.style {
            Style::Plain => {
                s.set_fill(Some(black()));
                s.set_stroke(None);
            }
            Style::Bold => {
                // one weight of the font: embolden with a thin outline in the same ink
                s.set_fill(Some(black()));
                s.set_stroke(Some(Stroke {
                    paint: luma::Color::black().into(),
                    width: line.size * 0.03,
                    ..Stroke::default()
                }));
            }
            Style::Grey => {
                s.set_fill(Some(Fill {
                    paint: luma::Color::new(90).into(),
                    ..Fill::default()
                }));
                s.set_stroke(None);
            }
        }
        let g = glyphs(m, &line.text);
        s.draw_glyphs(
            Point::from_xy(x, baseline),
            &g,
            font.clone(),
            &line.text,
            line.size,
            false,
        );
    };
    let rule = |s: &mut krilla::surface::Surface<'_>, x1: f32, x2: f32, y: f32, w: f32| {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y);
        pb.line_to(x2, y);
        if let Some(path) = pb.finish() {
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: luma::Color::black().into(),
                width: w,
                ..Stroke::default()
            }));
            s.draw_path(&path);
        }
    };

    // heading, centred
    let mut y = MARGIN_TOP;
    for (i, h) in doc.heading.iter().enumerate() {
        let size = if i == 0 { TITLE_SIZE } else { SUBTITLE_SIZE };
        let mut line = Line::new(h.clone(), size, Style::Bold);
        line.height = size * 1.4;
        line.centred = true;
        text(&mut s, 0.0, y, &line);
        y += line.height;
    }
    y += 5.0;
    rule(&mut s, MARGIN_X, PAGE_WIDTH - MARGIN_X, y, 0.8);
    y += 9.0;

    // particulars
    let size = l.body_size;
    let lh = size * LEADING;
    let col_w = if l.two_up { CONTENT_W / 2.0 } else { CONTENT_W };
    let mut row_y = y;
    for r in &l.rows {
        let x = col_w * r.col as f32;
        text(
            &mut s,
            x,
            row_y,
            &Line::new(r.label.clone(), size, Style::Grey),
        );
        for (i, v) in r.value.iter().enumerate() {
            let line = Line::new(v.clone(), size, Style::Plain);
            text(&mut s, x + l.label_w, row_y + lh * i as f32, &line);
        }
        if !l.two_up || r.col == 1 {
            row_y += lh * r.value.len() as f32;
        }
    }
    y += l.rows_height;

    // sections
    for sec in &l.sections {
        for line in sec {
            y += line.gap;
            text(&mut s, 0.0, y, line);
            y += line.height;
        }
    }

    // signature lines, then the verification code, at the foot
    let code_line = {
        let mut c = Line::new(doc.verification.clone(), CODE_SIZE, Style::Grey);
        c.height = CODE_SIZE * 1.4;
        c
    };
    let code_top = PAGE_HEIGHT - MARGIN_BOTTOM - code_line.height;
    if !doc.signatures.is_empty() {
        let n = doc.signatures.len() as f32;
        let w = CONTENT_W / n;
        let sig_top = code_top - CODE_SIZE * 1.1 - lh;
        for (i, label) in doc.signatures.iter().enumerate() {
            let x = w * i as f32;
            let line = Line::new(label.clone(), size, Style::Plain);
            text(&mut s, x, sig_top, &line);
            let start = MARGIN_X + x + m.width(label) * size + size * 0.3;
            let end = MARGIN_X + x + w - size;
            if end > start {
                rule(&mut s, start, end, sig_top + lh * 0.8, 0.6);
            }
        }
    }
    text(&mut s, 0.0, code_top, &code_line);

    s.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}
