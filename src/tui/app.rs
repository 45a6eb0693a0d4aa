//! The wizard: the shared [`Interview`], the screen on display, an overlay, the notice in
//! the status line. `update` hands each message to the screen and applies the [`Step`] it
//! returns; it does no I/O, so a test can drive the whole wizard with scripted messages.

use super::interview::{Clock, Interview};
use super::msg::{Effect, Msg};
use super::screens::home::Home;
use super::screens::print_menu::{self, PrintMenu};
use super::screens::{Kind, Notice, Overlay, Screen, Step};
use super::strings;
use super::theme::Theme;
use super::view;
use super::widgets::field::halfwidth_char;
use crate::config::PrintTo;
use crate::questionnaire::Questionnaire;
use crate::text::Lang;

pub struct App {
    pub iv: Interview,
    pub theme: Theme,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// The terminal's size, once the run loop has said (tests may leave it unknown).
    pub size: Option<(u16, u16)>,
    pub quit: bool,
    /// The print menu's last choice (it stands selected the next time).
    pub print_to: PrintTo,
    /// The printer `lp` prints on, as the menu names it.
    pub printer: Option<String>,
}

impl App {
    pub fn new(q: Questionnaire, lang: Lang, theme: Theme, clock: Clock) -> App {
        App {
            iv: Interview::new(q, lang, clock),
            theme,
            screen: Screen::Home(Home::default()),
            overlay: None,
            notice: None,
            size: None,
            quit: false,
            print_to: PrintTo::default(),
            printer: None,
        }
    }

    pub fn kind(&self) -> Kind {
        self.screen.kind()
    }

    pub fn s(&self) -> &'static super::strings::Strings {
        self.iv.s()
    }

    /// Handle one message; return what the run loop should do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match &msg {
            Msg::Resize(w, h) => {
                self.size = Some((*w, *h));
                return Vec::new();
            }
            Msg::DraftSaved(id) => {
                self.iv.draft_id = Some(id.clone());
                return Vec::new();
            }
            Msg::Failed(e) => {
                let s = self.s();
                self.notice = Some(Notice::error(format!("{}{}{e}", s.error, s.colon)));
                return Vec::new();
            }
            Msg::Written(path) => {
                let s = self.s();
                self.notice = Some(Notice::info(format!("{}{}{path}", s.saved_to, s.colon)));
            }
            Msg::Printed { printer, job, note } => {
                let text = strings::printed(self.iv.lang, printer, job.as_deref());
                self.notice = Some(strings::with_note(self.iv.lang, text, note.as_deref()));
                return Vec::new();
            }
            Msg::Sent { name, bytes, note } => {
                let text = strings::sent(self.iv.lang, name, *bytes);
                self.notice = Some(strings::with_note(self.iv.lang, text, note.as_deref()));
                return Vec::new();
            }
            m if m.is_result() => {}
            _ => {
                if msg == Msg::Quit {
                    return self.quit_effects();
                }
                // Too small to show what a key would do: no key acts, so that nothing
                // changes unseen.
                if self.too_small() {
                    return Vec::new();
                }
                // A notice lasts until the next key.
                self.notice = None;
                if let Some(ov) = self.overlay.take() {
                    return self.on_overlay(ov, msg);
                }
            }
        }
        let msg = self.command_key(msg);
        let step = self.screen.update(msg, &mut self.iv);
        self.apply(step)
    }

    /// Outside a text field a key is a command: a full-width form (an input method left
    /// on: １, ｙ, ？, the ideographic space) means its half-width key, and one character
    /// committed by an input method is that key.
    fn command_key(&self, msg: Msg) -> Msg {
        if self.screen.text_focused() {
            return msg;
        }
        match msg {
            Msg::Char(c) => Msg::Char(halfwidth_char(c)),
            Msg::Paste(s) if s.chars().count() == 1 => {
                Msg::Char(s.chars().next().map_or(' ', halfwidth_char))
            }
            m => m,
        }
    }

    /// The terminal is below the minimum size (see [`view::MIN_WIDTH`]).
    pub fn too_small(&self) -> bool {
        self.size
            .is_some_and(|(w, h)| w < view::MIN_WIDTH || h < view::MIN_HEIGHT)
    }

    fn apply(&mut self, mut step: Step) -> Vec<Effect> {
        // the print menu opens on the last choice
        if let Some(Overlay::Print(m)) = &mut step.overlay {
            *m = PrintMenu::new(std::mem::take(&mut m.number), self.print_to);
        }
        if let Some(next) = step.next {
            self.screen = next;
        }
        if step.notice.is_some() {
            self.notice = step.notice;
        }
        if step.overlay.is_some() {
            self.overlay = step.overlay;
        }
        if step.quit {
            self.quit = true;
        }
        step.effects
    }

    fn quit_effects(&mut self) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.screen.in_interview() && !self.iv.answers.is_empty() {
            fx.push(self.iv.save_effect());
        }
        self.quit = true;
        fx.push(Effect::Quit);
        fx
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
            Overlay::Print(mut menu) => match menu.update(&msg) {
                print_menu::Outcome::Open => self.overlay = Some(Overlay::Print(menu)),
                print_menu::Outcome::Cancelled => {}
                print_menu::Outcome::Chosen(fx) => {
                    if let Effect::Print { to, .. } = &fx {
                        self.print_to = *to;
                    }
                    return vec![fx];
                }
            },
        }
        Vec::new()
    }
}
