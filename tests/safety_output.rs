//! Issue 10, "every byte a person's terminal receives is safe", and the small findings of
//! the output and CLI layers, each test named after its finding. Hostile text gets into the
//! store the ways the issue found: the clerk's `clerk_name` in config.toml, `--notes`, and
//! an attacker with write access rewriting the list index (which no trigger protects).

mod store_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rusqlite::Connection;
use store_common::*;

/// OSC 52 (writes the clipboard), OSC 0 (the window title), CSI 2J (clears the screen)
/// by ESC and by the C1 CSI, a bidi override and a zero-width space.
const OSC52: &str = "\u{1b}]52;c;ZXZpbA==\u{7}";
const HOSTILE: &str =
    "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}2J\u{202e}evil\u{200b}";

/// Characters that must not reach a terminal: controls other than line ends and tabs
/// (a CR only before a LF), bidi controls and zero-width characters. A leading BOM (CSV
/// for Excel) is allowed.
fn hostile_chars(s: &str) -> Vec<(usize, char)> {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    let chars: Vec<char> = s.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let layout = c == '\n' || c == '\t' || (c == '\r' && chars.get(i + 1) == Some(&'\n'));
            (c.is_control() && !layout)
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        })
        .map(|(i, &c)| (i, c))
        .collect()
}

fn assert_safe(what: &str, s: &str) {
    let bad = hostile_chars(s);
    assert!(
        bad.is_empty(),
        "{what}: unsafe characters {bad:?} in:\n{s:?}"
    );
}

/// A store with one signed case whose notes and clerk name are hostile, and whose list
/// index an attacker rewrote. Returns (data, cfg, number).
fn hostile_store(root: &Path) -> (PathBuf, PathBuf, String) {
    let data = root.join("data");
    let cfg = fixed_config(root);
    std::fs::write(
        cfg.join("config.toml"),
        format!("clerk_name = {}\n", toml_string(&format!("王{OSC52}"))),
    )
    .unwrap();
    let notes = format!("notes {HOSTILE}\n<img src=x onerror=alert(1)>\r\n| a \\| b |");
    let o = sign_with(
        &data,
        &cfg,
        &fixture("mini.toml"),
        &fixture("eligible.toml"),
        &[
            "--applicant-name",
            "张三丰",
            "--pledge-confirmed",
            "--notes",
            &notes,
        ],
    );
    assert!(o.status.success(), "sign: {}", stderr(&o));
    let number = stdout(&o).trim().to_string();
    let c = Connection::open(data.join("guantong.db")).unwrap();
    // hostile index columns: the name, the clerk, the summary (a fact that reads as a
    // formula, a result with escapes) and the clerk's name
    let summary = serde_json::json!([
        { "kind": "fact", "id": "pathway", "value": "-2+3" },
        { "kind": "result", "id": "level", "value": format!("lvl{HOSTILE}") },
    ])
    .to_string();
    c.execute(
        "UPDATE case_index SET applicant_name = ?1, clerk = ?2, summary = ?3, clerk_name = ?4",
        [
            format!("{OSC52}张三丰"),
            format!("clerk{HOSTILE}"),
            summary,
            format!("@SUM(1){HOSTILE}"),
        ],
    )
    .unwrap();
    (data, cfg, number)
}

fn toml_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        if c.is_control() || c == '"' || c == '\\' {
            o.push_str(&format!("\\u{:04X}", u32::from(c)));
        } else {
            o.push(c);
        }
    }
    o.push('"');
    o
}

fn ok(o: &Output, what: &str) -> String {
    assert!(o.status.success(), "{what}: {}", stderr(o));
    assert_safe(&format!("{what} (stderr)"), &stderr(o));
    stdout(o)
}

