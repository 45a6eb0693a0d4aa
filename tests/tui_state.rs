//! The wizard driven by scripted messages, without a terminal: each pathway end to end,
//! back and forward, answers set aside, defaults, invalid input, help, the blocker offer,
//! review, resume, sign-off, and the effects `update` asks for.

mod tui_common;

use guantong::eval::Status;
use guantong::questionnaire;
use guantong::text::Lang;
use guantong::tui::msg::{CaseRow, DraftRow, Effect, LoadedDraft, Msg};
use guantong::tui::screens::Overlay;
use guantong::tui::screens::question::{Editor, Prefill};
use guantong::tui::screens::review::{Review, RowKind, rows};
use guantong::tui::screens::signoff::{self, SignOffState};
use guantong::tui::script::{answer_keys, current_fact};
use guantong::tui::{App, Clock, Kind, Screen, Theme};
use guantong::value::Value;
use jiff::civil::date;

fn app(lang: Lang) -> App {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    let clock = Clock {
        today: date(2026, 6, 15),
        now: "2026-06-15T02:30:00Z".parse().unwrap(),
    };
    App::new(q, lang, Theme::default(), clock)
}

/// The sign-off screen's state (the test fails when another screen shows).
fn so(a: &mut App) -> &mut SignOffState {
    match &mut a.screen {
        Screen::SignOff(s) => s,
        other => panic!("not on the sign-off: {:?}", other.kind()),
    }
}

fn review(a: &mut App) -> &mut Review {
    match &mut a.screen {
        Screen::Review(r) => r,
        other => panic!("not on the review: {:?}", other.kind()),
    }
}

fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    let mut fx = Vec::new();
    for m in msgs {
        fx.extend(app.update(m));
    }
    fx
}

/// Answer the questions in order; each must be the one on screen.
fn script(app: &mut App, steps: &[(&str, &str)]) -> Vec<Effect> {
    let mut fx = Vec::new();
    for (fact, value) in steps {
        assert_eq!(current_fact(app), Some(*fact), "expected question {fact}");
        let keys = answer_keys(app, value);
        fx.extend(send(app, keys));
    }
    fx
}

const S2T: &[(&str, &str)] = tui_common::EXAMPLE_S2T;

fn start(app: &mut App) {
    assert_eq!(app.kind(), Kind::Home);
    let fx = app.update(Msg::Enter);
    assert!(fx.is_empty());
    assert_eq!(app.kind(), Kind::Question);
}

