//! `guantong cases …`: the case store (see the store issue).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::text::Lang;

#[derive(Args, Debug)]
pub struct CasesArgs {}

pub fn run(_a: CasesArgs, _lang: Option<Lang>, _data_dir: Option<PathBuf>) -> ExitCode {
    eprintln!("guantong cases: the case store is not built yet");
    ExitCode::from(1)
}
