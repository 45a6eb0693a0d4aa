//! Writing output files (exports, printouts) where other people may also write: the
//! content goes to a temporary file with a random name in the target's directory, created
//! `O_CREAT|O_EXCL|O_NOFOLLOW` and mode 0600 (so nobody can have planted it, linked it
//! elsewhere or made it theirs), and is renamed into place at the end. A rename replaces a
//! directory entry and never follows a symbolic link there. The target itself must be a
//! regular file or not exist yet; a symlink, a FIFO, a device or a directory is refused.
//!
//! Temporary files are registered while they exist, so that a signal ending the process
//! can remove them ([`remove_temps_on_signals`], [`remove_temps`]).

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use tempfile::NamedTempFile;

#[derive(Debug, thiserror::Error)]
pub enum OutFileError {
    #[error(
        "{path}: 是符号链接，不会通过它写入；请指定普通文件或新文件名 / is a symbolic link: refusing to write through it; name a regular file or a new path"
    )]
    Symlink { path: PathBuf },
    #[error(
        "{path}: 是{kind_zh}而不是普通文件，不会替换它；请指定普通文件或新文件名 / is a {kind_en}, not a regular file: refusing to replace it; name a regular file or a new path"
    )]
    NotRegular {
        path: PathBuf,
        kind_zh: &'static str,
        kind_en: &'static str,
    },
    #[error(
        "{path}: 目录属于另一个用户（uid {owner}），不会在其中写入 / the directory belongs to another user (uid {owner}): refusing to write in it"
    )]
    NotOurs { path: PathBuf, owner: u32 },
    #[error(
        "{path}: 写入期间此处出现了另一个文件，未覆盖它 / something else appeared here while writing: it was not replaced"
    )]
    Appeared { path: PathBuf },
    #[error("{path}: 无法写入 / cannot write: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl OutFileError {
    /// True when the path given was wrong (the caller's to fix: a symlink, a special file,
    /// a directory that does not exist), not the system.
    pub fn is_user_error(&self) -> bool {
        match self {
            OutFileError::Symlink { .. } | OutFileError::NotRegular { .. } => true,
            OutFileError::Io { source, .. } => source.kind() == io::ErrorKind::NotFound,
            _ => false,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutFileError + '_ {
    move |source| OutFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn kind_of(ft: fs::FileType) -> (&'static str, &'static str) {
    if ft.is_dir() {
        ("目录", "directory")
    } else if ft.is_fifo() {
        ("命名管道（FIFO）", "FIFO (named pipe)")
    } else if ft.is_char_device() {
        ("字符设备", "character device")
    } else if ft.is_block_device() {
        ("块设备", "block device")
    } else if ft.is_socket() {
        ("套接字", "socket")
    } else {
        ("特殊文件", "special file")
    }
}

/// Whether a file may be written at `dest`: `Ok(true)` for an existing regular file,
/// `Ok(false)` for a new path; an error for anything else (never following a symlink).
pub fn check_target(dest: &Path) -> Result<bool, OutFileError> {
    match fs::symlink_metadata(dest) {
        Ok(m) => {
            let ft = m.file_type();
            if ft.is_symlink() {
                Err(OutFileError::Symlink {
                    path: dest.to_path_buf(),
                })
            } else if ft.is_file() {
                Ok(true)
            } else {
                let (kind_zh, kind_en) = kind_of(ft);
                Err(OutFileError::NotRegular {
                    path: dest.to_path_buf(),
                    kind_zh,
                    kind_en,
                })
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(dest)(e)),
    }
}

/// Create `path` for writing: it must not exist (not even as a dangling symlink), it is
/// not followed if it is a symlink, and it gets mode 0600 whatever the umask. The primitive
/// every temporary file here is made with.
pub fn create_private(path: &Path) -> io::Result<File> {
    let f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .mode(0o600)
        .open(path)?;
    f.set_permissions(fs::Permissions::from_mode(0o600))?;
    Ok(f)
}

/// Temporary files that exist right now (removed when a signal ends the process).
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(p: &Path) {
    TEMPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(p.to_path_buf());
}

fn unregister(p: &Path) {
    TEMPS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|t| t != p);
}

/// Remove every temporary file of an unfinished [`OutFile`] (called on the way out when a
/// signal ends the process; the drop that normally removes them will not run).
pub fn remove_temps() {
    let mut temps = TEMPS.lock().unwrap_or_else(PoisonError::into_inner);
    for p in temps.drain(..) {
        let _ = fs::remove_file(p);
    }
}

/// On SIGTERM, SIGINT or SIGHUP: remove the temporary files and exit with 128 + the
/// signal. For commands whose only unfinished business is an output file (exports); the
/// wizard has its own handler, which calls [`remove_temps`].
pub fn remove_temps_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    std::thread::Builder::new()
        .name("outfile-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Hold the list while exiting, so no new temporary file is made meanwhile.
                let mut temps = TEMPS.lock().unwrap_or_else(PoisonError::into_inner);
                for p in temps.drain(..) {
                    let _ = fs::remove_file(p);
                }
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// A file being written: a private temporary file beside `dest`, renamed onto `dest` by
/// [`OutFile::commit`]. Dropped without a commit, it is removed and `dest` is untouched.
pub struct OutFile {
    tmp: Option<NamedTempFile>,
    dest: PathBuf,
    /// Whether `dest` existed (as a regular file) when we started.
    replaces: bool,
    /// Replace whatever is at `dest` but a directory ([`OutFile::create_in_own_dir`]).
    any_entry: bool,
}

impl OutFile {
    /// Start writing `dest` (see the module's description for what is refused).
    pub fn create(dest: &Path) -> Result<OutFile, OutFileError> {
        let replaces = check_target(dest)?;
        OutFile::start(dest, replaces, false)
    }

    /// Start writing `dest` in a directory guantong keeps ([`ensure_dir`]): a symlink, FIFO
    /// or other file planted there under the name is replaced, not refused (the rename
    /// swaps the directory entry and never opens what was there), so that nobody can stop
    /// the clerk's printout by planting one. Only a directory in the way is an error.
    pub fn create_in_own_dir(dest: &Path) -> Result<OutFile, OutFileError> {
        if let Ok(m) = fs::symlink_metadata(dest)
            && m.is_dir()
        {
            return Err(OutFileError::NotRegular {
                path: dest.to_path_buf(),
                kind_zh: "目录",
                kind_en: "directory",
            });
        }
        OutFile::start(dest, true, true)
    }

    fn start(dest: &Path, replaces: bool, any_entry: bool) -> Result<OutFile, OutFileError> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".guantong-")
            .suffix(".tmp")
            .make_in(dir, create_private)
            .map_err(io_err(dest))?;
        register(tmp.path());
        Ok(OutFile {
            tmp: Some(tmp),
            dest: dest.to_path_buf(),
            replaces,
            any_entry,
        })
    }

    /// Let the file's group read it (mode 0640 instead of 0600): for a directory an office
    /// group shares. Set on the temporary file, so the file is never more open than that.
    pub fn group_readable(&mut self) -> Result<(), OutFileError> {
        if let Some(t) = &self.tmp {
            t.as_file()
                .set_permissions(fs::Permissions::from_mode(0o640))
                .map_err(io_err(&self.dest))?;
        }
        Ok(())
    }

    /// The path being written.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The temporary file's path (while it exists).
    pub fn temp_path(&self) -> Option<&Path> {
        self.tmp.as_ref().map(NamedTempFile::path)
    }

    /// Flush to disk and rename into place. A new path is created only if nothing has
    /// appeared there meanwhile; an existing regular file is replaced whole.
    pub fn commit(mut self) -> Result<(), OutFileError> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        let tmp_path = tmp.path().to_path_buf();
        let dest = self.dest.clone();
        let r = (|| {
            tmp.as_file().sync_all().map_err(io_err(&dest))?;
            // once more just before the rename: a symlink or FIFO put there while we wrote
            let replaces = self.any_entry || check_target(&dest)?;
            let persisted = if self.replaces || replaces {
                tmp.persist(&dest).map(drop)
            } else {
                tmp.persist_noclobber(&dest).map(drop)
            };
            persisted.map_err(|e| {
                if e.error.kind() == io::ErrorKind::AlreadyExists {
                    OutFileError::Appeared { path: dest.clone() }
                } else {
                    io_err(&dest)(e.error)
                }
            })?;
            // the rename is durable once the directory is synced (best effort)
            if let Some(d) = dest.parent().filter(|p| !p.as_os_str().is_empty())
                && let Ok(d) = File::open(d)
            {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        unregister(&tmp_path);
        r
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.tmp {
            Some(t) => t.write(buf),
            None => Err(io::Error::other("output file already committed")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.tmp {
            Some(t) => t.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let p = tmp.path().to_path_buf();
            // remove the file first, then forget it: a signal in between finds it gone
            drop(tmp);
            unregister(&p);
        }
    }
}

/// Make sure `dir` is a directory of ours to write output files in, never reached through
/// a symlink: created when absent with mode 0700, or 2770 (group-shared, setgid) when
/// `shared`; an existing one must be a real directory, and a private one must be ours.
/// One of ours with another mode (a 0700 `printouts/` in a shared store, made by an older
/// guantong) is given the right one.
pub fn ensure_dir(dir: &Path, shared: bool) -> Result<(), OutFileError> {
    let mode = if shared { 0o2770 } else { 0o700 };
    match fs::DirBuilder::new().mode(mode & 0o777).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_err(dir)(e)),
    }
    let m = fs::symlink_metadata(dir).map_err(io_err(dir))?;
    let ft = m.file_type();
    if ft.is_symlink() {
        return Err(OutFileError::Symlink {
            path: dir.to_path_buf(),
        });
    }
    if !ft.is_dir() {
        let (kind_zh, kind_en) = kind_of(ft);
        return Err(OutFileError::NotRegular {
            path: dir.to_path_buf(),
            kind_zh,
            kind_en,
        });
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if m.uid() == me {
        if m.mode() & 0o7777 != mode {
            fs::set_permissions(dir, fs::Permissions::from_mode(mode)).map_err(io_err(dir))?;
        }
    } else if !shared {
        return Err(OutFileError::NotOurs {
            path: dir.to_path_buf(),
            owner: m.uid(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_random_and_files_private() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("out.csv");
        let a = OutFile::create(&dest).unwrap();
        let b = OutFile::create(&dest).unwrap();
        let (pa, pb) = (a.temp_path().unwrap(), b.temp_path().unwrap());
        assert_ne!(pa, pb);
        assert_eq!(pa.parent(), Some(d.path()));
        let mode = fs::metadata(pa).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (pa, pb) = (pa.to_path_buf(), pb.to_path_buf());
        drop(a);
        drop(b);
        assert!(
            !pa.exists() && !pb.exists(),
            "dropped without commit: removed"
        );
        assert!(!dest.exists());
        assert!(TEMPS.lock().unwrap().iter().all(|t| t != &pa && t != &pb));
    }

    #[test]
    fn commit_replaces_a_regular_file_and_creates_a_new_one() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("out.txt");
        let mut f = OutFile::create(&dest).unwrap();
        f.write_all(b"one").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "one");
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o666)).unwrap();
        let mut f = OutFile::create(&dest).unwrap();
        f.write_all(b"two").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "two");
        assert_eq!(fs::metadata(&dest).unwrap().mode() & 0o777, 0o600);
        let left: Vec<_> = fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

    #[test]
    fn a_path_that_appears_during_the_write_is_not_replaced() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("new.txt");
        let mut f = OutFile::create(&dest).unwrap();
        f.write_all(b"mine").unwrap();
        fs::write(&dest, "theirs").unwrap();
        // a regular file appeared: it may be replaced (as if it had been there before)
        f.commit().unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "mine");
        let victim = d.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let dest = d.path().join("new2.txt");
        let mut f = OutFile::create(&dest).unwrap();
        f.write_all(b"mine").unwrap();
        std::os::unix::fs::symlink(&victim, &dest).unwrap();
        let e = f.commit().unwrap_err();
        assert!(matches!(e, OutFileError::Symlink { .. }), "{e}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    }

    #[test]
    fn create_private_refuses_what_is_already_there() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(create_private(&link).is_err());
        let dangling = d.path().join("dangling");
        std::os::unix::fs::symlink(d.path().join("nothing"), &dangling).unwrap();
        assert!(create_private(&dangling).is_err());
        assert!(!d.path().join("nothing").exists());
        assert!(create_private(&victim).is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    }
}
