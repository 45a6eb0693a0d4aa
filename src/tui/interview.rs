//! The interview every screen shares: the questionnaire, the answers (kept by fact id),
//! their evaluation, the clock, the draft's id and the question the clerk is at. Screens
//! read it and change it only through these methods; none of them does I/O.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;

use super::msg::{Effect, LoadedDraft};
use super::strings::{self, Strings};
use crate::eval::view::OutcomeView;
use crate::eval::{self, Evaluation, Reach, Source};
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
    /// The questionnaire in use: the wizard's default, or the one chosen at home, or the
    /// one a resumed draft was made under (the newest of its id).
    pub q: Questionnaire,
    /// The wizard's default questionnaire while another one is in use: a new interview
    /// from home goes back to it (nothing chosen is remembered silently).
    pub default_q: Option<Box<Questionnaire>>,
    /// What a new interview can be made under when the catalogue holds several (each
    /// configured id's newest version, the default first); empty or one: no choice.
    pub choices: Vec<Choice>,
    pub lang: Lang,
    pub clock: Clock,
    pub answers: Answers,
    /// Answers on record that the questionnaire does not know, or whose value no longer
    /// fits (a draft from another version): kept as they were, never read by the rules,
    /// shown apart, saved back with the draft and recorded (as personal) at sign-off.
    pub aside: Answers,
    pub ev: Evaluation,
    /// The outcome as every screen shows it (built from `ev` whenever it changes).
    pub view: OutcomeView,
    pub draft_id: Option<String>,
    /// The question the clerk is at, or was last at (saved with the draft; its section
    /// titles the header).
    pub at: Option<u16>,
    /// Blockers already offered, so the offer comes once per new blocker.
    pub offered: BTreeSet<usize>,
    /// Facts whose default the clerk accepted: they hold no answer of their own and follow
    /// their source (a birth date taken from the ID number changes with it).
    pub followed: BTreeSet<String>,
}

/// A questionnaire a new interview can be made under, as the home screen offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub version: String,
    pub title: crate::text::Text,
}

impl Choice {
    pub fn of(q: &Questionnaire) -> Choice {
        Choice {
            id: q.meta.id.clone(),
            version: q.meta.version.clone(),
            title: q.meta.title.clone(),
        }
    }
}

/// What the clerk gave for a question.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// A value typed or chosen.
    Value(Value),
    /// The default as shown: the fact follows it from now on.
    Default,
}

impl Interview {
    pub fn new(q: Questionnaire, lang: Lang, clock: Clock) -> Interview {
        let answers = Answers::new();
        let ev = eval::evaluate(&q, &answers, clock.today);
        let view = eval::view::build(&q, &ev, lang);
        Interview {
            q,
            default_q: None,
            choices: Vec::new(),
            lang,
            clock,
            answers,
            aside: Answers::new(),
            ev,
            view,
            draft_id: None,
            at: None,
            offered: BTreeSet::new(),
            followed: BTreeSet::new(),
        }
    }

