/**
 * 200 clients that do not retry publish into one tenant at once: every one must succeed
 * (issue 22.5: before, 54 got 201, 122 a 409 from the namespace lock and 24 a 503 from the
 * render queue). Loopback only; bounded by the count.
 */
import {describe, expect, it, onTestFinished} from 'vitest'

import {emptyCatalog, git, tempDir} from '../../helpers/temp.js'
import {POSTGRES_URL, createTestDatabase} from '../db/helpers.js'
import {REDIS_URL, testPrefix} from '../events/support.js'
import {startTestServer, templateUpload, type TestServer} from './support.js'

const PUBLISHES = 200

/** Fires the publishes at once, round-robin over `servers`, and returns the answers by status. */
async function contend(servers: TestServer[], label: string): Promise<Record<number, number>> {
  const started = performance.now()
  const answers = await Promise.all(
    Array.from({length: PUBLISHES}, (_, i) =>
      servers[i % servers.length]!.api('/api/v1/templates', {
        json: templateUpload({name: `contended-${i}`}),
      }).then(async (res) => ({status: res.status, body: await res.text()})),
    ),
  )
  const seconds = (performance.now() - started) / 1000
  const byStatus: Record<number, number> = {}
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1
  console.log(
    `${label}: ${PUBLISHES} concurrent publishes: ${JSON.stringify(byStatus)} in ${seconds.toFixed(1)} s (${(PUBLISHES / seconds).toFixed(1)}/s)`,
  )
  const refused = answers.find((a) => a.status !== 201)
  if (refused) console.log(refused.body)
  return byStatus
}

describe('daemon: concurrent publishes into one tenant', () => {
  it(`answers ${PUBLISHES} concurrent publishes all with 201, each in git and in the index`, async () => {
    const server = await startTestServer()
    expect(await contend([server], 'one daemon, SQLite')).toEqual({201: PUBLISHES})

    const list = await (await server.api('/api/v1/templates?limit=100&namespace=local')).json()
    expect(list.total).toBe(PUBLISHES)
    const log = git(`${server.config.home}/git/local.git`, 'log', '--format=%s', 'main')
    expect(log.trim().split('\n')).toHaveLength(PUBLISHES)
    // It asserts the answers, not the rate: 200 quality renders on a machine shared with
    // other work can take longer than the default 30 s.
  }, 120_000)

  it.skipIf(!POSTGRES_URL || !REDIS_URL)(
    `answers ${PUBLISHES} concurrent publishes over two daemons on PostgreSQL and Redis all with 201`,
    async () => {
      const database = await createTestDatabase('postgres')
      onTestFinished(() => database.drop())
      const env = {
        MAESTRO_HOME: tempDir('maestro-shared-home-'),
        TEMPLATES_STORAGE_PATH: emptyCatalog(),
        DATABASE_URL: database.url,
        REDIS_URL: REDIS_URL!,
        REDIS_KEY_PREFIX: testPrefix(),
      }
      const first = await startTestServer({env})
      const second = await startTestServer({env})
      expect(await contend([first, second], 'two daemons, PostgreSQL + Redis')).toEqual({201: PUBLISHES})
      for (const server of [first, second]) {
        const list = await (await server.api('/api/v1/templates?limit=1&namespace=local')).json()
        expect(list.total).toBe(PUBLISHES)
      }
      const log = git(`${env.MAESTRO_HOME}/git/local.git`, 'log', '--format=%s', 'main')
      expect(log.trim().split('\n')).toHaveLength(PUBLISHES)
    },
    120_000,
  )
})
