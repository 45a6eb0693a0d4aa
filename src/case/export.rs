//! Rendering cases for people and programs: text, JSON, Markdown, printable A4 HTML and
//! CSV (UTF-8 with BOM, for Excel and WPS on Chinese Windows). Personal data is masked
//! unless asked otherwise. Every format is safe to show on a terminal: text through
//! [`crate::safe`], JSON with `\uXXXX` escapes, CSV cells neutralised and never formulas,
//! Markdown and HTML escaped so that data cannot become markup.

use serde_json::Value as J;

use super::model::CaseRecord;
use super::privacy::{self, Policy};
use super::store::IndexRow;
use super::summary::{self, SummaryKind};
use super::trust::{self, Pins};
use crate::eval::{Status, input};
use crate::questionnaire::Questionnaire;
use crate::text::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Text,
    Json,
    Markdown,
    Html,
    Csv,
}

/// The byte-order mark that makes Excel read CSV as UTF-8.
pub const BOM: &str = "\u{feff}";

/// How personal data is shown: in full, or masked as a [`Policy`] says.
#[derive(Clone, Copy)]
pub enum Shown<'a, 'q> {
    Unmasked,
    Masked(&'a Policy<'q>),
}

impl Shown<'_, '_> {
    pub fn masked(&self) -> bool {
        matches!(self, Shown::Masked(_))
    }
}

/// How to render: masked or not, in which language, and with which keys pinned outside
/// the store (a clerk's name is the administrator's where one is pinned, else it is
/// marked self-declared; see [`crate::case::trust`]).
#[derive(Clone, Copy)]
pub struct Render<'a, 'q> {
    pub shown: Shown<'a, 'q>,
    pub pins: Option<&'a Pins>,
    pub lang: Lang,
}

/// One case in `f`. Personal data is masked unless `unmasked`. `q` gives question texts
/// and labels when it is the questionnaire the case was recorded with (same id), and
/// decides what masking hides ([`privacy`]; without it, masking is conservative).
pub fn render_case(
    rec: &CaseRecord,
    q: Option<&Questionnaire>,
    f: ExportFormat,
    unmasked: bool,
    lang: Lang,
) -> String {
    let policy = Policy::new(q);
    let shown = if unmasked {
        Shown::Unmasked
    } else {
        Shown::Masked(&policy)
    };
    render_case_with(
        rec,
        q,
        f,
        &Render {
            shown,
            pins: None,
            lang,
        },
    )
}

/// [`render_case`] with the masking policy given (made once per questionnaire).
pub fn render_case_with(
    rec: &CaseRecord,
    q: Option<&Questionnaire>,
    f: ExportFormat,
    how: &Render,
) -> String {
    let lang = how.lang;
    // a whole document is a fragment with its wrapper (JSON alone is pretty-printed)
    let fragment = || render_fragment_with(rec, q, f, how);
    match f {
        ExportFormat::Json => {
            let j = serde_json::to_string_pretty(&case_json(rec, how)).unwrap_or_default();
            crate::safe::json(&j).into_owned() + "\n"
        }
        ExportFormat::Csv => {
            let facts = summary_facts(rec);
            let labels: Vec<String> = facts
                .iter()
                .map(|id| summary::label(q, SummaryKind::Fact, id, lang))
                .collect();
            format!(
                "{BOM}{}{}",
                csv_header(&labels, &result_names(q, rec), lang),
                fragment()
            )
        }
        ExportFormat::Html => html_document(
            &format!("{} {}", lang.pick("案件", "Case"), rec.number),
            &[fragment()],
            lang,
        ),
        ExportFormat::Text | ExportFormat::Markdown => fragment(),
    }
}

/// One case as part of a multi-case export (a CSV row, a JSON line, an HTML or Markdown
/// section); [`render_case`] wraps it into a document.
pub fn render_fragment(
    rec: &CaseRecord,
    q: Option<&Questionnaire>,
    f: ExportFormat,
    unmasked: bool,
    lang: Lang,
) -> String {
    let policy = Policy::new(q);
    let shown = if unmasked {
        Shown::Unmasked
    } else {
        Shown::Masked(&policy)
    };
    render_fragment_with(
        rec,
        q,
        f,
        &Render {
            shown,
            pins: None,
            lang,
        },
    )
}

