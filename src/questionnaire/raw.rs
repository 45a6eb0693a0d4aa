//! The TOML shape of a questionnaire, as serde reads it (with spans for messages).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::text::Text;

pub type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestionnaire {
    pub meta: RawMeta,
    #[serde(default)]
    pub data: toml::Table,
    #[serde(default)]
    pub articles: BTreeMap<String, String>,
    #[serde(default)]
    pub sections: Vec<RawSection>,
    #[serde(default)]
    pub derived: Vec<RawDerived>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
    #[serde(default)]
    pub results: Vec<RawResult>,
    #[serde(default)]
    pub materials: Vec<RawItem>,
    #[serde(default)]
    pub steps: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: S<String>,
    pub version: String,
    pub title: S<Text>,
    pub policy: RawPolicy,
    pub valid_from: Option<toml::value::Datetime>,
    pub valid_to: Option<toml::value::Datetime>,
    #[serde(default)]
    pub required_results: Vec<S<String>>,
    pub applicant_name: Option<S<String>>,
    pub applicant_id: Option<S<String>>,
    pub pledge: Option<S<Text>>,
    pub pledge_cite: Option<S<String>>,
    /// The case-number prefix (`SB` in `SB-451002-2026-000001`).
    pub case_prefix: Option<S<String>>,
    /// What summarises a case in lists, exports and reports.
    pub summary: Option<RawSummary>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSummary {
    #[serde(default)]
    pub facts: Vec<RawSummaryItem>,
    #[serde(default)]
    pub results: Vec<RawSummaryItem>,
    pub money: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSummaryItem {
    pub id: S<String>,
    pub label: Option<S<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub name: S<Text>,
    #[serde(default)]
    pub document: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: S<String>,
    pub title: S<Text>,
    pub ask_if: Option<S<String>>,
    #[serde(default)]
    pub facts: Vec<RawFact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub id: S<String>,
    #[serde(rename = "type")]
    pub kind: S<String>,
    pub prompt: S<Text>,
    pub help: Option<S<Text>>,
    pub cite: Option<S<String>>,
    pub ask_if: Option<S<String>>,
    pub default: Option<S<String>>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub personal: bool,
    #[serde(default)]
    pub choices: Vec<RawChoice>,
    pub min: Option<S<i64>>,
    pub max: Option<S<i64>>,
    pub pattern: Option<S<String>>,
    #[serde(default)]
    pub validate: Vec<RawValidation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub value: S<String>,
    pub label: S<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawValidation {
    pub check: S<String>,
    pub message: S<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDerived {
    pub name: S<String>,
    pub expr: S<String>,
    /// For authors only; nothing reads it.
    #[serde(default)]
    #[allow(dead_code)]
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub code: S<String>,
    pub kind: S<String>,
    pub when: S<String>,
    pub cite: Option<S<String>>,
    pub message: S<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResult {
    pub name: S<String>,
    pub expr: S<String>,
    pub label: Option<S<Text>>,
    #[serde(default)]
    pub values: BTreeMap<String, Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub when: Option<S<String>>,
    pub text: S<Text>,
    pub cite: Option<S<String>>,
}
