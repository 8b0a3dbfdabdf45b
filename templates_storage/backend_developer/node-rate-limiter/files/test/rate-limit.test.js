import assert from 'node:assert/strict'
import {once} from 'node:events'
import {after, before, describe, it} from 'node:test'

import {MemoryStore} from '../src/memory-store.js'
import {clientIp, createRateLimiter, requestKey} from '../src/rate-limit.js'
import {createApp} from '../src/server.js'

const request = (headers = {}, remoteAddress = '203.0.113.7') => ({headers, socket: {remoteAddress}})

describe('keys', () => {
  it('uses the socket address, ignoring X-Forwarded-For unless proxies are trusted', () => {
    const req = request({'x-forwarded-for': '198.51.100.1, 192.0.2.10'}, '::ffff:10.0.0.2')
    assert.equal(clientIp(req, 0), '10.0.0.2')
    // One trusted proxy: the address it saw is the last entry; a client cannot forge it.
    assert.equal(clientIp(req, 1), '192.0.2.10')
    assert.equal(clientIp(req, 2), '198.51.100.1')
    assert.equal(clientIp(req, 3), '10.0.0.2')
  })
{%- if key == 'api-key' %}

  it('counts by API key, hashed, and falls back to the IP without one', () => {
    const withKey = requestKey(request({'{{ api_key_header }}': '{% if api_key_header == "authorization" %}Bearer {% endif %}sk_live_123'}), 0)
    assert.match(withKey, /^key:[0-9a-f]{32}$/)
    assert.ok(!withKey.includes('sk_live_123'))
    assert.equal(requestKey(request({'{{ api_key_header }}': '{% if api_key_header == "authorization" %}Bearer {% endif %}sk_live_123'}, '192.0.2.99'), 0), withKey)
    assert.equal(requestKey(request({}), 0), 'ip:203.0.113.7')
  })
{%- else %}

  it('counts by client IP', () => {
    assert.equal(requestKey(request({}), 0), 'ip:203.0.113.7')
  })
{%- endif %}
})

describe('limiter', () => {
  it('keeps clients apart', async () => {
    const limiter = createRateLimiter({limit: 2, windowMs: 60_000})
    assert.equal((await limiter.take('a')).allowed, true)
    assert.equal((await limiter.take('a')).allowed, true)
    assert.equal((await limiter.take('a')).allowed, false)
    assert.equal((await limiter.take('b')).allowed, true)
    limiter.close()
  })

  it('refuses a nonsensical configuration', () => {
    assert.throws(() => createRateLimiter({limit: 0}), RangeError)
    assert.throws(() => createRateLimiter({windowMs: -1}), RangeError)
  })

  it('bounds the memory a flood of keys can take', async () => {
    const store = new MemoryStore({maxKeys: 10})
    const limiter = createRateLimiter({store})
    for (let i = 0; i < 100; i++) await limiter.take(`flood-${i}`)
    assert.equal(store.size, 10)
    limiter.close()
  })

  it('forgets clients whose state has expired', async () => {
    let now = 1_900_000_000_000
    const store = new MemoryStore({now: () => now})
    const limiter = createRateLimiter({store, now: () => now, limit: 5, windowMs: 1000})
    await limiter.take('x')
    now += 5000
    assert.equal(store.sweep(), 1)
    limiter.close()
  })

  it('passes a store failure to next() instead of answering', async () => {
    const limiter = createRateLimiter({store: {update: async () => Promise.reject(new Error('redis down'))}})
    const err = await new Promise((resolve) => limiter(request(), {setHeader() {}}, resolve))
    assert.equal(err.message, 'redis down')
  })
})

describe('over HTTP', () => {
  const limit = 3
  let server
  let base
  before(async () => {
    const limiter = createRateLimiter({limit, windowMs: 60_000, skip: (req) => req.url === '/healthz'})
    server = createApp(limiter).listen(0, '127.0.0.1')
    await once(server, 'listening')
    base = `http://127.0.0.1:${server.address().port}`
  })
  after(() => server.close())

  it('answers 429 problem+json with Retry-After once the limit is reached', async () => {
    const answers = []
    for (let i = 0; i <= limit; i++) answers.push(await fetch(`${base}/api/hello`))
    assert.deepEqual(
      answers.map((r) => r.status),
      [...Array(limit).fill(200), 429],
    )
{%- if header_style == 'ietf' %}
    assert.equal(answers[0].headers.get('ratelimit-policy'), `"default";q=${limit};w=60`)
    assert.match(answers[0].headers.get('ratelimit'), new RegExp(`^"default";r=${limit - 1};t=\\d+$`))
{%- else %}
    assert.equal(answers[0].headers.get('x-ratelimit-limit'), String(limit))
    assert.equal(answers[0].headers.get('x-ratelimit-remaining'), String(limit - 1))
    const reset = Number(answers[0].headers.get('x-ratelimit-reset'))
    assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61, `reset ${reset}`)
{%- endif %}
    const refused = answers[limit]
    assert.equal(refused.headers.get('content-type'), 'application/problem+json')
    assert.ok(Number(refused.headers.get('retry-after')) > 0)
    const problem = await refused.json()
    assert.equal(problem.status, 429)
    assert.equal(problem.title, 'Too Many Requests')
  })

  it('never limits health checks', async () => {
    for (let i = 0; i < limit + 2; i++) assert.equal((await fetch(`${base}/healthz`)).status, 200)
  })
})
