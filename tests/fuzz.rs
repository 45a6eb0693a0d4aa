//! Hostile files fail cleanly (issue 10, item 5): a bounded fuzz run on stable Rust.
//!
//! The seeds are `tests/fuzz/corpus/{questionnaire,answers}/` plus the linter's fixtures
//! (`tests/lint/`), the project's questionnaires and scenario files (and the shared
//! acceptance scenarios when they are beside the repository). Each seed is run as it is,
//! then `GUANTONG_FUZZ_ITERATIONS` (default 3,000) inputs made from them by seeded,
//! deterministic mutations: bit flips, insertions of tokens that parsers trip on (quotes,
//! brackets, `{{`, `&&`, deep nesting, huge numbers, 2026-02-29, U+0000, bidi and
//! zero-width characters, very long lines), deletions, splices between seeds, duplicated
//! tables and lines, a piece of a line repeated thousands of times on it, replaced values,
//! numbers at the edges, swapped operators. Every input goes through the program's own entry
//! points (`tests/fuzz/harness.rs`), under `catch_unwind`: the test fails on any panic and
//! prints the input, its seed and how to run it again. It records how long each input
//! takes (an input over 1 s is timed again, to rule out a busy machine, and saved) and
//! prints the count over 1 s, but does not assert on time (the speed targets are
//! in `benches/hostile.rs`).
//!
//! Longer runs by hand: `GUANTONG_FUZZ_ITERATIONS=200000 cargo test --release --test fuzz
//! -- --nocapture`; another stream of inputs: `GUANTONG_FUZZ_SEED=<n>`; one input again:
//! `GUANTONG_FUZZ_ONLY=<index>` (with the same seed), or `GUANTONG_FUZZ_REPLAY=<file>`
//! (a saved input, run both as a questionnaire and as an answers file). `cargo fuzz`
//! targets for coverage-guided runs are in `fuzz/`.

#[path = "fuzz/harness.rs"]
mod harness;

