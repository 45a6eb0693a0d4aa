//! The `guantong` binary: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = guantong::cli::Cli::parse();
    guantong::cli::run(cli)
}
