//! The clerk's command line (issue 9): `cases show` by short forms of the number, `--status`
//! in Chinese, lists and CSV in words (codes only with `--codes`), corrections marked both
//! ways in list, show, JSON and CSV, and every time a person reads in local time to the
//! second. Each test signs real cases with the binary into its own store.

mod store_common;

use std::path::{Path, PathBuf};

use store_common::{fixed_config, run, run_env, stderr, stdout};

/// The answers of a complete skill_to_title case (eligible for the assistant level), with
/// the applicant's name and ID number; `extra` lines replace or add answers.
fn answers(dir: &Path, file: &str, name: &str, extra: &str) -> PathBuf {
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bench_case.toml"),
    )
    .unwrap();
    let mut text = String::new();
    for line in base.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        let replaced = extra
            .lines()
            .any(|l| l.split('=').next().unwrap_or("").trim() == key && !key.is_empty());
        if !replaced {
            text.push_str(line);
            text.push('\n');
        }
    }
    text.push_str(&format!(
        "applicant_name = \"{name}\"\nid_number = \"451021198805200011\"\n{extra}\n"
    ));
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    p
}

/// Sign with the built-in questionnaire (prefix BS); returns the number.
fn sign(data: &Path, cfg: &Path, answers: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "cases",
        "sign",
        "--confirm-duplicate",
        "--pledge-confirmed",
        "--answers",
        answers.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(data, cfg, &args);
    assert!(o.status.success(), "sign: {}", stderr(&o));
    stdout(&o).trim().to_string()
}

fn this_year() -> i16 {
    jiff::ZonedDateTime::now().year()
}

struct Rig {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    cfg: PathBuf,
    first: String,
    second: String,
}

/// Two cases: an eligible one and an ineligible one (not working in Baise).
fn rig() -> Rig {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    std::fs::write(cfg.join("config.toml"), "clerk_name = \"李四\"\n").unwrap();
    let ok = answers(tmp.path(), "ok.toml", "张三", "");
    let no = answers(tmp.path(), "no.toml", "王五", "works_in_baise = false");
    let first = sign(&data, &cfg, &ok, &[]);
    let second = sign(&data, &cfg, &no, &[]);
    Rig {
        _tmp: tmp,
        data,
        cfg,
        first,
        second,
    }
}

