//! The applicant's receipt as a page model: what goes on one A4 page, in order, with no
//! layout and no I/O. The printout's wording is built elsewhere (from the questionnaire);
//! the renderers ([`super::pdf`]) decide where each line goes and what to do when the text
//! does not fit.

use crate::text::Lang;

use super::strings;

/// One page for the applicant: a heading, the case's particulars, sections of plain
/// text, signature lines and a verification code.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    /// Centred heading lines, the first largest: the bureau's name, then the title.
    pub heading: Vec<String>,
    /// Particulars as label and value (case number, date, name, ID number …), in order.
    pub rows: Vec<Row>,
    /// The body, in order.
    pub sections: Vec<Section>,
    /// Labels of the lines to sign on (applicant, clerk, date), side by side.
    pub signatures: Vec<String>,
    /// One short line at the foot that lets the bureau check the paper against its
    /// records (a hash prefix, a key id): the only technical detail on the page.
    pub verification: String,
    /// The line put where a section had to be cut to fit the page.
    pub cut_note: String,
}

/// A label and its value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub value: String,
}

/// A heading and its text. When the page is full, the section with the lowest
/// `priority` is cut first (the later one of equal priority first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
    pub priority: u8,
}

/// A paragraph, or a list of points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    Bullets(Vec<String>),
}

impl Doc {
    /// An empty page whose cut note is in `lang`.
    pub fn new(lang: Lang) -> Doc {
        Doc {
            cut_note: strings::cut_note(lang).to_string(),
            ..Doc::default()
        }
    }

    pub fn heading(mut self, line: impl Into<String>) -> Doc {
        self.heading.push(line.into());
        self
    }

    pub fn row(mut self, label: impl Into<String>, value: impl Into<String>) -> Doc {
        self.rows.push(Row {
            label: label.into(),
            value: value.into(),
        });
        self
    }

    pub fn section(mut self, section: Section) -> Doc {
        self.sections.push(section);
        self
    }

    pub fn signature(mut self, label: impl Into<String>) -> Doc {
        self.signatures.push(label.into());
        self
    }

    pub fn verification(mut self, line: impl Into<String>) -> Doc {
        self.verification = line.into();
        self
    }

    /// Every piece of text on the page, in reading order (for tests and for checking
    /// that a font covers it).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let rows = self
            .rows
            .iter()
            .flat_map(|r| [r.label.as_str(), r.value.as_str()]);
        let sections = self.sections.iter().flat_map(|s| {
            std::iter::once(s.heading.as_str()).chain(s.blocks.iter().flat_map(|b| match b {
                Block::Paragraph(p) => std::slice::from_ref(p).iter().map(String::as_str),
                Block::Bullets(v) => v.iter().map(String::as_str),
            }))
        });
        self.heading
            .iter()
            .map(String::as_str)
            .chain(rows)
            .chain(sections)
            .chain(self.signatures.iter().map(String::as_str))
            .chain([self.verification.as_str(), self.cut_note.as_str()])
    }
}

impl Section {
    pub fn new(heading: impl Into<String>, priority: u8) -> Section {
        Section {
            heading: heading.into(),
            blocks: Vec::new(),
            priority,
        }
    }

    pub fn paragraph(mut self, text: impl Into<String>) -> Section {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }

    pub fn bullets<S: Into<String>>(mut self, items: impl IntoIterator<Item = S>) -> Section {
        self.blocks
            .push(Block::Bullets(items.into_iter().map(Into::into).collect()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_in_reading_order() {
        let d = Doc::new(Lang::Zh)
            .heading("百色市人力资源和社会保障局")
            .row("案件编号", "ST-451002-2026-000001")
            .section(
                Section::new("申报", 9)
                    .paragraph("七月申报")
                    .bullets(["身份证", "毕业证"]),
            )
            .signature("申请人签字")
            .verification("校验码 3f9a");
        let all: Vec<&str> = d.texts().collect();
        assert_eq!(
            all,
            [
                "百色市人力资源和社会保障局",
                "案件编号",
                "ST-451002-2026-000001",
                "申报",
                "七月申报",
                "身份证",
                "毕业证",
                "申请人签字",
                "校验码 3f9a",
                strings::cut_note(Lang::Zh),
            ]
        );
    }
}
