//! Masking that cannot be undone from what the masked output shows.
//!
//! A masked case shows nothing a person's identity can be worked back from: the personal
//! facts themselves (the questionnaire's `personal` marks, the applicant's name and ID
//! number, and every fact whose default is worked out from one of those, such as a birth
//! date taken from the ID number), and everything *computed* from them: a result whose
//! expression reads a personal fact (the statutory retirement date), a finding whose rule
//! does (the retirement blocker), a sentence, material or step whose condition does, and
//! the application timeline's day-dependent values when a rule that reads a personal fact
//! also reads the application day (an `apply_by` cut short by retirement names the
//! retirement day, and with it the birth date). A slot of a kept sentence that names such
//! a value is masked. Answers set aside by the branching, answers the questionnaire does
//! not define, and notes are masked whole. No hash or signature of the unmasked record
//! is shown (either confirms a guess offline). Masks have a fixed length: `张**` whatever
//! the name's length, `****-**-**` for a date, `***` for anything else; a masked value is
//! masked whether or not it was null, so not even "had one" shows.
//!
//! What decides it is the questionnaire (which facts an expression reads,
//! [`crate::questionnaire::Compiled::facts`], transitively through derived values, and
//! which rules it tests with `fired`). A case whose questionnaire is not at hand is
//! masked conservatively: every answer, every result but `status` and `missing`, and
//! every finding, sentence, material and step.
//!
//! What stays: the case number, dates of the interview and the sign-off, the verdict
//! (`status`), what is missing, results computed from other facts, the clerk. The verdict
//! can depend on a personal fact (a person past retirement age cannot apply), but alone it
//! says only on which side of one threshold the fact lies, never the fact.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value as J};

use super::model::CaseRecord;
use super::store::IndexRow;
use super::summary::SummaryKind;
use crate::expr::Node;
use crate::expr::check::TimelineField;
use crate::questionnaire::template::{self, Piece};
use crate::questionnaire::{Compiled, FactKind, Questionnaire};
use crate::text::Lang;
use crate::value::Value;

/// The mask of a masked value.
pub const MASK: &str = "***";
/// The mask of a masked date.
pub const DATE_MASK: &str = "****-**-**";

/// A person's name masked: the first character (the family name) and a fixed `**`, so
/// that the name's length does not show (张三 and 张三丰 both read 张**).
pub fn mask_name(name: &str) -> String {
    match name.trim().chars().next() {
        None => MASK.to_string(),
        Some(first) => format!("{first}**"),
    }
}

/// An ID number masked: the region's first four characters and the last four shown
/// (`4510**********0017`), the rest hidden; anything that is not a valid ID number is
/// masked whole.
pub fn mask_id(id: &str) -> String {
    let id = id.trim();
    if crate::idcard::parse(id).is_ok() {
        crate::idcard::mask(&id.to_ascii_uppercase())
    } else {
        MASK.to_string()
    }
}

/// How a fact's value is shown in masked output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FactMask {
    Shown,
    Name,
    Id,
    Date,
    Other,
}

/// What an expression reads besides facts: rules (`fired`), timeline values, and whether
/// the application day.
#[derive(Default)]
struct Reads {
    fired: BTreeSet<u16>,
    timeline: BTreeSet<TimelineField>,
}

fn walk(n: &Node, out: &mut Reads) {
    match n {
        Node::Fired(i) => {
            out.fired.insert(*i);
        }
        Node::Timeline(f) => {
            out.timeline.insert(*f);
        }
        Node::Not(a) | Node::Neg(a) => walk(a, out),
        Node::And(a, b) | Node::Or(a, b) | Node::Bin(_, a, b) | Node::Index(a, b) => {
            walk(a, out);
            walk(b, out);
        }
        Node::Cond(a, b, c) => {
            walk(a, out);
            walk(b, out);
            walk(c, out);
        }
        Node::List(items) | Node::Call(_, items) => items.iter().for_each(|i| walk(i, out)),
        Node::Const(_)
        | Node::Fact(_)
        | Node::Derived(_)
        | Node::Status
        | Node::AppDate
        | Node::CountingDate => {}
    }
}

