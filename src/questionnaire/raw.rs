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
    /// Sentences that read the outcome aloud (templates).
    #[serde(default)]
    pub sentences: Vec<RawItem>,
    pub schedule: Option<RawSchedule>,
    /// How answers given under earlier versions carry over to this one.
    #[serde(default)]
    pub migrations: Vec<RawMigration>,
    /// The wording of the applicant's receipt.
    pub receipt: Option<super::receipt::RawReceipt>,
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
    /// The article that says when the policy is in force (with `valid_from`/`valid_to`).
    pub validity_cite: Option<S<Text>>,
    /// Kinds of warning to silence (see `WARNING_KINDS`).
    #[serde(default)]
    pub quiet: Vec<S<String>>,
    pub validity_message: Option<S<Text>>,
    #[serde(default)]
    pub required_results: Vec<S<String>>,
    pub applicant_name: Option<S<String>>,
    pub applicant_id: Option<S<String>>,
    pub pledge: Option<S<Text>>,
    pub pledge_cite: Option<S<Text>>,
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
    pub cite: Option<S<Text>>,
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
    pub cite: Option<S<Text>>,
    pub message: S<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResult {
    pub name: S<String>,
    pub expr: S<String>,
    pub label: Option<S<Text>>,
    /// The label while the applicant cannot apply (ineligible or incomplete).
    pub aim_label: Option<S<Text>>,
    /// `"fen"`: an integer number of fen (分), shown as yuan with two decimals.
    pub unit: Option<S<String>>,
    #[serde(default)]
    pub values: BTreeMap<String, Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub when: Option<S<String>>,
    pub text: S<Text>,
    pub cite: Option<S<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchedule {
    pub applies: Option<S<String>>,
    pub interview: Option<S<String>>,
    pub opens: S<String>,
    pub closes: S<String>,
    #[serde(default)]
    pub windows: Vec<RawWindow>,
    pub horizon: Option<S<i64>>,
    pub rank: Option<S<String>>,
    #[serde(default)]
    pub levels: Vec<S<String>>,
    #[serde(default)]
    pub lifted_by_time: Vec<S<String>>,
    pub cite: Option<S<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub year: S<i64>,
    pub opens: S<toml::value::Datetime>,
    pub closes: S<toml::value::Datetime>,
    pub counting_date: Option<S<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMigration {
    /// The version whose answers this step carries over.
    pub from: S<String>,
    /// The version it leads to (default: this questionnaire's).
    pub to: Option<S<String>>,
    /// Facts of that version this one no longer has, with their types: read by `set`,
    /// then removed.
    #[serde(default)]
    pub facts: BTreeMap<String, S<String>>,
    #[serde(default)]
    pub set: Vec<RawMigrationSet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMigrationSet {
    pub fact: S<String>,
    pub expr: S<String>,
}
