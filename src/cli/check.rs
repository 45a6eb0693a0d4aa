//! `guantong check`: the linter.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::diag::Diagnostic;
use crate::questionnaire;
use crate::text::Lang;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// 问卷文件（缺省为 --questionnaire 或默认问卷）/ questionnaire file (default: --questionnaire, or the default one)
    #[arg(id = "file", value_name = "FILE")]
    pub questionnaire: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

/// Diagnostics in the chosen language; the severity word (`error`, `warning`) is the same
/// in every language. JSON gives each message in that language and in both.
pub fn run(a: CheckArgs, ctx: &super::Context) -> ExitCode {
    let lang = ctx.lang();
    // The file named, else the one --questionnaire names, else the default's text.
    if let Err(code) = ctx.refuse_two(a.questionnaire.as_deref()) {
        return code;
    }
    let given_file = ctx
        .given
        .as_deref()
        .map(PathBuf::from)
        .filter(|p| p.exists());
    let (name, result) = match a.questionnaire.or(given_file) {
        Some(p) => (p.display().to_string(), questionnaire::load_file(&p)),
        None => match ctx.catalogue() {
            Some(c) => {
                let q = c.default_questionnaire();
                (q.file.clone(), questionnaire::load_str(&q.file, &q.source))
            }
            None => return ExitCode::from(1),
        },
    };
    let diags = match result {
        Ok(q) => q.warnings,
        Err(d) => d,
    };
    let r = match a.format {
        CheckFormat::Text => {
            super::print(&render(&name, &diags, a.format, lang), super::Safe::Text)
        }
        CheckFormat::Json => {
            super::print(&render(&name, &diags, a.format, lang), super::Safe::Json)
        }
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
pub fn render(file: &str, diags: &[Diagnostic], format: CheckFormat, lang: Lang) -> String {
    match format {
        CheckFormat::Text => diags.iter().map(|d| d.render(lang) + "\n").collect(),
        CheckFormat::Json => {
            let out = serde_json::json!({
                "file": file,
                "errors": diags.iter().filter(|d| d.is_error()).count(),
                "warnings": diags.iter().filter(|d| !d.is_error()).count(),
                "lang": lang.code(),
                "diagnostics": diags.iter().map(|d| d.to_json(lang)).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
        }
    }
}
