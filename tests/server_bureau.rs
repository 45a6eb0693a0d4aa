//! The bureau's view on a real PostgreSQL: the search over every office (masked, logged),
//! the same applicant found in another office at sign-off (and an unreachable server said
//! as such), the monthly report against a hand count and a golden HTML, and the commands
//! as an administrator and an office run them.

mod server_common;

use guantong::case::duplicates::Bureau;
use guantong::case::log::CaseLog;
use guantong::server::bureau::{self, Asker, Query};
use guantong::server::report::{self, Month};
use guantong::server::{ServerUrl, sync};
use jiff::civil::date;
use server_common::*;

fn push(b: &Bureau2, role: &str, o: &Office) {
    let code = guantong::case::OfficeCode::parse(&o.code).unwrap();
    sync::sync(
        &o.store,
        b.connect(role),
        &b.key,
        Some(&code),
        50,
        |_| {},
        None,
    )
    .expect("sync");
}
type Bureau2 = server_common::Bureau;

#[test]
fn the_bureau_searches_every_office_masked_and_every_search_is_logged() {
    let b = bureau("search");
    let (ra, rb) = (b.office("451002"), b.office("451021"));
    let who = b.searcher();
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let a = open_office(&tmp.path().join("a"), "451002", 1);
    let o = open_office(&tmp.path().join("b"), "451021", 2);
    let d = date(2026, 6, 10);
    // 李四 applied in both offices; 王五 only in 451021
    a.sign(
        &q,
        &[
            (Kind::Intermediate, d, "李四".into(), id_for(1)),
            (Kind::Assistant, d, "张三".into(), id_for(2)),
        ],
    );
    o.sign(
        &q,
        &[
            (Kind::Ineligible, d, "李四".into(), id_for(1)),
            (Kind::Exam, d, "王五".into(), id_for(3)),
        ],
    );
    push(&b, &ra, &a);
    push(&b, &rb, &o);
    let mut s = b.connect(&who);
    // by a whole ID number: both offices, masked
    let found = bureau::search(&mut s, &b.key, &Query::Id(id_for(1)), 50, false, "clerk1").unwrap();
    let mut offices: Vec<&str> = found.iter().map(|f| f.office.as_str()).collect();
    offices.sort();
    assert_eq!(offices, ["451002", "451021"]);
    assert!(found.iter().all(|f| f.name == "李**"), "{found:?}");
    let masked = guantong::idcard::mask(&id_for(1));
    assert!(
        found
            .iter()
            .all(|f| f.id_number.as_deref() == Some(masked.as_str()))
    );
    // by name (part of one), unmasked on request
    let found = bureau::search(
        &mut s,
        &b.key,
        &Query::Name("王".into()),
        50,
        true,
        "clerk1",
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "王五");
    assert_eq!(found[0].id_number.as_deref(), Some(id_for(3).as_str()));
    assert_eq!(found[0].status, "refer");
    // by case number
    let n = a.store.chain().unwrap()[1].number.clone();
    let found = bureau::search(
        &mut s,
        &b.key,
        &Query::Number(n.clone()),
        50,
        false,
        "clerk1",
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].number, n);
    // the audit log: who, what (the ID as its hash and masked, never whole), unmasked
    let mut owner = b.client("postgres");
    let rows = owner
        .query(
            "SELECT role::text, os_user, action, query::text, unmasked, results
             FROM guantong.audit ORDER BY id",
            &[],
        )
        .unwrap();
    assert_eq!(rows.len(), 3);
    let log: Vec<(String, String, String, String, bool, i32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect();
    assert!(
        log.iter()
            .all(|l| l.0 == who && l.1 == "clerk1" && l.2 == "search")
    );
    assert!(log[0].3.contains(&b.key.hash(&id_for(1))) && log[0].3.contains(&masked));
    assert!(!log.iter().any(|l| l.3.contains(&id_for(1))), "{log:?}");
    assert_eq!((log[0].4, log[0].5), (false, 2));
    assert!(log[1].3.contains("王") && log[1].4);
    // an office's role may not search, and nobody may rewrite the log
    let mut sa = b.connect(&ra);
    let e = bureau::search(&mut sa, &b.key, &Query::All, 50, false, "x").unwrap_err();
    assert!(
        e.to_string()
            .contains("permission denied for function search"),
        "{e}"
    );
    let mut cw = b.client(&who);
    assert!(cw.execute("DELETE FROM guantong.audit", &[]).is_err());
    // part of an ID number is no search
    assert!(bureau::classify(Some(&id_for(1)[..10])).is_err());
}

