INSERT INTO sale (sold_at, {{ dimension }}, quantity, amount_cents) VALUES
    ('2024-03-04 10:15+00', 'a', 2, 1000),
    ('2024-03-04 10:45+00', 'a', 1, 500),
    ('2024-03-04 11:05+00', 'b', 5, 2500);

DO $$
DECLARE
    buckets int;
    revenue bigint;
BEGIN
    IF rollup_is_fresh() THEN RAISE EXCEPTION 'fresh before any refresh'; END IF;
    PERFORM refresh_sales_per_{{ grain }}();
    IF NOT rollup_is_fresh() THEN RAISE EXCEPTION 'not fresh right after a refresh'; END IF;
    SELECT count(*), sum(revenue_cents) INTO buckets, revenue FROM sales_per_{{ grain }};
    IF revenue <> 4000 THEN RAISE EXCEPTION 'revenue %, expected 4000', revenue; END IF;
{%- if grain == 'hour' %}
    IF buckets <> 2 THEN RAISE EXCEPTION 'expected 2 hourly buckets, got %', buckets; END IF;
{%- else %}
    IF buckets <> 2 THEN RAISE EXCEPTION 'expected one bucket per {{ dimension }}, got %', buckets; END IF;
{%- endif %}
END
$$;

-- A concurrent refresh works thanks to the unique index (outside the DO block: it cannot run in a function).
REFRESH MATERIALIZED VIEW CONCURRENTLY sales_per_{{ grain }};
DELETE FROM sale;
DELETE FROM rollup_refresh;
REFRESH MATERIALIZED VIEW sales_per_{{ grain }};
