//! The real binary in a real pseudo-terminal (portable-pty), its screen read back through
//! a terminal emulator (vt100): a skill_to_title interview end to end and signed off, then
//! found with `guantong cases show`; resizes down to "too small" and back; SIGHUP saving
//! the draft and exiting within a second; SIGTERM restoring the terminal; no output while
//! idle. Waits are on the screen's content (or the child's exit) with deadlines, never a
//! fixed sleep.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_guantong");

struct Session {
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    rx: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

impl Session {
    fn start(data: &Path, config: &Path, cols: u16, rows: u16) -> Session {
        Session::start_with(data, config, cols, rows, &[])
    }

    /// Start the wizard with extra arguments (`--questionnaire FILE`).
    fn start_with(data: &Path, config: &Path, cols: u16, rows: u16, args: &[&str]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--data-dir");
        cmd.arg(data);
        for a in args {
            cmd.arg(a);
        }
        cmd.env("GUANTONG_CONFIG_DIR", config);
        cmd.env("LANG", "C.UTF-8");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("GUANTONG_DATA_DIR");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Session {
            master: pty.master,
            child,
            writer,
            rx,
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Read output until the screen contains `text`.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if self.screen().contains(text) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(_) => panic!("timed out waiting for {text:?}; screen:\n{}", self.screen()),
            }
        }
    }

    /// Read output until the screen no longer contains `text` (a frame has replaced it).
    fn wait_gone(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.screen().contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(_) => panic!("{text:?} still on the screen:\n{}", self.screen()),
            }
        }
    }

    fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for the child to exit, up to `limit`.
    fn wait_exit(&mut self, limit: Duration) -> Option<portable_pty::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return Some(st);
            }
            if Instant::now() >= deadline {
                return None;
            }
            // Drain output meanwhile (the child may block writing to a full pty).
            if let Ok(bytes) = self.rx.recv_timeout(Duration::from_millis(10)) {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
        }
    }

    fn drain(&mut self) {
        while let Ok(bytes) = self.rx.recv_timeout(Duration::from_millis(100)) {
            self.parser.process(&bytes);
            self.raw.extend_from_slice(&bytes);
        }
    }

    fn signal(&self, sig: &str) {
        let pid = self.child.process_id().unwrap();
        let st = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(st.success());
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser.set_size(nz(rows), nz(cols));
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

fn dirs() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let config = tmp.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "clerk_name = \"李四\"\noffice_code = \"451002\"\noffice_name = \"百色市人力资源和社会保障局\"\n",
    )
    .unwrap();
    (tmp, data, config)
}

/// The skill_to_title interview's keys, question by question (the prompt to wait for,
/// then what the clerk types).
const S2T: &[(&str, &str)] = &[
    ("请问您的姓名", "张三\r"),
    ("请问您今天想咨询哪一项", "1\r"),
    ("今天的面谈日期", "\r"),
    ("请出示身份证", "\r"),
    ("您的出生日期是", "19880520\r"),
    ("您的性别", "1\r"),
    ("年度考核不合格", "n"),
    ("立案审查调查", "n"),
    ("办理了退休手续", "n"),
    ("最高职业资格或职业技能等级", "3\r"),
    ("证书是哪天取得的", "2022年3月1日\r"),
    ("没有从事技术技能工作", "\r"),
    ("荣誉或称号", "\r"),
    ("系列", "1\r"),
    ("相近或相同", "y"),
    ("职称评定基本", "y"),
    ("百色市境内", "y"),
    ("还是自由职业", "1\r"),
    ("是否已满3年", "y"),
    ("伪造学历", "0\r"),
    ("被撤销过职称", "n"),
    ("同级别的职称", "n"),
    ("继续教育", "y"),
    ("技工院校", "1\r"),
];

