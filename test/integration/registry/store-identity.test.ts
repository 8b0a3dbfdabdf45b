/**
 * Several registries (CLIs, daemons) on one database: each must be on the store its
 * database was built from, start-up repair never drops what it cannot see, and every
 * registry on a shared store sees every write at once, caches included.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, renameSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it, onTestFinished} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import type {LocalRegistry} from '../../../src/registry/local-registry.js'
import {STORE_IDENTITY_FILE} from '../../../src/store/index.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {createTestDatabase, DIALECTS, unavailable} from '../db/helpers.js'
import type {TestDialect} from '../db/helpers.js'
import {REDIS_URL, testPrefix} from '../events/support.js'
import {startTestServer, templateUpload} from '../server/support.js'

type Config = ReturnType<typeof testConfig>

const GIT_ENV = {...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir()}
const git = (gitDir: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', gitDir, ...args], {encoding: 'utf8', env: GIT_ENV}).trim()

/** A database URL of its own: a PostgreSQL schema, or an SQLite file outside any store. */
async function databaseUrl(dialect: TestDialect): Promise<string> {
  if (dialect === 'sqlite') return `sqlite:${join(tempDir(), 'index.db')}`
  const database = await createTestDatabase(dialect)
  onTestFinished(() => database.drop())
  return database.url
}

async function open(config: Config, startup?: 'rebuild'): Promise<LocalRegistry> {
  const registry = await openLocalRegistry({config, context: LOCAL, ...(startup ? {startup} : {})})
  onTestFinished(() => registry.close())
  return registry
}

async function publish(registry: LocalRegistry, name: string, version = '1.0.0') {
  const dir = await writeTemplate(tempDir(), {name, version})
  return (await registry.publish({template: await loadTemplateDir(dir)})).template
}

