//! The keyed hash of an applicant's ID number: what the bureau's server is asked by when
//! one office checks for the same applicant in another, and what a search by ID number
//! sends. HMAC-SHA256 under a 32-byte key that the bureau gives each of its offices (a file,
//! `id_hash_key` in config.toml or `GUANTONG_ID_HASH_KEY`), never kept on the server or
//! beside the records: the server stores and compares hashes it cannot reverse (an ID
//! number has too few possibilities for an unkeyed hash to hide it), and its audit log
//! records who asked about which hash, not the number.
//!
//! The server keeps the key's fingerprint (from `server init`), so an office holding
//! another key is refused at its first sync rather than silently never matching.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::ServerError;

/// Environment variable naming the key file (before `id_hash_key` in config.toml).
pub const ID_KEY_ENV: &str = "GUANTONG_ID_HASH_KEY";

/// A bureau's ID-hash key.
#[derive(Clone)]
pub struct IdKey {
    key: [u8; 32],
    pub path: PathBuf,
}

impl std::fmt::Debug for IdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdKey")
            .field("path", &self.path)
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

fn key_err(path: &Path, zh: impl Into<String>, en: impl Into<String>) -> ServerError {
    ServerError::IdKey {
        path: path.display().to_string(),
        zh: zh.into(),
        en: en.into(),
    }
}

/// An ID number as it is hashed: spaces out, upper-case `X`.
pub fn normalize(id: &str) -> String {
    id.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl IdKey {
    /// Read the key file: 64 hex digits. A file others can read is refused.
    pub fn load(path: &Path) -> Result<IdKey, ServerError> {
        let meta = std::fs::metadata(path).map_err(|e| {
            key_err(
                path,
                format!("无法读取：{e}"),
                format!("cannot read it: {e}"),
            )
        })?;
        if meta.permissions().mode() & 0o007 != 0 {
            return Err(key_err(
                path,
                "其他用户可读：请 chmod 640（或 600）",
                "readable by every user: chmod 640 (or 600) it",
            ));
        }
        let src = std::fs::read_to_string(path).map_err(|e| {
            key_err(
                path,
                format!("无法读取：{e}"),
                format!("cannot read it: {e}"),
            )
        })?;
        let bytes = hex::decode(src.trim()).ok().filter(|b| b.len() == 32);
        let Some(bytes) = bytes else {
            return Err(key_err(
                path,
                "应为 64 个十六进制数字（guantong server new-id-key 生成）",
                "expected 64 hex digits (made by guantong server new-id-key)",
            ));
        };
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(IdKey {
            key,
            path: path.to_path_buf(),
        })
    }

    /// A key from its bytes (tests, benchmarks).
    pub fn from_bytes(key: [u8; 32]) -> IdKey {
        IdKey {
            key,
            path: PathBuf::from("<memory>"),
        }
    }

    /// Make a new random key file at `path` (mode 0640: the office group reads it);
    /// an existing file is never overwritten.
    pub fn generate(path: &Path) -> Result<IdKey, ServerError> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| {
            key_err(
                path,
                format!("无法取得随机数：{e}"),
                format!("no randomness: {e}"),
            )
        })?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(0o640)
            .open(path)
            .map_err(|e| {
                key_err(
                    path,
                    format!("无法新建：{e}"),
                    format!("cannot create it: {e}"),
                )
            })?;
        // the umask must not decide who reads it: the office group must
        f.set_permissions(std::fs::Permissions::from_mode(0o640))
            .map_err(|e| {
                key_err(
                    path,
                    format!("无法设置权限：{e}"),
                    format!("cannot set its mode: {e}"),
                )
            })?;
        f.write_all(format!("{}\n", hex::encode(key)).as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| {
                key_err(
                    path,
                    format!("无法写入：{e}"),
                    format!("cannot write it: {e}"),
                )
            })?;
        Ok(IdKey {
            key,
            path: path.to_path_buf(),
        })
    }

    /// A short public name of the key (it reveals nothing of the key).
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"guantong id-hash key fingerprint/1\0");
        h.update(self.key);
        hex::encode(&h.finalize()[..8])
    }

    /// The keyed hash of an ID number (normalised first), hex.
    pub fn hash(&self, id_number: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            // HMAC takes a key of any length: not reached
            return String::new();
        };
        mac.update(b"guantong-id/1:");
        mac.update(normalize(id_number).as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_the_key_and_not_on_spelling() {
        let a = IdKey::from_bytes([1; 32]);
        let b = IdKey::from_bytes([2; 32]);
        let id = "45100219900101001x";
        assert_eq!(a.hash(id), a.hash(" 451002 19900101001X "));
        assert_ne!(a.hash(id), b.hash(id));
        assert_ne!(a.hash(id), a.hash("451002199001010028"));
        assert_eq!(a.hash(id).len(), 64);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
    }

    #[test]
    fn key_files_are_made_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("id.key");
        let k = IdKey::generate(&p).unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(IdKey::load(&p).unwrap().fingerprint(), k.fingerprint());
        // never overwritten
        assert!(IdKey::generate(&p).is_err());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(IdKey::load(&p).unwrap_err().to_string().contains("chmod"));
        std::fs::write(dir.path().join("bad"), "xyz").unwrap();
        std::fs::set_permissions(
            dir.path().join("bad"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let e = IdKey::load(&dir.path().join("bad"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("64"), "{e}");
    }
}
