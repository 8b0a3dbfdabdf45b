/**
 * Projects: what the registry knows of the projects made from its templates. A row per
 * instantiation through a daemon (its id is written into the project's
 * .maestro-answers.yaml) and per project a CLI registered with `--remote`, so
 * `GET /projects?outdated=true` can list those behind their template.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import type {Kysely} from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('commit', 'text', (c) => c.notNull())
    /** `instantiate` (made by the daemon) or `register` (made elsewhere, registered by the CLI). */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('projects_tenant_created')
    .on('projects')
    .columns(['tenant', 'created_at', 'id'])
    .execute()
  await db.schema.createIndex('projects_template').on('projects').columns(['template_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('projects').execute()
}
