-- Audit trail: who changed what, when ({{ capture }} capture).
CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name   text        NOT NULL,
    operation    text        NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    old_row      jsonb,
    new_row      jsonb,
{%- if log_statement_text %}
    statement    text,
{%- endif %}
    changed_by   text        NOT NULL DEFAULT current_user,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    transaction  bigint      NOT NULL DEFAULT txid_current()
);

CREATE INDEX log_table_time_idx ON {{ schema }}.log (table_name, changed_at DESC);
CREATE INDEX log_changed_at_brin ON {{ schema }}.log USING brin (changed_at);

COMMENT ON TABLE {{ schema }}.log IS 'Row changes of audited tables, written by {{ schema }}.capture()';

CREATE FUNCTION {{ schema }}.capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    old_data jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_data jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
BEGIN
{%- if capture == 'changed_columns' %}
    IF TG_OP = 'UPDATE' THEN
        -- Keep only the columns whose value changed (both sides), skip no-op updates.
        SELECT jsonb_object_agg(n.key, n.value), jsonb_object_agg(n.key, old_data -> n.key)
          INTO new_data, old_data
          FROM jsonb_each(new_data) AS n
         WHERE n.value IS DISTINCT FROM old_data -> n.key;
        IF new_data IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
{%- endif %}
    INSERT INTO {{ schema }}.log (table_name, operation, old_row, new_row{% if log_statement_text %}, statement{% endif %})
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, old_data, new_data{% if log_statement_text %}, current_query(){% endif %});
    RETURN NULL;
END
$$;

-- SELECT {{ schema }}.enable('public.orders'); audits a table from now on.
CREATE FUNCTION {{ schema }}.enable(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS audit_capture ON %s', target);
    EXECUTE format(
        'CREATE TRIGGER audit_capture AFTER INSERT OR UPDATE OR DELETE ON %s '
        'FOR EACH ROW EXECUTE FUNCTION {{ schema }}.capture()', target);
END
$$;

CREATE FUNCTION {{ schema }}.disable(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS audit_capture ON %s', target);
END
$$;

-- Deletes log rows older than the retention; returns how many went.
CREATE FUNCTION {{ schema }}.purge(older_than interval DEFAULT interval '{{ retention_days }} days')
RETURNS bigint LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM {{ schema }}.log WHERE changed_at < now() - older_than RETURNING 1)
    SELECT count(*) FROM gone
$$;

REVOKE ALL ON {{ schema }}.log FROM PUBLIC;
