{%- if tenant_key == 'uuid' %}{% assign key_type = 'uuid' %}{% assign sample_a = "'00000000-0000-0000-0000-00000000000a'" %}{% assign sample_b = "'00000000-0000-0000-0000-00000000000b'" %}
{%- elsif tenant_key == 'bigint' %}{% assign key_type = 'bigint' %}{% assign sample_a = "'1'" %}{% assign sample_b = "'2'" %}
{%- else %}{% assign key_type = 'text' %}{% assign sample_a = "'acme'" %}{% assign sample_b = "'globex'" %}{% endif %}
-- Every shared table carries tenant_id; policies compare it with current_setting('{{ setting }}').
CREATE TABLE tenant (
    id         {{ key_type }} PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  {{ key_type }} NOT NULL REFERENCES tenant (id) ON DELETE CASCADE
               DEFAULT current_setting('{{ setting }}')::{{ key_type }},
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);
CREATE INDEX project_tenant_idx ON project (tenant_id);

-- The current tenant, or NULL when the setting is missing (then no row matches).
CREATE FUNCTION current_tenant() RETURNS {{ key_type }}
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('{{ setting }}', true), '')::{{ key_type }} $$;

ALTER TABLE tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant FORCE ROW LEVEL SECURITY;
ALTER TABLE project ENABLE ROW LEVEL SECURITY;
ALTER TABLE project FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_self ON tenant USING (id = current_tenant());
CREATE POLICY project_isolation ON project
    USING (tenant_id = current_tenant())
    WITH CHECK (tenant_id = current_tenant());

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app_role }}') THEN
        CREATE ROLE {{ app_role }} NOLOGIN;
    END IF;
{%- if admin_bypass %}
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app_role }}_support') THEN
        CREATE ROLE {{ app_role }}_support NOLOGIN BYPASSRLS;
    END IF;
{%- endif %}
END
$$;

GRANT SELECT ON tenant TO {{ app_role }};
GRANT SELECT, INSERT, UPDATE, DELETE ON project TO {{ app_role }};
GRANT EXECUTE ON FUNCTION current_tenant() TO {{ app_role }};
{%- if admin_bypass %}
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant, project TO {{ app_role }}_support;
{%- endif %}
