//! `guantong report --month 2026-06 [--bureau] [--format table|csv|html]`: the monthly
//! report (see [`crate::server::report`] for what is counted), as a table for the
//! terminal, CSV for a spreadsheet, or a self-contained HTML page for A4 paper with its
//! bars and the month-by-month trend drawn as inline SVG (no script, nothing fetched).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use jiff::civil::Date;
use serde_json::Value as J;

use super::server::{ServerArg, fail, url};
use super::{Context, Safe, printed};
use crate::case::Store;
use crate::case::export::{self, esc};
use crate::case::summary::{self, SummaryKind};
use crate::eval::Status;
use crate::questionnaire::catalogue::Catalogue;
use crate::server::report::{self, Month, Report, Scope, Totals};
use crate::server::{Server, ServerError};
use crate::text::Lang;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Csv,
    Html,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// 月份 / the month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// 全局：所有办公室在服务器上的案件 / the bureau: every office's cases on the server
    #[arg(long)]
    pub bureau: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub server: ServerArg,
}

pub fn run(a: ReportArgs, ctx: &Context) -> ExitCode {
    let lang = ctx.lang();
    let Some(month) = Month::parse(&a.month) else {
        warn!(
            "guantong: --month {}: 应为 YYYY-MM，如 2026-06 / expected YYYY-MM, e.g. 2026-06",
            a.month
        );
        return ExitCode::from(2);
    };
    let Some(cat) = ctx.catalogue() else {
        return ExitCode::from(1);
    };
    let r = if a.bureau {
        url(&a.server, ctx)
            .and_then(|u| Server::connect(&u))
            .and_then(|mut s| report::bureau(&mut s, month, &crate::case::keys::os_user()))
    } else {
        match ctx.data_dir.clone().or_else(Store::default_dir) {
            None => Err(ServerError::Other(
                "找不到数据目录，请用 --data-dir 或 GUANTONG_DATA_DIR 指定 / no data directory: use --data-dir or GUANTONG_DATA_DIR".into(),
            )),
            Some(d) => Store::open(&d)
                .and_then(|s| report::local(&s, month))
                .map_err(ServerError::from),
        }
    };
    let rep = match r {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let made = super::today();
    let (out, how) = match a.format {
        ReportFormat::Table => (table(&rep, &cat, lang), Safe::Text),
        ReportFormat::Csv => (csv(&rep, &cat, lang), Safe::Done),
        ReportFormat::Html => (html(&rep, &cat, lang, made), Safe::Text),
    };
    printed(super::print(&out, how), ExitCode::SUCCESS)
}

/// The labels of some summary codes of a questionnaire's cases (the questionnaire's names
/// when the catalogue has it, else the codes).
fn labels(cat: &Catalogue, qid: &str, kind: SummaryKind, codes: &str, lang: Lang) -> String {
    let q = cat.get(qid);
    let ids: Vec<String> = q
        .map(|q| {
            let s = &q.meta.summary;
            match kind {
                SummaryKind::Fact => s.facts.iter().map(|i| i.id.clone()).collect(),
                SummaryKind::Result => s.results.iter().map(|i| i.id.clone()).collect(),
            }
        })
        .unwrap_or_default();
    let parts: Vec<&str> = codes.split(' ').collect();
    let shown: Vec<String> = parts
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .map(|(i, c)| match ids.get(i) {
            Some(id) if parts.len() == ids.len() => {
                summary::display(q, kind, id, &J::String((*c).to_string()), lang)
            }
            _ => (*c).to_string(),
        })
        .collect();
    if shown.is_empty() {
        lang.pick("（无）", "(none)").to_string()
    } else {
        shown.join(" ")
    }
}

fn status_label(s: &str, lang: Lang) -> String {
    Status::parse(s).map_or_else(|| s.to_string(), |st| st.label(lang).to_string())
}

/// The statuses in the order a reader expects.
const STATUSES: [&str; 4] = ["eligible", "refer", "incomplete", "ineligible"];

/// One group table: (heading, first column's name, rows of (label, totals)).
type Group = (String, String, Vec<(String, Totals)>);

/// A report's sections: title, lead, the group tables and the trend.
struct Sections {
    title: String,
    lead: String,
    groups: Vec<Group>,
    trend: Vec<(Month, Totals)>,
}

fn sections(rep: &Report, cat: &Catalogue, lang: Lang) -> Sections {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let offices = rep.by(|r| r.office.clone());
    let title = match (&rep.scope, lang) {
        (Scope::Bureau, Lang::Zh) => {
            format!("案件月报 {}（全局，{} 个办公室）", rep.month, offices.len())
        }
        (Scope::Bureau, Lang::En) => format!(
            "Monthly report {} (the bureau, {} offices)",
            rep.month,
            offices.len()
        ),
        (Scope::Local(o), Lang::Zh) => format!(
            "案件月报 {}（办公室 {}）",
            rep.month,
            o.as_deref().unwrap_or("—")
        ),
        (Scope::Local(o), Lang::En) => format!(
            "Monthly report {} (office {})",
            rep.month,
            o.as_deref().unwrap_or("—")
        ),
    };
    let t = rep.total();
    let lead = match lang {
        Lang::Zh => format!(
            "共 {} 份案件，应收评审费 {} 元。按面谈日期计（无面谈日期的按签发日期）；被更正的案件只按更正后的计一次。",
            t.cases, t.money
        ),
        Lang::En => format!(
            "{} cases, fees due {} yuan. Counted by interview day (the signing day when there is none); a corrected case counts once, as its amendment.",
            t.cases, t.money
        ),
    };
    let relabel = |v: Vec<((String, String), Totals)>, kind| -> Vec<(String, Totals)> {
        // several questionnaires may name the same value alike: merge by label
        let mut out: Vec<(String, Totals)> = Vec::new();
        for ((qid, codes), t) in v {
            let label = labels(cat, &qid, kind, &codes, lang);
            match out.iter_mut().find(|(l, _)| *l == label) {
                Some((_, acc)) => {
                    acc.cases += t.cases;
                    acc.money += t.money;
                    for (k, n) in t.statuses {
                        *acc.statuses.entry(k).or_default() += n;
                    }
                }
                None => out.push((label, t)),
            }
        }
        out
    };
    let pathway = relabel(
        rep.by(|r| (r.questionnaire.clone(), r.facts.clone())),
        SummaryKind::Fact,
    );
    let level = relabel(
        rep.by(|r| (r.questionnaire.clone(), r.results.clone())),
        SummaryKind::Result,
    );
    let mut status: Vec<(String, Totals)> = rep
        .by(|r| {
            (
                STATUSES
                    .iter()
                    .position(|s| *s == r.status)
                    .unwrap_or(STATUSES.len()),
                r.status.clone(),
            )
        })
        .into_iter()
        .map(|((_, s), t)| (status_label(&s, lang), t))
        .collect();
    status.retain(|(_, t)| t.cases > 0);
    Sections {
        title,
        lead,
        groups: vec![
            (l("按办公室", "By office"), l("办公室", "office"), offices),
            (
                l("按申报方向", "By pathway"),
                l("申报方向", "pathway"),
                pathway,
            ),
            (l("按等级", "By level"), l("等级", "level"), level),
            (l("按结论", "By status"), l("结论", "status"), status),
        ],
        trend: rep.trend(),
    }
}

/// The column headings of a group table: the group, cases, one per status, fees.
fn header(first: &str, lang: Lang) -> Vec<String> {
    let mut h = vec![first.to_string(), lang.pick("案件", "cases").to_string()];
    h.extend(STATUSES.iter().map(|s| status_label(s, lang)));
    h.push(lang.pick("评审费（元）", "fees (yuan)").to_string());
    h
}

fn cells(label: &str, t: &Totals) -> Vec<String> {
    let mut c = vec![label.to_string(), t.cases.to_string()];
    c.extend(
        STATUSES
            .iter()
            .map(|s| t.statuses.get(*s).copied().unwrap_or(0).to_string()),
    );
    c.push(t.money.to_string());
    c
}

pub fn table(rep: &Report, cat: &Catalogue, lang: Lang) -> String {
    let s = sections(rep, cat, lang);
    let mut out = format!("{}\n{}\n", s.title, s.lead);
    for (heading, column, rows) in &s.groups {
        out.push_str(&format!("\n{heading}\n"));
        let body: Vec<Vec<String>> = rows.iter().map(|(l, t)| cells(l, t)).collect();
        out.push_str(&super::cases::table(&header(column, lang), &body));
    }
    out.push_str(&format!(
        "\n{}\n",
        lang.pick("近 12 个月", "The last 12 months")
    ));
    let body: Vec<Vec<String>> = s
        .trend
        .iter()
        .map(|(m, t)| vec![m.to_string(), t.cases.to_string(), t.money.to_string()])
        .collect();
    out.push_str(&super::cases::table(
        &[
            lang.pick("月份", "month").to_string(),
            lang.pick("案件", "cases").to_string(),
            lang.pick("评审费（元）", "fees (yuan)").to_string(),
        ],
        &body,
    ));
    out
}

/// One line per group of the month: codes and labels side by side.
pub fn csv(rep: &Report, cat: &Catalogue, lang: Lang) -> String {
    let mut out = String::from(export::BOM);
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    out.push_str(&export::csv_line(&[
        l("办公室", "office"),
        l("月份", "month"),
        l("问卷", "questionnaire"),
        "pathway".into(),
        l("申报方向", "pathway (label)"),
        "status".into(),
        l("结论", "status (label)"),
        "level".into(),
        l("等级", "level (label)"),
        l("案件", "cases"),
        l("评审费（元）", "fees (yuan)"),
    ]));
    for r in rep.month_rows() {
        out.push_str(&export::csv_line(&[
            r.office.clone(),
            r.month.clone(),
            r.questionnaire.clone(),
            r.facts.clone(),
            labels(cat, &r.questionnaire, SummaryKind::Fact, &r.facts, lang),
            r.status.clone(),
            status_label(&r.status, lang),
            r.results.clone(),
            labels(cat, &r.questionnaire, SummaryKind::Result, &r.results, lang),
            r.cases.to_string(),
            r.money.to_string(),
        ]));
    }
    out
}

const CSS: &str = "@page { size: A4; margin: 15mm; }
body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", \"PingFang SC\", SimSun, sans-serif; font-size: 10pt; color: #000; max-width: 180mm; margin: 0 auto; line-height: 1.4; }
h1 { font-size: 15pt; border-bottom: 2px solid #000; padding-bottom: 2mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #888; break-after: avoid; page-break-after: avoid; }
section { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin-top: 2mm; }
th, td { border: 1px solid #999; padding: 0.8mm 1.5mm; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f2f2; font-weight: normal; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 11px; fill: #000; }
.bar { fill: #4a6fa5; }
.muted { color: #444; }
@media screen { body { padding: 10mm; } }
";

/// Horizontal bars, one per row, scaled to the largest.
fn bars(rows: &[(String, Totals)], lang: Lang) -> String {
    let w = 680.0_f64;
    let (label_w, value_w, row_h) = (170.0_f64, 60.0_f64, 18.0_f64);
    let max = rows.iter().map(|(_, t)| t.cases).max().unwrap_or(0).max(1) as f64;
    let h = row_h * rows.len().max(1) as f64 + 4.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        esc(lang.pick("案件数", "cases"))
    );
    for (i, (label, t)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 2.0;
        let len = (w - label_w - value_w) * t.cases as f64 / max;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\">{}</text><rect class=\"bar\" x=\"{label_w}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            y + 12.5,
            esc(label),
            y + 2.0,
            row_h - 5.0,
            label_w + len + 4.0,
            y + 12.5,
            t.cases
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// Vertical bars, one per month, with the count above each and the month below.
fn trend_chart(trend: &[(Month, Totals)], lang: Lang) -> String {
    let (w, h) = (680.0_f64, 200.0_f64);
    let (top, bottom) = (20.0_f64, 36.0_f64);
    let max = trend.iter().map(|(_, t)| t.cases).max().unwrap_or(0).max(1) as f64;
    let slot = w / trend.len().max(1) as f64;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n<line x1=\"0\" y1=\"{:.1}\" x2=\"{w}\" y2=\"{:.1}\" stroke=\"#000\" stroke-width=\"0.5\"/>\n",
        esc(lang.pick("逐月案件数", "cases per month")),
        h - bottom,
        h - bottom
    );
    for (i, (m, t)) in trend.iter().enumerate() {
        let bar_h = (h - top - bottom) * t.cases as f64 / max;
        let x = i as f64 * slot;
        let y = h - bottom - bar_h;
        s.push_str(&format!(
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bar_h:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            x + slot * 0.15,
            slot * 0.7,
            x + slot / 2.0,
            y - 4.0,
            t.cases,
            x + slot / 2.0,
            h - bottom + 14.0,
            m
        ));
    }
    s.push_str("</svg>\n");
    s
}

fn html_table(head: &[String], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table>\n<tr>");
    for h in head {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr>\n");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            s.push_str(&format!("<td>{}</td>", esc(c)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

/// The report as one self-contained HTML page (A4): `made` is the day it is made on.
pub fn html(rep: &Report, cat: &Catalogue, lang: Lang, made: Date) -> String {
    let s = sections(rep, cat, lang);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n<p class=\"muted\">{} {made}</p>\n",
        lang.pick("zh-CN", "en"),
        esc(&s.title),
        esc(&s.title),
        esc(&s.lead),
        esc(lang.pick("制表日期", "Made on"))
    );
    for (heading, column, rows) in &s.groups {
        out.push_str(&format!("<section>\n<h2>{}</h2>\n", esc(heading)));
        out.push_str(&bars(rows, lang));
        let body: Vec<Vec<String>> = rows.iter().map(|(l, t)| cells(l, t)).collect();
        out.push_str(&html_table(&header(column, lang), &body));
        out.push_str("</section>\n");
    }
    out.push_str(&format!(
        "<section>\n<h2>{}</h2>\n",
        esc(lang.pick(
            "逐月趋势（近 12 个月）",
            "Month by month (the last 12 months)"
        ))
    ));
    out.push_str(&trend_chart(&s.trend, lang));
    let body: Vec<Vec<String>> = s
        .trend
        .iter()
        .map(|(m, t)| vec![m.to_string(), t.cases.to_string(), t.money.to_string()])
        .collect();
    out.push_str(&html_table(
        &[
            lang.pick("月份", "month").to_string(),
            lang.pick("案件", "cases").to_string(),
            lang.pick("评审费（元）", "fees (yuan)").to_string(),
        ],
        &body,
    ));
    out.push_str("</section>\n");
    out.push_str(export::HTML_TAIL);
    out
}
