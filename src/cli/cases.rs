//! `guantong cases …`: sign off headlessly, list, show, export, verify and re-check the
//! case store, and list or discard drafts.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::Value as J;

use super::Safe;
use crate::case::export::{self, ExportFormat, Shown};
use crate::case::privacy::{self, Policy};
use crate::case::summary::{self, SummaryKind};
use crate::case::trust::{self, Pins};
use crate::case::{CaseFilter, SignOff, Store, StoreError, draft_meta, duplicates, lease, verify};
use crate::eval::{self, Status, input, report};
use crate::outfile::{OutFile, OutFileError};
use crate::questionnaire::Questionnaire;
use crate::questionnaire::catalogue::{Catalogue, Lookup};
use crate::text::Lang;

#[derive(Args, Debug)]
pub struct CasesArgs {
    #[command(subcommand)]
    pub command: CasesCommand,
}

#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// 无界面签发一份案件（补录纸质表格、脚本）/ sign off a case from an answers file
    Sign(SignArgs),
    /// 列出案件 / list cases
    List(ListArgs),
    /// 显示一份案件 / show one case
    Show(ShowArgs),
    /// 导出案件 / export cases
    Export(ExportArgs),
    /// 核验全部签名、哈希链、索引，并对照回执、登记的密钥和检查点 / check every signature,
    /// the chain and the index, against receipts, pinned keys and checkpoints
    Verify(VerifyArgs),
    /// 打印签名的链头，保存在本机以外 / print a signed chain head to keep off this machine
    Checkpoint,
    /// 打印本人公钥（供管理员登记到受信密钥文件）/ print your public key for the
    /// administrator's trusted-keys file
    Key,
    /// 签名密钥丢失后另建新密钥（旧公钥仍算本人的）/ make a new signing key after the old
    /// one was lost (the old public key stays yours)
    NewKey,
    /// 按（新）问卷重新评估，列出结论会变的案件 / re-evaluate under a questionnaire
    Recheck(RecheckArgs),
    /// 列出或删除草稿 / list or discard drafts
    Drafts(DraftsArgs),
}

#[derive(Args, Debug, Default)]
pub struct VerifyArgs {
    /// 另行对照 `guantong cases checkpoint` 打印的检查点文件（可多次给出）/ also check
    /// against a checkpoint file printed by `guantong cases checkpoint` (repeatable)
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Vec<PathBuf>,
    /// 改为与全局服务器上的副本比对（可给出地址，缺省取 GUANTONG_SERVER 或配置 server）/ instead, compare with the copy on the bureau's server (a URL, else GUANTONG_SERVER or config `server`)
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "", conflicts_with = "checkpoint")]
    pub server: Option<String>,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    /// 答案文件（TOML）/ answers file (TOML)
    #[arg(long)]
    pub answers: PathBuf,
    /// 申请人姓名（缺省取答案中的姓名）/ applicant's name (default: from the answers)
    #[arg(long)]
    pub applicant_name: Option<String>,
    /// 申请人身份证号码（缺省取答案中的号码）/ ID number (default: from the answers)
    #[arg(long)]
    pub applicant_id: Option<String>,
    /// 申请人已确认诚信承诺 / the applicant has acknowledged the integrity pledge
    #[arg(long)]
    pub pledge_confirmed: bool,
    #[arg(long)]
    pub notes: Option<String>,
    /// 所更正的案件编号 / number of the case this one corrects
    #[arg(long)]
    pub amends: Option<String>,
    /// 同一申报年度已有此申请人的案件时，确认不是重复申报 / the applicant already has a case
    /// in the same application year: confirm this is not a repeat application
    #[arg(long)]
    pub confirm_duplicate: bool,
}

#[derive(Args, Debug, Default)]
pub struct FilterArgs {
    /// 面谈日期起 / interview date from (YYYY-MM-DD)
    #[arg(long)]
    pub from: Option<String>,
    /// 面谈日期止 / interview date to
    #[arg(long)]
    pub to: Option<String>,
    /// 结论：符合、不符合、需转办、待定（或 eligible、ineligible、refer、incomplete）/ status: eligible, ineligible, refer, incomplete (or the Chinese labels)
    #[arg(long)]
    pub status: Option<String>,
    /// 经办人（系统用户名或姓名）/ clerk (OS user or display name)
    #[arg(long)]
    pub clerk: Option<String>,
    /// 按姓名、身份证号或案件编号查找 / search name, ID number or case number
    #[arg(long)]
    pub search: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

/// The largest `--limit` (SQLite's LIMIT is a signed 64-bit integer).
const MAX_LIMIT: u64 = i64::MAX as u64;

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// 最多列出条数（0 为全部）/ at most this many, newest first (0: all)
    // the store's LIMIT is a signed 64-bit number: anything larger is a usage error
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=MAX_LIMIT))]
    pub limit: u64,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// CSV 用代码（列名、结论、等级等为代码，供脚本读取）/ CSV with codes (column ids, status and value codes, UTC times) for scripts
    #[arg(long)]
    pub codes: bool,
    /// 全局：在服务器上查询所有办公室的案件（每次查询都记入服务器的审计日志）/ the bureau: search every office's cases on the server (every search is logged there)
    #[arg(long)]
    pub bureau: bool,
    /// 与 --bureau 同用：显示完整个人信息 / with --bureau: show personal data in full
    #[arg(long, requires = "bureau")]
    pub unmasked: bool,
    #[command(flatten)]
    pub server: super::server::ServerArg,
    #[command(flatten)]
    pub id_key: super::server::IdKeyArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
    Md,
    Html,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// 案件编号，可简写：1、000001（本年第1号）、bs-2026-1、451002-2026-1 / case number, or a short form: 1, 000001 (this year's first), bs-2026-1, 451002-2026-1
    pub number: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ShowFormat,
    /// 显示完整个人信息 / show personal data in full
    #[arg(long)]
    pub unmasked: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormatArg {
    Csv,
    Json,
    Md,
    Html,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormatArg,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// 输出文件：普通文件或新文件名，“-”为标准输出（缺省）/ output file: a regular file or a new path; `-` (the default) is stdout
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// 导出完整个人信息 / export personal data in full
    #[arg(long)]
    pub unmasked: bool,
    /// CSV 用代码（列名、结论、等级等为代码，供脚本读取）/ CSV with codes (column ids, status and value codes, UTC times) for scripts
    #[arg(long)]
    pub codes: bool,
}

/// Re-checks every case under the newest version of its own questionnaire (by id) that
/// the catalogue holds; with the global `--questionnaire`, only the cases of that one's id.
#[derive(Args, Debug)]
pub struct RecheckArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DraftsFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct DraftsArgs {
    /// 删除该草稿 / discard this draft
    #[arg(long)]
    pub discard: Option<String>,
    /// table：表格；json：每行一份草稿，含全部回答 / table, or json: one draft per line
    /// with every answer
    #[arg(long, value_enum, default_value = "table")]
    pub format: DraftsFormat,
    /// 显示完整个人信息 / show personal data in full
    #[arg(long)]
    pub unmasked: bool,
}

/// What went wrong, with the exit code to use.
struct Fail(u8);

fn store_fail(e: StoreError) -> Fail {
    warn!("guantong: {e}");
    Fail(if e.is_user_error() { 2 } else { 1 })
}

