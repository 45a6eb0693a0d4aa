//! Every screen drawn with ratatui's `TestBackend`, at 80x24 in Chinese and English and at
//! 60x20, compared with the committed snapshots in `tests/snapshots/`. The clock is fixed
//! (2026-06-15) so nothing volatile reaches the screen. Also: the side panel at 100+
//! columns, the too-small notice, resizes, ASCII borders and NO_COLOR styles.

mod tui_common;

use guantong::questionnaire;
use guantong::text::Lang;
use guantong::tui::interview::Choice;
use guantong::tui::msg::{CaseRow, DraftRow, EarlierRow, Found, FoundRow, InUse, LoadedDraft, Msg};
use guantong::tui::screens::first_run::FirstRun;
use guantong::tui::script::{answer_keys, current_fact};
use guantong::tui::{App, Clock, Screen, Theme, view};
use jiff::civil::date;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

fn app_with(lang: Lang, theme: Theme) -> App {
    let q = questionnaire::embedded().expect("embedded questionnaire loads");
    let clock = Clock {
        today: date(2026, 6, 15),
        now: "2026-06-15T02:30:00Z".parse().unwrap(),
    };
    App::new(q, lang, theme, clock)
}

fn app(lang: Lang) -> App {
    app_with(lang, Theme::default())
}

fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        app.update(m);
    }
}

const S2T: &[(&str, &str)] = tui_common::EXAMPLE_S2T;

/// Start an interview and answer until `stop` is the question on screen.
fn until(app: &mut App, stop: &str) {
    app.update(Msg::Enter);
    for (fact, value) in S2T {
        if *fact == stop {
            return;
        }
        assert_eq!(current_fact(app), Some(*fact));
        let keys = answer_keys(app, value);
        send(app, keys);
    }
}

/// The buffer as text: wide characters once, trailing blanks trimmed.
fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            x += (sym.width() as u16).max(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(app, f)).unwrap();
    t.backend().buffer().clone()
}

/// How a screen is reached from a fresh app.
type Setup = fn(&mut App);

