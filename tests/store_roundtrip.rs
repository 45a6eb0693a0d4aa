//! Draft -> sign-off -> show/export in every format, against golden files (the clock and
//! the signing key are injected, so the output is byte-for-byte stable).

mod store_common;

use std::path::PathBuf;
use std::sync::OnceLock;

use guantong::case::{
    CaseFilter, Draft, ExportFormat, SignOff, Store, StoreError, keys, render_case,
};
use guantong::eval::input;
use guantong::questionnaire;
use guantong::text::Lang;
use guantong::value::Value;
use jiff::civil::date;
use store_common::*;

/// One temporary tree for this test file: a fixed key in its config dir.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let cfg = fixed_config(&dir);
        use_config(&cfg);
        dir
    })
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

/// Replace the OS user (machine-dependent), the hash and signature that depend on it, and
/// the local times (they depend on the machine's time zone), by placeholders.
fn scrub(s: &str, rec: &guantong::case::CaseRecord) -> String {
    let user = keys::os_user();
    let local = guantong::dates::local_time;
    let origin = rec
        .origin
        .as_deref()
        .expect("a new record names its origin");
    s.replace(&rec.sha256, "SHA256")
        .replace(origin, "ORIGIN")
        .replace(&rec.signature, "SIGNATURE")
        .replace(&format!("({user})"), "(CLERK)")
        .replace(&format!("自称，{user}）"), "自称，CLERK）")
        .replace(&format!("self-declared, {user})"), "self-declared, CLERK)")
        .replace(&format!("\"user\": \"{user}\""), "\"user\": \"CLERK\"")
        .replace(&format!("\"user\":\"{user}\""), "\"user\":\"CLERK\"")
        .replace(&format!(": {user}\n"), ": CLERK\n")
        .replace(&format!(",{user},"), ",CLERK,")
        .replace(&format!("<td>{user}</td>"), "<td>CLERK</td>")
        .replace(&format!("| {user} |"), "| CLERK |")
        .replace(&local(rec.signed_at), "SIGNED_AT_LOCAL")
        .replace(&local(rec.pledge.confirmed_at), "PLEDGE_AT_LOCAL")
}

