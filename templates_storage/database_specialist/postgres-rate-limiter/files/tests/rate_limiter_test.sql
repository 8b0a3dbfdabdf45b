DO $$
DECLARE
    r record;
    allowed_count int := 0;
BEGIN
    FOR i IN 1..{{ capacity | plus: 5 }} LOOP
        SELECT * INTO r FROM {{ schema }}.take('client-1:search');
        IF r.allowed THEN allowed_count := allowed_count + 1; END IF;
    END LOOP;
    -- A burst gets the capacity (plus what refilled during the loop, at most a few tokens).
    IF allowed_count < {{ capacity }} OR allowed_count > {{ capacity | plus: 5 }} THEN
        RAISE EXCEPTION 'burst allowed % calls, capacity is {{ capacity }}', allowed_count;
    END IF;
    SELECT * INTO r FROM {{ schema }}.take('client-1:search', {{ capacity }});
    IF r.allowed OR r.retry_after <= 0 THEN RAISE EXCEPTION 'an empty bucket allowed a full-size call'; END IF;
    SELECT * INTO r FROM {{ schema }}.take('client-2:search');
    IF NOT r.allowed THEN RAISE EXCEPTION 'one client''s limit applied to another'; END IF;
    UPDATE {{ schema }}.bucket SET updated_at = updated_at - interval '1 day';
    IF {{ schema }}.prune() <> 2 THEN RAISE EXCEPTION 'prune() should drop both idle buckets'; END IF;
END
$$;
