//! First run: who the clerk is. One screen asks the clerk's name, the office code (the one
//! case numbers carry) and the office's name (the receipt's heading), and writes them to
//! the config file. Shown at start while any of them is missing; Esc leaves it for later
//! (cases then show the OS user, and signing waits for an office code).

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::home::Home;
use super::{Notice, Screen, Step};
use crate::case::OfficeCode;
use crate::tui::interview::Interview;
use crate::tui::msg::{Effect, Msg};
use crate::tui::strings;
use crate::tui::theme::Theme;
use crate::tui::widgets::text_input::{self, TextInput};
use crate::tui::wrap;

pub const NAME: usize = 0;
pub const CODE: usize = 1;
pub const OFFICE: usize = 2;
pub const SAVE: usize = 3;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FirstRun {
    pub focus: usize,
    pub name: TextInput,
    pub code: TextInput,
    pub office: TextInput,
    pub error: Option<String>,
}

impl FirstRun {
    /// The screen with what is known already filled in; the focus on the first gap.
    pub fn new(name: &str, code: &str, office: &str) -> FirstRun {
        let focus = [name, code, office]
            .iter()
            .position(|s| s.trim().is_empty())
            .unwrap_or(SAVE);
        FirstRun {
            focus,
            name: TextInput::prefilled(name),
            code: TextInput::prefilled(code),
            office: TextInput::prefilled(office),
            error: None,
        }
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        let s = iv.s();
        match msg {
            Msg::ClerkSaved(path) => {
                return Step::go(Screen::Home(Home::default()))
                    .and_notice(Some(Notice::info(strings::clerk_saved(iv.lang, &path))));
            }
            Msg::Back => {
                return Step::go(Screen::Home(Home::default()))
                    .and_notice(Some(Notice::error(s.first_later)));
            }
            Msg::Tab | Msg::Down => self.focus = (self.focus + 1).min(SAVE),
            Msg::BackTab | Msg::Up => self.focus = self.focus.saturating_sub(1),
            Msg::Enter if self.focus >= OFFICE => return self.submit(iv),
            Msg::Enter => self.focus += 1,
            Msg::Help => return Step::help(),
            other => {
                let input = match self.focus {
                    NAME => &mut self.name,
                    CODE => &mut self.code,
                    OFFICE => &mut self.office,
                    _ => return Step::stay(),
                };
                if input.edit(&other) {
                    self.error = None;
                }
            }
        }
        Step::stay()
    }

    fn submit(&mut self, iv: &Interview) -> Step {
        let s = iv.s();
        let (name, code, office) = (
            self.name.value().trim().to_string(),
            crate::tui::widgets::field::halfwidth(&self.code.value())
                .trim()
                .to_string(),
            self.office.value().trim().to_string(),
        );
        let problem = if name.is_empty() {
            Some((NAME, s.first_need_name.to_string()))
        } else if code.is_empty() {
            Some((CODE, s.first_need_code.to_string()))
        } else if let Err(e) = OfficeCode::parse(&code) {
            Some((CODE, e.message(iv.lang)))
        } else if office.is_empty() {
            Some((OFFICE, s.first_need_office.to_string()))
        } else {
            None
        };
        if let Some((focus, why)) = problem {
            self.focus = focus;
            self.error = Some(why);
            return Step::stay();
        }
        self.error = None;
        Step::effect(Effect::SaveClerk {
            clerk_name: name,
            office_code: code,
            office_name: office,
        })
    }

    pub fn render(
        &self,
        iv: &Interview,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) -> Option<Position> {
        let s = iv.s();
        let w = usize::from(area.width);
        let mut y = area.y;
        let line = |buf: &mut Buffer, y: &mut u16, text: &str, style| {
            if *y < area.bottom() {
                buf.set_string(area.x, *y, wrap::truncate(text, w), style);
            }
            *y += 1;
        };
        line(buf, &mut y, s.first_title, t.title());
        y += 1;
        for l in wrap::wrap(s.first_intro, w) {
            line(buf, &mut y, &l, t.base());
        }
        y += 1;
        let label_w = 2 + [s.first_name, s.first_code, s.first_office]
            .iter()
            .map(|l| wrap::width(l))
            .max()
            .unwrap_or(0) as u16;
        let mut cursor = None;
        for (focus, label, input, hint) in [
            (NAME, s.first_name, &self.name, None),
            (CODE, s.first_code, &self.code, Some(s.first_code_hint)),
            (
                OFFICE,
                s.first_office,
                &self.office,
                Some(s.first_office_hint),
            ),
        ] {
            if y >= area.bottom() {
                break;
            }
            let focused = self.focus == focus;
            if let Some(pos) =
                text_input::labelled_row(buf, area, y, label, label_w, input, focused, t)
            {
                cursor = Some(pos);
            }
            y += 1;
            if let Some(h) = hint {
                let indent = usize::from(label_w + 1);
                for l in wrap::wrap(h, w.saturating_sub(indent)) {
                    if y >= area.bottom() {
                        break;
                    }
                    buf.set_string(area.x + label_w + 1, y, l, t.dim());
                    y += 1;
                }
            }
        }
        y += 1;
        let focused = self.focus == SAVE;
        line(
            buf,
            &mut y,
            &format!("{}[ {} ]", if focused { "> " } else { "  " }, s.first_save),
            if focused { t.focus() } else { t.title() },
        );
        if let Some(e) = &self.error {
            for l in wrap::wrap(&format!("! {e}"), w) {
                line(buf, &mut y, &l, t.error());
            }
        }
        if self.focus < SAVE { cursor } else { None }
    }
}
