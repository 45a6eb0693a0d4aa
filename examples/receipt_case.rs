//! Print the receipt of a signed case by hand, as the wizard's `p` does, to a PDF and an
//! HTML file: `cargo run --example receipt_case -- DATA_DIR NUMBER OUT_BASE [OFFICE_NAME]
//! [FONT]` writes OUT_BASE.pdf and OUT_BASE.html (the case's questionnaire must be the
//! built-in one).

use std::process::ExitCode;

use guantong::case::Store;
use guantong::print::font::{CjkFont, FontSearch};
use guantong::print::pdf::{self, PdfOptions};
use guantong::safe;
use guantong::text::Lang;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data, number, out, rest @ ..] = args.as_slice() else {
        eprintln!("usage: receipt_case DATA_DIR NUMBER OUT_BASE [OFFICE_NAME] [FONT]");
        return ExitCode::from(2);
    };
    let run = || -> Result<String, String> {
        let q = guantong::questionnaire::embedded().map_err(|d| format!("{d:?}"))?;
        let store = Store::open(std::path::Path::new(data)).map_err(|e| e.to_string())?;
        let rec = store.get_case(number).map_err(|e| e.to_string())?;
        let doc =
            guantong::receipt::build(&rec, Some(&q), rest.first().map(String::as_str), Lang::Zh);
        let search = match rest.get(1) {
            Some(f) => FontSearch::file(f),
            None => FontSearch::default(),
        };
        let font = CjkFont::find(&search).map_err(|e| e.to_string())?;
        let r = pdf::render(&doc, &font, PdfOptions::default()).map_err(|e| e.to_string())?;
        std::fs::write(format!("{out}.pdf"), &r.pdf).map_err(|e| e.to_string())?;
        let html = guantong::print::html::render(&doc, Lang::Zh);
        std::fs::write(format!("{out}.html"), html).map_err(|e| e.to_string())?;
        Ok(format!(
            "{out}.pdf: {} bytes, body {} pt, cut {:?}; {out}.html",
            r.pdf.len(),
            r.body_size,
            r.cut
        ))
    };
    match run() {
        Ok(s) => {
            println!("{}", safe::text(&s));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", safe::text(&e));
            ExitCode::FAILURE
        }
    }
}