#[test]
fn skill_to_title_end_to_end_with_sign_off() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    let fx = script(&mut a, S2T);
    // Every answer is saved to the draft as it is given.
    let saves = fx
        .iter()
        .filter(|e| matches!(e, Effect::SaveDraft { .. }))
        .count();
    assert_eq!(saves, S2T.len());
    match fx.last() {
        Some(Effect::SaveDraft {
            answers, followed, ..
        }) => {
            assert_eq!(answers.get("skill_level"), Some(&Value::str("level3")));
            // Enter on the years the certificate date gives: they follow it.
            assert!(!answers.contains_key("skill_work_break_months"));
            assert!(followed.iter().any(|f| f == "skill_work_break_months"));
        }
        other => panic!("last effect {other:?}"),
    }
    // The first save creates the draft; the store's id comes back.
    assert!(matches!(&fx[0], Effect::SaveDraft { id: None, .. }));
    a.update(Msg::DraftSaved("d1".into()));
    assert_eq!(a.kind(), Kind::Outcome);
    assert_eq!(a.iv.ev.status, Status::Eligible);
    assert_eq!(
        a.iv.ev.result(&a.iv.q, "level").and_then(Value::as_str),
        Some("assistant")
    );
    // Sign-off: name prefilled from the interview.
    a.update(Msg::Char('s'));
    assert_eq!(a.kind(), Kind::SignOff);
    assert_eq!(so(&mut a).name.value(), "张三");
    // Submitting without the confirmations is refused with a message.
    so(&mut a).focus = signoff::SUBMIT;
    assert!(a.update(Msg::Enter).is_empty());
    assert!(so(&mut a).error.is_some());
    // An ID number that disagrees with the birth date and sex answered is refused.
    so(&mut a).focus = signoff::ID;
    send(&mut a, "11010519491231002X".chars().map(Msg::Char));
    send(
        &mut a,
        [Msg::Tab, Msg::Char(' '), Msg::Tab, Msg::Char(' '), Msg::Tab],
    );
    assert!(a.update(Msg::Enter).is_empty());
    assert_eq!(so(&mut a).focus, signoff::ID);
    assert!(so(&mut a).error.is_some());
    // The right one, then submit.
    so(&mut a).id = guantong::tui::widgets::text_input::TextInput::new("451021198805200011");
    so(&mut a).focus = signoff::SUBMIT;
    // First the store is asked for earlier cases of the applicant; none: signed.
    let fx = a.update(Msg::Enter);
    let [Effect::FindEarlier(asked)] = fx.as_slice() else {
        panic!("expected the earlier cases asked for, got {fx:?}");
    };
    let asked = asked.clone();
    let fx = a.update(Msg::Earlier(vec![]));
    let [Effect::SignOff(req)] = fx.as_slice() else {
        panic!("expected a sign-off, got {fx:?}");
    };
    assert_eq!(req, &asked);
    assert_eq!(req.applicant_name, "张三");
    assert_eq!(req.applicant_id.as_deref(), Some("451021198805200011"));
    assert_eq!(req.draft_id.as_deref(), Some("d1"));
    // The ID number given at sign-off is recorded as the fact, and every default with the
    // value it gave.
    assert_eq!(req.answers.len(), S2T.len());
    assert_eq!(
        req.answers.get("skill_work_break_months"),
        Some(&Value::Int(0))
    );
    assert_eq!(
        req.answers.get("id_number"),
        Some(&Value::str("451021198805200011"))
    );
    a.update(Msg::SignedOff("BS-2026-000001".into()));
    assert_eq!(a.kind(), Kind::Signed);
    assert_eq!(
        a.update(Msg::Char('p')),
        vec![Effect::WritePrintable("BS-2026-000001".into())]
    );
    a.update(Msg::Written("/tmp/x.html".into()));
    assert!(
        a.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("/tmp/x.html"))
    );
    a.update(Msg::Enter);
    assert_eq!(a.kind(), Kind::Home);
}

#[test]
fn title_to_skill_pathway() {
    let mut a = app(Lang::En);
    start(&mut a);
    script(
        &mut a,
        &[
            ("applicant_name", "Li Si"),
            ("pathway", "title_to_skill"),
            ("interview_date", ""),
            ("id_number", ""),
            ("birth_date", "1985-01-01"),
            ("sex", "female"),
            ("original_retirement_age", "55"),
            ("assessment_failed", "n"),
            ("under_sanction", "n"),
            ("title_level", "intermediate"),
            ("works_related_field", "y"),
            ("licensed_occupation", "not_required"),
            ("demerit_in_effect", "n"),
            ("integrity_record_in_effect", "n"),
            ("skill_cert_before_promotion", "n"),
            ("major_award", "n"),
            ("overseas_talent_degree", "none"),
            ("related_degree", "y"),
        ],
    );
    assert_eq!(a.kind(), Kind::Outcome);
    assert_eq!(a.iv.ev.status, Status::Eligible);
    assert_eq!(
        a.iv.ev.result(&a.iv.q, "level").and_then(Value::as_str),
        Some("level2")
    );
}

#[test]
fn qualification_exam_pathway_refers() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(
        &mut a,
        &[
            ("applicant_name", ""),
            ("pathway", "qualification_exam"),
            ("interview_date", ""),
            ("id_number", ""),
            ("birth_date", "1990-01-01"),
            ("sex", "male"),
            ("exam_field", "accounting"),
        ],
    );
    assert_eq!(a.kind(), Kind::Outcome);
    assert_eq!(a.iv.ev.status, Status::Refer);
    // Signing off is allowed for a decided case; an empty name is refused.
    a.update(Msg::Char('s'));
    assert_eq!(a.kind(), Kind::SignOff);
    so(&mut a).focus = signoff::SUBMIT;
    a.update(Msg::Enter);
    assert_eq!(so(&mut a).focus, signoff::NAME);
}

