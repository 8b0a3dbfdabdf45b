-- Audits a scratch table and checks what the log holds.
CREATE TABLE audit_demo (id int PRIMARY KEY, name text, price numeric);
SELECT {{ schema }}.enable('audit_demo');
INSERT INTO audit_demo VALUES (1, 'widget', 9.5);
UPDATE audit_demo SET price = 10 WHERE id = 1;
UPDATE audit_demo SET price = 10 WHERE id = 1;
DELETE FROM audit_demo WHERE id = 1;

DO $$
DECLARE
    n int;
    upd jsonb;
BEGIN
    SELECT count(*) INTO n FROM {{ schema }}.log WHERE table_name = 'public.audit_demo';
{%- if capture == 'changed_columns' %}
    -- The second UPDATE changed nothing and is not logged.
    IF n <> 3 THEN RAISE EXCEPTION 'expected 3 log rows, got %', n; END IF;
    SELECT new_row INTO upd FROM {{ schema }}.log WHERE operation = 'UPDATE' LIMIT 1;
    IF upd <> '{"price": 10}'::jsonb THEN RAISE EXCEPTION 'expected only price, got %', upd; END IF;
{%- else %}
    IF n <> 4 THEN RAISE EXCEPTION 'expected 4 log rows, got %', n; END IF;
    SELECT new_row INTO upd FROM {{ schema }}.log WHERE operation = 'UPDATE' LIMIT 1;
    IF upd ->> 'name' <> 'widget' THEN RAISE EXCEPTION 'expected the full row, got %', upd; END IF;
{%- endif %}
    -- Rows older than the retention go, younger ones stay.
    UPDATE {{ schema }}.log SET changed_at = changed_at - interval '{{ retention_days | plus: 1 }} days'
     WHERE table_name = 'public.audit_demo' AND operation = 'INSERT';
    IF {{ schema }}.purge() <> 1 THEN RAISE EXCEPTION 'purge() should delete exactly the backdated row'; END IF;
    DELETE FROM {{ schema }}.log WHERE table_name = 'public.audit_demo';
END
$$;

SELECT {{ schema }}.disable('audit_demo');
DROP TABLE audit_demo;
