//! Issue 8, the counter flow: the wizard driven key by key on a small fixture questionnaire
//! (tests/fixtures/counter.toml), its effects run against a real case store in a temporary
//! directory exactly as the terminal loop runs them. Each test asserts the answers on
//! record (and what the draft keeps), not only the screen.

use guantong::case::Store;
use guantong::eval::Status;
use guantong::questionnaire::{self, Questionnaire};
use guantong::text::Lang;
use guantong::tui::exec::Executor;
use guantong::tui::msg::{Effect, Msg};
use guantong::tui::screens::question::Editor;
use guantong::tui::screens::review::{Review, RowKind, rows};
use guantong::tui::screens::{Overlay, Screen};
use guantong::tui::script::current_fact;
use guantong::tui::{App, Clock, Kind, Theme};
use guantong::value::Value;
use jiff::civil::date;

const MALE_1988: &str = "451021198805200011";
const FEMALE_1992: &str = "451021199208170023";

fn questionnaire() -> Questionnaire {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/counter.toml");
    questionnaire::load_file(std::path::Path::new(path)).expect("counter.toml loads")
}

fn clock() -> Clock {
    Clock {
        today: date(2026, 6, 15),
        now: "2026-06-15T02:30:00Z".parse().unwrap(),
    }
}

/// The wizard and a real store: effects run as the terminal loop runs them, their results
/// fed back in order. A sign-off is recorded but not run: signing reads the clerk's key
/// from the config directory, which the real-binary tests (tui_pty) set per process.
struct Rig {
    app: App,
    ex: Executor,
    effects: Vec<Effect>,
    _dir: tempfile::TempDir,
}

impl Rig {
    fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("data")).unwrap();
        Rig::with_store(store, dir)
    }

    fn with_store(store: Store, dir: tempfile::TempDir) -> Rig {
        let ex = Executor::new(store, Lang::Zh, clock().today, None);
        Rig {
            app: App::new(questionnaire(), Lang::Zh, Theme::default(), clock()),
            ex,
            effects: Vec::new(),
            _dir: dir,
        }
    }

    fn send(&mut self, msgs: impl IntoIterator<Item = Msg>) {
        for m in msgs {
            let mut queue = std::collections::VecDeque::from([m]);
            while let Some(m) = queue.pop_front() {
                for fx in self.app.update(m) {
                    self.effects.push(fx.clone());
                    if matches!(fx, Effect::SignOff(_)) {
                        continue;
                    }
                    if let Some(reply) = self.ex.run(&self.app.iv.q, fx) {
                        queue.push_back(reply);
                    }
                }
            }
        }
    }

    /// Type `text` (one key per character), then Enter.
    fn enter(&mut self, text: &str) {
        self.send(text.chars().map(Msg::Char));
        self.send([Msg::Enter]);
    }

    fn at(&self) -> Option<&str> {
        current_fact(&self.app)
    }

    fn expect_at(&self, fact: &str) {
        assert_eq!(self.at(), Some(fact), "screen: {:?}", self.app.kind());
    }

    fn fact(&self, id: &str) -> u16 {
        self.app.iv.q.fact_index(id).unwrap()
    }

    /// The value the engine uses for `id` now (answer or default).
    fn value(&self, id: &str) -> Option<Value> {
        let i = usize::from(self.fact(id));
        self.app.iv.ev.facts[i].value.known().cloned()
    }

    fn answer(&self, id: &str) -> Option<&Value> {
        self.app.iv.answers.get(id)
    }

    fn follows(&self, id: &str) -> bool {
        self.app.iv.follows(self.fact(id))
    }

    fn review_row(&self, id: &str) -> (usize, RowKind) {
        let i = self.fact(id);
        let r = rows(&self.app.iv);
        let pos = r.iter().position(|x| x.0 == i).expect("row");
        (pos, r[pos].1)
    }

    /// From the review, open fact `id` for editing (moving the selection with keys).
    fn edit_from_review(&mut self, id: &str) {
        let Screen::Review(Review { sel, .. }) = &self.app.screen else {
            panic!("not on the review: {:?}", self.app.kind());
        };
        let (row, _) = self.review_row(id);
        let moves = if row >= *sel {
            vec![Msg::Down; row - sel]
        } else {
            vec![Msg::Up; sel - row]
        };
        self.send(moves);
        self.send([Msg::Enter]);
        self.expect_at(id);
    }

    /// Clear the text field on screen and type `text`, then Enter.
    fn retype(&mut self, text: &str) {
        self.send([Msg::End]);
        self.send(vec![Msg::Backspace; 40]);
        self.enter(text);
    }
}

/// The interview up to the outcome, as a clerk types it at the counter: a man with an ID
/// number, grade 2, certificate of 2021-05-10.
fn interview(r: &mut Rig) {
    r.send([Msg::Enter]);
    r.expect_at("applicant_name");
    r.enter("张三");
    r.expect_at("interview_date");
    r.enter("");
    r.expect_at("id_number");
    r.enter(MALE_1988);
    r.expect_at("birth_date");
    r.enter("");
    r.expect_at("sex");
    r.send([Msg::Enter]);
    r.expect_at("employer");
    r.enter("");
    r.expect_at("retired");
    r.send([Msg::Char('n')]);
    r.expect_at("grade");
    r.send([Msg::Char('2'), Msg::Enter]);
    r.expect_at("cert_date");
    r.enter("2021-05-10");
    r.expect_at("work_years");
    r.enter("");
    r.expect_at("has_award");
    r.send([Msg::Char('n')]);
    r.expect_at("skills");
    r.send([Msg::Enter]);
}

