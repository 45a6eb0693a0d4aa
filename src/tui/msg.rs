//! What goes into `App::update` (messages: keys turned into intents, and the results of
//! effects) and what comes out (effects, executed by the run loop). `update` does no I/O.

use jiff::Timestamp;

use crate::config::PrintTo;
use crate::questionnaire::Questionnaire;
use crate::value::Answers;

/// One input to `App::update`. Keys are mapped to these by `keys::map`; the screens decide
/// what a key means where they are (a `y` is a letter in a name field, "yes" in a yes/no
/// question).
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    /// Esc.
    Back,
    Tab,
    BackTab,
    Backspace,
    Delete,
    /// Ctrl-U: delete from the cursor to the start of the field.
    KillToStart,
    /// Ctrl-W: delete the word before the cursor.
    KillWord,
    /// Ctrl-K: delete from the cursor to the end of the field.
    KillToEnd,
    Char(char),
    /// Bracketed paste, or an input method committing several characters at once.
    Paste(String),
    /// F1 (and `?` where it is not typed text).
    Help,
    /// Ctrl-O: the outcome now.
    Outcome,
    /// Ctrl-C / Ctrl-Q: save and leave.
    Quit,
    /// The terminal's size (columns, rows): sent once at start and on every change. Below
    /// the minimum the wizard draws only a notice, and no key but quit does anything.
    Resize(u16, u16),

    // Results of effects.
    DraftSaved(String),
    Drafts(Vec<DraftRow>),
    DraftLoaded(Box<LoadedDraft>),
    /// The draft asked for is open in another live wizard: nothing was loaded.
    DraftInUse {
        id: String,
        by: InUse,
    },
    Cases(Vec<CaseRow>),
    CaseLoaded {
        number: String,
        text: String,
    },
    /// Earlier cases of the applicant about to be signed, in the same application year
    /// (the answer to `FindEarlier`; empty when there are none).
    Earlier(Vec<EarlierRow>),
    SignedOff(String),
    Written(String),
    Failed(String),
    /// Search results for `query` (the answer to `Search`; stale ones are dropped).
    Found {
        query: String,
        rows: Vec<FoundRow>,
    },
    /// The receipt went to the printer (`printer`, the queue's job id when `lp` said one).
    Printed {
        printer: String,
        job: Option<String>,
        /// What had to give to fit the page, if anything.
        note: Option<String>,
    },
    /// The receipt went through the terminal by ZMODEM.
    Sent {
        name: String,
        bytes: usize,
        note: Option<String>,
    },
    /// The clerk's name and office were written to the config file (its path).
    ClerkSaved(String),
    /// The questionnaire chosen at home, to start a new interview under (the answer to
    /// `StartUnder`).
    StartUnder(Under),
}

impl Msg {
    /// The result of an effect (not a key): it does not clear the notice.
    pub fn is_result(&self) -> bool {
        matches!(
            self,
            Msg::DraftSaved(_)
                | Msg::Drafts(_)
                | Msg::DraftLoaded(_)
                | Msg::DraftInUse { .. }
                | Msg::Cases(_)
                | Msg::CaseLoaded { .. }
                | Msg::Earlier(_)
                | Msg::SignedOff(_)
                | Msg::Written(_)
                | Msg::Failed(_)
                | Msg::Found { .. }
                | Msg::Printed { .. }
                | Msg::Sent { .. }
                | Msg::ClerkSaved(_)
                | Msg::StartUnder(_)
        )
    }
}

