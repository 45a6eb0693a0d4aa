//! The frame: header, rule, the screen's body (with the live-evaluation side panel at 100
//! columns or more), a status line and the key footer. Below 60x20 only a notice is drawn.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};

use super::app::App;
use super::interview::Interview;
use super::screens::{self, Overlay, outcome::status_style};
use super::{strings, wrap};
use crate::eval::Status;
use crate::eval::flow;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;
pub const SIDE_PANEL_FROM: u16 = 100;
const SIDE_WIDTH: u16 = 34;

/// Draw the whole frame.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if let Some(pos) = render(app, area, frame.buffer_mut()) {
        frame.set_cursor_position(pos);
    }
}

/// Draw into a buffer; returns where the terminal cursor goes (a text field), if anywhere.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let t = &app.theme;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        // What is wrong and what size is needed, centred; keys do nothing meanwhile.
        let lines = [
            app.s().too_small.to_string(),
            strings::too_small_need(app.iv.lang, MIN_WIDTH, MIN_HEIGHT, area.width, area.height),
        ];
        let top = area.y + area.height.saturating_sub(lines.len() as u16) / 2;
        for (k, msg) in lines.iter().enumerate() {
            let y = top + k as u16;
            if y >= area.bottom() {
                break;
            }
            let w = wrap::width(msg) as u16;
            let x = area.x + area.width.saturating_sub(w) / 2;
            buf.set_string(
                x,
                y,
                wrap::truncate(msg, usize::from(area.width)),
                t.title(),
            );
        }
        return None;
    }
    let [head, rule, body, status, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    header(app, head, buf);
    buf.set_string(
        rule.x,
        rule.y,
        t.rule().repeat(usize::from(rule.width)),
        t.dim(),
    );
    let interview = app.screen.in_interview();
    let (main, side) = if interview && area.width >= SIDE_PANEL_FROM {
        let [m, s] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(SIDE_WIDTH)]).areas(body);
        (m, Some(s))
    } else {
        (body, None)
    };
    let main = Rect {
        x: main.x + 1,
        width: main.width.saturating_sub(2),
        ..main
    };
    let mut cursor = app.screen.render(&app.iv, t, main, buf);
    if let Some(side) = side {
        side_panel(app, side, buf);
    }
    status_line(app, status, side.is_none() && interview, buf);
    footer(app, foot, buf);
    match &app.overlay {
        Some(Overlay::Help(scroll)) => {
            screens::help::render(&app.iv, &app.screen, t, scroll, body, buf);
            cursor = None;
        }
        Some(Overlay::Print(menu)) => {
            menu.render(&app.iv, app.printer.as_deref(), t, body, buf);
            cursor = None;
        }
        None => {}
    }
    cursor
}

fn header(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let mut parts = vec![s.app.to_string()];
    let iv = &app.iv;
    if app.screen.in_interview() {
        if let Some(at) = iv.at {
            let f = &iv.q.facts[usize::from(at)];
            if let Some(sec) = iv.q.sections.get(f.section) {
                parts.push(sec.title.get(iv.lang).to_string());
            }
        }
        if let Some(qs) = app.screen.question() {
            let (pos, total) = flow::progress(&iv.ev, qs.fact);
            parts.push(strings::progress(iv.lang, pos, total));
        }
        if let Some(name) = iv.applicant_name() {
            parts.push(format!("{}{}{name}", s.applicant, s.colon));
        }
        if let Some(n) = &iv.amends {
            parts.push(strings::correcting(iv.lang, n));
        }
    } else {
        parts.push(s.home_title.to_string());
    }
    // Narrow terminals: tighter separators, then no program name, then a shorter section
    // title; the progress and the applicant's name stay whole.
    let avail = usize::from(area.width).saturating_sub(1);
    let mut text = parts.join("  |  ");
    if wrap::width(&text) > avail {
        text = parts.join(" | ");
    }
    if wrap::width(&text) > avail && parts.len() > 1 {
        parts.remove(0);
        text = parts.join(" | ");
        let over = wrap::width(&text).saturating_sub(avail);
        if over > 0 && parts.len() > 1 {
            let keep = wrap::width(&parts[0]).saturating_sub(over);
            parts[0] = wrap::truncate(&parts[0], keep);
            text = parts.join(" | ");
        }
    }
    let text = format!(" {text}");
    buf.set_style(area, t.header());
    buf.set_string(
        area.x,
        area.y,
        wrap::truncate(&text, usize::from(area.width)),
        t.header(),
    );
}

/// The live evaluation in one line: 待定 (n missing); otherwise the outcome's first
/// sentence (可于 2026-07-10 至 2026-07-31 申报中级职称…), or the level and the articles
/// that block when the questionnaire writes none.
pub fn evaluation_summary(iv: &Interview, t: &super::theme::Theme) -> (String, Style) {
    let s = iv.s();
    let lang = iv.lang;
    let v = &iv.view;
    let detail = match (v.status, v.sentences.first()) {
        (Status::Incomplete, _) => strings::missing_count(lang, v.missing.len()),
        (_, Some(first)) => first.clone(),
        (Status::Ineligible, None) => {
            let mut cites: Vec<&str> = v.blockers().map(|f| f.cite.as_str()).collect();
            cites.dedup();
            format!("{} {}", s.blocking, cites.join(strings::article_sep(lang)))
        }
        (Status::Eligible | Status::Refer, None) => level(iv)
            .map(|l| format!("{} {l}", s.level))
            .unwrap_or_default(),
    };
    (
        format!("{}{}{}  {detail}", s.eval, s.colon, v.status_label),
        status_style(t, v.status),
    )
}

