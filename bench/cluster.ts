/**
 * Pieces of a local deployment for the contention bench and the soak harness, all on
 * loopback: the built daemon (`node bin/run.js serve`) as child processes, a
 * redis-server of our own on a given port (so it can be stalled and killed), a fresh
 * PostgreSQL schema, and an HTTP client for publishes and reads.
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'

import pg from 'pg'

import {encodeFiles} from '../src/domain/wire.js'
import {scaffoldTemplate} from '../src/domain/scaffold.js'

const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../..' : '..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'run.js')

/** A redis-server of our own. */
export interface OwnRedis {
  url: string
  port: number
  /** SIGSTOP: the process stays, its sockets stall. */
  pause(): void
  /** SIGCONT. */
  resume(): void
  /** SIGKILL, then start again on the same port (empty: no persistence). */
  killAndRestart(): Promise<void>
  stop(): Promise<void>
}

/** Starts `redis-server` on `port` (no persistence) and waits until it answers. */
export async function startRedis(port: number): Promise<OwnRedis> {
  let child: ChildProcess = await launchRedis(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async killAndRestart() {
      child.kill('SIGKILL')
      await exited(child)
      child = await launchRedis(port)
    },
    async stop() {
      child.kill('SIGCONT')
      child.kill('SIGKILL')
      await exited(child)
    },
  }
}

async function launchRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {stdio: 'ignore'},
  )
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode})`)
    if (await redisAnswers(port)) return child
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`redis-server on port ${port} did not start`)
    }
    await sleep(50)
  }
}

async function redisAnswers(port: number): Promise<boolean> {
  const {createConnection} = await import('node:net')
  return new Promise((resolve) => {
    const socket = createConnection({port, host: '127.0.0.1'})
    socket.setTimeout(500)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

/** A schema of its own on a PostgreSQL server: its DATABASE_URL, and how to drop it. */
export async function createSchema(
  serverUrl: string,
  label: string,
): Promise<{url: string; drop(): Promise<void>}> {
  const schema = `maestro_${label}_${process.pid}_${randomBytes(3).toString('hex')}`
  const client = new pg.Client({connectionString: serverUrl})
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA ${schema}`)
  } finally {
    await client.end()
  }
  const url = new URL(serverUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url: url.toString(),
    async drop() {
      const admin = new pg.Client({connectionString: serverUrl})
      await admin.connect()
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await admin.end()
      }
    },
  }
}

/** A daemon process. */
export interface Daemon {
  name: string
  url: string
  port: number
  child: ChildProcess
  /** Resident memory of the process in MiB (from /proc), or null once it is gone. */
  rssMb(): number | null
  /** Everything it printed (warnings and errors: LOG_LEVEL warn). */
  output(): string
}

/** Starts `node bin/run.js serve --port <port>` with `env` and waits until it listens. */
export async function startDaemon(name: string, port: number, env: Record<string, string>): Promise<Daemon> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
    env: {...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn', ENABLE_RBAC: 'false', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)))
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`daemon ${name} exited with ${child.exitCode}:\n${output}`)
    // A daemon listens at once and answers 503 `starting` until its store is open: up means past that.
    const up = await fetch(`${url}/health`, {signal: AbortSignal.timeout(2000)}).then(
      async (res) => ((await res.json().catch(() => ({}))) as {status?: string}).status !== 'starting',
      () => false,
    )
    if (up) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`daemon ${name} did not start:\n${output}`)
    }
    await sleep(200)
  }
  return {
    name,
    url,
    port,
    child,
    rssMb: () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
        return Number.isFinite(kb) ? kb / 1024 : null
      } catch {
        return null
      }
    },
    output: () => output,
  }
}

/** CPU time (user + system) a daemon process has used, seconds, or null once it is gone. */
export function cpuSeconds(daemon: Daemon): number | null {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name.
    const fields = readFileSync(`/proc/${daemon.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/** Stops a daemon: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopDaemon(daemon: Daemon, graceMs = 15_000): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return
  daemon.child.kill('SIGTERM')
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), graceMs)
  await exited(daemon.child)
  clearTimeout(timer)
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** The JSON body of a publish of a valid, gate-passing template named `name`. */
export function publishBody(name: string, category = 'backend_developer'): string {
  return JSON.stringify({files: encodeFiles(scaffoldTemplate({name, category}))})
}

/** One answered request. */
export interface Answer {
  status: number
  ms: number
  body: string
}

/** A request that never throws: a socket error or a timeout is status 0. */
export async function request(url: string, init: RequestInit & {timeoutMs?: number} = {}): Promise<Answer> {
  const started = performance.now()
  try {
    const res = await fetch(url, {...init, signal: AbortSignal.timeout(init.timeoutMs ?? 120_000)})
    const body = await res.text()
    return {status: res.status, ms: performance.now() - started, body}
  } catch (err) {
    const cause = (err as {cause?: {code?: string; message?: string}}).cause
    const why = cause ? `${cause.code ?? ''} ${cause.message ?? ''}`.trim() : ''
    return {
      status: 0,
      ms: performance.now() - started,
      body: `${(err as Error).message}${why ? `: ${why}` : ''}`,
    }
  }
}

/** POST /api/v1/templates. */
export function publish(daemon: Daemon, name: string, timeoutMs = 120_000): Promise<Answer> {
  return request(`${daemon.url}/api/v1/templates`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: publishBody(name),
    timeoutMs,
  })
}

/** Percentile of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** Counts answers by status. */
export function byStatus(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1
  return out
}

/**
 * Where a daemon's writes spent their time (its /metrics `maestro_write_phase_*`), one
 * line: per phase the count, mean and longest, then the group-commit batches.
 */
export async function writePhases(daemon: Daemon): Promise<string> {
  const answer = await request(`${daemon.url}/metrics`, {timeoutMs: 10_000})
  if (answer.status !== 200) return `${daemon.name}: /metrics answered ${answer.status}`
  const figures = new Map<string, {sum?: number; count?: number; max?: number}>()
  let batches = 0
  let batchWrites = 0
  let largest = 0
  for (const line of answer.body.split('\n')) {
    const phase = /^maestro_write_phase_(seconds_total|count_total|max_seconds)\{phase="(\w+)"\} (\S+)$/.exec(
      line,
    )
    if (phase) {
      const f = figures.get(phase[2]!) ?? {}
      const value = Number(phase[3])
      if (phase[1] === 'seconds_total') f.sum = value
      else if (phase[1] === 'count_total') f.count = value
      else f.max = value
      figures.set(phase[2]!, f)
      continue
    }
    const batch = /^maestro_write_(batches_total|batch_writes_total|batch_largest) (\S+)$/.exec(line)
    if (batch?.[1] === 'batches_total') batches = Number(batch[2])
    else if (batch?.[1] === 'batch_writes_total') batchWrites = Number(batch[2])
    else if (batch?.[1] === 'batch_largest') largest = Number(batch[2])
  }
  const order = [
    'score',
    'objects',
    'queue',
    'lock',
    'connection',
    'reconcile',
    'decide',
    'commit',
    'index',
    'hold',
    'ack',
  ]
  const parts = order
    .filter((phase) => figures.get(phase)?.count)
    .map((phase) => {
      const f = figures.get(phase)!
      return `${phase} ${f.count}× mean ${((f.sum! / f.count!) * 1000).toFixed(1)} ms max ${(f.max! * 1000).toFixed(0)} ms`
    })
  return `${daemon.name}: ${parts.join('; ')}; ${batches} batches of ${batches ? (batchWrites / batches).toFixed(1) : 0} writes on average, largest ${largest}`
}
