/**
 * Outdated projects in the database: `GET /projects?outdated=true` joins projects
 * against the template versions to find a newer compatible (`^x.y.z`) one, so both sides
 * need their version as comparable columns. Template versions had major/minor/patch and
 * the prerelease text, whose text order is not semver's (`rc.10` < `rc.9`): they gain
 * `prerelease_key`, whose byte order is. Projects gain the same columns. Both are filled
 * from the version text here.
 *
 * Frozen: once released, a migration never changes; later changes are new files. The
 * key is computed by a copy of src/db/version-order.ts as it was that day.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import type {Kysely} from 'kysely'
import semver from 'semver'

function prereleaseKey(identifiers: readonly (string | number)[]): string {
  return identifiers
    .map((id) =>
      typeof id === 'number' || /^\d+$/.test(id)
        ? `0${String(id).length.toString().padStart(3, '0')}${id}`
        : `1${id}`,
    )
    .join(' ')
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('template_versions')
    .addColumn('prerelease_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  const prereleases = await db
    .selectFrom('template_versions')
    .select(['id', 'version'])
    .where('prerelease', '<>', '')
    .execute()
  for (const row of prereleases as {id: string; version: string}[]) {
    const parsed = semver.parse(row.version)
    if (parsed === null) continue
    await db
      .updateTable('template_versions')
      .set({prerelease_key: prereleaseKey(parsed.prerelease)})
      .where('id', '=', row.id)
      .execute()
  }
  await db.schema
    .createIndex('template_versions_compatible')
    .on('template_versions')
    .columns(['template_id', 'major', 'minor', 'patch'])
    .execute()

  for (const column of ['major', 'minor', 'patch'])
    await db.schema
      .alterTable('projects')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  await db.schema
    .alterTable('projects')
    .addColumn('prerelease_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  const projects = await db.selectFrom('projects').select(['id', 'version']).execute()
  for (const row of projects as {id: string; version: string}[]) {
    const parsed = semver.parse(row.version)
    if (parsed === null) continue
    await db
      .updateTable('projects')
      .set({
        major: parsed.major,
        minor: parsed.minor,
        patch: parsed.patch,
        prerelease_key: prereleaseKey(parsed.prerelease),
      })
      .where('id', '=', row.id)
      .execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['prerelease_key', 'patch', 'minor', 'major'])
    await db.schema.alterTable('projects').dropColumn(column).execute()
  await db.schema.dropIndex('template_versions_compatible').execute()
  await db.schema.alterTable('template_versions').dropColumn('prerelease_key').execute()
}
