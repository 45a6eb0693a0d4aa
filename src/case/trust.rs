//! Which signing keys are trusted, decided outside the store: the store's own table of
//! keys (`clerk_keys`) is written by whoever can write the database, so it proves
//! nothing. Keys are **pinned** in two places a store's attacker does not control:
//!
//! - the clerk's own: the public key of the signing key in the clerk's config directory
//!   (`signing.pub`) and any earlier keys of theirs (`retired-keys`, kept by
//!   `guantong cases new-key`), for the OS user running guantong;
//! - the administrator's trusted-keys file, `/etc/guantong/trusted_keys.toml` (or the file
//!   `GUANTONG_TRUSTED_KEYS` names): one `[[clerk]]` per clerk with `name`, `user` (the OS
//!   user) and `key` (hex). It must be owned by root or the user running guantong and
//!   writable by nobody else, else it is refused.
//!
//! [`Pins::judge`] says what a record's key is: pinned for the user the record names, a
//! key pinned for another user, a key claiming the running clerk that is not theirs, or a
//! key pinned nowhere.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::keys;
use crate::text::Lang;

/// The administrator's trusted-keys file when `GUANTONG_TRUSTED_KEYS` does not name one.
pub const TRUSTED_KEYS_PATH: &str = "/etc/guantong/trusted_keys.toml";
/// Environment variable naming the trusted-keys file (tests, unusual setups).
pub const TRUSTED_KEYS_ENV: &str = "GUANTONG_TRUSTED_KEYS";

/// One clerk pinned by the administrator.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pinned {
    pub name: String,
    pub user: String,
    pub key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustedFile {
    #[serde(default)]
    clerk: Vec<Pinned>,
}

/// Why the trusted-keys file cannot be used; `verify` fails on it rather than going on
/// without the administrator's pins.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: 受信密钥文件 / trusted-keys file: {detail}")]
pub struct TrustedKeysError {
    pub path: PathBuf,
    pub detail: String,
}

/// The administrator's trusted-keys file, read and checked.
#[derive(Clone, Debug, Default)]
pub struct TrustedKeys {
    pub path: PathBuf,
    pub clerks: Vec<Pinned>,
}

impl TrustedKeys {
    /// The file `GUANTONG_TRUSTED_KEYS` names, else [`TRUSTED_KEYS_PATH`].
    pub fn default_path() -> PathBuf {
        std::env::var_os(TRUSTED_KEYS_ENV)
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from(TRUSTED_KEYS_PATH), PathBuf::from)
    }

    /// Read the file at `path`: `Ok(None)` when there is none.
    pub fn load(path: &Path) -> Result<Option<TrustedKeys>, TrustedKeysError> {
        let err = |detail: String| TrustedKeysError {
            path: path.to_path_buf(),
            detail,
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(err(e.to_string())),
        };
        // Anyone who can write it decides whom verify trusts.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != 0 && meta.uid() != me {
            return Err(err(format!(
                "属于用户 {}，既不是 root 也不是本用户，不予采信（sudo chown root {}）/ owned by uid {}, neither root nor you: not trusted (sudo chown root it)",
                meta.uid(),
                path.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(err(format!(
                "他人可写（权限 {:o}），不予采信（chmod 644）/ writable by others (mode {:o}): not trusted (chmod 644 it)",
                meta.mode() & 0o7777,
                meta.mode() & 0o7777
            )));
        }
        let src = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let file: TrustedFile = toml::from_str(&src).map_err(|e| err(e.to_string()))?;
        let mut seen: HashMap<String, &Pinned> = HashMap::new();
        for c in &file.clerk {
            let key = c.key.trim().to_ascii_lowercase();
            if hex::decode(&key).map_or(true, |b| b.len() != 32) {
                return Err(err(format!(
                    "[[clerk]] {}：key 应为 64 位十六进制数 / key must be 64 hex digits",
                    c.user
                )));
            }
            if let Some(other) = seen.get(&key)
                && other.user != c.user
            {
                return Err(err(format!(
                    "同一密钥登记给了 {} 和 {} / one key pinned for both {} and {}",
                    other.user, c.user, other.user, c.user
                )));
            }
            seen.insert(key, c);
        }
        let clerks = file
            .clerk
            .iter()
            .map(|c| Pinned {
                key: c.key.trim().to_ascii_lowercase(),
                ..c.clone()
            })
            .collect();
        Ok(Some(TrustedKeys {
            path: path.to_path_buf(),
            clerks,
        }))
    }
}

/// What a record's (or a signed head's) key is, for the user it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    /// The running clerk's own key (current or retired), naming them.
    Own,
    /// Pinned by the administrator for the user named; their name there.
    Pinned { name: String },
    /// A key pinned for `owner`, but the record names someone else.
    OtherUsers { owner: String },
    /// The record names the running clerk, but is not signed with their key.
    NotYours,
    /// The record names a user the administrator pinned, with another key.
    NotTheirs,
    /// Pinned nowhere.
    Unknown,
}

impl KeyStatus {
    pub fn trusted(&self) -> bool {
        matches!(self, KeyStatus::Own | KeyStatus::Pinned { .. })
    }
}

/// The keys pinned outside the store.
#[derive(Clone, Debug, Default)]
pub struct Pins {
    /// The OS user running guantong.
    pub user: String,
    /// Their keys (hex): the current one and retired ones.
    pub own: Vec<String>,
    /// The administrator's file, when there is one.
    pub trusted: Option<TrustedKeys>,
}

impl Pins {
    /// The pins of the running clerk: their config directory and the trusted-keys file
    /// ([`TrustedKeys::default_path`]).
    pub fn load() -> Result<Pins, TrustedKeysError> {
        let own = keys::config_dir()
            .map(|d| keys::own_public_keys(&d))
            .unwrap_or_default();
        Ok(Pins {
            user: keys::os_user(),
            own,
            trusted: TrustedKeys::load(&TrustedKeys::default_path())?,
        })
    }

