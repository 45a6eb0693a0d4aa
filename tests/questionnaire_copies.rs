//! Issue 11, item 1: nothing is dropped from a draft or a case. A case and a draft made under
//! the example questionnaire (a second bureau's, beside the embedded Baise one) are resumed,
//! shown, exported and re-checked from a wizard and a CLI whose default is Baise after the
//! example's file is gone: the store's copy stands for it, every answer is kept, and the
//! labels are the example's. The wizard is driven by messages, its effects run against a
//! real store exactly as the terminal loop runs them (sign-off included); the CLI is the
//! binary.

mod store_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use guantong::case::{Draft, OfficeCode, Store};
use guantong::eval::Status;
use guantong::questionnaire::catalogue::{Catalogue, Lookup, Spec};
use guantong::questionnaire::{self, Questionnaire};
use guantong::text::Lang;
use guantong::tui::exec::Executor;
use guantong::tui::interview::Choice;
use guantong::tui::msg::Msg;
use guantong::tui::script::{answer_keys, current_fact};
use guantong::tui::{App, Clock, Kind, Theme, view};
use guantong::value::Value;
use jiff::civil::date;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use store_common::*;
use unicode_width::UnicodeWidthStr;

const EXAMPLE: &str = "questionnaires/examples/flexible-employment-subsidy.toml";
const EX_ID: &str = "example-flexible-employment-subsidy";
const BAISE_ID: &str = "baise-interconnection";

/// A person with employment difficulty, paying since March 2025, eligible (the example's
/// scenario fes-eligible-hard-to-employ), in interview order; "" keeps what is shown.
const ELIGIBLE: &[(&str, &str)] = &[
    ("applicant_name", "周七"),
    ("interview_date", ""),
    ("id_number", "11010119900315002X"),
    ("resident", "y"),
    ("category", "hard_to_employ"),
    ("hardship_recognised", "y"),
    ("contributions_since", "2025-03-01"),
    ("paying_without_gaps", "y"),
    ("monthly_contribution_fen", "100800"),
    ("employer_insured", "n"),
    ("months_used", "0"),
    ("fraud_recovered", "n"),
];

fn clock() -> Clock {
    Clock {
        today: date(2026, 5, 20),
        now: "2026-05-20T02:30:00Z".parse().unwrap(),
    }
}

/// The clerk's key for the sign-offs run in this process: one directory for every test in
/// this file (the variable is process-wide), under cargo's scratch directory for tests.
fn key_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("questionnaire_copies");
        // a run before this one left its receipts: start afresh
        let _ = std::fs::remove_dir_all(&root);
        let cfg = fixed_config(&root);
        use_config(&cfg);
        cfg
    })
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The catalogue of an office: the embedded questionnaire, the default, and `paths`.
fn catalogue(paths: &[PathBuf]) -> Catalogue {
    Catalogue::load(&Spec {
        paths: paths.to_vec(),
        default: Some(BAISE_ID.into()),
        given: None,
    })
    .expect("catalogue loads")
}

/// The wizard as the binary starts it (catalogue, choices at home) on a real store; every
/// effect is run as the terminal loop runs it, sign-off included.
struct Wizard {
    app: App,
    ex: Executor,
}

impl Wizard {
    fn new(data: &Path, cat: Catalogue) -> Wizard {
        key_dir();
        let mut store = Store::open(data).unwrap();
        store.set_office(Some(OfficeCode::parse(OFFICE).unwrap()));
        let mut app = App::new(
            cat.default_questionnaire().clone(),
            Lang::Zh,
            Theme::default(),
            clock(),
        );
        app.iv.choices = cat.choices().into_iter().map(Choice::of).collect();
        let mut ex = Executor::new(store, Lang::Zh, clock().today, Some("王五".into()));
        ex.catalogue = Some(cat);
        Wizard { app, ex }
    }

    fn send(&mut self, msgs: impl IntoIterator<Item = Msg>) {
        for m in msgs {
            let mut queue = std::collections::VecDeque::from([m]);
            while let Some(m) = queue.pop_front() {
                for fx in self.app.update(m) {
                    if let Some(reply) = self.ex.run(&self.app.iv.q, fx) {
                        queue.push_back(reply);
                    }
                }
            }
        }
    }

