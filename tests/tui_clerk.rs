//! The clerk's day in the wizard, against a real store (issue 9): find anyone from the
//! home screen (by part of the ID number, the name, a short case number, a date; cases and
//! drafts, the full name and ID), correct a signed case (a draft with the signed answers,
//! signed as amending the original, which then says so), the print menu (its last choice
//! remembered; the HTML receipt; the printer through a fake `lp`), the first-run screen
//! writing the config file, and lists whose every row has a number that selects it.
//! Every effect runs as the terminal loop runs it, sign-off included (a fixed key).

mod store_common;

use std::collections::VecDeque;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use guantong::case::{CaseFilter, OfficeCode, SignOff, Store};
use guantong::config::PrintTo;
use guantong::eval::input;
use guantong::questionnaire::{self, Questionnaire};
use guantong::text::Lang;
use guantong::tui::exec::Executor;
use guantong::tui::msg::{DraftRow, Effect, Found, Msg};
use guantong::tui::screens::Overlay;
use guantong::tui::screens::first_run::{self, FirstRun};
use guantong::tui::{App, Clock, Kind, Screen, Theme};
use jiff::civil::date;
use store_common::{fixed_config, use_config};

/// One config directory with a fixed signing key for every test of this file.
fn key_dir() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let cfg = fixed_config(&dir);
        use_config(&cfg);
        cfg
    })
}

fn q() -> Questionnaire {
    questionnaire::embedded().unwrap()
}

fn clock() -> Clock {
    Clock {
        today: date(2026, 6, 15),
        now: "2026-06-15T02:30:00Z".parse().unwrap(),
    }
}

const S2T: &str = "
pathway = \"skill_to_title\"
interview_date = 2026-06-15
birth_date = 1988-05-20
sex = \"male\"
retired = false
assessment_failed = false
under_sanction = false
skill_level = \"level3\"
skill_cert_date = 2022-03-01
skill_work_break_months = 0
title_series = \"engineering\"
specialty_matches = true
meets_industry_standard = true
works_in_baise = true
employment = \"employed\"
awards = []
fraud_findings = 0
title_revoked = false
same_level_other_application = false
continuing_ed_done = true
technical_school_class = \"none\"
on_post_3_years = true
";

fn open(data: &Path) -> Store {
    let mut s = Store::open(data).unwrap();
    s.set_office(Some(OfficeCode::parse("451002").unwrap()));
    s
}

/// Sign a case of `name` (with `id`, if any) straight into the store.
fn sign(store: &Store, name: &str, id: Option<&str>) -> String {
    key_dir();
    let q = q();
    let mut src = format!("[facts]\n{S2T}\napplicant_name = \"{name}\"\n");
    if let Some(id) = id {
        src.push_str(&format!("id_number = \"{id}\"\n"));
    }
    let answers = input::parse_answers(&q, "a.toml", &src, date(2026, 6, 15)).unwrap();
    let now: jiff::Timestamp = "2026-06-15T02:00:00Z".parse().unwrap();
    store
        .sign_off(&SignOff {
            questionnaire: &q,
            answers,
            applicant_name: name.into(),
            applicant_id: id.map(str::to_string),
            pledge_confirmed_at: now,
            clerk_display_name: Some("王小明".into()),
            notes: None,
            amends: None,
            draft_id: None,
            now,
            today: date(2026, 6, 15),
        })
        .unwrap()
        .number
}

/// The wizard and a real store; every effect runs, its reply fed back, as in the run loop.
struct Rig {
    app: App,
    ex: Executor,
    dir: tempfile::TempDir,
}

impl Rig {
    fn new() -> Rig {
        key_dir();
        let dir = tempfile::tempdir().unwrap();
        let ex = Executor::new(
            open(&dir.path().join("data")),
            Lang::Zh,
            clock().today,
            None,
        );
        Rig {
            app: App::new(q(), Lang::Zh, Theme::default(), clock()),
            ex,
            dir,
        }
    }

    fn store(&self) -> Store {
        open(&self.dir.path().join("data"))
    }

