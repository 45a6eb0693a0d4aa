//! Send a file to this terminal by ZMODEM, as the wizard's `p` will, to try a terminal by
//! hand: `cargo run --example zsend -- FILE`. Xshell, SecureCRT and MobaXterm receive it;
//! in tmux or PuTTY nothing answers and it gives up after 5 seconds.

use std::fs::OpenOptions;
use std::process::ExitCode;

use guantong::print::zmodem::{FdPort, SystemClock, ZmodemOptions, send_file};
use guantong::safe;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: zsend FILE");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {}", safe::line(&path), safe::line(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let name = std::path::Path::new(&path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // the controlling terminal, whatever stdin and stdout are
    let tty = match OpenOptions::new().read(true).write(true).open("/dev/tty") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("/dev/tty: {}", safe::line(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let (r, w) = match (tty.try_clone(), tty.try_clone()) {
        (Ok(r), Ok(w)) => (r, w),
        _ => return ExitCode::FAILURE,
    };
    if let Err(e) = crossterm::terminal::enable_raw_mode() {
        eprintln!("raw mode: {}", safe::line(&e.to_string()));
        return ExitCode::FAILURE;
    }
    let mut port = FdPort::new(r, w);
    let result = send_file(
        &mut port,
        &SystemClock,
        &name,
        &data,
        ZmodemOptions::default(),
    );
    let _ = crossterm::terminal::disable_raw_mode();
    match result {
        Ok(s) => {
            println!("\nsent {} bytes in {:?}", s.bytes, s.took);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\n{}", safe::text(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}