/// Each screen, set up from a fresh app.
fn screens() -> Vec<(&'static str, Setup)> {
    vec![
        ("home", |_a| {}),
        ("question_choice", |a| until(a, "pathway")),
        ("question_text_cjk", |a| {
            a.update(Msg::Enter);
            send(
                a,
                [Msg::Char('张'), Msg::Char('三'), Msg::Char('丰'), Msg::Left],
            );
        }),
        ("question_date_default", |a| until(a, "interview_date")),
        ("question_id_number", |a| {
            until(a, "id_number");
            send(a, "４５１０ ２１".chars().map(Msg::Char));
        }),
        ("question_multi", |a| {
            until(a, "awards");
            send(a, [Msg::Down, Msg::Char(' '), Msg::Down]);
        }),
        ("question_error", |a| {
            until(a, "birth_date");
            send(a, "2026-13-01".chars().map(Msg::Char));
            a.update(Msg::Enter);
        }),
        ("question_bool", |a| until(a, "retired")),
        ("help", |a| {
            until(a, "skill_level");
            a.update(Msg::Help);
        }),
        ("blocker_offer", |a| {
            until(a, "skill_level");
            let keys = answer_keys(a, "level4");
            send(a, keys);
        }),
        ("review_set_aside", |a| {
            until(a, "title_series");
            while current_fact(a) != Some("pathway") {
                a.update(Msg::Back);
            }
            let keys = answer_keys(a, "qualification_exam");
            send(a, keys);
            a.update(Msg::Tab);
        }),
        ("outcome_eligible", |a| until(a, "")),
        ("outcome_scrolled", |a| {
            until(a, "");
            send(a, [Msg::PageDown, Msg::Down]);
        }),
        ("outcome_ineligible", |a| {
            until(a, "works_in_baise");
            let keys = answer_keys(a, "n");
            send(a, keys);
            a.update(Msg::Outcome);
        }),
        ("signoff", |a| {
            until(a, "");
            a.update(Msg::Char('s'));
            a.update(Msg::Tab);
        }),
        ("signoff_error", |a| {
            until(a, "");
            a.update(Msg::Char('s'));
            send(a, [Msg::Tab, Msg::Tab, Msg::Tab, Msg::Tab, Msg::Enter]);
        }),
        ("signoff_earlier_case", |a| {
            until(a, "");
            a.update(Msg::Char('s'));
            send(
                a,
                [
                    Msg::Tab,
                    Msg::Tab,
                    Msg::Char(' '),
                    Msg::Tab,
                    Msg::Char(' '),
                    Msg::Tab,
                    Msg::Enter,
                ],
            );
            a.update(Msg::Earlier(vec![EarlierRow {
                note: None,
                number: "BS-2026-000003".into(),
                status: "符合".into(),
                level: "助理级职称".into(),
                clerk: "李四".into(),
                date: "2026-06-10".into(),
            }]));
        }),
        ("signed", |a| {
            until(a, "");
            a.update(Msg::Char('s'));
            a.update(Msg::SignedOff("BS-2026-000001".into()));
            a.update(Msg::Written(
                "/home/clerk/.local/share/guantong/printouts/BS-2026-000001.html".into(),
            ));
        }),
        ("drafts", |a| {
            send(a, [Msg::Char('2'), Msg::Enter]);
            a.update(Msg::Drafts(vec![
                DraftRow {
                    id: "a1".into(),
                    updated: "2026-06-15 10:30:41".into(),
                    name: Some("张三".into()),
                    answered: 12,
                    in_use: None,
                    amends: Some("BS-2026-000001".into()),
                    questionnaire: "baise-interconnection".into(),
                    questionnaire_title: "百色".into(),
                },
                DraftRow {
                    id: "b2".into(),
                    updated: "2026-06-14 16:05:09".into(),
                    name: None,
                    answered: 3,
                    in_use: Some(InUse {
                        who: "lisi".into(),
                        since: "2026-06-15 09:12:05".into(),
                    }),
                    amends: None,
                    // another questionnaire's draft names it
                    questionnaire: "example-flexible-employment-subsidy".into(),
                    questionnaire_title: "示例：灵活就业补贴".into(),
                },
            ]));
        }),
        ("cases", |a| {
            send(a, [Msg::Char('3'), Msg::Enter]);
            a.update(Msg::Cases(vec![
                CaseRow {
                    number: "BS-2026-000002".into(),
                    date: "2026-06-15".into(),
                    name: "张三".into(),
                    status: "符合".into(),
                    level: "助理级".into(),
                    correction: "更正 BS-2026-000001".into(),
                    questionnaire: "baise-interconnection".into(),
                    questionnaire_title: "百色".into(),
                },
                CaseRow {
                    number: "BS-2026-000001".into(),
                    date: "2026-06-14".into(),
                    name: "李小龙".into(),
                    status: "不符合".into(),
                    level: String::new(),
                    correction: "已更正为 BS-2026-000002".into(),
                    questionnaire: "example-flexible-employment-subsidy".into(),
                    questionnaire_title: "示例：灵活就业补贴".into(),
                },
            ]));
        }),
        ("case_view", |a| {
            send(a, [Msg::Char('3'), Msg::Enter]);
            a.update(Msg::Cases(vec![]));
            a.update(Msg::CaseLoaded {
                number: "BS-2026-000002".into(),
                text: "案件 BS-2026-000002\n申请人: 张三\n结论: 符合\n可申报等级: 助理级".into(),
            });
        }),
        ("search_hint", |a| {
            a.update(Msg::Char('/'));
        }),
        ("search", |a| {
            a.update(Msg::Char('/'));
            send(a, "0017".chars().map(Msg::Char));
            a.update(Msg::Found {
                query: "0017".into(),
                rows: found_rows(),
            });
            a.update(Msg::Down);
        }),
        ("case_view_full", |a| {
            a.update(Msg::Char('/'));
            send(a, "0017".chars().map(Msg::Char));
            a.update(Msg::Found {
                query: "0017".into(),
                rows: found_rows(),
            });
            a.update(Msg::Enter);
            a.update(Msg::CaseLoaded {
                number: "BS-451002-2026-000003".into(),
                text: "案件 BS-451002-2026-000003（已更正，见 BS-451002-2026-000004）\n申请人: 韦小宝\n身份证号码: 450102199001010017\n已更正为: BS-451002-2026-000004"
                    .into(),
            });
        }),
        ("print_menu", |a| {
            send(a, [Msg::Char('3'), Msg::Enter]);
            a.update(Msg::Cases(vec![]));
            a.update(Msg::CaseLoaded {
                number: "BS-451002-2026-000003".into(),
                text: "案件 BS-451002-2026-000003\n申请人: 韦小宝".into(),
            });
            a.printer = Some("office-1".into());
            a.update(Msg::Char('p'));
        }),
        ("correction_review", |a| {
            let mut b = app(a.iv.lang);
            until(&mut b, "");
            send(a, [Msg::Char('3'), Msg::Enter]);
            a.update(Msg::Cases(vec![]));
            a.update(Msg::CaseLoaded {
                number: "BS-451002-2026-000003".into(),
                text: "案件 BS-451002-2026-000003\n申请人: 张三".into(),
            });
            a.update(Msg::Char('c'));
            a.update(Msg::DraftLoaded(Box::new(LoadedDraft {
                id: "c1".into(),
                answers: b.iv.answers.clone(),
                followed: b.iv.followed.iter().cloned().collect(),
                current: None,
                aside: Default::default(),
                under: None,
                questionnaire_changed: false,
                renamed: vec![],
                amends: Some("BS-451002-2026-000003".into()),
            })));
        }),
        ("signed_correction", |a| {
            until(a, "");
            a.iv.amends = Some("BS-451002-2026-000003".into());
            a.update(Msg::Char('s'));
            a.update(Msg::SignedOff("BS-451002-2026-000004".into()));
        }),
        ("first_run", |a| {
            a.screen = Screen::FirstRun(FirstRun::new("", "451002", ""));
        }),
        ("first_run_error", |a| {
            a.screen = Screen::FirstRun(FirstRun::new("", "", ""));
            send(a, "李四".chars().map(Msg::Char));
            a.update(Msg::Enter);
            send(a, "4510".chars().map(Msg::Char));
            send(a, [Msg::Enter, Msg::Enter]);
        }),
        // several questionnaires: home offers the choice, and the choice itself
        ("home_choices", |a| with_choices(a)),
        ("choose", |a| {
            with_choices(a);
            send(a, [Msg::Char('4'), Msg::Enter]);
        }),
    ]
}

