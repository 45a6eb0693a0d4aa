//! `guantong check`: the linter.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::questionnaire;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 问卷文件 / questionnaire file
    pub questionnaire: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

pub fn run(a: CheckArgs) -> ExitCode {
    let diags = match questionnaire::load_file(&a.questionnaire) {
        Ok(q) => q.warnings,
        Err(d) => d,
    };
    match a.format {
        CheckFormat::Text => {
            for d in &diags {
                println!("{d}");
            }
        }
        CheckFormat::Json => {
            let out = serde_json::json!({
                "file": a.questionnaire.display().to_string(),
                "errors": diags.iter().filter(|d| d.is_error()).count(),
                "warnings": diags.iter().filter(|d| !d.is_error()).count(),
                "diagnostics": diags,
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if diags.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