#[test]
fn skill_to_title_interview_signed_off_and_found() {
    let (_tmp, data, config) = dirs();
    let mut s = Session::start(&data, &config, 80, 24);
    s.wait_for("新建面谈");
    s.keys("\r");
    for (prompt, keys) in S2T {
        s.wait_for(prompt);
        s.keys(keys);
    }
    s.wait_for("结论：符合");
    s.wait_for("助理级");
    // Frames are wrapped in synchronized updates.
    let raw = String::from_utf8_lossy(&s.raw).to_string();
    assert!(raw.contains("\x1b[?2026h") && raw.contains("\x1b[?2026l"));
    // Sign off: name prefilled; ID; pledge; clerk; submit.
    s.keys("s");
    s.wait_for("签字确认");
    assert!(s.screen().contains("张三"));
    s.keys("\t451021198805200011\t \t \t\r");
    s.wait_for("案件编号");
    let screen = s.screen();
    let number = screen
        .lines()
        .find_map(|l| l.split("案件编号：").nth(1))
        .map(|n| n.trim().to_string())
        .expect("case number on screen");
    assert!(number.starts_with("BS-451002-"), "{number}");
    // The receipt: p opens the print menu, 3 writes the HTML file.
    s.keys("p");
    s.wait_for("写出 HTML 文件");
    s.keys("3\r");
    s.wait_for("printouts");
    let printout = data.join("printouts").join(format!("{number}.html"));
    assert!(printout.exists(), "{}", printout.display());
    // Home, recent cases lists it.
    s.keys("\r");
    s.wait_for("新建面谈");
    s.keys("3\r");
    s.wait_for(&number);
    // a frame can arrive in pieces: the list is whole once home's items are gone (an Esc
    // sent earlier would be followed by the q below while home still shows, and reach the
    // wizard glued to it, as Alt-q)
    s.wait_gone("新建面谈");
    s.keys("\x1b");
    s.wait_for("新建面谈");
    s.keys("q");
    let st = s
        .wait_exit(Duration::from_secs(5))
        .unwrap_or_else(|| panic!("exits on q: {}", s.screen()));
    assert!(st.success());
    s.drain();
    assert!(!s.parser.screen().alternate_screen(), "terminal restored");

    let out = Command::new(BIN)
        .args(["cases", "show", &number, "--data-dir"])
        .arg(&data)
        .env("GUANTONG_CONFIG_DIR", &config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("助理级"), "{text}");
    assert!(
        text.contains("李四"),
        "clerk display name from config.toml: {text}"
    );
    let out = Command::new(BIN)
        .args(["cases", "list", "--data-dir"])
        .arg(&data)
        .env("GUANTONG_CONFIG_DIR", &config)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&number));
}

#[test]
fn resize_to_too_small_and_back() {
    let (_tmp, data, config) = dirs();
    let mut s = Session::start(&data, &config, 80, 24);
    s.wait_for("新建面谈");
    s.keys("\r张三\r");
    s.wait_for("请问您今天想咨询哪一项");
    // Nothing is drawn while nothing happens: no timer redraws.
    s.drain();
    match s.rx.recv_timeout(Duration::from_millis(700)) {
        Err(RecvTimeoutError::Timeout) => {}
        other => panic!("output while idle: {other:?}"),
    }
    s.resize(60, 20);
    s.wait_for("3. 技能人才报考");
    s.resize(40, 10);
    s.wait_for("窗口太小");
    s.resize(20, 5);
    s.resize(100, 30);
    s.wait_for("实时评估");
    s.resize(80, 24);
    s.keys("2\r");
    s.wait_for("今天的面谈日期");
    assert!(s.child.try_wait().unwrap().is_none(), "still running");
    s.keys("\x03");
    let Some(st) = s.wait_exit(Duration::from_secs(5)) else {
        panic!("no exit on Ctrl-C; screen:\n{}", s.screen());
    };
    assert!(st.success());
}

#[test]
fn sighup_saves_the_draft_and_exits_at_once() {
    let (_tmp, data, config) = dirs();
    let mut s = Session::start(&data, &config, 80, 24);
    s.wait_for("新建面谈");
    s.keys("\r王五\r");
    s.wait_for("请问您今天想咨询哪一项");
    s.keys("1\r");
    s.wait_for("今天的面谈日期");
    s.signal("HUP");
    let start = Instant::now();
    let st = s
        .wait_exit(Duration::from_secs(1))
        .expect("exited within a second of SIGHUP");
    assert!(!st.success());
    assert!(start.elapsed() < Duration::from_secs(1));
    let store = guantong::case::Store::open(&data).unwrap();
    let drafts = store.list_drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    let d = &drafts[0];
    assert_eq!(
        d.answers.get("applicant_name").and_then(|v| v.as_str()),
        Some("王五")
    );
    assert_eq!(
        d.answers.get("pathway").and_then(|v| v.as_str()),
        Some("skill_to_title")
    );
    assert_eq!(d.current.as_deref(), Some("interview_date"));
}

