import {join} from 'node:path'

import {describe, expect, it, onTestFinished} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import type {LocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore} from '../../../src/store/git-store.js'
import {LOCAL, git, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {createTestDatabase, DIALECTS, unavailable} from '../db/helpers.js'
import type {TestDialect} from '../db/helpers.js'

/**
 * A store configuration whose index is on `dialect`: SQLite in the store folder (the
 * default), or a PostgreSQL schema of its own through DATABASE_URL. The git store
 * stays on local disk either way.
 */
async function configFor(dialect: TestDialect, env: Record<string, string> = {}) {
  if (dialect === 'sqlite') return testConfig(env)
  const database = await createTestDatabase(dialect)
  onTestFinished(() => database.drop())
  return testConfig({DATABASE_URL: database.url, ...env})
}

async function publishDir(registry: LocalRegistry, dir: string) {
  return registry.publish({template: await loadTemplateDir(dir)})
}

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`LocalRegistry (${dialect})`, () => {
    async function open(config?: ReturnType<typeof testConfig>) {
      const resolved = config ?? (await configFor(dialect))
      const registry = await openLocalRegistry({config: resolved, context: LOCAL})
      return {registry, config: resolved, repoDir: join(resolved.home, 'git', 'local.git')}
    }

    // Two daemons starting together on one PostgreSQL database and one store (two stores
    // on one database refuse: see store-identity.test.ts). (Not SQLite in one process:
    // better-sqlite3 is synchronous, so a connection waiting for the write lock would
    // block the event loop of the one holding it.)
    it.skipIf(dialect === 'sqlite')(
      'opens twice at once on a new database: both migrate it, neither fails',
      async () => {
        const config = await configFor(dialect)
        const [a, b] = await Promise.all([
          openLocalRegistry({config, context: LOCAL}),
          openLocalRegistry({config, context: LOCAL}),
        ])
        await publishDir(a, await writeTemplate(tempDir(), {name: 'twice-opened'}))
        expect((await b.search({text: 'twice'})).total).toBe(1)
        await Promise.all([a.close(), b.close()])
      },
    )

    it('publishes a template into git and the index, and finds it by search', async () => {
      const {registry, repoDir} = await open()
      const dir = await writeTemplate(tempDir(), {name: 'billing-service'})
      const result = await publishDir(registry, dir)
      expect(result.status).toBe('created')
      expect(result.template).toMatchObject({namespace: 'local', name: 'billing-service', version: '0.1.0'})
      expect(result.quality?.score).toBeGreaterThanOrEqual(70)

      const found = await registry.search({text: 'billing'})
      expect(found.items.map((i) => i.name)).toEqual(['billing-service'])
      expect(git(repoDir, 'log', '--format=%s')).toContain('create billing-service@0.1.0')
      git(repoDir, 'fsck', '--strict')
      await registry.close()
    })

    it('treats the same version with the same content as already published, without a commit', async () => {
      const {registry, repoDir} = await open()
      const dir = await writeTemplate(tempDir())
      const first = await publishDir(registry, dir)
      const again = await publishDir(registry, dir)
      expect(again.status).toBe('unchanged')
      expect(again.commit).toBe(first.commit)
      expect(git(repoDir, 'rev-list', '--count', 'HEAD').trim()).toBe('1')
      await registry.close()
    })

    it('refuses changed content under a published version and commits nothing', async () => {
      const {registry, repoDir} = await open()
      const dir = await writeTemplate(tempDir())
      await publishDir(registry, dir)
      await writeTemplate(dir, {files: {'files/extra.txt': 'more'}})
      await expect(publishDir(registry, dir)).rejects.toMatchObject({code: 'VERSION_EXISTS'})
      expect(git(repoDir, 'rev-list', '--count', 'HEAD').trim()).toBe('1')
      await registry.close()
    })

    it('keeps older versions readable by exact version and by range', async () => {
      const {registry} = await open()
      const dir = await writeTemplate(tempDir(), {version: '1.0.0'})
      await publishDir(registry, dir)
      await writeTemplate(dir, {version: '1.1.0', files: {'files/CHANGES.md': 'second version'}})
      expect((await publishDir(registry, dir)).status).toBe('updated')
      await writeTemplate(dir, {version: '2.0.0', files: {'files/CHANGES.md': 'third version'}})
      await publishDir(registry, dir)

      expect((await registry.get('demo-template')).version).toBe('2.0.0')
      expect((await registry.get('demo-template@1.0.0')).files.map((f) => f.path)).not.toContain(
        'files/CHANGES.md',
      )
      expect((await registry.get('demo-template@^1')).version).toBe('1.1.0')
      expect((await registry.get('demo-template@~1.0')).version).toBe('1.0.0')
      const project = await registry.instantiate('demo-template@^1', {answers: {project_name: 'x'}})
      expect(new TextDecoder().decode(project.files.get('CHANGES.md'))).toBe('second version')
      expect((await registry.versions('demo-template')).map((v) => v.version)).toEqual([
        '2.0.0',
        '1.1.0',
        '1.0.0',
      ])
      await expect(registry.get('demo-template@^3')).rejects.toMatchObject({code: 'NOT_FOUND'})
      await expect(registry.get('demo-template@not-a-range')).rejects.toMatchObject({code: 'INVALID_VERSION'})
      await registry.close()
    })

    it('deletes a template from the index while git keeps its history', async () => {
      const {registry, repoDir} = await open()
      await publishDir(registry, await writeTemplate(tempDir()))
      const deleted = await registry.delete('demo-template')
      expect(deleted.namespace).toBe('local')
      await expect(registry.get('demo-template')).rejects.toMatchObject({code: 'NOT_FOUND'})
      expect((await registry.search({text: 'demo'})).total).toBe(0)
      expect(git(repoDir, 'log', '--format=%s').split('\n')).toEqual([
        'delete demo-template',
        'create demo-template@0.1.0',
        '',
      ])
      git(repoDir, 'fsck', '--strict')
      await registry.close()
    })

    it('repairs the index at the next start after a write died between commit and index', async () => {
      const config = await configFor(dialect)
      const {registry} = await open(config)
      await registry.close()
      // The commit lands in git, the process "dies" before the index transaction.
      const template = await loadTemplateDir(await writeTemplate(tempDir(), {name: 'orphan-template'}))
      await new GitStore(join(config.home, 'git')).repo('local').commit({
        operation: 'create',
        name: 'orphan-template',
        version: '0.1.0',
        path: 'backend_developer/orphan-template',
        files: template.files,
      })
      const reopened = await open(config)
      expect((await reopened.registry.get('orphan-template')).version).toBe('0.1.0')
      await reopened.registry.close()
    })

    it('rebuilds the same index from git with reindex', async () => {
      const {registry} = await open()
      const dir = await writeTemplate(tempDir(), {version: '1.0.0'})
      await publishDir(registry, dir)
      await writeTemplate(dir, {version: '1.2.0', files: {'files/NEW.md': 'new'}})
      await publishDir(registry, dir)
      const before = await registry.versions('demo-template')
      const result = await registry.reindex()
      expect(result.namespaces.find((n) => n.namespace === 'local')).toMatchObject({
        templates: 1,
        versions: 2,
      })
      expect((await registry.versions('demo-template')).map((v) => [v.version, v.commit])).toEqual(
        before.map((v) => [v.version, v.commit]),
      )
      await registry.close()
    })

    it('refuses a template below the quality gate and commits nothing', async () => {
      const {registry, repoDir} = await open()
      const dir = await writeTemplate(tempDir(), {files: {'README.md': '# x\n'}})
      const {rmSync} = await import('node:fs')
      rmSync(join(dir, 'examples'), {recursive: true})
      await expect(publishDir(registry, dir)).rejects.toMatchObject({code: 'QUALITY_GATE_FAILED'})
      await expect(registry.get('demo-template')).rejects.toMatchObject({code: 'NOT_FOUND'})
      expect(() => git(repoDir, 'rev-parse', 'HEAD')).toThrow()
      await registry.close()
    })

    it('lists every missing required answer before rendering anything', async () => {
      const dir = await writeTemplate(tempDir(), {
        files: {
          'manifest.yaml': `name: needs-answers
version: 1.0.0
description: A template with two required parameters and no defaults at all
category: backend_developer
author: Test
license: MIT
tags: [test]
parameters:
  - {name: owner, type: string, description: Who owns it}
  - {name: port, type: integer, description: Port to listen on}
`,
        },
      })
      const config = await configFor(dialect, {ENABLE_QUALITY_GATES: 'false'})
      const ungated = await openLocalRegistry({config, context: LOCAL})
      await ungated.publish({template: await loadTemplateDir(dir)})
      await expect(ungated.instantiate('needs-answers', {answers: {}})).rejects.toMatchObject({
        code: 'MISSING_ANSWERS',
        missing: ['owner', 'port'],
      })
      await ungated.close()
    })

    it('keeps the same name in two tenants apart', async () => {
      const {registry} = await open()
      await publishDir(registry, await writeTemplate(tempDir()))
      const acme = registry.withContext({tenant: 'acme', user: 'ana', role: 'editor'})
      await expect(acme.get('demo-template')).rejects.toMatchObject({code: 'NOT_FOUND'})
      await acme.publish({
        template: await loadTemplateDir(await writeTemplate(tempDir(), {version: '5.0.0'})),
      })
      expect((await acme.get('demo-template')).version).toBe('5.0.0')
      expect((await registry.get('demo-template')).version).toBe('0.1.0')
      expect((await acme.search({text: 'demo'})).items.map((i) => i.namespace)).toEqual(['acme'])
      await registry.close()
    })

    it('updates a template in place: a new version under the same name, never a rename, never at a version', async () => {
      const {registry} = await open()
      await publishDir(registry, await writeTemplate(tempDir(), {name: 'ledger-api'}))
      const next = await loadTemplateDir(
        await writeTemplate(tempDir(), {name: 'ledger-api', version: '0.2.0'}),
      )
      const updated = await registry.update('ledger-api', {template: next, message: 'ledger-api: second'})
      expect(updated.template).toMatchObject({name: 'ledger-api', version: '0.2.0', namespace: 'local'})
      expect((await registry.versions('ledger-api')).map((v) => v.version)).toEqual(['0.2.0', '0.1.0'])

      const renamed = await loadTemplateDir(
        await writeTemplate(tempDir(), {name: 'ledger-two', version: '0.3.0'}),
      )
      await expect(registry.update('ledger-api', {template: renamed})).rejects.toMatchObject({
        code: 'USAGE_ERROR',
        data: {expected: 'ledger-api', got: 'ledger-two'},
      })
      await expect(registry.update('ledger-api@0.2.0', {template: next})).rejects.toMatchObject({
        code: 'USAGE_ERROR',
      })
      await expect(registry.update('no-such-template', {template: next})).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
      // Nothing of the refused updates reached the index.
      expect((await registry.versions('ledger-api')).map((v) => v.version)).toEqual(['0.2.0', '0.1.0'])
      expect((await registry.search({text: 'ledger-two'})).total).toBe(0)

      const viewer = registry.withContext({tenant: 'local', user: 'v', role: 'viewer'})
      await expect(viewer.update('ledger-api', {template: next})).rejects.toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      })
      await registry.close()
    })

    it('reports quality registry-wide from the index: every readable template, the failing ones with their weakest check', async () => {
      const {registry} = await open()
      await publishDir(registry, await writeTemplate(tempDir(), {name: 'report-one'}))
      await publishDir(
        registry,
        await writeTemplate(tempDir(), {name: 'report-two', category: 'qa_engineer'}),
      )
      const lenient = await registry.qualityReport({minScore: 0})
      expect(lenient.totals).toMatchObject({templates: 2, scored: 2, failing: 0})
      const strict = await registry.qualityReport({minScore: 101})
      expect(strict.totals).toMatchObject({templates: 2, failing: 2, passing: 0})
      const failing = strict.categories.flatMap((c) => c.failing)
      expect(failing.map((f) => f.name).sort()).toEqual(['report-one', 'report-two'])
      for (const f of failing) {
        if (f.score < 100)
          expect(f.weakest?.id).toMatch(/^(documentation|examples|metadata|structure|dependencies)$/)
      }
      // Another tenant sees none of them.
      const other = registry.withContext({tenant: 'acme', user: 'a', role: 'viewer'})
      expect((await other.qualityReport()).totals.templates).toBe(0)
      await registry.close()
    })
  })
}