    fn send(&mut self, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
        let mut all = Vec::new();
        for m in msgs {
            let mut queue = VecDeque::from([m]);
            while let Some(m) = queue.pop_front() {
                for fx in self.app.update(m) {
                    all.push(fx.clone());
                    if let Some(reply) = self.ex.run(&self.app.iv.q, fx) {
                        queue.push_back(reply);
                    }
                }
            }
        }
        all
    }

    fn typed(&mut self, s: &str) {
        self.send(s.chars().map(Msg::Char));
    }

    fn notice(&self) -> String {
        self.app
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }

    /// The search results on screen.
    fn found(&self) -> Vec<(Found, String, String)> {
        let Screen::Search(s) = &self.app.screen else {
            panic!("not on the search: {:?}", self.app.kind());
        };
        s.rows
            .iter()
            .flatten()
            .map(|r| (r.found.clone(), r.name.clone(), r.id_number.clone()))
            .collect()
    }

    /// Type a new query into the search (clearing the old one).
    fn search(&mut self, query: &str) {
        self.send([Msg::End, Msg::KillToStart]);
        self.typed(query);
    }
}

fn case(n: &str) -> Found {
    Found::Case(n.to_string())
}

#[test]
fn search_finds_cases_and_drafts_in_full_newest_first() {
    let mut r = Rig::new();
    let store = r.store();
    let zhang = sign(&store, "张三", Some("451021198805200011"));
    let wang = sign(&store, "王五", None);
    // a draft of a returning applicant, begun and left
    r.send([Msg::Enter]);
    r.typed("韦小宝");
    r.send([Msg::Enter, Msg::Quit]);
    r.app.quit = false;
    r.app.screen = Screen::Home(Default::default());
    // the drafts list: the name in full (the clerk's own screen)
    r.send([Msg::Char('2'), Msg::Enter]);
    let Screen::Drafts(d) = &r.app.screen else {
        panic!("{:?}", r.app.kind())
    };
    assert_eq!(d.rows.as_ref().unwrap()[0].name.as_deref(), Some("韦小宝"));
    // and so the recent cases
    r.send([Msg::Back, Msg::Char('3'), Msg::Enter]);
    let Screen::Cases(c) = &r.app.screen else {
        panic!("{:?}", r.app.kind())
    };
    assert_eq!(c.rows.as_ref().unwrap()[1].name, "张三");
    r.send([Msg::Back]);
    // `/` from home: the search, the query in focus
    r.send([Msg::Char('/')]);
    assert_eq!(r.app.kind(), Kind::Search);
    assert!(r.app.screen.text_focused());
    // any part of the ID number: the full name and ID on the clerk's screen
    r.search("0011");
    assert_eq!(
        r.found(),
        [(
            case(&zhang),
            "张三".to_string(),
            "451021198805200011".to_string()
        )]
    );
    // full-width digits and spaces inside an ID number are read as typed at the counter
    r.search("００ 11");
    assert_eq!(r.found().len(), 1);
    // a short form of the number
    r.search("2");
    assert!(
        r.found().iter().any(|f| f.0 == case(&wang)),
        "{:?}",
        r.found()
    );
    r.search("bs-2026-1");
    assert_eq!(r.found()[0].0, case(&zhang));
    // the name: the draft too
    r.search("韦小");
    let found = r.found();
    assert_eq!(found.len(), 1);
    assert!(matches!(found[0].0, Found::Draft(_)), "{found:?}");
    // a date: the cases interviewed that day, newest first
    r.search("2026年6月15日");
    assert_eq!(
        r.found().iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
        [case(&wang), case(&zhang)]
    );
    // nothing
    r.search("赵六");
    assert!(r.found().is_empty());
    // Enter opens the case, in full
    r.search("0011");
    r.send([Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::CaseView);
    let Screen::CaseView(v) = &r.app.screen else {
        unreachable!()
    };
    assert!(v.text.contains("451021198805200011") && v.text.contains("张三"));
    // Esc goes back to the search as it was
    r.send([Msg::Back]);
    assert_eq!(r.app.kind(), Kind::Search);
    assert_eq!(r.found().len(), 1);
    // a name planted in the store with an escape and a bidi override shows made safe
    let c = rusqlite::Connection::open(r.dir.path().join("data/guantong.db")).unwrap();
    c.execute(
        "UPDATE case_index SET applicant_name = ?1 WHERE number = ?2",
        ["王\u{1b}]0;pwned\u{7}五\u{202e}", wang.as_str()],
    )
    .unwrap();
    r.search("王");
    let name = r.found()[0].1.clone();
    assert!(
        !name.contains('\u{1b}') && !name.contains('\u{202e}') && name.contains("<U+001B>"),
        "{name:?}"
    );
    // a draft found resumes
    r.search("韦小宝");
    r.send([Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::Question);
    assert_eq!(r.app.iv.applicant_name(), Some("韦小宝"));
}

#[test]
fn correcting_a_case_signs_an_amendment_and_marks_the_original() {
    let mut r = Rig::new();
    let store = r.store();
    let first = sign(&store, "张三", Some("451021198805200011"));
    r.send([Msg::Char('/')]);
    r.search("0011");
    r.send([Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::CaseView);
    // 更正: a draft holding the signed answers, on the review
    r.send([Msg::Char('c')]);
    assert_eq!(r.app.kind(), Kind::Review, "{}", r.notice());
    assert_eq!(r.app.iv.amends.as_deref(), Some(first.as_str()));
    assert_eq!(r.app.iv.applicant_name(), Some("张三"));
    assert_eq!(r.app.iv.ev.status, guantong::eval::Status::Eligible);
    // the birth date follows the ID number again, as in the interview; the interview date
    // stays the day the case was heard (its default, today, would move with the clock)
    let fact = |id: &str| r.app.iv.q.fact_index(id).unwrap();
    assert!(r.app.iv.follows(fact("birth_date")));
    assert!(!r.app.iv.follows(fact("interview_date")));
    assert_eq!(
        r.app.iv.answers.get("interview_date"),
        Some(&guantong::value::Value::Date(date(2026, 6, 15)))
    );
    // the draft is listed as the correction it is
    let drafts = r.store().list_drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        guantong::case::draft_meta::load_amends(&r.store(), &drafts[0].id)
            .unwrap()
            .as_deref(),
        Some(first.as_str())
    );
    // change the name (the first row), then sign
    r.send([Msg::Enter]);
    assert_eq!(
        guantong::tui::script::current_fact(&r.app),
        Some("applicant_name")
    );
    r.send([Msg::End, Msg::KillToStart]);
    r.typed("张三丰");
    r.send([Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::Review);
    r.send([Msg::Char('o'), Msg::Char('s')]);
    assert_eq!(r.app.kind(), Kind::SignOff);
    let fx = r.send([
        Msg::Tab,
        Msg::Tab,
        Msg::Char(' '),
        Msg::Tab,
        Msg::Char(' '),
        Msg::Tab,
        Msg::Enter,
    ]);
    // no "earlier case" question: a correction is no second application
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::SignOff(req) if req.amends.as_deref() == Some(first.as_str()))
        ),
        "{fx:?}"
    );
    assert_eq!(r.app.kind(), Kind::Signed, "{}", r.notice());
    let Screen::Signed(signed) = &r.app.screen else {
        unreachable!()
    };
    assert_eq!(signed.amends.as_deref(), Some(first.as_str()));
    let second = signed.number.clone();
    // the store: the new case amends the old, the old knows it
    let s = r.store();
    let new = s.get_case(&second).unwrap();
    assert_eq!(new.amends.as_deref(), Some(first.as_str()));
    assert_eq!(new.applicant.name, "张三丰");
    assert_eq!(s.get_case(&first).unwrap().amended_by, vec![second.clone()]);
    assert!(s.list_drafts().unwrap().is_empty());
    // the recent cases list says so both ways
    r.send([Msg::Enter]);
    r.send([Msg::Char('3'), Msg::Enter]);
    let Screen::Cases(c) = &r.app.screen else {
        panic!("{:?}", r.app.kind())
    };
    let rows = c.rows.clone().unwrap();
    assert_eq!(rows[0].correction, format!("更正 {first}"));
    assert_eq!(rows[1].correction, format!("已更正为 {second}"));
    // correcting the original again is refused, naming the correction
    r.send([Msg::Down, Msg::Enter, Msg::Char('c')]);
    assert_eq!(r.app.kind(), Kind::CaseView);
    assert!(r.notice().contains(&second), "{}", r.notice());
    let all = r.store().list_cases(&CaseFilter::default()).unwrap();
    assert_eq!(all.len(), 2);
}

