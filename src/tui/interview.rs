//! The interview every screen shares: the questionnaire, the answers (kept by fact id),
//! their evaluation, the clock, the draft's id and the question the clerk is at. Screens
//! read it and change it only through these methods; none of them does I/O.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;

use super::msg::{Effect, LoadedDraft};
use super::strings::{self, Strings};
use crate::eval::{self, Evaluation};
use crate::questionnaire::{Questionnaire, RuleKind};
use crate::text::Lang;
use crate::value::{Answers, Value};

/// The clock, injected: `today` is fixed when the wizard starts (the interview date
/// default), `now` is refreshed by the run loop before each message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub today: Date,
    pub now: Timestamp,
}

pub struct Interview {
    pub q: Questionnaire,
    pub lang: Lang,
    pub clock: Clock,
    pub answers: Answers,
    pub ev: Evaluation,
    pub draft_id: Option<String>,
    /// The question the clerk is at, or was last at (saved with the draft; its section
    /// titles the header).
    pub at: Option<u16>,
    /// Blockers already offered, so the offer comes once per new blocker.
    pub offered: BTreeSet<usize>,
}

impl Interview {
    pub fn new(q: Questionnaire, lang: Lang, clock: Clock) -> Interview {
        let answers = Answers::new();
        let ev = eval::evaluate(&q, &answers, clock.today);
        Interview {
            q,
            lang,
            clock,
            answers,
            ev,
            draft_id: None,
            at: None,
            offered: BTreeSet::new(),
        }
    }

    pub fn s(&self) -> &'static Strings {
        strings::strings(self.lang)
    }

    pub fn reevaluate(&mut self) {
        self.ev = eval::evaluate(&self.q, &self.answers, self.clock.today);
    }

    /// Settled for the flow: answered, or optional (an optional question left empty has
    /// no answer on record and counts as null).
    pub fn answered(&self, i: u16) -> bool {
        self.q
            .facts
            .get(usize::from(i))
            .is_some_and(|f| f.optional || self.answers.contains_key(&f.id))
    }

    /// An answer is on record for fact `i`.
    pub fn has_answer(&self, i: u16) -> bool {
        self.q
            .facts
            .get(usize::from(i))
            .is_some_and(|f| self.answers.contains_key(&f.id))
    }

    /// Forget everything: a new interview.
    pub fn reset(&mut self) {
        self.answers.clear();
        self.draft_id = None;
        self.offered.clear();
        self.at = None;
        self.reevaluate();
    }

    /// Take over a draft loaded from the store.
    pub fn load(&mut self, d: &LoadedDraft) {
        self.answers = d.answers.clone();
        self.draft_id = Some(d.id.clone());
        self.at = None;
        self.reevaluate();
        self.offered = self.blockers();
    }

    /// The draft as it stands.
    pub fn save_effect(&self) -> Effect {
        Effect::SaveDraft {
            id: self.draft_id.clone(),
            answers: self.answers.clone(),
            current: self.at.map(|i| self.q.facts[usize::from(i)].id.clone()),
        }
    }

    /// Record an answer and re-evaluate. A validation that fails for this answer (an ID
    /// number's check digit) puts the previous answer back and returns the message; on
    /// success, returns the blockers that fired for the first time.
    pub fn record(&mut self, i: u16, v: Value) -> Result<Vec<usize>, String> {
        let id = self.q.facts[usize::from(i)].id.clone();
        // An optional question left empty is recorded by having no answer: the engine
        // then takes it as null, and no validation runs on a value nobody gave.
        let before = if v.is_null() {
            self.answers.remove(&id)
        } else {
            self.answers.insert(id.clone(), v)
        };
        self.reevaluate();
        let invalid = &self.ev.facts[usize::from(i)].invalid;
        if !invalid.is_empty() {
            let f = &self.q.facts[usize::from(i)];
            let msg: Vec<&str> = invalid
                .iter()
                .filter_map(|vi| f.validate.get(*vi))
                .map(|v| v.message.get(self.lang))
                .collect();
            let msg = msg.join("; ");
            match before {
                Some(b) => self.answers.insert(id, b),
                None => self.answers.remove(&id),
            };
            self.reevaluate();
            return Err(msg);
        }
        let blockers = self.blockers();
        let new: Vec<usize> = blockers.difference(&self.offered).copied().collect();
        self.offered = blockers;
        Ok(new)
    }

    /// Rule indices of the blockers that fired.
    pub fn blockers(&self) -> BTreeSet<usize> {
        self.q
            .rules
            .iter()
            .zip(&self.ev.rules)
            .enumerate()
            .filter(|(_, (r, o))| r.kind == RuleKind::Blocker && o.fired == Some(true))
            .map(|(i, _)| i)
            .collect()
    }

    /// The applicant's name once the interview has it.
    pub fn applicant_name(&self) -> Option<&str> {
        let i = self.q.meta.applicant_name?;
        let f = self.q.facts.get(usize::from(i))?;
        self.answers.get(&f.id)?.as_str().filter(|s| !s.is_empty())
    }

    /// The id of fact `i`.
    pub fn fact_id(&self, i: u16) -> &str {
        &self.q.facts[usize::from(i)].id
    }
}
