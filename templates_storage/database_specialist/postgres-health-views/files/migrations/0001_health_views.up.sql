-- Health views for the people (and alerts) that keep this database running. They read
-- PostgreSQL's own statistics; nothing here writes or locks application tables.
CREATE SCHEMA IF NOT EXISTS {{ schema }};
COMMENT ON SCHEMA {{ schema }} IS 'Operational health views (maestro-tpl postgres-health-views)';

-- Statements running longer than {{ long_query_seconds }} s, longest first.
CREATE VIEW {{ schema }}.long_running_queries AS
SELECT pid,
       usename,
       application_name,
       client_addr,
       state,
       now() - query_start AS running_for,
       wait_event_type,
       wait_event,
       left(query, 500) AS query
  FROM pg_stat_activity
 WHERE state NOT IN ('idle', 'idle in transaction', 'idle in transaction (aborted)')
   AND backend_type = 'client backend'
   AND pid <> pg_backend_pid()
   AND now() - query_start > interval '{{ long_query_seconds }} seconds'
 ORDER BY query_start;

-- Sessions holding a transaction open without doing anything: they keep locks and stop
-- vacuum from removing dead rows everywhere.
CREATE VIEW {{ schema }}.idle_in_transaction AS
SELECT pid,
       usename,
       application_name,
       client_addr,
       now() - xact_start AS transaction_age,
       now() - state_change AS idle_for,
       left(query, 500) AS last_query
  FROM pg_stat_activity
 WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
   AND now() - state_change > interval '{{ long_query_seconds }} seconds'
 ORDER BY xact_start;

-- Who waits on whom: one row per (waiting, blocking) pair.
CREATE VIEW {{ schema }}.lock_waits AS
SELECT w.pid AS waiting_pid,
       w.usename AS waiting_user,
       now() - w.query_start AS waiting_for,
       left(w.query, 300) AS waiting_query,
       b.pid AS blocking_pid,
       b.usename AS blocking_user,
       b.state AS blocking_state,
       now() - b.xact_start AS blocking_transaction_age,
       left(b.query, 300) AS blocking_query
  FROM pg_stat_activity w
 CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid)
  JOIN pg_stat_activity b ON b.pid = blocker.pid
 ORDER BY w.query_start;

-- Tables with a vacuum backlog: dead rows at least {{ dead_tuple_percent }}% of live ones (and 1000 or more).
CREATE VIEW {{ schema }}.vacuum_backlog AS
SELECT schemaname,
       relname,
       n_live_tup,
       n_dead_tup,
       round(100.0 * n_dead_tup / greatest(n_live_tup, 1), 1) AS dead_percent,
       greatest(last_vacuum, last_autovacuum) AS last_vacuumed,
       greatest(last_analyze, last_autoanalyze) AS last_analyzed
  FROM pg_stat_user_tables
 WHERE n_dead_tup >= 1000
   AND n_dead_tup * 100 >= {{ dead_tuple_percent }} * greatest(n_live_tup, 1)
 ORDER BY n_dead_tup DESC;

-- Indexes never scanned since statistics were last reset, biggest first. Unique,
-- primary-key and constraint indexes are left out: they work without being scanned.
CREATE VIEW {{ schema }}.unused_indexes AS
SELECT s.schemaname,
       s.relname AS table_name,
       s.indexrelname AS index_name,
       pg_relation_size(s.indexrelid) AS index_bytes,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS index_size,
       (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) AS counted_since
  FROM pg_stat_user_indexes s
  JOIN pg_index i ON i.indexrelid = s.indexrelid
 WHERE s.idx_scan = 0
   AND NOT i.indisunique
   AND NOT i.indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
 ORDER BY pg_relation_size(s.indexrelid) DESC;

-- Indexes with the same table, columns, operator classes, expressions and predicate:
-- all but one are pure write and storage cost.
CREATE VIEW {{ schema }}.duplicate_indexes AS
SELECT i.indrelid::regclass AS table_name,
       array_agg(i.indexrelid::regclass ORDER BY i.indexrelid) AS indexes,
       pg_size_pretty(sum(pg_relation_size(i.indexrelid))) AS total_size
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg_toast%'
 GROUP BY i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
          coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
HAVING count(*) > 1;

