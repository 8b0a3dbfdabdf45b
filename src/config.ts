import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {parseEnv} from 'node:util'

import {UsageError} from './domain/errors.js'
import {packageRoot} from './domain/package-root.js'

// Defaults and ceilings live here, below every layer that enforces them: the database
// pool (src/db), the render pool (src/sandbox), the API's and the stream handler's limits.

/** How the PostgreSQL pool behaves (environment: see `loadConfig`). */
export interface PoolConfig {
  /** Connections at most (`DATABASE_POOL_MAX`). */
  readonly max?: number
  /** An idle connection is closed after this long (`DATABASE_POOL_IDLE_TIMEOUT_MS`). */
  readonly idleTimeoutMs?: number
  /** Waiting for a connection fails after this long (`DATABASE_POOL_CONNECTION_TIMEOUT_MS`). */
  readonly connectionTimeoutMs?: number
  /** The server cancels a statement running longer (`DATABASE_STATEMENT_TIMEOUT_MS`); 0: never. */
  readonly statementTimeoutMs?: number
}

/** Pool settings when none are given: enough for one daemon, bounded waits. */
export const DEFAULT_POOL: Required<PoolConfig> = Object.freeze({
  max: 10,
  idleTimeoutMs: 30_000,
  connectionTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
})

/**
 * The daemon's render pool unless configured otherwise (RENDER_WORKERS, RENDER_TIMEOUT_MS,
 * RENDER_MAX_HEAP_MB, RENDER_QUEUE, RENDER_QUEUE_WAIT_MS): two warm workers, a job stopped
 * after 10 s or 256 MiB of heap, up to 512 jobs waiting, none longer than 30 s, before
 * requests are turned away with 503.
 */
export const DEFAULT_RENDER_POOL = Object.freeze({
  workers: 2,
  timeoutMs: 10_000,
  maxHeapMb: 256,
  maxQueue: 512,
  maxWaitMs: 30_000,
})

/** Size and count ceilings of the API; each one answers 413 or 400 when exceeded. */
export interface Limits {
  /** JSON bodies of most routes (bytes). */
  jsonBody: number
  /** Bodies that carry a template: JSON with files, or a .tar.gz (bytes). */
  upload: number
  /** Largest page a list may ask for. */
  listMax: number
  /** Files in one uploaded template (JSON or archive entries). */
  uploadEntries: number
  /** Bytes of an uploaded archive once decompressed. */
  unpackedBytes: number
  /** Login attempts per minute for one client address and username. */
  loginAttempts: number
  /** Decompressed/compressed ratio above which an archive counts as a bomb (checked past `ratioFloor`). */
  maxRatio: number
  /** Archives smaller than this once decompressed are never refused for their ratio. */
  ratioFloor: number
  /** Files one instantiate may render (422 RENDER_LIMIT_EXCEEDED past it). */
  renderFiles: number
  /** Bytes, all rendered files together, one instantiate may produce. */
  renderBytes: number
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  jsonBody: 1024 * 1024,
  upload: 10 * 1024 * 1024,
  listMax: 100,
  uploadEntries: 5000,
  loginAttempts: 5,
  unpackedBytes: 50 * 1024 * 1024,
  maxRatio: 100,
  ratioFloor: 1024 * 1024,
  renderFiles: 5000,
  renderBytes: 50 * 1024 * 1024,
})

/**
 * Runtime configuration, from the environment (into which the CLI first loads a `.env`
 * file: see `loadEnvFile`).
 *
 * @example
 * ```ts
 * const config = loadConfig({MAESTRO_HOME: '/tmp/store'})
 * config.home // '/tmp/store'
 * ```
 */
