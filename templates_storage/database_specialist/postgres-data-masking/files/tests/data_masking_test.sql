CREATE TABLE public.masking_customer (
    id         bigint PRIMARY KEY,
    email      text NOT NULL,
    phone      text,
    full_name  text NOT NULL,
    birth_date date,
    notes      text,
    country    text
);
INSERT INTO public.masking_customer VALUES
    (1, 'Ada.Lovelace@Analytical.example', '+44 20 7946 0345', 'Ada Lovelace', '1815-12-10', 'prefers phone calls', 'GB'),
    (2, 'ada.lovelace@analytical.example', NULL, 'Ada King', '1815-12-10', NULL, 'GB'),
    (3, 'grace@navy.example', '555-0199', 'Grace Brewster Hopper', '1906-12-09', 'VIP', 'US');

INSERT INTO {{ schema }}.rule (source, column_name, method) VALUES
    ('public.masking_customer', 'id', 'keep'),
    ('public.masking_customer', 'email', 'email'),
    ('public.masking_customer', 'phone', 'phone'),
    ('public.masking_customer', 'full_name', 'name'),
    ('public.masking_customer', 'birth_date', 'year'),
    ('public.masking_customer', 'notes', 'redact');
CALL {{ schema }}.build_all();

DO $$
DECLARE
    r record;
    one text;
    two text;
BEGIN
    SELECT * INTO r FROM {{ masked_schema }}.masking_customer WHERE id = 1;
    IF r.email LIKE '%ovelace%' OR r.email !~ '^u_[0-9a-f]{8}@' THEN
        RAISE EXCEPTION 'email not masked: %', r.email;
    END IF;
{%- if keep_email_domain %}
    IF r.email NOT LIKE '%@analytical.example' THEN
        RAISE EXCEPTION 'the email domain should be kept: %', r.email;
    END IF;
{%- else %}
    IF r.email NOT LIKE '%@example.invalid' THEN
        RAISE EXCEPTION 'the email domain should be hidden: %', r.email;
    END IF;
{%- endif %}
    IF r.phone <> '+XX XX XXXX XX45' THEN
        RAISE EXCEPTION 'phone masked as %', r.phone;
    END IF;
    IF r.full_name <> 'A. L.' THEN
        RAISE EXCEPTION 'name masked as %', r.full_name;
    END IF;
    IF r.birth_date <> '1815-01-01' THEN
        RAISE EXCEPTION 'birth date should become the year: %', r.birth_date;
    END IF;
    IF r.notes <> '[redacted]' THEN
        RAISE EXCEPTION 'notes not redacted: %', r.notes;
    END IF;
{%- if unlisted_columns == 'null' %}
    -- No rule for country: hidden.
    IF r.country IS NOT NULL THEN
        RAISE EXCEPTION 'a column without a rule was shown';
    END IF;
{%- else %}
    IF r.country <> 'GB' THEN
        RAISE EXCEPTION 'a column without a rule should pass through';
    END IF;
{%- endif %}
    -- The same address (any case) masks to the same value, so joins and counts still work.
    SELECT email INTO one FROM {{ masked_schema }}.masking_customer WHERE id = 1;
    SELECT email INTO two FROM {{ masked_schema }}.masking_customer WHERE id = 2;
    IF one <> two THEN
        RAISE EXCEPTION 'one address masked to two values: % and %', one, two;
    END IF;
    IF (SELECT count(DISTINCT email) FROM {{ masked_schema }}.masking_customer) <> 2 THEN
        RAISE EXCEPTION 'two addresses masked to one value';
    END IF;
    IF (SELECT phone FROM {{ masked_schema }}.masking_customer WHERE id = 2) IS NOT NULL THEN
        RAISE EXCEPTION 'NULL should stay NULL';
    END IF;
    IF (SELECT phone FROM {{ masked_schema }}.masking_customer WHERE id = 3) <> 'XXX-XX99' THEN
        RAISE EXCEPTION 'short phone masked as %', (SELECT phone FROM {{ masked_schema }}.masking_customer WHERE id = 3);
    END IF;
    -- A rule naming a column the table does not have is refused.
    INSERT INTO {{ schema }}.rule VALUES ('public.masking_customer', 'e_mail', 'email');
    BEGIN
        CALL {{ schema }}.build_view('public.masking_customer');
        RAISE EXCEPTION 'a rule for a missing column was accepted';
    EXCEPTION WHEN undefined_column THEN
        NULL;
    END;
    DELETE FROM {{ schema }}.rule WHERE column_name = 'e_mail';
END
$$;

-- A column added later: {% if unlisted_columns == 'null' %}hidden until it has a rule{% else %}passed through once the view is rebuilt{% endif %}.
ALTER TABLE public.masking_customer ADD COLUMN tax_id text DEFAULT 'GB123456789';
CALL {{ schema }}.build_all();
DO $$
BEGIN
    IF (SELECT tax_id FROM {{ masked_schema }}.masking_customer WHERE id = 1) IS {% if unlisted_columns == 'null' %}NOT {% endif %}NULL THEN
        RAISE EXCEPTION 'a new column without a rule was handled wrongly';
    END IF;
END
$$;
{%- if reader_role != '' %}

-- The reader sees the masked view, not the table, and not the key.
SET ROLE {{ reader_role }};
DO $$
BEGIN
    PERFORM count(*) FROM {{ masked_schema }}.masking_customer;
    BEGIN
        PERFORM count(*) FROM public.masking_customer;
        RAISE EXCEPTION '{{ reader_role }} read the source table';
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
    BEGIN
        PERFORM secret FROM {{ schema }}.key;
        RAISE EXCEPTION '{{ reader_role }} read the pseudonymization key';
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
END
$$;
RESET ROLE;
{%- endif %}

DROP TABLE public.masking_customer CASCADE;
DELETE FROM {{ schema }}.rule;
