import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {
  AlreadyExistsError,
  ConflictError,
  InvalidTemplateError,
  NotFoundError,
  UnsafePathError,
  UsageError,
} from '../../../src/domain/errors.js'
import {GitStore} from '../../../src/store/git-store.js'
import {decode, fsck, git, objectFiles, templateFiles, tempDir, text} from './support.js'

async function newRepo(namespace = 'acme') {
  const store = new GitStore(tempDir())
  const repo = store.repo(namespace)
  await repo.init()
  return {store, repo}
}

describe('GitStore', () => {
  it('creates one bare repository per namespace with HEAD on main, idempotently', async () => {
    const {store, repo} = await newRepo()
    await repo.init()
    await store.repo('public').init()
    expect(repo.dir).toBe(join(store.root, 'acme.git'))
    expect(git(repo.dir, 'rev-parse', '--is-bare-repository').trim()).toBe('true')
    expect(git(repo.dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main')
    expect(await repo.head()).toBeNull()
    expect(await repo.log()).toEqual([])
    expect(await store.namespaces()).toEqual(['acme', 'public'])
    expect(store.repo('acme')).toBe(repo)
  })

  it('lists no namespaces for a root that does not exist yet', async () => {
    expect(await new GitStore(join(tempDir(), 'missing')).namespaces()).toEqual([])
  })

  it.each(['', 'Acme', '-acme', '../acme', 'acme/x', 'a.b', 'x'.repeat(64), 'acme.git'])(
    'refuses the namespace name %j',
    (name) => {
      expect(() => new GitStore(tempDir()).repo(name)).toThrow(UsageError)
    },
  )
})

describe('NamespaceRepo.commit', () => {
  it('writes create, update, move and delete as commits that git fsck --strict and git log accept', async () => {
    const {repo} = await newRepo()
    const a1 = await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    expect(a1).toMatchObject({parent: null, unchanged: false})
    expect(a1.blobs.get('README.md')).toBe(
      git(repo.dir, 'rev-parse', `${a1.commit}:backend_developer/api/README.md`).trim(),
    )
    await repo.commit({
      operation: 'create',
      name: 'web',
      version: '0.1.0',
      path: 'frontend_developer/web',
      files: templateFiles('web'),
    })
    const a2 = await repo.commit({
      operation: 'update',
      name: 'api',
      version: '1.1.0',
      path: 'backend_developer/api',
      files: templateFiles('api', '1.1.0'),
    })
    expect(a2.parent).not.toBe(a1.commit)
    const moved = await repo.commit({
      operation: 'update',
      name: 'api',
      version: '2.0.0',
      path: 'devops_engineer/api',
      previousPath: 'backend_developer/api',
      files: templateFiles('api', '2.0.0'),
    })
    await repo.commit({operation: 'delete', name: 'web', path: 'frontend_developer/web'})

    fsck(repo.dir)
    expect(git(repo.dir, 'log', '--format=%s', '--reverse').trim().split('\n')).toEqual([
      'create api@1.0.0',
      'create web@0.1.0',
      'update api@1.1.0',
      'update api@2.0.0',
      'delete web',
    ])
    expect(git(repo.dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', moved.commit).trim()).toBe(
      'maestro-tpl <maestro@localhost>|maestro-tpl <maestro@localhost>',
    )
    // Trailers are real git trailers.
    expect(
      git(repo.dir, 'log', '-1', '--format=%(trailers:only,unfold)', moved.commit).trim().split('\n'),
    ).toEqual([
      'Maestro-Operation: update',
      'Maestro-Template: api',
      'Maestro-Version: 2.0.0',
      'Maestro-Path: devops_engineer/api',
      'Maestro-Previous-Path: backend_developer/api',
    ])
    // The move removed the old folder in the same commit; the emptied categories are gone.
    expect(git(repo.dir, 'ls-tree', '--name-only', moved.commit).trim().split('\n')).toEqual([
      'devops_engineer',
      'frontend_developer',
    ])
    expect(git(repo.dir, 'ls-tree', '--name-only', 'main').trim().split('\n')).toEqual(['devops_engineer'])
    expect(git(repo.dir, 'show', 'main:devops_engineer/api/README.md')).toBe('# api\n\nVersion 2.0.0.\n')
  })

  it('reads a template as it was at every commit', async () => {
    const {repo} = await newRepo()
    const v1 = await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api', '1.0.0', {'files/old.txt': 'old'}),
    })
    const v2 = await repo.commit({
      operation: 'update',
      name: 'api',
      version: '2.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api', '2.0.0', {'files/new/deep/file.txt': 'new'}),
    })
    const gone = await repo.commit({operation: 'delete', name: 'api', path: 'backend_developer/api'})

    const old = await repo.readTemplate(v1.commit, 'backend_developer/api')
    expect([...old.keys()].sort()).toEqual(
      [
        'README.md',
        'examples/basic.yaml',
        'files/old.txt',
        'files/src/{{ project_name }}/main.py',
        'manifest.yaml',
      ].sort(),
    )
    expect(decode(old.get('manifest.yaml'))).toContain('version: 1.0.0')
    const current = await repo.readTemplate(v2.commit, 'backend_developer/api')
    expect(current.has('files/old.txt')).toBe(false)
    expect(decode(current.get('files/new/deep/file.txt'))).toBe('new')
    await expect(repo.readTemplate(gone.commit, 'backend_developer/api')).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(repo.readTemplate('0'.repeat(40), 'backend_developer/api')).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(repo.readTemplate(v2.tree, 'backend_developer/api')).rejects.toBeInstanceOf(NotFoundError)
    // An empty root after the last delete is still a valid commit.
    expect(git(repo.dir, 'ls-tree', gone.commit)).toBe('')
    fsck(repo.dir)
  })

  it('stores 100644 files and 100755 for the paths in executables', async () => {
    const {repo} = await newRepo()
    const files = templateFiles('ci', '1.0.0', {'files/scripts/run.sh': '#!/bin/sh\necho hi\n'})
    const result = await repo.commit({
      operation: 'create',
      name: 'ci',
      version: '1.0.0',
      path: 'devops_engineer/ci',
      files,
      executables: new Set(['files/scripts/run.sh']),
    })
    const modes = git(repo.dir, 'ls-tree', '-r', result.commit)
      .trim()
      .split('\n')
      .map((line) => `${line.split(' ')[0]} ${line.split('\t')[1]}`)
    expect(modes).toContain('100755 devops_engineer/ci/files/scripts/run.sh')
    expect(modes.filter((m) => m.startsWith('100755'))).toHaveLength(1)
    expect(modes.filter((m) => m.startsWith('100644'))).toHaveLength(4)
    const listed = await repo.listFiles(result.commit, 'devops_engineer/ci')
    expect(listed.find((f) => f.path === 'files/scripts/run.sh')?.mode).toBe('100755')
    expect(decode(await repo.readBlob(listed[0]?.oid ?? ''))).toBeTruthy()
    await expect(
      repo.commit({
        operation: 'update',
        name: 'ci',
        version: '1.0.1',
        path: 'devops_engineer/ci',
        files,
        executables: new Set(['files/missing.sh']),
      }),
    ).rejects.toBeInstanceOf(UsageError)
    fsck(repo.dir)
  })

  it('writes no commit when the tree does not change, and returns the head with unchanged', async () => {
    const {repo} = await newRepo()
    const change = {
      operation: 'create' as const,
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    }
    const first = await repo.commit(change)
    const objects = objectFiles(repo.dir)
    const again = await repo.commit({...change, operation: 'update'})
    expect(again).toMatchObject({commit: first.commit, tree: first.tree, parent: null, unchanged: true})
    expect(again.blobs).toEqual(first.blobs)
    // A create retried after a crash (committed, not indexed) is idempotent too.
    const retried = await repo.commit(change)
    expect(retried).toMatchObject({commit: first.commit, unchanged: true})
    expect(retried.blobs).toEqual(first.blobs)
    expect(await repo.head()).toBe(first.commit)
    expect(git(repo.dir, 'rev-list', '--count', 'main').trim()).toBe('1')
    // Nothing was written for either: ids are computed before anything is stored.
    expect(objectFiles(repo.dir)).toBe(objects)
    // Same files but a different mode is a change.
    const chmod = await repo.commit({...change, operation: 'update', executables: new Set(['README.md'])})
    expect(chmod.unchanged).toBe(false)
  })

  it('refuses creating over a template, a name used in another category, and changing what is not there', async () => {
    const {repo} = await newRepo()
    await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    const head = await repo.head()
    const objects = objectFiles(repo.dir)
    await expect(
      repo.commit({
        operation: 'create',
        name: 'api',
        version: '1.0.1',
        path: 'backend_developer/api',
        files: templateFiles('api', '1.0.1'),
      }),
    ).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(
      repo.commit({
        operation: 'create',
        name: 'api',
        version: '1.0.0',
        path: 'qa_engineer/api',
        files: templateFiles('api'),
      }),
    ).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(
      repo.commit({
        operation: 'update',
        name: 'web',
        version: '1.0.0',
        path: 'qa_engineer/web',
        files: templateFiles('web'),
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      repo.commit({
        operation: 'update',
        name: 'api',
        version: '1.0.0',
        path: 'qa_engineer/api',
        previousPath: 'frontend_developer/api',
        files: templateFiles('api'),
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      repo.commit({operation: 'delete', name: 'web', path: 'backend_developer/web'}),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      repo.commit({
        operation: 'create',
        name: 'api',
        version: '1.0.0',
        path: 'backend_developer/other',
        files: templateFiles('api'),
      }),
    ).rejects.toBeInstanceOf(UsageError)
    await expect(
      repo.commit({operation: 'create', name: 'x', path: 'backend_developer/x', files: templateFiles('x')}),
    ).rejects.toBeInstanceOf(UsageError)
    expect(await repo.head()).toBe(head)
    expect(objectFiles(repo.dir)).toBe(objects)
  })

  const unsafe: [string, Record<string, string>][] = [
    ['a parent segment', {'files/../../escape.txt': 'x'}],
    ['an absolute path', {'/etc/passwd': 'x'}],
    ['a drive letter', {'C:/windows.txt': 'x'}],
    ['a backslash', {'files\\evil.txt': 'x'}],
    ['a NUL byte', {'files/a\u0000b': 'x'}],
    ['a newline', {'files/a\nb': 'x'}],
    ['a .git segment', {'files/.git/config': 'x'}],
    ['a .GIT segment', {'files/.GIT/hooks/post-checkout': 'x'}],
    ['an NTFS .git alias', {'files/git~1/config': 'x'}],
    ['an HFS .git alias', {'files/.g\u200cit/config': 'x'}],
    ['an empty segment', {'files//a.txt': 'x'}],
    ['a trailing slash', {'files/': 'x'}],
    ['a dot segment', {'files/./a.txt': 'x'}],
  ]
  it.each(unsafe)('refuses %s and writes nothing', async (_what, extra) => {
    const {repo} = await newRepo()
    await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    const head = await repo.head()
    const objects = objectFiles(repo.dir)
    await expect(
      repo.commit({
        operation: 'update',
        name: 'api',
        version: '1.0.1',
        path: 'backend_developer/api',
        files: templateFiles('api', '1.0.1', extra),
      }),
    ).rejects.toBeInstanceOf(UnsafePathError)
    expect(await repo.head()).toBe(head)
    expect(objectFiles(repo.dir)).toBe(objects)
  })

  it.each(['../api', 'backend_developer/../api', 'api', 'a/b/api', '.git/api', 'backend_developer/.git'])(
    'refuses the template location %j',
    async (path) => {
      const {repo} = await newRepo()
      const name = path.split('/').at(-1) ?? ''
      await expect(
        repo.commit({operation: 'create', name, version: '1.0.0', path, files: templateFiles(name)}),
      ).rejects.toBeInstanceOf(UnsafePathError)
      expect(await repo.head()).toBeNull()
    },
  )

  it('refuses a template without manifest.yaml, and a path that is both a file and a folder', async () => {
    const {repo} = await newRepo()
    const noManifest = templateFiles('api')
    noManifest.delete('manifest.yaml')
    await expect(
      repo.commit({
        operation: 'create',
        name: 'api',
        version: '1.0.0',
        path: 'backend_developer/api',
        files: noManifest,
      }),
    ).rejects.toBeInstanceOf(InvalidTemplateError)
    await expect(
      repo.commit({
        operation: 'create',
        name: 'api',
        version: '1.0.0',
        path: 'backend_developer/api',
        files: templateFiles('api', '1.0.0', {files: 'x', 'files/a': 'y'}),
      }),
    ).rejects.toBeInstanceOf(UsageError)
    expect(await repo.head()).toBeNull()
    expect(objectFiles(repo.dir)).toBe(0)
  })

  it('orders tree entries as git does, so fsck --strict accepts awkward names', async () => {
    const {repo} = await newRepo()
    const names = {
      'files/foo': '1',
      'files/foo.txt': '2',
      'files/foo-bar': '3',
      'files/foo0': '4',
      'files/bar/x': '5',
      'files/bar.d/x': '6',
      'files/bar-x': '7',
      'files/Zeta': '8',
      'files/é-accent': '9',
      'files/日本/語.txt': '10',
      'files/{% if use_docker %}Dockerfile{% endif %}': '11',
      'files/.gitignore': '12',
      'files/.github/workflows/ci.yml': '13',
    }
    const result = await repo.commit({
      operation: 'create',
      name: 'odd',
      version: '1.0.0',
      path: 'qa_engineer/odd',
      files: templateFiles('odd', '1.0.0', names),
    })
    // More templates in sibling categories whose names sort around each other.
    for (const [category, name] of [
      ['qa-engineer', 'a'],
      ['qa_engineer.x', 'b'],
      ['qa', 'c'],
      ['qa_engineer', 'odd-2'],
      ['qa_engineer', 'odd.2'],
    ] as const) {
      await repo.commit({
        operation: 'create',
        name,
        version: '1.0.0',
        path: `${category}/${name}`,
        files: templateFiles(name),
      })
    }
    fsck(repo.dir)
    const read = await repo.readTemplate(result.commit, 'qa_engineer/odd')
    for (const [path, content] of Object.entries(names)) expect(decode(read.get(path))).toBe(content)
    expect(decode(read.get('files/日本/語.txt'))).toBe('10')
    expect(git(repo.dir, 'show', `main:qa_engineer/odd/files/{% if use_docker %}Dockerfile{% endif %}`)).toBe(
      '11',
    )
  })

  it('lists every template folder holding a manifest.yaml with its tree id', async () => {
    const {repo} = await newRepo()
    await repo.commit({
      operation: 'create',
      name: 'web',
      version: '1.0.0',
      path: 'frontend_developer/web',
      files: templateFiles('web'),
    })
    const api = await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    const listed = await repo.listTemplates(api.commit)
    expect(listed).toEqual([
      {path: 'backend_developer/api', tree: api.templateTree},
      {
        path: 'frontend_developer/web',
        tree: git(repo.dir, 'rev-parse', `${api.commit}:frontend_developer/web`).trim(),
      },
    ])
    expect(api.templateTree).toBe(git(repo.dir, 'rev-parse', `${api.commit}:backend_developer/api`).trim())
  })

  it('keeps working after real git packs objects and refs (git gc)', async () => {
    const {store, repo} = await newRepo()
    const v1 = await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    git(repo.dir, 'gc', '--quiet', '--prune=now')
    expect(git(repo.dir, 'count-objects', '-v')).toMatch(/^count: 0$/m)
    // A fresh handle has nothing memoised: everything comes from the pack.
    const fresh = new GitStore(store.root).repo('acme')
    expect(await fresh.head()).toBe(v1.commit)
    const v2 = await fresh.commit({
      operation: 'update',
      name: 'api',
      version: '2.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api', '2.0.0'),
    })
    expect(v2.parent).toBe(v1.commit)
    expect(decode((await fresh.readTemplate(v1.commit, 'backend_developer/api')).get('README.md'))).toContain(
      '1.0.0',
    )
    expect((await fresh.log()).map((c) => c.oid)).toEqual([v1.commit, v2.commit])
    fsck(repo.dir)
  })

  it('refuses to move main when another writer moved it first (compare-and-swap)', async () => {
    const {repo} = await newRepo()
    await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    const results = await Promise.allSettled(
      Array.from({length: 8}, (_, i) =>
        repo.commit({
          operation: 'create',
          name: `t${i}`,
          version: '1.0.0',
          path: `backend_developer/t${i}`,
          files: templateFiles(`t${i}`),
        }),
      ),
    )
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won.length).toBeGreaterThanOrEqual(1)
    for (const r of lost) expect(r.reason).toBeInstanceOf(ConflictError)
    // Nothing was lost silently: every winner is in the history.
    const log = await repo.log()
    expect(log).toHaveLength(1 + won.length)
    fsck(repo.dir)
  })

  it('serialises concurrent writers that use withLock, losing no commit', async () => {
    const {repo} = await newRepo()
    await Promise.all(
      Array.from({length: 10}, (_, i) =>
        repo.withLock(() =>
          repo.commit({
            operation: 'create',
            name: `t${i}`,
            version: '1.0.0',
            path: `backend_developer/t${i}`,
            files: templateFiles(`t${i}`),
          }),
        ),
      ),
    )
    expect(await repo.log()).toHaveLength(10)
    expect(await repo.listTemplates('main')).toHaveLength(10)
    fsck(repo.dir)
  })
})

describe('NamespaceRepo.log', () => {
  it('returns the history oldest first with trailers, authors and messages, or only what follows since', async () => {
    const {repo} = await newRepo()
    const a = await repo.commit({
      operation: 'create',
      name: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api'),
    })
    const b = await repo.commit({
      operation: 'update',
      name: 'api',
      version: '1.1.0',
      path: 'backend_developer/api',
      files: templateFiles('api', '1.1.0'),
      message: 'Add health checks\n\nLonger explanation.\n\nMaestro-Operation: delete',
      author: {name: 'Ada Lovelace', email: 'ada@example.com'},
    })
    const c = await repo.commit({operation: 'delete', name: 'api', path: 'backend_developer/api'})

    const log = await repo.log()
    expect(log.map((r) => r.oid)).toEqual([a.commit, b.commit, c.commit])
    expect(log[0]).toMatchObject({
      parents: [],
      tree: a.tree,
      message: 'create api@1.0.0',
      author: {name: 'maestro-tpl', email: 'maestro@localhost'},
      trailers: {operation: 'create', template: 'api', version: '1.0.0', path: 'backend_developer/api'},
    })
    // Text in the caller's message cannot pass for trailers: ours are always the last paragraph.
    expect(log[1]).toMatchObject({
      parents: [a.commit],
      message: 'Add health checks',
      author: {name: 'Ada Lovelace', email: 'ada@example.com'},
      trailers: {operation: 'update', template: 'api', version: '1.1.0', path: 'backend_developer/api'},
    })
    expect(log[1]?.fullMessage).toContain('Longer explanation.')
    expect(log[2]).toMatchObject({
      message: 'delete api',
      trailers: {operation: 'delete', template: 'api', path: 'backend_developer/api'},
    })
    expect(log[2]?.trailers.version).toBeUndefined()
    const now = Date.now() / 1000
    expect(log[0]?.author.timestamp).toBeGreaterThan(now - 60)
    expect(log[0]?.author.timestamp).toBeLessThanOrEqual(now + 1)

    expect((await repo.log({since: a.commit})).map((r) => r.oid)).toEqual([b.commit, c.commit])
    expect(await repo.log({since: c.commit})).toEqual([])
    expect((await repo.log({since: null})).map((r) => r.oid)).toHaveLength(3)
    await expect(repo.log({since: 'f'.repeat(40)})).rejects.toBeInstanceOf(NotFoundError)
    // A commit from another history is not an ancestor either.
    const other = await newRepo('other')
    const foreign = await other.repo.commit({
      operation: 'create',
      name: 'api',
      version: '9.0.0',
      path: 'backend_developer/api',
      files: templateFiles('api', '9.0.0'),
    })
    await expect(repo.log({since: foreign.commit})).rejects.toBeInstanceOf(NotFoundError)
    await expect(other.store.repo('empty').log({since: a.commit})).rejects.toBeInstanceOf(NotFoundError)
  })

  it('agrees with git log about the order and the subjects', async () => {
    const {repo} = await newRepo()
    for (let i = 0; i < 5; i++) {
      await repo.commit({
        operation: i === 0 ? 'create' : 'update',
        name: 'api',
        version: `1.${i}.0`,
        path: 'backend_developer/api',
        files: templateFiles('api', `1.${i}.0`),
      })
    }
    const ours = (await repo.log()).map((r) => `${r.oid} ${r.message}`)
    expect(ours).toEqual(git(repo.dir, 'log', '--reverse', '--format=%H %s').trim().split('\n'))
  })

  it('refuses author identities that would corrupt the commit header', async () => {
    const {repo} = await newRepo()
    for (const author of [
      {name: 'Eve <eve@x>', email: 'eve@x'},
      {name: 'Eve', email: 'eve@x>\nparent 0000'},
      {name: '', email: 'eve@x'},
    ]) {
      await expect(
        repo.commit({
          operation: 'create',
          name: 'api',
          version: '1.0.0',
          path: 'backend_developer/api',
          files: templateFiles('api'),
          author,
        }),
      ).rejects.toBeInstanceOf(UsageError)
    }
    expect(await repo.head()).toBeNull()
  })

  it('reads text back byte for byte, binary included', async () => {
    const {repo} = await newRepo()
    const files = templateFiles('bin')
    const binary = new Uint8Array(256).map((_, i) => i)
    files.set('files/assets/logo.png', binary)
    files.set('files/empty.txt', new Uint8Array(0))
    files.set('files/crlf.txt', text('a\r\nb\r\n'))
    const result = await repo.commit({
      operation: 'create',
      name: 'bin',
      version: '1.0.0',
      path: 'ui_ux_designer/bin',
      files,
    })
    const read = await repo.readTemplate(result.commit, 'ui_ux_designer/bin')
    expect(read.get('files/assets/logo.png')).toEqual(binary)
    expect(read.get('files/empty.txt')).toEqual(new Uint8Array(0))
    expect(decode(read.get('files/crlf.txt'))).toBe('a\r\nb\r\n')
    fsck(repo.dir)
  })
})
