//! The applicant's receipt: one A4 page built from a signed case, in the words of its
//! questionnaire's `[receipt]` ([`crate::questionnaire::Receipt`]), as a page model
//! ([`crate::print::doc::Doc`]) that the PDF ([`crate::print::pdf`]) and HTML
//! ([`crate::print::html`]) renderers set.
//!
//! It reads the case's outcome as signed (the one outcome view,
//! [`crate::case::outcome::outcome_view`]), never evaluating it again. The applicant's name
//! and ID number are printed in full: it is their copy. The only technical detail is one
//! short verification code (the record's SHA-256, first 12 hex digits).

use serde_json::Value as J;

use crate::case::CaseRecord;
use crate::eval::view::OutcomeView;
use crate::print::doc::{Doc, Section};
use crate::print::strings::{self, fallback};
use crate::questionnaire::receipt::{Receipt, ReceiptLabels, ReceiptSection, Show};
use crate::questionnaire::{Questionnaire, RuleKind};
use crate::text::{Lang, Text};

/// The receipt of `rec`, worded by `q` (the case's own questionnaire, when at hand: else
/// generic wording), headed by the office's name.
pub fn build(
    rec: &CaseRecord,
    q: Option<&Questionnaire>,
    office_name: Option<&str>,
    lang: Lang,
) -> Doc {
    let q = q.filter(|q| q.meta.id == rec.questionnaire.id);
    let ov = crate::case::outcome::outcome_view(rec, q, lang);
    let generic;
    let r: &Receipt = match q.and_then(|q| q.receipt.as_ref()) {
        Some(r) => r,
        None => {
            generic = fallback_receipt(lang);
            &generic
        }
    };
    let mut doc = Doc::new(lang);
    if let Some(o) = office_name.map(str::trim).filter(|o| !o.is_empty()) {
        doc = doc.heading(o);
    }
    doc = doc.heading(r.title.get(lang));
    doc = particulars(doc, rec, &ov, &r.labels, lang);
    for s in &r.sections {
        if !s.applies(&rec.facts, &rec.results) {
            continue;
        }
        if let Some(section) = section(s, rec, q, &ov, lang) {
            doc = doc.section(section);
        }
    }
    let signatures: Vec<String> = if r.signatures.is_empty() {
        fallback::signatures(lang).map(str::to_string).to_vec()
    } else {
        r.signatures
            .iter()
            .map(|s| s.get(lang).to_string())
            .collect()
    };
    for s in signatures {
        doc = doc.signature(s);
    }
    let template = r.verification.as_ref().map_or_else(
        || fallback::verification(lang).to_string(),
        |t| t.get(lang).to_string(),
    );
    doc.verification(verification_line(&template, &code(rec)))
}

