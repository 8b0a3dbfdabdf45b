{%- assign history = table_name | append: history_suffix %}
{%- if exclusion_constraint %}
CREATE EXTENSION IF NOT EXISTS btree_gist;
{%- endif %}

CREATE TABLE {{ table_name }} (
    id          bigint PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    tier        text NOT NULL DEFAULT 'standard',
    valid_from  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Past versions: the row as it was, and when it stopped being true.
CREATE TABLE {{ history }} (
    LIKE {{ table_name }},
    valid_to    timestamptz NOT NULL,
{%- if track_user %}
    ended_by    text NOT NULL DEFAULT current_user,
{%- endif %}
    operation   text NOT NULL CHECK (operation IN ('UPDATE', 'DELETE')),
    CHECK (valid_from < valid_to)
{%- if exclusion_constraint %},
    EXCLUDE USING gist (id WITH =, tstzrange(valid_from, valid_to) WITH &&)
{%- endif %}
);
CREATE INDEX {{ history }}_id_idx ON {{ history }} (id, valid_to);

CREATE FUNCTION {{ table_name }}_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {{ history }} (id, name, email, tier, valid_from, valid_to, operation)
    VALUES (OLD.id, OLD.name, OLD.email, OLD.tier, OLD.valid_from, clock_timestamp(), TG_OP);
    IF TG_OP = 'UPDATE' THEN
        NEW.valid_from := clock_timestamp();
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER {{ table_name }}_versioning BEFORE UPDATE OR DELETE ON {{ table_name }}
    FOR EACH ROW EXECUTE FUNCTION {{ table_name }}_version();

-- The table as it was at a moment: current rows valid then, plus history rows valid then.
CREATE FUNCTION {{ table_name }}_as_of(at timestamptz)
RETURNS TABLE (id bigint, name text, email text, tier text)
LANGUAGE sql STABLE AS $$
    SELECT id, name, email, tier FROM {{ table_name }} WHERE valid_from <= at
    UNION ALL
    SELECT id, name, email, tier FROM {{ history }} WHERE valid_from <= at AND at < valid_to
$$;
