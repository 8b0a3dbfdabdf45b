/**
 * The workflow routes on a daemon (SQLite, in-process bus): publish, list, get, execute
 * (202, Idempotency-Key), the execution with its steps, server-sent events resumed with
 * Last-Event-ID, the result as .tar.gz and .zip, dry-run, and secrets absent from every
 * stored byte.
 */
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'

import type {EventBus} from '../../../src/events/bus.js'
import {decodeResult, encodeRequest} from '../../../src/events/messages.js'
import {startTestServer} from '../server/support.js'
import type {TestServer} from '../server/support.js'
import {DEMO, workflowUpload} from './fixtures.js'
import {catalogOf} from './support.js'

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

describe('workflow routes', () => {
  it('publishes, executes with an idempotency key, streams events and serves the result', async () => {
    const server = await startTestServer({env: {TEMPLATES_STORAGE_PATH: catalogOf(['adr-repository'])}})
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
    expect([...resumed.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(ids.filter((i) => i > 3))

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
  })

  it('dry-runs without storing an execution, and refuses unknown answers', async () => {
    const server = await startTestServer({env: {TEMPLATES_STORAGE_PATH: catalogOf(['adr-repository'])}})
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
    const server = await startTestServer({env: {TEMPLATES_STORAGE_PATH: catalogOf(['adr-repository'])}})
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
