/**
 * Git used as git: the real git CLI writes (a plain commit, a commit made in a clone and
 * pushed back, a branch fast-forward) and maestro-tpl reads, and the reverse. The index
 * follows the trees, whatever wrote the commits, and template ids survive a reindex and
 * a restore of the repositories into another store.
 */
import {cpSync, readFileSync, rmSync, writeFileSync, renameSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import type {LocalRegistry} from '../../../src/registry/local-registry.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {git} from '../../helpers/git.js'

type Config = ReturnType<typeof testConfig>

async function open(config: Config): Promise<LocalRegistry> {
  return openLocalRegistry({config, context: LOCAL})
}

async function publish(registry: LocalRegistry, name: string, version = '1.0.0', extra = {}) {
  const dir = await writeTemplate(tempDir(), {name, version, files: extra})
  return registry.publish({template: await loadTemplateDir(dir)})
}

/** A store with `api` published by maestro-tpl, and a clone of its repository to work in. */
async function storeWithClone(): Promise<{config: Config; bare: string; work: string; id: string}> {
  const config = testConfig()
  const registry = await open(config)
  const {template} = await publish(registry, 'api')
  await registry.close()
  const bare = join(config.home, 'git', 'local.git')
  const work = join(tempDir(), 'work')
  git(tmpdir(), 'clone', '-q', bare, work)
  return {config, bare, work, id: template.id}
}

function setVersion(work: string, path: string, version: string): void {
  const manifest = join(work, path, 'manifest.yaml')
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: .*$/m, `version: ${version}`))
}

