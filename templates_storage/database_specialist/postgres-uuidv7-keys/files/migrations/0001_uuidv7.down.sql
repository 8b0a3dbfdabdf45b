DROP TABLE IF EXISTS {{ example_table }};
DROP FUNCTION IF EXISTS {{ schema }}.uuidv7_time(uuid);
DROP FUNCTION IF EXISTS {{ schema }}.uuidv7(timestamptz);
