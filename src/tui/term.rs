//! The terminal side: raw mode and the alternate screen, restored on exit, on panic and on
//! SIGTERM, SIGINT and SIGQUIT; SIGHUP (the SSH link dropped) saves the draft and exits at once. Frames are
//! wrapped in synchronized-update sequences and drawn only after an input; ratatui's diff
//! writes only the cells that changed. No timer: the loop blocks on the next event.
//!
//! A receipt sent by ZMODEM borrows the terminal: the wizard's screen is put away (raw mode
//! stays), the file goes through the terminal to the clerk's PC, and the screen comes back
//! whole, whether the transfer worked, timed out (tmux, PuTTY: nobody answers) or was
//! cancelled.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::App;
use super::exec::Executor;
use super::msg::{Effect, Msg};
use super::{keys, strings, view};
use crate::config::PrintTo;
use crate::questionnaire::Questionnaire;
use crate::text::Lang;

/// Held while a frame is written, so that a signal handler restoring the terminal does not
/// cut into one.
static TERMINAL: Mutex<()> = Mutex::new(());

/// Draw one frame inside a synchronized update (the terminal shows it all at once).
pub fn draw_frame<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    app: &App,
) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|f| view::draw(app, f))?;
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Ok(())
}

fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    Ok(())
}

/// Put the terminal back as it was. Errors are ignored: the terminal may be gone.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Run the wizard on the terminal until the clerk quits.
pub fn run(mut app: App, exec: Executor) -> ExitCode {
    let exec = Arc::new(Mutex::new(exec));
    // The signal thread holds only a weak reference, so that on a normal quit the executor
    // (and with it the store's connection, which checkpoints the WAL) is dropped here.
    if let Err(e) = watch_signals(Arc::downgrade(&exec)) {
        eprintln!("guantong: cannot watch signals: {e}");
        return ExitCode::from(1);
    }
    install_panic_hook();
    if let Err(e) = enter() {
        restore();
        eprintln!("guantong: cannot set up the terminal: {e}");
        return ExitCode::from(1);
    }
    let code = match event_loop(&mut app, &exec) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The terminal failed (or was lost): keep what was answered.
            let mut ex = exec.lock().unwrap_or_else(PoisonError::into_inner);
            ex.save_now();
            restore();
            eprintln!("guantong: terminal error: {e}");
            return ExitCode::from(1);
        }
    };
    let _guard = TERMINAL.lock().unwrap_or_else(PoisonError::into_inner);
    restore();
    code
}

fn event_loop(app: &mut App, exec: &Arc<Mutex<Executor>>) -> io::Result<()> {
    // `Terminal::clear` would ask the terminal where the cursor is (a reply that may never
    // come over a slow link or from a plain emulator); clear the alternate screen directly.
    execute!(io::stdout(), Clear(ClearType::All))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    // The wizard must know the size before the first key: below the minimum no key acts.
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    {
        let _guard = TERMINAL.lock().unwrap_or_else(PoisonError::into_inner);
        draw_frame(&mut terminal, app)?;
    }
    loop {
        let ev = event::read()?;
        let Some(msg) = keys::map_event(ev) else {
            continue;
        };
        app.iv.clock.now = jiff::Timestamp::now();
        let mut queue = VecDeque::from([msg]);
        while let Some(m) = queue.pop_front() {
            for fx in app.update(m) {
                let mut ex = exec.lock().unwrap_or_else(PoisonError::into_inner);
                let reply = match fx {
                    Effect::Print {
                        number,
                        to: PrintTo::Zmodem,
                    } => {
                        ex.remember(PrintTo::Zmodem);
                        let lang = app.iv.lang;
                        Some(send_by_zmodem(
                            &mut terminal,
                            &mut ex,
                            &app.iv.q,
                            lang,
                            &number,
                        ))
                    }
                    fx => ex.run(&app.iv.q, fx),
                };
                if let Some(reply) = reply {
                    queue.push_back(reply);
                }
            }
        }
        if app.quit {
            return Ok(());
        }
        let _guard = TERMINAL.lock().unwrap_or_else(PoisonError::into_inner);
        draw_frame(&mut terminal, app)?;
    }
}

/// Send case `number`'s receipt (its PDF) through the terminal by ZMODEM: the wizard's
/// screen is put away while the terminal's own screen says what is happening, and comes
/// back whole afterwards, whatever happened.
fn send_by_zmodem<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    ex: &mut Executor,
    q: &Questionnaire,
    lang: Lang,
    number: &str,
) -> Msg {
    use crate::print::zmodem::{self, FdPort, SystemClock};
    let pdf = match ex.receipt_pdf(q, number) {
        Ok(p) => p,
        Err(e) => return Msg::Failed(e),
    };
    // the controlling terminal itself, unbuffered both ways (crossterm reads keys from it
    // too, but not while the transfer runs)
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .and_then(|r| Ok((r.try_clone()?, r)));
    let (reader, writer) = match tty {
        Ok(t) => t,
        Err(e) => return Msg::Failed(format!("/dev/tty: {e}")),
    };
    {
        let _guard = TERMINAL.lock().unwrap_or_else(PoisonError::into_inner);
        // raw mode stays (ZMODEM needs every byte as sent); the cursor's place is saved so
        // that what a terminal without ZMODEM prints of the request can be rubbed out
        let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
        let mut out = io::stdout();
        let _ = write!(out, "\x1b7\r\n{}\r\n", strings::sending(lang, &pdf.name));
        let _ = out.flush();
    }
    let mut port = FdPort::new(reader, writer);
    let sent = zmodem::send_file(
        &mut port,
        &SystemClock,
        &pdf.name,
        &pdf.bytes,
        ex.print.zmodem,
    );
    drop(port);
    {
        let _guard = TERMINAL.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = io::stdout();
        let _ = write!(out, "\r\x1b8\x1b[J");
        let _ = out.flush();
        let _ = execute!(io::stdout(), EnterAlternateScreen, Clear(ClearType::All));
    }
    // every cell is drawn again: the terminal's screen was shown meanwhile. (Both buffers
    // blank; `Terminal::clear` would ask the terminal where its cursor is.)
    terminal.swap_buffers();
    let _ = terminal.hide_cursor();
    match sent {
        Ok(s) => Msg::Sent {
            name: pdf.name,
            bytes: s.bytes,
            note: pdf.note,
        },
        Err(e) => Msg::Failed(strings::zmodem_failed(lang, &e)),
    }
}

/// SIGHUP: save the draft and exit now (the link is gone; nobody will see a goodbye).
/// SIGTERM, SIGINT, SIGQUIT (`kill`, or a key the terminal turned into a signal): save,
/// restore the terminal (leave the alternate screen), exit. Any half-written printout is
/// removed.
fn watch_signals(exec: std::sync::Weak<Mutex<Executor>>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                if let Some(exec) = exec.upgrade() {
                    let mut ex = exec.lock().unwrap_or_else(PoisonError::into_inner);
                    ex.save_now();
                }
                crate::outfile::remove_temps();
                let _guard = TERMINAL.lock().unwrap_or_else(PoisonError::into_inner);
                restore();
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}
