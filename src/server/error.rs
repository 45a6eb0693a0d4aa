//! What can go wrong talking to the bureau's server: each message names the URL, the case
//! or the file it is about, Chinese first.

use crate::case::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "未指定服务器：请用 --server URL、环境变量 GUANTONG_SERVER 或 config.toml 中的 server / no server given: use --server URL, GUANTONG_SERVER or `server` in config.toml"
    )]
    NoServer,
    #[error("服务器地址 {url}：{zh} / server URL {url}: {en}")]
    Url { url: String, zh: String, en: String },
    /// The server could not be reached, or the link dropped.
    #[error("无法连接服务器 {at}：{detail}{zh} / cannot reach the server {at}: {detail}{en}")]
    Unreachable {
        at: String,
        detail: String,
        zh: String,
        en: String,
    },
    /// The server refused what was asked (a trigger, a privilege, a registration).
    #[error("服务器拒绝 / the server refused: {0}")]
    Refused(String),
    #[error(
        "服务器 {at} 上没有 guantong 数据库结构（或版本 {found} 与本程序的 {supported} 不符）：请管理员运行 guantong server init / the server {at} has no guantong schema (or version {found}, this program's is {supported}): the administrator runs guantong server init"
    )]
    Schema {
        at: String,
        found: i64,
        supported: i64,
    },
    /// The local chain disagrees with what the server holds.
    #[error("案件 {number}：{zh}，未同步 / case {number}: {en}; nothing was pushed")]
    Disagree {
        number: String,
        zh: String,
        en: String,
    },
    /// A local record fails its own checks before it is pushed.
    #[error(
        "案件 {number} 未通过核验（{detail}），未推送；请运行 guantong cases verify / case {number} fails verification ({detail}) and was not pushed: run guantong cases verify"
    )]
    Broken { number: String, detail: String },
    #[error("身份证号哈希密钥 {path}：{zh} / ID-hash key {path}: {en}")]
    IdKey {
        path: String,
        zh: String,
        en: String,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

impl ServerError {
    /// True when the server could not be reached (as opposed to refusing).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ServerError::Unreachable { .. })
    }

    /// True when the mistake is the user's: a bad URL, key or argument (exit 2).
    pub fn is_user_error(&self) -> bool {
        match self {
            ServerError::NoServer | ServerError::Url { .. } | ServerError::IdKey { .. } => true,
            ServerError::Store(e) => e.is_user_error(),
            _ => false,
        }
    }

    /// Classify a driver error: the server's own message when it answered, else the link.
    pub fn from_pg(at: &str, e: postgres::Error) -> ServerError {
        if let Some(db) = e.as_db_error() {
            let mut msg = db.message().to_string();
            if let Some(d) = db.detail() {
                msg.push_str(&format!(" ({d})"));
            }
            use postgres::error::SqlState as S;
            let code = db.code();
            if *code == S::INVALID_PASSWORD || *code == S::INVALID_AUTHORIZATION_SPECIFICATION {
                return ServerError::Unreachable {
                    at: at.to_string(),
                    detail: msg,
                    zh: "；密码写在 ~/.pgpass（权限 600）：主机:端口:数据库:用户:密码".into(),
                    en: "; the password goes in ~/.pgpass (mode 600): host:port:database:user:password".into(),
                };
            }
            if *code == S::ADMIN_SHUTDOWN
                || *code == S::CRASH_SHUTDOWN
                || *code == S::CANNOT_CONNECT_NOW
                || *code == S::CONNECTION_FAILURE
            {
                return ServerError::Unreachable {
                    at: at.to_string(),
                    detail: msg,
                    zh: String::new(),
                    en: String::new(),
                };
            }
            return ServerError::Refused(msg);
        }
        let text = e.to_string();
        let hint = if text.contains("password missing") {
            (
                "；服务器要求密码：请在 ~/.pgpass（权限 600）中写一行 主机:端口:数据库:用户:密码",
                "; the server asks for a password: add host:port:database:user:password to ~/.pgpass (mode 600)",
            )
        } else {
            ("", "")
        };
        let detail = match std::error::Error::source(&e) {
            Some(s) => format!("{text}: {s}"),
            None => text,
        };
        ServerError::Unreachable {
            at: at.to_string(),
            detail,
            zh: hint.0.into(),
            en: hint.1.into(),
        }
    }
}

impl From<ServerError> for StoreError {
    fn from(e: ServerError) -> StoreError {
        match e {
            ServerError::Store(s) => s,
            other => StoreError::Server(other.to_string()),
        }
    }
}
