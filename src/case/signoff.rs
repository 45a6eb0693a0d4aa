//! Building a case record from a sign-off request: the applicant's name and ID number
//! checked, the answers evaluated, the results, findings, materials and steps taken from
//! the evaluation. Pure: no clock, no files, no store (the caller gives the signer).

use serde_json::Value as J;

use super::StoreError;
use super::model::*;
use super::summary;
use crate::eval::{self, input, report};

/// Who signs: the clerk's OS user and public key (hex).
#[derive(Clone, Debug)]
pub struct Signer {
    pub user: String,
    pub public_key: String,
}

/// Evaluate and build the record (all but its number, position and chain link).
pub fn prepare(s: &SignOff, signer: &Signer) -> Result<CaseRecord, StoreError> {
    let q = s.questionnaire;
    let name = s.applicant_name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "申请人姓名不能为空 / the applicant's name is required".into(),
        ));
    }
    crate::eval::input::check_applicant_name(name).map_err(StoreError::Invalid)?;
    let applicant_id = s
        .applicant_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| {
            crate::idcard::parse(id)
                .map(|_| id.to_ascii_uppercase())
                .map_err(|e| {
                    StoreError::Invalid(format!("身份证号码无效 / invalid ID number {id}: {e}"))
                })
        })
        .transpose()?;
    // Answers the questionnaire does not know (kept from a draft's earlier version) are
    // recorded, personal, but the rules never read them.
    let (used, _aside) = sort_answers(q, &s.answers);
    let ev = eval::evaluate(q, &used, s.today);
    if let Some((fi, vi)) = ev.invalid().next() {
        let f = &q.facts[usize::from(fi)];
        let m = &f.validate[vi].message;
        return Err(StoreError::Invalid(format!(
            "fact `{}`: {} / {}",
            f.id,
            m.zh(),
            m.en().unwrap_or(m.zh())
        )));
    }
    let mut facts = input::answers_to_json(&s.answers);
    // The interview date defaults to today: record it, so a later re-check uses the day
    // the case was heard.
    if let (Some(d), Some(f)) = (ev.interview_date, q.fact("interview_date")) {
        facts
            .entry(f.id.clone())
            .or_insert_with(|| J::String(d.to_string()));
    }
    let full = report::to_json(q, &ev);
    let take_arr = |k: &str| {
        full.get(k)
            .and_then(J::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let personal = personal_facts(q, &s.answers);
    Ok(CaseRecord {
        format: RECORD_FORMAT.to_string(),
        seq: 0,
        number: String::new(),
        signed_at: s.now,
        questionnaire: QuestionnaireRef {
            id: q.meta.id.clone(),
            version: q.meta.version.clone(),
            sha256: q.sha256.clone(),
        },
        interview_date: ev.interview_date,
        facts,
        personal_facts: personal,
        results: report::results_json(q, &ev),
        findings: report::findings_json(q, &ev),
        materials: take_arr("materials"),
        steps: take_arr("steps"),
        sentences: take_arr("sentences"),
        set_aside: take_arr("set_aside"),
        applicant: Applicant {
            name: name.to_string(),
            id_number: applicant_id,
        },
        pledge: Pledge {
            confirmed_at: s.pledge_confirmed_at,
            cite: q.meta.pledge_cite.clone(),
            text: q.meta.pledge.as_ref().map(|t| t.zh().to_string()),
        },
        clerk: Clerk {
            user: signer.user.clone(),
            display_name: s.clerk_display_name.clone(),
            public_key: signer.public_key.clone(),
        },
        notes: s.notes.clone().filter(|n| !n.trim().is_empty()),
        amends: s.amends.clone(),
        prev: None,
        origin: None,
        office: None,
        summary: Some(summary::declared(q)),
        sha256: String::new(),
        signature: String::new(),
    })
}
