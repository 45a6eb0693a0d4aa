//! The bureau's questions of the server: a search over every office's cases (`cases list
//! --bureau`), and the same applicant in another office at sign-off. Both go through
//! functions on the server that check who asks and log it; an ID number travels only as
//! its keyed hash ([`super::idhash`]).

use jiff::Timestamp;
use jiff::civil::Date;

use super::{IdKey, Server, ServerError};
use crate::case::duplicates::{Bureau, Elsewhere};
use crate::case::summary::SummaryValue;

/// What a search term is taken to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// A whole, valid ID number (searched by its keyed hash).
    Id(String),
    /// A case number or part of one.
    Number(String),
    /// A name or part of one.
    Name(String),
    /// Everything (the newest first).
    All,
}

/// Read a search term: a valid ID number, else a case number (it has digits), else a
/// name. Part of an ID number cannot be searched (the server keeps only hashes).
pub fn classify(term: Option<&str>) -> Result<Query, ServerError> {
    let Some(t) = term.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Query::All);
    };
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if crate::idcard::parse(&compact).is_ok() {
        return Ok(Query::Id(super::idhash::normalize(&compact)));
    }
    let id_like = compact.len() >= 6
        && compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    if id_like {
        return Err(ServerError::Other(format!(
            "“{t}” 不是完整有效的身份证号码：全局查询只能按完整号码查找（服务器只保存号码的密钥哈希）/ \"{t}\" is not a whole valid ID number: the bureau's search finds ID numbers only whole (the server keeps only their keyed hashes)"
        )));
    }
    if t.chars().any(|c| c.is_ascii_digit()) {
        return Ok(Query::Number(t.to_string()));
    }
    Ok(Query::Name(t.to_string()))
}

/// One case found on the server.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    pub office: String,
    pub number: String,
    pub signed_at: Timestamp,
    pub date: Option<Date>,
    /// Masked unless asked otherwise.
    pub name: String,
    pub id_number: Option<String>,
    pub questionnaire: String,
    pub status: String,
    pub summary: Vec<SummaryValue>,
    pub money: Option<i64>,
    pub clerk: String,
    pub amends: Option<String>,
}

fn date_of(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

/// Search every office's cases. `os_user` is who asks (for the server's log).
pub fn search(
    server: &mut Server,
    key: &IdKey,
    query: &Query,
    limit: i32,
    unmasked: bool,
    os_user: &str,
) -> Result<Vec<Found>, ServerError> {
    let (name, id_hash, id_shown, number): (
        Option<&str>,
        Option<String>,
        Option<String>,
        Option<&str>,
    ) = match query {
        Query::Id(id) => (
            None,
            Some(key.hash(id)),
            Some(crate::idcard::mask(id)),
            None,
        ),
        Query::Name(n) => (Some(n.as_str()), None, None, None),
        Query::Number(n) => (None, None, None, Some(n.as_str())),
        Query::All => (None, None, None, None),
    };
    let rows = server
        .client
        .query(
            "SELECT office, number, signed_at::text, interview_date::text, applicant_name,
                    id_number, questionnaire_id, status, summary::text, money, clerk,
                    clerk_name, amends
             FROM guantong.search($1, $2, $3, $4, $5, $6, $7)",
            &[
                &os_user, &name, &id_hash, &id_shown, &number, &limit, &unmasked,
            ],
        )
        .map_err(|e| server.pg(e))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let signed: String = r.get(2);
        let summary: String = r.get(8);
        let clerk: String = r.get(10);
        let clerk_name: Option<String> = r.get(11);
        out.push(Found {
            office: r.get(0),
            number: r.get(1),
            signed_at: parse_pg_timestamp(&signed).unwrap_or_default(),
            date: date_of(r.get(3)),
            name: r.get(4),
            id_number: r.get(5),
            questionnaire: r.get(6),
            status: r.get(7),
            summary: serde_json::from_str(&summary).unwrap_or_default(),
            money: r.get(9),
            clerk: clerk_name.unwrap_or(clerk),
            amends: r.get(12),
        });
    }
    Ok(out)
}

