//! `guantong generate man|completions` (hidden): the manual pages and shell completions,
//! made from the clap definitions so they never drift from the program. The Debian
//! package's build (packaging/build-deb) runs it; the tests call [`man_pages`] and
//! [`completion`] in-process.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Subcommand};
use clap_complete::Shell;

use crate::outfile::OutFile;

#[derive(Args, Debug)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: What,
}

#[derive(Subcommand, Debug)]
pub enum What {
    /// guantong.1 and one page per subcommand (guantong-cases.1, …) into DIR
    Man { dir: PathBuf },
    /// the completion script for SHELL into FILE (stdout without one)
    Completions { shell: Shell, file: Option<PathBuf> },
}

/// The command as clap knows it, named as installed.
fn command() -> clap::Command {
    super::Cli::command().bin_name("guantong")
}

/// Every manual page: (file name, roff text), the program's first, then each visible
/// subcommand's (`guantong-cases.1`, `guantong-cases-list.1`, …).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(
        cmd: clap::Command,
        prefix: &str,
        out: &mut Vec<(String, Vec<u8>)>,
    ) -> std::io::Result<()> {
        let name = if prefix.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{prefix}-{}", cmd.get_name())
        };
        let subs: Vec<clap::Command> = cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned()
            .collect();
        let page = clap_mangen::Man::new(cmd.clone().display_name(name.clone())).manual("guantong");
        let mut buf = Vec::new();
        page.render(&mut buf)?;
        out.push((format!("{name}.1"), buf));
        for s in subs {
            walk(s, &name, out)?;
        }
        Ok(())
    }
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, "", &mut out)?;
    Ok(out)
}

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut command(), "guantong", &mut buf);
    buf
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    use std::io::Write;
    let mut f = OutFile::create(path).map_err(|e| {
        warn!("guantong: {e}");
        ExitCode::from(1)
    })?;
    f.write_all(bytes).map_err(|e| {
        warn!("guantong: {}: {e}", path.display());
        ExitCode::from(1)
    })?;
    f.commit().map_err(|e| {
        warn!("guantong: {e}");
        ExitCode::from(1)
    })
}

pub fn run(a: GenerateArgs) -> ExitCode {
    let r = match a.what {
        What::Man { dir } => man_pages()
            .map_err(|e| {
                warn!("guantong: {e}");
                ExitCode::from(1)
            })
            .and_then(|pages| {
                pages
                    .iter()
                    .try_for_each(|(name, text)| write(&dir.join(name), text))
            }),
        What::Completions { shell, file } => {
            let text = completion(shell);
            match file {
                Some(f) => write(&f, &text),
                None => super::print(&String::from_utf8_lossy(&text), super::Safe::Done)
                    .map_err(ExitCode::from),
            }
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(c) => c,
    }
}
