import type {ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createClient} from 'redis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {deadLetterStream, streamNames} from '../../src/events/bus.js'
import {runBin} from '../helpers/command.js'
import {exited, startDaemon} from '../helpers/daemon.js'
import {NAME, V1, V2, writeFolder} from './update-fixtures.js'

const REDIS_URL = process.env.MAESTRO_TEST_REDIS_URL

/**
 * "The usage stream carries it": a project the daemon made, one a CLI registered, and a
 * recorded project moved to a new version by `update --remote` are each an entry on the
 * Redis usage stream, with the project id, template, version and tenant.
 */
describe.skipIf(!REDIS_URL)('project events on the usage stream (built daemon and CLI, Redis)', () => {
  const prefix = `upd-events-${randomBytes(4).toString('hex')}:`
  const usage = streamNames(prefix).usage
  let work: string
  let env: Record<string, string>
  let daemon: {child: ChildProcess; url: string; output: () => string}
  let redis: ReturnType<typeof createClient>
  const cli = (...args: string[]) => runBin([...args, '--remote', daemon.url], env)

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maestro-update-events-'))
    env = {
      MAESTRO_HOME: join(work, 'store'),
      TEMPLATES_STORAGE_PATH: join(work, 'empty-catalog'),
      REDIS_URL: REDIS_URL!,
      REDIS_KEY_PREFIX: prefix,
      ENABLE_QUALITY_GATES: 'false',
      ENABLE_RBAC: 'false',
      CI: 'true',
    }
    mkdirSync(env.TEMPLATES_STORAGE_PATH!)
    redis = createClient({url: REDIS_URL!, socket: {reconnectStrategy: false}})
    await redis.connect()
    daemon = await startDaemon(env)
    for (const [tag, files] of [
      ['v1', V1],
      ['v2', V2],
    ] as const) {
      const published = cli('create', writeFolder(join(work, tag), files))
      expect(published.status, published.stderr).toBe(0)
    }
  }, 120_000)
  afterAll(async () => {
    daemon?.child.kill('SIGTERM')
    if (daemon) await exited(daemon.child)
    if (redis?.isOpen) {
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length > 0) await redis.del(keys)
      await redis.quit()
    }
    rmSync(work, {recursive: true, force: true})
  })

  /** The usage entries about projects, once `count` of them are there (the publisher batches). */
  async function projectEvents(count: number): Promise<Record<string, string>[]> {
    const deadline = Date.now() + 15_000
    for (;;) {
      const entries = await redis.xRange(usage, '-', '+')
      const found = (entries ?? []).map((e) => e.message).filter((m) => m.project_id !== undefined)
      if (found.length >= count || Date.now() > deadline) return found
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  it('publishes instantiate, update and register with project id, template, version and tenant', async () => {
    const made = join(work, 'made')
    const instantiated = cli('instantiate', `${NAME}@1.0.0`, made, '--defaults')
    expect(instantiated.status, instantiated.stderr).toBe(0)
    const a = parse(readFileSync(join(made, '.maestro-answers.yaml'), 'utf8')).project as string
    const updated = cli('update', made)
    expect(updated.status, updated.stderr).toBe(0)

    const elsewhere = join(work, 'elsewhere')
    expect(cli('instantiate', `${NAME}@1.0.0`, elsewhere, '--defaults').status).toBe(0)
    const file = join(elsewhere, '.maestro-answers.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^project: .*\n/m, ''))
    const registered = cli('register', elsewhere, '--json')
    expect(registered.status, registered.stderr).toBe(0)
    const b = JSON.parse(registered.stdout).projects[0] as {
      id: string
      tenant: string
      template_id: string
      namespace: string
    }
    // Registering again at the same version moves nothing and says nothing.
    expect(cli('register', elsewhere).status).toBe(0)

    const events = await projectEvents(4)
    const shown = events.map(({kind, project_id, template, version, tenant_id, template_id, namespace}) => ({
      kind,
      project_id,
      template,
      version,
      tenant_id,
      template_id,
      namespace,
    }))
    const common = {template: NAME, tenant_id: b.tenant, template_id: b.template_id, namespace: b.namespace}
    // The second `instantiate` is of the project whose id the test then removed to register it.
    const second = events.filter((e) => e.kind === 'instantiate')[1]?.project_id
    expect(shown).toEqual([
      {kind: 'instantiate', project_id: a, version: '1.0.0', ...common},
      {kind: 'update', project_id: a, version: '1.1.0', ...common},
      {kind: 'instantiate', project_id: second, version: '1.0.0', ...common},
      {kind: 'register', project_id: b.id, version: '1.0.0', ...common},
    ])
    expect(second).not.toBe(b.id)
    for (const e of events) expect(Date.parse(e.timestamp!)).toBeGreaterThan(Date.now() - 300_000)
    // The daemon's usage consumer takes them (instantiations counted), none dead-lettered.
    expect(await redis.exists(deadLetterStream(usage))).toBe(0)
  }, 240_000)
})
