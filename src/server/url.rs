//! Where the bureau's server is: a PostgreSQL connection URL
//! (`postgresql://gt_451002@db.bureau.example:5432/guantong?sslmode=verify-full`), read as
//! libpq reads it, with three rules of our own:
//!
//! - a password in the URL is refused (passwords live in `~/.pgpass`, see [`super::pgpass`]);
//! - over TCP, `sslmode` defaults to `verify-full` (libpq's default, `prefer`, silently falls
//!   back to an unencrypted link, so `prefer` and `allow` are refused outright);
//! - the user defaults to the OS user and, without a host, the local socket directory.
//!
//! `sslmode` and `sslrootcert` are taken out of the URL here and applied by
//! [`super::tls`], since the driver itself knows only `disable`, `prefer` and `require`.

use std::path::PathBuf;
use std::time::Duration;

use postgres::config::{Host, SslMode as PgSslMode};

use super::ServerError;

/// Environment variable giving the server URL (before `server` in config.toml).
pub const SERVER_ENV: &str = "GUANTONG_SERVER";

/// The local socket directory libpq uses on Debian when no host is given.
const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// How the link to the server is protected (libpq's `sslmode`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS (a Unix socket, or a link the operator trusts).
    Disable,
    /// TLS, the certificate not checked.
    Require,
    /// TLS, the certificate checked against the root certificates, not the host name.
    VerifyCa,
    /// TLS, the certificate checked against the roots and the host name.
    VerifyFull,
}

impl SslMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A server URL, checked, ready to connect with.
#[derive(Clone)]
pub struct ServerUrl {
    pub(crate) config: postgres::Config,
    pub ssl: SslMode,
    /// `sslrootcert`: a PEM file, or `system` for the operating system's store. `None`:
    /// libpq's default, `~/.postgresql/root.crt`.
    pub root_cert: Option<String>,
    /// The URL as given (it holds no password).
    shown: String,
}

impl std::fmt::Debug for ServerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerUrl")
            .field("url", &self.shown)
            .field("ssl", &self.ssl)
            .finish()
    }
}

impl std::fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// `url` with any password in it replaced by `…`: a refused URL is named, never repeated
/// with its secret (messages end up in logs and cron mail).
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    if let Some((scheme, rest)) = url.split_once("://") {
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..auth_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            out = format!("{scheme}://{}:…{}", &rest[..colon], &rest[at..]);
        }
    }
    if let Some(i) = out.find("password=") {
        let end = out[i..].find('&').map_or(out.len(), |e| i + e);
        out.replace_range(i..end, "password=…");
    }
    out
}

fn bad(url: &str, zh: &str, en: &str) -> ServerError {
    ServerError::Url {
        url: redact(url),
        zh: zh.to_string(),
        en: en.to_string(),
    }
}

