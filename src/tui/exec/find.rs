//! The search on the home screen: signed cases and drafts by the applicant's name, any part
//! of the ID number, the case number (or a short form of it) or a date, newest first, with
//! the full name and ID number (the clerk's own screen).

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::Executor;
use crate::case::store::IndexRow;
use crate::case::{CaseFilter, draft_meta, lease};
use crate::dates::local_time;
use crate::eval::input;
use crate::questionnaire::Questionnaire;
use crate::tui::msg::{Found, FoundRow, Msg};
use crate::tui::strings;
use crate::tui::widgets::field::halfwidth;

/// One line of text from the store, terminal-safe.
fn line(s: &str) -> String {
    crate::safe::line(s).into_owned()
}

/// At most this many cases a search lists.
const MAX_CASES: usize = 50;

impl Executor {
    pub(super) fn search(&self, q: &Questionnaire, query: &str) -> Result<Msg, String> {
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
        let mut rows: Vec<(Timestamp, FoundRow)> = Vec::new();
        if text.is_empty() {
            return Ok(Msg::Found {
                query: query.to_string(),
                rows: Vec::new(),
            });
        }
        let day = input::parse_date(&text);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut add = |r: IndexRow, rows: &mut Vec<(Timestamp, FoundRow)>| {
            if seen.insert(r.number.clone()) {
                rows.push((r.signed_at, self.found_case(q, &r)));
            }
        };
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
        for f in &filters {
            self.store
                .for_each_row(f, |r| {
                    add(r, &mut rows);
                    Ok(())
                })
                .map_err(err)?;
        }
        rows.extend(self.found_drafts(q, &text, day)?);
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        Ok(Msg::Found {
            query: query.to_string(),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        })
    }

    fn found_case(&self, q: &Questionnaire, r: &IndexRow) -> FoundRow {
        FoundRow {
            found: Found::Case(r.number.clone()),
            when: r
                .interview_date
                .map_or_else(|| local_time(r.signed_at), |d| d.to_string()),
            // what the store holds is shown made safe: an escape or a bidi override in a
            // planted name shows as <U+…>, as everywhere else
            name: line(&r.applicant_name),
            id_number: line(r.applicant_id.as_deref().unwrap_or_default()),
            status: self.status_label(&r.status),
            summary: line(&self.summary_results(q, r.questionnaire.as_deref(), &r.summary)),
            clerk: line(r.clerk_name.as_deref().unwrap_or(&r.clerk)),
            note: strings::correction(self.lang, r.amends.as_deref(), r.amended_by.as_deref()),
        }
    }

    /// Drafts whose applicant's name or ID number holds `text`, or that were worked on
    /// (or hold an interview) on `day`.
    fn found_drafts(
        &self,
        q: &Questionnaire,
        text: &str,
        day: Option<jiff::civil::Date>,
    ) -> Result<Vec<(Timestamp, FoundRow)>, String> {
        let drafts = self.store.list_drafts().map_err(|e| e.to_string())?;
        let leases = lease::live(&self.store, &self.alive).map_err(|e| e.to_string())?;
        let fact = |i: Option<u16>| i.and_then(|i| q.facts.get(usize::from(i))).map(|f| &f.id);
        let (name_fact, id_fact) = (fact(q.meta.applicant_name), fact(q.meta.applicant_id));
        let interview = q.fact("interview_date").map(|f| &f.id);
        let answer = |d: &crate::case::Draft, f: Option<&String>| -> String {
            f.and_then(|f| d.answers.get(f))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let lower = text.to_lowercase();
        let mut out = Vec::new();
        for d in &drafts {
            let (name, id) = (answer(d, name_fact), answer(d, id_fact));
            let hit = match day {
                Some(day) => {
                    crate::dates::local_date(d.updated_at) == day
                        || crate::dates::local_date(d.created_at) == day
                        || input::parse_date(&answer(d, interview)) == Some(day)
                }
                None => name.contains(text) || id.to_lowercase().contains(&lower),
            };
            if !hit {
                continue;
            }
            let mut note = Vec::new();
            if let Some(a) = draft_meta::load_amends(&self.store, &d.id).ok().flatten() {
                note.push(strings::correction(self.lang, Some(&a), None));
            }
            if let Some(l) = leases
                .get(&d.id)
                .filter(|l| l.holder.token != self.holder.token)
            {
                note.push(strings::in_use(self.lang, &Self::in_use(l)));
            }
            out.push((
                d.updated_at,
                FoundRow {
                    found: Found::Draft(d.id.clone()),
                    when: local_time(d.updated_at),
                    name: line(&name),
                    id_number: line(&id),
                    status: strings::draft_found(self.lang, d.answers.len()),
                    summary: String::new(),
                    clerk: line(&d.clerk),
                    note: note.join("  "),
                },
            ));
        }
        Ok(out)
    }
}