export interface Config {
  readonly home: string
  readonly databaseUrl: string | undefined
  /** PostgreSQL pool settings (DATABASE_POOL_MAX, DATABASE_POOL_IDLE_TIMEOUT_MS, …). */
  readonly databasePool: Required<PoolConfig>
  readonly redisUrl: string | undefined
  readonly templatesStoragePath: string
  readonly servicePort: number
  readonly secretKey: string | undefined
  readonly enableRbac: boolean
  /**
   * Daemon: believe X-Forwarded-Proto from the proxy in front (TRUST_PROXY, default
   * false), so the web catalog's cookies are Secure when the proxy terminates TLS.
   */
  readonly trustProxy: boolean
  readonly enableQualityGates: boolean
  readonly enablePerformanceMonitoring: boolean
  readonly minTemplateQualityScore: number
  readonly remote: string | undefined
  /** Prefix of every Redis key: cache entries and event streams (REDIS_KEY_PREFIX, default `maestro:`). */
  readonly redisKeyPrefix: string
  /** Lifetime of a cache entry (CACHE_TTL_SECONDS, default 300). */
  readonly cacheTtlMs: number
  /** Consumer name in the event streams' groups; stable across restarts (EVENTS_CONSUMER, default host:port). */
  readonly eventsConsumer: string | undefined
  /** Deliveries of a request before it goes to the dead-letter stream (EVENTS_MAX_DELIVERIES, default 5). */
  readonly eventsMaxDeliveries: number
  /** Idle time after which another consumer claims a pending request (EVENTS_CLAIM_IDLE_MS, default 60000). */
  readonly eventsClaimIdleMs: number
  /** Approximate length bound of every stream (EVENTS_STREAM_MAXLEN, default 100000). */
  readonly eventsStreamMaxLen: number
  /** Lifetime of access JWTs (seconds; ACCESS_TOKEN_TTL, default 1800). */
  readonly accessTokenTtl: number
  /** Lifetime of refresh tokens (seconds; REFRESH_TOKEN_TTL, default 14 days). */
  readonly refreshTokenTtl: number
  /** First-start admin of the daemon (MAESTRO_ADMIN_USERNAME, default `admin`). */
  readonly adminUsername: string
  /** Its password (MAESTRO_ADMIN_PASSWORD); unset: one is generated and shown once. Never logged. */
  readonly adminPassword: string | undefined
  /** Daemon and CLI: hard time limit of one render or quality check, ms (RENDER_TIMEOUT_MS). */
  readonly renderTimeoutMs: number
  /** Daemon and CLI: heap of each render worker, MiB (RENDER_MAX_HEAP_MB). */
  readonly renderMaxHeapMb: number
  /** Daemon: render worker threads (RENDER_WORKERS). */
  readonly renderWorkers: number
  /** Daemon: renders that may wait for a worker before requests get 503 (RENDER_QUEUE). */
  readonly renderQueue: number
  /** Daemon: longest a render waits for a worker before its request gets 503, ms (RENDER_QUEUE_WAIT_MS). */
  readonly renderQueueWaitMs: number
  /** Daemon: workers one tenant may hold at once (RENDER_TENANT_WORKERS; 0 = all of them when nobody else waits). */
  readonly renderTenantWorkers: number
  /** Longest a daemon waits for a namespace's lock while nothing is committed to it, before the writes of that turn get 409 CONFLICT, ms (MAESTRO_WRITE_LOCK_WAIT_MS). */
  readonly writeLockWaitMs: number
  /** Daemon: pull and push every namespace with a remote this often, ms (MAESTRO_GIT_SYNC_INTERVAL in seconds; 0 = off). */
  readonly gitSyncIntervalMs: number
  /** MAESTRO_SYNC_ALLOW_PRIVATE: git sync may reach private addresses (unset: the CLI may, the daemon may not). */
  readonly syncAllowPrivate: boolean | undefined
  /** MAESTRO_SYNC_ALLOWED_HOSTS: hosts, IPs or CIDR ranges git sync may reach whatever they resolve to. */
  readonly syncAllowedHosts: readonly string[]
  /** Workflows: how long a stored result is kept, ms (WORKFLOW_RESULT_TTL_HOURS; executions are kept 7 times longer). */
  readonly workflowResultTtlMs: number
  /** Workflows: largest result stored, bytes once compressed (WORKFLOW_RESULT_MAX_MB); a larger one is not kept. */
  readonly workflowResultMaxBytes: number
  /** Workflows: a running execution's lease, ms (WORKFLOW_LEASE_MS); not renewed for that long, another daemon takes it over. */
  readonly workflowLeaseMs: number
}

/** The catalog shipped in the package, imported into an empty store. */
function bundledCatalog(): string {
  return join(packageRoot(), 'templates_storage')
}

/**
 * Loads a `.env` file into `env` (process.env), never overriding a variable already set,
 * and returns its path (undefined when there is none). The file is the one named
 * explicitly (`--dotenv`, MAESTRO_DOTENV), which must exist, else `.env` in the store
 * folder (MAESTRO_HOME, default ~/.maestro) when there is one. Never the working
 * directory's: an application's own `.env` (its own DATABASE_URL) must not redirect the
 * registry into the application's database. The store's `.env` cannot move the store
 * itself, so a MAESTRO_HOME in it is ignored.
 *
 * @example
 * ```ts
 * loadEnvFile({envFile: './maestro.env'}) // '/home/me/project/maestro.env'
 * loadEnvFile({home: '/srv/maestro'})      // '/srv/maestro/.env', or undefined without one
 * ```
 */
export function loadEnvFile(
  opts: {envFile?: string | undefined; home?: string | undefined},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  let path: string
  let ignored: string[] = []
  if (opts.envFile) {
    path = resolve(opts.envFile)
    if (!existsSync(path)) throw new UsageError(`env file ${path} not found (--dotenv or MAESTRO_DOTENV)`)
  } else {
    path = join(expandHome(opts.home || env.MAESTRO_HOME || join(homedir(), '.maestro')), '.env')
    if (!existsSync(path)) return undefined
    ignored = ['MAESTRO_HOME']
  }
  let values: NodeJS.Dict<string>
  try {
    values = parseEnv(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new UsageError(`cannot read env file ${path}: ${(err as Error).message}`)
  }
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && env[name] === undefined && !ignored.includes(name)) env[name] = value
  }
  return path
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new UsageError(`${name} must be true or false, got ${JSON.stringify(raw)}`)
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return value
}

