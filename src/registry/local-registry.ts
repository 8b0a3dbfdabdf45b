import {existsSync, mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Kysely} from 'kysely'
import semver from 'semver'

import {createHash} from 'node:crypto'

import {ForbiddenError} from '../auth/errors.js'
import {isPlatformAdmin} from '../auth/policy.js'
import type {AuthDatabase} from '../auth/schema.js'
import type {Cache} from '../cache/cache.js'
import {createCache} from '../cache/index.js'
import type {Config} from '../config.js'
import {contentHash} from '../db/content.js'
import {createDb, indexDbConfig, redactDbUrl} from '../db/database.js'
import {createWriteLocks, type WriteLocks} from '../db/lock.js'
import {createDatabaseProbe, type DatabaseProbe, type ProbeAnswer} from '../db/probe.js'
import type {Database} from '../db/schema.js'
import {MIGRATIONS, migrateToLatest} from '../db/migrate.js'
import {isDatabaseUnavailable, isTransientError} from '../db/retry.js'
import {IndexHeadMovedError, TemplateIndex, type IndexKind} from '../db/template-index.js'
import {
  AlreadyExistsError,
  MaestroError,
  NotFoundError,
  QualityGateError,
  RenderLimitError,
  ServerBusyError,
  UsageError,
  VersionConflictError,
} from '../domain/errors.js'
import type {LoadedTemplate, Namespace, TemplateFiles, VersionInfo} from '../domain/types.js'
import {PUBLIC_NAMESPACE, WORKFLOW_CATEGORY} from '../domain/types.js'
import {packageRoot} from '../domain/package-root.js'
import type {VersionList} from '../domain/wire.js'
import {IN_PROCESS, type RenderHost} from '../sandbox/host.js'
import {GitStore, type CommitRecord, type NamespaceRepo} from '../store/index.js'
import {blobId} from '../store/objects.js'
import {
  type CatalogSnapshot,
  catalogFolders,
  knownReport,
  readCatalogSnapshot,
  SNAPSHOT_FILE,
} from '../quality/catalog-snapshot.js'
import type {QualityReport} from '../quality/types.js'
import type {RegistryQualityReport, RegistryQualityRow} from '../quality/report.js'
import type {EventBus} from '../events/bus.js'
import {createEventBus, startEventConsumers, type EventConsumers} from '../events/index.js'
import type {UsageKind} from '../events/messages.js'
import {EventPublisher} from '../events/usage.js'
import {IndexWatch} from './index-watch.js'
import {IndexConflictError, StoreMismatchError, type IndexProblem} from './index-errors.js'
import {PendingIndexWrites} from './pending-index.js'
import {parseRef, type TemplateRef} from '../domain/ref.js'
import {WriteQueue} from './write-queue.js'
import {recordPhase, timed} from './write-phases.js'
import {ProjectRecords} from '../db/projects.js'
import type {NewProject} from '../db/projects.js'
import type {ProjectRecord} from '../domain/projects.js'
import type {
  DeleteResult,
  ImportProgress,
  InstantiateOptions,
  PublishInput,
  PublishResult,
  ReindexResult,
  Registry,
  RenderedProject,
  RequestContext,
  RestoreResult,
  SearchQuery,
  SearchResult,
  TemplateDetail,
  UpdateInput,
} from './types.js'

/**
 * Catalog templates published at once on first use: enough to fill a write-queue batch
 * while the previous one commits; loading and hashing are the only work outside the lock.
 */
const IMPORT_CONCURRENCY = 8
/** Left in the store while the bundled catalog is being imported: an interrupted import is resumed at the next open. */
const CATALOG_IMPORT_MARKER = 'catalog-import.pending'

export type {ImportProgress}

export interface LocalRegistryOptions {
  config: Config
  context: RequestContext
  /** Progress callback for the first-use catalog import. */
  onImport?: ImportProgress | undefined
  /** Import the bundled catalog into an empty store (default true). */
  importCatalog?: boolean
  /**
   * A new SQLite store starts as a copy of the prebuilt catalog store when it matches the
   * catalog (src/registry/catalog-store.ts): its folder, or false to always import.
   * Default: the package's dist/catalog-store.
   */
  catalogStore?: string | false
  /** Default: chosen by configuration (REDIS_URL: Redis, else in memory). */
  cache?: Cache
  /** Where usage and change events go. Default: chosen by configuration (REDIS_URL: Redis Streams, else in process). */
  bus?: EventBus
  /** Publishes to `bus` (the daemon shares its own with the response cache). Default: one made here. */
  publisher?: EventPublisher
  /**
   * Count usage events into usage counts in this process. Default: when the bus is
   * in-process (nobody else can); a daemon on Redis runs the consumers itself.
   */
  consumeUsage?: boolean
  /** Where templates are rendered and scored: this thread (default), or the daemon's worker pool. */
  renderHost?: RenderHost
  /**
   * 'repair' (default): check the store identity, bring the index up to git, import the
   * catalog into an empty store. 'rebuild': none of that, for `reindex`, which rebuilds.
   */
  startup?: 'repair' | 'rebuild'
}

/**
 * Opens (and on first use initialises) the registry on a local store: git
 * repositories under `<home>/git`, the index in `<home>/index.db` (or DATABASE_URL).
 * Repairs the index if a previous write died between commit and index.
 *
 * @example
 * ```ts
 * const registry = await openLocalRegistry({config: loadConfig(), context: LOCAL_CONTEXT})
 * const {items} = await registry.search({text: 'api'})
 * ```
 */
export async function openLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const {config} = options
  mkdirSync(config.home, {recursive: true})
  // First use: the catalog's publishes were done at build time; copy them (when they match).
  if (
    options.importCatalog !== false &&
    options.catalogStore !== false &&
    options.startup !== 'rebuild' &&
    !config.databaseUrl &&
    !existsSync(join(config.home, 'index.db'))
  ) {
    const {seedFromCatalogStore} = await import('./catalog-store.js')
    seedFromCatalogStore(config, Object.keys(MIGRATIONS), options.catalogStore)
  }
  const db = createDb(indexDbConfig(config))
  // Writes to a namespace are serialised across daemons by PostgreSQL or Redis, and on this machine by a lock file.
  const writeLocks = createWriteLocks(config)
  let opened: LocalRegistry | undefined
  try {
    // Every command opens the registry: when the index already records exactly the
    // known migrations, skip kysely's Migrator (schema introspection, lock row and a
    // write transaction on every start). Anything else, a new store included, migrates.
    const applied = await (db as unknown as Kysely<{kysely_migration: {name: string}}>)
      .selectFrom('kysely_migration')
      .select('name')
      .execute()
      .catch(() => [])
    const known = Object.keys(MIGRATIONS)
    if (applied.length !== known.length || !applied.every((row) => known.includes(row.name)))
      await migrateToLatest(db)
    const store = new GitStore(join(config.home, 'git'), {
      lock: {timeoutMs: config.writeLockWaitMs, ...(writeLocks ? {shared: writeLocks} : {})},
    })
    const registry = new LocalRegistry(registryShared(db, store, writeLocks, options), options.context)
    opened = registry
    // The in-process usage consumer starts only now that the registry is whole.
    const {shared} = registry
    if (options.consumeUsage ?? !shared.bus.shared) {
      shared.consumers = startEventConsumers({
        bus: shared.bus,
        consumer: 'local',
        incrementUsage: (counts) => registry.addUsage(counts),
      })
    }
    // `reindex` opens with startup 'rebuild': it is how a store and an index that do not
    // match are brought together, so it must not be refused by the checks it repairs.
    if (options.startup !== 'rebuild') {
      await registry.checkStoreIdentity()
      // A namespace whose git holds a change the index cannot take is recorded and kept at
      // its last indexed state (reads served, writes refused until git is fixed): one
      // tenant's bad commit must not stop every other namespace. indexConflicts() lists them.
      await registry.reconcile().catch((err: unknown) => {
        if (!(err instanceof IndexConflictError)) throw err
      })
      if (options.importCatalog !== false) await registry.importCatalogIfEmpty(options.onImport)
    }
    return registry
  } catch (err) {
    if (opened) await opened.close()
    else {
      await db.destroy()
      await writeLocks?.close()
    }
    throw err
  }
}

