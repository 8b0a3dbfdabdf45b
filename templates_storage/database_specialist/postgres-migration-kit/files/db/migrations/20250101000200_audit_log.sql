-- migrate:up
-- Row-level audit trail: who changed what, when, with before and after images.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name text NOT NULL,
  operation  text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  row_id     uuid,
  old_row    jsonb,
  new_row    jsonb,
  actor      text NOT NULL DEFAULT coalesce(current_setting('app.actor', true), current_user),
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_table_row_idx ON audit.log (table_name, row_id);
CREATE INDEX log_changed_at_brin ON audit.log USING brin (changed_at);

-- SECURITY DEFINER so the application role can write audit rows it cannot read or alter.
CREATE OR REPLACE FUNCTION audit.record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
BEGIN
  INSERT INTO audit.log (table_name, operation, row_id, old_row, new_row)
  VALUES (
    TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
    TG_OP,
    CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
    CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
    CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END
  );
  RETURN NULL;
END
$$;

CREATE TRIGGER accounts_audit AFTER INSERT OR UPDATE OR DELETE ON app.accounts
  FOR EACH ROW EXECUTE FUNCTION audit.record_change();
CREATE TRIGGER projects_audit AFTER INSERT OR UPDATE OR DELETE ON app.projects
  FOR EACH ROW EXECUTE FUNCTION audit.record_change();

REVOKE ALL ON SCHEMA audit FROM PUBLIC;

-- migrate:down
DROP TRIGGER IF EXISTS projects_audit ON app.projects;
DROP TRIGGER IF EXISTS accounts_audit ON app.accounts;
DROP SCHEMA IF EXISTS audit CASCADE;