#[test]
fn the_same_applicant_in_another_office_is_named_and_an_unreachable_server_said() {
    let b = bureau("dupes");
    let (ra, rb) = (b.office("451002"), b.office("451021"));
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let a = open_office(&tmp.path().join("a"), "451002", 1);
    let o = open_office(&tmp.path().join("b"), "451021", 2);
    let numbers = a.sign(
        &q,
        &[
            (
                Kind::Intermediate,
                date(2026, 6, 10),
                "李四".into(),
                id_for(1),
            ),
            (
                Kind::Intermediate,
                date(2025, 6, 10),
                "赵六".into(),
                id_for(4),
            ),
        ],
    );
    push(&b, &ra, &a);
    push(&b, &rb, &o);
    let asker = |url: &str| Asker {
        url: ServerUrl::parse(url, "nobody").unwrap(),
        key: b.key.clone(),
        os_user: "clerk2".into(),
        timeout: std::time::Duration::from_secs(5),
    };
    let ok = asker(&b.url(&rb));
    // 李四 in 2026: 451002's case, named with its office
    match bureau::check(&ok, &o.store, Some(&id_for(1)), 2026, "store-test") {
        Bureau::Answered(v) => {
            assert_eq!(v.len(), 1, "{v:?}");
            assert_eq!(
                (v[0].office.as_str(), v[0].number.as_str()),
                ("451002", numbers[0].as_str())
            );
            assert_eq!(v[0].level.as_deref(), Some("intermediate"));
            let m = Bureau::Answered(v)
                .message(guantong::text::Lang::En)
                .unwrap();
            assert!(m.contains("451002") && m.contains(&numbers[0]), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // 赵六 applied in 2025, not 2026; someone new is a real "none"
    assert_eq!(
        bureau::check(&ok, &o.store, Some(&id_for(4)), 2026, "store-test"),
        Bureau::Answered(vec![])
    );
    assert_eq!(
        bureau::check(&ok, &o.store, Some(&id_for(9)), 2026, "store-test"),
        Bureau::Answered(vec![])
    );
    // a case under another questionnaire is another kind of application
    assert_eq!(
        bureau::check(
            &ok,
            &o.store,
            Some(&id_for(1)),
            2026,
            "another-questionnaire"
        ),
        Bureau::Answered(vec![])
    );
    // the office's own cases are the local check's: not repeated from the server
    let own = asker(&b.url(&ra));
    assert_eq!(
        bureau::check(&own, &a.store, Some(&id_for(1)), 2026, "store-test"),
        Bureau::Answered(vec![])
    );
    // both of office B's checks for 李四 were logged on the server with the hash, not the
    // number
    let n: i64 = b
        .client("postgres")
        .query_one(
            "SELECT count(*) FROM guantong.audit WHERE action = 'same_applicant'
               AND role = $1 AND query->>'id_hash' = $2",
            &[&rb, &b.key.hash(&id_for(1))],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
    // unreachable: said so, with when the server last answered; never "no match"
    let gone = tmp.path().join("nowhere");
    std::fs::create_dir(&gone).unwrap();
    let down = asker(&format!(
        "postgresql:///{}?host={}&user={rb}",
        b.db,
        gone.display()
    ));
    match bureau::check(&down, &o.store, Some(&id_for(1)), 2026, "store-test") {
        Bureau::Unreachable { why, last_ok } => {
            assert!(why.contains("cannot reach the server"), "{why}");
            assert!(last_ok.is_some(), "the earlier answer is remembered");
            let m = Bureau::Unreachable { why, last_ok }
                .message(guantong::text::Lang::En)
                .unwrap();
            assert!(m.contains("unknown") && m.contains("last reached"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // a store that never reached it says "never"
    let fresh = open_office(&tmp.path().join("c"), "451022", 3);
    let m = bureau::check(&down, &fresh.store, Some(&id_for(1)), 2026, "store-test")
        .message(guantong::text::Lang::Zh)
        .unwrap();
    assert!(m.contains("从未连通过") && m.contains("未知"), "{m}");
}

#[test]
fn cases_sign_warns_of_another_office_and_sync_prints_what_it_pushed() {
    let b = bureau("cli");
    let (ra, rb) = (b.office("451002"), b.office("451021"));
    let tmp = tempfile::tempdir().unwrap();
    let key = key_file(tmp.path());
    let q = mini();
    let cfg = tmp.path().join("cfg");
    std::fs::create_dir(&cfg).unwrap();
    let a = open_office(&tmp.path().join("a"), "451002", 1);
    a.sign(
        &q,
        &[(
            Kind::Intermediate,
            jiff::ZonedDateTime::now().date(),
            "李四".into(),
            id_for(1),
        )],
    );
    let mini_path = fixture("mini.toml");
    let env = |role: &str, office: &str, data: &std::path::Path| -> Vec<(String, String)> {
        vec![
            ("GUANTONG_SERVER".into(), b.url(role)),
            ("GUANTONG_ID_HASH_KEY".into(), key.display().to_string()),
            ("GUANTONG_OFFICE".into(), office.into()),
            ("GUANTONG_DATA_DIR".into(), data.display().to_string()),
            (
                "GUANTONG_QUESTIONNAIRE".into(),
                mini_path.display().to_string(),
            ),
        ]
    };
    let run_env = |args: &[&str], e: &[(String, String)]| {
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run(&cfg, args, &e)
    };
    // office A pushes, saying what it pushed
    let ea = env(&ra, "451002", &tmp.path().join("a"));
    let out = run_env(&["--lang", "en", "sync", "--batch", "1"], &ea);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let number = a.store.chain().unwrap()[0].number.clone();
    assert!(
        stdout.contains(&format!("pushed 1: {number} … {number}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("office 451002: pushed 1 case(s)"),
        "{stdout}"
    );
    let out = run_env(&["sync"], &ea);
    assert!(
        text(&out).0.contains("没有新案件需要推送"),
        "{:?}",
        text(&out)
    );
    // office B signs the same applicant: refused naming office A, then confirmed
    let answers = tmp.path().join("answers.toml");
    std::fs::write(
        &answers,
        format!(
            "interview_date = {}\napplicant_name = \"李四\"\nid_number = \"{}\"\npathway = \"qualification_exam\"\n",
            jiff::ZonedDateTime::now().date(),
            id_for(1)
        ),
    )
    .unwrap();
    let eb = env(&rb, "451021", &tmp.path().join("b"));
    let sign = [
        "--lang",
        "en",
        "cases",
        "sign",
        "--answers",
        answers.to_str().unwrap(),
        "--pledge-confirmed",
    ];
    let out = run_env(&sign, &eb);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("another office") && stderr.contains("451002") && stderr.contains(&number),
        "{stderr}"
    );
    let mut confirmed = sign.to_vec();
    confirmed.push("--confirm-duplicate");
    let out = run_env(&confirmed, &eb);
    assert!(out.status.success(), "{:?}", text(&out));
    // with the server down the sign-off goes on, saying the bureau could not be asked
    let mut down = eb.clone();
    down[0].1 = format!("postgresql:///{}?host=/nonexistent&user={rb}", b.db);
    let out = run_env(&confirmed, &down);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("could not be asked") && stderr.contains("unknown"),
        "{stderr}"
    );
    // a password in the URL is refused before anything is sent
    let mut pw = ea.clone();
    pw[0].1 = "postgresql://gt:secret@db.example/guantong".into();
    let out = run_env(&["--lang", "en", "sync"], &pw);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("pgpass"), "{stderr}");
    // cases verify --server compares the two
    let out = run_env(&["--lang", "en", "cases", "verify", "--server"], &ea);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("its 1 cases match this store"), "{stdout}");
    // the bureau's list from the command line, masked (once office B has pushed too)
    let out = run_env(&["sync"], &eb);
    assert!(out.status.success(), "{:?}", text(&out));
    let who = b.searcher();
    let mut eb2 = ea.clone();
    eb2[0].1 = b.url(&who);
    let out = run_env(
        &[
            "--lang",
            "en",
            "cases",
            "list",
            "--bureau",
            "--search",
            &id_for(1),
        ],
        &eb2,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("451002") && stdout.contains("451021") && stdout.contains("李**"),
        "{stdout}"
    );
    assert!(!stdout.contains(&id_for(1)), "{stdout}");
}

/// Office codes, months and kinds for the report: a hand-countable set.
fn report_cases() -> Vec<(&'static str, Vec<Case>)> {
    let mut n = 0;
    let mut c = |kind, y, m, d| {
        n += 1;
        (kind, date(y, m, d), format!("人{n}"), id_for(n))
    };
    vec![
        (
            "451002",
            vec![
                c(Kind::Intermediate, 2026, 6, 1),
                c(Kind::Intermediate, 2026, 6, 2),
                c(Kind::Assistant, 2026, 6, 3),
                c(Kind::Ineligible, 2026, 6, 4),
                c(Kind::Exam, 2026, 6, 30),
                c(Kind::Intermediate, 2026, 5, 20),
                c(Kind::Intermediate, 2025, 7, 1),
                c(Kind::Intermediate, 2025, 6, 30),
            ],
        ),
        (
            "451021",
            vec![
                c(Kind::Assistant, 2026, 6, 15),
                c(Kind::Assistant, 2026, 6, 16),
                c(Kind::Exam, 2026, 6, 17),
                c(Kind::Intermediate, 2026, 7, 1),
                c(Kind::Ineligible, 2026, 1, 5),
            ],
        ),
    ]
}

#[test]
fn the_monthly_report_matches_a_hand_count_and_its_html_is_golden() {
    let b = bureau("report");
    let who = b.searcher();
    let tmp = tempfile::tempdir().unwrap();
    let q = mini();
    let mut stores = Vec::new();
    for (i, (code, cases)) in report_cases().into_iter().enumerate() {
        let role = b.office(code);
        let o = open_office(&tmp.path().join(code), code, 1 + i as u8);
        o.sign(&q, &cases);
        push(&b, &role, &o);
        stores.push(o);
    }
    let june = Month::parse("2026-06").unwrap();
    // by hand, June 2026: 451002 has 2 intermediate (230 each), 1 assistant (150),
    // 1 ineligible (its level is still worked out: intermediate, no fee), 1 exam (refer,
    // no level); 451021 has 2 assistant, 1 exam
    let local = report::local(&stores[0].store, june).unwrap();
    let t = local.total();
    assert_eq!((t.cases, t.money), (5, 230 + 230 + 150));
    assert_eq!(t.statuses.get("eligible"), Some(&3));
    assert_eq!(t.statuses.get("ineligible"), Some(&1));
    assert_eq!(t.statuses.get("refer"), Some(&1));
    let trend = local.trend();
    assert_eq!(trend.len(), 12);
    assert_eq!(trend[0].0.to_string(), "2025-07");
    // 2025-06-30 is outside the window; 2025-07-01 is its first day
    let counts: Vec<i64> = trend.iter().map(|(_, t)| t.cases).collect();
    assert_eq!(counts, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5]);
    let mut s = b.connect(&who);
    let all = report::bureau(&mut s, june, "clerk").unwrap();
    let t = all.total();
    assert_eq!((t.cases, t.money), (8, 230 + 230 + 150 + 150 + 150));
    let by_office: Vec<(String, i64, i64)> = all
        .by(|r| r.office.clone())
        .into_iter()
        .map(|(o, t)| (o, t.cases, t.money))
        .collect();
    assert_eq!(
        by_office,
        [("451002".into(), 5, 610), ("451021".into(), 3, 300)]
    );
    let by_level: Vec<(String, i64)> = all
        .by(|r| r.results.clone())
        .into_iter()
        .map(|(l, t)| (l, t.cases))
        .collect();
    assert_eq!(
        by_level,
        [
            ("".into(), 2),
            ("assistant".into(), 3),
            ("intermediate".into(), 3)
        ]
    );
    let by_pathway: Vec<(String, i64)> = all
        .by(|r| r.facts.clone())
        .into_iter()
        .map(|(p, t)| (p, t.cases))
        .collect();
    assert_eq!(
        by_pathway,
        [
            ("qualification_exam".into(), 2),
            ("skill_to_title".into(), 6)
        ]
    );
    let counts: Vec<i64> = all.trend().iter().map(|(_, t)| t.cases).collect();
    assert_eq!(counts, [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 8]);
    // the report is logged, without personal data
    let n: i64 = b
        .client("postgres")
        .query_one(
            "SELECT count(*) FROM guantong.audit WHERE action = 'report'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    // an office may not see the bureau's report
    let mut so = b.connect(&format!("{}_451002", b.prefix));
    assert!(report::bureau(&mut so, june, "x").is_err());
    // the HTML: labels from the questionnaire, bars and trend as inline SVG, no script
    let cat = guantong::questionnaire::catalogue::Catalogue::load(
        &guantong::questionnaire::catalogue::Spec {
            paths: vec![fixture("mini.toml")],
            default: None,
            given: None,
        },
    )
    .unwrap();
    let html = guantong::cli::report::html(&all, &cat, guantong::text::Lang::Zh, date(2026, 7, 1));
    assert!(
        !html.contains("<script")
            && !html.contains("http://www.w3.org/1999")
            && !html.contains("src=")
    );
    assert!(html.contains("@page { size: A4"));
    assert_eq!(html.matches("<svg").count(), 5);
    assert!(
        html.contains("技能人才申报职称") && html.contains("助理级"),
        "labels"
    );
    golden("report-2026-06.html", &html);
    let table = guantong::cli::report::table(&all, &cat, guantong::text::Lang::En);
    assert!(table.contains("8 cases, fees due 910 yuan"), "{table}");
}
