//! The password file, as libpq reads it: `$PGPASSFILE`, else `~/.pgpass`; lines
//! `hostname:port:database:username:password`, `*` matching anything, `\:` and `\\`
//! escaping; `#` comments. Like libpq, a file that others can read is ignored (with a
//! warning): it is the only place guantong takes a password from.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// What looking up a password found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(String),
    /// No file, or no line for this connection.
    None,
    /// The file is readable by others and was not read.
    Unsafe(PathBuf),
}

/// The password file's path.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
}

/// Split one line into its fields, undoing `\` escapes.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(s)) = (chars.next(), out.last_mut()) {
                    s.push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => {
                if let Some(s) = out.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    out
}

/// The password for `host:port/database` as `user`, from the file's text.
pub fn find_in(src: &str, host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    for line in src.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f = fields(line);
        if f.len() != 5 {
            continue;
        }
        let m = |pat: &str, v: &str| pat == "*" || pat == v;
        if m(&f[0], host) && m(&f[1], &port) && m(&f[2], database) && m(&f[3], user) {
            return Some(f[4].clone());
        }
    }
    None
}

/// The password for a connection, from the file at `file`.
pub fn lookup_at(file: &Path, host: &str, port: u16, database: &str, user: &str) -> Lookup {
    let Ok(meta) = std::fs::metadata(file) else {
        return Lookup::None;
    };
    if !meta.is_file() {
        return Lookup::None;
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Lookup::Unsafe(file.to_path_buf());
    }
    match std::fs::read_to_string(file) {
        Ok(src) => find_in(&src, host, port, database, user).map_or(Lookup::None, Lookup::Found),
        Err(_) => Lookup::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_match_as_libpq_matches_them() {
        let src = "# comment\n\
                   db.example:5432:guantong:gt_451002:first\n\
                   *:*:*:gt_451021:p\\:w\\\\d\n\
                   localhost:5433:*:*:socket\n";
        assert_eq!(
            find_in(src, "db.example", 5432, "guantong", "gt_451002").as_deref(),
            Some("first")
        );
        assert_eq!(
            find_in(src, "other", 1, "x", "gt_451021").as_deref(),
            Some("p:w\\d")
        );
        assert_eq!(
            find_in(src, "localhost", 5433, "g", "anyone").as_deref(),
            Some("socket")
        );
        assert_eq!(find_in(src, "db.example", 5432, "guantong", "nobody"), None);
    }

    #[test]
    fn a_file_others_can_read_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pgpass");
        std::fs::write(&f, "*:*:*:*:secret\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(lookup_at(&f, "h", 1, "d", "u"), Lookup::Unsafe(f.clone()));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            lookup_at(&f, "h", 1, "d", "u"),
            Lookup::Found("secret".into())
        );
        assert_eq!(
            lookup_at(&dir.path().join("none"), "h", 1, "d", "u"),
            Lookup::None
        );
    }
}