/// The verification code: the record's SHA-256, its first 12 hex digits in groups of 4.
pub fn code(rec: &CaseRecord) -> String {
    let h: Vec<char> = rec.sha256.chars().take(12).collect();
    h.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn verification_line(template: &str, code: &str) -> String {
    use crate::questionnaire::template::{Piece, parse};
    match parse(template) {
        Ok(pieces) => pieces
            .into_iter()
            .map(|p| match p {
                Piece::Lit(s) => s,
                Piece::Slot { .. } => code.to_string(),
            })
            .collect(),
        // the loader refuses malformed templates; show the code rather than nothing
        Err(_) => format!("{template} {code}"),
    }
}

/// A particular's label: the questionnaire's, else the generic one.
fn label_of(t: &Option<Text>, generic: fn(Lang) -> &'static str, lang: Lang) -> String {
    t.as_ref()
        .map_or_else(|| generic(lang).to_string(), |t| t.get(lang).to_string())
}

fn particulars(
    mut doc: Doc,
    rec: &CaseRecord,
    ov: &OutcomeView,
    l: &ReceiptLabels,
    lang: Lang,
) -> Doc {
    let label = |t: &Option<Text>, generic: fn(Lang) -> &'static str| label_of(t, generic, lang);
    doc = doc
        .row(label(&l.number, fallback::number), &rec.number)
        .row(
            label(&l.date, fallback::date),
            crate::dates::local_time(rec.signed_at),
        )
        .row(
            label(&l.applicant, fallback::applicant),
            &rec.applicant.name,
        );
    if let Some(id) = &rec.applicant.id_number {
        doc = doc.row(label(&l.id_number, fallback::id_number), id);
    }
    let clerk = rec
        .clerk
        .display_name
        .clone()
        .unwrap_or_else(|| rec.clerk.user.clone());
    doc = doc
        .row(label(&l.status, fallback::status), &ov.status_label)
        .row(label(&l.clerk, fallback::clerk), clerk);
    if let Some(a) = &rec.amends {
        doc = doc.row(label(&l.amends, fallback::amends), a);
    }
    if let Some(b) = rec.amended_by.last() {
        doc = doc.row(label(&l.amended_by, fallback::amended_by), b);
    }
    doc
}

fn with_cite(text: &str, cite: Option<&str>, lang: Lang) -> String {
    match cite.filter(|c| !c.is_empty()) {
        Some(c) => format!("{text}{}", strings::cite_suffix(lang, c)),
        None => text.to_string(),
    }
}

/// One section for `rec`, or none when what it shows is empty for this case.
fn section(
    s: &ReceiptSection,
    rec: &CaseRecord,
    q: Option<&Questionnaire>,
    ov: &OutcomeView,
    lang: Lang,
) -> Option<Section> {
    let mut out = Section::new(s.heading.get(lang), s.priority);
    if let Some(t) = &s.text {
        let cite = s.cite.as_deref().map(|c| match q {
            Some(q) => q.cite_in(c, lang),
            None => c.to_string(),
        });
        out = out.paragraph(with_cite(t.get(lang), cite.as_deref(), lang));
    }
    let Some(show) = s.show else {
        return Some(out);
    };
    let item = |text: &str, cite: Option<&String>| with_cite(text, cite.map(String::as_str), lang);
    match show {
        Show::Sentences => {
            if ov.sentences.is_empty() {
                return None;
            }
            for line in &ov.sentences {
                out = out.paragraph(line.clone());
            }
        }
        Show::Results => {
            let lines: Vec<String> = ov
                .results
                .iter()
                .map(|r| strings::pair(lang, &r.label, &r.value))
                .collect();
            if lines.is_empty() {
                return None;
            }
            out = out.bullets(lines);
        }
        Show::Blockers | Show::Findings => {
            let lines: Vec<String> = ov
                .findings
                .iter()
                .filter(|f| show == Show::Findings || f.kind == RuleKind::Blocker)
                .map(|f| item(&f.message, Some(&f.cite)))
                .collect();
            if lines.is_empty() {
                return None;
            }
            out = out.bullets(lines);
        }
        Show::Materials | Show::Steps => {
            let list = if show == Show::Materials {
                &ov.materials
            } else {
                &ov.steps
            };
            if list.is_empty() {
                return None;
            }
            out = out.bullets(list.iter().map(|it| item(&it.text, it.cite.as_ref())));
        }
        Show::Pledge => {
            // the pledge as read out (the record keeps the Chinese); in English, the
            // questionnaire's English when it is the same pledge
            let recorded = rec.pledge.text.as_deref()?;
            let text = match (lang, q.and_then(|q| q.meta.pledge.as_ref())) {
                (Lang::En, Some(p)) if p.zh() == recorded => p.get(lang).to_string(),
                _ => recorded.to_string(),
            };
            let cite = rec.pledge.cite.as_deref().map(|c| match q {
                Some(q) => q.cite_in(c, lang),
                None => c.to_string(),
            });
            out = out.paragraph(with_cite(text.trim(), cite.as_deref(), lang));
        }
    }
    Some(out)
}

/// The receipt of a questionnaire that declares none: the outcome read aloud, why not
/// (ineligible), the steps, the materials, the pledge, in generic words.
fn fallback_receipt(lang: Lang) -> Receipt {
    let [outcome, why, steps, materials, pledge] = fallback::sections(lang);
    let sec =
        |heading: &str, show: Show, priority: u8, when: Vec<(String, Vec<J>)>| ReceiptSection {
            heading: Text::new(heading, heading),
            when,
            text: None,
            cite: None,
            show: Some(show),
            priority,
        };
    let ineligible = vec![("status".to_string(), vec![J::from("ineligible")])];
    Receipt {
        title: Text::new(fallback::title(lang), fallback::title(lang)),
        labels: ReceiptLabels::default(),
        signatures: Vec::new(),
        verification: None,
        sections: vec![
            sec(outcome, Show::Sentences, 9, Vec::new()),
            sec(why, Show::Blockers, 8, ineligible),
            sec(steps, Show::Steps, 7, Vec::new()),
            sec(materials, Show::Materials, 7, Vec::new()),
            sec(pledge, Show::Pledge, 8, Vec::new()),
        ],
    }
}