#[test]
fn item1_derived_answers_follow_their_source() {
    let mut r = Rig::new();
    interview(&mut r);
    assert_eq!(r.app.kind(), Kind::Outcome);
    assert_eq!(r.app.iv.ev.status, Status::Eligible);
    // Enter on what the ID number, the clock and the certificate date gave: those facts
    // follow their sources; nothing was frozen as a typed answer.
    for id in ["interview_date", "birth_date", "sex", "work_years"] {
        assert!(r.follows(id), "{id} follows its default");
        assert_eq!(r.answer(id), None, "{id} has no typed answer");
    }
    assert_eq!(r.value("work_years"), Some(Value::Int(5)));
    assert_eq!(r.review_row("work_years").1, RowKind::Derived);

    // In review, the certificate date changes: the years and the verdict follow at once.
    r.send([Msg::Tab]);
    r.edit_from_review("cert_date");
    r.retype("2025-06-01");
    assert_eq!(r.answer("cert_date"), Some(&Value::Date(date(2025, 6, 1))));
    assert_eq!(r.value("work_years"), Some(Value::Int(1)));
    assert_eq!(r.app.iv.ev.status, Status::Ineligible);
    assert_eq!(r.app.kind(), Kind::Review);

    // The ID number changes: birth date and sex follow it.
    r.edit_from_review("id_number");
    r.retype(FEMALE_1992);
    assert_eq!(r.value("birth_date"), Some(Value::Date(date(1992, 8, 17))));
    assert_eq!(r.value("sex"), Some(Value::str("female")));
    assert!(r.follows("birth_date") && r.follows("sex"));

    // The draft remembers which facts follow their default: the clerk quits, a new wizard
    // on the same store resumes it, and the years still follow the certificate date.
    let saved = r.app.iv.draft_id.clone().expect("draft saved");
    r.send([Msg::Quit]);
    let store = Store::open(&r._dir.path().join("data")).unwrap();
    let mut b = Rig::with_store(store, tempfile::tempdir().unwrap());
    b.send([Msg::Down, Msg::Enter]);
    let Screen::Drafts(d) = &b.app.screen else {
        panic!("{:?}", b.app.kind());
    };
    assert_eq!(d.rows.as_ref().map(|r| r[0].id.clone()), Some(saved));
    b.send([Msg::Enter]);
    for id in ["interview_date", "birth_date", "sex", "work_years"] {
        assert!(b.follows(id), "{id} still follows after resume");
    }
    assert_eq!(b.answer("cert_date"), Some(&Value::Date(date(2025, 6, 1))));
    b.send([Msg::Tab]);
    b.edit_from_review("cert_date");
    b.retype("2020-01-01");
    assert_eq!(b.value("work_years"), Some(Value::Int(6)));
    assert_eq!(b.app.iv.ev.status, Status::Eligible);
}

#[test]
fn item1_a_typed_answer_stays_and_is_marked_when_it_no_longer_holds() {
    let mut r = Rig::new();
    r.send([Msg::Enter]);
    r.enter("李四");
    r.enter("");
    // No ID number yet: the birth date and sex are typed.
    r.expect_at("id_number");
    r.enter("");
    r.expect_at("birth_date");
    r.enter("1990-01-01");
    r.expect_at("sex");
    r.send([Msg::Char('1'), Msg::Enter]);
    assert_eq!(r.answer("birth_date"), Some(&Value::Date(date(1990, 1, 1))));
    assert!(!r.follows("birth_date"));
    // The clerk goes back to the ID number and gives one that says 1988: the typed birth
    // date is kept (nobody typed over it) but no longer holds.
    r.send([Msg::Back, Msg::Back, Msg::Back]);
    r.expect_at("id_number");
    r.enter(MALE_1988);
    assert_eq!(r.answer("birth_date"), Some(&Value::Date(date(1990, 1, 1))));
    assert_eq!(r.review_row("birth_date").1, RowKind::Invalid);
    assert!(
        r.app.iv.ev.facts[usize::from(r.fact("birth_date"))]
            .invalid
            .len()
            == 1
    );
    // Finish the interview; the flow comes back to the birth date before the outcome.
    r.expect_at("birth_date");
    r.send([Msg::PageDown]);
    r.expect_at("sex");
    r.send([Msg::Enter]);
    r.enter("");
    r.send([Msg::Char('n')]);
    r.send([Msg::Char('2'), Msg::Enter]);
    r.enter("2020-01-01");
    r.enter("");
    r.send([Msg::Char('n')]);
    r.send([Msg::Enter]);
    r.expect_at("birth_date");
    // Straight to the outcome and sign-off: sign-off names the question and goes to it.
    r.send([Msg::Outcome, Msg::Char('s')]);
    assert_eq!(r.app.kind(), Kind::SignOff);
    r.send(signoff_keys());
    r.expect_at("birth_date");
    let n = r.app.notice.as_ref().expect("a notice");
    assert!(n.error && n.text.contains("出生日期"), "{}", n.text);
    assert!(n.text.contains("出生日期与身份证号码不符"), "{}", n.text);
    // Corrected: the answer is the ID number's again, and nothing is left to fix.
    r.retype("1988-05-20");
    assert!(r.follows("birth_date"));
    assert_eq!(r.app.iv.ev.invalid().count(), 0);
    assert!(!matches!(r.app.overlay, Some(Overlay::Help(_))));
}