describe('git interoperability', () => {
  it('indexes a plain commit made in a clone and pushed back (README edited, version bumped)', async () => {
    const {config, work, id} = await storeWithClone()
    writeFileSync(join(work, 'backend_developer/api/README.md'), '# api\n\nEdited with git.\n')
    setVersion(work, 'backend_developer/api', '1.1.0')
    git(work, 'commit', '-qam', 'docs: explain api')
    git(work, 'push', '-q', 'origin', 'main')

    const registry = await open(config)
    const detail = await registry.get('api')
    expect(detail).toMatchObject({id, version: '1.1.0', readme: '# api\n\nEdited with git.\n'})
    expect(detail.commit).toBe(git(work, 'rev-parse', 'HEAD').trim())
    expect((await registry.versions('api')).map((v) => [v.version, v.message, v.author])).toEqual([
      ['1.1.0', 'docs: explain api', 'Git User'],
      ['1.0.0', 'create api@1.0.0', 'local'],
    ])
    // reindex derives the same from the trees: same versions, same id.
    await registry.reindex()
    expect((await registry.get('api')).id).toBe(id)
    expect((await registry.versions('api')).map((v) => v.version)).toEqual(['1.1.0', '1.0.0'])
    await registry.close()
  })

  it('indexes templates created, moved and removed with git, and a branch fast-forwarded onto main', async () => {
    const {config, bare, work} = await storeWithClone()
    git(work, 'checkout', '-qb', 'feature')
    // A new template copied from api, renamed in its manifest.
    cpSync(join(work, 'backend_developer/api'), join(work, 'backend_developer/worker'), {recursive: true})
    const manifest = join(work, 'backend_developer/worker/manifest.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^name: .*$/m, 'name: worker'))
    git(work, 'add', '-A')
    git(work, 'commit', '-qm', 'add worker')
    // api moves to another category (its manifest says so) with a new version.
    mkdirSync(join(work, 'devops_engineer'))
    renameSync(join(work, 'backend_developer/api'), join(work, 'devops_engineer/api'))
    const apiManifest = join(work, 'devops_engineer/api/manifest.yaml')
    writeFileSync(
      apiManifest,
      readFileSync(apiManifest, 'utf8')
        .replace(/^category: .*$/m, 'category: devops_engineer')
        .replace(/^version: .*$/m, 'version: 2.0.0'),
    )
    git(work, 'add', '-A')
    git(work, 'commit', '-qm', 'move api')
    git(work, 'push', '-q', 'origin', 'feature')
    // Fast-forward main to the branch in the store's repository.
    git(bare, '--git-dir', bare, 'update-ref', 'refs/heads/main', 'refs/heads/feature')

    const registry = await open(config)
    expect((await registry.get('worker')).version).toBe('1.0.0')
    expect(await registry.get('api')).toMatchObject({category: 'devops_engineer', version: '2.0.0'})
    expect((await registry.search({})).items.map((t) => t.name)).toEqual(['api', 'worker'])
    await registry.close()

    git(work, 'checkout', '-q', 'main')
    git(work, 'pull', '-q', 'origin', 'feature')
    git(work, 'rm', '-rq', 'backend_developer/worker')
    git(work, 'commit', '-qm', 'drop worker')
    git(work, 'push', '-q', 'origin', 'main')
    const reopened = await open(config)
    await expect(reopened.get('worker')).rejects.toMatchObject({code: 'NOT_FOUND'})
    expect((await reopened.search({})).total).toBe(1)
    await reopened.close()
  })

  it('indexes a merge commit as what it brings to main', async () => {
    const {config, work} = await storeWithClone()
    git(work, 'checkout', '-qb', 'docs')
    writeFileSync(join(work, 'backend_developer/api/README.md'), '# api\n\nFrom a branch.\n')
    setVersion(work, 'backend_developer/api', '1.0.1')
    git(work, 'commit', '-qam', 'docs on a branch')
    git(work, 'checkout', '-q', 'main')
    writeFileSync(join(work, 'NOTES.md'), 'not a template\n')
    git(work, 'add', '-A')
    git(work, 'commit', '-qm', 'notes at the top')
    git(work, 'merge', '-q', '--no-ff', '--no-edit', 'docs')
    git(work, 'push', '-q', 'origin', 'main')

    const registry = await open(config)
    expect(await registry.get('api')).toMatchObject({version: '1.0.1', readme: '# api\n\nFrom a branch.\n'})
    expect((await registry.versions('api')).map((v) => v.version)).toEqual(['1.0.1', '1.0.0'])
    // maestro-tpl goes on writing on top of the merge, and git accepts the result.
    expect((await publish(registry, 'api', '1.2.0')).status).toBe('updated')
    await registry.close()
    const bare = join(config.home, 'git', 'local.git')
    git(bare, '--git-dir', bare, 'fsck', '--strict', '--full', '--no-dangling')
    expect(
      git(bare, '--git-dir', bare, 'log', '-2', '--format=%p').trim().split('\n')[1]!.split(' '),
    ).toHaveLength(2)
  })

  it('keeps a namespace with a version changed in place at its last indexed state, refusing its writes, and serves the others', async () => {
    const {config, work} = await storeWithClone()
    const before = await open(config)
    const acme = before.withContext({tenant: 'acme', user: 'ana', role: 'editor'})
    const svcDir = await writeTemplate(tempDir(), {name: 'svc'})
    await acme.publish({template: await loadTemplateDir(svcDir)})
    await before.close()
    writeFileSync(join(work, 'backend_developer/api/README.md'), '# api\n\nChanged, same version.\n')
    git(work, 'commit', '-qam', 'edit without a version bump')
    const bad = git(work, 'rev-parse', 'HEAD').trim()
    git(work, 'push', '-q', 'origin', 'main')

    // Start-up repair records the problem and goes on.
    const registry = await open(config)
    try {
      expect(await registry.indexConflicts()).toEqual([
        expect.objectContaining({namespace: 'local', commit: bad, path: 'backend_developer/api'}),
      ])
      // Reads of the conflicted namespace: its last indexed state.
      expect((await registry.get('api')).readme).not.toContain('Changed, same version.')
      // Writes to it: INDEX_CONFLICT saying what to do.
      const err = (await publish(registry, 'worker').catch((e: unknown) => e)) as Error & {code?: string}
      expect(err.code, err.message).toBe('INDEX_CONFLICT')
      expect(err.message).toContain(bad.slice(0, 12))
      expect(err.message).toContain('keeps version 1.0.0')
      expect(err.message).toContain('git revert')
      expect(err.message).toContain('bump `version`')
      // Another namespace reads and writes as usual.
      const other = registry.withContext({tenant: 'acme', user: 'ana', role: 'editor'})
      expect((await other.get('svc')).name).toBe('svc')
      const worker = await writeTemplate(tempDir(), {name: 'worker'})
      expect((await other.publish({template: await loadTemplateDir(worker)})).status).toBe('created')
      // reindex tries again, indexes the rest, and says the same.
      await expect(registry.reindex()).rejects.toMatchObject({code: 'INDEX_CONFLICT'})
      expect((await registry.indexConflicts()).map((p) => p.namespace)).toEqual(['local'])
      expect((await registry.get('api')).readme).not.toContain('Changed, same version.')
      expect((await other.get('worker')).name).toBe('worker')

      // Fixed in git: the next write takes the fix and the conflict is gone.
      git(work, 'revert', '--no-edit', 'HEAD')
      git(work, 'push', '-q', 'origin', 'main')
      expect((await publish(registry, 'worker')).status).toBe('created')
      expect(await registry.indexConflicts()).toEqual([])
      expect((await registry.get('api')).readme).not.toContain('Changed, same version.')
    } finally {
      await registry.close()
    }
  })

  it('does not swallow a commit whose trailers name an existing version with other content', async () => {
    const {config, work} = await storeWithClone()
    writeFileSync(join(work, 'backend_developer/api/files/EXTRA.md'), 'extra\n')
    git(work, 'add', '-A')
    git(
      work,
      'commit',
      '-qm',
      'update api@1.0.0\n\nMaestro-Operation: update\nMaestro-Template: api\nMaestro-Version: 1.0.0\nMaestro-Path: backend_developer/api',
    )
    git(work, 'push', '-q', 'origin', 'main')
    const opened = await open(config)
    expect((await opened.indexConflicts()).map((p) => p.path)).toEqual(['backend_developer/api'])
    expect((await opened.getFiles('api')).files.has('files/EXTRA.md')).toBe(false)
    await opened.close()
    // reindex says the same, after indexing the rest.
    const registry = await openLocalRegistry({config, context: LOCAL, startup: 'rebuild'})
    await expect(registry.reindex()).rejects.toMatchObject({code: 'INDEX_CONFLICT'})
    await registry.close()
  })

  it('keeps template ids across reindex and a restore of the repositories into a new store', async () => {
    const config = testConfig()
    const registry = await open(config)
    const api = (await publish(registry, 'api')).template.id
    await publish(registry, 'api', '1.1.0', {'files/NEW.md': 'new'})
    const worker = (await publish(registry, 'worker')).template.id
    await registry.get('api')
    await registry.reindex()
    expect((await registry.get('api')).id).toBe(api)
    expect((await registry.get('worker')).id).toBe(worker)
    await registry.close()

    // Restore: the repository cloned from git into a new home, with a new index.
    const restored = testConfig()
    git(
      tmpdir(),
      'clone',
      '-q',
      '--mirror',
      join(config.home, 'git', 'local.git'),
      join(restored.home, 'git', 'local.git'),
    )
    const copy = await open(restored)
    expect((await copy.get('api')).id).toBe(api)
    expect((await copy.get('worker')).id).toBe(worker)
    expect((await copy.versions('api')).map((v) => v.version)).toEqual(['1.1.0', '1.0.0'])
    await copy.close()
  })

  it('writes what git log, git fsck --strict and git clone read back', async () => {
    const config = testConfig()
    const registry = await open(config)
    await publish(registry, 'api')
    await publish(registry, 'api', '1.1.0', {'files/NEW.md': 'new\n'})
    await publish(registry, 'worker')
    await registry.delete('worker')
    const detail = await registry.getFiles('api')
    await registry.close()

    const bare = join(config.home, 'git', 'local.git')
    git(bare, '--git-dir', bare, 'fsck', '--strict', '--full', '--no-dangling')
    expect(git(bare, '--git-dir', bare, 'log', '--format=%s').trim().split('\n')).toEqual([
      'delete worker',
      'create worker@1.0.0',
      'update api@1.1.0',
      'create api@1.0.0',
    ])
    expect(
      git(
        bare,
        '--git-dir',
        bare,
        'log',
        '-1',
        '--format=%(trailers:key=Maestro-Version,valueonly)',
        'HEAD~1',
      ).trim(),
    ).toBe('1.0.0')
    const work = join(tempDir(), 'clone')
    git(tmpdir(), 'clone', '-q', bare, work)
    for (const [path, content] of detail.files) {
      expect(readFileSync(join(work, 'backend_developer/api', path)), path).toEqual(Buffer.from(content))
    }
    rmSync(work, {recursive: true, force: true})
  })
})
