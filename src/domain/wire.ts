/**
 * The JSON shapes that travel between the daemon and its clients, and the codec for
 * template files inside them. The server (src/server) and the SDK (src/client) both
 * use this module, so a file map survives a round trip byte for byte.
 */
import type {Answers, Category, TemplateFiles, VersionInfo} from './types.js'
import {ownRecord} from './records.js'
import type {TemplateDetail} from './registry.js'

/** One file in a JSON body: text as `utf8`, anything else as `base64`. */
export interface WireFile {
  content: string
  encoding: 'utf8' | 'base64'
}

/** A template folder in a JSON body, keyed by POSIX path relative to the template root. */
export type WireFiles = Record<string, WireFile>

/** Body of `POST /templates`, `PUT /templates/{id}` and `POST /quality/*` (JSON form). */
export interface TemplateUpload {
  /** The manifest as an object; written as `manifest.yaml` (then `files` must not hold one). */
  manifest?: Record<string, unknown>
  files: WireFiles
}

/** Body of `POST /templates/{id}/instantiate`. */
export interface InstantiateRequest {
  answers?: Answers
  /** Fill every unanswered parameter with its default (default true: there is nobody to ask). */
  useDefaults?: boolean
  /** Response format; the Accept header chooses when absent (default json). */
  format?: ArchiveFormat
  /** Top folder inside an archive (default: the template name; '' for none). */
  root?: string
  /** A render for an update or a diff: the daemon records no project and counts no use. */
  forUpdate?: boolean
}

export type ArchiveFormat = 'json' | 'tar.gz' | 'zip'

/** JSON answer of `POST /templates/{id}/instantiate`: rendered files, base64. */
export interface InstantiateResponse {
  template: string
  version: string
  commit: string
  answers: Answers
  files: Record<string, string>
}

/** Answer of `GET /templates/{id}/files`. */
export interface TemplateFilesResponse {
  template: TemplateDetail
  files: WireFiles
}

/** Answer of `GET /templates/{id}/versions`. */
export interface VersionList {
  name: string
  namespace: string
  items: VersionInfo[]
  total: number
  limit: number
  offset: number
}

/**
 * GET /api/v1/admin/stats (admins): counts, the caches, the events and the process.
 *
 * @example
 * ```ts
 * const {templates, categories, cache} = await client.stats()
 * console.log(templates, categories?.backend_developer, cache.hits / (cache.hits + cache.misses))
 * ```
 */
export interface AdminStats {
  templates: number
  versions: number
  namespaces: string[]
  /** Templates per category (categories of no template are left out). */
  categories?: Partial<Record<Category, number>> & Record<string, number>
  /** The registry's read-through cache; `entries` is null on Redis (its keys are not counted). */
  cache: {hits: number; misses: number; entries: number | null; errors?: number; backend?: 'memory' | 'redis'}
  /** The daemon's cache of whole answers to template reads. */
  response_cache?: {hits: number; misses: number; entries: number | null}
  /** The event bus and what this daemon's consumers and publisher did. */
  events?: {
    bus: 'in-process' | 'redis'
    consumers: Record<
      string,
      {
        processed: number
        failed: number
        dead_lettered: number | null
        pending: number | null
        lag: number | null
      } | null
    >
    publisher?: {published: number; buffered: number; dropped: number}
  }
  uptime_seconds: number
  /** Bytes, as process.memoryUsage() reports them. */
  memory?: {rss: number; heapUsed: number; heapTotal: number; external: number}
}

/** Answer of `GET /health`. */
export interface HealthStatus {
  /**
   * degraded: Redis is down (reads are served from the database and events wait for it),
   * the database's pool is busy (`database` says `busy: <why>`), or a namespace is in
   * index conflict (`index_conflicts`). unhealthy (503): the database is unreachable.
   */
  status: 'healthy' | 'degraded' | 'unhealthy' | 'starting'
  service: string
  version: string
  /**
   * connected; busy: <why> (the pool gave no connection in time, the database answers on
   * /health's own connection); or unavailable: <why>.
   */
  database: string
  /** Which database the index is on (DATABASE_URL). */
  database_kind: 'sqlite' | 'postgres'
  /** connected, not configured, or unavailable: <why> */
  redis: string
  /** Round trip to Redis when connected. */
  redis_latency_ms: number | null
  templates_count: number | null
  uptime_seconds: number
  /** While `starting`: what the daemon is doing (the catalog import: templates done of total). */
  progress?: {phase: string; done: number; total: number}
  /** Per namespace ever synced with a git remote: its last sync (a failure does not make the daemon unhealthy). */
  /**
   * Per namespace whose git holds changes the index cannot take (status `degraded`): it is
   * served as last indexed and refuses writes until git is fixed.
   */
  index_conflicts?: Record<string, {commit: string; path: string; reason: string}[]>
  git_sync?: Record<
    string,
    {state: 'running' | 'ok' | 'failed'; last_attempt: string; last_success: string | null}
  >
}

/** Answer of `POST /quality/score`. */
export interface ScoreResult {
  template: string
  version: string
  score: number
  minScore: number
  passed: boolean
  /** The original service's fields, for its clients: the template's name, ... */
  template_id: string
  /** ... the score, ... */
  quality_score: number
  /** ... each check's status by check id, ... */
  checks: Record<string, 'pass' | 'warning' | 'fail'>
  /** ... and every check's recommendations, in check order. */
  recommendations: string[]
}

/** An RFC 9457 problem document, as the daemon sends every error. */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  /** Stable machine-readable code (the same as the CLI's). */
  code: string
  request_id?: string
  [extension: string]: unknown
}

const utf8 = new TextDecoder('utf-8', {fatal: true})
const encoder = new TextEncoder()

/**
 * Encodes a file map for a JSON body: valid UTF-8 stays readable, anything else is base64.
 *
 * @example
 * ```ts
 * encodeFiles(new Map([['README.md', new TextEncoder().encode('# hi')]]))
 * // {'README.md': {content: '# hi', encoding: 'utf8'}}
 * ```
 */
export function encodeFiles(files: ReadonlyMap<string, Uint8Array>): WireFiles {
  const out: WireFiles = ownRecord()
  for (const [path, bytes] of files) {
    let text: string | undefined
    try {
      text = utf8.decode(bytes)
    } catch {
      text = undefined
    }
    out[path] =
      text === undefined ? {content: toBase64(bytes), encoding: 'base64'} : {content: text, encoding: 'utf8'}
  }
  return out
}

/**
 * Decodes the files of a JSON body. Paths are not checked here: the domain's
 * `parseTemplate` refuses unsafe ones with the same error as a folder would get.
 *
 * @example
 * ```ts
 * decodeFiles({'a.bin': {content: 'AAE=', encoding: 'base64'}}).get('a.bin') // Uint8Array [0, 1]
 * ```
 */
export function decodeFiles(files: WireFiles): TemplateFiles {
  const out: TemplateFiles = new Map()
  for (const [path, file] of Object.entries(files)) {
    out.set(path, file.encoding === 'base64' ? fromBase64(file.content) : encoder.encode(file.content))
  }
  return out
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

export function fromBase64(text: string): Uint8Array {
  const buf = Buffer.from(text, 'base64')
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}
