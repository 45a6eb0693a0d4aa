//! `guantong check`: one fixture per linter error under `tests/lint/`, each asserted on
//! its exit status and its exact `file:line:col: error: message`; the warnings; a clean
//! questionnaire; the JSON format.

use std::path::Path;
use std::process::{Command, Output};

use guantong::text::Lang;

/// `guantong check` in English: the expected lines below pin the English wording.
fn check(args: &[&str]) -> Output {
    check_in("en", args)
}

fn check_in(lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guantong"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--lang", lang, "check"])
        .args(args)
        .env_remove("GUANTONG_DATA_DIR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// (fixture, `line:col: severity: message` expected after the file name)
const ERRORS: &[(&str, &str)] = &[
    (
        "toml_syntax",
        "23:10: error: TOML: invalid basic string, expected `\"`",
    ),
    (
        "unknown_key",
        "19:1: error: TOML: unknown field `colour`, expected one of `id`",
    ),
    (
        "expr_syntax_cjk",
        "23:27: error: rule `r` when: expected a value, found `&&`",
    ),
    (
        "type_date_int",
        "23:9: error: rule `r` when: cannot compare date with int using `>`",
    ),
    (
        "undefined_name",
        "23:14: error: rule `r` when: undefined name `b`",
    ),
    (
        "enum_literal",
        "27:24: error: rule `r` when: \"level9\" is not a choice of skill_level (level3, level4)",
    ),
    (
        "arg_count",
        "23:9: error: rule `r` when: whole_years() takes 2 arguments, got 1",
    ),
    ("duplicate_fact", "21:6: error: duplicate fact id `a`"),
    (
        "duplicate_rule",
        "28:8: error: duplicate rule `r` (same code and condition)",
    ),
    (
        "rule_code_two_kinds",
        "28:8: error: rule code `r` is used with two kinds (note and blocker)",
    ),
    ("duplicate_section", "21:6: error: duplicate section id `s`"),
    (
        "derived_cycle",
        "21:8: error: derived `x` is part of a cycle (it reads y)",
    ),
    (
        "ask_if_later",
        "19:10: error: fact `a`: ask_if reads `b`, a fact asked later",
    ),
    (
        "ask_if_itself",
        "19:10: error: fact `a`: ask_if reads `a`, itself",
    ),
    (
        "default_later",
        "19:11: error: fact `n`: default reads `m`, a fact asked later",
    ),
    (
        "default_type",
        "19:12: error: fact `n` default: is bool, but the fact is integer",
    ),
    (
        "default_choice",
        "23:11: error: fact `skill_level`: default level9 is outside its choices or range",
    ),
    (
        "default_range",
        "21:11: error: fact `n`: default 99 is outside its choices or range",
    ),
    (
        "choices_not_enum",
        "16:8: error: fact `a`: `choices` apply only to enum and enum_list",
    ),
    (
        "rule_without_cite",
        "21:8: error: rule `r` has no `cite` (the article it rests on)",
    ),
    (
        "unknown_rule_kind",
        "22:8: error: rule `r`: kind must be blocker, refer, action or note, not `warning`",
    ),
    (
        "missing_required_result",
        "6:31: error: required result `level` is not defined in [[results]]",
    ),
    (
        "today_in_rule",
        "23:13: error: rule `r` when: today() may be used only in a fact's default",
    ),
    (
        "status_outside_results",
        "23:14: error: rule `r` when: `status` can be read only by results",
    ),
    (
        "fired_outside_results",
        "30:9: error: rule `s` when: `fired()` can be used only by results",
    ),
    (
        "fired_unknown_code",
        "29:15: error: result `flag`: no rule has the code \"nope\"",
    ),
    (
        "cite_no_article",
        "24:8: error: cite `第九十九条` names no article in [articles]",
    ),
    (
        "bad_pattern",
        "19:11: error: fact `t`: invalid pattern: unclosed character class",
    ),
    (
        "min_above_max",
        "19:7: error: fact `n`: min 10 is above max 5",
    ),
    (
        "float_in_data",
        "8:1: error: [data.rate]: decimals are not supported: use integers (money as an integer number of fen, 分)",
    ),
    // beyond the list
    (
        "expr_syntax_escapes",
        "23:29: error: rule `r` when: expected a value, found `&&`",
    ),
    (
        "fact_id_not_snake_case",
        "15:6: error: fact id `SkillLevel` must be ASCII snake_case",
    ),
    (
        "reserved_fact_id",
        "15:6: error: `status` is a reserved name",
    ),
    (
        "unknown_fact_type",
        "16:8: error: fact `a`: unknown type `boolean` (bool, integer, date, text, enum, enum_list)",
    ),
    (
        "enum_without_choices",
        "16:8: error: fact `e`: an enum needs `choices`",
    ),
    (
        "duplicate_choice",
        "21:13: error: fact `e`: duplicate choice `x`",
    ),
    (
        "min_on_non_integer",
        "19:7: error: fact `d`: `min`/`max` apply only to integers",
    ),
    (
        "pattern_on_non_text",
        "19:11: error: fact `n`: `pattern` applies only to text",
    ),
    (
        "ask_if_not_bool",
        "25:11: error: fact `a` ask_if: must be a bool, found int",
    ),
    (
        "section_ask_if_own_fact",
        "13:10: error: section `s` ask_if reads `a`, which is not asked before this section",
    ),
    (
        "when_not_bool",
        "23:9: error: rule `r` when: must be a bool, found int",
    ),
    (
        "data_member_missing",
        "26:18: error: rule `r` when: data has no `fees` (it has: fee)",
    ),
    (
        "result_named_status",
        "28:8: error: `status` is computed from the rules; it cannot be a result expression",
    ),
    (
        "applicant_id_not_text",
        "6:16: error: meta.applicant_id: fact `a` must be text",
    ),
    (
        "valid_from_after_valid_to",
        "6:1: error: meta.valid_from is after meta.valid_to",
    ),
    (
        "derived_named_like_fact",
        "21:8: error: derived `a` has the name of a fact or a reserved name",
    ),
    ("empty_cite", "24:8: error: empty cite"),
    (
        "ternary_branch_types",
        "29:9: error: rule `r` when: the branches of `?:` have different types: int and string",
    ),
    (
        "comparison_chain",
        "23:15: error: rule `r` when: comparisons cannot be chained; add parentheses after `<`",
    ),
];

const WARNINGS: &[(&str, &str)] = &[
    (
        "warn_unread_fact",
        "21:6: warning: fact `b` is read by no expression",
    ),
    (
        "warn_unmentioned_choice",
        "21:13: warning: choice `level4` of `skill_level` is mentioned by no expression",
    ),
    (
        "warn_missing_english",
        "25:11: warning: rule `r` message has no English text",
    ),
    (
        "warn_unguarded_read",
        "30:8: warning: rule `r` reads `subsidy_elsewhere` where its absence (not asked: null) makes the condition hold; guard it with known(subsidy_elsewhere) or the condition that asks it",
    ),
];

/// `[meta] quiet` silences the kinds of warning it names, and only those.
#[test]
fn quiet_silences_the_kinds_it_names() {
    let o = check(&["tests/lint/quiet_warnings.toml"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "");
    let src = std::fs::read_to_string("tests/lint/quiet_warnings.toml").unwrap_or_default();
    let loud = src.replace(
        "quiet = [\"unmentioned_choice\", \"unguarded_read\", \"missing_english\", \"unread_fact\"]",
        "quiet = [\"unread_fact\"]",
    );
    let q = guantong::questionnaire::load_str("loud.toml", &loud);
    let warnings: Vec<String> = q
        .map(|q| {
            q.warnings
                .iter()
                .map(|d| d.message.get(Lang::En).to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("mentioned by no expression")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("absence (not asked: null)")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("no English text")),
        "{warnings:?}"
    );
    let bad = src.replace("\"unread_fact\"]", "\"unread_facts\"]");
    assert!(guantong::questionnaire::load_str("bad.toml", &bad).is_err());
}

#[test]
fn every_error_fixture_exits_1_with_its_message() {
    let mut failures = Vec::new();
    for (name, expected) in ERRORS {
        let file = format!("tests/lint/{name}.toml");
        let o = check(&[&file]);
        let out = stdout(&o);
        let want = format!("{file}:{expected}");
        if o.status.code() != Some(1) || !out.contains(&want) {
            failures.push(format!(
                "{name}: status {:?}, expected `{want}` in:\n{out}",
                o.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_in_the_folder_is_asserted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            ERRORS.iter().chain(WARNINGS).any(|(n, _)| *n == stem)
                || stem == "expr_syntax_unicode_escape"
                || stem == "quiet_warnings",
            "fixture {stem} has no assertion"
        );
    }
}

#[test]
fn warnings_exit_0_and_print_only_the_warning() {
    for (name, expected) in WARNINGS {
        let file = format!("tests/lint/{name}.toml");
        let o = check(&[&file]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        assert_eq!(
            stdout(&o).trim_end(),
            format!("{file}:{expected}"),
            "{name}"
        );
    }
}

#[test]
fn expression_error_caret_is_placed_by_display_width() {
    let o = check(&["tests/lint/expr_syntax_cjk.toml"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // the diagnostic, then the expression's line, then the caret line (indented by 4)
    assert!(lines[0].ends_with("expected a value, found `&&`"), "{out}");
    assert_eq!(lines[1], "    when = 'name == \"高级技师\" && && true'");
    // `when = '` (8) + `name == "` (9) + 高级技师 (4 chars, 8 cells) + `" && ` (5) = 30 cells
    assert_eq!(lines[2], format!("    {}^^", " ".repeat(30)));
    // ... while the column counts characters: 8 + 9 + 4 + 5 + 1 = 27
    assert!(lines[0].contains(":23:27: error:"), "{out}");
}

#[test]
fn carets_follow_escapes_in_basic_strings() {
    let o = check(&["tests/lint/expr_syntax_escapes.toml"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // `when = "` (8) + `name == \"` (10) + 高级技师 (8 cells) + `\" && ` (6) = 32 cells
    assert_eq!(lines[2], format!("    {}^^", " ".repeat(32)), "{out}");
}

#[test]
fn carets_follow_unicode_escapes() {
    let file = "tests/lint/expr_syntax_unicode_escape.toml";
    let o = check(&[file]);
    let out = stdout(&o);
    // `when = "` (8) + `name == \"` (10) + `\u0041\u00e9\u9ad8` (18) + `\" && ` (6) = 42
    assert!(
        out.contains(&format!(
            "{file}:23:43: error: rule `r` when: expected a value"
        )),
        "{out}"
    );
    assert_eq!(
        out.lines().nth(2).unwrap(),
        format!("    {}^^", " ".repeat(42))
    );
}

#[test]
fn type_errors_show_the_expression_with_a_caret() {
    let o = check(&["tests/lint/enum_literal.toml"]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], "    when = 'skill_level == \"level9\"'");
    assert_eq!(lines[2], format!("    {}{}", " ".repeat(23), "^".repeat(8)));
}

#[test]
fn every_diagnostic_is_one_line_plus_excerpt() {
    for (name, _) in ERRORS.iter().chain(WARNINGS) {
        let file = format!("tests/lint/{name}.toml");
        let out = stdout(&check(&[&file]));
        for line in out.lines() {
            assert!(
                line.starts_with(&format!("{file}:")) || line.starts_with("    "),
                "{name}: stray line `{line}` in:\n{out}"
            );
        }
    }
}

#[test]
fn clean_mini_questionnaire_reports_nothing() {
    let o = check(&["tests/fixtures/mini.toml"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn json_format_counts_and_lists_diagnostics() {
    let o = check(&["tests/fixtures/mini.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["errors"], 0);
    assert_eq!(j["warnings"], 0);
    assert_eq!(j["diagnostics"], serde_json::json!([]));

    let o = check(&["tests/lint/type_date_int.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["file"], "tests/lint/type_date_int.toml");
    assert_eq!(j["errors"], 1);
    let d = &j["diagnostics"][0];
    assert_eq!(d["line"], 23);
    assert_eq!(d["col"], 9);
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["message"],
        "rule `r` when: cannot compare date with int using `>`"
    );
    assert!(d["excerpt"].as_str().unwrap().contains("^^^^^"));

    let o = check(&["tests/lint/warn_unread_fact.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["errors"], 0);
    assert_eq!(j["warnings"], 1);
    assert_eq!(j["diagnostics"][0]["severity"], "warning");
}

#[test]
fn a_missing_file_is_an_error_not_a_crash() {
    let o = check(&["tests/lint/no_such_file.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("cannot read the file"));
}