    /// Answer the questions on screen from `script` until one is not in it (or none is on
    /// screen).
    fn answer(&mut self, script: &[(&str, &str)]) {
        let script: BTreeMap<&str, &str> = script.iter().copied().collect();
        for _ in 0..100 {
            let Some(v) = current_fact(&self.app).and_then(|f| script.get(f).copied()) else {
                return;
            };
            let keys = answer_keys(&self.app, v);
            self.send(keys);
        }
        panic!("the interview does not end: {:?}", current_fact(&self.app));
    }

    /// From the outcome: sign, as the footers say (s; Tab to the ID number, Tab to the
    /// pledge, Space, Tab to the clerk's box, Space, Tab to the button, Enter).
    fn sign(&mut self) -> String {
        assert_eq!(self.app.kind(), Kind::Outcome);
        self.send([Msg::Char('s')]);
        self.send([
            Msg::Tab,
            Msg::Tab,
            Msg::Char(' '),
            Msg::Tab,
            Msg::Char(' '),
            Msg::Tab,
            Msg::Enter,
        ]);
        if let guantong::tui::Screen::SignOff(so) = &self.app.screen
            && so.earlier.is_some()
        {
            // the same applicant this year already: confirmed, it is no repeat
            self.send([Msg::Enter]);
        }
        assert_eq!(
            self.app.kind(),
            Kind::Signed,
            "{:?} {:?}",
            self.app.notice,
            self.app.screen
        );
        let cases = self.ex.store.list_cases(&Default::default()).unwrap();
        cases[0].number.clone()
    }

    /// The screen at 80x24, as text.
    fn screen(&self) -> String {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| view::draw(&self.app, f)).unwrap();
        let buf = t.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                out.push_str(sym);
                x += (sym.width() as u16).max(1);
            }
            out.push('\n');
        }
        out
    }

    fn notice(&self) -> String {
        self.app
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
    stdout(o)
}

fn example() -> Questionnaire {
    questionnaire::load_file(&repo(EXAMPLE)).unwrap()
}

