CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TYPE {{ schema }}.job_state AS ENUM ('queued', 'running', 'done', 'dead');

CREATE TABLE {{ schema }}.job (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue       text        NOT NULL DEFAULT 'default',
    payload     jsonb       NOT NULL DEFAULT '{}',
    state       {{ schema }}.job_state NOT NULL DEFAULT 'queued',
    attempts    int         NOT NULL DEFAULT 0,
    run_at      timestamptz NOT NULL DEFAULT now(),
    locked_by   text,
    locked_at   timestamptz,
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

-- Workers scan only runnable jobs, oldest first.
CREATE INDEX job_runnable_idx ON {{ schema }}.job (queue, run_at) WHERE state = 'queued';

CREATE FUNCTION {{ schema }}.enqueue(p_queue text, p_payload jsonb, p_run_at timestamptz DEFAULT now())
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO {{ schema }}.job (queue, payload, run_at) VALUES (p_queue, p_payload, p_run_at)
    RETURNING id INTO new_id;
{%- if notify %}
    PERFORM pg_notify('{{ schema }}_' || p_queue, new_id::text);
{%- endif %}
    RETURN new_id;
END
$$;

-- Claims up to p_limit due jobs; concurrent workers never get the same job.
CREATE FUNCTION {{ schema }}.claim(p_queue text, p_worker text, p_limit int DEFAULT 1)
RETURNS SETOF {{ schema }}.job LANGUAGE sql AS $$
    UPDATE {{ schema }}.job j
       SET state = 'running', attempts = j.attempts + 1, locked_by = p_worker, locked_at = now()
     WHERE j.id IN (
           SELECT id FROM {{ schema }}.job
            WHERE queue = p_queue AND state = 'queued' AND run_at <= now()
            ORDER BY run_at, id
            LIMIT p_limit
            FOR UPDATE SKIP LOCKED)
    RETURNING j.*
$$;

CREATE FUNCTION {{ schema }}.complete(p_id bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE {{ schema }}.job SET state = 'done', finished_at = now(), locked_by = NULL
     WHERE id = p_id AND state = 'running'
$$;

-- A failed attempt is retried after {{ backoff_seconds }} s × 2^(attempt-1), dead after {{ max_attempts }} attempts.
CREATE FUNCTION {{ schema }}.fail(p_id bigint, p_error text) RETURNS {{ schema }}.job_state
LANGUAGE sql AS $$
    UPDATE {{ schema }}.job
       SET state = CASE WHEN attempts >= {{ max_attempts }} THEN 'dead'::{{ schema }}.job_state ELSE 'queued' END,
           run_at = now() + make_interval(secs => {{ backoff_seconds }} * power(2, attempts - 1)),
           last_error = p_error, locked_by = NULL, locked_at = NULL
     WHERE id = p_id AND state = 'running'
    RETURNING state
$$;

-- Jobs whose worker died: running for longer than p_timeout go back to the queue.
CREATE FUNCTION {{ schema }}.requeue_stuck(p_timeout interval DEFAULT interval '15 minutes')
RETURNS bigint LANGUAGE sql AS $$
    WITH back AS (
        UPDATE {{ schema }}.job SET state = 'queued', locked_by = NULL, locked_at = NULL
         WHERE state = 'running' AND locked_at < now() - p_timeout
        RETURNING 1)
    SELECT count(*) FROM back
$$;
