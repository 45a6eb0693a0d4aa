//! A real PostgreSQL for the server tests: started once per test binary from the
//! installed server binaries (`/usr/lib/postgresql/15/bin`), in a temporary directory,
//! listening on a Unix socket only, password authentication (SCRAM) with the password in
//! a private `PGPASSFILE`, as guantong is meant to be used. PostgreSQL refuses to run as
//! root: as root (CI) the server runs as the `postgres` user through `runuser`, in a
//! directory that user owns. It is stopped when the test binary exits (an `atexit`
//! handler: after failing tests too). A missing server binary fails the test, naming the
//! package to install.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

use guantong::case::{OfficeCode, SignOff, Store};
use guantong::questionnaire::{self, Questionnaire};
use guantong::server::{IdKey, Server, ServerUrl, admin};
use guantong::value::{Answers, Value};
use jiff::civil::Date;

/// Where the server binaries are looked for first (Debian 12's PostgreSQL 15).
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// The server binaries: PostgreSQL 15's, else the newest installed version's.
pub fn pg_bin() -> PathBuf {
    if Path::new(PG_BIN).join("initdb").exists() {
        return PathBuf::from(PG_BIN);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map_or_else(|| PathBuf::from(PG_BIN), |(_, b)| b)
}
/// Every test role's password (in the test binary's PGPASSFILE).
pub const PASSWORD: &str = "guantong-test-password";
pub const BIN: &str = env!("CARGO_BIN_EXE_guantong");

pub struct Pg {
    /// Holds data/, sock/, the log; owned by the server's user.
    pub root: PathBuf,
    pub sock: PathBuf,
    pub data: PathBuf,
    pub pgpass: PathBuf,
    /// `Some("postgres")` when run through runuser.
    run_as: Option<String>,
    /// The port (the socket's name; over TCP too when `tls` is set).
    pub port: u16,
    /// With `GUANTONG_PG_TLS=1`: TLS on 127.0.0.1:`port`, a certificate for `localhost`
    /// signed by a test CA (`tls/ca.crt`).
    pub tls: Option<PathBuf>,
}

static PG: OnceLock<Pg> = OnceLock::new();
static STOPPED: Mutex<bool> = Mutex::new(false);

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn uid_gid(user: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    for l in passwd.lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() > 3 && f[0] == user {
            return Some((f[2].parse().ok()?, f[3].parse().ok()?));
        }
    }
    None
}

impl Pg {
    fn cmd(&self, prog: &str) -> Command {
        let path = pg_bin().join(prog);
        match &self.run_as {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        }
    }

    fn run(&self, prog: &str, args: &[&str]) -> Output {
        let out = self
            .cmd(prog)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {prog}: {e}"));
        assert!(
            out.status.success(),
            "{prog} {args:?} failed: {}{}\nlog: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.root.join("log")).unwrap_or_default()
        );
        out
    }

    /// Start the server (it must not be running).
    pub fn start(&self) {
        // tests need no durability against a power cut; the benchmark asks for it
        let fsync = std::env::var("GUANTONG_PG_FSYNC").is_ok_and(|v| v == "on");
        let mut opts = format!(
            "-k {} -p {} -c fsync={} -c full_page_writes={} -c max_connections=200",
            self.sock.display(),
            self.port,
            if fsync { "on" } else { "off" },
            if fsync { "on" } else { "off" },
        );
        match &self.tls {
            Some(dir) => opts.push_str(&format!(
                " -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                dir.join("server.crt").display(),
                dir.join("server.key").display()
            )),
            None => opts.push_str(" -c listen_addresses="),
        }
        let log = self.root.join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.display().to_string(),
                "-o",
                &opts,
                "-l",
                &log.display().to_string(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stop the server: `fast` (clean) or `immediate` (as a crash: no shutdown checkpoint,
    /// every connection cut).
    pub fn stop(&self, mode: &str) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.display().to_string(),
                "-m",
                mode,
                "-w",
                "stop",
            ],
        );
    }

    /// A URL for `db` as `user`.
    pub fn url(&self, db: &str, user: &str) -> String {
        format!(
            "postgresql:///{db}?host={}&port={}&user={user}",
            self.sock.display(),
            self.port
        )
    }

    pub fn connect(&self, db: &str, user: &str) -> Server {
        let u = ServerUrl::parse(&self.url(db, user), "nobody").expect("test URL parses");
        Server::connect_raw(&u).expect("connect to the test server")
    }

    /// A raw client (the driver itself) as `user`.
    pub fn client(&self, db: &str, user: &str) -> postgres::Client {
        postgres::Config::new()
            .host_path(&self.sock)
            .port(self.port)
            .user(user)
            .password(PASSWORD)
            .dbname(db)
            .connect(postgres::NoTls)
            .expect("raw connect")
    }
}

