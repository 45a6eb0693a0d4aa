//! Terminal events -> messages. Only key presses count (some terminals also report
//! releases); the meaning of letters is left to the screen.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::msg::Msg;

pub fn map_event(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => map_key(&k),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

pub fn map_key(k: &KeyEvent) -> Option<Msg> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl {
        return match k.code {
            KeyCode::Char('c' | 'q' | 'd') => Some(Msg::Quit),
            KeyCode::Char('o') => Some(Msg::Outcome),
            KeyCode::Char('r') => Some(Msg::Tab),
            // Line editing as in a shell: to the start, to the end, delete back to the
            // start, to the end, the word before the cursor.
            KeyCode::Char('a') => Some(Msg::Home),
            KeyCode::Char('e') => Some(Msg::End),
            KeyCode::Char('u') => Some(Msg::KillToStart),
            KeyCode::Char('k') => Some(Msg::KillToEnd),
            KeyCode::Char('w') => Some(Msg::KillWord),
            // Enter typed before the wizard set raw mode reaches it as a line feed (the
            // terminal turned \r into \n), which raw mode reads as Ctrl-J.
            KeyCode::Char('j' | 'm') => Some(Msg::Enter),
            _ => None,
        };
    }
    Some(match k.code {
        KeyCode::Up => Msg::Up,
        KeyCode::Down => Msg::Down,
        KeyCode::Left => Msg::Left,
        KeyCode::Right => Msg::Right,
        KeyCode::PageUp => Msg::PageUp,
        KeyCode::PageDown => Msg::PageDown,
        KeyCode::Home => Msg::Home,
        KeyCode::End => Msg::End,
        KeyCode::Enter => Msg::Enter,
        KeyCode::Esc => Msg::Back,
        KeyCode::Tab => Msg::Tab,
        KeyCode::BackTab => Msg::BackTab,
        KeyCode::Backspace => Msg::Backspace,
        KeyCode::Delete => Msg::Delete,
        KeyCode::F(1) => Msg::Help,
        KeyCode::F(2) => Msg::Tab,
        KeyCode::F(10) => Msg::Outcome,
        KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::ALT) => Msg::Char(c),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_ignored_and_cjk_passes() {
        let mut k = KeyEvent::new(KeyCode::Char('张'), KeyModifiers::NONE);
        assert_eq!(map_key(&k), Some(Msg::Char('张')));
        k.kind = KeyEventKind::Release;
        assert_eq!(map_key(&k), None);
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map_key(&c), Some(Msg::Quit));
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(map_key(&j), Some(Msg::Enter));
        for (c, m) in [
            ('a', Msg::Home),
            ('e', Msg::End),
            ('u', Msg::KillToStart),
            ('k', Msg::KillToEnd),
            ('w', Msg::KillWord),
        ] {
            let k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
            assert_eq!(map_key(&k), Some(m));
        }
    }
}