pub fn run(a: CasesArgs, ctx: &super::Context) -> ExitCode {
    let lang = ctx.lang.unwrap_or_default();
    let data_dir = ctx.data_dir.clone();
    let r = match a.command {
        CasesCommand::Sign(s) => sign(s, data_dir, ctx),
        CasesCommand::List(l) => list(l, data_dir, ctx, lang),
        CasesCommand::Show(s) => show(s, data_dir, ctx, lang),
        CasesCommand::Export(e) => export_cmd(e, data_dir, ctx, lang),
        CasesCommand::Verify(v) => match v.server.clone() {
            None => verify_cmd(v, data_dir, lang),
            Some(url) => Ok(super::server::verify(&url, data_dir, ctx)),
        },
        CasesCommand::Checkpoint => checkpoint_cmd(data_dir, ctx, lang),
        CasesCommand::Key => key_cmd(ctx, lang),
        CasesCommand::NewKey => new_key_cmd(ctx, lang),
        CasesCommand::Recheck(r) => recheck(r, data_dir, ctx, lang),
        CasesCommand::Drafts(d) => drafts(d, data_dir, ctx, lang),
    };
    match r {
        Ok(code) => code,
        Err(Fail(c)) => ExitCode::from(c),
    }
}

fn open_store(data_dir: Option<PathBuf>) -> Result<Store, Fail> {
    let Some(dir) = data_dir.or_else(Store::default_dir) else {
        warn!(
            "guantong: 找不到数据目录，请用 --data-dir 或 GUANTONG_DATA_DIR 指定 / no data directory: use --data-dir or GUANTONG_DATA_DIR"
        );
        return Err(Fail(1));
    };
    let store = Store::open(&dir).map_err(store_fail)?;
    say_warnings(&store);
    Ok(store)
}

/// Print what the store has to say (a world-readable file, a receipt not kept).
fn say_warnings(store: &Store) {
    for w in store.take_warnings() {
        warn!("guantong: {w}");
    }
}

/// The keys pinned outside the store, for showing clerks' names. A trusted-keys file
/// that cannot be used is named, and names are then shown as self-declared.
fn pins_for_names() -> Pins {
    match Pins::load() {
        Ok(p) => p,
        Err(e) => {
            warn!("guantong: {e}");
            Pins {
                user: crate::case::keys::os_user(),
                ..Pins::default()
            }
        }
    }
}

fn parse_day(s: &Option<String>, flag: &str) -> Result<Option<Date>, Fail> {
    match s {
        None => Ok(None),
        Some(s) => match input::parse_date(s) {
            Some(d) => Ok(Some(d)),
            None => {
                warn!("guantong: --{flag} {s}: 不是有效日期 / not a valid date (2026-06-15)");
                Err(Fail(2))
            }
        },
    }
}

/// A status as the clerk may write it: its code, or its label in either language
/// (`不符合` as `ineligible`).
fn status_arg(s: &str) -> Option<Status> {
    let s = s.trim();
    [
        Status::Eligible,
        Status::Ineligible,
        Status::Refer,
        Status::Incomplete,
    ]
    .into_iter()
    .find(|st| {
        s == st.code() || s == st.label(Lang::Zh) || s.eq_ignore_ascii_case(st.label(Lang::En))
    })
}

fn filter_of(f: &FilterArgs, limit: usize) -> Result<CaseFilter, Fail> {
    let status = match &f.status {
        None => None,
        Some(s) => match status_arg(s) {
            Some(st) => Some(st.code().to_string()),
            None => {
                warn!(
                    "guantong: --status {s}: 应为 符合、不符合、需转办、待定（或 eligible、ineligible、refer、incomplete）之一 / expected eligible, ineligible, refer or incomplete (or 符合, 不符合, 需转办, 待定)"
                );
                return Err(Fail(2));
            }
        },
    };
    Ok(CaseFilter {
        from: parse_day(&f.from, "from")?,
        to: parse_day(&f.to, "to")?,
        status,
        clerk: f.clerk.clone(),
        questionnaire: None,
        search: f.search.clone(),
        limit,
    })
}

fn catalogue(ctx: &super::Context) -> Result<Catalogue, Fail> {
    ctx.catalogue().ok_or(Fail(1))
}

/// Open the store, and keep a copy of each catalogue questionnaire that drafts or cases
/// from before the store kept copies were made under (an upgrade may replace the embedded
/// one).
fn open_store_with(data_dir: Option<PathBuf>, cat: &Catalogue) -> Result<Store, Fail> {
    let store = open_store(data_dir)?;
    // Best effort: a store opened read-only (an auditor's copy) is read all the same.
    let _ = store.keep_referenced(cat.entries().iter().map(|e| &e.q), Timestamp::now());
    Ok(store)
}

/// Adopt into `cat` the store's copies of the questionnaires `exact` names (by hash), and
/// the newest copy of each of `ids` that config does not name; a copy that cannot be read
/// is said (its cases are then shown as the catalogue can).
fn adopt(store: &Store, cat: &mut Catalogue, exact: &[(String, String)], ids: &[String]) {
    let mut problems = store.adopt_copies(cat, exact);
    problems.extend(store.adopt_newest(cat, ids));
    for e in problems {
        warn!("guantong: {e}");
    }
}

/// The questionnaire to show or export a case with: its own (the catalogue's or the
/// store's copy, by hash), else the one given with `--questionnaire` when it has the same
/// id, else the newest with that id, else none (and then the rendering says which one it
/// lacks).
fn case_questionnaire<'c>(cat: &'c Catalogue, id: &str, sha256: &str) -> Option<&'c Questionnaire> {
    match (cat.find(id, sha256), cat.given()) {
        (Lookup::Exact(q), _) => Some(q),
        (_, Some(g)) if g.meta.id == id => Some(g),
        (l, _) => l.questionnaire(),
    }
}

/// Masking policies ([`privacy::Policy`]), one per questionnaire (by its content hash;
/// the conservative one for cases whose questionnaire is not at hand), made once per
/// command rather than once per case.
#[derive(Default)]
struct Policies<'c> {
    made: std::collections::HashMap<String, Policy<'c>>,
}

impl<'c> Policies<'c> {
    fn get(&mut self, q: Option<&'c Questionnaire>) -> &Policy<'c> {
        let key = q.map_or(String::new(), |q| q.sha256.clone());
        self.made.entry(key).or_insert_with(|| Policy::new(q))
    }
}

/// Say on stderr when a case is shown without its own questionnaire, or when the one
/// given with `--questionnaire` is not the case's.
fn warn_questionnaire(
    cat: &Catalogue,
    number: &str,
    id: &str,
    version: &str,
    lang: Lang,
    found: bool,
) {
    if let Some(g) = cat.given()
        && g.meta.id != id
    {
        warn!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "注意：案件 {number} 是按问卷 {id} {version} 记录的，不是 --questionnaire 给出的 {}",
                    g.meta.id
                ),
                Lang::En => format!(
                    "note: case {number} was recorded under questionnaire {id} {version}, not {} given with --questionnaire",
                    g.meta.id
                ),
            }
        );
    }
    if !found {
        warn!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "注意：问卷 {id} {version} 不在问卷目录中（配置 questionnaires 或 --questionnaire），案件 {number} 的回答按事实标识列出"
                ),
                Lang::En => format!(
                    "note: questionnaire {id} {version} is not known (config `questionnaires` or --questionnaire): case {number}'s answers are listed by fact id"
                ),
            }
        );
    }
}