#[test]
fn first_run_writes_the_clerk_and_office_to_the_config_file() {
    let mut r = Rig::new();
    let cfg = r.dir.path().join("cfg/config.toml");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "# the counter\nlang = \"zh\"\n").unwrap();
    r.ex.print.config_path = Some(cfg.clone());
    r.app.screen = Screen::FirstRun(FirstRun::new("", "", ""));
    assert!(r.app.screen.text_focused());
    // missing name: said, nothing written
    r.send([Msg::Enter, Msg::Enter, Msg::Enter]);
    let Screen::FirstRun(f) = &r.app.screen else {
        unreachable!()
    };
    assert_eq!(f.focus, first_run::NAME);
    assert!(f.error.as_deref().unwrap_or("").contains("经办人姓名"));
    r.typed("李四");
    r.send([Msg::Enter]);
    // a malformed code: named, in Chinese only
    r.typed("4510");
    r.send([Msg::Enter]);
    r.typed("右江区人社局");
    let fx = r.send([Msg::Enter]);
    assert!(fx.is_empty(), "{fx:?}");
    let Screen::FirstRun(f) = &r.app.screen else {
        unreachable!()
    };
    assert_eq!(f.focus, first_run::CODE);
    let e = f.error.clone().unwrap_or_default();
    assert!(e.contains("4510") && !e.contains("invalid"), "{e}");
    // a code other than the store's: refused by the executor, the screen stays
    sign(&r.store(), "张三", None);
    r.send([Msg::End, Msg::KillToStart]);
    r.typed("451003");
    r.send([Msg::Tab, Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::FirstRun);
    assert!(r.notice().contains("451002"), "{}", r.notice());
    // the right one: written, kept beside what was there
    r.send([Msg::BackTab, Msg::End, Msg::KillToStart]);
    r.typed("451002");
    r.send([Msg::Tab, Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::Home, "{}", r.notice());
    assert!(r.notice().contains("config.toml"), "{}", r.notice());
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.starts_with("# the counter\nlang = \"zh\"\n"), "{text}");
    let c = guantong::config::Config::load_from(&cfg).unwrap();
    assert_eq!(c.clerk_name(), Some("李四"));
    assert_eq!(c.office_code.as_deref(), Some("451002"));
    assert_eq!(c.office_name(), Some("右江区人社局"));
    assert_eq!(r.ex.clerk_name.as_deref(), Some("李四"));
    assert_eq!(r.ex.print.office_name.as_deref(), Some("右江区人社局"));
    // Esc leaves it for later, and says what that means
    r.app.screen = Screen::FirstRun(FirstRun::new("", "", ""));
    r.send([Msg::Back]);
    assert_eq!(r.app.kind(), Kind::Home);
    assert!(r.notice().contains("办公室代码"), "{}", r.notice());
}