/// Search results: a case (corrected), its correction, a draft.
fn found_rows() -> Vec<FoundRow> {
    vec![
        FoundRow {
            found: Found::Case("BS-451002-2026-000004".into()),
            when: "2026-06-15".into(),
            name: "韦小宝".into(),
            id_number: "450102199001010017".into(),
            status: "符合".into(),
            summary: "助理级职称".into(),
            clerk: "李四".into(),
            note: "更正 BS-451002-2026-000003".into(),
        },
        FoundRow {
            found: Found::Case("BS-451002-2026-000003".into()),
            when: "2026-06-14".into(),
            name: "韦小宝".into(),
            id_number: "450102199001010017".into(),
            status: "不符合".into(),
            summary: String::new(),
            clerk: "王小明".into(),
            note: "已更正为 BS-451002-2026-000004".into(),
        },
        FoundRow {
            found: Found::Draft("d7".into()),
            when: "2026-06-13 16:05:09".into(),
            name: "韦小宝".into(),
            id_number: "450102199001010017".into(),
            status: "草稿 已答 9 项".into(),
            summary: String::new(),
            clerk: "lisi".into(),
            note: String::new(),
        },
    ]
}

/// The catalogue of an office with the example questionnaire beside the embedded one.
fn with_choices(a: &mut App) {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("questionnaires/examples/flexible-employment-subsidy.toml");
    let example = questionnaire::load_file(&example).expect("the example loads");
    a.iv.choices = vec![Choice::of(&a.iv.q), Choice::of(&example)];
}

#[test]
fn every_screen_at_80x24_and_60x20() {
    for (name, setup) in screens() {
        for (lang, w, h) in [(Lang::Zh, 80, 24), (Lang::En, 80, 24), (Lang::Zh, 60, 20)] {
            let mut a = app(lang);
            setup(&mut a);
            let buf = draw(&a, w, h);
            let snap = format!("{name}_{}_{w}x{h}", lang.code());
            insta::assert_snapshot!(snap, text(&buf));
        }
    }
}

#[test]
fn side_panel_at_100_columns() {
    let mut a = app(Lang::Zh);
    until(&mut a, "works_in_baise");
    let keys = answer_keys(&a, "n");
    send(&mut a, keys);
    let buf = draw(&a, 110, 30);
    insta::assert_snapshot!("side_panel_zh_110x30", text(&buf));
}

