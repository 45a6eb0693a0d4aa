//! `guantong test`: run scenario files; one line per failure, then `N passed, M failed`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::scenario;
use crate::text::Lang;

#[derive(Args, Debug)]
pub struct TestArgs {
    /// 问卷文件 / questionnaire file
    pub questionnaire: PathBuf,
    /// 场景文件或目录 / scenario files or directories
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(a: TestArgs, lang: Lang) -> ExitCode {
    let Some(q) = super::load_questionnaire(Some(&a.questionnaire), lang) else {
        return ExitCode::from(1);
    };
    let files = match scenario::collect(&a.paths) {
        Ok(f) => f,
        Err(e) => {
            warn!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let outcomes = scenario::run_files(&q, &files, super::today(), lang);
    let mut failed = 0;
    let mut out = String::new();
    for o in &outcomes {
        if o.passed() {
            continue;
        }
        failed += 1;
        for m in &o.mismatches {
            // one line per mismatch, whatever the scenario file holds
            out.push_str(&format!(
                "FAIL {}: {}: expected {}, got {}\n",
                crate::safe::line(&o.file.display().to_string()),
                crate::safe::line(&m.key),
                crate::safe::line(&m.expected.to_string()),
                crate::safe::line(&m.actual.to_string())
            ));
        }
    }
    out.push_str(&format!(
        "{} passed, {failed} failed\n",
        outcomes.len() - failed
    ));
    let ok = if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    super::printed(super::print(&out, super::Safe::Text), ok)
}