extern "C" fn stop_at_exit() {
    if let Some(pg) = PG.get() {
        let mut stopped = STOPPED.lock().unwrap_or_else(|e| e.into_inner());
        if !*stopped {
            *stopped = true;
            let _ = pg
                .cmd("pg_ctl")
                .args([
                    "-D",
                    &pg.data.display().to_string(),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ])
                .output();
            let _ = std::fs::remove_dir_all(&pg.root);
        }
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl ({e}): install the `openssl` package"));
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A test CA, a certificate for `localhost` it signed (the server's), and another CA that
/// signed nothing here (`other-ca.crt`).
fn make_certs(root: &Path, run_as: Option<&str>) -> PathBuf {
    let dir = root.join("tls");
    std::fs::create_dir(&dir).unwrap();
    for ca in ["ca", "other-ca"] {
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.crt"),
                "-days",
                "2",
                "-subj",
                "/CN=guantong test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    std::fs::write(
        dir.join("ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext",
        ],
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    if let Some(u) = run_as {
        let (uid, gid) = uid_gid(u).unwrap();
        for f in ["", "server.key", "server.crt"] {
            std::os::unix::fs::chown(dir.join(f), Some(uid), Some(gid)).unwrap();
        }
    }
    dir
}

/// The test binary's server, started on first use.
pub fn pg() -> &'static Pg {
    PG.get_or_init(|| {
        let initdb = pg_bin().join("initdb");
        assert!(
            initdb.exists(),
            "PostgreSQL server binaries not found at {PG_BIN} (nor another /usr/lib/postgresql/VERSION/bin): install the `postgresql` package (apt-get install postgresql; Debian 12 ships version 15)"
        );
        let run_as = is_root().then(|| "postgres".to_string());
        let root = tempfile::Builder::new()
            .prefix("gt-pg-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let sock = root.join("sock");
        let data = root.join("data");
        std::fs::create_dir(&sock).unwrap();
        let pwfile = root.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if let Some(u) = &run_as {
            let (uid, gid) = uid_gid(u).unwrap_or_else(|| {
                panic!("no `{u}` user: install the `postgresql` package (it creates the user)")
            });
            for p in [&root, &sock, &pwfile] {
                std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
            }
        }
        // the client side: a private password file, as ~/.pgpass would be
        let pgpass = root.join("client.pgpass");
        std::fs::write(&pgpass, format!("*:*:*:*:{PASSWORD}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
        // SAFETY: set once, before any test connects; every test uses the same value.
        unsafe { std::env::set_var("PGPASSFILE", &pgpass) };
        let tls = std::env::var_os("GUANTONG_PG_TLS").map(|_| make_certs(&root, run_as.as_deref()));
        let port = if tls.is_some() {
            // a free TCP port (the socket's name follows it)
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free port")
        } else {
            5432
        };
        let pg = Pg {
            root: root.clone(),
            sock,
            data: data.clone(),
            pgpass,
            run_as,
            port,
            tls,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-U",
                "postgres",
                "-A",
                "scram-sha-256",
                "--pwfile",
                &pwfile.display().to_string(),
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        pg.start();
        // SAFETY: registering a plain extern "C" function.
        unsafe { libc::atexit(stop_at_exit) };
        pg
    })
}

/// A fresh database for one test, with the guantong schema made by its owner (the
/// superuser here), and the bureau's ID-hash key.
pub struct Bureau {
    pub db: String,
    pub key: IdKey,
    pub prefix: String,
}

pub fn bureau(test: &str) -> Bureau {
    let pg = pg();
    let db = format!("t_{test}");
    let mut c = pg.client("postgres", "postgres");
    c.batch_execute(&format!("CREATE DATABASE {db}"))
        .expect("create the test database");
    let key = IdKey::from_bytes([7; 32]);
    let mut s = pg.connect(&db, "postgres");
    admin::init(&mut s, &key).expect("server init");
    Bureau {
        db,
        key,
        prefix: test.to_string(),
    }
}

impl Bureau {
    /// Register an office with its own role (`<test>_<code>`), password set.
    pub fn office(&self, code: &str) -> String {
        let pg = pg();
        let role = format!("{}_{}", self.prefix, code.replace('-', "_"));
        let mut s = pg.connect(&self.db, "postgres");
        admin::add_office(&mut s, &OfficeCode::parse(code).unwrap(), &role).expect("add office");
        pg.client(&self.db, "postgres")
            .batch_execute(&format!("ALTER ROLE {role} PASSWORD '{PASSWORD}'"))
            .unwrap();
        role
    }

    /// A bureau role that may search and report.
    pub fn searcher(&self) -> String {
        let pg = pg();
        let role = format!("{}_bureau", self.prefix);
        let mut s = pg.connect(&self.db, "postgres");
        admin::add_bureau(&mut s, &role).expect("add bureau role");
        pg.client(&self.db, "postgres")
            .batch_execute(&format!("ALTER ROLE {role} PASSWORD '{PASSWORD}'"))
            .unwrap();
        role
    }

    pub fn url(&self, role: &str) -> String {
        pg().url(&self.db, role)
    }

    pub fn connect(&self, role: &str) -> Server {
        let u = ServerUrl::parse(&self.url(role), "nobody").unwrap();
        Server::connect(&u).expect("connect")
    }

    pub fn client(&self, role: &str) -> postgres::Client {
        pg().client(&self.db, role)
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store")
        .join(name)
}

pub fn mini() -> Questionnaire {
    questionnaire::load_file(&fixture("mini.toml")).expect("mini questionnaire loads")
}

/// A valid ID number for person `i` (born 1960 + i days, in 右江区).
pub fn id_for(i: usize) -> String {
    let d = jiff::civil::date(1960, 1, 1) + jiff::Span::new().days((i % 15000) as i64);
    let first17 = format!(
        "451002{:04}{:02}{:02}{:03}",
        d.year(),
        d.month(),
        d.day(),
        i % 1000
    );
    let check = guantong::idcard::check_digit(first17.as_bytes());
    format!("{first17}{check}")
}

/// What one case's answers are: the kind of outcome and the interview day.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// eligible, intermediate, fee 230
    Intermediate,
    /// eligible, assistant, fee 150
    Assistant,
    /// ineligible (does not work in Baise)
    Ineligible,
    /// refer (qualification exam)
    Exam,
}

pub fn answers(kind: Kind, day: Date, name: &str, id: &str) -> Answers {
    let mut a = Answers::new();
    a.insert("interview_date".into(), Value::Date(day));
    a.insert("applicant_name".into(), Value::str(name));
    a.insert("id_number".into(), Value::str(id));
    match kind {
        Kind::Exam => {
            a.insert("pathway".into(), Value::str("qualification_exam"));
        }
        k => {
            a.insert("pathway".into(), Value::str("skill_to_title"));
            a.insert(
                "works_in_baise".into(),
                Value::Bool(!matches!(k, Kind::Ineligible)),
            );
            let years = match k {
                Kind::Assistant => 2,
                _ => 3,
            };
            a.insert("skill_work_years".into(), Value::Int(years));
        }
    }
    a
}

/// One case to sign: (kind, interview day, name, ID number).
pub type Case = (Kind, Date, String, String);

/// An office's store in `dir`, signing under `office` with a key of its own.
pub struct Office {
    pub store: Store,
    pub key: ed25519_dalek::SigningKey,
    pub code: String,
}

pub fn open_office(dir: &Path, code: &str, seed: u8) -> Office {
    let mut store = Store::open(dir).expect("store opens");
    store.set_office(Some(OfficeCode::parse(code).unwrap()));
    Office {
        store,
        key: ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
        code: code.to_string(),
    }
}

impl Office {
    /// Sign these cases (in one transaction, each evaluated, numbered, signed and chained
    /// as one sign-off is). Returns their numbers.
    pub fn sign(&self, q: &Questionnaire, cases: &[Case]) -> Vec<String> {
        let now = jiff::Timestamp::now();
        let items: Vec<SignOff> = cases
            .iter()
            .map(|(kind, day, name, id)| SignOff {
                questionnaire: q,
                answers: answers(*kind, *day, name, id),
                applicant_name: name.clone(),
                applicant_id: Some(id.clone()),
                pledge_confirmed_at: now,
                clerk_display_name: Some(format!("经办人{}", self.code)),
                notes: None,
                amends: None,
                draft_id: None,
                now,
                today: *day,
            })
            .collect();
        self.store
            .sign_off_many(&items, &self.key)
            .expect("sign off")
    }
}

/// Run the binary with these environment variables (and a private config directory).
pub fn run(cfg: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("GUANTONG_CONFIG_DIR", cfg)
        .env_remove("GUANTONG_OFFICE")
        .env_remove("GUANTONG_SERVER")
        .env_remove("GUANTONG_ID_HASH_KEY")
        .env_remove("GUANTONG_DATA_DIR")
        .env_remove("GUANTONG_QUESTIONNAIRE")
        .env("PGPASSFILE", &pg().pgpass);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run guantong")
}

pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The bureau's ID-hash key ([7; 32], as `bureau` uses) in a private file.
pub fn key_file(dir: &Path) -> PathBuf {
    let p = dir.join("id-hash.key");
    std::fs::write(&p, hex::encode([7u8; 32])).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    p
}

/// Compare with a golden file in tests/golden/server (UPDATE_GOLDEN=1 rewrites it).
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/server")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        expected,
        actual,
        "output differs from {} (UPDATE_GOLDEN=1 to accept)",
        path.display()
    );
}
