//! Issue 10, "files are created safely": each attack of the issue against `export -o` and
//! the wizard's printouts, played by a real child process. Where the test must act while
//! an export is under way, the export is held on its questionnaire, given as a FIFO that
//! the test writes (or never writes) to; waits are on conditions with deadlines (inotify,
//! a child's exit), never a fixed sleep.

mod store_common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use guantong::config::PrintTo;
use guantong::text::Lang;
use guantong::tui::exec::Executor;
use guantong::tui::{Effect, Msg};
use store_common::*;

const DEADLINE: Duration = Duration::from_secs(20);

fn store_with_a_case(root: &Path) -> (PathBuf, PathBuf, String) {
    let data = root.join("data");
    let cfg = fixed_config(root);
    let n = sign(&data, &cfg, &fixture("eligible.toml"), "张三丰");
    (data, cfg, n)
}

fn mkfifo(p: &Path) {
    let c = CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Wait until `dir` has an entry, watching it with inotify (no polling), up to `limit`.
fn wait_for_entry(dir: &Path, limit: Duration) -> Option<PathBuf> {
    let c = CString::new(dir.as_os_str().as_bytes()).unwrap();
    // SAFETY: plain inotify/poll/read calls on a descriptor this function owns.
    unsafe {
        let fd = libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK);
        assert!(fd >= 0, "inotify_init1");
        assert!(libc::inotify_add_watch(fd, c.as_ptr(), libc::IN_CREATE | libc::IN_MOVED_TO) >= 0);
        let end = Instant::now() + limit;
        let found = loop {
            // looked at after the watch is set, so nothing created meanwhile is missed
            if let Some(p) = entries(dir).into_iter().next() {
                break Some(p);
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break None;
            }
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            libc::poll(&mut pfd, 1, left.as_millis().min(i32::MAX as u128) as i32);
            let mut buf = [0u8; 4096];
            libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        };
        libc::close(fd);
        found
    }
}

/// Wait for the child's exit, up to a deadline (killed and failed after it).
fn wait_exit(mut child: Child) -> (ExitStatus, String) {
    let id = child.id();
    let mut stderr = child.stderr.take();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut err = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = std::io::Read::read_to_string(e, &mut err);
        }
        let _ = tx.send((child.wait(), err));
    });
    match rx.recv_timeout(DEADLINE) {
        Ok((st, err)) => (st.unwrap(), err),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("child {id} did not exit within {DEADLINE:?}");
        }
    }
}

fn export_cmd(data: &Path, cfg: &Path, q: &Path, out: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.args([
        "cases",
        "export",
        "--format",
        "csv",
        "--unmasked",
        "--questionnaire",
    ])
    .arg(q)
    .arg("-o")
    .arg(out)
    .env("GUANTONG_DATA_DIR", data)
    .env("GUANTONG_CONFIG_DIR", cfg)
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    c
}

fn export_to(data: &Path, cfg: &Path, out: &str) -> std::process::Output {
    run(
        data,
        cfg,
        &[
            "cases",
            "export",
            "--format",
            "csv",
            "--unmasked",
            "-o",
            out,
        ],
    )
}

fn uid_of_me(root: &Path) -> u32 {
    std::fs::metadata(root).unwrap().uid()
}