/// What `c` reads, through the derived values it needs too.
fn reads(q: &Questionnaire, c: &Compiled) -> Reads {
    let mut out = Reads::default();
    walk(&c.node, &mut out);
    for d in &c.needs {
        if let Some(d) = q.derived.get(usize::from(*d)) {
            walk(&d.expr.node, &mut out);
        }
    }
    out
}

/// The timeline values that move with the application day (the others depend only on
/// the schedule and the interview date).
const DAY_FIELDS: [TimelineField; 6] = [
    TimelineField::ApplyFrom,
    TimelineField::ApplyBy,
    TimelineField::QualifiesOn,
    TimelineField::QualifiesLevel,
    TimelineField::NextLevel,
    TimelineField::NextLevelOn,
];

/// What masked output may show of the cases of one questionnaire.
struct Analysis<'q> {
    q: &'q Questionnaire,
    facts: HashMap<String, FactMask>,
    /// Results and timeline values that depend on a personal fact.
    results: HashSet<String>,
    /// Codes of rules whose condition depends on a personal fact.
    rules: HashSet<String>,
    /// Materials and steps by their Chinese text: shown (every item with that text has a
    /// condition that reads no personal fact) or not.
    items: HashMap<String, bool>,
    /// The questionnaire's sentences, parsed once.
    sentences: Vec<Sentence>,
}

/// A sentence template of the questionnaire, parsed.
struct Sentence {
    zh: Vec<Piece>,
    en: Option<Vec<Piece>>,
    /// Its condition depends on a personal fact.
    personal_when: bool,
}

