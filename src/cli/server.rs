//! `guantong server …`: the administrator's commands for the bureau's PostgreSQL server
//! (create the schema, register offices and bureau roles, list the offices, make the
//! ID-hash key), and the server URL and key lookups every server command shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{Context, Safe, printed};
use crate::case::OfficeCode;
use crate::server::idhash::ID_KEY_ENV;
use crate::server::url::{self as server_url, SERVER_ENV};
use crate::server::{IdKey, Server, ServerError, ServerUrl, admin};
use crate::text::Lang;

/// `--server`, shared by every command that talks to the server.
#[derive(Args, Debug, Default, Clone)]
pub struct ServerArg {
    /// 全局服务器（PostgreSQL 地址，不含密码；亦可用 GUANTONG_SERVER 或配置 server）/ the bureau's server: a PostgreSQL URL without a password (also GUANTONG_SERVER or config `server`)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
}

/// `--id-key`, for the commands that hash ID numbers.
#[derive(Args, Debug, Default, Clone)]
pub struct IdKeyArg {
    /// 身份证号哈希密钥文件（亦可用 GUANTONG_ID_HASH_KEY 或配置 id_hash_key）/ the ID-hash key file (also GUANTONG_ID_HASH_KEY or config `id_hash_key`)
    #[arg(long, value_name = "FILE")]
    pub id_key: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServerArgs {
    #[command(subcommand)]
    pub command: ServerCommand,
}

#[derive(Subcommand, Debug)]
pub enum ServerCommand {
    /// 在 PostgreSQL 数据库中建立 guantong 结构（以其所有者身份运行）/ create the guantong schema in a PostgreSQL database (run as its owner)
    Init(InitArgs),
    /// 登记一个办公室及其推送角色 / register an office and the role that pushes its records
    AddOffice(AddOfficeArgs),
    /// 允许一个角色查询全局案件和报表 / let a role search every office's cases and see the report
    AddBureau(AddBureauArgs),
    /// 列出已登记的办公室 / list the registered offices
    Offices(ServerArg),
    /// 生成本局的身份证号哈希密钥文件 / make the bureau's ID-hash key file
    NewIdKey(NewIdKeyArgs),
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub server: ServerArg,
    #[command(flatten)]
    pub id_key: IdKeyArg,
}

#[derive(Args, Debug)]
pub struct AddOfficeArgs {
    /// 办公室代码（如 451002 或 451002-2）/ the office code (e.g. 451002 or 451002-2)
    pub office: String,
    /// 推送角色（缺省 gt_办公室代码）/ the role that pushes (default gt_<office>)
    #[arg(long)]
    pub role: Option<String>,
    #[command(flatten)]
    pub server: ServerArg,
}

#[derive(Args, Debug)]
pub struct AddBureauArgs {
    /// 角色名 / the role
    pub role: String,
    #[command(flatten)]
    pub server: ServerArg,
}

#[derive(Args, Debug)]
pub struct NewIdKeyArgs {
    /// 新密钥文件（不会覆盖已有文件）/ the new key file (an existing file is never overwritten)
    pub file: PathBuf,
}

/// Say what went wrong; the exit code for it.
pub(crate) fn fail(e: &ServerError) -> ExitCode {
    warn!("guantong: {e}");
    ExitCode::from(if e.is_user_error() { 2 } else { 1 })
}

/// The server URL: `--server`, else `GUANTONG_SERVER`, else config `server`, checked.
pub(crate) fn url(arg: &ServerArg, ctx: &Context) -> Result<ServerUrl, ServerError> {
    let (u, _) = server_url::resolve(
        arg.server.as_deref(),
        std::env::var(SERVER_ENV).ok(),
        ctx.config.server.as_deref(),
    )
    .ok_or(ServerError::NoServer)?;
    ServerUrl::parse(&u, &crate::case::keys::os_user())
}

/// Is a server configured at all (for the sign-off check, which is skipped without one)?
pub(crate) fn configured(ctx: &Context) -> bool {
    server_url::resolve(
        None,
        std::env::var(SERVER_ENV).ok(),
        ctx.config.server.as_deref(),
    )
    .is_some()
}

/// The ID-hash key: `--id-key`, else `GUANTONG_ID_HASH_KEY`, else config `id_hash_key`.
pub(crate) fn id_key(arg: &IdKeyArg, ctx: &Context) -> Result<IdKey, ServerError> {
    let path = arg
        .id_key
        .clone()
        .or_else(|| {
            std::env::var_os(ID_KEY_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| ctx.config.id_hash_key.clone());
    match path {
        Some(p) => IdKey::load(&p),
        None => Err(ServerError::IdKey {
            path: "—".into(),
            zh: "未指定：请用 --id-key、环境变量 GUANTONG_ID_HASH_KEY 或配置 id_hash_key 给出本局分发的密钥文件".into(),
            en: "none given: name the key file the bureau handed out with --id-key, GUANTONG_ID_HASH_KEY or config `id_hash_key`".into(),
        }),
    }
}

pub fn run(a: ServerArgs, ctx: &Context) -> ExitCode {
    let lang = ctx.lang();
    let r = match a.command {
        ServerCommand::Init(i) => init(&i, ctx, lang),
        ServerCommand::AddOffice(o) => add_office(&o, ctx, lang),
        ServerCommand::AddBureau(b) => add_bureau(&b, ctx, lang),
        ServerCommand::Offices(s) => offices(&s, ctx, lang),
        ServerCommand::NewIdKey(k) => new_id_key(&k.file, lang),
    };
    match r {
        Ok(text) => printed(super::print(&text, Safe::Text), ExitCode::SUCCESS),
        Err(e) => fail(&e),
    }
}

fn init(a: &InitArgs, ctx: &Context, lang: Lang) -> Result<String, ServerError> {
    let url = url(&a.server, ctx)?;
    let key = id_key(&a.id_key, ctx)?;
    let mut s = Server::connect_raw(&url)?;
    let done = admin::init(&mut s, &key)?;
    let fp = key.fingerprint();
    Ok(match (done, lang) {
        (admin::Init::Created, Lang::Zh) => format!(
            "已在 {url} 建立 guantong 结构（版本 {}），身份证号哈希密钥指纹 {fp}。\n下一步：guantong server add-office 办公室代码 --server URL\n",
            crate::server::schema::SERVER_SCHEMA_VERSION
        ),
        (admin::Init::Created, Lang::En) => format!(
            "created the guantong schema (version {}) at {url}; ID-hash key fingerprint {fp}.\nnext: guantong server add-office OFFICE --server URL\n",
            crate::server::schema::SERVER_SCHEMA_VERSION
        ),
        (admin::Init::AlreadyThere, Lang::Zh) => {
            format!("{url} 上已有 guantong 结构（同一密钥 {fp}），未作改动。\n")
        }
        (admin::Init::AlreadyThere, Lang::En) => {
            format!("{url} already has the guantong schema (same key {fp}); nothing was changed.\n")
        }
    })
}

fn add_office(a: &AddOfficeArgs, ctx: &Context, lang: Lang) -> Result<String, ServerError> {
    let office = OfficeCode::parse(&a.office).map_err(|e| ServerError::Other(e.to_string()))?;
    let role = a
        .role
        .clone()
        .unwrap_or_else(|| admin::default_role(&office));
    let url = url(&a.server, ctx)?;
    let mut s = Server::connect(&url)?;
    let created = admin::add_office(&mut s, &office, &role)?;
    let mut out = match lang {
        Lang::Zh => format!("已登记办公室 {office}，推送角色 {role}。\n"),
        Lang::En => format!("registered office {office}, pushed by role {role}.\n"),
    };
    if created {
        out.push_str(lang.pick(
            "角色为新建，尚无密码：请在 psql 中执行 \\password ",
            "the role is new and has no password: in psql run \\password ",
        ));
        out.push_str(&format!(
            "{role}{}",
            lang.pick(
                "，并把密码写入该办公室同步用户的 ~/.pgpass（权限 600）。\n",
                ", and put the password in the office sync user's ~/.pgpass (mode 600).\n",
            )
        ));
    }
    Ok(out)
}

fn add_bureau(a: &AddBureauArgs, ctx: &Context, lang: Lang) -> Result<String, ServerError> {
    let url = url(&a.server, ctx)?;
    let mut s = Server::connect(&url)?;
    let created = admin::add_bureau(&mut s, &a.role)?;
    let role = &a.role;
    let mut out = match lang {
        Lang::Zh => format!("角色 {role} 可查询全局案件和报表（每次查询都记入审计日志）。\n"),
        Lang::En => format!(
            "role {role} may search every office's cases and see the report (every search is logged).\n"
        ),
    };
    if created {
        out.push_str(&match lang {
            Lang::Zh => format!("角色为新建：请在 psql 中执行 \\password {role}。\n"),
            Lang::En => format!("the role is new: in psql run \\password {role}.\n"),
        });
    }
    Ok(out)
}

fn offices(a: &ServerArg, ctx: &Context, lang: Lang) -> Result<String, ServerError> {
    let url = url(a, ctx)?;
    let mut s = Server::connect(&url)?;
    let rows = admin::offices(&mut s)?;
    let header = vec![
        lang.pick("办公室", "office").to_string(),
        lang.pick("角色", "role").to_string(),
        lang.pick("案件库来源", "store origin").to_string(),
        lang.pick("服务器上的案件", "cases held").to_string(),
    ];
    let cells: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(o, r, origin, n)| {
            vec![
                o,
                r,
                origin.unwrap_or_else(|| lang.pick("（尚未同步）", "(not synced yet)").into()),
                n.to_string(),
            ]
        })
        .collect();
    Ok(super::cases::table(&header, &cells))
}

fn new_id_key(file: &Path, lang: Lang) -> Result<String, ServerError> {
    let key = IdKey::generate(file)?;
    let fp = key.fingerprint();
    let f = file.display();
    Ok(match lang {
        Lang::Zh => format!(
            "已生成 {f}（权限 640，指纹 {fp}）。把它安全地分发到每个办公室（如 /etc/guantong/id-hash.key，属组 guantong），不要放在服务器上或与案件放在一起。\n"
        ),
        Lang::En => format!(
            "made {f} (mode 640, fingerprint {fp}). Hand it to every office safely (e.g. /etc/guantong/id-hash.key, group guantong); never keep it on the server or beside the records.\n"
        ),
    })
}

/// `cases verify --server [URL]`: this store against the server's copy of its chain.
pub(crate) fn verify(given: &str, data_dir: Option<PathBuf>, ctx: &Context) -> ExitCode {
    use crate::server::log::ServerLog;
    let lang = ctx.lang();
    let arg = ServerArg {
        server: Some(given.to_string()).filter(|s| !s.trim().is_empty()),
    };
    let r = (|| -> Result<crate::server::verify::Compared, ServerError> {
        let url = url(&arg, ctx)?;
        let Some(dir) = data_dir.or_else(crate::case::Store::default_dir) else {
            return Err(ServerError::Other(
                "找不到数据目录，请用 --data-dir 或 GUANTONG_DATA_DIR 指定 / no data directory: use --data-dir or GUANTONG_DATA_DIR".into(),
            ));
        };
        let store = crate::case::Store::open(&dir)?;
        let office = store.recorded_office()?.unwrap_or_default();
        let log = ServerLog::new(Server::connect(&url)?, &store.origin()?, &office, None);
        crate::server::verify::compare_logs(&store, &log)
    })();
    let c = match r {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if c.problems.is_empty() {
        let msg = match lang {
            Lang::Zh => format!(
                "与服务器比对：服务器上的 {} 份案件与本案件库一致，签名和哈希链完好；{} 份尚未推送。\n",
                c.on_server, c.not_pushed
            ),
            Lang::En => format!(
                "compared with the server: its {} cases match this store, every signature and the chain intact; {} not pushed yet.\n",
                c.on_server, c.not_pushed
            ),
        };
        return printed(super::print(&msg, Safe::Text), ExitCode::SUCCESS);
    }
    let out: String = c
        .problems
        .iter()
        .map(|p| format!("{}\n", crate::safe::line(&p.to_string())))
        .collect();
    let code = printed(super::print(&out, Safe::Done), ExitCode::from(1));
    warn!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "与服务器比对失败：发现 {} 处不一致（服务器上有 {} 份）。",
                c.problems.len(),
                c.on_server
            ),
            Lang::En => format!(
                "comparison with the server failed: {} problem(s) (the server holds {})",
                c.problems.len(),
                c.on_server
            ),
        }
    );
    code
}

