//! Command line: one file per subcommand. Exit codes: 0 success; 1 a check, test or
//! verification failed (or another error); 2 bad input (answers file, arguments).
//!
//! Everything a subcommand prints goes through [`print`] (stdout) or [`warn!`] (stderr),
//! which make it terminal-safe ([`crate::safe`]) and treat a reader that went away
//! (`guantong evaluate … | head`) as the end of the command, not a crash.

/// `eprintln!` made terminal-safe: the message (which may echo a file's or the store's
/// content) goes through [`crate::safe::text`]; a closed stderr is ignored.
macro_rules! warn {
    ($($t:tt)*) => {
        $crate::cli::warn_line(format_args!($($t)*))
    };
}

pub mod cases;
pub mod check;
pub mod evaluate;
pub mod test;
pub mod wizard;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::Diagnostic;
use crate::questionnaire::{self, Questionnaire};
use crate::text::Lang;

#[derive(Parser, Debug)]
#[command(
    name = "guantong",
    version,
    about = "贯通：百色市高技能人才与专业技术人才职业发展互评互通 面谈助手 / interview assistant"
)]
pub struct Cli {
    /// 界面语言 / interface language
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// 数据目录（案件库）/ data directory (case store); also GUANTONG_DATA_DIR
    #[arg(long, global = true, env = "GUANTONG_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub wizard: wizard::WizardArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 检查问卷文件 / lint a questionnaire file
    Check(check::CheckArgs),
    /// 按问卷评估一份答案 / evaluate an answers file
    Evaluate(evaluate::EvaluateArgs),
    /// 运行场景测试 / run scenario files
    Test(test::TestArgs),
    /// 案件库 / the case store
    Cases(cases::CasesArgs),
}

pub fn run(cli: Cli) -> ExitCode {
    let lang = cli.lang.map(Lang::from);
    match cli.command {
        Some(Command::Check(a)) => with_lang(lang, |l| check::run(a, l)),
        Some(Command::Evaluate(a)) => with_lang(lang, |l| evaluate::run(a, l)),
        Some(Command::Test(a)) => with_lang(lang, |l| test::run(a, l)),
        Some(Command::Cases(a)) => cases::run(a, lang, cli.data_dir),
        None => wizard::run(cli.wizard, lang, cli.data_dir),
    }
}

/// Run `f` in the language asked for: `--lang`, else the config file's `lang`, else
/// Chinese. The config file is read only when `--lang` is not given (these commands need
/// nothing else from it); a mistake in it is named, as the wizard names it (exit 2).
fn with_lang(lang: Option<Lang>, f: impl FnOnce(Lang) -> ExitCode) -> ExitCode {
    if let Some(l) = lang {
        return f(l);
    }
    match crate::config::Config::load() {
        Ok(c) => f(c.lang.unwrap_or_default()),
        Err(e) => {
            warn!("guantong: {e}");
            ExitCode::from(2)
        }
    }
}

/// How output is made safe before it reaches stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safe {
    /// Text for a person: [`crate::safe::text`].
    Text,
    /// Serialised JSON: unsafe characters as `\uXXXX` escapes ([`crate::safe::json`]).
    Json,
    /// Already made safe piece by piece (CSV: cell by cell, around its byte-order mark).
    Done,
}

/// Write `s` to stdout, made safe as `how` says. A reader that closed the pipe ends the
/// command quietly (`Ok`); another write error is reported and gives exit code 1.
pub fn print(s: &str, how: Safe) -> Result<(), u8> {
    let s = match how {
        Safe::Text => crate::safe::text(s),
        Safe::Json => crate::safe::json(s),
        Safe::Done => std::borrow::Cow::Borrowed(s),
    };
    let mut o = std::io::stdout().lock();
    match o.write_all(s.as_bytes()).and_then(|()| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            warn!("guantong: stdout: {e}");
            Err(1)
        }
    }
}

/// The exit code for a [`print`] result when `ok` is the code on success.
pub fn printed(r: Result<(), u8>, ok: ExitCode) -> ExitCode {
    match r {
        Ok(()) => ok,
        Err(c) => ExitCode::from(c),
    }
}

/// What [`warn!`] calls.
pub fn warn_line(msg: std::fmt::Arguments<'_>) {
    let msg = msg.to_string();
    let _ = writeln!(std::io::stderr().lock(), "{}", crate::safe::text(&msg));
}

/// Print diagnostics to stderr in `lang`, as `check` prints them.
pub fn print_diagnostics(diags: &[Diagnostic], lang: Lang) {
    for d in diags {
        warn!("{}", d.render(lang));
    }
}

/// Read an answers file (`evaluate`, `cases sign`); a file that cannot be read is named,
/// in `lang`, and gives `None` (exit 2).
pub fn read_answers(path: &std::path::Path, lang: Lang) -> Option<String> {
    match crate::diag::read_limited(path, crate::diag::MAX_ANSWERS_BYTES) {
        Ok(s) => Some(s),
        Err(e) => {
            let why = crate::text::tr!(
                "无法读取答案文件：{e}",
                "cannot read the answers file: {e}",
                e = e.get(lang)
            );
            warn!("{}: error: {}", path.display(), why.get(lang));
            None
        }
    }
}

/// Load the questionnaire named on the command line, or the embedded Baise one. On error,
/// the diagnostics are printed as `check` prints them, in `lang`.
pub fn load_questionnaire(path: Option<&std::path::Path>, lang: Lang) -> Option<Questionnaire> {
    let r = match path {
        Some(p) => questionnaire::load_file(p),
        None => questionnaire::embedded(),
    };
    match r {
        Ok(q) => Some(q),
        Err(diags) => {
            print_diagnostics(&diags, lang);
            None
        }
    }
}

/// Today in the local time zone (the only place the clock is read for evaluation).
pub fn today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}