-- How much of its range each ascending sequence has used, against the smaller of the
-- sequence's maximum and the maximum of the integer column it feeds (a bigint sequence
-- behind an integer column fails at 2147483647). SECURITY DEFINER: pg_sequences hides
-- last_value from roles without USAGE on the sequence, which a monitoring role lacks;
-- run this migration as the owner of the application's sequences (or a superuser).
CREATE FUNCTION {{ schema }}.sequence_usage()
RETURNS TABLE (
    sequence_name text,
    table_name text,
    column_name name,
    column_type text,
    last_value bigint,
    effective_max numeric,
    percent_used numeric
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    WITH owner AS (
        SELECT d.objid AS seq_oid,
               -- Qualified always: the function's search_path is pg_catalog only.
               a.attrelid::regclass::text AS table_name,
               a.attname AS column_name,
               format_type(a.atttypid, a.atttypmod) AS column_type,
               CASE a.atttypid
                   WHEN 'int2'::regtype THEN 32767
                   WHEN 'int4'::regtype THEN 2147483647
                   ELSE 9223372036854775807
               END::numeric AS column_max
          FROM pg_depend d
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass
           AND d.refclassid = 'pg_class'::regclass
           AND d.deptype IN ('a', 'i')
    )
    SELECT format('%I.%I', s.schemaname, s.sequencename),
           o.table_name,
           o.column_name,
           o.column_type,
           s.last_value,
           least(s.max_value::numeric, coalesce(o.column_max, s.max_value::numeric)),
           round(100 * coalesce(s.last_value, 0)::numeric
                 / least(s.max_value::numeric, coalesce(o.column_max, s.max_value::numeric)), 2)
      FROM pg_sequences s
      JOIN pg_class c ON c.relname = s.sequencename
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
      LEFT JOIN owner o ON o.seq_oid = c.oid
     WHERE s.increment_by > 0
$$;
REVOKE EXECUTE ON FUNCTION {{ schema }}.sequence_usage() FROM PUBLIC;

CREATE VIEW {{ schema }}.sequences_near_exhaustion AS
SELECT * FROM {{ schema }}.sequence_usage()
 WHERE percent_used >= {{ sequence_alert_percent }}
 ORDER BY percent_used DESC;

-- Transaction-ID age per database: at 2^31 PostgreSQL stops accepting writes. Autovacuum
-- freezes tables from autovacuum_freeze_max_age on; far beyond it, something blocks it.
CREATE VIEW {{ schema }}.xid_wraparound AS
SELECT datname,
       age(datfrozenxid) AS xid_age,
       round(100.0 * age(datfrozenxid) / 2147483647, 2) AS percent_to_wraparound,
       current_setting('autovacuum_freeze_max_age')::bigint AS autovacuum_freeze_max_age
  FROM pg_database
 ORDER BY age(datfrozenxid) DESC;

CREATE VIEW {{ schema }}.cache_hit_ratio AS
SELECT datname,
       blks_hit,
       blks_read,
       round(100.0 * blks_hit / nullif(blks_hit + blks_read, 0), 2) AS hit_percent
  FROM pg_stat_database
 WHERE datname IS NOT NULL;

-- WAL kept for replication slots: an inactive slot retains WAL until the disk fills.
CREATE VIEW {{ schema }}.replication_slots AS
SELECT slot_name,
       slot_type,
       database,
       active,
       wal_status,
       CASE WHEN pg_is_in_recovery() THEN NULL
            ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END AS retained_bytes,
       CASE WHEN pg_is_in_recovery() THEN NULL
            ELSE pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)) END AS retained_wal
  FROM pg_replication_slots;
{%- if statements %}

-- Top statements by total execution time. pg_stat_statements must be in
-- shared_preload_libraries (a restart) before this view returns rows.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

CREATE VIEW {{ schema }}.top_queries AS
SELECT queryid,
       calls,
       round(total_exec_time::numeric, 1) AS total_ms,
       round(mean_exec_time::numeric, 2) AS mean_ms,
       rows,
       round(100.0 * shared_blks_hit / nullif(shared_blks_hit + shared_blks_read, 0), 2) AS hit_percent,
       left(query, 500) AS query
  FROM pg_stat_statements
 ORDER BY total_exec_time DESC
 LIMIT 50;
{%- endif %}

-- One row per check, for an alerting job: `SELECT * FROM {{ schema }}.health_check() WHERE status <> 'ok'`.
CREATE FUNCTION {{ schema }}.health_check()
RETURNS TABLE (check_name text, status text, value numeric, detail text)
LANGUAGE sql STABLE AS $$
    SELECT 'long_running_queries', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'warn' END, count(*),
           'statements running longer than {{ long_query_seconds }} s'
      FROM {{ schema }}.long_running_queries
    UNION ALL
    SELECT 'idle_in_transaction', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'warn' END, count(*),
           'sessions idle in a transaction longer than {{ long_query_seconds }} s'
      FROM {{ schema }}.idle_in_transaction
    UNION ALL
    SELECT 'lock_waits', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'warn' END, count(*), 'sessions waiting on a lock'
      FROM {{ schema }}.lock_waits
    UNION ALL
    SELECT 'sequences', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'warn' END, count(*),
           coalesce('over {{ sequence_alert_percent }}% used: ' || string_agg(sequence_name, ', '), 'none over {{ sequence_alert_percent }}% used')
      FROM {{ schema }}.sequences_near_exhaustion
    UNION ALL
    SELECT 'xid_wraparound', CASE WHEN max(percent_to_wraparound) < 50 THEN 'ok' ELSE 'critical' END,
           max(percent_to_wraparound), 'highest share of the transaction-ID space used by a database'
      FROM {{ schema }}.xid_wraparound
    UNION ALL
    SELECT 'vacuum_backlog', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'warn' END, count(*),
           'tables with {{ dead_tuple_percent }}% or more dead rows'
      FROM {{ schema }}.vacuum_backlog
    UNION ALL
    SELECT 'inactive_replication_slots', CASE WHEN count(*) = 0 THEN 'ok' ELSE 'warn' END, count(*),
           'slots retaining WAL with no consumer'
      FROM {{ schema }}.replication_slots
     WHERE NOT active
$$;
{%- if monitoring_role != '' %}

-- A read-only role for dashboards and exporters (grant it to a login role). Roles are
-- cluster-wide: created only when missing, and left in place by the down migration.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{{ monitoring_role }}') THEN
        CREATE ROLE {{ monitoring_role }} NOLOGIN;
    END IF;
END
$$;
-- pg_monitor: every session's query text and the statistics views.
GRANT pg_monitor TO {{ monitoring_role }};
GRANT USAGE ON SCHEMA {{ schema }} TO {{ monitoring_role }};
GRANT SELECT ON ALL TABLES IN SCHEMA {{ schema }} TO {{ monitoring_role }};
GRANT EXECUTE ON FUNCTION {{ schema }}.sequence_usage(), {{ schema }}.health_check() TO {{ monitoring_role }};
{%- endif %}