#[test]
fn draft_to_signed_case_in_every_format() {
    let dir = root().join("roundtrip");
    let store = open_signing(&dir);
    let q = mini();

    // The interview: a draft saved after every answer.
    let t0 = ts("2026-06-15T01:00:00Z");
    let mut d = Draft::new(&q, "clerk1", t0);
    let answers = [
        ("interview_date", "2026-06-15"),
        ("applicant_name", "张三丰"),
        ("id_number", "11010519491231002X"),
        ("pathway", "skill_to_title"),
        ("works_in_baise", "true"),
        ("skill_work_years", "3"),
    ];
    for (i, (id, typed)) in answers.iter().enumerate() {
        let f = q.fact(id).unwrap();
        let v = match *typed {
            "true" => Value::Bool(true),
            t => input::parse_typed(f, t).unwrap(),
        };
        d.answers.insert(id.to_string(), v);
        d.current = Some(id.to_string());
        d.updated_at = t0 + jiff::SignedDuration::from_secs(60 * (i as i64 + 1));
        store.save_draft(&d).unwrap();
        let back = store.load_draft(&d.id).unwrap();
        assert_eq!(back.answers.len(), i + 1);
        assert_eq!(back.current.as_deref(), Some(*id));
    }
    let listed = store.list_drafts().unwrap();
    assert!(listed.iter().any(|x| x.id == d.id));

    // Resume: same questionnaire, nothing dropped, values typed again.
    let loaded = store.load_draft(&d.id).unwrap();
    let r = loaded.resume(&q);
    assert!(r.aside.is_empty());
    assert!(!r.questionnaire_changed);
    assert_eq!(
        r.answers.get("interview_date"),
        Some(&Value::Date(date(2026, 6, 15)))
    );

    let rec = store
        .sign_off(&SignOff {
            questionnaire: &q,
            answers: r.answers,
            applicant_name: "张三丰".into(),
            applicant_id: Some("11010519491231002X".into()),
            pledge_confirmed_at: ts("2026-06-15T01:09:00Z"),
            clerk_display_name: Some("王小明".into()),
            notes: Some("申请人携带证书原件核验。".into()),
            amends: None,
            draft_id: Some(d.id.clone()),
            now: ts("2026-06-15T01:10:00Z"),
            today: date(2026, 6, 15),
        })
        .unwrap();
    assert_eq!(rec.number, format!("{PREFIX}-{OFFICE}-2026-000001"));
    assert!(matches!(
        store.load_draft(&d.id),
        Err(StoreError::DraftNotFound(_))
    ));

    let got = store.get_case(&rec.number).unwrap();
    assert_eq!(got, rec);
    assert_eq!(got.status(), "eligible");
    assert_eq!(got.result_str("level"), Some("intermediate"));

    let list = store.list_cases(&CaseFilter::default()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "张**");
    assert_eq!(list[0].id_number.as_deref(), Some("1101**********002X"));

    for (f, file) in [
        (ExportFormat::Text, "case.txt"),
        (ExportFormat::Json, "case.json"),
        (ExportFormat::Markdown, "case.md"),
        (ExportFormat::Html, "case.html"),
        (ExportFormat::Csv, "case.csv"),
    ] {
        golden(
            file,
            &scrub(&render_case(&got, Some(&q), f, false, Lang::Zh), &got),
        );
    }
    golden(
        "case-unmasked-en.txt",
        &scrub(
            &render_case(&got, Some(&q), ExportFormat::Text, true, Lang::En),
            &got,
        ),
    );
    golden(
        "case-unmasked.json",
        &scrub(
            &render_case(&got, Some(&q), ExportFormat::Json, true, Lang::Zh),
            &got,
        ),
    );
    // Without the questionnaire: raw fact ids, nothing lost (unmasked); masked, every
    // answer and result but the verdict is masked, nothing saying which are personal.
    golden(
        "case-no-questionnaire.txt",
        &scrub(
            &render_case(&got, None, ExportFormat::Text, true, Lang::Zh),
            &got,
        ),
    );
    let conservative = render_case(&got, None, ExportFormat::Text, false, Lang::Zh);
    for shown in ["skill_to_title", "intermediate", "230", "2026-07-31"] {
        assert!(!conservative.contains(shown), "{shown}: {conservative}");
    }
    assert!(conservative.contains("pathway: ***"), "{conservative}");
    let masked = render_case(&got, Some(&q), ExportFormat::Json, false, Lang::Zh);
    assert!(!masked.contains("张三丰") && !masked.contains("11010519491231002X"));
    let html = render_case(&got, Some(&q), ExportFormat::Html, false, Lang::Zh);
    assert!(html.contains("size: A4") && !html.contains("<script") && !html.contains("http"));
    let csv = render_case(&got, Some(&q), ExportFormat::Csv, false, Lang::Zh);
    assert!(csv.starts_with('\u{feff}'));
}

#[test]
fn resuming_under_a_changed_questionnaire_sets_unknown_facts_aside() {
    let dir = root().join("resume");
    let store = open_signing(&dir);
    let q = mini();
    let mut d = Draft::new(&q, "clerk1", ts("2026-06-15T01:00:00Z"));
    d.answers
        .insert("pathway".into(), Value::str("skill_to_title"));
    d.answers.insert("works_in_baise".into(), Value::Bool(true));
    d.answers
        .insert("interview_date".into(), Value::Date(date(2026, 6, 15)));
    store.save_draft(&d).unwrap();

    let q2 = questionnaire::load_file(&fixture("mini-v2.toml")).unwrap();
    let r = store.load_draft(&d.id).unwrap().resume(&q2);
    assert!(r.questionnaire_changed);
    // kept aside as stored, not used by the rules, nothing lost
    assert_eq!(
        r.aside.keys().collect::<Vec<_>>(),
        vec![&"works_in_baise".to_string()]
    );
    assert_eq!(r.aside["works_in_baise"], Value::Bool(true));
    assert_eq!(r.answers.len(), 2);

    store.discard_draft(&d.id).unwrap();
    assert!(store.list_drafts().unwrap().iter().all(|x| x.id != d.id));
    assert!(matches!(
        store.discard_draft(&d.id),
        Err(StoreError::DraftNotFound(_))
    ));
}

