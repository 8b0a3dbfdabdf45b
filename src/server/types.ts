/**
 * What the daemon's pieces share: the registry it serves, the limits it enforces and the
 * request fields its middleware sets.
 */
import type {IncomingMessage} from 'node:http'

import type {Request} from 'express'
import type {Logger} from 'pino'

import type {AuthService} from '../auth/service.js'
import type {RateLimiter} from '../auth/rate-limit.js'
import type {CacheStats} from '../cache/cache.js'
import type {ProbeAnswer} from '../db/probe.js'
import type {Config, Limits} from '../config.js'
import type {VersionList} from '../domain/wire.js'
import type {Registry, RequestContext} from '../registry/types.js'
import type {IndexProblem} from '../registry/index-errors.js'
import type {RenderHost} from '../sandbox/host.js'
import type {NewProject, ProjectRecords} from '../db/projects.js'
import type {ProjectRecord} from '../domain/projects.js'
import type {WorkflowRuntime} from '../workflows/runtime.js'
import type {Metrics} from './metrics.js'
import type {ResponseCache} from './response-cache.js'
import type {Validators} from './validation.js'

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is asking; set by the authentication middleware before any router runs. */
    context: RequestContext
    /** The request id (X-Request-Id in and out). */
    id: string
    /** The route-table path (`/api/v1/templates/{id}`) that matched, for metrics and logs. */
    routePath?: string
    /** Set by the hot path when it missed the response cache: the cache generation it saw. */
    hotCacheGeneration?: number
  }
}

/**
 * The registry as the daemon uses it: the {@link Registry} every front end uses, plus a
 * per-caller view, what the admin routes, the stream consumers and the response cache
 * need. `LocalRegistry` is one.
 */
export interface DaemonRegistry extends Registry {
  withContext(context: RequestContext): DaemonRegistry
  /** Whether `name` is a registered tenant: the request stream writes to those only. */
  isRegisteredTenant(name: string): Promise<boolean>
  stats(): Promise<{
    templates: number
    versions: number
    namespaces: string[]
    cache: CacheStats
    /** Templates per category, when the registry counts them. */
    categories?: Record<string, number>
  }>
  clearCache(): Promise<void>
  /** Projects this caller's tenant made or registered (src/db/projects.ts). */
  projects(): ProjectRecords
  /** Records a project or its new version, and publishes it on the usage stream (`instantiate`, `register`, `update`). */
  recordProject(project: NewProject): Promise<ProjectRecord>
  /** Drops cached reads of `context`'s namespaces that another process's writes made stale. */
  refresh(context?: RequestContext): Promise<void>
  /** Uses of these templates (template id → count; unused ones left out), for the web catalog's cards. */
  usageOf(ids: readonly string[]): Promise<Map<string, number>>
  /** A string that changes whenever any namespace's indexed head moves (polled for other processes' writes). */
  revision(): Promise<string>
  /** Brings the index up to git (after a git sync pulled commits). */
  reconcile(): Promise<void>
  /** Adds uses counted by the usage consumer (template id → uses). */
  addUsage(counts: ReadonlyMap<string, number>): Promise<void>
  /** Namespaces served as last indexed because git holds changes the index cannot take. */
  indexConflicts(): Promise<IndexProblem[]>
  /**
   * Asks the database on a connection of its own, not through the pool (/health): `up`,
   * `slow` (connected, no answer within `timeoutMs`), or null when there is no such probe
   * (SQLite); rejects when the database is down (refused, failing, or silent for 10 s).
   */
  probeDatabase(timeoutMs: number): Promise<ProbeAnswer | null>
  /** One page of a template's versions, newest first (GET /templates/{id}/versions). */
  versionPage(ref: string, page: {offset: number; limit: number}): Promise<VersionList>
}

/**
 * Derives the caller from a request; may be async (token verification). It gets the
 * bare Node request (headers, socket): the hot path calls it before express runs.
 */
export type Authenticate = (req: IncomingMessage) => RequestContext | Promise<RequestContext>

/** Everything `createApp` wires; tests pass their own. */
export interface AppDeps {
  /** The registry opened by the daemon; each request gets `registry.withContext(req.context)`. */
  registry: DaemonRegistry
  config: Config
  logger: Logger
  /** Package version, reported by /health and /openapi.json. */
  version: string
  metrics?: Metrics
  limits?: Partial<Limits>
  authenticate?: Authenticate
  /** Users, tokens and tenants (RBAC on); without it the auth endpoints answer AUTH_DISABLED. */
  auth?: AuthService
  responseCache?: ResponseCache
  /** Redis as /health reports it: throws when it is down; default from config. */
  redis?: () => Promise<RedisHealth>
  /** The event bus and its consumers' figures, for /admin/stats and /metrics. */
  events?: () => Promise<EventsStats>
  /** Where uploaded templates are scored (the render worker pool); default this thread. */
  renderHost?: RenderHost
  /** Workflows and their executions (src/workflows/runtime.ts); without it the workflow routes answer 501. */
  workflows?: WorkflowRuntime
}

/** What /health says of Redis. */
export interface RedisHealth {
  /** `connected` or `not configured` (a Redis that is down throws instead). */
  status: string
  latency_ms: number | null
}

/**
 * The bus in use and, per stream consumed here, what its consumer in this daemon did
 * (processed, failed) and where the stream stands for every daemon: entries ever
 * dead-lettered (read from the dead-letter stream, so right across restarts and
 * daemons), pending and lag (null when the bus did not answer).
 */
export interface EventsStats {
  bus: 'in-process' | 'redis'
  consumers: Record<string, ConsumerFigures | null>
  /** This daemon's usage and change events: appended, waiting for the bus, dropped (buffer full). */
  publisher?: {published: number; buffered: number; dropped: number}
}

export interface ConsumerFigures {
  processed: number
  failed: number
  dead_lettered: number | null
  pending: number | null
  lag: number | null
}

/** What every router receives. */
export interface RouterDeps {
  registryFor(req: Request): DaemonRegistry
  registry: DaemonRegistry
  config: Config
  logger: Logger
  version: string
  limits: Limits
  metrics: Metrics | undefined
  responseCache: ResponseCache | undefined
  redis: () => Promise<RedisHealth>
  events: (() => Promise<EventsStats>) | undefined
  startedAt: number
  validators: Validators
  auth: AuthService | undefined
  loginLimiter: RateLimiter
  renderHost: RenderHost
  /** Workflows and their executions; without it the workflow routes answer 501. */
  workflows: WorkflowRuntime | undefined
}
