//! The server's schema (`guantong` in the bureau's database), as `guantong server init`
//! creates it. Everything an office may do goes through a table privilege checked by a
//! trigger, or a `SECURITY DEFINER` function that checks who is asking:
//!
//! - `records`: the signed records as the exact signed bytes (`bytea`), per origin, append
//!   only. Offices may INSERT (the trigger checks origin = the role's store, the signer's
//!   key registered for the office, the hash with the built-in `sha256()`, the next
//!   position and the previous-hash link) and SELECT their own origin's rows (row-level
//!   security). Nobody but the owner has UPDATE, DELETE or TRUNCATE, and a trigger refuses
//!   them to anyone but the owner even if granted by mistake.
//! - `cases`: the search and report columns of each record, derived from the signed bytes
//!   by the same trigger (never sent separately), plus the keyed hash of the ID number the
//!   pushing office computed (the server has no key).
//! - `offices` (office code, its role, its store's origin), `clerk_keys` (the registry of
//!   clerks' public keys, per office), `bureau_roles` (who may search), `audit` (who
//!   asked what), `meta` (schema version, the ID-hash key's fingerprint).
//!
//! Identifiers of roles are quoted with [`ident`]; nothing from a user is pasted into SQL.

/// The schema version this program creates and expects.
pub const SERVER_SCHEMA_VERSION: i64 = 1;

/// `"name"`: a role name as an SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates version 1. Run by the owner in one transaction.
pub const CREATE: &str = r#"
CREATE SCHEMA guantong;
REVOKE ALL ON SCHEMA guantong FROM PUBLIC;

CREATE TABLE guantong.meta (key text PRIMARY KEY, value text NOT NULL);

