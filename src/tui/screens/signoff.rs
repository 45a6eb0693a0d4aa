//! Sign-off: the applicant's name and ID number (pre-filled where the questionnaire asked
//! them), the integrity pledge read out and confirmed by the applicant, the clerk's
//! confirmation; then the case is stored and its number shown, with the offer to write
//! the printable summary (the `Signed` screen, also here).

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::home::Home;
use super::outcome::Outcome;
use super::{Notice, Screen, Step, question};
use crate::tui::interview::Interview;
use crate::tui::msg::{EarlierRow, Effect, Msg, SignOffRequest};
use crate::tui::theme::Theme;
use crate::tui::widgets::field::halfwidth;
use crate::tui::widgets::scroll::Scroll;
use crate::tui::widgets::text_input::{self, TextInput};
use crate::tui::{strings, wrap};
use crate::value::Value;

pub const NAME: usize = 0;
pub const ID: usize = 1;
pub const PLEDGE: usize = 2;
pub const CLERK: usize = 3;
pub const SUBMIT: usize = 4;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignOffState {
    pub focus: usize,
    pub name: TextInput,
    pub id: TextInput,
    pub pledge_confirmed_at: Option<jiff::Timestamp>,
    pub clerk_ok: bool,
    pub error: Option<String>,
    pub scroll: Scroll,
    /// The outcome the clerk came from, to go back to.
    pub back: Option<Box<Outcome>>,
    /// The request checked for earlier cases, waiting for the answer.
    pub pending: Option<Box<SignOffRequest>>,
    /// Earlier cases of this applicant in the same application year: shown, and Enter on
    /// the button again signs all the same.
    pub earlier: Option<Vec<EarlierRow>>,
}

/// The case is stored: its number, the case it corrects, and the receipt's file once
/// written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signed {
    pub number: String,
    pub written: Option<String>,
    pub amends: Option<String>,
}

