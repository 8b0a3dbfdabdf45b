/**
 * First use from the prebuilt catalog store (src/registry/catalog-store.ts): a new SQLite
 * store on exactly the catalog the store was built from starts as a copy of it (packed git
 * history and index) and claims an identity of its own; any other catalog is imported.
 */
import {appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {buildCatalogSnapshot} from '../../../src/quality/catalog-snapshot.js'
import {buildCatalogStore, catalogFingerprint} from '../../../src/registry/catalog-store.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'

const BUNDLED = new URL('../../../templates_storage', import.meta.url).pathname

/** Two bundled templates, in a folder of its own (with an empty workflows_storage beside). */
function smallCatalog(): string {
  const root = tempDir('maestro-catalog-')
  const dir = join(root, 'templates_storage')
  mkdirSync(join(root, 'workflows_storage'))
  for (const path of ['devops_engineer/github-actions-ci', 'security_specialist/threat-model']) {
    mkdirSync(join(dir, path.split('/')[0]!), {recursive: true})
    cpSync(join(BUNDLED, path), join(dir, path), {recursive: true})
  }
  return dir
}

async function prebuilt(catalog: string): Promise<string> {
  const out = join(tempDir('maestro-catalog-store-'), 'catalog-store')
  const manifest = await buildCatalogStore(catalog, out, await buildCatalogSnapshot(catalog))
  expect(manifest).toMatchObject({templates: 2, workflows: 0, fingerprint: catalogFingerprint(catalog)})
  return out
}

/** Packfiles of the store's public namespace (a namespace imported one publish at a time has none). */
function packs(home: string): string[] {
  const dir = join(home, 'git', 'public.git', 'objects', 'pack')
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pack')) : []
}

describe('a new store from the prebuilt catalog store', () => {
  it('is a copy of the catalog, reads from the pack, takes new writes and has its own identity', async () => {
    const catalog = smallCatalog()
    const from = await prebuilt(catalog)
    const config = testConfig({TEMPLATES_STORAGE_PATH: catalog})
    const registry = await openLocalRegistry({config, context: LOCAL, catalogStore: from})
    try {
      expect(packs(config.home)).toHaveLength(1)
      const listed = await registry.search({limit: 10})
      expect(listed.items.map((t) => t.name).sort()).toEqual(['github-actions-ci', 'threat-model'])
      const detail = await registry.get('threat-model')
      expect(detail.namespace).toBe('public')
      const project = await registry.instantiate('threat-model', {
        answers: {system_name: 'Billing'},
        useDefaults: true,
      })
      expect(project.files.size).toBeGreaterThan(0)
      const dir = await writeTemplate(tempDir(), {name: 'after-seed'})
      await registry.publish({template: await loadTemplateDir(dir), namespace: 'local'})
      expect((await registry.search({text: 'after-seed'})).items.map((t) => t.name)).toContain('after-seed')
    } finally {
      await registry.close()
    }
    // The store's identity is its own, not the build's: the prebuilt store ships none.
    const identity = JSON.parse(readFileSync(join(config.home, 'git', 'maestro-store.json'), 'utf8')) as {
      id: string
    }
    expect(existsSync(join(from, 'maestro-store.json'))).toBe(false)
    const again = await openLocalRegistry({config, context: LOCAL, catalogStore: from})
    try {
      expect((await again.search({limit: 10})).total).toBe(3)
    } finally {
      await again.close()
    }
    expect(identity.id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('is not used for a catalog edited since it was built: that one is imported', async () => {
    const catalog = smallCatalog()
    const from = await prebuilt(catalog)
    appendFileSync(join(catalog, 'security_specialist/threat-model/README.md'), '\nEdited after the build.\n')
    const config = testConfig({TEMPLATES_STORAGE_PATH: catalog})
    const registry = await openLocalRegistry({config, context: LOCAL, catalogStore: from})
    try {
      expect(packs(config.home)).toEqual([])
      expect((await registry.search({limit: 10})).total).toBe(2)
      const {files} = await registry.instantiate('threat-model', {
        answers: {system_name: 'Billing'},
        useDefaults: true,
      })
      expect(files.size).toBeGreaterThan(0)
    } finally {
      await registry.close()
    }
  })
})
