DO $$
DECLARE
    first_id bigint;
    claimed {{ schema }}.job;
    state {{ schema }}.job_state;
    i int;
BEGIN
    first_id := {{ schema }}.enqueue('mail', '{"to": "a@example.com"}');
    PERFORM {{ schema }}.enqueue('mail', '{"to": "b@example.com"}', now() + interval '1 hour');

    SELECT * INTO claimed FROM {{ schema }}.claim('mail', 'worker-1', 10);
    IF claimed.id <> first_id OR claimed.attempts <> 1 THEN
        RAISE EXCEPTION 'expected job % claimed once, got % (% attempts)', first_id, claimed.id, claimed.attempts;
    END IF;
    IF (SELECT count(*) FROM {{ schema }}.claim('mail', 'worker-2', 10)) <> 0 THEN
        RAISE EXCEPTION 'a running or future job was claimed twice';
    END IF;

    -- Fail it until it is dead: {{ max_attempts }} attempts in all.
    FOR i IN 1..{{ max_attempts }} LOOP
        IF i > 1 THEN
            UPDATE {{ schema }}.job SET run_at = now() WHERE id = first_id;
            PERFORM {{ schema }}.claim('mail', 'worker-1');
        END IF;
        state := {{ schema }}.fail(first_id, 'smtp timeout');
    END LOOP;
    IF state <> 'dead' THEN RAISE EXCEPTION 'expected dead after {{ max_attempts }} attempts, got %', state; END IF;

    PERFORM {{ schema }}.complete(first_id);
    IF (SELECT j.state FROM {{ schema }}.job j WHERE id = first_id) <> 'dead' THEN
        RAISE EXCEPTION 'a dead job must not complete';
    END IF;
    DELETE FROM {{ schema }}.job;
END
$$;
