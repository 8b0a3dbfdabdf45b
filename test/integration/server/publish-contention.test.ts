/**
 * 200 clients that do not retry publish into one tenant at once: every one must succeed
 * (issue 22.5: before, 54 got 201, 122 a 409 from the namespace lock and 24 a 503 from the
 * render queue). Loopback only; bounded by the count.
 */
import {describe, expect, it} from 'vitest'

import {git} from '../../helpers/temp.js'
import {startTestServer, templateUpload} from './support.js'

const PUBLISHES = 200

describe('daemon: concurrent publishes into one tenant', () => {
  it(`answers ${PUBLISHES} concurrent publishes all with 201, each in git and in the index`, async () => {
    const server = await startTestServer()
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({length: PUBLISHES}, (_, i) =>
        server
          .api('/api/v1/templates', {json: templateUpload({name: `contended-${i}`})})
          .then(async (res) => ({status: res.status, body: await res.text()})),
      ),
    )
    const seconds = (performance.now() - started) / 1000
    const byStatus: Record<number, number> = {}
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1
    console.log(
      `${PUBLISHES} concurrent publishes: ${JSON.stringify(byStatus)} in ${seconds.toFixed(1)} s (${(PUBLISHES / seconds).toFixed(1)}/s)`,
    )
    expect(byStatus, answers.find((a) => a.status !== 201)?.body).toEqual({201: PUBLISHES})

    const list = await (await server.api('/api/v1/templates?limit=100&namespace=local')).json()
    expect(list.total).toBe(PUBLISHES)
    const log = git(`${server.config.home}/git/local.git`, 'log', '--format=%s', 'main')
    expect(log.trim().split('\n')).toHaveLength(PUBLISHES)
  })
})