impl<'q> Analysis<'q> {
    fn new(q: &'q Questionnaire) -> Analysis<'q> {
        // Personal facts, and every fact whose default is worked out from one.
        let mut personal: BTreeSet<u16> = q
            .facts
            .iter()
            .filter(|f| f.personal)
            .map(|f| f.index)
            .chain(q.meta.applicant_name)
            .chain(q.meta.applicant_id)
            .collect();
        loop {
            let before = personal.len();
            for f in &q.facts {
                if let Some(d) = &f.default
                    && d.facts.iter().any(|i| personal.contains(i))
                {
                    personal.insert(f.index);
                }
            }
            if personal.len() == before {
                break;
            }
        }
        let reads_personal = |c: &Compiled| c.facts.iter().any(|i| personal.contains(i));
        // Rules: reading a personal fact, or testing (`fired`) a rule that does.
        let mut rules: HashSet<u16> = HashSet::new();
        let rule_reads: Vec<Reads> = q.rules.iter().map(|r| reads(q, &r.when)).collect();
        loop {
            let before = rules.len();
            for (i, r) in q.rules.iter().enumerate() {
                if reads_personal(&r.when) || rule_reads[i].fired.iter().any(|j| rules.contains(j))
                {
                    rules.insert(i as u16);
                }
            }
            if rules.len() == before {
                break;
            }
        }
        let personal_expr = |c: &Compiled, r: &Reads, timeline: &HashSet<TimelineField>| {
            reads_personal(c)
                || r.fired.iter().any(|j| rules.contains(j))
                || r.timeline.iter().any(|t| timeline.contains(t))
        };
        // The timeline: its days move with every rule that reads the application day, and
        // its levels with the rank result.
        let mut timeline: HashSet<TimelineField> = HashSet::new();
        if let Some(s) = &q.schedule {
            let applies = s
                .applies
                .as_ref()
                .is_some_and(|c| personal_expr(c, &reads(q, c), &HashSet::new()));
            let time_rule = q
                .rules
                .iter()
                .enumerate()
                .any(|(i, r)| rules.contains(&(i as u16)) && r.when.uses_time);
            let rank = s
                .rank
                .and_then(|i| q.results.get(i))
                .is_some_and(|r| personal_expr(&r.expr, &reads(q, &r.expr), &HashSet::new()));
            if applies {
                timeline.extend(TimelineField::ALL);
            } else if time_rule || rank {
                timeline.extend(DAY_FIELDS);
            }
        }
        let mut results: HashSet<String> = timeline.iter().map(|t| t.name().to_string()).collect();
        for r in &q.results {
            if personal_expr(&r.expr, &reads(q, &r.expr), &timeline) {
                results.insert(r.name.clone());
            }
        }
        let when_personal = |w: &Option<Compiled>| {
            w.as_ref()
                .is_some_and(|c| personal_expr(c, &reads(q, c), &timeline))
        };
        let mut items: HashMap<String, bool> = HashMap::new();
        for it in q.materials.iter().chain(&q.steps) {
            let shown = !when_personal(&it.when);
            items
                .entry(it.text.zh().to_string())
                .and_modify(|s| *s &= shown)
                .or_insert(shown);
        }
        let sentences = q
            .sentences
            .iter()
            .map(|s| Sentence {
                // the loader refuses malformed templates; an unparsable one matches nothing
                zh: template::parse(s.text.zh()).unwrap_or_default(),
                en: s
                    .text
                    .en()
                    .map(|en| template::parse(en).unwrap_or_default()),
                personal_when: when_personal(&s.when),
            })
            .collect();
        let facts = q
            .facts
            .iter()
            .map(|f| {
                let m = if Some(f.index) == q.meta.applicant_name {
                    FactMask::Name
                } else if Some(f.index) == q.meta.applicant_id {
                    FactMask::Id
                } else if !personal.contains(&f.index) {
                    FactMask::Shown
                } else if f.kind == FactKind::Date {
                    FactMask::Date
                } else {
                    FactMask::Other
                };
                (f.id.clone(), m)
            })
            .collect();
        Analysis {
            q,
            facts,
            results,
            rules: rules
                .iter()
                .map(|i| q.rules[usize::from(*i)].code.clone())
                .collect(),
            items,
            sentences,
        }
    }

    /// A result (or timeline value) that may be shown: one the questionnaire defines and
    /// that depends on no personal fact.
    fn result_shown(&self, name: &str) -> bool {
        let known = self.q.result(name).is_some()
            || (self.q.schedule.is_some() && TimelineField::parse(name).is_some());
        known && !self.results.contains(name)
    }

    /// A sentence of a record, masked: matched with the questionnaire sentence it was
    /// filled from (by filling that template from the record's results again), its
    /// personal slots masked. `None` when no sentence of the questionnaire gives the
    /// record's text, or when the one that does has a condition that reads a personal fact
    /// (then even that it was said tells something).
    fn sentence(&self, s: &J, results: &Map<String, J>) -> Option<J> {
        let o = s.as_object()?;
        let zh = o.get("text").and_then(J::as_str)?;
        let hide = |name: &str| !self.result_shown(name);
        let mut found: Option<J> = None;
        for t in &self.sentences {
            // cheap first: the template's opening text
            if let Some(Piece::Lit(head)) = t.zh.first()
                && !zh.starts_with(head.as_str())
            {
                continue;
            }
            if fill(self.q, results, &t.zh, Lang::Zh, &|_| false).as_deref() != Some(zh) {
                continue;
            }
            if t.personal_when {
                return None;
            }
            let mut m = Map::new();
            m.insert(
                "text".into(),
                J::String(fill(self.q, results, &t.zh, Lang::Zh, &hide)?),
            );
            if let Some(en) = &t.en {
                m.insert(
                    "text_en".into(),
                    J::String(fill(self.q, results, en, Lang::En, &hide)?),
                );
            }
            // two templates giving the same text but masking differently: show neither
            match &found {
                Some(f) if *f != J::Object(m.clone()) => return None,
                _ => found = Some(J::Object(m)),
            }
        }
        found
    }
}

/// Fill a parsed sentence template from a record's results, the slots `hide` names
/// masked. `None` when a slot names nothing the record holds.
fn fill(
    q: &Questionnaire,
    results: &Map<String, J>,
    pieces: &[Piece],
    lang: Lang,
    hide: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Slot { name, .. } if hide(name) => out.push_str(MASK),
            Piece::Slot { name, long } => {
                let v = results.get(name)?;
                let v = match crate::eval::input::from_json(v)? {
                    Value::Str(s) => match s.parse::<jiff::civil::Date>() {
                        Ok(d) => Value::Date(d),
                        Err(_) => Value::Str(s),
                    },
                    v => v,
                };
                out.push_str(&crate::eval::view::show(q, name, &v, *long, lang));
            }
        }
    }
    Some(out)
}

