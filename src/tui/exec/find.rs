//! The search on the home screen: signed cases and drafts by the applicant's name, any part
//! of the ID number, the case number (or a short form of it) or a date, newest first, with
//! the full name and ID number (the clerk's own screen), each labelled by its own
//! questionnaire.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::Executor;
use crate::case::store::IndexRow;
use crate::case::{CaseFilter, draft_meta, lease};
use crate::dates::local_time;
use crate::eval::input;
use crate::questionnaire::Questionnaire;
use crate::text::Lang;
use crate::tui::msg::{Found, FoundRow, Msg};
use crate::tui::strings;
use crate::tui::widgets::field::halfwidth;

/// At most this many cases a search lists.
const MAX_CASES: usize = 50;

/// One line of text from the store, terminal-safe: an escape or a bidi override in a
/// planted name shows as `<U+…>`, as everywhere else.
fn line(s: &str) -> String {
    crate::safe::line(s).into_owned()
}

impl Executor {
    pub(super) fn search(&mut self, q: &Questionnaire, query: &str) -> Result<Msg, String> {
        let err = |e: crate::case::StoreError| e.to_string();
        // as typed at the counter: full-width digits are digits; in an ID number spaces
        // do not count
        let mut text = halfwidth(query).trim().to_string();
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X')
        {
            text = compact;
        }
        if text.is_empty() {
            return Ok(Msg::Found {
                query: query.to_string(),
                rows: Vec::new(),
            });
        }
        let day = input::parse_date(&text);
        let mut filters = Vec::new();
        match day {
            // a date: the cases interviewed that day
            Some(d) => filters.push(CaseFilter {
                from: Some(d),
                to: Some(d),
                limit: MAX_CASES,
                ..CaseFilter::default()
            }),
            None => {
                // a short form of a case number names that case (`1`, `bs-2026-1`)
                for n in self
                    .store
                    .resolve_number(&text, self.today.year())
                    .map_err(err)?
                {
                    filters.push(CaseFilter {
                        search: Some(n),
                        limit: 1,
                        ..CaseFilter::default()
                    });
                }
                // any part of the name, the ID number or the number
                filters.push(CaseFilter {
                    search: Some(text.clone()),
                    limit: MAX_CASES,
                    ..CaseFilter::default()
                });
            }
        }
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut cases: Vec<IndexRow> = Vec::new();
        for f in &filters {
            self.store
                .for_each_row(f, |r| {
                    if seen.insert(r.number.clone()) {
                        cases.push(r);
                    }
                    Ok(())
                })
                .map_err(err)?;
        }
        let mut rows = self.found_drafts(q, &text, day)?;
        let mut ids: Vec<String> = cases
            .iter()
            .filter_map(|c| c.questionnaire.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let lang = self.lang;
        let cat = self.known(q, &[], &ids);
        for r in &cases {
            let cq = r.questionnaire.as_deref().and_then(|id| cat.get(id));
            rows.push((r.signed_at, found_case(cq, r, lang)));
        }
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        Ok(Msg::Found {
            query: query.to_string(),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// Drafts whose applicant's name or ID number holds `text`, or that were worked on
    /// (or hold an interview) on `day`; each read with its own questionnaire.
    fn found_drafts(
        &mut self,
        q: &Questionnaire,
        text: &str,
        day: Option<jiff::civil::Date>,
    ) -> Result<Vec<(Timestamp, FoundRow)>, String> {
        let err = |e: crate::case::StoreError| e.to_string();
        let drafts = self.store.list_drafts().map_err(err)?;
        let leases = lease::live(&self.store, &self.alive).map_err(err)?;
        let amends: Vec<Option<String>> = drafts
            .iter()
            .map(|d| draft_meta::load_amends(&self.store, &d.id).ok().flatten())
            .collect();
        let refs = self.store.draft_questionnaires().map_err(err)?;
        let mut ids: Vec<String> = refs.iter().map(|(id, _)| id.clone()).collect();
        ids.dedup();
        let (lang, token) = (self.lang, self.holder.token.clone());
        let cat = self.known(q, &refs, &ids);
        let lower = text.to_lowercase();
        let mut out = Vec::new();
        for (d, amends) in drafts.iter().zip(amends) {
            let dq = cat
                .find(&d.questionnaire_id, &d.questionnaire_sha256)
                .questionnaire();
            let fact = |i: Option<u16>| {
                i.and_then(|i| dq?.facts.get(usize::from(i)))
                    .map(|f| f.id.clone())
            };
            let answer = |f: Option<String>| -> String {
                f.and_then(|f| d.answers.get(&f).and_then(|v| v.as_str()).map(String::from))
                    .unwrap_or_default()
            };
            let name = answer(fact(dq.and_then(|dq| dq.meta.applicant_name)));
            let id = answer(fact(dq.and_then(|dq| dq.meta.applicant_id)));
            let hit = match day {
                Some(day) => {
                    let interview = answer(
                        dq.and_then(|dq| dq.fact("interview_date"))
                            .map(|f| f.id.clone()),
                    );
                    crate::dates::local_date(d.updated_at) == day
                        || crate::dates::local_date(d.created_at) == day
                        || input::parse_date(&interview) == Some(day)
                }
                None => name.contains(text) || id.to_lowercase().contains(&lower),
            };
            if !hit {
                continue;
            }
            let mut note = Vec::new();
            if let Some(a) = amends {
                note.push(strings::correction(lang, Some(&a), None));
            }
            if let Some(l) = leases.get(&d.id).filter(|l| l.holder.token != token) {
                note.push(strings::in_use(lang, &Self::in_use(l)));
            }
            out.push((
                d.updated_at,
                FoundRow {
                    found: Found::Draft(d.id.clone()),
                    when: local_time(d.updated_at),
                    name: line(&name),
                    id_number: line(&id),
                    status: strings::draft_found(lang, d.answers.len()),
                    summary: String::new(),
                    clerk: line(&d.clerk),
                    note: note.join("  "),
                },
            ));
        }
        Ok(out)
    }
}

/// A signed case found, labelled by its own questionnaire `cq` when it is at hand.
fn found_case(cq: Option<&Questionnaire>, r: &IndexRow, lang: Lang) -> FoundRow {
    use crate::case::summary::{SummaryKind, display};
    let summary = r
        .summary
        .iter()
        .filter(|v| v.kind == SummaryKind::Result)
        .map(|v| display(cq, v.kind, &v.id, &v.value, lang))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    FoundRow {
        found: Found::Case(r.number.clone()),
        when: r
            .interview_date
            .map_or_else(|| local_time(r.signed_at), |d| d.to_string()),
        name: line(&r.applicant_name),
        id_number: line(r.applicant_id.as_deref().unwrap_or_default()),
        status: crate::eval::Status::parse(&r.status)
            .map_or(r.status.clone(), |s| s.label(lang).to_string()),
        summary: line(&summary),
        clerk: line(r.clerk_name.as_deref().unwrap_or(&r.clerk)),
        note: strings::correction(lang, r.amends.as_deref(), r.amended_by.as_deref()),
    }
}