#[test]
fn a_case_and_a_draft_of_the_example_live_on_when_its_file_is_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // The office's config names a copy of the example; Baise stays the default.
    let qdir = tmp.path().join("questionnaires");
    std::fs::create_dir_all(&qdir).unwrap();
    let copy = qdir.join("subsidy.toml");
    std::fs::copy(repo(EXAMPLE), &copy).unwrap();
    let cfg = tmp.path().join("cli-config");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::copy(key_dir().join("signing.key"), cfg.join("signing.key")).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "questionnaires = [\"{}\"]\ndefault_questionnaire = \"{BAISE_ID}\"\n",
            copy.display()
        ),
    )
    .unwrap();
    let baise = questionnaire::embedded().unwrap();
    let baise_title = baise.meta.title.zh().to_string();
    let ex = example();
    let ex_title = ex.meta.title.zh().to_string();

    // 1. A wizard whose default is Baise offers the example at home; the chosen one
    //    drives the interview, signed off.
    let mut w = Wizard::new(&data, catalogue(std::slice::from_ref(&copy)));
    assert_eq!(w.app.iv.choices.len(), 2);
    let home = w.screen();
    assert!(
        home.contains(&baise_title) && home.contains("4. 选择问卷新建面谈"),
        "{home}"
    );
    w.send([Msg::Char('4'), Msg::Enter]);
    assert_eq!(w.app.kind(), Kind::Choose);
    let choose = w.screen();
    assert!(
        choose.contains(&format!("{baise_title}（默认）")) && choose.contains(&ex_title),
        "{choose}"
    );
    w.send([Msg::Char('2'), Msg::Enter]);
    assert_eq!(w.app.iv.q.meta.id, EX_ID);
    assert_eq!(current_fact(&w.app), Some("applicant_name"));
    w.answer(ELIGIBLE);
    assert_eq!(w.app.iv.ev.status, Status::Eligible);
    let signed_answers = w.app.iv.answers.clone();
    let case1 = w.sign();
    // Home again: the default, nothing chosen remembered.
    w.send([Msg::Enter]);
    assert_eq!(w.app.kind(), Kind::Home);
    assert!(w.screen().contains(&baise_title), "{}", w.screen());
    w.send([Msg::Char('1'), Msg::Enter]);
    assert_eq!(w.app.iv.q.meta.id, BAISE_ID);
    w.send([Msg::Quit]);

    // 2. A draft under the example, left half done; a later version of some other
    //    questionnaire's answer rides along in it (a fact the example does not know).
    let mut w = Wizard::new(&data, catalogue(std::slice::from_ref(&copy)));
    w.send([Msg::Char('4'), Msg::Enter, Msg::Char('2'), Msg::Enter]);
    w.answer(&ELIGIBLE[..7]);
    assert_eq!(current_fact(&w.app), Some("paying_without_gaps"));
    w.send([Msg::Quit]);
    let store = Store::open(&data).unwrap();
    let [mut d] = store.list_drafts().unwrap().try_into().unwrap();
    assert_eq!(d.questionnaire_id, EX_ID);
    assert_eq!(d.answers.len(), 6, "{:?}", d.answers);
    d.answers
        .insert("former_employer".into(), Value::str("示例公司"));
    store.save_draft(&d).unwrap();
    let draft_answers = d.answers.clone();

    // 3. The example's file is gone; config names nothing but the default.
    std::fs::remove_file(&copy).unwrap();
    std::fs::write(cfg.join("config.toml"), "").unwrap();

    // 4. A Baise wizard: the draft's row names the example; it resumes under the store's
    //    copy, every answer kept, the unknown one set aside and shown.
    let mut w = Wizard::new(&data, catalogue(&[]));
    assert_eq!(w.app.iv.choices.len(), 1);
    assert!(!w.screen().contains("选择问卷"), "{}", w.screen());
    w.send([Msg::Char('2'), Msg::Enter]);
    assert_eq!(w.app.kind(), Kind::Drafts);
    assert!(w.screen().contains("〔示例：灵活就业"), "{}", w.screen());
    w.send([Msg::Enter]);
    assert_eq!(w.app.iv.q.meta.id, EX_ID);
    assert_eq!(current_fact(&w.app), Some("paying_without_gaps"));
    assert_eq!(w.app.iv.answers.len(), 6);
    assert_eq!(
        w.app.iv.answers.get("contributions_since"),
        Some(&Value::Date(date(2025, 3, 1)))
    );
    assert_eq!(
        w.app.iv.aside.get("former_employer"),
        Some(&Value::str("示例公司"))
    );
    assert!(w.notice().contains("former_employer"), "{}", w.notice());
    let screen = w.screen();
    assert!(screen.contains("从那个月起，您是否每月都缴费"), "{screen}");
    assert!(!screen.contains("申报方向"), "{screen}");
    w.send([Msg::Tab]);
    let review = w.screen();
    for want in ["经本市认定的就业困难人员", "2025-03-01", "周七"] {
        assert!(review.contains(want), "{want}: {review}");
    }
    w.send([Msg::End]);
    let review = w.screen();
    assert!(
        review.contains("不属于本问卷的回答") && review.contains("former_employer：示例公司"),
        "{review}"
    );
    w.send([Msg::Back]);
    // Left again: saved back unchanged, under the example.
    w.send([Msg::Quit]);
    let [d] = store.list_drafts().unwrap().try_into().unwrap();
    assert_eq!(d.questionnaire_id, EX_ID);
    assert_eq!(d.questionnaire_sha256, ex.sha256);
    let as_json = |a: &guantong::value::Answers| guantong::eval::input::answers_to_json(a);
    assert_eq!(as_json(&d.answers), as_json(&draft_answers));

    // The draft through the CLI: every answer, the unknown one masked as personal.
    let o = run(&data, &cfg, &["cases", "drafts", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(ok(&o).trim()).unwrap();
    assert_eq!(v["questionnaire"]["id"], EX_ID);
    assert_eq!(v["answers"].as_object().unwrap().len(), 7, "{v}");
    assert_eq!(v["answers"]["category"], "hard_to_employ");
    assert_eq!(v["answers"]["former_employer"], "***");
    assert_eq!(v["applicant_name"], "周**");
    let o = run(
        &data,
        &cfg,
        &["cases", "drafts", "--format", "json", "--unmasked"],
    );
    assert!(ok(&o).contains("示例公司"));

    // 5. Resumed once more and signed: the case keeps the answer set aside, as personal.
    let mut w = Wizard::new(&data, catalogue(&[]));
    w.send([Msg::Char('2'), Msg::Enter, Msg::Enter]);
    w.answer(ELIGIBLE);
    assert_eq!(w.app.iv.ev.status, Status::Eligible);
    let case2 = w.sign();
    let rec = store.get_case(&case2).unwrap();
    assert_eq!(rec.questionnaire.id, EX_ID);
    assert_eq!(rec.facts["former_employer"], "示例公司");
    assert!(rec.personal_facts.contains(&"former_employer".to_string()));
    assert!(store.list_drafts().unwrap().is_empty());
    let rec1 = store.get_case(&case1).unwrap();
    for (k, v) in &signed_answers {
        assert_eq!(rec1.facts.get(k), Some(&v.to_json()), "{k}");
    }

    // The wizard's recent cases: named by their questionnaire, shown with its questions.
    w.send([Msg::Enter, Msg::Char('3'), Msg::Enter]);
    assert_eq!(w.app.kind(), Kind::Cases);
    assert!(w.screen().contains("〔示例：灵活就业"), "{}", w.screen());
    w.send([Msg::Enter]);
    assert_eq!(w.app.kind(), Kind::CaseView);
    let shown = w.screen();
    assert!(
        shown.contains("您属于下列哪一类人员？: 经本市认定的就业困难人员"),
        "{shown}"
    );

    // 6. The CLI, Baise the default, the example's file gone: each case shown, exported
    //    and re-checked with the example's own questions and results.
    let o = run(&data, &cfg, &["cases", "show", &case1]);
    let out = ok(&o);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    for want in [
        EX_ID,
        "您属于下列哪一类人员？: 经本市认定的就业困难人员",
        "您是本市户籍，或者持有本市居住证吗？: 是",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    assert!(!out.contains("按事实标识"), "{out}");
    let out = ok(&run(&data, &cfg, &["cases", "show", &case2]));
    assert!(
        out.contains("former_employer: *** （不属于本问卷，未采用）") && !out.contains("示例公司"),
        "{out}"
    );
    let out = ok(&run(&data, &cfg, &["cases", "show", &case2, "--unmasked"]));
    assert!(out.contains("示例公司"), "{out}");
    let md = ok(&run(&data, &cfg, &["cases", "export", "--format", "md"]));
    assert_eq!(
        md.matches("| 您属于下列哪一类人员？ | 经本市认定的就业困难人员 |")
            .count(),
        2,
        "{md}"
    );
    let csv = ok(&run(&data, &cfg, &["cases", "export", "--format", "csv"]));
    let header: Vec<&str> = csv
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .collect();
    let col = header
        .iter()
        .position(|h| *h == "claim_total")
        .unwrap_or_else(|| panic!("{header:?}"));
    for line in csv.lines().skip(1) {
        assert_eq!(line.split(',').nth(col), Some("806400"), "{line}");
    }
    let o = run(&data, &cfg, &["cases", "recheck"]);
    let out = ok(&o);
    assert!(
        out.contains(&format!(
            "按问卷 {EX_ID} 1.0.0 重新评估 2 份案件，0 份结论会改变"
        )),
        "{out}"
    );
    assert!(!out.contains(BAISE_ID), "{out}");
    let o = run(&data, &cfg, &["cases", "list"]);
    ok(&o);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn a_draft_of_an_earlier_version_resumes_under_the_newest_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // A draft under mini 1 (its copy kept as the wizard saves it) ...
    let v1 = fixture("mini.toml");
    let mut w = Wizard::new(&data, catalogue(std::slice::from_ref(&v1)));
    w.send([Msg::Char('4'), Msg::Enter, Msg::Char('2'), Msg::Enter]);
    assert_eq!(w.app.iv.q.meta.id, "store-test");
    w.answer(&[
        ("interview_date", ""),
        ("applicant_name", "张三"),
        ("id_number", "null"),
        ("pathway", "skill_to_title"),
        ("works_in_baise", "y"),
    ]);
    w.send([Msg::Quit]);
    let store = Store::open(&data).unwrap();
    let [d] = store.list_drafts().unwrap().try_into().unwrap();
    assert!(d.answers.contains_key("works_in_baise"), "{:?}", d.answers);

    // ... resumed where config has version 2: under version 2, the clerk told, the answer
    // version 2 does not know kept aside; saved again, the draft names version 2.
    let v2 = fixture("mini-v2.toml");
    let mut w = Wizard::new(&data, catalogue(&[v2]));
    w.send([Msg::Char('2'), Msg::Enter, Msg::Enter]);
    assert_eq!(w.app.iv.q.meta.version, "2");
    assert_eq!(
        w.app.iv.aside.get("works_in_baise"),
        Some(&Value::Bool(true))
    );
    assert!(w.notice().contains("works_in_baise"), "{}", w.notice());
    w.send([Msg::Quit]);
    let [d2] = store.list_drafts().unwrap().try_into().unwrap();
    assert_eq!(d2.questionnaire_version, "2");
    assert_eq!(d2.answers.get("works_in_baise"), Some(&Value::Bool(true)));
    assert!(store.kept_questionnaires().unwrap().len() >= 2);
}

#[test]
fn a_draft_whose_questionnaire_is_nowhere_stays_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Saved without a copy (as before the store kept them), its questionnaire gone.
    let gone = example();
    let mut d = Draft::new(&gone, "clerk", clock().now);
    d.answers.insert("category".into(), Value::str("graduate"));
    let store = Store::open(&data).unwrap();
    store.save_draft(&d).unwrap();

    let mut w = Wizard::new(&data, catalogue(&[]));
    w.send([Msg::Char('2'), Msg::Enter]);
    assert!(w.screen().contains(EX_ID), "{}", w.screen());
    w.send([Msg::Enter]);
    assert_eq!(w.app.kind(), Kind::Drafts);
    assert!(
        w.notice().contains(EX_ID) && w.notice().contains("未打开"),
        "{}",
        w.notice()
    );
    assert_eq!(store.load_draft(&d.id).unwrap(), d);
    // Not held: another wizard may open it at once.
    assert!(
        guantong::case::lease::lease_of(&store, &d.id)
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_store_keeps_copies_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let store = Store::open(&data).unwrap();
    let q = example();
    let now = clock().now;
    assert!(store.keep_questionnaire(&q, now).unwrap());
    assert!(!store.keep_questionnaire(&q, now).unwrap(), "kept once");
    let [k] = store.kept_questionnaires().unwrap().try_into().unwrap();
    assert_eq!(
        (k.id.as_str(), k.sha256.as_str()),
        (EX_ID, q.sha256.as_str())
    );
    let back = store.questionnaire_copy(&q.sha256).unwrap().unwrap();
    assert_eq!(back.source, q.source);
    assert!(store.questionnaire_copy("00").unwrap().is_none());

    // A draft saved with another questionnaire than it names is refused.
    let d = Draft::new(&q, "clerk", now);
    let other = mini();
    assert!(store.save_draft_with(&d, &other).is_err());
    store.save_draft_with(&d, &q).unwrap();

    // Copies are never changed or removed ...
    let c = rusqlite::Connection::open(data.join("guantong.db")).unwrap();
    for sql in [
        "UPDATE questionnaires SET source = 'x'",
        "DELETE FROM questionnaires",
    ] {
        let e = c.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("immutable"), "{e}");
    }
    // ... and one changed behind the triggers' back is named, not used.
    c.execute_batch(
        "DROP TRIGGER questionnaires_immutable_update;
         UPDATE questionnaires SET source = replace(source, '36', '48');",
    )
    .unwrap();
    let e = store.questionnaire_copy(&q.sha256).unwrap_err();
    assert!(e.to_string().contains(EX_ID), "{e}");
    let mut cat = catalogue(&[]);
    let problems = store.adopt_copies(&mut cat, &[(EX_ID.into(), q.sha256.clone())]);
    assert_eq!(problems.len(), 1);
    assert!(matches!(cat.find(EX_ID, &q.sha256), Lookup::Missing));
}

#[test]
fn drafts_and_cases_from_before_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = fixed_config(tmp.path());
    // The previous version's store: three cases under an earlier text of mini.toml, no
    // copies; migrating names each case's questionnaire by hash in the index.
    let data = tmp.path().join("old");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(fixture("v1/guantong.db"), data.join("guantong.db")).unwrap();
    ok(&run(&data, &cfg, &["cases", "list"]));
    let store = Store::open(&data).unwrap();
    let refs = store.case_questionnaires(&Default::default()).unwrap();
    let [(id, sha)] = refs.try_into().unwrap();
    assert_eq!(id, "store-test");
    let rec = store.get_case("BS-2026-000002").unwrap();
    assert_eq!(sha, rec.questionnaire.sha256);
    // That text is nowhere (mini.toml was edited since): nothing to copy; the cases are
    // shown with the newest of their id when config has it, else by fact id, and said so.
    assert!(store.kept_questionnaires().unwrap().is_empty());
    let o = run(
        &data,
        &cfg,
        &["cases", "show", "BS-2026-000002", "--unmasked"],
    );
    assert!(ok(&o).contains("pathway: skill_to_title"), "{}", stdout(&o));
    assert!(stderr(&o).contains("store-test"), "{}", stderr(&o));

    // A draft saved before copies were kept, under the example: the first command run
    // while config still names the example keeps a copy of it ...
    let ex = example();
    let mut d = Draft::new(&ex, "clerk", clock().now);
    d.answers.insert("category".into(), Value::str("graduate"));
    d.answers
        .insert("graduation_date".into(), Value::str("2025-06-30"));
    store.save_draft(&d).unwrap();
    let ex_copy = tmp.path().join("example.toml");
    std::fs::copy(repo(EXAMPLE), &ex_copy).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        format!("questionnaires = [\"{}\"]\n", ex_copy.display()),
    )
    .unwrap();
    ok(&run(&data, &cfg, &["cases", "drafts", "--format", "json"]));
    let [k] = store.kept_questionnaires().unwrap().try_into().unwrap();
    assert_eq!(k.sha256, ex.sha256);
    // ... so that, the example gone, the draft still resumes under it.
    std::fs::remove_file(&ex_copy).unwrap();
    let mut w = Wizard::new(&data, catalogue(&[]));
    w.send([Msg::Char('2'), Msg::Enter, Msg::Enter]);
    assert_eq!(w.app.iv.q.meta.id, EX_ID);
    assert_eq!(
        w.app.iv.answers.get("graduation_date"),
        Some(&Value::Date(date(2025, 6, 30)))
    );
    assert!(w.app.iv.aside.is_empty());
    assert!(w.notice().contains(EX_ID), "{}", w.notice());
}

#[test]
fn verify_names_an_index_row_pointing_at_another_copy() {
    key_dir();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let store = open_signing(&data);
    let q = mini();
    let rec = store
        .sign_off(&request(&q, "eligible.toml", "张三"))
        .unwrap();
    assert_eq!(
        store.questionnaire_copy(&q.sha256).unwrap().unwrap().sha256,
        q.sha256,
        "kept at sign-off"
    );
    let (n, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert_eq!((n, problems.len()), (1, 0), "{problems:?}");
    // The listing's pointer to the copy is checked against the signed record.
    let c = rusqlite::Connection::open(data.join("guantong.db")).unwrap();
    c.execute(
        "UPDATE case_index SET questionnaire_sha256 = ?1 WHERE number = ?2",
        [&example().sha256, &rec.number],
    )
    .unwrap();
    let (_, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].detail.contains("questionnaire_sha256"),
        "{problems:?}"
    );
}
