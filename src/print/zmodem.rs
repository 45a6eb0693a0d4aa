//! Sending one file to the person at the terminal, through the terminal itself, by ZMODEM
//! (the `zmodem2` crate's sender, driven here). The terminals at Chinese counters (Xshell,
//! SecureCRT, MobaXterm) see the request and save the file on the clerk's PC; elsewhere a
//! terminal hands it to lrzsz's `rz`.
//!
//! A terminal that does not speak ZMODEM (tmux, PuTTY) never answers, so every wait has a
//! deadline: the receiver must answer within [`ZmodemOptions::answer`] (the request is
//! repeated every [`ZmodemOptions::resend`] meanwhile) and, once it has, never fall silent
//! for longer than [`ZmodemOptions::idle`] (long enough for a person to pick a folder in
//! the terminal's save dialog). On any failure the cancel sequence (ten CAN, then ten
//! backspaces to rub them out, as lrzsz sends it) goes out, so that a receiver stops and
//! the terminal is not left waiting for a transfer; the caller then redraws its screen.
//! The clerk can give up with Ctrl-C until the receiver answers.
//!
//! The link is a [`Port`] (waits with a timeout) and time comes from a [`Clock`], so a
//! test can run the deadlines without waiting; [`FdPort`] is the real one, over the
//! terminal's file descriptors, in raw mode (the caller's: the wizard already is).

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

use zmodem2::{Action, Event, FileInfo, Position, Sender};

/// ZDLE, and the byte a receiver sends five times (at least) in a row to cancel.
const CAN: u8 = 0x18;
/// Ctrl-C in raw mode.
const CTRL_C: u8 = 0x03;
/// What a terminal shows of nothing, once the cancel sequence is over: ten CAN (five stop
/// a receiver), ten backspaces to rub out whatever a terminal drew for them.
pub const CANCEL_SEQUENCE: [u8; 20] = [
    CAN, CAN, CAN, CAN, CAN, CAN, CAN, CAN, CAN, CAN, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
];

/// Time, as the sender sees it.
pub trait Clock {
    fn now(&self) -> Instant;
}

/// The system's monotonic clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A two-way byte link whose waits end at a deadline.
pub trait Port {
    /// Write some of `bytes`, waiting at most `wait` for room; `Ok(0)` when there was none.
    fn send(&mut self, bytes: &[u8], wait: Duration) -> io::Result<usize>;
    /// Read what has come, waiting at most `wait` for it; `Ok(0)` when nothing came.
    fn recv(&mut self, buf: &mut [u8], wait: Duration) -> io::Result<usize>;
    fn flush(&mut self) -> io::Result<()>;
}

/// A terminal (or any pair of file descriptors): waits by `poll(2)`, so it works whether
/// the descriptors are blocking or not; writes go in small pieces, so that a write after
/// `poll` said there is room does not block for long.
pub struct FdPort<R, W> {
    reader: R,
    writer: W,
}

impl<R: Read + AsFd, W: Write + AsFd> FdPort<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        FdPort { reader, writer }
    }
}

