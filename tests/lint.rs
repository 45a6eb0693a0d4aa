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
    (
        "schedule_opens_not_month_day",
        "8:9: error: schedule.opens must be a month and day as \"MM-DD\" (e.g. \"06-01\"), not \"6-1\"",
    ),
    (
        "migration_fact_type",
        "9:23: error: migration from `1`: fact `old_level`: type must be bool, integer, date or text",
    ),
    (
        "receipt_section_empty",
        "32:11: error: receipt.sections 1: give a text or a show",
    ),
    (
        "receipt_section_empty",
        "33:12: error: receipt.sections 1: priority 12 must be 0 to 9",
    ),
    (
        "receipt_show_unknown",
        "33:8: error: receipt.sections 1: show = \"articles\" is no part of the outcome (sentences, results, blockers, findings, materials, steps, pledge)",
    ),
    (
        "receipt_verification_slot",
        "30:16: error: receipt.verification: only {code} can be used, not {hash}",
    ),
    (
        "receipt_when_bad_status",
        "33:8: error: receipt.sections 1 when.status: \"maybe\" is not one of its values (ineligible, incomplete, refer, eligible)",
    ),
    (
        "receipt_when_bad_value",
        "33:8: error: receipt.sections 1 when.a: \"z\" is not one of its values (x, y)",
    ),
    (
        "receipt_when_unknown_key",
        "33:8: error: receipt.sections 1 when: `b` is neither a fact nor a result",
    ),
];