/// Decode `%XX` escapes (a value in a URL's query).
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl ServerUrl {
    /// Parse and check `url`. `os_user` is the user name used when the URL names none.
    pub fn parse(url: &str, os_user: &str) -> Result<ServerUrl, ServerError> {
        let url = url.trim();
        let Some(rest) = url
            .strip_prefix("postgresql://")
            .or_else(|| url.strip_prefix("postgres://"))
        else {
            return Err(bad(
                url,
                "应以 postgresql:// 开头，如 postgresql://gt_451002@db.example/guantong?sslmode=verify-full",
                "expected a URL starting postgresql://, e.g. postgresql://gt_451002@db.example/guantong?sslmode=verify-full",
            ));
        };
        let (base, query) = match rest.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (rest, None),
        };
        // the authority part: a password is `user:password@`
        let authority = base.split('/').next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && userinfo.contains(':')
        {
            return Err(bad(
                url,
                "URL 中不得含有密码；请把密码写入 ~/.pgpass（权限 600）",
                "the URL must not hold a password: put it in ~/.pgpass (mode 600)",
            ));
        }
        let mut ssl: Option<SslMode> = None;
        let mut root_cert = None;
        let mut kept: Vec<&str> = Vec::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(v).ok_or_else(|| {
                bad(
                    url,
                    &format!("参数 {k} 的值不是有效的 URL 编码"),
                    &format!("the value of {k} is not valid URL encoding"),
                )
            })?;
            match k {
                "password" => {
                    return Err(bad(
                        url,
                        "URL 中不得含有密码；请把密码写入 ~/.pgpass（权限 600）",
                        "the URL must not hold a password: put it in ~/.pgpass (mode 600)",
                    ));
                }
                "sslmode" => {
                    ssl = Some(match value.as_str() {
                        "disable" => SslMode::Disable,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        "prefer" | "allow" => {
                            return Err(bad(
                                url,
                                &format!(
                                    "sslmode={value} 可能退回未加密的连接；请用 verify-full（推荐）、verify-ca、require 或 disable"
                                ),
                                &format!(
                                    "sslmode={value} may fall back to an unencrypted link: use verify-full (recommended), verify-ca, require or disable"
                                ),
                            ));
                        }
                        other => {
                            return Err(bad(
                                url,
                                &format!(
                                    "sslmode={other} 无效，可取 verify-full、verify-ca、require、disable"
                                ),
                                &format!(
                                    "sslmode={other} is not known; expected verify-full, verify-ca, require or disable"
                                ),
                            ));
                        }
                    })
                }
                "sslrootcert" => root_cert = Some(value),
                "sslcert" | "sslkey" | "sslpassword" | "sslcrl" => {
                    return Err(bad(
                        url,
                        &format!("不支持参数 {k}（客户端证书）；请用 ~/.pgpass 中的密码登录"),
                        &format!(
                            "{k} (client certificates) is not supported: log in with a password from ~/.pgpass"
                        ),
                    ));
                }
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            format!("postgresql://{base}")
        } else {
            format!("postgresql://{base}?{}", kept.join("&"))
        };
        let mut config: postgres::Config = rebuilt.parse().map_err(|e: postgres::Error| {
            bad(
                url,
                &format!("无法解析：{e}"),
                &format!("cannot be read: {e}"),
            )
        })?;
        if config.get_password().is_some() {
            return Err(bad(
                url,
                "URL 中不得含有密码；请把密码写入 ~/.pgpass（权限 600）",
                "the URL must not hold a password: put it in ~/.pgpass (mode 600)",
            ));
        }
        if config.get_hosts().is_empty() {
            config.host_path(DEFAULT_SOCKET_DIR);
        }
        if config.get_user().is_none() {
            config.user(os_user);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("guantong");
        let over_tcp = config.get_hosts().iter().any(|h| matches!(h, Host::Tcp(_)));
        // A socket is local: TLS does not apply to it (the driver would not use it).
        let ssl = match (ssl, over_tcp) {
            (Some(s), true) => s,
            (None, true) => SslMode::VerifyFull,
            (_, false) => SslMode::Disable,
        };
        config.ssl_mode(match ssl {
            SslMode::Disable => PgSslMode::Disable,
            _ => PgSslMode::Require,
        });
        Ok(ServerUrl {
            config,
            ssl,
            root_cert,
            shown: url.to_string(),
        })
    }

    /// The user name the server is asked to log in.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }

    /// The database name (libpq's default: the user name).
    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or_else(|| self.user())
    }

    /// The first host as `~/.pgpass` matches it (`localhost` for a socket, as libpq does),
    /// and the port.
    pub fn pgpass_host_port(&self) -> (String, u16) {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            _ => "localhost".to_string(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        (host, port)
    }

    /// The socket directory or host name and port, for messages.
    pub fn where_(&self) -> String {
        let (h, p) = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => (h.clone(), self.config.get_ports().first().copied()),
            Some(Host::Unix(p)) => (p.display().to_string(), None),
            None => (String::new(), None),
        };
        match p {
            Some(p) => format!("{h}:{p}"),
            None => h,
        }
    }

    /// Wait at most `d` for the connection (the sign-off check must not keep the clerk).
    pub fn set_connect_timeout(&mut self, d: Duration) {
        self.config.connect_timeout(d);
    }

    /// The root certificate file libpq would use when `sslrootcert` is not given.
    pub fn default_root_cert() -> Option<PathBuf> {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql/root.crt"))
    }
}

