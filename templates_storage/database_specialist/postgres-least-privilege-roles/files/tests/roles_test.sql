-- Tables created by the owner role after the fact inherit the default privileges.
SET ROLE {{ app }}_owner;
CREATE TABLE {{ app }}.widget (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
RESET ROLE;

SET ROLE {{ app }}_rw;
INSERT INTO {{ app }}.widget (name) VALUES ('bolt');
DO $$
BEGIN
    BEGIN
        CREATE TABLE {{ app }}.sneaky (id int);
        RAISE EXCEPTION 'the application role could create a table';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    IF current_setting('statement_timeout') <> '{{ statement_timeout_s }}s' THEN
        RAISE NOTICE 'statement_timeout applies at login: %', current_setting('statement_timeout');
    END IF;
END
$$;
RESET ROLE;
{%- if readonly_role %}

SET ROLE {{ app }}_readonly;
DO $$
BEGIN
    IF (SELECT count(*) FROM {{ app }}.widget) <> 1 THEN RAISE EXCEPTION 'readonly cannot read'; END IF;
    BEGIN
        DELETE FROM {{ app }}.widget;
        RAISE EXCEPTION 'the read-only role could delete';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END
$$;
RESET ROLE;
{%- endif %}

DROP TABLE {{ app }}.widget;
