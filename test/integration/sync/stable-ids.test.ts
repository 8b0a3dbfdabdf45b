/**
 * Template ids survive a git sync to another store: they derive from the namespace, the
 * name and the commit that created the template, which the sync copies as they are.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Sync from '../../../commands/sync.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {runCommand} from '../../helpers/command.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {startGitHttpServer, type GitHttpServer} from './git-http-server.js'

describe('template ids across a git sync', () => {
  let server: GitHttpServer
  const savedEnv = {...process.env}
  beforeEach(async () => {
    server = await startGitHttpServer()
    process.env.TEMPLATES_STORAGE_PATH = tempDir('maestro-empty-')
    process.env.MAESTRO_SYNC_ALLOWED_HOSTS = '127.0.0.1'
  })
  afterEach(async () => {
    await server.close()
    process.env = {...savedEnv}
  })

  it('gives the templates pulled into another store the ids they have in the first', async () => {
    const url = server.createRepo('team')
    const a = testConfig()
    const registry = await openLocalRegistry({config: a, context: LOCAL})
    const ids: Record<string, string> = {}
    for (const name of ['orders-api', 'billing-api']) {
      const dir = await writeTemplate(tempDir(), {name})
      ids[name] = (await registry.publish({template: await loadTemplateDir(dir)})).template.id
    }
    await registry.close()
    expect((await runCommand(Sync, ['--store', a.home, '--remote-url', url, '--push'])).exitCode).toBe(0)

    const b = tempDir('maestro-store-')
    const pulled = await runCommand(Sync, ['--store', b, '--remote-url', url, '--pull'])
    expect(pulled.exitCode, pulled.stderr).toBe(0)
    const other = await openLocalRegistry({config: testConfig({MAESTRO_HOME: b}), context: LOCAL})
    for (const [name, id] of Object.entries(ids)) expect((await other.get(name)).id).toBe(id)
    await other.reindex()
    for (const [name, id] of Object.entries(ids)) expect((await other.get(name)).id).toBe(id)
    await other.close()
  })
})