/// A directory holding an executable `lp` that records its arguments and the file.
fn fake_lp(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let rec = dir.join("rec");
    std::fs::create_dir_all(&rec).unwrap();
    let lp = bin.join("lp");
    std::fs::write(
        &lp,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{r}/argv'\nfor a in \"$@\"; do last=\"$a\"; done\ncat -- \"$last\" > '{r}/file'\necho \"request id is office-12 (1 file(s))\"\n",
            r = rec.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[test]
fn the_print_menu_writes_html_prints_through_lp_and_remembers() {
    let mut r = Rig::new();
    let n = sign(&r.store(), "张三", Some("451021198805200011"));
    let cfg = r.dir.path().join("cfg/config.toml");
    r.ex.print.config_path = Some(cfg.clone());
    r.ex.print.office_name = Some("百色市人力资源和社会保障局".into());
    r.ex.print.font =
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts/receipt-subset.ttf"));
    let bin = fake_lp(r.dir.path());
    r.ex.print.printer = Some("office".into());
    r.ex.print.lp.path = Some(
        std::env::join_paths(
            std::iter::once(bin.clone())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap(),
    );
    r.app.printer = Some("office".into());
    r.send([Msg::Char('3'), Msg::Enter, Msg::Enter]);
    assert_eq!(r.app.kind(), Kind::CaseView);
    // p: the menu, on ZMODEM the first time; 3 and Enter write the HTML receipt
    r.send([Msg::Char('p')]);
    let Some(Overlay::Print(m)) = &r.app.overlay else {
        panic!("{:?}", r.app.overlay)
    };
    assert_eq!(m.list.selected, Some(0));
    r.send([Msg::Char('3'), Msg::Enter]);
    assert!(r.app.overlay.is_none());
    let html = r.dir.path().join(format!("data/printouts/{n}.html"));
    assert!(
        r.notice().contains(&*html.to_string_lossy()),
        "{}",
        r.notice()
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("百色市人力资源和社会保障局") && text.contains("451021198805200011"));
    assert!(!text.contains('*'), "the applicant's copy is not masked");
    let mode = std::fs::metadata(&html).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // remembered: in the config file, and the menu opens on it
    let c = guantong::config::Config::load_from(&cfg).unwrap();
    assert_eq!(c.print_to, Some(PrintTo::Html));
    r.send([Msg::Char('p')]);
    let Some(Overlay::Print(m)) = &r.app.overlay else {
        panic!()
    };
    assert_eq!(m.list.selected, Some(2));
    // the printer: a PDF through lp, titled by the case number only
    r.send([Msg::Char('2'), Msg::Enter]);
    assert!(r.notice().contains("office-12"), "{}", r.notice());
    let rec = r.dir.path().join("rec");
    let argv: Vec<String> = std::fs::read(rec.join("argv"))
        .unwrap()
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8(s.to_vec()).unwrap())
        .collect();
    let pdf = r.dir.path().join(format!("data/printouts/{n}.pdf"));
    assert_eq!(
        argv,
        [
            "-doffice".to_string(),
            format!("-t{n}"),
            "--".to_string(),
            pdf.to_string_lossy().into_owned()
        ]
    );
    assert!(!argv.iter().any(|a| a.contains("张三")));
    assert_eq!(
        std::fs::read(rec.join("file")).unwrap(),
        std::fs::read(&pdf).unwrap()
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert_eq!(
        guantong::config::Config::load_from(&cfg).unwrap().print_to,
        Some(PrintTo::Printer)
    );
    // no printer configured: the notice names the config key
    r.ex.print.printer = None;
    r.send([Msg::Char('p'), Msg::Char('2'), Msg::Enter]);
    assert!(r.notice().contains("printer ="), "{}", r.notice());
}

#[test]
fn every_row_is_numbered_and_two_digits_select_row_twelve() {
    let mut r = Rig::new();
    r.send([Msg::Char('2'), Msg::Enter]);
    let rows: Vec<DraftRow> = (1..=15)
        .map(|i| DraftRow {
            id: format!("d{i}"),
            updated: "2026-06-15 10:30:00".into(),
            name: None,
            answered: i,
            in_use: None,
            amends: None,
            questionnaire: "baise-interconnection".into(),
            questionnaire_title: "百色".into(),
        })
        .collect();
    r.app.update(Msg::Drafts(rows));
    let sel = |r: &Rig| match &r.app.screen {
        Screen::Drafts(d) => d.list.selected,
        _ => None,
    };
    r.app.update(Msg::Char('1'));
    assert_eq!(sel(&r), Some(0));
    r.app.update(Msg::Char('2'));
    assert_eq!(sel(&r), Some(11), "1 then 2: row 12");
    r.app.update(Msg::Char('3'));
    assert_eq!(sel(&r), Some(2), "123 is no row: 3 starts again");
    r.app.update(Msg::Down);
    r.app.update(Msg::Char('5'));
    assert_eq!(sel(&r), Some(4), "a key between ends the number");
    // every row shows its number
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    r.app.update(Msg::End);
    guantong::tui::view::render(&r.app, area, &mut buf);
    let screen: String = (0..24)
        .map(|y| {
            (0..80)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(screen.contains("15. "), "{screen}");
    assert!(!screen.contains(" . "), "{screen}");
}
