/**
 * The template index: what the registry reads (reads never walk git) and what every
 * write updates, in one transaction, after the git commit.
 */
import {createHash, randomUUID} from 'node:crypto'
import type {Kysely, Selectable} from 'kysely'
import semver from 'semver'

import {
  InvalidVersionError,
  LimitExceededError,
  MaestroError,
  NotFoundError,
  UsageError,
  VersionConflictError,
} from '../domain/errors.js'
import type {Manifest, Namespace, TemplateFiles, TemplateSummary, VersionInfo} from '../domain/types.js'
import {SEARCH_SORTS} from '../domain/registry.js'
import type {SearchQuery, SearchSort, TemplateFileEntry} from '../domain/registry.js'
import {isBinary} from '../domain/paths.js'
import {WORKFLOW_CATEGORY} from '../domain/types.js'
import {contentHash} from './content.js'
import {capabilitiesOf} from './dialect.js'
import {MAX_NAMESPACE_KEY, seqRange} from './keys.js'
import {runTransaction, withRetry} from './retry.js'
import {chunks, SUMMARY_COLUMNS, toSummary} from './rows.js'
import type {Database, TemplatesTable, TemplateVersionsTable} from './schema.js'
import {searchBackendFor} from './search/backend.js'
import type {BackendResult, SearchBackend, SearchDocument} from './search/backend.js'
import {EXACT_TOTAL_UP_TO} from './search/count.js'
import {parseQueryWords} from './search/query.js'
import {prereleaseKey} from './version-order.js'

/**
 * Which rows a read sees. Workflows are indexed beside templates (category
 * WORKFLOW_CATEGORY, see src/workflows/package.ts) so they share versions, search and
 * scoring, but a template read never answers one and a workflow read never answers a
 * template; `any` is for writes, which keep a name unique across both in a namespace.
 */
export type IndexKind = 'templates' | 'workflows' | 'any'

/** Narrows a `templates` query (any alias) to `kind`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a select builder over `templates` under any alias
function ofKind<Q extends {where: (...args: any[]) => Q}>(query: Q, kind: IndexKind, column = 'category'): Q {
  if (kind === 'any') return query
  return query.where(column, kind === 'workflows' ? '=' : '<>', WORKFLOW_CATEGORY)
}

export const DEFAULT_SEARCH_LIMIT = 20
export const MAX_SEARCH_LIMIT = 100

/** A template as indexed: its summary (latest version) plus bookkeeping. */
export interface TemplateRecord extends TemplateSummary {
  latest_version_id: string
  usage_count: number
  created_at: string
}

/** One published version, without its manifest and README. */
export interface VersionRecord extends VersionInfo {
  id: string
  template_id: string
  namespace: Namespace
  /** See `contentHash`: equal hash ⇔ equal files. */
  content_hash: string
}

export interface VersionDetail extends VersionRecord {
  manifest: Manifest
  readme: string
  /** The quality report stored with the version, or null when it was not scored. */
  quality_report: unknown
}

export interface RecordVersionInput {
  namespace: Namespace
  manifest: Manifest
  /** README.md contents ('' when absent); indexed for search. */
  readme: string
  /** The git commit holding this version. */
  commit: string
  message: string
  /** Who published (the commit author), not the manifest's author. */
  author: string
  createdAt: string | Date
  /** Every file of the template folder by POSIX path, with its git blob id. */
  files: ReadonlyMap<string, {readonly oid: string; readonly content: Uint8Array}>
  qualityScore?: number | null | undefined
  qualityReport?: unknown
  /**
   * The commit to record as the namespace head (default `commit`). A replay that met a
   * commit it could not index keeps the head before it, so the next start tries again.
   */
  head?: string | null
  /**
   * Fencing: the namespace head the index must hold before this commit (the commit's
   * parent). Another head means another writer got in between (a lost lock), and the
   * transaction is refused with {@link IndexHeadMovedError}. Left out, not checked.
   */
  expectedHead?: string | null | undefined
}

/** The index's namespace head is not the one the writer planned on: a writer got in between. */
export class IndexHeadMovedError extends MaestroError {
  static readonly code = 'INDEX_HEAD_MOVED'
  constructor(namespace: Namespace, expected: string | null, found: string | null) {
    super(
      `the index of ${namespace} moved to ${found ?? 'nothing'} while a write expected ${expected ?? 'nothing'}`,
      {
        code: IndexHeadMovedError.code,
        status: 409,
        data: {namespace, expected, found},
      },
    )
  }
}

export interface RecordVersionResult {
  templateId: string
  versionId: string
  /** created: new template; updated: new version; unchanged: this version was already indexed with the same files. */
  status: 'created' | 'updated' | 'unchanged'
}

/** A template as the registry-wide quality report sees it (see `TemplateIndex.qualityRows`). */
export interface QualityRow {
  name: string
  namespace: Namespace
  category: string
  score: number | null
  /** The stored report of the latest version when the template fails the minimum; else null. */
  report: unknown
}

export interface NamespaceRecord {
  name: Namespace
  head_commit: string | null
  updated_at: string
}

export interface IndexStats {
  templates: number
  versions: number
  /** Templates per category. */
  categories: Record<string, number>
  /** Distinct file contents the namespaces' versions reference, and their total size. */
  blobs: number
  blob_bytes: number
}

const RECORD_COLUMNS = [...SUMMARY_COLUMNS, 'latest_version_id', 'usage_count', 'created_at'] as const
const VERSION_COLUMNS = [
  'id',
  'template_id',
  'namespace',
  'version',
  'commit',
  'message',
  'author',
  'created_at',
  'content_hash',
  'quality_score',
] as const

/**
 * Reads and writes of the template index. Every read takes the namespaces the caller
 * may see: there is no unscoped read path. Every write is one transaction; to make
 * several writes one transaction, use `transaction()`.
 *
 * @example
 * ```ts
 * const index = new TemplateIndex(db)
 * await index.recordVersion({namespace: 'public', manifest, readme, commit, message, author, createdAt, files})
 * const {items} = await index.search(['acme', 'public'], {text: 'fastapi', category: 'backend_developer'})
 * const tpl = await index.findTemplate(['acme', 'public'], 'fastapi-service')
 * const version = await index.resolveVersion(['acme', 'public'], tpl!.id, '^1')
 * const files = await index.readFiles(['acme', 'public'], version.id)
 * ```
 */