#[test]
fn export_refuses_a_symlink_at_the_output_path() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = store_with_a_case(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let victim = tmp.path().join("profile");
    std::fs::write(&victim, "keep").unwrap();
    for target in [victim.clone(), tmp.path().join("not-yet")] {
        let link = out.join("export.csv");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let o = export_to(&data, &cfg, link.to_str().unwrap());
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(entries(&out), vec![link.clone()], "no temporary file left");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(!tmp.path().join("not-yet").exists());
}

#[test]
fn export_refuses_a_fifo_a_device_or_a_directory_as_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = store_with_a_case(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let fifo = out.join("pipe");
    mkfifo(&fifo);
    let o = export_to(&data, &cfg, fifo.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    // a character device of our own making (mknod needs root; /dev itself is not touched)
    let dev = out.join("null");
    let made = Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let o = export_to(&data, &cfg, dev.to_str().unwrap());
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("character device"), "{}", stderr(&o));
        assert!(
            std::fs::symlink_metadata(&dev)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    } else {
        eprintln!("note: mknod not permitted here; the character-device case was skipped");
    }
    let o = export_to(&data, &cfg, out.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("directory"), "{}", stderr(&o));
    // a directory that does not exist is a bad argument too
    let missing = out.join("no-such-dir").join("all.csv");
    let o = export_to(&data, &cfg, missing.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-dir"), "{}", stderr(&o));
    let expected: Vec<PathBuf> = if made { vec![dev, fifo] } else { vec![fifo] };
    assert_eq!(entries(&out), expected, "nothing created beside them");
}

#[test]
fn export_replaces_a_regular_file_privately_and_dash_is_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = store_with_a_case(tmp.path());
    let path = tmp.path().join("all.csv");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    let ino = std::fs::metadata(&path).unwrap().ino();
    let o = export_to(&data, &cfg, path.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    let m = std::fs::metadata(&path).unwrap();
    assert_eq!(m.mode() & 0o777, 0o600);
    assert_ne!(m.ino(), ino, "a new file, renamed into place");
    assert!(std::fs::read_to_string(&path).unwrap().contains(&n));
    // `-o -` is stdout, not a file named "-"
    let o = Command::new(BIN)
        .current_dir(tmp.path())
        .args(["cases", "export", "--format", "csv", "-o", "-"])
        .env("GUANTONG_DATA_DIR", &data)
        .env("GUANTONG_CONFIG_DIR", &cfg)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&n));
    assert!(!tmp.path().join("-").exists());
}

/// The attack on the old, predictable temporary name `.NAME.PID.tmp`: while the
/// export waits for its questionnaire, a symlink to the victim, or a file of another user's
/// (mode 0666), is planted under that name. Neither may be written through or kept.
#[test]
fn export_never_writes_through_a_planted_temp_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, n) = store_with_a_case(tmp.path());
    let me = uid_of_me(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let victim = tmp.path().join("profile");
    std::fs::write(&victim, "keep").unwrap();
    let questionnaire = std::fs::read(fixture("mini.toml")).unwrap();
    for planted_symlink in [true, false] {
        for e in entries(&out) {
            std::fs::remove_file(e).unwrap();
        }
        let fifo = tmp.path().join(format!("q-{planted_symlink}.fifo"));
        mkfifo(&fifo);
        let dest = out.join("export.csv");
        let child = export_cmd(&data, &cfg, &fifo, &dest).spawn().unwrap();
        let planted = out.join(format!(".export.csv.{}.tmp", child.id()));
        let planted_ino = if planted_symlink {
            std::os::unix::fs::symlink(&victim, &planted).unwrap();
            None
        } else {
            std::fs::write(&planted, "planted").unwrap();
            std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
            // as another clerk's file, where the test may give it away (root)
            let c = CString::new(planted.as_os_str().as_bytes()).unwrap();
            // SAFETY: a valid path; failure (not root) is fine.
            let _ = unsafe { libc::chown(c.as_ptr(), 65534, 65534) };
            Some(std::fs::metadata(&planted).unwrap().ino())
        };
        // now let the export go on
        std::fs::write(&fifo, &questionnaire).unwrap();
        let (st, err) = wait_exit(child);
        assert!(st.success(), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let m = std::fs::symlink_metadata(&dest).unwrap();
        assert!(m.file_type().is_file(), "the export is a regular file");
        assert_eq!(m.mode() & 0o777, 0o600, "private");
        assert_eq!(m.uid(), me, "owned by the clerk who exported");
        if let Some(ino) = planted_ino {
            assert_ne!(m.ino(), ino, "not the planted file");
        }
        assert!(std::fs::read_to_string(&dest).unwrap().contains(&n));
    }
}

#[test]
fn a_signal_during_export_leaves_no_temp_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = store_with_a_case(tmp.path());
    for (sig, num) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let out = tmp.path().join(format!("out-{sig}"));
        std::fs::create_dir(&out).unwrap();
        let fifo = tmp.path().join(format!("q-{sig}.fifo"));
        mkfifo(&fifo);
        // held on the FIFO (never written): the export is under way, its temp file made
        let child = export_cmd(&data, &cfg, &fifo, &out.join("all.csv"))
            .spawn()
            .unwrap();
        let pid = child.id();
        let temp = wait_for_entry(&out, DEADLINE);
        if temp.is_none() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let temp = temp.expect("the export made its temporary file");
        assert!(temp.file_name().unwrap().to_string_lossy().starts_with('.'));
        let st = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(st.success());
        let (st, err) = wait_exit(child);
        assert!(!st.success(), "SIG{sig}: {err}");
        assert_eq!(st.code(), Some(128 + num), "SIG{sig}: {err}");
        assert_eq!(
            entries(&out),
            Vec::<PathBuf>::new(),
            "SIG{sig} left files behind"
        );
    }
}

