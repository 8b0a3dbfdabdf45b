DO $$
DECLARE
    parts int;
    routed text;
BEGIN
    SELECT count(*) INTO parts FROM pg_inherits WHERE inhparent = '{{ table_name }}'::regclass;
    -- The default partition plus now and {{ premake }} ahead.
    IF parts <> {{ premake | plus: 2 }} THEN RAISE EXCEPTION 'expected {{ premake | plus: 2 }} partitions, got %', parts; END IF;

    INSERT INTO {{ table_name }} (occurred_at, source, kind) VALUES (now(), 'test', 'ping');
    SELECT tableoid::regclass::text INTO routed FROM {{ table_name }} WHERE source = 'test';
    IF routed NOT LIKE '{{ table_name }}_p%' THEN RAISE EXCEPTION 'row routed to %, not a dated partition', routed; END IF;

    -- Maintenance far in the future drops everything older than the retention.
    PERFORM {{ table_name }}_maintain(now() + interval '1 {{ interval }}' * ({{ retention }} + {{ premake }} + 2));
    IF EXISTS (SELECT 1 FROM {{ table_name }} WHERE source = 'test') THEN
        RAISE EXCEPTION 'an expired partition was kept';
    END IF;
END
$$;