/// The ranked result (the level), as the outcome view labels it.
fn level(iv: &Interview) -> Option<String> {
    let rank = iv.q.schedule.as_ref().and_then(|s| s.rank)?;
    let name = &iv.q.results.get(rank)?.name;
    iv.view
        .results
        .iter()
        .find(|r| &r.name == name)
        .map(|r| r.value.clone())
}

fn status_line(app: &App, area: Rect, show_eval: bool, buf: &mut Buffer) {
    let t = &app.theme;
    let w = usize::from(area.width);
    if let Some(n) = &app.notice {
        let style = if n.error { t.error() } else { t.ok() };
        let avail = w.saturating_sub(2);
        // An error's start says what went wrong; a written file's end is its name.
        let text = if n.error {
            wrap::truncate(&format!("! {}", n.text), avail)
        } else {
            wrap::truncate_start(&n.text, avail)
        };
        buf.set_string(area.x + 1, area.y, text, style);
        return;
    }
    if show_eval {
        let (text, style) = evaluation_summary(&app.iv, t);
        buf.set_string(
            area.x + 1,
            area.y,
            wrap::truncate(&text, w.saturating_sub(2)),
            style,
        );
    }
}

fn side_panel(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let block = Block::new()
        .borders(Borders::LEFT)
        .border_set(t.border())
        .title(format!(" {} ", s.live));
    let inner = block.inner(area);
    block.render(area, buf);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    let w = usize::from(inner.width);
    let iv = &app.iv;
    let v = &iv.view;
    let st = status_style(t, v.status);
    let mut lines: Vec<(String, Style)> =
        vec![(format!("{}{}{}", s.eval, s.colon, v.status_label), st)];
    let wrapped = |lines: &mut Vec<(String, Style)>, text: &str, style: Style| {
        for l in wrap::wrap(text, w) {
            lines.push((l, style));
        }
    };
    // the timeline, read aloud
    for line in &v.sentences {
        wrapped(&mut lines, line, st);
    }
    // the ranked result (the level), labelled as the outcome labels it
    if let Some(rank) = iv.q.schedule.as_ref().and_then(|s| s.rank)
        && let Some(r) = iv.q.results.get(rank)
        && let Some(line) = v.results.iter().find(|l| l.name == r.name)
    {
        wrapped(
            &mut lines,
            &format!("{}{}{}", line.label, s.colon, line.value),
            t.base(),
        );
    }
    // the live findings: blockers and referrals first, then what is to do or to know
    let first = |k: crate::questionnaire::RuleKind| {
        matches!(
            k,
            crate::questionnaire::RuleKind::Blocker | crate::questionnaire::RuleKind::Refer
        )
    };
    for (f, style) in v
        .findings
        .iter()
        .filter(|f| first(f.kind))
        .map(|f| (f, t.base()))
        .chain(
            v.findings
                .iter()
                .filter(|f| !first(f.kind))
                .map(|f| (f, t.dim())),
        )
    {
        wrapped(&mut lines, &format!("- {} {}", f.cite, f.message), style);
    }
    // what is still missing, as many as there is room for
    if v.status == Status::Incomplete {
        lines.push((strings::missing_count(iv.lang, v.missing.len()), t.base()));
        // whole questions only, and a line left to say how many more
        let room = usize::from(inner.height).saturating_sub(1);
        let mut shown = 0;
        for m in &v.missing {
            let l = wrap::wrap(&format!("- {}", m.prompt), w);
            if lines.len() + l.len() > room && shown > 0 {
                break;
            }
            lines.extend(l.into_iter().map(|l| (l, t.dim())));
            shown += 1;
        }
        if shown < v.missing.len() {
            lines.push((strings::more(iv.lang, v.missing.len() - shown), t.dim()));
        }
    }
    let aside = v.set_aside.len();
    if aside > 0 {
        lines.push((
            format!("{}{}{aside}", s.outcome_set_aside, s.colon),
            t.dim(),
        ));
    }
    let h = usize::from(inner.height);
    for (row, (l, style)) in lines.iter().take(h).enumerate() {
        buf.set_string(inner.x, inner.y + row as u16, wrap::truncate(l, w), *style);
    }
    // more than fits: say so in the last column (the outcome, ^O, has all of it)
    if lines.len() > h && h > 0 {
        buf.set_string(area.right() - 1, inner.bottom() - 1, "v", t.dim());
    }
}

fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = app.s();
    let text = match &app.overlay {
        Some(Overlay::Help(_)) => s.foot_help,
        Some(Overlay::Print(_)) => s.foot_print,
        None => app.screen.footer(s),
    };
    buf.set_style(area, t.footer());
    buf.set_string(
        area.x,
        area.y,
        wrap::truncate(&format!(" {text}"), usize::from(area.width)),
        t.footer(),
    );
}