#[test]
fn item2_moving_never_answers() {
    let mut r = Rig::new();
    r.send([Msg::Enter]);
    r.enter("王五");
    r.enter("");
    r.enter("");
    r.enter("1980-02-02");
    r.send([Msg::Char('1'), Msg::Enter]);
    r.enter("");
    r.expect_at("retired");
    let saves_before = r.effects.len();
    let answers_before = r.app.iv.answers.clone();
    // PgDn on an unanswered yes/no question: the next question, nothing recorded.
    r.send([Msg::PageDown]);
    r.expect_at("grade");
    assert_eq!(r.answer("retired"), None);
    // Right and PgDn on an unanswered choice question: the same.
    r.send([Msg::Right]);
    r.expect_at("cert_date");
    assert_eq!(r.answer("grade"), None);
    // Tab on an unanswered text question opens the review, recording nothing; Esc back.
    r.send([Msg::Char('2'), Msg::Char('0'), Msg::Tab]);
    assert_eq!(r.app.kind(), Kind::Review);
    assert_eq!(r.answer("cert_date"), None);
    r.send([Msg::Back]);
    r.expect_at("cert_date");
    r.send([Msg::PageDown]);
    r.expect_at("work_years");
    // A shown default is not taken by moving past it either. (has_award is unanswered, so
    // whether award_kind is asked is still open: it is offered too.)
    r.send([Msg::PageDown, Msg::PageDown]);
    r.expect_at("award_kind");
    r.send([Msg::PageDown, Msg::PageDown]);
    assert_eq!(r.app.kind(), Kind::Outcome);
    assert!(!r.follows("work_years"));
    assert_eq!(r.app.iv.answers, answers_before);
    assert_eq!(
        r.effects.len(),
        saves_before,
        "no draft save: {:?}",
        &r.effects[saves_before..]
    );
    for id in ["retired", "grade", "cert_date", "work_years"] {
        assert_eq!(r.review_row(id).1, RowKind::Unanswered, "{id}");
    }
    // Moving forward over an answered question keeps its answer as it is.
    r.send([Msg::Back]);
    while r.at() != Some("sex") {
        r.send([Msg::Back]);
    }
    r.send([Msg::Down, Msg::PageDown]);
    r.expect_at("employer");
    assert_eq!(r.answer("sex"), Some(&Value::str("male")));
}

fn selected(r: &Rig) -> Option<usize> {
    match &r.app.screen.question().expect("a question").editor {
        Editor::Choice(l) => l.selected,
        e => panic!("not a choice: {e:?}"),
    }
}

fn error(r: &Rig) -> String {
    r.app
        .screen
        .question()
        .and_then(|q| q.error.clone())
        .unwrap_or_default()
}

#[test]
fn item3_no_answer_is_pre_chosen() {
    let mut r = Rig::new();
    r.send([Msg::Enter]);
    r.enter("赵六");
    r.enter("");
    r.enter("");
    r.enter("1980-02-02");
    r.send([Msg::Char('1'), Msg::Enter]);
    // An optional text question: Enter on the empty field is the explicit "not given".
    r.expect_at("employer");
    assert_eq!(r.review_row("employer").1, RowKind::Unanswered);
    r.enter("");
    assert_eq!(r.answer("employer"), Some(&Value::Null));
    // A fresh yes/no question: nothing selected; Enter alone records nothing and says
    // which keys answer it.
    r.expect_at("retired");
    assert_eq!(selected(&r), None);
    let before = r.effects.len();
    r.send([Msg::Enter]);
    r.expect_at("retired");
    assert_eq!(r.answer("retired"), None);
    assert_eq!(r.effects.len(), before, "nothing saved");
    assert!(
        error(&r).contains("y") && error(&r).contains("n"),
        "{}",
        error(&r)
    );
    r.send([Msg::Char('n')]);
    assert_eq!(r.answer("retired"), Some(&Value::Bool(false)));
    // A fresh choice question: the same.
    r.expect_at("grade");
    assert_eq!(selected(&r), None);
    r.send([Msg::Enter]);
    r.expect_at("grade");
    assert_eq!(r.answer("grade"), None);
    assert!(error(&r).contains("数字"), "{}", error(&r));
    r.send([Msg::Char('3'), Msg::Enter]);
    assert_eq!(r.answer("grade"), Some(&Value::str("grade1")));
    // An answered question shows its answer selected.
    r.send([Msg::Back]);
    r.expect_at("grade");
    assert_eq!(selected(&r), Some(2));
    r.send([Msg::Back]);
    assert_eq!(selected(&r), Some(1));
    r.send([Msg::PageDown, Msg::PageDown]);
    r.enter("2020-01-01");
    r.enter("");
    // An optional yes/no question offers "not known / not given" (key 0); until it is
    // given the fact has no answer.
    r.expect_at("has_award");
    assert_eq!(selected(&r), None);
    assert_eq!(r.review_row("has_award").1, RowKind::Unanswered);
    let text = screen_text(&r.app);
    assert!(text.contains("0. 不清楚/未提供"), "{text}");
    r.send([Msg::Enter]);
    assert!(error(&r).contains("0"), "{}", error(&r));
    r.send([Msg::Char('0'), Msg::Enter]);
    assert_eq!(r.answer("has_award"), Some(&Value::Null));
    // The follow-up only asked for a yes is not reached.
    r.expect_at("skills");
    // An optional multi-choice: "not given" ticked alone.
    r.send([Msg::Char(' '), Msg::End, Msg::Char(' ')]);
    match &r.app.screen.question().unwrap().editor {
        Editor::Multi(m) => assert_eq!(m.ticked, [false, false, true]),
        e => panic!("{e:?}"),
    }
    r.send([Msg::Enter]);
    assert_eq!(r.answer("skills"), Some(&Value::Null));
    assert_eq!(r.app.kind(), Kind::Outcome);
    assert_eq!(r.review_row("has_award").1, RowKind::Answered);
    // Not given survives the draft: a resumed wizard shows it selected.
    r.send([Msg::Quit]);
    let store = Store::open(&r._dir.path().join("data")).unwrap();
    let mut b = Rig::with_store(store, tempfile::tempdir().unwrap());
    b.send([Msg::Down, Msg::Enter, Msg::Enter]);
    assert_eq!(b.answer("has_award"), Some(&Value::Null));
    assert_eq!(b.answer("employer"), Some(&Value::Null));
    b.send([Msg::Tab]);
    b.edit_from_review("has_award");
    assert_eq!(selected(&b), Some(2));
}

