DO $$
DECLARE
    a uuid := {{ schema }}.uuidv7('2024-01-01 00:00:00+00');
    b uuid := {{ schema }}.uuidv7('2024-01-01 00:00:01+00');
    t timestamptz;
BEGIN
    IF substr(a::text, 15, 1) <> '7' THEN RAISE EXCEPTION 'not version 7: %', a; END IF;
    IF substr(a::text, 20, 1) NOT IN ('8', '9', 'a', 'b') THEN RAISE EXCEPTION 'wrong variant: %', a; END IF;
    IF NOT a < b THEN RAISE EXCEPTION 'ids do not sort by time: % %', a, b; END IF;
    t := {{ schema }}.uuidv7_time(a);
    IF t <> '2024-01-01 00:00:00+00' THEN RAISE EXCEPTION 'timestamp % read back as %', '2024-01-01', t; END IF;
    IF (SELECT count(DISTINCT {{ schema }}.uuidv7()) FROM generate_series(1, 1000)) <> 1000 THEN
        RAISE EXCEPTION 'duplicates in 1000 ids';
    END IF;
{%- if monotonic %}
    IF NOT {{ schema }}.uuidv7('2024-01-01 00:00:00.0001+00') < {{ schema }}.uuidv7('2024-01-01 00:00:00.0009+00') THEN
        RAISE EXCEPTION 'sub-millisecond order is not kept';
    END IF;
{%- endif %}
    INSERT INTO {{ example_table }} (title) VALUES ('first');
    DELETE FROM {{ example_table }};
END
$$;
