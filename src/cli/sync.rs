//! `guantong sync`: push this store's new signed records to the bureau's server and say
//! what was pushed. Its own command, for a systemd timer or cron: the wizard never waits
//! on the network.

use std::process::ExitCode;

use clap::Args;

use super::server::{IdKeyArg, ServerArg, fail, id_key, url};
use super::{Context, Safe, printed};
use crate::case::Store;
use crate::server::{Server, ServerError, sync};
use crate::text::Lang;

#[derive(Args, Debug)]
pub struct SyncArgs {
    #[command(flatten)]
    pub server: ServerArg,
    #[command(flatten)]
    pub id_key: IdKeyArg,
    /// 每批（一个事务）推送的案件数 / records per batch (one transaction each)
    #[arg(long, default_value_t = sync::DEFAULT_BATCH as u32, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch: u32,
}

pub fn run(a: SyncArgs, ctx: &Context) -> ExitCode {
    let lang = ctx.lang();
    match go(&a, ctx, lang) {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

fn go(a: &SyncArgs, ctx: &Context, lang: Lang) -> Result<ExitCode, ServerError> {
    let url = url(&a.server, ctx)?;
    let key = id_key(&a.id_key, ctx)?;
    let office = ctx
        .config
        .office()
        .map_err(|e| ServerError::Other(e.to_string()))?;
    let Some(dir) = ctx.data_dir.clone().or_else(Store::default_dir) else {
        return Err(ServerError::Other(
            "找不到数据目录，请用 --data-dir 或 GUANTONG_DATA_DIR 指定 / no data directory: use --data-dir or GUANTONG_DATA_DIR".into(),
        ));
    };
    let store = Store::open(&dir)?;
    let server = Server::connect(&url)?;
    // one line per batch as it is committed: a log (journal, cron mail) shows how far a
    // run got even if the link drops later
    let mut print_failed = None;
    let outcome = sync::sync(
        &store,
        server,
        &key,
        office.as_ref(),
        a.batch as usize,
        |batch| {
            let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
                return;
            };
            let line = match lang {
                Lang::Zh => format!(
                    "已推送 {} 份：{} … {}\n",
                    batch.len(),
                    first.number,
                    last.number
                ),
                Lang::En => format!(
                    "pushed {}: {} … {}\n",
                    batch.len(),
                    first.number,
                    last.number
                ),
            };
            if let Err(c) = super::print(&line, Safe::Text) {
                print_failed = Some(c);
            }
        },
        None,
    )?;
    let summary = match (lang, outcome.pushed) {
        (Lang::Zh, 0) => format!(
            "办公室 {}：没有新案件需要推送；服务器 {url} 上有本案件库的 {} 份案件。\n",
            outcome.office, outcome.held
        ),
        (Lang::En, 0) => format!(
            "office {}: nothing new to push; the server {url} holds {} of this store's cases.\n",
            outcome.office, outcome.held
        ),
        (Lang::Zh, n) => format!(
            "办公室 {}：共推送 {n} 份（{} … {}）；服务器 {url} 上现有本案件库的 {} 份案件。\n",
            outcome.office,
            outcome.first.as_deref().unwrap_or(""),
            outcome.last.as_deref().unwrap_or(""),
            outcome.held
        ),
        (Lang::En, n) => format!(
            "office {}: pushed {n} case(s) ({} … {}); the server {url} now holds {} of this store's cases.\n",
            outcome.office,
            outcome.first.as_deref().unwrap_or(""),
            outcome.last.as_deref().unwrap_or(""),
            outcome.held
        ),
    };
    if let Some(c) = print_failed {
        return Ok(ExitCode::from(c));
    }
    Ok(printed(
        super::print(&summary, Safe::Text),
        ExitCode::SUCCESS,
    ))
}