/// [`render_fragment`] with the masking policy given (made once per questionnaire).
pub fn render_fragment_with(
    rec: &CaseRecord,
    q: Option<&Questionnaire>,
    f: ExportFormat,
    how: &Render,
) -> String {
    match f {
        ExportFormat::Html => view(rec, q, how).html(),
        ExportFormat::Markdown => view(rec, q, how).markdown(),
        ExportFormat::Json => {
            let j = serde_json::to_string(&case_json(rec, how)).unwrap_or_default();
            crate::safe::json(&j).into_owned() + "\n"
        }
        ExportFormat::Text => view(rec, q, how).text(),
        ExportFormat::Csv => {
            let mut row = index_row_of(rec);
            row.clerk_name =
                clerk_name_cell(how.pins, &row.clerk, row.clerk_name.as_deref(), how.lang);
            let row = match how.shown {
                Shown::Unmasked => row,
                Shown::Masked(p) => p.mask_row(&row),
            };
            csv_row(&row, &summary_facts(rec), &result_names(q, rec))
        }
    }
}

/// A clerk's name for a CSV cell: the administrator's where one is pinned for `user`,
/// else their own marked self-declared (`李四（自称）`, `Li Si (self-declared)`).
pub fn clerk_name_cell(
    pins: Option<&Pins>,
    user: &str,
    display: Option<&str>,
    lang: Lang,
) -> Option<String> {
    let named = match pins {
        Some(p) => p.clerk_name(user, display),
        None => display.map(|d| (d.to_string(), true)),
    };
    named.map(|(n, self_declared)| match (self_declared, lang) {
        (false, _) => n,
        (true, Lang::Zh) => format!("{n}（自称）"),
        (true, Lang::En) => format!("{n} (self-declared)"),
    })
}

/// The record as JSON. In full it carries its hash and signature; masked ([`privacy`])
/// it says so and carries neither, nor the previous record's hash: each would confirm a
/// guess at the unmasked record offline. Beside the record as signed, `signer` says the
/// name to show for its clerk and whether it is only self-declared.
pub fn case_json(rec: &CaseRecord, how: &Render) -> J {
    let shown = how.shown;
    let named = match how.pins {
        Some(p) => p.clerk_name(&rec.clerk.user, rec.clerk.display_name.as_deref()),
        None => rec.clerk.display_name.clone().map(|d| (d, true)),
    };
    let signer = serde_json::json!({
        "user": rec.clerk.user,
        "name": named.as_ref().map(|n| n.0.clone()),
        "name_self_declared": named.as_ref().is_some_and(|n| n.1),
    });
    let r = match shown {
        Shown::Unmasked => rec.clone(),
        Shown::Masked(p) => p.mask_record(rec),
    };
    let mut v = serde_json::to_value(&r).unwrap_or(J::Null);
    if let J::Object(o) = &mut v {
        o.insert("signer".into(), signer);
        if shown.masked() {
            o.insert("masked".into(), J::Bool(true));
            if let Some(J::Object(prev)) = o.get_mut("prev") {
                prev.remove("sha256");
            }
        } else {
            o.insert("sha256".into(), J::String(rec.sha256.clone()));
            o.insert("signature".into(), J::String(rec.signature.clone()));
        }
    }
    v
}

/// The ids of the facts that summarise `rec` (CSV columns after the fixed ones).
pub fn summary_facts(rec: &CaseRecord) -> Vec<String> {
    summary::values(rec)
        .0
        .into_iter()
        .filter(|v| v.kind == SummaryKind::Fact)
        .map(|v| v.id)
        .collect()
}

/// The index row a record gives (what the store's index holds for it).
pub fn index_row_of(rec: &CaseRecord) -> IndexRow {
    let (summary, money) = summary::values(rec);
    IndexRow {
        seq: rec.seq,
        number: rec.number.clone(),
        signed_at: rec.signed_at,
        interview_date: rec.interview_date,
        applicant_name: rec.applicant.name.clone(),
        applicant_id: rec.applicant.id_number.clone(),
        questionnaire: Some(rec.questionnaire.id.clone()),
        status: rec.status().to_string(),
        summary,
        money,
        clerk: rec.clerk.user.clone(),
        clerk_name: rec.clerk.display_name.clone(),
        amends: rec.amends.clone(),
        results: rec.results.clone(),
    }
}

