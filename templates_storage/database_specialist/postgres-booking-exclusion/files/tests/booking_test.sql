-- Each DO block runs in its own transaction (the test runs statement by statement).
INSERT INTO {{ schema }}.{{ resource }} (name, opens_at, closes_at) VALUES ('first', '09:00', '18:00'), ('second', '09:00', '18:00');

DO $$
DECLARE
    r1 bigint := (SELECT id FROM {{ schema }}.{{ resource }} WHERE name = 'first');
    r2 bigint := (SELECT id FROM {{ schema }}.{{ resource }} WHERE name = 'second');
    -- Local times on a fixed day in {{ time_zone }}.
    at10 timestamptz := '2030-01-07 10:00'::timestamp AT TIME ZONE '{{ time_zone }}';
    at11 timestamptz := '2030-01-07 11:00'::timestamp AT TIME ZONE '{{ time_zone }}';
    first_booking bigint;
    next_free timestamptz;
BEGIN
    first_booking := {{ schema }}.book(r1, at10, at11, 'alice');

    BEGIN
        PERFORM {{ schema }}.book(r1, at10 - interval '1 hour', at11, 'bob');
        RAISE EXCEPTION 'an overlapping booking was accepted';
    EXCEPTION WHEN exclusion_violation THEN
        NULL;
    END;
    -- The same hours on another {{ resource }} are free.
    PERFORM {{ schema }}.book(r2, at10, at11, 'bob');

    BEGIN
        PERFORM {{ schema }}.book(r1, at10 + interval '5 minutes', at11 + interval '2 hours', 'carol');
        RAISE EXCEPTION 'a booking off the {{ slot_minutes }}-minute grid was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
{%- if turnover_minutes > 0 %}

    -- {{ turnover_minutes }} minutes of turnover: the next booking starts on the first slot after it.
    BEGIN
        PERFORM {{ schema }}.book(r1, at11, at11 + interval '{{ slot_minutes }} minutes', 'dave');
        RAISE EXCEPTION 'a booking inside the turnover time was accepted';
    EXCEPTION WHEN exclusion_violation THEN
        NULL;
    END;
    next_free := at11 + ceil({{ turnover_minutes }} / {{ slot_minutes }}.0) * interval '{{ slot_minutes }} minutes';
{%- else %}

    -- Half-open ranges: a booking may start when the previous one ends.
    next_free := at11;
{%- endif %}
    PERFORM {{ schema }}.book(r1, next_free, next_free + interval '{{ slot_minutes }} minutes', 'dave');

    -- A cancelled booking frees its slot.
    PERFORM {{ schema }}.cancel(first_booking);
    PERFORM {{ schema }}.book(r1, at10, at11, 'erin');
END
$$;
{%- if holds %}

-- Holds block a slot until they expire; an expired hold cannot be confirmed.
DO $$
DECLARE
    r1 bigint := (SELECT id FROM {{ schema }}.{{ resource }} WHERE name = 'first');
    at14 timestamptz := '2030-01-07 14:00'::timestamp AT TIME ZONE '{{ time_zone }}';
    hold bigint;
    live bigint;
BEGIN
    hold := {{ schema }}.book(r1, at14, at14 + interval '1 hour', 'frank', p_hold => true);
    BEGIN
        PERFORM {{ schema }}.book(r1, at14, at14 + interval '1 hour', 'grace');
        RAISE EXCEPTION 'a live hold did not block its slot';
    EXCEPTION WHEN exclusion_violation THEN
        NULL;
    END;
    -- Let the hold run out.
    UPDATE {{ schema }}.{{ resource }}_booking SET hold_expires_at = clock_timestamp() - interval '1 second' WHERE id = hold;
    BEGIN
        PERFORM {{ schema }}.confirm(hold);
        RAISE EXCEPTION 'an expired hold was confirmed';
    EXCEPTION WHEN no_data_found THEN
        NULL;
    END;
    live := {{ schema }}.book(r1, at14, at14 + interval '1 hour', 'grace', p_hold => true);
    IF (SELECT status FROM {{ schema }}.{{ resource }}_booking WHERE id = hold) <> 'cancelled' THEN
        RAISE EXCEPTION 'booking over an expired hold did not release it';
    END IF;
    PERFORM {{ schema }}.confirm(live);
    IF (SELECT status FROM {{ schema }}.{{ resource }}_booking WHERE id = live) <> 'confirmed' THEN
        RAISE EXCEPTION 'a live hold was not confirmed';
    END IF;
END
$$;
{%- endif %}

-- free_slots: an empty day lists every slot of the opening hours in {{ time_zone }}, and
-- every slot it lists for a busy day can really be booked.
DO $$
DECLARE
    r1 bigint := (SELECT id FROM {{ schema }}.{{ resource }} WHERE name = 'first');
    r3 bigint;
    day date := '2030-01-07';
    slot record;
    listed int := 0;
BEGIN
    INSERT INTO {{ schema }}.{{ resource }} (name) VALUES ('third') RETURNING id INTO r3;
    IF (SELECT count(*) FROM {{ schema }}.free_slots(r3, day)) <> 9 * 60 / {{ slot_minutes }} THEN
        RAISE EXCEPTION 'an empty day should have % free slots', 9 * 60 / {{ slot_minutes }};
    END IF;
    IF (SELECT min(slot_start) FROM {{ schema }}.free_slots(r3, day)) <> '2030-01-07 09:00'::timestamp AT TIME ZONE '{{ time_zone }}' THEN
        RAISE EXCEPTION 'the first slot is not at opening time in {{ time_zone }}';
    END IF;
    IF EXISTS (SELECT 1 FROM {{ schema }}.free_slots(r1, day)
                WHERE slot_start = '2030-01-07 10:00'::timestamp AT TIME ZONE '{{ time_zone }}') THEN
        RAISE EXCEPTION 'a booked slot was listed as free';
    END IF;
    FOR slot IN SELECT * FROM {{ schema }}.free_slots(r1, day) LOOP
        listed := listed + 1;
        BEGIN
            PERFORM {{ schema }}.book(r1, slot.slot_start, slot.slot_end, 'probe');
            -- Undo the probe booking: only the subtransaction rolls back.
            RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'probe';
        EXCEPTION
            WHEN exclusion_violation THEN
                RAISE EXCEPTION 'free_slots listed % which cannot be booked', slot.slot_start;
            WHEN no_data_found THEN
                NULL;
        END;
    END LOOP;
    IF listed = 0 OR listed >= 9 * 60 / {{ slot_minutes }} THEN
        RAISE EXCEPTION 'a busy day listed % free slots', listed;
    END IF;
END
$$;