export class TemplateIndex {
  readonly #db: Kysely<Database>
  readonly #search: SearchBackend

  /** `db` may be a transaction: the index then works inside it. */
  constructor(db: Kysely<Database>) {
    this.#db = db
    this.#search = searchBackendFor(db)
  }

  /**
   * Runs `fn` with an index bound to one transaction: all its writes commit together
   * or not at all. Inside, use only the index passed to `fn` (SQLite has a single
   * connection, which the transaction holds). A transaction that fails on a transient
   * error (serialization failure, deadlock, dropped connection) runs again whole, so
   * `fn` must do nothing but index writes (see `runTransaction`).
   *
   * @example
   * ```ts
   * await index.transaction(async (tx) => {
   *   await tx.clearNamespace('acme')
   *   for (const v of versions) await tx.recordVersion(v)
   * })
   * ```
   */
  async transaction<T>(fn: (index: TemplateIndex) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this)
    return runTransaction(this.#db, (trx) => fn(new TemplateIndex(trx)))
  }

  /**
   * Runs `fn` with an index bound to one database connection, taken once: a writer that
   * holds a namespace lock runs its reads and its transaction there instead of queueing
   * for the pool at each statement behind every request of the daemon. On SQLite (one
   * connection, shared by reads) `fn` gets this index: holding the connection would stop
   * reads for as long.
   *
   * @example
   * ```ts
   * await index.withConnection(async (own) => {
   *   const head = await own.getNamespaceHead('acme')
   *   await own.transaction(async (tx) => tx.recordVersion(input))
   * })
   * ```
   */
  async withConnection<T>(fn: (index: TemplateIndex) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction || !capabilitiesOf(this.#db).pooledConnections) return fn(this)
    return this.#db.connection().execute((db) => fn(new TemplateIndex(db)))
  }

  /**
   * Full-text search over name, tags, category, description, README and author,
   * ranked by bm25 (weights in `COLUMN_WEIGHTS`: name 10, tags 5, category 3,
   * description 2, README 1, author 1). Words are ANDed and the last one is
   * prefix-matched. Without text, lists by name. Filters: `namespace` (must be one of
   * `namespaces`), `category`, `tags` (all must match), `author` (case-insensitive),
   * `minScore` (quality score at least). `sort`: see `SearchQuery.sort`. `limit`
   * defaults to 20, at most 100. On PostgreSQL the ranking is `ts_rank` over a weighted
   * tsvector instead (src/db/search/postgres.ts), with the same matches and tiers.
   * Matches are counted up to EXACT_TOTAL_UP_TO (`totalExact` false beyond), all of
   * them with `exactTotal`.
   *
   * @example
   * ```ts
   * await index.search(['acme', 'public'], {text: 'fast api', tags: ['python'], minScore: 70, limit: 10})
   * // {items: [{name: 'fastapi-service', rank: 12.3, ...}], total: 1, totalExact: true}
   * ```
   */
  async search(
    namespaces: readonly Namespace[],
    q: SearchQuery,
    kind: Exclude<IndexKind, 'any'> = 'templates',
  ): Promise<BackendResult> {
    let scope = [...new Set(namespaces)]
    if (q.namespace !== undefined) scope = scope.includes(q.namespace) ? [q.namespace] : []
    if (scope.length === 0) return {items: [], total: 0, totalExact: true}
    const category = kind === 'workflows' ? WORKFLOW_CATEGORY : q.category
    if (kind === 'templates' && category === WORKFLOW_CATEGORY) return {items: [], total: 0, totalExact: true}
    return this.#search.search(this.#db, {
      namespaces: scope,
      text: q.text,
      category,
      ...(kind === 'templates' ? {excludeCategory: WORKFLOW_CATEGORY} : {}),
      tags: q.tags,
      author: q.author,
      minScore: Number.isFinite(q.minScore) ? q.minScore : undefined,
      sort: searchSort(q),
      limit: clamp(q.limit, DEFAULT_SEARCH_LIMIT, 0, MAX_SEARCH_LIMIT),
      offset: clamp(q.offset, 0, 0, Number.MAX_SAFE_INTEGER),
      countUpTo: q.exactTotal === true ? undefined : EXACT_TOTAL_UP_TO,
    })
  }

  /**
   * The template called `name` in the first of `namespaces` (in precedence order)
   * that has one, or undefined.
   *
   * @example
   * ```ts
   * await index.findTemplate(['acme', 'public'], 'fastapi-service') // acme's copy shadows public's
   * ```
   */
  async findTemplate(
    namespaces: readonly Namespace[],
    name: string,
    kind: IndexKind = 'any',
  ): Promise<TemplateRecord | undefined> {
    if (namespaces.length === 0) return undefined
    const rows = await ofKind(
      this.#db
        .selectFrom('templates')
        .select(RECORD_COLUMNS)
        .where('namespace', 'in', namespaces)
        .where('name', '=', name),
      kind,
    ).execute()
    const byNamespace = new Map(rows.map((row) => [row.namespace, row]))
    for (const ns of namespaces) {
      const row = byNamespace.get(ns)
      if (row) return toRecord(row)
    }
    return undefined
  }

  /**
   * The template with this id, if it lives in one of `namespaces`.
   *
   * @example
   * ```ts
   * await index.getTemplateById(['acme', 'public'], '0b8e…') // undefined for another tenant's id
   * ```
   */
  async getTemplateById(
    namespaces: readonly Namespace[],
    id: string,
    kind: IndexKind = 'any',
  ): Promise<TemplateRecord | undefined> {
    if (namespaces.length === 0) return undefined
    const row = await ofKind(
      this.#db
        .selectFrom('templates')
        .select(RECORD_COLUMNS)
        .where('namespace', 'in', namespaces)
        .where('id', '=', id),
      kind,
    ).executeTakeFirst()
    return row && toRecord(row)
  }

  /**
   * Versions of a template, highest semver first ([] when it is not visible).
   *
   * @example
   * ```ts
   * (await index.listVersions(['public'], tpl.id)).map((v) => v.version) // ['2.0.0', '2.0.0-rc.1', '1.4.2']
   * ```
   */
  async listVersions(namespaces: readonly Namespace[], templateId: string): Promise<VersionRecord[]> {
    return (await this.versionPage(namespaces, templateId, {offset: 0, limit: Number.POSITIVE_INFINITY}))
      .items
  }

  /**
   * One page of a template's versions, newest (highest semver) first, and how many there
   * are. Semver order is not an order SQL knows: the version numbers alone are read and
   * ordered here, then only the page's rows are read.
   *
   * @example
   * ```ts
   * const {items, total} = await index.versionPage(['public'], tpl.id, {offset: 0, limit: 20})
   * ```
   */
  async versionPage(
    namespaces: readonly Namespace[],
    templateId: string,
    page: {offset: number; limit: number},
  ): Promise<{items: VersionRecord[]; total: number}> {
    if (namespaces.length === 0) return {items: [], total: 0}
    const numbers = await this.#db
      .selectFrom('template_versions')
      .select(['id', 'version'])
      .where('template_id', '=', templateId)
      .where('namespace', 'in', namespaces)
      .execute()
    const ids = numbers
      .sort((a, b) => semver.rcompare(a.version, b.version))
      .slice(page.offset, page.offset + page.limit)
      .map((row) => row.id)
    if (ids.length === 0) return {items: [], total: numbers.length}
    const rows = await this.#db
      .selectFrom('template_versions')
      .select(VERSION_COLUMNS)
      .where('id', 'in', ids)
      .execute()
    const byId = new Map(rows.map((row) => [row.id, toVersionRecord(row)]))
    return {items: ids.flatMap((id) => byId.get(id) ?? []), total: numbers.length}
  }

  /**
   * What the registry-wide quality report needs of every template of `namespaces`, in one
   * query: name, namespace, category and score, and, for a template scoring below
   * `minScore`, the quality report stored with its latest version (null otherwise).
   *
   * @example
   * ```ts
   * const rows = await index.qualityRows(['acme', 'public'], 70)
   * rows.filter((r) => r.report !== null) // the failing templates, with their reports
   * ```
   */
  async qualityRows(namespaces: readonly Namespace[], minScore: number): Promise<QualityRow[]> {
    if (namespaces.length === 0) return []
    const rows = await this.#db
      .selectFrom('templates as t')
      .leftJoin('template_versions as v', (join) =>
        join.onRef('v.id', '=', 't.latest_version_id').on('t.quality_score', '<', minScore),
      )
      .select(['t.name', 't.namespace', 't.category', 't.quality_score', 'v.quality_report'])
      .where('t.namespace', 'in', namespaces)
      // Workflows are not templates: the catalog's quality report is about templates.
      .where('t.category', '<>', WORKFLOW_CATEGORY)
      .execute()
    return rows.map((row) => ({
      name: row.name,
      namespace: row.namespace,
      category: row.category,
      score: row.quality_score === null ? null : Number(row.quality_score),
      report: row.quality_report === null ? null : (JSON.parse(row.quality_report) as unknown),
    }))
  }

  /**
   * The version `spec` names: an exact version (`1.2.0`), the highest version that
   * satisfies a range (`^1`, `~1.2`, `>=1 <2`, `1.x`), or without spec (or `latest`)
   * the latest: highest release, else highest prerelease.
   * Throws InvalidVersionError for a malformed spec and NotFoundError when the
   * template is not visible or no version matches.
   *
   * @example
   * ```ts
   * const v = await index.resolveVersion(['public'], tpl.id, '~1.2')
   * v.version // '1.2.7'
   * ```
   */
  async resolveVersion(
    namespaces: readonly Namespace[],
    templateId: string,
    spec?: string,
  ): Promise<VersionDetail> {
    const template = await this.getTemplateById(namespaces, templateId)
    if (!template) throw new NotFoundError('template', templateId)
    const wanted = spec?.trim() ?? ''
    if (wanted === '' || wanted === 'latest') {
      const latest = await this.#versionDetail(template.latest_version_id)
      if (!latest) throw new NotFoundError('version', `${template.name}@latest`)
      return latest
    }

    const exact = semver.valid(wanted)
    const range = exact === null ? semver.validRange(wanted) : null
    if (exact === null && range === null) throw new InvalidVersionError(wanted, 'version or range')
    const versions = await this.#db
      .selectFrom('template_versions')
      .select(['id', 'version'])
      .where('template_id', '=', template.id)
      .execute()
    const target =
      exact ??
      semver.maxSatisfying(
        versions.map((v) => v.version),
        wanted,
      )
    const chosen = versions.find((v) => v.version === target)
    const detail = chosen && (await this.#versionDetail(chosen.id))
    if (!detail) {
      const available = versions
        .map((v) => v.version)
        .sort(semver.rcompare)
        .slice(0, 10)
        .join(', ')
      throw new NotFoundError(
        'version',
        `${template.name}@${wanted}`,
        exact === null
          ? `No published version satisfies ${wanted}; published: ${available}`
          : `Published: ${available}`,
      )
    }
    return detail
  }

  /**
   * Paths, blob ids, sizes and binary flags of a version's files, sorted by path.
   *
   * @example
   * ```ts
   * await index.listFiles(['public'], version.id) // [{path: 'README.md', oid: '…', size: 812, binary: false}, …]
   * ```
   */
  async listFiles(namespaces: readonly Namespace[], versionId: string): Promise<TemplateFileEntry[]> {
    if (namespaces.length === 0) throw new NotFoundError('version', versionId)
    const rows = await this.#db
      .selectFrom('version_files as f')
      .innerJoin('template_versions as v', 'v.id', 'f.version_id')
      .select(['f.path', 'f.oid', 'f.size', 'f.binary'])
      .where('f.version_id', '=', versionId)
      .where('v.namespace', 'in', namespaces)
      .orderBy('f.path')
      .execute()
    if (rows.length === 0) await this.#assertVersionVisible(namespaces, versionId)
    return rows.map((row) => ({
      path: row.path,
      oid: row.oid,
      size: Number(row.size),
      binary: Boolean(row.binary),
    }))
  }

  /**
   * Every file of a version, by path, read from the index (never from git).
   *
   * @example
   * ```ts
   * const files = await index.readFiles(['public'], version.id)
   * new TextDecoder().decode(files.get('manifest.yaml'))
   * ```
   */
  async readFiles(namespaces: readonly Namespace[], versionId: string): Promise<TemplateFiles> {
    if (namespaces.length === 0) throw new NotFoundError('version', versionId)
    const rows = await this.#db
      .selectFrom('version_files as f')
      .innerJoin('template_versions as v', 'v.id', 'f.version_id')
      .innerJoin('blobs as b', 'b.oid', 'f.oid')
      .select(['f.path', 'b.content'])
      .where('f.version_id', '=', versionId)
      .where('v.namespace', 'in', namespaces)
      .orderBy('f.path')
      .execute()
    if (rows.length === 0) await this.#assertVersionVisible(namespaces, versionId)
    // Drivers hand out Buffers; callers get plain Uint8Array views of the same memory.
    return new Map(
      rows.map((row) => [
        row.path,
        new Uint8Array(row.content.buffer, row.content.byteOffset, row.content.byteLength),
      ]),
    )
  }

  /**
   * Indexes one version of a template, in one transaction: the template row (whose
   * metadata and `latest_*` follow the highest semver, not the last published), the
   * version, its files and missing blobs, the search row, and the namespace head.
   * Recording a version again with the same files changes nothing (`unchanged`);
   * with other files it throws VersionConflictError.
   *
   * @example
   * ```ts
   * const {templateId, versionId, status} = await index.recordVersion({
   *   namespace: 'public', manifest, readme, commit: '3f2a…', message: 'create fastapi-service@1.0.0',
   *   author: 'Ada <ada@example.com>', createdAt: new Date(), files, qualityScore: 86,
   * })
   * ```
   */
  async recordVersion(input: RecordVersionInput): Promise<RecordVersionResult> {
    return this.#write(async (db) => {
      if (input.expectedHead !== undefined) await assertHead(db, input.namespace, input.expectedHead)
      const [result] = await recordVersions(db, this.#search, [input])
      return result!
    })
  }

  /**
   * Records the index writes of a publish batch, in order, in one transaction, fenced
   * once: the namespace head must be `expectedHead` before the first (left out, not
   * checked; the inputs' own `expectedHead` is not read). Consecutive versions of
   * different templates are recorded together, a few multi-row statements per table for
   * all of them instead of a dozen round trips each (the transaction runs inside the
   * namespace's write lock, so its round trips bound a namespace's write rate); a delete,
   * or a second change to a template, starts another run. Same outcome as
   * `recordVersion` and `deleteTemplate` one after the other, `unchanged` and
   * VersionConflictError included (a conflict rolls the whole batch back).
   *
   * @example
   * ```ts
   * await index.recordChanges(
   *   [{kind: 'version', input: api}, {kind: 'version', input: worker}, {kind: 'delete', namespace: 'acme', name: 'old', commit: '9c1d…'}],
   *   parentOfFirstCommit,
   * )
   * ```
   */
  async recordChanges(changes: readonly IndexChange[], expectedHead?: string | null): Promise<void> {
    const first = changes[0]
    if (first === undefined) return
    await this.#write(async (db) => {
      if (expectedHead !== undefined) await assertHead(db, namespaceOf(first), expectedHead)
      for (const run of runsOf(changes)) {
        if (run.kind === 'delete') await removeTemplate(db, run.namespace, run.name, run.commit)
        else await recordVersions(db, this.#search, run.inputs)
      }
    })
  }

  /**
   * Removes a template with its versions, files and search row, drops blobs nothing
   * references any more, and records `commit` as the namespace head, in one
   * transaction. Returns false when the template was not indexed (the head is still
   * recorded).
   *
   * @example
   * ```ts
   * await index.deleteTemplate('acme', 'fastapi-service', '9c1d…') // true
   * ```
   */
  async deleteTemplate(
    namespace: Namespace,
    name: string,
    commit: string | null,
    expectedHead?: string | null,
  ): Promise<boolean> {
    return this.#write(async (db) => {
      if (expectedHead !== undefined) await assertHead(db, namespace, expectedHead)
      return removeTemplate(db, namespace, name, commit)
    })
  }

  /**
   * The commit the index reflects for `namespace`, or null when it never indexed one.
   * Start-up compares it with the git head to decide whether to reindex.
   *
   * @example
   * ```ts
   * if ((await index.getNamespaceHead('acme')) !== gitHead) await registry.reindex()
   * ```
   */
  async getNamespaceHead(namespace: Namespace): Promise<string | null> {
    const row = await this.#db
      .selectFrom('namespaces')
      .select('head_commit')
      .where('name', '=', namespace)
      .executeTakeFirst()
    return row?.head_commit ?? null
  }

  /**
   * Records the commit the index reflects for `namespace` (null: none).
   *
   * @example
   * ```ts
   * await index.setNamespaceHead('acme', '3f2a…')
   * ```
   */
  async setNamespaceHead(namespace: Namespace, commit: string | null): Promise<void> {
    await this.#write((db) => setHead(db, namespace, commit))
  }

  /**
   * The write generation of each of `namespaces` the index knows: it moves on with every
   * index write to the namespace, in the write's transaction. One indexed read; callers
   * compare it with what they saw to drop cached reads after another process wrote.
   *
   * @example
   * ```ts
   * await index.generations(['acme', 'public']) // Map {'acme' => 12, 'public' => 40}
   * ```
   */
  async generations(namespaces: readonly Namespace[]): Promise<Map<Namespace, number>> {
    if (namespaces.length === 0) return new Map()
    const rows = await this.#db
      .selectFrom('namespaces')
      .select(['name', 'generation'])
      .where('name', 'in', namespaces)
      .execute()
    return new Map(rows.map((row) => [row.name, Number(row.generation)]))
  }

  /**
   * The identity of the git store this index was built from, or null before one is recorded.
   *
   * @example
   * ```ts
   * if ((await index.storeId()) !== (await store.identity())) throw new Error('another store')
   * ```
   */
  async storeId(): Promise<string | null> {
    const row = await this.#db
      .selectFrom('index_settings')
      .select('value')
      .where('name', '=', 'store_id')
      .executeTakeFirst()
    return row?.value ?? null
  }

  /**
   * Records `id` as the store this index is built from unless one is recorded, and
   * returns the one recorded (of several processes claiming at once, the first wins).
   * With `replace`, records `id` whatever was there (the index is being rebuilt from it).
   *
   * @example
   * ```ts
   * const recorded = await index.claimStoreId(await store.claimIdentity())
   * ```
   */
  async claimStoreId(id: string, replace = false): Promise<string> {
    await this.#db
      .insertInto('index_settings')
      .values({name: 'store_id', value: id})
      .onConflict((oc) =>
        replace ? oc.column('name').doUpdateSet({value: id}) : oc.column('name').doNothing(),
      )
      .execute()
    return (await this.storeId()) as string
  }

  /**
   * Namespaces the index knows, with their heads. For administration and reindexing.
   *
   * @example
   * ```ts
   * for (const ns of await index.listNamespaces()) console.log(ns.name, ns.head_commit)
   * ```
   */
  async listNamespaces(): Promise<NamespaceRecord[]> {
    return this.#db
      .selectFrom('namespaces')
      .select(['name', 'head_commit', 'updated_at'])
      .orderBy('name')
      .execute()
  }

  /**
   * Drops every template of `namespace` from the index (for a reindex) and forgets its
   * head. Blobs stay: a reindex writes most of them again; `collectGarbage()` after it
   * removes the rest. Returns how many templates were dropped.
   *
   * @example
   * ```ts
   * await index.transaction(async (tx) => {
   *   await tx.clearNamespace('acme')
   *   for (const v of fromGit) await tx.recordVersion(v)
   * })
   * ```
   */
  async clearNamespace(namespace: Namespace): Promise<number> {
    return this.#write(async (db) => {
      const result = await db.deleteFrom('templates').where('namespace', '=', namespace).executeTakeFirst()
      await setHead(db, namespace, null)
      return Number(result.numDeletedRows)
    })
  }

  /**
   * Deletes blobs no version references. Returns how many went.
   *
   * @example
   * ```ts
   * await index.collectGarbage() // 0 when nothing is orphaned
   * ```
   */
  async collectGarbage(): Promise<number> {
    const result = await this.#db
      .deleteFrom('blobs')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('version_files')
              .select('version_files.oid')
              .whereRef('version_files.oid', '=', 'blobs.oid'),
          ),
        ),
      )
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /**
   * How many templates `namespaces` hold.
   *
   * @example
   * ```ts
   * await index.countTemplates(['acme', 'public']) // 57
   * ```
   */
  async countTemplates(namespaces: readonly Namespace[]): Promise<number> {
    if (namespaces.length === 0) return 0
    const row = await this.#db
      .selectFrom('templates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('namespace', 'in', namespaces)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /**
   * Templates per category in `namespaces` (one row per template, its latest version's
   * category), sorted by category.
   *
   * @example
   * ```ts
   * await index.categoryCounts(['public']) // {backend_developer: 6, devops_engineer: 9, …}
   * ```
   */
  async categoryCounts(
    namespaces: readonly Namespace[],
    kind: IndexKind = 'any',
  ): Promise<Record<string, number>> {
    if (namespaces.length === 0) return {}
    const rows = await ofKind(
      this.#db
        .selectFrom('templates')
        .select((eb) => ['category', eb.fn.countAll<number>().as('n')])
        .where('namespace', 'in', namespaces),
      kind,
    )
      .groupBy('category')
      .orderBy('category')
      .execute()
    return Object.fromEntries(rows.map((row) => [row.category, Number(row.n)]))
  }

  /**
   * Counts for `namespaces`: templates (and per category), versions, and the distinct
   * file contents their versions reference.
   *
   * @example
   * ```ts
   * await index.stats(['public']) // {templates: 42, versions: 51, categories: {backend_developer: 6, …}, blobs: 388, blob_bytes: 912334}
   * ```
   */
  async stats(namespaces: readonly Namespace[], kind: IndexKind = 'any'): Promise<IndexStats> {
    if (namespaces.length === 0) return {templates: 0, versions: 0, categories: {}, blobs: 0, blob_bytes: 0}
    const scope = namespaces
    const categories = await this.categoryCounts(scope, kind)
    const versions =
      kind === 'any'
        ? await this.#db
            .selectFrom('template_versions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('namespace', 'in', scope)
            .executeTakeFirst()
        : await ofKind(
            this.#db
              .selectFrom('template_versions as v')
              .innerJoin('templates as t', 't.id', 'v.template_id')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('v.namespace', 'in', scope),
            kind,
            't.category',
          ).executeTakeFirst()
    const blobs = await this.#db
      .selectFrom((eb) =>
        eb
          .selectFrom('version_files as f')
          .innerJoin('template_versions as v', 'v.id', 'f.version_id')
          .select((inner) => ['f.oid', inner.fn.max('f.size').as('size')])
          .where('v.namespace', 'in', scope)
          .groupBy('f.oid')
          .as('distinct_blobs'),
      )
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('bytes')])
      .executeTakeFirst()
    return {
      templates: Object.values(categories).reduce((sum, n) => sum + n, 0),
      versions: Number(versions?.n ?? 0),
      categories,
      blobs: Number(blobs?.n ?? 0),
      blob_bytes: Number(blobs?.bytes ?? 0),
    }
  }

  /**
   * Counts one use (retrieval or instantiation) of a template.
   *
   * @example
   * ```ts
   * await index.incrementUsage(tpl.id)
   * ```
   */
  async incrementUsage(templateId: string): Promise<void> {
    await this.#db
      .updateTable('templates')
      .set((eb) => ({usage_count: eb('usage_count', '+', 1)}))
      .where('id', '=', templateId)
      .execute()
  }

  /**
   * Uses counted so far of the templates `ids` among `namespaces` (template id → uses; a
   * template never used, or not among them, is left out). The web catalog's cards show it.
   *
   * @example
   * ```ts
   * const usage = await index.usageOf(['public'], result.items.map((t) => t.id))
   * ```
   */
  async usageOf(namespaces: readonly Namespace[], ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0 || namespaces.length === 0) return new Map()
    const rows = await this.#db
      .selectFrom('templates')
      .select(['id', 'usage_count'])
      .where('namespace', 'in', [...namespaces])
      .where('id', 'in', [...ids])
      .where('usage_count', '>', 0)
      .execute()
    return new Map(rows.map((row) => [row.id, Number(row.usage_count)]))
  }

  /**
   * Uses counted per template of `namespace` (template id → uses), for a reindex to put back.
   *
   * @example
   * ```ts
   * const usage = await index.usageCounts('acme')
   * await index.clearNamespace('acme') // ...rebuild...
   * await index.incrementUsageBy(usage)
   * ```
   */
  async usageCounts(namespace: Namespace): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('templates')
      .select(['id', 'usage_count'])
      .where('namespace', '=', namespace)
      .where('usage_count', '>', 0)
      .execute()
    return new Map(rows.map((row) => [row.id, Number(row.usage_count)]))
  }

  /**
   * Adds many uses at once (the usage consumer's batches): one UPDATE per distinct
   * increment, in one transaction. Ids of templates deleted meanwhile are ignored.
   *
   * @example
   * ```ts
   * await index.incrementUsageBy(new Map([[a.id, 3], [b.id, 1]]))
   * ```
   */
  async incrementUsageBy(counts: ReadonlyMap<string, number>): Promise<void> {
    const byIncrement = new Map<number, string[]>()
    for (const [id, n] of counts) {
      if (n > 0) byIncrement.set(n, [...(byIncrement.get(n) ?? []), id])
    }
    if (byIncrement.size === 0) return
    // Each statement adds to its counters atomically whatever else runs, so no
    // serializable transaction wraps them: on PostgreSQL one would make every publish
    // (which reads and writes templates) conflict with the steady stream of usage counts,
    // and retry inside its namespace's write lock.
    for (const [n, ids] of byIncrement) {
      for (let i = 0; i < ids.length; i += 500) {
        await withRetry(() =>
          this.#db
            .updateTable('templates')
            .set((eb) => ({usage_count: eb('usage_count', '+', n)}))
            .where('id', 'in', ids.slice(i, i + 500))
            .execute(),
        )
      }
    }
  }

  async #write<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return runTransaction(this.#db, fn)
  }

  async #versionDetail(versionId: string): Promise<VersionDetail | undefined> {
    const row = await this.#db
      .selectFrom('template_versions')
      .select([...VERSION_COLUMNS, 'manifest', 'readme', 'quality_report'])
      .where('id', '=', versionId)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      ...toVersionRecord(row),
      manifest: JSON.parse(row.manifest) as Manifest,
      readme: row.readme,
      quality_report: row.quality_report === null ? null : (JSON.parse(row.quality_report) as unknown),
    }
  }

  async #assertVersionVisible(namespaces: readonly Namespace[], versionId: string): Promise<void> {
    const row = await this.#db
      .selectFrom('template_versions')
      .select('id')
      .where('id', '=', versionId)
      .where('namespace', 'in', namespaces)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('version', versionId)
  }
}

