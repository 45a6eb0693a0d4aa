//! The wizard's state and its one `update`. Answers are kept by fact id; the engine's flow
//! says which question comes next and `eval::evaluate` runs after every answer. `update`
//! returns effects (save, sign off, write, quit) for the run loop; it does no I/O, so a
//! test can drive the whole wizard with scripted messages.

use std::cell::Cell;
use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::Date;

use super::msg::{CaseRow, DraftRow, Effect, Msg};
use super::screens::question::QuestionState;
use super::screens::signoff::SignOffState;
use super::theme::Theme;
use super::widgets::choice_list::ChoiceList;
use crate::eval::{self, Evaluation};
use crate::questionnaire::{Questionnaire, flow};
use crate::text::Lang;
use crate::value::Answers;

/// The clock, injected: `today` is fixed when the wizard starts (the interview date
/// default), `now` is refreshed by the run loop before each message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub today: Date,
    pub now: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Home,
    Drafts,
    Cases,
    CaseView,
    Question,
    Review,
    Outcome,
    SignOff,
    Signed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help(Scroll),
    /// A blocker fired: offer to see the outcome now. Holds the new blockers' rule indices.
    Offer(Vec<usize>),
}

/// A scroll position; the renderer records how far it can go (unknown until the first
/// frame, when the renderer clamps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scroll {
    pub pos: u16,
    pub max: Cell<u16>,
}

impl Default for Scroll {
    fn default() -> Self {
        Scroll {
            pos: 0,
            max: Cell::new(u16::MAX),
        }
    }
}

impl Scroll {
    pub fn by(&mut self, d: i32) {
        let max = i32::from(self.max.get());
        self.pos = (i32::from(self.pos) + d).clamp(0, max.max(0)) as u16;
    }
    pub fn on(&mut self, msg: &Msg, page: i32) -> bool {
        match msg {
            Msg::Up => self.by(-1),
            Msg::Down => self.by(1),
            Msg::PageUp => self.by(-page),
            Msg::PageDown | Msg::Char(' ') => self.by(page),
            Msg::Home => self.pos = 0,
            Msg::End if self.max.get() == u16::MAX => {}
            Msg::End => self.pos = self.max.get(),
            _ => return false,
        }
        true
    }
    /// The position to draw at, given how many lines there are and how many fit.
    pub fn visible(&self, lines: usize, height: usize) -> usize {
        let max = lines.saturating_sub(height);
        self.max.set(u16::try_from(max).unwrap_or(u16::MAX));
        usize::from(self.pos).min(max)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub q: Questionnaire,
    pub lang: Lang,
    pub theme: Theme,
    pub clock: Clock,
    pub answers: Answers,
    pub ev: Evaluation,
    pub draft_id: Option<String>,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    pub home: ChoiceList,
    pub drafts: Option<Vec<DraftRow>>,
    pub drafts_sel: ChoiceList,
    pub discard_armed: bool,
    pub cases: Option<Vec<CaseRow>>,
    pub cases_sel: ChoiceList,
    pub case_view: Option<(String, String)>,
    pub case_scroll: Scroll,
    pub question: Option<QuestionState>,
    pub review_sel: usize,
    pub outcome_scroll: Scroll,
    pub signoff: SignOffState,
    pub signed: Option<String>,
    /// The last printable file written.
    pub written: Option<String>,
    /// Blockers already offered, so the offer comes once per new blocker.
    pub offered: BTreeSet<usize>,
    /// Editing from the review screen: return there when nothing else is unanswered.
    pub from_review: bool,
    pub quit: bool,
}

pub const HOME_ITEMS: usize = 4;

impl App {
    pub fn new(q: Questionnaire, lang: Lang, theme: Theme, clock: Clock) -> App {
        let answers = Answers::new();
        let ev = eval::evaluate(&q, &answers, clock.today);
        App {
            q,
            lang,
            theme,
            clock,
            answers,
            ev,
            draft_id: None,
            screen: Screen::Home,
            overlay: None,
            notice: None,
            home: ChoiceList::new(HOME_ITEMS, 0),
            drafts: None,
            drafts_sel: ChoiceList::default(),
            discard_armed: false,
            cases: None,
            cases_sel: ChoiceList::default(),
            case_view: None,
            case_scroll: Scroll::default(),
            question: None,
            review_sel: 0,
            outcome_scroll: Scroll::default(),
            signoff: SignOffState::default(),
            signed: None,
            written: None,
            offered: BTreeSet::new(),
            from_review: false,
            quit: false,
        }
    }

