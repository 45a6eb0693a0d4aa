//! `guantong check`: the linter.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::questionnaire;
use crate::text::Lang;

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

/// Diagnostics in `lang`; the severity word (`error`, `warning`) is the same in every
/// language. JSON gives each message in `lang` and in both languages.
pub fn run(a: CheckArgs, lang: Lang) -> ExitCode {
    let diags = match questionnaire::load_file(&a.questionnaire) {
        Ok(q) => q.warnings,
        Err(d) => d,
    };
    let r = match a.format {
        CheckFormat::Text => {
            let text: String = diags.iter().map(|d| d.render(lang) + "\n").collect();
            super::print(&text, super::Safe::Text)
        }
        CheckFormat::Json => {
            let out = serde_json::json!({
                "file": a.questionnaire.display().to_string(),
                "errors": diags.iter().filter(|d| d.is_error()).count(),
                "warnings": diags.iter().filter(|d| !d.is_error()).count(),
                "lang": lang.code(),
                "diagnostics": diags.iter().map(|d| d.to_json(lang)).collect::<Vec<_>>(),
            });
            let j = serde_json::to_string_pretty(&out).unwrap_or_default();
            super::print(&(j + "\n"), super::Safe::Json)
        }
    };
    let ok = if diags.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    super::printed(r, ok)
}