/// The screen at 80x24 as text.
fn screen_text(app: &App) -> String {
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    guantong::tui::view::render(app, area, &mut buf);
    let mut out = String::new();
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            x += (unicode_width::UnicodeWidthStr::width(sym) as u16).max(1);
        }
        out.push('\n');
    }
    out
}

/// The keys of a whole interview in which the applicant turns out to be retired (a
/// blocker fires at the yes/no question), as the clerk types them.
const RETIRED_KEYS: &[&str] = &[
    "\r", // home: new interview
    "钱七\r",
    "\r", // interview date as shown
    "451021198805200011\r",
    "\r", // birth date from the ID number
    "\r", // sex from the ID number
    "\r", // employer: not given
    "y",  // retired: the blocker fires
    "2\r",
    "2019-03-01\r",
    "\r", // the years, as derived
    "n",
    "\r",
];

fn keys_of(s: &str) -> Vec<Msg> {
    s.chars()
        .map(|c| if c == '\r' { Msg::Enter } else { Msg::Char(c) })
        .collect()
}

#[test]
fn item4_a_notice_never_eats_a_key() {
    // Slowly: each question checked before its keys.
    let mut slow = Rig::new();
    let expect = [
        None,
        Some("applicant_name"),
        Some("interview_date"),
        Some("id_number"),
        Some("birth_date"),
        Some("sex"),
        Some("employer"),
        Some("retired"),
        Some("grade"),
        Some("cert_date"),
        Some("work_years"),
        Some("has_award"),
        Some("skills"),
    ];
    for (keys, at) in RETIRED_KEYS.iter().zip(expect) {
        assert_eq!(slow.at(), at);
        slow.send(keys_of(keys));
        if at == Some("retired") {
            // The blocker is announced under the next question, which has the keys.
            slow.expect_at("grade");
            let qs = slow.app.screen.question().unwrap();
            assert_eq!(qs.blockers.len(), 1);
            assert!(slow.app.overlay.is_none());
            assert!(screen_text(&slow.app).contains("已退休，不能申报"));
        }
    }
    assert_eq!(slow.app.kind(), Kind::Outcome);
    assert_eq!(slow.app.iv.ev.status, Status::Ineligible);
    // Typed ahead at full speed: every key in one go.
    let mut fast = Rig::new();
    fast.send(RETIRED_KEYS.iter().flat_map(|k| keys_of(k)));
    assert_eq!(fast.app.kind(), Kind::Outcome);
    assert_eq!(fast.app.iv.answers, slow.app.iv.answers);
    assert_eq!(fast.app.iv.followed, slow.app.iv.followed);
    assert_eq!(fast.answer("grade"), Some(&Value::str("grade2")));
    assert_eq!(fast.answer("retired"), Some(&Value::Bool(true)));
    assert_eq!(fast.answer("has_award"), Some(&Value::Bool(false)));
}

#[test]
fn item5_too_small_means_inert() {
    let mut r = Rig::new();
    r.send([Msg::Resize(80, 24), Msg::Enter]);
    r.enter("孙八");
    r.expect_at("interview_date");
    let answers = r.app.iv.answers.clone();
    let effects = r.effects.len();
    // Below 60x20: the notice names the size needed; no key but quit changes anything.
    for (w, h) in [(59, 20), (60, 19), (20, 5)] {
        r.send([Msg::Resize(w, h)]);
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        guantong::tui::view::render(&r.app, area, &mut buf);
        let text: String = buf.content().iter().map(|c| c.symbol()).collect();
        if h >= 5 {
            assert!(text.contains("60×20"), "{w}x{h}: {text}");
        }
        r.send(keys_of("2026-01-01\r"));
        r.send([
            Msg::Tab,
            Msg::Back,
            Msg::PageDown,
            Msg::Outcome,
            Msg::Help,
            Msg::Char('?'),
            Msg::Paste("x".into()),
            Msg::Enter,
        ]);
        r.expect_at("interview_date");
        assert!(r.app.overlay.is_none());
        assert_eq!(r.app.iv.answers, answers);
        assert_eq!(r.effects.len(), effects, "no effect asked for");
        match &r.app.screen.question().unwrap().editor {
            Editor::Field(f) => assert_eq!(f.input.value(), "2026-06-15"),
            e => panic!("{e:?}"),
        }
    }
    // Back to a usable size: keys act again.
    r.send([Msg::Resize(60, 20), Msg::Enter]);
    r.expect_at("id_number");
    // Quit works at any size, and saves the draft.
    r.send([Msg::Resize(10, 3), Msg::Quit]);
    assert!(r.app.quit);
    assert!(matches!(
        r.effects[effects..].first(),
        Some(Effect::SaveDraft { .. })
    ));
}

fn footer(app: &App) -> String {
    let t = screen_text(app);
    t.lines().nth(23).unwrap_or_default().to_string()
}

