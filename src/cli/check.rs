//! `guantong check`: the linter.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::diag::Diagnostic;
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
    let file = a.questionnaire.display().to_string();
    let r = match a.format {
        CheckFormat::Text => super::print(&render(&file, &diags, a.format), super::Safe::Text),
        CheckFormat::Json => super::print(&render(&file, &diags, a.format), super::Safe::Json),
    };
    let ok = if diags.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    super::printed(r, ok)
}

/// What `check` prints for `diags` (before [`super::print`] makes it terminal-safe): a
/// function of its own so that the fuzz test drives the same output path.
pub fn render(file: &str, diags: &[Diagnostic], format: CheckFormat) -> String {
    match format {
        CheckFormat::Text => diags.iter().map(|d| format!("{d}\n")).collect(),
        CheckFormat::Json => {
            let out = serde_json::json!({
                "file": file,
                "errors": diags.iter().filter(|d| d.is_error()).count(),
                "warnings": diags.iter().filter(|d| !d.is_error()).count(),
                "diagnostics": diags,
            });
            serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
        }
    }
}
