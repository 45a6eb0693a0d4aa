//! One file per screen. Each screen owns its state type, with
//! `update(&mut self, msg, &mut Interview) -> Step` (what to do and where to go next; no
//! I/O) and `render(&self, &Interview, &Theme, area, buf)`, which draws from a borrow.
//! Screens never set each other's fields: a screen moves on by building the next screen's
//! state through that screen's constructor. Adding a screen is one file, one variant here
//! and its strings.

pub mod cases;
pub mod choose;
pub mod drafts;
pub mod help;
pub mod home;
pub mod outcome;
pub mod question;
pub mod review;
pub mod signoff;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::interview::Interview;
use super::msg::{Effect, Msg};
use super::strings::Strings;
use super::theme::Theme;
use super::widgets::choice_list::ChoiceList;
use super::widgets::scroll::Scroll;
use super::wrap;

/// The screen on display, with its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Home(home::Home),
    Drafts(drafts::Drafts),
    Cases(cases::Cases),
    CaseView(cases::CaseView),
    Question(question::QuestionState),
    Review(review::Review),
    Outcome(outcome::Outcome),
    SignOff(signoff::SignOffState),
    Signed(signoff::Signed),
    Choose(choose::Choose),
}

/// Which screen, without its state (for tests, the footer and the header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Home,
    Drafts,
    Cases,
    CaseView,
    Question,
    Review,
    Outcome,
    SignOff,
    Signed,
    Choose,
}

/// Drawn over the current screen, taking the keys until closed: only what the clerk opened
/// (help). Nothing the wizard shows by itself is modal: a notice never takes a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help(Scroll),
}

/// A one-line message in the status line; it lasts until the next key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

impl Notice {
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            error: true,
        }
    }
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            error: false,
        }
    }
}

/// What a screen's `update` asks for: effects for the run loop, the next screen (none:
/// stay), a notice, an overlay, or the end of the program.
#[derive(Debug, Default)]
pub struct Step {
    pub effects: Vec<Effect>,
    pub next: Option<Screen>,
    pub notice: Option<Notice>,
    pub overlay: Option<Overlay>,
    pub quit: bool,
}

impl Step {
    /// Nothing to do; stay.
    pub fn stay() -> Step {
        Step::default()
    }
    pub fn go(next: Screen) -> Step {
        Step {
            next: Some(next),
            ..Step::default()
        }
    }
    pub fn effect(fx: Effect) -> Step {
        Step {
            effects: vec![fx],
            ..Step::default()
        }
    }
    pub fn notice(n: Notice) -> Step {
        Step {
            notice: Some(n),
            ..Step::default()
        }
    }
    pub fn help() -> Step {
        Step {
            overlay: Some(Overlay::Help(Scroll::default())),
            ..Step::default()
        }
    }
    pub fn quit() -> Step {
        Step {
            effects: vec![Effect::Quit],
            quit: true,
            ..Step::default()
        }
    }
    pub fn with(mut self, fx: Effect) -> Step {
        self.effects.push(fx);
        self
    }
    pub fn and_notice(mut self, n: Option<Notice>) -> Step {
        if n.is_some() {
            self.notice = n;
        }
        self
    }
}

impl Screen {
    pub fn kind(&self) -> Kind {
        match self {
            Screen::Home(_) => Kind::Home,
            Screen::Drafts(_) => Kind::Drafts,
            Screen::Cases(_) => Kind::Cases,
            Screen::CaseView(_) => Kind::CaseView,
            Screen::Question(_) => Kind::Question,
            Screen::Review(_) => Kind::Review,
            Screen::Outcome(_) => Kind::Outcome,
            Screen::SignOff(_) => Kind::SignOff,
            Screen::Signed(_) => Kind::Signed,
            Screen::Choose(_) => Kind::Choose,
        }
    }

    /// True while an interview is open (there is something to save).
    pub fn in_interview(&self) -> bool {
        matches!(
            self.kind(),
            Kind::Question | Kind::Review | Kind::Outcome | Kind::SignOff
        )
    }

