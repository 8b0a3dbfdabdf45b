-- Typing helpers: NULL instead of an error, so one bad value quarantines one row.
CREATE FUNCTION landing.try_numeric(value text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN value::numeric;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE FUNCTION landing.try_timestamptz(value text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN value::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- Loads landing.{{ source_name }} into mart.fact_{{ source_name }} and mart.daily_{{ source_name }}.
-- {% if load_mode == 'incremental' %}Incremental: only rows loaded after the last run's watermark are read; a newer
-- version of a record (later updated_at) replaces the stored one, an older one is ignored.{% else %}Full refresh: the mart and the quarantine are rebuilt from every landing row, so a
-- fix to the rules applies to history on the next run.{% endif %}
-- Duplicates of a record_id within one batch: {% if duplicate_policy == 'latest_wins' %}the latest updated_at wins.{% else %}every copy is quarantined (the feed must not send them).{% endif %}
CREATE FUNCTION mart.load_{{ source_name }}() RETURNS mart.load_runs
LANGUAGE plpgsql AS $$
DECLARE
    v_watermark   timestamptz;
    v_read        integer;
    v_loaded      integer;
    v_quarantined integer;
    v_run         mart.load_runs;
BEGIN
    -- Two concurrent runs would race on the watermark and the daily totals.
    PERFORM pg_advisory_xact_lock(hashtext('mart.load_{{ source_name }}'));
{%- if load_mode == 'incremental' %}
    SELECT max(watermark) INTO v_watermark FROM mart.load_runs WHERE source = '{{ source_name }}';
{%- else %}
    TRUNCATE mart.fact_{{ source_name }}, mart.daily_{{ source_name }};
    DELETE FROM landing.{{ source_name }}_quarantine;
{%- endif %}

    DROP TABLE IF EXISTS pg_temp.candidates;
    CREATE TEMP TABLE candidates AS
    SELECT l.landing_id, l.batch_id, l.loaded_at, nullif(btrim(l.record_id), '') AS record_id,
           l.customer_id, l.currency,
           landing.try_numeric(l.amount) AS amount,
           landing.try_timestamptz(l.occurred_at) AS occurred_at,
           landing.try_timestamptz(l.updated_at) AS updated_at
    FROM landing.{{ source_name }} l
    WHERE v_watermark IS NULL OR l.loaded_at > v_watermark;
    GET DIAGNOSTICS v_read = ROW_COUNT;

    INSERT INTO landing.{{ source_name }}_quarantine (landing_id, batch_id, record_id, reason)
    SELECT c.landing_id, c.batch_id, c.record_id, r.reason
    FROM (SELECT *, count(*) OVER (PARTITION BY batch_id, record_id) AS copies FROM candidates) c
    CROSS JOIN LATERAL (VALUES
        (CASE WHEN c.record_id IS NULL THEN 'missing record_id' END),
        (CASE WHEN c.customer_id IS NULL OR c.customer_id !~ '^[0-9]{1,18}$' THEN 'customer_id is not a number' END),
        (CASE WHEN c.amount IS NULL THEN 'amount is not a number'
              WHEN c.amount < 0 THEN 'negative amount'
              WHEN c.amount > {{ max_amount }} THEN 'amount above {{ max_amount }}' END),
        (CASE WHEN c.currency IS DISTINCT FROM '{{ currency }}' THEN 'currency is not {{ currency }}' END),
        (CASE WHEN c.occurred_at IS NULL OR c.updated_at IS NULL THEN 'timestamp is not valid' END)
{%- if duplicate_policy == 'quarantine' %},
        (CASE WHEN c.record_id IS NOT NULL AND c.copies > 1
              THEN 'duplicate record_id in batch' END)
{%- endif %}
    ) AS r(reason)
    WHERE r.reason IS NOT NULL;

    SELECT count(DISTINCT q.landing_id) INTO v_quarantined
    FROM landing.{{ source_name }}_quarantine q JOIN candidates c USING (landing_id);

    -- Days whose totals change: where the touched records were, and where they will be.
    DROP TABLE IF EXISTS pg_temp.chosen;
    CREATE TEMP TABLE chosen AS
    SELECT DISTINCT ON (c.record_id) c.*
    FROM candidates c
    WHERE NOT EXISTS (SELECT 1 FROM landing.{{ source_name }}_quarantine q WHERE q.landing_id = c.landing_id)
    ORDER BY c.record_id, c.updated_at DESC, c.landing_id DESC;

    DROP TABLE IF EXISTS pg_temp.touched_days;
    CREATE TEMP TABLE touched_days AS
    SELECT (f.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM mart.fact_{{ source_name }} f JOIN chosen USING (record_id)
    UNION
    SELECT (occurred_at AT TIME ZONE 'UTC')::date FROM chosen;

    INSERT INTO mart.fact_{{ source_name }} AS f
        (record_id, customer_id, amount, currency, occurred_at, updated_at, landing_id)
    SELECT record_id, customer_id::bigint, round(amount, 2), currency, occurred_at, updated_at, landing_id
    FROM chosen
    ON CONFLICT (record_id) DO UPDATE
        SET customer_id = excluded.customer_id, amount = excluded.amount, currency = excluded.currency,
            occurred_at = excluded.occurred_at, updated_at = excluded.updated_at,
            landing_id = excluded.landing_id
        -- A late, older version must not overwrite a newer one.
        WHERE excluded.updated_at > f.updated_at;
    GET DIAGNOSTICS v_loaded = ROW_COUNT;

    DELETE FROM mart.daily_{{ source_name }} WHERE day IN (SELECT day FROM touched_days);
    INSERT INTO mart.daily_{{ source_name }} (day, record_count, total_amount)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, count(*), sum(amount)
    FROM mart.fact_{{ source_name }}
    WHERE (occurred_at AT TIME ZONE 'UTC')::date IN (SELECT day FROM touched_days)
    GROUP BY 1;

    INSERT INTO mart.load_runs (source, read_rows, loaded_rows, quarantined, watermark)
    VALUES ('{{ source_name }}', v_read, v_loaded, v_quarantined,
            {% if load_mode == 'incremental' %}coalesce((SELECT max(loaded_at) FROM candidates), v_watermark){% else %}NULL{% endif %})
    RETURNING * INTO v_run;
    RETURN v_run;
END
$$;
