//! `guantong` with no subcommand: the interview wizard (see the wizard issue).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::text::Lang;

#[derive(Args, Debug)]
pub struct WizardArgs {
    /// 问卷文件（默认为内置的百色问卷）/ questionnaire file (default: the embedded Baise one)
    #[arg(long)]
    pub questionnaire: Option<PathBuf>,
}

pub fn run(_a: WizardArgs, _lang: Option<Lang>, _data_dir: Option<PathBuf>) -> ExitCode {
    eprintln!("guantong: the interview wizard is not built yet; see `guantong --help`");
    ExitCode::from(1)
}