#[test]
fn sigterm_restores_the_terminal() {
    let (_tmp, data, config) = dirs();
    let mut s = Session::start(&data, &config, 80, 24);
    s.wait_for("新建面谈");
    assert!(s.parser.screen().alternate_screen());
    s.signal("TERM");
    s.wait_exit(Duration::from_secs(2))
        .expect("exits on SIGTERM");
    s.drain();
    assert!(!s.parser.screen().alternate_screen());
    let raw = String::from_utf8_lossy(&s.raw).to_string();
    assert!(raw.contains("\x1b[?2004l"), "bracketed paste turned off");
}

#[test]
fn sigint_and_sigquit_leave_the_alternate_screen_and_keep_the_draft() {
    for (sig, num) in [("INT", 2), ("QUIT", 3)] {
        let (_tmp, data, config) = dirs();
        let mut s = Session::start(&data, &config, 80, 24);
        s.wait_for("新建面谈");
        s.keys("\r赵六\r");
        s.wait_for("请问您今天想咨询哪一项");
        assert!(s.parser.screen().alternate_screen());
        s.signal(sig);
        let st = s
            .wait_exit(Duration::from_secs(5))
            .unwrap_or_else(|| panic!("exits on SIG{sig}"));
        assert_eq!(st.exit_code(), 128 + num, "SIG{sig}");
        s.drain();
        assert!(
            !s.parser.screen().alternate_screen(),
            "SIG{sig} left the alternate screen on"
        );
        let raw = String::from_utf8_lossy(&s.raw).to_string();
        assert!(raw.contains("\x1b[?2004l"), "bracketed paste turned off");
        let store = guantong::case::Store::open(&data).unwrap();
        let drafts = store.list_drafts().unwrap();
        assert_eq!(drafts.len(), 1, "SIG{sig}: the draft is kept");
    }
}

const COUNTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/counter.toml");

/// The counter fixture's interview in which the applicant is retired (a blocker fires at
/// the yes/no question): the prompt to wait for, then what the clerk types.
const RETIRED: &[(&str, &str)] = &[
    ("新建面谈", "\r"),
    ("申请人姓名", "钱七\r"),
    ("面谈日期", "\r"),
    ("身份证号码", "451021198805200011\r"),
    ("出生日期", "\r"),
    ("性别", "\r"),
    ("工作单位", "\r"),
    ("是否已办理退休", "y"),
    ("证书等级", "2\r"),
    ("取得证书日期", "2019-03-01\r"),
    ("取证后满几年", "\r"),
    ("市级以上奖励", "n"),
    ("另持有的证书", "\r"),
];

#[derive(Clone, Copy, PartialEq)]
enum Typing {
    /// Each question waited for, then its keys.
    Slow,
    /// The wizard up, then the whole interview in one write, as fast as a clerk who knows
    /// the questions types it.
    Ahead,
    /// The whole interview written before the wizard has even set up the terminal.
    BeforeStart,
}

