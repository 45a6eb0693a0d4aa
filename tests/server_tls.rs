//! TLS to the server as the bureau's network uses it: `sslmode=verify-full` against a
//! certificate for `localhost` signed by a test CA (made with the `openssl` command), on a
//! server of its own (this binary sets GUANTONG_PG_TLS before starting it).

mod server_common;

use guantong::server::{Server, ServerUrl, sync};
use jiff::civil::date;
use server_common::*;

fn tcp_url(pg: &Pg, host: &str, db: &str, user: &str, query: &str) -> String {
    format!("postgresql://{user}@{host}:{}/{db}?{query}", pg.port)
}

#[test]
fn verify_full_checks_the_certificate_and_the_name_and_sync_runs_over_it() {
    // SAFETY: set before the server starts; the only test in this binary.
    unsafe { std::env::set_var("GUANTONG_PG_TLS", "1") };
    let b = bureau("tls");
    let pg = pg();
    let tls = pg.tls.clone().expect("TLS set up");
    let role = b.office("451002");
    let ca = tls.join("ca.crt");
    let other = tls.join("other-ca.crt");
    let connect = |host: &str, query: String| {
        ServerUrl::parse(&tcp_url(pg, host, &b.db, &role, &query), "x")
            .and_then(|u| Server::connect(&u))
    };
    // verify-full with the bureau's CA: connected, and encrypted
    let mut s = connect(
        "localhost",
        format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    )
    .expect("verify-full connects");
    assert_eq!(s.schema_version().unwrap(), 1);
    let encrypted: bool = b
        .client("postgres")
        .query_one(
            "SELECT bool_or(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.usename = $1",
            &[&role],
        )
        .unwrap()
        .get(0);
    assert!(encrypted, "the office's connection is TLS");
    // a certificate from another CA is refused
    let e = connect(
        "localhost",
        format!("sslmode=verify-full&sslrootcert={}", other.display()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("cannot reach the server") && e.to_lowercase().contains("cert"),
        "{e}"
    );
    // the right CA, the wrong name (the certificate is for localhost, not 127.0.0.1)
    let e = connect(
        "127.0.0.1",
        format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    )
    .unwrap_err()
    .to_string();
    assert!(e.to_lowercase().contains("cert"), "{e}");
    // verify-ca checks the chain only: the name does not matter, the CA does
    connect(
        "127.0.0.1",
        format!("sslmode=verify-ca&sslrootcert={}", ca.display()),
    )
    .expect("verify-ca connects by address");
    assert!(
        connect(
            "127.0.0.1",
            format!("sslmode=verify-ca&sslrootcert={}", other.display()),
        )
        .is_err()
    );
    // no root certificate where it was said to be: an error naming the file
    let e = connect(
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/root.crt".into(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("/nonexistent/root.crt"), "{e}");
    // a sync over verify-full
    let tmp = tempfile::tempdir().unwrap();
    let o = open_office(&tmp.path().join("a"), "451002", 1);
    o.sign(
        &mini(),
        &[(
            Kind::Intermediate,
            date(2026, 6, 1),
            "李四".into(),
            id_for(1),
        )],
    );
    let out = sync::sync(&o.store, s, &b.key, None, 10, |_| {}, None).unwrap();
    assert_eq!((out.pushed, out.held), (1, 1));
}
