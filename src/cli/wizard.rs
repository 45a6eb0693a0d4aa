//! `guantong` with no subcommand: the interview wizard. Settles the questionnaire (checked
//! first; problems printed as `check` prints them), the config file, the language, the
//! borders and the case store, then hands the terminal to `tui`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::case::Store;
use crate::config::Config;
use crate::text::Lang;
use crate::tui::{self, App, Clock, Theme};

#[derive(Args, Debug)]
pub struct WizardArgs {
    /// 问卷文件（默认为内置的百色问卷）/ questionnaire file (default: the embedded Baise one)
    #[arg(long)]
    pub questionnaire: Option<PathBuf>,
    /// 用 ASCII 字符画边框 / draw borders with ASCII characters
    #[arg(long)]
    pub ascii: bool,
}

pub fn run(a: WizardArgs, lang: Option<Lang>, data_dir: Option<PathBuf>) -> ExitCode {
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            warn!("guantong: {e}");
            return ExitCode::from(2);
        }
    };
    let lang = lang.or(config.lang).unwrap_or_default();
    let Some(q) = super::load_questionnaire(a.questionnaire.as_deref(), lang) else {
        return ExitCode::from(1);
    };
    let Some(dir) = data_dir
        .or_else(|| config.data_dir.clone())
        .or_else(Store::default_dir)
    else {
        warn!("guantong: no data directory; use --data-dir / 没有数据目录，请用 --data-dir");
        return ExitCode::from(2);
    };
    let store = match Store::open(&dir) {
        Ok(s) => s,
        Err(e) => {
            warn!("guantong: {e}");
            return ExitCode::from(1);
        }
    };
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        warn!("guantong: the wizard needs a terminal / 面谈向导需要在终端中运行");
        return ExitCode::from(2);
    }
    let today = super::today();
    let clock = Clock {
        today,
        now: jiff::Timestamp::now(),
    };
    let theme = Theme::from_env(a.ascii || config.ascii());
    let app = App::new(q, lang, theme, clock);
    let exec = tui::exec::Executor::new(store, lang, today, config.clerk_name().map(String::from));
    tui::term::run(app, exec)
}
