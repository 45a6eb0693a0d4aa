//! `guantong evaluate`: the contract's output for one answers file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::eval::{self, input, report};

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// 问卷文件（缺省为 --questionnaire 或默认问卷）/ questionnaire file (default: --questionnaire, or the default one)
    #[arg(id = "file", value_name = "FILE")]
    pub questionnaire: Option<PathBuf>,
    /// 答案文件（TOML）/ answers file (TOML)
    #[arg(long)]
    pub answers: PathBuf,
    #[arg(long, value_enum, default_value = "json")]
    pub format: EvalFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EvalFormat {
    Json,
    Text,
}

pub fn run(a: EvaluateArgs, ctx: &super::Context) -> ExitCode {
    let lang = ctx.lang();
    let q = match ctx.questionnaire(a.questionnaire.as_deref()) {
        Ok(q) => q,
        Err(code) => return code,
    };
    let file = a.answers.display().to_string();
    let Some(src) = super::read_answers(&a.answers, lang) else {
        return ExitCode::from(2);
    };
    let today = super::today();
    let answers = match input::parse_answers(&q, &file, &src, today) {
        Ok(a) => a,
        Err(errors) => {
            for e in errors {
                warn!("{}", e.render(lang));
            }
            return ExitCode::from(2);
        }
    };
    let ev = eval::evaluate(&q, &answers, today);
    let r = match a.format {
        EvalFormat::Json => {
            let j = serde_json::to_string_pretty(&report::to_json(&q, &ev)).unwrap_or_default();
            super::print(&(j + "\n"), super::Safe::Json)
        }
        EvalFormat::Text => super::print(&report::to_text(&q, &ev, lang), super::Safe::Text),
    };
    super::printed(r, ExitCode::SUCCESS)
}
