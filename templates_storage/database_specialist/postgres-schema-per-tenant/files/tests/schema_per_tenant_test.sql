-- The application's tables, defined once through apply_ddl(): template first, then tenants.
SELECT {{ registry_schema }}.apply_ddl('001_customer', $ddl$
    CREATE TABLE customer (
        id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL
    )
$ddl$);
SELECT {{ registry_schema }}.apply_ddl('002_invoice', $ddl$
    CREATE TABLE invoice (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id bigint NOT NULL REFERENCES customer (id),
        total       numeric(12, 2) NOT NULL CHECK (total >= 0)
    );
    CREATE INDEX invoice_customer_idx ON invoice (customer_id);
$ddl$);

SELECT {{ registry_schema }}.provision('acme');
SELECT {{ registry_schema }}.provision('globex');

DO $$
DECLARE
    acme_customer bigint;
    globex_customer bigint;
BEGIN
    INSERT INTO {{ schema_prefix }}acme.customer (name) VALUES ('Wile E.') RETURNING id INTO acme_customer;
    INSERT INTO {{ schema_prefix }}globex.customer (name) VALUES ('Hank') RETURNING id INTO globex_customer;
    -- Each tenant has its own identity sequence.
    IF acme_customer <> 1 OR globex_customer <> 1 THEN
        RAISE EXCEPTION 'tenants share a sequence: ids % and %', acme_customer, globex_customer;
    END IF;
    INSERT INTO {{ schema_prefix }}acme.invoice (customer_id, total) VALUES (acme_customer, 10);
    -- The cloned foreign key points inside the tenant's schema.
    INSERT INTO {{ schema_prefix }}globex.customer (name) VALUES ('Scorpio');
    BEGIN
        INSERT INTO {{ schema_prefix }}acme.invoice (customer_id, total) VALUES (2, 5);
        RAISE EXCEPTION 'an invoice referenced a customer of another tenant';
    EXCEPTION WHEN foreign_key_violation THEN
        NULL;
    END;
    BEGIN
        INSERT INTO {{ schema_prefix }}globex.invoice (customer_id, total) VALUES (1, -1);
        RAISE EXCEPTION 'the CHECK constraint was not cloned';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
    IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = '{{ schema_prefix }}globex' AND indexname LIKE 'invoice_customer_id%') THEN
        RAISE EXCEPTION 'the index was not cloned';
    END IF;
    -- Provisioning does not leave the caller's search_path changed.
    IF current_setting('search_path') LIKE '%pg_catalog%' THEN
        RAISE EXCEPTION 'provision() changed the search_path';
    END IF;
END
$$;

-- Later DDL reaches every tenant once; a tenant provisioned after it has it too.
DO $$
BEGIN
    IF {{ registry_schema }}.apply_ddl('003_due_date', 'ALTER TABLE invoice ADD COLUMN due_date date') <> 3 THEN
        RAISE EXCEPTION 'DDL should reach the template and two tenants';
    END IF;
    IF {{ registry_schema }}.apply_ddl('003_due_date', 'ALTER TABLE invoice ADD COLUMN due_date date') <> 0 THEN
        RAISE EXCEPTION 'an applied version ran again';
    END IF;
    PERFORM {{ registry_schema }}.provision('initech');
    INSERT INTO {{ schema_prefix }}initech.customer (name) VALUES ('Peter');
    INSERT INTO {{ schema_prefix }}initech.invoice (customer_id, total, due_date) VALUES (1, 1, current_date);
    -- A failing script changes no schema at all.
    BEGIN
        PERFORM {{ registry_schema }}.apply_ddl('004_broken', 'ALTER TABLE invoice ADD COLUMN note text; ALTER TABLE nope ADD COLUMN x int');
        RAISE EXCEPTION 'a broken script was applied';
    EXCEPTION WHEN undefined_table THEN
        NULL;
    END;
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = 'note' AND table_name = 'invoice') THEN
        RAISE EXCEPTION 'a failed script left a column behind';
    END IF;
    PERFORM {{ registry_schema }}.use_tenant('acme');
    IF (SELECT count(*) FROM invoice) <> 1 THEN
        RAISE EXCEPTION 'use_tenant() did not point unqualified names at the tenant';
    END IF;
END
$$;
{%- if tenant_roles %}

-- A tenant's role sees its own schema only.
SET ROLE {{ schema_prefix }}acme;
DO $$
BEGIN
    PERFORM count(*) FROM customer;
    BEGIN
        PERFORM count(*) FROM {{ schema_prefix }}globex.customer;
        RAISE EXCEPTION 'a tenant role read another tenant';
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
END
$$;
RESET ROLE;
{%- endif %}

-- Archive, then drop.
DO $$
BEGIN
    PERFORM {{ registry_schema }}.archive('globex');
    BEGIN
        PERFORM {{ registry_schema }}.use_tenant('globex');
        RAISE EXCEPTION 'an archived tenant was selectable';
    EXCEPTION WHEN invalid_schema_name THEN
        NULL;
    END;
    IF {{ registry_schema }}.apply_ddl('004_notes', 'CREATE TABLE note (id int PRIMARY KEY)') <> {% if include_archived %}4{% else %}3{% endif %} THEN
        RAISE EXCEPTION 'archived tenants were {% if include_archived %}left out of{% else %}given{% endif %} the DDL';
    END IF;
    PERFORM {{ registry_schema }}.drop_archived('globex');
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{{ schema_prefix }}globex') THEN
        RAISE EXCEPTION 'the dropped tenant''s schema is still there';
    END IF;
{%- if tenant_roles %}
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ schema_prefix }}globex') THEN
        RAISE EXCEPTION 'the dropped tenant''s role is still there';
    END IF;
{%- endif %}
    BEGIN
        PERFORM {{ registry_schema }}.provision('Bad Slug');
        RAISE EXCEPTION 'an invalid slug was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
END
$$;
