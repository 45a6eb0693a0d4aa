//! The clerk's identity: OS user and the Ed25519 signing key created at the first
//! sign-off in the config directory (mode 0600). The display name is config.toml's
//! (`crate::config`).

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::StoreError;

/// Environment variable overriding the config directory (tests, unusual setups).
pub const CONFIG_DIR_ENV: &str = "GUANTONG_CONFIG_DIR";
pub(crate) const KEY_FILE: &str = "signing.key";

/// guantong's config directory: `$GUANTONG_CONFIG_DIR`, else the platform's
/// (`~/.config/guantong` on Linux; see [`super::dirs`]).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    super::dirs::config_dir().map(|(d, _)| d)
}

/// The OS user running guantong: the real uid's name from `/etc/passwd`, else `$USER`
/// (or `$LOGNAME`), else `uid:N`.
pub fn os_user() -> String {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok().map(|m| m.uid());
    if let (Some(uid), Ok(passwd)) = (uid, std::fs::read_to_string("/etc/passwd")) {
        for line in passwd.lines() {
            let mut f = line.split(':');
            if let (Some(name), Some(_), Some(u)) = (f.next(), f.next(), f.next())
                && u.parse::<u32>().ok() == Some(uid)
                && !name.is_empty()
            {
                return name.to_string();
            }
        }
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| uid.map_or_else(|| "unknown".to_string(), |u| format!("uid:{u}")))
}

fn key_err(path: &Path, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Key {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

/// Load the clerk's signing key from `dir`, creating it (32 random bytes, mode 0600) when
/// absent. Several processes of one clerk may race here: the key is written to a private
/// temporary file and hard-linked into place, so exactly one key wins and every process
/// uses it.
pub fn load_or_create_key(dir: &Path) -> Result<SigningKey, StoreError> {
    let path = dir.join(KEY_FILE);
    if let Some(k) = read_key(&path)? {
        return Ok(k);
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| key_err(dir, e))?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| key_err(&path, e))?;
    let tmp = dir.join(format!(".{KEY_FILE}.{}", std::process::id()));
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| key_err(&tmp, e))?;
        f.write_all(hex::encode(secret).as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| key_err(&tmp, e))?;
    }
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(SigningKey::from_bytes(&secret)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(&path)?.ok_or_else(|| key_err(&path, "vanished while being created"))
        }
        Err(e) => Err(key_err(&path, e)),
    }
}

fn read_key(path: &Path) -> Result<Option<SigningKey>, StoreError> {
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(key_err(path, e)),
    };
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "{}: 警告：签名密钥可被他人读取，请执行 chmod 600 / warning: the signing key is readable by others: chmod 600 it",
            path.display()
        );
    }
    let bytes = hex::decode(src.trim()).map_err(|e| key_err(path, e))?;
    let secret: [u8; 32] = bytes
        .try_into()
        .map_err(|_| key_err(path, "expected 32 bytes (64 hex digits)"))?;
    Ok(Some(SigningKey::from_bytes(&secret)))
}