#[test]
fn show_takes_short_forms_of_the_number() {
    let r = rig();
    let y = this_year();
    assert_eq!(r.first, format!("BS-451002-{y}-000001"));
    let full = run(&r.data, &r.cfg, &["cases", "show", &r.first]);
    assert!(full.status.success(), "{}", stderr(&full));
    for short in [
        "1".to_string(),
        "000001".to_string(),
        format!("bs-{y}-1"),
        format!("{y}-1"),
        format!("451002-{y}-1"),
        format!("BS-451002-{y}-000001"),
        format!(" bs-451002-{y}-01 "),
    ] {
        let o = run(&r.data, &r.cfg, &["cases", "show", &short]);
        assert!(o.status.success(), "{short}: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&full), "{short}");
    }
    let o = run(&r.data, &r.cfg, &["cases", "show", "2"]);
    assert!(stdout(&o).contains(&r.second), "{}", stdout(&o));
    // a short form naming no case: not found, the form named, exit 2
    for none in [
        "3".to_string(),
        format!("sb-{y}-1"),
        format!("451002-2-{y}-1"),
        format!("bs-{}-1", y - 1),
        "张三".to_string(),
    ] {
        let o = run(&r.data, &r.cfg, &["cases", "show", &none]);
        assert_eq!(o.status.code(), Some(2), "{none}: {}", stdout(&o));
        assert!(stderr(&o).contains(none.trim()), "{none}: {}", stderr(&o));
    }
    // `cases sign --amends` takes them too
    let tmp = tempfile::tempdir().unwrap();
    let fix = answers(tmp.path(), "fix.toml", "张三", "");
    let n = sign(&r.data, &r.cfg, &fix, &["--amends", "1"]);
    let o = run(&r.data, &r.cfg, &["cases", "show", &n, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["amends"], r.first.as_str());
}

#[test]
fn status_in_chinese_filters_like_the_code() {
    let r = rig();
    let list = |status: &str| {
        let o = run(
            &r.data,
            &r.cfg,
            &["cases", "list", "--status", status, "--format", "json"],
        );
        assert!(o.status.success(), "{status}: {}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(list("不符合"), list("ineligible"));
    assert!(list("不符合").contains(&r.second) && !list("不符合").contains(&r.first));
    assert_eq!(list("符合"), list("eligible"));
    assert!(list("符合").contains(&r.first));
    assert_eq!(list("Ineligible"), list("ineligible"));
    let o = run(&r.data, &r.cfg, &["cases", "list", "--status", "cn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不符合") && stderr(&o).contains("ineligible"));
}

/// Internal codes a person should never read in a Chinese list or CSV.
const CODES: [&str; 6] = [
    "eligible",
    "skill_to_title",
    "assistant",
    "standard",
    "fee_yuan",
    "status",
];

#[test]
fn lists_and_csv_speak_chinese_and_codes_only_when_asked() {
    let r = rig();
    for args in [
        vec!["cases", "list"],
        vec!["cases", "list", "--format", "csv"],
        vec!["cases", "export", "--format", "csv"],
    ] {
        let o = run(&r.data, &r.cfg, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let out = stdout(&o);
        for code in CODES {
            assert!(!out.contains(code), "{args:?} shows {code}:\n{out}");
        }
        for word in ["案件编号", "结论", "符合", "不符合", "助理级职称", "李四"] {
            assert!(out.contains(word), "{args:?} lacks {word}:\n{out}");
        }
    }
    // CSV for Excel/WPS: the byte-order mark, Chinese headers, the result labels
    let o = run(&r.data, &r.cfg, &["cases", "export", "--format", "csv"]);
    let csv = stdout(&o);
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("\u{feff}案件编号,签发时间,面谈日期,申请人"),
        "{header}"
    );
    assert!(
        header.contains("已更正为")
            && header.contains("可申报等级")
            && header.contains("评审费（元）"),
        "{header}"
    );
    // --codes: ids and codes for scripts, times in UTC
    for args in [
        vec!["cases", "list", "--format", "csv", "--codes"],
        vec!["cases", "export", "--format", "csv", "--codes"],
    ] {
        let o = run(&r.data, &r.cfg, &args);
        let out = stdout(&o);
        assert!(
            out.contains("skill_to_title") && out.contains("ineligible"),
            "{out}"
        );
        assert!(!out.contains("符合") && !out.contains("案件编号"), "{out}");
    }
    let o = run(
        &r.data,
        &r.cfg,
        &["cases", "export", "--format", "csv", "--codes"],
    );
    let out = stdout(&o);
    assert!(
        out.lines()
            .next()
            .unwrap()
            .starts_with("\u{feff}number,signed_at,interview_date"),
        "{out}"
    );
    assert!(out.lines().nth(1).unwrap().contains('Z'), "{out}");
    // JSON keeps the codes
    let o = run(&r.data, &r.cfg, &["cases", "list", "--format", "json"]);
    assert!(
        stdout(&o).contains("\"status\":\"eligible\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_correction_is_marked_on_both_cases_everywhere() {
    let r = rig();
    let tmp = tempfile::tempdir().unwrap();
    let fix = answers(tmp.path(), "fix.toml", "张三丰", "");
    let n = sign(&r.data, &r.cfg, &fix, &["--amends", &r.first]);
    let o = run(&r.data, &r.cfg, &["cases", "list"]);
    let table = stdout(&o);
    let line = |num: &str| {
        table
            .lines()
            .find(|l| l.starts_with(num))
            .unwrap_or_else(|| panic!("{num} not listed:\n{table}"))
            .to_string()
    };
    assert!(line(&r.first).contains(&format!("已更正为 {n}")), "{table}");
    assert!(line(&n).contains(&format!("更正 {}", r.first)), "{table}");
    assert!(!line(&r.second).contains("更正"), "{table}");
    // show: the original's first line says so, and a row names the new case
    let o = run(&r.data, &r.cfg, &["cases", "show", &r.first]);
    let text = stdout(&o);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains(&format!("已更正，见 {n}")),
        "{text}"
    );
    assert!(text.contains(&format!("已更正为: {n}")), "{text}");
    let o = run(&r.data, &r.cfg, &["cases", "show", &n]);
    assert!(
        stdout(&o).contains(&format!("更正案件: {}", r.first)),
        "{}",
        stdout(&o)
    );
    // English, JSON, CSV
    let o = run(
        &r.data,
        &r.cfg,
        &["--lang", "en", "cases", "show", &r.first],
    );
    assert!(
        stdout(&o).contains(&format!("(corrected: see {n})")),
        "{}",
        stdout(&o)
    );
    let o = run(
        &r.data,
        &r.cfg,
        &["cases", "show", &r.first, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["amended_by"], serde_json::json!([n]));
    let o = run(&r.data, &r.cfg, &["cases", "export", "--format", "csv"]);
    let csv = stdout(&o);
    let row = csv.lines().find(|l| l.starts_with(&r.first)).unwrap();
    assert!(row.contains(&n), "{row}");
    // a second correction of the original is refused, naming the correction
    let o = run(
        &r.data,
        &r.cfg,
        &[
            "cases",
            "sign",
            "--pledge-confirmed",
            "--answers",
            fix.to_str().unwrap(),
            "--amends",
            &r.first,
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains(&n), "{}", stderr(&o));
}

#[test]
fn times_a_person_reads_are_local_to_the_second_and_json_keeps_utc() {
    let r = rig();
    let json = run(
        &r.data,
        &r.cfg,
        &["cases", "show", &r.first, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let utc = v["signed_at"].as_str().unwrap().to_string();
    assert!(utc.ends_with('Z'), "{utc}");
    let at: jiff::Timestamp = utc.parse().unwrap();
    let plus8 = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
    let want = at
        .to_zoned_datetime(plus8)
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string();
    let env = [
        ("GUANTONG_OFFICE", Some("451002")),
        ("TZ", Some("Asia/Shanghai")),
    ];
    let o = run_env(&r.data, &r.cfg, &["cases", "show", &r.first], &env);
    assert!(
        stdout(&o).contains(&format!("签发时间: {want}")),
        "{}",
        stdout(&o)
    );
    let o = run_env(
        &r.data,
        &r.cfg,
        &["cases", "export", "--format", "csv"],
        &env,
    );
    assert!(stdout(&o).contains(&format!(",{want},")), "{}", stdout(&o));
    // JSON and the record keep UTC
    let o = run_env(
        &r.data,
        &r.cfg,
        &["cases", "show", &r.first, "--format", "json"],
        &env,
    );
    assert!(stdout(&o).contains(&utc), "{}", stdout(&o));
}
