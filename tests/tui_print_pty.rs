//! Paper over SSH, with the real binary in a real pseudo-terminal (its screen read back by
//! a terminal emulator, vt100): the print menu's ZMODEM send received by lrzsz's `rz` on
//! the far side byte for byte (the far side hands the stream to `rz` when the request
//! comes, as Xshell or SecureCRT do), then the wizard's screen back whole; a terminal that
//! never answers (tmux, PuTTY) gets the request, the wizard gives up after its deadline and
//! comes back with the reason; and a fake `lp` first on PATH receives the receipt's PDF
//! titled by the case number. Waits are on the screen's content, the child's exit or rz's,
//! each with a deadline; nothing sleeps.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_guantong");
/// The start of a ZMODEM sender's request (ZRQINIT, a hex header).
const ZRQINIT: &[u8] = b"**\x18B00";
/// A hex header of type ZFIN: the sender's end of the session.
const ZFIN: &[u8] = b"\x18B08";

struct Session {
    _master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    rx: Receiver<Vec<u8>>,
    parser: vt100::Parser,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

impl Session {
    fn start(data: &Path, config: &Path, path_env: Option<&str>) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
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
        cmd.env_remove("GUANTONG_OFFICE");
        if let Some(p) = path_env {
            cmd.env("PATH", p);
        }
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
            _master: pty.master,
            child,
            writer: Arc::new(Mutex::new(writer)),
            rx,
            parser: vt100::Parser::new(nz(24), nz(80), 0),
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    fn wait_for(&mut self, text: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.screen().contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(b) => self.parser.process(&b),
                Err(_) => panic!("timed out waiting for {text:?}; screen:\n{}", self.screen()),
            }
        }
    }

    fn keys(&self, s: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(s.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// Read output until `needle` comes; what came before it goes to the screen, the
    /// rest (from the needle on) is returned.
    fn until_bytes(&mut self, needle: &[u8], within: Duration) -> Vec<u8> {
        let deadline = Instant::now() + within;
        let mut pending = Vec::new();
        loop {
            if let Some(i) = find(&pending, needle) {
                self.parser.process(&pending[..i]);
                return pending[i..].to_vec();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(b) => pending.extend(b),
                Err(_) => panic!(
                    "no {needle:?} within {within:?}; screen:\n{}",
                    self.screen()
                ),
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn fixture_font() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fonts/receipt-subset.ttf")
}

/// A store with one signed case, and a config naming the clerk, the office, the fixture
/// font (no test depends on the machine's fonts) and `extra` lines.
fn setup(extra: &str) -> (tempfile::TempDir, PathBuf, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let config = tmp.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "clerk_name = \"李四\"\noffice_code = \"451002\"\noffice_name = \"百色市人力资源和社会保障局\"\nfont = \"{}\"\n{extra}",
            fixture_font().display()
        ),
    )
    .unwrap();
    let mut answers = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bench_case.toml"),
    )
    .unwrap();
    answers.push_str("applicant_name = \"韦小宝\"\nid_number = \"451021198805200011\"\n");
    let file = tmp.path().join("a.toml");
    std::fs::write(&file, answers).unwrap();
    let o = Command::new(BIN)
        .args(["cases", "sign", "--pledge-confirmed", "--answers"])
        .arg(&file)
        .env("GUANTONG_DATA_DIR", &data)
        .env("GUANTONG_CONFIG_DIR", &config)
        .env_remove("GUANTONG_OFFICE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let number = String::from_utf8(o.stdout).unwrap().trim().to_string();
    (tmp, data, config, number)
}

/// From home to the case on screen, then the print menu.
fn open_the_print_menu(s: &mut Session, number: &str) {
    s.wait_for("查找申请人", Duration::from_secs(15));
    s.keys("3\r");
    s.wait_for(number, Duration::from_secs(15));
    s.keys("\r");
    s.wait_for("基本信息", Duration::from_secs(15));
    s.keys("p");
    s.wait_for("发送到本机", Duration::from_secs(15));
}

fn rz_path() -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("rz"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| {
            panic!("rz not found on PATH: this test needs lrzsz (sudo apt-get install lrzsz)")
        })
}

#[test]
fn zmodem_sends_the_receipt_to_rz_byte_for_byte_and_the_screen_comes_back() {
    let (tmp, data, config, number) = setup("");
    let mut s = Session::start(&data, &config, None);
    open_the_print_menu(&mut s, &number);
    // the first choice (nothing remembered yet): ZMODEM
    s.keys("\r");
    let first = s.until_bytes(ZRQINIT, Duration::from_secs(15));
    // the wizard's screen was put away, and the terminal's own says what is happening
    assert!(!s.parser.screen().alternate_screen());
    assert!(
        s.screen().contains("正在通过 ZMODEM 发送"),
        "{}",
        s.screen()
    );
    // the far side: rz, as a clerk's terminal hands a ZMODEM request to it
    let recv = tmp.path().join("recv");
    std::fs::create_dir(&recv).unwrap();
    let mut rz = Command::new(rz_path())
        .current_dir(&recv)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rz_in = rz.stdin.take().unwrap();
    let mut rz_out = rz.stdout.take().unwrap();
    let to_wizard = Arc::clone(&s.writer);
    let answering = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = rz_out.read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut w = to_wizard.lock().unwrap();
            if w.write_all(&buf[..n]).and_then(|()| w.flush()).is_err() {
                break;
            }
        }
    });
    // everything to rz up to the sender's last word (ZFIN, then "OO"); after it, the
    // wizard's own output again
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut sent: Vec<u8> = Vec::new();
    let mut chunk = first;
    let rest = loop {
        let start = sent.len();
        sent.extend_from_slice(&chunk);
        let end = find(&sent, ZFIN)
            .and_then(|z| find(&sent[z..], b"OO").map(|o| z + o + 2))
            .filter(|e| *e >= start);
        match end {
            Some(e) => {
                rz_in.write_all(&sent[start..e]).unwrap();
                break sent[e..].to_vec();
            }
            None => {
                if rz_in.write_all(&chunk).is_err() {
                    break Vec::new();
                }
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        chunk =
            s.rx.recv_timeout(left)
                .unwrap_or_else(|_| panic!("the transfer did not end; screen:\n{}", s.screen()));
    };
    drop(rz_in);
    let status = rz.wait().unwrap();
    let mut err = String::new();
    rz.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success(), "rz: {status}: {err}");
    let _ = answering.join();
    s.parser.process(&rest);
    // the screen comes back whole, with what happened
    s.wait_for("已通过 ZMODEM 发送", Duration::from_secs(15));
    assert!(s.parser.screen().alternate_screen());
    let screen = s.screen();
    assert!(
        screen.contains("基本信息") && screen.contains("韦小宝"),
        "{screen}"
    );
    assert!(!screen.contains("B00000"), "{screen}");
    // byte for byte: what rz saved is the PDF the wizard kept in printouts/
    let name = format!("{number}.pdf");
    let got = std::fs::read(recv.join(&name)).unwrap();
    let kept = std::fs::read(data.join("printouts").join(&name)).unwrap();
    assert!(got.starts_with(b"%PDF-"));
    assert!(
        got == kept,
        "rz received {} bytes, kept {}",
        got.len(),
        kept.len()
    );
    // the next time the menu opens on it
    s.keys("p");
    s.wait_for("发送到本机", Duration::from_secs(15));
    assert!(s.screen().contains("> 1. 发送到本机"), "{}", s.screen());
    s.keys("\x1b\x03");
}