    pub fn s(&self) -> &'static Strings {
        strings::strings(self.lang)
    }

    pub fn reevaluate(&mut self) {
        let ev = eval::evaluate(&self.q, &self.answers, self.clock.today);
        self.set_evaluation(ev);
    }

    /// A new evaluation, and the outcome view built from it.
    pub fn set_evaluation(&mut self, ev: Evaluation) {
        self.view = eval::view::build(&self.q, &ev, self.lang);
        self.ev = ev;
    }

    /// Settled for the flow: a valid answer (null included: "not known / not given" on an
    /// optional question), or a default the clerk accepted that still gives a value. An
    /// optional question nobody answered is not settled; nor is an answer that another one
    /// has made invalid.
    pub fn answered(&self, i: u16) -> bool {
        let (Some(f), Some(st)) = (
            self.q.facts.get(usize::from(i)),
            self.ev.facts.get(usize::from(i)),
        ) else {
            return false;
        };
        if !st.invalid.is_empty() {
            return false;
        }
        if self.answers.contains_key(&f.id) {
            return true;
        }
        self.followed.contains(&f.id) && st.source == Source::Default
    }

    /// An answer is on record for fact `i`: typed, or a default accepted.
    pub fn has_answer(&self, i: u16) -> bool {
        self.q
            .facts
            .get(usize::from(i))
            .is_some_and(|f| self.answers.contains_key(&f.id) || self.followed.contains(&f.id))
    }

    /// Fact `i` follows its default (accepted, not typed over).
    pub fn follows(&self, i: u16) -> bool {
        self.q
            .facts
            .get(usize::from(i))
            .is_some_and(|f| self.followed.contains(&f.id))
    }

    /// The value fact `i`'s default gives now, as if it had no answer of its own (`None`
    /// when it has no default, or the default is unknown or null).
    pub fn default_of(&self, i: u16) -> Option<Value> {
        let f = self.q.facts.get(usize::from(i))?;
        f.default.as_ref()?;
        let pick = |ev: &Evaluation| -> Option<Value> {
            let st = ev.facts.get(usize::from(i))?;
            (st.source == Source::Default)
                .then(|| st.value.known().cloned())
                .flatten()
                .filter(|v| !v.is_null())
        };
        if !self.answers.contains_key(&f.id) {
            return pick(&self.ev);
        }
        let mut without = self.answers.clone();
        without.remove(&f.id);
        pick(&eval::evaluate(&self.q, &without, self.clock.today))
    }

    /// The answers as they stand, defaults included: what a case records at sign-off
    /// (every reached fact that takes its default is written down with the value it gave).
    pub fn answers_with_defaults(&self) -> Answers {
        let mut out = self.answers.clone();
        for (f, st) in self.q.facts.iter().zip(&self.ev.facts) {
            if st.source == Source::Default
                && st.reach == Reach::Reached
                && let Some(v) = st.value.known().filter(|v| !v.is_null())
            {
                out.insert(f.id.clone(), v.clone());
            }
        }
        out
    }

    /// The wizard's default questionnaire (what "new interview" at home uses).
    pub fn default_questionnaire(&self) -> &Questionnaire {
        self.default_q.as_deref().unwrap_or(&self.q)
    }

    /// Work under `q` from now on (a draft's own questionnaire, one chosen at home); the
    /// default is kept for the next new interview. The answers are the caller's to set.
    pub fn use_questionnaire(&mut self, q: Questionnaire) {
        if q.sha256 == self.q.sha256 {
            return;
        }
        let was = std::mem::replace(&mut self.q, q);
        match &self.default_q {
            Some(d) if d.sha256 == self.q.sha256 => self.default_q = None,
            Some(_) => {}
            None => self.default_q = Some(Box::new(was)),
        }
        self.followed.clear();
        self.offered.clear();
        self.at = None;
        self.reevaluate();
    }

    /// Back to the wizard's default questionnaire.
    pub fn use_default(&mut self) {
        if let Some(d) = self.default_q.take() {
            self.q = *d;
            self.followed.clear();
            self.offered.clear();
            self.at = None;
            self.reevaluate();
        }
    }

    /// The answers as saved with the draft: those in use and those set aside (an answer
    /// given since replaces the one set aside for the same fact).
    pub fn draft_answers(&self) -> Answers {
        let mut out = self.aside.clone();
        out.extend(self.answers.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// The answers set aside that no answer given since has replaced, in key order.
    pub fn set_aside(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.aside
            .iter()
            .filter(|(k, _)| !self.answers.contains_key(*k))
    }

    /// Forget everything: a new interview.
    pub fn reset(&mut self) {
        self.answers.clear();
        self.aside.clear();
        self.followed.clear();
        self.draft_id = None;
        self.offered.clear();
        self.at = None;
        self.reevaluate();
    }

    /// Take over a draft loaded from the store.
    pub fn load(&mut self, d: &LoadedDraft) {
        self.answers = d.answers.clone();
        self.aside = d.aside.clone();
        // Only facts that have a default and no answer of their own can follow it.
        self.followed = d
            .followed
            .iter()
            .filter(|id| {
                !self.answers.contains_key(*id)
                    && self.q.fact(id).is_some_and(|f| f.default.is_some())
            })
            .cloned()
            .collect();
        self.draft_id = Some(d.id.clone());
        self.at = None;
        self.reevaluate();
        self.offered = self.blockers();
    }

    /// The draft as it stands.
    pub fn save_effect(&self) -> Effect {
        Effect::SaveDraft {
            id: self.draft_id.clone(),
            answers: self.draft_answers(),
            followed: self.followed.iter().cloned().collect(),
            current: self.at.map(|i| self.q.facts[usize::from(i)].id.clone()),
        }
    }

    /// Record an answer and re-evaluate: every default that reads it is derived again and
    /// every other answer checked again. A validation that fails for this answer (an ID
    /// number's check digit) puts the previous answer back and returns the message; on
    /// success, returns the blockers that fired for the first time.
    pub fn record(&mut self, i: u16, given: Given) -> Result<Vec<usize>, String> {
        let id = self.q.facts[usize::from(i)].id.clone();
        let was_followed = self.followed.contains(&id);
        let before = match given {
            Given::Default => {
                self.followed.insert(id.clone());
                self.answers.remove(&id)
            }
            Given::Value(v) => {
                self.followed.remove(&id);
                self.answers.insert(id.clone(), v)
            }
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
            if was_followed {
                self.followed.insert(id.clone());
            } else {
                self.followed.remove(&id);
            }
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