/// PostgreSQL's text form of a timestamptz (`2026-06-15 01:02:03.123+00`).
fn parse_pg_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.replacen(' ', "T", 1);
    // `+00` → `+00:00`
    let s = match s.rfind(['+', '-']) {
        Some(i) if s.len() - i == 3 => format!("{s}:00"),
        _ => s,
    };
    s.parse().ok()
}

/// The same applicant (by ID number) in another office than `own_office`, in application
/// year `year`, under questionnaire `questionnaire` (its id).
pub fn same_applicant(
    server: &mut Server,
    key: &IdKey,
    id_number: &str,
    year: i64,
    questionnaire: &str,
    own_office: Option<&str>,
    os_user: &str,
) -> Result<Vec<Elsewhere>, ServerError> {
    let year = i32::try_from(year).unwrap_or_default();
    let rows = server
        .client
        .query(
            "SELECT office, number, status, summary_results, interview_date::text, clerk,
                    clerk_name
             FROM guantong.same_applicant($1, $2, $3, $4)",
            &[&key.hash(id_number), &year, &questionnaire, &os_user],
        )
        .map_err(|e| server.pg(e))?;
    Ok(rows
        .iter()
        .filter(|r| own_office != Some(r.get::<_, String>(0).as_str()))
        .map(|r| {
            let clerk: String = r.get(5);
            let clerk_name: Option<String> = r.get(6);
            let level: String = r.get(3);
            Elsewhere {
                office: r.get(0),
                number: r.get(1),
                status: r.get(2),
                level: Some(level).filter(|l| !l.trim().is_empty()),
                interview_date: date_of(r.get(4)),
                clerk: clerk_name.unwrap_or(clerk),
            }
        })
        .collect())
}

/// Everything the sign-off check needs to ask the server.
#[derive(Clone, Debug)]
pub struct Asker {
    pub url: super::ServerUrl,
    pub key: IdKey,
    pub os_user: String,
    /// How long to wait for the link (a clerk is waiting).
    pub timeout: std::time::Duration,
}

/// Ask the server about the applicant with `id_number` in `year` under questionnaire
/// `questionnaire`, for the store `store` (whose office's own cases are left out: the
/// local check finds them). Never "no match" when the server could not be asked:
/// [`Bureau::Unreachable`] says why and when it last answered.
pub fn check(
    asker: &Asker,
    store: &crate::case::Store,
    id_number: Option<&str>,
    year: i64,
    questionnaire: &str,
) -> Bureau {
    let Some(id) = id_number.map(str::trim).filter(|s| !s.is_empty()) else {
        return Bureau::NoIdNumber;
    };
    let own = store.recorded_office().ok().flatten();
    let asked = super::Server::connect_within(&asker.url, asker.timeout).and_then(|mut s| {
        same_applicant(
            &mut s,
            &asker.key,
            id,
            year,
            questionnaire,
            own.as_deref(),
            &asker.os_user,
        )
    });
    match asked {
        Ok(found) => {
            let _ = super::contact::record_ok(store, Timestamp::now());
            Bureau::Answered(found)
        }
        Err(e) => Bureau::Unreachable {
            why: e.to_string(),
            last_ok: super::contact::last_ok(store).ok().flatten(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms() {
        assert_eq!(classify(None).unwrap(), Query::All);
        assert_eq!(
            classify(Some(" 11010519491231002x ")).unwrap(),
            Query::Id("11010519491231002X".into())
        );
        assert_eq!(classify(Some("张三")).unwrap(), Query::Name("张三".into()));
        assert_eq!(
            classify(Some("BS-451002-2026-000001")).unwrap(),
            Query::Number("BS-451002-2026-000001".into())
        );
        let e = classify(Some("4510021990")).unwrap_err().to_string();
        assert!(e.contains("whole"), "{e}");
        assert_eq!(
            parse_pg_timestamp("2026-06-15 01:02:03.5+00"),
            "2026-06-15T01:02:03.5Z".parse().ok()
        );
    }
}
