//! The contract's output: JSON for machines, a summary for a person.

use serde_json::{Map, Value as J, json};

use super::{Evaluation, Status};
use crate::questionnaire::Questionnaire;
use crate::text::{Lang, Text};

fn ids(q: &Questionnaire, set: impl IntoIterator<Item = u16>) -> Vec<J> {
    set.into_iter()
        .map(|i| J::String(q.facts[usize::from(i)].id.clone()))
        .collect()
}

fn text_json(t: &Text, key: &str, out: &mut Map<String, J>) {
    out.insert(key.to_string(), J::String(t.zh().to_string()));
    if let Some(en) = t.en() {
        out.insert(format!("{key}_en"), J::String(en.to_string()));
    }
}

/// The `results` object: status, missing, then every result (null when undecided).
pub fn results_json(q: &Questionnaire, ev: &Evaluation) -> Map<String, J> {
    let mut results = Map::new();
    results.insert("status".into(), J::String(ev.status.code().into()));
    results.insert(
        "missing".into(),
        J::Array(ids(q, ev.missing.iter().copied())),
    );
    for (r, t) in q.results.iter().zip(&ev.results) {
        results.insert(r.name.clone(), t.known().map_or(J::Null, |v| v.to_json()));
    }
    if let Some(tl) = &ev.timeline {
        for f in crate::expr::check::TimelineField::ALL {
            results.insert(f.name().into(), tl.get(f).to_json());
        }
    }
    results
}

/// Findings: one object per rule that fired.
pub fn findings_json(q: &Questionnaire, ev: &Evaluation) -> Vec<J> {
    ev.fired(q)
        .map(|r| {
            let mut o = Map::new();
            o.insert("code".into(), J::String(r.code.clone()));
            o.insert("kind".into(), J::String(r.kind.name().into()));
            o.insert("cite".into(), J::String(r.cite.clone()));
            o.insert("cite_en".into(), J::String(q.cite_in(&r.cite, Lang::En)));
            text_json(&r.message, "message", &mut o);
            J::Object(o)
        })
        .collect()
}

/// The sentences that read the outcome, in Chinese and (when written) English.
fn sentences(q: &Questionnaire, ev: &Evaluation) -> Vec<J> {
    ev.sentences
        .iter()
        .map(|i| {
            let t = &q.sentences[*i].text;
            let mut o = Map::new();
            o.insert(
                "text".into(),
                J::String(super::view::fill(q, ev, t.zh(), Lang::Zh)),
            );
            if let Some(en) = t.en() {
                o.insert(
                    "text_en".into(),
                    J::String(super::view::fill(q, ev, en, Lang::En)),
                );
            }
            J::Object(o)
        })
        .collect()
}

/// The whole output of `guantong evaluate --format json`.
pub fn to_json(q: &Questionnaire, ev: &Evaluation) -> J {
    let items = |list: &[crate::questionnaire::Item], which: &[usize]| -> Vec<J> {
        which
            .iter()
            .map(|i| {
                let it = &list[*i];
                let mut o = Map::new();
                text_json(&it.text, "text", &mut o);
                if let Some(c) = &it.cite {
                    o.insert("cite".into(), J::String(c.clone()));
                    o.insert("cite_en".into(), J::String(q.cite_in(c, Lang::En)));
                }
                J::Object(o)
            })
            .collect()
    };
    let rules: Vec<J> = q
        .rules
        .iter()
        .zip(&ev.rules)
        .map(|(r, o)| {
            let mut m = json!({
                "code": r.code,
                "kind": r.kind.name(),
                "decided": o.fired.is_some(),
                "fired": o.fired,
                "waiting_for": ids(q, o.waiting.iter()),
            });
            if let (Some(e), J::Object(obj)) = (&o.error, &mut m) {
                obj.insert("error".into(), J::String(e.clone()));
            }
            m
        })
        .collect();
    let pending: Map<String, J> = q
        .results
        .iter()
        .zip(&ev.results)
        .filter_map(|(r, t)| Some((r.name.clone(), J::Array(ids(q, t.waiting()?.iter())))))
        .collect();
    let errors: Vec<J> = q
        .results
        .iter()
        .zip(&ev.result_errors)
        .filter_map(|(r, e)| Some(json!({ "result": r.name, "error": e.as_ref()? })))
        .collect();
    json!({
        "questionnaire": { "id": q.meta.id, "version": q.meta.version, "sha256": q.sha256 },
        "results": results_json(q, ev),
        "findings": findings_json(q, ev),
        "materials": items(&q.materials, &ev.materials),
        "steps": items(&q.steps, &ev.steps),
        "sentences": sentences(q, ev),
        "rules": rules,
        "pending_results": pending,
        "set_aside": ids(q, ev.set_aside()),
        "errors": errors,
    })
}

/// A summary for a person, in `lang`: the outcome view as text.
pub fn to_text(q: &Questionnaire, ev: &Evaluation, lang: Lang) -> String {
    let v = super::view::build(q, ev, lang);
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let colon = l("：", ": ");
    let mut out = String::new();
    out.push_str(&format!("{}\n", q.meta.title.get(lang)));
    if let Some(d) = v.interview_date {
        out.push_str(&format!("{}{colon}{d}\n", l("面谈日期", "Interview date")));
    }
    out.push_str(&format!(
        "{}{colon}{}\n",
        l("结论", "Outcome"),
        v.status_label
    ));
    for s in &v.sentences {
        out.push_str(&format!("  {s}\n"));
    }
    for r in &v.results {
        out.push_str(&format!("{}{colon}{}\n", r.label, r.value));
    }
    if !v.findings.is_empty() {
        out.push_str(&format!(
            "\n{}{}\n",
            l("审查意见", "Findings"),
            l("：", ":")
        ));
        for f in &v.findings {
            out.push_str(&format!(
                "  [{}] {}{colon}{}\n",
                f.kind_label, f.cite, f.message
            ));
        }
    }
    if ev.status == Status::Incomplete && !v.missing.is_empty() {
        out.push_str(&format!(
            "\n{}{}\n",
            l("尚缺信息", "Still missing"),
            l("：", ":")
        ));
        for m in &v.missing {
            out.push_str(&format!("  - {}\n", m.prompt));
        }
    }
    for (title, items) in [
        (l("需携带材料", "Materials to bring"), &v.materials),
        (l("后续步骤", "Next steps"), &v.steps),
    ] {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}{}\n", l("：", ":")));
        for it in items {
            let cite = it.cite.as_ref().map_or(String::new(), |c| match lang {
                Lang::Zh => format!("（{c}）"),
                Lang::En => format!(" ({c})"),
            });
            out.push_str(&format!("  - {}{cite}\n", it.text));
        }
    }
    if !v.set_aside.is_empty() {
        out.push_str(&format!(
            "\n{}{colon}",
            l(
                "未采用的回答（分支未到达）",
                "Answers set aside (not reached)"
            )
        ));
        let names: Vec<&str> = v.set_aside.iter().map(|f| f.prompt.as_str()).collect();
        out.push_str(&names.join(l("；", "; ")));
        out.push('\n');
    }
    out
}
