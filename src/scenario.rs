//! Scenario files: one applicant's answers (`[facts]`) and the results the contract gives
//! for them (`[expect]`). Run through the same path as `guantong evaluate`.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_json::Value as J;

use crate::eval::{self, input, report};
use crate::questionnaire::{Questionnaire, RuleKind};
use crate::text::Lang;

/// One mismatch between what a scenario expects and what came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub key: String,
    pub expected: String,
    pub actual: String,
}

/// The outcome of one scenario file.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub file: PathBuf,
    pub title: Option<String>,
    /// Empty when the scenario passed.
    pub mismatches: Vec<Mismatch>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

fn expected_json(v: &toml::Value) -> J {
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(expected_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), expected_json(v)))
                .collect(),
        ),
    }
}

fn strings(v: &toml::Value) -> Vec<String> {
    match v {
        toml::Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        toml::Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn show(list: &[String]) -> String {
    format!("[{}]", list.join(", "))
}

/// The `[expect]` table of a scenario whose `[facts]` TOML cannot parse.
fn expect_alone(src: &str) -> Option<toml::Table> {
    let at = src
        .match_indices("[expect]")
        .map(|(i, _)| i)
        .find(|i| *i == 0 || src[..*i].ends_with('\n'))?;
    let t: toml::Table = toml::from_str(&src[at..]).ok()?;
    t.get("expect")?;
    Some(t)
}

/// Run one scenario given its text. An unexpected input error is reported in `lang`.
pub fn run_str(q: &Questionnaire, file: &Path, src: &str, today: Date, lang: Lang) -> Outcome {
    let name = file.display().to_string();
    let title = src
        .lines()
        .next()
        .and_then(|l| l.strip_prefix('#'))
        .map(|t| t.trim().to_string());
    let mut out = Outcome {
        file: file.to_path_buf(),
        title,
        mismatches: Vec::new(),
    };
    let mut miss = |key: &str, expected: String, actual: String| {
        out.mismatches.push(Mismatch {
            key: key.to_string(),
            expected,
            actual,
        });
    };
    let doc: toml::Table = match toml::from_str(src) {
        Ok(t) => t,
        // a value TOML itself refuses in [facts] (2026-02-29) is an input error to test:
        // read [expect] on its own, and let the answers parser name the fact
        Err(e) => match expect_alone(src) {
            Some(t) => t,
            None => {
                miss(
                    "file",
                    "a scenario file".into(),
                    format!("TOML error: {}", e.message().trim()),
                );
                return out;
            }
        },
    };
    let Some(expect) = doc.get("expect").and_then(toml::Value::as_table) else {
        miss("expect", "an [expect] table".into(), "none".into());
        return out;
    };
    let answers = match input::parse_answers(q, &name, src, today) {
        Ok(a) => a,
        Err(errors) => {
            let facts: Vec<String> = errors.iter().map(|e| e.fact.clone()).collect();
            // `error` names a fact, or lists facts any one of which may be named (a
            // mismatch between two facts may be reported on either)
            let wanted = expect.get("error").map(strings);
            match wanted {
                Some(w) if w.iter().any(|x| facts.contains(x)) => {}
                Some(w) => miss("error", format!("one of {}", show(&w)), show(&facts)),
                None => {
                    let first = errors.first().map(|e| e.render(lang)).unwrap_or_default();
                    let more = match errors.len() {
                        0 | 1 => String::new(),
                        n => format!(" (+{} more)", n - 1),
                    };
                    miss("error", "none".into(), format!("{first}{more}"));
                }
            }
            return out;
        }
    };
    if let Some(w) = expect.get("error") {
        miss(
            "error",
            format!("an input error naming one of {}", show(&strings(w))),
            "none".into(),
        );
        return out;
    }
    // a code or name the questionnaire does not have is a mistake in the scenario, not a
    // finding that did not fire
    for (key, want) in expect {
        let unknown: Vec<String> = match key.as_str() {
            "blockers" | "findings" | "absent_findings" => strings(want)
                .into_iter()
                .filter(|c| q.rule(c).is_none())
                .collect(),
            "missing" => strings(want)
                .into_iter()
                .filter(|f| q.fact(f).is_none())
                .collect(),
            _ => Vec::new(),
        };
        if !unknown.is_empty() {
            miss(
                key,
                format!("codes of `{}`", q.meta.id),
                format!("unknown {}", show(&unknown)),
            );
        }
    }
    let ev = eval::evaluate(q, &answers, today);
    let results = report::results_json(q, &ev);
    let fired: Vec<(String, RuleKind)> = ev.fired(q).map(|r| (r.code.clone(), r.kind)).collect();
    for (key, want) in expect {
        match key.as_str() {
            "error" => {}
            "blockers" => {
                let mut want = strings(want);
                let mut got: Vec<String> = fired
                    .iter()
                    .filter(|(_, k)| *k == RuleKind::Blocker)
                    .map(|(c, _)| c.clone())
                    .collect();
                want.sort();
                got.sort();
                if want != got {
                    miss(key, show(&want), show(&got));
                }
            }
            "findings" => {
                let got: Vec<String> = fired.iter().map(|(c, _)| c.clone()).collect();
                let lacking: Vec<String> = strings(want)
                    .into_iter()
                    .filter(|w| !got.contains(w))
                    .collect();
                if !lacking.is_empty() {
                    miss(
                        key,
                        format!("at least {}", show(&strings(want))),
                        show(&got),
                    );
                }
            }
            // an extension of the shared format: these findings must not fire
            "absent_findings" => {
                let got: Vec<String> = fired.iter().map(|(c, _)| c.clone()).collect();
                let present: Vec<String> = strings(want)
                    .into_iter()
                    .filter(|w| got.contains(w))
                    .collect();
                if !present.is_empty() {
                    miss(key, format!("none of {}", show(&strings(want))), show(&got));
                }
            }
            "missing" => {
                let got: Vec<String> = results
                    .get("missing")
                    .and_then(J::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                if strings(want).iter().any(|w| !got.contains(w)) {
                    miss(
                        key,
                        format!("at least {}", show(&strings(want))),
                        show(&got),
                    );
                }
            }
            "null" => {
                for name in strings(want) {
                    match results.get(&name) {
                        Some(J::Null) => {}
                        Some(v) => miss(&name, "null".into(), v.to_string()),
                        None => miss(&name, "null".into(), "no such result".into()),
                    }
                }
            }
            _ => {
                let want = expected_json(want);
                match results.get(key) {
                    Some(got) if *got == want => {}
                    Some(got) => miss(key, want.to_string(), got.to_string()),
                    None => miss(key, want.to_string(), "no such result".into()),
                }
            }
        }
    }
    out
}

/// Scenario files under each path (a file, or every `*.toml` in a directory, sorted).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            files.extend(found);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(files)
}

/// Run every scenario file.
pub fn run_files(q: &Questionnaire, files: &[PathBuf], today: Date, lang: Lang) -> Vec<Outcome> {
    files
        .iter()
        .map(|f| match std::fs::read_to_string(f) {
            Ok(src) => run_str(q, f, &src, today, lang),
            Err(e) => Outcome {
                file: f.clone(),
                title: None,
                mismatches: vec![Mismatch {
                    key: "file".into(),
                    expected: "readable".into(),
                    actual: e.to_string(),
                }],
            },
        })
        .collect()
}
