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
use crate::value::Value;

/// Load a questionnaire from its text. `Err` holds every diagnostic (errors and warnings)
/// when there is at least one error; `Ok` keeps the warnings in `warnings`.
pub fn load_str(file: &str, src: &str) -> Result<Questionnaire, Vec<Diagnostic>> {
    let mut cx = Cx {
        file: file.to_string(),
        src,
        diags: Vec::new(),
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
    match std::fs::read_to_string(path) {
        Ok(src) => load_str(&file, &src),
        Err(e) => Err(vec![Diagnostic {
            file,
            line: 0,
            col: 0,
            severity: Severity::Error,
            message: format!("cannot read the file: {e}"),
            excerpt: None,
        }]),
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
                self.push(offset, Severity::Error, format!("TOML: {msg}"), excerpt);
                return None;
            }
        };
        let sha256 = hex::encode(Sha256::digest(self.src.as_bytes()));
        let data = match toml_to_value(&toml::Value::Table(raw.data.clone())) {
            Ok(v) => v,
            Err(e) => {
                let off = self.src.find("[data]").unwrap_or(0);
                self.error(off, format!("[data]: {e}"));
                Value::Null
            }
        };
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
        };
        let mut comp = Compiler::new(&names);
        let derived = self.check_derived(&raw, &mut comp, &parsed, &order);
        let (sections, facts) = self.sections(&raw, &mut comp, &articles);
        let mut rules = self.rules(&raw, &mut comp, &articles);
        let (results, result_names) = self.results(&raw, &mut comp);
        let materials = self.items(&raw.materials, "material", &mut comp, &articles);
        let steps = self.items(&raw.steps, "step", &mut comp, &articles);
        let meta = self.meta(&raw, &names, &result_names, &articles);
        if let Some(r) = self.validity_rule(&raw, &meta, &mut comp, &articles) {
            rules.push(r);
        }
        let schedule = self.schedule(&raw, &mut comp, &results, &rules, &facts, &articles);
        let sentences = self.items(&raw.sentences, "sentence", &mut comp, &articles);
        self.templates(&raw, &results, schedule.is_some());
        let migrations = self.migrations(&raw, &names, &facts);
        self.warnings(&raw, &comp, &meta);
        Some(Questionnaire {
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
            warnings: Vec::new(),
        })
    }
}
