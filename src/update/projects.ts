/**
 * Project records: the projects a registry knows were made from its templates (made by
 * the daemon, or registered by a CLI with `--remote`), scoped by tenant like every read.
 */
import type {Kysely} from 'kysely'
import semver from 'semver'

import {NotFoundError} from '../domain/errors.js'
import type {ProjectList, ProjectRecord} from '../domain/projects.js'

export interface ProjectsTable {
  id: string
  tenant: string
  template_id: string
  namespace: string
  template: string
  version: string
  commit: string
  source: 'instantiate' | 'register'
  name: string | null
  created_by: string
  created_at: string
  updated_at: string
}

export interface ProjectsDatabase {
  projects: ProjectsTable
}

export type {ProjectList, ProjectRecord} from '../domain/projects.js'

export type NewProject = Omit<ProjectsTable, 'tenant' | 'created_at' | 'updated_at' | 'created_by'>

/** Versions of templates by id, for telling which projects are behind. */
export type VersionsOf = (templateIds: string[]) => Promise<Map<string, string[]>>

/**
 * Records and lists projects of one tenant.
 *
 * @example
 * ```ts
 * const records = new ProjectRecords(db, {tenant: 'acme', user: 'ci'})
 * await records.record({id, template_id, namespace, template, version, commit, source: 'instantiate', name: null})
 * const {items} = await records.list({outdated: true}, versionsOf)
 * ```
 */
export class ProjectRecords {
  readonly #db: Kysely<ProjectsDatabase>
  readonly #tenant: string
  readonly #user: string

  constructor(db: Kysely<ProjectsDatabase>, context: {tenant: string; user: string}) {
    this.#db = db
    this.#tenant = context.tenant
    this.#user = context.user
  }

  /** Records a project, or moves an existing one of this tenant to its new version. */
  async record(project: NewProject): Promise<void> {
    const now = new Date().toISOString()
    const existing = await this.#db
      .selectFrom('projects')
      .select(['tenant'])
      .where('id', '=', project.id)
      .executeTakeFirst()
    if (existing && existing.tenant !== this.#tenant) throw new NotFoundError('project', project.id)
    if (existing) {
      await this.#db
        .updateTable('projects')
        .set({version: project.version, commit: project.commit, updated_at: now})
        .where('id', '=', project.id)
        .where('tenant', '=', this.#tenant)
        .execute()
      return
    }
    await this.#db
      .insertInto('projects')
      .values({...project, tenant: this.#tenant, created_by: this.#user, created_at: now, updated_at: now})
      .execute()
  }

  /** One of this tenant's projects. */
  async get(id: string, versionsOf: VersionsOf): Promise<ProjectRecord> {
    const row = await this.#db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', id)
      .where('tenant', '=', this.#tenant)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('project', id)
    return judge(row, await versionsOf([row.template_id]))
  }

  /**
   * This tenant's projects, newest first; with `outdated`, only those behind the newest
   * version compatible with theirs.
   */
  async list(
    opts: {outdated?: boolean; template?: string; limit: number; offset: number},
    versionsOf: VersionsOf,
  ): Promise<ProjectList> {
    let query = this.#db.selectFrom('projects').selectAll().where('tenant', '=', this.#tenant)
    if (opts.template !== undefined) query = query.where('template', '=', opts.template)
    // Outdated is decided against the versions, not stored: read the tenant's rows, judge, page.
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
    const versions = await versionsOf([...new Set(rows.map((r) => r.template_id))])
    const judged = rows.map((row) => judge(row, versions))
    const kept = opts.outdated ? judged.filter((p) => p.outdated) : judged
    return {
      items: kept.slice(opts.offset, opts.offset + opts.limit),
      total: kept.length,
      limit: opts.limit,
      offset: opts.offset,
    }
  }
}

function judge(row: ProjectsTable, versions: Map<string, string[]>): ProjectRecord {
  const newest = semver.maxSatisfying(versions.get(row.template_id) ?? [], `^${row.version}`)
  const newer = newest !== null && semver.gt(newest, row.version) ? newest : null
  return {...row, newer_compatible: newer, outdated: newer !== null}
}
