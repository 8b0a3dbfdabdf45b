-- Schema-per-tenant: each tenant's tables live in a schema of its own ({{ schema_prefix }}<slug>),
-- cloned from {{ schema_prefix }}template. Strong isolation (a query without the tenant's
-- search_path finds nothing), per-tenant backup and restore, and no tenant_id column in
-- every query; the cost is DDL applied once per tenant, which apply_ddl() does for you.
CREATE SCHEMA IF NOT EXISTS {{ registry_schema }};
CREATE SCHEMA IF NOT EXISTS {{ schema_prefix }}template;
COMMENT ON SCHEMA {{ schema_prefix }}template IS 'The tables every tenant gets: change it only through {{ registry_schema }}.apply_ddl()';

CREATE TABLE {{ registry_schema }}.tenant (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9_]{1,39}$' AND slug <> 'template'),
    schema_name name NOT NULL UNIQUE,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every DDL version applied through apply_ddl(), in order: new tenants are cloned from
-- the template, which has them all.
CREATE TABLE {{ registry_schema }}.ddl_version (
    version    text PRIMARY KEY,
    statement  text NOT NULL,
    schemas    int NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- Runs one DDL script in the template and in every {% if include_archived %}tenant (archived ones included){% else %}active or suspended tenant{% endif %}, with
-- search_path set to each schema in turn, all in the caller's transaction: either every
-- schema gets it or none does. A version already applied is skipped, so deploys can
-- re-run it. Returns how many schemas were changed.
CREATE FUNCTION {{ registry_schema }}.apply_ddl(p_version text, p_statement text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    target name;
    changed int := 0;
    saved text := current_setting('search_path');
BEGIN
    IF EXISTS (SELECT 1 FROM {{ registry_schema }}.ddl_version WHERE version = p_version) THEN
        RETURN 0;
    END IF;
    FOR target IN
        SELECT '{{ schema_prefix }}template'::name
        UNION ALL
        SELECT schema_name FROM (
            SELECT schema_name FROM {{ registry_schema }}.tenant
{%- unless include_archived %}
             WHERE status <> 'archived'
{%- endunless %}
             ORDER BY id) t
    LOOP
        PERFORM set_config('search_path', quote_ident(target), true);
        EXECUTE p_statement;
        changed := changed + 1;
    END LOOP;
    PERFORM set_config('search_path', saved, true);
    INSERT INTO {{ registry_schema }}.ddl_version (version, statement, schemas) VALUES (p_version, p_statement, changed);
    RETURN changed;
END
$$;

-- Creates a tenant: its registry row and its schema, with a copy of every template table
-- (columns, defaults, identity, constraints, indexes, comments) and the foreign keys
-- between them pointing inside the new schema (CREATE TABLE LIKE does not copy those).
CREATE FUNCTION {{ registry_schema }}.provision(p_slug text) RETURNS name
LANGUAGE plpgsql AS $$
DECLARE
    target name := '{{ schema_prefix }}' || p_slug;
    tbl record;
    fk record;
    saved text := current_setting('search_path');
BEGIN
    INSERT INTO {{ registry_schema }}.tenant (slug, schema_name) VALUES (p_slug, target);
    EXECUTE format('CREATE SCHEMA %I', target);
    FOR tbl IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = '{{ schema_prefix }}template' AND c.relkind = 'r' ORDER BY c.oid
    LOOP
        EXECUTE format('CREATE TABLE %I.%I (LIKE {{ schema_prefix }}template.%I INCLUDING ALL)', target, tbl.relname, tbl.relname);
    END LOOP;
    -- Foreign keys, printed with the template schema qualified (search_path narrowed to
    -- pg_catalog), then pointed at the tenant's own tables.
    PERFORM set_config('search_path', 'pg_catalog', true);
    FOR fk IN
        SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) AS definition
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = '{{ schema_prefix }}template' AND c.contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', target, fk.relname, fk.conname,
                       replace(fk.definition, 'REFERENCES {{ schema_prefix }}template.', format('REFERENCES %I.', target)));
    END LOOP;
    PERFORM set_config('search_path', saved, true);
{%- if tenant_roles %}
    -- The tenant's role: its schema, nothing else. Roles are cluster-wide: one left by a
    -- dropped tenant of the same name is reused.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', target);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', target, target);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', target, target);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', target, target);
    -- Tables apply_ddl() adds later get the same grants.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', target, target);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE ON SEQUENCES TO %I', target, target);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', target, target);
{%- endif %}
    RETURN target;
END
$$;

-- Points the current transaction at a tenant (for a pooled application role):
-- SELECT {{ registry_schema }}.use_tenant('acme'); then unqualified names are the tenant's.
CREATE FUNCTION {{ registry_schema }}.use_tenant(p_slug text) RETURNS name
LANGUAGE plpgsql AS $$
DECLARE
    target name;
BEGIN
    SELECT schema_name INTO target FROM {{ registry_schema }}.tenant WHERE slug = p_slug AND status = 'active';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active tenant %', p_slug USING ERRCODE = 'invalid_schema_name';
    END IF;
    PERFORM set_config('search_path', quote_ident(target), true);
    RETURN target;
END
$$;

-- Archiving keeps the data (for restore or export) but takes the tenant out of service.
CREATE FUNCTION {{ registry_schema }}.archive(p_slug text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {{ registry_schema }}.tenant SET status = 'archived' WHERE slug = p_slug AND status <> 'archived';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no tenant % to archive', p_slug USING ERRCODE = 'no_data_found';
    END IF;
{%- if tenant_roles %}
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', '{{ schema_prefix }}' || p_slug, '{{ schema_prefix }}' || p_slug);
{%- endif %}
END
$$;

-- Deletes an archived tenant for good: its schema{% if tenant_roles %}, its role{% endif %} and its registry row.
CREATE FUNCTION {{ registry_schema }}.drop_archived(p_slug text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    target name;
BEGIN
    DELETE FROM {{ registry_schema }}.tenant WHERE slug = p_slug AND status = 'archived' RETURNING schema_name INTO target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not archived', p_slug USING ERRCODE = 'no_data_found';
    END IF;
    EXECUTE format('DROP SCHEMA %I CASCADE', target);
{%- if tenant_roles %}
    EXECUTE format('DROP OWNED BY %I', target);
    EXECUTE format('DROP ROLE %I', target);
{%- endif %}
END
$$;
