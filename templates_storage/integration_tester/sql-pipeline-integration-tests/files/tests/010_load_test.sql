-- Integration test of mart.load_{{ source_name }}(): fixtures in, pipeline run, layers
-- reconciled, run again unchanged, late data applied. Everything is rolled back at the end,
-- so the test can run against a shared database.
\set ON_ERROR_STOP on
BEGIN;

INSERT INTO landing.{{ source_name }} (batch_id, record_id, customer_id, amount, currency, occurred_at, updated_at) VALUES
    ('b1', 'A-1', '42', '19.99', '{{ currency }}', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z'),
    ('b1', 'A-2', '43', '5.00',  '{{ currency }}', '2026-03-01T23:30:00Z', '2026-03-01T23:30:00Z'),
    ('b1', 'A-3', '44', 'abc',   '{{ currency }}', '2026-03-01T11:00:00Z', '2026-03-01T11:00:00Z'),
    ('b1', 'A-4', '45', '10.00', '{% if currency == 'JPY' %}CHF{% else %}JPY{% endif %}', '2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z'),
    ('b1', NULL,  '46', '1.00',  '{{ currency }}', '2026-03-01T13:00:00Z', '2026-03-01T13:00:00Z'),
    ('b1', 'A-5', '47', '{{ max_amount | plus: 1 }}', '{{ currency }}', '2026-03-01T14:00:00Z', '2026-03-01T14:00:00Z'),
    ('b1', 'A-6', '48', '7.50',  '{{ currency }}', '2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z'),
    ('b1', 'A-6', '48', '8.50',  '{{ currency }}', '2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z'),
    ('b1', 'A-7', 'x9', '3.00',  '{{ currency }}', 'yesterday-ish',        '2026-03-02T10:00:00Z');

SELECT * FROM mart.load_{{ source_name }}() \gset first_
SELECT qa.assert_equals('first run reads the batch', 9, :first_read_rows);
{%- if duplicate_policy == 'latest_wins' %}
SELECT qa.assert_equals('first run loads the valid records', 3, :first_loaded_rows);
SELECT qa.assert_equals('first run quarantines the bad rows', 5, :first_quarantined);
{%- else %}
SELECT qa.assert_equals('first run loads the valid records', 2, :first_loaded_rows);
SELECT qa.assert_equals('first run quarantines the bad rows and both duplicates', 7, :first_quarantined);
{%- endif %}

SELECT qa.assert_same_rows('each bad row is quarantined for its reasons',
    $$VALUES ('A-3', 'amount is not a number'), ('A-4', 'currency is not {{ currency }}'),
             (NULL, 'missing record_id'), ('A-5', 'amount above {{ max_amount }}'),
             ('A-7', 'customer_id is not a number'), ('A-7', 'timestamp is not valid')
{%- if duplicate_policy == 'quarantine' %},
             ('A-6', 'duplicate record_id in batch'), ('A-6', 'duplicate record_id in batch')
{%- endif %}$$,
    $$SELECT record_id, reason FROM landing.{{ source_name }}_quarantine$$);

{%- if duplicate_policy == 'latest_wins' %}
SELECT qa.assert_equals('the latest copy of a duplicated record wins', 8.50::numeric,
    (SELECT amount FROM mart.fact_{{ source_name }} WHERE record_id = 'A-6'));
{%- endif %}

-- Reconciliation: every landing row is quarantined or represented by an equal or newer fact.
SELECT qa.assert_empty('every landing row is accounted for', $$
    SELECT l.landing_id, l.record_id FROM landing.{{ source_name }} l
    WHERE NOT EXISTS (SELECT 1 FROM landing.{{ source_name }}_quarantine q WHERE q.landing_id = l.landing_id)
      AND NOT EXISTS (SELECT 1 FROM mart.fact_{{ source_name }} f
                      WHERE f.record_id = l.record_id AND f.updated_at >= l.updated_at::timestamptz)$$);

SELECT qa.assert_same_rows('daily totals add up the facts',
    $$SELECT (occurred_at AT TIME ZONE 'UTC')::date, count(*)::integer, sum(amount)
      FROM mart.fact_{{ source_name }} GROUP BY 1$$,
    $$SELECT day, record_count, total_amount FROM mart.daily_{{ source_name }}$$);

SELECT qa.assert_same_rows('a record at 23:30 UTC counts on its UTC day',
    $$VALUES ('2026-03-01'::date, 2, 24.99::numeric)$$,
    $$SELECT day, record_count, total_amount FROM mart.daily_{{ source_name }} WHERE day = '2026-03-01'$$);

-- Idempotency: a second run with no new data changes nothing.
CREATE TEMP TABLE facts_before AS SELECT * FROM mart.fact_{{ source_name }};
CREATE TEMP TABLE daily_before AS SELECT * FROM mart.daily_{{ source_name }};
SELECT * FROM mart.load_{{ source_name }}() \gset second_
{%- if load_mode == 'incremental' %}
SELECT qa.assert_equals('a run without new landing rows reads nothing', 0, :second_read_rows);
{%- else %}
SELECT qa.assert_equals('a full refresh reads every landing row again', 9, :second_read_rows);
{%- endif %}
SELECT qa.assert_same_rows('a second run leaves the facts as they were',
    'TABLE facts_before', 'TABLE mart.fact_{{ source_name }}');
SELECT qa.assert_same_rows('a second run leaves the daily totals as they were',
    'TABLE daily_before', 'TABLE mart.daily_{{ source_name }}');

-- Late data: a correction, a stale copy arriving after a newer one, and a new record.
INSERT INTO landing.{{ source_name }} (batch_id, record_id, customer_id, amount, currency, occurred_at, updated_at) VALUES
    ('b2', 'A-1', '42', '21.00', '{{ currency }}', '2026-03-01T10:00:00Z', '2026-03-03T09:00:00Z'),
    ('b2', 'A-2', '43', '99.00', '{{ currency }}', '2026-03-01T23:30:00Z', '2026-02-28T00:00:00Z'),
    ('b2', 'A-8', '50', '12.00', '{{ currency }}', '2026-03-03T15:00:00Z', '2026-03-03T15:00:00Z');

SELECT * FROM mart.load_{{ source_name }}() \gset third_
{%- if load_mode == 'incremental' %}
SELECT qa.assert_equals('the next run reads only the new batch', 3, :third_read_rows);
SELECT qa.assert_equals('the stale copy is not loaded', 2, :third_loaded_rows);
{%- else %}
SELECT qa.assert_equals('a full refresh reads both batches', 12, :third_read_rows);
{%- endif %}
SELECT qa.assert_same_rows('corrections apply, stale copies do not',
    $$VALUES ('A-1', 21.00::numeric), ('A-2', 5.00), ('A-8', 12.00){% if duplicate_policy == 'latest_wins' %}, ('A-6', 8.50){% endif %}$$,
    $$SELECT record_id, amount FROM mart.fact_{{ source_name }}$$);
SELECT qa.assert_same_rows('daily totals follow the correction',
    $$SELECT (occurred_at AT TIME ZONE 'UTC')::date, count(*)::integer, sum(amount)
      FROM mart.fact_{{ source_name }} GROUP BY 1$$,
    $$SELECT day, record_count, total_amount FROM mart.daily_{{ source_name }}$$);

ROLLBACK;
