{%- assign history = table_name | append: history_suffix %}
DROP FUNCTION IF EXISTS {{ table_name }}_as_of(timestamptz);
DROP TABLE IF EXISTS {{ table_name }};
DROP TABLE IF EXISTS {{ history }};
DROP FUNCTION IF EXISTS {{ table_name }}_version();
