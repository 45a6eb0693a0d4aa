//! The receipt's page model as one self-contained HTML page (inline CSS, no scripts, no
//! external files) sized for A4: what the wizard writes when the clerk prints from a
//! browser. Every text is made terminal-safe and escaped ([`crate::case::export::esc`]).
//! The browser lays it out: type a little smaller than the PDF's, so that the same text
//! fits one page; a receipt that still runs over says so only in the PDF's report.

use super::doc::{Block, Doc};
use crate::case::export::esc;
use crate::text::Lang;

const CSS: &str = "@page { size: A4; margin: 15mm 18mm; }
body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"WenQuanYi Micro Hei\", \"Microsoft YaHei\", \"PingFang SC\", SimSun, sans-serif; font-size: 10pt; color: #000; max-width: 174mm; margin: 0 auto; line-height: 1.45; }
header { text-align: center; border-bottom: 1.5px solid #000; padding-bottom: 2mm; margin-bottom: 3mm; }
header p { margin: 0; font-weight: bold; font-size: 13pt; }
header p:first-child { font-size: 16pt; }
dl { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 0.8mm 3mm; margin: 0 0 2mm; }
dt { color: #444; }
dd { margin: 0; word-break: break-all; }
h2 { font-size: 11pt; margin: 3mm 0 1mm; }
p, ul { margin: 0 0 1mm; }
ul { padding-left: 5mm; }
footer { margin-top: 6mm; }
.sign { display: flex; gap: 6mm; }
.sign div { flex: 1; border-bottom: 1px solid #000; padding-top: 8mm; }
.code { margin-top: 3mm; font-size: 7.5pt; color: #555; }
@media screen { body { padding: 10mm; } }
";

/// `doc` as an HTML document in `lang`.
pub fn render(doc: &Doc, lang: Lang) -> String {
    let title = doc.heading.last().map(String::as_str).unwrap_or_default();
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n",
        lang.pick("zh-CN", "en"),
        esc(title)
    );
    for h in &doc.heading {
        out.push_str(&format!("<p>{}</p>\n", esc(h)));
    }
    out.push_str("</header>\n<dl>\n");
    for r in &doc.rows {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            esc(&r.label),
            esc(&r.value)
        ));
    }
    out.push_str("</dl>\n");
    for s in &doc.sections {
        out.push_str(&format!("<section>\n<h2>{}</h2>\n", esc(&s.heading)));
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => out.push_str(&format!("<p>{}</p>\n", esc(p))),
                Block::Bullets(items) => {
                    out.push_str("<ul>\n");
                    for it in items {
                        out.push_str(&format!("<li>{}</li>\n", esc(it)));
                    }
                    out.push_str("</ul>\n");
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("<footer>\n<div class=\"sign\">\n");
    for s in &doc.signatures {
        out.push_str(&format!("<div>{}</div>\n", esc(s)));
    }
    out.push_str(&format!(
        "</div>\n<p class=\"code\">{}</p>\n</footer>\n</body>\n</html>\n",
        esc(&doc.verification)
    ));
    out
}
