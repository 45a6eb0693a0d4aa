//! The clerk's identity: OS user and the Ed25519 signing key created at the first
//! sign-off in the config directory (mode 0600), with its public key beside it
//! (`signing.pub`) and the clerk's earlier public keys (`retired-keys`); and the receipts
//! of the clerk's sign-offs (`receipts/<origin>.jsonl`, see [`super::anchor`]). The
//! display name is config.toml's (`crate::config`).
//!
//! A key is created by itself only the first time. Once a clerk has had one (its public
//! key, a receipt or a case signed in their name says so), a missing key is an error
//! naming it, not a cue to make a new one silently: a new key is made only by
//! `guantong cases new-key` ([`new_key`]), which keeps the old public key as the
//! clerk's (`retired-keys`), so that their earlier cases still verify.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::StoreError;

/// Environment variable overriding the config directory (tests, unusual setups).
pub const CONFIG_DIR_ENV: &str = "GUANTONG_CONFIG_DIR";
pub(crate) const KEY_FILE: &str = "signing.key";
/// The public key of the current signing key (hex), kept beside it.
pub const PUB_FILE: &str = "signing.pub";
/// The clerk's earlier public keys, one hex key a line (`#` starts a comment).
pub const RETIRED_FILE: &str = "retired-keys";
/// The receipts of the clerk's sign-offs, one file per origin.
pub const RECEIPTS_DIR: &str = "receipts";

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
/// the clerk has never had one. When they have (`signing.pub` or a receipt is in `dir`,
/// or `signed_here`: the store holds cases signed in their name), a missing key is
/// [`StoreError::KeyMissing`]: see [`new_key`]. Several processes of one clerk may race
/// here: the key is written to a private temporary file and hard-linked into place, so
/// exactly one key wins and every process uses it.
pub fn load_or_create_key(dir: &Path, signed_here: bool) -> Result<SigningKey, StoreError> {
    let path = dir.join(KEY_FILE);
    if let Some(k) = read_key(&path)? {
        remember_public(dir, &k);
        return Ok(k);
    }
    let mut traces = Vec::new();
    if dir.join(PUB_FILE).exists() {
        traces.push(PUB_FILE.to_string());
    }
    if has_receipts(dir) {
        traces.push(format!("{RECEIPTS_DIR}/"));
    }
    if signed_here {
        traces.push("cases in the store".to_string());
    }
    if !traces.is_empty() {
        return Err(StoreError::KeyMissing {
            path,
            traces: traces.join(", "),
        });
    }
    let k = create_key(dir)?;
    remember_public(dir, &k);
    Ok(k)
}

/// Make a new signing key in `dir` for a clerk whose key is lost (the explicit step
/// [`load_or_create_key`] asks for). Refused while a key is there. The old public key
/// (`signing.pub`) is kept in `retired-keys`, so the clerk's earlier cases still verify
/// as theirs. Returns the new key and the retired public key, if any.
pub fn new_key(dir: &Path) -> Result<(SigningKey, Option<String>), StoreError> {
    let path = dir.join(KEY_FILE);
    if read_key(&path)?.is_some() {
        return Err(StoreError::Invalid(format!(
            "{}: 已有签名密钥，未作改动；new-key 只用于密钥丢失之后 / a signing key is there: nothing changed; new-key is for a lost key only",
            path.display()
        )));
    }
    let old = std::fs::read_to_string(dir.join(PUB_FILE))
        .ok()
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| hex::decode(s).is_ok_and(|b| b.len() == 32));
    if let Some(old) = &old {
        let retired = dir.join(RETIRED_FILE);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&retired)
            .map_err(|e| key_err(&retired, e))?;
        f.write_all(format!("{old}\n").as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| key_err(&retired, e))?;
        let _ = std::fs::remove_file(dir.join(PUB_FILE));
    }
    let k = create_key(dir)?;
    remember_public(dir, &k);
    Ok((k, old))
}

/// The clerk's public keys (hex, lower case): the current key's, `signing.pub`, and the
/// retired ones.
pub fn own_public_keys(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(Some(k)) = read_key_quiet(&dir.join(KEY_FILE)) {
        out.push(super::record::public_key_hex(&k));
    }
    let mut push = |s: &str| {
        let s = s.trim().to_ascii_lowercase();
        if hex::decode(&s).is_ok_and(|b| b.len() == 32) && !out.contains(&s) {
            out.push(s);
        }
    };
    if let Ok(p) = std::fs::read_to_string(dir.join(PUB_FILE)) {
        push(&p);
    }
    if let Ok(r) = std::fs::read_to_string(dir.join(RETIRED_FILE)) {
        for l in r.lines() {
            push(l.split('#').next().unwrap_or(""));
        }
    }
    out
}

