/**
 * The built CLI on a store where one tenant's repository holds a bad plain-git commit (a
 * published version changed in place, made with the real git CLI): commands on the other
 * namespaces work and print one warning line on stderr; a write to the conflicted one
 * fails with INDEX_CONFLICT and what to do.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadTemplateDir} from '../../src/domain/template.js'
import {openLocalRegistry} from '../../src/registry/local-registry.js'
import {runBin} from '../helpers/command.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../helpers/temp.js'
import {git} from '../helpers/git.js'

describe('CLI: another namespace in index conflict', () => {
  it('works on the local namespace with a one-line warning on stderr', async () => {
    const config = testConfig()
    const registry = await openLocalRegistry({config, context: LOCAL})
    await registry.publish({template: await loadTemplateDir(await writeTemplate(tempDir(), {name: 'api'}))})
    const acme = registry.withContext({tenant: 'acme', user: 'ana', role: 'editor'})
    await acme.publish({template: await loadTemplateDir(await writeTemplate(tempDir(), {name: 'svc'}))})
    await registry.close()

    const work = join(tempDir(), 'work')
    git(tmpdir(), 'clone', '-q', join(config.home, 'git', 'acme.git'), work)
    const readme = join(work, 'backend_developer', 'svc', 'README.md')
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nChanged in place.\n`)
    git(work, 'commit', '-qam', 'edit without a version bump')
    const bad = git(work, 'rev-parse', 'HEAD').trim()
    git(work, 'push', '-q', 'origin', 'main')

    const env = {MAESTRO_HOME: config.home, TEMPLATES_STORAGE_PATH: config.templatesStoragePath, CI: 'true'}
    const search = runBin(['search', '--json'], env)
    expect(search.status, search.stderr).toBe(0)
    expect(JSON.parse(search.stdout).items.map((t: {name: string}) => t.name)).toEqual(['api'])
    const lines = search.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('namespace acme')
    expect(lines[0]).toContain(bad.slice(0, 12))
    expect(lines[0]).toContain('git revert')

    const published = runBin(['create', await writeTemplate(tempDir(), {name: 'worker'}), '--json'], env)
    expect(published.status, published.stderr).toBe(0)
    expect(JSON.parse(published.stdout).status).toBe('created')
    expect(published.stderr).toContain('namespace acme')
  })
})
