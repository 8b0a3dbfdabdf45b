-- migrate:up
CREATE TABLE app.accounts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email        citext NOT NULL,
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(){% if features contains 'soft_delete' %},
  deleted_at   timestamptz{% endif %}
);
{%- if features contains 'soft_delete' %}
-- Uniqueness applies to live rows only, so a deleted address can sign up again.
CREATE UNIQUE INDEX accounts_email_live_key ON app.accounts (email) WHERE deleted_at IS NULL;
{%- else %}
CREATE UNIQUE INDEX accounts_email_key ON app.accounts (email);
{%- endif %}

CREATE TABLE app.projects (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES app.accounts (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(){% if features contains 'soft_delete' %},
  deleted_at  timestamptz{% endif %}
);
-- Foreign keys are not indexed automatically; without this, deletes on accounts scan projects.
CREATE INDEX projects_account_id_idx ON app.projects (account_id);
{%- if features contains 'soft_delete' %}
CREATE UNIQUE INDEX projects_account_name_live_key
  ON app.projects (account_id, name) WHERE deleted_at IS NULL;
{%- else %}
CREATE UNIQUE INDEX projects_account_name_key ON app.projects (account_id, name);
{%- endif %}

CREATE TRIGGER accounts_set_updated_at BEFORE UPDATE ON app.accounts
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
{%- if features contains 'soft_delete' %}

-- Views over live rows: the application reads these, and deletes by setting deleted_at.
CREATE VIEW app.live_accounts AS SELECT * FROM app.accounts WHERE deleted_at IS NULL;
CREATE VIEW app.live_projects AS SELECT * FROM app.projects WHERE deleted_at IS NULL;
{%- endif %}

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO {{ app_role }};

-- migrate:down
{%- if features contains 'soft_delete' %}
DROP VIEW IF EXISTS app.live_projects;
DROP VIEW IF EXISTS app.live_accounts;
{%- endif %}
DROP TABLE IF EXISTS app.projects;
DROP TABLE IF EXISTS app.accounts;
