DROP SCHEMA IF EXISTS {{ app }} CASCADE;
{%- if revoke_public %}
GRANT CREATE ON SCHEMA public TO PUBLIC;
{%- endif %}
-- Default privileges must go before the roles can be dropped.
ALTER DEFAULT PRIVILEGES FOR ROLE {{ app }}_owner IN SCHEMA public GRANT ALL ON TABLES TO {{ app }}_owner;
DROP OWNED BY {{ app }}_rw;
{%- if readonly_role %}
DROP OWNED BY {{ app }}_readonly;
{%- endif %}
DROP OWNED BY {{ app }}_owner;