#[test]
fn zmodem_to_a_terminal_that_never_answers_times_out_and_restores_the_screen() {
    let (_tmp, data, config, number) = setup("");
    let mut s = Session::start(&data, &config, None);
    open_the_print_menu(&mut s, &number);
    s.keys("\r");
    let first = s.until_bytes(ZRQINIT, Duration::from_secs(15));
    s.parser.process(&first);
    // nobody answers (tmux, PuTTY): within the wizard's deadline (5 s) it gives up
    let t = Instant::now();
    s.wait_for("未应答 ZMODEM", Duration::from_secs(30));
    let took = t.elapsed();
    assert!(
        took >= Duration::from_secs(4),
        "gave up after {took:?}, before its 5 s deadline"
    );
    assert!(s.parser.screen().alternate_screen());
    let screen = s.screen();
    assert!(
        screen.contains("基本信息") && screen.contains("韦小宝"),
        "{screen}"
    );
    // the keys work again
    s.keys("\x1b");
    s.wait_for("近期案件", Duration::from_secs(15));
    s.keys("\x03");
}

#[test]
fn the_printer_gets_the_pdf_from_lp_on_path_titled_by_the_case_number() {
    let (tmp, data, config, number) = setup("printer = \"office\"\n");
    let bin = tmp.path().join("bin");
    let rec = tmp.path().join("rec");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&rec).unwrap();
    std::fs::write(
        bin.join("lp"),
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{r}/argv'\nreadlink /proc/self/fd/0 > '{r}/stdin'\nfor a in \"$@\"; do last=\"$a\"; done\ncat -- \"$last\" > '{r}/file'\necho \"request id is office-12 (1 file(s))\"\n",
            r = rec.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("lp"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut s = Session::start(&data, &config, Some(&path));
    open_the_print_menu(&mut s, &number);
    assert!(s.screen().contains("打印机 office（lp）"), "{}", s.screen());
    s.keys("2\r");
    s.wait_for(
        "已送打印机 office（任务 office-12）",
        Duration::from_secs(15),
    );
    let argv: Vec<String> = std::fs::read(rec.join("argv"))
        .unwrap()
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8(a.to_vec()).unwrap())
        .collect();
    let pdf = data.join("printouts").join(format!("{number}.pdf"));
    assert_eq!(
        argv,
        [
            "-doffice".to_string(),
            format!("-t{number}"),
            "--".to_string(),
            pdf.display().to_string()
        ]
    );
    assert!(!argv.iter().any(|a| a.contains("韦小宝")));
    assert_eq!(
        std::fs::read_to_string(rec.join("stdin")).unwrap().trim(),
        "/dev/null"
    );
    assert_eq!(
        std::fs::read(rec.join("file")).unwrap(),
        std::fs::read(&pdf).unwrap()
    );
    s.keys("\x03");
}