/// Keep the key's public half beside it (so that a lost key is noticed, and verify knows
/// the clerk's key without reading the secret).
fn remember_public(dir: &Path, k: &SigningKey) {
    let pub_hex = super::record::public_key_hex(k);
    let path = dir.join(PUB_FILE);
    if std::fs::read_to_string(&path).is_ok_and(|s| s.trim() == pub_hex) {
        return;
    }
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
    {
        let _ = f.write_all(format!("{pub_hex}\n").as_bytes());
    }
}

fn has_receipts(dir: &Path) -> bool {
    std::fs::read_dir(dir.join(RECEIPTS_DIR))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
}

fn create_key(dir: &Path) -> Result<SigningKey, StoreError> {
    let path = dir.join(KEY_FILE);
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

/// The file of the receipts for `origin` in config directory `dir`.
fn receipts_file(dir: &Path, origin: &str) -> Option<PathBuf> {
    // an origin id is hex; anything else must not become a path
    (!origin.is_empty() && origin.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| dir.join(RECEIPTS_DIR).join(format!("{origin}.jsonl")))
}

/// Append a receipt to the clerk's receipts of its origin (directory 0700, file 0600,
/// neither through a symlink), durably.
pub fn append_receipt(dir: &Path, head: &super::anchor::SignedHead) -> Result<(), StoreError> {
    let Some(path) = receipts_file(dir, &head.origin) else {
        return Err(StoreError::Invalid(format!(
            "origin id {:?} is not hex",
            head.origin
        )));
    };
    let rdir = dir.join(RECEIPTS_DIR);
    match std::fs::symlink_metadata(&rdir) {
        Ok(m) if !m.is_dir() => {
            return Err(key_err(
                &rdir,
                "is not a directory (a symlink?): no receipt written",
            ));
        }
        Ok(_) => {}
        Err(_) => std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&rdir)
            .map_err(|e| key_err(&rdir, e))?,
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(&path)
        .map_err(|e| key_err(&path, e))?;
    f.write_all(format!("{}\n", head.to_line()).as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| key_err(&path, e))
}

/// The clerk's receipts for `origin`, with the lines that could not be read (file, line
/// number, why).
#[allow(clippy::type_complexity)]
pub fn read_receipts(
    dir: &Path,
    origin: &str,
) -> (
    Vec<super::anchor::SignedHead>,
    Vec<(PathBuf, usize, String)>,
) {
    let Some(path) = receipts_file(dir, origin) else {
        return (Vec::new(), Vec::new());
    };
    read_heads(&path)
}

/// Every signed head in a file of heads, one per line (blank lines skipped), with the
/// lines that could not be read.
#[allow(clippy::type_complexity)]
pub fn read_heads(
    path: &Path,
) -> (
    Vec<super::anchor::SignedHead>,
    Vec<(PathBuf, usize, String)>,
) {
    let (mut heads, mut bad) = (Vec::new(), Vec::new());
    let src = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (heads, bad),
        Err(e) => {
            bad.push((path.to_path_buf(), 0, e.to_string()));
            return (heads, bad);
        }
    };
    for (i, line) in src.split(|b| *b == b'\n').enumerate() {
        let Ok(line) = std::str::from_utf8(line) else {
            bad.push((path.to_path_buf(), i + 1, "not UTF-8".into()));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match super::anchor::SignedHead::parse(line.trim()) {
            Ok(h) => heads.push(h),
            Err(e) => bad.push((path.to_path_buf(), i + 1, e.to_string())),
        }
    }
    (heads, bad)
}

fn read_key_quiet(path: &Path) -> Result<Option<SigningKey>, StoreError> {
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(key_err(path, e)),
    };
    let bytes = hex::decode(src.trim()).map_err(|e| key_err(path, e))?;
    let secret: [u8; 32] = bytes
        .try_into()
        .map_err(|_| key_err(path, "expected 32 bytes (64 hex digits)"))?;
    Ok(Some(SigningKey::from_bytes(&secret)))
}

fn read_key(path: &Path) -> Result<Option<SigningKey>, StoreError> {
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(key_err(path, e)),
    };
    drop(src);
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "{}: 警告：签名密钥可被他人读取，请执行 chmod 600 / warning: the signing key is readable by others: chmod 600 it",
            path.display()
        );
    }
    read_key_quiet(path)
}
