//! `cases list --bureau`: every office's cases, searched on the bureau's server (by name,
//! case number, or a whole ID number through its keyed hash), masked unless `--unmasked`.
//! The server logs every search with who asked.

use std::process::ExitCode;

use super::server::{IdKeyArg, ServerArg, fail, id_key, url};
use super::{Context, Safe, printed};
use crate::case::export;
use crate::case::summary::{self, SummaryKind};
use crate::eval::Status;
use crate::server::bureau::{self, Found};
use crate::server::{Server, ServerError};
use crate::text::Lang;

/// What the bureau's list is asked for.
#[derive(Debug)]
pub struct BureauList<'a> {
    pub search: Option<&'a str>,
    pub limit: u64,
    pub unmasked: bool,
    pub format: super::cases::ListFormat,
    pub server: &'a ServerArg,
    pub id_key: &'a IdKeyArg,
}

pub fn list(a: BureauList<'_>, ctx: &Context) -> ExitCode {
    let lang = ctx.lang();
    let found = (|| -> Result<Vec<Found>, ServerError> {
        let query = bureau::classify(a.search)?;
        let key = id_key(a.id_key, ctx)?;
        let mut s = Server::connect(&url(a.server, ctx)?)?;
        let limit = i32::try_from(a.limit).unwrap_or(i32::MAX);
        bureau::search(
            &mut s,
            &key,
            &query,
            limit,
            a.unmasked,
            &crate::case::keys::os_user(),
        )
    })();
    let mut rows = match found {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if !a.unmasked {
        // the server masked the applicant; what else masked output hides (summary values
        // and the amount worked out from a personal fact) is the questionnaire's to say
        let Some(cat) = ctx.catalogue() else {
            return ExitCode::from(1);
        };
        for r in &mut rows {
            let q = cat.get(&r.questionnaire);
            let masked = crate::case::privacy::Policy::new(q).mask_row(&index_row(r));
            r.summary = masked.summary;
            r.money = masked.money;
        }
    }
    let out = match a.format {
        super::cases::ListFormat::Json => {
            let mut out = String::new();
            for r in &rows {
                out.push_str(&serde_json::to_string(r).unwrap_or_default());
                out.push('\n');
            }
            return printed(super::print(&out, Safe::Json), ExitCode::SUCCESS);
        }
        f => render(&rows, ctx, lang, matches!(f, super::cases::ListFormat::Csv)),
    };
    match out {
        Some((s, how)) => printed(super::print(&s, how), ExitCode::SUCCESS),
        None => ExitCode::from(1),
    }
}

/// A found case as an index row (what the masking policy reads).
fn index_row(r: &Found) -> crate::case::store::IndexRow {
    crate::case::store::IndexRow {
        seq: 0,
        number: r.number.clone(),
        signed_at: r.signed_at,
        interview_date: r.date,
        applicant_name: r.name.clone(),
        applicant_id: r.id_number.clone(),
        questionnaire: Some(r.questionnaire.clone()),
        status: r.status.clone(),
        summary: r.summary.clone(),
        money: r.money,
        clerk: r.clerk.clone(),
        clerk_name: None,
        amends: r.amends.clone(),
        // the bureau's copy knows each office's own chain, not who corrected a case
        amended_by: None,
        results: serde_json::Map::new(),
    }
}

fn render(rows: &[Found], ctx: &Context, lang: Lang, csv: bool) -> Option<(String, Safe)> {
    let cat = ctx.catalogue()?;
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    if !csv {
        let mut ids: Vec<String> = rows.iter().map(|r| r.questionnaire.clone()).collect();
        ids.sort();
        ids.dedup();
        super::cases::warn_unknown(&ids, &cat, lang, false);
    }
    let cols = super::cases::summary_columns(
        rows.iter()
            .map(|r| (Some(r.questionnaire.as_str()), r.summary.as_slice())),
        &cat,
        lang,
    );
    let (facts, results): (Vec<_>, Vec<_>) =
        cols.iter().partition(|(k, _, _)| *k == SummaryKind::Fact);
    let mut header = vec![
        l("办公室", "office"),
        l("案件编号", "number"),
        l("面谈日期", "date"),
        l("申请人", "applicant"),
        l("身份证号码", "ID number"),
    ];
    header.extend(facts.iter().map(|(_, _, label)| label.clone()));
    header.push(l("结论", "status"));
    header.extend(results.iter().map(|(_, _, label)| label.clone()));
    header.extend([l("经办人", "clerk"), l("更正", "amends")]);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let q = cat.get(&r.questionnaire);
            let entry = |(kind, id, _): &&(SummaryKind, String, String)| {
                r.summary
                    .iter()
                    .find(|v| v.kind == *kind && &v.id == id)
                    .map(|v| {
                        if csv {
                            summary::code(&v.value)
                        } else {
                            summary::display(q, v.kind, &v.id, &v.value, lang)
                        }
                    })
                    .unwrap_or_default()
            };
            let status = match Status::parse(&r.status) {
                Some(st) if !csv => st.label(lang).to_string(),
                _ => r.status.clone(),
            };
            let mut c = vec![
                r.office.clone(),
                r.number.clone(),
                r.date.map(|d| d.to_string()).unwrap_or_default(),
                r.name.clone(),
                r.id_number.clone().unwrap_or_default(),
            ];
            c.extend(facts.iter().map(entry));
            c.push(status);
            c.extend(results.iter().map(entry));
            c.push(r.clerk.clone());
            c.push(r.amends.clone().unwrap_or_default());
            c
        })
        .collect();
    if csv {
        let mut out = String::from(export::BOM);
        out.push_str(&export::csv_line(&header));
        for c in &cells {
            out.push_str(&export::csv_line(c));
        }
        return Some((out, Safe::Done));
    }
    let mut out = super::cases::table(&header, &cells);
    if rows.is_empty() {
        out.push_str(&format!(
            "{}\n",
            l(
                "（服务器上没有符合的案件）",
                "(no case on the server matches)"
            )
        ));
    }
    Some((out, Safe::Text))
}
