-- At top level (not in a transaction block), so the procedure commits batch by batch.
CALL {{ archive_schema }}.archive_{{ table_name }}();

DO $$
DECLARE
    log {{ archive_schema }}.run_log;
BEGIN
    SELECT * INTO log FROM {{ archive_schema }}.run_log ORDER BY id DESC LIMIT 1;
    IF log.moved <> {{ batch_size | times: 2 | plus: 3 }} THEN RAISE EXCEPTION 'moved %, expected {{ batch_size | times: 2 | plus: 3 }}', log.moved; END IF;
    IF log.batches <> 3 THEN RAISE EXCEPTION 'expected 3 batches of at most {{ batch_size }}, got %', log.batches; END IF;
    IF (SELECT count(*) FROM {{ archive_schema }}.{{ table_name }}) <> log.moved THEN RAISE EXCEPTION 'archive count differs'; END IF;
    IF (SELECT count(*) FROM {{ table_name }}) <> 1 THEN RAISE EXCEPTION 'the recent row was archived'; END IF;
END
$$;

DELETE FROM {{ archive_schema }}.{{ table_name }};
DELETE FROM {{ archive_schema }}.run_log;
DELETE FROM {{ table_name }};