/// Whether `fd` is ready for `events` within `wait` (false on a timeout or a signal).
fn ready(fd: BorrowedFd<'_>, events: libc::c_short, wait: Duration) -> io::Result<bool> {
    let ms = wait
        .as_millis()
        .saturating_add(u128::from(!wait.subsec_nanos().is_multiple_of(1_000_000)));
    let ms = libc::c_int::try_from(ms).unwrap_or(libc::c_int::MAX);
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd, its count 1; the descriptor is borrowed for the call.
    let r = unsafe { libc::poll(&mut p, 1, ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted {
            Ok(false)
        } else {
            Err(e)
        };
    }
    // a hang-up is "ready": the read or write that follows says what happened
    Ok(r > 0)
}

fn retry(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
}

impl<R: Read + AsFd, W: Write + AsFd> Port for FdPort<R, W> {
    fn send(&mut self, bytes: &[u8], wait: Duration) -> io::Result<usize> {
        if !ready(self.writer.as_fd(), libc::POLLOUT, wait)? {
            return Ok(0);
        }
        let piece = &bytes[..bytes.len().min(512)];
        match self.writer.write(piece) {
            Ok(n) => Ok(n),
            Err(e) if retry(&e) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn recv(&mut self, buf: &mut [u8], wait: Duration) -> io::Result<usize> {
        if !ready(self.reader.as_fd(), libc::POLLIN, wait)? {
            return Ok(0);
        }
        match self.reader.read(buf) {
            Ok(0) => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the terminal was closed",
            )),
            Ok(n) => Ok(n),
            Err(e) if retry(&e) => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// How long to wait for the receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZmodemOptions {
    /// The receiver must answer the first request within this.
    pub answer: Duration,
    /// The request is sent again this often until the receiver answers.
    pub resend: Duration,
    /// Once it has answered, the longest the receiver may stay silent.
    pub idle: Duration,
}

impl Default for ZmodemOptions {
    fn default() -> Self {
        ZmodemOptions {
            answer: Duration::from_secs(5),
            resend: Duration::from_secs(2),
            idle: Duration::from_secs(60),
        }
    }
}

/// A finished transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub bytes: usize,
    pub took: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ZmodemError {
    #[error(
        "终端在 {} 秒内没有应答 ZMODEM（tmux、PuTTY 等不支持），已取消发送；请改用 Xshell、SecureCRT、MobaXterm，或打印机 / the terminal did not answer ZMODEM within {} s (tmux and PuTTY do not receive it): sending cancelled; use Xshell, SecureCRT or MobaXterm, or the printer",
        waited.as_secs(), waited.as_secs()
    )]
    NoAnswer { waited: Duration },
    #[error(
        "终端接收中途停止应答（{} 秒），已取消发送 / the terminal stopped answering for {} s during the transfer: sending cancelled",
        waited.as_secs(), waited.as_secs()
    )]
    Stalled { waited: Duration },
    #[error("终端取消了接收 / the terminal cancelled the transfer")]
    Cancelled,
    #[error(
        "终端跳过了这个文件（可能已有同名文件）/ the terminal skipped the file (it may have one of that name already)"
    )]
    Skipped,
    #[error("已按 Ctrl-C 取消发送 / sending cancelled with Ctrl-C")]
    Interrupted,
    #[error(
        "文件名 {name:?} 不能用于发送（须为不含 / 和控制字符的文件名）/ cannot send a file named {name:?} (a name without / or control characters is needed)"
    )]
    BadName { name: String },
    #[error("文件太大，ZMODEM 最多 4 GB / the file is too large: ZMODEM sends at most 4 GB")]
    TooLarge,
    #[error("与终端通信失败 / the terminal link failed: {0}")]
    Io(#[from] io::Error),
    #[error("ZMODEM 协议错误 / ZMODEM protocol error: {0}")]
    Protocol(zmodem2::Error),
}

impl From<zmodem2::Error> for ZmodemError {
    fn from(e: zmodem2::Error) -> Self {
        ZmodemError::Protocol(e)
    }
}

/// Send `data` as a file called `name` to the receiver at the other end of `port`.
pub fn send_file(
    port: &mut impl Port,
    clock: &impl Clock,
    name: &str,
    data: &[u8],
    opts: ZmodemOptions,
) -> Result<Sent, ZmodemError> {
    if name.is_empty() || name.contains('/') || name.chars().any(crate::safe::is_unsafe) {
        return Err(ZmodemError::BadName {
            name: crate::safe::line(name).into_owned(),
        });
    }
    let size = u32::try_from(data.len()).map_err(|_| ZmodemError::TooLarge)?;
    let start = clock.now();
    let mut sender = Sender::new()?;
    // a reliable link (SSH): stream more before each acknowledgement
    sender.set_streaming_window(32);
    sender.start_file(
        FileInfo::new(name.as_bytes(), Some(Position::new(size)))
            // personal data: readable by its owner only where the receiver keeps modes
            .with_mode(0o100_600),
    )?;
    let mut t = Transfer {
        start,
        answered: false,
        last_progress: start,
        last_request: start,
        recent: Vec::new(),
        can_run: 0,
        sent_to_end: data.is_empty(),
        opts,
    };
    match t.run(&mut sender, port, clock, data) {
        Ok(()) => Ok(Sent {
            bytes: data.len(),
            took: clock.now().saturating_duration_since(start),
        }),
        Err(e) => {
            cancel(&mut sender, port);
            Err(e)
        }
    }
}

struct Transfer {
    start: Instant,
    /// The receiver has answered (its ZRINIT seen, or file data asked for).
    answered: bool,
    /// The last time bytes went either way.
    last_progress: Instant,
    last_request: Instant,
    /// The last few bytes received, to see a header that came in pieces.
    recent: Vec<u8>,
    /// CAN bytes in a row at the end of what has come in so far.
    can_run: usize,
    /// The file's last byte has been handed to the sender.
    sent_to_end: bool,
    opts: ZmodemOptions,
}

impl Transfer {
    /// When to give up if nothing more goes through, and the error then.
    fn give_up(&self) -> (Instant, ZmodemError) {
        if self.answered {
            let waited = self.opts.idle;
            (self.last_progress + waited, ZmodemError::Stalled { waited })
        } else {
            let waited = self.opts.answer;
            (self.start + waited, ZmodemError::NoAnswer { waited })
        }
    }

