//! `lp` as the print queue: a fake `lp` first on the search path records the arguments it
//! got, its standard input and the file it was given; the test asserts exactly those. A
//! missing `lp`, a failing one (its message shown made safe) and a hanging one are clear
//! errors; bad printer names and titles never reach `lp`.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use guantong::print::lp::{Job, Lp, LpError};

/// A directory with an executable `bin/lp` made of `body` (a shell script; `$REC` in it
/// is the directory's `rec/`, made empty).
fn fake_lp(body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let rec = dir.path().join("rec");
    std::fs::create_dir(&bin).unwrap();
    std::fs::create_dir(&rec).unwrap();
    let lp = bin.join("lp");
    let script = format!("#!/bin/sh\nREC='{}'\n{body}\n", rec.display());
    std::fs::write(&lp, script).unwrap();
    std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, bin)
}

/// The search path with `bin` first.
fn path_with(bin: &Path) -> OsString {
    let mut p = OsString::from(bin);
    if let Some(rest) = std::env::var_os("PATH") {
        p.push(":");
        p.push(rest);
    }
    p
}

/// An `lp` that records into `rec/`: argv (NUL-separated), what its stdin is, a copy of
/// the last argument's file; then says what CUPS's lp says.
fn recording_lp() -> (tempfile::TempDir, Lp, PathBuf) {
    let (dir, bin) = fake_lp(
        r#"for a in "$@"; do printf '%s\0' "$a"; done > "$REC/argv"
readlink /proc/self/fd/0 > "$REC/stdin"
for a in "$@"; do last="$a"; done
cat -- "$last" > "$REC/file"
echo "request id is office-12 (1 file(s))""#,
    );
    let rec = dir.path().join("rec");
    let lp = Lp {
        path: Some(path_with(&bin)),
        ..Lp::default()
    };
    (dir, lp, rec)
}

fn argv(rec: &Path) -> Vec<String> {
    let raw = std::fs::read(rec.join("argv")).unwrap();
    raw.split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8(s.to_vec()).unwrap())
        .collect()
}

fn pdf_file() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("BS-2026-000001.pdf");
    let bytes = b"%PDF-1.7\n\x00\xff binary receipt".to_vec();
    std::fs::write(&p, &bytes).unwrap();
    (d, p, bytes)
}

#[test]
fn lp_gets_the_printer_the_case_number_and_the_file_after_the_options() {
    let (_keep, lp, rec) = recording_lp();
    let (_d, file, bytes) = pdf_file();
    let job = lp.print("office-2F", "BS-2026-000001", &file).unwrap();
    assert_eq!(
        job,
        Job {
            id: Some("office-12".into())
        }
    );
    assert_eq!(
        argv(&rec),
        [
            "-doffice-2F".to_string(),
            "-tBS-2026-000001".to_string(),
            "--".to_string(),
            file.display().to_string(),
        ]
    );
    assert_eq!(std::fs::read(rec.join("file")).unwrap(), bytes);
    // lp never reads the clerk's terminal
    assert_eq!(
        std::fs::read_to_string(rec.join("stdin")).unwrap().trim(),
        "/dev/null"
    );
}

#[test]
fn a_printer_named_like_an_option_stays_the_printers_name() {
    for name in ["-o", "--", "-dother", "-h"] {
        let (_keep, lp, rec) = recording_lp();
        let (_d, file, _) = pdf_file();
        lp.print(name, "BS-2026-000001", &file).unwrap();
        let a = argv(&rec);
        // one word, the option letter glued to the name: lp reads it as -d's value
        assert_eq!(a[0], format!("-d{name}"));
        assert_eq!(a.len(), 4, "{a:?}");
        assert_eq!(a[2], "--");
    }
}

#[test]
fn bad_printer_names_and_titles_never_reach_lp() {
    let (_keep, lp, rec) = recording_lp();
    let (_d, file, _) = pdf_file();
    for name in ["", "two words", "x\u{1b}]52;c;AAAA\u{7}", "a#b"] {
        let e = lp.print(name, "BS-2026-000001", &file).unwrap_err();
        assert!(matches!(e, LpError::BadPrinter { .. }), "{e:?}");
        assert!(!e.to_string().chars().any(guantong::safe::is_unsafe), "{e}");
    }
    for title in ["", "韦小宝 BS-2026-000001", "BS\u{202e}1"] {
        let e = lp.print("office", title, &file).unwrap_err();
        assert!(matches!(e, LpError::BadTitle { .. }), "{e:?}");
    }
    assert!(!rec.join("argv").exists(), "lp was run");
}

#[test]
fn a_failing_lp_shows_its_message_made_safe() {
    let (_keep, bin) = fake_lp(
        r#"printf 'lp: The printer or class does not exist.\033]52;c;ZXZpbA==\007\n' >&2
exit 1"#,
    );
    let lp = Lp {
        path: Some(path_with(&bin)),
        ..Lp::default()
    };
    let (_d, file, _) = pdf_file();
    let e = lp.print("nosuch", "BS-2026-000001", &file).unwrap_err();
    match &e {
        LpError::Failed { status, stderr } => {
            assert_eq!(status, "exit 1");
            assert_eq!(
                stderr,
                "lp: The printer or class does not exist.<U+001B>]52;c;ZXZpbA==<U+0007>"
            );
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains("does not exist") && !msg.contains('\u{1b}'),
        "{msg}"
    );
}

#[test]
fn a_missing_lp_names_the_package() {
    let empty = tempfile::tempdir().unwrap();
    let lp = Lp {
        path: Some(empty.path().into()),
        ..Lp::default()
    };
    let (_d, file, _) = pdf_file();
    let e = lp.print("office", "BS-2026-000001", &file).unwrap_err();
    assert!(matches!(e, LpError::Missing), "{e:?}");
    assert!(e.to_string().contains("apt-get install cups-client"), "{e}");
}

#[test]
fn an_lp_that_hangs_is_stopped_at_the_deadline() {
    let (_keep, bin) = fake_lp("exec sleep 30");
    let lp = Lp {
        path: Some(path_with(&bin)),
        timeout: Duration::from_millis(300),
        ..Lp::default()
    };
    let (_d, file, _) = pdf_file();
    let t = std::time::Instant::now();
    let e = lp.print("office", "BS-2026-000001", &file).unwrap_err();
    assert!(matches!(e, LpError::TimedOut { .. }), "{e:?}");
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
}
