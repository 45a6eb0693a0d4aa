//! Hostile files (issue 10, item 5): the time to refuse a file that is wrong everywhere.
//! - a 1 MB answers file, every line an error (Baise's facts with values of the wrong type,
//!   then tens of thousands of facts Baise does not define), parsed against the embedded
//!   questionnaire and its errors printed as `guantong evaluate` prints them;
//!   The same as one line (an inline `facts = { … }` table): every error on line 1.
//! - a questionnaire with one question of 65,536 choices, none of which any expression
//!   mentions (a warning each), loaded and checked and its diagnostics printed as
//!   `guantong check` prints them; the same with the choices on one line of 5 MB; and a
//!   1 MB line of validations whose checks do not parse (an error and an excerpt each).
//!
//! Target: each well under 1 s (the first two were quadratic: 77 s and 38 s; the one-line
//! forms too, in the column count and in excerpts that printed the whole line under every
//! error: 266 KB of bad checks printed 1.6 GB). The inputs are made
//! here, so no large file is committed; both stay under the size limits
//! (`guantong::diag::MAX_ANSWERS_BYTES`, `MAX_QUESTIONNAIRE_BYTES`) so that the benchmark
//! measures the real work, not a refusal. Few samples: the whole run takes about a minute.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use guantong::cli::check::{self, CheckFormat};
use guantong::diag::{MAX_ANSWERS_BYTES, MAX_QUESTIONNAIRE_BYTES};
use guantong::eval::input;
use guantong::questionnaire::{self, FactKind, Questionnaire};
use guantong::safe;
use jiff::civil::date;

const ANSWERS_BYTES: usize = 1024 * 1024;
const CHOICES: usize = 65_536;

/// A 1 MB answers file for `q` whose every line is an error: each of its facts with a
/// value of the wrong type, then facts it does not define. Returns the text and the
/// number of errors in it.
fn bad_answers(q: &Questionnaire) -> (String, usize) {
    let mut s = String::with_capacity(ANSWERS_BYTES + 64);
    let mut lines = 0;
    for f in &q.facts {
        let wrong = match f.kind {
            FactKind::Bool | FactKind::Integer => "\"不是\"",
            FactKind::Date => "\"2026-02-30\"",
            FactKind::Text => "[1, 2]",
            FactKind::Enum | FactKind::EnumList => "\"no_such_choice\"",
        };
        let _ = writeln!(s, "{} = {wrong}", f.id);
        lines += 1;
    }
    let mut i = 0;
    while s.len() < ANSWERS_BYTES {
        let _ = writeln!(s, "no_such_fact_{i:06} = \"某个值\"");
        i += 1;
        lines += 1;
    }
    (s, lines)
}

/// The same as one line of 1 MB: an inline `facts = { … }` table of facts `q` does not
/// define (a minified file; every error is on line 1).
fn bad_answers_one_line() -> (String, usize) {
    let mut s = String::with_capacity(ANSWERS_BYTES + 64);
    s.push_str("facts = { ");
    let mut n = 0;
    while s.len() < ANSWERS_BYTES {
        let _ = write!(s, "no_such_fact_{n:06} = \"某个值\", ");
        n += 1;
    }
    s.push_str("x = 1 }\n");
    (s, n + 1)
}

/// A questionnaire whose one enum question has [`CHOICES`] choices, none mentioned; with
/// `one_line`, the choices are one line of some 5 MB.
fn many_choices(one_line: bool) -> String {
    let mut s = String::from(
        "[meta]\nid = \"choices\"\nversion = \"1\"\n\
         title = { zh = \"选项\", en = \"Choices\" }\n\
         policy = { name = { zh = \"政策\", en = \"Policy\" } }\n\n\
         [articles]\n\"第一条\" = \"第一条\"\n\n\
         [[sections]]\nid = \"s\"\ntitle = { zh = \"节\", en = \"Section\" }\n\n\
         [[sections.facts]]\nid = \"pick\"\ntype = \"enum\"\n\
         prompt = { zh = \"选哪个？\", en = \"Which?\" }\ncite = \"第一条\"\nchoices = [\n",
    );
    for i in 0..CHOICES {
        let _ = write!(
            s,
            "  {{ value = \"c{i:05}\", label = {{ zh = \"选项{i}\", en = \"Choice {i}\" }} }},{}",
            if one_line { "" } else { "\n" }
        );
    }
    s.push_str(
        "]\n\n[[rules]]\ncode = \"r\"\nkind = \"note\"\nwhen = \"known(pick)\"\n\
         cite = \"第一条\"\nmessage = { zh = \"已选\", en = \"Chosen\" }\n",
    );
    s
}

