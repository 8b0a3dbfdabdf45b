DO $$
DECLARE
    v int;
    n int;
BEGIN
    v := {{ schema }}.append('cart-1', 0, '[{"type": "CartOpened", "data": {}}, {"type": "ItemAdded", "data": {"sku": "A"}}]');
    IF v <> 2 THEN RAISE EXCEPTION 'expected version 2, got %', v; END IF;
    BEGIN
        PERFORM {{ schema }}.append('cart-1', 1, '[{"type": "ItemAdded", "data": {"sku": "B"}}]');
        RAISE EXCEPTION 'a stale expected version was accepted';
    EXCEPTION WHEN serialization_failure THEN NULL;
    END;
    BEGIN
        UPDATE {{ schema }}.events SET type = 'Tampered';
        RAISE EXCEPTION 'an event was changed';
    EXCEPTION WHEN restrict_violation THEN NULL;
    END;
    SELECT count(*) INTO n FROM {{ schema }}.read_stream('cart-1');
    IF n <> 2 THEN RAISE EXCEPTION 'read_stream returned % events', n; END IF;
    SELECT count(*) INTO n FROM {{ schema }}.read_all(0);
    IF n <> 2 THEN RAISE EXCEPTION 'read_all returned % events', n; END IF;
{%- if snapshots %}
    PERFORM {{ schema }}.save_snapshot('cart-1', 2, '{"items": ["A"]}');
    PERFORM {{ schema }}.save_snapshot('cart-1', 1, '{"items": []}');
    IF (SELECT version FROM {{ schema }}.snapshots WHERE stream_id = 'cart-1') <> 2 THEN
        RAISE EXCEPTION 'an older snapshot replaced a newer one';
    END IF;
{%- endif %}
END
$$;
-- Test data goes with the trigger out of the way (the append-only rule is the point of the table).
ALTER TABLE {{ schema }}.events DISABLE TRIGGER events_append_only;
DELETE FROM {{ schema }}.events;
ALTER TABLE {{ schema }}.events ENABLE TRIGGER events_append_only;
{%- if snapshots %}
DELETE FROM {{ schema }}.snapshots;
{%- endif %}
