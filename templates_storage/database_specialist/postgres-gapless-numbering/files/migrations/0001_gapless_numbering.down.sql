-- Drops the counters and the register of issued numbers: keep a copy of `issued` first.
DROP SCHEMA IF EXISTS {{ schema }} CASCADE;
