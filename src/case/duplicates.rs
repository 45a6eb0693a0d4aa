//! The same applicant twice: before a case is signed, the earlier cases of the same person
//! in the same application year. One person is one ID number; without an ID number on
//! either side, the same name and birth date. Cases corrected by an amendment count once
//! (as the amendment), and signing an amendment is no second application.

use jiff::civil::Date;
use serde_json::Value as J;

use super::{SignOff, Store, StoreError};
use crate::eval::{self, Evaluation};
use crate::questionnaire::Questionnaire;
use crate::value::{Answers, Value};

/// The questionnaire's result that names the application year, when it defines one.
pub const APPLICATION_YEAR: &str = "application_year";
/// The fact that holds the applicant's birth date, when there is no ID number to compare.
pub const BIRTH_DATE: &str = "birth_date";

/// An earlier case of the same applicant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Earlier {
    pub number: String,
    /// Status code (`eligible`, ...).
    pub status: String,
    /// The case's summary results (the level, …) as codes, when it has any.
    pub level: Option<String>,
    /// OS user, and display name when known.
    pub clerk: String,
    pub clerk_name: Option<String>,
    pub interview_date: Option<Date>,
}

/// The application year of an evaluation: the questionnaire's `application_year` result
/// when it defines one and it is decided, else the interview date's year, else `today`'s.
pub fn application_year(q: &Questionnaire, ev: &Evaluation, today: Date) -> i64 {
    // a timeline result where the questionnaire has a schedule, else a result of its own
    if let Some(Value::Int(y)) = ev.value(q, APPLICATION_YEAR) {
        return y;
    }
    i64::from(ev.interview_date.unwrap_or(today).year())
}

/// Who is signing: name, ID number, birth date, as the case to be signed has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applicant<'a> {
    pub name: &'a str,
    pub id_number: Option<&'a str>,
    pub birth_date: Option<Date>,
}

