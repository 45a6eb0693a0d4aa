//! One question per screen: the prompt, the input for its type, the error under it, and
//! whether a default or an earlier answer is pre-filled. Also where an interview starts
//! and where a resumed draft picks up.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::home::Home;
use super::outcome::Outcome;
use super::review::Review;
use super::{Notice, Screen, Step};
use crate::eval::flow;
use crate::questionnaire::{Fact, FactKind};
use crate::text::Lang;
use crate::tui::interview::{Given, Interview};
use crate::tui::msg::{LoadedDraft, Msg};
use crate::tui::strings::{self, Strings};
use crate::tui::theme::Theme;
use crate::tui::widgets::choice_list::{ChoiceList, key_label};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::multi_select::MultiSelect;
use crate::tui::wrap;
use crate::value::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Editor {
    /// Enums, and yes/no (item 0 = yes).
    Choice(ChoiceList),
    Multi(MultiSelect),
    Field(Field),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefill {
    None,
    Answer,
    Default,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionState {
    pub fact: u16,
    /// A yes/no question (y and n answer it).
    pub yes_no: bool,
    pub editor: Editor,
    pub error: Option<String>,
    pub prefill: Prefill,
    /// The value the question's default gives now (confirming it unchanged makes the
    /// fact follow its default instead of fixing the value).
    pub default: Option<Value>,
    /// Blockers that fired with the previous answer (rule indices): announced in a banner
    /// under the question that takes no keys, so answers typed ahead land where they were
    /// meant to.
    pub blockers: Vec<usize>,
    /// An interview date far from today that the clerk was asked to confirm: Enter with
    /// the same date again records it.
    pub confirm_far: Option<jiff::civil::Date>,
    /// Editing from the review screen: the fact whose row was chosen there. The review
    /// comes back with that row selected once nothing else is unanswered.
    pub from_review: Option<u16>,
}

/// Start a new interview at its first question.
pub fn start(iv: &mut Interview) -> Step {
    iv.reset();
    match flow::next(&iv.ev, None) {
        Some(i) => goto(iv, i, None),
        None => Step::notice(Notice::error(iv.s().no_question)),
    }
}

/// Continue a draft loaded from the store: at the first question without an answer, else
/// where the clerk was, else on the review.
pub fn resume(iv: &mut Interview, d: &LoadedDraft) -> Step {
    // under its own questionnaire (the newest of its id), never the one in use by chance
    let mut notice = None;
    if let Some(u) = &d.under {
        let m = &u.0.meta;
        if m.id != iv.q.meta.id {
            let (title, id, version) = (m.title.get(iv.lang), &m.id, &m.version);
            // said as a warning: the questions are not the default's
            notice = Some(Notice::error(strings::draft_under(
                iv.lang, title, id, version,
            )));
        }
        iv.use_questionnaire((*u.0).clone());
    }
    iv.load(d);
    let s = iv.s();
    if d.questionnaire_changed {
        notice = Some(Notice::error(s.draft_changed));
    }
    if !d.renamed.is_empty() {
        notice = Some(Notice::error(format!(
            "{}{}{}",
            s.draft_renamed,
            s.colon,
            d.renamed.join(", ")
        )));
    }
    if !d.aside.is_empty() {
        let ids: Vec<&str> = d.aside.keys().map(String::as_str).collect();
        notice = Some(Notice::error(format!(
            "{}{}{}",
            s.draft_aside,
            s.colon,
            ids.join(", ")
        )));
    }
    let current = d
        .current
        .as_deref()
        .and_then(|id| iv.q.fact_index(id))
        .filter(|i| flow::askable(&iv.ev, *i));
    let target = flow::first_unanswered(&iv.ev, |i| iv.answered(i)).or(current);
    let step = match target {
        Some(i) => goto(iv, i, None),
        None => Step::go(Screen::Review(Review::new(0, None))),
    };
    step.and_notice(notice)
}

/// Show question `i`, its editor filled with the answer on record or the default.
pub fn goto(iv: &mut Interview, i: u16, from_review: Option<u16>) -> Step {
    iv.at = Some(i);
    let mut qs = QuestionState::new(iv, i);
    qs.from_review = from_review;
    Step::go(Screen::Question(qs))
}

/// Return to a question left for the review or the outcome, as it was left.
pub fn back_to(iv: &mut Interview, q: QuestionState) -> Step {
    iv.at = Some(q.fact);
    Step::go(Screen::Question(q))
}

impl QuestionState {
    pub fn new(iv: &Interview, i: u16) -> QuestionState {
        let f = &iv.q.facts[usize::from(i)];
        let default = iv.default_of(i);
        let (value, prefill) = match (iv.answers.get(&f.id), &default) {
            (Some(v), _) => (Some(v.clone()), Prefill::Answer),
            (None, Some(d)) => (Some(d.clone()), Prefill::Default),
            (None, None) => (None, Prefill::None),
        };
        // Nothing is selected unless an answer (or a default) is on record: Enter alone
        // answers nothing.
        let not_given = not_given_index(f);
        let editor = match f.kind {
            FactKind::Bool | FactKind::Enum => {
                let sel = match &value {
                    Some(Value::Null) => not_given,
                    Some(Value::Bool(b)) if f.kind == FactKind::Bool => Some(usize::from(!*b)),
                    Some(v) => v
                        .as_str()
                        .and_then(|s| f.choices.iter().position(|c| c.value == s)),
                    None => None,
                };
                Editor::Choice(ChoiceList {
                    selected: sel,
                    len: item_count(f),
                })
            }
            FactKind::EnumList => {
                let on: Vec<&str> = match &value {
                    Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                let mut ticked: Vec<bool> = f
                    .choices
                    .iter()
                    .map(|c| on.contains(&c.value.as_str()))
                    .collect();
                if not_given.is_some() {
                    ticked.push(value == Some(Value::Null));
                }
                let mut m = MultiSelect::new(ticked);
                m.exclusive = not_given;
                Editor::Multi(m)
            }
            FactKind::Integer | FactKind::Date | FactKind::Text => {
                let s = match &value {
                    Some(Value::Null) | None => String::new(),
                    Some(v) => v.to_string(),
                };
                Editor::Field(Field::new(&s))
            }
        };
        QuestionState {
            fact: i,
            yes_no: f.kind == FactKind::Bool,
            editor,
            error: None,
            prefill,
            default,
            blockers: Vec::new(),
            confirm_far: None,
            from_review: None,
        }
    }

    /// The value the editor holds now, or the message why it is not one (in `lang`).
    pub fn value(&self, f: &Fact, lang: Lang) -> Result<Value, String> {
        let not_given = not_given_index(f);
        match &self.editor {
            Editor::Choice(l) => match l.selected {
                None => Err(strings::choose_first(
                    lang,
                    f.kind == FactKind::Bool,
                    f.optional,
                )),
                Some(i) if Some(i) == not_given => Ok(Value::Null),
                Some(i) if f.kind == FactKind::Bool => Ok(Value::Bool(i == 0)),
                Some(i) => f
                    .choices
                    .get(i)
                    .map(|c| Value::str(&c.value))
                    .ok_or_else(|| strings::choose_first(lang, false, f.optional)),
            },
            Editor::Multi(m) if not_given.is_some_and(|i| m.ticked.get(i) == Some(&true)) => {
                Ok(Value::Null)
            }
            Editor::Multi(m) => Ok(Value::list(
                f.choices
                    .iter()
                    .zip(&m.ticked)
                    .filter(|(_, t)| **t)
                    .map(|(c, _)| Value::str(&c.value))
                    .collect(),
            )),
            Editor::Field(fl) => fl.parse(f).map_err(|t| t.get(lang).to_string()),
        }
    }

    pub fn footer(&self, s: &'static Strings) -> &'static str {
        match &self.editor {
            Editor::Field(_) => s.foot_question_text,
            Editor::Multi(_) => s.foot_question_multi,
            Editor::Choice(_) if self.yes_no => s.foot_question_bool,
            Editor::Choice(_) => s.foot_question_choice,
        }
    }

    /// This question, to come back to from the review or the outcome.
    fn stash(&self) -> Option<Box<QuestionState>> {
        Some(Box::new(self.clone()))
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        let f = &iv.q.facts[usize::from(self.fact)];
        // Keys common to every editor first.
        match &msg {
            Msg::Enter => return self.confirm(iv),
            Msg::Back | Msg::PageUp => return self.back(iv),
            Msg::PageDown => return self.forward(iv),
            // The review opens on this question's row: Enter there comes straight back.
            Msg::Tab => return Step::go(Screen::Review(Review::at(iv, self.fact, self.stash()))),
            Msg::Outcome => return Step::go(Screen::Outcome(Outcome::new(self.stash()))),
            Msg::Help => return Step::help(),
            _ => {}
        }
        match &mut self.editor {
            Editor::Field(fl) => match msg {
                Msg::Char('?' | '？') if fl.input.is_empty() => return Step::help(),
                Msg::Char(_) | Msg::Paste(_) => {
                    fl.input.edit(&msg);
                    self.error = None;
                }
                m => {
                    fl.input.edit(&m);
                }
            },
            Editor::Choice(l) => match msg {
                Msg::Up => l.up(),
                Msg::Down => l.down(),
                Msg::Home => l.first(),
                Msg::End => l.last(),
                Msg::Left => return self.back(iv),
                Msg::Right => return self.forward(iv),
                Msg::Char('?') => return Step::help(),
                Msg::Char(c) => {
                    if let Some(i) = key_index(f, c.to_ascii_lowercase()) {
                        l.pick(i);
                        if f.kind == FactKind::Bool && c.is_ascii_alphabetic() {
                            return self.confirm(iv);
                        }
                    }
                }
                _ => {}
            },
            Editor::Multi(m) => match msg {
                Msg::Up => m.list.up(),
                Msg::Down => m.list.down(),
                Msg::Home => m.list.first(),
                Msg::End => m.list.last(),
                Msg::Left => return self.back(iv),
                Msg::Right => return self.forward(iv),
                Msg::Char(' ') => m.toggle(),
                Msg::Char('?') => return Step::help(),
                // The key beside an item selects it, as in every list; Space ticks.
                Msg::Char(c) => {
                    if let Some(i) = key_index(f, c.to_ascii_lowercase()) {
                        m.list.pick(i);
                    }
                }
                _ => {}
            },
        }
        Step::stay()
    }

    /// Enter: take the editor's value as the answer.
    fn confirm(&mut self, iv: &mut Interview) -> Step {
        let i = self.fact;
        let f = &iv.q.facts[usize::from(i)];
        match self.value(f, iv.lang) {
            // the default as shown: the fact keeps following it
            Ok(v) if self.default.as_ref() == Some(&v) => self.answer(iv, Given::Default),
            // An interview date far from today changes the verdict (years since, age,
            // the application window): a mistyped year must not slip through.
            Ok(Value::Date(d))
                if iv.q.fact_index("interview_date") == Some(i)
                    && self.confirm_far != Some(d)
                    && far_from(d, iv.clock.today) =>
            {
                self.confirm_far = Some(d);
                let days = (d - iv.clock.today).get_days();
                self.error = Some(strings::far_interview_date(iv.lang, d, days));
                Step::stay()
            }
            Ok(v) => self.answer(iv, Given::Value(v)),
            Err(e) => {
                self.error = Some(e);
                Step::stay()
            }
        }
    }

    /// Record the answer, save the draft, and move on; a failed validation stays here with
    /// its message under the field. A blocker that fires for the first time is offered.
    fn answer(&mut self, iv: &mut Interview, given: Given) -> Step {
        let i = self.fact;
        match iv.record(i, given) {
            Err(msg) => {
                self.error = Some(msg);
                Step::stay()
            }
            Ok(new) => {
                let mut step = self.advance(iv, i);
                step.effects.insert(0, iv.save_effect());
                if let Some(Screen::Question(next)) = &mut step.next {
                    next.blockers = new;
                }
                step
            }
        }
    }

    /// Where to go after question `from` was answered.
    fn advance(&mut self, iv: &mut Interview, from: u16) -> Step {
        if let Some(row) = self.from_review {
            return match flow::first_unanswered(&iv.ev, |i| iv.answered(i)) {
                Some(u) => goto(iv, u, Some(row)),
                None => {
                    self.from_review = None;
                    Step::go(Screen::Review(Review::at(iv, row, self.stash())))
                }
            };
        }
        match flow::next(&iv.ev, Some(from)) {
            Some(n) => goto(iv, n, None),
            // Every question after this one is settled: the outcome, unless something
            // earlier was skipped past.
            None => match flow::first_unanswered(&iv.ev, |i| iv.answered(i)) {
                Some(u) if u < from => goto(iv, u, None),
                _ => Step::go(Screen::Outcome(Outcome::new(self.stash()))),
            },
        }
    }

    /// Back: the previous askable question; its answer (and this one's) are kept.
    fn back(&mut self, iv: &mut Interview) -> Step {
        if let Some(row) = self.from_review.take() {
            return Step::go(Screen::Review(Review::at(iv, row, self.stash())));
        }
        match flow::prev(&iv.ev, self.fact) {
            Some(p) => goto(iv, p, None),
            None => Step::go(Screen::Home(Home::default())),
        }
    }

    /// Forward: the next question, recording nothing (what is on record stays as it is;
    /// an unanswered question stays unanswered, and the flow comes back to it).
    fn forward(&mut self, iv: &mut Interview) -> Step {
        let i = self.fact;
        if iv.has_answer(i) {
            return self.advance(iv, i);
        }
        if self.from_review.is_some() {
            return self.back(iv);
        }
        match flow::next(&iv.ev, Some(i)) {
            Some(n) => goto(iv, n, None),
            None => Step::go(Screen::Outcome(Outcome::new(self.stash()))),
        }
    }
}

/// More days than this between the interview date given and today asks to confirm.
pub const FAR_DAYS: i32 = 30;

fn far_from(d: jiff::civil::Date, today: jiff::civil::Date) -> bool {
    (d - today).get_days().abs() > FAR_DAYS
}

/// How many answers a choice question offers before "not given": 是/否, or its choices.
fn base_count(f: &Fact) -> usize {
    if f.kind == FactKind::Bool {
        2
    } else {
        f.choices.len()
    }
}

/// The list item that records "not known / not given" (optional questions only; last).
fn not_given_index(f: &Fact) -> Option<usize> {
    f.optional.then(|| base_count(f))
}

fn item_count(f: &Fact) -> usize {
    base_count(f) + usize::from(f.optional)
}

const NOT_GIVEN_KEY: char = '0';

/// The keys shown beside the items of a choice question: y/n for yes/no, 1-9 (then
/// letters) for choices, 0 for "not given".
fn choice_key(f: &Fact, i: usize) -> String {
    if Some(i) == not_given_index(f) {
        NOT_GIVEN_KEY.to_string()
    } else if f.kind == FactKind::Bool {
        (if i == 0 { "y" } else { "n" }).to_string()
    } else {
        key_label(i)
    }
}

fn key_index(f: &Fact, c: char) -> Option<usize> {
    (0..item_count(f)).find(|i| choice_key(f, *i).starts_with(c))
}

/// The items a choice or multi-choice question draws: key, label, tick.
fn items(f: &Fact, lang: Lang, ticks: Option<&[bool]>) -> Vec<(String, String, Option<bool>)> {
    let s = strings::strings(lang);
    (0..item_count(f))
        .map(|i| {
            let label = if Some(i) == not_given_index(f) {
                s.not_given.to_string()
            } else if f.kind == FactKind::Bool {
                (if i == 0 { s.yes } else { s.no }).to_string()
            } else {
                f.choices[i].label.get(lang).to_string()
            };
            let tick = ticks.map(|t| t.get(i).copied().unwrap_or(false));
            (choice_key(f, i), label, tick)
        })
        .collect()
}

impl QuestionState {
    /// Draw the question screen; returns the cursor position for a text field.
    pub fn render(
        &self,
        iv: &Interview,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) -> Option<Position> {
        let s = iv.s();
        let qs = self;
        let f = &iv.q.facts[usize::from(qs.fact)];
        let area = self.render_banner(iv, t, area, buf);
        let w = usize::from(area.width);
        let mut y = area.y;
        let bottom = area.bottom();
        // Prompt, wrapped; at most half the body so the input always shows.
        let max_prompt = (usize::from(area.height) / 2).max(1);
        for line in wrap::wrap(f.prompt.get(iv.lang), w)
            .into_iter()
            .take(max_prompt)
        {
            buf.set_string(area.x, y, line, t.prompt());
            y += 1;
        }
        let marker = match qs.prefill {
            Prefill::Default => Some(s.default_marker),
            Prefill::Answer if iv.answers.get(&f.id).is_some_and(Value::is_null) => {
                Some(s.not_given_marker)
            }
            Prefill::Answer => Some(s.answered_marker),
            Prefill::None => None,
        };
        if let (Some(m), true) = (marker, y < bottom) {
            buf.set_string(area.x, y, wrap::truncate(m, w), t.marker());
            y += 1;
        }
        y = (y + 1).min(bottom);
        // Rows kept under the input for the error and the hint.
        let reserve: u16 = 2;
        let input_area = Rect::new(
            area.x,
            y,
            area.width,
            bottom.saturating_sub(y + reserve).max(1),
        )
        .intersection(area);
        let mut cursor = None;
        let used = match &qs.editor {
            Editor::Choice(l) => {
                let items = items(f, iv.lang, None);
                let h = input_area
                    .height
                    .min(ChoiceList::height(&items, usize::from(input_area.width)) as u16);
                l.render(
                    &items,
                    Rect {
                        height: h,
                        ..input_area
                    },
                    buf,
                    t,
                );
                h
            }
            Editor::Multi(m) => {
                let items = items(f, iv.lang, Some(&m.ticked));
                let h = input_area
                    .height
                    .min(ChoiceList::height(&items, usize::from(input_area.width)) as u16);
                m.list.render(
                    &items,
                    Rect {
                        height: h,
                        ..input_area
                    },
                    buf,
                    t,
                );
                h
            }
            Editor::Field(fl) => {
                let h = input_area.height.min(3);
                let fw = input_area.width.min(50);
                cursor = fl.render(
                    Rect {
                        height: h,
                        width: fw,
                        ..input_area
                    },
                    buf,
                    t,
                );
                h
            }
        };
        y = (input_area.y + used).min(bottom);
        if let Some(e) = &qs.error {
            for line in wrap::wrap(&format!("! {e}"), w).into_iter().take(2) {
                if y >= bottom {
                    break;
                }
                buf.set_string(area.x, y, line, t.error());
                y += 1;
            }
        }
        if y < bottom {
            let hint = match &qs.editor {
                Editor::Field(_) => crate::tui::widgets::field::Field::hint(
                    f,
                    iv.q.meta.applicant_id == Some(qs.fact),
                    iv.lang,
                ),
                Editor::Multi(_) => s.multi_hint.to_string(),
                Editor::Choice(_) => String::new(),
            };
            // wrapped onto the rows left (two at most), so a long hint is not cut
            for line in wrap::wrap(&hint, w).into_iter().take(2) {
                if y >= bottom {
                    break;
                }
                buf.set_line(
                    area.x,
                    y,
                    &Line::from(Span::styled(line, t.hint())),
                    area.width,
                );
                y += 1;
            }
        }
        cursor
    }

    /// The blockers that fired, in a box at the bottom of `area`; returns what is left
    /// above it for the question.
    fn render_banner(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) -> Rect {
        if self.blockers.is_empty() || area.height < 8 || area.width < 12 {
            return area;
        }
        let s = iv.s();
        let inner_w = usize::from(area.width.saturating_sub(4));
        let mut lines: Vec<(String, Style)> = Vec::new();
        for &ri in &self.blockers {
            if let Some(r) = iv.q.rules.get(ri) {
                for l in wrap::wrap(&format!("- {} {}", r.cite, r.message.get(iv.lang)), inner_w) {
                    lines.push((l, t.error()));
                }
            }
        }
        lines.push((wrap::truncate(s.offer_keys, inner_w), t.title()));
        // At most a third of the body, so the question and its input stay in view.
        let height = (lines.len() as u16 + 2).min(area.height / 3).max(3);
        let banner = Rect {
            y: area.bottom() - height,
            height,
            ..area
        };
        Clear.render(banner, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_set(t.border())
            .title(format!(" {} ", s.offer_title));
        let inner = block.inner(banner);
        block.render(banner, buf);
        let shown = usize::from(inner.height);
        // the keys line always shows; rule lines give way when there is no room
        let keys = lines.pop();
        let mut rows: Vec<(String, Style)> =
            lines.into_iter().take(shown.saturating_sub(1)).collect();
        rows.extend(keys);
        for (row, (l, style)) in rows.iter().enumerate() {
            buf.set_string(inner.x + 1, inner.y + row as u16, l, *style);
        }
        Rect {
            height: area.height - height,
            ..area
        }
    }
}
