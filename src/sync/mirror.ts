/**
 * A daemon's templates mirrored into a local namespace for offline use, with their
 * version history as the daemon reports it.
 *
 * Choices:
 * - Everything lands in one local namespace per daemon, `mirror-<host>[-<port>]` by
 *   default; the CLI reads it after its own templates and before the catalog. A name
 *   the daemon has in two namespaces is taken from the caller's own (not `public`), as
 *   the daemon itself resolves it.
 * - Every version is published locally in semver order with the daemon's version
 *   number and files; the commit is a local one (the message names the daemon's).
 * - A mirror is read-only locally (the CLI cannot write to it) and the daemon wins: a
 *   version whose content changed on the daemon (deleted and published again), or that
 *   the daemon no longer has, makes the template be rebuilt from the daemon's versions.
 * - A template the daemon no longer has (404) is deleted locally; the local git history
 *   keeps every version. One merely outside the current filters is kept.
 * - The state of the mirror (per template: the daemon's id, update time and per version
 *   its commit and content hash) is kept in `<namespace>.git/maestro-mirror.json`, so a
 *   second run asks the daemon only for its list and downloads nothing unchanged.
 */
import {randomBytes} from 'node:crypto'
import {promises as fsp} from 'node:fs'
import {join} from 'node:path'

import semver from 'semver'

import {TemplateClient} from '../client/index.js'
import type {Config} from '../config.js'
import {contentHash} from '../db/content.js'
import {NotFoundError, UsageError} from '../domain/errors.js'
import {parseTemplate} from '../domain/template.js'
import type {Category, Namespace, TemplateSummary, VersionInfo} from '../domain/types.js'
import {PUBLIC_NAMESPACE} from '../domain/types.js'
import {openLocalRegistry, type ImportProgress} from '../registry/local-registry.js'
import type {Registry} from '../registry/types.js'
import {GitStore} from '../store/index.js'
import {blobId} from '../store/objects.js'
import {assertMirrorNamespace, mirrorNamespaceFor} from './mirror-namespace.js'
import {ownValue} from '../domain/records.js'

const STATE_FILE = 'maestro-mirror.json'
const PAGE = 100

/** Which of the daemon's templates to mirror. */
export interface MirrorFilter {
  text?: string
  category?: Category
  tags?: string[]
  /** Only this namespace of the daemon. */
  namespace?: Namespace
}

/** Options of {@link mirrorDaemon}. */
export interface MirrorOptions {
  /** The daemon, with the caller's token. */
  client: TemplateClient
  /** The local registry, seen as the mirror namespace's owner (`withContext({tenant: into, ...})`). */
  registry: Registry
  /** The local namespace the mirror lands in. */
  into: Namespace
  /** The folder of that namespace's git repository, where the mirror's state is kept. */
  stateDir: string
  filter?: MirrorFilter
  onProgress?: ImportProgress
}

/** What one mirror run moved. */
export interface MirrorSummary {
  /** The daemon (its base URL). */
  remote: string
  /** The local namespace. */
  namespace: Namespace
  templates: {added: string[]; changed: string[]; removed: string[]; unchanged: number}
  /** Versions downloaded and published locally. */
  versions: number
  /** Bytes of template files downloaded. */
  bytes: number
}

interface MirroredVersion {
  /** The daemon's commit of this version. */
  commit: string
  /** contentHash of its files. */
  hash: string
}

interface MirroredTemplate {
  /** Where it comes from on the daemon. */
  namespace: Namespace
  id: string
  updated_at: string
  version: string
  versions: Record<string, MirroredVersion>
}

interface MirrorState {
  remote: string
  templates: Record<string, MirroredTemplate>
}

/** How long a mirror run waits for another writer of its namespace (ms). */
const LOCK_WAIT_MS = 120_000

/**
 * Mirrors a daemon into the local store at `config.home`: opens the store as the
 * mirror namespace's owner (without the quality gate: a mirror keeps what the daemon
 * has), holds the namespace's lock for the whole run, and closes everything after.
 *
 * @example
 * ```ts
 * const summary = await mirrorIntoStore({
 *   config: loadConfig(),
 *   url: 'https://templates.example.com',
 *   token: process.env.MAESTRO_TOKEN,
 *   filter: {namespace: 'acme'},
 * })
 * console.log(summary.namespace, summary.templates.added, summary.versions, summary.bytes)
 * ```
 */
