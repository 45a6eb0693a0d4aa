//! The expression language through the public API: three-valued truth tables, checked
//! arithmetic, limits on nesting and size, CJK text, lists, and the built-ins.

use std::collections::BTreeSet;

use guantong::eval::{self, Evaluation, input};
use guantong::expr::Tri;
use guantong::questionnaire::{self, Questionnaire};
use guantong::value::{Answers, Value};
use jiff::civil::{Date, date};

const TODAY: Date = date(2026, 6, 15);

const HEAD: &str = r#"
[meta]
id = "expr"
version = "1"
title = { zh = "表达式", en = "Expressions" }
policy = { name = { zh = "政策", en = "Policy" }, document = "1" }

[data]
fee = { assistant = 150, intermediate = 230 }
years = [1, 2, 3]

[articles]
"第一条" = "第一条 测试条款。"

[[sections]]
id = "s"
title = { zh = "节", en = "Section" }
"#;

fn fact(id: &str, ty: &str, extra: &str) -> String {
    format!(
        "\n[[sections.facts]]\nid = \"{id}\"\ntype = \"{ty}\"\nprompt = \"{id}\"\ncite = \"第一条\"\n{extra}\n"
    )
}

fn rule(code: &str, when: &str) -> String {
    format!(
        "\n[[rules]]\ncode = \"{code}\"\nkind = \"note\"\nwhen = '''{when}'''\ncite = \"第一条\"\nmessage = \"{code}\"\n"
    )
}

fn result(name: &str, expr: &str) -> String {
    format!("\n[[results]]\nname = \"{name}\"\nexpr = '''{expr}'''\n")
}