/// A questionnaire of about 1 MB whose one line holds thousands of validations whose
/// checks do not parse: an error each, with an excerpt of that line.
fn bad_checks_one_line() -> (String, usize) {
    let mut s = String::from(
        "[meta]\nid = \"checks\"\nversion = \"1\"\n\
         title = { zh = \"校验\", en = \"Checks\" }\n\
         policy = { name = { zh = \"政策\", en = \"Policy\" } }\n\n\
         [articles]\n\"第一条\" = \"第一条\"\n\n\
         [[sections]]\nid = \"s\"\ntitle = { zh = \"节\", en = \"Section\" }\n\n\
         [[sections.facts]]\nid = \"n\"\ntype = \"integer\"\n\
         prompt = { zh = \"数\", en = \"Number\" }\ncite = \"第一条\"\nvalidate = [",
    );
    let mut n = 0;
    while s.len() < ANSWERS_BYTES {
        let _ = write!(
            s,
            "{{ check = \"n > (\", message = {{ zh = \"错{n}\", en = \"bad {n}\" }} }}, "
        );
        n += 1;
    }
    s.push_str("]\n");
    (s, n)
}

/// What `evaluate` does with the answers file: parse, and print every error.
fn refuse_answers(q: &Questionnaire, src: &str) -> usize {
    match input::parse_answers(q, "hostile.toml", src, date(2026, 6, 15)) {
        Ok(_) => 0,
        Err(errors) => errors
            .iter()
            .map(|e| safe::text(&e.render(guantong::text::Lang::Zh)).len())
            .sum::<usize>()
            .max(errors.len()),
    }
}

/// What `check` does with the questionnaire: load, check and print every diagnostic.
/// Returns the number of diagnostics and of bytes printed.
fn check_questionnaire(src: &str) -> (usize, usize) {
    let diags = match questionnaire::load_str("hostile.toml", src) {
        Ok(q) => q.warnings,
        Err(d) => d,
    };
    let out = check::render(
        "hostile.toml",
        &diags,
        CheckFormat::Text,
        guantong::text::Lang::Zh,
    );
    (diags.len(), safe::text(&out).len())
}

fn once<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    eprintln!("{what}: {:.3} s (one run)", t.elapsed().as_secs_f64());
    r
}

fn hostile(c: &mut Criterion) {
    let q = match questionnaire::embedded() {
        Ok(q) => q,
        Err(d) => panic!("the embedded questionnaire does not load: {d:?}"),
    };
    let today = date(2026, 6, 15);
    let answers = [
        ("answers_1mb_every_line_an_error", bad_answers(&q)),
        (
            "answers_1mb_one_line_every_fact_an_error",
            bad_answers_one_line(),
        ),
    ];
    for (name, (src, errors)) in &answers {
        assert!(src.len() as u64 <= MAX_ANSWERS_BYTES);
        let got = once(name, || {
            match input::parse_answers(&q, "hostile.toml", src, today) {
                Ok(_) => 0,
                Err(e) => e.len(),
            }
        });
        eprintln!("{name}: {} bytes, {got} errors", src.len());
        assert_eq!(got, *errors, "{name}: every line (fact) should be an error");
    }
    let (checks, n_checks) = bad_checks_one_line();
    let questionnaires = [
        (
            "questionnaire_65536_choices_checked",
            many_choices(false),
            CHOICES,
        ),
        (
            "questionnaire_65536_choices_one_line_checked",
            many_choices(true),
            CHOICES,
        ),
        (
            "questionnaire_1mb_bad_checks_one_line_checked",
            checks,
            n_checks,
        ),
    ];
    for (name, src, want) in &questionnaires {
        assert!(src.len() as u64 <= MAX_QUESTIONNAIRE_BYTES);
        let (diags, printed) = once(name, || check_questionnaire(src));
        eprintln!(
            "{name}: {} bytes, {diags} diagnostics, {printed} bytes printed",
            src.len()
        );
        assert!(
            diags >= *want,
            "{name}: {diags} diagnostics, expected {want}"
        );
        // an excerpt shows a window of a long line, not the whole line under every error
        assert!(
            printed < 2_000 * diags.max(1),
            "{name}: {printed} bytes printed"
        );
    }

    let mut g = c.benchmark_group("hostile");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, (src, _)) in &answers {
        g.bench_function(*name, |b| {
            b.iter(|| refuse_answers(black_box(&q), black_box(src)))
        });
    }
    for (name, src, _) in &questionnaires {
        g.bench_function(*name, |b| b.iter(|| check_questionnaire(black_box(src))));
    }
    g.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