    /// Handle one message; return what the run loop should do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        if let Some(effects) = self.on_result(&msg) {
            return effects;
        }
        if msg == Msg::Resize {
            return Vec::new();
        }
        // A notice lasts until the next key.
        self.notice = None;
        if msg == Msg::Quit {
            return self.quit_effects();
        }
        if let Some(ov) = self.overlay.take() {
            return self.on_overlay(ov, msg);
        }
        match self.screen {
            Screen::Home => self.on_home(msg),
            Screen::Drafts => self.on_drafts(msg),
            Screen::Cases => self.on_cases(msg),
            Screen::CaseView => self.on_case_view(msg),
            Screen::Question => self.on_question(msg),
            Screen::Review => self.on_review(msg),
            Screen::Outcome => self.on_outcome(msg),
            Screen::SignOff => self.on_signoff(msg),
            Screen::Signed => self.on_signed(msg),
        }
    }

    fn on_result(&mut self, msg: &Msg) -> Option<Vec<Effect>> {
        match msg {
            Msg::DraftSaved(id) => self.draft_id = Some(id.clone()),
            Msg::Drafts(rows) => {
                self.drafts_sel = ChoiceList::new(rows.len(), 0);
                self.drafts = Some(rows.clone());
            }
            Msg::DraftLoaded(d) => return Some(self.resume(d)),
            Msg::Cases(rows) => {
                self.cases_sel = ChoiceList::new(rows.len(), 0);
                self.cases = Some(rows.clone());
            }
            Msg::CaseLoaded { number, text } => {
                self.case_view = Some((number.clone(), text.clone()));
                self.case_scroll = Scroll::default();
                self.screen = Screen::CaseView;
            }
            Msg::SignedOff(number) => {
                self.signed = Some(number.clone());
                self.written = None;
                self.draft_id = None;
                self.question = None;
                self.screen = Screen::Signed;
            }
            Msg::Written(path) => {
                self.written = Some(path.clone());
                self.notice = Some(Notice {
                    text: format!("{}{}{path}", self.s().saved_to, self.s().colon),
                    error: false,
                })
            }
            Msg::Failed(e) => {
                self.notice = Some(Notice {
                    text: format!("{}{}{e}", self.s().error, self.s().colon),
                    error: true,
                })
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    pub fn s(&self) -> &'static super::strings::Strings {
        super::strings::strings(self.lang)
    }

    /// True while an interview is open (there is something to save).
    pub fn in_interview(&self) -> bool {
        matches!(
            self.screen,
            Screen::Question | Screen::Review | Screen::Outcome | Screen::SignOff
        )
    }

    fn quit_effects(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.in_interview() && !self.answers.is_empty() {
            fx.push(self.save_effect());
        }
        self.quit = true;
        fx.push(Effect::Quit);
        fx
    }

    /// The draft as it stands.
    pub fn save_effect(&self) -> Effect {
        Effect::SaveDraft {
            id: self.draft_id.clone(),
            answers: self.answers.clone(),
            current: self
                .question
                .as_ref()
                .map(|qs| self.q.facts[usize::from(qs.fact)].id.clone()),
        }
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

    /// Start a new interview.
    pub fn start(&mut self) -> Vec<Effect> {
        self.answers.clear();
        self.draft_id = None;
        self.offered.clear();
        self.signed = None;
        self.signoff = SignOffState::default();
        self.outcome_scroll = Scroll::default();
        self.from_review = false;
        self.reevaluate();
        match flow::next(&self.ev, None) {
            Some(i) => self.goto(i),
            None => {
                self.notice = Some(Notice {
                    text: self.s().no_question.to_string(),
                    error: true,
                });
            }
        }
        Vec::new()
    }

    fn resume(&mut self, d: &super::msg::LoadedDraft) -> Vec<Effect> {
        self.answers = d.answers.clone();
        self.draft_id = Some(d.id.clone());
        self.signed = None;
        self.signoff = SignOffState::default();
        self.outcome_scroll = Scroll::default();
        self.from_review = false;
        self.reevaluate();
        self.offered = self.ev.blockers_idx(&self.q);
        if d.questionnaire_changed {
            self.notice = Some(Notice {
                text: self.s().draft_changed.to_string(),
                error: true,
            });
        }
        if !d.renamed.is_empty() {
            self.notice = Some(Notice {
                text: format!(
                    "{}{}{}",
                    self.s().draft_renamed,
                    self.s().colon,
                    d.renamed.join(", ")
                ),
                error: true,
            });
        }
        if !d.dropped.is_empty() {
            self.notice = Some(Notice {
                text: format!(
                    "{}{}{}",
                    self.s().draft_dropped,
                    self.s().colon,
                    d.dropped.join(", ")
                ),
                error: true,
            });
        }
        let current = d
            .current
            .as_deref()
            .and_then(|id| self.q.fact_index(id))
            .filter(|i| flow::askable(&self.ev, *i));
        let target = flow::first_unanswered(&self.ev, |i| self.answered(i)).or(current);
        match target {
            Some(i) => self.goto(i),
            None => self.screen = Screen::Review,
        }
        Vec::new()
    }

    /// Show question `i`, its editor filled with the answer on record or the default.
    pub fn goto(&mut self, i: u16) {
        self.question = Some(QuestionState::new(self, i));
        self.screen = Screen::Question;
    }

    fn on_overlay(&mut self, ov: Overlay, msg: Msg) -> Vec<Effect> {
        match ov {
            Overlay::Help(mut scroll) => {
                if !matches!(
                    msg,
                    Msg::Back | Msg::Help | Msg::Enter | Msg::Char('q' | '?')
                ) {
                    scroll.on(&msg, 10);
                    self.overlay = Some(Overlay::Help(scroll));
                }
            }
            Overlay::Offer(rules) => match msg {
                Msg::Enter | Msg::Outcome | Msg::Char('o' | 'y') => self.to_outcome(),
                Msg::Back | Msg::Char('n' | 'c') => {}
                _ => self.overlay = Some(Overlay::Offer(rules)),
            },
        }
        Vec::new()
    }

    pub fn to_outcome(&mut self) {
        self.outcome_scroll = Scroll::default();
        self.screen = Screen::Outcome;
    }

    pub fn open_help(&mut self) {
        self.overlay = Some(Overlay::Help(Scroll::default()));
    }

    /// The applicant's name once the interview has it.
    pub fn applicant_name(&self) -> Option<&str> {
        let i = self.q.meta.applicant_name?;
        let f = self.q.facts.get(usize::from(i))?;
        self.answers.get(&f.id)?.as_str().filter(|s| !s.is_empty())
    }
}

/// Rule indices of the blockers that fired.
pub trait BlockerIdx {
    fn blockers_idx(&self, q: &Questionnaire) -> BTreeSet<usize>;
}

impl BlockerIdx for Evaluation {
    fn blockers_idx(&self, q: &Questionnaire) -> BTreeSet<usize> {
        q.rules
            .iter()
            .zip(&self.rules)
            .enumerate()
            .filter(|(_, (r, o))| {
                r.kind == crate::questionnaire::RuleKind::Blocker && o.fired == Some(true)
            })
            .map(|(i, _)| i)
            .collect()
    }
}
