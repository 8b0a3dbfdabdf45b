/**
 * The daemon process: open the registry, serve the app, shut down cleanly.
 */
import {readFileSync} from 'node:fs'
import {createServer} from 'node:http'
import type {IncomingMessage, Server, ServerResponse} from 'node:http'
import {Server as NetServer} from 'node:net'
import type {AddressInfo, Socket} from 'node:net'
import {join} from 'node:path'

import pino from 'pino'
import type {Logger} from 'pino'

import type {ScryptParams} from '../auth/passwords.js'
import {assertStrongSecret} from '../auth/secrets.js'
import {DEFAULT_LIMITS, type Config, type Limits} from '../config.js'
import {parseDbUrl} from '../db/database.js'
import type {Delivered} from '../events/consumer.js'
import type {ConsumerStats, EventConsumers} from '../events/index.js'
import {packageRoot} from '../domain/package-root.js'
import type {RenderHost} from '../sandbox/host.js'
import type {GitSyncScheduler} from '../sync/scheduler.js'
import {createApp} from './app.js'
import {withHotPath} from './hot-path.js'
import {authenticateAnonymous} from './middleware.js'
import {Metrics} from './metrics.js'
import {Startup, listen} from './startup.js'
import type {ResponseCache} from './response-cache.js'
import {openDaemonRuntime} from './runtime.js'
import type {DaemonRuntime} from './runtime.js'
import type {Authenticate, DaemonRegistry, EventsStats, RedisHealth} from './types.js'

export {DAEMON_CONTEXT} from './runtime.js'

export interface StartOptions {
  config: Config
  /** Default `config.servicePort`; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1: exposing the daemon beyond this machine is a choice to make explicitly. */
  host?: string
  logger?: Logger
  /** Stop on SIGTERM and SIGINT (the `serve` command sets this; tests do not). */
  handleSignals?: boolean
  /** How long in-flight requests may take to finish at shutdown before their connections are cut (ms). */
  shutdownTimeoutMs?: number
  limits?: Partial<Limits>
  authenticate?: Authenticate
  /** Use this registry instead of opening one from `config` (tests). It is closed with the server. */
  registry?: DaemonRegistry
  /** How often to look for writes by other processes on the same store (ms; 0 to never look). */
  revisionPollMs?: number
  /** Test hook of the request consumer: runs after a request's effect and result, before its XACK. */
  onBeforeAck?: (batch: readonly Delivered[]) => Promise<void> | void
  /** scrypt parameters of new password hashes (tests lower the cost; see src/auth/passwords.ts). */
  scrypt?: ScryptParams
  /** Where templates are rendered and scored; default a RenderPool sized by config (RENDER_*). Closed with the server. */
  renderHost?: RenderHost
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string
  server: Server
  registry: DaemonRegistry
  /** The event consumers this daemon runs (requests and usage), when its registry has a bus. */
  consumers: EventConsumers | undefined
  /** Stops accepting, lets in-flight requests finish, closes the database. Idempotent. */
  close(): Promise<void>
}

let version: string | undefined