#[test]
fn side_panel_reads_missing_findings_and_the_timeline() {
    // incomplete: what is still missing, as much as fits, then how many more
    let mut a = app(Lang::Zh);
    until(&mut a, "retired");
    let s = text(&draw(&a, 110, 30));
    insta::assert_snapshot!("side_panel_incomplete_zh_110x30", s);
    assert!(s.contains("尚缺"), "{s}");
    assert!(s.contains("还有") || !s.contains('v'), "{s}");
    // eligible: the timeline read aloud, the level, the notes
    let mut a = app(Lang::Zh);
    until(&mut a, "");
    let s = text(&draw(&a, 110, 30));
    insta::assert_snapshot!("side_panel_eligible_zh_110x30", s);
    assert!(s.contains("可于 2026-06-15 至"), "{s}");
}

#[test]
fn too_small_and_resizes_never_panic() {
    let mut a = app(Lang::Zh);
    let buf = draw(&a, 59, 19);
    assert!(text(&buf).contains("窗口太小 / window too small"));
    insta::assert_snapshot!("too_small_59x19", text(&buf));
    // Every screen at every size from 1x1 up, including resizes mid-question.
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    for (_, setup) in screens() {
        a = app(Lang::Zh);
        setup(&mut a);
        for (w, h) in [
            (1, 1),
            (0, 0),
            (10, 3),
            (59, 20),
            (60, 19),
            (60, 20),
            (61, 21),
            (80, 24),
            (100, 20),
            (200, 60),
            (60, 20),
        ] {
            t.backend_mut().resize(w, h);
            t.autoresize().unwrap();
            t.draw(|f| view::draw(&a, f)).unwrap();
        }
        // A grid of sizes around and above the minimum, every screen.
        for w in (55..=130).step_by(3) {
            for h in (15..=45).step_by(2) {
                let area = ratatui::layout::Rect::new(0, 0, w, h);
                let mut buf = Buffer::empty(area);
                view::render(&a, area, &mut buf);
            }
        }
        // Keys still work after the resizes.
        a.update(Msg::Resize(80, 24));
        a.update(Msg::Down);
        t.draw(|f| view::draw(&a, f)).unwrap();
    }
}

#[test]
fn nothing_essential_is_cut_at_60x20() {
    // The question, its input, the status and the keys all show at 60x20.
    let mut a = app(Lang::Zh);
    until(&mut a, "skill_level");
    let s = text(&draw(&a, 60, 20));
    assert!(s.contains("5. 高级技师（一级）"), "{s}");
    assert!(s.contains("评估：待定"), "{s}");
    assert!(s.contains("Enter 确认"), "{s}");
    // The outcome can be scrolled to its end.
    let mut a = app(Lang::Zh);
    until(&mut a, "");
    let mut last = String::new();
    for _ in 0..40 {
        a.update(Msg::PageDown);
        last = text(&draw(&a, 60, 20));
    }
    let lines = guantong::tui::screens::outcome::lines(&a.iv, &a.theme, 57);
    let final_line = lines.last().unwrap().0.trim().to_string();
    assert!(
        last.contains(final_line.as_str()),
        "end of outcome not reachable: {last}"
    );
}

#[test]
fn ascii_borders_and_no_color() {
    let mut a = app_with(
        Lang::Zh,
        Theme {
            color: false,
            ascii: true,
        },
    );
    until(&mut a, "applicant_name");
    let buf = draw(&a, 80, 24);
    let s = text(&buf);
    insta::assert_snapshot!("ascii_question_text_zh_80x24", s);
    // No box-drawing characters anywhere; no colour in any cell.
    assert!(
        !s.chars().any(|c| ('\u{2500}'..='\u{257F}').contains(&c)),
        "{s}"
    );
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset);
        assert_eq!(cell.bg, Color::Reset);
    }
    // Focus shows without colour: reverse video and a `>` marker (the first arrow selects:
    // nothing is selected before).
    a.update(Msg::Enter);
    assert!(!text(&draw(&a, 80, 24)).contains("> 1."));
    a.update(Msg::Down);
    let buf = draw(&a, 80, 24);
    let s = text(&buf);
    let row = s.lines().position(|l| l.contains("> 1.")).expect("marker");
    let x = buf.area.x + 1;
    assert!(buf[(x, row as u16)].modifier.contains(Modifier::REVERSED));
}
