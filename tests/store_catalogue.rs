//! The catalogue of questionnaires and summaries from `[meta]`, with a second bureau's
//! questionnaire (`subsidy.toml`, a flexible-employment subsidy) beside the embedded one:
//! the default from config, the global `--questionnaire` for every subcommand, and cases
//! made under one questionnaire shown, listed, exported and re-checked with their own,
//! never silently with another.

mod store_common;

use std::path::{Path, PathBuf};

use guantong::case::summary::{self, SummaryKind, SummaryValue};
use guantong::case::{CaseFilter, SignOff};
use guantong::eval;
use guantong::questionnaire::catalogue::{Catalogue, CatalogueError, Lookup, Spec};
use guantong::questionnaire::{self, Questionnaire};
use guantong::text::Lang;
use jiff::civil::date;
use serde_json::json;
use store_common::*;

fn subsidy() -> Questionnaire {
    questionnaire::load_file(&fixture("subsidy.toml")).expect("subsidy questionnaire loads")
}

fn spec(paths: &[PathBuf], default: Option<&str>, given: Option<&str>) -> Spec {
    Spec {
        paths: paths.to_vec(),
        default: default.map(String::from),
        given: given.map(String::from),
    }
}

const EMBEDDED_ID: &str = "baise-interconnection";

#[test]
fn the_catalogue_and_its_default() {
    // Nothing configured: the embedded questionnaire alone, the default.
    let c = Catalogue::load(&Spec::default()).unwrap();
    assert_eq!(c.ids(), vec![EMBEDDED_ID.to_string()]);
    assert_eq!(c.default_questionnaire().meta.id, EMBEDDED_ID);
    assert!(c.given().is_none());

    // A configured file: in the catalogue beside the embedded one, and the default.
    let c = Catalogue::load(&spec(&[fixture("subsidy.toml")], None, None)).unwrap();
    assert_eq!(c.default_questionnaire().meta.id, "flex-subsidy");
    assert!(c.get(EMBEDDED_ID).is_some());

    // A directory: every *.toml in it; config marks the default by id.
    let t = tempfile::tempdir().unwrap();
    for f in ["subsidy.toml", "mini.toml", "mini-v2.toml"] {
        std::fs::copy(fixture(f), t.path().join(f)).unwrap();
    }
    std::fs::write(t.path().join("notes.txt"), "not a questionnaire").unwrap();
    let dir = [t.path().to_path_buf()];
    let c = Catalogue::load(&spec(&dir, Some("flex-subsidy"), None)).unwrap();
    assert_eq!(c.default_questionnaire().meta.id, "flex-subsidy");
    assert_eq!(c.entries().len(), 4);
    // Two versions of one id: `get` is the newest, `find` the very one a case names.
    let mini = mini();
    assert_eq!(c.get("store-test").unwrap().meta.version, "2");
    assert!(
        matches!(c.find("store-test", &mini.sha256), Lookup::Exact(q) if q.meta.version == "1")
    );
    assert!(matches!(c.find("store-test", "0"), Lookup::SameId(q) if q.meta.version == "2"));
    assert!(matches!(c.find("nope", "0"), Lookup::Missing));

    // The given one (a file, or an id) is the default for the run.
    let c = Catalogue::load(&spec(&dir, Some("flex-subsidy"), Some("store-test"))).unwrap();
    assert_eq!(c.default_questionnaire().meta.version, "2");
    assert_eq!(c.given().unwrap().meta.id, "store-test");
    let given = fixture("mini.toml");
    let c = Catalogue::load(&spec(&[], None, given.to_str())).unwrap();
    assert_eq!(c.default_questionnaire().meta.id, "store-test");
    assert_eq!(c.default_questionnaire().meta.version, "1");
    // Listed twice (config and command line): one entry.
    let c = Catalogue::load(&spec(std::slice::from_ref(&given), None, given.to_str())).unwrap();
    assert_eq!(c.entries().len(), 2);

    // Problems are named.
    let e = Catalogue::load(&spec(&dir, Some("nope"), None)).unwrap_err();
    assert!(matches!(e, CatalogueError::NoDefault { .. }));
    assert!(
        e.to_string().contains("nope") && e.to_string().contains("flex-subsidy"),
        "{e}"
    );
    let e = Catalogue::load(&spec(&[], None, Some("no-such-thing"))).unwrap_err();
    assert!(matches!(e, CatalogueError::NotFound { .. }));
    assert!(e.to_string().contains("no-such-thing") && e.to_string().contains(EMBEDDED_ID));
    let broken = t.path().join("zz-broken.toml");
    std::fs::write(&broken, "[meta]\nid = 1\n").unwrap();
    let e = Catalogue::load(&spec(&dir, None, None)).unwrap_err();
    let d = e.diagnostics().expect("diagnostics");
    assert!(d.iter().any(|d| d.file.ends_with("zz-broken.toml")), "{e}");
    std::fs::remove_file(&broken).unwrap();
    // The same id and version in two different files: ambiguous.
    let copy = t.path().join("zz-copy.toml");
    std::fs::write(
        &copy,
        std::fs::read_to_string(fixture("subsidy.toml")).unwrap() + "\n# edited\n",
    )
    .unwrap();
    let e = Catalogue::load(&spec(&dir, None, None)).unwrap_err();
    assert!(matches!(e, CatalogueError::Duplicate { .. }), "{e}");
    assert!(e.to_string().contains("zz-copy.toml") && e.to_string().contains("subsidy.toml"));
}

