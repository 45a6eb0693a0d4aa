//! Kill safety: a child process saves a draft after every "answer" and reports each save
//! once `save_draft` has returned; the test SIGKILLs it at varying points, again and
//! again. Every reported answer must survive, and the database must stay consistent.

mod store_common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use guantong::case::{Draft, Store, StoreError};
use guantong::value::Value;

const WORKER_ENV: &str = "GUANTONG_KILL_TEST_DIR";
const DRAFT: &str = "kill-test-draft";

/// The child: runs only when spawned by `drafts_survive_sigkill`.
#[test]
fn kill_worker() {
    let Some(dir) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    let store = Store::open(std::path::Path::new(&dir)).unwrap();
    let q = store_common::mini();
    let mut d = match store.load_draft(DRAFT) {
        Ok(d) => d,
        Err(StoreError::DraftNotFound(_)) => {
            let mut d = Draft::new(&q, "clerk", jiff::Timestamp::now());
            d.id = DRAFT.into();
            d
        }
        Err(e) => panic!("{e}"),
    };
    let mut i = d.answers.len();
    let mut out = std::io::stdout();
    loop {
        d.answers
            .insert(format!("answer_{i:05}"), Value::Int(i as i64));
        d.current = Some(format!("answer_{i:05}"));
        d.updated_at = jiff::Timestamp::now();
        store.save_draft(&d).unwrap();
        use std::io::Write;
        writeln!(out, "{i}").unwrap();
        out.flush().unwrap();
        i += 1;
    }
}

#[test]
fn drafts_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged: Option<usize> = None;
    for round in 0..25usize {
        let mut child = Command::new(&exe)
            .args(["--exact", "kill_worker", "--nocapture", "--test-threads=1"])
            .env(WORKER_ENV, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Kill after a varying number of acknowledged saves: the child is then in the
        // middle of its next save (or between saves).
        let wait_for = 1 + (round * 7) % 13;
        let mut seen = 0;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            let Ok(n) = line.trim().parse::<usize>() else {
                continue;
            };
            acknowledged = Some(acknowledged.map_or(n, |a| a.max(n)));
            seen += 1;
            if seen >= wait_for {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Lines the child wrote before dying were acknowledged too.
        for line in lines.map_while(Result::ok) {
            if let Ok(n) = line.trim().parse::<usize>() {
                acknowledged = Some(acknowledged.map_or(n, |a| a.max(n)));
            }
        }

        let store = Store::open(&dir).unwrap();
        store.integrity_check().unwrap();
        let d = store.load_draft(DRAFT).unwrap();
        let acked = acknowledged.expect("the worker saved at least once");
        for i in 0..=acked {
            assert_eq!(
                d.answers.get(&format!("answer_{i:05}")),
                Some(&Value::Int(i as i64)),
                "round {round}: acknowledged answer {i} lost"
            );
        }
        // Nothing beyond what was being saved: at most one unacknowledged answer.
        assert!(d.answers.len() <= acked + 2, "round {round}");
    }
    assert!(acknowledged.unwrap() >= 25);
}
