/**
 * A database outage is the server's condition, not a bug (issue 22, item 7): requests
 * answer 503 DATABASE_UNAVAILABLE with Retry-After (problem+json), never 500; /health
 * says why within its deadline; the daemon serves again once the database is back.
 * PostgreSQL: a cluster of this test's own, stopped mid-test (never the shared one).
 * SQLite: the index locked by another process past the busy timeout.
 */
import {spawnSync} from 'node:child_process'
import {chownSync, existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {describe, expect, it, onTestFinished} from 'vitest'

import {startTestServer, templateUpload} from '../server/support.js'
import type {ApiResponse} from '../server/support.js'

const PG_BIN = existsSync('/usr/lib/postgresql')
  ? readdirSync('/usr/lib/postgresql')
      .map((v) => join('/usr/lib/postgresql', v, 'bin'))
      .find((dir) => existsSync(join(dir, 'initdb')))
  : undefined
/** initdb refuses to run as root: the cluster is run by the postgres account then. */
const AS_ROOT = process.getuid?.() === 0
const CAN_RUN_CLUSTER = PG_BIN !== undefined && (!AS_ROOT || spawnSync('id', ['postgres']).status === 0)
/** The port range this suite's own clusters use (not the shared server's 5432). */
const PORT = 18450 + (process.pid % 40)

function run(cmd: string, args: string[]): void {
  const [bin, argv] = AS_ROOT ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  const result = spawnSync(bin, argv, {encoding: 'utf8', timeout: 60_000})
  if (result.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
}

/** A PostgreSQL cluster of this test's own on PORT, stopped and removed when the test ends. */
function ownCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-pg-'))
  if (AS_ROOT)
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], {encoding: 'utf8'}).stdout.trim()), -1)
  const data = join(dir, 'data')
  run(join(PG_BIN!, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const ctl = (...args: string[]) => run(join(PG_BIN!, 'pg_ctl'), ['-D', data, ...args])
  const start = () =>
    ctl(
      '-o',
      `-p ${PORT} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    )
  const stop = () => ctl('-m', 'fast', '-w', 'stop')
  start()
  onTestFinished(() => {
    try {
      stop()
    } catch {
      // already stopped
    }
    rmSync(dir, {recursive: true, force: true})
  })
  return {url: `postgres://postgres@127.0.0.1:${PORT}/postgres`, start, stop}
}

async function expectOutage(response: ApiResponse): Promise<void> {
  const body = await response.text()
  expect(response.status, body).toBe(503)
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
  expect(JSON.parse(body)).toMatchObject({status: 503, code: 'DATABASE_UNAVAILABLE'})
}

describe.skipIf(!CAN_RUN_CLUSTER)('PostgreSQL outage', () => {
  it('answers 503 with Retry-After while the database is down, and serves again once it is back', async () => {
    const cluster = ownCluster()
    const server = await startTestServer({
      env: {DATABASE_URL: cluster.url, DATABASE_POOL_CONNECTION_TIMEOUT_MS: '2000'},
    })
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'kept'})})).status).toBe(201)
    expect((await server.api('/api/v1/templates/search', {json: {text: 'kept'}})).status).toBe(200)

    cluster.stop()
    // Fresh queries (the response cache would answer the ones seen before).
    await expectOutage(await server.api('/api/v1/templates?sort=name&limit=7'))
    await expectOutage(await server.api('/api/v1/templates/search', {json: {text: 'something else'}}))
    await expectOutage(await server.api('/api/v1/templates', {json: templateUpload({name: 'refused'})}))
    const started = Date.now()
    const health = await server.api('/health')
    expect(health.status).toBe(503)
    expect((await health.json()).database).toMatch(/^unavailable: \S/)
    expect(Date.now() - started).toBeLessThan(3000)

    cluster.start()
    let search: ApiResponse | undefined
    for (let i = 0; i < 50; i++) {
      search = await server.api('/api/v1/templates/search', {json: {text: 'kept again'}})
      if (search.status === 200) break
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(search!.status).toBe(200)
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'after'})})).status).toBe(201)
  }, 90_000)
})

describe('SQLite database locked by another process', () => {
  it('answers a write 503 with Retry-After, not 500, while the lock is held', async () => {
    const server = await startTestServer()
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'first'})})).status).toBe(201)
    const file = join(server.config.home, 'index.db')
    expect(existsSync(file), `expected the index at ${file}`).toBe(true)
    const other = new Database(file)
    onTestFinished(() => {
      other.close()
    })
    other.exec('BEGIN EXCLUSIVE')
    try {
      const started = Date.now()
      await expectOutage(await server.api('/api/v1/templates', {json: templateUpload({name: 'second'})}))
      // Two waits of SQLite's busy timeout (5 s), not five.
      expect(Date.now() - started).toBeLessThan(15_000)
    } finally {
      other.exec('ROLLBACK')
    }
    // The retry lands (201, or 200 when the refused attempt's commit is already in the store).
    const retried = await server.api('/api/v1/templates', {json: templateUpload({name: 'second'})})
    expect([200, 201]).toContain(retried.status)
    expect((await server.api('/api/v1/templates/second')).status).toBe(200)
  }, 90_000)
})
