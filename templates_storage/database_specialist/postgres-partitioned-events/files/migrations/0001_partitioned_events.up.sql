CREATE TABLE {{ table_name }} (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamptz NOT NULL,
    source      text        NOT NULL,
    kind        text        NOT NULL,
    payload     jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- Rows outside every partition land here instead of failing the insert.
CREATE TABLE {{ table_name }}_default PARTITION OF {{ table_name }} DEFAULT;

CREATE INDEX ON {{ table_name }} (source, occurred_at DESC);
CREATE INDEX ON {{ table_name }} USING gin (payload jsonb_path_ops);

-- Creates the partitions from now to {{ premake }} {{ interval }}s ahead, and drops those
-- older than {{ retention }} {{ interval }}s. Run it daily (pg_cron, a job, a CronJob).
CREATE FUNCTION {{ table_name }}_maintain(at timestamptz DEFAULT now())
RETURNS TABLE (action text, partition text) LANGUAGE plpgsql AS $$
DECLARE
    step  interval := interval '1 {{ interval }}';
    start timestamptz := date_trunc('{{ interval }}', at);
    lo    timestamptz;
    part  record;
    name  text;
BEGIN
    FOR i IN 0..{{ premake }} LOOP
        lo := start + step * i;
        name := format('{{ table_name }}_p%s', to_char(lo, 'YYYYMMDD'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF {{ table_name }} FOR VALUES FROM (%L) TO (%L)',
                           name, lo, lo + step);
            action := 'created'; partition := name; RETURN NEXT;
        END IF;
    END LOOP;
    FOR part IN
        SELECT c.relname AS relname
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = '{{ table_name }}'::regclass AND c.relname ~ '_p[0-9]{8}$'
           AND to_timestamp(right(c.relname, 8), 'YYYYMMDD') < start - step * {{ retention }}
    LOOP
        EXECUTE format('ALTER TABLE {{ table_name }} DETACH PARTITION %I', part.relname);
        EXECUTE format('DROP TABLE %I', part.relname);
        action := 'dropped'; partition := part.relname; RETURN NEXT;
    END LOOP;
END
$$;

SELECT * FROM {{ table_name }}_maintain();
