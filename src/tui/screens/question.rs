//! One question per screen: the prompt, the input for its type, the error under it, and
//! whether a default or an earlier answer is pre-filled.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use crate::eval::Source;
use crate::eval::flow;
use crate::questionnaire::{Fact, FactKind};
use crate::tui::app::{App, BlockerIdx, Overlay, Screen};
use crate::tui::msg::{Effect, Msg};
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
    pub editor: Editor,
    pub error: Option<String>,
    pub prefill: Prefill,
}

impl QuestionState {
    pub fn new(app: &App, i: u16) -> QuestionState {
        let f = &app.q.facts[usize::from(i)];
        let (value, prefill) = match app.answers.get(&f.id) {
            Some(v) => (Some(v.clone()), Prefill::Answer),
            None => {
                let st = &app.ev.facts[usize::from(i)];
                match (st.source, st.value.known()) {
                    (Source::Default, Some(v)) if !v.is_null() => {
                        (Some(v.clone()), Prefill::Default)
                    }
                    _ => (None, Prefill::None),
                }
            }
        };
        let editor = match f.kind {
            FactKind::Bool => {
                let sel = match value {
                    Some(Value::Bool(false)) => 1,
                    _ => 0,
                };
                Editor::Choice(ChoiceList::new(2, sel))
            }
            FactKind::Enum => {
                let sel = value
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(|s| f.choices.iter().position(|c| c.value == s))
                    .unwrap_or(0);
                Editor::Choice(ChoiceList::new(f.choices.len(), sel))
            }
            FactKind::EnumList => {
                let on: Vec<&str> = match &value {
                    Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                Editor::Multi(MultiSelect::new(
                    f.choices
                        .iter()
                        .map(|c| on.contains(&c.value.as_str()))
                        .collect(),
                ))
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
            editor,
            error: None,
            prefill,
        }
    }

    /// The value the editor holds now, or the message why it is not one.
    pub fn value(&self, f: &Fact) -> Result<Value, crate::text::Text> {
        match &self.editor {
            Editor::Choice(l) if f.kind == FactKind::Bool => Ok(Value::Bool(l.selected == 0)),
            Editor::Choice(l) => f
                .choices
                .get(l.selected)
                .map(|c| Value::str(&c.value))
                .ok_or_else(|| crate::text::Text::new("没有可选项", "no choices")),
            Editor::Multi(m) => Ok(Value::list(
                f.choices
                    .iter()
                    .zip(&m.ticked)
                    .filter(|(_, t)| **t)
                    .map(|(c, _)| Value::str(&c.value))
                    .collect(),
            )),
            Editor::Field(fl) => fl.parse(f),
        }
    }
}

/// The keys shown beside the items of a choice question.
fn choice_key(f: &Fact, i: usize) -> String {
    if f.kind == FactKind::Bool {
        (if i == 0 { "y" } else { "n" }).to_string()
    } else {
        key_label(i)
    }
}

fn key_index(f: &Fact, c: char) -> Option<usize> {
    let n = if f.kind == FactKind::Bool {
        2
    } else {
        f.choices.len()
    };
    (0..n).find(|i| choice_key(f, *i).starts_with(c))
}

impl App {
    pub(crate) fn on_question(&mut self, msg: Msg) -> Vec<Effect> {
        let Some(qs) = self.question.as_mut() else {
            self.screen = Screen::Home;
            return Vec::new();
        };
        let f = &self.q.facts[usize::from(qs.fact)];
        // Keys common to every editor first.
        match &msg {
            Msg::Enter => return self.confirm(),
            Msg::Back | Msg::PageUp => return self.back(),
            Msg::PageDown => return self.forward(),
            Msg::Tab => {
                self.review_sel = 0;
                self.screen = Screen::Review;
                return Vec::new();
            }
            Msg::Outcome => {
                self.to_outcome();
                return Vec::new();
            }
            Msg::Help => {
                self.open_help();
                return Vec::new();
            }
            _ => {}
        }
        match &mut qs.editor {
            Editor::Field(fl) => match msg {
                Msg::Char('?') if fl.input.is_empty() => self.open_help(),
                Msg::Char(c) => {
                    fl.input.insert(c);
                    qs.error = None;
                }
                Msg::Paste(s) => {
                    fl.input.insert_str(&s);
                    qs.error = None;
                }
                Msg::Backspace => fl.input.backspace(),
                Msg::Delete => fl.input.delete(),
                Msg::Left => fl.input.left(),
                Msg::Right => fl.input.right(),
                Msg::Home => fl.input.home(),
                Msg::End => fl.input.end(),
                _ => {}
            },
            Editor::Choice(l) => match msg {
                Msg::Up => l.up(),
                Msg::Down => l.down(),
                Msg::Home => l.first(),
                Msg::End => l.last(),
                Msg::Left => return self.back(),
                Msg::Right => return self.forward(),
                Msg::Char('?') => self.open_help(),
                Msg::Char(c) => {
                    if let Some(i) = key_index(f, c.to_ascii_lowercase()) {
                        l.pick(i);
                        if f.kind == FactKind::Bool && c.is_ascii_alphabetic() {
                            return self.confirm();
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
                Msg::Left => return self.back(),
                Msg::Right => return self.forward(),
                Msg::Char(' ') => m.toggle(),
                Msg::Char('?') => self.open_help(),
                Msg::Char(c) => {
                    if let Some(i) = key_index(f, c.to_ascii_lowercase()) {
                        m.toggle_at(i);
                    }
                }
                _ => {}
            },
        }
        Vec::new()
    }

    /// Enter: take the editor's value as the answer.
    pub(crate) fn confirm(&mut self) -> Vec<Effect> {
        let Some(qs) = self.question.as_mut() else {
            return Vec::new();
        };
        let i = qs.fact;
        let f = &self.q.facts[usize::from(i)];
        match qs.value(f) {
            Ok(v) => self.answer(i, v),
            Err(t) => {
                qs.error = Some(t.get(self.lang).to_string());
                Vec::new()
            }
        }
    }

    /// Record an answer, re-evaluate, save the draft, and move on. A validation that fails
    /// for this answer (an ID number's check digit) puts the previous answer back and
    /// shows the message under the field.
    pub fn answer(&mut self, i: u16, v: Value) -> Vec<Effect> {
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
            if let Some(qs) = self.question.as_mut() {
                qs.error = Some(msg);
            }
            return Vec::new();
        }
        let blockers = self.ev.blockers_idx(&self.q);
        let new: Vec<usize> = blockers.difference(&self.offered).copied().collect();
        self.offered = blockers;
        self.advance(i);
        let fx = vec![self.save_effect()];
        if !new.is_empty() && self.screen == Screen::Question {
            self.overlay = Some(Overlay::Offer(new));
        }
        fx
    }

    /// Where to go after question `from` was answered.
    fn advance(&mut self, from: u16) {
        if self.from_review {
            match flow::first_unanswered(&self.ev, |i| self.answered(i)) {
                Some(u) => self.goto(u),
                None => {
                    self.from_review = false;
                    self.screen = Screen::Review;
                }
            }
            return;
        }
        match flow::next(&self.ev, Some(from)) {
            Some(n) => self.goto(n),
            None => {
                // Every question after this one is settled: the outcome, unless something
                // earlier was skipped past.
                match flow::first_unanswered(&self.ev, |i| self.answered(i)) {
                    Some(u) if u < from => self.goto(u),
                    _ => self.to_outcome(),
                }
            }
        }
    }

    /// Back: the previous askable question; its answer (and this one's) are kept.
    pub(crate) fn back(&mut self) -> Vec<Effect> {
        let Some(qs) = &self.question else {
            return Vec::new();
        };
        if self.from_review {
            self.from_review = false;
            self.screen = Screen::Review;
            return Vec::new();
        }
        match flow::prev(&self.ev, qs.fact) {
            Some(p) => self.goto(p),
            None => self.screen = Screen::Home,
        }
        Vec::new()
    }

    /// Forward without changing anything when an answer is on record; otherwise the same
    /// as Enter.
    pub(crate) fn forward(&mut self) -> Vec<Effect> {
        let Some(qs) = &self.question else {
            return Vec::new();
        };
        let i = qs.fact;
        if self.has_answer(i) {
            self.advance(i);
            Vec::new()
        } else {
            self.confirm()
        }
    }
}

/// Draw the question screen; returns the cursor position for a text field.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let t = &app.theme;
    let s = app.s();
    let Some(qs) = &app.question else {
        return None;
    };
    let f = &app.q.facts[usize::from(qs.fact)];
    let w = usize::from(area.width);
    let mut y = area.y;
    let bottom = area.bottom();
    // Prompt, wrapped; at most half the body so the input always shows.
    let max_prompt = (usize::from(area.height) / 2).max(1);
    for line in wrap::wrap(f.prompt.get(app.lang), w)
        .into_iter()
        .take(max_prompt)
    {
        buf.set_string(area.x, y, line, t.prompt());
        y += 1;
    }
    let marker = match qs.prefill {
        Prefill::Default => Some(s.default_marker),
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
            let items: Vec<(String, String, Option<bool>)> = if f.kind == FactKind::Bool {
                vec![
                    (choice_key(f, 0), s.yes.to_string(), None),
                    (choice_key(f, 1), s.no.to_string(), None),
                ]
            } else {
                f.choices
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (choice_key(f, i), c.label.get(app.lang).to_string(), None))
                    .collect()
            };
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
            let items: Vec<(String, String, Option<bool>)> = f
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        choice_key(f, i),
                        c.label.get(app.lang).to_string(),
                        Some(m.ticked.get(i).copied().unwrap_or(false)),
                    )
                })
                .collect();
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
            Editor::Field(_) => crate::tui::widgets::field::Field::hint(f, app.lang),
            Editor::Multi(_) => s.multi_hint.to_string(),
            Editor::Choice(_) => String::new(),
        };
        if !hint.is_empty() {
            buf.set_line(
                area.x,
                y,
                &Line::from(Span::styled(wrap::truncate(&hint, w), t.hint())),
                area.width,
            );
        }
    }
    cursor
}
