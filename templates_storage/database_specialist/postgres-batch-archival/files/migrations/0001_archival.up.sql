CREATE TABLE IF NOT EXISTS {{ table_name }} (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL,
    total_cents bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS {{ table_name }}_created_at_idx ON {{ table_name }} (created_at);

CREATE SCHEMA IF NOT EXISTS {{ archive_schema }};
-- Same columns, no identity or defaults: rows keep the values they had.
CREATE TABLE {{ archive_schema }}.{{ table_name }} (LIKE {{ table_name }});
ALTER TABLE {{ archive_schema }}.{{ table_name }} ADD PRIMARY KEY (id);
ALTER TABLE {{ archive_schema }}.{{ table_name }} ADD COLUMN archived_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE {{ archive_schema }}.run_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    cutoff    timestamptz NOT NULL,
    moved     bigint NOT NULL,
    batches   int NOT NULL,
    started   timestamptz NOT NULL,
    finished  timestamptz NOT NULL
);

-- Moves rows older than the cutoff, {{ batch_size }} at a time. Call it with CALL (not
-- in a transaction block) so each batch commits and locks stay short.
CREATE PROCEDURE {{ archive_schema }}.archive_{{ table_name }}(older_than interval DEFAULT interval '{{ age_days }} days')
LANGUAGE plpgsql AS $$
DECLARE
    cutoff timestamptz := now() - older_than;
    started timestamptz := clock_timestamp();
    moved bigint := 0;
    batches int := 0;
    n bigint;
BEGIN
    SET LOCAL lock_timeout = '5s';
    LOOP
        WITH batch AS (
            DELETE FROM {{ table_name }}
             WHERE id IN (SELECT id FROM {{ table_name }} WHERE created_at < cutoff
                           ORDER BY created_at LIMIT {{ batch_size }} FOR UPDATE SKIP LOCKED)
            RETURNING *)
        INSERT INTO {{ archive_schema }}.{{ table_name }} SELECT *, now() FROM batch;
        GET DIAGNOSTICS n = ROW_COUNT;
        EXIT WHEN n = 0;
        moved := moved + n;
        batches := batches + 1;
        COMMIT;
    END LOOP;
    INSERT INTO {{ archive_schema }}.run_log (table_name, cutoff, moved, batches, started, finished)
    VALUES ('{{ table_name }}', cutoff, moved, batches, started, clock_timestamp());
END
$$;