async function openError(config: Config): Promise<Error & {code?: string}> {
  return openLocalRegistry({config, context: LOCAL}).then(
    async (r) => {
      await r.close()
      return new Error('opened')
    },
    (err: unknown) => err as Error & {code?: string},
  )
}

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`several registries on one database (${dialect})`, () => {
    it('refuses to start on a store that is not the one its database was built from, and says why', async () => {
      const url = await databaseUrl(dialect)
      const first = testConfig({DATABASE_URL: url})
      const a = await open(first)
      const id = (await publish(a, 'shared-name')).id

      const second = testConfig({DATABASE_URL: url})
      const err = await openError(second)
      expect(err.code).toBe('STORE_MISMATCH')
      expect(err.message).toContain(join(second.home, 'git'))
      expect(err.message).toContain('MAESTRO_HOME')
      // Nothing was written into the other store, nothing removed from the index.
      expect(existsSync(join(second.home, 'git', 'public.git'))).toBe(false)
      expect(await a.get('shared-name')).toMatchObject({id, version: '1.0.0'})
      await a.close()
      expect((await (await open(first)).get('shared-name')).id).toBe(id)
    })

    it('on a shared store, sees the other registry’s writes at once, caches included', async () => {
      const config = testConfig({DATABASE_URL: await databaseUrl(dialect)})
      const [a, b] = [await open(config), await open(config)]
      await publish(a, 'seen-by-both')
      expect((await b.get('seen-by-both')).version).toBe('1.0.0')
      expect((await b.search({text: 'seen'})).total).toBe(1)
      await publish(a, 'seen-by-both', '1.1.0')
      expect((await b.get('seen-by-both')).version).toBe('1.1.0')
      expect((await b.versions('seen-by-both')).map((v) => v.version)).toEqual(['1.1.0', '1.0.0'])
      await a.delete('seen-by-both')
      await expect(b.get('seen-by-both')).rejects.toMatchObject({code: 'NOT_FOUND'})
      expect((await b.search({text: 'seen'})).total).toBe(0)
    })

    it('never drops index rows for commits it cannot see: it stops and explains', async () => {
      const config = testConfig({DATABASE_URL: await databaseUrl(dialect)})
      const registry = await open(config)
      const {id} = await publish(registry, 'kept')
      const indexed = (await registry.get('kept')).commit
      await registry.close()
      // The history is replaced by an unrelated one (a force-push, a wrong restore).
      const bare = join(config.home, 'git', 'local.git')
      const tree = git(bare, 'mktree', '--missing')
      const orphan = execFileSync('git', ['--git-dir', bare, 'commit-tree', tree, '-m', 'unrelated'], {
        encoding: 'utf8',
        env: {
          ...GIT_ENV,
          GIT_AUTHOR_NAME: 'x',
          GIT_AUTHOR_EMAIL: 'x@x',
          GIT_COMMITTER_NAME: 'x',
          GIT_COMMITTER_EMAIL: 'x@x',
        },
        input: '',
      }).trim()
      git(bare, 'update-ref', 'refs/heads/main', orphan)

      const err = await openError(config)
      expect(err.code).toBe('STORE_MISMATCH')
      expect(err.message).toContain(indexed)
      expect(err.message).toContain('maestro-tpl reindex')
      const untouched = await open(config, 'rebuild')
      expect((await untouched.get('kept')).id).toBe(id)
      // The explicit rebuild follows git.
      await untouched.reindex()
      await expect(untouched.get('kept')).rejects.toMatchObject({code: 'NOT_FOUND'})
    })

    it('stops when the store has lost a repository the index holds, and keeps its rows', async () => {
      const config = testConfig({DATABASE_URL: await databaseUrl(dialect)})
      const registry = await open(config)
      const {id} = await publish(registry, 'lost')
      await registry.close()
      renameSync(join(config.home, 'git', 'local.git'), join(config.home, 'git', 'moved-away'))
      const err = await openError(config)
      expect(err.code).toBe('STORE_MISMATCH')
      expect(err.message).toContain('namespace local')
      renameSync(join(config.home, 'git', 'moved-away'), join(config.home, 'git', 'local.git'))
      expect((await (await open(config)).get('lost')).id).toBe(id)
    })

    it('adopts a store restored from git that holds every indexed commit, with the same ids', async () => {
      const url = await databaseUrl(dialect)
      const config = testConfig({DATABASE_URL: url})
      const registry = await open(config)
      const {id} = await publish(registry, 'restored')
      await registry.close()
      const restored = testConfig({DATABASE_URL: url})
      for (const ns of ['local', 'public']) {
        const from = join(config.home, 'git', `${ns}.git`)
        if (existsSync(from))
          execFileSync('git', ['clone', '-q', '--mirror', from, join(restored.home, 'git', `${ns}.git`)], {
            env: GIT_ENV,
          })
      }
      expect(existsSync(join(restored.home, 'git', STORE_IDENTITY_FILE))).toBe(false)
      const reopened = await open(restored)
      expect((await reopened.get('restored')).id).toBe(id)
      await reopened.reindex()
      expect((await reopened.get('restored')).id).toBe(id)
    })

    it('two daemons: the second, on another store, refuses to start; on one store both serve every write', async () => {
      const url = await databaseUrl(dialect)
      const first = await startTestServer({env: {DATABASE_URL: url}})
      await expect(startTestServer({env: {DATABASE_URL: url}})).rejects.toMatchObject({
        code: 'STORE_MISMATCH',
      })

      const second = await startTestServer({env: {DATABASE_URL: url, MAESTRO_HOME: first.config.home}})
      const created = await first.api('/api/v1/templates', {json: templateUpload({name: 'two-daemons'})})
      expect(created.status).toBe(201)
      const {id} = ((await created.json()) as {template: {id: string}}).template
      // Read twice: the second answer comes from the response cache.
      for (let i = 0; i < 2; i++) expect((await second.api(`/api/v1/templates/${id}`)).status).toBe(200)
      expect((await first.api('/api/v1/templates/two-daemons', {method: 'DELETE'})).status).toBe(200)
      expect((await second.api(`/api/v1/templates/${id}`)).status).toBe(404)
      expect((await second.api('/api/v1/templates/two-daemons')).status).toBe(404)
    })

    it.skipIf(!REDIS_URL)(
      'two daemons sharing Redis and a store answer a write by a process without Redis at once',
      async () => {
        const url = await databaseUrl(dialect)
        const env = {DATABASE_URL: url, REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: testPrefix()}
        const first = await startTestServer({env})
        const second = await startTestServer({env: {...env, MAESTRO_HOME: first.config.home}})
        // A CLI on the same store and database, without Redis: it invalidates nothing there.
        const cli = await open(testConfig({DATABASE_URL: url, MAESTRO_HOME: first.config.home}))
        const {id} = await publish(cli, 'redis-cached')
        for (const daemon of [first, second]) {
          for (let i = 0; i < 2; i++) expect((await daemon.api(`/api/v1/templates/${id}`)).status).toBe(200)
          const search = (await (await daemon.api('/api/v1/templates?text=redis')).json()) as {total: number}
          expect(search.total).toBe(1)
        }
        await cli.delete('redis-cached')
        for (const daemon of [first, second]) {
          expect((await daemon.api(`/api/v1/templates/${id}`)).status).toBe(404)
          const search = (await (await daemon.api('/api/v1/templates?text=redis')).json()) as {total: number}
          expect(search.total).toBe(0)
        }
      },
    )
  })
}
