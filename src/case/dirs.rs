//! Where guantong keeps its data and its config when not told otherwise: directories
//! named after the product (`~/.local/share/guantong`, `~/.config/guantong` on Linux).
//! Earlier versions also named the first bureau as the "organisation"; on Linux that
//! changes nothing, elsewhere (macOS, Windows) the old directories are still used when
//! they hold a store or a key and the new ones do not, with a notice saying how to move.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// The organisation part earlier versions gave `ProjectDirs` (kept only to find their
/// directories).
const LEGACY_ORGANISATION: &str = "baise";

fn current() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "guantong")
}

fn legacy() -> Option<ProjectDirs> {
    ProjectDirs::from("cn", LEGACY_ORGANISATION, "guantong")
}

/// Which of `new` and `old` to use: `old` only when it holds `marker` and `new` does not,
/// with a notice (Chinese / English) saying so and how to move it.
pub fn choose(new: PathBuf, old: Option<PathBuf>, marker: &str) -> (PathBuf, Option<String>) {
    match old {
        Some(old) if old != new && !new.join(marker).exists() && old.join(marker).exists() => {
            let notice = notice(&old, &new);
            (old, Some(notice))
        }
        _ => (new, None),
    }
}

fn notice(old: &Path, new: &Path) -> String {
    format!(
        "注意：仍在使用旧位置 {old}；可移到 {new}（mv \"{old}\" \"{new}\"）/ note: still using the old location {old}; move it to {new} (mv \"{old}\" \"{new}\")",
        old = old.display(),
        new = new.display()
    )
}

/// The default data directory, and a notice when it is the old location.
pub fn data_dir() -> Option<(PathBuf, Option<String>)> {
    let new = current()?.data_dir().to_path_buf();
    let old = legacy().map(|p| p.data_dir().to_path_buf());
    Some(choose(new, old, super::store::DB_FILE))
}

/// The default config directory (signing key, config.toml), and a notice when it is the
/// old location.
pub fn config_dir() -> Option<(PathBuf, Option<String>)> {
    let new = current()?.config_dir().to_path_buf();
    let old = legacy().map(|p| p.config_dir().to_path_buf());
    Some(choose(new, old, super::keys::KEY_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_location_is_used_only_when_it_alone_holds_something() {
        let t = tempfile::tempdir().unwrap();
        let (new, old) = (t.path().join("new"), t.path().join("old"));
        // Neither holds a store: the new one, quietly.
        assert_eq!(
            choose(new.clone(), Some(old.clone()), "guantong.db"),
            (new.clone(), None)
        );
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("guantong.db"), b"").unwrap();
        // Only the old one does: the old one, with a notice naming both.
        let (dir, n) = choose(new.clone(), Some(old.clone()), "guantong.db");
        assert_eq!(dir, old);
        let n = n.unwrap();
        assert!(n.contains(&old.display().to_string()) && n.contains(&new.display().to_string()));
        // Both do: the new one.
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("guantong.db"), b"").unwrap();
        assert_eq!(
            choose(new.clone(), Some(old.clone()), "guantong.db"),
            (new.clone(), None)
        );
        // Same path (Linux): nothing to say.
        assert_eq!(
            choose(new.clone(), Some(new.clone()), "guantong.db"),
            (new, None)
        );
    }
}
