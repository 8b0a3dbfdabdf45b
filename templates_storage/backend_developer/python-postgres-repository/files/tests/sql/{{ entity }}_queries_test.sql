-- The repository's queries, run against the migrated schema.
INSERT INTO {{ entity }} (email, name) VALUES ('a@example.com', 'Ada'), ('b@example.com', 'Bo');
DO $$
BEGIN
    IF (SELECT count(*) FROM {{ entity }} WHERE id > 0 {% if soft_delete %}AND deleted_at IS NULL {% endif %}ORDER BY 1 LIMIT 50) <> 2 THEN
        RAISE EXCEPTION 'keyset page';
    END IF;
    BEGIN
        INSERT INTO {{ entity }} (email, name) VALUES ('A@example.com', 'Dup');
        RAISE EXCEPTION 'duplicate email accepted';
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
{%- if soft_delete %}
    UPDATE {{ entity }} SET deleted_at = now() WHERE email = 'a@example.com';
    INSERT INTO {{ entity }} (email, name) VALUES ('a@example.com', 'Ada again');
{%- endif %}
END
$$;
DELETE FROM {{ entity }};
