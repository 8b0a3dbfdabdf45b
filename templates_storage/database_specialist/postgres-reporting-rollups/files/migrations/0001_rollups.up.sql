CREATE TABLE sale (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sold_at     timestamptz NOT NULL,
    {{ dimension }} text NOT NULL,
    quantity    int NOT NULL CHECK (quantity > 0),
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0)
);
CREATE INDEX sale_sold_at_idx ON sale (sold_at);

CREATE MATERIALIZED VIEW sales_per_{{ grain }} AS
SELECT date_trunc('{{ grain }}', sold_at) AS bucket,
       {{ dimension }},
       count(*)          AS sales,
       sum(quantity)     AS units,
       sum(amount_cents) AS revenue_cents
  FROM sale
 GROUP BY 1, 2
WITH DATA;

-- REFRESH ... CONCURRENTLY needs a unique index; readers are never blocked by a refresh.
CREATE UNIQUE INDEX sales_per_{{ grain }}_key ON sales_per_{{ grain }} (bucket, {{ dimension }});

CREATE TABLE rollup_refresh (
    view_name    text PRIMARY KEY,
    refreshed_at timestamptz NOT NULL,
    duration     interval NOT NULL
);

CREATE FUNCTION refresh_sales_per_{{ grain }}() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz := clock_timestamp();
BEGIN
    REFRESH MATERIALIZED VIEW sales_per_{{ grain }};
    INSERT INTO rollup_refresh VALUES ('sales_per_{{ grain }}', now(), clock_timestamp() - started)
    ON CONFLICT (view_name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, duration = EXCLUDED.duration;
END
$$;

CREATE FUNCTION rollup_is_fresh() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT refreshed_at > now() - interval '{{ stale_after_minutes }} minutes'
           FROM rollup_refresh WHERE view_name = 'sales_per_{{ grain }}'),
        false)
$$;