/// What masked output may show of cases, decided once per questionnaire.
pub struct Policy<'q> {
    known: Option<Analysis<'q>>,
}

impl<'q> Policy<'q> {
    /// The policy for the cases of `q`; with no questionnaire at hand, the conservative
    /// one (see the module's documentation).
    pub fn new(q: Option<&'q Questionnaire>) -> Policy<'q> {
        Policy {
            known: q.map(Analysis::new),
        }
    }

    /// The analysis for a case of questionnaire `qid`: none when this policy is another
    /// questionnaire's (or none's).
    fn for_id(&self, qid: Option<&str>) -> Option<&Analysis<'q>> {
        self.known
            .as_ref()
            .filter(|a| Some(a.q.meta.id.as_str()) == qid)
    }

    /// A fact's value masked as `how` says; `name` and `id` are the applicant's, to mask a
    /// fact that holds them as such when the questionnaire is not at hand.
    fn fact_value(how: Option<FactMask>, v: &J, name: &str, id: Option<&str>) -> J {
        let s = v.as_str();
        let how = how.unwrap_or(match s {
            Some(s) if s.trim() == name.trim() => FactMask::Name,
            Some(s) if Some(s.trim()) == id.map(str::trim) => FactMask::Id,
            _ => FactMask::Other,
        });
        J::String(match how {
            FactMask::Shown => return v.clone(),
            FactMask::Name => mask_name(s.unwrap_or("")),
            FactMask::Id => mask_id(s.unwrap_or("")),
            FactMask::Date => DATE_MASK.to_string(),
            FactMask::Other => MASK.to_string(),
        })
    }

    /// A record as masked output shows it: see the module's documentation. The copy
    /// carries no hash, signature or link hash (`sha256`, `signature`, `prev.sha256` are
    /// empty).
    pub fn mask_record(&self, rec: &CaseRecord) -> CaseRecord {
        let a = self.for_id(Some(&rec.questionnaire.id));
        let mut r = rec.clone();
        let aside: HashSet<&str> = rec.set_aside.iter().filter_map(J::as_str).collect();
        let (name, id) = (&rec.applicant.name, rec.applicant.id_number.as_deref());
        for (k, v) in r.facts.iter_mut() {
            let how = a.and_then(|a| a.facts.get(k).copied());
            let how = match how {
                // set aside, or marked personal in the record itself: masked whole
                Some(FactMask::Shown)
                    if aside.contains(k.as_str()) || rec.personal_facts.contains(k) =>
                {
                    Some(FactMask::Other)
                }
                other => other,
            };
            *v = Self::fact_value(how, v, name, id);
        }
        r.applicant.name = mask_name(name);
        r.applicant.id_number = id.map(mask_id);
        r.notes = r.notes.as_ref().map(|_| MASK.to_string());
        for (k, v) in r.results.iter_mut() {
            let shown = k == "status" || k == "missing" || a.is_some_and(|a| a.result_shown(k));
            if !shown {
                *v = J::String(MASK.into());
            }
        }
        r.findings.retain(|f| {
            let code = f.get("code").and_then(J::as_str).unwrap_or("");
            a.is_some_and(|a| a.q.rule(code).is_some() && !a.rules.contains(code))
        });
        let item_shown = |it: &J| {
            let text = it.get("text").and_then(J::as_str).unwrap_or("");
            a.is_some_and(|a| a.items.get(text) == Some(&true))
        };
        r.materials.retain(item_shown);
        r.steps.retain(item_shown);
        r.sentences = match a {
            Some(a) => rec
                .sentences
                .iter()
                .filter_map(|s| a.sentence(s, &rec.results))
                .collect(),
            None => Vec::new(),
        };
        if let Some(p) = &mut r.prev {
            p.sha256.clear();
        }
        r.sha256.clear();
        r.signature.clear();
        r
    }

