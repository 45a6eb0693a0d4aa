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

pub mod bureau;
pub mod cases;
pub mod check;
pub mod evaluate;
pub mod generate;
pub mod report;
pub mod server;
pub mod sync;
pub mod test;
pub mod wizard;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::questionnaire::catalogue::Catalogue;
use crate::questionnaire::{self, Questionnaire};
use crate::text::Lang;

#[derive(Parser, Debug)]
#[command(
    name = "guantong",
    version,
    about = "贯通：窗口面谈助手——按问卷逐题询问、随答随评、签名存档 / guantong: a counter clerk's interview assistant: questionnaire-driven interviews, outcomes as you go, signed case records"
)]
pub struct Cli {
    /// 界面语言 / interface language
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// 数据目录（案件库）/ data directory (case store); also GUANTONG_DATA_DIR
    #[arg(long, global = true, env = "GUANTONG_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// 问卷：文件，或问卷目录中的标识（缺省为配置中的默认问卷）/ questionnaire: a file, or the id of a known one (default: the one config marks); also GUANTONG_QUESTIONNAIRE
    #[arg(
        long,
        global = true,
        env = "GUANTONG_QUESTIONNAIRE",
        value_name = "FILE|ID"
    )]
    pub questionnaire: Option<String>,
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
    /// 把本案件库的新案件推送到全局服务器（由定时器运行）/ push this store's new cases to the bureau's server (run by a timer)
    Sync(sync::SyncArgs),
    /// 月报：按办公室、申报方向、结论、等级统计，及应收评审费 / the monthly report: cases by office, pathway, status and level, fees due
    Report(report::ReportArgs),
    /// 全局服务器的管理 / the bureau's server (administration)
    Server(server::ServerArgs),
}

pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::load() {
        Ok(c) => c,
        // check, evaluate and test need nothing from the config file but the language:
        // with --lang given, a mistake in it does not stop them
        Err(_)
            if cli.lang.is_some()
                && matches!(
                    cli.command,
                    Some(Command::Check(_) | Command::Evaluate(_) | Command::Test(_))
                ) =>
        {
            Config::default()
        }
        Err(e) => {
            warn!("guantong: {e}");
            return ExitCode::from(2);
        }
    };
    // Default directories still at an earlier version's location are used; say so once.
    // (Not when overridden: then the notice would be about a directory not in use.)
    let overridden = |var| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    if let Some((_, Some(n))) = crate::case::dirs::data_dir()
        && cli.data_dir.is_none()
        && config.data_dir.is_none()
    {
        warn!("guantong: {n}");
    }
    if let Some((_, Some(n))) = crate::case::dirs::config_dir()
        && !overridden(crate::case::keys::CONFIG_DIR_ENV)
    {
        warn!("guantong: {n}");
    }
    let lang = cli.lang.map(Lang::from).or(config.lang);
    let given = cli.questionnaire.filter(|s| !s.trim().is_empty());
    let data_dir = cli.data_dir.or_else(|| config.data_dir.clone());
    let ctx = Context {
        config,
        given,
        lang,
        data_dir,
    };
    match cli.command {
        Some(Command::Check(a)) => check::run(a, &ctx),
        Some(Command::Evaluate(a)) => evaluate::run(a, &ctx),
        Some(Command::Test(a)) => test::run(a, &ctx),
        Some(Command::Cases(a)) => cases::run(a, &ctx),
        Some(Command::Sync(a)) => sync::run(a, &ctx),
        Some(Command::Report(a)) => report::run(a, &ctx),
        Some(Command::Server(a)) => server::run(a, &ctx),
        None => wizard::run(cli.wizard, &ctx),
    }
}

/// What every subcommand shares: the config file, the questionnaire given on the command
/// line (a file or an id), the language and the data directory asked for.
#[derive(Debug)]
pub struct Context {
    pub config: Config,
    pub given: Option<String>,
    pub lang: Option<Lang>,
    pub data_dir: Option<PathBuf>,
}

impl Context {
    /// The language of everything printed: `--lang`, else the config's, else Chinese.
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_default()
    }

    /// A subcommand's file argument that differs from `--questionnaire`: said, exit 2.
    pub fn refuse_two(&self, file: Option<&std::path::Path>) -> Result<(), ExitCode> {
        match (file, &self.given) {
            (Some(f), Some(g)) if f != std::path::Path::new(g) => {
                warn!(
                    "guantong: 问卷给了两次（{} 与 --questionnaire {g}），请只给一次 / two questionnaires given ({} and --questionnaire {g}): give one",
                    f.display(),
                    f.display()
                );
                Err(ExitCode::from(2))
            }
            _ => Ok(()),
        }
    }

    /// The catalogue of questionnaires; on failure the problem is printed (diagnostics
    /// as `check` prints them) and `None` returned.
    pub fn catalogue(&self) -> Option<Catalogue> {
        match Catalogue::load(&self.config.catalogue_spec(self.given.clone())) {
            Ok(c) => Some(c),
            Err(e) => {
                match e.diagnostics() {
                    Some(d) => print_diagnostics(d, self.lang()),
                    None => warn!("guantong: {e}"),
                }
                None
            }
        }
    }

    /// The questionnaire to work under: `file` when a subcommand names one, else the one
    /// given with `--questionnaire`, else the catalogue's default. Naming two different
    /// ones is refused.
    pub fn questionnaire(&self, file: Option<&std::path::Path>) -> Result<Questionnaire, ExitCode> {
        self.refuse_two(file)?;
        match file {
            Some(f) => load_questionnaire(f, self.lang()).ok_or(ExitCode::from(1)),
            None => self
                .catalogue()
                .map(|c| c.default_questionnaire().clone())
                .ok_or(ExitCode::from(1)),
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

/// Load a questionnaire file. On error, the diagnostics are printed as `check` prints
/// them, in `lang`.
pub fn load_questionnaire(path: &std::path::Path, lang: Lang) -> Option<Questionnaire> {
    match questionnaire::load_file(path) {
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
