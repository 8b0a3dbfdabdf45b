/**
 * Group commit with one index transaction per batch (src/registry/pending-index.ts):
 * writes that wait together land together, each decided on an index that holds the
 * writes before it, and each answered only once indexed.
 */
import {describe, expect, it} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'

async function template(name: string, version: string, note = version) {
  return loadTemplateDir(await writeTemplate(tempDir(), {name, version, files: {'files/NOTE.md': note}}))
}

describe('one index transaction per batch', () => {
  it('lands every concurrent write, versions of one template in order among others, and a conflicting one alone fails', async () => {
    const registry = await openLocalRegistry({config: testConfig(), context: LOCAL})
    try {
      await registry.publish({template: await template('api', '1.0.0')})
      const inputs = [
        await template('api', '1.1.0'),
        await template('worker', '1.0.0'),
        await template('api', '1.2.0'),
        await template('api', '1.0.0', 'other content'), // a published version changed: refused
        await template('cli', '1.0.0'),
        await template('api', '1.3.0'),
      ]
      const results = await Promise.allSettled(inputs.map((t) => registry.publish({template: t})))
      expect(
        results.map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as {code: string}).code)),
      ).toEqual(['updated', 'created', 'updated', 'VERSION_EXISTS', 'created', 'updated'])
      expect((await registry.versions('api')).map((v) => v.version)).toEqual([
        '1.3.0',
        '1.2.0',
        '1.1.0',
        '1.0.0',
      ])
      // Each answer names its own commit, and the index is at git's head.
      const commits = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.commit] : []))
      expect(new Set(commits).size).toBe(5)
      expect((await registry.get('api')).version).toBe('1.3.0')
      const {items} = await registry.search({})
      expect(items.map((t) => t.name).sort()).toEqual(['api', 'cli', 'worker'])
      expect(await registry.indexConflicts()).toEqual([])
      await registry.reindex()
      expect((await registry.versions('api')).map((v) => v.version)).toEqual([
        '1.3.0',
        '1.2.0',
        '1.1.0',
        '1.0.0',
      ])
    } finally {
      await registry.close()
    }
  })
})
