{%- if tenant_key == 'uuid' %}{% assign a = '00000000-0000-0000-0000-00000000000a' %}{% assign b = '00000000-0000-0000-0000-00000000000b' %}
{%- elsif tenant_key == 'bigint' %}{% assign a = '1' %}{% assign b = '2' %}
{%- else %}{% assign a = 'acme' %}{% assign b = 'globex' %}{% endif %}
-- Seed both tenants as the table owner (FORCE RLS applies to the owner too: set each tenant).
SET {{ setting }} = '{{ a }}';
INSERT INTO tenant (id, name) VALUES ('{{ a }}', 'Tenant A');
INSERT INTO project (name) VALUES ('alpha');
SET {{ setting }} = '{{ b }}';
INSERT INTO tenant (id, name) VALUES ('{{ b }}', 'Tenant B');
INSERT INTO project (name) VALUES ('beta');

SET ROLE {{ app_role }};
SET {{ setting }} = '{{ a }}';
DO $$
BEGIN
    IF (SELECT count(*) FROM project) <> 1 OR (SELECT name FROM project) <> 'alpha' THEN
        RAISE EXCEPTION 'tenant A sees rows that are not its own';
    END IF;
    BEGIN
        INSERT INTO project (tenant_id, name) VALUES ('{{ b }}', 'smuggled');
        RAISE EXCEPTION 'tenant A wrote a row for tenant B';
    EXCEPTION WHEN insufficient_privilege THEN
        NULL; -- refused by the policy's WITH CHECK, as it must be
    END;
    UPDATE project SET name = 'renamed';
    IF (SELECT count(*) FROM project WHERE name = 'renamed') <> 1 THEN
        RAISE EXCEPTION 'tenant A could not update its own row';
    END IF;
END
$$;
RESET {{ setting }};
DO $$
BEGIN
    IF (SELECT count(*) FROM project) <> 0 THEN
        RAISE EXCEPTION 'without a tenant set, rows are visible';
    END IF;
END
$$;
RESET ROLE;
SET {{ setting }} = '{{ a }}';
DELETE FROM tenant;
SET {{ setting }} = '{{ b }}';
DELETE FROM tenant;
RESET {{ setting }};
