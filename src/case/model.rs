//! Drafts, sign-off requests, signed case records and their summaries.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as J};

use super::summary::{SummaryRef, SummaryValue};
use crate::eval::input;
use crate::questionnaire::Questionnaire;
use crate::value::Answers;

/// Format tag inside every record signed now. `guantong-case/1` records (before office
/// codes and origins) are still read and verified.
pub const RECORD_FORMAT: &str = "guantong-case/2";

/// An interview in progress, saved after every answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub id: String,
    pub questionnaire_id: String,
    pub questionnaire_version: String,
    pub questionnaire_sha256: String,
    /// As stored. Values come back from the store in their JSON form (dates as strings);
    /// [`Draft::resume`] checks them against a questionnaire.
    pub answers: Answers,
    /// The fact the clerk was at.
    pub current: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub clerk: String,
}

/// A draft checked against the questionnaire it is resumed with.
#[derive(Clone, Debug)]
pub struct Resumed {
    /// The answers the questionnaire accepts, typed as its facts want them.
    pub answers: Answers,
    /// Answers the questionnaire does not know (or whose value no longer fits), as they
    /// were stored: set aside, never used by the rules, saved back unchanged and treated
    /// as personal (see [`is_personal`]). The wizard shows them.
    pub aside: Answers,
    /// The questionnaire's content hash differs from the one the draft was started with.
    pub questionnaire_changed: bool,
    /// Answers carried over from the draft's questionnaire version by the questionnaire's
    /// migrations (`old → new`).
    pub renamed: Vec<String>,
}

impl Draft {
    pub fn new(q: &Questionnaire, clerk: &str, now: Timestamp) -> Draft {
        Draft {
            id: new_id(),
            questionnaire_id: q.meta.id.clone(),
            questionnaire_version: q.meta.version.clone(),
            questionnaire_sha256: q.sha256.clone(),
            answers: Answers::new(),
            current: None,
            created_at: now,
            updated_at: now,
            clerk: clerk.to_string(),
        }
    }

    /// Check the stored answers against `q` (possibly newer than the draft).
    pub fn resume(&self, q: &Questionnaire) -> Resumed {
        // a draft started under an earlier version goes on under this one, its answers
        // carried over through the questionnaire's migrations
        let migrated =
            if q.meta.id == self.questionnaire_id && q.meta.version != self.questionnaire_version {
                crate::eval::migrate::apply(q, &self.questionnaire_version, &self.answers)
            } else {
                crate::eval::migrate::Migrated {
                    answers: self.answers.clone(),
                    ..Default::default()
                }
            };
        let (answers, aside) = sort_answers(q, &migrated.answers);
        Resumed {
            answers,
            aside,
            questionnaire_changed: q.sha256 != self.questionnaire_sha256
                || q.meta.id != self.questionnaire_id,
            renamed: migrated.describe(),
        }
    }
}

impl Draft {
    /// The draft goes on under `q` (resumed under a newer version, or a copy): it names
    /// `q` from now on, so that its answers, carried over already, are not carried again.
    pub fn go_on_under(&mut self, q: &Questionnaire) {
        self.questionnaire_id = q.meta.id.clone();
        self.questionnaire_version = q.meta.version.clone();
        self.questionnaire_sha256 = q.sha256.clone();
    }
}

/// Answers sorted by what `q` makes of them: those it accepts (typed as its facts want
/// them: a stored date string becomes a date) and the rest, as they were: facts `q` does
/// not know, and values that no longer fit. Nothing is lost: the second part is what a
/// draft or case keeps aside.
pub fn sort_answers(q: &Questionnaire, answers: &Answers) -> (Answers, Answers) {
    let mut used = Answers::new();
    let mut aside = Answers::new();
    for (k, v) in answers {
        match q.fact(k).map(|f| input::coerce(f, v.clone())) {
            Some(Ok(typed)) => {
                used.insert(k.clone(), typed);
            }
            _ => {
                aside.insert(k.clone(), v.clone());
            }
        }
    }
    (used, aside)
}

/// Whether the answer to `fact` is personal data under `q`, the questionnaire it is
/// read with: the facts `q` marks personal, its applicant's name and ID number, and every
/// answer `q` does not define (kept from another questionnaire or version: nothing says it
/// is not personal). With no questionnaire at hand, every answer is.
pub fn is_personal(q: Option<&Questionnaire>, fact: &str) -> bool {
    let Some(q) = q else { return true };
    let Some(f) = q.fact(fact) else { return true };
    f.personal || [q.meta.applicant_name, q.meta.applicant_id].contains(&Some(f.index))
}