fn sign(a: SignArgs, data_dir: Option<PathBuf>, ctx: &super::Context) -> Result<ExitCode, Fail> {
    let lang = ctx.lang();
    let config = &ctx.config;
    let q = ctx.questionnaire(None).map_err(|_| Fail(1))?;
    if !a.pledge_confirmed {
        // The articles the pledge rests on are the questionnaire's.
        let (zh, en) = q
            .meta
            .pledge_cite
            .as_deref()
            .map_or((String::new(), String::new()), |c| {
                (format!("（{c}）"), format!(" ({c})"))
            });
        warn!(
            "guantong: 申请人须先确认诚信承诺{zh}，请在确认后加 --pledge-confirmed / the applicant must acknowledge the integrity pledge{en} first: add --pledge-confirmed once they have"
        );
        return Err(Fail(2));
    }
    let file = a.answers.display().to_string();
    let src = super::read_answers(&a.answers, lang).ok_or(Fail(2))?;
    let today = super::today();
    let answers = input::parse_answers(&q, &file, &src, today).map_err(|errors| {
        for e in errors {
            warn!("{}", e.render(lang));
        }
        Fail(2)
    })?;
    let from_answers = |fact: Option<u16>| {
        answers
            .get(&q.facts[usize::from(fact?)].id)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let applicant_id = a
        .applicant_id
        .clone()
        .or_else(|| from_answers(q.meta.applicant_id));
    let Some(applicant_name) = a
        .applicant_name
        .clone()
        .or_else(|| from_answers(q.meta.applicant_name))
        .filter(|n| !n.trim().is_empty())
    else {
        warn!(
            "guantong: 缺少申请人姓名：请用 --applicant-name 或在答案中填写 / the applicant's name is missing: give --applicant-name or answer it in the file"
        );
        return Err(Fail(2));
    };
    // The ID number and name given on the command line are facts too: record them, so the
    // questionnaire's checks (ID check digit, agreement with birth date and sex) apply.
    let mut answers = answers;
    for (fact, given) in [
        (q.meta.applicant_id, &applicant_id),
        (q.meta.applicant_name, &Some(applicant_name.clone())),
    ] {
        let (Some(i), Some(given)) = (fact, given) else {
            continue;
        };
        let f = &q.facts[usize::from(i)];
        let id = f.id.clone();
        match answers.get(&id).and_then(|v| v.as_str()) {
            Some(v) if v.trim() != given.trim() => {
                let (v, given) = (crate::safe::line(v), crate::safe::line(given));
                let why = crate::text::tr!(
                    "“{v}”与命令行给出的“{given}”不一致",
                    "\"{v}\" differs from \"{given}\" given on the command line"
                );
                let about = input::about_fact(&id, lang);
                warn!("{file}: error: {about}{}", why.get(lang));
                return Err(Fail(2));
            }
            Some(_) => {}
            None => {
                // checked as an answer in the file would be (length, visible text, pattern)
                let v = input::coerce(f, crate::value::Value::str(given.trim())).map_err(|t| {
                    warn!("guantong: {}{}", input::about_fact(&id, lang), t.get(lang));
                    Fail(2)
                })?;
                answers.insert(id, v);
            }
        }
    }
    let office = config.office().map_err(|e| {
        eprintln!("guantong: {e}");
        Fail(2)
    })?;
    let mut store = open_store(data_dir)?;
    store.set_office(office);
    // the case corrected, as `show` finds it (a short form names one case or none)
    let amends = match &a.amends {
        Some(n) => Some(resolve_number(&store, n, lang)?),
        None => None,
    };
    let now = Timestamp::now();
    let s = SignOff {
        questionnaire: &q,
        answers,
        applicant_name,
        applicant_id,
        pledge_confirmed_at: now,
        clerk_display_name: config.clerk_name().map(str::to_string),
        notes: a.notes,
        amends,
        draft_id: None,
        now,
        today,
    };
    // One applicant, one application a year at a level: a second case needs the clerk's
    // word that it is not a repeat.
    if !a.confirm_duplicate {
        let earlier = duplicates::for_sign_off(&store, &s).map_err(store_fail)?;
        if !earlier.is_empty() {
            let list = duplicates::describe(&earlier, Some(&q), lang);
            match lang {
                Lang::Zh => warn!(
                    "guantong: 同一申报年度已有此申请人的案件：{list}；确认不是重复申报后加 --confirm-duplicate"
                ),
                Lang::En => warn!(
                    "guantong: this applicant already has a case in the same application year: {list}; add --confirm-duplicate once you have checked it is not a repeat application"
                ),
            }
            return Err(Fail(2));
        }
    }
    // ... and in another office, asked of the bureau's server when there is one
    if super::server::configured(ctx) {
        let found = super::server::ask_bureau(&store, &s, ctx);
        if let Some(m) = found.message(lang) {
            warn!("guantong: {m}");
        }
        if !found.found().is_empty() && !a.confirm_duplicate {
            warn!(
                "{}",
                lang.pick(
                    "guantong: 确认不是重复申报后加 --confirm-duplicate",
                    "guantong: add --confirm-duplicate once you have checked it is not a repeat application"
                )
            );
            return Err(Fail(2));
        }
    }
    let rec = store.sign_off(&s);
    say_warnings(&store);
    let rec = rec.map_err(store_fail)?;
    write_stdout(&format!("{}\n", rec.number), Safe::Text)
}

/// The summary columns of some cases, in order of first appearance (facts first, then
/// results), each with its label from the first case's questionnaire that has one.
pub(super) fn summary_columns<'a>(
    rows: impl Iterator<Item = (Option<&'a str>, &'a [summary::SummaryValue])>,
    cat: &Catalogue,
    lang: Lang,
) -> Vec<(SummaryKind, String, String)> {
    let mut cols: Vec<(SummaryKind, String, String)> = Vec::new();
    for (qid, entries) in rows {
        let q = qid.and_then(|id| cat.get(id));
        for v in entries {
            if !cols.iter().any(|(k, id, _)| *k == v.kind && *id == v.id) {
                cols.push((v.kind, v.id.clone(), summary::label(q, v.kind, &v.id, lang)));
            }
        }
    }
    cols.sort_by_key(|(k, _, _)| *k);
    cols
}

/// Say which questionnaires some listed cases were made under are not known: their
/// summaries are shown as codes, and masked output masks them whole (nothing says which
/// of their values are personal).
pub(super) fn warn_unknown(ids: &[String], cat: &Catalogue, lang: Lang, masked: bool) {
    let missing: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !id.is_empty() && cat.get(id).is_none())
        .collect();
    if !missing.is_empty() {
        warn!(
            "{}",
            match (lang, masked) {
                (Lang::Zh, false) => format!(
                    "注意：问卷 {} 不在问卷目录中（配置 questionnaires 或 --questionnaire），其案件的摘要按代码显示",
                    missing.join(", ")
                ),
                (Lang::Zh, true) => format!(
                    "注意：问卷 {} 不在问卷目录中（配置 questionnaires 或 --questionnaire），无从得知其案件中哪些是个人信息，脱敏时除结论外一律隐去",
                    missing.join(", ")
                ),
                (Lang::En, false) => format!(
                    "note: questionnaire(s) {} not known (config `questionnaires` or --questionnaire): their cases' summaries are shown as codes",
                    missing.join(", ")
                ),
                (Lang::En, true) => format!(
                    "note: questionnaire(s) {} not known (config `questionnaires` or --questionnaire): nothing says which of their cases' values are personal, so masking hides all but the verdict",
                    missing.join(", ")
                ),
            }
        );
    }
}