#[test]
fn back_keeps_answers_and_branch_changes_set_them_aside() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, &S2T[..12]);
    assert_eq!(current_fact(&a), Some("awards"));
    // Back with Esc, PgUp, and Left on a choice: nothing is lost, the earlier answer is
    // shown. (Left in a text field moves the cursor.)
    send(&mut a, [Msg::Back, Msg::PageUp, Msg::Left, Msg::Back]);
    assert_eq!(current_fact(&a), Some("skill_level"));
    a.update(Msg::Left);
    assert_eq!(current_fact(&a), Some("retired"));
    let qs = a.screen.question().unwrap();
    assert_eq!(qs.prefill, Prefill::Answer);
    // The optional ID number left empty is recorded as not given; the interview date and
    // the years follow their defaults.
    assert_eq!(a.iv.answers.len(), 10);
    assert_eq!(a.iv.answers.get("id_number"), Some(&Value::Null));
    assert_eq!(a.iv.followed.len(), 2);
    // Forward (PgDn, Right) keeps answers as they are.
    send(&mut a, [Msg::PageDown, Msg::Right]);
    assert_eq!(current_fact(&a), Some("skill_cert_date"));
    assert_eq!(a.iv.answers.len(), 10);
    assert_eq!(a.iv.followed.len(), 2);
    // Go back to the pathway and change it: the skill answers are set aside, not lost.
    while current_fact(&a) != Some("pathway") {
        a.update(Msg::Back);
    }
    let keys = answer_keys(&a, "qualification_exam");
    send(&mut a, keys);
    assert!(a.iv.answers.contains_key("skill_level"));
    let aside: Vec<u16> = a.iv.ev.set_aside().collect();
    let skill = a.iv.q.fact_index("skill_level").unwrap();
    assert!(aside.contains(&skill));
    a.update(Msg::Tab);
    assert_eq!(a.kind(), Kind::Review);
    let r = rows(&a.iv);
    assert!(r.contains(&(skill, RowKind::SetAside)));
    // A set-aside answer cannot be edited from the review.
    review(&mut a).sel = r.iter().position(|x| x.0 == skill).unwrap();
    a.update(Msg::Enter);
    assert_eq!(a.kind(), Kind::Review);
    assert!(a.notice.as_ref().is_some_and(|n| n.error));
    // Change the pathway back: the answers come back into play.
    review(&mut a).sel = r
        .iter()
        .position(|x| a.iv.q.facts[usize::from(x.0)].id == "pathway")
        .unwrap();
    a.update(Msg::Enter);
    assert_eq!(current_fact(&a), Some("pathway"));
    let keys = answer_keys(&a, "skill_to_title");
    send(&mut a, keys);
    assert_eq!(a.iv.ev.set_aside().count(), 0);
    assert_eq!(a.iv.answers.get("skill_level"), Some(&Value::str("level3")));
}

#[test]
fn defaults_are_prefilled_and_marked() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, &S2T[..2]);
    assert_eq!(current_fact(&a), Some("interview_date"));
    let qs = a.screen.question().unwrap();
    assert_eq!(qs.prefill, Prefill::Default);
    match &qs.editor {
        Editor::Field(f) => assert_eq!(f.input.value(), "2026-06-15"),
        e => panic!("{e:?}"),
    }
    script(&mut a, &S2T[2..11]);
    assert_eq!(current_fact(&a), Some("skill_work_break_months"));
    let qs = a.screen.question().unwrap();
    assert_eq!(qs.prefill, Prefill::Default);
    match &qs.editor {
        Editor::Field(f) => assert_eq!(f.input.value(), "0"),
        e => panic!("{e:?}"),
    }
    // The clerk may type over it.
    let keys = answer_keys(&a, "3");
    send(&mut a, keys);
    assert_eq!(
        a.iv.answers.get("skill_work_break_months"),
        Some(&Value::Int(3))
    );
}