/** maestro-tpl's version, from its package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string})
    .version
  return version
}

/**
 * Opens the registry and serves it.
 *
 * @example
 * ```ts
 * const {url, close} = await startServer({config: loadConfig(), port: 0})
 * await fetch(`${url}/health`)
 * await close()
 * ```
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const {config} = options
  const logger =
    options.logger ??
    pino(
      {level: process.env.LOG_LEVEL ?? 'info', base: {service: 'maestro-tpl'}},
      // Asynchronous writes: under load, lines queued during one write go out together in
      // the next (an access line per request costs about half the throughput when each is
      // its own blocking write); pino flushes what is queued when the process exits.
      pino.destination({dest: 1, sync: false}),
    )
  // Refuse an unsafe configuration before anything is opened.
  const rbac = config.enableRbac && options.authenticate === undefined
  if (rbac) assertStrongSecret(config.secretKey)
  // Listen before anything is opened or created: a port in use fails here with nothing
  // written, and clients can connect while the store opens (see startup.ts).
  const host = options.host ?? '127.0.0.1'
  const startup = new Startup({
    service: 'maestro-tpl',
    version: packageVersion(),
    databaseKind: parseDbUrl(config.databaseUrl).dialect,
  })
  const server = createServer(startup.listener)
  const shutdown = gracefulShutdown(server)
  // Slow-loris guard: a request's headers and body must arrive in bounded time.
  server.headersTimeout = 30_000
  server.requestTimeout = 120_000
  server.keepAliveTimeout = 5_000
  await listen(server, options.port ?? config.servicePort, host)
  const address = server.address() as AddressInfo
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
  logger.info({url}, 'listening; starting (GET /health answers 503 starting until ready)')
  try {
    return await serve(options, {logger, rbac, startup, server, shutdown, url, host})
  } catch (err) {
    startup.fail(err as Error)
    await shutdown(1_000)
    throw err
  }
}

/** Everything after the port is bound: open the registry, then hand the server to the app. */
async function serve(
  options: StartOptions,
  bound: {
    logger: Logger
    rbac: boolean
    startup: Startup
    server: Server
    shutdown: (timeoutMs: number) => Promise<void>
    url: string
    host: string
  },
): Promise<RunningServer> {
  const {config} = options
  const {logger, rbac, startup, server, shutdown, url, host} = bound
  const limits = {...DEFAULT_LIMITS, ...options.limits}
  const pollMs = options.revisionPollMs ?? 1000
  const runtime = await openDaemonRuntime({
    onProgress: (progress) => startup.progress(progress),
    config,
    logger,
    limits,
    port: options.port ?? config.servicePort,
    revisionPollMs: pollMs,
    accounts: rbac,
    scrypt: options.scrypt,
    renderHost: options.renderHost,
    registry: options.registry,
    onBeforeAck: options.onBeforeAck,
  })
  const {registry, responses, bus, publisher, consumers, renderHost} = runtime

  const redisHealth = async (): Promise<RedisHealth> => {
    const redis = bus ?? runtime.cache
    if (!config.redisUrl || !redis) return {status: 'not configured', latency_ms: null}
    return {status: 'connected', latency_ms: await redis.ping()}
  }
  const eventsStats = async (): Promise<EventsStats> => {
    const published = publisher ? {publisher: publisher.stats()} : {}
    if (!consumers) return {bus: bus?.kind ?? 'in-process', consumers: {}, ...published}
    // Redis down: this daemon's own counts still answer, the shared figures are null.
    const status = await consumers.status().catch(() => ({requests: null, usage: null}))
    const out: EventsStats['consumers'] = {}
    for (const [stream, own] of Object.entries(consumers.stats()) as [
      keyof typeof status,
      ConsumerStats | null,
    ][]) {
      const shared = status[stream]
      out[stream] = own && {
        processed: own.processed,
        failed: own.failed,
        dead_lettered: shared?.dead_letters ?? null,
        pending: shared?.pending ?? null,
        lag: shared?.lag ?? null,
      }
    }
    return {bus: bus?.kind ?? 'in-process', consumers: out, ...published}
  }

  const metrics = new Metrics()
  if (!rbac && !isLoopback(host))
    logger.warn(
      'ENABLE_RBAC is off: every caller is the admin of this daemon. Only for a development daemon on loopback.',
    )
  const authenticate = options.authenticate ?? runtime.auth?.authenticator() ?? authenticateAnonymous
  const app = createApp({
    registry,
    config,
    logger,
    version: packageVersion(),
    metrics,
    responseCache: responses,
    ...(options.limits ? {limits: options.limits} : {}),
    authenticate,
    redis: redisHealth,
    events: eventsStats,
    ...(runtime.auth ? {auth: runtime.auth} : {}),
    renderHost,
    ...(runtime.workflows ? {workflows: runtime.workflows} : {}),
  })
  // Cache hits of template reads are answered before express runs (see hot-path.ts).
  startup.ready(
    withHotPath(app, {
      responseCache: responses,
      authenticate,
      logger,
      metrics: config.enablePerformanceMonitoring ? metrics : undefined,
    }),
  )
  logger.info(
    {
      url,
      version: packageVersion(),
      database: config.databaseUrl ? 'external' : 'sqlite',
      events: bus?.kind ?? 'none',
      home: config.home,
    },
    'ready',
  )

  const stopPolling = pollRevision(registry, responses, pollMs, logger)
  const scheduler = await startScheduledSync(config, runtime, {
    logger,
    metrics,
    onPull: () => responses.clear(),
  })

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      stopPolling()
      await scheduler?.stop()
      await shutdown(options.shutdownTimeoutMs ?? 10_000)
      await runtime.close()
      logger.info('stopped')
    })())

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({signal}, 'shutting down: finishing in-flight requests')
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({err}, 'shutdown failed')
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }
  return {url, server, registry, consumers, close}
}

