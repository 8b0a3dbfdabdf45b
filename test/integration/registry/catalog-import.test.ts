/**
 * First use of a new store: the catalog is imported with the quality reports the build
 * computed (dist/catalog-snapshot.json) for templates whose files are exactly those the
 * snapshot was built from, and scored as usual otherwise.
 */
import {appendFileSync, cpSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {buildCatalogSnapshot, SNAPSHOT_FORMAT} from '../../../src/quality/catalog-snapshot.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {LOCAL, tempDir, testConfig} from '../../helpers/temp.js'

const BUNDLED = new URL('../../../templates_storage', import.meta.url).pathname

function smallCatalog(): string {
  const dir = tempDir('maestro-catalog-')
  for (const path of ['devops_engineer/github-actions-ci', 'security_specialist/threat-model']) {
    mkdirSync(join(dir, path.split('/')[0]!), {recursive: true})
    cpSync(join(BUNDLED, path), join(dir, path), {recursive: true})
  }
  return dir
}

describe('importing the catalog into a new store', () => {
  it('uses the snapshot report for unchanged files and scores a template edited since', async () => {
    const catalog = smallCatalog()
    const snapshot = await buildCatalogSnapshot(catalog)
    expect(Object.keys(snapshot.reports)).toHaveLength(2)
    // Mark the snapshot's reports, so the test can tell a stored report from a fresh score.
    for (const report of Object.values(snapshot.reports)) report.score = 71
    // Edited after the snapshot was built: its content hash is no longer in the snapshot.
    appendFileSync(join(catalog, 'security_specialist/threat-model/README.md'), '\nEdited after the build.\n')

    const registry = await openLocalRegistry({config: testConfig(), context: LOCAL, importCatalog: false})
    try {
      expect(await registry.importCatalog(catalog, undefined, snapshot)).toBe(2)
      const byName = new Map((await registry.search({limit: 10})).items.map((t) => [t.name, t]))
      expect(byName.get('github-actions-ci')?.quality_score).toBe(71)
      expect(byName.get('threat-model')?.quality_score).toBeGreaterThanOrEqual(80)
    } finally {
      await registry.close()
    }
  })

  it('scores every template when there is no snapshot, with the same scores the snapshot holds', async () => {
    const catalog = smallCatalog()
    const snapshot = await buildCatalogSnapshot(catalog)
    const registry = await openLocalRegistry({config: testConfig(), context: LOCAL, importCatalog: false})
    try {
      await registry.importCatalog(catalog, undefined, {format: SNAPSHOT_FORMAT, reports: {}})
      const scores = (await registry.search({limit: 10})).items.map((t) => t.quality_score).sort()
      expect(scores).toEqual(
        Object.values(snapshot.reports)
          .map((r) => r.score)
          .sort(),
      )
    } finally {
      await registry.close()
    }
  })
})