#[test]
fn invalid_input_keeps_what_was_typed() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, &S2T[..3]);
    assert_eq!(current_fact(&a), Some("id_number"));
    // A bad check digit: the questionnaire's validation refuses it.
    send(&mut a, "451021199003020241".chars().map(Msg::Char));
    let fx = a.update(Msg::Enter);
    assert!(fx.is_empty(), "nothing saved: {fx:?}");
    assert_eq!(current_fact(&a), Some("id_number"));
    let qs = a.screen.question().unwrap();
    assert!(
        qs.error.as_deref().is_some_and(|e| e.contains("身份证")),
        "{:?}",
        qs.error
    );
    match &qs.editor {
        Editor::Field(f) => assert_eq!(f.input.value(), "451021199003020241"),
        e => panic!("{e:?}"),
    }
    assert!(!a.iv.answers.contains_key("id_number"));
    // Fix the last digit; the ID supplies birth date and sex as defaults.
    send(&mut a, [Msg::Backspace, Msg::Char('0'), Msg::Enter]);
    assert_eq!(current_fact(&a), Some("birth_date"));
    match &a.screen.question().unwrap().editor {
        Editor::Field(f) => assert_eq!(f.input.value(), "1990-03-02"),
        e => panic!("{e:?}"),
    }
    // A date that does not exist.
    let keys = answer_keys(&a, "2026-13-01");
    send(&mut a, keys);
    assert_eq!(current_fact(&a), Some("birth_date"));
    assert!(a.screen.question().unwrap().error.is_some());
    // A date that disagrees with the ID number.
    let keys = answer_keys(&a, "1990-03-03");
    send(&mut a, keys);
    assert_eq!(current_fact(&a), Some("birth_date"));
    assert!(a.screen.question().unwrap().error.is_some());
    // The 2026年6月15日 form is accepted.
    let keys = answer_keys(&a, "1990年3月2日");
    send(&mut a, keys);
    assert_eq!(current_fact(&a), Some("sex"));
    // The same date as the ID number gives: the answer follows the ID number.
    let bd = a.iv.q.fact_index("birth_date").unwrap();
    assert!(a.iv.follows(bd));
    assert_eq!(
        a.iv.ev.facts[usize::from(bd)].value.known(),
        Some(&Value::Date(date(1990, 3, 2)))
    );
}

#[test]
fn integer_input_is_checked() {
    let mut a = app(Lang::En);
    start(&mut a);
    script(&mut a, &S2T[..11]);
    let keys = answer_keys(&a, "abc");
    send(&mut a, keys);
    assert_eq!(current_fact(&a), Some("skill_work_break_months"));
    assert!(a.screen.question().unwrap().error.is_some());
}

/// The rule codes of the blockers announced under the question on screen.
fn announced(a: &App) -> Vec<&str> {
    let qs = a.screen.question().expect("a question");
    qs.blockers
        .iter()
        .map(|r| a.iv.q.rules[*r].code.as_str())
        .collect()
}

#[test]
fn blocker_offers_the_outcome() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, &S2T[..9]);
    let keys = answer_keys(&a, "level4");
    send(&mut a, keys);
    // The next question is on screen, the blocker announced under it; no key is taken.
    assert!(a.overlay.is_none());
    assert!(announced(&a).contains(&"not_high_skilled"));
    assert_eq!(a.iv.ev.status, Status::Ineligible);
    a.update(Msg::Outcome);
    assert_eq!(a.kind(), Kind::Outcome);
    // The clerk may go back and continue; the same blocker is not announced twice (a new
    // one is: no level is reached without awards).
    a.update(Msg::Back);
    assert_eq!(current_fact(&a), Some("awards"));
    let keys = answer_keys(&a, "");
    send(&mut a, keys);
    assert_eq!(announced(&a), ["insufficient_experience"]);
    assert_eq!(current_fact(&a), Some("title_series"));
    // The announcement lasts until the next answer.
    let keys = answer_keys(&a, "engineering");
    send(&mut a, keys);
    assert!(announced(&a).is_empty());
}