    fn run(
        &mut self,
        sender: &mut Sender,
        port: &mut impl Port,
        clock: &impl Clock,
        data: &[u8],
    ) -> Result<(), ZmodemError> {
        let mut inbox: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        let mut done = false;
        loop {
            match sender.poll() {
                Action::WriteWire(bytes) => {
                    let (at, err) = self.give_up();
                    let now = clock.now();
                    if now >= at {
                        return Err(err);
                    }
                    let n = port.send(bytes, at - now)?;
                    if n > 0 {
                        sender.wire_written(n);
                        if self.answered {
                            self.last_progress = clock.now();
                        }
                    }
                }
                Action::ReadFile { offset, max_len } => {
                    self.answered = true;
                    let from = offset.get() as usize;
                    let to = from.saturating_add(max_len).min(data.len());
                    sender.submit_file(data.get(from..to).unwrap_or_default())?;
                    self.sent_to_end |= to == data.len();
                }
                Action::Event(Event::FileCompleted) => {
                    // the sender reports a file the receiver skipped (ZSKIP) as done too
                    if !self.sent_to_end {
                        return Err(ZmodemError::Skipped);
                    }
                    sender.finish()?;
                }
                // the final "OO" is still to be written: go on until idle
                Action::Event(Event::SessionCompleted) => done = true,
                Action::Event(Event::Aborted) => return Err(ZmodemError::Cancelled),
                Action::Event(_) => {}
                Action::Idle if done => {
                    port.flush()?;
                    return Ok(());
                }
                Action::Idle => {
                    if !inbox.is_empty() {
                        let used = sender.submit_wire(&inbox)?;
                        if used > 0 {
                            inbox.drain(..used);
                            continue;
                        }
                    }
                    port.flush()?;
                    self.wait(sender, port, clock, &mut inbox, &mut buf)?;
                }
                _ => {}
            }
        }
    }

    /// Wait for the receiver until the next deadline (or the next repeat of the request).
    fn wait(
        &mut self,
        sender: &mut Sender,
        port: &mut impl Port,
        clock: &impl Clock,
        inbox: &mut Vec<u8>,
        buf: &mut [u8],
    ) -> Result<(), ZmodemError> {
        let (give_up, err) = self.give_up();
        let again = self.last_request + self.opts.resend;
        let now = clock.now();
        if now >= give_up {
            return Err(err);
        }
        if !self.answered && now >= again {
            // ask again: the first request may have been lost or come too soon
            self.last_request = now;
            sender.timeout()?;
            return Ok(());
        }
        let until = if self.answered {
            give_up
        } else {
            give_up.min(again)
        };
        let n = port.recv(buf, until - now)?;
        if n == 0 {
            return Ok(());
        }
        let got = &buf[..n];
        self.last_progress = clock.now();
        for &b in got {
            self.can_run = if b == CAN { self.can_run + 1 } else { 0 };
            if self.can_run >= 5 {
                return Err(ZmodemError::Cancelled);
            }
        }
        if !self.answered {
            // until the receiver answers, a key from the clerk is the clerk's: Ctrl-C
            // gives up (later, the receiver's binary headers may hold the same byte)
            if got.contains(&CTRL_C) {
                return Err(ZmodemError::Interrupted);
            }
            self.recent.extend_from_slice(got);
            self.answered = is_zrinit(&self.recent);
            let keep = self.recent.len().saturating_sub(8);
            self.recent.drain(..keep);
        }
        inbox.extend_from_slice(got);
        Ok(())
    }
}

/// Whether `bytes` hold a receiver's ZRINIT header (hex, or binary with CRC-16 or -32).
fn is_zrinit(bytes: &[u8]) -> bool {
    contains(bytes, b"*\x18B01") || contains(bytes, b"*\x18A\x01") || contains(bytes, b"*\x18C\x01")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Tell the receiver to stop (the cancel sequence), giving the link a second at most.
fn cancel(sender: &mut Sender, port: &mut impl Port) {
    sender.abort();
    let mut rounds = 0;
    while let Action::WriteWire(bytes) = sender.poll() {
        rounds += 1;
        match port.send(bytes, Duration::from_millis(250)) {
            Ok(n) if n > 0 && rounds < 64 => sender.wire_written(n),
            _ => break,
        }
    }
    let _ = port.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_sequence_is_what_the_crate_sends() {
        let mut s = Sender::new().unwrap();
        // drain the first request
        if let Action::WriteWire(b) = s.poll() {
            let n = b.len();
            s.wire_written(n);
        }
        s.abort();
        match s.poll() {
            Action::WriteWire(b) => assert_eq!(b, CANCEL_SEQUENCE),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn headers_are_recognised() {
        assert!(is_zrinit(b"junk**\x18B0100000023be50\r\n\x11"));
        assert!(!is_zrinit(b"**\x18B00000000000000\r\n"));
    }
}
