-- 16 random bytes from gen_random_uuid() (core since PostgreSQL 13), no pgcrypto needed.
CREATE FUNCTION gen_random_bytes_fallback() RETURNS bytea LANGUAGE sql VOLATILE AS $$
    SELECT decode(replace(gen_random_uuid()::text, '-', ''), 'hex')
$$;