#[test]
fn help_quotes_the_article() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, &S2T[..9]);
    assert_eq!(current_fact(&a), Some("skill_level"));
    a.update(Msg::Char('?'));
    assert!(matches!(a.overlay, Some(Overlay::Help(_))));
    let f = a.iv.q.fact("skill_level").unwrap();
    let (_, article) = a.iv.q.article(&f.cite).expect("article");
    let lines = guantong::tui::screens::help::lines(&a.iv, &a.screen, &a.theme, 2000);
    let text: String = lines.iter().map(|l| l.0.as_str()).collect();
    let first: String = article.trim().chars().take(20).collect();
    assert!(text.contains(&first), "help lacks the article text");
    a.update(Msg::Back);
    assert!(a.overlay.is_none());
    assert_eq!(current_fact(&a), Some("skill_level"));
    // F1 in a text field; `?` there is typed when the field has text.
    script(&mut a, &S2T[9..10]);
    assert_eq!(current_fact(&a), Some("skill_cert_date"));
    a.update(Msg::Char('x'));
    a.update(Msg::Char('?'));
    assert!(a.overlay.is_none());
    a.update(Msg::Help);
    assert!(matches!(a.overlay, Some(Overlay::Help(_))));
}

#[test]
fn review_jumps_to_edit_and_returns() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, S2T);
    assert_eq!(a.kind(), Kind::Outcome);
    a.update(Msg::Char('r'));
    assert_eq!(a.kind(), Kind::Review);
    let r = rows(&a.iv);
    let idx = r
        .iter()
        .position(|x| a.iv.q.facts[usize::from(x.0)].id == "works_in_baise")
        .unwrap();
    for _ in 0..idx {
        a.update(Msg::Down);
    }
    a.update(Msg::Enter);
    assert_eq!(current_fact(&a), Some("works_in_baise"));
    let keys = answer_keys(&a, "n");
    send(&mut a, keys);
    // Back on the review (the blocker offer is not made off the question screen).
    assert_eq!(a.kind(), Kind::Review);
    assert_eq!(a.iv.ev.status, Status::Ineligible);
}

#[test]
fn text_input_takes_cjk_keys_and_paste() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    send(
        &mut a,
        [
            Msg::Char('王'),
            Msg::Paste("小明\n".into()),
            Msg::Left,
            Msg::Char('·'),
        ],
    );
    match &a.screen.question().unwrap().editor {
        Editor::Field(f) => {
            assert_eq!(f.input.value(), "王小·明");
            assert_eq!(f.input.cursor_width(), 2 + 2 + 1);
        }
        e => panic!("{e:?}"),
    }
    a.update(Msg::Enter);
    assert_eq!(a.iv.applicant_name(), Some("王小·明"));
}

#[test]
fn incomplete_cannot_be_signed_and_ctrl_o_shows_outcome() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    script(&mut a, &S2T[..4]);
    a.update(Msg::Outcome);
    assert_eq!(a.kind(), Kind::Outcome);
    assert_eq!(a.iv.ev.status, Status::Incomplete);
    a.update(Msg::Char('s'));
    assert_eq!(a.kind(), Kind::Outcome);
    assert!(a.notice.as_ref().is_some_and(|n| n.error));
    a.update(Msg::Back);
    assert_eq!(current_fact(&a), Some("birth_date"));
}

