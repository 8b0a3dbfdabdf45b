-- Assertions for SQL tests: each raises with a message naming the check, so psql's
-- ON_ERROR_STOP turns a failed expectation into a non-zero exit with a readable reason.

CREATE FUNCTION qa.assert_equals(check_name text, expected anyelement, actual anyelement)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF expected IS DISTINCT FROM actual THEN
        RAISE EXCEPTION 'FAILED %: expected %, got %', check_name, expected, actual;
    END IF;
    RAISE NOTICE 'ok %', check_name;
END
$$;

-- The query must return no rows; the first offending row is shown.
CREATE FUNCTION qa.assert_empty(check_name text, query text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    offending text;
BEGIN
    EXECUTE format('SELECT row_to_json(q)::text FROM (%s) q LIMIT 1', query) INTO offending;
    IF offending IS NOT NULL THEN
        RAISE EXCEPTION 'FAILED %: unexpected row %', check_name, offending;
    END IF;
    RAISE NOTICE 'ok %', check_name;
END
$$;

-- Two queries must return the same multiset of rows (reconciliation between layers).
CREATE FUNCTION qa.assert_same_rows(check_name text, expected_query text, actual_query text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    difference text;
BEGIN
    EXECUTE format(
        'SELECT row_to_json(d)::text FROM ((%1$s EXCEPT ALL %2$s) UNION ALL (%2$s EXCEPT ALL %1$s)) d LIMIT 1',
        expected_query, actual_query) INTO difference;
    IF difference IS NOT NULL THEN
        RAISE EXCEPTION 'FAILED %: rows differ, e.g. %', check_name, difference;
    END IF;
    RAISE NOTICE 'ok %', check_name;
END
$$;
