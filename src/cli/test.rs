//! `guantong test`: run scenario files.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Args, Debug)]
pub struct TestArgs {
    pub questionnaire: PathBuf,
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(_a: TestArgs) -> ExitCode {
    ExitCode::from(1)
}
