/**
 * What the Redis suites share: the test Redis (MAESTRO_TEST_REDIS_URL), a key prefix of
 * each test's own (removed afterwards), a plain node-redis client, and a redis-server of
 * the test's own for the tests that stop and restart Redis (never the shared one).
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {createServer} from 'node:net'

import {createClient} from 'redis'
import {onTestFinished} from 'vitest'

import type {EventBus} from '../../../src/events/bus.js'
import {InProcessBus} from '../../../src/events/in-process-bus.js'
import {RedisStreamsBus} from '../../../src/events/redis-streams-bus.js'
import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import {tempDir} from '../../helpers/temp.js'

export const REDIS_URL = process.env.MAESTRO_TEST_REDIS_URL

/** A key prefix no other test uses; every key under it is removed when the test ends. */
export function testPrefix(url = REDIS_URL): string {
  const prefix = `maestro-test:${randomUUID().slice(0, 12)}:`
  if (url) onTestFinished(() => dropPrefix(url, prefix))
  return prefix
}

export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({url, socket: {reconnectStrategy: false, connectTimeout: 2000}})
  try {
    await client.connect()
    for await (const keys of client.scanIterator({MATCH: `${prefix}*`, COUNT: 1000})) {
      if (keys.length > 0) await client.unlink(keys)
    }
  } catch {
    // The test's own redis-server may be gone already: nothing to clean there.
  } finally {
    if (client.isOpen) client.destroy()
  }
}

/** A plain node-redis client (not the project's code), closed when the test ends. */
export async function plainClient(url: string) {
  const client = createClient({url, socket: {reconnectStrategy: false}})
  client.on('error', () => {})
  await client.connect()
  onTestFinished(() => {
    if (client.isOpen) client.destroy()
  })
  return client
}

/** The buses every behavioural test runs on: in process always, Redis when configured. */
export const BUSES: {name: 'in-process' | 'redis'; enabled: boolean}[] = [
  {name: 'in-process', enabled: true},
  {name: 'redis', enabled: Boolean(REDIS_URL)},
]

export function makeBus(kind: 'in-process' | 'redis', prefix: string, url = REDIS_URL): EventBus {
  const bus =
    kind === 'redis' ? new RedisStreamsBus({url: url!, prefix, maxLen: 1000}) : new InProcessBus({prefix})
  onTestFinished(() => bus.close())
  return bus
}

/** Waits until `check` returns something truthy (polling every 25 ms). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** `parameters` of a create request: the scaffold template's files, as text. */
export function createParameters(name: string): {files: Record<string, string>} {
  const decoder = new TextDecoder()
  const files = scaffoldTemplate({name, category: 'backend_developer'})
  return {files: Object.fromEntries([...files].map(([path, bytes]) => [path, decoder.decode(bytes)]))}
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

export interface OwnRedis {
  url: string
  /** SIGKILL: nothing is flushed beyond what the append-only file already holds. */
  kill(): Promise<void>
  start(): Promise<void>
  /** SIGSTOP: the server keeps its sockets open and answers nothing (a stalled Redis). */
  stall(): void
  /** SIGCONT after {@link OwnRedis.stall}. */
  resume(): void
}

/**
 * A redis-server of this test's own on a free port, its data in a temporary folder with
 * an fsync'd append-only file (so a restart keeps the streams, like a production Redis
 * with persistence). Killed when the test ends.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  const dir = tempDir('maestro-redis-')
  let child: ChildProcess | undefined
  const url = `redis://127.0.0.1:${port}`
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      {stdio: 'ignore'},
    )
    await waitFor(
      async () => {
        const client = createClient({url, socket: {reconnectStrategy: false, connectTimeout: 500}})
        client.on('error', () => {})
        try {
          await client.connect()
          await client.ping()
          return true
        } catch {
          return false
        } finally {
          if (client.isOpen) client.destroy()
        }
      },
      10_000,
      `redis-server on port ${port}`,
    )
  }
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }
  const signal = (name: NodeJS.Signals) => {
    if (child && child.exitCode === null) child.kill(name)
  }
  await start()
  // A stalled server ignores SIGKILL's exit wait only until it is continued: continue it first.
  onTestFinished(async () => {
    signal('SIGCONT')
    await kill()
  })
  return {url, kill, start, stall: () => signal('SIGSTOP'), resume: () => signal('SIGCONT')}
}