fn same_id(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn id_birth_date(id: Option<&str>) -> Option<Date> {
    crate::idcard::parse(id?).ok().map(|i| i.birth_date)
}

/// Earlier cases of `who` in application year `year` under questionnaire `qid` (another
/// questionnaire's case is another kind of application), oldest first.
pub fn earlier_cases(
    store: &Store,
    who: &Applicant,
    year: i64,
    qid: &str,
) -> Result<Vec<Earlier>, StoreError> {
    let sq = |e| StoreError::sqlite(store.path(), e);
    let mut st = store
        .conn()
        .prepare(
            "SELECT number, interview_date, applicant_id, status, summary, clerk, clerk_name,
                results
             FROM case_index
             WHERE (applicant_id = ?1 COLLATE NOCASE OR applicant_name = ?2)
               AND questionnaire_id = ?3
               AND number NOT IN (SELECT amends FROM case_index WHERE amends IS NOT NULL)
             ORDER BY seq",
        )
        .map_err(sq)?;
    type Row = (
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = st
        .query_map(
            rusqlite::params![who.id_number.map(str::trim), who.name.trim(), qid],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .map_err(sq)?
        .collect::<Result<_, _>>()
        .map_err(sq)?;
    let my_birth = who.birth_date.or_else(|| id_birth_date(who.id_number));
    let mut out = Vec::new();
    for (number, date, id, status, summary, clerk, clerk_name, results) in rows {
        // the summary's results, as codes (the level, for Baise)
        let summary: Vec<super::summary::SummaryValue> =
            serde_json::from_str(summary.as_deref().unwrap_or("[]")).unwrap_or_default();
        let level = summary
            .iter()
            .filter(|v| v.kind == super::summary::SummaryKind::Result)
            .filter_map(|v| match &v.value {
                J::Null => None,
                J::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .reduce(|a, b| format!("{a} {b}"));
        let interview_date: Option<Date> = date.and_then(|d| d.parse().ok());
        let results: serde_json::Map<String, J> =
            serde_json::from_str(&results).unwrap_or_default();
        let their_year = results
            .get(APPLICATION_YEAR)
            .and_then(J::as_i64)
            .or_else(|| interview_date.map(|d| i64::from(d.year())));
        if their_year != Some(year) {
            continue;
        }
        let same = match (who.id_number, id.as_deref()) {
            // the ID numbers decide when both are known
            (Some(a), Some(b)) => same_id(a, b),
            // else the name (matched by the query) and the birth date
            (_, theirs) => {
                let their_birth = match id_birth_date(theirs) {
                    Some(d) => Some(d),
                    None => birth_date_on_record(store, &number)?,
                };
                my_birth.is_some() && their_birth == my_birth
            }
        };
        if same {
            out.push(Earlier {
                number,
                status,
                level,
                clerk,
                clerk_name,
                interview_date,
            });
        }
    }
    Ok(out)
}

/// The birth date a stored case records (its `birth_date` fact).
fn birth_date_on_record(store: &Store, number: &str) -> Result<Option<Date>, StoreError> {
    let rec = store.get_case(number)?;
    Ok(rec
        .facts
        .get(BIRTH_DATE)
        .and_then(J::as_str)
        .and_then(|s| s.parse().ok()))
}

/// Earlier cases of the applicant of a sign-off about to happen, in its application year.
/// An amendment is no second application: none.
pub fn for_sign_off(store: &Store, s: &SignOff) -> Result<Vec<Earlier>, StoreError> {
    if s.amends.is_some() {
        return Ok(Vec::new());
    }
    for_answers(
        store,
        s.questionnaire,
        &s.answers,
        &s.applicant_name,
        s.applicant_id.as_deref(),
        s.today,
    )
}

/// The same, from the answers and the applicant's name and ID number.
pub fn for_answers(
    store: &Store,
    q: &Questionnaire,
    answers: &Answers,
    name: &str,
    id_number: Option<&str>,
    today: Date,
) -> Result<Vec<Earlier>, StoreError> {
    let ev = eval::evaluate(q, answers, today);
    let birth_date = q
        .fact_index(BIRTH_DATE)
        .and_then(|i| ev.facts[usize::from(i)].value.known())
        .and_then(Value::as_date);
    let who = Applicant {
        name,
        id_number: id_number.map(str::trim).filter(|s| !s.is_empty()),
        birth_date,
    };
    earlier_cases(store, &who, application_year(q, &ev, today), &q.meta.id)
}

/// The earlier cases in one line each, for a message: number, verdict, level (labelled by
/// `q` when given), clerk.
pub fn describe(cases: &[Earlier], q: Option<&Questionnaire>, lang: crate::text::Lang) -> String {
    let label = |code: &str| -> String {
        q.and_then(|q| {
            q.results
                .iter()
                .find_map(|r| r.values.iter().find(|(k, _)| k == code).map(|(_, t)| t))
        })
        .map_or_else(|| code.to_string(), |t| t.get(lang).to_string())
    };
    cases
        .iter()
        .map(|c| {
            let status = crate::eval::Status::parse(&c.status)
                .map_or_else(|| c.status.clone(), |s| s.label(lang).to_string());
            let level = c
                .level
                .as_deref()
                .map(|l| {
                    let words: Vec<String> = l.split(' ').map(label).collect();
                    format!(" {}", words.join(" "))
                })
                .unwrap_or_default();
            format!(
                "{} {status}{level} {}",
                c.number,
                c.clerk_name.as_deref().unwrap_or(&c.clerk)
            )
        })
        .collect::<Vec<_>>()
        .join(lang.pick("；", "; "))
}

/// A case of the same applicant in another office, as the bureau's server reports it
/// (`crate::server::bureau::check` asks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elsewhere {
    /// The other office's code.
    pub office: String,
    pub number: String,
    pub status: String,
    /// The case's summary results (the level, …) as codes.
    pub level: Option<String>,
    pub interview_date: Option<Date>,
    /// The clerk's display name, else OS user.
    pub clerk: String,
}

/// What asking the bureau's server about the applicant found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bureau {
    /// No server is configured: a single office, nothing to ask.
    NotAsked,
    /// No ID number to ask by (the server is asked by its keyed hash only).
    NoIdNumber,
    /// The server answered: these cases in other offices (none is a real "none").
    Answered(Vec<Elsewhere>),
    /// The server could not be asked: why, and when it last answered. Never "no match".
    Unreachable {
        why: String,
        last_ok: Option<jiff::Timestamp>,
    },
}

impl Bureau {
    /// The cases found elsewhere (none unless the server answered with some).
    pub fn found(&self) -> &[Elsewhere] {
        match self {
            Bureau::Answered(v) => v,
            _ => &[],
        }
    }

    /// What to tell the clerk, or `None` when there is nothing to say (not asked, or the
    /// server answered with no case).
    pub fn message(&self, lang: crate::text::Lang) -> Option<String> {
        use crate::text::Lang;
        match self {
            Bureau::NotAsked => None,
            Bureau::Answered(v) if v.is_empty() => None,
            Bureau::Answered(v) => {
                let list = describe_elsewhere(v);
                Some(match lang {
                    Lang::Zh => format!("其他办公室在同一申报年度已有此申请人的案件：{list}"),
                    Lang::En => format!(
                        "another office already has a case of this applicant in the same application year: {list}"
                    ),
                })
            }
            Bureau::NoIdNumber => Some(
                lang.pick(
                    "没有身份证号码，未向全局服务器查询其他办公室的案件",
                    "no ID number: the bureau's server was not asked about other offices",
                )
                .to_string(),
            ),
            Bureau::Unreachable { why, last_ok } => {
                let when = last_ok.map(|t| {
                    t.to_zoned_datetime(jiff::tz::TimeZone::system())
                        .strftime("%Y-%m-%d %H:%M")
                        .to_string()
                });
                Some(match (lang, when) {
                    (Lang::Zh, Some(w)) => format!(
                        "无法查询全局服务器，其他办公室是否有此申请人的案件未知（上次连通：{w}）：{why}"
                    ),
                    (Lang::Zh, None) => format!(
                        "无法查询全局服务器，其他办公室是否有此申请人的案件未知（从未连通过）：{why}"
                    ),
                    (Lang::En, Some(w)) => format!(
                        "the bureau's server could not be asked, so whether another office has a case of this applicant is unknown (last reached {w}): {why}"
                    ),
                    (Lang::En, None) => format!(
                        "the bureau's server could not be asked, so whether another office has a case of this applicant is unknown (never reached): {why}"
                    ),
                })
            }
        }
    }
}

/// Cases in other offices in one line each: office, number, status, level, clerk.
pub fn describe_elsewhere(cases: &[Elsewhere]) -> String {
    cases
        .iter()
        .map(|c| {
            format!(
                "{} {} {}{} {}",
                c.office,
                c.number,
                c.status,
                c.level
                    .as_deref()
                    .map(|l| format!(" {l}"))
                    .unwrap_or_default(),
                c.clerk
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}
