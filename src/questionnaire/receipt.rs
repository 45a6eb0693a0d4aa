//! `[receipt]`: the wording of the applicant's receipt, the one page a signed case is
//! printed on (heading, the particulars' labels, sections of plain text or of parts of the
//! outcome, signature lines, the verification line). Sections are chosen by what the case
//! recorded (`when = { pathway = "skill_to_title", status = ["eligible", "refer"] }`), not
//! by expressions: a receipt is printed from the signed record, which is never evaluated
//! again. The loader phase here checks every key, value, cite and template.

use serde::Deserialize;
use serde_json::Value as J;

use super::cx::Cx;
use super::model::FactKind;
use super::raw::{RawQuestionnaire, S};
use crate::text::{Text, tr};

// ----- the TOML shape -----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReceipt {
    pub title: S<Text>,
    #[serde(default)]
    pub labels: RawLabels,
    #[serde(default)]
    pub signatures: Vec<S<Text>>,
    pub verification: Option<S<Text>>,
    #[serde(default)]
    pub sections: Vec<RawReceiptSection>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabels {
    pub number: Option<S<Text>>,
    pub date: Option<S<Text>>,
    pub applicant: Option<S<Text>>,
    pub id_number: Option<S<Text>>,
    pub status: Option<S<Text>>,
    pub clerk: Option<S<Text>>,
    pub amends: Option<S<Text>>,
    pub amended_by: Option<S<Text>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReceiptSection {
    pub heading: S<Text>,
    pub when: Option<S<toml::Table>>,
    pub show: Option<S<String>>,
    pub text: Option<S<Text>>,
    pub cite: Option<S<Text>>,
    pub priority: Option<S<i64>>,
}

// ----- the model -----

/// The receipt's wording. Labels not given fall back to the printing layer's own words.
#[derive(Clone, Debug, PartialEq)]
pub struct Receipt {
    /// The title under the office's name.
    pub title: Text,
    pub labels: ReceiptLabels,
    /// The lines to sign on, side by side (applicant, clerk, date).
    pub signatures: Vec<Text>,
    /// The verification line, a template with one slot, `{code}`.
    pub verification: Option<Text>,
    pub sections: Vec<ReceiptSection>,
}

/// Labels of the particulars.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReceiptLabels {
    pub number: Option<Text>,
    pub date: Option<Text>,
    pub applicant: Option<Text>,
    pub id_number: Option<Text>,
    pub status: Option<Text>,
    pub clerk: Option<Text>,
    /// Beside the number of the case a correction corrects.
    pub amends: Option<Text>,
    /// Beside the number of the case that corrected this one.
    pub amended_by: Option<Text>,
}

/// A part of the outcome a section shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// The outcome read aloud (when and for what; for an ineligible applicant, when that
    /// would change).
    Sentences,
    /// The decided results with their labels.
    Results,
    /// The findings that block, each with its article.
    Blockers,
    /// Every finding, each with its article.
    Findings,
    Materials,
    Steps,
    /// The integrity pledge as read out.
    Pledge,
}

impl Show {
    pub const ALL: [(&'static str, Show); 7] = [
        ("sentences", Show::Sentences),
        ("results", Show::Results),
        ("blockers", Show::Blockers),
        ("findings", Show::Findings),
        ("materials", Show::Materials),
        ("steps", Show::Steps),
        ("pledge", Show::Pledge),
    ];
    pub fn parse(s: &str) -> Option<Show> {
        Show::ALL.iter().find(|(k, _)| *k == s).map(|(_, v)| *v)
    }
}

/// One section: a heading, when it is printed, a paragraph and/or a part of the outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceiptSection {
    pub heading: Text,
    /// Every condition must hold: the case's fact or result `key` has one of the values.
    pub when: Vec<(String, Vec<J>)>,
    pub text: Option<Text>,
    pub cite: Option<String>,
    pub show: Option<Show>,
    /// When the page is full, the lowest is cut first (0 to 9; 5 when not given).
    pub priority: u8,
}