#[test]
fn amendments_are_new_records_naming_the_corrected_one() {
    let dir = root().join("amend");
    let store = open_signing(&dir);
    let q = mini();
    let base = |name: &str, amends: Option<String>| SignOff {
        questionnaire: &q,
        answers: input::parse_answers(
            &q,
            "eligible.toml",
            &std::fs::read_to_string(fixture("eligible.toml")).unwrap(),
            date(2026, 6, 15),
        )
        .unwrap(),
        applicant_name: name.into(),
        applicant_id: None,
        pledge_confirmed_at: ts("2026-06-15T02:00:00Z"),
        clerk_display_name: None,
        notes: None,
        amends,
        draft_id: None,
        now: ts("2026-06-15T02:00:00Z"),
        today: date(2026, 6, 15),
    };
    let first = store.sign_off(&base("张三", None)).unwrap();
    let fix = store
        .sign_off(&base("张三丰", Some(first.number.clone())))
        .unwrap();
    assert_eq!(fix.amends.as_deref(), Some(first.number.as_str()));
    assert_eq!(fix.prev.as_ref().unwrap().number, first.number);
    // The corrected record is untouched; read back, it names the case that corrects it.
    let mut again = store.get_case(&first.number).unwrap();
    assert_eq!(again.amended_by, vec![fix.number.clone()]);
    again.amended_by.clear();
    assert_eq!(again, first);
    let listed = store.list_cases(&CaseFilter::default()).unwrap();
    let by = |n: &str| listed.iter().find(|c| c.number == n).unwrap();
    assert_eq!(
        by(&first.number).amended_by.as_deref(),
        Some(fix.number.as_str())
    );
    assert_eq!(
        by(&fix.number).amends.as_deref(),
        Some(first.number.as_str())
    );
    assert_eq!(by(&fix.number).amended_by, None);
    // a second correction of the same case is refused: the correction is corrected
    let err = store
        .sign_off(&base("张三", Some(first.number.clone())))
        .unwrap_err();
    assert!(err.to_string().contains(&fix.number), "{err}");
    let err = store
        .sign_off(&base("王五", Some("BS-2026-999999".into())))
        .unwrap_err();
    assert!(err.to_string().contains("BS-2026-999999"), "{err}");
    assert_eq!(store.list_cases(&CaseFilter::default()).unwrap().len(), 2);
    let (n, problems) = guantong::case::verify(&store, || {}).unwrap();
    assert_eq!((n, problems), (2, vec![]));
}

