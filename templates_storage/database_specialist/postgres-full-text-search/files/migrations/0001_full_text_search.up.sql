{%- if fuzzy %}
CREATE EXTENSION IF NOT EXISTS pg_trgm;
{%- endif %}

CREATE TABLE {{ table_name }} (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      text NOT NULL,
    summary    text NOT NULL DEFAULT '',
    body       text NOT NULL DEFAULT '',
    published  timestamptz NOT NULL DEFAULT now(),
    -- Title weighs most, then the summary, then the body.
    search     tsvector GENERATED ALWAYS AS (
                   setweight(to_tsvector('{{ language }}', title), 'A') ||
                   setweight(to_tsvector('{{ language }}', summary), 'B') ||
                   setweight(to_tsvector('{{ language }}', body), 'C')) STORED
);

CREATE INDEX {{ table_name }}_search_idx ON {{ table_name }} USING gin (search);
{%- if fuzzy %}
CREATE INDEX {{ table_name }}_title_trgm_idx ON {{ table_name }} USING gin (title gin_trgm_ops);
{%- endif %}

-- websearch_to_tsquery accepts what users type: "quoted phrases", -exclusions, or.
CREATE FUNCTION {{ table_name }}_search(q text, max_results int DEFAULT 20)
RETURNS TABLE (id bigint, title text, rank real, snippet text)
LANGUAGE sql STABLE AS $$
    WITH query AS (SELECT websearch_to_tsquery('{{ language }}', q) AS tsq)
    SELECT a.id, a.title,
           ts_rank_cd(a.search, query.tsq) AS rank,
           ts_headline('{{ language }}', a.body, query.tsq,
                       'MaxWords={{ snippet_words }}, MinWords={{ snippet_words | divided_by: 3 | floor }}, StartSel=<mark>, StopSel=</mark>') AS snippet
      FROM {{ table_name }} a, query
     WHERE a.search @@ query.tsq
{%- if fuzzy %}
        OR a.title % q
{%- endif %}
     ORDER BY rank DESC, a.published DESC
     LIMIT max_results
$$;
