/**
 * The workflow routes on a daemon, on SQLite with the in-process bus and on PostgreSQL
 * with Redis Streams: publish, list, get, execute (202, Idempotency-Key), the execution
 * with its steps, server-sent events resumed with Last-Event-ID, the result as .tar.gz
 * and .zip, dry-run, and secrets absent from every stored byte (files, every row of the
 * PostgreSQL schema, every Redis key and stream entry under the daemon's prefix).
 * Workflows are kept apart from templates: template search, get, instantiate and counts
 * never answer one.
 */
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {sql} from 'kysely'
import {describe, expect, it} from 'vitest'

import {createDb} from '../../../src/db/database.js'

import type {EventBus} from '../../../src/events/bus.js'
import {decodeResult, encodeRequest} from '../../../src/events/messages.js'
import {startTestServer, templateUpload} from '../server/support.js'
import type {TestServer} from '../server/support.js'
import {plainClient} from '../events/support.js'
import {DEMO, workflowUpload} from './fixtures.js'
import {BACKENDS, catalogOf} from './support.js'
import type {Backend} from './support.js'

const SECRET = 'tok-Zq81-very-secret-value'

async function waitFor(server: TestServer, id: string, states = ['succeeded', 'failed', 'cancelled']) {
  for (let i = 0; i < 600; i++) {
    const res = await server.api(`/api/v1/executions/${id}`)
    const body = await res.json()
    if (states.includes(body.state)) return body
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`execution ${id} did not finish`)
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? allFiles(p) : [p]
  })
}

/** Every row of every table of the daemon's PostgreSQL schema, as text. */
async function postgresRows(url: string): Promise<string[]> {
  const db = createDb({url})
  try {
    const {rows: tables} = await sql<{name: string}>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db)
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['workflow_executions', 'workflow_steps', 'workflow_events']),
    )
    const out: string[] = []
    for (const {name} of tables) {
      const {rows} = await sql<{row: string}>`SELECT t::text AS row FROM ${sql.table(name)} AS t`.execute(db)
      out.push(...rows.map((r) => `${name}: ${r.row}`))
    }
    return out
  } finally {
    await db.destroy()
  }
}

/** Every key under `prefix` with what it holds (strings, hashes, sets, lists, stream entries), as text. */
async function redisContents(url: string, prefix: string): Promise<string[]> {
  const client = await plainClient(url)
  const out: string[] = []
  for await (const keys of client.scanIterator({MATCH: `${prefix}*`, COUNT: 1000}))
    for (const key of keys) {
      const type = await client.type(key)
      let value: unknown
      if (type === 'string') value = await client.get(key)
      else if (type === 'hash') value = await client.hGetAll(key)
      else if (type === 'set') value = await client.sMembers(key)
      else if (type === 'zset') value = await client.zRange(key, 0, -1)
      else if (type === 'list') value = await client.lRange(key, 0, -1)
      else if (type === 'stream') value = await client.xRange(key, '-', '+')
      out.push(`${key} (${type}): ${JSON.stringify(value)}`)
    }
  return out
}

async function startOn(backend: Backend, templates: string[]) {
  const env = await backend.env()
  const server = await startTestServer({env: {...env, TEMPLATES_STORAGE_PATH: catalogOf(templates)}})
  return {server, env}
}

