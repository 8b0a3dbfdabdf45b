-- Masked views of personal data. The source tables stay as they are; readers get views
-- in {{ masked_schema }} built from per-column rules, and no access to the tables themselves.
CREATE SCHEMA IF NOT EXISTS {{ schema }};
CREATE SCHEMA IF NOT EXISTS {{ masked_schema }};
REVOKE ALL ON SCHEMA {{ schema }} FROM PUBLIC;

-- The pseudonymization key: 256 random bits made once at install (gen_random_uuid is in
-- core since PostgreSQL 13). Readable by the schema owner only; rotating it changes every
-- pseudonym.
CREATE TABLE {{ schema }}.key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    secret    bytea NOT NULL
);
INSERT INTO {{ schema }}.key (secret)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
REVOKE ALL ON {{ schema }}.key FROM PUBLIC;

-- A stable pseudonym: the same input gives the same output (joins and counts still
-- work), and without the key it cannot be reversed by hashing guesses. SECURITY DEFINER
-- so callers never read the key.
CREATE FUNCTION {{ schema }}.pseudonym(value text) RETURNS text
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT left(encode(sha256((SELECT secret FROM {{ schema }}.key) || convert_to(value, 'UTF8')), 'hex'), 16)
$$;

CREATE FUNCTION {{ schema }}.email(value text) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
{%- if keep_email_domain %}
    -- The domain stays (which companies use the product); the person does not.
    SELECT 'u_' || left({{ schema }}.pseudonym(lower(value)), 8) || '@'
           || coalesce(nullif(split_part(lower(value), '@', 2), ''), 'invalid.example')
{%- else %}
    SELECT 'u_' || left({{ schema }}.pseudonym(lower(value)), 8) || '@example.invalid'
{%- endif %}
$$;

-- Every digit but the last two becomes X: enough for "the number ending in 45".
CREATE FUNCTION {{ schema }}.phone(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN length(regexp_replace(value, '\D', '', 'g')) <= 2 THEN regexp_replace(value, '\d', 'X', 'g')
                ELSE regexp_replace(
                         left(value, length(value) - length(substring(value FROM '\d[^\d]*\d[^\d]*$'))),
                         '\d', 'X', 'g')
                     || substring(value FROM '\d[^\d]*\d[^\d]*$')
           END
$$;

-- First letter of each word: "Ada Lovelace" becomes "A. L.".
CREATE FUNCTION {{ schema }}.name(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT string_agg(left(word, 1) || '.', ' ' ORDER BY n)
      FROM regexp_split_to_table(btrim(value), '\s+') WITH ORDINALITY AS w(word, n)
     WHERE word <> ''
$$;

-- Dates generalised to the first of January: ages and cohorts, not birthdays.
CREATE FUNCTION {{ schema }}.year(value date) RETURNS date
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT make_date(extract(year FROM value)::int, 1, 1)
$$;

-- One rule per column that needs masking. Methods: keep, email, phone, name, pseudonym,
-- year (date columns), redact (a fixed text), null.
CREATE TABLE {{ schema }}.rule (
    source      regclass NOT NULL,
    column_name name NOT NULL,
    method      text NOT NULL CHECK (method IN ('keep', 'email', 'phone', 'name', 'pseudonym', 'year', 'redact', 'null')),
    PRIMARY KEY (source, column_name)
);

-- (Re)creates {{ masked_schema }}.<table> for one source table from its rules. Columns
-- without a rule are {% if unlisted_columns == 'null' %}NULL: a column added later stays hidden until someone writes its rule{% else %}passed through unchanged{% endif %}.
CREATE PROCEDURE {{ schema }}.build_view(p_source regclass)
LANGUAGE plpgsql AS $$
DECLARE
    col record;
    expressions text[] := '{}';
    expression text;
    view_name text := (SELECT relname FROM pg_class WHERE oid = p_source);
    unknown text;
BEGIN
    SELECT string_agg(r.column_name, ', ') INTO unknown
      FROM {{ schema }}.rule r
     WHERE r.source = p_source
       AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                        WHERE a.attrelid = p_source AND a.attname = r.column_name AND a.attnum > 0 AND NOT a.attisdropped);
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'rules name columns % does not have: %', p_source, unknown USING ERRCODE = 'undefined_column';
    END IF;
    FOR col IN
        SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, r.method
          FROM pg_attribute a
          LEFT JOIN {{ schema }}.rule r ON r.source = p_source AND r.column_name = a.attname
         WHERE a.attrelid = p_source AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
    LOOP
        expression := CASE coalesce(col.method, '{{ unlisted_columns }}')
            WHEN 'keep' THEN format('%I', col.attname)
            WHEN 'email' THEN format('{{ schema }}.email(%I::text)', col.attname)
            WHEN 'phone' THEN format('{{ schema }}.phone(%I::text)', col.attname)
            WHEN 'name' THEN format('{{ schema }}.name(%I::text)', col.attname)
            WHEN 'pseudonym' THEN format('{{ schema }}.pseudonym(%I::text)', col.attname)
            WHEN 'year' THEN format('{{ schema }}.year(%I::date)', col.attname)
            WHEN 'redact' THEN format('CASE WHEN %I IS NULL THEN NULL ELSE ''[redacted]'' END', col.attname)
            ELSE format('NULL::%s', col.type)
        END;
        expressions := expressions || format('%s AS %I', expression, col.attname);
    END LOOP;
    EXECUTE format('DROP VIEW IF EXISTS {{ masked_schema }}.%I', view_name);
    -- security_barrier: a reader's own functions in WHERE cannot see rows or values before masking.
    EXECUTE format('CREATE VIEW {{ masked_schema }}.%I WITH (security_barrier) AS SELECT %s FROM %s',
                   view_name, array_to_string(expressions, ', '), p_source);
{%- if reader_role != '' %}
    EXECUTE format('GRANT SELECT ON {{ masked_schema }}.%I TO {{ reader_role }}', view_name);
{%- endif %}
END
$$;

-- Rebuilds the view of every table that has rules: run it after changing rules or tables.
CREATE PROCEDURE {{ schema }}.build_all()
LANGUAGE plpgsql AS $$
DECLARE
    src regclass;
BEGIN
    FOR src IN SELECT DISTINCT source FROM {{ schema }}.rule LOOP
        CALL {{ schema }}.build_view(src);
    END LOOP;
END
$$;
{%- if reader_role != '' %}

-- The reader: the masked views and the masking functions they call, nothing else.
-- Roles are cluster-wide: created when missing, left in place by the down migration.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ reader_role }}') THEN
        CREATE ROLE {{ reader_role }} NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA {{ masked_schema }}, {{ schema }} TO {{ reader_role }};
{%- endif %}
