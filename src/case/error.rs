//! Store errors: each message names the file, case or draft it is about, Chinese first.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: 无法访问 / cannot access: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: 不是 guantong 案件库，未作任何改动 / not a guantong case store; nothing was changed"
    )]
    Foreign { path: PathBuf },
    #[error(
        "{path}: 案件库版本 {found} 比本程序支持的 {supported} 新，请升级 guantong；未作任何改动 / the store's schema version {found} is newer than this program's {supported}: upgrade guantong; nothing was changed"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path}: 案件库文件已损坏 / the store file is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path}: 磁盘已满，本次保存未完成，已保存的内容未受影响 / disk full: this save did not happen; what was saved before is intact"
    )]
    Full { path: PathBuf },
    #[error("{path}: 案件库为只读，无法保存 / the store is read-only: cannot save")]
    ReadOnly { path: PathBuf },
    #[error(
        "{path}: 无法打开案件库或在其目录中建立日志文件（目录只读？权限不足？）/ cannot open the store or create its journal files beside it (read-only directory? permissions?): {detail}"
    )]
    CannotOpen { path: PathBuf, detail: String },
    #[error(
        "{path}: 另一个 guantong 进程已占用案件库锁 {seconds} 秒（正在打开或升级案件库），放弃等待；请稍后再试，或检查是否有卡住的 guantong 进程 / another guantong process has held the store's lock for {seconds} s (opening or migrating the store); gave up waiting: try again later, or look for a guantong process that hangs"
    )]
    LockTimeout { path: PathBuf, seconds: f64 },
    #[error("没有编号为 {0} 的案件 / no case numbered {0}")]
    NotFound(String),
    #[error("没有编号为 {0} 的草稿 / no draft with id {0}")]
    DraftNotFound(String),
    #[error("{path}: 签名密钥 / signing key: {detail}")]
    Key { path: PathBuf, detail: String },
    #[error(
        "{path}: 签名密钥不见了（此前有过：{traces}），未签发，也没有另建新密钥。请从备份恢复该文件；确已丢失时执行 guantong cases new-key 另建新密钥（旧公钥仍算本人的），并把新公钥交管理员登记 / the signing key is missing (there was one: {traces}); nothing was signed and no new key was made silently. Restore the file from backup; if it is lost for good, run `guantong cases new-key` to make a new one (the old public key stays yours) and give the new public key to the administrator to pin"
    )]
    KeyMissing { path: PathBuf, traces: String },
    #[error("{0}")]
    Invalid(String),
    #[error(
        "{path}: 未设置办公室代码，无法签发：请在 config.toml 中写 office_code = \"…\" 或设置环境变量 GUANTONG_OFFICE{} / no office code, so nothing can be signed: set office_code in config.toml or GUANTONG_OFFICE{}",
        recorded.as_ref().map_or(String::new(), |r| format!("（本案件库为 {r}）")),
        recorded.as_ref().map_or(String::new(), |r| format!(" (this store's is {r})"))
    )]
    NoOffice {
        path: PathBuf,
        recorded: Option<String>,
    },
    #[error(
        "{path}: 办公室代码 {configured} 与本案件库首次签发时登记的 {recorded} 不符，未签发；请改正配置 / office code {configured} differs from {recorded}, the code this store was first signed under; nothing was signed: correct the configuration"
    )]
    OfficeMismatch {
        path: PathBuf,
        configured: String,
        recorded: String,
    },
    /// The bureau's server, read or written through the case-log interface.
    #[error("{0}")]
    Server(String),
    #[error("{path}: SQLite: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Classify an SQLite error for `path`: disk full, read-only and damaged files get
    /// their own messages.
    pub(crate) fn sqlite(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode as C;
        let path = path.to_path_buf();
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            match f.code {
                C::DiskFull => return StoreError::Full { path },
                C::ReadOnly => return StoreError::ReadOnly { path },
                C::NotADatabase => return StoreError::Foreign { path },
                C::DatabaseCorrupt => {
                    return StoreError::Corrupt {
                        path,
                        detail: msg.clone().unwrap_or_else(|| f.to_string()),
                    };
                }
                C::CannotOpen | C::PermissionDenied => {
                    return StoreError::CannotOpen {
                        path,
                        detail: msg.clone().unwrap_or_else(|| f.to_string()),
                    };
                }
                _ => {}
            }
        }
        StoreError::Sqlite { path, source: e }
    }

    /// True when the error is the user's (an unknown number or draft, a bad argument).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::NotFound(_)
                | StoreError::DraftNotFound(_)
                | StoreError::Invalid(_)
                | StoreError::NoOffice { .. }
                | StoreError::OfficeMismatch { .. }
        )
    }
}
