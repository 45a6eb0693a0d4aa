//! `guantong test`: run scenario files; one line per failure, then `N passed, M failed`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::scenario;

#[derive(Args, Debug)]
pub struct TestArgs {
    /// 问卷文件（给了 --questionnaire 时，这里也是场景）/ questionnaire file (with --questionnaire, a scenario path too)
    #[arg(id = "file", value_name = "FILE")]
    pub questionnaire: PathBuf,
    /// 场景文件或目录 / scenario files or directories
    pub paths: Vec<PathBuf>,
}

pub fn run(a: TestArgs, ctx: &super::Context) -> ExitCode {
    let lang = ctx.lang();
    // With --questionnaire, every path given is a scenario path.
    let (q, paths) = match &ctx.given {
        Some(_) => {
            let mut paths = vec![a.questionnaire];
            paths.extend(a.paths);
            (ctx.questionnaire(None), paths)
        }
        None => (ctx.questionnaire(Some(&a.questionnaire)), a.paths),
    };
    let q = match q {
        Ok(q) => q,
        Err(code) => return code,
    };
    if paths.is_empty() {
        warn!("error: 没有给出场景文件或目录 / no scenario files or directories given");
        return ExitCode::from(2);
    }
    let files = match scenario::collect(&paths) {
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
