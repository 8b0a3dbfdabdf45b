import {sql} from 'kysely'
import {afterEach, beforeEach, describe, expect, it, onTestFinished} from 'vitest'

import {InvalidVersionError, NotFoundError, VersionConflictError} from '../../../src/domain/errors.js'
import {IndexHeadMovedError, TemplateIndex} from '../../../src/db/template-index.js'
import type {IndexChange} from '../../../src/db/template-index.js'
import {DIALECTS, gitOid, openTestDb, unavailable, version} from './helpers.js'
import type {TestDb} from './helpers.js'

async function count(t: TestDb, table: string): Promise<number> {
  const {rows} = await sql<{n: number}>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.db)
  return Number(rows[0]?.n)
}

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`TemplateIndex (${dialect})`, () => {
    let t: TestDb
    beforeEach(async () => {
      t = await openTestDb(dialect)
    })
    afterEach(async () => {
      await t.close()
    })

    describe('recordVersion', () => {
      it('creates a template with its first version, files, blobs and namespace head', async () => {
        const input = version({qualityScore: 88})
        const result = await t.index.recordVersion(input)
        expect(result.status).toBe('created')

        const tpl = await t.index.findTemplate(['public'], 'fastapi-service')
        expect(tpl).toMatchObject({
          id: result.templateId,
          namespace: 'public',
          name: 'fastapi-service',
          version: '1.0.0',
          category: 'backend_developer',
          author: 'Maestro Team',
          tags: ['python', 'fastapi', 'api'],
          quality_score: 88,
          latest_version_id: result.versionId,
          usage_count: 0,
          created_at: (input.createdAt as Date).toISOString(),
        })
        expect(await t.index.getNamespaceHead('public')).toBe(input.commit)
        expect(await count(t, 'version_files')).toBe(2)
        expect(await count(t, 'blobs')).toBe(2)
      })

      it('adds a version to an existing template as "updated"', async () => {
        const first = await t.index.recordVersion(version())
        const second = await t.index.recordVersion(
          version({version: '1.1.0', description: 'Now with metrics'}),
        )
        expect(second).toMatchObject({templateId: first.templateId, status: 'updated'})
        expect(second.versionId).not.toBe(first.versionId)
        const tpl = await t.index.findTemplate(['public'], 'fastapi-service')
        expect(tpl).toMatchObject({
          version: '1.1.0',
          description: 'Now with metrics',
          latest_version_id: second.versionId,
        })
      })

      it('answers "unchanged" for the same version with the same files, writing nothing', async () => {
        const input = version()
        const first = await t.index.recordVersion(input)
        await t.index.setNamespaceHead('public', 'later-commit')
        const again = await t.index.recordVersion({...input, commit: 'other-commit', message: 'again'})
        expect(again).toEqual({templateId: first.templateId, versionId: first.versionId, status: 'unchanged'})
        expect(await t.index.getNamespaceHead('public')).toBe('later-commit')
        expect(await count(t, 'template_versions')).toBe(1)
      })

      it('refuses the same version with other files, and rolls back', async () => {
        await t.index.recordVersion(version())
        const head = await t.index.getNamespaceHead('public')
        const changed = version({readme: '# changed\n'})
        await expect(t.index.recordVersion(changed)).rejects.toThrow(VersionConflictError)
        await expect(t.index.recordVersion(changed)).rejects.toMatchObject({code: 'VERSION_EXISTS'})
        expect(await t.index.getNamespaceHead('public')).toBe(head)
        expect(await count(t, 'template_versions')).toBe(1)
      })

      it('rejects a manifest version that is not semver', async () => {
        await expect(t.index.recordVersion(version({version: 'banana'}))).rejects.toThrow(InvalidVersionError)
      })

      it('keeps latest_* and the metadata on the highest semver, not the last published', async () => {
        await t.index.recordVersion(version({version: '2.0.0', description: 'Two'}))
        await t.index.recordVersion(version({version: '1.5.0', description: 'One and a half'}))
        await t.index.recordVersion(version({version: '3.0.0-rc.1', description: 'Three soon'}))
        const tpl = await t.index.findTemplate(['public'], 'fastapi-service')
        expect(tpl).toMatchObject({version: '2.0.0', description: 'Two'})
        // The last publish still moves updated_at.
        const versions = await t.index.listVersions(['public'], tpl!.id)
        expect(tpl!.updated_at).toBe(versions.find((v) => v.version === '3.0.0-rc.1')!.created_at)

        const {items} = await t.index.search(['public'], {text: 'half'})
        expect(items).toEqual([])
        expect((await t.index.search(['public'], {text: 'two'})).total).toBe(1)
      })

      it('takes the highest prerelease as latest while there is no release', async () => {
        await t.index.recordVersion(version({version: '1.0.0-beta.2'}))
        await t.index.recordVersion(version({version: '1.0.0-beta.10'}))
        await t.index.recordVersion(version({version: '1.0.0-alpha.1'}))
        expect((await t.index.findTemplate(['public'], 'fastapi-service'))?.version).toBe('1.0.0-beta.10')
        await t.index.recordVersion(version({version: '0.9.0'}))
        expect((await t.index.findTemplate(['public'], 'fastapi-service'))?.version).toBe('0.9.0')
      })

      it('stores each blob once across versions and templates', async () => {
        await t.index.recordVersion(version({readme: 'shared'}))
        await t.index.recordVersion(version({name: 'other', readme: 'shared'}))
        // Two manifests, one README.
        expect(await count(t, 'blobs')).toBe(3)
        expect(await count(t, 'version_files')).toBe(4)
      })
    })

    describe('versions', () => {
      let templateId: string
      beforeEach(async () => {
        for (const v of ['1.0.0', '1.2.0', '1.2.7', '1.10.0', '2.0.0', '3.0.0-rc.1']) {
          templateId = (await t.index.recordVersion(version({version: v}))).templateId
        }
      })

      it('lists versions highest semver first', async () => {
        const versions = await t.index.listVersions(['public'], templateId)
        expect(versions.map((v) => v.version)).toEqual([
          '3.0.0-rc.1',
          '2.0.0',
          '1.10.0',
          '1.2.7',
          '1.2.0',
          '1.0.0',
        ])
        expect(versions[0]).toMatchObject({
          template_id: templateId,
          namespace: 'public',
          author: 'Ada <ada@example.com>',
        })
      })

      it.each([
        [undefined, '2.0.0'],
        ['', '2.0.0'],
        ['latest', '2.0.0'],
        ['1.2.0', '1.2.0'],
        ['v1.2.0', '1.2.0'],
        ['3.0.0-rc.1', '3.0.0-rc.1'],
        ['^1', '1.10.0'],
        ['~1.2', '1.2.7'],
        ['1.2', '1.2.7'],
        ['>=1 <2', '1.10.0'],
        ['1.x', '1.10.0'],
        ['*', '2.0.0'],
        ['^3.0.0-rc.0', '3.0.0-rc.1'],
      ])('resolves %j to %s', async (spec, expected) => {
        const v = await t.index.resolveVersion(['public'], templateId, spec)
        expect(v.version).toBe(expected)
        expect(v.manifest.version).toBe(expected)
        expect(v.readme).toContain('fastapi-service')
      })

      it('pages versions in semver order, counting them all, and reads only the page', async () => {
        const first = await t.index.versionPage(['public'], templateId, {offset: 0, limit: 2})
        expect(first.total).toBe(6)
        expect(first.items.map((v) => v.version)).toEqual(['3.0.0-rc.1', '2.0.0'])
        const middle = await t.index.versionPage(['public'], templateId, {offset: 2, limit: 3})
        expect(middle.items.map((v) => v.version)).toEqual(['1.10.0', '1.2.7', '1.2.0'])
        expect(middle.items[0]).toMatchObject({template_id: templateId, namespace: 'public'})
        const past = await t.index.versionPage(['public'], templateId, {offset: 6, limit: 5})
        expect(past).toEqual({items: [], total: 6})
        expect(await t.index.versionPage(['acme'], templateId, {offset: 0, limit: 5})).toEqual({
          items: [],
          total: 0,
        })
      })

      it('names the range when nothing satisfies it', async () => {
        const error = await t.index.resolveVersion(['public'], templateId, '^4').catch((e: unknown) => e)
        expect(error).toBeInstanceOf(NotFoundError)
        expect((error as Error).message).toContain('fastapi-service@^4')
        expect((error as Error).message).toContain('2.0.0')
        await expect(t.index.resolveVersion(['public'], templateId, '1.2.3')).rejects.toThrow(NotFoundError)
      })

      it('rejects a malformed spec', async () => {
        await expect(t.index.resolveVersion(['public'], templateId, 'not a range!')).rejects.toThrow(
          InvalidVersionError,
        )
      })

      it('does not resolve versions of a template outside the namespaces', async () => {
        await expect(t.index.resolveVersion(['acme'], templateId)).rejects.toThrow(NotFoundError)
        expect(await t.index.listVersions(['acme'], templateId)).toEqual([])
      })
    })

    describe('files', () => {
      it('reads back every file byte for byte, with oid, size and a binary flag', async () => {
        const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02])
        const input = version({extra: {'files/logo.png': png, 'files/app/{{ name }}.py': 'print("hi")\n'}})
        const {versionId} = await t.index.recordVersion(input)

        const files = await t.index.readFiles(['public'], versionId)
        expect([...files.keys()]).toEqual([
          'README.md',
          'files/app/{{ name }}.py',
          'files/logo.png',
          'manifest.yaml',
        ])
        expect(files.get('files/logo.png')).toEqual(png)
        expect(new TextDecoder().decode(files.get('files/app/{{ name }}.py'))).toBe('print("hi")\n')

        const listed = await t.index.listFiles(['public'], versionId)
        expect(listed.find((f) => f.path === 'files/logo.png')).toEqual({
          path: 'files/logo.png',
          oid: gitOid(png),
          size: 7,
          binary: true,
        })
        expect(listed.find((f) => f.path === 'README.md')?.binary).toBe(false)
      })

      it('refuses to read a version from another namespace', async () => {
        const {versionId} = await t.index.recordVersion(version({namespace: 'acme'}))
        await expect(t.index.readFiles(['public'], versionId)).rejects.toThrow(NotFoundError)
        await expect(t.index.listFiles(['beta'], versionId)).rejects.toThrow(NotFoundError)
        await expect(t.index.readFiles([], versionId)).rejects.toThrow(NotFoundError)
        expect((await t.index.readFiles(['acme'], versionId)).size).toBe(2)
      })
    })

    describe('scoping', () => {
      it('finds a name in the first namespace of the precedence list', async () => {
        const pub = await t.index.recordVersion(version({namespace: 'public'}))
        const acme = await t.index.recordVersion(version({namespace: 'acme'}))
        expect((await t.index.findTemplate(['acme', 'public'], 'fastapi-service'))?.id).toBe(acme.templateId)
        expect((await t.index.findTemplate(['public', 'acme'], 'fastapi-service'))?.id).toBe(pub.templateId)
        expect(await t.index.findTemplate(['beta'], 'fastapi-service')).toBeUndefined()
        expect(await t.index.findTemplate([], 'fastapi-service')).toBeUndefined()
      })

      it('gets a template by id only within the namespaces', async () => {
        const {templateId} = await t.index.recordVersion(version({namespace: 'acme'}))
        expect((await t.index.getTemplateById(['acme'], templateId))?.name).toBe('fastapi-service')
        expect(await t.index.getTemplateById(['public', 'beta'], templateId)).toBeUndefined()
      })
    })

    describe('deleteTemplate', () => {
      it('removes the template, its versions, files, search row and orphaned blobs, and records the head', async () => {
        await t.index.recordVersion(version({readme: 'shared readme'}))
        await t.index.recordVersion(version({version: '1.1.0', readme: 'shared readme'}))
        await t.index.recordVersion(
          version({name: 'keeper', description: 'Keeps going', tags: ['misc'], readme: 'shared readme'}),
        )

        expect(await t.index.deleteTemplate('public', 'fastapi-service', 'c0ffee')).toBe(true)
        expect(await t.index.findTemplate(['public'], 'fastapi-service')).toBeUndefined()
        expect(await count(t, 'template_versions')).toBe(1)
        expect(await count(t, 'version_files')).toBe(2)
        // keeper's manifest and the shared README survive; the two fastapi manifests go.
        expect(await count(t, 'blobs')).toBe(2)
        expect(await t.index.getNamespaceHead('public')).toBe('c0ffee')
        expect((await t.index.search(['public'], {text: 'fastapi'})).items.map((i) => i.name)).toEqual([])
        expect((await t.index.search(['public'], {})).items.map((i) => i.name)).toEqual(['keeper'])

        expect(await t.index.deleteTemplate('public', 'fastapi-service', 'c0ffee2')).toBe(false)
        expect(await t.index.getNamespaceHead('public')).toBe('c0ffee2')
      })

      it('deletes only in the given namespace', async () => {
        await t.index.recordVersion(version({namespace: 'acme'}))
        await t.index.recordVersion(version({namespace: 'public'}))
        await t.index.deleteTemplate('acme', 'fastapi-service', 'c1')
        expect(await t.index.findTemplate(['public'], 'fastapi-service')).toBeDefined()
        expect((await t.index.search(['public'], {text: 'fastapi'})).total).toBe(1)
      })
    })

    describe('recordChanges (a publish batch)', () => {
      /** Everything a change leaves in the index, with version ids (random) given by template and version. */
      async function dump(db: TestDb['db']) {
        const versions = await db
          .selectFrom('template_versions as v')
          .innerJoin('templates as t', 't.id', 'v.template_id')
          .select([
            'v.id',
            't.name',
            'v.version',
            'v.commit',
            'v.created_at',
            'v.content_hash',
            'v.quality_score',
          ])
          .orderBy('t.name')
          .orderBy('v.version')
          .execute()
        const label = new Map(versions.map((v) => [v.id, `${v.name}@${v.version}`]))
        const templates = await db.selectFrom('templates').selectAll().orderBy('seq').execute()
        const files = await db.selectFrom('version_files').selectAll().execute()
        const index = new TemplateIndex(db)
        return {
          templates: templates.map((row) => ({...row, latest_version_id: label.get(row.latest_version_id)})),
          versions: versions.map(({id: _id, ...v}) => v),
          files: files
            .map((f) => ({...f, version_id: label.get(f.version_id)}))
            .sort((a, b) => `${a.version_id} ${a.path}`.localeCompare(`${b.version_id} ${b.path}`)),
          blobs: (await db.selectFrom('blobs').select('oid').orderBy('oid').execute()).map((b) => b.oid),
          namespaces: await db
            .selectFrom('namespaces')
            .select(['name', 'head_commit', 'generation'])
            .execute(),
          searches: await Promise.all(
            [
              {},
              {text: 'api'},
              {text: 'worker'},
              {text: 'obsolete'},
              {tags: ['batch']},
              {sort: 'updated'} as const,
            ].map(async (q) =>
              (await index.search(['public'], q)).items.map((i) => `${i.name}@${i.version}`),
            ),
          ),
        }
      }

      it('leaves the index as the same writes recorded one by one, unchanged, deletes and repeats included', async () => {
        const other = await openTestDb(dialect)
        onTestFinished(other.close)
        const before = [
          version({name: 'api', readme: 'shared'}),
          version({name: 'old', description: 'obsolete', readme: 'only old'}),
          version({name: 'keep', version: '2.0.0'}),
        ]
        const api100 = before[0]!
        const batch: IndexChange[] = [
          {
            kind: 'version',
            input: version({name: 'api', version: '1.1.0', description: 'Newer api', readme: 'shared'}),
          },
          {kind: 'version', input: version({name: 'worker', tags: ['batch'], qualityScore: 70})},
          // An older version of an existing template: not its latest.
          {kind: 'version', input: version({name: 'keep', version: '1.5.0', description: 'older'})},
          // The same version with the same files: unchanged.
          {kind: 'version', input: {...api100, commit: 'f'.repeat(40)}},
          {kind: 'delete', namespace: 'public', name: 'old', commit: 'd'.repeat(40)},
          {kind: 'version', input: version({name: 'cli', tags: ['batch'], readme: 'shared'})},
          {kind: 'version', input: version({name: 'api', version: '1.2.0', qualityScore: 91})},
          {kind: 'version', input: version({name: 'worker', version: '0.9.0'})},
        ]
        for (const db of [t, other]) for (const input of before) await db.index.recordVersion(input)

        for (const change of batch) {
          if (change.kind === 'version') await other.index.recordVersion(change.input)
          else await other.index.deleteTemplate(change.namespace, change.name, change.commit)
        }
        await t.index.recordChanges(batch, before.at(-1)!.commit)

        const batched = await dump(t.db)
        expect(batched).toEqual(await dump(other.db))
        expect(batched.templates.map((row) => `${row.name}@${row.latest_version}`)).toEqual([
          'api@1.2.0',
          'keep@2.0.0',
          'worker@1.0.0',
          'cli@1.0.0',
        ])
        expect(batched.namespaces).toEqual([
          {
            name: 'public',
            head_commit: (batch.at(-1) as {input: {commit: string}}).input.commit,
            generation: 10,
          },
        ])
      })

      it('records many versions in a fixed number of statements', async () => {
        let statements = 0
        const counting = new TemplateIndex(
          t.db.withPlugin({
            transformQuery: (args) => {
              statements += 1
              return args.node
            },
            transformResult: async (args) => args.result,
          }),
        )
        const run = async (names: string[], v: string) => {
          statements = 0
          await counting.recordChanges(
            names.map((name) => ({
              kind: 'version',
              input: version({name, version: v, readme: `${name} ${v}`}),
            })),
          )
          return statements
        }
        const names = (n: number, prefix: string) => Array.from({length: n}, (_, i) => `${prefix}-${i}`)
        const two = await run(names(2, 'small'), '1.0.0')
        const forty = await run(names(40, 'large'), '1.0.0')
        // 40 templates × 2 files: the blobs take two inserts of 50 instead of one.
        expect(forty).toBeLessThanOrEqual(two + 1)
        expect(forty).toBeLessThan(16)
        // New versions of existing templates, likewise.
        expect(await run(names(40, 'large'), '1.1.0')).toBeLessThanOrEqual(forty + 1)
        expect(await t.index.countTemplates(['public'])).toBe(42)
        expect((await t.index.findTemplate(['public'], 'large-7'))?.version).toBe('1.1.0')
      })

      it('is fenced once: a moved head refuses the whole batch, and so does a conflict in it', async () => {
        const first = version({name: 'api'})
        await t.index.recordVersion(first)
        const fresh: IndexChange[] = [
          {kind: 'version', input: version({name: 'a'})},
          {kind: 'version', input: version({name: 'b'})},
        ]
        await expect(t.index.recordChanges(fresh, 'not-the-head')).rejects.toThrow(IndexHeadMovedError)
        await expect(
          t.index.recordChanges(
            [...fresh, {kind: 'version', input: version({name: 'api', readme: 'other files'})}],
            first.commit,
          ),
        ).rejects.toThrow(VersionConflictError)
        expect(await t.index.countTemplates(['public'])).toBe(1)
        expect(await t.index.getNamespaceHead('public')).toBe(first.commit)
        await t.index.recordChanges(fresh, first.commit)
        expect(await t.index.countTemplates(['public'])).toBe(3)
        expect(await t.index.getNamespaceHead('public')).toBe(
          (fresh[1] as {input: {commit: string}}).input.commit,
        )
      })
    })

    describe('namespaces', () => {
      it('clears one namespace for a reindex, then collects orphaned blobs', async () => {
        await t.index.recordVersion(
          version({namespace: 'acme', description: 'Only acme', readme: 'only acme'}),
        )
        await t.index.recordVersion(version({namespace: 'public'}))
        expect(await t.index.clearNamespace('acme')).toBe(1)
        expect(await t.index.getNamespaceHead('acme')).toBeNull()
        expect(await t.index.countTemplates(['acme'])).toBe(0)
        expect((await t.index.search(['acme'], {})).total).toBe(0)
        expect(await t.index.countTemplates(['public'])).toBe(1)
        expect(await t.index.collectGarbage()).toBe(2)
        expect(await t.index.collectGarbage()).toBe(0)
        expect((await t.index.listNamespaces()).map((n) => n.name)).toEqual(['acme', 'public'])
      })

      it('sets and reads heads', async () => {
        expect(await t.index.getNamespaceHead('acme')).toBeNull()
        await t.index.setNamespaceHead('acme', 'abc')
        await t.index.setNamespaceHead('acme', 'def')
        expect(await t.index.getNamespaceHead('acme')).toBe('def')
      })
    })

    describe('transaction', () => {
      it('commits several writes together or not at all', async () => {
        const failing = t.index.transaction(async (tx) => {
          await tx.recordVersion(version({name: 'first'}))
          await tx.recordVersion(version({name: 'second', version: 'nope'}))
        })
        await expect(failing).rejects.toThrow(InvalidVersionError)
        expect(await t.index.countTemplates(['public'])).toBe(0)

        await t.index.transaction(async (tx) => {
          await tx.clearNamespace('public')
          await tx.recordVersion(version({name: 'first'}))
          await tx.recordVersion(version({name: 'second'}))
        })
        expect(await t.index.countTemplates(['public'])).toBe(2)
      })
    })

    describe('counters', () => {
      it('counts templates, versions, categories and blobs per namespace set', async () => {
        await t.index.recordVersion(version({name: 'a', category: 'backend_developer', readme: 'same'}))
        await t.index.recordVersion(
          version({name: 'a', version: '1.1.0', category: 'backend_developer', readme: 'same'}),
        )
        await t.index.recordVersion(version({name: 'b', category: 'devops_engineer'}))
        await t.index.recordVersion(version({name: 'c', namespace: 'acme', category: 'devops_engineer'}))

        expect(await t.index.countTemplates(['public'])).toBe(2)
        expect(await t.index.countTemplates(['public', 'acme'])).toBe(3)
        const stats = await t.index.stats(['public'])
        expect(stats).toMatchObject({
          templates: 2,
          versions: 3,
          categories: {backend_developer: 1, devops_engineer: 1},
        })
        // a@1.0.0 manifest, a@1.1.0 manifest, 'same', b manifest, b README.
        expect(stats.blobs).toBe(5)
        expect(stats.blob_bytes).toBeGreaterThan(0)
        expect(await t.index.stats([])).toEqual({
          templates: 0,
          versions: 0,
          categories: {},
          blobs: 0,
          blob_bytes: 0,
        })
      })

      it('reads the uses of some templates, among the namespaces a caller reads only', async () => {
        const a = await t.index.recordVersion(version({name: 'a'}))
        const b = await t.index.recordVersion(version({name: 'b'}))
        const hidden = await t.index.recordVersion(version({name: 'c', namespace: 'acme'}))
        await t.index.incrementUsage(a.templateId)
        await t.index.incrementUsage(a.templateId)
        await t.index.incrementUsage(hidden.templateId)
        const ids = [a.templateId, b.templateId, hidden.templateId]
        expect(await t.index.usageOf(['public'], ids)).toEqual(new Map([[a.templateId, 2]]))
        expect(await t.index.usageOf(['public', 'acme'], ids)).toEqual(
          new Map([
            [a.templateId, 2],
            [hidden.templateId, 1],
          ]),
        )
        expect(await t.index.usageOf(['public'], [])).toEqual(new Map())
      })

      it('increments usage', async () => {
        const {templateId} = await t.index.recordVersion(version())
        await t.index.incrementUsage(templateId)
        await t.index.incrementUsage(templateId)
        expect((await t.index.getTemplateById(['public'], templateId))?.usage_count).toBe(2)
      })
    })

    describe('qualityRows', () => {
      it('gives every template with its score, and the stored report of the latest version of those below the minimum', async () => {
        const report = (score: number) => ({score, checks: [{id: 'examples', points: 2, weight: 20}]})
        await t.index.recordVersion({
          ...version({name: 'strong-api', qualityScore: 91}),
          qualityReport: report(91),
        })
        await t.index.recordVersion({
          ...version({name: 'weak-api', qualityScore: 40}),
          qualityReport: report(40),
        })
        // A newer version scores lower: the report of the latest is the one returned.
        await t.index.recordVersion({
          ...version({name: 'weak-api', version: '99.0.0', qualityScore: 55}),
          qualityReport: report(55),
        })
        await t.index.recordVersion(version({name: 'never-scored', qualityScore: null}))
        await t.index.recordVersion({
          ...version({name: 'tenant-api', namespace: 'acme', qualityScore: 10}),
          qualityReport: report(10),
        })
        await t.index.recordVersion({
          ...version({name: 'other-api', namespace: 'globex', qualityScore: 10}),
          qualityReport: report(10),
        })
        const rows = await t.index.qualityRows(['acme', 'public'], 70)
        const byName = Object.fromEntries(rows.map((r) => [r.name, r]))
        expect(Object.keys(byName).sort()).toEqual(['never-scored', 'strong-api', 'tenant-api', 'weak-api'])
        expect(byName['strong-api']).toMatchObject({namespace: 'public', score: 91, report: null})
        expect(byName['weak-api']).toMatchObject({score: 55, report: report(55)})
        expect(byName['never-scored']).toMatchObject({score: null, report: null})
        expect(byName['tenant-api']).toMatchObject({namespace: 'acme', score: 10, report: report(10)})
        expect(await t.index.qualityRows([], 70)).toEqual([])
      })
    })
  })
}
