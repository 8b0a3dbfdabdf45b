DROP FUNCTION IF EXISTS rollup_is_fresh();
DROP FUNCTION IF EXISTS refresh_sales_per_{{ grain }}();
DROP TABLE IF EXISTS rollup_refresh;
DROP MATERIALIZED VIEW IF EXISTS sales_per_{{ grain }};
DROP TABLE IF EXISTS sale;
