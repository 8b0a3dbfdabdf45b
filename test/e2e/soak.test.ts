/**
 * The short soak (bench/soak.ts, `npm run soak`): three built daemons on one store,
 * PostgreSQL and a redis-server of the test's own, publishes and reads while a daemon is
 * killed and Redis is stalled and killed. Every acknowledged write must be everywhere,
 * index = git, fsck clean, no 5xx but 503 during faults, memory bounded. Needs the build
 * (bin/run.js), PostgreSQL (MAESTRO_TEST_POSTGRES_URL) and redis-server; ~40 s on a quiet
 * machine, its load bounded at 120 s on a busy one.
 */
import {execFileSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {formatSoak, runSoak, soakOptionsFromEnv} from '../../bench/soak.js'

const POSTGRES_URL = process.env.MAESTRO_TEST_POSTGRES_URL
const hasRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!POSTGRES_URL || !hasRedisServer)('soak (short)', () => {
  it('loses no acknowledged write across three daemons through a daemon kill and Redis faults', async () => {
    const options = soakOptionsFromEnv({
      MAESTRO_TEST_POSTGRES_URL: POSTGRES_URL,
      SOAK_PORT_BASE: process.env.SOAK_PORT_BASE ?? '18540',
    })
    const report = await runSoak({...options, log: () => undefined})
    console.log(formatSoak(report))
    expect(report.publishes.sent).toBe(options.publishes)
    expect(report.publishes.acknowledged).toBeGreaterThan(options.publishes / 2)
    expect(report.failures).toEqual([])
  }, 175_000)
})