/** The uuid (RFC 4122 version 5) namespace of template ids. */
const TEMPLATE_ID_NAMESPACE = Buffer.from('6d61657374726f2d74706c2d69647331', 'hex')

/**
 * The id of the template `name` of `namespace` created by commit `commit`: a name-based
 * uuid (version 5), so rebuilding the index from the same git history, on this store or
 * on a copy of it (a restore, a sync), gives every template the id it had. A template
 * deleted and created again is another template, with another id.
 *
 * @example
 * ```ts
 * templateIdFor('acme', 'api', '3f2a…') // always the same uuid for these three
 * ```
 */
export function templateIdFor(namespace: Namespace, name: string, commit: string): string {
  const hash = createHash('sha1')
    .update(TEMPLATE_ID_NAMESPACE)
    .update(`${namespace}\0${name}\0${commit}`)
    .digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The latest of a template's versions: the highest release, else the highest prerelease. */
export function latestOf<T extends {version: string}>(versions: readonly T[]): T | undefined {
  const releases = versions.filter((v) => semver.prerelease(v.version) === null)
  const pool = releases.length > 0 ? releases : versions
  return [...pool].sort((a, b) => semver.rcompare(a.version, b.version))[0]
}

/**
 * The key of `namespace` (see keys.ts), registering the namespace on first use.
 * SQLite serialises writers (BEGIN IMMEDIATE); on PostgreSQL writes are SERIALIZABLE,
 * so two first writes racing for the same key make one fail with a serialization
 * failure, and its retry (see retry.ts) takes the next key.
 */
async function namespaceKey(db: Kysely<Database>, namespace: Namespace): Promise<number> {
  const row = await db.selectFrom('namespaces').select('key').where('name', '=', namespace).executeTakeFirst()
  if (row) return Number(row.key)
  const last = await db
    .selectFrom('namespaces')
    .select((eb) => eb.fn.max('key').as('key'))
    .executeTakeFirst()
  const key = Number(last?.key ?? 0) + 1
  if (key > MAX_NAMESPACE_KEY)
    throw new LimitExceededError(`the index holds at most ${MAX_NAMESPACE_KEY} namespaces`)
  await db
    .insertInto('namespaces')
    .values({name: namespace, key, head_commit: null, updated_at: new Date().toISOString()})
    .execute()
  return key
}

/** Fencing inside a write transaction: the namespace head must be `expected`. */
async function assertHead(
  db: Kysely<Database>,
  namespace: Namespace,
  expected: string | null,
): Promise<void> {
  const row = await db
    .selectFrom('namespaces')
    .select('head_commit')
    .where('name', '=', namespace)
    .executeTakeFirst()
  const found = row?.head_commit ?? null
  if (found !== expected) throw new IndexHeadMovedError(namespace, expected, found)
}

/**
 * Records `commit` as the namespace head; `writes` index writes move its generation on.
 * Must run inside a transaction: registering a namespace reads, then writes.
 */
async function setHead(
  db: Kysely<Database>,
  namespace: Namespace,
  commit: string | null,
  writes = 1,
): Promise<number> {
  const key = await namespaceKey(db, namespace)
  await db
    .updateTable('namespaces')
    .set((eb) => ({
      head_commit: commit,
      updated_at: new Date().toISOString(),
      generation: eb('generation', '+', writes),
    }))
    .where('name', '=', namespace)
    .execute()
  return key
}

/** The first of `count` free `seq`s in the range of the namespace whose key is `key`. */
async function nextSeqs(
  db: Kysely<Database>,
  namespace: Namespace,
  key: number,
  count: number,
): Promise<number> {
  const {from, to} = seqRange(key)
  const last = await db
    .selectFrom('templates')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .executeTakeFirst()
  const seq = last?.seq === null || last?.seq === undefined ? from : Number(last.seq) + 1
  if (seq + count > to) throw new LimitExceededError(`namespace ${namespace} is full`, {namespace})
  return seq
}

/** One index write of a publish batch (see `TemplateIndex.recordChanges`). */
export type IndexChange =
  | {kind: 'version'; input: RecordVersionInput}
  | {kind: 'delete'; namespace: Namespace; name: string; commit: string | null}

type Run =
  | {kind: 'versions'; inputs: RecordVersionInput[]}
  | {kind: 'delete'; namespace: Namespace; name: string; commit: string | null}

function namespaceOf(change: IndexChange): Namespace {
  return change.kind === 'version' ? change.input.namespace : change.namespace
}

/**
 * `changes` as runs to record one after the other: versions of distinct templates of one
 * namespace together (each decided on the index before the run), every delete alone.
 */
function runsOf(changes: readonly IndexChange[]): Run[] {
  const runs: Run[] = []
  let current: {kind: 'versions'; inputs: RecordVersionInput[]; names: Set<string>} | undefined
  for (const change of changes) {
    if (change.kind === 'delete') {
      current = undefined
      runs.push(change)
      continue
    }
    const {input} = change
    if (
      !current ||
      current.inputs[0]!.namespace !== input.namespace ||
      current.names.has(input.manifest.name)
    ) {
      current = {kind: 'versions', inputs: [], names: new Set()}
      runs.push(current)
    }
    current.inputs.push(input)
    current.names.add(input.manifest.name)
  }
  return runs.map((run) => (run.kind === 'versions' ? {kind: 'versions', inputs: run.inputs} : run))
}

/**
 * Indexes versions of distinct templates of one namespace (see `recordVersion`), in a
 * fixed number of statements whatever their number: a read of the templates and of their
 * versions, one upsert of the template rows, one insert of the versions, the files' and
 * blobs' inserts (chunked), the search rows and the head. Runs in the caller's transaction.
 */
async function recordVersions(
  db: Kysely<Database>,
  search: SearchBackend,
  inputs: readonly RecordVersionInput[],
): Promise<RecordVersionResult[]> {
  if (inputs.length === 0) return []
  const namespace = inputs[0]!.namespace
  const planned = inputs.map((input) => {
    const parsed = semver.parse(input.manifest.version)
    if (!parsed) throw new InvalidVersionError(input.manifest.version)
    return {
      input,
      name: input.manifest.name,
      parsed,
      version: parsed.version,
      hash: contentHash(input.files),
      createdAt: toIso(input.createdAt),
      qualityScore: input.qualityScore ?? null,
      versionId: randomUUID(),
    }
  })

  const existing = new Map<string, {seq: number; id: string}>()
  for (const batch of chunks(
    planned.map((p) => p.name),
    500,
  )) {
    const rows = await db
      .selectFrom('templates')
      .select(['seq', 'id', 'name'])
      .where('namespace', '=', namespace)
      .where('name', 'in', batch)
      .execute()
    for (const row of rows) existing.set(row.name, {seq: Number(row.seq), id: row.id})
  }
  const versionsOf = new Map<string, {id: string; version: string; content_hash: string}[]>()
  for (const batch of chunks(
    [...existing.values()].map((t) => t.id),
    500,
  )) {
    const rows = await db
      .selectFrom('template_versions')
      .select(['id', 'template_id', 'version', 'content_hash'])
      .where('template_id', 'in', batch)
      .execute()
    for (const row of rows) versionsOf.set(row.template_id, [...(versionsOf.get(row.template_id) ?? []), row])
  }

  // Decide each: unchanged, a conflict (the whole transaction fails), or a write.
  const results: RecordVersionResult[] = []
  const writes: (typeof planned)[number][] = []
  for (const p of planned) {
    const found = existing.get(p.name)
    const same = found && versionsOf.get(found.id)?.find((v) => v.version === p.version)
    if (found && same) {
      if (same.content_hash !== p.hash) throw new VersionConflictError(p.name, p.version)
      results.push({templateId: found.id, versionId: same.id, status: 'unchanged'})
      continue
    }
    writes.push(p)
    results.push({
      templateId: found?.id ?? templateIdFor(namespace, p.name, p.input.commit),
      versionId: p.versionId,
      status: found ? 'updated' : 'created',
    })
  }
  if (writes.length === 0) return results

  const last = writes.at(-1)!.input
  const key = await setHead(db, namespace, last.head === undefined ? last.commit : last.head, writes.length)
  const fresh = writes.filter((p) => !existing.has(p.name))
  let seq = fresh.length > 0 ? await nextSeqs(db, namespace, key, fresh.length) : 0
  const rows = writes.map((p) => {
    const found = existing.get(p.name)
    const template = found ?? {seq: seq++, id: templateIdFor(namespace, p.name, p.input.commit)}
    // The template's metadata and latest_* follow its highest semver, not the last published.
    const versions = [...(versionsOf.get(template.id) ?? []), {id: p.versionId, version: p.version}]
    return {p, template, isLatest: latestOf(versions)?.id === p.versionId}
  })

  // New templates and those whose latest version this is, in one upsert (by seq: an
  // existing template keeps its seq, id, name, creation time and usage count).
  const latest = rows.filter((r) => r.isLatest)
  for (const batch of chunks(latest, 100)) {
    await db
      .insertInto('templates')
      .values(
        batch.map(({p, template}) => ({
          seq: template.seq,
          id: template.id,
          namespace,
          name: p.name,
          created_at: p.createdAt,
          category: p.input.manifest.category,
          description: p.input.manifest.description,
          author: p.input.manifest.author,
          tags: JSON.stringify(p.input.manifest.tags ?? []),
          latest_version: p.version,
          latest_version_id: p.versionId,
          quality_score: p.qualityScore,
          updated_at: p.createdAt,
        })),
      )
      .onConflict((oc) =>
        oc.column('seq').doUpdateSet((eb) => ({
          category: eb.ref('excluded.category'),
          description: eb.ref('excluded.description'),
          author: eb.ref('excluded.author'),
          tags: eb.ref('excluded.tags'),
          latest_version: eb.ref('excluded.latest_version'),
          latest_version_id: eb.ref('excluded.latest_version_id'),
          quality_score: eb.ref('excluded.quality_score'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute()
  }
  // An older version published after a newer one (rare) touches only the time.
  for (const {p, template} of rows.filter((r) => !r.isLatest)) {
    await db.updateTable('templates').set({updated_at: p.createdAt}).where('id', '=', template.id).execute()
  }

  for (const batch of chunks(rows, 50)) {
    await db
      .insertInto('template_versions')
      .values(
        batch.map(({p, template}) => ({
          id: p.versionId,
          template_id: template.id,
          namespace,
          version: p.version,
          major: p.parsed.major,
          minor: p.parsed.minor,
          patch: p.parsed.patch,
          prerelease: p.parsed.prerelease.join('.'),
          prerelease_key: prereleaseKey(p.parsed.prerelease),
          commit: p.input.commit,
          message: p.input.message,
          author: p.input.author,
          created_at: p.createdAt,
          manifest: JSON.stringify(p.input.manifest),
          readme: p.input.readme,
          content_hash: p.hash,
          quality_score: p.qualityScore,
          quality_report: p.input.qualityReport === undefined ? null : JSON.stringify(p.input.qualityReport),
        })),
      )
      .execute()
  }
  await insertFiles(
    db,
    rows.map(({p}) => ({versionId: p.versionId, files: p.input.files})),
  )
  await search.write(
    db,
    latest.map(({p, template}) =>
      searchDocument(template.seq, namespace, p.input.manifest, p.input.readme, p.qualityScore),
    ),
  )
  return results
}

/** See `TemplateIndex.deleteTemplate`; runs in the caller's transaction. */
async function removeTemplate(
  db: Kysely<Database>,
  namespace: Namespace,
  name: string,
  commit: string | null,
): Promise<boolean> {
  const template = await db
    .selectFrom('templates')
    .select('id')
    .where('namespace', '=', namespace)
    .where('name', '=', name)
    .executeTakeFirst()
  if (template) {
    const oids = await db
      .selectFrom('version_files as f')
      .innerJoin('template_versions as v', 'v.id', 'f.version_id')
      .select('f.oid')
      .distinct()
      .where('v.template_id', '=', template.id)
      .execute()
    // Versions and files go by cascade, the search row by trigger.
    await db.deleteFrom('templates').where('id', '=', template.id).execute()
    for (const batch of chunks(
      oids.map((o) => o.oid),
      500,
    )) {
      await db
        .deleteFrom('blobs')
        .where('oid', 'in', batch)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('version_files')
                .select('version_files.oid')
                .whereRef('version_files.oid', '=', 'blobs.oid'),
            ),
          ),
        )
        .execute()
    }
  }
  await setHead(db, namespace, commit)
  return template !== undefined
}

/** The files of versions and the blobs the index lacks, a few multi-row statements for all. */
async function insertFiles(
  db: Kysely<Database>,
  versions: readonly {versionId: string; files: RecordVersionInput['files']}[],
): Promise<void> {
  const entries = versions.flatMap(({versionId, files}) =>
    [...files].map(([path, file]) => ({versionId, path, ...file})),
  )
  const byOid = new Map(entries.map((e) => [e.oid, e.content]))
  const present = new Set<string>()
  for (const batch of chunks([...byOid.keys()], 500)) {
    const rows = await db.selectFrom('blobs').select('oid').where('oid', 'in', batch).execute()
    for (const row of rows) present.add(row.oid)
  }
  const missing = [...byOid].filter(([oid]) => !present.has(oid))
  for (const batch of chunks(missing, 50)) {
    await db
      .insertInto('blobs')
      .values(batch.map(([oid, content]) => ({oid, content})))
      .onConflict((oc) => oc.column('oid').doNothing())
      .execute()
  }
  for (const batch of chunks(entries, 500)) {
    await db
      .insertInto('version_files')
      .values(
        batch.map((e) => ({
          version_id: e.versionId,
          path: e.path,
          oid: e.oid,
          size: e.content.byteLength,
          // The renderer's own test, so a file listed as binary is one it copies untouched.
          binary: isBinary(e.content) ? 1 : 0,
        })),
      )
      .execute()
  }
}

/** What the search index holds for a template at this manifest and README. */
export function searchDocument(
  seq: number,
  namespace: Namespace,
  manifest: Manifest,
  readme: string,
  qualityScore: number | null,
): SearchDocument {
  return {
    seq,
    namespace,
    name: manifest.name,
    category: manifest.category,
    description: manifest.description,
    author: manifest.author,
    tags: manifest.tags ?? [],
    readme,
    qualityScore,
  }
}

type RecordRow = Pick<Selectable<TemplatesTable>, (typeof RECORD_COLUMNS)[number]>

function toRecord(row: RecordRow): TemplateRecord {
  return {
    ...toSummary(row),
    latest_version_id: row.latest_version_id,
    usage_count: Number(row.usage_count),
    created_at: row.created_at,
  }
}

type VersionRow = Pick<Selectable<TemplateVersionsTable>, (typeof VERSION_COLUMNS)[number]>

function toVersionRecord(row: VersionRow): VersionRecord {
  return {
    id: row.id,
    template_id: row.template_id,
    namespace: row.namespace,
    version: row.version,
    commit: row.commit,
    message: row.message,
    author: row.author,
    created_at: row.created_at,
    content_hash: row.content_hash,
    quality_score: row.quality_score === null ? null : Number(row.quality_score),
  }
}

/** The order of a search: relevance needs words to be relevant to. */
function searchSort(q: SearchQuery): SearchSort {
  if (q.sort !== undefined && !SEARCH_SORTS.includes(q.sort))
    throw new UsageError(`unknown sort ${JSON.stringify(q.sort)}: use one of ${SEARCH_SORTS.join(', ')}`, {
      sort: q.sort,
    })
  const hasWords = parseQueryWords(q.text).length > 0
  const sort = q.sort ?? (hasWords ? 'relevance' : 'name')
  return sort === 'relevance' && !hasWords ? 'name' : sort
}

/** `value` as an integer within [min, max]; `fallback` when it is not a finite number. */
function clamp(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback
  return Math.min(max, Math.max(min, Math.trunc(value)))
}

function toIso(value: string | Date): string {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) throw new TypeError(`invalid createdAt ${JSON.stringify(String(value))}`)
  return date.toISOString()
}