#[test]
fn terminal_escapes_in_the_store_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, number) = hostile_store(tmp.path());
    let mut outputs = Vec::new();
    for format in ["table", "csv", "json"] {
        let o = run(&data, &cfg, &["cases", "list", "--format", format]);
        outputs.push((format!("list --format {format}"), ok(&o, format)));
    }
    for format in ["text", "md", "html", "json"] {
        for unmasked in [false, true] {
            let mut args = vec!["cases", "show", &number, "--format", format];
            if unmasked {
                args.push("--unmasked");
            }
            let o = run(&data, &cfg, &args);
            outputs.push((args.join(" "), ok(&o, format)));
        }
    }
    for format in ["md", "csv", "html", "json"] {
        let args = ["cases", "export", "--format", format, "--unmasked"];
        let o = run(&data, &cfg, &args);
        outputs.push((args.join(" "), ok(&o, format)));
    }
    for (what, out) in &outputs {
        assert_safe(what, out);
        // the clerk's name went in with an escape: something of it is shown
        assert!(out.contains('王') || out.contains("clerk"), "{what}: {out}");
    }
    // what was neutralised is visible, not silently gone
    let (_, table) = &outputs[0];
    assert!(table.contains("<U+001B>]52;c;"), "{table}");
    let text = &outputs[4].1; // show --format text --unmasked
    assert!(
        text.contains("notes <U+001B>]52;c;ZXZpbA==<U+0007>"),
        "{text}"
    );
    // JSON loses nothing: the escapes are JSON escapes, read back as the original text
    let json = run(
        &data,
        &cfg,
        &["cases", "show", &number, "--format", "json", "--unmasked"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(
        v["notes"].as_str().unwrap().contains(HOSTILE),
        "{}",
        v["notes"]
    );
}

#[test]
fn exports_written_to_a_file_are_terminal_safe() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = hostile_store(tmp.path());
    for format in ["md", "csv", "html", "json"] {
        let path = tmp.path().join(format!("out.{format}"));
        let o = run(
            &data,
            &cfg,
            &[
                "cases",
                "export",
                "--format",
                format,
                "--unmasked",
                "-o",
                path.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_safe(format, &std::fs::read_to_string(&path).unwrap());
    }
}

#[test]
fn error_messages_that_echo_data_are_terminal_safe() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = hostile_store(tmp.path());
    // an unknown case number, echoed
    let o = run(&data, &cfg, &["cases", "show", &format!("BS-{HOSTILE}")]);
    assert_eq!(o.status.code(), Some(2));
    assert_safe("show: unknown number", &stderr(&o));
    assert!(stderr(&o).contains("<U+001B>"), "{}", stderr(&o));
    // a bad --from date, echoed
    let o = run(&data, &cfg, &["cases", "list", "--from", HOSTILE]);
    assert_eq!(o.status.code(), Some(2));
    assert_safe("list --from", &stderr(&o));
    // an answers file value, echoed by `evaluate`
    let answers = tmp.path().join("a.toml");
    std::fs::write(
        &answers,
        format!("pathway = {}\n", toml_string(&format!("x{HOSTILE}"))),
    )
    .unwrap();
    let o = Command::new(BIN)
        .args(["evaluate"])
        .arg(fixture("mini.toml"))
        .arg("--answers")
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pathway"), "{}", stderr(&o));
    assert_safe("evaluate: bad value", &stderr(&o));
    // the name on the command line against the one in the answers file, echoed by `sign`
    let o = sign_with(
        &data,
        &cfg,
        &fixture("mini.toml"),
        &fixture("named.toml"),
        &[
            "--applicant-name",
            &format!("李{HOSTILE}"),
            "--pledge-confirmed",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_safe("sign: name mismatch", &stderr(&o));
}

#[test]
fn check_and_evaluate_text_output_that_echo_file_content_are_terminal_safe() {
    let tmp = tempfile::tempdir().unwrap();
    // a questionnaire whose text (echoed by the linter and by `evaluate --format text`)
    // carries escapes; TOML \u escapes put them in the strings
    let src = std::fs::read_to_string(fixture("mini.toml"))
        .unwrap()
        .replace(
            "title = { zh = \"案件库测试问卷\"",
            "title = { zh = \"案件库测试问卷\\u001B]0;pwned\\u0007\\u202E\"",
        )
        .replace(
            "message = { zh = \"工作年限不足。\"",
            "message = { zh = \"工作年限不足。\\u001B[2J\"",
        )
        + "\n[[rules]]\ncode = \"x\\u001B[2J\"\nkind = \"blocker\"\nwhen = \"nope(\"\ncite = \"第七条\"\nmessage = \"\\u009B2J\"\n";
    let q = tmp.path().join("q.toml");
    std::fs::write(&q, &src).unwrap();
    let o = Command::new(BIN).arg("check").arg(&q).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_safe("check (stdout)", &stdout(&o));
    assert_safe("check (stderr)", &stderr(&o));
    let o = Command::new(BIN)
        .args(["check", "--format", "json"])
        .arg(&q)
        .output()
        .unwrap();
    assert_safe("check --format json", &stdout(&o));
    // without the broken rule, evaluate prints the title and the finding
    let good = src[..src.rfind("\n[[rules]]\ncode = \"x").unwrap()].to_string();
    std::fs::write(&q, good).unwrap();
    for format in ["text", "json"] {
        let o = Command::new(BIN)
            .args(["evaluate", "--format", format])
            .arg(&q)
            .arg("--answers")
            .arg(fixture("ineligible.toml"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("工作年限不足"), "{}", stdout(&o));
        assert_safe(&format!("evaluate --format {format}"), &stdout(&o));
    }
}

#[test]
fn csv_cells_starting_with_minus_are_neutralised() {
    use guantong::case::export::csv_line;
    let cells: Vec<String> = [
        "-2+3",
        "-cmd|' /C calc'!A0",
        "=1",
        "+1",
        "@x",
        "\tx",
        "\rx",
        "a-b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let line = csv_line(&cells);
    assert!(
        line.starts_with("'-2+3,'-cmd|' /C calc'!A0,'=1,'+1,'@x,'\tx,'"),
        "{line:?}"
    );
    assert!(line.ends_with(",a-b\r\n"), "{line:?}");
    // through the CLI: a forged pathway "-2+3" in the index
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = hostile_store(tmp.path());
    // the case's own questionnaire at hand: its summary fact is not masked
    let mini = fixture("mini.toml");
    let mini = mini.to_str().unwrap();
    let o = run(
        &data,
        &cfg,
        &[
            "--questionnaire",
            mini,
            "cases",
            "export",
            "--format",
            "csv",
        ],
    );
    assert!(stdout(&o).contains(",'-2+3,"), "{}", stdout(&o));
    let o = run(
        &data,
        &cfg,
        &["--questionnaire", mini, "cases", "list", "--format", "csv"],
    );
    assert!(stdout(&o).contains(",'-2+3,"), "{}", stdout(&o));
}

/// Pipes that end a Markdown table cell: a `|` not escaped by an odd run of backslashes.
fn cell_separators(line: &str) -> usize {
    let mut n = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        if c == '|' && backslashes % 2 == 0 {
            n += 1;
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    n
}

#[test]
fn markdown_export_escapes_raw_html_cr_and_escaped_pipes() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, number) = hostile_store(tmp.path());
    // notes show only unmasked
    for args in [
        vec![
            "cases",
            "show",
            number.as_str(),
            "--format",
            "md",
            "--unmasked",
        ],
        vec!["cases", "export", "--format", "md", "--unmasked"],
    ] {
        let md = stdout(&run(&data, &cfg, &args));
        assert!(!md.contains("<img"), "raw HTML passed: {md}");
        assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"), "{md}");
        assert!(!md.contains('\r'), "CR passed: {md:?}");
        let notes = md
            .lines()
            .find(|l| l.starts_with("| 备注 |"))
            .expect("notes row");
        // `| a \| b |` in the data stays inside the one cell: the row has 3 separators
        assert_eq!(cell_separators(notes), 3, "{notes}");
        assert!(notes.contains("<br>"), "line breaks become <br>: {notes}");
        for l in md.lines().filter(|l| l.starts_with("| ")) {
            assert_eq!(
                cell_separators(l),
                3,
                "every table row keeps two cells: {l}"
            );
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly_without_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    for i in 0..3 {
        sign(&data, &cfg, &fixture("eligible.toml"), &format!("张三{i}"));
    }
    let cases = |args: &[&str]| {
        let mut c = Command::new(BIN);
        // the cases' own questionnaire, so no note about a missing one is due
        c.arg("--questionnaire")
            .arg(fixture("mini.toml"))
            .args(args)
            .env("GUANTONG_DATA_DIR", &data)
            .env("GUANTONG_CONFIG_DIR", &cfg);
        c
    };
    let mut evaluate = Command::new(BIN);
    evaluate
        .arg("evaluate")
        .arg(fixture("mini.toml"))
        .arg("--answers")
        .arg(fixture("eligible.toml"));
    let mut evaluate_text = Command::new(BIN);
    evaluate_text
        .args(["evaluate", "--format", "text"])
        .arg(fixture("mini.toml"))
        .arg("--answers")
        .arg(fixture("eligible.toml"));
    let mut check = Command::new(BIN);
    check
        .args(["check", "--format", "json"])
        .arg(fixture("mini.toml"));
    for (what, mut cmd) in [
        ("evaluate", evaluate),
        ("evaluate --format text", evaluate_text),
        ("check --format json", check),
        ("cases list", cases(&["cases", "list"])),
        (
            "cases list --format json",
            cases(&["cases", "list", "--format", "json"]),
        ),
        (
            "cases export",
            cases(&["cases", "export", "--format", "json"]),
        ),
        ("cases verify", cases(&["cases", "verify"])),
    ] {
        // the reader has gone before the first byte is written: `… | head -c0`
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = cmd
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert_ne!(o.status.code(), Some(101), "{what}: {err}");
        assert!(err.is_empty(), "{what} ends quietly: {err}");
    }
}

#[test]
fn limit_out_of_range_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg, _) = hostile_store(tmp.path());
    for limit in ["9223372036854775808", "18446744073709551615", "-1", "many"] {
        let arg = format!("--limit={limit}");
        let o = run(&data, &cfg, &["cases", "list", &arg]);
        assert_eq!(o.status.code(), Some(2), "--limit {limit}: {}", stderr(&o));
        assert!(stderr(&o).contains("--limit"), "{}", stderr(&o));
    }
    let o = run(
        &data,
        &cfg,
        &["cases", "list", "--limit", "9223372036854775807"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn config_lang_cn_is_an_error_naming_lang_and_zh_en() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    std::fs::write(
        cfg.join("config.toml"),
        "clerk_name = \"李四\"\nlang = \"cn\"\n",
    )
    .unwrap();
    // the wizard and the cases commands read the same file; neither ignores the mistake
    for args in [&["cases", "list"][..], &[][..]] {
        let o = run(&data, &cfg, args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("config.toml:2:8"), "{err}");
        assert!(err.contains("`lang`"), "{err}");
        assert!(err.contains("zh | en"), "{err}");
    }
    // and a good value is used: `lang = "en"` gives an English list
    std::fs::write(cfg.join("config.toml"), "lang = \"en\"\n").unwrap();
    let o = run(&data, &cfg, &["cases", "list"]);
    assert!(stdout(&o).contains("(no cases)"), "{}", stdout(&o));
}

#[test]
fn a_9_mb_name_is_refused_at_sign_off() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    let answers = tmp.path().join("big.toml");
    // 2.1 MB of UTF-8 in the name: within the answers-file limit, so the name's own limit
    // refuses it (a 9 MB file is refused by the file limit, below)
    let big = "名".repeat(700 * 1024);
    std::fs::write(
        &answers,
        std::fs::read_to_string(fixture("eligible.toml")).unwrap()
            + &format!("applicant_name = \"{big}\"\n"),
    )
    .unwrap();
    let o = sign_with(
        &data,
        &cfg,
        &fixture("mini.toml"),
        &answers,
        &["--pledge-confirmed"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(500)]);
    assert!(
        err.contains("applicant_name"),
        "{}",
        &err[..err.len().min(500)]
    );
    // in the default language, Chinese
    assert!(
        err.contains("最多 1000 个字符"),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(err.len() < 2000, "the message does not echo the 9 MB");
    let o = run(&data, &cfg, &["cases", "list", "--format", "json"]);
    assert_eq!(stdout(&o), "", "nothing was signed");
    // the whole 9 MB file: refused for its size, naming the limit
    let nine = "名".repeat(3 * 1024 * 1024);
    std::fs::write(
        &answers,
        std::fs::read_to_string(fixture("eligible.toml")).unwrap()
            + &format!("applicant_name = \"{nine}\"\n"),
    )
    .unwrap();
    let o = sign_with(
        &data,
        &cfg,
        &fixture("mini.toml"),
        &answers,
        &["--pledge-confirmed", "--lang", "en"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("limit of 4 MiB"), "{err}");
}

#[test]
fn a_name_of_zero_width_spaces_is_refused_at_sign_off() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let cfg = fixed_config(tmp.path());
    for name in [
        "\u{200b}\u{200b}\u{200b}",
        "\u{2060}\u{feff}",
        "张\u{200b}三",
    ] {
        let o = sign_with(
            &data,
            &cfg,
            &fixture("mini.toml"),
            &fixture("eligible.toml"),
            &["--applicant-name", name, "--pledge-confirmed"],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name:?}: {err}");
        assert!(err.contains("U+"), "names the character: {err}");
        assert_safe("sign: zero-width name", &err);
    }
    // the library refuses it too, whoever calls sign_off (the wizard's sign-off screen)
    use_config(&cfg);
    let store = guantong::case::Store::open(&data).unwrap();
    let q = mini();
    let now: jiff::Timestamp = "2026-06-15T01:00:00Z".parse().unwrap();
    let e = store
        .sign_off(&guantong::case::SignOff {
            questionnaire: &q,
            answers: Default::default(),
            applicant_name: "\u{200b}\u{200b}".into(),
            applicant_id: None,
            pledge_confirmed_at: now,
            clerk_display_name: None,
            notes: None,
            amends: None,
            draft_id: None,
            now,
            today: jiff::civil::date(2026, 6, 15),
        })
        .unwrap_err();
    assert!(e.is_user_error(), "{e}");
    assert!(e.to_string().contains("U+200B"), "{e}");
    let o = run(&data, &cfg, &["cases", "list", "--format", "json"]);
    assert_eq!(stdout(&o), "", "nothing was signed");
}
