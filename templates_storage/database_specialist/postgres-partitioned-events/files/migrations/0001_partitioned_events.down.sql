DROP FUNCTION IF EXISTS {{ table_name }}_maintain(timestamptz);
DROP TABLE IF EXISTS {{ table_name }};
