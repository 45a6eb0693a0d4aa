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
        "clerk_name = \"李四\"\noffice_code = \"451002\"\n",
    )
    .unwrap();
    (tmp, data, config)
}

/// The skill_to_title interview's keys, question by question (the prompt to wait for,
/// then what the clerk types).
const S2T: &[(&str, &str)] = &[
    ("请问您的姓名", "张三\r"),
    ("请问您今天想咨询哪一项", "\r"),
    ("今天的面谈日期", "\r"),
    ("请出示身份证", "\r"),
    ("您的出生日期是", "19880520\r"),
    ("您的性别", "1\r"),
    ("年度考核不合格", "n"),
    ("立案审查调查", "n"),
    ("办理了退休手续", "n"),
    ("最高职业资格或职业技能等级", "3\r"),
    ("证书是哪天取得的", "2022年3月1日\r"),
    ("满几年了", "\r"),
    ("荣誉或称号", "\r"),
    ("系列", "1\r"),
    ("相近或相同", "y"),
    ("职称评定基本", "y"),
    ("百色市境内", "y"),
    ("还是自由职业", "1\r"),
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
    s.keys("\t451021198805200011\t  \r");
    s.wait_for("案件编号");
    let screen = s.screen();
    let number = screen
        .lines()
        .find_map(|l| l.split("案件编号：").nth(1))
        .map(|n| n.trim().to_string())
        .expect("case number on screen");
    assert!(number.starts_with("BS-451002-"), "{number}");
    // The printable summary.
    s.keys("p");
    s.wait_for("printouts");
    let printout = data.join("printouts").join(format!("{number}.html"));
    assert!(printout.exists(), "{}", printout.display());
    // Home, recent cases lists it.
    s.keys("\r");
    s.wait_for("新建面谈");
    s.keys("3");
    s.wait_for(&number);
    s.keys("\x1b");
    s.wait_for("新建面谈");
    s.keys("q");
    let st = s.wait_exit(Duration::from_secs(5)).expect("exits on q");
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
    s.keys("\r");
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