/** What graceful shutdown needs to know about each open connection. */
interface ConnectionState {
  /** Answers not yet finished. */
  active: Set<ServerResponse>
  /** Requests answered on this connection. */
  served: number
  openedAt: number
}

/**
 * Graceful shutdown for an http.Server: stop accepting connections, let every request
 * that reached us finish (its answer says `Connection: close`), close connections as
 * they fall idle, and cut whatever is left after `timeoutMs`.
 *
 * Node's own `server.close()` also closes "idle" connections at once, and a connection
 * whose first request is still unread (the event loop was busy rendering) counts as
 * idle: its client would get a reset for a request it did send. So a connection that
 * has not been served yet is given `freshGraceMs` to show its request.
 *
 * @example
 * ```ts
 * const shutdown = gracefulShutdown(server)
 * process.once('SIGTERM', () => shutdown(10_000).then(() => process.exit(0)))
 * ```
 */
export function gracefulShutdown(server: Server, freshGraceMs = 2_000): (timeoutMs: number) => Promise<void> {
  const connections = new Map<Socket, ConnectionState>()
  let closing = false
  server.on('connection', (socket: Socket) => {
    connections.set(socket, {active: new Set(), served: 0, openedAt: Date.now()})
    socket.once('close', () => connections.delete(socket))
  })
  // Prepended: it must see the request before a handler can write the answer's headers.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const state = connections.get(req.socket)
    if (closing) res.shouldKeepAlive = false
    if (!state) return
    state.active.add(res)
    res.once('close', () => {
      state.active.delete(res)
      state.served++
    })
  })
  return async (timeoutMs) => {
    if (closing || !server.listening) return
    closing = true
    // Answers still being worked on tell their clients not to reuse the connection.
    for (const state of connections.values()) {
      for (const res of state.active) if (!res.headersSent) res.shouldKeepAlive = false
    }
    const sweep = () => {
      const now = Date.now()
      for (const [socket, state] of connections) {
        const idle = state.active.size === 0 && (state.served > 0 || now - state.openedAt > freshGraceMs)
        if (idle) socket.destroy()
      }
    }
    // net.Server#close stops accepting and calls back once every connection is gone.
    const drained = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()))
    sweep()
    const sweeping = setInterval(sweep, 50)
    const force = setTimeout(() => {
      for (const socket of connections.keys()) socket.destroy()
    }, timeoutMs)
    try {
      await drained
    } finally {
      clearInterval(sweeping)
      clearTimeout(force)
    }
  }
}

/**
 * Writes by another process on the same store (a CLI next to the daemon) do not go
 * through this registry's cache: poll its index revision and drop cached answers when it moves.
 */
function pollRevision(
  registry: DaemonRegistry,
  responses: ResponseCache,
  everyMs: number,
  logger: Logger,
): () => void {
  if (everyMs <= 0) return () => {}
  let last: string | undefined
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    registry
      .revision()
      .then((current) => {
        if (last !== undefined && current !== last) responses.clear()
        last = current
      })
      .catch((err: unknown) => logger.warn({err}, 'could not read the index revision'))
      .finally(() => {
        busy = false
      })
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * Git sync every MAESTRO_GIT_SYNC_INTERVAL of the namespaces with a remote, when set and
 * the registry owns a store (src/sync/scheduler.ts); syncs as POST /admin/git/sync does,
 * recorded for /health and counted in /metrics.
 */
async function startScheduledSync(
  config: Config,
  runtime: DaemonRuntime,
  deps: {logger: Logger; metrics: Metrics; onPull: () => void},
): Promise<GitSyncScheduler | undefined> {
  const {store, registry} = runtime
  if (config.gitSyncIntervalMs <= 0 || !store) return undefined
  const [{startGitSyncScheduler}, {recordedSync}, {authFromEnv}, {remotePolicy}] = await Promise.all([
    import('../sync/scheduler.js'),
    import('../sync/sync-status.js'),
    import('../sync/git-sync.js'),
    import('../sync/remote-policy.js'),
  ])
  return startGitSyncScheduler({
    store,
    intervalMs: config.gitSyncIntervalMs,
    logger: deps.logger,
    onResult: (result) => deps.metrics.countGitSync(result),
    sync: async (repo) => {
      const {summary} = await recordedSync(repo, {
        auth: authFromEnv(),
        // As for a manual sync: the daemon reaches private addresses only when configured to.
        policy: remotePolicy(config, {allowPrivateByDefault: false}),
        afterPull: async () => {
          await registry.reconcile()
          deps.onPull()
        },
      })
      return summary
    },
  })
}

/** Whether the daemon listens on this machine only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