for (const backend of BACKENDS)
  describe.skipIf(!backend.enabled)(`workflow routes on ${backend.name}`, () => {
    it('publishes, executes with an idempotency key, streams events and serves the result', async () => {
      const {server, env} = await startOn(backend, ['adr-repository'])
      const created = await server.api('/api/v1/workflows', {json: workflowUpload(DEMO)})
      expect(created.status, await created.clone().text()).toBe(201)
      const list = await (await server.api('/api/v1/workflows')).json()
      expect(list.items.map((w: {name: string}) => w.name)).toEqual(['demo'])
      const detail = await (await server.api('/api/v1/workflows/demo')).json()
      expect(detail.definition.steps).toHaveLength(9)

      const execute = () =>
        server.api('/api/v1/workflows/demo/execute', {
          json: {parameters: {project: 'atlas', api_token: SECRET}},
          headers: {'Idempotency-Key': 'run-1'},
        })
      const first = await execute()
      expect(first.status).toBe(202)
      const queued = await first.json()
      expect(first.headers.get('location')).toBe(`/api/v1/executions/${queued.id}`)
      expect(queued.parameters.api_token).toBe('[secret]')
      const again = await execute()
      expect(again.status).toBe(200)
      expect((await again.json()).id).toBe(queued.id)

      const done = await waitFor(server, queued.id)
      expect(done.error).toBeNull()
      expect(done.state).toBe('succeeded')
      expect(done.steps.map((s: {id: string; state: string}) => `${s.id}:${s.state}`)).toEqual([
        'docs:succeeded',
        'readme:succeeded',
        'env:succeeded',
        'notes:skipped',
        'copy:succeeded',
        'settings:succeeded',
        'settings_more:succeeded',
        'check:succeeded',
        'repo:succeeded',
      ])
      expect(done.outputs.notes).toBe('skipped')
      expect(done.outputs.commit).toMatch(/^[0-9a-f]{40}$/)
      expect(typeof done.outputs.adr_files).toBe('number')

      // Events: the whole stream, then resumed after the third.
      const events = await (await server.api(`/api/v1/executions/${queued.id}/events`)).text()
      const ids = [...events.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))
      expect(ids.length).toBeGreaterThan(10)
      expect(events).toContain('event: step')
      expect(events).toMatch(/"state":"succeeded"/)
      const resumed = await (
        await server.api(`/api/v1/executions/${queued.id}/events`, {headers: {'Last-Event-ID': '3'}})
      ).text()
      expect([...resumed.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(
        ids.filter((i) => i > 3),
      )

      const tgz = await server.api(`/api/v1/executions/${queued.id}/result`)
      expect(tgz.status).toBe(200)
      expect(tgz.headers.get('content-type')).toBe('application/gzip')
      const tar = gunzipSync(Buffer.from(await tgz.arrayBuffer())).toString('latin1')
      expect(tar).toContain('demo/settings.json')
      expect(tar).toContain('demo/.git/HEAD')
      expect(tar).toContain('API_TOKEN=[secret]')
      expect(tar).not.toContain(SECRET)
      const zip = await server.api(`/api/v1/executions/${queued.id}/result?format=zip`)
      expect(zip.headers.get('content-type')).toBe('application/zip')

      // Not a byte of the secret anywhere the daemon stores things.
      for (const file of allFiles(server.config.home)) {
        expect(readFileSync(file).includes(Buffer.from(SECRET)), file).toBe(false)
      }
      if (env.DATABASE_URL) {
        const rows = await postgresRows(env.DATABASE_URL)
        expect(
          rows.some((r) => r.startsWith('workflow_steps: ')),
          'the steps are stored',
        ).toBe(true)
        for (const row of rows) expect(row.includes(SECRET), row.slice(0, 200)).toBe(false)
      }
      if (env.REDIS_URL) {
        const stored = await redisContents(env.REDIS_URL, env.REDIS_KEY_PREFIX!)
        // The execution went through the streams (queued, then consumed by the daemon).
        expect(
          stored.some((s) => s.includes(queued.id)),
          'the execution is on a stream',
        ).toBe(true)
        for (const entry of stored) expect(entry.includes(SECRET), entry.slice(0, 200)).toBe(false)
      }
    })

    it('keeps workflows out of template search, get, instantiate and counts', async () => {
      const {server} = await startOn(backend, ['adr-repository'])
      expect((await server.api('/api/v1/workflows', {json: workflowUpload(DEMO)})).status).toBe(201)
      for (const query of ['', '?text=demo', '?text=workflow', '?sort=updated', '?minScore=0']) {
        const found = await (await server.api(`/api/v1/templates${query}`)).json()
        expect(
          found.items.map((t: {name: string}) => t.name),
          query,
        ).not.toContain('demo')
        expect(Object.keys(found.categories), query).not.toContain('workflows')
      }
      expect((await (await server.api('/api/v1/templates')).json()).total).toBe(1)
      const get = await server.api('/api/v1/templates/demo')
      expect(get.status).toBe(404)
      expect((await get.json()).detail).toMatch(/demo is a workflow.*workflow run demo/)
      const instantiate = await server.api('/api/v1/templates/demo/instantiate', {json: {answers: {}}})
      expect(instantiate.status).toBe(404)
      expect((await instantiate.json()).detail).toContain('POST /workflows/{id}/execute')
      const stats = await (await server.api('/api/v1/admin/stats')).json()
      expect(stats.templates).toBe(1)
      expect(Object.keys(stats.categories)).not.toContain('workflows')
      const quality = await (await server.api('/api/v1/quality/report')).json()
      expect(quality.totals.templates).toBe(1)
      // Workflows are listed and searched on their own routes.
      expect((await (await server.api('/api/v1/workflows?q=demo')).json()).items).toHaveLength(1)
      expect((await (await server.api('/api/v1/workflows?q=zzzunknown')).json()).items).toHaveLength(0)
      const asWorkflow = await server.api('/api/v1/workflows/adr-repository')
      expect(asWorkflow.status).toBe(404)
      expect((await asWorkflow.json()).detail).toContain('adr-repository is a template')
      // A template cannot take a workflow's name.
      const clash = await server.api('/api/v1/templates', {json: templateUpload({name: 'demo'})})
      expect(clash.status).toBe(409)
    })

    it('dry-runs without storing an execution, and refuses unknown answers', async () => {
      const {server} = await startOn(backend, ['adr-repository'])
      expect((await server.api('/api/v1/workflows', {json: workflowUpload(DEMO)})).status).toBe(201)
      const dry = await server.api('/api/v1/workflows/demo/dry-run', {json: {parameters: {project: 'x'}}})
      const body = await dry.json()
      expect(dry.status, JSON.stringify(body)).toBe(200)
      expect(body.state).toBe('succeeded')
      expect(body.files.map((f: {path: string}) => f.path)).toContain('settings.json')
      expect(body.files.find((f: {path: string}) => f.path === 'README.md').preview).toContain('# x')
      expect((await (await server.api('/api/v1/executions')).json()).total).toBe(0)
      const bad = await server.api('/api/v1/workflows/demo/execute', {json: {parameters: {projcet: 'x'}}})
      expect(bad.status).toBe(422)
      expect((await bad.json()).code).toBe('INVALID_ANSWERS')
    })

    it('executes from the request stream, once per request id', async () => {
      const {server} = await startOn(backend, ['adr-repository'])
      expect((await server.api('/api/v1/workflows', {json: workflowUpload(DEMO)})).status).toBe(201)
      const bus = (server.registry as unknown as {shared: {bus: EventBus}}).shared.bus
      const request = encodeRequest({
        request_id: 'req-42',
        template_id: 'demo',
        operation: 'execute',
        tenant_id: 'local',
        user_id: 'ci-bot',
        parameters: {parameters: {project: 'streamed'}},
      })
      await bus.add(bus.streams.requests, request)
      await bus.add(bus.streams.requests, request)
      let results: ReturnType<typeof decodeResult>[] = []
      for (let i = 0; i < 30; i++) {
        results = (await bus.range(bus.streams.results, '-', '+')).map((e) => decodeResult(e.fields!))
        await new Promise((r) => setTimeout(r, 100))
      }
      // The redelivered request is recognised by its id: one result, one execution.
      expect(results.map((r) => r.status)).toEqual(['success'])
      const ids = results.map((r) => (r.result as {execution: {id: string}}).execution.id)
      const done = await waitFor(server, ids[0]!)
      expect(done.state).toBe('succeeded')
      expect(done.created_by).toBe('ci-bot')
      expect((await (await server.api('/api/v1/executions')).json()).total).toBe(1)
    })
  })
