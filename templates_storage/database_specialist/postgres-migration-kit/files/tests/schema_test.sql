-- Schema tests: plain SQL, no extension needed. Each block raises on failure, and the
-- whole file runs in a transaction that is rolled back, so it leaves no data behind.
-- Run with: make test   (psql stops at the first failing assertion)
\set ON_ERROR_STOP on
BEGIN;

DO $$
BEGIN
  ASSERT (SELECT count(*) FROM information_schema.tables
          WHERE table_schema = 'app' AND table_name IN ('accounts', 'projects')) = 2,
    'app.accounts and app.projects exist';
  ASSERT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ app_role }}'),
    'role {{ app_role }} exists';
END
$$;

-- Email uniqueness is case-insensitive (citext).
DO $$
BEGIN
  INSERT INTO app.accounts (email, display_name) VALUES ('Test.User@example.com', 'Test');
  BEGIN
    INSERT INTO app.accounts (email, display_name) VALUES ('test.user@EXAMPLE.com', 'Dup');
    RAISE EXCEPTION 'duplicate email (different case) was accepted';
  EXCEPTION WHEN unique_violation THEN
    NULL; -- expected
  END;
END
$$;

-- updated_at is maintained by the trigger.
DO $$
DECLARE
  before_update timestamptz;
  after_update timestamptz;
BEGIN
  INSERT INTO app.accounts (email, display_name, updated_at)
  VALUES ('clock@example.com', 'Clock', now() - interval '1 day')
  RETURNING updated_at INTO before_update;
  UPDATE app.accounts SET display_name = 'Clock 2' WHERE email = 'clock@example.com'
  RETURNING updated_at INTO after_update;
  ASSERT after_update > before_update, 'updated_at advances on update';
END
$$;

-- Project status is constrained.
DO $$
BEGIN
  INSERT INTO app.projects (account_id, name, status)
  SELECT id, 'Bad status', 'deleted' FROM app.accounts WHERE email = 'clock@example.com';
  RAISE EXCEPTION 'invalid status was accepted';
EXCEPTION WHEN check_violation THEN
  NULL; -- expected
END
$$;
{%- if features contains 'soft_delete' %}

-- Soft delete: a deleted account frees its email for a new live account.
DO $$
BEGIN
  UPDATE app.accounts SET deleted_at = now() WHERE email = 'clock@example.com';
  INSERT INTO app.accounts (email, display_name) VALUES ('clock@example.com', 'Clock again');
  ASSERT NOT EXISTS (SELECT 1 FROM app.live_accounts WHERE display_name = 'Clock 2'),
    'live_accounts hides deleted rows';
END
$$;
{%- endif %}
{%- if features contains 'audit_log' %}

-- Audit log records inserts, updates and deletes.
DO $$
DECLARE
  account uuid;
BEGIN
  INSERT INTO app.accounts (email, display_name) VALUES ('audit@example.com', 'Audit')
  RETURNING id INTO account;
  UPDATE app.accounts SET display_name = 'Audited' WHERE id = account;
  DELETE FROM app.accounts WHERE id = account;
  ASSERT (SELECT array_agg(operation ORDER BY id) FROM audit.log WHERE row_id = account)
    = ARRAY['INSERT', 'UPDATE', 'DELETE'], 'audit log has INSERT, UPDATE, DELETE';
  ASSERT (SELECT new_row ->> 'display_name' FROM audit.log
          WHERE row_id = account AND operation = 'UPDATE') = 'Audited',
    'audit log keeps the new row image';
END
$$;
{%- endif %}
{%- if features contains 'row_level_security' %}

-- Row-level security: {{ app_role }} sees only the projects of app.account_id.
DO $$
DECLARE
  first_account uuid;
  second_account uuid;
  visible integer;
BEGIN
  INSERT INTO app.accounts (email, display_name) VALUES ('rls1@example.com', 'One')
  RETURNING id INTO first_account;
  INSERT INTO app.accounts (email, display_name) VALUES ('rls2@example.com', 'Two')
  RETURNING id INTO second_account;
  INSERT INTO app.projects (account_id, name) VALUES (first_account, 'P1'), (second_account, 'P2');

  PERFORM set_config('app.account_id', first_account::text, true);
  SET LOCAL ROLE {{ app_role }};
  SELECT count(*) INTO visible FROM app.projects;
  RESET ROLE;
  ASSERT visible = 1, format('{{ app_role }} sees %s projects, expected 1', visible);
END
$$;
{%- endif %}

ROLLBACK;
\echo 'schema tests passed'
