-- A legacy table whose integer column is fed by a bigint sequence, pushed past the alert
-- threshold of the column's range; a fresh identity column that is nowhere near it.
CREATE TABLE public.health_legacy (id integer NOT NULL);
CREATE SEQUENCE public.health_legacy_id_seq OWNED BY public.health_legacy.id;
ALTER TABLE public.health_legacy ALTER COLUMN id SET DEFAULT nextval('public.health_legacy_id_seq');
SELECT setval('public.health_legacy_id_seq', (2147483647::numeric * least({{ sequence_alert_percent }} + 1, 100) / 100)::bigint);
CREATE TABLE public.health_fresh (id bigint GENERATED ALWAYS AS IDENTITY, a int, b int);
INSERT INTO public.health_fresh (a, b) VALUES (1, 2);
-- Two indexes on the same column: one is redundant, and neither has been scanned.
CREATE INDEX health_fresh_a_idx ON public.health_fresh (a);
CREATE INDEX health_fresh_a_again_idx ON public.health_fresh (a);

DO $$
DECLARE
    r record;
BEGIN
    SELECT * INTO r FROM {{ schema }}.sequences_near_exhaustion WHERE sequence_name = 'public.health_legacy_id_seq';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'a sequence past {{ sequence_alert_percent }}%% of its integer column was not reported';
    END IF;
    IF r.effective_max <> 2147483647 OR r.column_type <> 'integer' OR r.table_name <> 'public.health_legacy' THEN
        RAISE EXCEPTION 'the limit should be the integer column''s, got % (%)', r.effective_max, r.column_type;
    END IF;
    IF EXISTS (SELECT 1 FROM {{ schema }}.sequences_near_exhaustion WHERE table_name = 'public.health_fresh') THEN
        RAISE EXCEPTION 'a fresh identity sequence was reported as nearly exhausted';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM {{ schema }}.duplicate_indexes WHERE table_name = 'public.health_fresh'::regclass) THEN
        RAISE EXCEPTION 'duplicate indexes were not reported';
    END IF;
    IF (SELECT count(*) FROM {{ schema }}.unused_indexes WHERE table_name = 'health_fresh') <> 2 THEN
        RAISE EXCEPTION 'both unscanned indexes should be reported as unused';
    END IF;
    -- The primary key of a table is never reported, scanned or not.
    IF EXISTS (SELECT 1 FROM {{ schema }}.unused_indexes WHERE index_name LIKE '%pkey') THEN
        RAISE EXCEPTION 'a primary key was reported as unused';
    END IF;
    IF (SELECT status FROM {{ schema }}.health_check() WHERE check_name = 'sequences') <> 'warn' THEN
        RAISE EXCEPTION 'health_check() did not warn about the sequence';
    END IF;
    IF (SELECT count(*) FROM {{ schema }}.health_check()) <> 7 THEN
        RAISE EXCEPTION 'health_check() should return one row per check';
    END IF;
    IF (SELECT hit_percent FROM {{ schema }}.cache_hit_ratio WHERE datname = current_database()) IS NULL THEN
        RAISE EXCEPTION 'no cache hit ratio for this database';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM {{ schema }}.xid_wraparound WHERE datname = current_database()) THEN
        RAISE EXCEPTION 'this database is missing from xid_wraparound';
    END IF;
END
$$;

-- Every view answers (the session ones are empty here: nothing runs long in a test).
SELECT count(*) FROM {{ schema }}.long_running_queries;
SELECT count(*) FROM {{ schema }}.idle_in_transaction;
SELECT count(*) FROM {{ schema }}.lock_waits;
SELECT count(*) FROM {{ schema }}.vacuum_backlog;
SELECT count(*) FROM {{ schema }}.replication_slots;
{%- if statements %}

-- top_queries returns rows only where pg_stat_statements is preloaded.
DO $$
BEGIN
    IF current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' THEN
        PERFORM count(*) FROM {{ schema }}.top_queries;
    ELSE
        RAISE NOTICE 'pg_stat_statements is not preloaded here: top_queries not queried';
    END IF;
END
$$;
{%- endif %}
{%- if monitoring_role != '' %}

-- The monitoring role reads every view, sees the sequence (through the definer
-- function), and cannot touch application data.
SET ROLE {{ monitoring_role }};
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {{ schema }}.sequences_near_exhaustion WHERE sequence_name = 'public.health_legacy_id_seq') THEN
        RAISE EXCEPTION '{{ monitoring_role }} does not see the exhausted sequence';
    END IF;
    PERFORM count(*) FROM {{ schema }}.health_check();
    PERFORM count(*) FROM {{ schema }}.unused_indexes;
    PERFORM count(*) FROM {{ schema }}.lock_waits;
    BEGIN
        PERFORM count(*) FROM public.health_fresh;
        RAISE EXCEPTION '{{ monitoring_role }} read an application table';
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
END
$$;
RESET ROLE;
{%- endif %}

DROP TABLE public.health_legacy, public.health_fresh;
