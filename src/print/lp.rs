//! Printing a PDF on an office printer through the server's print queue: CUPS's `lp`.
//!
//! The command is `lp -d<printer> -t<case number> -- <file>`, each value glued to its
//! option letter. `lp` reads the word after `-d` (or the rest of the `-d` word) as the
//! printer whatever it starts with, so a printer called `-o` or `--` is still a printer;
//! the glued form also keeps an empty name from taking the next word, and `--` ends the
//! options so the file can never be read as one. (The printer cannot itself come after
//! `--`: there `lp` takes every word for a file to print, as `lp -- -dfoo x.pdf` shows
//! by trying to open a file called `-dfoo`.) The job title is the case number only: the
//! queue shows titles to everyone on the server, so never the applicant's name.
//!
//! `lp` gets no terminal input (stdin is /dev/null), its output is read whole, and it has
//! [`Lp::timeout`] to finish before it is killed; its error text is shown made safe.

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::strings::LP_PACKAGE;
use crate::safe;

/// How to run `lp`.
#[derive(Clone, Debug)]
pub struct Lp {
    /// The program, looked up on the search path.
    pub program: OsString,
    /// The search path given to `lp` (and used to find it); the inherited one when `None`.
    pub path: Option<OsString>,
    /// How long `lp` may take to queue the job.
    pub timeout: Duration,
}

impl Default for Lp {
    fn default() -> Self {
        Lp {
            program: "lp".into(),
            path: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A queued job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The queue's id for it (`office-12`), when `lp` said one.
    pub id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LpError {
    #[error(
        "找不到打印命令 lp：请安装 {LP_PACKAGE}（sudo apt-get install {LP_PACKAGE}）/ the print command lp was not found: install {LP_PACKAGE} (sudo apt-get install {LP_PACKAGE})"
    )]
    Missing,
    #[error("无法运行 lp / cannot run lp: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("lp 打印失败（{status}）/ lp failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
    #[error("lp 在 {} 秒内没有完成，已终止 / lp did not finish within {} s and was stopped", waited.as_secs(), waited.as_secs())]
    TimedOut { waited: Duration },
    #[error(
        "打印机名称 {name} 不可用：{reason_zh} / the printer name {name} cannot be used: {reason_en}"
    )]
    BadPrinter {
        name: String,
        reason_zh: &'static str,
        reason_en: &'static str,
    },
    #[error(
        "打印任务标题 {title} 不可用（须为案件编号）/ the job title {title} cannot be used (it must be the case number)"
    )]
    BadTitle { title: String },
}

/// Why `name` cannot name a CUPS queue (`lpadmin`'s rules: printable, at most 127
/// characters, no space, tab, backslash, quote or `#`; `/` separates an instance).
fn check_printer(name: &str) -> Result<(), LpError> {
    let bad = |reason_zh, reason_en| LpError::BadPrinter {
        name: format!("\"{}\"", safe::line(name)),
        reason_zh,
        reason_en,
    };
    if name.is_empty() {
        return Err(bad("名称为空", "it is empty"));
    }
    if name.chars().count() > 127 {
        return Err(bad("超过 127 个字符", "it is longer than 127 characters"));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || safe::is_unsafe(c) || "\\'\"#".contains(c))
    {
        return Err(bad(
            "含空白、控制字符、引号、反斜杠或 #",
            "it holds a space, a control character, a quote, a backslash or #",
        ));
    }
    Ok(())
}

impl Lp {
    /// Queue `file` on `printer`, titled `case_number`.
    pub fn print(&self, printer: &str, case_number: &str, file: &Path) -> Result<Job, LpError> {
        check_printer(printer)?;
        if case_number.is_empty()
            || case_number
                .chars()
                .any(|c| c.is_whitespace() || safe::is_unsafe(c))
        {
            return Err(LpError::BadTitle {
                title: format!("\"{}\"", safe::line(case_number)),
            });
        }
        let mut cmd = Command::new(&self.program);
        cmd.arg(format!("-d{printer}"))
            .arg(format!("-t{case_number}"))
            .arg("--")
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(p) = &self.path {
            cmd.env("PATH", p);
        }
        let mut child = cmd.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                LpError::Missing
            } else {
                LpError::Spawn(e)
            }
        })?;
        // read both pipes to their end on threads; their end is lp's end
        let (tx, rx) = mpsc::channel();
        let mut readers = 0;
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i, p?)))
        {
            let tx = tx.clone();
            readers += 1;
            std::thread::spawn(move || {
                let (which, p) = pipe;
                let mut buf = Vec::new();
                let _ = p.take(1 << 20).read_to_end(&mut buf);
                let _ = tx.send((which, buf));
            });
        }
        drop(tx);
        let deadline = Instant::now() + self.timeout;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        for _ in 0..readers {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((0, b)) => out = b,
                Ok((_, b)) => err = b,
                Err(_) => {
                    // ours and not yet waited for, so the pid is still lp's
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(LpError::TimedOut {
                        waited: self.timeout,
                    });
                }
            }
        }
        let status = child.wait().map_err(LpError::Spawn)?;
        let out = String::from_utf8_lossy(&out);
        if !status.success() {
            return Err(LpError::Failed {
                status: describe(status),
                stderr: safe::text(String::from_utf8_lossy(&err).trim()).into_owned(),
            });
        }
        // "request id is office-12 (1 file(s))"
        let id = out
            .split("request id is ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .map(|s| safe::line(s).into_owned());
        Ok(Job { id })
    }
}

fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit {c}"),
        (None, Some(s)) => format!("signal {s}"),
        _ => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_names() {
        for ok in [
            "office",
            "HP_LaserJet-4F",
            "-o",
            "--",
            "前台打印机",
            "office/duplex",
        ] {
            assert!(check_printer(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a\tb",
            "a#b",
            "a\"b",
            "a'b",
            "a\\b",
            "x\u{1b}[2J",
            "x\u{202e}",
        ] {
            let e = check_printer(bad).unwrap_err();
            assert!(!e.to_string().contains('\u{1b}'), "{e}");
        }
        assert!(check_printer(&"p".repeat(128)).is_err());
    }
}
