//! The receipt where the clerk can hold it: as an HTML file in the store's `printouts/`, as
//! a PDF on the office printer (`lp`), or as a PDF sent through the terminal by ZMODEM
//! (the PDF is made here; [`crate::tui::term`] hands the terminal over and back). Files
//! and job titles are named by the case number only, never the applicant's name.

use std::io::Write;
use std::path::PathBuf;

use super::Executor;
use crate::config::PrintTo;
use crate::outfile::{self, OutFile};
use crate::print::font::{CjkFont, FontSearch};
use crate::print::lp::Lp;
use crate::print::pdf::{self, PdfOptions};
use crate::print::zmodem::ZmodemOptions;
use crate::questionnaire::Questionnaire;
use crate::tui::msg::Msg;
use crate::tui::strings;

/// How the wizard prints, from the config file.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// The menu's last choice (config `print_to`).
    pub to: PrintTo,
    /// The CUPS queue (config `printer`).
    pub printer: Option<String>,
    /// The font file (config `font`); else one is looked for on the system.
    pub font: Option<PathBuf>,
    /// The receipt's heading (config `office_name`).
    pub office_name: Option<String>,
    /// The config file the choice is remembered in (none: not remembered).
    pub config_path: Option<PathBuf>,
    pub lp: Lp,
    pub zmodem: ZmodemOptions,
}

/// A receipt made into a PDF and kept in `printouts/`.
#[derive(Clone, Debug)]
pub struct ReceiptPdf {
    /// The file's name (`BS-451002-2026-000001.pdf`): what a receiver saves it as.
    pub name: String,
    pub bytes: Vec<u8>,
    pub path: PathBuf,
    /// Said to the clerk when the text was set smaller or cut to fit the page.
    pub note: Option<String>,
}

/// A case number as a file name: letters, digits and `-`; anything else `_`.
fn file_stem(number: &str) -> String {
    number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Executor {
    /// Remember the menu's choice (in the config file, when it changed). Not being able to
    /// write it costs only the convenience; the receipt still goes out.
    pub fn remember(&mut self, to: PrintTo) {
        if self.print.to == to {
            return;
        }
        self.print.to = to;
        if let Some(p) = &self.print.config_path {
            let _ = crate::config::set_keys(p, &[("print_to", to.code())]);
        }
    }

    pub(super) fn print(
        &mut self,
        q: &Questionnaire,
        number: &str,
        to: PrintTo,
    ) -> Result<Msg, String> {
        match to {
            PrintTo::Html => {
                let html = self.receipt_html(q, number)?;
                let path = self.keep(&format!("{}.html", file_stem(number)), html.as_bytes())?;
                Ok(Msg::Written(path.display().to_string()))
            }
            PrintTo::Printer => {
                let printer = self
                    .print
                    .printer
                    .clone()
                    .ok_or_else(|| strings::no_printer(self.lang).to_string())?;
                let pdf = self.receipt_pdf(q, number)?;
                let job = self
                    .print
                    .lp
                    .print(&printer, number, &pdf.path)
                    .map_err(|e| e.to_string())?;
                Ok(Msg::Printed {
                    printer,
                    job: job.id,
                    note: pdf.note,
                })
            }
            // the terminal is the run loop's to hand over
            PrintTo::Zmodem => Err(strings::zmodem_needs_terminal(self.lang).to_string()),
        }
    }

    /// The receipt of case `number`, worded by the case's own questionnaire.
    fn receipt(
        &mut self,
        q: &Questionnaire,
        number: &str,
    ) -> Result<crate::print::doc::Doc, String> {
        let rec = self.store.get_case(number).map_err(|e| e.to_string())?;
        let (lang, office) = (self.lang, self.print.office_name.clone());
        let qq = self.case_questionnaire(q, &rec);
        Ok(crate::receipt::build(&rec, qq, office.as_deref(), lang))
    }

    /// The receipt of case `number` as an HTML page.
    pub fn receipt_html(&mut self, q: &Questionnaire, number: &str) -> Result<String, String> {
        let doc = self.receipt(q, number)?;
        Ok(crate::print::html::render(&doc, self.lang))
    }

    /// The receipt of case `number` as a one-page PDF, kept in `printouts/`.
    pub fn receipt_pdf(&mut self, q: &Questionnaire, number: &str) -> Result<ReceiptPdf, String> {
        let doc = self.receipt(q, number)?;
        let search = match &self.print.font {
            Some(f) => FontSearch::file(f),
            None => FontSearch::default(),
        };
        let font = CjkFont::find(&search).map_err(|e| e.to_string())?;
        let r = pdf::render(&doc, &font, PdfOptions::default()).map_err(|e| e.to_string())?;
        let name = format!("{}.pdf", file_stem(number));
        let path = self.keep(&name, &r.pdf)?;
        let note = if !r.cut.is_empty() {
            Some(strings::receipt_cut(self.lang, &r.cut))
        } else if !r.missing_glyphs.is_empty() {
            let chars: String = r.missing_glyphs.iter().collect();
            Some(strings::receipt_missing_glyphs(self.lang, &chars))
        } else {
            None
        };
        Ok(ReceiptPdf {
            name,
            bytes: r.pdf,
            path,
            note,
        })
    }

    /// Write `bytes` as `name` in `<data dir>/printouts/`: the clerk's own directory (0700;
    /// the file 0600), or in a shared store one the office group shares (2770; the file
    /// 0640). Never written through a symlink: the directory must be a real one, and the
    /// file is written privately and renamed into place ([`crate::outfile`]).
    fn keep(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
        let dir = self.store.dir().join("printouts");
        outfile::ensure_dir(&dir, self.store.is_shared()).map_err(|e| e.to_string())?;
        let path = dir.join(name);
        let mut f = OutFile::create_in_own_dir(&path).map_err(|e| e.to_string())?;
        if self.store.is_shared() {
            // the office group shares the directory, so that colleagues can print it
            f.group_readable().map_err(|e| e.to_string())?;
        }
        f.write_all(bytes)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        f.commit().map_err(|e| e.to_string())?;
        Ok(path)
    }
}
