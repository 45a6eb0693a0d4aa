//! Correcting a signed case: a draft holding the case's answers as signed, under the case's
//! own questionnaire (the newest version of its id, the answers carried over to it),
//! remembered as the correction of that case; signing it records it as amending the
//! original.

use jiff::Timestamp;

use super::Executor;
use crate::case::{Draft, draft_meta};
use crate::eval::{self, Source, input};
use crate::questionnaire::Questionnaire;
use crate::tui::msg::{LoadedDraft, Msg, Under};
use crate::tui::strings;
use crate::value::Answers;

impl Executor {
    pub(super) fn correct(&mut self, q: &Questionnaire, number: &str) -> Result<Msg, String> {
        let current_sha = q.sha256.clone();
        let err = |e: crate::case::StoreError| e.to_string();
        let rec = self.store.get_case(number).map_err(err)?;
        // a case is corrected once: a second correction corrects the correction
        if let Some(newer) = rec.amended_by.last() {
            return Err(strings::already_corrected(self.lang, &rec.number, newer));
        }
        // a correction of it already begun: go on with that one
        for d in self.store.list_drafts().map_err(err)? {
            if draft_meta::load_amends(&self.store, &d.id)
                .map_err(err)?
                .as_deref()
                == Some(rec.number.as_str())
            {
                return match self.lease(&d.id, false).map_err(err)? {
                    crate::case::lease::Acquired::InUse(l) => Ok(Msg::DraftInUse {
                        id: d.id,
                        by: Self::in_use(&l),
                    }),
                    _ => self.load(q, &d.id),
                };
            }
        }
        // the case's own questionnaire: the newest version of its id (config's, else the
        // store's copies), as a draft resumes
        let lang = self.lang;
        let r = &rec.questionnaire;
        let refs = [(r.id.clone(), r.sha256.clone())];
        let Some(cq) = self
            .known(q, &refs, std::slice::from_ref(&r.id))
            .get(&r.id)
            .cloned()
        else {
            return Err(strings::correct_elsewhere(lang, &rec.number, &r.id));
        };
        let q = &cq;
        let mut d = Draft::new(q, &self.clerk_user, Timestamp::now());
        // the answers as signed, under the version they were signed with: resuming
        // carries them over to this one
        d.questionnaire_version = rec.questionnaire.version.clone();
        d.questionnaire_sha256 = rec.questionnaire.sha256.clone();
        d.answers = rec
            .facts
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), input::from_json(v)?)))
            .collect();
        let r = d.resume(q);
        let (answers, followed) = follow_defaults(q, r.answers, self.today);
        // what this version no longer takes stays with the draft, as stored
        let mut kept = answers.clone();
        kept.extend(r.aside.clone());
        d.answers = kept;
        d.go_on_under(q);
        self.lease(&d.id, false).map_err(err)?;
        self.store.save_draft_with(&d, q).map_err(err)?;
        draft_meta::save_followed(&self.store, &d.id, &followed).map_err(err)?;
        draft_meta::save_amends(&self.store, &d.id, &rec.number).map_err(err)?;
        let under = (q.sha256 != current_sha).then(|| Under(Box::new(q.clone())));
        let loaded = LoadedDraft {
            id: d.id.clone(),
            answers,
            followed,
            current: None,
            aside: r.aside,
            under,
            questionnaire_changed: r.questionnaire_changed,
            renamed: r.renamed,
            amends: Some(rec.number.clone()),
        };
        self.draft = Some(d);
        Ok(Msg::DraftLoaded(Box::new(loaded)))
    }
}

/// The signed answers that are what their default gives (a birth date read from the ID
/// number, the sex): taken out again, so that they follow their source when the clerk
/// corrects it, as they did in the interview. A default that reads the clock (the
/// interview date's `today()`) is kept as signed: a correction is about the day the case
/// was heard, whenever it is made. Returns the answers and the facts that follow.
fn follow_defaults(
    q: &Questionnaire,
    mut answers: Answers,
    today: jiff::civil::Date,
) -> (Answers, Vec<String>) {
    let mut followed = Vec::new();
    for (i, f) in q.facts.iter().enumerate() {
        if f.default.is_none() {
            continue;
        }
        let Some(given) = answers.remove(&f.id) else {
            continue;
        };
        let ev = eval::evaluate(q, &answers, today);
        let st = &ev.facts[i];
        let tomorrow = today.tomorrow().unwrap_or(today);
        let later = eval::evaluate(q, &answers, tomorrow);
        let steady = later.facts[i].value.known() == st.value.known();
        if st.source == Source::Default && st.value.known() == Some(&given) && steady {
            followed.push(f.id.clone());
        } else {
            answers.insert(f.id.clone(), given);
        }
    }
    (answers, followed)
}