fn list(
    a: ListArgs,
    data_dir: Option<PathBuf>,
    ctx: &super::Context,
    lang: Lang,
) -> Result<ExitCode, Fail> {
    let Ok(limit) = usize::try_from(a.limit) else {
        warn!("guantong: --limit {}: 超出范围 / out of range", a.limit);
        return Err(Fail(2));
    };
    let f = filter_of(&a.filter, limit)?;
    if a.bureau {
        let fl = &a.filter;
        if fl.from.is_some() || fl.to.is_some() || fl.status.is_some() || fl.clerk.is_some() {
            warn!(
                "guantong: --bureau 只与 --search、--limit、--format、--unmasked 同用 / --bureau takes only --search, --limit, --format and --unmasked"
            );
            return Err(Fail(2));
        }
        return Ok(super::bureau::list(
            super::bureau::BureauList {
                search: a.filter.search.as_deref(),
                limit: a.limit,
                unmasked: a.unmasked,
                format: a.format,
                server: &a.server,
                id_key: &a.id_key,
            },
            ctx,
        ));
    }
    let mut cat = catalogue(ctx)?;
    let store = open_store_with(data_dir, &cat)?;
    // Each row masked and labelled by its own questionnaire: the store's copies of those
    // config no longer names.
    let ids: Vec<String> = store
        .questionnaire_ids(&f)
        .map_err(store_fail)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    adopt(&store, &mut cat, &[], &ids);
    let cat = cat;
    // A list is always masked: each row as its questionnaire's policy says.
    let mut policies = Policies::default();
    let (mut rows, mut names) = (Vec::new(), Vec::new());
    store
        .for_each_row(&f, |r| {
            let q = r.questionnaire.as_deref().and_then(|id| cat.get(id));
            rows.push(policies.get(q).mask_row(&r).summary());
            names.push(r.clerk_name.clone());
            Ok(())
        })
        .map_err(store_fail)?;
    let pins = pins_for_names();
    let mut out = String::new();
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    match a.format {
        ListFormat::Json => {
            for (r, name) in rows.iter().zip(&names) {
                let mut v = serde_json::to_value(r).unwrap_or_default();
                // the name shown for the clerk: the administrator's, or their own marked so
                let named = pins.clerk_name(&r.clerk, name.as_deref());
                if let J::Object(o) = &mut v {
                    o.insert(
                        "clerk_name".into(),
                        named.as_ref().map(|n| n.0.clone()).into(),
                    );
                    o.insert(
                        "clerk_name_self_declared".into(),
                        J::Bool(named.as_ref().is_some_and(|n| n.1)),
                    );
                }
                out.push_str(&serde_json::to_string(&v).unwrap_or_default());
                out.push('\n');
            }
            return write_stdout(&out, Safe::Json);
        }
        ListFormat::Csv | ListFormat::Table => {
            // for a person (the table, a CSV for Excel or WPS) labels; codes for scripts
            let labels = matches!(a.format, ListFormat::Table) || !a.codes;
            if labels {
                let mut ids: Vec<String> = rows
                    .iter()
                    .filter_map(|r| r.questionnaire.clone())
                    .collect();
                ids.sort();
                ids.dedup();
                warn_unknown(&ids, &cat, lang, true);
            }
            let cols = summary_columns(
                rows.iter()
                    .map(|r| (r.questionnaire.as_deref(), r.summary.as_slice())),
                &cat,
                lang,
            );
            let (fact_cols, result_cols): (Vec<_>, Vec<_>) =
                cols.iter().partition(|(k, _, _)| *k == SummaryKind::Fact);
            let mut header = if labels {
                vec![
                    l("案件编号", "number"),
                    l("面谈日期", "date"),
                    l("申请人", "applicant"),
                ]
            } else {
                vec!["number".into(), "date".into(), "applicant".into()]
            };
            let col = |(_, id, label): &&(SummaryKind, String, String)| {
                if labels { label.clone() } else { id.clone() }
            };
            header.extend(fact_cols.iter().map(col));
            header.push(if labels {
                l("结论", "status")
            } else {
                "status".into()
            });
            header.extend(result_cols.iter().map(col));
            if labels {
                header.extend([l("经办人", "clerk"), l("更正", "correction")]);
            } else {
                header.extend(["clerk".into(), "amends".into(), "amended_by".into()]);
            }
            // For a person labels (符合, 助理级, 已更正为 …); for scripts the codes.
            let cells: Vec<Vec<String>> = rows
                .iter()
                .zip(&names)
                .map(|(r, name)| {
                    let q = r.questionnaire.as_deref().and_then(|id| cat.get(id));
                    let entry = |(kind, id, _): &&(SummaryKind, String, String)| {
                        r.summary
                            .iter()
                            .find(|v| v.kind == *kind && &v.id == id)
                            .map(|v| {
                                if labels {
                                    summary::display(q, v.kind, &v.id, &v.value, lang)
                                } else {
                                    summary::code(&v.value)
                                }
                            })
                            .unwrap_or_default()
                    };
                    let status = match Status::parse(&r.status) {
                        Some(st) if labels => st.label(lang).to_string(),
                        _ => r.status.clone(),
                    };
                    let mut c = vec![
                        r.number.clone(),
                        r.date.map(|d| d.to_string()).unwrap_or_default(),
                        r.name.clone(),
                    ];
                    c.extend(fact_cols.iter().map(entry));
                    c.push(status);
                    c.extend(result_cols.iter().map(entry));
                    if labels {
                        c.push(trust::clerk_label(
                            Some(&pins),
                            &r.clerk,
                            name.as_deref(),
                            lang,
                        ));
                        c.push(correction(
                            r.amends.as_deref(),
                            r.amended_by.as_deref(),
                            lang,
                        ));
                    } else {
                        c.push(r.clerk.clone());
                        c.push(r.amends.clone().unwrap_or_default());
                        c.push(r.amended_by.clone().unwrap_or_default());
                    }
                    c
                })
                .collect();
            if matches!(a.format, ListFormat::Csv) {
                out.push_str(export::BOM);
                out.push_str(&export::csv_line(&header));
                for c in &cells {
                    out.push_str(&export::csv_line(c));
                }
                return write_stdout(&out, Safe::Done);
            }
            out.push_str(&table(&header, &cells));
            if rows.is_empty() {
                out.push_str(&format!("{}\n", l("（没有案件）", "(no cases)")));
            }
        }
    }
    write_stdout(&out, Safe::Text)
}

/// A case's place among corrections, for a person: `更正 BS-…-000001` (it corrects that
/// case), `已更正为 BS-…-000002` (that case corrects it), or both.
fn correction(amends: Option<&str>, amended_by: Option<&str>, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(a) = amends {
        parts.push(format!("{} {a}", lang.pick("更正", "corrects")));
    }
    if let Some(b) = amended_by {
        parts.push(format!("{} {b}", lang.pick("已更正为", "corrected by")));
    }
    parts.join(lang.pick("；", "; "))
}

/// A table for a person: every cell one terminal-safe line ([`crate::safe::line`]), so a
/// value can neither send escapes nor break the rows and columns.
pub(super) fn table(header: &[String], rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let safe = |r: &[String]| -> Vec<String> {
        r.iter()
            .map(|c| crate::safe::line(c).into_owned())
            .collect()
    };
    let header = &safe(header);
    let rows: &[Vec<String>] = &rows.iter().map(|r| safe(r)).collect::<Vec<_>>();
    let mut w: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.width());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w[i] - c.width() + 2));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// Print to stdout, made safe as `how` says; a closed pipe ends quietly.
fn write_stdout(s: &str, how: Safe) -> Result<ExitCode, Fail> {
    super::print(s, how).map_err(Fail)?;
    Ok(ExitCode::SUCCESS)
}

fn show(
    a: ShowArgs,
    data_dir: Option<PathBuf>,
    ctx: &super::Context,
    lang: Lang,
) -> Result<ExitCode, Fail> {
    let mut cat = catalogue(ctx)?;
    let store = open_store_with(data_dir, &cat)?;
    let number = resolve_number(&store, &a.number, lang)?;
    let rec = store.get_case(&number).map_err(store_fail)?;
    let r = &rec.questionnaire;
    adopt(
        &store,
        &mut cat,
        &[(r.id.clone(), r.sha256.clone())],
        std::slice::from_ref(&r.id),
    );
    let q = case_questionnaire(&cat, &r.id, &r.sha256);
    warn_questionnaire(&cat, &rec.number, &r.id, &r.version, lang, q.is_some());
    let f = match a.format {
        ShowFormat::Text => ExportFormat::Text,
        ShowFormat::Json => ExportFormat::Json,
        ShowFormat::Md => ExportFormat::Markdown,
        ShowFormat::Html => ExportFormat::Html,
    };
    let safe = if f == ExportFormat::Json {
        Safe::Json
    } else {
        Safe::Text
    };
    let pins = pins_for_names();
    let policy = Policy::new(q);
    let how = export::Render {
        shown: if a.unmasked {
            Shown::Unmasked
        } else {
            Shown::Masked(&policy)
        },
        pins: Some(&pins),
        lang,
    };
    write_stdout(&export::render_case_with(&rec, q, f, &how), safe)
}

