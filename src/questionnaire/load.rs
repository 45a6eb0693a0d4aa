//! Loading and checking: TOML -> [`Questionnaire`], or every problem found, each with
//! `file:line:col` in the TOML file. `guantong check` prints exactly these. The phases run
//! in order, each in its own module (names, derived values and facts, rules and results,
//! meta, schedule, migrations); they report through [`Cx`] and never call back here.

use sha2::{Digest, Sha256};

use super::compile::{Compiler, Names};
use super::cx::{Cx, toml_to_value};
pub use super::cx::{MAX_DERIVED, MAX_FACTS, MAX_RULES, map_offset, toml_date};
use super::model::*;
use super::raw::*;
use crate::diag::{Diagnostic, Severity, caret_excerpt};
use crate::text::{Text, tr};

/// Load a questionnaire from its text. `Err` holds every diagnostic (errors and warnings)
/// when there is at least one error; `Ok` keeps the warnings in `warnings`.
pub fn load_str(file: &str, src: &str) -> Result<Questionnaire, Vec<Diagnostic>> {
    if src.len() as u64 > crate::diag::MAX_QUESTIONNAIRE_BYTES {
        return Err(vec![file_error(
            file,
            crate::diag::too_large(crate::diag::MAX_QUESTIONNAIRE_BYTES),
        )]);
    }
    let mut cx = Cx {
        file: file.to_string(),
        src,
        lines: crate::diag::LineIndex::new(src),
        diags: Vec::new(),
        quiet: Vec::new(),
        cite_en: Default::default(),
    };
    let q = cx.build();
    cx.diags.sort_by_key(|d| (d.line, d.col));
    match q {
        Some(mut q) if !cx.diags.iter().any(Diagnostic::is_error) => {
            q.warnings = cx.diags;
            Ok(q)
        }
        _ => Err(cx.diags),
    }
}

/// Load a questionnaire file from disk.
pub fn load_file(path: &std::path::Path) -> Result<Questionnaire, Vec<Diagnostic>> {
    let file = path.display().to_string();
    match crate::diag::read_limited(path, crate::diag::MAX_QUESTIONNAIRE_BYTES) {
        Ok(src) => load_str(&file, &src),
        Err(e) => {
            let (ez, ee) = e.pair();
            Err(vec![file_error(
                &file,
                tr!("无法读取文件：{ez}", "cannot read the file: {ee}"),
            )])
        }
    }
}

fn file_error(file: &str, message: Text) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: 0,
        col: 0,
        severity: Severity::Error,
        message,
        excerpt: None,
    }
}

/// The Baise questionnaire, embedded in the binary.
pub const EMBEDDED_BAISE: &str = include_str!("../../questionnaires/baise.toml");

pub fn embedded() -> Result<Questionnaire, Vec<Diagnostic>> {
    load_str("questionnaires/baise.toml", EMBEDDED_BAISE)
}

impl Cx<'_> {
    fn build(&mut self) -> Option<Questionnaire> {
        let raw: RawQuestionnaire = match toml::from_str(self.src) {
            Ok(r) => r,
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let msg = e.message().trim().to_string();
                let excerpt = e.span().map(|s| caret_excerpt(self.src, s.start, s.end));
                // the TOML library's own words (English) follow the prefix
                let message = tr!("TOML 格式错误：{msg}", "TOML: {msg}");
                self.push(offset, Severity::Error, message, excerpt);
                return None;
            }
        };
        let sha256 = hex::encode(Sha256::digest(self.src.as_bytes()));
        for q in &raw.meta.quiet {
            if super::cx::WARNING_KINDS.contains(&q.get_ref().as_str()) {
                self.quiet.push(q.get_ref().clone());
            } else {
                let (at, q, kinds) = (q.span().start, q.get_ref(), super::cx::WARNING_KINDS);
                let (zk, ek) = (kinds.join("、"), kinds.join(", "));
                self.error(
                    at,
                    tr!(
                        "meta.quiet：`{q}` 不是一种警告（可用：{zk}）",
                        "meta.quiet: `{q}` is not a kind of warning ({ek})"
                    ),
                );
            }
        }
        // a value [data] cannot hold is reported once, where it stands, and read as null
        // by the expressions (so it brings no follow-on errors)
        let mut bad = Vec::new();
        let data = toml_to_value(&toml::Value::Table(raw.data.clone()), "data", &mut bad);
        for (path, e) in bad {
            let off = self.data_key_offset(&path);
            let (ez, ee) = e.pair();
            self.error(off, tr!("[{path}]：{ez}", "[{path}]: {ee}"));
        }
        let articles: Vec<(String, String)> = raw.articles.clone().into_iter().collect();

        let (heads, fact_map) = self.fact_heads(&raw)?;
        let (derived_map, parsed, order) = self.derived_graph(&raw, &fact_map);
        let rule_map = self.rule_codes(&raw);
        let names = Names {
            heads,
            fact_map,
            derived_map,
            rule_map,
            data,
            status_choices: STATUS_VALUES.iter().map(|s| s.to_string()).collect(),
            schedule: raw.schedule.is_some(),
            derived_count: raw.derived.len(),
            result_names: raw
                .results
                .iter()
                .map(|r| r.name.get_ref().clone())
                .collect(),
        };
        let mut comp = Compiler::new(&names);
        let derived = self.check_derived(&raw, &mut comp, &parsed, &order);
        let (sections, facts) = self.sections(&raw, &mut comp, &articles);
        let mut rules = self.rules(&raw, &mut comp, &articles);
        let (results, result_names) = self.results(&raw, &mut comp);
        let materials = self.items(
            &raw.materials,
            &tr!("材料", "material"),
            &mut comp,
            &articles,
        );
        let steps = self.items(&raw.steps, &tr!("步骤", "step"), &mut comp, &articles);
        let meta = self.meta(&raw, &names, &result_names, &articles);
        if let Some(r) = self.validity_rule(&raw, &meta, &mut comp, &articles) {
            rules.push(r);
        }
        let schedule = self.schedule(&raw, &mut comp, &results, &rules, &facts, &articles);
        let sentences = self.items(
            &raw.sentences,
            &tr!("句子", "sentence"),
            &mut comp,
            &articles,
        );
        self.templates(&raw, schedule.is_some());
        let migrations = self.migrations(&raw, &names, &facts);
        let receipt = self.receipt(&raw, &articles);
        if let Some(s) = &schedule {
            // the schedule reads the interview date
            comp.facts_read.insert(s.interview);
        }
        self.warnings(&raw, &comp, &meta);
        let q = Questionnaire {
            file: self.file.clone(),
            source: self.src.to_string(),
            sha256,
            meta,
            data: names.data.clone(),
            articles,
            sections,
            facts,
            derived,
            derived_order: order,
            rules,
            results,
            materials,
            steps,
            sentences,
            schedule,
            migrations,
            receipt,
            cite_en: std::mem::take(&mut self.cite_en),
            warnings: Vec::new(),
        };
        self.unguarded(&raw, &q);
        Some(q)
    }
}
