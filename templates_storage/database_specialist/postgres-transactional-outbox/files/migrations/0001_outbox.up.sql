CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    event_type     text        NOT NULL,
    payload        jsonb       NOT NULL,
    headers        jsonb       NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz
);

CREATE INDEX outbox_pending_idx ON {{ schema }}.outbox (id) WHERE published_at IS NULL;
{%- if ordering == 'per_aggregate' %}
CREATE INDEX outbox_aggregate_idx ON {{ schema }}.outbox (aggregate_type, aggregate_id, id);
{%- endif %}

-- Write it in the transaction that changes the aggregate.
CREATE FUNCTION {{ schema }}.emit(p_type text, p_id text, p_event text, p_payload jsonb, p_headers jsonb DEFAULT '{}')
RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO {{ schema }}.outbox (aggregate_type, aggregate_id, event_type, payload, headers)
    VALUES (p_type, p_id, p_event, p_payload, p_headers)
    RETURNING id
$$;

-- The relay: take a batch, publish it to the broker, then mark_published() the ids.
{%- if ordering == 'global' %}
-- Global order: one relay at a time (an advisory lock), oldest first.
CREATE FUNCTION {{ schema }}.next_batch(p_limit int DEFAULT 100)
RETURNS SETOF {{ schema }}.outbox LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('{{ schema }}.outbox')) THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM {{ schema }}.outbox WHERE published_at IS NULL ORDER BY id LIMIT p_limit;
END
$$;
{%- else %}
-- Per-aggregate order: only the oldest pending message of each aggregate is handed out,
-- and SKIP LOCKED lets several relays work on different aggregates.
CREATE FUNCTION {{ schema }}.next_batch(p_limit int DEFAULT 100)
RETURNS SETOF {{ schema }}.outbox LANGUAGE sql AS $$
    SELECT o.* FROM {{ schema }}.outbox o
     WHERE o.published_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM {{ schema }}.outbox e
                        WHERE e.aggregate_type = o.aggregate_type AND e.aggregate_id = o.aggregate_id
                          AND e.published_at IS NULL AND e.id < o.id)
     ORDER BY o.id
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED
$$;
{%- endif %}

CREATE FUNCTION {{ schema }}.mark_published(p_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE {{ schema }}.outbox SET published_at = now() WHERE id = ANY (p_ids) AND published_at IS NULL
$$;

CREATE FUNCTION {{ schema }}.cleanup() RETURNS bigint LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM {{ schema }}.outbox
         WHERE published_at < now() - interval '{{ keep_published_hours }} hours'
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