    /// An index row as masked output shows it: the applicant, and the summary entries,
    /// results and amount that depend on a personal fact.
    pub fn mask_row(&self, row: &IndexRow) -> IndexRow {
        let a = self.for_id(row.questionnaire.as_deref());
        let mut r = row.clone();
        r.applicant_name = mask_name(&row.applicant_name);
        r.applicant_id = row.applicant_id.as_deref().map(mask_id);
        for (k, v) in r.results.iter_mut() {
            if !(k == "status" || k == "missing" || a.is_some_and(|a| a.result_shown(k))) {
                *v = J::String(MASK.into());
            }
        }
        for e in &mut r.summary {
            let shown = match e.kind {
                SummaryKind::Fact => {
                    a.is_some_and(|a| a.facts.get(&e.id) == Some(&FactMask::Shown))
                }
                SummaryKind::Result => a.is_some_and(|a| a.result_shown(&e.id)),
            };
            if !shown {
                e.value = J::String(MASK.into());
            }
        }
        let money_shown = a.is_some_and(|a| {
            a.q.meta
                .summary
                .money
                .as_deref()
                .is_some_and(|m| a.result_shown(m))
        });
        if !money_shown {
            r.money = None;
        }
        r
    }

    /// The answers of a draft of questionnaire `qid` as masked output shows them: personal
    /// facts (and those worked out from them), answers set aside (`aside`) and answers the
    /// questionnaire does not define masked.
    pub fn mask_answers(
        &self,
        qid: &str,
        answers: &Map<String, J>,
        aside: &HashSet<String>,
    ) -> Map<String, J> {
        let a = self.for_id(Some(qid));
        let name_of = |i: Option<u16>| {
            a.and_then(|a| i.and_then(|i| a.q.facts.get(usize::from(i))))
                .and_then(|f| answers.get(&f.id))
                .and_then(J::as_str)
                .unwrap_or("")
                .to_string()
        };
        let name = name_of(a.and_then(|a| a.q.meta.applicant_name));
        let id = name_of(a.and_then(|a| a.q.meta.applicant_id));
        answers
            .iter()
            .map(|(k, v)| {
                let how = match a.and_then(|a| a.facts.get(k).copied()) {
                    Some(FactMask::Shown) if aside.contains(k) => Some(FactMask::Other),
                    other => other,
                };
                (k.clone(), Self::fact_value(how, v, &name, Some(&id)))
            })
            .collect()
    }

    /// True when masked output shows the answer to fact `id` of questionnaire `qid` as
    /// given (not set aside).
    pub fn fact_shown(&self, qid: &str, id: &str) -> bool {
        self.for_id(Some(qid))
            .is_some_and(|a| a.facts.get(id) == Some(&FactMask::Shown))
    }
}

