DROP FUNCTION IF EXISTS gen_random_bytes_fallback();
