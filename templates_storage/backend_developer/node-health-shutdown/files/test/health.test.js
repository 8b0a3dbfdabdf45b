import assert from 'node:assert/strict'
import {once} from 'node:events'
import {describe, it} from 'node:test'

import {createHealth} from '../src/health.js'
import {createApp} from '../src/server.js'

const pass = async () => {}
const fail = async () => {
  throw new Error('connection refused')
}

describe('readiness', () => {
  it('passes when every check passes, fails when one fails, and says which', async () => {
    const health = createHealth({checks: {db: pass, cache: fail}, cacheMs: 0})
    const result = await health.readiness()
    assert.equal(result.ok, false)
    assert.deepEqual(
      result.checks.map((c) => [c.name, c.status, c.output]),
      [
        ['db', 'pass', undefined],
        ['cache', 'fail', 'connection refused'],
      ],
    )
    health.close()
  })

  it('fails a check that does not answer in time', async () => {
    const health = createHealth({checks: {stuck: () => new Promise(() => {})}, timeoutMs: 50, cacheMs: 0})
    const started = Date.now()
    const result = await health.readiness()
    assert.equal(result.checks[0].output, 'no answer in 50 ms')
    assert.ok(Date.now() - started < 1000)
    health.close()
  })

  it('runs checks once for concurrent probes and reuses recent results', async () => {
    let calls = 0
    const health = createHealth({checks: {db: async () => void calls++}, cacheMs: 60_000})
    await Promise.all([health.readiness(), health.readiness(), health.readiness()])
    await health.readiness()
    assert.equal(calls, 1)
    health.close()
  })

  it('fails while draining, whatever the dependencies say', async () => {
    const health = createHealth({checks: {db: pass}})
    health.startDraining()
    const result = await health.readiness()
    assert.equal(result.ok, false)
    assert.equal(result.checks[0].output, 'draining')
    health.close()
  })
})

describe('probes over HTTP', () => {
  it('answers /livez and /readyz with 200 or 503', async () => {
    let dbUp = true
    const health = createHealth({checks: {db: async () => assert.ok(dbUp, 'db down')}, cacheMs: 0})
    const server = createApp(health).listen(0, '127.0.0.1')
    await once(server, 'listening')
    const base = `http://127.0.0.1:${server.address().port}`
    try {
      const live = await fetch(`${base}/livez`)
      assert.equal(live.status, 200)
      assert.equal(live.headers.get('cache-control'), 'no-store')
      const ready = await fetch(`${base}/readyz`)
      assert.equal(ready.status, 200)
{%- if probe_format == 'health-json' %}
      assert.equal(ready.headers.get('content-type'), 'application/health+json')
      assert.equal((await ready.json()).status, 'pass')
{%- else %}
      assert.equal(await ready.text(), 'ok\n')
{%- endif %}
      dbUp = false
      const down = await fetch(`${base}/readyz`)
      assert.equal(down.status, 503)
{%- if probe_format == 'health-json' %}
      const body = await down.json()
      assert.equal(body.status, 'fail')
      assert.equal(body.serviceId, '{{ project_name }}')
      assert.equal(body.checks.db[0].status, 'fail')
      assert.equal(body.checks.db[0].output, 'db down')
{%- else %}
      assert.equal(await down.text(), '[-] db: db down\nfailed\n')
{%- endif %}
      // Liveness does not follow the dependencies: a restart would not bring the database back.
      assert.equal((await fetch(`${base}/livez`)).status, 200)
      assert.equal((await fetch(`${base}/nope`)).status, 404)
    } finally {
      server.close()
      health.close()
    }
  })
})
