//! ZMODEM through the terminal: a real pseudo-terminal whose far side hands the bytes to
//! lrzsz's `rz` (as a clerk's terminal does) receives the file byte for byte; a terminal
//! that never answers (tmux, PuTTY) gets the request, then the cancel sequence, and the
//! sender gives up with an error; a receiver that falls silent, cancels or skips the file
//! is an error too; Ctrl-C before the receiver answers gives up. The deadlines run on a
//! test clock where a test says so, so nothing here sleeps; the real-pty waits are on the
//! other side's bytes or the sender's end, with deadlines.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use guantong::print::zmodem::{
    CANCEL_SEQUENCE, Clock, FdPort, Port, SystemClock, ZmodemError, ZmodemOptions, send_file,
};

const ZRQINIT: &[u8] = b"**\x18B00000000000000";

/// A clock that moves only when a wait is "spent" on it.
struct TestClock {
    base: Instant,
    elapsed: Cell<Duration>,
}

impl TestClock {
    fn new() -> TestClock {
        TestClock {
            base: Instant::now(),
            elapsed: Cell::new(Duration::ZERO),
        }
    }
    fn spend(&self, d: Duration) {
        self.elapsed.set(self.elapsed.get() + d);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        self.base + self.elapsed.get()
    }
}

/// A far side that answers with `script` (one piece per read, then silence) and keeps
/// what it is sent. A wait with nothing to give spends the whole wait on the clock.
struct Scripted<'a> {
    clock: &'a TestClock,
    script: Vec<Vec<u8>>,
    sent: Vec<u8>,
}

impl Port for Scripted<'_> {
    fn send(&mut self, bytes: &[u8], _wait: Duration) -> io::Result<usize> {
        self.sent.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn recv(&mut self, buf: &mut [u8], wait: Duration) -> io::Result<usize> {
        if self.script.is_empty() {
            self.clock.spend(wait);
            return Ok(0);
        }
        let piece = self.script.remove(0);
        buf[..piece.len()].copy_from_slice(&piece);
        Ok(piece.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// What a receiver says first (its ZRINIT), as the crate's receiver says it.
fn zrinit() -> Vec<u8> {
    let mut r = zmodem2::Receiver::new().unwrap();
    match r.poll() {
        zmodem2::Action::WriteWire(b) => b.to_vec(),
        other => panic!("{other:?}"),
    }
}

fn opts() -> ZmodemOptions {
    ZmodemOptions::default()
}

#[test]
fn nothing_answers_gives_up_at_the_deadline_and_cancels() {
    let clock = TestClock::new();
    let mut port = Scripted {
        clock: &clock,
        script: vec![],
        sent: vec![],
    };
    let e = send_file(&mut port, &clock, "BS-2026-000001.pdf", b"%PDF-1.7", opts()).unwrap_err();
    assert!(
        matches!(e, ZmodemError::NoAnswer { waited } if waited == Duration::from_secs(5)),
        "{e:?}"
    );
    assert!(e.to_string().contains("5"), "{e}");
    // given up exactly at the deadline, not later
    assert_eq!(clock.elapsed.get(), opts().answer);
    assert!(port.sent.starts_with(ZRQINIT), "{:?}", port.sent);
    // asked at 0 s, 2 s and 4 s
    assert_eq!(count(&port.sent, ZRQINIT), 3);
    assert!(port.sent.ends_with(&CANCEL_SEQUENCE), "{:?}", port.sent);
}

#[test]
fn ctrl_c_before_the_receiver_answers_gives_up() {
    let clock = TestClock::new();
    let mut port = Scripted {
        clock: &clock,
        script: vec![b"\x03".to_vec()],
        sent: vec![],
    };
    let e = send_file(&mut port, &clock, "a.pdf", b"x", opts()).unwrap_err();
    assert!(matches!(e, ZmodemError::Interrupted), "{e:?}");
    assert!(port.sent.ends_with(&CANCEL_SEQUENCE));
    assert_eq!(clock.elapsed.get(), Duration::ZERO);
}

#[test]
fn a_receiver_that_falls_silent_is_given_the_idle_time_then_cancelled() {
    let clock = TestClock::new();
    let mut port = Scripted {
        clock: &clock,
        script: vec![zrinit()],
        sent: vec![],
    };
    let e = send_file(&mut port, &clock, "a.pdf", &[7u8; 3000], opts()).unwrap_err();
    assert!(matches!(e, ZmodemError::Stalled { .. }), "{e:?}");
    // it answered at once, so the wait is the idle time, not the answer time
    assert_eq!(clock.elapsed.get(), opts().idle);
    // the file was offered (ZFILE carries the name) before the silence
    assert_eq!(count(&port.sent, b"a.pdf\0"), 1);
    assert!(port.sent.ends_with(&CANCEL_SEQUENCE));
}

#[test]
fn a_receiver_that_cancels_is_an_error() {
    let clock = TestClock::new();
    let mut port = Scripted {
        clock: &clock,
        script: vec![zrinit(), vec![0x18; 3], vec![0x18, 0x18, 8, 8]],
        sent: vec![],
    };
    let e = send_file(&mut port, &clock, "a.pdf", &[7u8; 3000], opts()).unwrap_err();
    assert!(matches!(e, ZmodemError::Cancelled), "{e:?}");
}

#[test]
fn names_that_a_receiver_would_take_for_a_path_or_hide_are_refused() {
    let clock = TestClock::new();
    for name in [
        "",
        "../x.pdf",
        "a/b.pdf",
        "x\u{1b}[2J.pdf",
        "x\u{202e}fdp.exe",
    ] {
        let mut port = Scripted {
            clock: &clock,
            script: vec![],
            sent: vec![],
        };
        let e = send_file(&mut port, &clock, name, b"x", opts()).unwrap_err();
        assert!(matches!(e, ZmodemError::BadName { .. }), "{name:?}: {e:?}");
        assert!(port.sent.is_empty(), "nothing goes out for a bad name");
        assert!(!e.to_string().contains('\u{1b}'));
    }
}

// ---- a real pseudo-terminal ----

/// A pty pair: the slave is the terminal guantong runs on (in raw mode, as the wizard
/// keeps it), the master the far end (the clerk's terminal emulator).
fn pty() -> (File, File) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors into the integers given; no name, termios
    // or window size is asked for.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(r, 0, "openpty: {}", io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    let (master, slave) = unsafe { (File::from_raw_fd(master), File::from_raw_fd(slave)) };
    // SAFETY: termios is plain data; tcgetattr fills it from a valid tty descriptor.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(slave.as_raw_fd(), &mut t), 0);
        libc::cfmakeraw(&mut t);
        assert_eq!(libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t), 0);
    }
    (master, slave)
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

/// 50 KB holding every byte value, the ones ZMODEM must escape (ZDLE, XON, XOFF, CR after
/// @, their high-bit twins) many times over, in an order that is not a simple pattern.
fn payload(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 7 == 0 {
                [0x18, 0x11, 0x13, 0x0d, 0x91, 0x93, 0x8d, 0x40][i % 8]
            } else {
                x as u8
            }
        })
        .collect()
}