/// The case a number names: the number as stored, else the one case its short form names
/// (`1`, `bs-2026-1`; see [`crate::case::office::NumberParts`]). Several that fit are
/// listed, and none is chosen (exit 2).
fn resolve_number(store: &Store, given: &str, lang: Lang) -> Result<String, Fail> {
    match store.raw_case(given) {
        Ok(raw) => return Ok(raw.number),
        Err(StoreError::NotFound(_)) => {}
        Err(e) => return Err(store_fail(e)),
    }
    let found = store
        .resolve_number(given, super::today().year())
        .map_err(store_fail)?;
    match found.as_slice() {
        [] => Err(store_fail(StoreError::NotFound(given.trim().to_string()))),
        [one] => Ok(one.clone()),
        many => {
            let list = many.join(lang.pick("、", ", "));
            warn!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "guantong: “{given}”对应 {} 份案件：{list}；请写出完整编号",
                        many.len()
                    ),
                    Lang::En => format!(
                        "guantong: \"{given}\" names {} cases: {list}; give the full number",
                        many.len()
                    ),
                }
            );
            Err(Fail(2))
        }
    }
}

fn progress(len: u64) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || len < 2 {
        return None;
    }
    let pb = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed_precise}")
    {
        pb.set_style(style);
    }
    Some(pb)
}

/// Where an export goes: stdout (no `-o`, or `-o -`), or a file written through a private
/// temporary file and renamed into place at the end ([`crate::outfile`]), so a failed or
/// interrupted export leaves no half-written file and nothing is written through a
/// symlink, into a FIFO or onto a device.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(std::io::BufWriter<OutFile>),
}

fn outfile_fail(e: OutFileError) -> Fail {
    warn!("guantong: {e}");
    Fail(if e.is_user_error() { 2 } else { 1 })
}

fn is_broken_pipe(e: &StoreError) -> bool {
    matches!(e, StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

impl Sink {
    fn new(dest: Option<&Path>) -> Result<Sink, Fail> {
        match dest {
            None => Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout()))),
            Some(p) if p.as_os_str() == "-" => {
                Ok(Sink::Stdout(std::io::BufWriter::new(std::io::stdout())))
            }
            Some(p) => {
                // a signal must not leave the (unmasked) temporary file behind
                if let Err(e) = crate::outfile::remove_temps_on_signals() {
                    warn!("guantong: cannot watch signals: {e}");
                    return Err(Fail(1));
                }
                let f = OutFile::create(p).map_err(outfile_fail)?;
                Ok(Sink::File(std::io::BufWriter::new(f)))
            }
        }
    }
    fn put(&mut self, s: &str) -> Result<(), StoreError> {
        let r = match self {
            Sink::Stdout(w) => w.write_all(s.as_bytes()),
            Sink::File(w) => w.write_all(s.as_bytes()),
        };
        r.map_err(|e| StoreError::Io {
            path: self.name(),
            source: e,
        })
    }
    fn name(&self) -> PathBuf {
        match self {
            Sink::Stdout(_) => PathBuf::from("<stdout>"),
            Sink::File(w) => w.get_ref().dest().to_path_buf(),
        }
    }
    fn finish(self) -> Result<(), Fail> {
        match self {
            Sink::Stdout(mut w) => match w.flush() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    warn!("guantong: stdout: {e}");
                    Err(Fail(1))
                }
                _ => Ok(()),
            },
            Sink::File(w) => {
                let dest = w.get_ref().dest().to_path_buf();
                let f = w.into_inner().map_err(|e| {
                    warn!("{}: {}", dest.display(), e.error());
                    Fail(1)
                })?;
                f.commit().map_err(outfile_fail)
            }
        }
    }
}

/// The CSV columns of an export beyond the fixed ones.
struct CsvColumns {
    /// The summary facts: (id, label).
    facts: Vec<(String, String)>,
    /// `status`, `missing`, then each questionnaire's results in its order (for cases
    /// whose questionnaire is not known, the names their records hold).
    results: Vec<String>,
}

