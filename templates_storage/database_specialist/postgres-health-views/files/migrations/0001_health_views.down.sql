{%- if monitoring_role != '' -%}
-- The role {{ monitoring_role }} stays (roles are cluster-wide); drop it by hand if nothing else uses it.
{% endif -%}
DROP SCHEMA IF EXISTS {{ schema }} CASCADE;
{%- if statements %}
-- pg_stat_statements stays too: other tools may read it.
{%- endif %}