fn load(src: &str) -> Questionnaire {
    match questionnaire::load_str("test.toml", src) {
        Ok(q) => q,
        Err(d) => panic!(
            "load failed:\n{}",
            d.iter()
                .map(|d| d.render(guantong::text::Lang::En))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn load_err(src: &str) -> String {
    match questionnaire::load_str("test.toml", src) {
        Ok(_) => panic!("loaded, but an error was expected"),
        Err(d) => {
            assert!(d.iter().any(|d| d.is_error()));
            d.iter()
                .map(|d| d.render(guantong::text::Lang::En))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

fn answers(q: &Questionnaire, src: &str) -> Answers {
    match input::parse_answers(q, "answers.toml", src, TODAY) {
        Ok(a) => a,
        Err(e) => panic!("{e:?}"),
    }
}

fn ids(q: &Questionnaire, set: impl IntoIterator<Item = u16>) -> BTreeSet<String> {
    set.into_iter()
        .map(|i| q.facts[usize::from(i)].id.clone())
        .collect()
}

// ---------------------------------------------------------------- three-valued logic

/// The values of `a` and `b` in every combination: Some(bool) answered, None absent.
const VALUES: [Option<bool>; 3] = [Some(true), Some(false), None];

/// Kleene's strong three-valued logic, the reference.
fn and3(x: Option<bool>, y: Option<bool>) -> Option<bool> {
    match (x, y) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}
fn or3(x: Option<bool>, y: Option<bool>) -> Option<bool> {
    match (x, y) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}
/// `c ? x : y`: known when `c` is, or when both branches agree.
fn cond3(c: Option<bool>, x: Option<bool>, y: Option<bool>) -> Option<bool> {
    match c {
        Some(true) => x,
        Some(false) => y,
        None if x.is_some() && x == y => x,
        None => None,
    }
}

struct Case {
    code: &'static str,
    when: &'static str,
    /// the facts the expression reads
    reads: &'static [&'static str],
    expect: fn(Option<bool>, Option<bool>) -> Option<bool>,
}

const CASES: &[Case] = &[
    Case {
        code: "and_ab",
        when: "a && b",
        reads: &["a", "b"],
        expect: and3,
    },
    Case {
        code: "and_ba",
        when: "b && a",
        reads: &["a", "b"],
        expect: |a, b| and3(b, a),
    },
    Case {
        code: "or_ab",
        when: "a || b",
        reads: &["a", "b"],
        expect: or3,
    },
    Case {
        code: "or_ba",
        when: "b || a",
        reads: &["a", "b"],
        expect: |a, b| or3(b, a),
    },
    Case {
        code: "not_a",
        when: "!a",
        reads: &["a"],
        expect: |a, _| a.map(|v| !v),
    },
    Case {
        code: "not_b",
        when: "!b",
        reads: &["b"],
        expect: |_, b| b.map(|v| !v),
    },
    Case {
        code: "not_and",
        when: "!(a && b)",
        reads: &["a", "b"],
        expect: |a, b| and3(a, b).map(|v| !v),
    },
    Case {
        code: "cond_a_b_true",
        when: "a ? b : true",
        reads: &["a", "b"],
        expect: |a, b| cond3(a, b, Some(true)),
    },
    Case {
        code: "cond_b_true_a",
        when: "b ? true : a",
        reads: &["a", "b"],
        expect: |a, b| cond3(b, Some(true), a),
    },
    Case {
        code: "cond_a_b_b",
        when: "a ? b : b",
        reads: &["a", "b"],
        expect: |a, b| cond3(a, b, b),
    },
    Case {
        code: "cond_a_true_true",
        when: "a ? true : true",
        reads: &["a"],
        expect: |_, _| Some(true),
    },
    Case {
        code: "cond_a_false_true",
        when: "a ? false : true",
        reads: &["a"],
        expect: |a, _| cond3(a, Some(false), Some(true)),
    },
    Case {
        code: "mixed",
        when: "(a || b) && !(a && b)",
        reads: &["a", "b"],
        expect: |a, b| and3(or3(a, b), and3(a, b).map(|v| !v)),
    },
];

fn truth_questionnaire() -> Questionnaire {
    let mut src = HEAD.to_string();
    src += &fact("a", "bool", "");
    src += &fact("b", "bool", "");
    for c in CASES {
        src += &rule(c.code, c.when);
    }
    load(&src)
}

#[test]
fn truth_tables_in_both_operand_orders() {
    let q = truth_questionnaire();
    for a in VALUES {
        for b in VALUES {
            let mut ans = Answers::new();
            if let Some(v) = a {
                ans.insert("a".into(), Value::Bool(v));
            }
            if let Some(v) = b {
                ans.insert("b".into(), Value::Bool(v));
            }
            let ev = eval::evaluate(&q, &ans, TODAY);
            let mut expected_missing = BTreeSet::new();
            for (c, o) in CASES.iter().zip(&ev.rules) {
                let want = (c.expect)(a, b);
                let ctx = format!("{} with a={a:?} b={b:?}", c.when);
                assert_eq!(o.fired, want, "{ctx}");
                assert!(o.error.is_none(), "{ctx}: {:?}", o.error);
                let waiting = ids(&q, o.waiting.iter());
                if want.is_some() {
                    assert!(waiting.is_empty(), "{ctx}: decided, waits for {waiting:?}");
                } else {
                    // an undecided expression waits for the absent facts it reads
                    let absent: BTreeSet<String> = c
                        .reads
                        .iter()
                        .filter(|f| !ans.contains_key(**f))
                        .map(|f| f.to_string())
                        .collect();
                    assert_eq!(waiting, absent, "{ctx}");
                    expected_missing.extend(waiting);
                }
            }
            let undecided = ev.rules.iter().any(|o| o.fired.is_none());
            assert_eq!(
                ev.status == eval::Status::Incomplete,
                undecided,
                "a={a:?} b={b:?}"
            );
            assert_eq!(ids(&q, ev.missing.iter().copied()), expected_missing);
        }
    }
}

#[test]
fn waiting_sets_name_exactly_the_absent_facts_needed() {
    let q = truth_questionnaire();
    let rule = |ev: &Evaluation, code: &str| {
        let i = q.rules.iter().position(|r| r.code == code).unwrap();
        (ev.rules[i].fired, ids(&q, ev.rules[i].waiting.iter()))
    };
    let set = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    // both absent: `a && b` waits for both
    let ev = eval::evaluate(&q, &Answers::new(), TODAY);
    assert_eq!(rule(&ev, "and_ab"), (None, set(&["a", "b"])));
    assert_eq!(rule(&ev, "or_ba"), (None, set(&["a", "b"])));
    assert_eq!(rule(&ev, "cond_a_true_true"), (Some(true), set(&[])));
    assert_eq!(ids(&q, ev.missing.iter().copied()), set(&["a", "b"]));
    // `true && b`: waits for b only
    let ev = eval::evaluate(&q, &answers(&q, "a = true"), TODAY);
    assert_eq!(rule(&ev, "and_ab"), (None, set(&["b"])));
    assert_eq!(rule(&ev, "and_ba"), (None, set(&["b"])));
    assert_eq!(rule(&ev, "or_ab"), (Some(true), set(&[])));
    assert_eq!(rule(&ev, "or_ba"), (Some(true), set(&[])));
    // `false || b` still waits for b; `false && b` is decided
    let ev = eval::evaluate(&q, &answers(&q, "a = false"), TODAY);
    assert_eq!(rule(&ev, "or_ba"), (None, set(&["b"])));
    assert_eq!(rule(&ev, "and_ba"), (Some(false), set(&[])));
}

#[test]
fn an_optional_fact_is_unknown_until_answered_null_when_not_given() {
    let mut src = HEAD.to_string();
    src += &fact("a", "bool", "");
    src += &fact("o", "bool", "optional = true");
    src += &rule("o_or_a", "o || a");
    src += &rule("known_o", "known(o)");
    let q = load(&src);
    let ev = eval::evaluate(&q, &Answers::new(), TODAY);
    assert!(
        matches!(ev.facts[1].value, Tri::Unknown(_)),
        "no answer: unknown"
    );
    assert_eq!(ev.rules[0].fired, None);
    assert_eq!(
        ids(&q, ev.rules[0].waiting.iter()),
        BTreeSet::from(["a".to_string(), "o".to_string()])
    );
    // the explicit answer "not given" is null
    let mut not_given = Answers::new();
    not_given.insert("o".into(), Value::Null);
    let ev = eval::evaluate(&q, &not_given, TODAY);
    assert_eq!(ev.facts[1].value, Tri::Known(Value::Null));
    // null counts as false: `null || a` waits for a only
    assert_eq!(ev.rules[0].fired, None);
    assert_eq!(
        ids(&q, ev.rules[0].waiting.iter()),
        BTreeSet::from(["a".to_string()])
    );
    assert_eq!(ev.rules[1].fired, Some(false));
}

// ---------------------------------------------------------------- arithmetic

fn int_questionnaire(rules: &[(&str, &str)]) -> Questionnaire {
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    src += &fact("m", "integer", "");
    for (c, w) in rules {
        src += &rule(c, w);
    }
    load(&src)
}

#[test]
fn overflow_and_division_by_zero_leave_the_rule_undecided_with_an_error() {
    let cases = [
        (
            "add",
            "n + m > 0",
            "n = 9223372036854775807\nm = 1",
            "overflow",
        ),
        (
            "sub",
            "n - m > 0",
            "n = -9223372036854775808\nm = 1",
            "overflow",
        ),
        (
            "mul",
            "n * m > 0",
            "n = 4611686018427387904\nm = 4",
            "overflow",
        ),
        (
            "neg",
            "-n > 0",
            "n = -9223372036854775808\nm = 0",
            "overflow",
        ),
        (
            "div_min",
            "n / m > 0",
            "n = -9223372036854775808\nm = -1",
            "overflow",
        ),
        ("div0", "n / m > 0", "n = 1\nm = 0", "division by zero"),
        ("rem0", "n % m > 0", "n = 1\nm = 0", "by zero"),
    ];
    for (code, when, ans, msg) in cases {
        let q = int_questionnaire(&[(code, when)]);
        let ev = eval::evaluate(&q, &answers(&q, ans), TODAY);
        let o = &ev.rules[0];
        assert_eq!(o.fired, None, "{when} with {ans}");
        let err = o.error.as_deref().unwrap_or_default();
        assert!(err.contains(msg), "{when}: error {err:?}");
        assert_eq!(ev.status, eval::Status::Incomplete);
        // the report carries the error instead of panicking
        let j = eval::report::to_json(&q, &ev);
        assert!(j.to_string().contains(msg), "{j}");
    }
    // and ordinary arithmetic works
    let q = int_questionnaire(&[(
        "ok",
        "(n + m) * 2 - n / m == 9 && n % m == 1 && -n == 0 - 3",
    )]);
    let ev = eval::evaluate(&q, &answers(&q, "n = 3\nm = 2"), TODAY);
    assert_eq!(ev.rules[0].fired, Some(true));
}

#[test]
fn an_integer_literal_too_large_is_a_load_error() {
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    src += &rule("big", "n > 9223372036854775808");
    let e = load_err(&src);
    assert!(e.contains("invalid integer"), "{e}");
}

#[test]
fn the_integer_literals_at_the_edge_of_i64() {
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    src += &rule("small", "n > -9223372036854775807");
    load(&src);
    // the parser reads the magnitude before the sign, so i64::MIN as a literal is a clean
    // load error (by design, see the parser's unit tests), never a wrap-around
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    src += &rule("min", "n > -9223372036854775808");
    assert!(load_err(&src).contains("invalid integer"));
}

// ---------------------------------------------------------------- limits

fn ab_with_rule(when: &str) -> String {
    let mut src = HEAD.to_string();
    src += &fact("a", "bool", "");
    src += &fact("b", "bool", "");
    src += &rule("r", when);
    src
}

#[test]
fn a_hundred_thousand_parentheses_is_a_load_error() {
    let when = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
    let e = load_err(&ab_with_rule(&when));
    assert!(
        e.contains("expression longer than"),
        "{}",
        &e[..200.min(e.len())]
    );
    // unbalanced, too
    let e = load_err(&ab_with_rule(&"(".repeat(100_000)));
    assert!(e.contains("expression longer than"));
}

/// Run `f` on a thread with the stack of a process's main thread (8 MiB), where the
/// CLI and the wizard run; test threads have only 2 MiB (see
/// `the_deepest_accepted_nesting_fits_a_2_mib_thread`).
fn on_main_sized_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn deep_expressions() -> Vec<String> {
    vec![
        format!("{}a{}", "(".repeat(8000), ")".repeat(8000)),
        format!("{}a", "!".repeat(16_000)),
        format!("size([{}1]) > 0", "-".repeat(16_000)),
        format!("{}a", "!(".repeat(5000)),
        format!("size({}1{}) > 0", "[".repeat(8000), "]".repeat(8000)),
        format!("a ? b : {}a", "a ? b : ".repeat(2000)),
        format!("{}a", "b && (".repeat(2000)),
    ]
}

#[test]
fn deep_nesting_within_the_length_limit_is_a_load_error() {
    on_main_sized_stack(|| {
        for when in deep_expressions() {
            let e = load_err(&ab_with_rule(&when));
            assert!(
                e.contains("nested deeper than"),
                "{}",
                &e[..300.min(e.len())]
            );
        }
    });
}

fn nested(depth: usize) -> String {
    format!("{}a{}", "(!".repeat(depth), ")".repeat(depth))
}

#[test]
fn nesting_up_to_the_limit_loads_and_evaluates() {
    use guantong::expr::parser::MAX_DEPTH;
    on_main_sized_stack(|| {
        // each `(!` costs two levels; half the limit, and an even count of `!` reads `a`
        let q = load(&ab_with_rule(&nested(MAX_DEPTH / 8 * 2)));
        let ev = eval::evaluate(&q, &answers(&q, "a = true"), TODAY);
        assert_eq!(ev.rules[0].fired, Some(true));
        let ev = eval::evaluate(&q, &Answers::new(), TODAY);
        assert_eq!(ev.rules[0].fired, None);
        assert!(load_err(&ab_with_rule(&nested(MAX_DEPTH))).contains("nested deeper than"));
    });
}

/// Child half of `the_deepest_accepted_nesting_fits_a_2_mib_thread`: does nothing unless
/// that test runs it in a separate process.
#[test]
fn nesting_probe_child() {
    let Ok(depth) = std::env::var("GUANTONG_NESTING_PROBE") else {
        return;
    };
    let depth: usize = depth.parse().unwrap();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let when = format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
            if let Ok(q) = questionnaire::load_str("t.toml", &ab_with_rule(&when)) {
                eval::evaluate(&q, &Answers::new(), TODAY);
            }
            for when in deep_expressions() {
                let _ = questionnaire::load_str("t.toml", &ab_with_rule(&when));
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_deepest_accepted_nesting_fits_a_2_mib_thread() {
    use guantong::expr::parser::MAX_DEPTH;
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["nesting_probe_child", "--exact", "--test-threads=1"])
        .env("GUANTONG_NESTING_PROBE", (MAX_DEPTH - 1).to_string())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "the probe ended with {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn deep_toml_nesting_is_a_load_error() {
    let src = HEAD.replace(
        "years = [1, 2, 3]",
        &format!("deep = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
    ) + &fact("a", "bool", "")
        + &rule("r", "a");
    let e = load_err(&src);
    assert!(e.contains("TOML"), "{}", &e[..200.min(e.len())]);
}

#[test]
fn a_long_flat_list_loads_and_evaluates() {
    let items = vec!["1"; 5000].join(", ");
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    src += &rule("r", &format!("n in [{items}, 2]"));
    let q = load(&src);
    let ev = eval::evaluate(&q, &answers(&q, "n = 2"), TODAY);
    assert_eq!(ev.rules[0].fired, Some(true));
}

fn chain(n: usize, reverse: bool) -> String {
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    let mut items: Vec<String> = (0..n)
        .map(|i| {
            let expr = if i == 0 {
                "n".to_string()
            } else {
                format!("d{} + 1", i - 1)
            };
            format!("\n[[derived]]\nname = \"d{i}\"\nexpr = \"{expr}\"\n")
        })
        .collect();
    if reverse {
        items.reverse();
    }
    src += &items.concat();
    src += &rule("r", &format!("d{} > 0", n - 1));
    src += &result("last", &format!("d{}", n - 1));
    src
}

#[test]
fn a_ten_thousand_level_derived_chain_is_a_load_error() {
    let e = load_err(&chain(10_000, false));
    assert!(
        e.contains("too many derived values"),
        "{}",
        &e[..300.min(e.len())]
    );
}

#[test]
fn the_longest_allowed_derived_chain_loads_and_evaluates_in_any_order() {
    let n = questionnaire::load::MAX_DERIVED;
    for reverse in [false, true] {
        let q = load(&chain(n, reverse));
        let ev = eval::evaluate(&q, &Answers::new(), TODAY);
        assert_eq!(ev.rules[0].fired, None);
        assert_eq!(
            ids(&q, ev.rules[0].waiting.iter()),
            BTreeSet::from(["n".into()])
        );
        let ev = eval::evaluate(&q, &answers(&q, "n = 5"), TODAY);
        assert_eq!(ev.rules[0].fired, Some(true));
        assert_eq!(ev.result(&q, "last"), Some(&Value::Int(5 + n as i64 - 1)));
    }
}

/// Runs `guantong check` on a generated file in a child process, so that a stack
/// overflow shows as a failed assertion instead of aborting the test binary.
fn check_in_child(name: &str, src: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.toml"));
    std::fs::write(&path, src).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_guantong"))
        .args(["--lang", "en", "check"])
        .arg(&path)
        .output()
        .unwrap()
}

#[test]
fn operator_chains_load_up_to_the_limit_and_long_ones_are_load_errors() {
    // 150 conditions joined by `&&`, as a questionnaire might plausibly have
    let when = vec!["a"; 150].join(" && ");
    let o = check_in_child("and150", &ab_with_rule(&when));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // long flat chains (each link nests the tree one level deeper on the left) are
    // refused at load, not a stack overflow in the checker or evaluator
    for (name, when) in [
        ("and", vec!["a"; 3000].join(" && ")),
        ("or", vec!["a"; 3000].join(" || ")),
        ("plus", format!("{} > 0", vec!["1"; 8000].join("+"))),
        ("mul", format!("{} > 0", vec!["1"; 8000].join("*"))),
        ("member", format!("data{} > 0", ".fee".repeat(3000))),
        ("index", format!("data.years{} > 0", "[0]".repeat(4000))),
    ] {
        let o = check_in_child(name, &ab_with_rule(&when));
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: guantong check ended with {:?}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.contains("nested deeper than"),
            "{name}: {}",
            &out[..300.min(out.len())]
        );
    }
}

// ---------------------------------------------------------------- text, lists, enums

#[test]
fn cjk_strings_compare_and_are_listed() {
    let mut src = HEAD.to_string();
    src += &fact("name", "text", "");
    src += &rule("is_zhang", r#"name == "张三""#);
    src += &rule("in_list", r#"name in ["李四", "张三", "王五"]"#);
    src += &rule("quoted", r#"name != '高级技师（一级）'"#);
    src += &result("greeting", r#"name == "张三" ? "你好，张三" : "您好""#);
    let q = load(&src);
    let ev = eval::evaluate(&q, &answers(&q, r#"name = "张三""#), TODAY);
    let fired: Vec<_> = ev.rules.iter().map(|o| o.fired).collect();
    assert_eq!(fired, [Some(true), Some(true), Some(true)]);
    assert_eq!(ev.result(&q, "greeting"), Some(&Value::str("你好，张三")));
    let ev = eval::evaluate(&q, &answers(&q, r#"name = "赵六""#), TODAY);
    let fired: Vec<_> = ev.rules.iter().map(|o| o.fired).collect();
    assert_eq!(fired, [Some(false), Some(false), Some(true)]);
    assert_eq!(ev.result(&q, "greeting"), Some(&Value::str("您好")));
}

#[test]
fn cjk_in_names_and_stray_characters_are_load_errors_with_positions() {
    let mut src = HEAD.to_string();
    src += &fact("name", "text", "");
    src += &rule("r", "姓名 == name");
    let e = load_err(&src);
    assert!(e.contains("names must be ASCII"), "{e}");
    let mut src = HEAD.to_string();
    src += &fact("name", "text", "");
    src += &rule("r", r#"name == "张三"  ＝ "李四""#);
    let e = load_err(&src);
    assert!(e.contains("unexpected character `＝`"), "{e}");
    // an unterminated string holding CJK
    let mut src = HEAD.to_string();
    src += &fact("name", "text", "");
    src += &rule("r", r#"name == "张三"#);
    let e = load_err(&src);
    assert!(e.contains("unterminated string"), "{e}");
}

fn list_questionnaire() -> Questionnaire {
    let mut src = HEAD.to_string();
    src += &fact(
        "level",
        "enum",
        r#"choices = [
  { value = "level2", label = "技师" },
  { value = "level3", label = "高级工" },
  { value = "level4", label = "中级工" },
]"#,
    );
    src += &fact(
        "awards",
        "enum_list",
        r#"optional = true
choices = [
  { value = "national", label = "国家级" },
  { value = "provincial", label = "省级" },
  { value = "city", label = "市级" },
]"#,
    );
    src += &fact("n", "integer", "");
    src += &rule("enum_in", r#"level in ["level2", "level3"]"#);
    src += &rule("lit_in_list_fact", r#""national" in awards"#);
    src += &rule("int_in", "n in [1, 2, 3]");
    src += &rule("int_in_data", "n in data.years");
    src += &rule("key_in_table", r#""assistant" in data.fee"#);
    src += &rule("any_of", r#"any_of(awards, ["national", "provincial"])"#);
    src += &rule("size", "size(awards) >= 2");
    src += &result(
        "fee",
        r#"data.fee[level == "level2" ? "intermediate" : "assistant"]"#,
    );
    load(&src)
}

#[test]
fn in_and_any_of_with_lists() {
    let q = list_questionnaire();
    let fired =
        |ev: &Evaluation| -> Vec<Option<bool>> { ev.rules.iter().map(|o| o.fired).collect() };
    let ev = eval::evaluate(
        &q,
        &answers(
            &q,
            "level = \"level3\"\nawards = [\"city\", \"national\"]\nn = 2",
        ),
        TODAY,
    );
    assert_eq!(
        fired(&ev),
        [
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(true)
        ]
    );
    assert_eq!(ev.result(&q, "fee"), Some(&Value::Int(150)));

    let ev = eval::evaluate(
        &q,
        &answers(&q, "level = \"level4\"\nawards = [\"city\"]\nn = 7"),
        TODAY,
    );
    assert_eq!(
        fired(&ev),
        [
            Some(false),
            Some(false),
            Some(false),
            Some(false),
            Some(true),
            Some(false),
            Some(false)
        ]
    );
    // an empty list, and an optional list answered "not given" (null)
    let mut not_given = Answers::new();
    not_given.insert("awards".into(), Value::Null);
    for (a, given) in [
        ("awards = []", answers(&q, "awards = []")),
        ("null", not_given),
    ] {
        let ev = eval::evaluate(&q, &given, TODAY);
        assert_eq!(ev.rules[1].fired, Some(false), "{a:?}");
        assert_eq!(ev.rules[5].fired, Some(false), "{a:?}");
    }
    // unknown left operand: undecided, waiting for it
    let ev = eval::evaluate(&q, &Answers::new(), TODAY);
    assert_eq!(ev.rules[0].fired, None);
    assert_eq!(
        ids(&q, ev.rules[0].waiting.iter()),
        BTreeSet::from(["level".into()])
    );
    assert_eq!(ev.result(&q, "fee"), None);
}

#[test]
fn list_and_enum_type_errors() {
    let base = |when: &str| {
        let mut src = HEAD.to_string();
        src += &fact(
            "awards",
            "enum_list",
            r#"choices = [ { value = "national", label = "国家级" } ]"#,
        );
        src += &fact("n", "integer", "");
        src += &rule("r", when);
        src
    };
    let e = load_err(&base(r#""provincial" in awards"#));
    assert!(
        e.contains("\"provincial\" is not a choice of awards"),
        "{e}"
    );
    let e = load_err(&base(r#"any_of(awards, ["national", "galactic"])"#));
    assert!(e.contains("\"galactic\" is not a choice of awards"), "{e}");
    let e = load_err(&base("n in 3"));
    assert!(e.contains("`in` needs a list"), "{e}");
    let e = load_err(&base(r#"n in ["1", "2"]"#));
    assert!(e.contains("cannot look for int in a list of string"), "{e}");
    let e = load_err(&base("any_of(n, [1])"));
    assert!(e.contains("any_of() needs lists"), "{e}");
    let e = load_err(&base("[1, \"a\"] == [1]"));
    assert!(e.contains("list items have different types"), "{e}");
}

// ---------------------------------------------------------------- dates

fn date_eval(expr: &str, ans: &str) -> Option<Value> {
    let mut src = HEAD.to_string();
    src += &fact("d", "date", "");
    src += &fact("e", "date", "");
    src += &fact("n", "integer", "");
    src += &result("x", expr);
    let q = load(&src);
    let ev = eval::evaluate(&q, &answers(&q, ans), TODAY);
    assert!(
        ev.result_errors[0].is_none(),
        "{expr}: {:?}",
        ev.result_errors[0]
    );
    ev.result(&q, "x").cloned()
}

fn d(y: i16, m: i8, dd: i8) -> Option<Value> {
    Some(Value::Date(date(y, m, dd)))
}

#[test]
fn date_builtins() {
    let i = |n: i64| Some(Value::Int(n));
    // whole years: the day before, on and after the anniversary
    let ab = "d = 2023-06-20\ne = 2025-06-19";
    assert_eq!(date_eval("whole_years(d, e)", ab), i(1));
    assert_eq!(
        date_eval("whole_years(d, e)", "d = 2023-06-20\ne = 2025-06-20"),
        i(2)
    );
    assert_eq!(
        date_eval("whole_years(d, e)", "d = 2025-06-20\ne = 2023-06-20"),
        i(-2)
    );
    // a 29 February birthday is reached on 28 February of a common year
    assert_eq!(
        date_eval("whole_years(d, e)", "d = 2024-02-29\ne = 2025-02-28"),
        i(1)
    );
    assert_eq!(
        date_eval("whole_years(d, e)", "d = 2024-02-29\ne = 2025-02-27"),
        i(0)
    );
    // month addition clamps to the month's last day
    assert_eq!(
        date_eval("add_months(d, 1)", "d = 2026-01-31"),
        d(2026, 2, 28)
    );
    assert_eq!(
        date_eval("add_months(d, 1)", "d = 2024-01-31"),
        d(2024, 2, 29)
    );
    assert_eq!(
        date_eval("add_months(d, -13)", "d = 2026-03-31"),
        d(2025, 2, 28)
    );
    assert_eq!(
        date_eval("add_years(d, 1)", "d = 2024-02-29"),
        d(2025, 2, 28)
    );
    assert_eq!(
        date_eval("add_years(d, 4)", "d = 2024-02-29"),
        d(2028, 2, 29)
    );
    assert_eq!(
        date_eval("add_days(d, 1)", "d = 2024-02-28"),
        d(2024, 2, 29)
    );
    assert_eq!(
        date_eval("add_days(d, -1)", "d = 2026-01-01"),
        d(2025, 12, 31)
    );
    assert_eq!(date_eval("date(2026, 6, 15)", ""), d(2026, 6, 15));
    assert_eq!(
        date_eval(
            "year(d) * 10000 + month(d) * 100 + day(d)",
            "d = 1988-05-20"
        ),
        i(19880520)
    );
    assert_eq!(
        date_eval("min(d, e)", "d = 2026-01-02\ne = 2025-12-31"),
        d(2025, 12, 31)
    );
    assert_eq!(
        date_eval("max(d, e)", "d = 2026-01-02\ne = 2025-12-31"),
        d(2026, 1, 2)
    );
    assert_eq!(date_eval("max(n, 3, -1)", "n = 2"), i(3));
    assert_eq!(date_eval("min(n, 3, -1)", "n = 2"), i(-1));
    // comparisons between dates, and dates from TOML or strings in the answers
    assert_eq!(
        date_eval("d < e", "d = 2026-01-02\ne = \"2026年1月3日\""),
        Some(Value::Bool(true))
    );
    // unknown in, unknown out
    assert_eq!(date_eval("add_years(d, 1)", ""), None);
}

#[test]
fn date_builtins_out_of_range_are_errors_not_panics() {
    let mut src = HEAD.to_string();
    src += &fact("d", "date", "");
    src += &fact("n", "integer", "");
    src += &rule("add_m", "add_months(d, n) > d");
    src += &rule("add_y", "add_years(d, n) > d");
    src += &rule("add_d", "add_days(d, n) > d");
    src += &rule("mk", "date(2026, n, 1) > d");
    src += &rule("ret", "retirement_date(d, n) > d");
    let q = load(&src);
    let ev = eval::evaluate(
        &q,
        &answers(&q, "d = 2026-06-15\nn = 9223372036854775807"),
        TODAY,
    );
    for (r, o) in q.rules.iter().zip(&ev.rules) {
        assert_eq!(o.fired, None, "{}", r.code);
        assert!(o.error.is_some(), "{}", r.code);
    }
    let ev = eval::evaluate(
        &q,
        &answers(&q, "d = 2026-06-15\nn = -9223372036854775808"),
        TODAY,
    );
    for (r, o) in q.rules.iter().zip(&ev.rules) {
        assert_eq!(o.fired, None, "{}", r.code);
    }
}

#[test]
fn date_type_errors() {
    let base = |when: &str| {
        let mut src = HEAD.to_string();
        src += &fact("d", "date", "");
        src += &fact("n", "integer", "");
        src += &rule("r", when);
        src
    };
    for (when, msg) in [
        ("d > 5", "cannot compare date with int"),
        ("d == n", "cannot compare date with int"),
        ("d + 1 > d", "use add_days, add_months or add_years"),
        (
            "whole_years(d) > 1",
            "whole_years() takes 2 arguments, got 1",
        ),
        (
            "add_months(d, d) > d",
            "add_months() expects int here, found date",
        ),
        ("year(n) > 1", "year() expects date here, found int"),
        ("min(d, n) > d", "min() arguments mix date and int"),
        (
            "today() > d",
            "today() may be used only in a fact's default",
        ),
        ("frobnicate(d)", "unknown function `frobnicate`"),
    ] {
        let e = load_err(&base(when));
        assert!(e.contains(msg), "{when}: {e}");
    }
}

#[test]
fn retirement_date_matches_the_contract_examples() {
    let r = |birth: &str, age: i64| {
        date_eval("retirement_date(d, n)", &format!("d = {birth}\nn = {age}"))
    };
    // examples in the contract (Rules: statutory retirement date)
    assert_eq!(r("1965-05-10", 60), d(2025, 7, 10)); // 60 y 2 m
    assert_eq!(r("1964-12-01", 60), d(2024, 12, 1)); // before the reform
    assert_eq!(r("1975-03-15", 50), d(2025, 5, 15)); // 50 y 2 m
    assert_eq!(r("1976-02-29", 50), d(2026, 9, 29)); // delay 7, clamped in one step
    assert_eq!(r("1988-05-20", 60), d(2051, 5, 20)); // the final age 63
    // first delayed month of each track: one month
    assert_eq!(r("1965-01-31", 60), d(2025, 2, 28));
    assert_eq!(r("1970-01-15", 55), d(2025, 2, 15));
    assert_eq!(r("1975-01-15", 50), d(2025, 2, 15));
    // the final ages
    assert_eq!(r("1976-09-01", 60), d(2039, 9, 1));
    assert_eq!(r("1981-09-01", 55), d(2039, 9, 1));
    assert_eq!(r("1984-11-01", 50), d(2039, 11, 1));
    // an original age outside 50/55/60 is an evaluation error, not a panic
    let mut src = HEAD.to_string();
    src += &fact("d", "date", "");
    src += &fact("n", "integer", "");
    src += &rule("r", "retirement_date(d, n) <= d");
    let q = load(&src);
    let ev = eval::evaluate(&q, &answers(&q, "d = 1970-01-01\nn = 65"), TODAY);
    assert_eq!(ev.rules[0].fired, None);
    assert!(
        ev.rules[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("original age 65")
    );
}

// ---------------------------------------------------------------- ID numbers

#[test]
fn id_number_builtins() {
    let mut src = HEAD.to_string();
    src += &fact("id", "text", "");
    src += &result("valid", "id_valid(id)");
    src += &result("birth", "id_birth_date(id)");
    src += &result("sex", "id_sex(id)");
    let q = load(&src);
    let run = |id: &str| {
        let ev = eval::evaluate(&q, &answers(&q, &format!("id = \"{id}\"")), TODAY);
        (
            ev.result(&q, "valid").cloned(),
            ev.result(&q, "birth").cloned(),
            ev.result(&q, "sex").cloned(),
        )
    };
    let t = Some(Value::Bool(true));
    let f = Some(Value::Bool(false));
    let null = Some(Value::Null);
    assert_eq!(
        run("451002198805200012"),
        (t.clone(), d(1988, 5, 20), Some(Value::str("male")))
    );
    assert_eq!(
        run("451002199001010023"),
        (t.clone(), d(1990, 1, 1), Some(Value::str("female")))
    );
    // check digit X, in either case (11010519491231002X is the standard's example)
    assert_eq!(run("11010519491231002X").0, t);
    assert_eq!(
        run("11010519491231002x"),
        (t, d(1949, 12, 31), Some(Value::str("female")))
    );
    // wrong check digit, wrong length, impossible date, letters
    for bad in [
        "451002198805200013",
        "45100219880520001",
        "4510021988052000123",
        "451002198802300012",
        "45100219880520001A",
        "",
        "四五一〇〇二一九八八〇五二〇〇〇一二",
    ] {
        assert_eq!(run(bad), (f.clone(), null.clone(), null.clone()), "{bad}");
    }
    // unknown in, unknown out
    let ev = eval::evaluate(&q, &Answers::new(), TODAY);
    assert_eq!(ev.result(&q, "valid"), None);
}

#[test]
fn today_is_read_only_by_defaults() {
    let mut src = HEAD.to_string();
    src += &fact("interview_date", "date", "default = \"today()\"");
    src += &fact("d", "date", "");
    src += &rule("r", "whole_years(d, interview_date) >= 18");
    let q = load(&src);
    let ev = eval::evaluate(&q, &answers(&q, "d = 2008-06-15"), TODAY);
    assert_eq!(ev.interview_date, Some(TODAY));
    assert_eq!(ev.rules[0].fired, Some(true));
    // an explicit interview date wins over the clock
    let ev = eval::evaluate(
        &q,
        &answers(&q, "d = 2008-06-15\ninterview_date = 2026-06-14"),
        TODAY,
    );
    assert_eq!(ev.rules[0].fired, Some(false));
}

// ---------------------------------------------------------------- branching

fn gated() -> Questionnaire {
    let mut src = HEAD.to_string();
    src += &fact("gate", "bool", "");
    src += &fact("x", "bool", "ask_if = \"gate\"");
    src += &rule("r", "gate && x");
    load(&src)
}

#[test]
fn a_fact_not_reached_is_ignored_even_when_answered() {
    let q = gated();
    let ev = eval::evaluate(&q, &answers(&q, "gate = false\nx = true"), TODAY);
    assert_eq!(ev.rules[0].fired, Some(false));
    assert!(ev.facts[1].set_aside);
    assert_eq!(ev.set_aside().collect::<Vec<_>>(), [1]);
    assert_eq!(ev.status, eval::Status::Eligible);
    let ev = eval::evaluate(&q, &answers(&q, "gate = true\nx = true"), TODAY);
    assert_eq!(ev.rules[0].fired, Some(true));
    assert!(!ev.facts[1].set_aside);
}

#[test]
fn an_answered_fact_behind_a_pending_gate_is_not_missing() {
    let q = gated();
    let ev = eval::evaluate(&q, &answers(&q, "x = true"), TODAY);
    assert_eq!(ev.rules[0].fired, None);
    assert_eq!(
        ids(&q, ev.rules[0].waiting.iter()),
        BTreeSet::from(["gate".to_string()])
    );
    assert_eq!(
        ids(&q, ev.missing.iter().copied()),
        BTreeSet::from(["gate".to_string()])
    );
}

#[test]
fn money_in_fen_rounds_half_away_from_zero_and_shows_as_yuan() {
    use guantong::expr::eval::round_div;
    // 1120 yuan × 2 / 3 = 746.666… yuan: 74667 fen, not the truncated 746
    assert_eq!(round_div(112_000 * 2, 3), Some(74_667));
    assert_eq!(round_div(5, 2), Some(3));
    assert_eq!(round_div(-5, 2), Some(-3));
    assert_eq!(round_div(5, -2), Some(-3));
    assert_eq!(round_div(4, 3), Some(1));
    assert_eq!(round_div(1, 0), None);
    assert_eq!(round_div(i64::MIN, -1), None);
    assert_eq!(guantong::questionnaire::yuan(74_667), "746.67");
    assert_eq!(guantong::questionnaire::yuan(-5), "-0.05");
    let mut src = HEAD.to_string();
    src += &fact("base", "integer", "");
    src += &rule("r", "base > 0");
    src += "\n[[results]]\nname = \"subsidy\"\nexpr = \"round_div(base * 100 * 2, 3)\"\nunit = \"fen\"\n";
    let q = load(&src);
    let ev = eval::evaluate(&q, &answers(&q, "base = 1120"), TODAY);
    assert_eq!(ev.result(&q, "subsidy"), Some(&Value::Int(74_667)));
    let r = q.result("subsidy").expect("result");
    assert_eq!(
        r.display(&Value::Int(74_667), guantong::text::Lang::Zh),
        "746.67"
    );
    // division by zero is an error of that result, not a crash
    let ev = eval::evaluate(&q, &answers(&q, "base = 0"), TODAY);
    assert_eq!(ev.result(&q, "subsidy"), Some(&Value::Int(0)));
    let bad = src.replace("unit = \"fen\"", "unit = \"jiao\"");
    assert!(load_err(&bad).contains("unit `jiao` is unknown"));
}

#[test]
fn quarters_and_decimals() {
    let mut src = HEAD.to_string();
    src += &fact("d", "date", "");
    src += &rule("q4", "quarter(d) == 4");
    let q = load(&src);
    for (d, fired) in [
        ("2026-12-31", true),
        ("2026-10-01", true),
        ("2026-09-30", false),
    ] {
        let ev = eval::evaluate(&q, &answers(&q, &format!("d = {d}")), TODAY);
        assert_eq!(ev.rules[0].fired, Some(fired), "{d}");
    }
    let mut src = HEAD.to_string();
    src += &fact("n", "integer", "");
    src += &rule("r", "n > 7.5");
    let e = load_err(&src);
    assert!(e.contains("decimals are not supported: `7.5`"), "{e}");
    assert!(!e.contains("expected a name"), "{e}");
}

#[test]
fn schedules_need_no_rank_and_levels_must_be_codes() {
    let base = r#"
[meta]
id = "s"
version = "1"
title = "s"
policy = { name = "s" }

[schedule]
opens = "03-01"
closes = "03-31"
RANK

[[sections]]
id = "s"
title = "s"

[[sections.facts]]
id = "interview_date"
type = "date"
prompt = "d"
cite = "1"

[[sections.facts]]
id = "since"
type = "date"
prompt = "since"
cite = "1"

[[rules]]
code = "early"
kind = "blocker"
when = "whole_years(since, application_date) < 1"
cite = "1"
message = "early"

[[results]]
name = "grade"
expr = 'whole_years(since, interview_date) > 5 ? "high" : "low"'
"#;
    // no rank: the first open day of the window is apply_from
    let q = load(&base.replace("RANK", ""));
    let ev = eval::evaluate(
        &q,
        &answers(&q, "interview_date = 2026-01-10\nsince = 2025-03-15"),
        TODAY,
    );
    let tl = ev.timeline.clone().unwrap_or_default();
    assert_eq!(tl.apply_from, Some(jiff::civil::date(2026, 3, 15)));
    assert_eq!(tl.apply_by, Some(jiff::civil::date(2026, 3, 31)));
    // levels that the rank result never gives are errors
    let e = load_err(&base.replace("RANK", "rank = \"grade\"\nlevels = [\"low\", \"hihg\"]"));
    assert!(
        e.contains("`hihg` is not a value the rank result gives (high, low)"),
        "{e}"
    );
    let e = load_err(&base.replace("RANK", "levels = [\"low\"]"));
    assert!(e.contains("give `rank`"), "{e}");
    // an expression reading a result says why it cannot
    let e = load_err(&base.replace("RANK", "").replace(
        "when = \"whole_years(since, application_date) < 1\"",
        "when = 'grade == \"low\"'",
    ));
    assert!(
        e.contains("`grade` is a result, and expressions cannot read results"),
        "{e}"
    );
}
