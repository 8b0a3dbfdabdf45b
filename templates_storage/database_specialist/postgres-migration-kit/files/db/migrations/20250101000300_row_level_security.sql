-- migrate:up
-- Tenant isolation in the database: a session sees only the projects of the account named
-- by the `app.account_id` setting. The application sets it per transaction:
--   SET LOCAL app.account_id = '<uuid>';
-- Table owners bypass RLS unless FORCE is set, so migrations and DBAs keep full access
-- while {{ app_role }} is always filtered.
ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;

CREATE POLICY projects_tenant_isolation ON app.projects
  FOR ALL TO {{ app_role }}
  USING (account_id = nullif(current_setting('app.account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.account_id', true), '')::uuid);

-- migrate:down
DROP POLICY IF EXISTS projects_tenant_isolation ON app.projects;
ALTER TABLE app.projects DISABLE ROW LEVEL SECURITY;