#[test]
fn cli_round_trip_show_export_recheck() {
    let dir = root().join("cli");
    let cfg = root().join("config");
    let n1 = sign(&dir, &cfg, &fixture("eligible.toml"), "张三丰");
    let n2 = sign(&dir, &cfg, &fixture("ineligible.toml"), "李四");
    assert_ne!(n1, n2);
    let q = fixture("mini.toml");
    let qs = q.to_str().unwrap();

    // show = the library's rendering of the stored record.
    let store = open_signing(&dir);
    let rec = store.get_case(&n1).unwrap();
    let qq = mini();
    for (fmt, f) in [
        ("text", ExportFormat::Text),
        ("json", ExportFormat::Json),
        ("md", ExportFormat::Markdown),
        ("html", ExportFormat::Html),
    ] {
        let o = run(
            &dir,
            &cfg,
            &["cases", "show", &n1, "--format", fmt, "--questionnaire", qs],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            render_case(&rec, Some(&qq), f, false, Lang::Zh),
            "{fmt}"
        );
    }
    let o = run(
        &dir,
        &cfg,
        &["cases", "show", &n1, "--unmasked", "--questionnaire", qs],
    );
    assert!(stdout(&o).contains("张三丰") && stdout(&o).contains("11010519491231002X"));
    assert!(
        stdout(&o).contains("技能人才申报职称"),
        "question labels used"
    );

    // list, search, filters.
    let o = run(&dir, &cfg, &["cases", "list"]);
    let out = stdout(&o);
    assert!(
        out.contains(&n1) && out.contains(&n2) && out.contains("张**") && !out.contains("张三丰")
    );
    let o = run(
        &dir,
        &cfg,
        &["cases", "list", "--search", "李四", "--format", "json"],
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains(&n2));
    let o = run(
        &dir,
        &cfg,
        &["cases", "list", "--status", "ineligible", "--format", "csv"],
    );
    let out = stdout(&o);
    assert!(out.starts_with('\u{feff}') && out.contains(&n2) && !out.contains(&n1));
    let o = run(&dir, &cfg, &["cases", "list", "--search", "1101051949"]);
    assert!(stdout(&o).contains(&n1) && !stdout(&o).contains(&n2));

    // export to a file in every format.
    for fmt in ["csv", "json", "md", "html"] {
        let path = dir.join(format!("export.{fmt}"));
        let o = run(
            &dir,
            &cfg,
            &[
                "cases",
                "export",
                "--format",
                fmt,
                "-o",
                path.to_str().unwrap(),
                "--questionnaire",
                qs,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let s = std::fs::read_to_string(&path).unwrap();
        assert!(s.contains(&n1) && s.contains(&n2), "{fmt}");
        assert!(!s.contains("张三丰"), "{fmt} masked by default");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{fmt} export is private");
    }
    let o = run(
        &dir,
        &cfg,
        &["cases", "export", "--format", "json", "--unmasked"],
    );
    assert_eq!(stdout(&o).lines().count(), 2);
    assert!(stdout(&o).contains("张三丰") && stdout(&o).contains("\"signature\""));
    let o = run(
        &dir,
        &cfg,
        &["cases", "export", "--format", "csv", "--questionnaire", qs],
    );
    let csv = stdout(&o);
    assert_eq!(csv.lines().count(), 3);
    // the result columns by their labels (the codes with --codes)
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with("可申报等级,评审费（元）,申报开始,申报截止"),
        "{csv}"
    );
    let o = run(
        &dir,
        &cfg,
        &[
            "cases",
            "export",
            "--format",
            "csv",
            "--codes",
            "--questionnaire",
            qs,
        ],
    );
    assert!(
        stdout(&o)
            .lines()
            .next()
            .unwrap()
            .ends_with("level,fee_yuan,window_start,window_end"),
        "{}",
        stdout(&o)
    );

    // recheck under next year's rules: side by side, store untouched.
    let before = std::fs::read(dir.join("guantong.db")).unwrap();
    let q2 = fixture("mini-v2.toml");
    let o = run(
        &dir,
        &cfg,
        &["cases", "recheck", "--questionnaire", q2.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        // the result by its label, not its name
        out.contains(&n1)
            && out.contains("评审费（元）")
            && out.contains("230")
            && out.contains("260"),
        "{out}"
    );
    assert!(out.contains("works_in_baise"), "dropped fact warned: {out}");
    assert_eq!(before, std::fs::read(dir.join("guantong.db")).unwrap());

    let o = run(&dir, &cfg, &["cases", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn store_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = root().join("perm/new/store");
    Store::open(&dir).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("guantong.db")), 0o600);

    // A shared, setgid directory: the database is group read/write.
    let shared = root().join("perm/shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let s = Store::open(&shared).unwrap();
    assert!(s.is_shared());
    assert_eq!(mode(&shared.join("guantong.db")), 0o660);
}

#[test]
fn drafts_are_listed_newest_first() {
    let dir = root().join("drafts-order");
    let store = open_signing(&dir);
    let q = mini();
    let mut ids = Vec::new();
    for t in [
        "2026-06-15T01:00:00Z",
        "2026-06-15T01:00:00.5Z",
        "2026-06-15T01:00:01Z",
        "2026-06-15T00:59:59.999Z",
    ] {
        let d = Draft::new(&q, "clerk1", ts(t));
        store.save_draft(&d).unwrap();
        ids.push(d.id);
    }
    let listed: Vec<String> = store
        .list_drafts()
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(
        listed,
        vec![
            ids[2].clone(),
            ids[1].clone(),
            ids[0].clone(),
            ids[3].clone()
        ]
    );
    // Saving again moves a draft to the top.
    let mut d = store.load_draft(&ids[3]).unwrap();
    d.updated_at = ts("2026-06-15T02:00:00Z");
    store.save_draft(&d).unwrap();
    assert_eq!(store.list_drafts().unwrap()[0].id, ids[3]);
    let o = run(&dir, &root().join("config"), &["cases", "drafts"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 5);
}

#[test]
fn headless_sign_takes_the_name_from_the_answers() {
    let dir = root().join("name-from-answers");
    let cfg = root().join("config");
    let q = fixture("mini.toml");
    let o = sign_with(
        &dir,
        &cfg,
        &q,
        &fixture("named.toml"),
        &["--pledge-confirmed"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let n = stdout(&o).trim().to_string();
    let rec = Store::open(&dir).unwrap().get_case(&n).unwrap();
    assert_eq!(rec.applicant.name, "张三丰");
    assert_eq!(
        rec.applicant.id_number.as_deref(),
        Some("11010519491231002X")
    );
    // Without a name anywhere: refused.
    let o = sign_with(
        &dir,
        &cfg,
        &q,
        &fixture("ineligible.toml"),
        &["--pledge-confirmed"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--applicant-name"));
    // A name on the command line that contradicts the answers: refused.
    let o = sign_with(
        &dir,
        &cfg,
        &q,
        &fixture("named.toml"),
        &["--applicant-name", "李四", "--pledge-confirmed"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("applicant_name"), "{}", stderr(&o));
}

#[test]
fn csv_cells_are_quoted_and_never_run_as_formulas() {
    use guantong::case::export::csv_line;
    let cells = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(csv_line(&cells(&["a", "b"])), "a,b\r\n");
    assert_eq!(
        csv_line(&cells(&["x,y", "say \"hi\""])),
        "\"x,y\",\"say \"\"hi\"\"\"\r\n"
    );
    assert_eq!(
        csv_line(&cells(&["=1+1", "@SUM(A1)", "+1"])),
        "'=1+1,'@SUM(A1),'+1\r\n"
    );
    assert_eq!(csv_line(&cells(&["line\nbreak"])), "\"line\nbreak\"\r\n");
    // a fixed-length mask: the name's length does not show
    assert_eq!(guantong::case::mask_name("张三丰"), "张**");
    assert_eq!(guantong::case::mask_name("张三"), "张**");
    assert_eq!(guantong::case::mask_name("欧阳娜娜"), "欧**");
    assert_eq!(guantong::case::mask_name("Li"), "L**");
}

#[test]
fn set_aside_answers_are_marked() {
    let dir = root().join("set-aside");
    let store = open_signing(&dir);
    let q = mini();
    let src =
        "pathway = \"qualification_exam\"\nworks_in_baise = true\ninterview_date = 2026-06-15\n";
    let answers = input::parse_answers(&q, "a.toml", src, date(2026, 6, 15)).unwrap();
    let rec = store
        .sign_off(&SignOff {
            questionnaire: &q,
            answers,
            applicant_name: "赵六".into(),
            applicant_id: None,
            pledge_confirmed_at: ts("2026-06-15T03:00:00Z"),
            clerk_display_name: None,
            notes: None,
            amends: None,
            draft_id: None,
            now: ts("2026-06-15T03:00:00Z"),
            today: date(2026, 6, 15),
        })
        .unwrap();
    assert_eq!(rec.status(), "refer");
    // masked, a set-aside answer is masked whole; unmasked, it is shown and marked
    let text = render_case(&rec, Some(&q), ExportFormat::Text, false, Lang::Zh);
    assert!(
        text.contains("是否在百色工作？: *** （分支未到达，未采用）"),
        "{text}"
    );
    let full = render_case(&rec, Some(&q), ExportFormat::Text, true, Lang::Zh);
    assert!(
        full.contains("是否在百色工作？: 是 （分支未到达，未采用）"),
        "{full}"
    );
    // the finding by its kind, article and message; no rule code in a Chinese printout
    assert!(
        text.contains("[需转办] 第八条：按国家和自治区考试报名条件执行。"),
        "{text}"
    );
    assert!(!text.contains("exam_conditions_apply"), "{text}");
}
