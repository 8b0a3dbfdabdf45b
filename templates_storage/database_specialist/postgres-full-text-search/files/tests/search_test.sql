INSERT INTO {{ table_name }} (title, summary, body) VALUES
    ('Indexing strategies', 'B-tree, GIN and BRIN compared', 'A GIN index serves containment and full text queries well.'),
    ('Vacuum explained', 'Why dead tuples pile up', 'Autovacuum removes dead tuples; tune it for write-heavy tables.');

DO $$
DECLARE
    hit record;
BEGIN
    SELECT * INTO hit FROM {{ table_name }}_search('gin index') LIMIT 1;
    IF hit.title IS DISTINCT FROM 'Indexing strategies' THEN
        RAISE EXCEPTION 'expected the indexing article first, got %', hit.title;
    END IF;
    IF hit.snippet NOT LIKE '%<mark>%' THEN RAISE EXCEPTION 'snippet has no highlight: %', hit.snippet; END IF;
    IF EXISTS (SELECT 1 FROM {{ table_name }}_search('gin -index')) THEN
        RAISE EXCEPTION 'an excluded word still matched';
    END IF;
{%- if fuzzy %}
    IF NOT EXISTS (SELECT 1 FROM {{ table_name }}_search('Vacum explaned')) THEN
        RAISE EXCEPTION 'a misspelled title did not match fuzzily';
    END IF;
{%- endif %}
END
$$;
DELETE FROM {{ table_name }};
