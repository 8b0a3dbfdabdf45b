-- Bookings of {{ resource }}s that can never overlap: the EXCLUDE constraint makes
-- PostgreSQL itself refuse a second booking of the same {{ resource }} for an overlapping
-- time, however many application servers race for the slot.
-- btree_gist lets one GiST index combine equality on the {{ resource }} with range overlap.
-- It is left in place by the down migration: other schemas may use it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.{{ resource }} (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name      text NOT NULL UNIQUE,
    -- Opening hours in {{ time_zone }}, the same every day.
    opens_at  time NOT NULL DEFAULT '09:00',
    closes_at time NOT NULL DEFAULT '18:00',
    CHECK (opens_at < closes_at)
);

CREATE TABLE {{ schema }}.{{ resource }}_booking (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    {{ resource }}_id bigint NOT NULL REFERENCES {{ schema }}.{{ resource }} (id),
    during       tstzrange NOT NULL,
    status       text NOT NULL DEFAULT 'confirmed'
                 CHECK (status IN ({% if holds %}'held', {% endif %}'confirmed', 'cancelled')),
{%- if holds %}
    hold_expires_at timestamptz,
    CHECK ((status = 'held') = (hold_expires_at IS NOT NULL)),
{%- endif %}
    customer_ref text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Half-open ranges, [start, end): a booking ending at 11:00 and one starting then touch, not overlap.
    CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
           AND NOT lower_inf(during) AND NOT upper_inf(during)),
    -- Start and end on the {{ slot_minutes }}-minute grid.
    CONSTRAINT booking_on_slot_grid CHECK (
        extract(epoch FROM lower(during))::bigint % {{ slot_minutes | times: 60 }} = 0
        AND extract(epoch FROM upper(during))::bigint % {{ slot_minutes | times: 60 }} = 0
    ),
{%- if turnover_minutes > 0 %}
    -- The time the {{ resource }} is unavailable: the booking plus {{ turnover_minutes }} minutes of turnover.
    -- Kept by trigger: `timestamptz + interval` is not immutable, so it cannot be a generated column.
    blocked      tstzrange NOT NULL,
    CONSTRAINT no_double_booking EXCLUDE USING gist ({{ resource }}_id WITH =, blocked WITH &&)
        WHERE (status <> 'cancelled')
{%- else %}
    CONSTRAINT no_double_booking EXCLUDE USING gist ({{ resource }}_id WITH =, during WITH &&)
        WHERE (status <> 'cancelled')
{%- endif %}
);
{%- if turnover_minutes > 0 %}

CREATE FUNCTION {{ schema }}.set_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.blocked := tstzrange(lower(NEW.during), upper(NEW.during) + interval '{{ turnover_minutes }} minutes');
    RETURN NEW;
END
$$;
CREATE TRIGGER {{ resource }}_booking_blocked BEFORE INSERT OR UPDATE OF during ON {{ schema }}.{{ resource }}_booking
    FOR EACH ROW EXECUTE FUNCTION {{ schema }}.set_blocked();
{%- endif %}

CREATE INDEX {{ resource }}_booking_customer_idx ON {{ schema }}.{{ resource }}_booking (customer_ref);

-- Books a {{ resource }}{% if holds %} (or holds it for {{ hold_minutes }} minutes){% endif %}. A taken slot raises
-- exclusion_violation (SQLSTATE 23P01): answer it with 409 Conflict.
CREATE FUNCTION {{ schema }}.book(
    p_{{ resource }}_id bigint,
    p_from timestamptz,
    p_to timestamptz,
    p_customer text{% if holds %},
    p_hold boolean DEFAULT false{% endif %}
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    booking bigint;
BEGIN
{%- if holds %}
    -- Expired holds of this {{ resource }} would otherwise keep refusing the slot.
    PERFORM {{ schema }}.release_expired_holds(p_{{ resource }}_id);
{%- endif %}
    INSERT INTO {{ schema }}.{{ resource }}_booking ({{ resource }}_id, during, customer_ref{% if holds %}, status, hold_expires_at{% endif %})
    VALUES (p_{{ resource }}_id, tstzrange(p_from, p_to), p_customer{% if holds %},
            CASE WHEN p_hold THEN 'held' ELSE 'confirmed' END,
            CASE WHEN p_hold THEN clock_timestamp() + interval '{{ hold_minutes }} minutes' END{% endif %})
    RETURNING id INTO booking;
    RETURN booking;
EXCEPTION WHEN exclusion_violation THEN
    RAISE EXCEPTION '{{ resource }} % is not free from % to %', p_{{ resource }}_id, p_from, p_to
        USING ERRCODE = 'exclusion_violation';
END
$$;
{%- if holds %}

-- Cancels the holds that were not confirmed in time (all of them, or one {{ resource }}'s).
CREATE FUNCTION {{ schema }}.release_expired_holds(p_{{ resource }}_id bigint DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$
    WITH released AS (
        UPDATE {{ schema }}.{{ resource }}_booking
           SET status = 'cancelled', hold_expires_at = NULL
         WHERE status = 'held' AND hold_expires_at <= clock_timestamp()
           AND (p_{{ resource }}_id IS NULL OR {{ resource }}_id = p_{{ resource }}_id)
        RETURNING 1)
    SELECT count(*) FROM released
$$;

-- A hold becomes a booking if it has not expired.
CREATE FUNCTION {{ schema }}.confirm(p_booking_id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {{ schema }}.{{ resource }}_booking
       SET status = 'confirmed', hold_expires_at = NULL
     WHERE id = p_booking_id AND status = 'held' AND hold_expires_at > clock_timestamp();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'booking % is not a live hold', p_booking_id USING ERRCODE = 'no_data_found';
    END IF;
END
$$;
{%- endif %}

CREATE FUNCTION {{ schema }}.cancel(p_booking_id bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {{ schema }}.{{ resource }}_booking SET status = 'cancelled'{% if holds %}, hold_expires_at = NULL{% endif %}
     WHERE id = p_booking_id AND status <> 'cancelled';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'booking % does not exist or is already cancelled', p_booking_id USING ERRCODE = 'no_data_found';
    END IF;
END
$$;

-- The {{ slot_minutes }}-minute slots of a {{ resource }} still free on a day ({{ time_zone }} opening hours).
CREATE FUNCTION {{ schema }}.free_slots(p_{{ resource }}_id bigint, p_day date)
RETURNS TABLE (slot_start timestamptz, slot_end timestamptz) LANGUAGE sql STABLE AS $$
    SELECT s, s + interval '{{ slot_minutes }} minutes'
      FROM {{ schema }}.{{ resource }} r,
           generate_series((p_day + r.opens_at) AT TIME ZONE '{{ time_zone }}',
                           (p_day + r.closes_at) AT TIME ZONE '{{ time_zone }}' - interval '{{ slot_minutes }} minutes',
                           interval '{{ slot_minutes }} minutes') AS s
     WHERE r.id = p_{{ resource }}_id
       AND NOT EXISTS (
           SELECT 1 FROM {{ schema }}.{{ resource }}_booking b
            WHERE b.{{ resource }}_id = r.id
              AND b.status <> 'cancelled'
{%- if holds %}
              AND NOT (b.status = 'held' AND b.hold_expires_at <= clock_timestamp())
{%- endif %}
              AND {% if turnover_minutes > 0 %}b.blocked{% else %}b.during{% endif %} && tstzrange(s, s + interval '{{ slot_minutes }} minutes'{% if turnover_minutes > 0 %} + interval '{{ turnover_minutes }} minutes'{% endif %}))
     ORDER BY s
$$;
