/**
 * Search on PostgreSQL, and an index for sorting by usage on both dialects.
 *
 * PostgreSQL: `template_search`, one row per template (keyed by `templates.seq`, gone
 * with its template by cascade, as the SQLite trigger does for `templates_fts`), with
 * three tsvectors built by the application from the same tokens SQLite indexes
 * (src/db/search/query.ts, `searchTokens`), each with a GIN index:
 * - `document`: every text column, weighted (A name; B tags, category; C description,
 *   author; D README), what a text query must match;
 * - `metadata`: the same without the README, the first ranking tier;
 * - `filters`: the category, tag, author and score tokens of SQLite's `filters` column.
 * Names also get an index in the "C" collation, the order search lists them in.
 *
 * SQLite keeps its FTS5 table from the initial migration.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import {sql} from 'kysely'
import type {Kysely} from 'kysely'

import {dialectOf} from '../database.js'

export async function up(db: Kysely<any>): Promise<void> {
  // Most used first, walked from the top for a listing sorted by usage.
  await db.schema.createIndex('templates_usage').on('templates').column('usage_count').execute()
  if (dialectOf(db) !== 'postgres') return

  await db.schema
    .createTable('template_search')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().references('templates.seq').onDelete('cascade'))
    .addColumn('document', sql`tsvector`, (c) => c.notNull())
    .addColumn('metadata', sql`tsvector`, (c) => c.notNull())
    .addColumn('filters', sql`tsvector`, (c) => c.notNull())
    .execute()
  // The document vector (README included, often kilobytes) is kept out of line and
  // uncompressed: the table stays narrow for the scans that do not need it, and
  // reading it for ranking costs no decompression.
  await sql`ALTER TABLE template_search ALTER COLUMN document SET STORAGE EXTERNAL`.execute(db)
  for (const column of ['document', 'metadata', 'filters']) {
    await sql`CREATE INDEX ${sql.id(`template_search_${column}`)} ON template_search USING gin (${sql.id(column)})`.execute(
      db,
    )
  }
  await sql`CREATE INDEX templates_name_c ON templates (name COLLATE "C", namespace COLLATE "C")`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`DROP INDEX IF EXISTS templates_name_c`.execute(db)
    await db.schema.dropTable('template_search').execute()
  }
  await db.schema.dropIndex('templates_usage').execute()
}