/// Run the retired interview, quit with Ctrl-C, and return the saved draft's answers and
/// the facts that follow their default.
fn retired_interview(typing: Typing, cols: u16, rows: u16) -> (String, Vec<String>) {
    let (_tmp, data, config) = dirs();
    let mut s = Session::start_with(&data, &config, cols, rows, &["--questionnaire", COUNTER]);
    let all: String = RETIRED.iter().map(|(_, k)| *k).collect();
    match typing {
        Typing::Slow => {
            for (prompt, keys) in RETIRED {
                s.wait_for(prompt);
                s.keys(keys);
            }
        }
        Typing::Ahead => {
            s.wait_for(RETIRED[0].0);
            s.keys(&all);
        }
        Typing::BeforeStart => s.keys(&all),
    }
    s.wait_for("结论：不符合");
    s.keys("\x03");
    let st = s
        .wait_exit(Duration::from_secs(5))
        .expect("exits on Ctrl-C");
    assert!(st.success());
    let drafts = drafts_json(&data, &config, &["--unmasked"]);
    assert_eq!(drafts.len(), 1);
    let d = &drafts[0];
    let followed = d["followed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    (d["answers"].to_string(), followed)
}

#[test]
fn typed_ahead_through_a_blocker_ends_with_the_same_answers() {
    let slow = retired_interview(Typing::Slow, 80, 24);
    let fast = retired_interview(Typing::Ahead, 80, 24);
    assert_eq!(fast, slow);
    assert!(slow.0.contains("\"grade\":\"grade2\""), "{}", slow.0);
    assert!(slow.0.contains("\"retired\":true"), "{}", slow.0);
    assert!(slow.0.contains("\"has_award\":false"), "{}", slow.0);
    assert!(slow.1.contains(&"work_years".to_string()), "{:?}", slow.1);
    // The same at 60x20, and with every key typed before the wizard was up (the terminal
    // hands Enter over as a line feed then).
    assert_eq!(retired_interview(Typing::Ahead, 60, 20), slow);
    assert_eq!(retired_interview(Typing::BeforeStart, 80, 24), slow);
}

#[test]
fn keys_do_nothing_while_too_small_but_quit_saves() {
    let (_tmp, data, config) = dirs();
    let mut s = Session::start(&data, &config, 80, 24);
    s.wait_for("新建面谈");
    s.keys("\r张三\r");
    s.wait_for("请问您今天想咨询哪一项");
    s.resize(40, 10);
    s.wait_for("至少 60×20");
    // An answer typed while the terminal is too small changes nothing; Ctrl-C (read after
    // it, from the same input) still quits and saves the draft.
    s.keys("1\r\x03");
    let st = s
        .wait_exit(Duration::from_secs(5))
        .expect("exits on Ctrl-C");
    assert!(st.success());
    let store = guantong::case::Store::open(&data).unwrap();
    let drafts = store.list_drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    assert!(
        !drafts[0].answers.contains_key("pathway"),
        "{:?}",
        drafts[0].answers
    );
    assert_eq!(drafts[0].current.as_deref(), Some("pathway"));
}

/// The counter fixture wizard, on a shared store.
fn counter(data: &Path, config: &Path) -> Session {
    Session::start_with(data, config, 80, 24, &["--questionnaire", COUNTER])
}

/// From the outcome: sign off with the sequence the footer states (name and ID number
/// pre-filled).
const SIGN: &str = "s\t\t \t \t\r";

fn cases(data: &Path) -> Vec<String> {
    let store = guantong::case::Store::open(data).unwrap();
    store.numbers().unwrap()
}

/// A first wizard has a draft open; a second one sees it in use and cannot open it; once
/// the first is gone (`sig`), the second opens it without a take-over and signs it.
fn second_wizard_after(sig: &str) {
    let (_tmp, data, config) = dirs();
    let mut w1 = counter(&data, &config);
    for (prompt, keys) in &RETIRED[..4] {
        w1.wait_for(prompt);
        w1.keys(keys);
    }
    w1.wait_for("出生日期");
    let mut w2 = counter(&data, &config);
    w2.wait_for("新建面谈");
    w2.keys("2\r");
    w2.wait_for("使用中");
    w2.keys("\r");
    w2.wait_for("按 t 接管");
    // Esc: not taken over; back home.
    w2.keys("\x1b");
    w2.wait_for("新建面谈");
    w1.signal(sig);
    w1.wait_exit(Duration::from_secs(5))
        .expect("the first wizard ends");
    // The first wizard is gone: the draft is free, no take-over asked.
    w2.keys("2\r");
    w2.wait_for("已答 2 项");
    assert!(!w2.screen().contains("使用中"), "{}", w2.screen());
    w2.keys("\r");
    w2.wait_for("出生日期");
    for (prompt, keys) in &RETIRED[4..] {
        w2.wait_for(prompt);
        w2.keys(keys);
    }
    w2.wait_for("结论：不符合");
    w2.keys(SIGN);
    w2.wait_for("案件编号");
    assert_eq!(cases(&data).len(), 1);
}

#[test]
fn a_draft_is_freed_when_its_wizard_gets_sighup() {
    second_wizard_after("HUP");
}

#[test]
fn a_draft_is_freed_when_its_wizard_is_killed() {
    second_wizard_after("KILL");
}

#[test]
fn a_draft_taken_over_is_signed_once() {
    let (_tmp, data, config) = dirs();
    let mut w1 = counter(&data, &config);
    for (prompt, keys) in RETIRED {
        w1.wait_for(prompt);
        w1.keys(keys);
    }
    w1.wait_for("结论：不符合");
    // The second wizard takes it over, as confirmed, and signs.
    let mut w2 = counter(&data, &config);
    w2.wait_for("新建面谈");
    w2.keys("2\r");
    w2.wait_for("使用中");
    w2.keys("\rt");
    w2.wait_for("另持有的证书");
    w2.keys("\x0f");
    w2.wait_for("结论：不符合");
    w2.keys(SIGN);
    w2.wait_for("案件编号");
    // The first cannot sign it any more: refused, and said why.
    w1.keys(SIGN);
    w1.wait_for("接管");
    assert!(!w1.screen().contains("案件编号"), "{}", w1.screen());
    assert_eq!(cases(&data).len(), 1);
    w1.keys("\x03");
    w1.wait_exit(Duration::from_secs(5)).expect("quits");
    w2.keys("\r\x03");
    w2.wait_exit(Duration::from_secs(5)).expect("quits");
    let store = guantong::case::Store::open(&data).unwrap();
    assert!(
        store.list_drafts().unwrap().is_empty(),
        "no draft brought back"
    );
}

/// `guantong cases sign` of the counter fixture's answers, through the binary.
fn cli_sign(data: &Path, config: &Path, answers: &str, extra: &[&str]) -> std::process::Output {
    let file = data.with_extension("answers.toml");
    std::fs::write(&file, answers).unwrap();
    Command::new(BIN)
        .args(["cases", "sign", "--questionnaire", COUNTER, "--answers"])
        .arg(&file)
        .args(["--pledge-confirmed", "--data-dir"])
        .arg(data)
        .args(extra)
        .env("GUANTONG_CONFIG_DIR", config)
        .env_remove("GUANTONG_DATA_DIR")
        .output()
        .unwrap()
}

/// Answers for the counter fixture: `who` (name, optional ID number, birth date) heard on
/// `day`.
fn answers(name: &str, id: Option<&str>, birth: &str, day: jiff::civil::Date) -> String {
    let id = id.map_or(String::new(), |i| format!("id_number = \"{i}\"\n"));
    format!(
        "applicant_name = \"{name}\"\n{id}birth_date = {birth}\nsex = \"male\"\n\
         interview_date = {day}\nemployer = \"\"\nretired = false\ngrade = \"grade3\"\n\
         cert_date = 2015-01-01\nhas_award = false\nskills = []\n"
    )
}

#[test]
fn cases_sign_refuses_the_same_applicant_in_a_year_unless_confirmed() {
    let (_tmp, data, config) = dirs();
    let today = guantong::cli::today();
    let last_year = today.checked_sub(jiff::Span::new().years(1)).unwrap();
    let out = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).trim().to_string();
    let err = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).to_string();
    let me = answers("张三", Some("451021198805200011"), "1988-05-20", today);
    let first = cli_sign(&data, &config, &me, &[]);
    assert!(first.status.success(), "{}", err(&first));
    let first = out(&first);
    // Again in the same application year: refused, naming the earlier case; exit 2.
    let again = cli_sign(&data, &config, &me, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(err(&again).contains(&first), "{}", err(&again));
    assert!(
        err(&again).contains("--confirm-duplicate"),
        "{}",
        err(&again)
    );
    // the verdict in words
    assert!(err(&again).contains("符合"), "{}", err(&again));
    assert_eq!(cases(&data).len(), 1);
    // The same person without the ID number: the same name and birth date.
    let no_id = answers("张三", None, "1988-05-20", today);
    let o = cli_sign(&data, &config, &no_id, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    // Another person of the same name: signed.
    let other = answers("张三", None, "1990-01-01", today);
    let o = cli_sign(&data, &config, &other, &[]);
    assert!(o.status.success(), "{}", err(&o));
    // Last year's application is another year's: signed.
    let before = answers("张三", Some("451021198805200011"), "1988-05-20", last_year);
    let o = cli_sign(&data, &config, &before, &[]);
    assert!(o.status.success(), "{}", err(&o));
    // An amendment of the earlier case is no second application.
    let o = cli_sign(&data, &config, &me, &["--amends", &first]);
    assert!(o.status.success(), "{}", err(&o));
    // Confirmed: signed.
    let o = cli_sign(&data, &config, &me, &["--confirm-duplicate"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(cases(&data).len(), 5);
}

#[test]
fn the_wizard_shows_the_earlier_case_and_signs_only_when_confirmed() {
    let (_tmp, data, config) = dirs();
    let today = guantong::cli::today();
    // 钱七, the retired applicant of the interview below, was signed this year already.
    let earlier = answers("钱七", Some("451021198805200011"), "1988-05-20", today);
    let o = cli_sign(&data, &config, &earlier, &[]);
    assert!(o.status.success());
    let number = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let mut s = counter(&data, &config);
    for (prompt, keys) in RETIRED {
        s.wait_for(prompt);
        s.keys(keys);
    }
    s.wait_for("结论：不符合");
    s.keys(SIGN);
    s.wait_for("同一申报年度已有此申请人的案件");
    let screen = s.screen();
    assert!(screen.contains(&number), "{screen}");
    assert!(
        screen.contains("符合 三级") && screen.contains("经办人 李四"),
        "{screen}"
    );
    assert_eq!(
        cases(&data).len(),
        1,
        "nothing signed before the clerk confirms"
    );
    // Enter on the button again: the second case is signed.
    s.keys("\r");
    s.wait_for("案件编号");
    assert_eq!(cases(&data).len(), 2);
}

/// `guantong cases drafts --format json` through the binary: one draft per line.
fn drafts_json(data: &Path, config: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let o = Command::new(BIN)
        .args([
            "cases",
            "drafts",
            "--format",
            "json",
            "--questionnaire",
            COUNTER,
        ])
        .args(extra)
        .arg("--data-dir")
        .arg(data)
        .env("GUANTONG_CONFIG_DIR", config)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn cases_drafts_json_lists_answers_masked_and_who_has_it_open() {
    let (_tmp, data, config) = dirs();
    let mut w = counter(&data, &config);
    for (prompt, keys) in &RETIRED[..6] {
        w.wait_for(prompt);
        w.keys(keys);
    }
    w.wait_for("工作单位");
    let pid = w.child.process_id().unwrap();
    // Open in a running wizard: the marker names the holder; personal facts are masked.
    let d = drafts_json(&data, &config, &[]);
    assert_eq!(d.len(), 1);
    let d = &d[0];
    assert_eq!(d["in_use"]["pid"], pid);
    assert_eq!(d["in_use"]["user"], guantong::case::keys::os_user());
    assert!(d["in_use"]["since"].is_string());
    // fixed-length masks; the birth date and the sex follow the ID number, so they are
    // masked as it is (not even the year shows)
    assert_eq!(d["applicant_name"], "钱**");
    assert_eq!(d["answers"]["applicant_name"], "钱**");
    assert_eq!(d["answers"]["id_number"], "4510**********0011");
    assert_eq!(d["derived"]["birth_date"], "****-**-**");
    assert_eq!(d["derived"]["sex"], "***");
    assert_eq!(d["current"], "employer");
    assert_eq!(d["masked"], true);
    let text = d.to_string();
    assert!(
        !text.contains("钱七") && !text.contains("451021198805200011"),
        "{text}"
    );
    // --unmasked: in full.
    let d = &drafts_json(&data, &config, &["--unmasked"])[0];
    assert_eq!(d["answers"]["applicant_name"], "钱七");
    assert_eq!(d["answers"]["id_number"], "451021198805200011");
    assert_eq!(d["derived"]["birth_date"], "1988-05-20");
    // The table says it too; a draft in use is not discarded.
    let id = d["id"].as_str().unwrap().to_string();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env("GUANTONG_CONFIG_DIR", &config)
            .output()
            .unwrap()
    };
    let o = run(&["cases", "drafts"]);
    let table = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(table.contains("使用中") && table.contains(&guantong::case::keys::os_user()));
    let o = run(&["cases", "drafts", "--discard", &id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("正在"));
    // The wizard quits: no longer in use, and it can be discarded.
    w.keys("\x03");
    w.wait_exit(Duration::from_secs(5)).expect("quits");
    let d = &drafts_json(&data, &config, &[])[0];
    assert!(d["in_use"].is_null(), "{d}");
    assert!(run(&["cases", "drafts", "--discard", &id]).status.success());
    assert!(drafts_json(&data, &config, &[]).is_empty());
}
