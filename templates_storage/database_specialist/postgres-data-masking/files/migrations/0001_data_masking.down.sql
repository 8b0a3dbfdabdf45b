-- The source tables are untouched; only the views, rules, key and functions go.
DROP SCHEMA IF EXISTS {{ masked_schema }} CASCADE;
DROP SCHEMA IF EXISTS {{ schema }} CASCADE;
{%- if reader_role != '' %}
-- The role {{ reader_role }} stays (roles are cluster-wide).
{%- endif %}
