CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.events (
    position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id   text        NOT NULL,
    version     int         NOT NULL CHECK (version > 0),
    type        text        NOT NULL,
    data        jsonb       NOT NULL,
    metadata    jsonb       NOT NULL DEFAULT '{}',
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, version)
);

-- Events are facts: never changed, never deleted.
CREATE FUNCTION {{ schema }}.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON {{ schema }}.events
    FOR EACH ROW EXECUTE FUNCTION {{ schema }}.forbid_change();

-- Appends events at expected_version + 1..n; fails with serialization_failure when the
-- stream moved (another writer won): reload the aggregate and retry.
CREATE FUNCTION {{ schema }}.append(p_stream text, p_expected int, p_events jsonb)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    current int;
    event jsonb;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('{{ schema }}:' || p_stream));
    SELECT coalesce(max(version), 0) INTO current FROM {{ schema }}.events WHERE stream_id = p_stream;
    IF current <> p_expected THEN
        RAISE EXCEPTION 'stream % is at version %, expected %', p_stream, current, p_expected
            USING ERRCODE = 'serialization_failure';
    END IF;
    FOR event IN SELECT * FROM jsonb_array_elements(p_events) LOOP
        current := current + 1;
        INSERT INTO {{ schema }}.events (stream_id, version, type, data, metadata)
        VALUES (p_stream, current, event ->> 'type', event -> 'data', coalesce(event -> 'metadata', '{}'));
    END LOOP;
{%- if notify_channel != '' %}
    PERFORM pg_notify('{{ notify_channel }}', p_stream || ':' || current);
{%- endif %}
    RETURN current;
END
$$;

CREATE FUNCTION {{ schema }}.read_stream(p_stream text, p_from int DEFAULT 1)
RETURNS SETOF {{ schema }}.events LANGUAGE sql STABLE AS $$
    SELECT * FROM {{ schema }}.events WHERE stream_id = p_stream AND version >= p_from ORDER BY version
$$;

-- Subscribers read everything after the last position they processed.
CREATE FUNCTION {{ schema }}.read_all(p_after bigint, p_limit int DEFAULT 500)
RETURNS SETOF {{ schema }}.events LANGUAGE sql STABLE AS $$
    SELECT * FROM {{ schema }}.events WHERE position > p_after ORDER BY position LIMIT p_limit
$$;
{%- if snapshots %}

CREATE TABLE {{ schema }}.snapshots (
    stream_id  text PRIMARY KEY,
    version    int   NOT NULL,
    state      jsonb NOT NULL,
    taken_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION {{ schema }}.save_snapshot(p_stream text, p_version int, p_state jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO {{ schema }}.snapshots (stream_id, version, state) VALUES (p_stream, p_version, p_state)
    ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, taken_at = now()
     WHERE {{ schema }}.snapshots.version < EXCLUDED.version
$$;
{%- endif %}