fn executor(data: &Path) -> Executor {
    let store = guantong::case::Store::open(data).unwrap();
    Executor::new(store, Lang::Zh, jiff::civil::date(2026, 6, 15), None)
}

#[test]
fn a_planted_symlink_in_printouts_does_not_let_p_overwrite_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _cfg, n) = store_with_a_case(tmp.path());
    let q = mini();
    let key = tmp.path().join("signing.key");
    std::fs::write(&key, "secret key").unwrap();
    let printouts = data.join("printouts");
    std::fs::create_dir(&printouts).unwrap();
    std::fs::set_permissions(&printouts, std::fs::Permissions::from_mode(0o700)).unwrap();
    let planted = printouts.join(format!("{n}.html"));
    std::os::unix::fs::symlink(&key, &planted).unwrap();
    let mut ex = executor(&data);
    let reply = ex.run(
        &q,
        Effect::Print {
            number: n.clone(),
            to: PrintTo::Html,
        },
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), "secret key");
    assert!(matches!(reply, Some(Msg::Written(_))), "{reply:?}");
    let m = std::fs::symlink_metadata(&planted).unwrap();
    assert!(
        m.file_type().is_file(),
        "the printout replaced the link, not its target"
    );
    assert_eq!(m.mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&planted).unwrap().contains("<html"));
    // `printouts` itself a symlink to the clerk's config directory: refused
    std::fs::remove_dir_all(&printouts).unwrap();
    let elsewhere = tmp.path().join("config-dir");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &printouts).unwrap();
    let reply = ex.run(
        &q,
        Effect::Print {
            number: n.clone(),
            to: PrintTo::Html,
        },
    );
    match reply {
        Some(Msg::Failed(m)) => assert!(m.contains("symbolic link"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(entries(&elsewhere), Vec::<PathBuf>::new());
}

#[test]
fn printouts_in_a_shared_store_are_group_shared_2770() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let cfg = fixed_config(tmp.path());
    let n = sign(&data, &cfg, &fixture("eligible.toml"), "张三丰");
    let q = mini();
    // an earlier guantong made it 0700, locking the other clerks out
    let printouts = data.join("printouts");
    std::fs::create_dir(&printouts).unwrap();
    std::fs::set_permissions(&printouts, std::fs::Permissions::from_mode(0o700)).unwrap();
    let mut ex = executor(&data);
    let reply = ex.run(
        &q,
        Effect::Print {
            number: n.clone(),
            to: PrintTo::Html,
        },
    );
    assert!(matches!(reply, Some(Msg::Written(_))), "{reply:?}");
    let m = std::fs::symlink_metadata(&printouts).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o2770);
    let f = std::fs::metadata(printouts.join(format!("{n}.html"))).unwrap();
    assert_eq!(
        f.mode() & 0o777,
        0o640,
        "colleagues in the group can print it"
    );
    // and a private store keeps its printouts private
    let (data, _, n) = store_with_a_case(&tmp.path().join("private"));
    let mut ex = executor(&data);
    assert!(matches!(
        ex.run(
            &q,
            Effect::Print {
                number: n,
                to: PrintTo::Html,
            }
        ),
        Some(Msg::Written(_))
    ));
    let m = std::fs::metadata(data.join("printouts")).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o700);
}