export async function mirrorIntoStore(options: {
  config: Config
  url: string
  token?: string | undefined
  /** Local namespace (default: `mirror-<host>[-<port>]`). */
  into?: string | undefined
  filter?: MirrorFilter
  onProgress?: ImportProgress | undefined
}): Promise<MirrorSummary> {
  const into =
    options.into === undefined ? mirrorNamespaceFor(options.url) : assertMirrorNamespace(options.into)
  const client = new TemplateClient({baseUrl: options.url, token: options.token})
  // Opened as the store's owner (the local CLI's context), who may import the bundled
  // catalog into a fresh store; the mirror itself writes as the admin of its namespace.
  const owner = await openLocalRegistry({
    config: {...options.config, enableQualityGates: false},
    context: {tenant: 'local', user: 'local', role: 'admin'},
  })
  const registry = owner.withContext({tenant: into, user: 'maestro-mirror', role: 'admin'})
  try {
    // Not initialised here: the first publish creates the repository, so a daemon that cannot be
    // reached, or has nothing to mirror, leaves no empty mirror namespace behind.
    const repo = new GitStore(join(options.config.home, 'git')).repo(into)
    return await repo.withLock(
      () =>
        mirrorDaemon({
          client,
          registry,
          into,
          stateDir: repo.dir,
          ...(options.filter ? {filter: options.filter} : {}),
          ...(options.onProgress ? {onProgress: options.onProgress} : {}),
        }),
      {timeoutMs: LOCK_WAIT_MS},
    )
  } finally {
    await owner.close()
    await client.close()
  }
}

/**
 * Mirrors the daemon's templates matching `filter` into the local namespace `into`.
 *
 * @example
 * ```ts
 * const client = new TemplateClient({baseUrl: 'https://templates.example.com', token})
 * const summary = await mirrorDaemon({
 *   client,
 *   registry: local.withContext({tenant: 'mirror-templates-example-com', user: 'mirror', role: 'admin'}),
 *   into: 'mirror-templates-example-com',
 *   stateDir: join(home, 'git', 'mirror-templates-example-com.git'),
 *   filter: {category: 'backend_developer'},
 * })
 * summary.templates.added // ['fastapi-service', ...]
 * ```
 */
export async function mirrorDaemon(options: MirrorOptions): Promise<MirrorSummary> {
  const {client, registry, into, stateDir} = options
  const filter = options.filter ?? {}
  const remote = client.baseUrl
  const state = await readState(stateDir)
  if (state.remote !== remote && Object.keys(state.templates).length > 0) {
    throw new UsageError(
      `namespace ${into} mirrors ${state.remote}, not ${remote}: choose another local namespace (--into mirror-...)`,
    )
  }
  state.remote = remote
  const summary: MirrorSummary = {
    remote,
    namespace: into,
    templates: {added: [], changed: [], removed: [], unchanged: 0},
    versions: 0,
    bytes: 0,
  }

  const listed = await listTemplates(client, filter)
  const save = () => writeState(stateDir, state)
  let done = 0
  for (const summaryRow of listed) {
    const name = summaryRow.name
    const outcome = await mirrorTemplate(client, registry, into, summaryRow, state, summary)
    if (outcome === 'added') summary.templates.added.push(name)
    else if (outcome === 'changed') summary.templates.changed.push(name)
    else summary.templates.unchanged++
    // 'recorded': nothing downloaded, but what the daemon reports changed (e.g. its commits after a rewrite).
    if (outcome !== 'unchanged') await save()
    await options.onProgress?.({
      label: `Mirroring ${remote}`,
      done: ++done,
      total: listed.length,
      detail: name,
    })
  }

  // Gone from the daemon (not merely filtered out): removed here too.
  const listedNames = new Set(listed.map((t) => t.name))
  for (const [name, mirrored] of Object.entries(state.templates)) {
    if (listedNames.has(name)) continue
    if (await stillOnDaemon(client, `${mirrored.namespace}/${name}`)) continue
    await deleteLocal(registry, into, name)
    delete state.templates[name]
    summary.templates.removed.push(name)
    await save()
  }
  for (const list of [summary.templates.added, summary.templates.changed, summary.templates.removed])
    list.sort()
  return summary
}

/** Every template the filter matches, one per name (the caller's own namespace before public). */
async function listTemplates(client: TemplateClient, filter: MirrorFilter): Promise<TemplateSummary[]> {
  const byName = new Map<string, TemplateSummary>()
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.search({
      ...(filter.text ? {text: filter.text} : {}),
      ...(filter.category ? {category: filter.category} : {}),
      ...(filter.tags && filter.tags.length > 0 ? {tags: filter.tags} : {}),
      ...(filter.namespace ? {namespace: filter.namespace} : {}),
      limit: PAGE,
      offset,
    })
    for (const item of page.items) {
      const seen = byName.get(item.name)
      if (!seen || (seen.namespace === PUBLIC_NAMESPACE && item.namespace !== PUBLIC_NAMESPACE))
        byName.set(item.name, item)
    }
    // Beyond 10,000 the total is a lower bound (total_exact false): a short page ends it.
    if (page.items.length < PAGE || (page.total_exact && offset + PAGE >= page.total)) break
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
}