/** What the writes of one group-commit batch share: their pending index writes and the batch's own database connection. */
interface WriteBatch {
  pending: PendingIndexWrites
  index: TemplateIndex
}

/**
 * What every view of one opened registry shares: built once by {@link openLocalRegistry},
 * handed to each per-request view by `withContext`, closed by the registry that opened it.
 */
export interface RegistryShared {
  readonly config: Config
  readonly db: Kysely<Database>
  readonly index: TemplateIndex
  readonly store: GitStore
  readonly cache: Cache
  /** Where usage and change events go, and their publisher. */
  readonly bus: EventBus
  readonly publisher: EventPublisher
  /** The usage consumer when this process counts usage itself (no daemon does it). */
  consumers: EventConsumers | undefined
  /** Where templates are rendered and scored. */
  readonly host: RenderHost
  /** Notices other processes' writes before cached reads. */
  readonly watch: IndexWatch
  /** Group commit: writes to one namespace share lock holds. */
  readonly writes: WriteQueue<WriteBatch>
  /** Namespaces whose git holds changes the index cannot take, as last found. */
  readonly conflicts: Map<string, readonly IndexProblem[]>
  /** The lock shared by every daemon (PostgreSQL or Redis), when configured. */
  readonly writeLocks: WriteLocks | null
  /** /health's own connection to a PostgreSQL index (null on SQLite). */
  readonly databaseProbe: DatabaseProbe | null
  readonly progress: ImportProgress | undefined
}

function registryShared(
  db: Kysely<Database>,
  store: GitStore,
  writeLocks: WriteLocks | null,
  options: LocalRegistryOptions,
): RegistryShared {
  const index = new TemplateIndex(db)
  const cache = options.cache ?? createCache(options.config)
  const bus = options.bus ?? createEventBus(options.config)
  return {
    config: options.config,
    db,
    index,
    store,
    cache,
    bus,
    publisher: options.publisher ?? new EventPublisher(bus),
    consumers: undefined,
    host: options.renderHost ?? IN_PROCESS,
    watch: new IndexWatch(index, cache),
    writes: new WriteQueue<WriteBatch>(),
    conflicts: new Map(),
    writeLocks,
    databaseProbe: createDatabaseProbe(options.config.databaseUrl),
    progress: options.onImport,
  }
}

export class LocalRegistry implements Registry {
  readonly #shared: RegistryShared
  readonly #db: Kysely<Database>
  readonly #index: TemplateIndex
  readonly #store: GitStore
  readonly #config: Config
  readonly #context: RequestContext
  readonly #cache: Cache
  readonly #host: RenderHost
  readonly #watch: IndexWatch
  readonly #writes: WriteQueue<WriteBatch>
  readonly #conflicts: Map<string, readonly IndexProblem[]>
  /** Only the registry that opened the database closes it; per-request views share it. */
  readonly #owner: boolean
  /** What reads see: templates (every front end), or workflows (src/workflows/runtime.ts). */
  readonly #kind: Exclude<IndexKind, 'any'>

  /** A view of `shared` as `context`; the first one made (`owner`) closes what is shared. */
  constructor(
    shared: RegistryShared,
    context: RequestContext,
    owner = true,
    kind: Exclude<IndexKind, 'any'> = 'templates',
  ) {
    this.#shared = shared
    this.#db = shared.db
    this.#index = shared.index
    this.#store = shared.store
    this.#config = shared.config
    this.#context = context
    this.#cache = shared.cache
    this.#host = shared.host
    this.#watch = shared.watch
    this.#writes = shared.writes
    this.#conflicts = shared.conflicts
    this.#owner = owner
    this.#kind = kind
  }

  /** What every view of this registry shares: the daemon's runtime takes the bus, publisher and store from it. */
  get shared(): RegistryShared {
    return this.#shared
  }

  get context(): RequestContext {
    return this.#context
  }

  /** Adds uses counted by the usage consumer (template id → uses). */
  async addUsage(counts: ReadonlyMap<string, number>): Promise<void> {
    await this.#index.incrementUsageBy(counts)
  }

