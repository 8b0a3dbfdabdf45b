/**
 * Indexes in the order of the two search sorts that had none: by quality score
 * (scored first, highest first: the expressions of `orderBy('score')`) and by last
 * update. A listing with many matches walks its sort's index and stops after one page
 * instead of sorting every match (src/db/search/order.ts has the ORDER BYs).
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import {sql} from 'kysely'
import type {Kysely} from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The same statement on SQLite and PostgreSQL: both index expressions and DESC keys.
  await sql`CREATE INDEX templates_score ON templates ((quality_score IS NULL), quality_score DESC)`.execute(
    db,
  )
  await db.schema.createIndex('templates_updated').on('templates').column('updated_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('templates_updated').execute()
  await db.schema.dropIndex('templates_score').execute()
}
