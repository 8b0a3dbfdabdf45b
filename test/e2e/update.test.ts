import {execFileSync, spawn} from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import {mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {BIN, runBin} from '../helpers/command.js'
import {LOGO_V1, LOGO_V2, NAME, V1, V2, hex, readTree, withoutCommit, writeFolder} from './update-fixtures.js'

/**
 * `maestro-tpl update` and `check` through the built bin/run.js: the fixture matrix of
 * user edits against template changes, in both conflict styles, with exact trees.
 */
describe('maestro-tpl update (built CLI)', () => {
  let work: string
  let env: Record<string, string>
  let counter = 0
  const cli = (...args: string[]) => runBin(args, env)
  const json = (...args: string[]) => {
    const run = cli(...args, '--json')
    try {
      return {...run, data: JSON.parse(run.stdout)}
    } catch {
      throw new Error(`not JSON (exit ${run.status}): ${run.stdout}\n${run.stderr}`)
    }
  }
  /** A fresh project made from 1.0.0 with old_flag=custom. */
  const project = (...extra: string[]): string => {
    const dir = join(work, `p${++counter}`)
    const made = cli('instantiate', `${NAME}@1.0.0`, dir, '--set', 'old_flag=custom', ...extra)
    expect(made.status, made.stderr).toBe(0)
    return dir
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'maestro-update-e2e-'))
    env = {
      MAESTRO_HOME: join(work, 'store'),
      TEMPLATES_STORAGE_PATH: join(work, 'empty-catalog'),
      ENABLE_QUALITY_GATES: 'false',
      CI: 'true',
    }
    mkdirSync(env.TEMPLATES_STORAGE_PATH!)
    for (const [tag, files] of [
      ['v1', V1],
      ['v2', V2],
    ] as const) {
      const published = cli('create', writeFolder(join(work, tag), files))
      expect(published.status, published.stderr).toBe(0)
    }
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  const ANSWERS_V2 = (answers: string) =>
    `# Written by maestro-tpl when this project was created. Keep it to update the project later.
template: ${NAME}
namespace: local
version: 1.1.0
commit: <commit>
answers:
${answers}`
  /** The project made from 1.0.0, untouched, after the update to 1.1.0. */
  const UPDATED: Record<string, string> = {
    '.maestro-answers.yaml': ANSWERS_V2('  project_name: demo\n  new_flag: custom\n  license_name: MIT\n'),
    'README.md': '# demo\n\nalpha\nbeta\ngamma\ndelta v2\nepsilon\nzeta\neta v2\n',
    'config.txt': 'name=demo\nport=9000\nmode=dev\n',
    'docs/renamed.txt': 'a\nb\nc\nd v2\n',
    'flag.txt': 'flag=custom\n',
    'logo.bin': hex(LOGO_V2),
    LICENSE: 'MIT\n',
    'added.txt': 'new in 1.1.0\n',
  }
  const tree = (dir: string) => {
    const t = readTree(dir)
    if (t['.maestro-answers.yaml']) t['.maestro-answers.yaml'] = withoutCommit(t['.maestro-answers.yaml'])
    return t
  }
  const without = (t: Record<string, string>, ...paths: string[]) =>
    Object.fromEntries(Object.entries(t).filter(([p]) => !paths.includes(p)))

  type Style = 'inline' | 'rej'
  interface Case {
    name: string
    edit(dir: string): void
    flags?: string[]
    expected(style: Style): {tree: Record<string, string>; exit: number; fates?: Record<string, string>}
  }
  const CASES: Case[] = [
    {
      name: 'the user edits a line the template did not touch: merged cleanly',
      edit: (dir) =>
        writeFileSync(
          join(dir, 'README.md'),
          readFileSync(join(dir, 'README.md'), 'utf8').replace('alpha', 'alpha mine'),
        ),
      expected: () => ({
        tree: {
          ...UPDATED,
          'README.md': '# demo\n\nalpha mine\nbeta\ngamma\ndelta v2\nepsilon\nzeta\neta v2\n',
        },
        exit: 0,
        fates: {
          'README.md': 'merged',
          'config.txt': 'updated',
          'docs/renamed.txt': 'updated',
          'flag.txt': 'unchanged',
          'logo.bin': 'updated',
          LICENSE: 'added',
          'added.txt': 'added',
          'remove-me.txt': 'removed',
        },
      }),
    },
    {
      name: 'the user changed the line the template changed: a conflict',
      edit: (dir) => writeFileSync(join(dir, 'config.txt'), 'name=demo\nport=7000\nmode=dev\n'),
      expected: (style) =>
        style === 'inline'
          ? {
              tree: {
                ...UPDATED,
                'config.txt':
                  'name=demo\n<<<<<<< ours (your project)\nport=7000\n=======\nport=9000\n>>>>>>> theirs (upd-fixture 1.1.0)\nmode=dev\n',
              },
              exit: 1,
              fates: {'config.txt': 'conflict'},
            }
          : {
              tree: {
                ...UPDATED,
                'config.txt': 'name=demo\nport=7000\nmode=dev\n',
                'config.txt.rej':
                  '--- a/config.txt\n+++ b/config.txt\n@@ -2,1 +2,1 @@\n-port=8000\n+port=9000\n',
              },
              exit: 1,
              fates: {'config.txt': 'conflict'},
            },
    },
    {
      name: 'the user deleted a file the template changed: it stays deleted',
      edit: (dir) => unlinkSync(join(dir, 'README.md')),
      expected: () => ({tree: without(UPDATED, 'README.md'), exit: 0, fates: {'README.md': 'kept-deleted'}}),
    },
    {
      name: 'the user added files: they are left alone',
      edit: (dir) => writeFolder(dir, {'notes.md': 'my notes\n', 'src/extra.py': 'print(1)\n'}),
      expected: () => ({tree: {...UPDATED, 'notes.md': 'my notes\n', 'src/extra.py': 'print(1)\n'}, exit: 0}),
    },
    {
      name: 'the user renamed a file: the old name is not brought back, the new one is left alone',
      edit: (dir) => renameSync(join(dir, 'config.txt'), join(dir, 'settings.txt')),
      expected: () => ({
        tree: {...without(UPDATED, 'config.txt'), 'settings.txt': 'name=demo\nport=8000\nmode=dev\n'},
        exit: 0,
        fates: {'config.txt': 'kept-deleted'},
      }),
    },
    {
      name: 'the template moved a file the user edited: the edit follows it (migration)',
      edit: (dir) => writeFileSync(join(dir, 'rename-me.txt'), 'a mine\nb\nc\nd\n'),
      expected: () => ({
        tree: {...UPDATED, 'docs/renamed.txt': 'a mine\nb\nc\nd v2\n'},
        exit: 0,
        fates: {'docs/renamed.txt': 'merged'},
      }),
    },
    {
      name: 'the template removed a file the user changed: the user copy is kept',
      edit: (dir) => writeFileSync(join(dir, 'remove-me.txt'), 'obsolete, but mine\n'),
      expected: () => ({
        tree: {...UPDATED, 'remove-me.txt': 'obsolete, but mine\n'},
        exit: 0,
        fates: {'remove-me.txt': 'kept'},
      }),
    },
    {
      name: 'a binary file changed on both sides is never merged: the user copy wins',
      edit: (dir) => writeFileSync(join(dir, 'logo.bin'), Uint8Array.of(0, 9, 9, 9)),
      expected: () => ({
        tree: {...UPDATED, 'logo.bin': hex(Uint8Array.of(0, 9, 9, 9))},
        exit: 0,
        fates: {'logo.bin': 'kept'},
      }),
    },
    {
      name: 'the new parameter is answered with --set, the renamed one keeps its answer',
      edit: () => undefined,
      flags: ['--set', 'license_name=Apache-2.0'],
      expected: () => ({
        tree: {
          ...UPDATED,
          LICENSE: 'Apache-2.0\n',
          '.maestro-answers.yaml': ANSWERS_V2(
            '  project_name: demo\n  new_flag: custom\n  license_name: Apache-2.0\n',
          ),
        },
        exit: 0,
      }),
    },
  ]

  for (const style of ['inline', 'rej'] as const) {
    for (const c of CASES) {
      it(`${c.name} (--conflict ${style})`, () => {
        const dir = project()
        expect(readTree(dir)['logo.bin']).toBe(hex(LOGO_V1))
        c.edit(dir)
        const run = json('update', dir, '--conflict', style, ...(c.flags ?? []))
        const want = c.expected(style)
        expect(run.status, run.stderr).toBe(want.exit)
        expect(tree(dir)).toEqual(want.tree)
        expect(run.data.status).toBe(want.exit === 1 ? 'conflicts' : 'updated')
        expect(run.data.templates).toMatchObject([
          {template: NAME, from: '1.0.0', to: '1.1.0', migrations: 2},
        ])
        const fates = Object.fromEntries(
          run.data.files.map((f: {path: string; fate: string}) => [f.path, f.fate]),
        )
        expect(fates).toMatchObject(want.fates ?? {})
        expect(run.data.conflicts).toEqual(want.exit === 1 ? ['config.txt'] : [])
        // A second run has nothing left to do.
        if (want.exit === 0) expect(json('update', dir).data.status).toBe('current')
      })
    }
  }

  it('lists conflicts on the terminal and exits 1', () => {
    const dir = project()
    writeFileSync(join(dir, 'config.txt'), 'name=demo\nport=7000\nmode=dev\n')
    const run = cli('update', dir)
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('CONFLICT')
    expect(run.stdout).toMatch(/1 file with conflicts needs your decision:\n {2}config\.txt/)
  })

  it('a dry run prints each fate and the patches, and writes nothing', () => {
    const dir = project()
    writeFileSync(join(dir, 'config.txt'), 'name=demo\nport=7000\nmode=dev\n')
    const before = readTree(dir)
    const text = cli('update', dir, '--dry-run')
    expect(text.status).toBe(1)
    expect(text.stdout).toMatch(/unchanged\s+flag\.txt/)
    expect(text.stdout).toMatch(/added\s+LICENSE/)
    expect(text.stdout).toMatch(/removed\s+remove-me\.txt/)
    expect(text.stdout).toContain('Dry run: nothing was written.')
    const run = json('update', dir, '--dry-run')
    expect(run.data.dryRun).toBe(true)
    const readme = run.data.files.find((f: {path: string}) => f.path === 'README.md')
    expect(readme.patch).toContain('-delta\n+delta v2')
    expect(readTree(dir)).toEqual(before)
  })

  it('check exits 2 when a newer compatible version exists, 0 when up to date', () => {
    const dir = project()
    const outdated = json('check', dir)
    expect(outdated.status).toBe(2)
    expect(outdated.data).toMatchObject({
      outdated: true,
      templates: [{template: NAME, version: '1.0.0', compatible: '1.1.0', latest: '1.1.0'}],
    })
    expect(cli('check', dir).stdout).toContain('1.1.0 available')
    expect(cli('update', dir).status).toBe(0)
    const current = json('check', dir)
    expect(current.status).toBe(0)
    expect(current.data.outdated).toBe(false)
  })

  it('refuses a git repository with uncommitted changes unless --force, saying what to do', () => {
    const dir = project()
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        encoding: 'utf8',
      })
    git('init', '-q')
    git('add', '-A')
    git('commit', '-qm', 'made by maestro-tpl')
    writeFileSync(join(dir, 'config.txt'), 'changed\n')
    const before = readTree(dir)
    const refused = json('update', dir)
    expect(refused.status).toBe(1)
    expect(refused.data.error.code).toBe('PROJECT_DIRTY')
    expect(refused.data.error.message).toMatch(/commit or stash them first.*--force/)
    expect(readTree(dir)).toEqual(before)
    expect(cli('update', dir, '--force').status).toBe(1) // config.txt conflicts with 9000
    git('checkout', '-q', '--', '.')
    git('clean', '-qfd')
    expect(cli('update', dir).status).toBe(0)
    expect(tree(dir)).toEqual(UPDATED)
  })

  it('refuses a target older than the recorded version, and a recorded version that is gone', () => {
    const dir = join(work, 'newer')
    expect(cli('instantiate', `${NAME}@1.1.0`, dir, '--defaults').status).toBe(0)
    const older = json('update', dir, '--to', '1.0.0')
    expect(older.status).toBe(1)
    expect(older.data.error.code).toBe('UPDATE_DOWNGRADE')
    const answers = join(dir, '.maestro-answers.yaml')
    writeFileSync(answers, readFileSync(answers, 'utf8').replace('version: 1.1.0', 'version: 0.9.0'))
    const missing = json('update', dir)
    expect(missing.status).toBe(1)
    expect(missing.data.error.code).toBe('RECORDED_VERSION_MISSING')
    expect(missing.data.error.message).toContain('Publish that version again')
    const notAProject = json('update', join(work, 'v1'))
    expect(notAProject.data.error.code).toBe('NOT_A_PROJECT')
  })

  it('updates from the namespace it was made from when a local copy shadows the template (old files too)', () => {
    const shadowed = (files: Record<string, string | Uint8Array>, version?: string) => {
      let m = (files['manifest.yaml'] as string).replace(`name: ${NAME}`, 'name: upd-shadowed')
      if (version) m = m.replace(/^version: .*$/m, `version: ${version}`)
      return {...files, 'manifest.yaml': m}
    }
    for (const [tag, files] of [
      ['s1', shadowed(V1)],
      ['s2', shadowed(V2)],
    ] as const) {
      const published = cli('create', writeFolder(join(work, tag), files), '--namespace', 'public')
      expect(published.status, published.stderr).toBe(0)
    }
    const dir = join(work, 'shadowed')
    expect(cli('instantiate', 'upd-shadowed@1.0.0', dir, '--defaults').status).toBe(0)
    const answers = join(dir, '.maestro-answers.yaml')
    expect(parse(readFileSync(answers, 'utf8'))).toMatchObject({
      template: 'upd-shadowed',
      namespace: 'public',
    })
    // A copy of the template in the user's own namespace, at a version of its own, now comes first by name.
    const local = cli('create', writeFolder(join(work, 's-local'), shadowed(V2, '5.0.0')))
    expect(local.status, local.stderr).toBe(0)
    const old = join(work, 'shadowed-old')
    cpSync(dir, old, {recursive: true})
    // As written before the namespace was recorded.
    writeFileSync(
      join(old, '.maestro-answers.yaml'),
      readFileSync(answers, 'utf8').replace(/^namespace: .*\n/m, ''),
    )

    for (const project of [dir, old]) {
      const check = json('check', project)
      expect(check.status).toBe(2)
      expect(check.data.templates[0]).toMatchObject({version: '1.0.0', compatible: '1.1.0', latest: '1.1.0'})
    }
    for (const project of [dir, old]) {
      const run = json('update', project)
      expect(run.status, JSON.stringify(run.data)).toBe(0)
      expect(run.data.templates[0]).toMatchObject({from: '1.0.0', to: '1.1.0'})
      expect(parse(readFileSync(join(project, '.maestro-answers.yaml'), 'utf8'))).toMatchObject({
        namespace: 'public',
        version: '1.1.0',
      })
      expect(readFileSync(join(project, 'config.txt'), 'utf8')).toBe('name=demo\nport=9000\nmode=dev\n')
    }
  })

  it('an update that fails half way leaves the project as it was', () => {
    // A real failure in the middle of swapping files in, even for root: the last
    // operation moves a file whose name fits PATH_MAX into the update's work folder,
    // where the longer name does not (ENAMETOOLONG). Everything before it is undone.
    const dir = join(work, `half-way-${'x'.repeat(40)}`)
    expect(cli('instantiate', `${NAME}@1.0.0`, dir, '--set', 'old_flag=custom').status).toBe(0)
    const room = 4090 - (dir.length + 1)
    const segments: string[] = []
    for (let left = room; left > 0; left -= 201) segments.push('z'.repeat(Math.min(200, left)))
    const long = segments.join('/')
    expect(join(dir, long).length).toBeLessThan(4096)
    writeFolder(dir, {[long]: 'generated by a tool, obsolete in 1.2.0\n'})
    writeFolder(join(work, 'v3'), {
      ...V2,
      'manifest.yaml': `${(V2['manifest.yaml'] as string).replace('version: 1.1.0', 'version: 1.2.0')}  - version: 1.2.0\n    delete: ${long}\n`,
    })
    const published = cli('create', join(work, 'v3'))
    expect(published.status, published.stderr).toBe(0)
    const before = readTree(dir)
    const run = json('update', dir, '--to', '1.2.0')
    expect(run.status).toBe(1)
    expect(run.data.error.message).toMatch(/ENAMETOOLONG/)
    expect(readTree(dir)).toEqual(before)
    expect(existsSync(join(dir, '.maestro-update'))).toBe(false)
  })

  it('a killed update is rolled back (or was complete): never half a project', async () => {
    const dir = project()
    // Enough files that the kill lands while they are swapped in.
    const many: Record<string, string> = {}
    for (let i = 0; i < 400; i++) many[`files/bulk/f${String(i).padStart(3, '0')}.txt`] = `line ${i}\n`
    writeFolder(join(work, 'v4'), {
      ...V2,
      'manifest.yaml': (V2['manifest.yaml'] as string).replace('version: 1.1.0', 'version: 1.3.0'),
      ...many,
    })
    expect(cli('create', join(work, 'v4')).status).toBe(0)
    const before = readTree(dir)
    const child = spawn(process.execPath, [BIN, 'update', dir, '--to', '1.3.0'], {
      env: {...process.env, ...env},
      stdio: 'ignore',
    })
    const journal = join(dir, '.maestro-update', 'journal.json')
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(journal) || child.exitCode !== null) {
          clearInterval(poll)
          child.kill('SIGKILL')
          resolve()
        }
      }, 1)
    })
    await new Promise((resolve) => child.once('close', resolve))
    // The next command on the project finishes the interrupted one first.
    const checked = cli('check', dir)
    expect([0, 2]).toContain(checked.status)
    expect(existsSync(join(dir, '.maestro-update'))).toBe(false)
    const after = readTree(dir)
    if (checked.status === 2) expect(after).toEqual(before)
    else expect(Object.keys(after).filter((p) => p.startsWith('bulk/'))).toHaveLength(400)
  })

  it('updates every template of a project a workflow made (one entry per step)', () => {
    const dir = join(work, 'workflow-project')
    expect(cli('instantiate', `${NAME}@1.0.0`, join(dir, 'api'), '--set', 'project_name=api').status).toBe(0)
    expect(cli('instantiate', `${NAME}@1.0.0`, join(dir, 'web'), '--set', 'project_name=web').status).toBe(0)
    const entry = (path: string) => {
      const file = join(dir, path, '.maestro-answers.yaml')
      const one = parse(readFileSync(file, 'utf8'))
      rmSync(file)
      return {...one, step: path, path}
    }
    writeFileSync(join(dir, '.maestro-answers.yaml'), stringify({templates: [entry('api'), entry('web')]}))
    writeFileSync(join(dir, 'web/config.txt'), 'name=web\nport=7000\nmode=dev\n')
    const check = json('check', dir)
    expect(check.status).toBe(2)
    expect(check.data.templates.map((t: {path: string}) => t.path)).toEqual(['api', 'web'])
    const run = json('update', dir, '--to', '1.1.0')
    expect(run.status).toBe(1)
    expect(run.data.conflicts).toEqual(['web/config.txt'])
    const t = tree(dir)
    expect(t['api/config.txt']).toBe('name=api\nport=9000\nmode=dev\n')
    expect(t['api/docs/renamed.txt']).toBe('a\nb\nc\nd v2\n')
    expect(t['web/config.txt']).toContain('<<<<<<< ours (your project)\nport=7000\n=======\nport=9000\n')
    const recorded = parse(readFileSync(join(dir, '.maestro-answers.yaml'), 'utf8'))
    expect(recorded.templates).toMatchObject([
      {
        template: NAME,
        version: '1.1.0',
        step: 'api',
        path: 'api',
        answers: {project_name: 'api', new_flag: 'plain'},
      },
      {
        template: NAME,
        version: '1.1.0',
        step: 'web',
        path: 'web',
        answers: {project_name: 'web', license_name: 'MIT'},
      },
    ])
  })
})
