CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE {% if unlogged %}UNLOGGED {% endif %}TABLE {{ schema }}.bucket (
    key        text PRIMARY KEY,
    tokens     double precision NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Takes `cost` tokens from the bucket of `key` if it holds enough; the row lock makes
-- concurrent callers queue on one key only. Returns whether the call is allowed and
-- how many seconds until that many tokens would be there.
CREATE FUNCTION {{ schema }}.take(
    p_key text,
    p_cost double precision DEFAULT 1,
    p_capacity double precision DEFAULT {{ capacity }},
    p_refill double precision DEFAULT {{ refill_per_second }}
) RETURNS TABLE (allowed boolean, remaining double precision, retry_after double precision)
LANGUAGE plpgsql AS $$
DECLARE
    now_ts timestamptz := clock_timestamp();
    b {{ schema }}.bucket;
    available double precision;
BEGIN
    INSERT INTO {{ schema }}.bucket (key, tokens, updated_at) VALUES (p_key, p_capacity, now_ts)
    ON CONFLICT (key) DO NOTHING;
    SELECT * INTO b FROM {{ schema }}.bucket WHERE key = p_key FOR UPDATE;
    available := least(p_capacity, b.tokens + extract(epoch FROM now_ts - b.updated_at) * p_refill);
    IF available >= p_cost THEN
        UPDATE {{ schema }}.bucket SET tokens = available - p_cost, updated_at = now_ts WHERE key = p_key;
        RETURN QUERY SELECT true, available - p_cost, 0::double precision;
    ELSE
        UPDATE {{ schema }}.bucket SET tokens = available, updated_at = now_ts WHERE key = p_key;
        RETURN QUERY SELECT false, available, (p_cost - available) / p_refill;
    END IF;
END
$$;

-- Buckets idle long enough to be full again carry no information: drop them.
CREATE FUNCTION {{ schema }}.prune() RETURNS bigint LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM {{ schema }}.bucket
         WHERE updated_at < clock_timestamp() - make_interval(secs => {{ capacity }} / {{ refill_per_second }})
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