use std::cell::RefCell;
use std::io::{Seek, SeekFrom, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use guantong::questionnaire::{self, Questionnaire};
use guantong::value::Value;
use harness::Rng;

const DEFAULT_ITERATIONS: usize = 3_000;
/// "guantong" in ASCII.
const DEFAULT_SEED: u64 = 0x6775_616e_746f_6e67;
/// Mutated inputs stop growing here (a hostile file can be larger; the benchmarks and the
/// size limits cover that): it keeps the bounded run's time predictable.
const MAX_INPUT: usize = 512 * 1024;
const SLOW: Duration = Duration::from_secs(1);

#[derive(Clone, Debug)]
struct Seed {
    name: String,
    bytes: Vec<u8>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.toml` file under `dir` (recursively), sorted so that indices are stable.
fn read_seeds(dir: &Path, out: &mut Vec<Seed>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            read_seeds(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml")
            && let Ok(bytes) = std::fs::read(&p)
        {
            let name = p.strip_prefix(root()).unwrap_or(&p).display().to_string();
            out.push(Seed { name, bytes });
        }
    }
}

fn read_seed(rel: &str, out: &mut Vec<Seed>) {
    if let Ok(bytes) = std::fs::read(root().join(rel)) {
        out.push(Seed {
            name: rel.to_string(),
            bytes,
        });
    }
}

struct Seeds {
    questionnaires: Vec<Seed>,
    /// The questionnaire seeds that load without errors.
    loading: Vec<Seed>,
    answers: Vec<Seed>,
}

fn seeds() -> Seeds {
    let r = root();
    let mut q = Vec::new();
    read_seeds(&r.join("tests/fuzz/corpus/questionnaire"), &mut q);
    read_seeds(&r.join("tests/lint"), &mut q);
    read_seed("tests/fixtures/mini.toml", &mut q);
    read_seed("tests/fixtures/baise-1.0.0.toml", &mut q);
    read_seed("tests/scenarios/horizon/questionnaire.toml", &mut q);
    read_seed("questionnaires/baise.toml", &mut q);
    let mut a = Vec::new();
    read_seeds(&r.join("tests/fuzz/corpus/answers"), &mut a);
    read_seeds(&r.join("tests/fixtures/answers_bad"), &mut a);
    read_seed("tests/fixtures/mini_answers.toml", &mut a);
    read_seed("tests/fixtures/bench_case.toml", &mut a);
    let mut scenarios = Vec::new();
    read_seeds(&r.join("tests/scenarios"), &mut scenarios);
    read_seeds(&r.join("../shared/spec/scenarios"), &mut scenarios);
    // the horizon questionnaire is a questionnaire, not a scenario
    a.extend(
        scenarios
            .into_iter()
            .filter(|s| !s.name.ends_with("horizon/questionnaire.toml")),
    );
    let loading = q
        .iter()
        .filter(|s| questionnaire::load_str(&s.name, &text(&s.bytes)).is_ok())
        .cloned()
        .collect();
    Seeds {
        questionnaires: q,
        loading,
        answers: a,
    }
}

/// Tokens that parsers trip on, inserted anywhere.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "{{",
    "}}",
    "{x}",
    "{level:long}",
    "{:long}",
    "{apply_from:",
    "&&",
    "||",
    "!",
    "==",
    "!=",
    "<=",
    " in ",
    "?",
    ":",
    "(",
    ")",
    ",",
    ".",
    "=",
    "#",
    "\\",
    "\\u0000",
    "\\uD800",
    "\\U0010FFFF",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\u{0}",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{1b}[2J",
    "\u{1b}]52;c;SGVsbG8=\u{7}",
    "\u{85}",
    "\u{10FFFF}",
    "2026-02-29",
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "1900-01-01T00:00:00Z",
    "\"2026-02-29\"",
    "\"20260229\"",
    "\"2026年2月29日\"",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "99999999999999999999999",
    "1e308",
    "nan",
    "inf",
    "-0",
    "0x7fffffffffffffff",
    "true",
    "false",
    "null",
    "today()",
    "fired(\"x\")",
    "status",
    "missing",
    "application_date",
    "counting_date",
    "interview_date",
    "data.",
    "data.fee_yuan[level]",
    "whole_years(",
    "add_months(",
    "retirement_date(",
    "id_birth_date(",
    "size(",
    "any_of(",
    "known(",
    "date(9999, 12, 31)",
    "date(-32768, 0, 0)",
    "add_years(interview_date, 9223372036854775807)",
    "add_days(interview_date, -9223372036854775808)",
    "[[sections]]\n",
    "[[sections.facts]]\n",
    "[[derived]]\n",
    "[[rules]]\n",
    "[[results]]\n",
    "[schedule]\n",
    "[[schedule.windows]]\n",
    "[[migrations]]\n",
    "[data]\n",
    "[articles]\n",
    "[meta]\n",
    "[facts]\n",
    "[expect]\n",
    "id = \"x\"\n",
    "type = \"enum\"\n",
    "kind = \"blocker\"\n",
    "name = \"level\"\n",
    "中",
    "第七条（四）",
    "é",
    "𝕏",
];

/// Values put in place of the right-hand side of a `key = value` line.
const VALUES: &[&str] = &[
    "\"a && b\"",
    "'((((x))))'",
    "\"\"",
    "[]",
    "{}",
    "[[]]",
    "2026-02-29",
    "\"2026-02-29\"",
    "9223372036854775807",
    "-9223372036854775808",
    "-1",
    "0",
    "true",
    "1.5",
    "\"null\"",
    "\"today()\"",
    "\"status\"",
    "'fired(\"r\")'",
    "'status == \"eligible\"'",
    "\"{x}\"",
    "\"{{\"",
    "\"}}\"",
    "\"}{\"",
    "\"x\"",
    "[\"a\", \"a\"]",
    "[\"level2\", 1]",
    "{ zh = \"\", en = \"\" }",
    "{ zh = \"\\u0000\" }",
    "\"\\u0000\"",
    "\"a\\u202Eb\"",
    "\"\\u200B\"",
    "\"06-31\"",
    "\"02-29\"",
    "\"13-01\"",
    "\"00-00\"",
    "\"level\"",
    "\"interview_date\"",
    "\"application_date\"",
    "\"retirement_date(birth_date, 9223372036854775807)\"",
    "\"whole_months(date(1, 1, 1), date(9999, 12, 31))\"",
    "\"add_months(interview_date, -9223372036854775808)\"",
    "\"0 / 0\"",
    "\"-9223372036854775808 / -1\"",
    "\"9223372036854775807 * 2\"",
    "\"-(-9223372036854775807 - 1)\"",
    "\"1 % 0\"",
    "\"[1, [2, [3]]]\"",
    "\"data.x[data.y[data.z]]\"",
    "\"^(a+)+$\"",
    "\"[\"",
    "\"(?P<x\"",
];

/// Numbers put in place of a run of digits: edges of months, days, years and integers.
const NUMBERS: &[&str] = &[
    "0",
    "00",
    "1",
    "2",
    "12",
    "13",
    "28",
    "29",
    "30",
    "31",
    "32",
    "59",
    "99",
    "1900",
    "1970",
    "2000",
    "2100",
    "9999",
    "0000",
    "10000",
    "32767",
    "32768",
    "65536",
    "2147483647",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
];

/// Operators of the expression language (and TOML's `=` and `.`), swapped for each other.
const OPERATORS: &[&str] = &[
    "<", ">", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "!", " in ", "?",
];

/// Runs of ASCII digits: (start, end).
fn digit_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            v.push((s, i));
        } else {
            i += 1;
        }
    }
    v
}

/// A generated hostile token: deep nesting, a very long line, a long run of an operator.
fn generated(rng: &mut Rng) -> String {
    let depth = *rng.pick(&[10, 199, 200, 201, 1_000, 10_000]).unwrap_or(&10);
    match rng.below(8) {
        0 => format!("{}x{}", "(".repeat(depth), ")".repeat(depth)),
        1 => format!("{}1{}", "[".repeat(depth), "]".repeat(depth)),
        2 => format!(
            "{}1{}",
            "{a=".repeat(depth.min(1_000)),
            "}".repeat(depth.min(1_000))
        ),
        3 => "!".repeat(depth),
        4 => "-".repeat(depth),
        5 => "x".repeat(*rng.pick(&[1_000, 10_000, 100_000]).unwrap_or(&1_000)),
        6 => "a && ".repeat(depth) + "a",
        _ => "9".repeat(depth),
    }
}

/// The last character boundary at or before `i` (for bytes that are UTF-8 text).
fn floor_boundary(b: &[u8], mut i: usize) -> usize {
    while i > 0 && i < b.len() && (b[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

fn line_starts(b: &[u8]) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        b.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .map(|(i, _)| i + 1),
    );
    v.retain(|i| *i < b.len());
    v
}

/// Lines starting with `[` (table headers): (start, end of the table's text).
fn tables(b: &[u8]) -> Vec<(usize, usize)> {
    let heads: Vec<usize> = line_starts(b)
        .into_iter()
        .filter(|i| b.get(*i) == Some(&b'['))
        .collect();
    heads
        .iter()
        .enumerate()
        .map(|(k, s)| (*s, heads.get(k + 1).copied().unwrap_or(b.len())))
        .collect()
}

fn line_end(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(b.len(), |i| start + i)
}

/// A position, most often on a character boundary (a byte inside a character makes the
/// text invalid UTF-8, which is also tried, but less often).
fn pos(rng: &mut Rng, b: &[u8]) -> usize {
    let mut p = rng.below(b.len() + 1);
    if !rng.chance(8) {
        while p < b.len() && (b[p] & 0xC0) == 0x80 {
            p += 1;
        }
    }
    p
}

/// One mutation of `b` in place; returns its name for the report.
fn mutate_once(rng: &mut Rng, b: &mut Vec<u8>, others: &[Seed]) -> String {
    match rng.below(16) {
        0 if !b.is_empty() => {
            let i = rng.below(b.len());
            let bit = rng.below(8);
            b[i] ^= 1 << bit;
            format!("flip bit {bit} at {i}")
        }
        1 | 2 => {
            let t = *rng.pick(TOKENS).unwrap_or(&"\"");
            let p = pos(rng, b);
            b.splice(p..p, t.bytes());
            format!("insert {t:?} at {p}")
        }
        3 => {
            let t = generated(rng);
            let p = pos(rng, b);
            let what = format!(
                "insert {} bytes of {:?}… at {p}",
                t.len(),
                &t[..t.len().min(8)]
            );
            b.splice(p..p, t.into_bytes());
            what
        }
        4 if !b.is_empty() => {
            let p = rng.below(b.len());
            let max = if rng.chance(4) { b.len() } else { 64 };
            let n = 1 + rng.below(max.min(b.len() - p));
            b.drain(p..p + n);
            format!("delete {n} bytes at {p}")
        }
        5 => {
            // splice: a run of lines from another seed, at a line start
            let Some(o) = rng.pick(others) else {
                return "splice (no seed)".into();
            };
            let os = line_starts(&o.bytes);
            let from = *rng.pick(&os).unwrap_or(&0);
            let mut to = from;
            for _ in 0..1 + rng.below(20) {
                to = (line_end(&o.bytes, to) + 1).min(o.bytes.len());
            }
            let p = *rng.pick(&line_starts(b)).unwrap_or(&0);
            b.splice(p..p, o.bytes[from..to].iter().copied());
            format!("splice {}..{} of {} at {p}", from, to, o.name)
        }
        6 => {
            // a table duplicated, at another table's start or at the end
            let ts = tables(b);
            let Some(&(s, e)) = rng.pick(&ts) else {
                return "duplicate table (none)".into();
            };
            let copy = b[s..e].to_vec();
            let at = if rng.chance(2) {
                b.len()
            } else {
                rng.pick(&ts).map_or(b.len(), |t| t.0)
            };
            let mut c = copy;
            if at == b.len() && b.last() != Some(&b'\n') {
                c.insert(0, b'\n');
            }
            b.splice(at..at, c);
            format!("duplicate table at {s} to {at}")
        }
        7 => {
            // a line repeated, sometimes many times (a choice list of thousands)
            let ls = line_starts(b);
            let Some(&s) = rng.pick(&ls) else {
                return "repeat line (none)".into();
            };
            let e = (line_end(b, s) + 1).min(b.len());
            let times = *rng.pick(&[1, 2, 100, 1_000]).unwrap_or(&1);
            let line: Vec<u8> = b[s..e].to_vec();
            let mut block = Vec::new();
            for _ in 0..times {
                block.extend_from_slice(&line);
                if block.len() > MAX_INPUT / 2 {
                    break;
                }
            }
            b.splice(e..e, block);
            format!("repeat line at {s} x{times}")
        }
        8 => {
            // two lines swapped
            let ls = line_starts(b);
            let (Some(&x), Some(&y)) = (rng.pick(&ls), rng.pick(&ls)) else {
                return "swap (none)".into();
            };
            let (x, y) = (x.min(y), x.max(y));
            if x == y {
                return "swap (same line)".into();
            }
            let (xe, ye) = (line_end(b, x), line_end(b, y));
            if xe >= y {
                return "swap (overlap)".into();
            }
            let (lx, ly) = (b[x..xe].to_vec(), b[y..ye].to_vec());
            b.splice(y..ye, lx);
            b.splice(x..xe, ly);
            format!("swap lines at {x} and {y}")
        }
        9 | 10 => {
            // the value of a `key = value` line replaced
            let ls: Vec<usize> = line_starts(b)
                .into_iter()
                .filter(|s| b[*s..line_end(b, *s)].windows(3).any(|w| w == b" = "))
                .collect();
            let Some(&s) = rng.pick(&ls) else {
                return "replace value (none)".into();
            };
            let e = line_end(b, s);
            let Some(eq) = b[s..e].windows(3).position(|w| w == b" = ") else {
                return "replace value (none)".into();
            };
            let v = if rng.chance(5) {
                format!("\"{}\"", generated(rng))
            } else {
                rng.pick(VALUES).unwrap_or(&"0").to_string()
            };
            let what = format!("replace value at {s} with {:?}", &v[..v.len().min(40)]);
            b.splice(s + eq + 3..e, v.into_bytes());
            what
        }
        11 | 12 => {
            // a run of digits (a number, a year, a month, a day) replaced by an edge value:
            // the file most often still loads, and the evaluator meets the edge
            let runs: Vec<(usize, usize)> = digit_runs(b);
            let Some(&(s, e)) = rng.pick(&runs) else {
                return "number (none)".into();
            };
            let n = *rng.pick(NUMBERS).unwrap_or(&"0");
            b.splice(s..e, n.bytes());
            format!("number at {s} -> {n}")
        }
        14 if !b.is_empty() => {
            // a piece of a line repeated in place, many times: one long line holding
            // thousands of elements (a minified file), where per-error work on the line
            // would be quadratic
            let p = pos(rng, b).min(b.len() - 1);
            let e = line_end(b, p);
            let n = 1 + rng.below((e - p).clamp(1, 200));
            let e = floor_boundary(b, (p + n).min(e)).max(p);
            let piece = b[p..e].to_vec();
            let times = *rng.pick(&[10, 100, 1_000, 5_000]).unwrap_or(&10);
            let mut block = Vec::new();
            for _ in 0..times {
                if block.len() + piece.len() > MAX_INPUT / 2 {
                    break;
                }
                block.extend_from_slice(&piece);
            }
            b.splice(e..e, block);
            format!("repeat {} bytes at {p} x{times} on its line", piece.len())
        }
        13 => {
            // an operator swapped for another (the file most often still loads)
            let ops: Vec<usize> = (0..b.len())
                .filter(|i| OPERATORS.iter().any(|o| b[*i..].starts_with(o.as_bytes())))
                .collect();
            let Some(&at) = rng.pick(&ops) else {
                return "operator (none)".into();
            };
            let old = OPERATORS
                .iter()
                .filter(|o| b[at..].starts_with(o.as_bytes()))
                .max_by_key(|o| o.len())
                .map_or(1, |o| o.len());
            let new = *rng.pick(OPERATORS).unwrap_or(&"+");
            b.splice(at..at + old, new.bytes());
            format!("operator at {at} -> {new}")
        }
        _ => {
            // inside a quoted string (an expression, a template, a date): a token
            let ls: Vec<usize> = line_starts(b)
                .into_iter()
                .filter(|s| {
                    b[*s..line_end(b, *s)]
                        .iter()
                        .filter(|c| **c == b'"')
                        .count()
                        >= 2
                })
                .collect();
            let Some(&s) = rng.pick(&ls) else {
                return "in string (none)".into();
            };
            let e = line_end(b, s);
            let Some(q1) = b[s..e].iter().position(|c| *c == b'"') else {
                return "in string (none)".into();
            };
            let q1 = s + q1 + 1;
            let q2 = b[q1..e]
                .iter()
                .position(|c| *c == b'"')
                .map_or(q1, |i| q1 + i);
            let p = q1 + rng.below(q2 - q1 + 1);
            let t = if rng.chance(3) {
                generated(rng)
            } else {
                rng.pick(TOKENS).unwrap_or(&"&&").to_string()
            };
            let what = format!("in string at {p}: {:?}", &t[..t.len().min(40)]);
            b.splice(p..p, t.into_bytes());
            what
        }
    }
}

/// A mutated copy of `base`: one to eight mutations, stopping at [`MAX_INPUT`].
fn mutate(rng: &mut Rng, base: &[u8], others: &[Seed]) -> (Vec<u8>, Vec<String>) {
    let mut b = base.to_vec();
    let mut ops = Vec::new();
    // one mutation half the time: a file that still loads reaches the evaluation
    let most = match rng.below(4) {
        0 | 1 => 1,
        2 => 3,
        _ => 8,
    };
    let n = 1 + rng.below(most);
    for _ in 0..n {
        let before = b.clone();
        ops.push(mutate_once(rng, &mut b, others));
        if b.len() > MAX_INPUT {
            b = before;
            ops.pop();
        }
    }
    (b, ops)
}

// ---------------------------------------------------------------- panics, caught and named

thread_local! {
    /// `Some` while an input runs: the panic hook keeps the message here instead of
    /// printing it (thousands of inputs; the report prints the ones that panicked).
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let kept = CAUGHT.with(|c| match c.try_borrow_mut() {
                Ok(mut slot) => match slot.as_mut() {
                    Some(msg) => {
                        let bt = std::backtrace::Backtrace::force_capture().to_string();
                        let bt: String = bt
                            .lines()
                            .filter(|l| l.contains("guantong") || l.contains("at ./"))
                            .take(24)
                            .collect::<Vec<_>>()
                            .join("\n");
                        *msg = Some(format!("{info}\n{bt}"));
                        true
                    }
                    None => false,
                },
                Err(_) => false,
            });
            if !kept {
                default(info);
            }
        }));
    });
}

/// Run `f`, turning a panic into its message.
fn guarded(f: impl FnOnce()) -> Result<(), String> {
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    let msg = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    match r {
        Ok(()) => Ok(()),
        Err(_) => Err(msg.unwrap_or_else(|| "panic (no message)".into())),
    }
}

// ---------------------------------------------------------------- the run

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Questionnaire,
    Answers,
}

struct Input {
    index: Option<usize>,
    kind: Kind,
    origin: String,
    ops: Vec<String>,
    bytes: Vec<u8>,
    /// For a questionnaire: the answers file run against it.
    answers: Vec<u8>,
}

struct Fixed {
    baise: Option<Questionnaire>,
    full: Questionnaire,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run_input(fixed: &Fixed, input: &Input, rng: &mut Rng, tmp: &Path) -> (bool, bool) {
    let src = text(&input.bytes);
    if std::str::from_utf8(&input.bytes).is_err() {
        // not UTF-8: the file readers refuse it with a message; the rest of the run
        // goes on with the text as a lossy reading of it
        let p = tmp.join(format!("not-utf8-{}.toml", std::process::id()));
        if std::fs::write(&p, &input.bytes).is_ok() {
            match input.kind {
                Kind::Questionnaire => {
                    let r = questionnaire::load_file(&p);
                    assert!(r.is_err(), "a file that is not UTF-8 was loaded");
                }
                Kind::Answers => {
                    let limit = guantong::diag::MAX_ANSWERS_BYTES;
                    assert!(guantong::diag::read_limited(&p, limit).is_err());
                }
            }
        }
        let _ = std::fs::remove_file(&p);
    }
    match input.kind {
        Kind::Questionnaire => {
            let loaded = harness::questionnaire_input(&src, &text(&input.answers), rng);
            (loaded, false)
        }
        Kind::Answers => {
            if let Some(b) = &fixed.baise {
                harness::answers(b, &src);
            }
            harness::answers(&fixed.full, &src);
            (false, true)
        }
    }
}

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => v.parse().ok(),
    }
}

/// The `index`th input of the stream `seed`: independent of every other index, so that
/// `GUANTONG_FUZZ_ONLY` makes it again.
fn make_input(seed: u64, index: usize, seeds: &Seeds) -> (Input, Rng) {
    let (qs, ans) = (&seeds.questionnaires[..], &seeds.answers[..]);
    let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0xD134_2543_DE82_EF95));
    rng.next();
    let kind = if index.is_multiple_of(2) {
        Kind::Questionnaire
    } else {
        Kind::Answers
    };
    let (pool, others): (&[Seed], &[Seed]) = match kind {
        Kind::Questionnaire => (qs, ans),
        Kind::Answers => (ans, qs),
    };
    // splices mostly from the same kind of file, sometimes from the other
    let all = if rng.chance(5) { others } else { pool };
    // three questionnaires in four start from one that loads, so that the mutations
    // reach the checks and the evaluation rather than stop at the first error
    let from = match kind {
        Kind::Questionnaire if !rng.chance(4) => &seeds.loading[..],
        _ => pool,
    };
    let base = rng.pick(from).cloned().unwrap_or(Seed {
        name: "empty".into(),
        bytes: Vec::new(),
    });
    let (bytes, ops) = mutate(&mut rng, &base.bytes, all);
    let answers = match kind {
        Kind::Questionnaire => {
            let a = rng.pick(ans).map(|s| s.bytes.clone()).unwrap_or_default();
            if rng.chance(3) {
                mutate(&mut rng, &a, ans).0
            } else {
                a
            }
        }
        Kind::Answers => Vec::new(),
    };
    (
        Input {
            index: Some(index),
            kind,
            origin: base.name,
            ops,
            bytes,
            answers,
        },
        rng,
    )
}

enum Plan {
    /// A seed as it is.
    Seed(Kind, usize),
    /// The `n`th mutated input.
    Mutated(usize),
    /// A saved input (`GUANTONG_FUZZ_REPLAY`).
    Replay(Kind, PathBuf),
}

struct Failure {
    what: String,
    message: String,
    saved: PathBuf,
}

#[test]
fn hostile_inputs_never_panic() {
    install_hook();
    let iterations =
        env_number("GUANTONG_FUZZ_ITERATIONS").map_or(DEFAULT_ITERATIONS, |n| n as usize);
    let seed = env_number("GUANTONG_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let only = env_number("GUANTONG_FUZZ_ONLY").map(|n| n as usize);
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz");
    std::fs::create_dir_all(&tmp).expect("a scratch directory under target/");
    let all = seeds();
    let (qs, ans) = (&all.questionnaires, &all.answers);
    assert!(
        qs.len() >= 50 && all.loading.len() >= 10 && ans.len() >= 30,
        "the seeds are missing: {} questionnaires ({} load), {} answers files",
        qs.len(),
        all.loading.len(),
        ans.len()
    );
    let full_src =
        std::fs::read_to_string(root().join("tests/fuzz/corpus/questionnaire/full.toml"))
            .expect("the corpus's full questionnaire");
    let fixed = Fixed {
        // the embedded questionnaire is the lead's to change: fuzz against it when it loads
        baise: questionnaire::embedded().ok(),
        full: questionnaire::load_str("full.toml", &full_src).expect("full.toml loads"),
    };

    let plan: Vec<Plan> = if let Ok(file) = std::env::var("GUANTONG_FUZZ_REPLAY") {
        vec![
            Plan::Replay(Kind::Questionnaire, PathBuf::from(&file)),
            Plan::Replay(Kind::Answers, PathBuf::from(&file)),
        ]
    } else if let Some(i) = only {
        vec![Plan::Mutated(i)]
    } else {
        // every seed as it is, then the mutations
        (0..qs.len())
            .map(|i| Plan::Seed(Kind::Questionnaire, i))
            .chain((0..ans.len()).map(|i| Plan::Seed(Kind::Answers, i)))
            .chain((0..iterations).map(Plan::Mutated))
            .collect()
    };
    let make = |p: &Plan| -> (Input, Rng) {
        let plain = |kind, origin: String, bytes: Vec<u8>| Input {
            index: None,
            kind,
            origin,
            ops: Vec::new(),
            bytes,
            answers: ans.first().map(|a| a.bytes.clone()).unwrap_or_default(),
        };
        match p {
            Plan::Seed(kind, i) => {
                let s = match kind {
                    Kind::Questionnaire => &qs[*i],
                    Kind::Answers => &ans[*i],
                };
                (plain(*kind, s.name.clone(), s.bytes.clone()), Rng(seed))
            }
            Plan::Mutated(i) => make_input(seed, *i, &all),
            Plan::Replay(kind, file) => {
                let bytes =
                    std::fs::read(file).expect("GUANTONG_FUZZ_REPLAY names a readable file");
                (plain(*kind, file.display().to_string(), bytes), Rng(seed))
            }
        }
    };

    let started = Instant::now();
    let (mut n, mut nq, mut na, mut loaded) = (0usize, 0usize, 0usize, 0usize);
    let mut spent = [Duration::ZERO; 2];
    let mut slow: Vec<(Duration, String)> = Vec::new();
    let mut slowest: (Duration, String) = (Duration::ZERO, String::new());
    let mut failures: Vec<Failure> = Vec::new();
    // per process: runs side by side (debug and release) must not share it
    let current = tmp.join(format!("current-input-{}.toml", std::process::id()));
    let mut current_file = std::fs::File::create(&current).ok();
    for p in &plan {
        let (input, mut rng) = make(p);
        let what = format!(
            "{:?} input {} (seed {seed:#x}) from {} after [{}]",
            input.kind,
            input.index.map_or("-".to_string(), |i| i.to_string()),
            input.origin,
            input.ops.join("; ")
        );
        // a crash that unwinding cannot catch (a stack overflow aborts) leaves the input
        // here; the file is rewritten in place (creating a file costs milliseconds here)
        if let Some(f) = current_file.as_mut() {
            let _ = f
                .seek(SeekFrom::Start(0))
                .and_then(|_| f.write_all(&input.bytes))
                .and_then(|()| f.set_len(input.bytes.len() as u64));
        }
        let again = rng.clone();
        let t = Instant::now();
        let r = guarded(|| {
            let (l, _) = run_input(&fixed, &input, &mut rng, &tmp);
            if l {
                loaded += 1;
            }
        });
        let mut took = t.elapsed();
        if took > SLOW && r.is_ok() {
            // once more, to tell a slow input from a machine that was busy elsewhere (two
            // cores shared by several builds): the faster of the two counts
            let t = Instant::now();
            let _ = guarded(|| {
                run_input(&fixed, &input, &mut again.clone(), &tmp);
            });
            took = took.min(t.elapsed());
        }
        n += 1;
        match input.kind {
            Kind::Questionnaire => {
                nq += 1;
                spent[0] += took;
            }
            Kind::Answers => {
                na += 1;
                spent[1] += took;
            }
        }
        if took > slowest.0 {
            slowest = (took, what.clone());
        }
        if took > SLOW {
            let saved = tmp.join(format!(
                "slow-{}.toml",
                input.index.map_or("seed".to_string(), |i| i.to_string())
            ));
            let _ = std::fs::write(&saved, &input.bytes);
            slow.push((took, format!("{what}, saved as {}", saved.display())));
        }
        if let Err(message) = r {
            let saved = tmp.join(format!(
                "panic-{}-{}.toml",
                failures.len(),
                input.index.map_or("seed".to_string(), |i| i.to_string())
            ));
            let _ = std::fs::write(&saved, &input.bytes);
            if input.kind == Kind::Questionnaire {
                let _ = std::fs::write(saved.with_extension("answers.toml"), &input.answers);
            }
            failures.push(Failure {
                what,
                message,
                saved,
            });
        }
    }
    drop(current_file);
    let _ = std::fs::remove_file(&current);

    // written to stderr directly, not through println!, which the test harness keeps to
    // itself unless the test fails: the figures belong in every run's log
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "fuzz: {n} inputs ({nq} questionnaires, {loaded} of them loaded, {:.1} s; {na} answers \
         files, {:.1} s) from {} + {} seeds, seed {seed:#x}, in {:.1} s: {} panics, {} over \
         {} s; slowest {:.0} ms: {}",
        spent[0].as_secs_f64(),
        spent[1].as_secs_f64(),
        qs.len(),
        ans.len(),
        started.elapsed().as_secs_f64(),
        failures.len(),
        slow.len(),
        SLOW.as_secs(),
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1
    );
    for (d, what) in &slow {
        let _ = writeln!(err, "  slow: {:.2} s: {what}", d.as_secs_f64());
    }
    drop(err);
    if !failures.is_empty() {
        let mut report = String::new();
        for f in failures.iter().take(10) {
            let input = std::fs::read(&f.saved).unwrap_or_default();
            let shown = text(&input);
            let shown: String = shown.chars().take(3_000).collect();
            report.push_str(&format!(
                "\n== {}\n{}\nsaved as {} (run it again: GUANTONG_FUZZ_REPLAY={} cargo test \
                 --test fuzz)\ninput ({} bytes):\n{shown:?}\n",
                f.what,
                f.message,
                f.saved.display(),
                f.saved.display(),
                input.len()
            ));
        }
        panic!("{} inputs panicked:{report}", failures.len());
    }
}

/// The harness can fail: a panic inside is caught and named, not lost.
#[test]
fn a_panic_is_caught_and_named() {
    install_hook();
    let r = guarded(|| {
        let v: Vec<u8> = Vec::new();
        let i = v.len() + 3;
        std::hint::black_box(v[i]);
    });
    let msg = r.expect_err("the panic is caught");
    assert!(msg.contains("index out of bounds"), "{msg}");
    assert!(guarded(|| ()).is_ok());
}

/// The corpus reaches the deep parts: its questionnaires load (so mutations start inside
/// the checks, not at the TOML parser), and full.toml's answers files evaluate to the
/// outcomes that exercise the timeline, the set-aside answers and the scenario path.
#[test]
fn the_corpus_loads_and_evaluates() {
    let dir = root().join("tests/fuzz/corpus");
    let mut qs = Vec::new();
    read_seeds(&dir.join("questionnaire"), &mut qs);
    assert!(qs.len() >= 6, "{} questionnaire seeds", qs.len());
    for s in &qs {
        if let Err(d) = questionnaire::load_str(&s.name, &text(&s.bytes)) {
            panic!(
                "{} does not load: {}",
                s.name,
                d[0].render(guantong::text::Lang::En)
            );
        }
    }
    let full = questionnaire::load_file(&dir.join("questionnaire/full.toml")).expect("full");
    assert!(full.schedule.is_some() && full.migrations.len() == 2);
    let parse = |name: &str| {
        let src = std::fs::read_to_string(dir.join("answers").join(name)).expect(name);
        guantong::eval::input::parse_answers(&full, name, &src, harness::TODAY)
    };
    let status = |name: &str| {
        let a = parse(name)
            .unwrap_or_else(|e| panic!("{name}: {}", e[0].render(guantong::text::Lang::En)));
        let ev = guantong::eval::evaluate(&full, &a, harness::TODAY);
        (ev.status.code(), ev)
    };
    let (s, ev) = status("full-eligible.toml");
    assert_eq!(s, "eligible");
    assert!(
        !ev.value(&full, "apply_from")
            .unwrap_or(Value::Null)
            .is_null()
    );
    let (s, ev) = status("full-later.toml");
    assert_eq!(s, "ineligible");
    assert!(
        !ev.value(&full, "qualifies_on")
            .unwrap_or(Value::Null)
            .is_null()
    );
    let (s, ev) = status("full-title.toml");
    assert_eq!(s, "refer");
    assert!(
        ev.set_aside().count() > 0,
        "an unreached answer is set aside"
    );
    assert_eq!(status("dates.toml").0, "eligible");
    assert_eq!(status("dates-slash.toml").0, "incomplete");
    for bad in [
        "value-types.toml",
        "unknown-facts.toml",
        "hostile-text.toml",
        "leap-day-refused.toml",
    ] {
        assert!(parse(bad).is_err(), "{bad} should be refused");
    }
}
