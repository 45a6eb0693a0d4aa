//! Home: new interview, resume a draft, recent cases, quit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::{App, HOME_ITEMS, Screen};
use crate::tui::msg::{Effect, Msg};
use crate::tui::wrap;

impl App {
    pub(crate) fn on_home(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Up => self.home.up(),
            Msg::Down => self.home.down(),
            Msg::Home => self.home.first(),
            Msg::End => self.home.last(),
            Msg::Char(c @ '1'..='4') => {
                self.home.pick(usize::from(c as u8 - b'1'));
                return self.home_action();
            }
            Msg::Char('n') => {
                self.home.pick(0);
                return self.home_action();
            }
            Msg::Char('q') => {
                self.home.pick(HOME_ITEMS - 1);
                return self.home_action();
            }
            Msg::Enter => return self.home_action(),
            Msg::Char('?') | Msg::Help => self.open_help(),
            _ => {}
        }
        Vec::new()
    }

    fn home_action(&mut self) -> Vec<Effect> {
        match self.home.selected {
            0 => self.start(),
            1 => {
                self.drafts = None;
                self.discard_armed = false;
                self.screen = Screen::Drafts;
                vec![Effect::LoadDrafts]
            }
            2 => {
                self.cases = None;
                self.screen = Screen::Cases;
                vec![Effect::LoadCases]
            }
            _ => {
                self.quit = true;
                vec![Effect::Quit]
            }
        }
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let w = usize::from(area.width);
    let mut y = area.y + 1;
    for l in wrap::wrap(app.q.meta.title.get(app.lang), w.saturating_sub(2)) {
        if y >= area.bottom() {
            return;
        }
        buf.set_string(area.x + 2, y, l, t.title());
        y += 1;
    }
    let version = format!("{} {}", app.q.meta.id, app.q.meta.version);
    buf.set_string(
        area.x + 2,
        y,
        wrap::truncate(&version, w.saturating_sub(2)),
        t.dim(),
    );
    y += 2;
    let items = [s.home_new, s.home_resume, s.home_cases, s.home_quit];
    let items: Vec<(String, String, Option<bool>)> = items
        .iter()
        .enumerate()
        .map(|(i, l)| ((i + 1).to_string(), l.to_string(), None))
        .collect();
    let list = Rect::new(area.x + 2, y, area.width.saturating_sub(4).min(40), 4).intersection(area);
    app.home.render(&items, list, buf, t);
    y += 5;
    if y < area.bottom() {
        buf.set_string(
            area.x + 2,
            y,
            wrap::truncate(s.home_hint, w.saturating_sub(2)),
            t.hint(),
        );
    }
}
