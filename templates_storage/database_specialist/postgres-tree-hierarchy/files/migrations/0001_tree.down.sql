DROP FUNCTION IF EXISTS {{ table_name }}_descendants(bigint);
DROP FUNCTION IF EXISTS {{ table_name }}_ancestors(bigint);
DROP TABLE IF EXISTS {{ table_name }};
DROP FUNCTION IF EXISTS {{ table_name }}_set_path();
