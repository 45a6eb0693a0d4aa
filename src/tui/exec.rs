//! Executes the wizard's effects against the case store and the file system, and turns
//! each result into a message for `App::update`. The only place the wizard does I/O
//! besides the terminal. By job: this file the drafts, cases and sign-off; [`find`] the
//! search; [`correct`] corrections; [`print`] the receipt (the terminal's part of a
//! ZMODEM send is [`super::term`]'s); [`clerk`] the first-run config.

mod clerk;
mod correct;
mod find;
pub mod print;

use jiff::Timestamp;

use super::msg::{CaseRow, DraftRow, EarlierRow, Effect, InUse, LoadedDraft, Msg, Under};
use super::strings;
use crate::case::lease::{self, Acquired, Holder, Lease};
use crate::case::{
    self, CaseFilter, CaseRecord, Draft, ExportFormat, SignOff, Store, StoreError, draft_meta,
};
use crate::dates::local_time;
use crate::questionnaire::Questionnaire;
use crate::questionnaire::catalogue::Catalogue;
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
    /// This wizard, as the holder of draft leases.
    pub holder: Holder,
    /// Decides whether another lease holder is still running ([`lease::alive`]).
    pub alive: fn(&Lease) -> bool,
    /// How many recent cases the cases screen lists.
    pub recent: usize,
    /// The bureau's server, asked about the same applicant in other offices at sign-off
    /// (none: a single office; an error: configured, but it cannot be asked, which each
    /// sign-off then says).
    pub bureau: Option<Result<crate::server::bureau::Asker, String>>,
    /// The questionnaires this wizard knows (the embedded one and config's, as the wizard
    /// sets it), with the store's copies adopted as drafts and cases need them: a draft
    /// resumes, and a case is shown, under its own. Until set, the questionnaire the run
    /// loop first hands over stands alone.
    pub catalogue: Option<Catalogue>,
    /// Where and how the receipt is printed, and the config file the wizard writes.
    pub print: print::Setup,
}

impl Executor {
    pub fn new(
        store: Store,
        lang: Lang,
        today: jiff::civil::Date,
        clerk_name: Option<String>,
    ) -> Self {
        let clerk_user = case::keys::os_user();
        Executor {
            store,
            lang,
            today,
            holder: Holder::current(&clerk_user),
            alive: lease::alive,
            clerk_user,
            clerk_name,
            draft: None,
            recent: 50,
            bureau: None,
            catalogue: None,
            print: print::Setup::default(),
        }
    }

    /// The catalogue, with the store's copies of the questionnaires `exact` names and the
    /// newest copy of each of `ids` that no configured questionnaire has. A copy that
    /// cannot be read leaves its drafts and cases as the catalogue can show them (by fact
    /// id at worst): nothing is lost, and the reader says which questionnaire it lacks.
    fn known(
        &mut self,
        current: &Questionnaire,
        exact: &[(String, String)],
        ids: &[String],
    ) -> &Catalogue {
        let cat = self
            .catalogue
            .get_or_insert_with(|| Catalogue::single(current.clone()));
        if !cat.has(&current.sha256) {
            cat.adopt(current.clone());
        }
        let _ = self.store.adopt_copies(cat, exact);
        let _ = self.store.adopt_newest(cat, ids);
        cat
    }

    /// The questionnaire to show case `rec` with: its own (the catalogue's or the store's
    /// copy), else the newest with its id, else none.
    fn case_questionnaire(
        &mut self,
        current: &Questionnaire,
        rec: &CaseRecord,
    ) -> Option<&Questionnaire> {
        let r = &rec.questionnaire;
        let refs = [(r.id.clone(), r.sha256.clone())];
        self.known(current, &refs, std::slice::from_ref(&r.id))
            .find(&r.id, &r.sha256)
            .questionnaire()
    }

    /// Save the current draft again and let go of it (on SIGHUP, SIGTERM or a terminal
    /// error); not when another wizard has taken it over.
    pub fn save_now(&mut self) {
        if let Some(d) = &mut self.draft
            && lease::holds(&self.store, &d.id, &self.holder).unwrap_or(false)
        {
            d.updated_at = Timestamp::now();
            let _ = self.store.save_draft(d);
        }
        self.release();
    }

    /// Let go of the draft in hand, so that another wizard may open it at once.
    pub fn release(&mut self) {
        if let Some(d) = &self.draft {
            let _ = lease::release(&self.store, &d.id, &self.holder);
        }
    }

