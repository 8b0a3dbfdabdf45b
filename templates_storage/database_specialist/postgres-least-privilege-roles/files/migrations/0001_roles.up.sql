-- Roles are cluster-wide: created only when missing, so re-running is safe.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app }}_owner') THEN
        CREATE ROLE {{ app }}_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app }}_rw') THEN
        CREATE ROLE {{ app }}_rw NOLOGIN;
    END IF;
{%- if readonly_role %}
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app }}_readonly') THEN
        CREATE ROLE {{ app }}_readonly NOLOGIN;
    END IF;
{%- endif %}
END
$$;

ALTER ROLE {{ app }}_rw SET statement_timeout = '{{ statement_timeout_s }}s';
ALTER ROLE {{ app }}_rw SET idle_in_transaction_session_timeout = '60s';

CREATE SCHEMA {{ app }} AUTHORIZATION {{ app }}_owner;
{%- if revoke_public %}
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
{%- endif %}

GRANT USAGE ON SCHEMA {{ app }} TO {{ app }}_rw{% if readonly_role %}, {{ app }}_readonly{% endif %};

-- Tables the owner creates later get the same grants automatically.
ALTER DEFAULT PRIVILEGES FOR ROLE {{ app }}_owner IN SCHEMA {{ app }}
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {{ app }}_rw;
ALTER DEFAULT PRIVILEGES FOR ROLE {{ app }}_owner IN SCHEMA {{ app }}
    GRANT USAGE, SELECT ON SEQUENCES TO {{ app }}_rw;
{%- if readonly_role %}
ALTER DEFAULT PRIVILEGES FOR ROLE {{ app }}_owner IN SCHEMA {{ app }}
    GRANT SELECT ON TABLES TO {{ app }}_readonly;
{%- endif %}
