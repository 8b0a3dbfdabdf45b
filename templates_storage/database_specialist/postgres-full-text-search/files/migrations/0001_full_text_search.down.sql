DROP FUNCTION IF EXISTS {{ table_name }}_search(text, int);
DROP TABLE IF EXISTS {{ table_name }};
