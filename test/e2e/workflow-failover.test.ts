/**
 * Durable executions across daemons (PostgreSQL + Redis): two daemons share the store,
 * the database and the Redis consumer group. The daemon running an execution is killed
 * with SIGKILL mid-run; the other one claims the pending entry once it is idle, takes
 * over the expired lease and finishes the execution from its last completed step (the
 * steps finished before the kill are not run again).
 */
import {randomBytes} from 'node:crypto'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {sql} from 'kysely'
import {afterAll, describe, expect, it} from 'vitest'

import {createDb} from '../../src/db/database.js'
import {encodeFiles} from '../../src/domain/wire.js'
import {exited, startDaemon} from '../helpers/daemon.js'
import {createTestDatabase} from '../integration/db/helpers.js'
import {README} from '../integration/workflows/fixtures.js'

const POSTGRES_URL = process.env.MAESTRO_TEST_POSTGRES_URL
const REDIS_URL = process.env.MAESTRO_TEST_REDIS_URL
const utf8 = new TextEncoder()
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of the daemon, read freely
type Json = any
const json = async (res: Response): Promise<Json> => res.json()

// Each step renders for a moment (bounded Liquid work), so the kill lands mid-run.
const slowStep = (id: string) => `  - id: ${id}
    uses: file
    with:
      path: ${id}.txt
      content: '{% for i in (1..60000) %}{% assign x = i | times: 3 | modulo: 7 %}{% endfor %}{{ execution.id }} ${id}'
`
const SLOW = `name: slow
version: 1.0.0
description: Six steps that each take a moment, for the failover test.
author: Tests
license: MIT
tags: [tests, failover, slow]
steps:
${['s1', 's2', 's3', 's4', 's5', 's6'].map(slowStep).join('')}  - id: check
    uses: gate
    with:
      condition: '{{ steps.s1.outputs.path == "s1.txt" }}'
`

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  // Each cleanup gets 15 s; one that hangs is named and left behind rather than failing the run.
  for (const [i, c] of cleanups.reverse().entries()) {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 15_000)))
    const outcome = await Promise.race([Promise.resolve(c()).then(() => 'done' as const), late])
    clearTimeout(timer)
    if (outcome === 'late')
      console.warn(`workflow failover: cleanup ${i} did not finish in 15 s: ${c.toString().slice(0, 120)}`)
  }
}, 120_000)

describe.skipIf(!POSTGRES_URL || !REDIS_URL)('workflow failover (PostgreSQL + Redis)', () => {
  it('finishes on the second daemon an execution whose daemon was SIGKILLed mid-run', async () => {
    const database = await createTestDatabase('postgres')
    cleanups.push(() => database.drop())
    const home = mkdtempSync(join(tmpdir(), 'maestro-failover-'))
    const catalog = mkdtempSync(join(tmpdir(), 'maestro-failover-catalog-'))
    mkdirSync(join(catalog, 'templates_storage'))
    cleanups.push(() => rmSync(home, {recursive: true, force: true}))
    cleanups.push(() => rmSync(catalog, {recursive: true, force: true}))
    const env = {
      MAESTRO_HOME: home,
      TEMPLATES_STORAGE_PATH: join(catalog, 'templates_storage'),
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_URL!,
      REDIS_KEY_PREFIX: `maestro-failover-${randomBytes(4).toString('hex')}:`,
      ENABLE_RBAC: 'false',
      WORKFLOW_LEASE_MS: '2000',
      RENDER_TIMEOUT_MS: '60000',
    }
    const a = await startDaemon({...env, EVENTS_CONSUMER: 'daemon-a'})
    cleanups.push(() => void a.child.kill('SIGKILL'))
    const b = await startDaemon({...env, EVENTS_CONSUMER: 'daemon-b'})
    cleanups.push(async () => {
      b.child.kill('SIGTERM')
      // A loaded machine can stretch a graceful stop; the test is about failover, not shutdown.
      const force = setTimeout(() => b.child.kill('SIGKILL'), 10_000)
      await exited(b.child)
      clearTimeout(force)
    })
    const daemons = {'daemon-a': a, 'daemon-b': b}

    const files = new Map([
      ['workflow.yaml', utf8.encode(SLOW)],
      ['README.md', utf8.encode(README)],
      ['examples/basic.yaml', utf8.encode('{}\n')],
      ['examples/README.md', utf8.encode('# Examples\n\n- basic.yaml: nothing to answer.\n')],
    ])
    const publish = await fetch(`${a.url}/api/v1/workflows`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({files: encodeFiles(files)}),
    })
    expect(publish.status, await publish.clone().text()).toBe(201)
    const queued = await json(await fetch(`${a.url}/api/v1/workflows/slow/execute`, {method: 'POST'}))

    // Wait until two steps are done, then kill whichever daemon holds the lease.
    const db = createDb({url: database.url})
    cleanups.push(() => db.destroy())
    let owner: string | null = null
    for (let i = 0; i < 600; i++) {
      const row = await sql<{lease_owner: string | null; done: number}>`
        SELECT e.lease_owner, (SELECT count(*) FROM workflow_steps s WHERE s.execution_id = e.id AND s.state = 'succeeded')::int AS done
        FROM workflow_executions e WHERE e.id = ${queued.id}`.execute(db)
      const r = row.rows[0]!
      if (r.done >= 2 && r.lease_owner) {
        owner = r.lease_owner
        break
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(owner).toMatch(/^daemon-[ab]$/)
    const victim = daemons[owner as 'daemon-a' | 'daemon-b']
    const survivor = owner === 'daemon-a' ? b : a
    victim.child.kill('SIGKILL')
    await exited(victim.child)
    const before = await json(await fetch(`${survivor.url}/api/v1/executions/${queued.id}`))
    expect(before.state).toBe('running')
    const finishedBefore = before.steps
      .filter((s: {state: string}) => s.state === 'succeeded')
      .map((s: {id: string}) => s.id)
    expect(finishedBefore.length).toBeGreaterThanOrEqual(2)

    let done: Json
    for (let i = 0; i < 1200; i++) {
      done = await json(await fetch(`${survivor.url}/api/v1/executions/${queued.id}`))
      if (done.state !== 'running' && done.state !== 'queued') break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(done.error).toBeNull()
    expect(done.state).toBe('succeeded')
    for (const step of done.steps) {
      // Finished before the kill: never run again.
      if (finishedBefore.includes(step.id)) expect(step.attempts, step.id).toBe(1)
      expect(step.state).toBe('succeeded')
    }
    const events = await (await fetch(`${survivor.url}/api/v1/executions/${queued.id}/events`)).text()
    expect(events).toContain('"resumed":true')
    // The result holds every step's file, the ones made before the kill included.
    const result = await fetch(`${survivor.url}/api/v1/executions/${queued.id}/result?format=json`)
    const body = await json(result)
    expect(Object.keys(body.files).sort()).toEqual([
      's1.txt',
      's2.txt',
      's3.txt',
      's4.txt',
      's5.txt',
      's6.txt',
    ])
    expect(body.files['s1.txt'].content).toBe(`${queued.id} s1`)
  }, 180_000)
})
