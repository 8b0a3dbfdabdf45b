/**
 * HTTP throughput of the daemon against two baselines, measured in one run on loopback
 * with autocannon at 50 connections: a bare node:http JSON server, an express 5
 * hello-world, then the daemon's GET template by name, search, and instantiate to a
 * .tar.gz. Each server runs in its own process (autocannon keeps this one busy), and the
 * daemon runs as `serve` does, logging every request (to /dev/null here).
 *
 * Run it compiled (bench/.work is git-ignored):
 *
 * ```sh
 * npm run build
 * node dist/bench/http.js --duration 5
 * ```
 */
import {fork} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import type {ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

export interface HttpBenchOptions {
  /** Seconds of load per target (default 5). */
  duration?: number
  /** Concurrent connections (default 50). */
  connections?: number
  /** Seconds of unmeasured load before each target (default 1). */
  warmup?: number
  /** Template to read and render (default fastapi-service, from the bundled catalog). */
  template?: string
}

export interface TargetResult {
  name: string
  method: string
  path: string
  /** Mean requests per second. */
  rps: number
  /** Latency percentiles (ms). */
  p50: number
  p99: number
  /** Answers that were not 2xx, and socket errors: both must be 0 for the figures to mean anything. */
  non2xx: number
  errors: number
}

export interface HttpBenchResult {
  connections: number
  duration: number
  node: string
  targets: TargetResult[]
  /** GET template by name / express hello-world, requests per second (target ≥ 0.85). */
  getByNameVsExpress: number
  /** The same GET with a JWT to verify / anonymous. */
  signedInVsAnonymous: number
  /** express hello-world / bare node:http. */
  expressVsBare: number
}

/** What autocannon's programmatic API takes and gives, as far as this bench uses it. */
interface AutocannonResult {
  requests: {average: number}
  latency: {p50: number; p99: number}
  non2xx: number
  errors: number
}
type Autocannon = (opts: {
  url: string
  connections: number
  duration: number
  method?: string
  headers?: Record<string, string>
  body?: string
}) => Promise<AutocannonResult>

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

type ServerKind = 'bare' | 'express' | 'daemon'

/** Starts `kind` in a child process (this same module) and resolves with its URL. */
function spawnServer(
  kind: ServerKind,
  env: Record<string, string> = {},
): Promise<{child: ChildProcess; url: string}> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], {
    env: {...process.env, ...env},
    // The daemon logs each request at info, as in production; the bytes go to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({child, url: (message as {url: string}).url}))
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before listening`)))
  })
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** The child side: one server, its URL sent to the parent, until SIGTERM. */
async function serve(kind: ServerKind): Promise<void> {
  let url: string
  if (kind === 'bare') {
    const body = JSON.stringify({hello: 'world'})
    const server = createServer((_req, res) => {
      res.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)})
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    process.once('SIGTERM', () => server.close(() => process.exit(0)))
  } else if (kind === 'express') {
    const {default: express} = await import('express')
    const app = express()
    app.get('/', (_req, res) => {
      res.json({hello: 'world'})
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    process.once('SIGTERM', () => server.close(() => process.exit(0)))
  } else {
    const {loadConfig} = await import('../src/config.js')
    const {startServer} = await import('../src/server/server.js')
    const running = await startServer({config: loadConfig({...process.env}), port: 0, handleSignals: true})
    url = running.url
  }
  process.send!({url})
}

/**
 * Runs every target and returns the figures.
 *
 * @example
 * ```ts
 * const result = await benchHttp({duration: 5})
 * console.log(result.getByNameVsExpress) // e.g. 0.93
 * ```
 */
export async function benchHttp(options: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const duration = options.duration ?? 5
  const connections = options.connections ?? 50
  const warmup = options.warmup ?? 1
  const template = options.template ?? 'fastapi-service'
  const targets: TargetResult[] = []

  const measure = async (
    name: string,
    base: string,
    request: {method?: string; path: string; body?: unknown; headers?: Record<string, string>},
  ) => {
    const opts = {
      url: base + request.path,
      connections,
      method: request.method ?? 'GET',
      headers: {
        ...(request.body === undefined ? {} : {'content-type': 'application/json'}),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : {body: JSON.stringify(request.body)}),
    }
    if (warmup > 0) await autocannon({...opts, duration: warmup})
    const r = await autocannon({...opts, duration})
    targets.push({
      name,
      method: opts.method,
      path: request.path,
      rps: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    })
  }

  for (const kind of ['bare', 'express'] as const) {
    const {child, url} = await spawnServer(kind)
    try {
      await measure(kind === 'bare' ? 'node:http JSON' : 'express hello-world', url, {path: '/'})
    } finally {
      await stopServer(child)
    }
  }

  const home = mkdtempSync(join(tmpdir(), 'maestro-bench-http-'))
  const {packageRoot} = await import('../src/domain/package-root.js')
  // As deployed: RBAC on. Anonymous callers read the public catalog; the rest signs in.
  const adminPassword = randomBytes(18).toString('base64url')
  const {child, url} = await spawnServer('daemon', {
    MAESTRO_HOME: home,
    TEMPLATES_STORAGE_PATH: join(packageRoot(), 'templates_storage'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ENABLE_RBAC: 'true',
    SECRET_KEY: randomBytes(48).toString('base64'),
    MAESTRO_ADMIN_PASSWORD: adminPassword,
  })
  try {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({username: 'admin', password: adminPassword}),
    })
    const signedIn = {
      authorization: `Bearer ${((await login.json()) as {access_token: string}).access_token}`,
    }
    await measure('daemon GET template by name', url, {path: `/api/v1/templates/${template}`})
    await measure('daemon GET template by name, signed in (JWT)', url, {
      path: `/api/v1/templates/${template}`,
      headers: signedIn,
    })
    await measure('daemon search', url, {
      method: 'POST',
      path: '/api/v1/templates/search',
      body: {text: 'api', limit: 20},
    })
    await measure('daemon instantiate → .tar.gz', url, {
      method: 'POST',
      path: `/api/v1/templates/${template}/instantiate`,
      body: {format: 'tar.gz', answers: {project_name: 'bench-app'}},
      headers: signedIn,
    })
  } finally {
    await stopServer(child)
    rmSync(home, {recursive: true, force: true})
  }

  const rps = (name: string) => targets.find((t) => t.name === name)!.rps
  return {
    connections,
    duration,
    node: process.version,
    targets,
    getByNameVsExpress: round(rps('daemon GET template by name') / rps('express hello-world')),
    signedInVsAnonymous: round(
      rps('daemon GET template by name, signed in (JWT)') / rps('daemon GET template by name'),
    ),
    expressVsBare: round(rps('express hello-world') / rps('node:http JSON')),
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000

async function main(argv: readonly string[]): Promise<void> {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const kind = arg('--serve')
  if (kind) return serve(kind as ServerKind)
  const result = await benchHttp({
    duration: Number(arg('--duration') ?? 5),
    connections: Number(arg('--connections') ?? 50),
    ...(arg('--template') ? {template: arg('--template')!} : {}),
  })
  console.log(
    `node ${result.node}, ${result.connections} connections, ${result.duration} s per target, loopback`,
  )
  console.table(
    result.targets.map((t) => ({
      target: t.name,
      'req/s': t.rps,
      'p50 ms': t.p50,
      'p99 ms': t.p99,
      non2xx: t.non2xx,
      errors: t.errors,
    })),
  )
  console.log(`express hello-world / node:http: ${(result.expressVsBare * 100).toFixed(1)}%`)
  console.log(
    `GET template by name / express hello-world: ${(result.getByNameVsExpress * 100).toFixed(1)}% (target ≥ 85%)`,
  )
  console.log(`the same GET signed in (JWT) / anonymous: ${(result.signedInVsAnonymous * 100).toFixed(1)}%`)
}

const entry = process.argv[1]
if (entry && existsSync(entry) && import.meta.url === pathToFileURL(entry).href) {
  await main(process.argv.slice(2))
}