#[test]
fn quit_saves_the_draft_and_resume_continues() {
    let mut a = app(Lang::Zh);
    start(&mut a);
    let fx = script(&mut a, &S2T[..5]);
    assert_eq!(fx.len(), 5);
    let fx = a.update(Msg::Quit);
    assert!(a.quit);
    let Some(Effect::SaveDraft {
        answers,
        followed,
        current,
        ..
    }) = fx.first()
    else {
        panic!("{fx:?}");
    };
    assert_eq!(current.as_deref(), Some("sex"));
    // The interview date was taken as shown: it follows today's date, not a fixed value.
    assert_eq!(followed, &["interview_date".to_string()]);
    assert!(!answers.contains_key("interview_date"));
    assert_eq!(fx.last(), Some(&Effect::Quit));
    // A new process resumes the draft.
    let mut b = app(Lang::Zh);
    // A digit selects; Enter acts.
    assert!(b.update(Msg::Char('2')).is_empty());
    assert_eq!(b.update(Msg::Enter), vec![Effect::LoadDrafts]);
    assert_eq!(b.kind(), Kind::Drafts);
    b.update(Msg::Drafts(vec![DraftRow {
        id: "d9".into(),
        updated: "2026-06-15 10:30".into(),
        name: Some("张*".into()),
        answered: 5,
        in_use: None,
        questionnaire: "baise-interconnection".into(),
        questionnaire_title: "百色".into(),
    }]));
    assert_eq!(b.update(Msg::Enter), vec![Effect::LoadDraft("d9".into())]);
    b.update(Msg::DraftLoaded(Box::new(LoadedDraft {
        id: "d9".into(),
        answers: answers.clone(),
        followed: followed.clone(),
        current: current.clone(),
        aside: Default::default(),
        under: None,
        questionnaire_changed: false,
        renamed: vec![],
    })));
    assert_eq!(current_fact(&b), Some("sex"));
    assert_eq!(b.iv.draft_id.as_deref(), Some("d9"));
    assert!(b.iv.follows(b.iv.q.fact_index("interview_date").unwrap()));
    let keys = answer_keys(&b, "male");
    let fx = send(&mut b, keys);
    assert!(matches!(&fx[0], Effect::SaveDraft { id: Some(id), .. } if id == "d9"));
}

#[test]
fn drafts_discard_needs_two_presses() {
    let mut a = app(Lang::Zh);
    send(&mut a, [Msg::Char('2'), Msg::Enter]);
    a.update(Msg::Drafts(vec![DraftRow {
        id: "d1".into(),
        updated: "2026-06-15 10:30".into(),
        name: None,
        answered: 1,
        in_use: None,
        questionnaire: "baise-interconnection".into(),
        questionnaire_title: "百色".into(),
    }]));
    assert!(a.update(Msg::Char('x')).is_empty());
    assert_eq!(
        a.update(Msg::Char('x')),
        vec![Effect::DiscardDraft("d1".into()), Effect::LoadDrafts]
    );
}

#[test]
fn home_quit_and_cases() {
    let mut a = app(Lang::Zh);
    assert!(a.update(Msg::Char('3')).is_empty());
    assert_eq!(a.update(Msg::Enter), vec![Effect::LoadCases]);
    a.update(Msg::Cases(vec![CaseRow {
        number: "BS-2026-000001".into(),
        date: "2026-06-15".into(),
        name: "张*".into(),
        status: "符合".into(),
        level: "助理级".into(),
        questionnaire: "baise-interconnection".into(),
        questionnaire_title: "百色".into(),
    }]));
    assert_eq!(
        a.update(Msg::Enter),
        vec![Effect::LoadCase("BS-2026-000001".into())]
    );
    a.update(Msg::CaseLoaded {
        number: "BS-2026-000001".into(),
        text: "案件 BS-2026-000001".into(),
    });
    assert_eq!(a.kind(), Kind::CaseView);
    assert_eq!(
        a.update(Msg::Char('p')),
        vec![Effect::WritePrintable("BS-2026-000001".into())]
    );
    a.update(Msg::Back);
    a.update(Msg::Back);
    assert_eq!(a.kind(), Kind::Home);
    assert_eq!(a.update(Msg::Char('q')), vec![Effect::Quit]);
    assert!(a.quit);
}
