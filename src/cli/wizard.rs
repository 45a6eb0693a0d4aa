//! `guantong` with no subcommand: the interview wizard. Settles the questionnaire (checked
//! first; problems printed as `check` prints them), the config file, the language, the
//! borders and the case store, then hands the terminal to `tui` with the catalogue (what
//! home offers to choose from, what drafts resume under).

use std::process::ExitCode;

use clap::Args;

use crate::case::Store;
use crate::tui::interview::Choice;
use crate::tui::{self, App, Clock, Theme};

#[derive(Args, Debug)]
pub struct WizardArgs {
    /// 用 ASCII 字符画边框 / draw borders with ASCII characters
    #[arg(long)]
    pub ascii: bool,
}

pub fn run(a: WizardArgs, ctx: &super::Context) -> ExitCode {
    let config = &ctx.config;
    let Some(catalogue) = ctx.catalogue() else {
        return ExitCode::from(1);
    };
    let q = catalogue.default_questionnaire().clone();
    let lang = ctx.lang.unwrap_or_default();
    let Some(dir) = ctx.data_dir.clone().or_else(Store::default_dir) else {
        warn!("guantong: no data directory; use --data-dir / 没有数据目录，请用 --data-dir");
        return ExitCode::from(2);
    };
    let office = match config.office() {
        Ok(o) => o,
        Err(e) => {
            warn!("guantong: {e}");
            return ExitCode::from(2);
        }
    };
    let mut store = match Store::open(&dir) {
        Ok(s) => s,
        Err(e) => {
            warn!("guantong: {e}");
            return ExitCode::from(1);
        }
    };
    // A code that differs from the store's would only be refused at sign-off, after the
    // interview: say so now. (A missing one is asked for by the first-run screen.)
    store.set_office(office);
    if store.configured_office().is_some()
        && let Err(e) = store.check_office()
    {
        warn!("guantong: {e}");
        return ExitCode::from(2);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        warn!("guantong: the wizard needs a terminal / 面谈向导需要在终端中运行");
        return ExitCode::from(2);
    }
    let today = super::today();
    let clock = Clock {
        today,
        now: jiff::Timestamp::now(),
    };
    // Drafts and cases from before the store kept copies: keep their questionnaire while
    // it is at hand (an upgrade may replace the embedded one).
    if let Err(e) = store.keep_referenced(catalogue.entries().iter().map(|e| &e.q), clock.now) {
        warn!("guantong: {e}");
    }
    let theme = Theme::from_env(a.ascii || config.ascii());
    // until the clerk's name, the office code and the office's name are known, the
    // first-run screen asks for them (the code prefilled from the environment or the store)
    let first_run = (config.clerk_name().is_none()
        || store.configured_office().is_none()
        || config.office_name().is_none())
    .then(|| {
        let code = store
            .configured_office()
            .map(|o| o.to_string())
            .or_else(|| store.recorded_office().ok().flatten())
            .unwrap_or_default();
        tui::screens::first_run::FirstRun::new(
            config.clerk_name().unwrap_or_default(),
            &code,
            config.office_name().unwrap_or_default(),
        )
    });
    let mut app = App::new(q, lang, theme, clock);
    app.iv.choices = catalogue.choices().into_iter().map(Choice::of).collect();
    app.print_to = config.print_to.unwrap_or_default();
    app.printer = config.printer().map(String::from);
    if let Some(f) = first_run {
        app.screen = tui::Screen::FirstRun(f);
    }
    let mut exec =
        tui::exec::Executor::new(store, lang, today, config.clerk_name().map(String::from));
    exec.catalogue = Some(catalogue);
    exec.print = tui::exec::print::Setup {
        to: app.print_to,
        printer: app.printer.clone(),
        font: config.font.clone(),
        office_name: config.office_name().map(String::from),
        config_path: crate::config::path(),
        ..Default::default()
    };
    exec.bureau = super::server::asker(ctx);
    tui::term::run(app, exec)
}
