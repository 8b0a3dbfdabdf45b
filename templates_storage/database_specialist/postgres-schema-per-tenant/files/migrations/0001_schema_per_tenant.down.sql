-- Drops every tenant's schema{% if tenant_roles %} and role{% endif %}, the template and the registry: all tenant data goes.
DO $$
DECLARE
    target name;
BEGIN
    FOR target IN SELECT schema_name FROM {{ registry_schema }}.tenant LOOP
        EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', target);
{%- if tenant_roles %}
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target) THEN
            EXECUTE format('DROP OWNED BY %I', target);
            EXECUTE format('DROP ROLE %I', target);
        END IF;
{%- endif %}
    END LOOP;
END
$$;
DROP SCHEMA IF EXISTS {{ schema_prefix }}template CASCADE;
DROP SCHEMA IF EXISTS {{ registry_schema }} CASCADE;