impl ReceiptSection {
    /// Whether the section belongs on the receipt of a case that recorded `facts` and
    /// `results` (a fact first, then a result of that name; a value it lacks or holds as
    /// null fits no condition).
    pub fn applies(
        &self,
        facts: &serde_json::Map<String, J>,
        results: &serde_json::Map<String, J>,
    ) -> bool {
        self.when.iter().all(|(key, values)| {
            facts
                .get(key)
                .or_else(|| results.get(key))
                .is_some_and(|v| !v.is_null() && values.contains(v))
        })
    }
}

/// The one slot of the verification line.
pub const CODE_SLOT: &str = "code";

// ----- the loader phase -----

impl Cx<'_> {
    /// `[receipt]`: English beside every text, known `show` parts, `when` keys that are
    /// facts or results with values they can take, cites that name articles, a
    /// verification template with only `{code}`.
    pub(super) fn receipt(
        &mut self,
        raw: &RawQuestionnaire,
        articles: &[(String, String)],
    ) -> Option<Receipt> {
        let r = raw.receipt.as_ref()?;
        self.english(&r.title, tr!("receipt.title", "receipt.title"));
        let l = &r.labels;
        let label = |cx: &mut Cx, t: &Option<S<Text>>, key: &str| {
            let t = t.as_ref()?;
            cx.english(t, tr!("receipt.labels.{key}", "receipt.labels.{key}"));
            Some(t.get_ref().clone())
        };
        let labels = ReceiptLabels {
            number: label(self, &l.number, "number"),
            date: label(self, &l.date, "date"),
            applicant: label(self, &l.applicant, "applicant"),
            id_number: label(self, &l.id_number, "id_number"),
            status: label(self, &l.status, "status"),
            clerk: label(self, &l.clerk, "clerk"),
            amends: label(self, &l.amends, "amends"),
            amended_by: label(self, &l.amended_by, "amended_by"),
        };
        for (i, s) in r.signatures.iter().enumerate() {
            let n = i + 1;
            self.english(s, tr!("receipt.signatures {n}", "receipt.signatures {n}"));
        }
        if let Some(v) = &r.verification {
            self.english(v, tr!("receipt.verification", "receipt.verification"));
            self.code_template(v);
        }
        let sections = r
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| self.receipt_section(raw, i + 1, s, articles))
            .collect();
        Some(Receipt {
            title: r.title.get_ref().clone(),
            labels,
            signatures: r.signatures.iter().map(|s| s.get_ref().clone()).collect(),
            verification: r.verification.as_ref().map(|v| v.get_ref().clone()),
            sections,
        })
    }

    /// The verification line's template: well formed, its only slot `{code}`.
    fn code_template(&mut self, v: &S<Text>) {
        let t = v.get_ref();
        for s in [Some(t.zh()), t.en()].into_iter().flatten() {
            match super::template::parse(s) {
                Err(e) => {
                    let (ez, ee) = e.pair();
                    self.error(
                        v.span().start,
                        tr!("receipt.verification：{ez}", "receipt.verification: {ee}"),
                    );
                }
                Ok(pieces) => {
                    for p in pieces {
                        if let super::template::Piece::Slot { name, .. } = p
                            && name != CODE_SLOT
                        {
                            self.error(
                                v.span().start,
                                tr!(
                                    "receipt.verification：只能用 {{code}}，没有 {{{name}}}",
                                    "receipt.verification: only {{code}} can be used, not {{{name}}}"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    fn receipt_section(
        &mut self,
        raw: &RawQuestionnaire,
        n: usize,
        s: &RawReceiptSection,
        articles: &[(String, String)],
    ) -> ReceiptSection {
        self.english(
            &s.heading,
            tr!(
                "receipt.sections {n} 的标题",
                "receipt.sections {n} heading"
            ),
        );
        if let Some(t) = &s.text {
            self.english(t, tr!("receipt.sections {n}", "receipt.sections {n}"));
        }
        let cite = s.cite.as_ref().map(|c| self.check_cite(c, articles));
        let show = s.show.as_ref().and_then(|sh| {
            let found = Show::parse(sh.get_ref());
            if found.is_none() {
                let given = sh.get_ref();
                let known: Vec<&str> = Show::ALL.iter().map(|(k, _)| *k).collect();
                let (kz, ke) = (known.join("、"), known.join(", "));
                self.error(
                    sh.span().start,
                    tr!(
                        "receipt.sections {n}：show = \"{given}\" 不是可显示的部分（可用：{kz}）",
                        "receipt.sections {n}: show = \"{given}\" is no part of the outcome ({ke})"
                    ),
                );
            }
            found
        });
        if s.show.is_none() && s.text.is_none() {
            self.error(
                s.heading.span().start,
                tr!(
                    "receipt.sections {n}：须有 text 或 show",
                    "receipt.sections {n}: give a text or a show"
                ),
            );
        }
        let priority = match &s.priority {
            None => 5,
            Some(p) => match u8::try_from(*p.get_ref()) {
                Ok(v) if v <= 9 => v,
                _ => {
                    let v = p.get_ref();
                    self.error(
                        p.span().start,
                        tr!(
                            "receipt.sections {n}：priority {v} 应在 0 到 9 之间",
                            "receipt.sections {n}: priority {v} must be 0 to 9"
                        ),
                    );
                    5
                }
            },
        };
        let when = s
            .when
            .as_ref()
            .map(|w| self.receipt_when(raw, n, w))
            .unwrap_or_default();
        ReceiptSection {
            heading: s.heading.get_ref().clone(),
            when,
            text: s.text.as_ref().map(|t| t.get_ref().clone()),
            cite,
            show,
            priority,
        }
    }

    /// A section's `when`: each key a fact or a result (`status` included), each value
    /// one it can take (a choice of an enum fact, a status, a named value of a result).
    fn receipt_when(
        &mut self,
        raw: &RawQuestionnaire,
        n: usize,
        w: &S<toml::Table>,
    ) -> Vec<(String, Vec<J>)> {
        let at = w.span().start;
        let mut out = Vec::new();
        for (key, v) in w.get_ref() {
            let items: Vec<&toml::Value> = match v {
                toml::Value::Array(a) => a.iter().collect(),
                one => vec![one],
            };
            let mut values = Vec::new();
            for item in items {
                let j = match item {
                    toml::Value::String(s) => J::String(s.clone()),
                    toml::Value::Boolean(b) => J::Bool(*b),
                    toml::Value::Integer(i) => J::from(*i),
                    other => {
                        let t = other.type_str();
                        self.error(
                            at,
                            tr!(
                                "receipt.sections {n} when.{key}：值须为文字、布尔值或整数，却是 {t}",
                                "receipt.sections {n} when.{key}: values must be strings, bools or integers, found {t}"
                            ),
                        );
                        continue;
                    }
                };
                values.push(j);
            }
            // what the key may hold
            let fact = raw
                .sections
                .iter()
                .flat_map(|s| &s.facts)
                .find(|f| f.id.get_ref() == key);
            let allowed: Option<Vec<String>> = if let Some(f) = fact {
                match FactKind::parse(f.kind.get_ref()) {
                    Some(FactKind::Enum) => Some(
                        f.choices
                            .iter()
                            .map(|c| c.value.get_ref().clone())
                            .collect(),
                    ),
                    _ => None,
                }
            } else if key == "status" {
                Some(super::STATUS_VALUES.iter().map(|s| s.to_string()).collect())
            } else if let Some(r) = raw.results.iter().find(|r| r.name.get_ref() == key) {
                (!r.values.is_empty()).then(|| r.values.keys().cloned().collect())
            } else {
                self.error(
                    at,
                    tr!(
                        "receipt.sections {n} when：`{key}` 既不是事实也不是结果",
                        "receipt.sections {n} when: `{key}` is neither a fact nor a result"
                    ),
                );
                continue;
            };
            if let Some(allowed) = allowed {
                for v in &values {
                    if !v.as_str().is_some_and(|s| allowed.iter().any(|a| a == s)) {
                        let (az, ae) = (allowed.join("、"), allowed.join(", "));
                        self.error(
                            at,
                            tr!(
                                "receipt.sections {n} when.{key}：{v} 不是它可取的值（{az}）",
                                "receipt.sections {n} when.{key}: {v} is not one of its values ({ae})"
                            ),
                        );
                    }
                }
            }
            out.push((key.clone(), values));
        }
        out
    }
}