#[test]
fn item6_digits_select_everywhere_and_are_text_in_a_field() {
    let mut r = Rig::new();
    // Home: a digit selects, Enter acts; the footer says so.
    assert!(footer(&r.app).contains("数字 选中"), "{}", footer(&r.app));
    r.send([Msg::Char('3')]);
    assert_eq!(r.app.kind(), Kind::Home);
    assert!(r.effects.is_empty());
    r.send([Msg::Char('1'), Msg::Enter]);
    // A text field takes digits as text (0 included: it is not "not given" there).
    r.expect_at("applicant_name");
    r.enter("1号窗口测试");
    assert_eq!(r.answer("applicant_name"), Some(&Value::str("1号窗口测试")));
    r.enter("");
    r.enter("");
    r.enter("1980-02-02");
    // A choice list: the digit selects, records nothing; Enter records.
    r.expect_at("sex");
    assert!(footer(&r.app).contains("数字 选中"), "{}", footer(&r.app));
    r.send([Msg::Char('2')]);
    assert_eq!(selected(&r), Some(1));
    assert_eq!(r.answer("sex"), None);
    r.send([Msg::Enter]);
    assert_eq!(r.answer("sex"), Some(&Value::str("female")));
    r.expect_at("employer");
    r.enter("0");
    assert_eq!(r.answer("employer"), Some(&Value::str("0")));
    r.send([Msg::Char('n'), Msg::Char('1'), Msg::Enter]);
    r.enter("2020-01-01");
    r.enter("");
    r.send([Msg::Char('n')]);
    // A multi-choice list: the digit selects (moves), Space ticks the selected item.
    r.expect_at("skills");
    assert!(footer(&r.app).contains("数字 选中"), "{}", footer(&r.app));
    r.send([Msg::Char('2')]);
    match &r.app.screen.question().unwrap().editor {
        Editor::Multi(m) => {
            assert_eq!(m.list.selected, Some(1));
            assert_eq!(m.ticked, [false, false, false]);
        }
        e => panic!("{e:?}"),
    }
    r.send([Msg::Char(' '), Msg::Enter]);
    assert_eq!(
        r.answer("skills"),
        Some(&Value::list(vec![Value::str("driver")]))
    );
    // The sign-off's fields take digits as text.
    r.send([Msg::Char('s'), Msg::Tab]);
    r.send(keys_of("45"));
    let Screen::SignOff(so) = &r.app.screen else {
        panic!("{:?}", r.app.kind());
    };
    assert_eq!(so.id.value(), "45");
    // Drafts: two of them; the digit selects the second, Enter resumes it.
    r.send([Msg::Quit]);
    let store = Store::open(&r._dir.path().join("data")).unwrap();
    let mut b = Rig::with_store(store, tempfile::tempdir().unwrap());
    b.send([Msg::Enter]);
    b.enter("周九");
    b.send([Msg::Quit]);
    let store = Store::open(&r._dir.path().join("data")).unwrap();
    let mut c = Rig::with_store(store, tempfile::tempdir().unwrap());
    c.send([Msg::Char('2'), Msg::Enter]);
    assert_eq!(c.app.kind(), Kind::Drafts);
    assert!(footer(&c.app).contains("数字 选中"), "{}", footer(&c.app));
    c.send([Msg::Char('2')]);
    assert_eq!(c.app.kind(), Kind::Drafts);
    c.send([Msg::Enter]);
    assert_eq!(c.answer("applicant_name"), Some(&Value::str("1号窗口测试")));
    // Cases: the same.
    let mut d = Rig::new();
    d.send([Msg::Char('3'), Msg::Enter]);
    assert!(footer(&d.app).contains("数字 选中"), "{}", footer(&d.app));
    let row = |n: &str| guantong::tui::msg::CaseRow {
        number: n.into(),
        date: "2026-06-15".into(),
        name: "张*".into(),
        status: "符合".into(),
        level: String::new(),
        questionnaire: "counter".into(),
        questionnaire_title: "counter".into(),
    };
    d.app.update(Msg::Cases(vec![
        row("BS-2026-000002"),
        row("BS-2026-000001"),
    ]));
    assert!(d.app.update(Msg::Char('2')).is_empty());
    assert_eq!(
        d.app.update(Msg::Enter),
        vec![Effect::LoadCase("BS-2026-000001".into())]
    );
}

/// The text in the question's field.
fn field(r: &Rig) -> String {
    match &r.app.screen.question().expect("a question").editor {
        Editor::Field(f) => f.input.value(),
        e => panic!("not a field: {e:?}"),
    }
}

