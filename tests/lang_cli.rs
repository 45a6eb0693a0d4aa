//! Diagnostics in the chosen language through every command that prints them (`check`,
//! `evaluate`, `test`, `cases sign`): `--lang`, else the config file's `lang`, else
//! Chinese. The line shape and the severity word are the same in both languages.

use std::path::Path;
use std::process::{Command, Output};

const MINI: &str = "tests/fixtures/mini.toml";
const BAD_Q: &str = "tests/lint/undefined_name.toml";
const OUT_OF_RANGE: &str = "tests/fixtures/answers_bad/out_of_range.toml";

/// guantong with its config directory at `cfg` (which may hold no config file).
fn run(cfg: &Path, args: &[&str]) -> Output {
    let data = cfg.join("data");
    Command::new(env!("CARGO_BIN_EXE_guantong"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("GUANTONG_CONFIG_DIR", cfg)
        .env("GUANTONG_DATA_DIR", &data)
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn with_config(src: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(src) = src {
        std::fs::write(dir.path().join("config.toml"), src).unwrap();
    }
    dir
}

const ZH_LINE: &str =
    "tests/lint/undefined_name.toml:23:14: error: 规则 `r` 的 when：未定义的名称 `b`";
const EN_LINE: &str =
    "tests/lint/undefined_name.toml:23:14: error: rule `r` when: undefined name `b`";

#[test]
fn check_speaks_chinese_by_default_and_follows_config_then_flag() {
    let none = with_config(None);
    let o = run(none.path(), &["check", BAD_Q]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains(ZH_LINE), "{}", text(&o.stdout));

    let en = with_config(Some("lang = \"en\"\n"));
    let o = run(en.path(), &["check", BAD_Q]);
    assert!(text(&o.stdout).contains(EN_LINE), "{}", text(&o.stdout));
    // the flag wins over the config file
    let o = run(en.path(), &["--lang", "zh", "check", BAD_Q]);
    assert!(text(&o.stdout).contains(ZH_LINE), "{}", text(&o.stdout));
}

#[test]
fn a_broken_config_is_named_unless_lang_is_given() {
    let bad = with_config(Some("lang = \"cn\"\n"));
    let o = run(bad.path(), &["check", BAD_Q]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("config.toml:1:8"), "{err}");
    assert!(err.contains("`lang`"), "{err}");
    assert!(o.stdout.is_empty());
    // with --lang the config file is not needed, so not read
    let o = run(bad.path(), &["--lang", "en", "check", BAD_Q]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains(EN_LINE), "{}", text(&o.stdout));
}

#[test]
fn evaluate_prints_a_broken_questionnaire_and_bad_answers_in_the_language() {
    let none = with_config(None);
    let o = run(none.path(), &["evaluate", BAD_Q, "--answers", OUT_OF_RANGE]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains(ZH_LINE), "{}", text(&o.stderr));

    let want_zh = format!("{OUT_OF_RANGE}:4:14: error: 事实 `years_held`：61 超出范围 0–60");
    let want_en = format!("{OUT_OF_RANGE}:4:14: error: fact `years_held`: 61 is outside 0–60");
    let o = run(none.path(), &["evaluate", MINI, "--answers", OUT_OF_RANGE]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).trim_end(), want_zh);
    let en = with_config(Some("lang = \"en\"\n"));
    let o = run(en.path(), &["evaluate", MINI, "--answers", OUT_OF_RANGE]);
    assert_eq!(text(&o.stderr).trim_end(), want_en);
    // a file that cannot be read
    let o = run(
        none.path(),
        &["evaluate", MINI, "--answers", "no_such.toml"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).starts_with("no_such.toml: error: 无法读取答案文件："),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn test_reports_an_unexpected_input_error_in_the_language() {
    let dir = with_config(None);
    let scen = dir.path().join("scenarios");
    std::fs::create_dir(&scen).unwrap();
    let file = scen.join("too_many_years.toml");
    std::fs::write(
        &file,
        "[facts]\ninterview_date = 2026-06-15\nyears_held = 61\n\n[expect]\nstatus = \"incomplete\"\n",
    )
    .unwrap();
    let s = scen.to_str().unwrap();
    let o = run(dir.path(), &["test", MINI, s]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("error: expected none, got ")
            && out.contains("事实 `years_held`：61 超出范围 0–60"),
        "{out}"
    );
    let o = run(dir.path(), &["--lang", "en", "test", MINI, s]);
    let out = text(&o.stdout);
    assert!(
        out.contains("fact `years_held`: 61 is outside 0–60"),
        "{out}"
    );
    // the questionnaire's own diagnostics, as check prints them
    let o = run(dir.path(), &["test", BAD_Q, s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains(ZH_LINE), "{}", text(&o.stderr));
}

#[test]
fn cases_sign_names_bad_answers_in_the_language() {
    let dir = with_config(None);
    let sign = |extra: &[&str]| {
        let mut args = vec![
            "cases",
            "sign",
            "--questionnaire",
            MINI,
            "--answers",
            OUT_OF_RANGE,
            "--pledge-confirmed",
        ];
        args.extend(extra);
        run(dir.path(), &args)
    };
    let o = sign(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr).trim_end(),
        format!("{OUT_OF_RANGE}:4:14: error: 事实 `years_held`：61 超出范围 0–60")
    );
    let o = sign(&["--lang", "en"]);
    assert_eq!(
        text(&o.stderr).trim_end(),
        format!("{OUT_OF_RANGE}:4:14: error: fact `years_held`: 61 is outside 0–60")
    );
    // a broken questionnaire at sign-off: its diagnostics in the language
    let o = run(
        dir.path(),
        &[
            "cases",
            "sign",
            "--questionnaire",
            BAD_Q,
            "--answers",
            OUT_OF_RANGE,
            "--pledge-confirmed",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains(ZH_LINE), "{}", text(&o.stderr));
}
