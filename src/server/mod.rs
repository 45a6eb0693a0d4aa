//! The bureau's server: every office's signed records in one PostgreSQL database, so the
//! bureau can search all of them, check an applicant across offices and report on the
//! month, while each office keeps (and signs into) its own SQLite store.
//!
//! - `url`, `pgpass`, `tls`: where the server is and how to reach it (libpq's rules for
//!   the password file and `sslmode`).
//! - `schema`, `admin`: the schema `guantong server init` creates, the office and bureau
//!   roles.
//! - `log`: the server side of the case log ([`crate::case::CaseLog`] for reading one
//!   origin's chain, [`crate::case::log::CaseLogAppend`] for pushing to it).
//! - `sync`: pushing a store's new records; `verify`: comparing a store with the server.
//! - `idhash`: the keyed hash of ID numbers; `bureau`: search and the cross-office
//!   same-applicant check; `report`: the monthly report.
//! - `contact`: when the server was last reached (said when it cannot be).
//!
//! The client is the synchronous `postgres` crate (rust-postgres) with rustls: the program
//! is synchronous and a sync is a few statements per batch, so an async stack would buy
//! nothing; rustls keeps the binary free of a system OpenSSL.

pub mod admin;
pub mod bureau;
pub mod contact;
pub mod error;
pub mod idhash;
pub mod log;
pub mod pgpass;
pub mod report;
pub mod schema;
pub mod sync;
pub mod tls;
pub mod url;
pub mod verify;

pub use error::ServerError;
pub use idhash::IdKey;
pub use url::ServerUrl;

use std::time::Duration;

use postgres::{Client, NoTls};

/// An open connection to the bureau's server.
pub struct Server {
    pub(crate) client: Client,
    url: ServerUrl,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("url", &self.url).finish()
    }
}

impl Server {
    /// Connect (password from `~/.pgpass`), without looking at the schema.
    pub fn connect_raw(url: &ServerUrl) -> Result<Server, ServerError> {
        let mut config = url.config.clone();
        let (host, port) = url.pgpass_host_port();
        if let Some(file) = pgpass::path() {
            match pgpass::lookup_at(&file, &host, port, url.dbname(), url.user()) {
                pgpass::Lookup::Found(p) => {
                    config.password(p);
                }
                pgpass::Lookup::Unsafe(p) => {
                    crate::cli::warn_line(format_args!(
                        "guantong: {}：其他用户可读，未使用（请 chmod 600）/ {}: readable by others, not used (chmod 600 it)",
                        p.display(),
                        p.display()
                    ));
                }
                pgpass::Lookup::None => {}
            }
        }
        let at = url.where_();
        let client = match tls::client_config(url)? {
            None => config.connect(NoTls),
            Some(c) => config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(c)),
        }
        .map_err(|e| ServerError::from_pg(&at, e))?;
        Ok(Server {
            client,
            url: url.clone(),
        })
    }

    /// Connect and check that the schema is there, at this program's version.
    pub fn connect(url: &ServerUrl) -> Result<Server, ServerError> {
        let mut s = Server::connect_raw(url)?;
        let found = s.schema_version()?;
        if found != schema::SERVER_SCHEMA_VERSION {
            return Err(ServerError::Schema {
                at: s.at(),
                found,
                supported: schema::SERVER_SCHEMA_VERSION,
            });
        }
        Ok(s)
    }

    /// Connect, waiting at most `timeout` for the link.
    pub fn connect_within(url: &ServerUrl, timeout: Duration) -> Result<Server, ServerError> {
        let mut u = url.clone();
        u.set_connect_timeout(timeout);
        Server::connect(&u)
    }

    /// Where the server is, for messages.
    pub fn at(&self) -> String {
        self.url.where_()
    }

    pub fn url(&self) -> &ServerUrl {
        &self.url
    }

    pub(crate) fn pg(&self, e: postgres::Error) -> ServerError {
        ServerError::from_pg(&self.at(), e)
    }

    /// The schema's version (0 when there is none).
    pub fn schema_version(&mut self) -> Result<i64, ServerError> {
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('guantong.meta') IS NOT NULL", &[])
            .map_err(|e| ServerError::from_pg(&self.url.where_(), e))?
            .get(0);
        if !exists {
            return Ok(0);
        }
        let row = self
            .client
            .query_opt(
                "SELECT value FROM guantong.meta WHERE key = 'schema_version'",
                &[],
            )
            .map_err(|e| ServerError::from_pg(&self.url.where_(), e))?;
        Ok(row
            .and_then(|r| r.get::<_, String>(0).parse().ok())
            .unwrap_or(0))
    }

    /// The fingerprint of the bureau's ID-hash key, as `server init` recorded it.
    pub fn id_key_fingerprint(&mut self) -> Result<Option<String>, ServerError> {
        let row = self
            .client
            .query_opt("SELECT value FROM guantong.meta WHERE key = 'id_key'", &[])
            .map_err(|e| self.pg(e))?;
        Ok(row.map(|r| r.get(0)))
    }
}