fn csv_columns(
    store: &Store,
    f: &CaseFilter,
    ids: &[(String, usize)],
    cat: &Catalogue,
    lang: Lang,
) -> Result<CsvColumns, StoreError> {
    let qs: Vec<&Questionnaire> = ids.iter().filter_map(|(id, _)| cat.get(id)).collect();
    let facts = store
        .summary_ids(f)?
        .into_iter()
        .filter(|(k, _)| *k == SummaryKind::Fact)
        .map(|(_, id)| {
            let q = qs.iter().copied().find(|q| q.fact(&id).is_some());
            let label = summary::label(q, SummaryKind::Fact, &id, lang);
            (id, label)
        })
        .collect();
    let mut names: Vec<String> = vec!["status".into(), "missing".into()];
    for (id, _) in ids {
        let more = match cat.get(id) {
            Some(q) => q.results.iter().map(|r| r.name.clone()).collect(),
            None => store.result_names(&CaseFilter {
                questionnaire: Some(id.clone()),
                ..f.clone()
            })?,
        };
        for n in more {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    Ok(CsvColumns {
        facts,
        results: names,
    })
}

fn export_cmd(
    a: ExportArgs,
    data_dir: Option<PathBuf>,
    ctx: &super::Context,
    lang: Lang,
) -> Result<ExitCode, Fail> {
    let f = filter_of(&a.filter, 0)?;
    // the output first: a target that cannot be written is refused before any work
    let mut sink = Sink::new(a.output.as_deref())?;
    let mut cat = catalogue(ctx)?;
    let store = open_store_with(data_dir, &cat)?;
    let ids = store.questionnaire_ids(&f).map_err(store_fail)?;
    // every case with its own questionnaire: the store's copies of those config lacks
    let refs = store.case_questionnaires(&f).map_err(store_fail)?;
    let names: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    adopt(&store, &mut cat, &refs, &names);
    let cat = cat;
    let total: u64 = ids.iter().map(|(_, n)| *n as u64).sum();
    warn_unknown(
        &ids.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        &cat,
        lang,
        !a.unmasked,
    );
    let q_of = |rec: &crate::case::CaseRecord| {
        case_questionnaire(&cat, &rec.questionnaire.id, &rec.questionnaire.sha256)
    };
    let mut policies = Policies::default();
    let pins = pins_for_names();
    // the fragment of one case, masked by its questionnaire's policy unless --unmasked
    let mut fragment = |rec: &crate::case::CaseRecord, f: ExportFormat| {
        let q = q_of(rec);
        let shown = if a.unmasked {
            Shown::Unmasked
        } else {
            Shown::Masked(policies.get(q))
        };
        let how = export::Render {
            shown,
            pins: Some(&pins),
            lang,
        };
        export::render_fragment_with(rec, q, f, &how)
    };
    let pb = progress(total);
    let tick = || {
        if let Some(pb) = &pb {
            pb.inc(1);
        }
    };
    let r = (|| -> Result<(), StoreError> {
        match a.format {
            ExportFormatArg::Csv => {
                let CsvColumns {
                    facts,
                    results: names,
                } = csv_columns(&store, &f, &ids, &cat, lang)?;
                let (fact_ids, fact_labels): (Vec<String>, Vec<String>) = facts.into_iter().unzip();
                sink.put(export::BOM)?;
                // each result column labelled by the first questionnaire that defines it
                let result_labels: Vec<String> = names
                    .iter()
                    .map(|n| {
                        let q = ids
                            .iter()
                            .filter_map(|(id, _)| cat.get(id))
                            .find(|q| q.result(n).is_some());
                        export::result_label(q, n, lang)
                    })
                    .collect();
                if a.codes {
                    sink.put(&export::csv_header_codes(&fact_ids, &names))?;
                } else {
                    sink.put(&export::csv_header(&fact_labels, &result_labels, lang))?;
                }
                let mut row_policies = Policies::default();
                store.for_each_row(&f, |mut r| {
                    tick();
                    r.clerk_name = export::clerk_name_cell(
                        Some(&pins),
                        &r.clerk,
                        r.clerk_name.as_deref(),
                        lang,
                    );
                    let q = r.questionnaire.as_deref().and_then(|id| cat.get(id));
                    let r = if a.unmasked {
                        r
                    } else {
                        row_policies.get(q).mask_row(&r)
                    };
                    // for people the labels (Excel, WPS); for scripts the codes
                    if a.codes {
                        sink.put(&export::csv_row(&r, &fact_ids, &names))
                    } else {
                        sink.put(&export::csv_row_labels(&r, q, &fact_ids, &names, lang))
                    }
                })
            }
            ExportFormatArg::Json => store.for_each_case(&f, |rec| {
                tick();
                sink.put(&fragment(&rec, ExportFormat::Json))
            }),
            ExportFormatArg::Md => {
                let mut first = true;
                store.for_each_case(&f, |rec| {
                    tick();
                    if !first {
                        sink.put("\n---\n\n")?;
                    }
                    first = false;
                    sink.put(&fragment(&rec, ExportFormat::Markdown))
                })
            }
            ExportFormatArg::Html => {
                sink.put(&export::html_head(
                    lang.pick("案件导出", "Case export"),
                    lang,
                ))?;
                store.for_each_case(&f, |rec| {
                    tick();
                    sink.put(&fragment(&rec, ExportFormat::Html))
                })?;
                sink.put(export::HTML_TAIL)
            }
        }
    })();
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    match r {
        Ok(()) => {
            sink.finish()?;
            Ok(ExitCode::SUCCESS)
        }
        // the reader went away (`… | head`): nothing more to say
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        // dropping the sink removes its temporary file
        Err(e) => Err(store_fail(e)),
    }
}

/// Check the store against itself and the anchors kept outside it; `Ok` with the
/// number of records read and the problems, `Err` when it cannot be checked at all.
fn verify_store(
    store: &Store,
    checkpoints: &[PathBuf],
) -> Result<(usize, Vec<verify::Problem>), Fail> {
    let origin = store.origin().map_err(store_fail)?;
    let mut anchors = verify::Anchors::load(&origin).map_err(|e| {
        warn!("guantong: {e}");
        Fail(1)
    })?;
    for c in checkpoints {
        anchors.add_checkpoints(c);
    }
    let total = if std::io::stderr().is_terminal() {
        store
            .list_cases(&CaseFilter::default())
            .map_or(0, |v| v.len() as u64)
    } else {
        0
    };
    let pb = progress(total);
    let r = verify::verify_with(store, &anchors, || {
        if let Some(pb) = &pb {
            pb.inc(1);
        }
    })
    .map_err(store_fail);
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    r
}

/// Print the problems verify found (one line each, made safe) and the verdict.
fn say_problems(n: usize, problems: &[verify::Problem], lang: Lang) -> Result<(), Fail> {
    // one line per problem, whatever the (possibly forged) store holds
    let out: String = problems
        .iter()
        .map(|p| format!("{}\n", crate::safe::line(&p.render(lang))))
        .collect();
    write_stdout(&out, Safe::Done)?;
    warn!(
        "{}",
        match lang {
            Lang::Zh => format!("核验失败：{n} 份案件中发现 {} 处问题。", problems.len()),
            Lang::En => format!(
                "verification failed: {} problem(s) in {n} cases",
                problems.len()
            ),
        }
    );
    Ok(())
}

fn verify_cmd(v: VerifyArgs, data_dir: Option<PathBuf>, lang: Lang) -> Result<ExitCode, Fail> {
    let store = open_store(data_dir)?;
    let (n, problems) = verify_store(&store, &v.checkpoint)?;
    if problems.is_empty() {
        let msg = match lang {
            Lang::Zh => format!(
                "已核验 {n} 份案件：签名、哈希链和索引完好，签名人均已登记，与回执{}一致。\n",
                if v.checkpoint.is_empty() {
                    ""
                } else {
                    "和检查点"
                }
            ),
            Lang::En => format!(
                "{n} cases verified: every signature, the chain and the index are intact, every signer is pinned, and the receipts{} agree.\n",
                if v.checkpoint.is_empty() {
                    ""
                } else {
                    " and checkpoints"
                }
            ),
        };
        return write_stdout(&msg, Safe::Text);
    }
    say_problems(n, &problems, lang)?;
    Ok(ExitCode::from(1))
}

/// `cases checkpoint`: verify, then print the chain head signed with the clerk's key, one
/// JSON line, for keeping off the machine (printed, mailed to the bureau).
fn checkpoint_cmd(
    data_dir: Option<PathBuf>,
    ctx: &super::Context,
    lang: Lang,
) -> Result<ExitCode, Fail> {
    use crate::case::anchor::{HeadKind, HeadOf, SignedHead};
    let store = open_store(data_dir)?;
    // a checkpoint of a store already tampered with would vouch for the tampering
    let (n, problems) = verify_store(&store, &[])?;
    if !problems.is_empty() {
        say_problems(n, &problems, lang)?;
        warn!(
            "{}",
            lang.pick(
                "未打印检查点：案件库未通过核验。",
                "no checkpoint printed: the store does not verify."
            )
        );
        return Ok(ExitCode::from(1));
    }
    let origin = store.origin().map_err(store_fail)?;
    let office = store.recorded_office().map_err(store_fail)?;
    let head = store.head().map_err(store_fail)?;
    let key = store.clerk_key().map_err(store_fail)?;
    let pins = pins_for_names();
    let user = crate::case::keys::os_user();
    let name = pins.clerk_name(&user, ctx.config.clerk_name());
    let signed = SignedHead::seal(
        HeadKind::Checkpoint,
        HeadOf {
            origin,
            office,
            count: head.as_ref().map_or(0, |h| h.seq),
            number: head.as_ref().map_or(String::new(), |h| h.number.clone()),
            sha256: head.map_or(String::new(), |h| h.sha256),
        },
        Timestamp::now(),
        &user,
        name,
        &key,
    )
    .map_err(store_fail)?;
    warn!(
        "{}",
        lang.pick(
            "请把下面这一行保存在本机以外（打印、交局里存档）；日后用 guantong cases verify --checkpoint 文件 对照。",
            "keep the line below off this machine (print it, send it to the bureau); later, check the store against it with guantong cases verify --checkpoint FILE."
        )
    );
    write_stdout(&format!("{}\n", signed.to_line()), Safe::Json)
}

/// The clerk's entry for the administrator's trusted-keys file.
fn trusted_entry(name: &str, user: &str, key: &str) -> String {
    format!(
        "[[clerk]]\nname = {}\nuser = {}\nkey = \"{key}\"\n",
        toml::Value::String(name.to_string()),
        toml::Value::String(user.to_string())
    )
}

/// `cases key`: the clerk's public key, as an entry of the trusted-keys file.
fn key_cmd(ctx: &super::Context, lang: Lang) -> Result<ExitCode, Fail> {
    let Some(dir) = crate::case::keys::config_dir() else {
        warn!("guantong: no home directory: set GUANTONG_CONFIG_DIR");
        return Err(Fail(1));
    };
    let Some(key) = crate::case::keys::own_public_keys(&dir).into_iter().next() else {
        warn!(
            "{}",
            lang.pick(
                "guantong: 还没有签名密钥（首次签发时生成）",
                "guantong: no signing key yet (it is made at your first sign-off)"
            )
        );
        return Err(Fail(2));
    };
    let user = crate::case::keys::os_user();
    let name = ctx.config.clerk_name().unwrap_or(&user).to_string();
    warn!(
        "{}",
        lang.pick(
            "请管理员把下面几行加入受信密钥文件（/etc/guantong/trusted_keys.toml）：",
            "for the administrator to add to the trusted-keys file (/etc/guantong/trusted_keys.toml):"
        )
    );
    write_stdout(&trusted_entry(&name, &user, &key), Safe::Text)
}

/// `cases new-key`: the explicit step after a lost key.
fn new_key_cmd(ctx: &super::Context, lang: Lang) -> Result<ExitCode, Fail> {
    let Some(dir) = crate::case::keys::config_dir() else {
        warn!("guantong: no home directory: set GUANTONG_CONFIG_DIR");
        return Err(Fail(1));
    };
    let (key, old) = crate::case::keys::new_key(&dir).map_err(store_fail)?;
    let user = crate::case::keys::os_user();
    let name = ctx.config.clerk_name().unwrap_or(&user).to_string();
    let public = crate::case::record::public_key_hex(&key);
    warn!(
        "{}",
        match (lang, &old) {
            (Lang::Zh, Some(o)) => format!(
                "已生成新的签名密钥；旧公钥 {o} 记入 retired-keys，仍算您的。请管理员在受信密钥文件中登记新公钥："
            ),
            (Lang::Zh, None) => "已生成新的签名密钥。请管理员在受信密钥文件中登记新公钥：".into(),
            (Lang::En, Some(o)) => format!(
                "a new signing key is made; the old public key {o} is kept in retired-keys and stays yours. For the administrator's trusted-keys file:"
            ),
            (Lang::En, None) =>
                "a new signing key is made. For the administrator's trusted-keys file:".into(),
        }
    );
    write_stdout(&trusted_entry(&name, &user, &public), Safe::Text)
}

fn recheck(
    a: RecheckArgs,
    data_dir: Option<PathBuf>,
    ctx: &super::Context,
    lang: Lang,
) -> Result<ExitCode, Fail> {
    let mut cat = catalogue(ctx)?;
    let mut f = filter_of(&a.filter, 0)?;
    let store = open_store_with(data_dir, &cat)?;
    // Each case under the newest version of its own questionnaire (config's, else the
    // newest copy the store keeps); with --questionnaire, only the cases of that one's id.
    // Never a case under another questionnaire.
    let ids = store.questionnaire_ids(&f).map_err(store_fail)?;
    let names: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    adopt(&store, &mut cat, &[], &names);
    let cat = cat;
    let skipped: Vec<&(String, usize)> = match cat.given() {
        Some(g) => {
            f.questionnaire = Some(g.meta.id.clone());
            ids.iter().filter(|(id, _)| *id != g.meta.id).collect()
        }
        None => ids.iter().filter(|(id, _)| cat.get(id).is_none()).collect(),
    };
    let mut used: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut checked = 0usize;
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Fact id -> (cases holding it, the first few case numbers).
    let mut warnings: std::collections::BTreeMap<String, (usize, Vec<String>)> =
        std::collections::BTreeMap::new();
    let show = |v: Option<&J>| match v {
        None | Some(J::Null) => "—".to_string(),
        Some(J::String(s)) => s.clone(),
        Some(J::Array(a)) if a.is_empty() => "[]".to_string(),
        Some(v) => v.to_string(),
    };
    // case number -> the answers carried over by the questionnaire's migrations
    let mut carried: Vec<(String, Vec<String>)> = Vec::new();
    store
        .for_each_case(&f, |rec| {
            let Some(q) = cat.given().or_else(|| cat.get(&rec.questionnaire.id)) else {
                return Ok(());
            };
            checked += 1;
            used.insert(format!("{} {}", q.meta.id, q.meta.version));
            let migrated = if rec.questionnaire.id == q.meta.id
                && rec.questionnaire.version != q.meta.version
            {
                let raw: crate::value::Answers = rec
                    .facts
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), input::from_json(v)?)))
                    .collect();
                let m = crate::eval::migrate::apply(q, &rec.questionnaire.version, &raw);
                Some(input::answers_to_json(&m.answers)).zip(Some(m.describe()))
            } else {
                None
            };
            let facts = migrated.as_ref().map_or(&rec.facts, |(f, _)| f);
            let (answers, dropped) = input::answers_from_json(q, facts);
            for f in dropped {
                let e = warnings.entry(f).or_insert((0, Vec::new()));
                e.0 += 1;
                if e.1.len() < 3 {
                    e.1.push(rec.number.clone());
                }
            }
            let today = rec
                .interview_date
                .unwrap_or_else(|| crate::dates::local_date(rec.signed_at));
            let ev = eval::evaluate(q, &answers, today);
            let new = report::results_json(q, &ev);
            let mut keys: Vec<&String> = rec.results.keys().chain(new.keys()).collect();
            keys.sort();
            keys.dedup();
            let before = rows.len();
            for k in keys {
                let (o, n) = (rec.results.get(k), new.get(k));
                if o.unwrap_or(&J::Null) != n.unwrap_or(&J::Null) {
                    // the result as the questionnaire labels it, its values in words
                    let def = q.result(k);
                    let label = def
                        .and_then(|d| d.label.as_ref())
                        .map_or_else(|| k.clone(), |l| l.get(lang).to_string());
                    let words = |v: Option<&J>| match (def, v.and_then(input::from_json)) {
                        (Some(d), Some(val)) if !val.is_null() => d.display(&val, lang),
                        _ if k == "status" => v
                            .and_then(J::as_str)
                            .and_then(Status::parse)
                            .map_or_else(|| show(v), |s| s.label(lang).to_string()),
                        _ => show(v),
                    };
                    rows.push(vec![rec.number.clone(), label, words(o), words(n)]);
                }
            }
            if let Some((_, renamed)) = migrated
                && rows.len() > before
                && !renamed.is_empty()
            {
                carried.push((rec.number.clone(), renamed));
            }
            Ok(())
        })
        .map_err(store_fail)?;
    let mut out = String::new();
    if !skipped.is_empty() {
        let n: usize = skipped.iter().map(|(_, n)| n).sum();
        let names = skipped
            .iter()
            .map(|(id, _)| if id.is_empty() { "?" } else { id.as_str() })
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&match (cat.given().is_some(), lang) {
            (true, Lang::Zh) => format!(
                "未重新评估：{n} 份案件是按其他问卷（{names}）记录的\n"
            ),
            (true, Lang::En) => format!(
                "not re-checked: {n} case(s) recorded under other questionnaires ({names})\n"
            ),
            (false, Lang::Zh) => format!(
                "未重新评估：{n} 份案件所用的问卷（{names}）不在问卷目录中；请用 --questionnaire 给出，或加入配置 questionnaires\n"
            ),
            (false, Lang::En) => format!(
                "not re-checked: {n} case(s) were recorded under questionnaires not known ({names}): give one with --questionnaire or add it to config `questionnaires`\n"
            ),
        });
    }
    let under = if used.is_empty() {
        cat.given().map_or_else(
            || "—".to_string(),
            |g| format!("{} {}", g.meta.id, g.meta.version),
        )
    } else {
        used.iter().cloned().collect::<Vec<_>>().join(", ")
    };
    for (fact, (n, some)) in &warnings {
        let more = if *n > some.len() { ", …" } else { "" };
        out.push_str(&match lang {
            Lang::Zh => format!(
                "警告：新问卷中已不存在或不再接受的事实 `{fact}`：{n} 份案件（{}{more}），重新评估时视为未回答\n",
                some.join(", ")
            ),
            Lang::En => format!(
                "warning: fact `{fact}` is no longer in (or accepted by) the questionnaire: {n} case(s) ({}{more}); treated as unanswered\n",
                some.join(", ")
            ),
        });
    }
    let changed: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r[0]).collect();
    if !rows.is_empty() {
        let header = vec![
            lang.pick("案件编号", "case").to_string(),
            lang.pick("结果", "result").to_string(),
            lang.pick("签发时", "at sign-off").to_string(),
            if used.len() == 1 {
                under.clone()
            } else {
                lang.pick("重新评估", "re-checked").to_string()
            },
        ];
        out.push_str(&table(&header, &rows));
    }
    if !carried.is_empty() {
        out.push_str(lang.pick(
            "按问卷的迁移规则换算的回答：\n",
            "answers carried over by the questionnaire's migrations:\n",
        ));
        for (number, renamed) in &carried {
            out.push_str(&format!("  {number}: {}\n", renamed.join(", ")));
        }
    }
    out.push_str(&match lang {
        Lang::Zh => format!(
            "按问卷 {under} 重新评估 {checked} 份案件，{} 份结论会改变（案件库未作改动）。\n",
            changed.len()
        ),
        Lang::En => format!(
            "{checked} cases re-evaluated under {under}: {} would change (the store was not changed).\n",
            changed.len()
        ),
    });
    write_stdout(&out, Safe::Text)
}