#[test]
fn item7_editing_and_typing_as_a_terminal_user_expects() {
    let mut r = Rig::new();
    r.send([Msg::Enter]);
    // Shell editing keys in a text field: Ctrl-W a word, Ctrl-A/Ctrl-E, Ctrl-K, Ctrl-U.
    r.send(keys_of("吴 十 一"));
    r.send([Msg::KillWord]);
    assert_eq!(field(&r), "吴 十 ");
    r.send([Msg::Home, Msg::Right, Msg::KillToEnd]);
    assert_eq!(field(&r), "吴");
    r.send(keys_of("x"));
    r.send([Msg::KillToStart]);
    assert_eq!(field(&r), "");
    r.send(keys_of("吴十"));
    r.send([Msg::Home, Msg::Char('老'), Msg::End, Msg::Char('一')]);
    assert_eq!(field(&r), "老吴十一");
    // The name's hint is about the input method; the ID number's is about its form.
    assert!(screen_text(&r.app).contains("可用输入法输入中文"));
    r.send([Msg::Enter]);
    assert_eq!(r.answer("applicant_name"), Some(&Value::str("老吴十一")));
    // A date typed full-width with the input method on.
    r.expect_at("interview_date");
    r.retype("２０２６年６月１０日");
    assert_eq!(
        r.answer("interview_date"),
        Some(&Value::Date(date(2026, 6, 10)))
    );
    // The ID number: full-width digits and spaces inside are read as the number.
    r.expect_at("id_number");
    let text = screen_text(&r.app);
    assert!(!text.contains("输入法"), "{text}");
    assert!(text.contains("空格不计"), "{text}");
    r.enter("４５１０２１　１９８８０５２０ ００１１");
    assert_eq!(r.answer("id_number"), Some(&Value::str(MALE_1988)));
    r.send([Msg::Enter, Msg::Enter]); // birth date and sex from the ID number
    r.enter("");
    // Full-width command keys: ｙ/ｎ answer, ２ selects.
    r.expect_at("retired");
    r.send([Msg::Char('ｎ')]);
    assert_eq!(r.answer("retired"), Some(&Value::Bool(false)));
    r.send([Msg::Char('２'), Msg::Enter]);
    assert_eq!(r.answer("grade"), Some(&Value::str("grade2")));
    // 2022年9月1日, half-width, is a date too; a full-width number typed over a default.
    r.enter("2022年9月1日");
    assert_eq!(r.answer("cert_date"), Some(&Value::Date(date(2022, 9, 1))));
    r.expect_at("work_years");
    assert_eq!(field(&r), "3");
    // Typing over the pre-filled value replaces it (5, not 35); editing keys keep it.
    r.enter("５");
    assert_eq!(r.answer("work_years"), Some(&Value::Int(5)));
    r.send([Msg::Back]);
    r.send([Msg::End, Msg::Backspace, Msg::Char('6')]);
    assert_eq!(field(&r), "6");
    r.send([Msg::Home, Msg::Char('1'), Msg::Enter]);
    assert_eq!(r.answer("work_years"), Some(&Value::Int(16)));
    r.send([Msg::Char('０'), Msg::Enter]);
    assert_eq!(r.answer("has_award"), Some(&Value::Null));
    // In a multi-choice list the ideographic space ticks, like Space.
    r.send([Msg::Char('\u{3000}'), Msg::Enter]);
    assert_eq!(
        r.answer("skills"),
        Some(&Value::list(vec![Value::str("safety")]))
    );
    // Sign-off: the same editing keys; the ID typed full-width with spaces is accepted.
    r.send([Msg::Char('ｓ')]);
    assert_eq!(r.app.kind(), Kind::SignOff);
    r.send([Msg::Tab, Msg::KillToStart]);
    r.send(keys_of("４５１０２１ １９８８０５２０ ００１１"));
    r.send([Msg::Home, Msg::KillToEnd]);
    let Screen::SignOff(so) = &r.app.screen else {
        panic!()
    };
    assert_eq!(so.id.value(), "");
    r.send(keys_of("４５１０２１ １９８８０５２０ ００１１"));
    r.send([Msg::BackTab]);
    r.send(signoff_keys());
    let Some(Effect::SignOff(req)) = r
        .effects
        .iter()
        .rev()
        .find(|e| matches!(e, Effect::SignOff(_)))
    else {
        panic!("no sign-off asked for: {:?}", r.app.screen);
    };
    assert_eq!(req.applicant_id.as_deref(), Some(MALE_1988));
}

/// From the name field of the sign-off, the sequence its footer states: Tab to the ID
/// number, Tab to the pledge, Space, Tab to the clerk's box, Space, Tab to the button,
/// Enter.
fn signoff_keys() -> Vec<Msg> {
    vec![
        Msg::Tab,
        Msg::Tab,
        Msg::Char(' '),
        Msg::Tab,
        Msg::Char(' '),
        Msg::Tab,
        Msg::Enter,
    ]
}

#[test]
fn item8_sign_off_keys_do_what_the_footer_says() {
    use guantong::tui::screens::signoff::{CLERK, ID, NAME, PLEDGE, SUBMIT};
    let mut r = Rig::new();
    interview(&mut r);
    r.send([Msg::Char('s')]);
    let so = |r: &Rig| match &r.app.screen {
        Screen::SignOff(s) => s.clone(),
        other => panic!("{:?}", other.kind()),
    };
    assert!(
        footer(&r.app).contains("Tab 下一项  空格 勾选  到「签字归档」按 Enter"),
        "{}",
        footer(&r.app)
    );
    assert_eq!(so(&r).focus, NAME);
    r.send([Msg::Tab]);
    assert_eq!(so(&r).focus, ID);
    r.send([Msg::Tab]);
    assert_eq!(so(&r).focus, PLEDGE);
    // Space ticks and the focus stays; Space again unticks.
    r.send([Msg::Char(' ')]);
    assert!(so(&r).pledge_confirmed_at.is_some());
    assert_eq!(so(&r).focus, PLEDGE);
    r.send([Msg::Char(' ')]);
    assert!(so(&r).pledge_confirmed_at.is_none());
    assert_eq!(so(&r).focus, PLEDGE);
    r.send([Msg::Char(' '), Msg::Tab]);
    assert_eq!(so(&r).focus, CLERK);
    r.send([Msg::Char(' ')]);
    assert!(so(&r).clerk_ok);
    assert_eq!(so(&r).focus, CLERK);
    // Enter on a box moves on without ticking or unticking it.
    r.send([Msg::BackTab, Msg::Enter]);
    assert_eq!(so(&r).focus, CLERK);
    assert!(so(&r).pledge_confirmed_at.is_some() && so(&r).clerk_ok);
    r.send([Msg::Enter]);
    assert_eq!(so(&r).focus, SUBMIT);
    let before = r.effects.len();
    r.send([Msg::Enter]);
    // The store is asked for earlier cases of the applicant (none), then it is signed.
    let [Effect::FindEarlier(_), Effect::SignOff(req)] = &r.effects[before..] else {
        panic!("no sign-off: {:?}", &r.effects[before..]);
    };
    assert_eq!(req.applicant_name, "张三");
    assert_eq!(req.applicant_id.as_deref(), Some(MALE_1988));
    // The exact sequence from the name field signs a fresh sign-off too.
    let mut r = Rig::new();
    interview(&mut r);
    r.send([Msg::Char('s')]);
    let before = r.effects.len();
    r.send(signoff_keys());
    assert!(
        matches!(
            r.effects[before..],
            [Effect::FindEarlier(_), Effect::SignOff(_)]
        ),
        "{:?}",
        &r.effects[before..]
    );
}

