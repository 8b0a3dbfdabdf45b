DO $$
DECLARE
    root bigint;
    shoes bigint;
    running bigint;
    sale bigint;
BEGIN
    INSERT INTO {{ table_name }} (slug, name) VALUES ('apparel', 'Apparel') RETURNING id INTO root;
    INSERT INTO {{ table_name }} (parent_id, slug, name) VALUES (root, 'shoes', 'Shoes') RETURNING id INTO shoes;
    INSERT INTO {{ table_name }} (parent_id, slug, name) VALUES (shoes, 'running', 'Running') RETURNING id INTO running;
    INSERT INTO {{ table_name }} (slug, name) VALUES ('sale', 'Sale') RETURNING id INTO sale;

    IF (SELECT path::text FROM {{ table_name }} WHERE id = running) <> 'apparel.shoes.running' THEN
        RAISE EXCEPTION 'wrong path for running shoes';
    END IF;
    IF (SELECT count(*) FROM {{ table_name }}_descendants(root)) <> 2 THEN RAISE EXCEPTION 'descendants'; END IF;
    IF (SELECT string_agg(slug, '/') FROM {{ table_name }}_ancestors(running)) <> 'apparel/shoes' THEN
        RAISE EXCEPTION 'ancestors';
    END IF;

    -- Moving shoes under sale moves running shoes too.
    UPDATE {{ table_name }} SET parent_id = sale WHERE id = shoes;
    IF (SELECT path::text FROM {{ table_name }} WHERE id = running) <> 'sale.shoes.running' THEN
        RAISE EXCEPTION 'subtree not moved: %', (SELECT path FROM {{ table_name }} WHERE id = running);
    END IF;
    BEGIN
        UPDATE {{ table_name }} SET parent_id = running WHERE id = shoes;
        RAISE EXCEPTION 'a node moved under its own descendant';
    EXCEPTION WHEN raise_exception THEN
        IF SQLERRM NOT LIKE 'cannot move%' THEN RAISE; END IF;
    END;
    DELETE FROM {{ table_name }};
END
$$;