impl SignOffState {
    pub fn prefilled(iv: &Interview, back: Option<Box<Outcome>>) -> SignOffState {
        let get = |i: Option<u16>| -> String {
            i.and_then(|i| iv.q.facts.get(usize::from(i)))
                .and_then(|f| iv.answers.get(&f.id))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        SignOffState {
            name: TextInput::prefilled(&get(iv.q.meta.applicant_name)),
            id: TextInput::prefilled(&get(iv.q.meta.applicant_id)),
            back,
            ..SignOffState::default()
        }
    }

    pub fn update(&mut self, msg: Msg, iv: &mut Interview) -> Step {
        let now = iv.clock.now;
        let st = self;
        if matches!(msg, Msg::PageUp | Msg::PageDown) {
            st.scroll.on(&msg, 5);
            return Step::stay();
        }
        match msg {
            Msg::Earlier(rows) => {
                let Some(req) = st.pending.take() else {
                    return Step::stay();
                };
                if rows.is_empty() {
                    return Step::effect(Effect::SignOff(req));
                }
                st.focus = SUBMIT;
                // only a note (the bureau's server could not be asked): no earlier case
                let only_note = rows.iter().all(|r| r.note.is_some());
                st.error = Some(if only_note {
                    iv.s().signoff_bureau_confirm.to_string()
                } else {
                    iv.s().signoff_earlier_confirm.to_string()
                });
                st.earlier = Some(rows);
                return Step::stay();
            }
            Msg::SignedOff(number) => {
                iv.draft_id = None;
                iv.at = None;
                return Step::go(Screen::Signed(Signed {
                    number,
                    written: None,
                    amends: iv.amends.take(),
                }));
            }
            Msg::Back => {
                let back = st.back.take().map_or_else(Outcome::default, |b| *b);
                return Step::go(Screen::Outcome(back));
            }
            Msg::Tab | Msg::Down => st.focus = (st.focus + 1).min(SUBMIT),
            Msg::BackTab | Msg::Up => st.focus = st.focus.saturating_sub(1),
            Msg::Help => return Step::help(),
            // What the footer says: Tab (or Enter) to the next item, Space ticks the box in
            // focus and leaves the focus there, Enter on the button signs.
            Msg::Enter if st.focus == SUBMIT => return st.submit(iv),
            Msg::Enter => st.focus += 1,
            Msg::Char(' ') if st.focus == PLEDGE => {
                st.pledge_confirmed_at = match st.pledge_confirmed_at {
                    Some(_) => None,
                    None => Some(now),
                };
            }
            Msg::Char(' ') if st.focus == CLERK => st.clerk_ok = !st.clerk_ok,
            other => {
                let input = match st.focus {
                    NAME => &mut st.name,
                    ID => &mut st.id,
                    _ => return Step::stay(),
                };
                if input.edit(&other) {
                    // another person, perhaps: look again before signing
                    st.earlier = None;
                }
            }
        }
        Step::stay()
    }

    fn submit(&mut self, iv: &mut Interview) -> Step {
        let s = iv.s();
        let st = self;
        let name = st.name.value().trim().to_string();
        // as in the interview: full-width digits are digits, spaces inside do not count
        let id: String = halfwidth(&st.id.value())
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let problem = if name.is_empty() {
            st.focus = NAME;
            Some(s.signoff_need_name.to_string())
        } else if let (false, Err(e)) = (id.is_empty(), crate::idcard::parse(&id)) {
            st.focus = ID;
            Some(e.to_string())
        } else if st.pledge_confirmed_at.is_none() && iv.q.meta.pledge.is_some() {
            st.focus = PLEDGE;
            Some(s.signoff_need_pledge.to_string())
        } else if !st.clerk_ok {
            st.focus = CLERK;
            Some(s.signoff_need_clerk.to_string())
        } else {
            None
        };
        if let Some(p) = problem {
            st.error = Some(p);
            return Step::stay();
        }
        // An answer made invalid by a later one (a typed birth date the ID number changed
        // under): name the question and go to it.
        let first_invalid = iv.ev.invalid().next();
        if let Some((fi, vi)) = first_invalid {
            let f = &iv.q.facts[usize::from(fi)];
            let why = f.validate.get(vi).map_or("", |v| v.message.get(iv.lang));
            let n = Notice::error(strings::fix_first(iv.lang, f.prompt.get(iv.lang), why));
            return question::goto(iv, fi, Some(fi)).and_notice(Some(n));
        }
        let id = crate::idcard::parse(&id).ok().map(|i| i.number);
        // The name and ID number confirmed here are facts too: record them, so that the
        // questionnaire's checks (ID agreeing with birth date and sex) apply to them.
        let mut answers = iv.answers.clone();
        let mut given = Vec::new();
        for (fact, value) in [
            (iv.q.meta.applicant_name, Some(&name)),
            (iv.q.meta.applicant_id, id.as_ref()),
        ] {
            if let (Some(i), Some(v)) = (fact, value) {
                let fid = iv.q.facts[usize::from(i)].id.clone();
                answers.insert(fid.clone(), Value::str(v));
                given.push(fid);
            }
        }
        let ev = crate::eval::evaluate(&iv.q, &answers, iv.clock.today);
        if let Some((fi, vi)) = ev.invalid().next() {
            // what was typed here disagrees with an answer: say which one
            let f = &iv.q.facts[usize::from(fi)];
            let why = f.validate.get(vi).map_or("", |v| v.message.get(iv.lang));
            st.focus = if iv.q.meta.applicant_name == Some(fi) {
                NAME
            } else {
                ID
            };
            st.error = Some(strings::fix_first(iv.lang, f.prompt.get(iv.lang), why));
            return Step::stay();
        }
        for fid in given {
            iv.followed.remove(&fid);
        }
        iv.answers = answers;
        iv.set_evaluation(ev);
        st.error = None;
        let req = Box::new(SignOffRequest {
            draft_id: iv.draft_id.clone(),
            // defaults are written down with the value they gave at sign-off
            answers: iv.answers_with_defaults(),
            applicant_name: name,
            applicant_id: id,
            pledge_confirmed_at: st.pledge_confirmed_at.unwrap_or(iv.clock.now),
            amends: iv.amends.clone(),
            aside: iv
                .set_aside()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
        // Earlier cases of this applicant were shown: this Enter confirms a second one.
        if st.earlier.is_some() {
            return Step::effect(Effect::SignOff(req));
        }
        st.pending = Some(req.clone());
        Step::effect(Effect::FindEarlier(req))
    }
}

impl Signed {
    pub fn update(&mut self, msg: Msg, _iv: &mut Interview) -> Step {
        match msg {
            Msg::Written(path) => {
                self.written = Some(path);
                Step::stay()
            }
            Msg::Char('p') => Step::print(self.number.clone()),
            Msg::Enter | Msg::Back | Msg::Char('q') => Step::go(Screen::Home(Home::default())),
            _ => Step::stay(),
        }
    }
}

impl SignOffState {
    pub fn render(
        &self,
        iv: &Interview,
        t: &Theme,
        area: Rect,
        buf: &mut Buffer,
    ) -> Option<Position> {
        let s = iv.s();
        let st = self;
        let w = usize::from(area.width);
        let mut cursor = None;
        buf.set_string(
            area.x,
            area.y,
            wrap::truncate(s.signoff_title, w),
            t.title(),
        );
        // Two one-line fields: label, then the input.
        let label_w = 2 + [s.signoff_name, s.signoff_id]
            .iter()
            .map(|l| wrap::width(l))
            .max()
            .unwrap_or(0) as u16;
        for (row, (focus, label, input)) in
            [(NAME, s.signoff_name, &st.name), (ID, s.signoff_id, &st.id)]
                .into_iter()
                .enumerate()
        {
            let y = area.y + 1 + row as u16;
            if y >= area.bottom() {
                break;
            }
            let focused = st.focus == focus;
            if let Some(pos) =
                text_input::labelled_row(buf, area, y, label, label_w, input, focused, t)
            {
                cursor = Some(pos);
            }
        }
        // Bottom block: two checkboxes, the button, the error line.
        let bottom_rows: u16 = 4;
        let pledge_top = area.y + 4;
        let pledge_bottom = area.bottom().saturating_sub(bottom_rows);
        if pledge_top < pledge_bottom {
            let heading = match &iv.q.meta.pledge_cite {
                Some(c) => format!("{}  {}{}{c}", s.signoff_pledge, s.help_basis, s.colon),
                None => s.signoff_pledge.to_string(),
            };
            let text =
                iv.q.meta
                    .pledge
                    .as_ref()
                    .map_or(s.signoff_no_pledge, |p| p.get(iv.lang));
            let mut lines = wrap::wrap(text.trim(), w.saturating_sub(3));
            // Earlier cases of the applicant take the pledge's place until confirmed.
            let heading = match &st.earlier {
                Some(rows) => {
                    lines = rows
                        .iter()
                        .flat_map(|r| {
                            wrap::wrap(&strings::earlier_row(iv.lang, r), w.saturating_sub(3))
                        })
                        .collect();
                    if rows.iter().all(|r| r.note.is_some()) {
                        s.signoff_bureau_unknown.to_string()
                    } else {
                        s.signoff_earlier.to_string()
                    }
                }
                None => heading,
            };
            let style = if st.earlier.is_some() {
                t.error()
            } else {
                t.title()
            };
            buf.set_string(area.x, area.y + 3, wrap::truncate(&heading, w), style);
            let h = usize::from(pledge_bottom - pledge_top);
            let start = st.scroll.visible(lines.len(), h);
            for (row, l) in lines.iter().skip(start).take(h).enumerate() {
                buf.set_string(area.x + 2, pledge_top + row as u16, l, t.base());
            }
            if start + h < lines.len() {
                buf.set_string(area.right() - 1, pledge_bottom - 1, "v", t.dim());
            }
        }
        let y0 = area.bottom().saturating_sub(bottom_rows);
        let rows = [
            (
                PLEDGE,
                st.pledge_confirmed_at.is_some(),
                s.signoff_pledge_confirm,
            ),
            (CLERK, st.clerk_ok, s.signoff_clerk_confirm),
        ];
        for (k, (focus, on, label)) in rows.into_iter().enumerate() {
            let focused = st.focus == focus;
            let text = format!(
                "{}[{}] {label}",
                if focused { "> " } else { "  " },
                if on { "x" } else { " " }
            );
            buf.set_string(
                area.x,
                y0 + k as u16,
                wrap::truncate(&text, w),
                if focused { t.focus() } else { t.base() },
            );
        }
        let focused = st.focus == SUBMIT;
        buf.set_string(
            area.x,
            y0 + 2,
            format!(
                "{}[ {} ]",
                if focused { "> " } else { "  " },
                s.signoff_submit
            ),
            if focused { t.focus() } else { t.title() },
        );
        if let Some(e) = &st.error {
            buf.set_string(
                area.x,
                y0 + 3,
                wrap::truncate(&format!("! {e}"), w),
                t.error(),
            );
        }
        if st.focus <= ID { cursor } else { None }
    }
}

impl Signed {
    pub fn render(&self, iv: &Interview, t: &Theme, area: Rect, buf: &mut Buffer) {
        let s = iv.s();
        let w = usize::from(area.width);
        buf.set_string(area.x, area.y, wrap::truncate(s.signed_title, w), t.ok());
        {
            let n = &self.number;
            buf.set_string(
                area.x,
                area.y + 2,
                format!("{}{}", s.signed_number, s.colon),
                t.base(),
            );
            let x = area.x + (wrap::width(s.signed_number) + wrap::width(s.colon)) as u16;
            buf.set_string(x, area.y + 2, n, t.title());
            if let Some(a) = &self.amends {
                let note = strings::correction(iv.lang, Some(a), None);
                let x = x + wrap::width(n) as u16 + 2;
                if x < area.right() {
                    let room = usize::from(area.right() - x);
                    buf.set_string(x, area.y + 2, wrap::truncate(&note, room), t.base());
                }
            }
        }
        let mut y = area.y + 4;
        for l in wrap::wrap(s.signed_offer, w) {
            buf.set_string(area.x, y, l, t.base());
            y += 1;
        }
        if let Some(path) = &self.written {
            y += 1;
            buf.set_string(area.x, y, format!("{}{}", s.saved_to, s.colon), t.ok());
            for l in wrap::wrap(path, w.saturating_sub(2)) {
                y += 1;
                if y >= area.bottom() {
                    break;
                }
                buf.set_string(area.x + 2, y, l, t.base());
            }
        }
    }
}
