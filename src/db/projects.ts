/**
 * Project records: the projects a registry knows were made from its templates (made by
 * the daemon, or registered by a CLI with `--remote`), scoped by tenant like every read.
 * Whether one is behind its template is asked of the database: each row is joined with
 * the template's versions for the newest compatible one (`^version`, as
 * `semver.maxSatisfying` decides it for `maestro-tpl check`), so `outdated=true` pages
 * in SQL on both dialects.
 */
import {sql} from 'kysely'
import type {ExpressionBuilder, Kysely} from 'kysely'

import {NotFoundError} from '../domain/errors.js'
import type {ProjectList, ProjectRecord} from '../domain/projects.js'
import {capabilitiesOf} from './dialect.js'
import type {Database, ProjectsTable} from './schema.js'
import {versionColumns} from './version-order.js'

export type {ProjectList, ProjectRecord} from '../domain/projects.js'

/** What a caller gives to record a project; the version columns are derived here. */
export type NewProject = Omit<
  ProjectsTable,
  'tenant' | 'created_at' | 'updated_at' | 'created_by' | 'major' | 'minor' | 'patch' | 'prerelease_key'
>

const COLUMNS = [
  'p.id',
  'p.tenant',
  'p.template_id',
  'p.namespace',
  'p.template',
  'p.version',
  'p.commit',
  'p.source',
  'p.name',
  'p.created_by',
  'p.created_at',
  'p.updated_at',
] as const

/**
 * The newest version of the project's template that `^version` accepts and that is
 * newer than `version`, or null. The rules of node-semver's caret without prereleases:
 * same major; for 1.x and up any higher minor or patch, for 0.y (y > 0) a higher patch
 * of the same minor, for 0.0.z nothing; a release of the project's own x.y.z when the
 * project is on a prerelease of it; and other prereleases only of that same x.y.z, when
 * the project is on a prerelease (compared by their bytewise keys).
 */
function newestCompatible(db: Kysely<Database>) {
  const collate = capabilitiesOf(db).codePointCollation
  return (eb: ExpressionBuilder<Database & {p: ProjectsTable}, 'p'>) =>
    eb
      .selectFrom('template_versions as tv')
      .select('tv.version')
      .whereRef('tv.template_id', '=', 'p.template_id')
      .whereRef('tv.namespace', '=', 'p.namespace')
      .whereRef('tv.major', '=', 'p.major')
      .where(
        sql<boolean>`(
          (tv.prerelease = '' AND (
            (p.major > 0 AND (tv.minor > p.minor OR (tv.minor = p.minor AND tv.patch > p.patch)))
            OR (p.major = 0 AND p.minor > 0 AND tv.minor = p.minor AND tv.patch > p.patch)
            OR (p.prerelease_key <> '' AND tv.minor = p.minor AND tv.patch = p.patch)))
          OR (p.prerelease_key <> '' AND tv.prerelease <> '' AND tv.minor = p.minor AND tv.patch = p.patch
            AND tv.prerelease_key ${collate} > p.prerelease_key ${collate}))`,
      )
      .orderBy('tv.minor', 'desc')
      .orderBy('tv.patch', 'desc')
      .orderBy(sql`CASE WHEN tv.prerelease = '' THEN 1 ELSE 0 END`, 'desc')
      .orderBy(sql`tv.prerelease_key ${collate}`, 'desc')
      .limit(1)
}

type Row = Omit<ProjectRecord, 'outdated' | 'newer_compatible'> & {newer_compatible: string | null}

const judged = (row: Row): ProjectRecord => ({
  ...row,
  newer_compatible: row.newer_compatible ?? null,
  outdated: row.newer_compatible !== null && row.newer_compatible !== undefined,
})

/**
 * Records and lists projects of one tenant.
 *
 * @example
 * ```ts
 * const records = new ProjectRecords(db, {tenant: 'acme', user: 'ci'})
 * await records.record({id, template_id, namespace, template, version, commit, source: 'instantiate', name: null})
 * const {items} = await records.list({outdated: true, limit: 50, offset: 0})
 * ```
 */
export class ProjectRecords {
  readonly #db: Kysely<Database>
  readonly #tenant: string
  readonly #user: string

  constructor(db: Kysely<Database>, context: {tenant: string; user: string}) {
    this.#db = db
    this.#tenant = context.tenant
    this.#user = context.user
  }

  /**
   * Records a project, or moves an existing one of this tenant to its new version.
   * Says which it did (`unchanged`: it was known at that version already).
   */
  async record(project: NewProject): Promise<'recorded' | 'moved' | 'unchanged'> {
    const now = new Date().toISOString()
    const {major, minor, patch, prerelease_key} = versionColumns(project.version)
    const existing = await this.#db
      .selectFrom('projects')
      .select(['tenant', 'version', 'commit'])
      .where('id', '=', project.id)
      .executeTakeFirst()
    if (existing && existing.tenant !== this.#tenant) throw new NotFoundError('project', project.id)
    if (existing && existing.version === project.version && existing.commit === project.commit)
      return 'unchanged'
    if (existing) {
      await this.#db
        .updateTable('projects')
        .set({
          version: project.version,
          major,
          minor,
          patch,
          prerelease_key,
          commit: project.commit,
          updated_at: now,
        })
        .where('id', '=', project.id)
        .where('tenant', '=', this.#tenant)
        .execute()
      return 'moved'
    }
    await this.#db
      .insertInto('projects')
      .values({
        ...project,
        major,
        minor,
        patch,
        prerelease_key,
        tenant: this.#tenant,
        created_by: this.#user,
        created_at: now,
        updated_at: now,
      })
      .execute()
    return 'recorded'
  }

  /** One of this tenant's projects, with the newest compatible version of its template. */
  async get(id: string): Promise<ProjectRecord> {
    const row = await this.#db
      .selectFrom('projects as p')
      .select(COLUMNS)
      .select((eb) => newestCompatible(this.#db)(eb).as('newer_compatible'))
      .where('p.id', '=', id)
      .where('p.tenant', '=', this.#tenant)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('project', id)
    return judged(row)
  }

  /**
   * This tenant's projects, newest first; with `outdated`, only those behind the newest
   * version compatible with theirs. Filtered, counted and paged by the database.
   */
  async list(opts: {
    outdated?: boolean
    template?: string
    limit: number
    offset: number
  }): Promise<ProjectList> {
    const newest = newestCompatible(this.#db)
    let query = this.#db.selectFrom('projects as p').where('p.tenant', '=', this.#tenant)
    if (opts.template !== undefined) query = query.where('p.template', '=', opts.template)
    if (opts.outdated) query = query.where((eb) => eb.exists(newest(eb)))
    const [rows, count] = await Promise.all([
      query
        .select(COLUMNS)
        .select((eb) => newest(eb).as('newer_compatible'))
        .orderBy('p.created_at', 'desc')
        .orderBy('p.id', 'desc')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).executeTakeFirstOrThrow(),
    ])
    return {
      items: rows.map((row) => judged(row as Row)),
      total: Number(count.n),
      limit: opts.limit,
      offset: opts.offset,
    }
  }
}