/// The result columns of a CSV export: `status`, `missing`, then the questionnaire's
/// results (or the record's own when no questionnaire is given).
pub fn result_names(q: Option<&Questionnaire>, rec: &CaseRecord) -> Vec<String> {
    let mut names = vec!["status".to_string(), "missing".to_string()];
    match q {
        Some(q) => names.extend(q.results.iter().map(|r| r.name.clone())),
        None => names.extend(
            rec.results
                .keys()
                .filter(|k| *k != "status" && *k != "missing")
                .cloned(),
        ),
    }
    names
}

/// CSV header line: fixed columns in `lang`, the summary facts' labels, then result names.
pub fn csv_header(fact_labels: &[String], result_names: &[String], lang: Lang) -> String {
    let fixed = [
        lang.pick("案件编号", "case number"),
        lang.pick("签发时间", "signed at"),
        lang.pick("面谈日期", "interview date"),
        lang.pick("申请人", "applicant"),
        lang.pick("身份证号码", "ID number"),
        lang.pick("经办人", "clerk"),
        lang.pick("经办人姓名", "clerk name"),
        lang.pick("更正案件", "amends"),
    ];
    let cells: Vec<String> = fixed
        .iter()
        .map(|s| s.to_string())
        .chain(fact_labels.iter().cloned())
        .chain(result_names.iter().cloned())
        .collect();
    csv_line(&cells)
}

/// One CSV line for an index row (masked by the caller, [`Policy::mask_row`], unless
/// the export is unmasked): the fixed columns, the summary facts `fact_ids` (codes), then
/// the results named.
pub fn csv_row(r: &IndexRow, fact_ids: &[String], result_names: &[String]) -> String {
    let mut cells = vec![
        r.number.clone(),
        r.signed_at.to_string(),
        r.interview_date.map(|d| d.to_string()).unwrap_or_default(),
        r.applicant_name.clone(),
        r.applicant_id.clone().unwrap_or_default(),
        r.clerk.clone(),
        r.clerk_name.clone().unwrap_or_default(),
        r.amends.clone().unwrap_or_default(),
    ];
    for id in fact_ids {
        cells.push(
            r.summary
                .iter()
                .find(|v| v.kind == SummaryKind::Fact && &v.id == id)
                .map(|v| summary::code(&v.value))
                .unwrap_or_default(),
        );
    }
    for n in result_names {
        cells.push(match r.results.get(n) {
            None | Some(J::Null) => String::new(),
            Some(J::String(s)) => s.clone(),
            Some(J::Array(a)) => a
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(";"),
            Some(v) => v.to_string(),
        });
    }
    csv_line(&cells)
}

/// One CSV line (RFC 4180 quoting by the `csv` crate, CRLF line end). Every cell is made
/// terminal-safe first ([`crate::safe::text`]: the file may be shown with `cat`), and a
/// cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// CR) gets a leading apostrophe.
pub fn csv_line(cells: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(256)
        .from_writer(Vec::with_capacity(128));
    let record: Vec<_> = cells.iter().map(|c| csv_cell(c)).collect();
    let bytes = w
        .write_record(record.iter().map(|c| c.as_bytes()))
        .map_err(|e| e.to_string())
        .and_then(|()| w.into_inner().map_err(|e| e.error().to_string()));
    match bytes {
        Ok(b) => String::from_utf8(b).unwrap_or_default(),
        // writing to memory fails only on a bug; an empty line shows it without losing the rest
        Err(_) => "\r\n".to_string(),
    }
}

/// A cell as written to CSV: terminal-safe, and never a formula.
fn csv_cell(c: &str) -> std::borrow::Cow<'_, str> {
    const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
    let safe = crate::safe::text(c);
    if c.starts_with(FORMULA) || safe.starts_with(FORMULA) {
        format!("'{safe}").into()
    } else {
        safe
    }
}

// ----- the person-readable view, shared by text, Markdown and HTML -----

enum Row {
    Pair(String, String),
    Item(String, Option<String>),
    Para(String),
}

struct Block {
    heading: String,
    rows: Vec<Row>,
}

struct View {
    title: String,
    blocks: Vec<Block>,
}

