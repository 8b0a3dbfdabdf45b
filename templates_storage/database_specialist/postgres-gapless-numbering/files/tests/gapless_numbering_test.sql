DO $$
DECLARE
    n text;
    at_2030 timestamptz := '2030-03-15 12:00' AT TIME ZONE '{{ time_zone }}';
    {%- if per_tenant %}
    t1 bigint := 1;
    t2 bigint := 2;
    {%- endif %}
BEGIN
    n := {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'INV', 'doc-1', at_2030);
    IF n <> 'INV{% if reset == 'yearly' %}-2030{% elsif reset == 'monthly' %}-2030-03{% endif %}-' || lpad('1', {{ pad }}, '0') THEN
        RAISE EXCEPTION 'first number is %', n;
    END IF;
    PERFORM {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'INV', 'doc-2', at_2030);

    -- A document whose transaction fails gives its number back.
    BEGIN
        PERFORM {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'INV', 'doc-failed', at_2030);
        RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'saving the document failed';
    EXCEPTION WHEN no_data_found THEN
        NULL;
    END;
    n := {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'INV', 'doc-3', at_2030);
    IF n NOT LIKE '%-' || lpad('3', {{ pad }}, '0') THEN
        RAISE EXCEPTION 'a rolled-back number was not reused: got %', n;
    END IF;

    -- Series are independent{% if per_tenant %}, and so are tenants{% endif %}.
    IF {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'CN', 'credit-1', at_2030) NOT LIKE 'CN-%1' THEN
        RAISE EXCEPTION 'a new series did not start at 1';
    END IF;
{%- if per_tenant %}
    IF {{ schema }}.next_number(t2, 'INV', 'other-tenant-doc', at_2030) NOT LIKE '%-' || lpad('1', {{ pad }}, '0') THEN
        RAISE EXCEPTION 'tenants share a counter';
    END IF;
{%- endif %}

    -- Numbering {% if reset == 'never' %}runs on across years{% else %}restarts with the next {% if reset == 'yearly' %}year{% else %}month{% endif %}{% endif %}.
    n := {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'INV', 'doc-next-period', at_2030 + interval '{% if reset == 'monthly' %}1 month{% else %}1 year{% endif %}');
    IF n NOT LIKE '%-' || lpad('{% if reset == 'never' %}4{% else %}1{% endif %}', {{ pad }}, '0') THEN
        RAISE EXCEPTION 'number after the period change is %', n;
    END IF;

    IF EXISTS (SELECT 1 FROM {{ schema }}.gaps) THEN
        RAISE EXCEPTION 'gaps found in the issued numbers';
    END IF;
    -- The gaps view does find a hole (numbers deleted by hand, say).
    DELETE FROM {{ schema }}.issued WHERE document_id = 'doc-2';
    IF (SELECT count(*) FROM {{ schema }}.gaps) <> 1 THEN
        RAISE EXCEPTION 'the gaps view missed a deleted number';
    END IF;
    BEGIN
        PERFORM {{ schema }}.next_number({% if per_tenant %}t1, {% endif %}'inv lower', 'x', at_2030);
        RAISE EXCEPTION 'an invalid series name was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
END
$$;
TRUNCATE {{ schema }}.issued, {{ schema }}.counter;
