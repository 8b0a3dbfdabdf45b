-- Development seed data. Idempotent: safe to run any number of times.
-- Never run against production (scripts/seed.sh refuses when APP_ENV=production).
BEGIN;
{%- if features contains 'audit_log' %}
SET LOCAL app.actor = 'seed';
{%- endif %}

INSERT INTO app.accounts (id, email, display_name) VALUES
  ('00000000-0000-4000-8000-000000000001', 'ada@example.com', 'Ada Lovelace'),
  ('00000000-0000-4000-8000-000000000002', 'grace@example.com', 'Grace Hopper')
ON CONFLICT (id) DO NOTHING;

INSERT INTO app.projects (id, account_id, name, status) VALUES
  ('00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000001', 'Analytical Engine', 'active'),
  ('00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000001', 'Notes on the Engine', 'archived'),
  ('00000000-0000-4000-8000-000000000201', '00000000-0000-4000-8000-000000000002', 'COBOL', 'active')
ON CONFLICT (id) DO NOTHING;

COMMIT;