/// The same diagnostics in Chinese (the default language): at least one per phase of the
/// loader (load, names, facts, rules, meta, schedule, migrations), of the expression parser
/// and checker, and of the warnings. The severity word stays `error` / `warning`.
const ZH: &[(&str, &str)] = &[
    // load: TOML syntax, [data] values, cites
    (
        "toml_syntax",
        "23:10: error: TOML 格式错误：invalid basic string, expected `\"`",
    ),
    (
        "float_in_data",
        "8:1: error: [data.rate]：不支持小数：请用整数（金额用以分为单位的整数）",
    ),
    (
        "cite_no_article",
        "24:8: error: cite `第九十九条` 不是 [articles] 中的任何条款",
    ),
    // the expression parser
    (
        "expr_syntax_cjk",
        "23:27: error: 规则 `r` 的 when：此处应为一个值，却是符号 `&&`",
    ),
    (
        "comparison_chain",
        "23:15: error: 规则 `r` 的 when：比较不能连写；请在 `<` 之后加括号",
    ),
    // the expression checker
    (
        "type_date_int",
        "23:9: error: 规则 `r` 的 when：不能用 `>` 比较日期与整数",
    ),
    (
        "enum_literal",
        "27:24: error: 规则 `r` 的 when：\"level9\" 不是 `skill_level` 的选项（可选：level3、level4）",
    ),
    (
        "arg_count",
        "23:9: error: 规则 `r` 的 when：whole_years() 需要 2 个参数，实有 1 个",
    ),
    (
        "fired_unknown_code",
        "29:15: error: 结果 `flag`：没有代码为 \"nope\" 的规则",
    ),
    // names
    (
        "unknown_fact_type",
        "16:8: error: 事实 `a` 的类型 `boolean` 无效（可用：bool、integer、date、text、enum、enum_list）",
    ),
    (
        "derived_cycle",
        "21:8: error: 派生值 `x` 处在循环依赖中（它读取 y）",
    ),
    ("duplicate_fact", "21:6: error: 事实 id `a` 重复"),
    // facts
    (
        "ask_if_later",
        "19:10: error: 事实 `a`：ask_if 读取了 `b`，而它在之后才提问",
    ),
    (
        "default_type",
        "19:12: error: 事实 `n` 的 default：值为布尔值，但该事实的类型为 integer",
    ),
    // rules
    (
        "unknown_rule_kind",
        "22:8: error: 规则 `r`：kind 必须是 blocker、refer、action 或 note，而不是 `warning`",
    ),
    (
        "rule_without_cite",
        "21:8: error: 规则 `r`：没有 `cite`（所依据的条款）",
    ),
    // meta
    (
        "applicant_id_not_text",
        "6:16: error: meta.applicant_id：事实 `a` 必须是 text 类型",
    ),
    // schedule
    (
        "schedule_opens_not_month_day",
        "8:9: error: schedule.opens 必须是 \"MM-DD\" 形式的月日（如 \"06-01\"），而不是 \"6-1\"",
    ),
    // migrations
    (
        "migration_fact_type",
        "9:23: error: 从 `1` 的迁移：事实 `old_level`：类型必须是 bool、integer、date 或 text",
    ),
    // warnings
    (
        "warn_unread_fact",
        "21:6: warning: 事实 `b` 没有被任何表达式读取",
    ),
    (
        "warn_missing_english",
        "25:11: warning: 规则 `r` 的 message：没有英文文本",
    ),
    (
        "warn_unguarded_read",
        "30:8: warning: 规则 `r`：`subsidy_elsewhere` 缺席（未提问，为 null）时条件即成立；请用 known(subsidy_elsewhere) 或决定是否问它的条件加以限定",
    ),
    (
        "receipt_when_unknown_key",
        "33:8: error: receipt.sections 1 when：`b` 既不是事实也不是结果",
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
fn chinese_diagnostics_read_as_written() {
    let mut failures = Vec::new();
    for (name, expected) in ZH {
        let file = format!("tests/lint/{name}.toml");
        let o = check_in("zh", &[&file]);
        let out = stdout(&o);
        let want = format!("{file}:{expected}");
        if !out.lines().any(|l| l == want) {
            failures.push(format!("{name}: expected the line `{want}` in:\n{out}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF))
}

/// `file:line:col: severity: ` and the message of a diagnostic line.
fn split_line<'a>(file: &str, line: &'a str) -> Option<(&'a str, &'a str)> {
    let rest = line.strip_prefix(file)?;
    ["error", "warning"].iter().find_map(|sev| {
        let at = rest.find(&format!(": {sev}: "))? + sev.len() + 4;
        Some((&line[..file.len() + at], &rest[at..]))
    })
}

/// Every diagnostic of every fixture, in Chinese, is written in Chinese (no English-only
/// message is left), at the same place, with the same severity and excerpt as in English.
#[test]
fn no_diagnostic_of_any_fixture_is_english_only_in_chinese() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for (name, _) in ERRORS.iter().chain(WARNINGS) {
        let file = format!("tests/lint/{name}.toml");
        let (zh, en) = (stdout(&check_in("zh", &[&file])), stdout(&check(&[&file])));
        let (zl, el): (Vec<&str>, Vec<&str>) = (zh.lines().collect(), en.lines().collect());
        if zl.len() != el.len() {
            failures.push(format!(
                "{name}: {} lines in Chinese, {} in English",
                zl.len(),
                el.len()
            ));
            continue;
        }
        for (z, e) in zl.iter().zip(&el) {
            if z.starts_with("    ") {
                if z != e {
                    failures.push(format!("{name}: excerpts differ: `{z}` / `{e}`"));
                }
                continue;
            }
            seen += 1;
            match (split_line(&file, z), split_line(&file, e)) {
                (Some((zp, zm)), Some((ep, em))) => {
                    if zp != ep {
                        failures.push(format!("{name}: `{zp}` / `{ep}`"));
                    }
                    if !has_cjk(zm) || zm == em {
                        failures.push(format!("{name}: not written in Chinese: {z}"));
                    }
                }
                _ => failures.push(format!("{name}: not a diagnostic line: `{z}` / `{e}`")),
            }
        }
    }
    assert!(seen >= ERRORS.len() + WARNINGS.len(), "{seen} diagnostics");
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

    assert_eq!(
        d["message_en"],
        "rule `r` when: cannot compare date with int using `>`"
    );
    assert_eq!(
        d["message_zh"],
        "规则 `r` 的 when：不能用 `>` 比较日期与整数"
    );
    assert_eq!(j["lang"], "en");

    let o = check(&["tests/lint/warn_unread_fact.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["errors"], 0);
    assert_eq!(j["warnings"], 1);
    assert_eq!(j["diagnostics"][0]["severity"], "warning");
}

/// In Chinese, `message` is the Chinese; both languages are there whatever `--lang` says,
/// and the severity stays the machine word.
#[test]
fn json_in_chinese_gives_message_in_chinese_and_both_forms() {
    let o = check_in("zh", &["tests/lint/type_date_int.toml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["lang"], "zh");
    let d = &j["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "规则 `r` 的 when：不能用 `>` 比较日期与整数");
    assert_eq!(d["message"], d["message_zh"]);
    assert_eq!(
        d["message_en"],
        "rule `r` when: cannot compare date with int using `>`"
    );
    assert_eq!((d["line"].as_u64(), d["col"].as_u64()), (Some(23), Some(9)));
}

#[test]
fn a_missing_file_is_an_error_not_a_crash() {
    let o = check(&["tests/lint/no_such_file.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("cannot read the file"));
    let o = check_in("zh", &["tests/lint/no_such_file.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("tests/lint/no_such_file.toml:0:0: error: 无法读取文件："),
        "{}",
        stdout(&o)
    );
}