fn json_plain(v: &J) -> String {
    match v {
        J::Null => "—".into(),
        J::String(s) => s.clone(),
        J::Array(a) => a.iter().map(json_plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn view(rec: &CaseRecord, q: Option<&Questionnaire>, how: &Render) -> View {
    let (shown, lang) = (how.shown, how.lang);
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
    let r = match shown {
        Shown::Unmasked => rec.clone(),
        Shown::Masked(p) => p.mask_record(rec),
    };
    let q = q.filter(|q| q.meta.id == rec.questionnaire.id);
    let mut blocks = Vec::new();

    let mut head = vec![
        Row::Pair(l("申请人", "Applicant"), r.applicant.name.clone()),
        Row::Pair(
            l("身份证号码", "ID number"),
            r.applicant.id_number.clone().unwrap_or_else(|| "—".into()),
        ),
        Row::Pair(
            l("面谈日期", "Interview date"),
            r.interview_date.map_or("—".into(), |d| d.to_string()),
        ),
        Row::Pair(
            l("问卷", "Questionnaire"),
            format!(
                "{} {} (SHA-256 {})",
                r.questionnaire.id, r.questionnaire.version, r.questionnaire.sha256
            ),
        ),
    ];
    if let Some(a) = &r.amends {
        head.push(Row::Pair(l("更正案件", "Amends case"), a.clone()));
    }
    if shown.masked() {
        head.push(Row::Para(privacy::masked_note(lang).to_string()));
    }
    blocks.push(Block {
        heading: l("基本信息", "Case"),
        rows: head,
    });

    // Answers in interview order, with the question asked.
    let mut answers = Vec::new();
    match q {
        Some(q) => {
            if q.sha256 != rec.questionnaire.sha256 {
                answers.push(Row::Para(l(
                    "注：问题文字取自当前问卷，与记录时的版本内容不同。",
                    "Note: question texts come from the current questionnaire, which differs from the one recorded.",
                )));
            }
            for f in &q.facts {
                let Some(v) = r.facts.get(&f.id) else {
                    continue;
                };
                let shown = match input::from_json(v) {
                    Some(val) => f.display(&val, lang),
                    None => json_plain(v),
                };
                let aside = r
                    .set_aside
                    .iter()
                    .any(|x| x.as_str() == Some(f.id.as_str()));
                let shown = if aside {
                    format!(
                        "{shown} {}",
                        l("（分支未到达，未采用）", "(set aside: not reached)")
                    )
                } else {
                    shown
                };
                answers.push(Row::Pair(f.prompt.get(lang).to_string(), shown));
            }
            for (k, v) in &r.facts {
                if q.fact(k).is_none() {
                    // kept from a draft's other questionnaire or version, never evaluated
                    let aside = l(
                        "（不属于本问卷，未采用）",
                        "(not in this questionnaire: not used)",
                    );
                    answers.push(Row::Pair(k.clone(), format!("{} {aside}", json_plain(v))));
                }
            }
        }
        None => {
            let (id, version) = (&rec.questionnaire.id, &rec.questionnaire.version);
            answers.push(Row::Para(match lang {
                Lang::Zh => format!("注：未找到记录时所用的问卷（{id} {version}），按事实标识列出。"),
                Lang::En => format!(
                    "Note: the questionnaire recorded ({id} {version}) is not at hand; facts are listed by id."
                ),
            }));
            for (k, v) in &r.facts {
                answers.push(Row::Pair(k.clone(), json_plain(v)));
            }
        }
    }
    blocks.push(Block {
        heading: l("面谈记录（按提问顺序）", "Answers (interview order)"),
        rows: answers,
    });

    // Outcome: the one outcome view (as the wizard and `evaluate --format text` show it),
    // from the record as signed.
    let ov = super::outcome::outcome_view(&r, q, lang);
    let mut outcome = vec![Row::Pair(l("结论", "Outcome"), ov.status_label.clone())];
    outcome.extend(ov.sentences.iter().map(|s| Row::Para(s.clone())));
    for line in &ov.results {
        outcome.push(Row::Pair(line.label.clone(), line.value.clone()));
    }
    if ov.status == Status::Incomplete && !ov.missing.is_empty() {
        let prompts: Vec<&str> = ov.missing.iter().map(|m| m.prompt.as_str()).collect();
        outcome.push(Row::Pair(
            l("尚缺信息", "Still missing"),
            prompts.join(lang.pick("；", "; ")),
        ));
    }
    blocks.push(Block {
        heading: l("结论", "Outcome"),
        rows: outcome,
    });

    if !ov.findings.is_empty() {
        // each finding with the article it rests on
        let raw_cites: Vec<&str> = r
            .findings
            .iter()
            .filter_map(J::as_object)
            .map(|o| o.get("cite").and_then(J::as_str).unwrap_or(""))
            .collect();
        let rows = ov
            .findings
            .iter()
            .zip(raw_cites)
            .map(|(f, raw)| {
                let article = q
                    .and_then(|q| q.article(raw))
                    .map(|(_, t)| t.trim().to_string());
                Row::Item(
                    format!(
                        "[{}] {}{}{}",
                        f.kind_label,
                        f.cite,
                        l("：", ": "),
                        f.message
                    ),
                    article,
                )
            })
            .collect();
        blocks.push(Block {
            heading: l("审查意见及依据", "Findings and articles"),
            rows,
        });
    }
    for (heading, list) in [
        (l("需携带材料", "Materials to bring"), &ov.materials),
        (l("后续步骤", "Next steps"), &ov.steps),
    ] {
        if list.is_empty() {
            continue;
        }
        let rows = list
            .iter()
            .map(|it| {
                let cite = it.cite.as_ref().map_or(String::new(), |c| match lang {
                    Lang::Zh => format!("（{c}）"),
                    Lang::En => format!(" ({c})"),
                });
                Row::Item(format!("{}{cite}", it.text), None)
            })
            .collect();
        blocks.push(Block { heading, rows });
    }

    let mut sign = vec![
        Row::Pair(
            l("经办人", "Clerk"),
            trust::clerk_label(
                how.pins,
                &r.clerk.user,
                r.clerk.display_name.as_deref(),
                lang,
            ),
        ),
        Row::Pair(l("签发时间", "Signed at"), r.signed_at.to_string()),
        Row::Pair(
            l("诚信承诺确认时间", "Integrity pledge confirmed at"),
            format!(
                "{}{}",
                r.pledge.confirmed_at,
                r.pledge
                    .cite
                    .as_ref()
                    .map_or(String::new(), |c| format!(" ({c})"))
            ),
        ),
    ];
    if let Some(t) = &r.pledge.text {
        sign.push(Row::Pair(l("承诺内容", "Pledge"), t.clone()));
    }
    if let Some(n) = &r.notes {
        sign.push(Row::Pair(l("备注", "Notes"), n.clone()));
    }
    sign.push(Row::Pair(
        l("签名公钥", "Public key"),
        r.clerk.public_key.clone(),
    ));
    // Masked, no hash of this record or the previous one: either would confirm a guess
    // at the unmasked record offline.
    if !shown.masked() {
        sign.push(Row::Pair("SHA-256".into(), rec.sha256.clone()));
    }
    sign.push(Row::Pair(
        l("上一案件", "Previous case"),
        r.prev.as_ref().map_or("—".into(), |p| {
            if shown.masked() {
                p.number.clone()
            } else {
                format!("{} ({})", p.number, p.sha256)
            }
        }),
    ));
    blocks.push(Block {
        heading: l("签发", "Sign-off"),
        rows: sign,
    });
    View {
        title: format!("{} {}", l("案件", "Case"), rec.number),
        blocks,
    }
}

impl View {
    /// Plain text for a terminal: every value made safe line by line
    /// ([`crate::safe::lines`]); a value's further lines are indented under it, so a value
    /// cannot pose as a line of its own.
    fn text(&self) -> String {
        use crate::safe::{line, lines};
        let mut out = format!("{}\n{}\n", line(&self.title), "=".repeat(40));
        for b in &self.blocks {
            out.push_str(&format!("\n{}:\n", line(&b.heading)));
            for r in &b.rows {
                let (first, rest, more) = match r {
                    Row::Pair(k, v) => (format!("  {}: ", line(k)), v, None),
                    Row::Item(t, d) => ("  - ".to_string(), t, d.as_ref()),
                    Row::Para(t) => ("  ".to_string(), t, None),
                };
                let mut ls = lines(rest);
                out.push_str(&format!("{first}{}\n", ls.next().unwrap_or_default()));
                for l in ls.chain(more.into_iter().flat_map(|d| lines(d))) {
                    out.push_str(&format!("      {l}\n"));
                }
            }
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = format!("# {}\n", md(&self.title));
        for b in &self.blocks {
            out.push_str(&format!("\n## {}\n\n", md(&b.heading)));
            let mut in_table = false;
            for r in &b.rows {
                match r {
                    Row::Pair(k, v) => {
                        if !in_table {
                            out.push_str("| | |\n|---|---|\n");
                            in_table = true;
                        }
                        out.push_str(&format!("| {} | {} |\n", md(k), md(v)));
                    }
                    Row::Item(t, d) => {
                        in_table = false;
                        out.push_str(&format!("- {}\n", md(t)));
                        if let Some(d) = d {
                            for line in d.lines() {
                                out.push_str(&format!("  > {}\n", md(line)));
                            }
                        }
                    }
                    Row::Para(t) => {
                        if in_table {
                            out.push('\n');
                        }
                        in_table = false;
                        out.push_str(&format!("*{}*\n\n", md(t)));
                    }
                }
            }
        }
        out
    }

    fn html(&self) -> String {
        let mut out = format!("<section class=\"case\">\n<h1>{}</h1>\n", esc(&self.title));
        for b in &self.blocks {
            out.push_str(&format!("<h2>{}</h2>\n", esc(&b.heading)));
            let mut open: Option<&str> = None;
            for r in &b.rows {
                let want = match r {
                    Row::Pair(..) => Some("table"),
                    Row::Item(..) => Some("ul"),
                    Row::Para(_) => None,
                };
                if open != want {
                    if let Some(t) = open {
                        out.push_str(&format!("</{t}>\n"));
                    }
                    if let Some(t) = want {
                        out.push_str(&format!("<{t}>\n"));
                    }
                    open = want;
                }
                match r {
                    Row::Pair(k, v) => out.push_str(&format!(
                        "<tr><th>{}</th><td>{}</td></tr>\n",
                        esc(k),
                        esc(v)
                    )),
                    Row::Item(t, d) => {
                        out.push_str(&format!("<li>{}", esc(t)));
                        if let Some(d) = d {
                            out.push_str(&format!("<blockquote>{}</blockquote>", esc(d)));
                        }
                        out.push_str("</li>\n");
                    }
                    Row::Para(t) => out.push_str(&format!("<p class=\"note\">{}</p>\n", esc(t))),
                }
            }
            if let Some(t) = open {
                out.push_str(&format!("</{t}>\n"));
            }
        }
        out.push_str("</section>\n");
        out
    }
}

/// Text for a Markdown table cell, heading or list item: terminal-safe, and inert as
/// Markdown. Backslashes and the punctuation Markdown acts on are backslash-escaped (a `\|`
/// in the data stays a backslash and a pipe, and never ends the cell), `<`, `>` and `&`
/// become entities (no raw HTML), and line breaks become `<br>`.
fn md(s: &str) -> String {
    let s = crate::safe::text(s);
    let mut o = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                o.push('\\');
                o.push(c);
            }
            // a list marker at the start would nest a list
            '-' | '+' if i == 0 => {
                o.push('\\');
                o.push(c);
            }
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '\n' => o.push_str("<br>"),
            '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Escape text for HTML, after making it terminal-safe (the file may be shown with `cat`;
/// bidi overrides would reorder it in a browser too).
pub fn esc(s: &str) -> String {
    let s = crate::safe::text(s);
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "@page { size: A4; margin: 18mm 15mm; }
body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", \"PingFang SC\", SimSun, sans-serif; font-size: 10.5pt; color: #000; max-width: 180mm; margin: 0 auto; line-height: 1.45; }
h1 { font-size: 16pt; border-bottom: 2px solid #000; padding-bottom: 2mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 1px solid #888; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 1.2mm 2mm; text-align: left; vertical-align: top; word-break: break-all; }
th { width: 38%; background: #f2f2f2; font-weight: normal; }
blockquote { margin: 1mm 0 2mm 4mm; padding-left: 3mm; border-left: 2px solid #999; color: #333; white-space: pre-wrap; }
.note { font-style: italic; color: #444; }
.case { page-break-after: always; break-after: page; }
.case:last-child { page-break-after: auto; break-after: auto; }
tr, li { page-break-inside: avoid; break-inside: avoid; }
@media screen { body { padding: 10mm; } }
";

/// A complete, self-contained HTML document (inline CSS, no scripts, no external files)
/// holding the given case sections, one printed A4 page run per case.
pub fn html_document(title: &str, sections: &[String], lang: Lang) -> String {
    let mut out = html_head(title, lang);
    for s in sections {
        out.push_str(s);
    }
    out.push_str(HTML_TAIL);
    out
}

/// The start of an HTML export (for streaming many cases).
pub fn html_head(title: &str, lang: Lang) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        lang.pick("zh-CN", "en"),
        esc(title)
    )
}

/// The end of an HTML export.
pub const HTML_TAIL: &str = "</body>\n</html>\n";
