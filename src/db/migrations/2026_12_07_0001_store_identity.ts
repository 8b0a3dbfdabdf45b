/**
 * Several processes, one truth. `index_settings` holds `store_id`: the identity of the
 * git store the index was built from (the same uuid as `<store>/maestro-store.json`),
 * so a daemon whose store is another refuses to start instead of "repairing" one from
 * the other. `namespaces.generation` moves on with every index write to a namespace:
 * other processes compare it per read to drop what their caches hold for it.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import type {Kysely} from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('index_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .alterTable('namespaces')
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('namespaces').dropColumn('generation').execute()
  await db.schema.dropTable('index_settings').execute()
}
