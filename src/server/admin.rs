//! The administrator's side: create the schema, register an office (its role may then
//! push that office's records) or a bureau role (it may then search and report). Run as
//! the database role that is to own the schema.

use super::schema::{self, ident};
use super::{IdKey, Server, ServerError};
use crate::case::OfficeCode;

/// What `init` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Init {
    Created,
    AlreadyThere,
}

/// Create the schema (in one transaction) and record the ID-hash key's fingerprint. A
/// schema already at this version is left as it is (with the same key; another key is
/// refused, since every hash on the server was made with the first).
pub fn init(server: &mut Server, key: &IdKey) -> Result<Init, ServerError> {
    let found = server.schema_version()?;
    if found == schema::SERVER_SCHEMA_VERSION {
        let fp = server.id_key_fingerprint()?;
        if fp.as_deref() != Some(key.fingerprint().as_str()) {
            return Err(ServerError::IdKey {
                path: key.path.display().to_string(),
                zh: format!(
                    "服务器上已登记的密钥指纹为 {}，此密钥为 {}；服务器上的哈希都是用原密钥算的",
                    fp.as_deref().unwrap_or("—"),
                    key.fingerprint()
                ),
                en: format!(
                    "the server holds the fingerprint {}, this key's is {}; every hash on the server was made with that key",
                    fp.as_deref().unwrap_or("—"),
                    key.fingerprint()
                ),
            });
        }
        return Ok(Init::AlreadyThere);
    }
    if found != 0 {
        return Err(ServerError::Schema {
            at: server.at(),
            found,
            supported: schema::SERVER_SCHEMA_VERSION,
        });
    }
    let at = server.at();
    let mut tx = server
        .client
        .transaction()
        .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.batch_execute(schema::CREATE)
        .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.execute(
        "INSERT INTO guantong.meta (key, value) VALUES ('schema_version', $1), ('id_key', $2)",
        &[
            &schema::SERVER_SCHEMA_VERSION.to_string(),
            &key.fingerprint(),
        ],
    )
    .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.commit().map_err(|e| ServerError::from_pg(&at, e))?;
    Ok(Init::Created)
}

/// Role names we accept: what `createuser` makes without quoting surprises.
fn check_role(role: &str) -> Result<(), ServerError> {
    let ok = !role.is_empty()
        && role.len() <= 63
        && role
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && role
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ServerError::Other(format!(
            "角色名 “{role}” 无效：应为小写字母、数字和下划线，以字母或下划线开头，至多 63 个字符 / role name \"{role}\" is not valid: lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters"
        )))
    }
}

/// The default role name of an office: `gt_451002`, `gt_451002_2`.
pub fn default_role(office: &OfficeCode) -> String {
    format!("gt_{}", office.as_str().replace('-', "_"))
}

/// Does the role exist? Create it (LOGIN, no password: the administrator sets one) when
/// not. Returns true when it was created.
fn ensure_role(server: &mut Server, role: &str) -> Result<bool, ServerError> {
    let exists = server
        .client
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
        .map_err(|e| server.pg(e))?
        .is_some();
    if exists {
        return Ok(false);
    }
    server
        .client
        .batch_execute(&format!("CREATE ROLE {} LOGIN", ident(role)))
        .map_err(|e| match server.pg(e) {
            ServerError::Refused(m) => ServerError::Refused(format!(
                "{m}；请先建立角色：createuser {role} / create the role first: createuser {role}"
            )),
            other => other,
        })?;
    Ok(true)
}

/// Register `office` with the role that will push its records (created when missing) and
/// grant that role what an office may do. A registered office code is refused.
pub fn add_office(
    server: &mut Server,
    office: &OfficeCode,
    role: &str,
) -> Result<bool, ServerError> {
    check_role(role)?;
    let taken = server
        .client
        .query_opt(
            "SELECT role FROM guantong.offices WHERE office = $1 OR role = $2",
            &[&office.as_str(), &role],
        )
        .map_err(|e| server.pg(e))?;
    if let Some(r) = taken {
        let by: String = r.get(0);
        return Err(ServerError::Refused(format!(
            "办公室 {office} 或角色 {role} 已登记（角色 {by}）/ office {office} or role {role} is already registered (role {by})"
        )));
    }
    let created = ensure_role(server, role)?;
    let at = server.at();
    let mut tx = server
        .client
        .transaction()
        .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.execute(
        "INSERT INTO guantong.offices (office, role) VALUES ($1, $2)",
        &[&office.as_str(), &role],
    )
    .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.batch_execute(&schema::GRANT_OFFICE.replace("{role}", &ident(role)))
        .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.commit().map_err(|e| ServerError::from_pg(&at, e))?;
    Ok(created)
}

/// Let `role` search every office's cases and see the bureau's report (created when
/// missing).
pub fn add_bureau(server: &mut Server, role: &str) -> Result<bool, ServerError> {
    check_role(role)?;
    let created = ensure_role(server, role)?;
    let at = server.at();
    let mut tx = server
        .client
        .transaction()
        .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.execute(
        "INSERT INTO guantong.bureau_roles (role) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&role],
    )
    .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.batch_execute(&schema::GRANT_BUREAU.replace("{role}", &ident(role)))
        .map_err(|e| ServerError::from_pg(&at, e))?;
    tx.commit().map_err(|e| ServerError::from_pg(&at, e))?;
    Ok(created)
}

/// A registered office: code, role, its store's origin once claimed, records held.
pub type OfficeRow = (String, String, Option<String>, i64);

/// The registered offices.
pub fn offices(server: &mut Server) -> Result<Vec<OfficeRow>, ServerError> {
    let rows = server
        .client
        .query(
            "SELECT o.office, o.role::text, o.origin,
                    (SELECT count(*) FROM guantong.records r WHERE r.origin = o.origin)
             FROM guantong.offices o ORDER BY o.office",
            &[],
        )
        .map_err(|e| server.pg(e))?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names() {
        for ok in ["gt_451002", "_x", "bureau1"] {
            assert!(check_role(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Gt", "1a", "a-b", "a\"b", &"a".repeat(64)] {
            assert!(check_role(bad).is_err(), "{bad}");
        }
        let o = OfficeCode::parse("451002-2").unwrap();
        assert_eq!(default_role(&o), "gt_451002_2");
    }
}