async function mirrorTemplate(
  client: TemplateClient,
  registry: Registry,
  into: Namespace,
  remoteRow: TemplateSummary,
  state: MirrorState,
  summary: MirrorSummary,
): Promise<'added' | 'changed' | 'recorded' | 'unchanged'> {
  const {name} = remoteRow
  const remoteRef = `${remoteRow.namespace}/${name}`
  const local = await localVersions(registry, into, name)
  // Own entries only: a template named `constructor` has no record before its first mirror.
  const mirrored = ownValue(state.templates, name)
  // Nothing moved on the daemon (same id, update time and latest) and the local versions are the recorded ones.
  if (
    mirrored &&
    mirrored.id === remoteRow.id &&
    mirrored.updated_at === remoteRow.updated_at &&
    mirrored.version === remoteRow.version &&
    sameSet(local, Object.keys(mirrored.versions))
  ) {
    return 'unchanged'
  }

  const remoteVersions = (await client.versions(remoteRef)).sort((a, b) =>
    semver.compare(a.version, b.version),
  )
  const wasPresent = local.size > 0
  let rebuild = [...local].some((v) => !remoteVersions.some((r) => r.version === v))
  const fetch: VersionInfo[] = []
  const next: Record<string, MirroredVersion> = {}
  for (const version of remoteVersions) {
    const known = mirrored?.versions[version.version]
    if (!local.has(version.version)) {
      fetch.push(version)
      continue
    }
    if (known?.commit === version.commit) {
      next[version.version] = known
      continue
    }
    // Same version number, another commit on the daemon: compare contents before downloading them.
    const detail = await client.get(`${remoteRef}@${version.version}`)
    const hash = contentHash(new Map(detail.files.map((f) => [f.path, {oid: f.oid}])))
    if (known?.hash === hash) next[version.version] = {commit: version.commit, hash}
    else rebuild = true
  }
  if (rebuild) {
    // The daemon's history is no longer the one mirrored here: start the template again from it.
    await deleteLocal(registry, into, name)
    fetch.splice(0, fetch.length, ...remoteVersions)
    for (const key of Object.keys(next)) delete next[key]
  }
  for (const version of fetch) {
    const {files} = await client.files(`${remoteRef}@${version.version}`)
    for (const content of files.values()) summary.bytes += content.byteLength
    const template = parseTemplate(files, `${remoteRef}@${version.version}`)
    if (template.manifest.version !== version.version || template.manifest.name !== name) {
      throw new UsageError(
        `${remoteRef}@${version.version}: the daemon sent the files of ${template.manifest.name}@${template.manifest.version}`,
      )
    }
    await registry.publish({
      template,
      namespace: into,
      message: `mirror ${name}@${version.version} from ${client.baseUrl} (${remoteRow.namespace}, commit ${version.commit.slice(0, 12)})`,
    })
    next[version.version] = {commit: version.commit, hash: contentHash(withOids(files))}
    summary.versions++
  }
  state.templates[name] = {
    namespace: remoteRow.namespace,
    id: remoteRow.id,
    updated_at: remoteRow.updated_at,
    version: remoteRow.version,
    versions: next,
  }
  if (!wasPresent) return 'added'
  return fetch.length > 0 || rebuild ? 'changed' : 'recorded'
}

function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((x) => a.has(x))
}

/** The versions the local mirror holds of `name` (empty when it has none). */
async function localVersions(registry: Registry, into: Namespace, name: string): Promise<Set<string>> {
  try {
    return new Set((await registry.versions(`${into}/${name}`)).map((v) => v.version))
  } catch (err) {
    if (err instanceof NotFoundError) return new Set()
    throw err
  }
}

async function deleteLocal(registry: Registry, into: Namespace, name: string): Promise<void> {
  try {
    await registry.delete(`${into}/${name}`)
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err
  }
}

async function stillOnDaemon(client: TemplateClient, ref: string): Promise<boolean> {
  try {
    await client.get(ref)
    return true
  } catch (err) {
    if (err instanceof NotFoundError) return false
    throw err
  }
}

function withOids(files: ReadonlyMap<string, Uint8Array>): Map<string, {oid: string}> {
  return new Map([...files].map(([path, content]) => [path, {oid: blobId(content)}]))
}

async function readState(dir: string): Promise<MirrorState> {
  try {
    return JSON.parse(await fsp.readFile(join(dir, STATE_FILE), 'utf8')) as MirrorState
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {remote: '', templates: {}}
    throw err
  }
}

async function writeState(dir: string, state: MirrorState): Promise<void> {
  await fsp.mkdir(dir, {recursive: true})
  const path = join(dir, STATE_FILE)
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await fsp.writeFile(temp, `${JSON.stringify(state, null, 2)}\n`)
  await fsp.rename(temp, path)
}
