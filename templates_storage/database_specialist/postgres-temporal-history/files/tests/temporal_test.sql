{%- assign history = table_name | append: history_suffix %}
DO $$
DECLARE
    before_upgrade timestamptz;
    tier_then text;
BEGIN
    INSERT INTO {{ table_name }} (id, name, email) VALUES (1, 'Ada', 'ada@example.com');
    PERFORM pg_sleep(0.01);
    before_upgrade := clock_timestamp();
    PERFORM pg_sleep(0.01);
    UPDATE {{ table_name }} SET tier = 'gold' WHERE id = 1;
    SELECT tier INTO tier_then FROM {{ table_name }}_as_of(before_upgrade) WHERE id = 1;
    IF tier_then <> 'standard' THEN RAISE EXCEPTION 'as_of returned %, expected standard', tier_then; END IF;
    IF (SELECT tier FROM {{ table_name }}_as_of(clock_timestamp()) WHERE id = 1) <> 'gold' THEN
        RAISE EXCEPTION 'as_of(now) does not show the current row';
    END IF;
    DELETE FROM {{ table_name }} WHERE id = 1;
    IF (SELECT count(*) FROM {{ history }} WHERE id = 1) <> 2 THEN
        RAISE EXCEPTION 'expected two past versions';
    END IF;
{%- if track_user %}
    IF EXISTS (SELECT 1 FROM {{ history }} WHERE ended_by IS DISTINCT FROM current_user) THEN
        RAISE EXCEPTION 'ended_by not recorded';
    END IF;
{%- endif %}
    DELETE FROM {{ history }};
END
$$;
