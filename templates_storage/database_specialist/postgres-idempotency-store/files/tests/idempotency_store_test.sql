DO $$
DECLARE
    r record;
BEGIN
    SELECT * INTO r FROM {{ schema }}.begin('client-a', 'key-1', 'hash-1');
    IF r.outcome <> 'proceed' THEN RAISE EXCEPTION 'a new key was not claimed: %', r.outcome; END IF;

    -- While the first request is being worked on, a retry is told to wait.
    SELECT * INTO r FROM {{ schema }}.begin('client-a', 'key-1', 'hash-1');
    IF r.outcome <> 'in_progress' THEN RAISE EXCEPTION 'a held key answered %', r.outcome; END IF;

    PERFORM {{ schema }}.complete('client-a', 'key-1', 201, {% if store_body %}'{"id": "ch_1", "amount": 500}', {% endif %}'ch_1');
    SELECT * INTO r FROM {{ schema }}.begin('client-a', 'key-1', 'hash-1');
    IF r.outcome <> 'replay' OR r.response_status <> 201 OR r.resource_id <> 'ch_1' THEN
        RAISE EXCEPTION 'a retry did not get the stored response: % %', r.outcome, r.response_status;
    END IF;
{%- if store_body %}
    IF r.response_body ->> 'amount' <> '500' THEN RAISE EXCEPTION 'the stored body was not replayed'; END IF;
{%- endif %}

    -- The same key with another request is refused; another client's key of the same name is unrelated.
    SELECT * INTO r FROM {{ schema }}.begin('client-a', 'key-1', 'hash-2');
    IF r.outcome <> 'conflict' THEN RAISE EXCEPTION 'a reused key with a different request answered %', r.outcome; END IF;
    SELECT * INTO r FROM {{ schema }}.begin('client-b', 'key-1', 'hash-2');
    IF r.outcome <> 'proceed' THEN RAISE EXCEPTION 'keys are not scoped per client'; END IF;

    -- A released key can be claimed again (the work failed and may be retried).
    PERFORM {{ schema }}.release('client-b', 'key-1');
    SELECT * INTO r FROM {{ schema }}.begin('client-b', 'key-1', 'hash-2');
    IF r.outcome <> 'proceed' THEN RAISE EXCEPTION 'a released key was not claimable'; END IF;

    -- A key whose worker died is claimed again after {{ lock_timeout_seconds }} s.
    UPDATE {{ schema }}.key SET locked_at = locked_at - interval '{{ lock_timeout_seconds | plus: 1 }} seconds'
     WHERE client_id = 'client-b' AND key = 'key-1';
    SELECT * INTO r FROM {{ schema }}.begin('client-b', 'key-1', 'hash-2');
    IF r.outcome <> 'proceed' THEN RAISE EXCEPTION 'an abandoned key was not reclaimed: %', r.outcome; END IF;

    BEGIN
        PERFORM {{ schema }}.complete('client-a', 'key-1', 200{% if store_body %}, NULL{% endif %});
        RAISE EXCEPTION 'a completed key was completed twice';
    EXCEPTION WHEN no_data_found THEN
        NULL;
    END;

    -- Expiry: completed keys past {{ retention_hours }} hours go, keys in progress stay.
    UPDATE {{ schema }}.key SET completed_at = completed_at - interval '{{ retention_hours | plus: 1 }} hours' WHERE state = 'completed';
    IF {{ schema }}.purge() <> 1 THEN RAISE EXCEPTION 'purge() should remove the one expired key'; END IF;
    IF NOT EXISTS (SELECT 1 FROM {{ schema }}.key WHERE client_id = 'client-b') THEN
        RAISE EXCEPTION 'purge() removed a key in progress';
    END IF;
END
$$;
TRUNCATE {{ schema }}.key;