#[test]
fn item11_a_far_interview_date_asks_to_confirm() {
    let mut r = Rig::new();
    r.send([Msg::Enter]);
    r.enter("郑十");
    r.expect_at("interview_date");
    // 45 days before today (2026-06-15): asked to confirm, nothing recorded.
    let before = r.effects.len();
    r.retype("2026-05-01");
    r.expect_at("interview_date");
    assert_eq!(r.answer("interview_date"), None);
    assert_eq!(r.effects.len(), before, "nothing saved");
    let e = error(&r);
    assert!(e.contains("2026-05-01") && e.contains("45 天前"), "{e}");
    // Enter again with the same date records it.
    r.send([Msg::Enter]);
    assert_eq!(
        r.answer("interview_date"),
        Some(&Value::Date(date(2026, 5, 1)))
    );
    r.expect_at("id_number");
    // Within 30 days: recorded at once.
    r.send([Msg::Back]);
    r.retype("2026-05-20");
    assert_eq!(
        r.answer("interview_date"),
        Some(&Value::Date(date(2026, 5, 20)))
    );
    // A different far date asks again, even after one was confirmed.
    r.send([Msg::Back]);
    r.retype("2027-06-15");
    r.expect_at("interview_date");
    assert!(error(&r).contains("365 天后"), "{}", error(&r));
    r.retype("2026-08-01");
    r.expect_at("interview_date");
    assert!(error(&r).contains("47 天后"), "{}", error(&r));
    assert_eq!(
        r.answer("interview_date"),
        Some(&Value::Date(date(2026, 5, 20)))
    );
    r.send([Msg::Enter]);
    assert_eq!(
        r.answer("interview_date"),
        Some(&Value::Date(date(2026, 8, 1)))
    );
    // Today, as shown, is never asked about.
    r.send([Msg::Back]);
    r.retype("2026-06-15");
    r.expect_at("id_number");
    assert!(r.follows("interview_date"));
}

/// The fact of the review's selected row.
fn review_focus(r: &Rig) -> String {
    let Screen::Review(rv) = &r.app.screen else {
        panic!("not on the review: {:?}", r.app.kind());
    };
    let i = rows(&r.app.iv)[rv.sel].0;
    r.app.iv.fact_id(i).to_string()
}

#[test]
fn item12_focus_stays_put() {
    let mut r = Rig::new();
    interview(&mut r);
    // Esc from the outcome, every question answered: the last question.
    r.send([Msg::Back]);
    r.expect_at("skills");
    // Tab in the middle of typing a date: the review opens on that question's row, and
    // Enter goes straight back to it with what was typed; the name is untouched.
    while r.at() != Some("cert_date") {
        r.send([Msg::Back]);
    }
    r.send([Msg::End]);
    r.send(vec![Msg::Backspace; 10]);
    r.send(keys_of("20260101"));
    r.send([Msg::Tab]);
    assert_eq!(review_focus(&r), "cert_date");
    r.send([Msg::Enter]);
    r.expect_at("cert_date");
    assert_eq!(field(&r), "20260101");
    assert_eq!(r.answer("applicant_name"), Some(&Value::str("张三")));
    r.send(vec![Msg::Backspace; 8]);
    r.enter("2021-05-10");
    // Answered from the review: back on the review, on the edited row.
    assert_eq!(r.app.kind(), Kind::Review);
    assert_eq!(review_focus(&r), "cert_date");
    // An edit that opens a new question: it is asked, then the review comes back on the
    // row that was edited.
    r.edit_from_review("has_award");
    r.send([Msg::Char('y')]);
    r.expect_at("award_kind");
    r.send([Msg::Char('2'), Msg::Enter]);
    assert_eq!(r.answer("award_kind"), Some(&Value::str("province")));
    assert_eq!(review_focus(&r), "has_award");
    // Esc from an edit started in the review: back on that row.
    r.edit_from_review("grade");
    r.send([Msg::Back]);
    assert_eq!(review_focus(&r), "grade");
    // Esc from the outcome with a question unanswered: that question.
    r.edit_from_review("has_award");
    r.send([Msg::Char('n')]);
    r.send([Msg::Outcome]);
    assert_eq!(r.app.kind(), Kind::Outcome);
    let mut fresh = Rig::new();
    fresh.send([Msg::Enter]);
    fresh.enter("冯一");
    fresh.send([Msg::Outcome, Msg::Back]);
    fresh.expect_at("interview_date");
}