/// The server URL to use: `--server`, else `GUANTONG_SERVER`, else config's `server`.
/// `None` when none of them gives one.
pub fn resolve(
    flag: Option<&str>,
    env: Option<String>,
    config: Option<&str>,
) -> Option<(String, &'static str)> {
    if let Some(f) = flag.map(str::trim).filter(|s| !s.is_empty()) {
        return Some((f.to_string(), "--server"));
    }
    if let Some(e) = env.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        return Some((e, SERVER_ENV));
    }
    config
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|c| (c.to_string(), "config.toml server"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_refused_wherever_they_are() {
        for u in [
            "postgresql://gt:secret@db.example/guantong",
            "postgresql://db.example/guantong?password=secret",
            "postgres://gt:@db.example/guantong",
        ] {
            let e = ServerUrl::parse(u, "me").unwrap_err().to_string();
            assert!(e.contains("pgpass"), "{u}: {e}");
        }
    }

    #[test]
    fn a_refused_url_is_named_without_its_password() {
        for u in [
            "postgresql://gt:s3cr3t@db.example/guantong",
            "postgresql://db.example/guantong?sslmode=verify-full&password=s3cr3t",
            "postgresql://db.example/guantong?password=s3cr3t&sslmode=verify-full",
        ] {
            let e = ServerUrl::parse(u, "me").unwrap_err().to_string();
            assert!(!e.contains("s3cr3t"), "{e}");
            assert!(e.contains("db.example/guantong"), "{e}");
        }
        assert_eq!(
            redact("postgresql://gt:pw@db/g?x=1"),
            "postgresql://gt:…@db/g?x=1"
        );
        assert_eq!(redact("postgresql://gt@db/g"), "postgresql://gt@db/g");
    }

    #[test]
    fn tcp_defaults_to_verify_full_and_sockets_to_no_tls() {
        let u = ServerUrl::parse("postgresql://gt@db.example/guantong", "me").unwrap();
        assert_eq!(u.ssl, SslMode::VerifyFull);
        assert_eq!(u.user(), "gt");
        assert_eq!(u.dbname(), "guantong");
        assert_eq!(u.pgpass_host_port(), ("db.example".to_string(), 5432));
        let u = ServerUrl::parse("postgresql:///guantong?host=/tmp/pg&port=5433", "me").unwrap();
        assert_eq!(u.ssl, SslMode::Disable);
        assert_eq!(u.user(), "me");
        assert_eq!(u.pgpass_host_port(), ("localhost".to_string(), 5433));
        let u = ServerUrl::parse(
            "postgresql://gt@db.example:6432/g?sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem",
            "me",
        )
        .unwrap();
        assert_eq!(u.ssl, SslMode::VerifyCa);
        assert_eq!(u.root_cert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(u.where_(), "db.example:6432");
    }

    #[test]
    fn unsafe_or_unknown_modes_are_refused() {
        for (u, word) in [
            ("postgresql://db/g?sslmode=prefer", "prefer"),
            ("postgresql://db/g?sslmode=allow", "allow"),
            ("postgresql://db/g?sslmode=strict", "strict"),
            ("postgresql://db/g?sslcert=/x", "sslcert"),
            ("mysql://db/g", "postgresql://"),
            ("postgresql://db/g?nonsense=1", "nonsense"),
        ] {
            let e = ServerUrl::parse(u, "me").unwrap_err().to_string();
            assert!(e.contains(word), "{u}: {e}");
        }
    }

    #[test]
    fn the_flag_wins_then_the_environment_then_config() {
        assert_eq!(
            resolve(Some("a"), Some("b".into()), Some("c")),
            Some(("a".into(), "--server"))
        );
        assert_eq!(
            resolve(None, Some(" ".into()), Some("c")),
            Some(("c".into(), "config.toml server"))
        );
        assert_eq!(
            resolve(None, Some("b".into()), None),
            Some(("b".into(), SERVER_ENV))
        );
        assert_eq!(resolve(None, None, None), None);
    }
}