    /// A text field has the keys: every character typed is text.
    pub fn text_focused(&self) -> bool {
        match self {
            Screen::Question(q) => matches!(q.editor, question::Editor::Field(_)),
            Screen::SignOff(s) => s.focus <= signoff::ID,
            _ => false,
        }
    }

    pub fn question(&self) -> Option<&question::QuestionState> {
        match self {
            Screen::Question(q) => Some(q),
            _ => None,
        }
    }

    /// Hand a message to the screen on display.
    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        match self {
            Screen::Home(s) => s.update(msg, iv),
            Screen::Drafts(s) => s.update(msg, iv),
            Screen::Cases(s) => s.update(msg, iv),
            Screen::CaseView(s) => s.update(msg, iv),
            Screen::Question(s) => s.update(msg, iv),
            Screen::Review(s) => s.update(msg, iv),
            Screen::Outcome(s) => s.update(msg, iv),
            Screen::SignOff(s) => s.update(msg, iv),
            Screen::Signed(s) => s.update(msg, iv),
            Screen::Choose(s) => s.update(msg, iv),
        }
    }

    /// Draw the screen's body; returns where the terminal cursor goes (a text field).
    pub fn render(
        &self,
        iv: &Interview,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) -> Option<Position> {
        match self {
            Screen::Home(s) => s.render(iv, t, area, buf),
            Screen::Drafts(s) => s.render(iv, t, area, buf),
            Screen::Cases(s) => s.render(iv, t, area, buf),
            Screen::CaseView(s) => s.render(iv, t, area, buf),
            Screen::Question(s) => return s.render(iv, t, area, buf),
            Screen::Review(s) => s.render(iv, t, area, buf),
            Screen::Outcome(s) => s.render(iv, t, area, buf),
            Screen::SignOff(s) => return s.render(iv, t, area, buf),
            Screen::Signed(s) => s.render(iv, t, area, buf),
            Screen::Choose(s) => s.render(iv, t, area, buf),
        }
        None
    }

    /// The key footer.
    pub fn footer(&self, s: &'static Strings) -> &'static str {
        match self {
            Screen::Home(_) => s.foot_home,
            Screen::Drafts(_) => s.foot_drafts,
            Screen::Cases(_) => s.foot_cases,
            Screen::CaseView(_) => s.foot_case,
            Screen::Question(q) => q.footer(s),
            Screen::Review(_) => s.foot_review,
            Screen::Outcome(_) => s.foot_outcome,
            Screen::SignOff(_) => s.foot_signoff,
            Screen::Signed(_) => s.foot_signed,
            Screen::Choose(_) => s.foot_choose,
        }
    }
}

/// A row of a draft or case made under questionnaire `id` names it: when it is not the
/// default, or when there are several to choose from.
fn names_questionnaire(iv: &Interview, id: &str) -> bool {
    iv.choices.len() > 1 || id != iv.default_questionnaire().meta.id
}

/// A titled list of rows from the store (drafts, cases): "loading" until the store answers,
/// `empty` when there are none; rows 1-9 keyed with the digit that selects them.
fn render_rows(
    title: &str,
    rows: Option<Vec<String>>,
    empty: &str,
    list: &ChoiceList,
    (iv, t): (&Interview, &Theme),
    area: Rect,
    buf: &mut Buffer,
) {
    let w = usize::from(area.width);
    buf.set_string(area.x, area.y, wrap::truncate(title, w), t.title());
    let at = Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    };
    let Some(rows) = rows else {
        buf.set_string(at.x, at.y, iv.s().loading, t.dim());
        return;
    };
    if rows.is_empty() {
        buf.set_string(at.x, at.y, empty, t.dim());
        return;
    }
    let items: Vec<(String, String, Option<bool>)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let key = if i < 9 {
                (i + 1).to_string()
            } else {
                " ".to_string()
            };
            (key, row, None)
        })
        .collect();
    list.render(&items, at, buf, t);
}