CREATE TABLE guantong.offices (
    office text PRIMARY KEY CHECK (office ~ '^[0-9]{6}(-[1-9][0-9]?)?$'),
    role name NOT NULL UNIQUE,
    origin text UNIQUE,
    registered_at timestamptz NOT NULL DEFAULT now(),
    claimed_at timestamptz,
    -- the last record of the office's chain: the trigger's O(1) witness (never a lookup
    -- in records, whose plan would not follow the table's growth within a push)
    head_seq bigint NOT NULL DEFAULT 0,
    head_number text,
    head_sha256 text,
    last_push_at timestamptz
);

CREATE TABLE guantong.bureau_roles (
    role name PRIMARY KEY,
    added_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE guantong.clerk_keys (
    office text NOT NULL REFERENCES guantong.offices (office),
    public_key text NOT NULL CHECK (public_key ~ '^[0-9a-f]{64}$'),
    os_user text NOT NULL,
    display_name text,
    registered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (office, public_key)
);

CREATE TABLE guantong.records (
    origin text NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    number text NOT NULL,
    body bytea NOT NULL,
    sha256 text NOT NULL,
    signature text NOT NULL,
    id_hash text,
    pushed_by name NOT NULL DEFAULT session_user,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (origin, seq),
    UNIQUE (origin, number)
);

CREATE TABLE guantong.cases (
    origin text NOT NULL,
    seq bigint NOT NULL,
    number text NOT NULL,
    office text NOT NULL,
    signed_at timestamptz NOT NULL,
    interview_date date,
    day date NOT NULL,
    applicant_name text NOT NULL,
    id_masked text,
    id_hash text,
    questionnaire_id text NOT NULL,
    status text NOT NULL,
    summary jsonb NOT NULL,
    summary_facts text NOT NULL,
    summary_results text NOT NULL,
    money bigint,
    clerk text NOT NULL,
    clerk_name text,
    amends text,
    application_year integer,
    PRIMARY KEY (origin, seq)
);
CREATE INDEX cases_id_hash ON guantong.cases (id_hash, application_year);
CREATE INDEX cases_name ON guantong.cases (applicant_name text_pattern_ops);
CREATE INDEX cases_number ON guantong.cases (number text_pattern_ops);
CREATE INDEX cases_day ON guantong.cases (day);
CREATE INDEX cases_amends ON guantong.cases (origin, amends) WHERE amends IS NOT NULL;

CREATE TABLE guantong.audit (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    role name NOT NULL DEFAULT session_user,
    os_user text,
    action text NOT NULL,
    query jsonb NOT NULL,
    unmasked boolean NOT NULL DEFAULT false,
    results integer NOT NULL
);

-- The origin of the office whose role is logged in (null for anyone else).
CREATE FUNCTION guantong.my_origin() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT origin FROM guantong.offices WHERE role = session_user
$$;

CREATE FUNCTION guantong.is_bureau() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM guantong.bureau_roles WHERE role = session_user)
$$;

-- True for the owner of the schema's tables (and superusers).
CREATE FUNCTION guantong.is_owner() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(session_user,
        (SELECT relowner FROM pg_class WHERE oid = 'guantong.records'::regclass), 'USAGE')
$$;

ALTER TABLE guantong.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_origin_read ON guantong.records FOR SELECT
    USING (origin = guantong.my_origin());
CREATE POLICY own_origin_insert ON guantong.records FOR INSERT
    WITH CHECK (origin = guantong.my_origin());
ALTER TABLE guantong.clerk_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON guantong.clerk_keys FOR SELECT USING (true);

-- Every check an inserted record must pass, and its search and report columns.
CREATE FUNCTION guantong.records_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    o guantong.offices%ROWTYPE;
    b jsonb;
    decl jsonb;
    summ jsonb;
    facts_key text;
    results_key text;
    money_name text;
    idn text;
    idate date;
    ayear integer;
    running text[];
BEGIN
    -- The chain head: the office's row, locked by the transaction's first record (one
    -- office's pushes go one after the other); then the running head of this
    -- transaction, kept in a transaction-local setting and written to the row once per
    -- statement (guantong.records_head), so the row is not rewritten per record.
    running := string_to_array(nullif(current_setting('guantong.head', true), ''), ' ');
    IF running IS NULL THEN
        SELECT * INTO o FROM guantong.offices WHERE role = session_user FOR UPDATE;
    ELSE
        SELECT * INTO o FROM guantong.offices WHERE role = session_user;
        IF FOUND AND o.origin = running[1] THEN
            o.head_seq := running[2]::bigint;
            o.head_number := running[3];
            o.head_sha256 := running[4];
        END IF;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION '角色 % 不是任何办公室的推送角色 / role % pushes for no office',
            session_user, session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF o.origin IS NULL OR NEW.origin IS DISTINCT FROM o.origin THEN
        RAISE EXCEPTION '案件 %：来源 % 不是办公室 % 的案件库 / case %: origin % is not the store of office %',
            NEW.number, NEW.origin, o.office, NEW.number, NEW.origin, o.office
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF encode(sha256(NEW.body), 'hex') IS DISTINCT FROM NEW.sha256 THEN
        RAISE EXCEPTION '案件 %：内容与其哈希不符 / case %: the bytes do not match their hash',
            NEW.number, NEW.number USING ERRCODE = 'check_violation';
    END IF;
    BEGIN
        b := convert_from(NEW.body, 'UTF8')::jsonb;
    EXCEPTION WHEN others THEN
        RAISE EXCEPTION '案件 %：不是 JSON 记录 / case %: not a JSON record', NEW.number, NEW.number
            USING ERRCODE = 'check_violation';
    END;
    IF jsonb_typeof(b) IS DISTINCT FROM 'object'
        OR b->>'number' IS DISTINCT FROM NEW.number
        OR b->>'seq' IS DISTINCT FROM NEW.seq::text THEN
        RAISE EXCEPTION '案件 %：编号或位置与签名内容不符 / case %: number or position differs from the signed ones',
            NEW.number, NEW.number USING ERRCODE = 'check_violation';
    END IF;
    IF b->>'format' = 'guantong-case/2' THEN
        IF b->>'origin' IS DISTINCT FROM NEW.origin OR b->>'office' IS DISTINCT FROM o.office THEN
            RAISE EXCEPTION '案件 %：签名内容中的来源或办公室代码不是 % 的 / case %: the signed origin or office code is not %''s',
                NEW.number, o.office, NEW.number, o.office USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF b->>'format' IS DISTINCT FROM 'guantong-case/1' THEN
        RAISE EXCEPTION '案件 %：未知的记录格式 % / case %: unknown record format %',
            NEW.number, b->>'format', NEW.number, b->>'format' USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM guantong.clerk_keys
                   WHERE office = o.office AND public_key = b->'clerk'->>'public_key') THEN
        RAISE EXCEPTION '案件 %：签名密钥未在办公室 % 登记 / case %: the signing key is not registered for office %',
            NEW.number, o.office, NEW.number, o.office USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.seq > o.head_seq + 1 THEN
        RAISE EXCEPTION '案件 %：位置 % 之前有空缺（服务器上最后一份在位置 %）/ case %: a gap before position % (the server''s last is at %)',
            NEW.number, NEW.seq, o.head_seq, NEW.number, NEW.seq, o.head_seq
            USING ERRCODE = 'check_violation';
    ELSIF NEW.seq <= o.head_seq THEN
        RAISE EXCEPTION '案件 %：服务器上已有位置 % 的案件（最后一份在位置 %）/ case %: the server already holds position % (its last is at %)',
            NEW.number, NEW.seq, o.head_seq, NEW.number, NEW.seq, o.head_seq
            USING ERRCODE = 'unique_violation';
    END IF;
    IF NEW.seq = 1 THEN
        IF jsonb_typeof(b->'prev') IS DISTINCT FROM 'null' AND b ? 'prev' THEN
            RAISE EXCEPTION '案件 %：第一份案件不应链接前一份 / case %: the first case links to a predecessor',
                NEW.number, NEW.number USING ERRCODE = 'check_violation';
        END IF;
    ELSIF b->'prev'->>'number' IS DISTINCT FROM o.head_number
        OR b->'prev'->>'sha256' IS DISTINCT FROM o.head_sha256 THEN
        RAISE EXCEPTION '案件 %：未链接到服务器上的前一份案件 % / case %: does not link to the previous case on the server, %',
            NEW.number, o.head_number, NEW.number, o.head_number USING ERRCODE = 'check_violation';
    END IF;
    PERFORM set_config('guantong.head',
        concat_ws(' ', NEW.origin, NEW.seq, NEW.number, NEW.sha256), true);
    NEW.pushed_by := session_user;
    NEW.pushed_at := now();

    -- the summary as case::summary::values makes it (records without a declared summary
    -- were listed by the pathway fact and the level result)
    decl := coalesce(b->'summary', '{"facts": ["pathway"], "results": ["level"]}'::jsonb);
    SELECT coalesce(jsonb_agg(jsonb_build_object('kind', 'fact', 'id', f,
                'value', coalesce(b->'facts'->f, 'null'::jsonb)) ORDER BY n), '[]'::jsonb),
           coalesce(string_agg(coalesce(b->'facts'->>f, ''), ' ' ORDER BY n), '')
        INTO summ, facts_key
        FROM jsonb_array_elements_text(coalesce(decl->'facts', '[]'::jsonb)) WITH ORDINALITY AS t(f, n);
    SELECT summ || coalesce(jsonb_agg(jsonb_build_object('kind', 'result', 'id', r,
                'value', coalesce(b->'results'->r, 'null'::jsonb)) ORDER BY n), '[]'::jsonb),
           coalesce(string_agg(coalesce(b->'results'->>r, ''), ' ' ORDER BY n), '')
        INTO summ, results_key
        FROM jsonb_array_elements_text(coalesce(decl->'results', '[]'::jsonb)) WITH ORDINALITY AS t(r, n);
    money_name := decl->>'money';
    idn := b->'applicant'->>'id_number';
    idate := (b->>'interview_date')::date;
    ayear := CASE WHEN jsonb_typeof(b->'results'->'application_year') = 'number'
                  THEN (b->'results'->>'application_year')::numeric::integer
                  ELSE extract(year FROM idate)::integer END;
    INSERT INTO guantong.cases (origin, seq, number, office, signed_at, interview_date, day,
        applicant_name, id_masked, id_hash, questionnaire_id, status, summary, summary_facts,
        summary_results, money, clerk, clerk_name, amends, application_year)
    VALUES (NEW.origin, NEW.seq, NEW.number, o.office, (b->>'signed_at')::timestamptz, idate,
        coalesce(idate, ((b->>'signed_at')::timestamptz AT TIME ZONE 'UTC')::date),
        coalesce(b->'applicant'->>'name', ''),
        -- as case::privacy::mask_id: a whole ID number shows its first and last four
        CASE WHEN idn IS NULL THEN NULL
             WHEN idn ~ '^[0-9]{17}[0-9Xx]$' THEN upper(left(idn, 4) || repeat('*', 10) || right(idn, 4))
             ELSE '***' END,
        NEW.id_hash,
        coalesce(b->'questionnaire'->>'id', ''),
        coalesce(b->'results'->>'status', ''),
        summ, facts_key, results_key,
        CASE WHEN money_name IS NOT NULL
                  AND b->'results'->>money_name ~ '^-?[0-9]{1,18}$'
             THEN (b->'results'->>money_name)::bigint END,
        coalesce(b->'clerk'->>'user', ''), b->'clerk'->>'display_name', b->>'amends', ayear);
    RETURN NEW;
END $$;
CREATE TRIGGER records_insert BEFORE INSERT ON guantong.records
    FOR EACH ROW EXECUTE FUNCTION guantong.records_insert();

-- After each INSERT statement: the running head into the office's row.
CREATE FUNCTION guantong.records_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    running text[];
BEGIN
    running := string_to_array(nullif(current_setting('guantong.head', true), ''), ' ');
    IF running IS NOT NULL THEN
        UPDATE guantong.offices SET head_seq = running[2]::bigint, head_number = running[3],
            head_sha256 = running[4], last_push_at = now()
            WHERE origin = running[1] AND head_seq < running[2]::bigint;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER records_head AFTER INSERT ON guantong.records
    FOR EACH STATEMENT EXECUTE FUNCTION guantong.records_head();

-- Append only: even a role granted UPDATE or DELETE by mistake is refused; the owner is
-- not (an erasure ordered by a court is the owner's, by hand).
CREATE FUNCTION guantong.append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT guantong.is_owner() THEN
        RAISE EXCEPTION '已签发的案件不可更改或删除（%）/ signed records cannot be changed or removed (%)',
            TG_OP, TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON guantong.records
    FOR EACH ROW EXECUTE FUNCTION guantong.append_only();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON guantong.records
    FOR EACH STATEMENT EXECUTE FUNCTION guantong.append_only();
CREATE TRIGGER cases_append_only BEFORE UPDATE OR DELETE ON guantong.cases
    FOR EACH ROW EXECUTE FUNCTION guantong.append_only();
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON guantong.audit
    FOR EACH ROW EXECUTE FUNCTION guantong.append_only();

-- An office's store claims its office code at its first sync; a second store claiming
-- the same code is refused, as is a role pushing for another office or with another key.
CREATE FUNCTION guantong.claim(p_office text, p_origin text, p_key text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    o guantong.offices%ROWTYPE;
    k text;
BEGIN
    SELECT * INTO o FROM guantong.offices WHERE role = session_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION '角色 % 未登记为任何办公室：请管理员运行 guantong server add-office % --role % / role % is registered for no office: the administrator runs guantong server add-office % --role %',
            session_user, p_office, session_user, session_user, p_office, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF o.office <> p_office THEN
        RAISE EXCEPTION '角色 % 是办公室 % 的，不能为 % 推送 / role % pushes for office %, not %',
            session_user, o.office, p_office, session_user, o.office, p_office
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT value INTO k FROM guantong.meta WHERE key = 'id_key';
    IF k IS DISTINCT FROM p_key THEN
        RAISE EXCEPTION '本办公室的身份证号哈希密钥（指纹 %）不是本局的（指纹 %）/ this office''s ID-hash key (fingerprint %) is not the bureau''s (fingerprint %)',
            p_key, k, p_key, k USING ERRCODE = 'check_violation';
    END IF;
    IF o.origin IS NULL THEN
        UPDATE guantong.offices SET origin = p_origin, claimed_at = now() WHERE office = o.office;
    ELSIF o.origin <> p_origin THEN
        RAISE EXCEPTION '办公室代码 % 已由另一个案件库（来源 %）登记；同一县区的第二个案件库应使用带后缀的代码，如 %-2 / office code % is registered to another store (origin %); a second store in the same county takes a suffix, e.g. %-2',
            o.office, o.origin, o.office, o.office, o.origin, o.office
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN o.office;
END $$;

CREATE FUNCTION guantong.register_key(p_key text, p_os_user text, p_display text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    o text;
BEGIN
    SELECT office INTO o FROM guantong.offices WHERE role = session_user AND origin IS NOT NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION '角色 % 尚未为任何办公室登记案件库 / role % has no store registered for an office',
            session_user, session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO guantong.clerk_keys (office, public_key, os_user, display_name)
        VALUES (o, p_key, p_os_user, p_display) ON CONFLICT DO NOTHING;
END $$;

-- Earlier cases of one applicant (by the keyed hash of the ID number) in one application
-- year under one questionnaire (another questionnaire's case is another kind of
-- application), in every office; amended cases count as their amendment. Logged.
CREATE FUNCTION guantong.same_applicant(p_id_hash text, p_year integer, p_questionnaire text,
                                        p_os_user text)
RETURNS TABLE (office text, number text, status text, summary_results text,
               interview_date date, clerk text, clerk_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM guantong.offices WHERE role = session_user)
       AND NOT guantong.is_bureau() THEN
        RAISE EXCEPTION '角色 % 无权查询 / role % may not ask', session_user, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
        SELECT c.office, c.number, c.status, c.summary_results, c.interview_date, c.clerk,
               c.clerk_name
        FROM guantong.cases c
        WHERE c.id_hash = p_id_hash AND c.application_year = p_year
          AND c.questionnaire_id = p_questionnaire
          AND NOT EXISTS (SELECT 1 FROM guantong.cases a
                          WHERE a.origin = c.origin AND a.amends = c.number)
        ORDER BY c.signed_at;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO guantong.audit (os_user, action, query, results)
        VALUES (p_os_user, 'same_applicant',
                jsonb_build_object('id_hash', p_id_hash, 'year', p_year,
                                   'questionnaire', p_questionnaire), n);
END $$;

-- The bureau's search: by the keyed hash of an ID number, by name (substring) or by case
-- number (substring). Masked unless asked otherwise; every search is logged.
CREATE FUNCTION guantong.search(p_os_user text, p_name text, p_id_hash text, p_id_shown text,
                                p_number text, p_limit integer, p_unmasked boolean)
RETURNS TABLE (office text, number text, signed_at timestamptz, interview_date date,
               applicant_name text, id_number text, questionnaire_id text, status text,
               summary jsonb, money bigint, clerk text, clerk_name text, amends text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer;
    pat text;
BEGIN
    IF NOT guantong.is_bureau() THEN
        RAISE EXCEPTION '角色 % 无权查询全局案件（请管理员运行 guantong server add-bureau %）/ role % may not search the bureau''s cases (the administrator runs guantong server add-bureau %)',
            session_user, session_user, session_user, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    pat := '%' || replace(replace(replace(coalesce(p_name, p_number, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
    RETURN QUERY
        SELECT c.office, c.number, c.signed_at, c.interview_date,
               CASE WHEN p_unmasked THEN c.applicant_name
                    -- as case::privacy::mask_name: the family name and a fixed **
                    ELSE coalesce(nullif(left(btrim(c.applicant_name), 1), '') || '**', '***') END,
               CASE WHEN p_unmasked
                    THEN (SELECT convert_from(r.body, 'UTF8')::jsonb->'applicant'->>'id_number'
                          FROM guantong.records r WHERE r.origin = c.origin AND r.seq = c.seq)
                    ELSE c.id_masked END,
               c.questionnaire_id, c.status, c.summary, c.money, c.clerk, c.clerk_name, c.amends
        FROM guantong.cases c
        WHERE (p_id_hash IS NULL OR c.id_hash = p_id_hash)
          AND (p_name IS NULL OR c.applicant_name LIKE pat)
          AND (p_number IS NULL OR c.number LIKE pat)
        ORDER BY c.signed_at DESC, c.number
        LIMIT CASE WHEN p_limit > 0 THEN p_limit END;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO guantong.audit (os_user, action, query, unmasked, results)
        VALUES (p_os_user, 'search',
                jsonb_strip_nulls(jsonb_build_object('name', p_name, 'id_hash', p_id_hash,
                    'id', p_id_shown, 'number', p_number, 'limit', p_limit)),
                p_unmasked, n);
END $$;

-- Cases per office, month, questionnaire, summary facts (pathway), status and summary
-- results (level), with the money due, for the days from p_from to p_to. Amended cases
-- count as their amendment. No personal data; logged.
CREATE FUNCTION guantong.report(p_from date, p_to date, p_os_user text)
RETURNS TABLE (office text, month text, questionnaire_id text, facts text, status text,
               results text, cases bigint, money bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    IF NOT guantong.is_bureau() THEN
        RAISE EXCEPTION '角色 % 无权查看全局报表 / role % may not see the bureau''s report',
            session_user, session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
        SELECT c.office, to_char(c.day, 'YYYY-MM'), c.questionnaire_id, c.summary_facts,
               c.status, c.summary_results, count(*), sum(c.money)::bigint
        FROM guantong.cases c
        WHERE c.day BETWEEN p_from AND p_to
          AND NOT EXISTS (SELECT 1 FROM guantong.cases a
                          WHERE a.origin = c.origin AND a.amends = c.number)
        GROUP BY 1, 2, 3, 4, 5, 6;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO guantong.audit (os_user, action, query, results)
        VALUES (p_os_user, 'report', jsonb_build_object('from', p_from, 'to', p_to), n);
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA guantong FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA guantong FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA guantong FROM PUBLIC;
"#;

/// What an office's role is granted (`{role}` replaced by the quoted role name).
pub const GRANT_OFFICE: &str = r#"
GRANT USAGE ON SCHEMA guantong TO {role};
GRANT SELECT, INSERT ON guantong.records TO {role};
GRANT SELECT ON guantong.clerk_keys, guantong.meta TO {role};
GRANT EXECUTE ON FUNCTION guantong.my_origin(), guantong.is_bureau(), guantong.is_owner(),
    guantong.claim(text, text, text), guantong.register_key(text, text, text),
    guantong.same_applicant(text, integer, text, text) TO {role};
"#;

/// What a bureau role (search, report) is granted.
pub const GRANT_BUREAU: &str = r#"
GRANT USAGE ON SCHEMA guantong TO {role};
GRANT SELECT ON guantong.clerk_keys, guantong.meta TO {role};
GRANT EXECUTE ON FUNCTION guantong.my_origin(), guantong.is_bureau(), guantong.is_owner(),
    guantong.same_applicant(text, integer, text, text),
    guantong.search(text, text, text, text, text, integer, boolean),
    guantong.report(date, date, text) TO {role};
"#;
