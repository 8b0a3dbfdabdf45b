-- Idempotency keys on the server side: a client sends `Idempotency-Key: <uuid>` with a
-- POST; a retry with the same key must not charge twice, but get the first answer. The
-- key is claimed in a short transaction of its own, the work happens, and the response
-- is stored: no transaction stays open while the work runs.
CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.key (
    -- Keys are unique per client (an API key or account id), never globally.
    client_id       text NOT NULL,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- A hash of method, path and body: the same key with another request is a client bug.
    request_hash    text NOT NULL,
    state           text NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'completed')),
    locked_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    response_status int CHECK (response_status BETWEEN 100 AND 599),
{%- if store_body %}
    response_body   jsonb,
{%- endif %}
    resource_id     text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_at    timestamptz,
    PRIMARY KEY (client_id, key),
    CHECK ((state = 'completed') = (completed_at IS NOT NULL AND response_status IS NOT NULL))
);
CREATE INDEX key_completed_at_idx ON {{ schema }}.key (completed_at) WHERE state = 'completed';

-- Claims a key or says why not. outcome:
--   proceed      the key is yours: do the work, then complete() or release()
--   replay       done before: answer with the stored response
--   conflict     the key was used for a different request: answer 422
--   in_progress  another worker is on it: answer 409 with Retry-After
-- A key in progress for more than {{ lock_timeout_seconds }} s was abandoned (its worker died) and is claimed again.
CREATE FUNCTION {{ schema }}.begin(p_client_id text, p_key text, p_request_hash text)
RETURNS TABLE (outcome text, response_status int, {% if store_body %}response_body jsonb, {% endif %}resource_id text)
LANGUAGE plpgsql AS $$
DECLARE
    k {{ schema }}.key;
BEGIN
    INSERT INTO {{ schema }}.key (client_id, key, request_hash) VALUES (p_client_id, p_key, p_request_hash)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN QUERY SELECT 'proceed'::text, NULL::int, {% if store_body %}NULL::jsonb, {% endif %}NULL::text;
        RETURN;
    END IF;
    SELECT * INTO k FROM {{ schema }}.key WHERE client_id = p_client_id AND key = p_key FOR UPDATE;
    IF k.request_hash <> p_request_hash THEN
        RETURN QUERY SELECT 'conflict'::text, NULL::int, {% if store_body %}NULL::jsonb, {% endif %}NULL::text;
    ELSIF k.state = 'completed' THEN
        RETURN QUERY SELECT 'replay'::text, k.response_status, {% if store_body %}k.response_body, {% endif %}k.resource_id;
    ELSIF k.locked_at < clock_timestamp() - interval '{{ lock_timeout_seconds }} seconds' THEN
        UPDATE {{ schema }}.key SET locked_at = clock_timestamp() WHERE client_id = p_client_id AND key = p_key;
        RETURN QUERY SELECT 'proceed'::text, NULL::int, {% if store_body %}NULL::jsonb, {% endif %}NULL::text;
    ELSE
        RETURN QUERY SELECT 'in_progress'::text, NULL::int, {% if store_body %}NULL::jsonb, {% endif %}NULL::text;
    END IF;
END
$$;

-- Stores the response of a claimed key. Store final errors (4xx) too, so retries get them;
-- for a failure worth retrying, release() instead.
CREATE FUNCTION {{ schema }}.complete(
    p_client_id text,
    p_key text,
    p_status int,
{%- if store_body %}
    p_body jsonb,
{%- endif %}
    p_resource_id text DEFAULT NULL
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {{ schema }}.key
       SET state = 'completed', response_status = p_status, {% if store_body %}response_body = p_body, {% endif %}resource_id = p_resource_id,
           completed_at = clock_timestamp()
     WHERE client_id = p_client_id AND key = p_key AND state = 'in_progress';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'idempotency key % of % is not in progress', p_key, p_client_id USING ERRCODE = 'no_data_found';
    END IF;
END
$$;

-- Gives a claimed key back (the work failed in a way the client may retry).
CREATE FUNCTION {{ schema }}.release(p_client_id text, p_key text) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM {{ schema }}.key WHERE client_id = p_client_id AND key = p_key AND state = 'in_progress'
$$;

-- Completed keys older than {{ retention_hours }} hours no longer answer retries: run it hourly.
CREATE FUNCTION {{ schema }}.purge() RETURNS bigint
LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM {{ schema }}.key
         WHERE state = 'completed' AND completed_at < clock_timestamp() - interval '{{ retention_hours }} hours'
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
