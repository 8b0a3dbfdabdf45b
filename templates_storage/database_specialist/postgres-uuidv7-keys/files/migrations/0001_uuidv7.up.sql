CREATE SCHEMA IF NOT EXISTS {{ schema }};

-- RFC 9562 UUID version 7: 48-bit Unix milliseconds, version, 12 bits {% if monotonic %}of sub-millisecond time{% else %}random{% endif %}, variant, 62 random bits.
CREATE FUNCTION {{ schema }}.uuidv7(at timestamptz DEFAULT clock_timestamp()) RETURNS uuid
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ms bigint := floor(extract(epoch FROM at) * 1000);
    bytes bytea := gen_random_bytes_fallback();
BEGIN
    bytes := set_byte(bytes, 0, ((ms >> 40) & 255)::int);
    bytes := set_byte(bytes, 1, ((ms >> 32) & 255)::int);
    bytes := set_byte(bytes, 2, ((ms >> 24) & 255)::int);
    bytes := set_byte(bytes, 3, ((ms >> 16) & 255)::int);
    bytes := set_byte(bytes, 4, ((ms >> 8) & 255)::int);
    bytes := set_byte(bytes, 5, (ms & 255)::int);
{%- if monotonic %}
    DECLARE
        frac int := floor((extract(epoch FROM at) * 1000 - ms) * 4096)::int;
    BEGIN
        bytes := set_byte(bytes, 6, (112 | (frac >> 8))::int);
        bytes := set_byte(bytes, 7, (frac & 255)::int);
    END;
{%- else %}
    bytes := set_byte(bytes, 6, (112 | (get_byte(bytes, 6) & 15))::int);
{%- endif %}
    bytes := set_byte(bytes, 8, (128 | (get_byte(bytes, 8) & 63))::int);
    RETURN encode(bytes, 'hex')::uuid;
END
$$;

-- The creation time a UUIDv7 carries (millisecond precision).
CREATE FUNCTION {{ schema }}.uuidv7_time(id uuid) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_timestamp(('x' || lpad(substr(replace(id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint / 1000.0)
$$;

CREATE TABLE {{ example_table }} (
    id         uuid PRIMARY KEY DEFAULT {{ schema }}.uuidv7(),
    title      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