    fn pinned(&self, key: &str) -> Option<&Pinned> {
        self.trusted
            .as_ref()
            .and_then(|t| t.clerks.iter().find(|c| c.key.eq_ignore_ascii_case(key)))
    }

    /// The administrator's name for OS user `user`, where one is pinned.
    pub fn admin_name(&self, user: &str) -> Option<&str> {
        self.trusted
            .as_ref()
            .and_then(|t| t.clerks.iter().find(|c| c.user == user))
            .map(|c| c.name.as_str())
    }

    /// What `key` is, for a record naming `user` as its clerk.
    pub fn judge(&self, key: &str, user: &str) -> KeyStatus {
        if let Some(p) = self.pinned(key) {
            return if p.user == user {
                KeyStatus::Pinned {
                    name: p.name.clone(),
                }
            } else {
                KeyStatus::OtherUsers {
                    owner: p.user.clone(),
                }
            };
        }
        if self.own.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return if user == self.user {
                KeyStatus::Own
            } else {
                KeyStatus::OtherUsers {
                    owner: self.user.clone(),
                }
            };
        }
        if user == self.user {
            return KeyStatus::NotYours;
        }
        if self.admin_name(user).is_some() {
            return KeyStatus::NotTheirs;
        }
        KeyStatus::Unknown
    }

    /// The name to show for a clerk: the administrator's where one is pinned for `user`,
    /// else their own `display` name marked self-declared, else none.
    pub fn clerk_name(&self, user: &str, display: Option<&str>) -> Option<(String, bool)> {
        match self.admin_name(user) {
            Some(n) => Some((n.to_string(), false)),
            None => display.map(|d| (d.to_string(), true)),
        }
    }
}

/// A clerk as a person reads them: `王小明（wang）` for a name the administrator pinned,
/// `李四（自称，li）` for a self-declared one, else the OS user. `pins` `None`: every
/// name counts as self-declared.
pub fn clerk_label(pins: Option<&Pins>, user: &str, display: Option<&str>, lang: Lang) -> String {
    let named = match pins {
        Some(p) => p.clerk_name(user, display),
        None => display.map(|d| (d.to_string(), true)),
    };
    match (named, lang) {
        (None, _) => user.to_string(),
        (Some((n, false)), Lang::Zh) => format!("{n}（{user}）"),
        (Some((n, false)), Lang::En) => format!("{n} ({user})"),
        (Some((n, true)), Lang::Zh) => format!("{n}（自称，{user}）"),
        (Some((n, true)), Lang::En) => format!("{n} (self-declared, {user})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins() -> Pins {
        Pins {
            user: "wang".into(),
            own: vec!["aa".repeat(32)],
            trusted: Some(TrustedKeys {
                path: "t.toml".into(),
                clerks: vec![
                    Pinned {
                        name: "王小明".into(),
                        user: "wang".into(),
                        key: "aa".repeat(32),
                    },
                    Pinned {
                        name: "李四".into(),
                        user: "li".into(),
                        key: "bb".repeat(32),
                    },
                ],
            }),
        }
    }

    #[test]
    fn keys_are_judged_by_who_pinned_them_for_whom() {
        let p = pins();
        let (a, b, c) = ("aa".repeat(32), "bb".repeat(32), "cc".repeat(32));
        assert!(p.judge(&a, "wang").trusted());
        assert_eq!(
            p.judge(&b, "li"),
            KeyStatus::Pinned {
                name: "李四".into()
            }
        );
        assert_eq!(
            p.judge(&b, "wang"),
            KeyStatus::OtherUsers { owner: "li".into() }
        );
        assert_eq!(p.judge(&c, "wang"), KeyStatus::NotYours);
        assert_eq!(p.judge(&c, "li"), KeyStatus::NotTheirs);
        assert_eq!(p.judge(&c, "zhao"), KeyStatus::Unknown);
        let mine_only = Pins {
            trusted: None,
            ..pins()
        };
        assert_eq!(mine_only.judge(&a, "wang"), KeyStatus::Own);
        assert_eq!(
            mine_only.judge(&a, "li"),
            KeyStatus::OtherUsers {
                owner: "wang".into()
            }
        );
        assert_eq!(mine_only.judge(&b, "li"), KeyStatus::Unknown);
    }

    #[test]
    fn names_say_whose_they_are() {
        let p = pins();
        assert_eq!(
            clerk_label(Some(&p), "li", Some("老李"), Lang::Zh),
            "李四（li）"
        );
        assert_eq!(
            clerk_label(Some(&p), "zhao", Some("赵"), Lang::En),
            "赵 (self-declared, zhao)"
        );
        assert_eq!(clerk_label(None, "zhao", None, Lang::Zh), "zhao");
    }

    #[test]
    fn a_trusted_keys_file_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trusted_keys.toml");
        let key = "bb".repeat(32);
        std::fs::write(
            &path,
            format!("[[clerk]]\nname = \"李四\"\nuser = \"li\"\nkey = \"{key}\"\n"),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let t = TrustedKeys::load(&path).unwrap().unwrap();
        assert_eq!(t.clerks[0].user, "li");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let e = TrustedKeys::load(&path).unwrap_err();
        assert!(e.to_string().contains("writable by others"), "{e}");
        assert!(
            TrustedKeys::load(&dir.path().join("none"))
                .unwrap()
                .is_none()
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(
            &path,
            "[[clerk]]\nname = \"x\"\nuser = \"x\"\nkey = \"12\"\n",
        )
        .unwrap();
        assert!(TrustedKeys::load(&path).is_err());
    }
}
