//! `guantong evaluate` against tests/fixtures/mini.toml: every bad answers file exits 2
//! and names the file, line, column and fact; good ones print the contract's JSON.

use std::process::{Command, Output};

const MINI: &str = "tests/fixtures/mini.toml";

fn evaluate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guantong"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GUANTONG_DATA_DIR")
        // no config file: the language is the default unless --lang says otherwise
        .env("GUANTONG_CONFIG_DIR", "tests/fixtures/no_config_dir")
        .args(args)
        .output()
        .unwrap()
}

/// `evaluate` in English, the language the messages below are pinned in.
fn evaluate_en(args: &[&str]) -> Output {
    let mut all = vec!["--lang", "en"];
    all.extend(args);
    evaluate(&all)
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// (fixture under tests/fixtures/answers_bad/, `line:col`, fact, message fragment)
const BAD: &[(&str, &str, &str, &str)] = &[
    (
        "unknown_fact",
        "4:20",
        "favourite_colour",
        "the questionnaire `mini` defines no fact `favourite_colour`",
    ),
    ("wrong_type", "4:11", "retired", "expected true or false"),
    (
        "not_a_choice",
        "4:15",
        "skill_level",
        "\"level9\" is not one of the choices (level2, level3, level4)",
    ),
    ("out_of_range", "4:14", "years_held", "61 is outside 0–60"),
    (
        "bad_list_item",
        "4:10",
        "awards",
        "\"planetary\" is not one of the choices",
    ),
    (
        "duplicate_list_item",
        "4:10",
        "awards",
        "\"national\" is listed twice",
    ),
    (
        "bad_id_check_digit",
        "4:13",
        "id_number",
        "the ID number does not pass its check",
    ),
    (
        "bad_id_pattern",
        "4:13",
        "id_number",
        "does not have the expected form",
    ),
    (
        "id_contradicts_birth_date",
        "5:14",
        "birth_date",
        "the date of birth contradicts the ID number",
    ),
    (
        "bad_date",
        "4:19",
        "skill_cert_date",
        "\"2026-02-30\" is not a valid date",
    ),
    ("float_value", "4:14", "years_held", "unsupported value"),
];

#[test]
fn each_bad_answers_file_exits_2_naming_place_and_fact() {
    let mut failures = Vec::new();
    for (name, pos, fact, msg) in BAD {
        let file = format!("tests/fixtures/answers_bad/{name}.toml");
        let o = evaluate_en(&["evaluate", MINI, "--answers", &file]);
        let err = stderr(&o);
        let want = format!("{file}:{pos}: error: fact `{fact}`: ");
        let ok = o.status.code() == Some(2)
            && o.stdout.is_empty()
            && err.lines().count() == 1
            && err.contains(&want)
            && err.contains(msg);
        if !ok {
            failures.push(format!(
                "{name}: status {:?}, expected `{want}…{msg}`, stderr:\n{err}",
                o.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Some of the same files in Chinese, the default language: the fact named as 事实 `x`：,
/// the severity word unchanged.
const BAD_ZH: &[(&str, &str)] = &[
    (
        "unknown_fact",
        "4:20: error: 事实 `favourite_colour`：问卷 `mini` 中没有事实 `favourite_colour`",
    ),
    (
        "wrong_type",
        "4:11: error: 事实 `retired`：应为是/否（true 或 false）",
    ),
    (
        "not_a_choice",
        "4:15: error: 事实 `skill_level`：“level9”不是可选项（level2、level3、level4）",
    ),
    (
        "float_value",
        "4:14: error: 事实 `years_held`：不支持的值（该事实为 integer 类型）",
    ),
    (
        "bad_id_check_digit",
        "4:13: error: 事实 `id_number`：身份证号码校验不通过",
    ),
    (
        "toml_syntax",
        "4:22: error: 事实 `skill_level`：TOML 格式错误：invalid basic string, expected `\"`",
    ),
];

#[test]
fn bad_answers_files_are_named_in_chinese_by_default() {
    let mut failures = Vec::new();
    for (name, expected) in BAD_ZH {
        let file = format!("tests/fixtures/answers_bad/{name}.toml");
        let o = evaluate(&["evaluate", MINI, "--answers", &file]);
        let err = stderr(&o);
        let want = format!("{file}:{expected}");
        if o.status.code() != Some(2) || err.trim_end() != want {
            failures.push(format!(
                "{name}: status {:?}, expected `{want}`, got:\n{err}",
                o.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every error of every bad answers file is written in Chinese under `--lang zh` (only the
/// TOML library's own words may follow a Chinese prefix in English).
#[test]
fn no_answers_error_is_english_only_in_chinese() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/answers_bad");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for name in &names {
        let file = format!("tests/fixtures/answers_bad/{name}.toml");
        let zh = stderr(&evaluate(&[
            "--lang",
            "zh",
            "evaluate",
            MINI,
            "--answers",
            &file,
        ]));
        let en = stderr(&evaluate_en(&["evaluate", MINI, "--answers", &file]));
        assert!(!zh.is_empty(), "{name}");
        for (z, e) in zh.lines().zip(en.lines()) {
            let (zm, em) = (
                z.split_once(": error: ").map(|x| x.1),
                e.split_once(": error: ").map(|x| x.1),
            );
            let cjk = zm.is_some_and(|m| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            if !cjk || zm == em {
                failures.push(format!("{name}: `{z}`"));
            }
        }
        assert_eq!(zh.lines().count(), en.lines().count(), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_toml_syntax_error_exits_2_with_its_position() {
    let file = "tests/fixtures/answers_bad/toml_syntax.toml";
    let o = evaluate_en(&["evaluate", MINI, "--answers", file]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{file}:4:22: error: fact `skill_level`: TOML: ")),
        "{err}"
    );
}

#[test]
fn every_error_in_a_file_is_reported_in_line_order() {
    let file = "tests/fixtures/answers_bad/several_errors.toml";
    let o = evaluate_en(&["evaluate", MINI, "--answers", file]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with(&format!("{file}:2:15: error: fact `title_level`")));
    assert!(lines[1].starts_with(&format!("{file}:3:14: error: fact `years_held`")));
    assert!(lines[2].starts_with(&format!("{file}:4:12: error: fact `nickname`")));
}

#[test]
fn every_bad_fixture_is_asserted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/answers_bad");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            BAD.iter().any(|(n, ..)| *n == stem)
                || ["toml_syntax", "several_errors"].contains(&stem.as_str()),
            "fixture {stem} has no assertion"
        );
    }
}

#[test]
fn unreadable_answers_and_a_broken_questionnaire() {
    let o = evaluate_en(&[
        "evaluate",
        MINI,
        "--answers",
        "tests/fixtures/no_such_answers.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tests/fixtures/no_such_answers.toml"));
    // a questionnaire with errors: its diagnostics, exit 1
    let o = evaluate_en(&[
        "evaluate",
        "tests/lint/undefined_name.toml",
        "--answers",
        "tests/fixtures/mini_answers.toml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("undefined name `b`"));
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn a_complete_case_prints_the_results_as_json() {
    let o = evaluate(&[
        "evaluate",
        MINI,
        "--answers",
        "tests/fixtures/mini_answers.toml",
    ]);
    let j = json(&o);
    let r = &j["results"];
    assert_eq!(r["status"], "eligible");
    assert_eq!(r["missing"], serde_json::json!([]));
    assert_eq!(r["level"], "assistant");
    assert_eq!(r["fee_yuan"], 150);
    assert_eq!(r["route"], "standard");
    assert_eq!(r["referred"], false);
    assert_eq!(r["retirement_date"], "2051-05-20");
    assert_eq!(r["window_start"], "2026-06-01");
    assert_eq!(j["questionnaire"]["id"], "mini");
    let codes: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["awarded"]);
    assert_eq!(j["findings"][0]["kind"], "note");
    assert_eq!(j["findings"][0]["cite"], "第二条");
    assert_eq!(j["materials"].as_array().unwrap().len(), 2);
    assert_eq!(j["steps"][0]["text"], "在受理期内提交申报材料。");
}

#[test]
fn facts_may_sit_under_a_facts_table_and_blockers_make_it_ineligible() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.toml");
    std::fs::write(
        &path,
        "[facts]\ninterview_date = 2026-06-15\npathway = \"skill_to_title\"\nskill_level = \"level4\"\n",
    )
    .unwrap();
    let j = json(&evaluate(&[
        "evaluate",
        MINI,
        "--answers",
        path.to_str().unwrap(),
    ]));
    assert_eq!(j["results"]["status"], "ineligible");
    assert_eq!(j["results"]["level"], serde_json::Value::Null);
    assert_eq!(j["results"]["fee_yuan"], serde_json::Value::Null);
    assert_eq!(j["findings"][0]["code"], "not_high_skilled");
    assert_eq!(j["findings"][0]["kind"], "blocker");
}

#[test]
fn an_incomplete_case_lists_the_missing_facts_in_interview_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.toml");
    std::fs::write(
        &path,
        "interview_date = 2026-06-15\npathway = \"title_to_skill\"\ntitle_level = \"junior\"\nyears_held = 3\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let j = json(&evaluate(&["evaluate", MINI, "--answers", p]));
    assert_eq!(j["results"]["status"], "incomplete");
    // the retirement blocker waits for the birth date and sex (their defaults read the
    // absent ID number); the refer rule waits for demerit
    assert_eq!(
        j["results"]["missing"],
        serde_json::json!(["id_number", "birth_date", "sex", "demerit"])
    );
    // a result that does not depend on the missing facts is already known
    assert_eq!(j["results"]["level"], "level4");
    // the text summary names the missing facts by their prompts
    let o = evaluate(&[
        "--lang",
        "en",
        "evaluate",
        MINI,
        "--answers",
        p,
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("incomplete"), "{text}");
    assert!(text.contains("Any failed appraisal recently?"), "{text}");
}

#[test]
fn the_text_summary_is_chinese_first_english_on_request() {
    let args = [
        "evaluate",
        MINI,
        "--answers",
        "tests/fixtures/mini_answers.toml",
        "--format",
        "text",
    ];
    let zh = String::from_utf8(evaluate(&args).stdout).unwrap();
    assert!(zh.contains("迷你问卷"), "{zh}");
    assert!(zh.contains("助理级"), "{zh}");
    assert!(zh.contains("有获奖，可走绿色通道。"), "{zh}");
    let mut en_args = vec!["--lang", "en"];
    en_args.extend(args);
    let en = String::from_utf8(evaluate(&en_args).stdout).unwrap();
    assert!(en.contains("Mini questionnaire"), "{en}");
    assert!(en.contains("Assistant"), "{en}");
    assert!(en.contains("Awarded: green channel."), "{en}");
}

#[test]
fn hostile_answers_files_are_errors_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "deep_list",
            format!("awards = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "deep_table",
            format!("awards = {}1{}\n", "{a=".repeat(10_000), "}".repeat(10_000)),
        ),
        (
            "nested_list",
            "awards = [[\"national\"]]\n".to_string(),
        ),
        (
            "long_text",
            format!("id_number = \"{}\"\n", "4".repeat(1_000_000)),
        ),
        (
            "far_date",
            "skill_cert_date = 9999-12-31\ninterview_date = 0001-01-01\npathway = \"skill_to_title\"\nyears_held = 9223372036854775807\n".to_string(),
        ),
        ("huge_int", "years_held = 99999999999999999999\n".to_string()),
        ("binary", "\u{0}\u{1}\u{2}".to_string()),
    ];
    for (name, src) in cases {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, src).unwrap();
        let o = evaluate(&["evaluate", MINI, "--answers", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {:?} {err}", o.status);
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("{}:", path.display())),
            "{name}: {}",
            &err[..300.min(err.len())]
        );
    }
}

#[test]
fn extreme_but_valid_dates_evaluate_without_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.toml");
    std::fs::write(
        &path,
        "interview_date = 9999-12-31\npathway = \"skill_to_title\"\nbirth_date = 0001-01-01\n\
         sex = \"male\"\nskill_level = \"level2\"\nskill_cert_date = 0001-01-01\n",
    )
    .unwrap();
    let j = json(&evaluate(&[
        "evaluate",
        MINI,
        "--answers",
        path.to_str().unwrap(),
    ]));
    // born in year 1: retired long before the interview date
    assert_eq!(j["results"]["status"], "ineligible");
    assert_eq!(j["results"]["retirement_date"], "0061-01-01");
}

#[test]
fn keys_beside_a_facts_table_are_not_silently_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("answers.toml");
    std::fs::write(
        &path,
        "retired = \"garbage\"\n[facts]\ninterview_date = 2026-06-15\n",
    )
    .unwrap();
    let o = evaluate(&["evaluate", MINI, "--answers", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("retired"));
}
