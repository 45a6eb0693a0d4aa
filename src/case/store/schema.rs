//! The schema and its migrations.

/// The schema version this program writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 4;

/// Migrations: entry `i` takes the schema from version `i` to `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    questionnaire_sha256 TEXT NOT NULL,
    answers TEXT NOT NULL,
    current TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_ns INTEGER NOT NULL,
    clerk TEXT NOT NULL
);
CREATE INDEX drafts_updated ON drafts (updated_ns);
CREATE TABLE clerk_keys (
    public_key TEXT PRIMARY KEY,
    os_user TEXT NOT NULL,
    display_name TEXT,
    registered_at TEXT NOT NULL
);
CREATE TABLE cases (
    seq INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE case_index (
    seq INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    signed_at TEXT NOT NULL,
    interview_date TEXT,
    applicant_name TEXT NOT NULL,
    applicant_id TEXT,
    pathway TEXT,
    status TEXT NOT NULL,
    level TEXT,
    clerk TEXT NOT NULL,
    clerk_name TEXT,
    amends TEXT,
    results TEXT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX case_index_date ON case_index (interview_date);
CREATE TRIGGER cases_immutable_update BEFORE UPDATE ON cases
    BEGIN SELECT RAISE(ABORT, 'signed cases are immutable'); END;
CREATE TRIGGER cases_immutable_delete BEFORE DELETE ON cases
    BEGIN SELECT RAISE(ABORT, 'signed cases are immutable'); END;
INSERT INTO meta (key, value) VALUES ('app', 'guantong');
"#,
    // 2: the store's origin id (its chain's name when records travel to the bureau's
    // server). Records signed from now on carry it and the office code; older records
    // stay as they were signed and the chain goes on from them.
    r#"
INSERT OR IGNORE INTO meta (key, value) VALUES ('origin', lower(hex(randomblob(16))));
"#,
    // 3: the index keeps a summary per case (the entries the questionnaire's
    // [meta.summary] names, see case::summary) and the money result, instead of the fixed
    // columns `pathway` and `level`; and the questionnaire id, so lists find the labels.
    // `summary_keys` ("fact:pathway result:level") lets an export find its columns
    // without parsing every summary.
    // Existing rows keep what those columns held, as the summary of records that declare
    // none (case::summary::legacy).
    r#"
ALTER TABLE case_index ADD COLUMN questionnaire_id TEXT;
ALTER TABLE case_index ADD COLUMN summary TEXT NOT NULL DEFAULT '[]';
ALTER TABLE case_index ADD COLUMN money INTEGER;
ALTER TABLE case_index ADD COLUMN summary_keys TEXT NOT NULL DEFAULT '';
UPDATE case_index SET
    questionnaire_id = (SELECT json_extract(c.body, '$.questionnaire.id') FROM cases c
                        WHERE c.seq = case_index.seq),
    summary = json_array(
        json_object('kind', 'fact', 'id', 'pathway', 'value', pathway),
        json_object('kind', 'result', 'id', 'level', 'value', level)),
    summary_keys = 'fact:pathway result:level';
ALTER TABLE case_index DROP COLUMN pathway;
ALTER TABLE case_index DROP COLUMN level;
CREATE INDEX case_index_questionnaire ON case_index (questionnaire_id, summary_keys);
"#,
    // 4: a copy of every questionnaire a draft or case was made under, keyed by the
    // SHA-256 of its text (see store::copies), so that a case is always shown with its own
    // questions and a draft always resumes under its own id, whatever the catalogue holds
    // later. Copies are never changed or removed. The index names each case's
    // questionnaire by hash too, so that the copies a listing needs are found without
    // parsing records.
    r#"
CREATE TABLE questionnaires (
    sha256 TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    file TEXT NOT NULL,
    source TEXT NOT NULL,
    kept_at TEXT NOT NULL
);
CREATE INDEX questionnaires_id ON questionnaires (id);
CREATE TRIGGER questionnaires_immutable_update BEFORE UPDATE ON questionnaires
    BEGIN SELECT RAISE(ABORT, 'questionnaire copies are immutable'); END;
CREATE TRIGGER questionnaires_immutable_delete BEFORE DELETE ON questionnaires
    BEGIN SELECT RAISE(ABORT, 'questionnaire copies are immutable'); END;
ALTER TABLE case_index ADD COLUMN questionnaire_sha256 TEXT;
UPDATE case_index SET
    questionnaire_sha256 = (SELECT json_extract(c.body, '$.questionnaire.sha256') FROM cases c
                            WHERE c.seq = case_index.seq);
CREATE INDEX case_index_questionnaire_sha ON case_index (questionnaire_sha256);
"#,
];
