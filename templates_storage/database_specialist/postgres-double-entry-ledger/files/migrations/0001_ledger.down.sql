-- Drops the whole ledger, its history included: export it first in production.
DROP SCHEMA IF EXISTS {{ schema }} CASCADE;
