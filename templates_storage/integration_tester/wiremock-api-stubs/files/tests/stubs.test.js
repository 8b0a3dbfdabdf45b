// Starts WireMock (Java, from the wiremock npm package) with stubs/ and checks that every
// stub answers as the {{ provider_name }} API would: a stub that never matches, or matches
// the wrong request, is found here instead of in the tests that rely on it.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {createServer} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BASE_PATH = '{{ base_path }}'
{%- if auth == 'bearer' %}
const AUTH = {Authorization: 'Bearer test-token'}
{%- elsif auth == 'api_key' %}
const AUTH = {'X-Api-Key': 'test-key'}
{%- else %}
const AUTH = {}
{%- endif %}

let wiremock
let url

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })

async function waitForHealth(deadline) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/__admin/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error('WireMock did not become healthy in time (is Java 11+ installed?)')
}

const api = (path, init = {}) => fetch(`${url}${BASE_PATH}${path}`, init)
const charge = (body, headers = AUTH) =>
  api('/charges', {method: 'POST', headers: {'Content-Type': 'application/json', ...headers}, body: JSON.stringify(body)})

before(async () => {
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  wiremock = spawn(
    process.execPath,
    ['node_modules/wiremock/index.js', '--port', String(port), '--root-dir', 'stubs', '--disable-banner'],
    // Its own process group: the npm package's launcher starts Java as a child of its own.
    {cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], detached: true},
  )
  await waitForHealth(Date.now() + 60_000)
})

after(async () => {
  if (!wiremock || wiremock.exitCode !== null) return
  const exited = new Promise((resolve) => wiremock.once('exit', resolve))
  // The whole group, Java included: killing the launcher alone leaves WireMock running.
  process.kill(-wiremock.pid, 'SIGTERM')
  await exited
})

describe('charges', () => {
  it('creates a charge and echoes the amount', async () => {
    const started = Date.now()
    const response = await charge({amount: 1250, currency: 'EUR'})
    assert.equal(response.status, 201)
    const body = await response.json()
    assert.match(body.id, /^ch_[A-Za-z0-9]{12}$/)
    assert.equal(body.amount, '1250')
    assert.ok(Date.now() - started >= {{ latency_ms }}, 'the configured latency is applied')
  })

  it('refuses a charge without a positive amount', async () => {
    assert.equal((await charge({amount: 0, currency: 'EUR'})).status, 422)
    assert.equal((await charge({currency: 'EUR'})).status, 422)
  })

  it('reads back a charge by id', async () => {
    const response = await api('/charges/ch_abc123', {headers: AUTH})
    assert.equal(response.status, 200)
    assert.equal((await response.json()).id, 'ch_abc123')
  })
{%- if auth != 'none' %}

  it('refuses requests without credentials', async () => {
    const response = await charge({amount: 1250, currency: 'EUR'}, {})
    assert.equal(response.status, 401)
  })
{%- endif %}
})

describe('refund scenario', () => {
  it('is pending, then succeeded', async () => {
    await fetch(`${url}/__admin/scenarios/reset`, {method: 'POST'})
    const poll = async () => (await (await api('/refunds/re_test', {headers: AUTH})).json()).status
    assert.equal(await poll(), 'pending')
    assert.equal(await poll(), 'succeeded')
    assert.equal(await poll(), 'succeeded')
  })
})
{%- if faults %}

describe('faults', () => {
  it('answers 503 with Retry-After when asked', async () => {
    const response = await charge({amount: 1, currency: 'EUR'}, {...AUTH, 'X-Test-Fault': 'unavailable'})
    assert.equal(response.status, 503)
    assert.equal(response.headers.get('retry-after'), '1')
  })

  it('resets the connection when asked', async () => {
    await assert.rejects(charge({amount: 1, currency: 'EUR'}, {...AUTH, 'X-Test-Fault': 'reset'}))
  })
})
{%- endif %}

describe('the stubs as a whole', () => {
  it('left no request unmatched', async () => {
    const {requests} = await (await fetch(`${url}/__admin/requests/unmatched`)).json()
    assert.deepEqual(requests.map((r) => `${r.method} ${r.url}`), [])
  })
})