/// The sign-off's question to the bureau's server: the same applicant in another office.
/// Any failure to ask (no key, no link, a refusal) is said as such, never as "no match".
pub(crate) fn ask_bureau(
    store: &crate::case::Store,
    s: &crate::case::SignOff,
    ctx: &Context,
) -> crate::case::duplicates::Bureau {
    use crate::case::duplicates::{self, Bureau};
    use crate::server::bureau::{Asker, check};
    if s.amends.is_some() {
        return Bureau::Answered(Vec::new());
    }
    let asker = url(&ServerArg::default(), ctx).and_then(|url| {
        Ok(Asker {
            url,
            key: id_key(&IdKeyArg::default(), ctx)?,
            os_user: crate::case::keys::os_user(),
            timeout: std::time::Duration::from_secs(5),
        })
    });
    let ev = crate::eval::evaluate(s.questionnaire, &s.answers, s.today);
    let year = duplicates::application_year(s.questionnaire, &ev, s.today);
    match asker {
        Ok(a) => check(
            &a,
            store,
            s.applicant_id.as_deref(),
            year,
            &s.questionnaire.meta.id,
        ),
        Err(e) => Bureau::Unreachable {
            why: e.to_string(),
            last_ok: crate::server::contact::last_ok(store).ok().flatten(),
        },
    }
}

/// The wizard's way to ask the bureau's server at sign-off, when one is configured. A
/// configured server with a problem (bad URL, no key) is said at each sign-off, as a
/// server that cannot be asked.
pub(crate) fn asker(ctx: &Context) -> Option<Result<crate::server::bureau::Asker, String>> {
    if !configured(ctx) {
        return None;
    }
    let r = url(&ServerArg::default(), ctx).and_then(|url| {
        Ok(crate::server::bureau::Asker {
            url,
            key: id_key(&IdKeyArg::default(), ctx)?,
            os_user: crate::case::keys::os_user(),
            timeout: std::time::Duration::from_secs(3),
        })
    });
    Some(r.map_err(|e| e.to_string()))
}
