-- btree_gist stays: other schemas may rely on it.
DROP SCHEMA IF EXISTS {{ schema }} CASCADE;