fn drafts(
    a: DraftsArgs,
    data_dir: Option<PathBuf>,
    ctx: &super::Context,
    lang: Lang,
) -> Result<ExitCode, Fail> {
    let store = open_store(data_dir)?;
    let in_use = lease::live(&store, &lease::alive).map_err(store_fail)?;
    if let Some(id) = a.discard {
        // not from under a wizard that has it open
        if let Some(l) = in_use.get(&id) {
            let since = crate::dates::local_time(l.since);
            warn!(
                "guantong: 草稿 {id} 正在 {} 处使用（自 {since}），未删除 / draft {id} is open at {}'s (since {since}): not discarded",
                l.holder.who(),
                l.holder.who(),
            );
            return Err(Fail(2));
        }
        store.discard_draft(&id).map_err(store_fail)?;
        let _ = lease::forget(&store, &id);
        let _ = draft_meta::forget(&store, &id);
        let msg = format!("{} {}\n", lang.pick("已删除草稿", "discarded draft"), id);
        return write_stdout(&msg, Safe::Text);
    }
    let list = store.list_drafts().map_err(store_fail)?;
    if let DraftsFormat::Json = a.format {
        // each draft read with its own questionnaire: the store's copies of those config
        // lacks
        let mut cat = catalogue(ctx)?;
        let _ = store.keep_referenced(cat.entries().iter().map(|e| &e.q), Timestamp::now());
        let refs = store.draft_questionnaires().map_err(store_fail)?;
        let mut ids: Vec<String> = refs.iter().map(|(id, _)| id.clone()).collect();
        ids.dedup();
        adopt(&store, &mut cat, &refs, &ids);
        let mut out = String::new();
        for d in &list {
            let followed = draft_meta::load_followed(&store, &d.id).map_err(store_fail)?;
            // each draft is read with its own questionnaire
            let q = case_questionnaire(&cat, &d.questionnaire_id, &d.questionnaire_sha256);
            let v = draft_json(d, q, in_use.get(&d.id), &followed, a.unmasked);
            out.push_str(&serde_json::to_string(&v).unwrap_or_default());
            out.push('\n');
        }
        return write_stdout(&out, Safe::Json);
    }
    let header = vec![
        lang.pick("草稿", "draft").to_string(),
        lang.pick("更新时间", "updated").to_string(),
        lang.pick("问卷", "questionnaire").to_string(),
        lang.pick("已答", "answers").to_string(),
        lang.pick("当前问题", "at").to_string(),
        lang.pick("经办人", "clerk").to_string(),
        lang.pick("使用中", "in use").to_string(),
    ];
    let cat = ctx.catalogue();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            // the question the draft is at, in words (cut short: a question is long)
            let at = d.current.clone().unwrap_or_default();
            let at = cat
                .as_ref()
                .and_then(|c| case_questionnaire(c, &d.questionnaire_id, &d.questionnaire_sha256))
                .and_then(|q| q.fact(&at))
                .map_or(at, |f| {
                    let p = f.prompt.get(lang);
                    let short: String = p.chars().take(16).collect();
                    if short.chars().count() < p.chars().count() {
                        format!("{short}…")
                    } else {
                        short
                    }
                });
            vec![
                d.id.clone(),
                crate::dates::local_time(d.updated_at),
                format!("{} {}", d.questionnaire_id, d.questionnaire_version),
                d.answers.len().to_string(),
                at,
                d.clerk.clone(),
                in_use
                    .get(&d.id)
                    .map(|l| format!("{} {}", l.holder.who(), crate::dates::local_time(l.since)))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let mut out = table(&header, &rows);
    if rows.is_empty() {
        out.push_str(lang.pick("（没有草稿）\n", "(no drafts)\n"));
    }
    write_stdout(&out, Safe::Text)
}

/// One draft for `cases drafts --format json`: its id, applicant, times, clerk, the
/// question it is at, who has it open (if a running wizard does), every answer (fact =
/// value), the facts that follow their default and the values those give now. Unless
/// `unmasked`, answers are masked as a case's are ([`privacy`]): personal facts and those
/// worked out from them, answers set aside by the branching, answers the questionnaire
/// does not define, and every answer of a draft whose questionnaire is not at hand.
fn draft_json(
    d: &crate::case::Draft,
    q: Option<&Questionnaire>,
    in_use: Option<&lease::Lease>,
    followed: &[String],
    unmasked: bool,
) -> J {
    let q = q.filter(|q| q.meta.id == d.questionnaire_id);
    let policy = Policy::new(q);
    let raw = input::answers_to_json(&d.answers);
    // the values the defaults give now, for the facts that follow them; and the answers
    // the branching sets aside
    let mut derived = serde_json::Map::new();
    let mut aside = std::collections::HashSet::new();
    if let Some(q) = q {
        // as stored, dates are strings: checked against the questionnaire first
        let ev = crate::eval::evaluate(q, &d.resume(q).answers, super::today());
        aside.extend(ev.set_aside().map(|i| q.facts[usize::from(i)].id.clone()));
        for f in followed {
            let Some(v) = q
                .fact_index(f)
                .and_then(|i| ev.facts[usize::from(i)].value.known())
            else {
                continue;
            };
            derived.insert(f.clone(), v.to_json());
        }
    }
    let (answers, derived) = if unmasked {
        (raw.clone(), derived)
    } else {
        (
            policy.mask_answers(&d.questionnaire_id, &raw, &aside),
            policy.mask_answers(&d.questionnaire_id, &derived, &aside),
        )
    };
    let name = q
        .and_then(|q| q.meta.applicant_name)
        .and_then(|i| q.and_then(|q| q.facts.get(usize::from(i))))
        .and_then(|f| raw.get(&f.id))
        .and_then(J::as_str)
        .map(|n| {
            if unmasked {
                n.to_string()
            } else {
                privacy::mask_name(n)
            }
        });
    serde_json::json!({
        "id": d.id,
        "questionnaire": { "id": d.questionnaire_id, "version": d.questionnaire_version },
        "applicant_name": name,
        "created": d.created_at.to_string(),
        "updated": d.updated_at.to_string(),
        "clerk": d.clerk,
        "current": d.current,
        "in_use": in_use.map(|l| serde_json::json!({
            "user": l.holder.user,
            "host": l.holder.host,
            "pid": l.holder.pid,
            "since": l.since.to_string(),
        })),
        "answers": answers,
        "followed": followed,
        "derived": derived,
        "masked": !unmasked,
    })
}