  /**
   * The same registry (database, store, cache) seen by another caller: the daemon
   * makes one per request from the caller's token.
   *
   * @example
   * ```ts
   * const asTenant = registry.withContext({tenant: 'acme', user: 'ana', role: 'editor'})
   * ```
   */
  withContext(context: RequestContext): LocalRegistry {
    return new LocalRegistry(this.#shared, context, false, this.#kind)
  }

  /**
   * The same registry seen by `context`, reading workflows instead of templates: search,
   * get, versions and files answer only workflows (publish and delete are the same).
   * Only the workflow runtime uses it; every other front end sees templates only.
   */
  forWorkflows(context: RequestContext): LocalRegistry {
    return new LocalRegistry(this.#shared, context, false, 'workflows')
  }

  /** Whether `name` is a registered tenant (created with `tenant create` or POST /admin/tenants). */
  async isRegisteredTenant(name: string): Promise<boolean> {
    const {AuthStore} = await import('../auth/store.js')
    return (await new AuthStore(this.#db as unknown as Kysely<AuthDatabase>).getTenant(name)) !== undefined
  }

  /** Counts for the admin stats endpoint. */
  async stats(): Promise<{
    templates: number
    versions: number
    categories: Record<string, number>
    namespaces: string[]
    cache: ReturnType<Cache['stats']>
  }> {
    const {templates, versions, categories} = await this.#index.stats(this.#readable, this.#kind)
    return {templates, versions, categories, namespaces: this.#readable, cache: this.#cache.stats()}
  }

  /**
   * Registry-wide quality from the scores stored at publish: per category the count,
   * mean and the failing templates with their weakest check (nothing is re-scored).
   */
  async qualityReport(opts: {minScore?: number} = {}): Promise<RegistryQualityReport> {
    const {buildRegistryReport, weakestCheck} = await import('../quality/index.js')
    const minScore = opts.minScore ?? this.#config.minTemplateQualityScore
    const rows = (await this.#index.qualityRows(this.#readable, minScore)).map(({report, ...template}) => {
      const row: RegistryQualityRow = template
      const weakest = report ? weakestCheck(report as QualityReport) : undefined
      if (weakest) row.weakest = weakest
      return row
    })
    return buildRegistryReport(rows, minScore)
  }

  /**
   * A string that changes whenever any namespace's indexed head moves: the daemon
   * polls it to notice writes made by another process on the same store.
   */
  async revision(): Promise<string> {
    const namespaces = await this.#index.listNamespaces()
    return namespaces.map((n) => `${n.name}:${n.head_commit ?? ''}`).join(',')
  }

  /**
   * Drops what the caches hold for this caller's namespaces (or `context`'s) that
   * another process changed since the last look: one indexed query. Every cached read
   * does it first; the daemon calls it before answering from its response cache.
   *
   * @example
   * ```ts
   * await registry.refresh({tenant: 'acme', user: 'ana', role: 'viewer'})
   * ```
   */
  async refresh(context: RequestContext = this.#context): Promise<void> {
    await this.#watch.check(readableBy(context))
  }

  /**
   * `getOrLoad` of the cache after the watch's check, with the namespaces' write
   * generations in the key: what any process wrote since an entry was stored makes it
   * unreachable, whether or not that process invalidated this cache.
   */
  async #cached<T>(kind: string, detail: string, load: () => Promise<T>): Promise<T> {
    const readable = this.#readable
    const generations = await this.#watch.check(readable)
    const at = readable.map((ns) => generations.get(ns) ?? 0).join('.')
    return this.#cache.getOrLoad(readable, `${this.#cacheKey(kind, detail)}@${at}`, load)
  }

  async clearCache(): Promise<void> {
    await this.#cache.clear()
  }

  /** Namespaces this caller may read, in precedence order: its own, then `context.reads` (mirrors), then the public catalog. */
  get #readable(): Namespace[] {
    return readableBy(this.#context)
  }

  #writable(namespace: Namespace): Namespace {
    // Platform admins only (admins of the public tenant, or the store owner): see src/auth/policy.ts.
    if (namespace === PUBLIC_NAMESPACE && !isPlatformAdmin(this.#context)) {
      throw new ForbiddenError('only platform admins may change the public catalog')
    }
    if (namespace !== PUBLIC_NAMESPACE && namespace !== this.#context.tenant) {
      throw new ForbiddenError(`you cannot write to namespace ${namespace}`)
    }
    if (this.#context.role === 'viewer') {
      throw new ForbiddenError('viewers cannot change templates')
    }
    return namespace
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const limit = Math.min(Math.max(query.limit ?? 20, 1), 100)
    const offset = Math.max(query.offset ?? 0, 0)
    const namespaces = query.namespace ? this.#readable.filter((n) => n === query.namespace) : this.#readable
    if (namespaces.length === 0)
      return {items: [], total: 0, total_exact: true, limit, offset, categories: {}}
    const normalized = {...query, limit, offset}
    const result = await this.#cached('search', stableJson(normalized), async () => {
      const {items, total, totalExact} = await this.#index.search(namespaces, normalized, this.#kind)
      const categories = await this.#index.categoryCounts(namespaces, this.#kind)
      return {items, total, total_exact: totalExact, limit, offset, categories}
    })
    for (const hit of result.items) this.#used(hit, 'search_hit')
    return result
  }

  /** A use of a template, to the usage stream (buffered: never waits, never fails the read). */
  #used(
    template: {id: string; namespace: Namespace},
    kind: UsageKind,
    extra: {project?: string; template?: string; version?: string} = {},
  ): void {
    this.#shared.publisher.usage({
      template_id: template.id,
      namespace: template.namespace,
      tenant_id: this.#context.tenant,
      kind,
      ...(extra.project === undefined ? {} : {project_id: extra.project}),
      ...(extra.template === undefined ? {} : {template: extra.template}),
      ...(extra.version === undefined ? {} : {version: extra.version}),
    })
  }

  /** The projects this tenant's instantiations and registrations recorded (src/db/projects.ts). */
  projects(): ProjectRecords {
    return new ProjectRecords(this.#db, this.#context)
  }

  /**
   * Records a project (or moves a known one to its new version) and tells the usage
   * stream, once it is recorded: `instantiate` for one the daemon made, `register` for
   * one made elsewhere, `update` when a known project reports a new version.
   */
  async recordProject(project: NewProject): Promise<ProjectRecord> {
    const records = this.projects()
    const outcome = await records.record(project)
    if (outcome !== 'unchanged') {
      const kind = outcome === 'moved' ? 'update' : project.source
      this.#used({id: project.template_id, namespace: project.namespace}, kind, {
        project: project.id,
        template: project.template,
        version: project.version,
      })
    }
    return records.get(project.id)
  }

  /**
   * Cache keys carry the tenant; the cache adds the readable namespaces and their
   * generations, so two tenants never share an entry (a tenant's template may shadow a
   * public one of the same name).
   */
  #cacheKey(kind: string, detail: string): string {
    const digest = detail.length > 64 ? createHash('sha1').update(detail).digest('base64url') : detail
    return `${this.#context.tenant}:${kind}:${digest}`
  }

  /** The template `parsed` names among the readable namespaces, whatever version it asks for (`ref` as the caller wrote it, for the message). */
  async #template(parsed: TemplateRef, ref: string): Promise<TemplateRow> {
    const namespaces = parsed.namespace
      ? this.#readable.filter((n) => n === parsed.namespace)
      : this.#readable
    const find = (kind: IndexKind) =>
      parsed.id
        ? this.#index.getTemplateById(namespaces, parsed.id, kind)
        : this.#index.findTemplate(namespaces, parsed.name!, kind)
    const template = await find(this.#kind)
    if (template) return template
    // The other kind under that name: say where it is rather than only "not found".
    const other = await find(this.#kind === 'templates' ? 'workflows' : 'templates')
    if (this.#kind === 'workflows')
      throw new NotFoundError(
        'workflow',
        ref,
        other
          ? `${ref} is a template: instantiate it with \`maestro-tpl instantiate ${ref}\` (POST /templates/{id}/instantiate)`
          : 'List them with `maestro-tpl workflow list`',
      )
    throw new NotFoundError(
      'template',
      ref,
      other
        ? `${ref} is a workflow, not a template: run it with \`maestro-tpl workflow run ${ref}\` (POST /workflows/{id}/execute), see it with \`maestro-tpl workflow get ${ref}\``
        : 'Search with `maestro-tpl search` to see what is available',
    )
  }

  async #locate(ref: string): Promise<{ref: TemplateRef; template: TemplateRow; version: VersionRow}> {
    const parsed = parseRef(ref)
    const template = await this.#template(parsed, ref)
    const version = await this.#index.resolveVersion([template.namespace], template.id, parsed.spec)
    return {ref: parsed, template, version}
  }

  async get(ref: string): Promise<TemplateDetail> {
    const detail = await this.#cached('get', ref, async () => {
      const {template, version} = await this.#locate(ref)
      return this.#detail(template, version)
    })
    this.#used(detail, 'get')
    return detail
  }

  async #detail(template: TemplateRow, version: VersionRow): Promise<TemplateDetail> {
    const files = await this.#index.listFiles([template.namespace], version.id)
    return {
      id: template.id,
      namespace: template.namespace,
      name: template.name,
      version: version.version,
      description: version.manifest.description,
      category: version.manifest.category,
      author: version.manifest.author,
      tags: version.manifest.tags,
      quality_score: version.quality_score,
      updated_at: template.updated_at,
      created_at: version.created_at,
      manifest: version.manifest,
      readme: version.readme,
      commit: version.commit,
      files,
    }
  }

  async getFiles(ref: string): Promise<LoadedTemplate & {detail: TemplateDetail}> {
    const {template, version} = await this.#locate(ref)
    const files = await this.#index.readFiles([template.namespace], version.id)
    const detail = await this.#detail(template, version)
    return {manifest: version.manifest, readme: version.readme, files, detail}
  }

  async versions(ref: string): Promise<VersionInfo[]> {
    return (await this.#versionList(ref, {offset: 0, limit: Number.POSITIVE_INFINITY})).items
  }

  /**
   * One page of the versions of the template `ref` names (a version in `ref` is ignored),
   * newest first, paged in the index. Listing a template's versions counts as a use of it.
   *
   * @example
   * ```ts
   * const {items, total} = await registry.versionPage('fastapi-service', {offset: 0, limit: 20})
   * ```
   */
  async versionPage(ref: string, page: {offset: number; limit: number}): Promise<VersionList> {
    const {id, ...list} = await this.#versionList(ref, page)
    this.#used({id, namespace: list.namespace}, 'get')
    return list
  }

  #versionList(ref: string, page: {offset: number; limit: number}): Promise<VersionList & {id: string}> {
    return this.#cached('versions', `${page.offset}:${page.limit}:${ref}`, async () => {
      const template = await this.#template(parseRef(ref), ref)
      const {items, total} = await this.#index.versionPage([template.namespace], template.id, page)
      return {
        id: template.id,
        name: template.name,
        namespace: template.namespace,
        items: items.map((v) => ({
          version: v.version,
          commit: v.commit,
          created_at: v.created_at,
          message: v.message,
          author: v.author,
          quality_score: v.quality_score,
        })),
        total,
        limit: page.limit,
        offset: page.offset,
      }
    })
  }

  /**
   * Publishes a new version of the existing template `ref`. The rule of every front end
   * (PUT /templates/{id}, the request stream's `update`, the SDK) lives here: no version in
   * the reference, and the manifest names the template found (a template is never renamed).
   *
   * @example
   * ```ts
   * await registry.update('fastapi-service', {template: await loadTemplateDir('./fastapi-service')})
   * ```
   */
  async update(ref: string, input: UpdateInput): Promise<PublishResult> {
    if (parseRef(ref).spec !== undefined)
      throw new UsageError('update publishes a new version; leave @version out of the reference', {ref})
    const existing = await this.get(ref)
    const named = input.template.manifest.name
    if (named !== existing.name) {
      throw new UsageError(
        `the manifest names ${JSON.stringify(named)} but ${JSON.stringify(ref)} is ${JSON.stringify(existing.name)}; a template cannot be renamed`,
        {expected: existing.name, got: named},
      )
    }
    return this.publish({
      template: input.template,
      namespace: input.namespace ?? existing.namespace,
      ...(input.message ? {message: input.message} : {}),
    })
  }

  async publish(input: PublishInput): Promise<PublishResult> {
    return this.#publish(input)
  }

  /**
   * `snapshot`: reports computed ahead of time (the bundled catalog's, at build), used
   * instead of scoring when they hold a report for exactly these files.
   */
  async #publish(input: PublishInput, snapshot?: CatalogSnapshot): Promise<PublishResult> {
    const namespace = this.#writable(input.namespace ?? this.#context.tenant)
    const {template} = input
    const {manifest} = template
    // Everything that does not depend on the namespace's state happens before its lock:
    // scoring (renders), blob ids and the content hash. Only decide, commit and index are inside.
    const files = withOids(template.files)
    const hash = contentHash(files)
    const minScore = this.#config.minTemplateQualityScore
    const report =
      (snapshot && knownReport(snapshot, hash, minScore)) ??
      (await timed('score', () =>
        this.#host.score({template, minScore, tenant: this.#context.tenant, patient: true}),
      ))
    if (this.#config.enableQualityGates && !report.passed) {
      throw new QualityGateError(manifest.name, report.score, report.minScore, report)
    }
    const repo = this.#store.repo(namespace)
    await repo.init()
    const change = {
      name: manifest.name,
      version: manifest.version,
      path: `${manifest.category}/${manifest.name}`,
      files: template.files,
      ...(input.message ? {message: input.message} : {}),
      author: {name: this.#context.user, email: `${this.#context.user}@maestro.local`},
    }
    // The template's blobs and trees are written before the lock (most of a commit's I/O).
    await timed('objects', () => repo.writeObjects({...change, operation: 'create'}))
    const written = await this.#write(repo, async ({pending, index}) => {
      // Decide from an index that holds every earlier write to this template.
      const deciding = performance.now()
      if (pending.touches(manifest.name)) await pending.flush()
      const existing = await index.findTemplate([namespace], manifest.name)
      // One name, one thing in a namespace: a workflow never becomes a template or back.
      if (existing && (existing.category === WORKFLOW_CATEGORY) !== (manifest.category === WORKFLOW_CATEGORY))
        throw new AlreadyExistsError(
          existing.category === WORKFLOW_CATEGORY ? 'workflow' : 'template',
          `${namespace}/${manifest.name}`,
        )
      if (existing) {
        const versions = await index.listVersions([namespace], existing.id)
        const same = versions.find((v) => v.version === manifest.version)
        if (same) {
          if (same.content_hash !== hash) throw new VersionConflictError(manifest.name, manifest.version)
          return {commit: same.commit, status: 'unchanged' as const, operation: null}
        }
      }
      recordPhase('decide', performance.now() - deciding)
      const previousPath =
        existing && existing.category !== manifest.category
          ? `${existing.category}/${manifest.name}`
          : undefined
      const operation = existing ? ('update' as const) : ('create' as const)
      const commit = await timed('commit', () =>
        repo.commit({...change, operation, ...(previousPath ? {previousPath} : {})}),
      )
      const createdAt = new Date().toISOString()
      const indexed = commit.unchanged
        ? undefined
        : pending.add(manifest.name, commit.parent, {
            kind: 'version',
            input: {
              namespace,
              manifest: template.manifest,
              readme: template.readme,
              commit: commit.commit,
              message: input.message ?? `${operation} ${manifest.name}@${manifest.version}`,
              author: this.#context.user,
              createdAt,
              files,
              qualityScore: report.score,
              qualityReport: report,
            },
          })
      return {
        commit: commit.commit,
        status: existing ? ('updated' as const) : ('created' as const),
        operation,
        indexed,
      }
    })
    // Acknowledged only once its batch is indexed.
    await written.indexed
    const answering = performance.now()
    try {
      return await this.#published(namespace, manifest, written, report)
    } finally {
      recordPhase('ack', performance.now() - answering)
    }
  }

  async #published(
    namespace: Namespace,
    manifest: PublishInput['template']['manifest'],
    written: {
      commit: string
      status: 'unchanged' | 'updated' | 'created'
      operation: 'create' | 'update' | null
    },
    report: {score: number; passed: boolean},
  ): Promise<PublishResult> {
    const quality = {score: report.score, passed: report.passed}
    if (written.operation === null) {
      return {
        template: await this.#summary(namespace, manifest.name),
        commit: written.commit,
        status: 'unchanged',
        quality,
      }
    }
    await this.#invalidate(namespace)
    const summary = await this.#summary(namespace, manifest.name)
    this.#shared.publisher.change({
      template_id: summary.id,
      name: manifest.name,
      namespace,
      operation: written.operation,
      version: manifest.version,
      commit: written.commit,
      user_id: this.#context.user,
    })
    return {template: summary, commit: written.commit, status: written.status, quality}
  }

  /**
   * Runs one write (decide, commit) under the namespace's lock, in a batch with the writes
   * to the same namespace that wait meanwhile (src/registry/write-queue.ts). Each batch
   * takes one database connection once it holds the lock (never while it waits for it),
   * first indexes whatever another process committed since, then runs its writes, which
   * read the index through that connection and leave their index writes in `pending`,
   * recorded together at the end of the batch, still under the lock
   * (src/registry/pending-index.ts). A write is acknowledged only once they are.
   */
  #write<T>(repo: NamespaceRepo, work: (batch: WriteBatch) => Promise<T>): Promise<T> {
    return this.#writes.run(
      repo.namespace,
      (batch) => {
        const waiting = performance.now()
        return this.#lockWhileProgressing(repo, async () => {
          const locked = performance.now()
          recordPhase('lock', locked - waiting)
          try {
            await this.#index.withConnection(async (index) => {
              recordPhase('connection', performance.now() - locked)
              await timed('reconcile', () => this.#reconcileNamespace(repo, index))
              const pending = new PendingIndexWrites((parent, changes) =>
                this.#indexCommits(repo, () => index.recordChanges(changes, parent)),
              )
              try {
                await batch({pending, index})
              } finally {
                await timed('index', () => pending.flush())
              }
            })
          } finally {
            recordPhase('hold', performance.now() - locked)
          }
        })
      },
      work,
    )
  }

  /**
   * `repo.withLock(fn)`, waiting for the lock as long as the namespace makes progress: a
   * lock wait that runs out (MAESTRO_WRITE_LOCK_WAIT_MS) while other daemons moved the
   * namespace's head is another turn in a queue that moves, not a stuck lock, so it waits
   * again. Only a wait during which nothing was committed fails (409 CONFLICT).
   */
  async #lockWhileProgressing(repo: NamespaceRepo, fn: () => Promise<void>): Promise<void> {
    for (;;) {
      const before = await repo.head()
      let started = false
      try {
        return await repo.withLock(() => {
          started = true
          return fn()
        })
      } catch (err) {
        const lockWaitRanOut =
          !started && err instanceof MaestroError && err.code === 'CONFLICT' && 'timeoutMs' in err.data
        if (!lockWaitRanOut || (await repo.head()) === before) throw err
      }
    }
  }

  /**
   * Indexes commits just written, in one transaction that checks the index still holds
   * the first commit's parent (fencing). If another writer got in between (a lock lost to
   * a stalled process), the commits are in git all the same: replaying from the index's
   * head indexes them with whatever came between, so the writes still stand. The same
   * replay is the second chance of an index transaction that kept failing on a transient
   * error (serialization failures under load): when that fails too, the answer is 503 and
   * the commits are indexed by the next write or start-up, never a 500 for a write that landed.
   */
  async #indexCommits(repo: NamespaceRepo, write: () => Promise<unknown>): Promise<void> {
    try {
      await write()
    } catch (err) {
      if (!(err instanceof IndexHeadMovedError) && !isTransientError(err)) throw err
      // Down or locked: a replay now would wait as long again. The commit is in git; the
      // next write or start-up indexes it.
      if (isDatabaseUnavailable(err)) throw err
      try {
        await this.#reconcileNamespace(repo)
      } catch (again) {
        // A database that is down or locked is reported as such (503 DATABASE_UNAVAILABLE);
        // a busy one (serialization failures) as busy.
        if (!isTransientError(again) || isDatabaseUnavailable(again)) throw again
        throw new ServerBusyError(
          `the change is committed (at ${await repo.head()}) but the index is too busy to record it now; it is indexed by the next write, try again to confirm`,
          1,
        )
      }
    }
  }

  async #summary(namespace: Namespace, name: string) {
    const row = await this.#index.findTemplate([namespace], name)
    if (!row) throw new NotFoundError('template', `${namespace}/${name}`)
    const {latest_version_id: _v, usage_count: _u, created_at: _c, ...summary} = row
    return summary
  }

  async delete(ref: string): Promise<DeleteResult> {
    const {template, ref: parsed} = await this.#locate(ref)
    if (parsed.spec) throw new UsageError('delete removes a whole template; leave out the @version')
    const namespace = this.#writable(template.namespace)
    const repo = this.#store.repo(namespace)
    const commit = await this.#write(repo, async ({pending}) => {
      if (pending.touches(template.name)) await pending.flush()
      const commit = await repo.commit({
        operation: 'delete',
        name: template.name,
        path: `${template.category}/${template.name}`,
        author: {name: this.#context.user, email: `${this.#context.user}@maestro.local`},
      })
      const indexed = commit.unchanged
        ? undefined
        : pending.add(template.name, commit.parent, {
            kind: 'delete',
            namespace,
            name: template.name,
            commit: commit.commit,
          })
      return {commit: commit.commit, indexed}
    })
    await commit.indexed
    await this.#invalidate(namespace)
    this.#shared.publisher.change({
      template_id: template.id,
      name: template.name,
      namespace,
      operation: 'delete',
      version: null,
      commit: commit.commit,
      user_id: this.#context.user,
    })
    return {name: template.name, namespace, commit: commit.commit}
  }

  /**
   * Brings a deleted template back from its namespace's git history: the files it had
   * before its last delete (or, with `@VERSION` / `@RANGE`, as published at the newest
   * matching version), published again as one new commit, indexed and announced like any
   * publish (quality gate included). Only a template that does not exist now can be
   * restored; writing rights are those of a publish.
   */
  async restore(ref: string): Promise<RestoreResult> {
    const parsed = parseRef(ref)
    if (parsed.id || !parsed.name)
      throw new UsageError('restore takes the name of a deleted template (NAME[@VERSION]), not an id')
    const name = parsed.name
    // Another tenant's namespace does not exist for this caller (as for every read).
    if (
      parsed.namespace &&
      parsed.namespace !== this.#context.tenant &&
      parsed.namespace !== PUBLIC_NAMESPACE
    )
      throw new NotFoundError('deleted template', `${parsed.namespace}/${name}`)
    // Without a namespace: the caller's own, then (for platform admins) the public catalog.
    const candidates = parsed.namespace
      ? [this.#writable(parsed.namespace)]
      : [this.#context.tenant, ...(isPlatformAdmin(this.#context) ? [PUBLIC_NAMESPACE] : [])]
    let found: {namespace: Namespace; published: CommitRecord[]} | undefined
    for (const namespace of new Set(candidates)) {
      if (await this.#index.findTemplate([namespace], name)) {
        throw new MaestroError(
          `template ${namespace}/${name} exists: only a deleted template can be restored`,
          {
            code: AlreadyExistsError.code,
            status: 409,
            data: {kind: 'template', ref: `${namespace}/${name}`},
          },
        )
      }
      const published = await this.#publishedBeforeDelete(namespace, name)
      if (published.length > 0) {
        found = {namespace, published}
        break
      }
    }
    if (!found)
      throw new NotFoundError(
        'deleted template',
        name,
        `No namespace you can write to (${[...new Set(candidates)].join(', ')}) has it in its history.`,
      )
    const namespace = this.#writable(found.namespace)
    const {published} = found
    let source = published[published.length - 1]!
    if (parsed.spec) {
      const versions = published.map((c) => c.trailers.version!)
      const wanted = semver.valid(parsed.spec) ?? semver.maxSatisfying(versions, parsed.spec)
      const match = wanted === null ? undefined : published.findLast((c) => c.trailers.version === wanted)
      if (!match)
        throw new NotFoundError(
          'version',
          `${namespace}/${name}@${parsed.spec}`,
          `Versions in its history: ${[...new Set(versions)].join(', ')}.`,
        )
      source = match
    }
    const [files, {parseTemplate}] = await Promise.all([
      this.#store.repo(namespace).readTemplate(source.oid, source.trailers.path!),
      import('../domain/template.js'),
    ])
    const version = source.trailers.version!
    const result = await this.publish({
      template: parseTemplate(files, `${namespace}/${name}@${version}`),
      namespace,
      message: `restore ${name}@${version} (as of ${source.oid.slice(0, 12)})`,
    })
    return {...result, restored_from: {commit: source.oid, version}}
  }

  /** The commits that published `name` in `namespace` before its last delete, oldest first (none if never deleted). */
  async #publishedBeforeDelete(namespace: Namespace, name: string): Promise<CommitRecord[]> {
    const repo = this.#store.repo(namespace)
    if (!(await this.#store.namespaces()).includes(namespace) || (await repo.head()) === null) return []
    const history = await repo.log()
    const lastDelete = history.findLastIndex(
      (c) => c.trailers.template === name && c.trailers.operation === 'delete',
    )
    return history
      .slice(0, Math.max(lastDelete, 0))
      .filter(
        (c) =>
          c.trailers.template === name &&
          (c.trailers.operation === 'create' || c.trailers.operation === 'update') &&
          c.trailers.version !== undefined &&
          c.trailers.path !== undefined,
      )
  }

  async instantiate(ref: string, options: InstantiateOptions = {}): Promise<RenderedProject> {
    const [{manifest, readme, files, detail}, {answersFile}] = await Promise.all([
      this.getFiles(ref),
      import('../render/answers-file.js'),
    ])
    const meta = {template: manifest.name, version: manifest.version, commit: detail.commit}
    const {answers, files: rendered} = await this.#host.instantiate({
      template: {manifest, readme, files},
      answers: options.answers ?? {},
      useDefaults: options.useDefaults ?? true,
      meta,
      tenant: this.#context.tenant,
      signal: options.signal,
    })
    const project = options.project === undefined ? {} : {project: options.project}
    rendered.set(
      '.maestro-answers.yaml',
      await answersFile({...meta, namespace: detail.namespace, ...project}, answers, manifest.parameters),
    )
    // A render for an update is no use; one made into a recorded project is published by recordProject.
    if (options.forUpdate !== true && options.project === undefined)
      this.#used(detail, 'instantiate', {template: meta.template, version: meta.version})
    return {...meta, answers, files: rendered}
  }

  /**
   * Rebuilds the whole index from git: every namespace, every commit, each compared with
   * the one before. Template ids and usage counts survive (ids derive from the commit
   * that created the template, see `templateIdFor`). The index is then this store's: its
   * store identity is recorded and namespaces with no repository here are dropped.
   * Throws IndexConflictError, after indexing everything else, when git holds changes
   * the index cannot take.
   */
  async reindex(onProgress: ImportProgress | undefined = this.#shared.progress): Promise<ReindexResult> {
    const namespaces = await this.#store.namespaces()
    await this.#index.claimStoreId(await this.#store.claimIdentity(), true)
    for (const known of await this.#index.listNamespaces()) {
      if (namespaces.includes(known.name)) continue
      await this.#index.clearNamespace(known.name)
      this.#conflicts.delete(known.name)
    }
    const result: ReindexResult = {namespaces: []}
    const problems: IndexProblem[] = []
    for (const namespace of namespaces) {
      const repo = this.#store.repo(namespace)
      await repo.withLock(async () => {
        const usage = await this.#index.usageCounts(namespace)
        await this.#index.clearNamespace(namespace)
        const found = await this.#replay(repo, null, onProgress)
        this.#recordConflicts(namespace, found)
        problems.push(...found)
        await this.#index.incrementUsageBy(usage)
      })
      const head = await repo.head()
      const {templates, versions} = await this.#index.stats([namespace])
      result.namespaces.push({namespace, templates, versions, commit: head})
    }
    await this.#cache.clear()
    if (problems.length > 0) throw new IndexConflictError(problems)
    return result
  }

  /**
   * Brings the index up to every namespace's git head, whoever committed (maestro-tpl, or
   * git itself). A write that died between its commit and its index transaction leaves
   * the index behind, and so does a commit made with git: replaying the missing commits
   * repairs it. Throws IndexConflictError (after indexing everything else) for changes
   * the index cannot take, and records them per namespace (see `indexConflicts`), and StoreMismatchError when an indexed head is not in its
   * namespace's history: it never drops index rows it cannot account for.
   */
  async reconcile(): Promise<void> {
    const namespaces = await this.#store.namespaces()
    const lost = (await this.#index.listNamespaces()).filter(
      (ns) => ns.head_commit !== null && !namespaces.includes(ns.name),
    )
    if (lost.length > 0) {
      throw new StoreMismatchError(
        `the index holds namespace${lost.length > 1 ? 's' : ''} ${lost.map((ns) => ns.name).join(', ')}, ` +
          `which the store at ${this.#store.root} has no repository for`,
        {namespaces: lost.map((ns) => ({name: ns.name, commit: ns.head_commit})), store: this.#store.root},
      )
    }
    const problems: IndexProblem[] = []
    for (const namespace of namespaces) {
      try {
        await this.#reconcileNamespace(this.#store.repo(namespace))
      } catch (err) {
        if (!(err instanceof IndexConflictError)) throw err
        problems.push(...err.problems)
      }
    }
    if (problems.length > 0) throw new IndexConflictError(problems)
  }

  /**
   * Checks that the index was built from this store (the same identity in both), or
   * records the identity when neither has one yet. A store without an identity is
   * adopted only when it holds every commit the index records (a restore from git).
   */
  async checkStoreIdentity(): Promise<void> {
    // The index first: a process claiming a new pair claims the store, then the index, so
    // an index found claimed here has its store claimed too. (Read the other way round, a
    // daemon starting beside the first one could see the store unclaimed, then the index
    // claimed, and take its own store for another one.)
    const indexId = await this.#index.storeId()
    const storeId = await this.#store.identity()
    const where = {store: this.#store.root, database: redactedDatabase(this.#config)}
    if (indexId === null) {
      // A new index, or one from before identities: reconcile checks its heads are here.
      const recorded = await this.#index.claimStoreId(storeId ?? (await this.#store.claimIdentity()))
      const own = await this.#store.identity()
      if (recorded !== own) {
        throw new StoreMismatchError(
          `the database was claimed at the same moment by another store (${recorded}), not this one (${own})`,
          {...where, storeId: own, indexStoreId: recorded},
        )
      }
      return
    }
    if (storeId === indexId) return
    if (storeId === null) {
      const missing: string[] = []
      let indexed = 0
      for (const ns of await this.#index.listNamespaces()) {
        if (ns.head_commit === null) continue
        indexed++
        if (!(await this.#store.repo(ns.name).hasCommit(ns.head_commit))) missing.push(ns.name)
      }
      // A store that holds none of the index's commits is a new one, not a restore: adopting
      // it would split one index over two stores.
      if (indexed > 0 && missing.length === 0) {
        await this.#store.claimIdentity(indexId)
        return
      }
      throw new StoreMismatchError(
        `the database indexes store ${indexId}, and the store at ${this.#store.root} is another one: ` +
          (missing.length > 0
            ? `it lacks the indexed commits of ${missing.join(', ')}`
            : 'it is new, and the database belongs to that one'),
        {...where, storeId: null, indexStoreId: indexId, missing},
      )
    }
    throw new StoreMismatchError(
      `the database indexes store ${indexId}, but the store at ${this.#store.root} is store ${storeId}`,
      {...where, storeId, indexStoreId: indexId},
    )
  }

  /**
   * The namespaces whose git holds changes the index cannot take: each is served at its
   * last indexed state and refuses writes until git is fixed (`reindex`, the next write or
   * the next start try again). A namespace brought up to its git head meanwhile (by
   * another process's reindex or write) is dropped from the list here.
   *
   * @example
   * ```ts
   * for (const p of await registry.indexConflicts()) console.warn(p.namespace, p.reason)
   * ```
   */
  async indexConflicts(): Promise<IndexProblem[]> {
    for (const namespace of [...this.#conflicts.keys()]) {
      const head = await this.#store.repo(namespace).head()
      if (head === (await this.#index.getNamespaceHead(namespace))) this.#conflicts.delete(namespace)
    }
    return [...this.#conflicts.values()].flat()
  }

  /**
   * How often each of these templates was used (instantiated), among the namespaces this
   * caller reads; unused ones are left out. Counts move with every use, so they are read
   * here, never cached with a template's summary.
   *
   * @example
   * ```ts
   * const usage = await registry.usageOf(result.items.map((t) => t.id))
   * ```
   */
  usageOf(ids: readonly string[]): Promise<Map<string, number>> {
    return this.#index.usageOf(this.#readable, ids)
  }

  #recordConflicts(namespace: string, problems: readonly IndexProblem[]): void {
    if (problems.length > 0) this.#conflicts.set(namespace, problems)
    else this.#conflicts.delete(namespace)
  }

  /** `index`: a writer's own connection (#write), for the check that is all most calls need. */
  async #reconcileNamespace(repo: NamespaceRepo, index: TemplateIndex = this.#index): Promise<void> {
    if ((await repo.head()) === (await index.getNamespaceHead(repo.namespace))) {
      this.#conflicts.delete(repo.namespace)
      return
    }
    // Under the namespace lock (re-entrant for a publish that holds it): a writer in another
    // process must not commit while its commits are being replayed here.
    await repo.withLock(async () => {
      const indexed = await this.#index.getNamespaceHead(repo.namespace)
      if ((await repo.head()) === indexed) {
        this.#conflicts.delete(repo.namespace)
        return
      }
      let problems: IndexProblem[]
      try {
        problems = await this.#replay(repo, indexed)
      } finally {
        await this.#invalidate(repo.namespace)
      }
      this.#recordConflicts(repo.namespace, problems)
      if (problems.length > 0) throw new IndexConflictError(problems)
    })
  }

  /**
   * Indexes the commits after `since` from their trees: each first-parent commit is
   * compared with the one before it, and every template folder it adds, changes, moves
   * or removes is indexed as such, whatever wrote the commit (trailers are not needed).
   * A change the index cannot take (a published version changed in place, an invalid
   * template) is returned as a problem, not indexed; a later commit that fixes that
   * template clears it. The namespace head advances only past commits with no problem
   * left open, so the next start tries again from there.
   */
  async #replay(
    repo: NamespaceRepo,
    since: string | null,
    onProgress?: ImportProgress,
  ): Promise<IndexProblem[]> {
    let changes
    try {
      changes = await repo.changesSince(since)
    } catch (err) {
      if (!(err instanceof NotFoundError) || since === null) throw err
      throw new StoreMismatchError(
        `the index records commit ${since} as the head of namespace ${repo.namespace}, but ${repo.dir} ` +
          'does not have it in its history: the database was built from another store, or this history was rewritten',
        {namespace: repo.namespace, commit: since, repository: repo.dir},
      )
    }
    const {parseTemplate} = await import('../domain/template.js')
    const open = new Map<string, IndexProblem>()
    let head = since
    let before = changes.base
    let done = 0
    for (const commit of changes.commits) {
      const diffs = await repo.diffTemplates(before, commit.oid)
      before = commit.oid
      const kept = new Set(diffs.filter((d) => d.tree !== null).map((d) => d.name))
      const gone = new Set(diffs.filter((d) => d.tree === null).map((d) => d.path))
      for (const diff of diffs) {
        if (diff.tree === null) continue
        const problem = (reason: string) =>
          open.set(diff.name, {namespace: repo.namespace, commit: commit.oid, path: diff.path, reason})
        const [category] = diff.path.split('/') as [string]
        const twin = diffs.find((d) => d !== diff && d.tree !== null && d.name === diff.name)
        const indexed = await this.#index.findTemplate([repo.namespace], diff.name)
        if (
          twin ||
          (indexed && indexed.category !== category && !gone.has(`${indexed.category}/${diff.name}`))
        ) {
          problem(
            `a template named ${diff.name} is in two folders (${twin?.path ?? `${indexed?.category}/${diff.name}`}); names are unique in a namespace: remove one`,
          )
          continue
        }
        try {
          const files = await repo.readTemplate(commit.oid, diff.path)
          const template = parseTemplate(files, `${repo.namespace}:${diff.path}@${commit.oid.slice(0, 12)}`)
          const {manifest} = template
          if (manifest.name !== diff.name || manifest.category !== category) {
            problem(
              `manifest.yaml names ${manifest.category}/${manifest.name}: a template lives in the folder <category>/<name> its manifest gives`,
            )
            continue
          }
          if (indexed) {
            // Already indexed with these files (a replay resumed before an open problem): no re-scoring.
            const same = (await this.#index.listVersions([repo.namespace], indexed.id)).find(
              (v) => v.version === manifest.version,
            )
            if (same?.content_hash === contentHash(withOids(files))) {
              open.delete(diff.name)
              continue
            }
          }
          // The commit is in git already: a template that cannot be scored within the render
          // limits is indexed without a score rather than stopping the replay.
          const report = await this.#host
            .score({template, minScore: this.#config.minTemplateQualityScore})
            .catch((err: unknown) => {
              if (err instanceof RenderLimitError) return null
              throw err
            })
          await this.#index.recordVersion({
            namespace: repo.namespace,
            manifest,
            readme: template.readme,
            commit: commit.oid,
            head,
            message: commit.message,
            author: commit.author.name,
            createdAt: new Date(commit.author.timestamp * 1000).toISOString(),
            files: withOids(files),
            qualityScore: report?.score ?? null,
            qualityReport: report,
          })
          open.delete(diff.name)
        } catch (err) {
          if (err instanceof VersionConflictError) {
            const version = (err.data as {version?: string}).version
            problem(
              `it changes ${diff.name} but keeps version ${version}, which is published with other content ` +
                '(a published version never changes)',
            )
          } else if (err instanceof MaestroError && err.status < 500) problem(err.message)
          else throw err
        }
      }
      for (const diff of diffs) {
        // A folder gone while its name lives on elsewhere in the commit is a move, indexed above.
        if (diff.tree !== null || kept.has(diff.name)) continue
        await this.#index.deleteTemplate(repo.namespace, diff.name, head)
        open.delete(diff.name)
      }
      if (open.size === 0) {
        head = commit.oid
        await this.#index.setNamespaceHead(repo.namespace, head)
      }
      done++
      await onProgress?.({
        label: `Indexing ${repo.namespace}`,
        done,
        total: changes.commits.length,
        detail: diffs.map((d) => d.name).join(', '),
      })
    }
    return [...open.values()]
  }

  /**
   * First use of an empty store: import the bundled catalog into the public namespace.
   * An import that was interrupted (the process killed, a timeout) left its marker file
   * behind and is resumed at the next open: templates already imported answer `unchanged`,
   * so a half-imported store is completed rather than left without the rest of its catalog.
   */
  async importCatalogIfEmpty(onProgress?: ImportProgress): Promise<number> {
    const repo = this.#store.repo(PUBLIC_NAMESPACE)
    const marker = join(this.#store.root, CATALOG_IMPORT_MARKER)
    const resuming = existsSync(marker)
    if (!resuming && (await repo.head()) !== null) return 0
    mkdirSync(this.#store.root, {recursive: true})
    writeFileSync(marker, `${new Date().toISOString()}\n`)
    const imported = await this.importCatalog(this.#config.templatesStoragePath, onProgress, undefined, {
      resuming,
    })
    rmSync(marker, {force: true})
    return imported
  }

  /**
   * Publishes every `<category>/<name>/` folder under `dir` into the public namespace.
   * Templates whose files are in `snapshot` (by default the one the build wrote for the
   * bundled catalog) are not scored again. Publishes run a few at a time, so the write queue
   * commits and indexes them in batches (group commit) rather than one lock hold each.
   */
  async importCatalog(
    dir: string,
    onProgress?: ImportProgress,
    snapshot: CatalogSnapshot = readCatalogSnapshot(join(packageRoot(), SNAPSHOT_FILE)),
    {resuming = false}: {resuming?: boolean} = {},
  ): Promise<number> {
    const folders = catalogFolders(dir)
    if (folders.length === 0) return 0
    const repo = this.#store.repo(PUBLIC_NAMESPACE)
    await repo.init()
    const {loadTemplateDir} = await import('../domain/template.js')
    let done = 0
    let next = 0
    const worker = async () => {
      while (next < folders.length) {
        const folder = folders[next++]!
        const template = await loadTemplateDir(folder)
        try {
          await this.#publish(
            {
              template,
              namespace: PUBLIC_NAMESPACE,
              message: `import ${template.manifest.name}@${template.manifest.version}`,
            },
            snapshot,
          )
        } catch (err) {
          // Resuming: a version the store already holds with other files (the catalog was
          // edited in between) stays as the store has it.
          if (!(resuming && err instanceof VersionConflictError)) throw err
        }
        done++
        await onProgress?.({
          label: 'Importing the template catalog',
          done,
          total: folders.length,
          detail: template.manifest.name,
        })
      }
    }
    await Promise.all(Array.from({length: Math.min(IMPORT_CONCURRENCY, folders.length)}, worker))
    return folders.length + (await this.#importWorkflows(join(dir, '..', 'workflows_storage')))
  }

  /**
   * The bundled workflows (`workflows_storage/<name>/workflow.yaml`, beside the template
   * catalog), published after the templates they compose.
   */
  async #importWorkflows(dir: string): Promise<number> {
    if (!existsSync(dir)) return 0
    const {loadWorkflowDir, workflowAsTemplate} = await import('../workflows/package.js')
    const names = readdirSync(dir)
      .sort()
      .filter((name) => existsSync(join(dir, name, 'workflow.yaml')))
    for (const name of names) {
      const workflow = await loadWorkflowDir(join(dir, name))
      await this.publish({
        template: workflowAsTemplate(workflow),
        namespace: PUBLIC_NAMESPACE,
        message: `import ${workflow.definition.name}@${workflow.definition.version} (workflow)`,
      })
    }
    return names.length
  }

  async #invalidate(namespace: Namespace): Promise<void> {
    await this.#cache.invalidate(namespace)
  }

  async close(): Promise<void> {
    if (!this.#owner) return
    // Locks of the last writes are released before the process may go on (or exit).
    await this.#writes.idle()
    // Events still buffered are appended, and counted before the database closes when in process.
    await this.#shared.publisher.close()
    await this.#shared.consumers?.stop({drain: !this.#shared.bus.shared})
    await this.#shared.bus.close()
    await this.#cache.close()
    await this.#db.destroy()
    await this.#shared.writeLocks?.close()
    await this.#shared.databaseProbe?.close()
  }

  /**
   * Asks the database on a connection of its own (src/db/probe.ts), never through the
   * pool: `up`, or `slow` (connected, no answer yet), or null when the index has no such
   * probe (SQLite); rejects with the reason when the database is down.
   */
  async probeDatabase(timeoutMs: number): Promise<ProbeAnswer | null> {
    return (await this.#shared.databaseProbe?.check(timeoutMs)) ?? null
  }
}

type TemplateRow = NonNullable<Awaited<ReturnType<TemplateIndex['findTemplate']>>>
type VersionRow = Awaited<ReturnType<TemplateIndex['resolveVersion']>>

function withOids(files: TemplateFiles): Map<string, {oid: string; content: Uint8Array}> {
  const out = new Map<string, {oid: string; content: Uint8Array}>()
  for (const [path, content] of files) out.set(path, {oid: blobId(content), content})
  return out
}

/** Namespaces `context` may read, in precedence order: its own, then `reads` (mirrors), then the public catalog. */
function readableBy(context: RequestContext): Namespace[] {
  const {tenant, reads = []} = context
  const own = tenant === PUBLIC_NAMESPACE ? [] : [tenant]
  return [...new Set([...own, ...reads, PUBLIC_NAMESPACE])]
}

/** Where the index lives, for messages (no password). */
function redactedDatabase(config: Config): string {
  return config.databaseUrl ? redactDbUrl(config.databaseUrl) : join(config.home, 'index.db')
}

/** JSON with object keys sorted, so equal queries make equal cache keys. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  )
}