/// The line every masked rendering carries, whatever was left out (so that its presence
/// tells nothing).
pub fn masked_note(lang: Lang) -> &'static str {
    lang.pick(
        "已脱敏：个人信息，以及由其推算的结果、日期、审查意见和说明均不显示；未采用的回答和备注亦不显示。",
        "Masked: personal data, and the results, dates, findings and sentences worked out from it, are not shown; nor are answers set aside and notes.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baise() -> Questionnaire {
        crate::questionnaire::embedded().expect("the bundled questionnaire loads")
    }

    #[test]
    fn what_depends_on_the_birth_date_is_personal() {
        let q = baise();
        let a = Analysis::new(&q);
        // marked personal, and worked out from the ID number (birth date, sex)
        for f in ["applicant_name", "id_number", "birth_date", "sex"] {
            assert_ne!(a.facts[f], FactMask::Shown, "{f}");
        }
        assert_eq!(a.facts["birth_date"], FactMask::Date);
        assert_eq!(a.facts["pathway"], FactMask::Shown);
        // the retirement date, the blocker, and the days retirement can cut short
        assert!(a.results.contains("retirement_date"));
        assert!(a.rules.contains("retirement"));
        for t in ["apply_from", "apply_by", "qualifies_on", "next_level_on"] {
            assert!(a.results.contains(t), "{t}");
        }
        // the window itself and the level depend on no personal fact
        for shown in ["window_opens", "window_closes", "application_year", "level"] {
            assert!(a.result_shown(shown), "{shown}");
        }
        // the sentence naming the retirement day is not said at all
        let said = |zh: &str| {
            q.sentences
                .iter()
                .zip(&a.sentences)
                .find(|(s, _)| s.text.zh().contains(zh))
                .map(|(_, t)| t.personal_when)
        };
        assert_eq!(said("达到法定退休年龄"), Some(true));
    }

    #[test]
    fn without_the_questionnaire_everything_but_the_verdict_is_masked() {
        let p = Policy::new(None);
        let mut rec: CaseRecord = serde_json::from_value(serde_json::json!({
            "format": "guantong-case/2", "seq": 1, "number": "X-1",
            "signed_at": "2026-06-15T01:00:00Z",
            "questionnaire": {"id": "x", "version": "1", "sha256": "00"},
            "interview_date": "2026-06-15",
            "facts": {"name": "张三丰", "age": 60, "ok": true, "when": "1966-02-02"},
            "personal_facts": ["name"],
            "results": {"status": "eligible", "missing": [], "retire": "2026-06-02", "n": null},
            "findings": [{"code": "retirement", "kind": "blocker", "cite": "", "message": "m"}],
            "materials": [{"text": "t"}], "steps": [{"text": "s"}],
            "sentences": [{"text": "2026-06-02 退休"}], "set_aside": [],
            "applicant": {"name": "张三丰", "id_number": null},
            "pledge": {"confirmed_at": "2026-06-15T01:00:00Z", "cite": null, "text": null},
            "clerk": {"user": "u", "display_name": null, "public_key": "00"},
            "notes": "生于1966-02-02", "amends": null,
            "prev": {"number": "X-0", "sha256": "ab"}
        }))
        .unwrap();
        rec.sha256 = "cd".into();
        let m = p.mask_record(&rec);
        assert_eq!(m.facts["name"], "张**");
        for k in ["age", "ok", "when"] {
            assert_eq!(m.facts[k], MASK, "{k}");
        }
        assert_eq!(m.results["status"], "eligible");
        // masked whether or not it had a value
        assert_eq!(m.results["retire"], MASK);
        assert_eq!(m.results["n"], MASK);
        assert!(m.findings.is_empty() && m.materials.is_empty() && m.steps.is_empty());
        assert!(m.sentences.is_empty());
        assert_eq!(m.notes.as_deref(), Some(MASK));
        assert!(m.sha256.is_empty() && m.prev.unwrap().sha256.is_empty());
    }

    #[test]
    fn masks_have_a_fixed_length() {
        assert_eq!(mask_name("张三"), mask_name("张三丰四"));
        assert_eq!(mask_name(""), MASK);
        assert_eq!(mask_id("11010519491231002x"), "1101**********002X");
        assert_eq!(mask_id("not an id number at all"), MASK);
    }
}
