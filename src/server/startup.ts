/**
 * The daemon between binding its port and serving: it listens at once, so a port in use
 * fails before anything is created and `serve &` followed by a command works, while the
 * store and the database open and the catalog is imported (seconds on a first start).
 * Meanwhile /health answers 503 `starting` with the progress, and every other request
 * waits for the registry and is then answered as usual.
 */
import type {IncomingMessage, RequestListener, Server, ServerResponse} from 'node:http'

import {MaestroError} from '../domain/errors.js'

/** The port cannot be bound: in use, not allowed, or an address this machine does not have. */
export class ListenError extends MaestroError {
  static readonly code = 'CANNOT_LISTEN'
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const where = `${host}:${port}`
    const why =
      cause.code === 'EADDRINUSE'
        ? `${where} is already in use (another maestro-tpl serve?)`
        : cause.code === 'EACCES'
          ? `not allowed to listen on ${where} (ports below 1024 need privileges)`
          : cause.code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine`
            : `cannot listen on ${where}: ${cause.message}`
    super(
      `${why}: choose another with --port (or SERVICE_PORT) or --host (SERVICE_HOST); nothing was started`,
      {
        code: ListenError.code,
        status: 500,
        exitCode: 1,
        data: {host, port, reason: cause.code ?? 'unknown'},
        cause,
      },
    )
  }
}

/** Binds `server`, or fails with a ListenError that says what to do. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new ListenError(host, port, err))
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

/** What /health shows while starting. */
export interface StartupProgress {
  phase: string
  done: number
  total: number
}

/**
 * The request listener of a daemon that is starting, then of the app once `ready()` hands
 * it over.
 *
 * @example
 * ```ts
 * const startup = new Startup({service: 'maestro-tpl', version: '1.0.0', databaseKind: 'sqlite'})
 * const server = createServer(startup.listener)
 * await listen(server, 8005, '127.0.0.1')
 * startup.progress({phase: 'importing the catalog', done: 3, total: 40})
 * startup.ready(app)
 * ```
 */
export class Startup {
  readonly #identity: {service: string; version: string; databaseKind: 'sqlite' | 'postgres'}
  readonly #startedAt = Date.now()
  #progress: StartupProgress = {phase: 'opening the store and the database', done: 0, total: 0}
  #app: RequestListener | undefined
  #failed: Error | undefined
  readonly #waiting: (() => void)[] = []

  constructor(identity: {service: string; version: string; databaseKind: 'sqlite' | 'postgres'}) {
    this.#identity = identity
  }

  /** The listener to give `createServer`: the app once ready, the starting answers before. */
  readonly listener: RequestListener = (req, res) => {
    if (this.#app) return this.#app(req, res)
    if (this.#failed) return unavailable(res, 'STARTUP_FAILED', 'the daemon failed to start')
    if (/^\/health(?:\?|$)/.test(req.url ?? '') && (req.method === 'GET' || req.method === 'HEAD'))
      return this.#health(req, res)
    // Answered by the app once it is there (the body stays unread until then).
    this.#waiting.push(() => this.listener(req, res))
  }

  progress(progress: StartupProgress): void {
    this.#progress = progress
  }

  /** Serves with `app` from now on, and answers the requests that waited. */
  ready(app: RequestListener): void {
    this.#app = app
    this.#release()
  }

  /** Starting failed: the requests that waited get 503, as will any other until the process stops. */
  fail(err: Error): void {
    this.#failed = err
    this.#release()
  }

  #release(): void {
    for (const next of this.#waiting.splice(0)) next()
  }

  #health(req: IncomingMessage, res: ServerResponse): void {
    const body = JSON.stringify({
      status: 'starting',
      service: this.#identity.service,
      version: this.#identity.version,
      database: 'starting',
      database_kind: this.#identity.databaseKind,
      redis: 'starting',
      redis_latency_ms: null,
      templates_count: null,
      uptime_seconds: Math.round((Date.now() - this.#startedAt) / 1000),
      progress: this.#progress,
    })
    res.writeHead(503, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'Retry-After': '1',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

function unavailable(res: ServerResponse, code: string, title: string): void {
  const body = JSON.stringify({type: 'about:blank', title, status: 503, code, detail: title})
  res.writeHead(503, {
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': '5',
  })
  res.end(body)
}
