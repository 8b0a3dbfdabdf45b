DROP SCHEMA IF EXISTS {{ archive_schema }} CASCADE;
DROP TABLE IF EXISTS {{ table_name }};
