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
            text_json(&r.message, "message", &mut o);
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
        "rules": rules,
        "pending_results": pending,
        "set_aside": ids(q, ev.set_aside()),
        "errors": errors,
    })
}

/// A summary for a person, in `lang`.
pub fn to_text(q: &Questionnaire, ev: &Evaluation, lang: Lang) -> String {
    let mut out = String::new();
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    out.push_str(&format!("{}\n", q.meta.title.get(lang)));
    if let Some(d) = ev.interview_date {
        out.push_str(&format!("{}: {d}\n", l("面谈日期", "Interview date")));
    }
    out.push_str(&format!(
        "{}: {} ({})\n",
        l("结论", "Outcome"),
        ev.status.label(lang),
        ev.status.code()
    ));
    for (r, t) in q.results.iter().zip(&ev.results) {
        let Some(v) = t.known() else { continue };
        if v.is_null() {
            continue;
        }
        let label = r
            .label
            .as_ref()
            .map_or(r.name.clone(), |t| t.get(lang).to_string());
        out.push_str(&format!("{label}: {}\n", r.display(v, lang)));
    }
    let fired: Vec<_> = ev.fired(q).collect();
    if !fired.is_empty() {
        out.push_str(&format!("\n{}:\n", l("审查意见", "Findings")));
        for r in fired {
            out.push_str(&format!(
                "  [{}] {} {}: {}\n",
                r.kind.label(lang),
                r.cite,
                r.code,
                r.message.get(lang)
            ));
        }
    }
    if ev.status == Status::Incomplete {
        out.push_str(&format!("\n{}:\n", l("尚缺信息", "Still missing")));
        for i in &ev.missing {
            let f = &q.facts[usize::from(*i)];
            out.push_str(&format!("  {} — {}\n", f.id, f.prompt.get(lang)));
        }
    }
    for (title, list, which) in [
        (
            l("需携带材料", "Materials to bring"),
            &q.materials,
            &ev.materials,
        ),
        (l("后续步骤", "Next steps"), &q.steps, &ev.steps),
    ] {
        if which.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        for i in which {
            let it = &list[*i];
            let cite = it
                .cite
                .as_ref()
                .map_or(String::new(), |c| format!(" ({c})"));
            out.push_str(&format!("  - {}{cite}\n", it.text.get(lang)));
        }
    }
    let aside: Vec<_> = ev.set_aside().collect();
    if !aside.is_empty() {
        out.push_str(&format!(
            "\n{}: ",
            l(
                "未采用的回答（分支未到达）",
                "Answers set aside (not reached)"
            )
        ));
        let names: Vec<&str> = aside
            .iter()
            .map(|i| q.facts[usize::from(*i)].id.as_str())
            .collect();
        out.push_str(&names.join(", "));
        out.push('\n');
    }
    out
}
