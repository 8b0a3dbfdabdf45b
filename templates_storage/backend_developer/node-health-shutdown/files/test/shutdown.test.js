import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {createHealth} from '../src/health.js'
import {createApp} from '../src/server.js'
import {gracefulShutdown} from '../src/shutdown.js'

async function start() {
  const health = createHealth()
  const server = createApp(health).listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {health, server, base: `http://127.0.0.1:${server.address().port}`}
}

describe('graceful shutdown', () => {
  it('drains, lets in-flight requests finish, runs hooks last-first, exits 0', async () => {
    const {health, server, base} = await start()
    const order = []
    let exitCode
    const shutdown = gracefulShutdown(server, {
      health,
      // Long enough for the probes below to land inside the drain even on a loaded machine.
      drainMs: 1500,
      timeoutMs: 10_000,
      hooks: [() => void order.push('pool'), async () => void order.push('consumer')],
      exit: (code) => void (exitCode = code),
      log: () => {},
      signals: false,
    })
    const inFlight = fetch(`${base}/work?ms=2000`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const done = shutdown('test')
    // Draining: readiness fails so the load balancer moves away, but requests are still served.
    const ready = await fetch(`${base}/readyz`)
    assert.equal(ready.status, 503)
    assert.equal((await fetch(`${base}/livez`)).status, 200)
    const answer = await inFlight
    assert.equal(answer.status, 200)
    assert.equal(await answer.text(), 'done in 2000 ms\n')
    assert.equal(await done, 0)
    assert.equal(exitCode, 0)
    assert.deepEqual(order, ['consumer', 'pool'])
    // Closed: new connections are refused.
    await assert.rejects(fetch(`${base}/livez`))
  })

  it('cuts what is left at the deadline and exits 1', async () => {
    const {health, server, base} = await start()
    let exitCode
    const shutdown = gracefulShutdown(server, {
      health,
      drainMs: 0,
      timeoutMs: 300,
      exit: (code) => void (exitCode = code),
      log: () => {},
      signals: false,
    })
    const slow = fetch(`${base}/work?ms=10000`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    assert.equal(await shutdown('test'), 1)
    assert.ok(Date.now() - started < 2000)
    assert.equal(exitCode, 1)
    await assert.rejects(slow)
    health.close()
  })

  it('shuts the real process down on SIGTERM with exit code 0', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../src/server.js', import.meta.url))], {
      env: {...process.env, PORT: '0', DRAIN_MS: '100', DATABASE_URL: '', REDIS_URL: '', UPSTREAM_URL: ''},
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    const port = await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk
        const match = /listening on port (\d+)/.exec(output)
        if (match) resolve(Number(match[1]))
      })
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${output}`)))
    })
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200)
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    assert.equal(code, 0, output)
    assert.match(output, /shutdown: SIGTERM/)
  })
})