#[test]
fn the_summary_comes_from_meta() {
    let q = subsidy();
    let s = &q.meta.summary;
    assert_eq!(s.facts.len(), 1);
    assert_eq!(s.money.as_deref(), Some("subsidy_yuan"));
    // Labels: the summary's own, else the result's, else the id.
    assert_eq!(q.summary_label(false, "category", Lang::Zh), "人员类别");
    assert_eq!(
        q.summary_label(true, "months_granted", Lang::Zh),
        "补贴月数"
    );
    assert_eq!(
        q.summary_label(true, "months_granted", Lang::En),
        "Months granted"
    );
    assert_eq!(q.summary_label(true, "subsidy_yuan", Lang::Zh), "补贴");
    assert_eq!(q.summary_label(true, "apply_by", Lang::Zh), "申请截止");
    assert_eq!(q.summary_label(false, "registered", Lang::Zh), "registered");

    // Signed, the record declares its summary and the index keeps the values.
    let tmp = tempfile::tempdir().unwrap();
    use_config(&fixed_config(tmp.path()));
    let store = open_signing(&tmp.path().join("data"));
    let req = SignOff {
        now: "2026-06-15T02:00:00Z".parse().unwrap(),
        ..request(&q, "subsidy-answers.toml", "周七")
    };
    let answers = req.answers.clone();
    let rec = store.sign_off(&req).unwrap();
    assert_eq!(rec.number, "SB-451002-2026-000001");
    assert_eq!(rec.pledge.cite.as_deref(), Some("第九条"));
    let decl = rec.summary.clone().unwrap();
    assert_eq!(decl.facts, vec!["category".to_string()]);
    assert_eq!(
        decl.results,
        vec!["months_granted".to_string(), "subsidy_yuan".to_string()]
    );
    let listed = store.list_cases(&CaseFilter::default()).unwrap();
    let row = &listed[0];
    assert_eq!(row.questionnaire.as_deref(), Some("flex-subsidy"));
    let entry = |kind, id: &str, value| SummaryValue {
        kind,
        id: id.into(),
        value,
    };
    assert_eq!(
        row.summary,
        vec![
            entry(SummaryKind::Fact, "category", json!("graduate")),
            entry(SummaryKind::Result, "months_granted", json!(12)),
            entry(SummaryKind::Result, "subsidy_yuan", json!(4800)),
        ]
    );
    assert_eq!(row.money, Some(4800));
    assert_eq!(
        summary::display(
            Some(&q),
            SummaryKind::Fact,
            "category",
            &json!("graduate"),
            Lang::Zh
        ),
        "离校两年内高校毕业生"
    );
    assert_eq!(
        summary::display(
            None,
            SummaryKind::Fact,
            "category",
            &json!("graduate"),
            Lang::Zh
        ),
        "graduate"
    );
    // The same pairs for an interview in progress (what the wizard can show).
    let ev = eval::evaluate(&q, &answers, date(2026, 6, 15));
    assert_eq!(
        summary::of_evaluation(&q, &answers, &ev, Lang::Zh),
        vec![
            ("人员类别".to_string(), "离校两年内高校毕业生".to_string()),
            ("补贴月数".to_string(), "12".to_string()),
            ("补贴".to_string(), "4800".to_string()),
        ]
    );
    let (n, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert_eq!((n, problems), (1, vec![]));

    // A forged summary in the index is named by verify.
    let c = rusqlite::Connection::open(tmp.path().join("data/guantong.db")).unwrap();
    c.execute(
        "UPDATE case_index SET summary = replace(summary, '4800', '9800')",
        [],
    )
    .unwrap();
    let (_, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].detail.contains("index disagrees"),
        "{problems:?}"
    );
    for forged in [
        "summary = replace(summary, '9800', '4800'), money = 1",
        "money = 4800, summary_keys = 'fact:category'",
    ] {
        c.execute(&format!("UPDATE case_index SET {forged}"), [])
            .unwrap();
        let (_, problems) = guantong::case::verify(&store, || {}).unwrap();
        assert_eq!(problems.len(), 1, "{forged}: {problems:?}");
    }
    c.execute(
        "UPDATE case_index SET summary_keys = 'fact:category result:months_granted result:subsidy_yuan'",
        [],
    )
    .unwrap();
    let (_, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn the_loader_checks_the_summary() {
    let src = std::fs::read_to_string(fixture("subsidy.toml")).unwrap();
    let check = |from: &str, to: &str, expect: &str| {
        let s = src.replacen(from, to, 1);
        assert_ne!(s, src, "{from}");
        let diags = questionnaire::load_str("q.toml", &s).unwrap_err();
        assert!(
            diags
                .iter()
                .any(|d| d.is_error() && d.message.get(guantong::text::Lang::En).contains(expect)),
            "{expect}: {diags:?}"
        );
    };
    check(
        r#"facts = [{ id = "category""#,
        r#"facts = [{ id = "kategory""#,
        "meta.summary.facts: no fact `kategory`",
    );
    check(
        r#"results = [{ id = "months_granted" }"#,
        r#"results = [{ id = "months" }"#,
        "meta.summary.results: no result `months`",
    );
    check(
        r#"results = [{ id = "months_granted" }"#,
        r#"results = [{ id = "subsidy_yuan" }"#,
        "`subsidy_yuan` is listed twice",
    );
    check(
        r#"money = "subsidy_yuan""#,
        r#"money = "apply_by""#,
        "meta.summary.money: result `apply_by` must be an integer",
    );
    check(
        r#"money = "subsidy_yuan""#,
        r#"money = "fee""#,
        "meta.summary.money: no result `fee`",
    );
    check(
        r#"money = "subsidy_yuan""#,
        "money = \"subsidy_yuan\"\ncolour = \"red\"",
        "colour",
    );
    // Without [meta.summary], an empty summary.
    let i = src.find("[meta.summary]").unwrap();
    let j = src.find("[data]").unwrap();
    let q = questionnaire::load_str("q.toml", &format!("{}{}", &src[..i], &src[j..])).unwrap();
    assert_eq!(q.meta.summary, Default::default());
}

/// A data dir, a config dir whose config.toml names the subsidy questionnaire and makes
/// the embedded one the default (the wizard's default stays Baise).
fn office(root: &Path) -> (PathBuf, PathBuf) {
    let cfg = fixed_config(root);
    std::fs::write(
        cfg.join("config.toml"),
        format!(
            "questionnaires = [\"{}\"]\ndefault_questionnaire = \"{EMBEDDED_ID}\"\n",
            fixture("subsidy.toml").display()
        ),
    )
    .unwrap();
    (root.join("data"), cfg)
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
    stdout(o)
}

#[test]
fn every_subcommand_takes_the_global_questionnaire() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg) = office(tmp.path());
    let sub = fixture("subsidy.toml");
    let subs = sub.to_str().unwrap();
    let answers = fixture("subsidy-answers.toml");
    let answers = answers.to_str().unwrap();

    // check: the file given globally, or the catalogue's entry by id.
    ok(&run(&data, &cfg, &["--questionnaire", subs, "check"]));
    ok(&run(
        &data,
        &cfg,
        &["check", "--questionnaire", "flex-subsidy"],
    ));
    let o = run(
        &data,
        &cfg,
        &["check", "--format", "json", "--questionnaire", subs],
    );
    assert!(ok(&o).contains("subsidy.toml"));
    // evaluate: globally, by id, through GUANTONG_QUESTIONNAIRE, or by config's default.
    for args in [
        vec!["--questionnaire", subs, "evaluate", "--answers", answers],
        vec![
            "evaluate",
            "--answers",
            answers,
            "--questionnaire",
            "flex-subsidy",
        ],
    ] {
        let out = ok(&run(&data, &cfg, &args));
        assert!(out.contains("\"subsidy_yuan\": 4800"), "{out}");
    }
    let out = ok(&run_env(
        &data,
        &cfg,
        &["evaluate", "--answers", answers],
        &[("GUANTONG_QUESTIONNAIRE", Some("flex-subsidy"))],
    ));
    assert!(out.contains("\"subsidy_yuan\": 4800"), "{out}");
    // Two different questionnaires named: refused.
    let o = run(
        &data,
        &cfg,
        &[
            "--questionnaire",
            "flex-subsidy",
            "evaluate",
            fixture("mini.toml").to_str().unwrap(),
            "--answers",
            answers,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--questionnaire"), "{}", stderr(&o));
    // test: with --questionnaire every path is a scenario path.
    let scen = fixture("subsidy-scenarios");
    let out = ok(&run(
        &data,
        &cfg,
        &[
            "test",
            "--questionnaire",
            "flex-subsidy",
            scen.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    // cases sign: under the one given; the pledge's citation is that questionnaire's.
    let o = run(
        &data,
        &cfg,
        &[
            "cases",
            "sign",
            "--questionnaire",
            "flex-subsidy",
            "--answers",
            answers,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("第九条") && !stderr(&o).contains("第十一条"),
        "{}",
        stderr(&o)
    );
    let year = guantong::cli::today().year();
    let out = ok(&run(
        &data,
        &cfg,
        &[
            "cases",
            "sign",
            "--questionnaire",
            "flex-subsidy",
            "--answers",
            answers,
            "--pledge-confirmed",
        ],
    ));
    assert_eq!(out.trim(), format!("SB-{OFFICE}-{year}-000001"));
    // A questionnaire that is neither a file nor a known id: named, for any subcommand,
    // the wizard included.
    for args in [
        vec!["--questionnaire", "nope", "cases", "list"],
        vec!["--questionnaire", "nope", "evaluate", "--answers", answers],
        vec!["--questionnaire", "nope"],
    ] {
        let o = run(&data, &cfg, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains("\"nope\""), "{args:?}: {}", stderr(&o));
    }
    // The wizard gets past the catalogue with a good one (and then wants a terminal).
    let o = run(&data, &cfg, &["--questionnaire", "flex-subsidy"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("terminal"), "{}", stderr(&o));
}

#[test]
fn cases_are_shown_listed_exported_and_rechecked_with_their_own_questionnaire() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, cfg) = office(tmp.path());
    let answers = fixture("subsidy-answers.toml");
    // One case under the subsidy questionnaire (in the catalogue), one under mini.toml
    // (given once, not in the catalogue afterwards: the store's copy stands for it).
    let sb = ok(&run(
        &data,
        &cfg,
        &[
            "cases",
            "sign",
            "--questionnaire",
            "flex-subsidy",
            "--answers",
            answers.to_str().unwrap(),
            "--pledge-confirmed",
        ],
    ))
    .trim()
    .to_string();
    let st = sign(&data, &cfg, &fixture("eligible.toml"), "张三");

    // show: the subsidy case with the subsidy's questions and labels, though the default
    // is Baise; nothing of Baise's.
    let out = ok(&run(&data, &cfg, &["cases", "show", &sb]));
    for want in [
        "人员类别: 离校两年内高校毕业生",
        "补贴金额（元）: 4800",
        "补贴月数: 12",
        "第九条",
    ] {
        assert!(out.contains(want), "{want}: {out}");
    }
    for not in ["申报方向", "可申报等级", "按事实标识"] {
        assert!(!out.contains(not), "{not}: {out}");
    }
    // English too.
    let out = ok(&run(&data, &cfg, &["cases", "show", &sb, "--lang", "en"]));
    assert!(out.contains("Category: Graduate within two years"), "{out}");
    // Another questionnaire given: said so, and the case's own is still used.
    let o = run(
        &data,
        &cfg,
        &[
            "cases",
            "show",
            &sb,
            "--questionnaire",
            fixture("mini.toml").to_str().unwrap(),
        ],
    );
    let out = ok(&o);
    assert!(
        stderr(&o).contains("flex-subsidy") && stderr(&o).contains("store-test"),
        "{}",
        stderr(&o)
    );
    assert!(out.contains("人员类别: 离校两年内高校毕业生"), "{out}");
    // A case whose questionnaire config does not name: shown, and masked, with the store's
    // copy of its own, nothing lost.
    let o = run(&data, &cfg, &["cases", "show", &st]);
    let out = ok(&o);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    assert!(
        out.contains("store-test 1") && out.contains("申报方向: 技能人才申报职称"),
        "{out}"
    );
    assert!(out.contains("是否在百色工作？: 是"), "{out}");

    // list: each case's summary under its own labels (the store's copy for mini).
    let o = run(&data, &cfg, &["cases", "list"]);
    let out = ok(&o);
    let header = out.lines().next().unwrap();
    for col in ["人员类别", "补贴月数", "补贴", "申报方向", "等级"] {
        assert!(header.contains(col), "{col}: {header}");
    }
    let sb_line = out.lines().find(|l| l.starts_with(&sb)).unwrap();
    assert!(
        sb_line.contains("离校两年内高校毕业生") && sb_line.contains("4800"),
        "{sb_line}"
    );
    // mini's case: its copy says which of its values are personal (none of these)
    let st_line = out.lines().find(|l| l.starts_with(&st)).unwrap();
    assert!(
        st_line.contains("技能人才申报职称") && st_line.contains("中级"),
        "{st_line}"
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let csv = ok(&run(
        &data,
        &cfg,
        &["cases", "list", "--format", "csv", "--lang", "en"],
    ));
    assert!(csv.lines().next().unwrap().contains("Category"), "{csv}");
    assert!(csv.contains(",graduate,"), "{csv}");
    let json = ok(&run(
        &data,
        &cfg,
        &["cases", "list", "--format", "json", "--search", &sb],
    ));
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["questionnaire"], "flex-subsidy");
    assert_eq!(v["money"], 4800);
    assert_eq!(
        v["summary"][0],
        json!({"kind": "fact", "id": "category", "value": "graduate"})
    );

    // export CSV: the subsidy's summary fact and results, and mini's from its copy (its
    // masking policy too).
    let masked = ok(&run(&data, &cfg, &["cases", "export", "--format", "csv"]));
    let st_masked = masked.lines().find(|l| l.starts_with(&st)).unwrap();
    assert!(
        st_masked.contains(",skill_to_title,") && st_masked.contains(",intermediate,230,"),
        "{st_masked}"
    );
    let csv = ok(&run(
        &data,
        &cfg,
        &["cases", "export", "--format", "csv", "--unmasked"],
    ));
    let header: Vec<&str> = csv
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .collect();
    for col in [
        "人员类别",
        "申报方向",
        "months_granted",
        "subsidy_yuan",
        "apply_by",
        "level",
        "fee_yuan",
    ] {
        assert!(header.contains(&col), "{col}: {header:?}");
    }
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let sb_row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&sb))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(sb_row[col("subsidy_yuan")], "4800");
    assert_eq!(sb_row[col("人员类别")], "graduate");
    assert_eq!(sb_row[col("level")], "");
    let st_row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&st))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(st_row[col("fee_yuan")], "230");
    assert_eq!(st_row[col("申报方向")], "skill_to_title");
    // Markdown: each case with its own questions.
    let md = ok(&run(&data, &cfg, &["cases", "export", "--format", "md"]));
    assert!(md.contains("| 人员类别 | 离校两年内高校毕业生 |"), "{md}");
    assert!(md.contains("store-test 1"), "{md}");
    assert!(md.contains("| 申报方向 | 技能人才申报职称 |"), "{md}");

    // recheck: each case under its own questionnaire's newest version (mini's: the
    // store's copy, the only one known), never under another.
    let o = run(&data, &cfg, &["cases", "recheck"]);
    let out = ok(&o);
    assert!(
        out.contains("flex-subsidy 2026.1") && out.contains("store-test 1"),
        "{out}"
    );
    assert!(out.contains("2 份案件，0 份结论会改变"), "{out}");
    assert!(!out.contains("未重新评估"), "{out}");
    // With --questionnaire: only the cases of its id.
    let v2 = fixture("mini-v2.toml");
    let out = ok(&run(
        &data,
        &cfg,
        &[
            "cases",
            "recheck",
            "--questionnaire",
            v2.to_str().unwrap(),
            "--lang",
            "en",
        ],
    ));
    assert!(out.contains(&st) && !out.contains(&sb), "{out}");
    assert!(
        out.contains("recorded under other questionnaires (flex-subsidy)"),
        "{out}"
    );
    assert!(
        out.contains("1 cases re-evaluated under store-test 2"),
        "{out}"
    );
}
