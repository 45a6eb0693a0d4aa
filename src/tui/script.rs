//! Scripted answers: the messages a clerk's keystrokes would produce to answer the current
//! question with a given value, whatever the questionnaire. Used by the state tests, the
//! snapshots and the benchmark (their Baise interview is theirs: tests/tui_common), so
//! that they drive the wizard exactly as the keyboard does.

use crate::questionnaire::FactKind;

use super::app::App;
use super::msg::Msg;
use super::screens::question::Editor;

/// The script's value for "not known / not given".
pub const NOT_GIVEN: &str = "null";

/// The id of the question on screen, if a question is on screen.
pub fn current_fact(app: &App) -> Option<&str> {
    if app.overlay.is_some() {
        return None;
    }
    let qs = app.screen.question()?;
    Some(app.iv.fact_id(qs.fact))
}

/// Keys answering the current question with `value`: a choice code for a choice, `y`/`n`
/// for yes/no, codes separated by commas for a multi-choice (`-` = none), the text
/// otherwise; [`NOT_GIVEN`] records "not known / not given" on an optional question. An
/// empty `value` is Enter alone: what is shown (pre-filled) is kept.
pub fn answer_keys(app: &App, value: &str) -> Vec<Msg> {
    let Some(qs) = app.screen.question() else {
        return Vec::new();
    };
    if value.is_empty() {
        return vec![Msg::Enter];
    }
    let f = &app.iv.q.facts[usize::from(qs.fact)];
    let mut keys = Vec::new();
    if value == NOT_GIVEN {
        match &qs.editor {
            Editor::Field(fl) => {
                keys.push(Msg::End);
                keys.extend(std::iter::repeat_n(
                    Msg::Backspace,
                    fl.input.value().chars().count(),
                ));
            }
            Editor::Choice(_) => keys.push(Msg::Char('0')),
            Editor::Multi(m) => {
                keys.push(Msg::End);
                if !m.ticked.last().copied().unwrap_or(false) {
                    keys.push(Msg::Char(' '));
                }
            }
        }
        keys.push(Msg::Enter);
        return keys;
    }
    match (&qs.editor, f.kind) {
        (Editor::Choice(_), FactKind::Bool) => {
            let yes = matches!(value, "y" | "yes" | "true" | "是");
            keys.push(Msg::Char(if yes { 'y' } else { 'n' }));
        }
        (Editor::Choice(_), _) => {
            let idx = f.choices.iter().position(|c| c.value == value).unwrap_or(0);
            keys.push(Msg::Home);
            keys.extend(std::iter::repeat_n(Msg::Down, idx));
            keys.push(Msg::Enter);
        }
        (Editor::Multi(m), _) => {
            let want: Vec<&str> = value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            keys.push(Msg::Home);
            for (i, c) in f.choices.iter().enumerate() {
                let on = m.ticked.get(i).copied().unwrap_or(false);
                if on != want.contains(&c.value.as_str()) {
                    keys.push(Msg::Char(' '));
                }
                keys.push(Msg::Down);
            }
            keys.push(Msg::Enter);
        }
        (Editor::Field(fl), _) => {
            if !value.is_empty() {
                keys.push(Msg::End);
                keys.extend(std::iter::repeat_n(
                    Msg::Backspace,
                    fl.input.value().chars().count(),
                ));
                keys.extend(value.chars().map(Msg::Char));
            }
            keys.push(Msg::Enter);
        }
    }
    keys
}
