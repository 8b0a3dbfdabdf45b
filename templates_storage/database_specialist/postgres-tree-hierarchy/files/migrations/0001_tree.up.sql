CREATE EXTENSION IF NOT EXISTS ltree;

CREATE TABLE {{ table_name }} (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id bigint REFERENCES {{ table_name }} (id) ON DELETE CASCADE,
    slug      text NOT NULL CHECK (slug ~ '^[a-z0-9_]+$'),
    name      text NOT NULL,
{%- if sibling_order %}
    position  int NOT NULL DEFAULT 0,
{%- endif %}
    path      ltree NOT NULL UNIQUE,
    CHECK (nlevel(path) <= {{ max_depth }})
);
CREATE INDEX {{ table_name }}_path_gist ON {{ table_name }} USING gist (path);

-- path = parent's path + own slug, computed on insert and on slug or parent changes.
CREATE FUNCTION {{ table_name }}_set_path() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_path ltree;
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.path := text2ltree(NEW.slug);
    ELSE
        SELECT path INTO parent_path FROM {{ table_name }} WHERE id = NEW.parent_id;
        IF parent_path IS NULL THEN RAISE EXCEPTION 'parent % does not exist', NEW.parent_id; END IF;
        IF TG_OP = 'UPDATE' AND parent_path <@ OLD.path THEN
            RAISE EXCEPTION 'cannot move a node under its own subtree';
        END IF;
        NEW.path := parent_path || text2ltree(NEW.slug);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.path <> OLD.path THEN
        -- Carry the whole subtree along.
        UPDATE {{ table_name }} SET path = NEW.path || subpath(path, nlevel(OLD.path))
         WHERE path <@ OLD.path AND id <> OLD.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER {{ table_name }}_path BEFORE INSERT OR UPDATE OF slug, parent_id ON {{ table_name }}
    FOR EACH ROW EXECUTE FUNCTION {{ table_name }}_set_path();

CREATE FUNCTION {{ table_name }}_descendants(root_id bigint)
RETURNS SETOF {{ table_name }} LANGUAGE sql STABLE AS $$
    SELECT c.* FROM {{ table_name }} c, {{ table_name }} r
     WHERE r.id = root_id AND c.path <@ r.path AND c.id <> r.id
     ORDER BY c.path{% if sibling_order %}, c.position{% endif %}
$$;

CREATE FUNCTION {{ table_name }}_ancestors(node_id bigint)
RETURNS SETOF {{ table_name }} LANGUAGE sql STABLE AS $$
    SELECT a.* FROM {{ table_name }} a, {{ table_name }} n
     WHERE n.id = node_id AND a.path @> n.path AND a.id <> n.id
     ORDER BY nlevel(a.path)
$$;
