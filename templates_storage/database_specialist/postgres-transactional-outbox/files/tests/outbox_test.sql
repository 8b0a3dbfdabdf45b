DO $$
DECLARE
    a1 bigint := {{ schema }}.emit('order', '42', 'OrderPlaced', '{"total": 10}');
    a2 bigint := {{ schema }}.emit('order', '42', 'OrderPaid', '{"total": 10}');
    b1 bigint := {{ schema }}.emit('order', '43', 'OrderPlaced', '{"total": 7}');
    batch bigint[];
BEGIN
    SELECT array_agg(id ORDER BY id) INTO batch FROM {{ schema }}.next_batch(10);
{%- if ordering == 'per_aggregate' %}
    -- OrderPaid waits until OrderPlaced of the same order is published.
    IF batch <> ARRAY[a1, b1] THEN RAISE EXCEPTION 'expected [%, %], got %', a1, b1, batch; END IF;
{%- else %}
    IF batch <> ARRAY[a1, a2, b1] THEN RAISE EXCEPTION 'expected every message in order, got %', batch; END IF;
{%- endif %}
    PERFORM {{ schema }}.mark_published(batch);
    SELECT array_agg(id ORDER BY id) INTO batch FROM {{ schema }}.next_batch(10);
{%- if ordering == 'per_aggregate' %}
    IF batch <> ARRAY[a2] THEN RAISE EXCEPTION 'expected [%] next, got %', a2, batch; END IF;
{%- else %}
    IF batch IS NOT NULL THEN RAISE EXCEPTION 'nothing should be pending, got %', batch; END IF;
{%- endif %}
    UPDATE {{ schema }}.outbox SET published_at = now() - interval '{{ keep_published_hours | plus: 1 }} hours' WHERE id = a1;
    IF {{ schema }}.cleanup() <> 1 THEN RAISE EXCEPTION 'cleanup() should delete the one old message'; END IF;
    DELETE FROM {{ schema }}.outbox;
END
$$;
