-- migrate:up
-- Extensions and the application group role. Login users are granted membership by a
-- DBA (GRANT {{ app_role }} TO some_login_user) so credentials never live in migrations.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app_role }}') THEN
    CREATE ROLE {{ app_role }} NOLOGIN;
  END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS app;
GRANT USAGE ON SCHEMA app TO {{ app_role }};
ALTER DEFAULT PRIVILEGES IN SCHEMA app
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {{ app_role }};
ALTER DEFAULT PRIVILEGES IN SCHEMA app
  GRANT USAGE, SELECT ON SEQUENCES TO {{ app_role }};

-- Shared trigger function: keep updated_at honest without trusting the application.
CREATE OR REPLACE FUNCTION app.set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- migrate:down
DROP FUNCTION IF EXISTS app.set_updated_at();
DROP SCHEMA IF EXISTS app CASCADE;
-- The role and extensions are left in place: other databases of the cluster may use them.