/// The facts among `q`'s and `answers`' whose values are personal ([`is_personal`]): what
/// a record made under `q` lists as `personal_facts`, the questionnaire's first.
pub fn personal_facts(q: &Questionnaire, answers: &Answers) -> Vec<String> {
    let mut out: Vec<String> = q
        .facts
        .iter()
        .filter(|f| f.personal)
        .map(|f| f.id.clone())
        .collect();
    // (the order records have always had: marked facts, then the name and ID number)
    for i in [q.meta.applicant_name, q.meta.applicant_id]
        .into_iter()
        .flatten()
    {
        if let Some(f) = q.facts.get(usize::from(i))
            && !out.contains(&f.id)
        {
            out.push(f.id.clone());
        }
    }
    out.extend(answers.keys().filter(|k| q.fact(k).is_none()).cloned());
    out
}

/// 16 random hex digits (falls back to the clock if the OS has no randomness to give).
pub(crate) fn new_id() -> String {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        let n = Timestamp::now().as_nanosecond() as u64 ^ u64::from(std::process::id());
        b = n.to_le_bytes();
    }
    hex::encode(b)
}

/// Everything needed to sign off one case.
#[derive(Clone, Debug)]
pub struct SignOff<'a> {
    pub questionnaire: &'a Questionnaire,
    pub answers: Answers,
    pub applicant_name: String,
    pub applicant_id: Option<String>,
    pub pledge_confirmed_at: Timestamp,
    pub clerk_display_name: Option<String>,
    pub notes: Option<String>,
    /// The number of the case this one corrects.
    pub amends: Option<String>,
    /// The draft to remove in the same transaction.
    pub draft_id: Option<String>,
    pub now: Timestamp,
    /// The clock for the interview-date default and the case number's year.
    pub today: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pledge {
    pub confirmed_at: Timestamp,
    pub cite: Option<String>,
    /// The pledge text read out (Chinese), as the questionnaire had it.
    pub text: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clerk {
    pub user: String,
    pub display_name: Option<String>,
    /// Ed25519 public key, hex.
    pub public_key: String,
}

/// The previous record in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrevRef {
    pub number: String,
    pub sha256: String,
}

/// A signed-off case. The serialised form (RFC 8785 canonical JSON) is what is signed
/// and hashed; `sha256` and `signature` are kept beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub format: String,
    /// Position in the chain, from 1.
    pub seq: i64,
    pub number: String,
    pub signed_at: Timestamp,
    pub questionnaire: QuestionnaireRef,
    pub interview_date: Option<Date>,
    /// The answers on record, keyed by fact id (JSON values).
    pub facts: Map<String, J>,
    /// Fact ids holding personal data (masked in exports).
    pub personal_facts: Vec<String>,
    /// Results and findings as evaluated at sign-off (the contract's JSON).
    pub results: Map<String, J>,
    pub findings: Vec<J>,
    pub materials: Vec<J>,
    pub steps: Vec<J>,
    /// The outcome read aloud at sign-off (the questionnaire's sentences, filled), each
    /// `{ text, text_en }`. Records signed before sentences existed have none (and their
    /// canonical form has no such key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<J>,
    pub set_aside: Vec<J>,
    pub applicant: Applicant,
    pub pledge: Pledge,
    pub clerk: Clerk,
    pub notes: Option<String>,
    pub amends: Option<String>,
    pub prev: Option<PrevRef>,
    /// The origin (store) whose chain the record is in; absent in `guantong-case/1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The office code the record was minted under; absent in `guantong-case/1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// What summarises the case (the questionnaire's `[meta.summary]` at sign-off);
    /// absent in older records (see [`super::summary::legacy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryRef>,
    #[serde(skip)]
    pub sha256: String,
    #[serde(skip)]
    pub signature: String,
}

impl CaseRecord {
    pub fn status(&self) -> &str {
        self.results.get("status").and_then(J::as_str).unwrap_or("")
    }
    pub fn result_str(&self, name: &str) -> Option<&str> {
        self.results.get(name).and_then(J::as_str)
    }
}

/// One line of `cases list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub seq: i64,
    pub number: String,
    pub signed_at: Timestamp,
    pub date: Option<Date>,
    /// Masked (张*).
    pub name: String,
    /// Masked (4510**********0017).
    pub id_number: Option<String>,
    /// The id of the questionnaire the case was made under.
    pub questionnaire: Option<String>,
    pub status: String,
    /// The summary entries (see [`super::summary`]), values as codes.
    pub summary: Vec<SummaryValue>,
    /// The amount due, whole yuan, when the questionnaire declares one.
    pub money: Option<i64>,
    pub clerk: String,
    pub amends: Option<String>,
}

/// Which cases to list. Dates compare with the interview date; `search` matches name,
/// ID number or case number (substring); `limit` 0 means all.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub status: Option<String>,
    pub clerk: Option<String>,
    /// Only cases made under the questionnaire with this id.
    pub questionnaire: Option<String>,
    pub search: Option<String>,
    pub limit: usize,
}

/// Mask a person's name: the first character kept and a fixed `**` (张三丰 -> 张**,
/// 张三 -> 张**), so that the name's length does not show. See [`super::privacy`].
pub fn mask_name(name: &str) -> String {
    super::privacy::mask_name(name)
}
