//! Executes the wizard's effects against the case store and the file system, and turns
//! each result into a message for `App::update`. The only place the wizard does I/O
//! besides the terminal.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::msg::{CaseRow, DraftRow, Effect, LoadedDraft, Msg};
use crate::case::{self, CaseFilter, Draft, ExportFormat, SignOff, Store};
use crate::questionnaire::Questionnaire;
use crate::text::Lang;

pub struct Executor {
    pub store: Store,
    pub lang: Lang,
    pub today: jiff::civil::Date,
    /// The OS user (recorded on drafts).
    pub clerk_user: String,
    /// The display name from the config file (recorded on cases).
    pub clerk_name: Option<String>,
    /// The draft of the interview in progress, as last saved.
    pub draft: Option<Draft>,
    /// How many recent cases the cases screen lists.
    pub recent: usize,
}

fn local_time(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::system())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

impl Executor {
    pub fn new(
        store: Store,
        lang: Lang,
        today: jiff::civil::Date,
        clerk_name: Option<String>,
    ) -> Self {
        Executor {
            store,
            lang,
            today,
            clerk_user: case::keys::os_user(),
            clerk_name,
            draft: None,
            recent: 50,
        }
    }

    /// Save the current draft again (on SIGHUP, SIGTERM or a terminal error).
    pub fn save_now(&mut self) {
        if let Some(d) = &mut self.draft {
            d.updated_at = Timestamp::now();
            let _ = self.store.save_draft(d);
        }
    }

    /// Run one effect; the reply, if any, goes back to `App::update`.
    pub fn run(&mut self, q: &Questionnaire, fx: Effect) -> Option<Msg> {
        match self.try_run(q, fx) {
            Ok(m) => m,
            Err(e) => Some(Msg::Failed(e)),
        }
    }

    fn try_run(&mut self, q: &Questionnaire, fx: Effect) -> Result<Option<Msg>, String> {
        let now = Timestamp::now();
        Ok(match fx {
            Effect::SaveDraft {
                id,
                answers,
                current,
            } => {
                let mut d = match (&self.draft, &id) {
                    (Some(d), Some(id)) if &d.id == id => d.clone(),
                    (_, Some(id)) => self
                        .store
                        .load_draft(id)
                        .unwrap_or_else(|_| Draft::new(q, &self.clerk_user, now)),
                    (_, None) => Draft::new(q, &self.clerk_user, now),
                };
                d.answers = answers;
                d.current = current;
                d.updated_at = now;
                let reply = (id.as_deref() != Some(&d.id)).then(|| Msg::DraftSaved(d.id.clone()));
                let result = self.store.save_draft(&d);
                self.draft = Some(d);
                result.map_err(|e| e.to_string())?;
                reply
            }
            Effect::LoadDrafts => {
                let drafts = self.store.list_drafts().map_err(|e| e.to_string())?;
                let name_fact = q
                    .meta
                    .applicant_name
                    .and_then(|i| q.facts.get(usize::from(i)))
                    .map(|f| f.id.clone());
                let rows = drafts
                    .iter()
                    .map(|d| DraftRow {
                        id: d.id.clone(),
                        updated: local_time(d.updated_at),
                        name: name_fact
                            .as_ref()
                            .and_then(|n| d.answers.get(n))
                            .and_then(|v| v.as_str())
                            .map(case::mask_name),
                        answered: d.answers.len(),
                    })
                    .collect();
                Some(Msg::Drafts(rows))
            }
            Effect::LoadDraft(id) => {
                let d = self.store.load_draft(&id).map_err(|e| e.to_string())?;
                let r = d.resume(q);
                let loaded = LoadedDraft {
                    id: d.id.clone(),
                    answers: r.answers,
                    current: d.current.clone(),
                    dropped: r.dropped,
                    questionnaire_changed: r.questionnaire_changed,
                };
                self.draft = Some(d);
                Some(Msg::DraftLoaded(Box::new(loaded)))
            }
            Effect::DiscardDraft(id) => {
                self.store.discard_draft(&id).map_err(|e| e.to_string())?;
                if self.draft.as_ref().is_some_and(|d| d.id == id) {
                    self.draft = None;
                }
                None
            }
            Effect::LoadCases => {
                let filter = CaseFilter {
                    limit: self.recent,
                    ..CaseFilter::default()
                };
                let cases = self.store.list_cases(&filter).map_err(|e| e.to_string())?;
                let rows = cases
                    .iter()
                    .map(|c| CaseRow {
                        number: c.number.clone(),
                        date: c.date.map_or_else(String::new, |d| d.to_string()),
                        name: c.name.clone(),
                        status: crate::eval::Status::parse(&c.status)
                            .map_or(c.status.clone(), |s| s.label(self.lang).to_string()),
                        // The case's summary results, named by its questionnaire when it
                        // is this one (see case::summary).
                        level: c
                            .summary
                            .iter()
                            .filter(|v| v.kind == crate::case::summary::SummaryKind::Result)
                            .map(|v| {
                                let own = c.questionnaire.as_deref() == Some(q.meta.id.as_str());
                                crate::case::summary::display(
                                    own.then_some(q),
                                    v.kind,
                                    &v.id,
                                    &v.value,
                                    self.lang,
                                )
                            })
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" "),
                    })
                    .collect();
                Some(Msg::Cases(rows))
            }
            Effect::LoadCase(number) => {
                let rec = self.store.get_case(&number).map_err(|e| e.to_string())?;
                let qq = (rec.questionnaire.id == q.meta.id).then_some(q);
                let text = case::render_case(&rec, qq, ExportFormat::Text, false, self.lang);
                Some(Msg::CaseLoaded { number, text })
            }
            Effect::SignOff(req) => {
                let s = SignOff {
                    questionnaire: q,
                    answers: req.answers,
                    applicant_name: req.applicant_name,
                    applicant_id: req.applicant_id,
                    pledge_confirmed_at: req.pledge_confirmed_at,
                    clerk_display_name: self.clerk_name.clone(),
                    notes: None,
                    amends: None,
                    draft_id: req.draft_id,
                    now,
                    today: self.today,
                };
                let rec = self.store.sign_off(&s).map_err(|e| e.to_string())?;
                self.draft = None;
                Some(Msg::SignedOff(rec.number))
            }
            Effect::WritePrintable(number) => {
                let path = self.write_printable(q, &number)?;
                Some(Msg::Written(path.display().to_string()))
            }
            Effect::Quit => None,
        })
    }

    /// The printable summary (HTML, personal data masked) in `<data dir>/printouts/`,
    /// readable only by the clerk.
    fn write_printable(&self, q: &Questionnaire, number: &str) -> Result<PathBuf, String> {
        let rec = self.store.get_case(number).map_err(|e| e.to_string())?;
        let qq = (rec.questionnaire.id == q.meta.id).then_some(q);
        let html = case::render_case(&rec, qq, ExportFormat::Html, false, self.lang);
        let dir = self.store.dir().join("printouts");
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let safe: String = number
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{safe}.html"));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        f.write_all(html.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
}