/// rz in `dir` on the far side of a new pty: the program's end of it, and rz.
fn rz_terminal(dir: &std::path::Path) -> (File, File, std::process::Child) {
    let rz = rz_path();
    let (master, slave) = pty();
    let mut child = Command::new(&rz)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut rz_in = child.stdin.take().unwrap();
    let mut rz_out = child.stdout.take().unwrap();
    // the terminal emulator: what the program writes goes to rz, what rz says comes back
    let mut from_prog = master.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from_prog.read(&mut buf) {
            if n == 0 || rz_in.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let mut to_prog = master.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = io::copy(&mut rz_out, &mut to_prog);
    });
    (master, slave, child)
}

#[test]
fn rz_skipping_a_file_it_has_already_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("BS-2026-000001.pdf"), b"older").unwrap();
    let (master, slave, mut child) = rz_terminal(dir.path());
    let mut port = FdPort::new(slave.try_clone().unwrap(), slave.try_clone().unwrap());
    let e = send_file(
        &mut port,
        &SystemClock,
        "BS-2026-000001.pdf",
        b"%PDF-1.7 new",
        opts(),
    );
    drop(port);
    drop(slave);
    let _ = child.wait();
    assert!(matches!(e, Err(ZmodemError::Skipped)), "{e:?}");
    assert_eq!(
        std::fs::read(dir.path().join("BS-2026-000001.pdf")).unwrap(),
        b"older"
    );
    drop(master);
}

#[test]
fn rz_on_the_far_side_receives_the_file_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (master, slave, mut child) = rz_terminal(dir.path());
    let data = payload(50 * 1024);
    let mut port = FdPort::new(slave.try_clone().unwrap(), slave.try_clone().unwrap());
    let t = Instant::now();
    let sent = send_file(&mut port, &SystemClock, "BS-2026-000001.pdf", &data, opts());
    let took = t.elapsed();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let sent = sent.unwrap_or_else(|e| panic!("{e}\nrz said: {err}"));
    assert!(status.success(), "rz: {status}: {err}");
    assert_eq!(sent.bytes, data.len());
    let got = std::fs::read(dir.path().join("BS-2026-000001.pdf")).unwrap();
    assert_eq!(got.len(), data.len());
    assert!(got == data, "the received file differs");
    eprintln!(
        "ZMODEM through a pty to rz: {} bytes in {took:?} ({:.0} KB/s)",
        data.len(),
        data.len() as f64 / 1024.0 / took.as_secs_f64()
    );
    drop(master);
}

#[test]
fn a_real_terminal_that_never_answers_gets_the_request_then_the_cancel() {
    let (master, slave) = pty();
    // the far side only listens, as tmux or PuTTY would
    let (tx, rx) = channel();
    let mut far = master.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n) = far.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let o = ZmodemOptions {
        answer: Duration::from_millis(300),
        resend: Duration::from_millis(100),
        idle: Duration::from_secs(60),
    };
    let mut port = FdPort::new(slave.try_clone().unwrap(), slave.try_clone().unwrap());
    let t = Instant::now();
    let e = send_file(&mut port, &SystemClock, "a.pdf", b"%PDF", o).unwrap_err();
    let took = t.elapsed();
    assert!(matches!(e, ZmodemError::NoAnswer { .. }), "{e:?}");
    assert!(took >= o.answer, "gave up early: {took:?}");
    // everything the terminal saw, up to the end of the cancel sequence
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    while !seen.ends_with(&CANCEL_SEQUENCE) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(b) => seen.extend(b),
            Err(_) => panic!("no cancel sequence: {seen:?}"),
        }
    }
    assert!(seen.starts_with(ZRQINIT), "{seen:?}");
    assert!(
        count(&seen, ZRQINIT) >= 2,
        "the request is repeated: {seen:?}"
    );
    drop(master);
}