    /// The lease on `id` for this wizard (taking it over when `take_over`); the draft in
    /// hand before, if another, is let go.
    fn lease(&mut self, id: &str, take_over: bool) -> Result<Acquired, StoreError> {
        let got = lease::acquire(
            &self.store,
            id,
            &self.holder,
            Timestamp::now(),
            take_over,
            &self.alive,
        )?;
        if !matches!(got, Acquired::InUse(_)) && self.draft.as_ref().is_some_and(|d| d.id != id) {
            self.release();
        }
        Ok(got)
    }

    /// Refuse, naming who took it, when draft `id` is no longer this wizard's.
    fn check_held(&self, id: Option<&str>) -> Result<(), String> {
        let Some(id) = id else { return Ok(()) };
        if lease::holds(&self.store, id, &self.holder).map_err(|e| e.to_string())? {
            return Ok(());
        }
        let now_by = lease::lease_of(&self.store, id).ok().flatten();
        Err(lease::lost(id, now_by.as_ref()).to_string())
    }

    /// A level code as the questionnaire labels it.
    fn level_label(&self, q: &Questionnaire, level: Option<&str>) -> String {
        level
            .map(|l| {
                q.result("level").map_or(l.to_string(), |r| {
                    r.display(&crate::value::Value::str(l), self.lang)
                })
            })
            .unwrap_or_default()
    }

    fn in_use(l: &Lease) -> InUse {
        InUse {
            who: l.holder.who(),
            since: local_time(l.since),
        }
    }

