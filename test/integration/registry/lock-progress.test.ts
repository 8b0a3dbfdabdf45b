/**
 * A write waits for its namespace's lock as long as the namespace makes progress
 * (src/registry/local-registry.ts #lockWhileProgressing): a lock wait that runs out while
 * another writer keeps committing is waited again; one during which nothing was committed
 * fails with 409 CONFLICT.
 */
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {describe, expect, it} from 'vitest'

import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore} from '../../../src/store/git-store.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'

const WAIT_MS = 300

describe('the wait for a namespace lock', () => {
  it('goes on while another writer keeps committing, and fails with CONFLICT when nothing moves', async () => {
    const config = testConfig({MAESTRO_WRITE_LOCK_WAIT_MS: String(WAIT_MS)})
    const registry = await openLocalRegistry({config, context: LOCAL})
    try {
      const template = async (name: string) =>
        loadTemplateDir(await writeTemplate(tempDir(), {name, version: '1.0.0'}))
      await registry.publish({template: await template('first')})
      // Another writer on the same store (as another daemon would be) holds the lock for
      // four lock waits, committing every 150 ms.
      const other = new GitStore(join(config.home, 'git')).repo('local')
      const busy = other.withLock(async () => {
        for (let i = 0; i < 8; i++) {
          await sleep(150)
          await other.commit({
            operation: 'create',
            name: `raw-${i}`,
            version: '1.0.0',
            path: `backend_developer/raw-${i}`,
            files: scaffoldTemplate({name: `raw-${i}`, category: 'backend_developer'}),
          })
        }
      })
      await sleep(20)
      const started = performance.now()
      const published = await registry.publish({template: await template('patient')})
      expect(published.status).toBe('created')
      expect(performance.now() - started).toBeGreaterThan(3 * WAIT_MS)
      await busy
      // The other writer's commits were indexed on the way.
      expect((await registry.search({})).items.map((t) => t.name)).toContain('raw-7')

      // Held with nothing committed: the wait runs out once.
      const idle = other.withLock(() => sleep(4 * WAIT_MS))
      await sleep(20)
      const refused = await registry
        .publish({template: await template('refused')})
        .catch((err: unknown) => err)
      expect(refused).toMatchObject({code: 'CONFLICT', status: 409})
      await idle
    } finally {
      await registry.close()
    }
  })
})
