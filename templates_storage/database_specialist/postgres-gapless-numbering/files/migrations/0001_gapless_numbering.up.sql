-- Gapless numbers. A SEQUENCE is never rolled back: a failed transaction burns its number
-- and leaves a hole, which invoice numbering rules (and auditors) do not accept. Here the
-- counter is an ordinary row, incremented in the caller's transaction: a rollback gives
-- the number back. The price is that two transactions numbering the same series queue on
-- that row until the first commits, so take the number as late in the transaction as you can.
CREATE SCHEMA IF NOT EXISTS {{ schema }};

CREATE TABLE {{ schema }}.counter (
{%- if per_tenant %}
    tenant_id bigint NOT NULL,
{%- endif %}
    series    text NOT NULL CHECK (series ~ '^[A-Z][A-Z0-9]{0,9}$'),
    -- {% if reset == 'yearly' %}YYYY{% elsif reset == 'monthly' %}YYYY-MM{% else %}always '' (numbering never restarts){% endif %}
    period    text NOT NULL,
    last      bigint NOT NULL CHECK (last > 0),
    PRIMARY KEY ({% if per_tenant %}tenant_id, {% endif %}series, period)
);

-- Every number handed out, with the document it went to: the proof that there is no gap,
-- and the place to find which document holds a number.
CREATE TABLE {{ schema }}.issued (
{%- if per_tenant %}
    tenant_id   bigint NOT NULL,
{%- endif %}
    series      text NOT NULL,
    period      text NOT NULL,
    seq         bigint NOT NULL,
    number      text NOT NULL,
    document_id text NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY ({% if per_tenant %}tenant_id, {% endif %}series, period, seq),
    UNIQUE ({% if per_tenant %}tenant_id, {% endif %}number)
);

CREATE FUNCTION {{ schema }}.period_of(p_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
{%- if reset == 'yearly' %}
    SELECT to_char(p_at AT TIME ZONE '{{ time_zone }}', 'YYYY')
{%- elsif reset == 'monthly' %}
    SELECT to_char(p_at AT TIME ZONE '{{ time_zone }}', 'YYYY-MM')
{%- else %}
    SELECT ''::text
{%- endif %}
$$;

-- Takes the next number of a series for a document: `INV{% if reset != 'never' %}-<period>{% endif %}-<{{ pad }} digits>`.
-- Call it in the transaction that saves the document.
CREATE FUNCTION {{ schema }}.next_number(
{%- if per_tenant %}
    p_tenant_id bigint,
{%- endif %}
    p_series text,
    p_document_id text,
    p_at timestamptz DEFAULT now()
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_period text := {{ schema }}.period_of(p_at);
    v_seq bigint;
    v_number text;
BEGIN
    -- The upsert takes the row lock: concurrent callers of the same series wait here.
    INSERT INTO {{ schema }}.counter ({% if per_tenant %}tenant_id, {% endif %}series, period, last)
    VALUES ({% if per_tenant %}p_tenant_id, {% endif %}p_series, v_period, 1)
    ON CONFLICT ({% if per_tenant %}tenant_id, {% endif %}series, period) DO UPDATE SET last = {{ schema }}.counter.last + 1
    RETURNING last INTO v_seq;
    v_number := p_series || CASE WHEN v_period = '' THEN '' ELSE '-' || v_period END || '-' || lpad(v_seq::text, {{ pad }}, '0');
    INSERT INTO {{ schema }}.issued ({% if per_tenant %}tenant_id, {% endif %}series, period, seq, number, document_id)
    VALUES ({% if per_tenant %}p_tenant_id, {% endif %}p_series, v_period, v_seq, v_number, p_document_id);
    RETURN v_number;
END
$$;

-- Holes in what was issued (there should be none): a row per missing number.
CREATE VIEW {{ schema }}.gaps AS
SELECT {% if per_tenant %}i.tenant_id, {% endif %}i.series, i.period, missing AS seq
  FROM (SELECT {% if per_tenant %}tenant_id, {% endif %}series, period, max(seq) AS top
          FROM {{ schema }}.issued GROUP BY {% if per_tenant %}tenant_id, {% endif %}series, period) i
 CROSS JOIN LATERAL generate_series(1, i.top) AS missing
 WHERE NOT EXISTS (
       SELECT 1 FROM {{ schema }}.issued x
        WHERE {% if per_tenant %}x.tenant_id = i.tenant_id AND {% endif %}x.series = i.series AND x.period = i.period AND x.seq = missing);