/**
 * A path with a leading `~` taken from the user's home, as a shell would: a `.env` file
 * (`MAESTRO_HOME=~/.maestro`, as in .env.example) is not expanded by any shell.
 */
function expandHome(path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1))
  return resolve(path)
}

/**
 * The configuration of `process.env` with `overrides` applied. It reads no file: the CLI
 * loads the `.env` it may read first (`loadEnvFile`).
 */
export function loadConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  const env = {...process.env, ...overrides}
  return Object.freeze({
    home: expandHome(env.MAESTRO_HOME || join(homedir(), '.maestro')),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePool: Object.freeze({
      max: integer(env, 'DATABASE_POOL_MAX', DEFAULT_POOL.max, 1, 10_000),
      idleTimeoutMs: integer(env, 'DATABASE_POOL_IDLE_TIMEOUT_MS', DEFAULT_POOL.idleTimeoutMs, 0, 86_400_000),
      connectionTimeoutMs: integer(
        env,
        'DATABASE_POOL_CONNECTION_TIMEOUT_MS',
        DEFAULT_POOL.connectionTimeoutMs,
        0,
        86_400_000,
      ),
      statementTimeoutMs: integer(
        env,
        'DATABASE_STATEMENT_TIMEOUT_MS',
        DEFAULT_POOL.statementTimeoutMs,
        0,
        86_400_000,
      ),
    }),
    redisUrl: env.REDIS_URL || undefined,
    templatesStoragePath: resolve(env.TEMPLATES_STORAGE_PATH || bundledCatalog()),
    servicePort: integer(env, 'SERVICE_PORT', 8005, 0, 65535),
    secretKey: env.SECRET_KEY || undefined,
    enableRbac: flag(env, 'ENABLE_RBAC', true),
    trustProxy: flag(env, 'TRUST_PROXY', false),
    enableQualityGates: flag(env, 'ENABLE_QUALITY_GATES', true),
    enablePerformanceMonitoring: flag(env, 'ENABLE_PERFORMANCE_MONITORING', true),
    minTemplateQualityScore: integer(env, 'MIN_TEMPLATE_QUALITY_SCORE', 70, 0, 100),
    remote: env.MAESTRO_REMOTE || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'maestro:',
    cacheTtlMs: integer(env, 'CACHE_TTL_SECONDS', 300, 1, 86_400) * 1000,
    eventsConsumer: env.EVENTS_CONSUMER || undefined,
    eventsMaxDeliveries: integer(env, 'EVENTS_MAX_DELIVERIES', 5, 1, 1000),
    eventsClaimIdleMs: integer(env, 'EVENTS_CLAIM_IDLE_MS', 60_000, 100, 86_400_000),
    eventsStreamMaxLen: integer(env, 'EVENTS_STREAM_MAXLEN', 100_000, 100, 100_000_000),
    accessTokenTtl: integer(env, 'ACCESS_TOKEN_TTL', 1800, 30, 86_400),
    refreshTokenTtl: integer(env, 'REFRESH_TOKEN_TTL', 14 * 86_400, 60, 365 * 86_400),
    adminUsername: env.MAESTRO_ADMIN_USERNAME || 'admin',
    adminPassword: env.MAESTRO_ADMIN_PASSWORD || undefined,
    renderTimeoutMs: integer(env, 'RENDER_TIMEOUT_MS', DEFAULT_RENDER_POOL.timeoutMs, 100, 600_000),
    renderMaxHeapMb: integer(env, 'RENDER_MAX_HEAP_MB', DEFAULT_RENDER_POOL.maxHeapMb, 16, 16_384),
    renderWorkers: integer(env, 'RENDER_WORKERS', DEFAULT_RENDER_POOL.workers, 1, 64),
    renderQueue: integer(env, 'RENDER_QUEUE', DEFAULT_RENDER_POOL.maxQueue, 0, 10_000),
    renderQueueWaitMs: integer(env, 'RENDER_QUEUE_WAIT_MS', DEFAULT_RENDER_POOL.maxWaitMs, 100, 600_000),
    renderTenantWorkers: integer(env, 'RENDER_TENANT_WORKERS', 0, 0, 64),
    writeLockWaitMs: integer(env, 'MAESTRO_WRITE_LOCK_WAIT_MS', 30_000, 100, 600_000),
    gitSyncIntervalMs: integer(env, 'MAESTRO_GIT_SYNC_INTERVAL', 0, 0, 7 * 86_400) * 1000,
    syncAllowPrivate: env.MAESTRO_SYNC_ALLOW_PRIVATE
      ? flag(env, 'MAESTRO_SYNC_ALLOW_PRIVATE', false)
      : undefined,
    syncAllowedHosts: (env.MAESTRO_SYNC_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    workflowResultTtlMs: integer(env, 'WORKFLOW_RESULT_TTL_HOURS', 24, 1, 24 * 365) * 3_600_000,
    workflowResultMaxBytes: integer(env, 'WORKFLOW_RESULT_MAX_MB', 100, 1, 10_240) * 1024 * 1024,
    workflowLeaseMs: integer(env, 'WORKFLOW_LEASE_MS', 15_000, 1000, 3_600_000),
  })
}