    /// Load draft `id`, whose lease this wizard holds, under its own questionnaire: the
    /// newest version of its id (config's, else the store's copies), never another id. A
    /// draft whose questionnaire is nowhere at hand is not opened (and stays as it is).
    fn load(&mut self, current: &Questionnaire, id: &str) -> Result<Msg, String> {
        let d = self.store.load_draft(id).map_err(|e| e.to_string())?;
        let lang = self.lang;
        let refs = [(d.questionnaire_id.clone(), d.questionnaire_sha256.clone())];
        let cat = self.known(current, &refs, std::slice::from_ref(&d.questionnaire_id));
        let Some(q) = cat.get(&d.questionnaire_id) else {
            let _ = lease::release(&self.store, id, &self.holder);
            return Err(super::strings::draft_no_questionnaire(
                lang,
                id,
                &d.questionnaire_id,
                &d.questionnaire_version,
            ));
        };
        let r = d.resume(q);
        let under = (q.sha256 != current.sha256).then(|| Under(Box::new(q.clone())));
        let followed = draft_meta::load_followed(&self.store, &d.id).map_err(|e| e.to_string())?;
        let loaded = LoadedDraft {
            id: d.id.clone(),
            answers: r.answers,
            followed,
            current: d.current.clone(),
            aside: r.aside,
            under,
            questionnaire_changed: r.questionnaire_changed,
            renamed: r.renamed,
            amends: draft_meta::load_amends(&self.store, &d.id).map_err(|e| e.to_string())?,
        };
        self.draft = Some(d);
        Ok(Msg::DraftLoaded(Box::new(loaded)))
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
                followed,
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
                // A draft another wizard took over is theirs: saving here would undo
                // their answers (or bring back a draft they signed).
                if id.is_some() {
                    self.check_held(Some(&d.id))?;
                } else {
                    self.lease(&d.id, false).map_err(|e| e.to_string())?;
                }
                // a draft resumed under a newer version (or a copy) goes on under it; the
                // answers it does not know are in `answers` as they were
                d.go_on_under(q);
                d.answers = answers;
                d.current = current;
                d.updated_at = now;
                let reply = (id.as_deref() != Some(&d.id)).then(|| Msg::DraftSaved(d.id.clone()));
                let result = self
                    .store
                    .save_draft_with(&d, q)
                    .and_then(|()| draft_meta::save_followed(&self.store, &d.id, &followed));
                self.draft = Some(d);
                result.map_err(|e| e.to_string())?;
                reply
            }
            Effect::LoadDrafts => {
                let drafts = self.store.list_drafts().map_err(|e| e.to_string())?;
                let leases = lease::live(&self.store, &self.alive).map_err(|e| e.to_string())?;
                let refs = self
                    .store
                    .draft_questionnaires()
                    .map_err(|e| e.to_string())?;
                let mut ids: Vec<String> = refs.iter().map(|(id, _)| id.clone()).collect();
                ids.dedup();
                let (lang, token) = (self.lang, self.holder.token.clone());
                let amends: Vec<Option<String>> = drafts
                    .iter()
                    .map(|d| draft_meta::load_amends(&self.store, &d.id).ok().flatten())
                    .collect();
                let cat = self.known(q, &refs, &ids);
                let rows = drafts
                    .iter()
                    .zip(amends)
                    .map(|(d, amends)| {
                        // each draft read with its own questionnaire (its name question)
                        let dq = cat
                            .find(&d.questionnaire_id, &d.questionnaire_sha256)
                            .questionnaire();
                        let name_fact = dq.and_then(|dq| {
                            dq.meta
                                .applicant_name
                                .and_then(|i| dq.facts.get(usize::from(i)))
                        });
                        DraftRow {
                            id: d.id.clone(),
                            updated: local_time(d.updated_at),
                            // the clerk's own screen: in full, made safe
                            name: name_fact
                                .and_then(|f| d.answers.get(&f.id))
                                .and_then(|v| v.as_str())
                                .map(|n| crate::safe::line(n).into_owned()),
                            answered: d.answers.len(),
                            in_use: leases
                                .get(&d.id)
                                .filter(|l| l.holder.token != token)
                                .map(Self::in_use),
                            amends,
                            questionnaire: d.questionnaire_id.clone(),
                            questionnaire_title: dq.map_or_else(
                                || d.questionnaire_id.clone(),
                                |dq| dq.meta.title.get(lang).to_string(),
                            ),
                        }
                    })
                    .collect();
                Some(Msg::Drafts(rows))
            }
            Effect::LoadDraft(id) => match self.lease(&id, false).map_err(|e| e.to_string())? {
                Acquired::InUse(l) => Some(Msg::DraftInUse {
                    id,
                    by: Self::in_use(&l),
                }),
                _ => Some(self.load(q, &id)?),
            },
            Effect::TakeOverDraft(id) => {
                self.lease(&id, true).map_err(|e| e.to_string())?;
                Some(self.load(q, &id)?)
            }
            Effect::DiscardDraft(id) => {
                // not from under another wizard that has it open
                if let Acquired::InUse(l) = self.lease(&id, false).map_err(|e| e.to_string())? {
                    return Err(format!(
                        "草稿 {id} 正在 {} 处使用，不能删除 / draft {id} is open at {}'s: not discarded",
                        l.holder.who(),
                        l.holder.who()
                    ));
                }
                self.store.discard_draft(&id).map_err(|e| e.to_string())?;
                let _ = lease::forget(&self.store, &id);
                // the draft is gone; a left-over record would only take space
                let _ = draft_meta::forget(&self.store, &id);
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
                // the index rows, unmasked: the clerk's own screen shows the name in full
                let mut cases = Vec::new();
                self.store
                    .for_each_row(&filter, |r| {
                        cases.push(r);
                        Ok(())
                    })
                    .map_err(|e| e.to_string())?;
                let mut ids: Vec<String> = cases
                    .iter()
                    .filter_map(|c| c.questionnaire.clone())
                    .collect();
                ids.sort();
                ids.dedup();
                let lang = self.lang;
                let cat = self.known(q, &[], &ids);
                let rows = cases
                    .iter()
                    .map(|c| {
                        // the case's own questionnaire names its summary (see case::summary)
                        let cq = c.questionnaire.as_deref().and_then(|id| cat.get(id));
                        let id = c.questionnaire.clone().unwrap_or_default();
                        CaseRow {
                            number: c.number.clone(),
                            date: c.interview_date.map_or_else(String::new, |d| d.to_string()),
                            name: crate::safe::line(&c.applicant_name).into_owned(),
                            correction: strings::correction(
                                lang,
                                c.amends.as_deref(),
                                c.amended_by.as_deref(),
                            ),
                            status: crate::eval::Status::parse(&c.status)
                                .map_or(c.status.clone(), |s| s.label(lang).to_string()),
                            level: c
                                .summary
                                .iter()
                                .filter(|v| v.kind == crate::case::summary::SummaryKind::Result)
                                .map(|v| {
                                    crate::case::summary::display(cq, v.kind, &v.id, &v.value, lang)
                                })
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join(" "),
                            questionnaire_title: cq
                                .map_or_else(|| id.clone(), |q| q.meta.title.get(lang).to_string()),
                            questionnaire: id,
                        }
                    })
                    .collect();
                Some(Msg::Cases(rows))
            }
            Effect::LoadCase(number) => {
                let rec = self.store.get_case(&number).map_err(|e| e.to_string())?;
                let lang = self.lang;
                let qq = self.case_questionnaire(q, &rec);
                // the clerk's own screen: the applicant in full (masked only on the
                // command line, unless --unmasked)
                let text = case::render_case(&rec, qq, ExportFormat::Text, true, lang);
                Some(Msg::CaseLoaded { number, text })
            }
            Effect::Search(query) => Some(self.search(q, &query)?),
            Effect::Correct(number) => Some(self.correct(q, &number)?),
            Effect::Print { number, to } => {
                self.remember(to);
                Some(self.print(q, &number, to)?)
            }
            Effect::SaveClerk {
                clerk_name,
                office_code,
                office_name,
            } => Some(self.save_clerk(&clerk_name, &office_code, &office_name)?),
            Effect::FindEarlier(req) => {
                // a draft taken over elsewhere is not signed here: say so before anything
                self.check_held(req.draft_id.as_deref())?;
                // a correction is no second application
                if req.amends.is_some() {
                    return Ok(Some(Msg::Earlier(Vec::new())));
                }
                let found = case::duplicates::for_answers(
                    &self.store,
                    q,
                    &req.answers,
                    &req.applicant_name,
                    req.applicant_id.as_deref(),
                    self.today,
                )
                .map_err(|e| e.to_string())?;
                let mut rows: Vec<EarlierRow> = found
                    .iter()
                    .map(|c| EarlierRow {
                        note: None,
                        number: c.number.clone(),
                        status: crate::eval::Status::parse(&c.status)
                            .map_or(c.status.clone(), |s| s.label(self.lang).to_string()),
                        level: self.level_label(q, c.level.as_deref()),
                        clerk: c.clerk_name.clone().unwrap_or_else(|| c.clerk.clone()),
                        date: c.interview_date.map_or_else(String::new, |d| d.to_string()),
                    })
                    .collect();
                // ... and in other offices, asked of the bureau's server; a server that
                // cannot be asked is said (and needs the same confirmation), never "none"
                if let Some(a) = &self.bureau {
                    let ev = crate::eval::evaluate(q, &req.answers, self.today);
                    let year = case::duplicates::application_year(q, &ev, self.today);
                    let asked = match a {
                        Ok(a) => crate::server::bureau::check(
                            a,
                            &self.store,
                            req.applicant_id.as_deref(),
                            year,
                            &q.meta.id,
                        ),
                        Err(why) => case::duplicates::Bureau::Unreachable {
                            why: why.clone(),
                            last_ok: crate::server::contact::last_ok(&self.store).ok().flatten(),
                        },
                    };
                    for c in asked.found() {
                        rows.push(EarlierRow {
                            note: None,
                            number: c.number.clone(),
                            status: crate::eval::Status::parse(&c.status)
                                .map_or(c.status.clone(), |s| s.label(self.lang).to_string()),
                            level: self.level_label(q, c.level.as_deref()),
                            clerk: format!("{} ({})", c.clerk, c.office),
                            date: c.interview_date.map_or_else(String::new, |d| d.to_string()),
                        });
                    }
                    if let case::duplicates::Bureau::Unreachable { .. } = asked {
                        rows.push(EarlierRow {
                            note: asked.message(self.lang),
                            ..EarlierRow::default()
                        });
                    }
                }
                Some(Msg::Earlier(rows))
            }
            Effect::SignOff(req) => {
                // the answers set aside are recorded too (never evaluated)
                let mut answers = req.aside;
                answers.extend(req.answers);
                let s = SignOff {
                    questionnaire: q,
                    answers,
                    applicant_name: req.applicant_name,
                    applicant_id: req.applicant_id,
                    pledge_confirmed_at: req.pledge_confirmed_at,
                    clerk_display_name: self.clerk_name.clone(),
                    notes: None,
                    amends: req.amends.clone(),
                    draft_id: req.draft_id,
                    now,
                    today: self.today,
                };
                let draft_id = s.draft_id.clone();
                self.check_held(draft_id.as_deref())?;
                let rec = self.store.sign_off(&s).map_err(|e| match (e, &draft_id) {
                    (StoreError::DraftNotFound(_), Some(id)) => format!(
                        "草稿 {id} 已在别处签字归档或被删除，未再签字 / draft {id} was signed off or discarded elsewhere: not signed again"
                    ),
                    (e, _) => e.to_string(),
                })?;
                if let Some(id) = draft_id {
                    let _ = draft_meta::forget(&self.store, &id);
                    let _ = lease::forget(&self.store, &id);
                }
                self.draft = None;
                Some(Msg::SignedOff(rec.number))
            }
            Effect::StartUnder(id) => {
                let lang = self.lang;
                let chosen = self.known(q, &[], &[]).get(&id).cloned();
                match chosen {
                    Some(c) => Some(Msg::StartUnder(Under(Box::new(c)))),
                    None => return Err(super::strings::no_questionnaire(lang, &id)),
                }
            }
            Effect::Quit => {
                self.release();
                None
            }
        })
    }
}
