/**
 * `serve` listens at once: /health answers 503 `starting` with the import's progress while
 * a fresh store imports the catalog, other requests wait and are then answered (so
 * `serve &` followed by `login` works), and a port in use fails before anything is created.
 * Through the built bin/run.js.
 */
import {spawn, spawnSync} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN} from '../helpers/command.js'
import {exited} from '../helpers/daemon.js'

/** This suite's port (the conventions range, 18800-18899). */
const PORT = 18811
const URL_ = `http://127.0.0.1:${PORT}`
const SECRET = 'startup suite: a long random secret of more than 32 bytes'
const ADMIN_PASSWORD = 'startup suite admin passphrase'

let work: string
let daemon: ChildProcess | undefined
let daemonOutput = ''

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const {DATABASE_URL: _d, REDIS_URL: _r, MAESTRO_DOTENV: _e, ...base} = process.env
  return {
    ...base,
    NO_COLOR: '1',
    CI: 'true',
    LOG_LEVEL: 'warn',
    MAESTRO_HOME: join(work, 'store'),
    XDG_CONFIG_HOME: join(work, 'config'),
    SECRET_KEY: SECRET,
    MAESTRO_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...extra,
  }
}

/** GET /health, or undefined while nothing listens. */
async function health(): Promise<{status: number; body: Record<string, unknown>} | undefined> {
  try {
    const res = await fetch(`${URL_}/health`)
    return {status: res.status, body: (await res.json()) as Record<string, unknown>}
  } catch {
    return undefined
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'maestro-startup-'))
})

afterAll(async () => {
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM')
    await exited(daemon)
  }
  rmSync(work, {recursive: true, force: true})
})

describe('serve on a fresh store', () => {
  it('answers /health 503 starting with progress while importing, and `serve &` then `login` works', async () => {
    daemon = spawn(process.execPath, [BIN, 'serve', '--port', String(PORT)], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    daemon.stdout!.on('data', (c: Buffer) => (daemonOutput += c.toString()))
    daemon.stderr!.on('data', (c: Buffer) => (daemonOutput += c.toString()))

    // The first answer comes while the catalog is still being imported.
    let first: Awaited<ReturnType<typeof health>>
    const deadline = Date.now() + 30_000
    while (!(first = await health()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(first, daemonOutput).toBeDefined()
    expect(first!.status).toBe(503)
    expect(first!.body).toMatchObject({status: 'starting', service: 'maestro-tpl', templates_count: null})
    const progress = first!.body.progress as {phase: string; done: number; total: number}
    expect(typeof progress.phase).toBe('string')
    expect(progress.done).toBeLessThanOrEqual(progress.total)

    // `login` right away: its requests wait for the daemon to be ready, then succeed.
    const login = spawnSync(
      process.execPath,
      [BIN, 'login', '--remote', URL_, '--username', 'admin', '--password-stdin'],
      {env: env(), input: `${ADMIN_PASSWORD}\n`, encoding: 'utf8', timeout: 120_000},
    )
    expect(login.status, login.stdout + login.stderr + daemonOutput).toBe(0)
    const whoami = spawnSync(process.execPath, [BIN, 'whoami', '--remote', URL_, '--json'], {
      env: env(),
      encoding: 'utf8',
    })
    expect(JSON.parse(whoami.stdout)).toMatchObject({user: 'admin', role: 'admin'})

    // Then healthy, with the whole catalog; the import's progress was seen on the way.
    const ready = await health()
    expect(ready!.status).toBe(200)
    expect(ready!.body.status).toBe('healthy')
    expect(ready!.body.templates_count).toBeGreaterThan(0)
  }, 180_000)

  it('refuses a port in use with a clear error, exit 1, before creating any store or database file', () => {
    const store = join(work, 'second-store')
    const database = join(work, 'second.db')
    for (const json of [false, true]) {
      const run = spawnSync(
        process.execPath,
        [BIN, 'serve', '--port', String(PORT), ...(json ? ['--json'] : [])],
        {
          env: env({MAESTRO_HOME: store, DATABASE_URL: `sqlite:${database}`}),
          encoding: 'utf8',
          timeout: 60_000,
        },
      )
      expect(run.status).toBe(1)
      if (json)
        expect(JSON.parse(run.stdout).error).toMatchObject({code: 'CANNOT_LISTEN', data: {port: PORT}})
      else expect(run.stderr).toContain(`127.0.0.1:${PORT} is already in use`)
      expect(run.stderr).not.toMatch(/at \w+ \(/)
      expect(existsSync(store)).toBe(false)
      expect(existsSync(database)).toBe(false)
    }
  }, 120_000)
})
