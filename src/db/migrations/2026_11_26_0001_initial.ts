/**
 * The template index: namespaces, templates, versions, files, blobs, and (SQLite) the
 * FTS5 search table.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import {sql} from 'kysely'
import type {Kysely} from 'kysely'

import {dialectOf} from '../database.js'

export async function up(db: Kysely<any>): Promise<void> {
  const dialect = dialectOf(db)
  const binary = dialect === 'postgres' ? 'bytea' : 'blob'

  await db.schema
    .createTable('namespaces')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('key', 'integer', (c) => c.notNull().unique())
    .addColumn('head_commit', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('templates')
    // SQLite: INTEGER PRIMARY KEY aliases the rowid, the key of the FTS row. Values
    // are assigned per namespace range (src/db/keys.ts), never generated.
    .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('namespace', 'text', (c) => c.notNull().references('namespaces.name').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('latest_version', 'text', (c) => c.notNull())
    // No foreign key: versions reference templates, and a cycle would complicate cascades.
    .addColumn('latest_version_id', 'text', (c) => c.notNull())
    .addColumn('quality_score', 'double precision')
    .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('templates_namespace_name_unique', ['namespace', 'name'])
    .execute()
  // Listings are ordered by name: walking this index stops after one page.
  await db.schema
    .createIndex('templates_name_namespace')
    .on('templates')
    .columns(['name', 'namespace'])
    .execute()

  await db.schema
    .createTable('template_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template_id', 'text', (c) => c.notNull().references('templates.id').onDelete('cascade'))
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('major', 'integer', (c) => c.notNull())
    .addColumn('minor', 'integer', (c) => c.notNull())
    .addColumn('patch', 'integer', (c) => c.notNull())
    .addColumn('prerelease', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('commit', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('readme', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('quality_score', 'double precision')
    .addColumn('quality_report', 'text')
    .addUniqueConstraint('template_versions_template_version_unique', ['template_id', 'version'])
    .execute()

  await db.schema
    .createTable('version_files')
    .addColumn('version_id', 'text', (c) =>
      c.notNull().references('template_versions.id').onDelete('cascade'),
    )
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('oid', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('binary', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('version_files_pk', ['version_id', 'path'])
    .execute()
  // Finds whether a blob is still referenced when a template is deleted.
  await db.schema.createIndex('version_files_oid').on('version_files').column('oid').execute()

  await db.schema
    .createTable('blobs')
    .addColumn('oid', 'text', (c) => c.primaryKey())
    .addColumn('content', binary, (c) => c.notNull())
    .execute()

  if (dialect === 'sqlite') {
    // Contentless (content=''): the texts live in templates/template_versions, the
    // index keeps only terms. detail=full because bm25 needs term positions (with
    // detail=column it scores every row 0). Rowids are templates.seq, so a namespace
    // is a rowid range; the `filters` column holds exact tokens for category, tags,
    // author and quality score, so filtered searches are answered by the index alone. Default separators split `backend_developer` and
    // `fastapi-service` into words. Prefix indexes for 3 and 4 characters: the last word
    // of a query is a prefix from 3 letters on, and without them FTS5 merges every
    // matching term's postings on each query. (No UNINDEXED columns: with contentless_unindexed,
    // DROP TABLE leaves a shadow table behind in SQLite 3.53.)
    await sql`
      CREATE VIRTUAL TABLE templates_fts USING fts5(
        name, tags, category, description, readme, author, filters,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '3 4'
      )
    `.execute(db)
    // Every way a template row goes (delete, namespace cascade, reindex) drops its search row.
    await sql`
      CREATE TRIGGER templates_search_row_delete AFTER DELETE ON templates BEGIN
        DELETE FROM templates_fts WHERE rowid = old.seq;
      END
    `.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'sqlite') {
    await sql`DROP TRIGGER IF EXISTS templates_search_row_delete`.execute(db)
    await sql`DROP TABLE IF EXISTS templates_fts`.execute(db)
  }
  await db.schema.dropTable('blobs').execute()
  await db.schema.dropTable('version_files').execute()
  await db.schema.dropTable('template_versions').execute()
  await db.schema.dropTable('templates').execute()
  await db.schema.dropTable('namespaces').execute()
}