/// What the run loop is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Upsert the interview's draft; `id: None` creates one (answered with `DraftSaved`).
    SaveDraft {
        id: Option<String>,
        answers: Answers,
        /// Facts that follow their default (no answer of their own).
        followed: Vec<String>,
        current: Option<String>,
    },
    LoadDrafts,
    /// Open a draft (answered with `DraftLoaded`, or `DraftInUse` when another live wizard
    /// has it).
    LoadDraft(String),
    /// Open a draft another live wizard has, as the clerk confirmed: that wizard can no
    /// longer save or sign it.
    TakeOverDraft(String),
    DiscardDraft(String),
    LoadCases,
    LoadCase(String),
    /// Before signing: the applicant's earlier cases in the same application year
    /// (answered with `Earlier`).
    FindEarlier(Box<SignOffRequest>),
    SignOff(Box<SignOffRequest>),
    /// Put case `number`'s receipt where `to` says (answered with `Written(path)`,
    /// `Printed` or `Sent`); the choice is remembered for the next time.
    Print {
        number: String,
        to: PrintTo,
    },
    /// Find signed cases and drafts by name, ID number (any part), case number (or a
    /// short form of it) or date (answered with `Found`).
    Search(String),
    /// Open a draft correcting case `number`, with its answers as signed (answered with
    /// `DraftLoaded`, the draft naming the case it amends).
    Correct(String),
    /// Write the clerk's name, office code and office name to the config file (answered
    /// with `ClerkSaved`).
    SaveClerk {
        clerk_name: String,
        office_code: String,
        office_name: String,
    },
    /// A new interview under the questionnaire with this id, chosen at home (answered
    /// with `StartUnder`).
    StartUnder(String),
    Quit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignOffRequest {
    pub draft_id: Option<String>,
    pub answers: Answers,
    pub applicant_name: String,
    pub applicant_id: Option<String>,
    pub pledge_confirmed_at: Timestamp,
    /// The case this one corrects.
    pub amends: Option<String>,
    /// Answers the questionnaire does not use (kept from a draft): recorded with the
    /// case, as personal data, never evaluated.
    pub aside: Answers,
}

/// A questionnaire handed to the wizard by the run loop (a draft's own, one chosen at
/// home). Two are equal when their texts are.
#[derive(Clone, Debug)]
pub struct Under(pub Box<Questionnaire>);

impl PartialEq for Under {
    fn eq(&self, other: &Under) -> bool {
        self.0.sha256 == other.0.sha256
    }
}

/// An earlier case of the same applicant, as the sign-off shows it (labels, not codes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EarlierRow {
    /// A line to show instead of a case (the bureau's server could not be asked).
    pub note: Option<String>,
    pub number: String,
    pub status: String,
    pub level: String,
    pub clerk: String,
    pub date: String,
}

/// A draft as the drafts screen lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftRow {
    pub id: String,
    /// Local time of the last change, to the second (`YYYY-MM-DD HH:MM:SS`).
    pub updated: String,
    pub name: Option<String>,
    pub answered: usize,
    /// Open in another live wizard.
    pub in_use: Option<InUse>,
    /// The case the draft corrects.
    pub amends: Option<String>,
    /// The id of the questionnaire it was made under, and that questionnaire's title (the
    /// id when it is not at hand).
    pub questionnaire: String,
    pub questionnaire_title: String,
}

/// Who has a draft open elsewhere, and since when (local time, `YYYY-MM-DD HH:MM:SS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InUse {
    pub who: String,
    pub since: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LoadedDraft {
    pub id: String,
    pub answers: Answers,
    /// Facts that follow their default.
    pub followed: Vec<String>,
    pub current: Option<String>,
    /// Answers the questionnaire does not know or no longer accepts: kept aside, as
    /// stored.
    pub aside: Answers,
    /// The questionnaire the draft goes on under, when it is not the one in use (the
    /// draft's own, or the newest version of its id).
    pub under: Option<Under>,
    /// The draft was started with another version of the questionnaire.
    pub questionnaire_changed: bool,
    /// Answers carried over by the questionnaire's migrations (`old → new`).
    pub renamed: Vec<String>,
    /// The case the draft corrects.
    pub amends: Option<String>,
}

/// A case as the cases screen lists it (the name in full: the clerk's own screen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRow {
    pub number: String,
    pub date: String,
    pub name: String,
    pub status: String,
    pub level: String,
    /// `更正 …` / `已更正为 …`, or empty.
    pub correction: String,
    /// The id of the questionnaire it was made under, and that questionnaire's title (the
    /// id when it is not at hand).
    pub questionnaire: String,
    pub questionnaire_title: String,
}

/// What a search result opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A signed case, by number.
    Case(String),
    /// A draft, by id.
    Draft(String),
}

/// A search result, as the clerk's own screen shows it: the full name and ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundRow {
    pub found: Found,
    /// Cases: the interview date; drafts: the last change, local time to the second.
    pub when: String,
    pub name: String,
    pub id_number: String,
    /// The verdict's label (cases), or the draft's progress.
    pub status: String,
    /// The case's summary results (the level), labelled.
    pub summary: String,
    pub clerk: String,
    /// Corrections, a draft in use elsewhere.
    pub note: String,
}