#[test]
fn item9_a_draft_open_in_another_wizard_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut a = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    a.send([Msg::Enter]);
    a.enter("陈二");
    a.enter("");
    let id = a.app.iv.draft_id.clone().expect("saved");
    // A second wizard on the same store (another clerk): the draft is listed in use, with
    // who and since when; Enter only offers the take-over.
    let mut b = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    b.send([Msg::Char('2'), Msg::Enter]);
    let Screen::Drafts(d) = &b.app.screen else {
        panic!("{:?}", b.app.kind());
    };
    let row = &d.rows.as_ref().unwrap()[0];
    let by = row.in_use.clone().expect("in use");
    assert_eq!(by.who, guantong::case::keys::os_user());
    assert!(
        screen_text(&b.app).contains("使用中"),
        "{}",
        screen_text(&b.app)
    );
    let before = b.effects.len();
    b.send([Msg::Enter]);
    assert_eq!(b.app.kind(), Kind::Drafts);
    assert_eq!(b.effects.len(), before, "nothing opened");
    let n = b.app.notice.clone().expect("the take-over offer");
    assert!(n.text.contains("按 t 接管"), "{}", n.text);
    // Any other key lets it be (and does what it does).
    b.send([Msg::Down, Msg::Char('t')]);
    assert_eq!(b.app.kind(), Kind::Drafts);
    assert_eq!(b.effects.len(), before);
    // Confirmed: taken over, with the answers so far.
    b.send([Msg::Enter, Msg::Char('t')]);
    assert_eq!(b.effects.last(), Some(&Effect::TakeOverDraft(id.clone())));
    b.expect_at("id_number");
    assert_eq!(b.answer("applicant_name"), Some(&Value::str("陈二")));
    b.enter(MALE_1988);
    // The first wizard can no longer save: its next answer is refused, and said so.
    a.enter(FEMALE_1992);
    let n = a.app.notice.clone().expect("a notice");
    assert!(n.error && n.text.contains("接管"), "{}", n.text);
    let store = Store::open(&data).unwrap();
    let saved = store.load_draft(&id).unwrap();
    assert_eq!(
        saved.answers.get("id_number"),
        Some(&Value::str(MALE_1988)),
        "the second wizard's answer stands"
    );
    // Nor discard it from its drafts list.
    a.send([Msg::Quit]);
    let mut c = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    c.send([Msg::Char('2'), Msg::Enter, Msg::Char('x'), Msg::Char('x')]);
    assert!(store.load_draft(&id).is_ok(), "not discarded from under b");
    assert!(c.app.notice.as_ref().is_some_and(|n| n.error));
    // A wizard whose holder is gone holds nothing: with the liveness check saying so (the
    // real check, by process id and start time, is exercised by the pty tests), a third
    // wizard opens the draft without any take-over.
    let mut e = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    e.ex.alive = |_| false;
    e.send([Msg::Char('2'), Msg::Enter]);
    let Screen::Drafts(d) = &e.app.screen else {
        panic!("{:?}", e.app.kind());
    };
    assert!(d.rows.as_ref().unwrap()[0].in_use.is_none());
    e.send([Msg::Enter]);
    assert_eq!(e.effects.last(), Some(&Effect::LoadDraft(id.clone())));
    e.expect_at("birth_date");
    // Quitting lets go at once: the next wizard finds it free.
    e.send([Msg::Quit]);
    let mut f = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    f.send([Msg::Char('2'), Msg::Enter]);
    let Screen::Drafts(d) = &f.app.screen else {
        panic!("{:?}", f.app.kind());
    };
    assert!(d.rows.as_ref().unwrap()[0].in_use.is_none());
}

#[test]
fn item10_the_same_applicant_twice_in_a_year_needs_confirming() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // An earlier case of the same person this year (and one of last year), signed with a
    // key of the test's own.
    let mut store = Store::open(&data).unwrap();
    store.set_office(guantong::case::OfficeCode::parse("451002").ok());
    let q = questionnaire();
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let case_for = |interview: &str| {
        let mut answers = guantong::value::Answers::new();
        for (k, v) in [
            ("applicant_name", Value::str("张三")),
            ("interview_date", Value::Date(interview.parse().unwrap())),
            ("id_number", Value::str(MALE_1988)),
            ("employer", Value::Null),
            ("retired", Value::Bool(false)),
            ("grade", Value::str("grade3")),
            ("cert_date", Value::Date(date(2015, 1, 1))),
            ("has_award", Value::Bool(false)),
            ("skills", Value::list(vec![])),
        ] {
            answers.insert(k.to_string(), v);
        }
        guantong::case::SignOff {
            questionnaire: &q,
            answers,
            applicant_name: "张三".into(),
            applicant_id: Some(MALE_1988.into()),
            pledge_confirmed_at: clock().now,
            clerk_display_name: Some("李四".into()),
            notes: None,
            amends: None,
            draft_id: None,
            now: clock().now,
            today: clock().today,
        }
    };
    let numbers = store
        .sign_off_many(&[case_for("2025-03-01"), case_for("2026-06-01")], &key)
        .unwrap();
    drop(store);
    let mut r = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    interview(&mut r);
    r.send([Msg::Char('s')]);
    let before = r.effects.len();
    r.send(signoff_keys());
    // Found and shown with number, verdict, level and clerk; nothing signed.
    let Screen::SignOff(so) = &r.app.screen else {
        panic!("{:?}", r.app.kind());
    };
    let earlier = so.earlier.clone().expect("earlier cases shown");
    assert_eq!(earlier.len(), 1, "only this year's: {earlier:?}");
    assert_eq!(earlier[0].number, numbers[1]);
    assert_eq!(
        (earlier[0].status.as_str(), earlier[0].level.as_str()),
        ("符合", "三级")
    );
    assert_eq!(earlier[0].clerk, "李四");
    assert!(matches!(r.effects[before..], [Effect::FindEarlier(_)]));
    let text = screen_text(&r.app);
    assert!(
        text.contains(&numbers[1]) && text.contains("经办人 李四"),
        "{text}"
    );
    assert!(text.contains("再按 Enter"), "{text}");
    // Confirmed with Enter on the button: signed.
    r.send([Msg::Enter]);
    assert!(matches!(r.effects.last(), Some(Effect::SignOff(_))));
    // Another ID number typed at sign-off: another person; looked up again (none).
    let mut r = Rig::with_store(Store::open(&data).unwrap(), tempfile::tempdir().unwrap());
    interview(&mut r);
    r.send([Msg::Char('s')]);
    r.send(signoff_keys());
    assert!(matches!(&r.app.screen, Screen::SignOff(s) if s.earlier.is_some()));
    r.send([Msg::BackTab, Msg::BackTab, Msg::BackTab, Msg::KillToStart]);
    r.send(keys_of(FEMALE_1992));
    assert!(matches!(&r.app.screen, Screen::SignOff(s) if s.earlier.is_none()));
    let before = r.effects.len();
    r.send([Msg::Tab, Msg::Tab, Msg::Tab, Msg::Enter]);
    // the sex and birth date follow the ID number typed here: a woman born 1992
    assert!(
        matches!(
            r.effects[before..],
            [Effect::FindEarlier(_), Effect::SignOff(_)]
        ),
        "{:?} {:?}",
        &r.effects[before..],
        r.app.notice
    );
}
