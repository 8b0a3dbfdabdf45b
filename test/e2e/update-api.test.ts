import type {ChildProcess} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runBin} from '../helpers/command.js'
import {exited, startDaemon} from '../helpers/daemon.js'
import {NAME, V1, V2, readTree, writeFolder} from './update-fixtures.js'

/**
 * The daemon's side of updates: `POST /templates/{id}/update` answers exactly what the
 * CLI computes (the CLI itself, through --remote, on a copy of the same project), the
 * diff between versions, and the project records behind `GET /projects`.
 */
describe('update over the API (built daemon and CLI)', () => {
  let work: string
  let env: Record<string, string>
  let daemon: {child: ChildProcess; url: string; output: () => string}
  const cli = (...args: string[]) => runBin([...args, '--remote', daemon.url], env)
  const api = async (method: string, path: string, body?: unknown) => {
    const send = () =>
      fetch(`${daemon.url}${path}`, {
        method,
        headers: body === undefined ? {} : {'content-type': 'application/json'},
        ...(body === undefined ? {} : {body: JSON.stringify(body)}),
      })
    // A pooled connection the daemon closed as idle while the CLI ran fails once; every
    // request here is safe to send again (none changes anything but a project record).
    const res = await send().catch((err: Error & {cause?: {code?: string}}) => {
      if (err.cause?.code !== 'UND_ERR_SOCKET') throw err
      return send()
    })

    const data = await res.json()
    return {status: res.status, type: res.headers.get('content-type') ?? '', data}
  }
  const upload = (dir: string) => {
    const files: Record<string, {content: string; encoding: 'base64'}> = {}
    for (const path of Object.keys(readTree(dir)))
      files[path] = {content: readFileSync(join(dir, path)).toString('base64'), encoding: 'base64'}
    return files
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maestro-update-api-'))
    env = {
      MAESTRO_HOME: join(work, 'store'),
      TEMPLATES_STORAGE_PATH: join(work, 'empty-catalog'),
      ENABLE_QUALITY_GATES: 'false',
      ENABLE_RBAC: 'false',
      CI: 'true',
    }
    mkdirSync(env.TEMPLATES_STORAGE_PATH!)
    daemon = await startDaemon(env)
    for (const [tag, files] of [
      ['v1', V1],
      ['v2', V2],
    ] as const) {
      const published = cli('create', writeFolder(join(work, tag), files))
      expect(published.status, published.stderr).toBe(0)
    }
  }, 120_000)
  afterAll(async () => {
    daemon?.child.kill('SIGTERM')
    if (daemon) await exited(daemon.child)
    rmSync(work, {recursive: true, force: true})
  })

  it('records a project made through the daemon and lists it as outdated', async () => {
    const dir = join(work, 'recorded')
    expect(cli('instantiate', `${NAME}@1.0.0`, dir, '--defaults').status).toBe(0)
    const recorded = parse(readFileSync(join(dir, '.maestro-answers.yaml'), 'utf8'))
    expect(recorded.project).toMatch(/^[0-9a-f-]{36}$/)
    const outdated = await api('GET', '/api/v1/projects?outdated=true')
    expect(outdated.status).toBe(200)
    expect(outdated.data.items).toContainEqual(
      expect.objectContaining({
        id: recorded.project,
        template: NAME,
        version: '1.0.0',
        source: 'instantiate',
        outdated: true,
        newer_compatible: '1.1.0',
      }),
    )
    // Updating through the CLI tells the daemon; the project is no longer behind.
    const updated = cli('update', dir)
    expect(updated.status, updated.stderr).toBe(0)
    expect(parse(readFileSync(join(dir, '.maestro-answers.yaml'), 'utf8')).project).toBe(recorded.project)
    const after = await api('GET', '/api/v1/projects?outdated=true')
    expect(after.data.items.map((p: {id: string}) => p.id)).not.toContain(recorded.project)
    const all = await api('GET', '/api/v1/projects')
    expect(all.data.items).toContainEqual(
      expect.objectContaining({id: recorded.project, version: '1.1.0', outdated: false}),
    )
  })

  it('a render for an update records no project', async () => {
    const before = (await api('GET', '/api/v1/projects')).data.total
    const res = await api('POST', `/api/v1/templates/${NAME}/instantiate`, {forUpdate: true})
    expect(res.status).toBe(200)
    expect(
      parse(Buffer.from(res.data.files['.maestro-answers.yaml'], 'base64').toString()).project,
    ).toBeUndefined()
    expect((await api('GET', '/api/v1/projects')).data.total).toBe(before)
  })

  it('POST /templates/{id}/update answers exactly what the CLI computes and writes', async () => {
    const viaApi = join(work, 'via-api')
    expect(cli('instantiate', `${NAME}@1.0.0`, viaApi, '--set', 'old_flag=custom').status).toBe(0)
    writeFileSync(join(viaApi, 'config.txt'), 'name=demo\nport=7000\nmode=dev\n')
    writeFileSync(
      join(viaApi, 'README.md'),
      readFileSync(join(viaApi, 'README.md'), 'utf8').replace('alpha', 'alpha mine'),
    )
    unlinkSync(join(viaApi, 'flag.txt'))
    writeFileSync(join(viaApi, 'rename-me.txt'), 'a mine\nb\nc\nd\n')
    const viaCli = join(work, 'via-cli')
    cpSync(viaApi, viaCli, {recursive: true})

    for (const style of ['inline', 'rej'] as const) {
      const dryRun = runBin(
        ['update', viaCli, '--dry-run', '--json', '--conflict', style, '--remote', daemon.url],
        env,
      )
      expect(dryRun.status).toBe(1)
      const computed = JSON.parse(dryRun.stdout)
      const answered = await api('POST', `/api/v1/templates/${NAME}/update`, {
        files: upload(viaApi),
        conflict: style,
      })
      expect(answered.status).toBe(200)
      expect(answered.data.status).toBe('conflicts')
      expect(answered.data.files).toEqual(computed.files)
      expect(answered.data.templates).toEqual(computed.templates)
      expect(answered.data.conflicts).toEqual(['config.txt'])
    }

    const answered = await api('POST', `/api/v1/templates/${NAME}/update`, {files: upload(viaApi)})
    const written = runBin(['update', viaCli, '--remote', daemon.url], env)
    expect(written.status).toBe(1)
    for (const [path, content] of Object.entries(answered.data.changes as Record<string, string | null>)) {
      if (content === null) rmSync(join(viaApi, path))
      else {
        mkdirSync(dirname(join(viaApi, path)), {recursive: true})
        writeFileSync(join(viaApi, path), Buffer.from(content, 'base64'))
      }
    }
    expect(readTree(viaApi)).toEqual(readTree(viaCli))
    expect(readTree(viaCli)['config.txt']).toContain('<<<<<<< ours (your project)')
  })

  it('POST /templates/{id}/diff answers the patch between two versions', async () => {
    const res = await api('POST', `/api/v1/templates/${NAME}/diff`, {
      from: '1.0.0',
      to: '1.1.0',
      answers: {project_name: 'billing'},
    })
    expect(res.status).toBe(200)
    expect(res.data).toMatchObject({template: NAME, from: '1.0.0', to: '1.1.0', migrations: 2})
    const fates = Object.fromEntries(
      res.data.files.map((f: {path: string; fate: string}) => [f.path, f.fate]),
    )
    expect(fates).toEqual({
      'README.md': 'updated',
      'config.txt': 'updated',
      'docs/renamed.txt': 'updated',
      'flag.txt': 'unchanged',
      'logo.bin': 'updated',
      LICENSE: 'added',
      'added.txt': 'added',
      'remove-me.txt': 'removed',
    })
    const readme = res.data.files.find((f: {path: string}) => f.path === 'README.md')
    expect(readme.patch).toContain('--- a/README.md\n+++ b/README.md')
    expect(readme.patch).toContain('-delta\n+delta v2')
    expect(readme.patch).not.toMatch(/^=+$/m)
    const config = res.data.files.find((f: {path: string}) => f.path === 'config.txt')
    expect(config.patch).toBe(
      '--- a/config.txt\n+++ b/config.txt\n@@ -1,3 +1,3 @@\n name=billing\n-port=8000\n+port=9000\n mode=dev\n',
    )
  })

  it('refuses bad input with problem+json and a stable code', async () => {
    const noProject = await api('POST', `/api/v1/templates/${NAME}/update`, {
      files: {'x.txt': {content: 'eA==', encoding: 'base64'}},
    })
    expect(noProject.status).toBe(400)
    expect(noProject.type).toContain('application/problem+json')
    expect(noProject.data.code).toBe('USAGE_ERROR')
    const unknown = await api('POST', `/api/v1/templates/${NAME}/diff`, {from: '0.0.1', to: '1.1.0'})
    expect(unknown.status).toBe(404)
    expect(unknown.data.code).toBe('NOT_FOUND')
    const older = await api('POST', `/api/v1/templates/${NAME}/diff`, {from: '1.1.0', to: '1.0.0'})
    expect(older.status).toBe(409)
    expect(older.data.code).toBe('UPDATE_DOWNGRADE')
    const badBody = await api('POST', '/api/v1/projects', {template: NAME})
    expect(badBody.status).toBe(400)
  })

  it('registers a project made elsewhere with --remote', async () => {
    const dir = join(work, 'registered')
    expect(cli('instantiate', `${NAME}@1.0.0`, dir, '--defaults').status).toBe(0)
    const answers = join(dir, '.maestro-answers.yaml')
    // As a local store would have written it: no project id.
    writeFileSync(answers, readFileSync(answers, 'utf8').replace(/^project: .*\n/m, ''))
    const run = cli('register', dir, '--name', 'billing', '--json')
    expect(run.status, run.stderr).toBe(0)
    const {projects} = JSON.parse(run.stdout)
    expect(projects).toMatchObject([
      {template: NAME, version: '1.0.0', source: 'register', name: 'billing', outdated: true},
    ])
    expect(parse(readFileSync(answers, 'utf8')).project).toBe(projects[0].id)
    const listed = await api('GET', '/api/v1/projects?outdated=true')
    expect(listed.data.items.map((p: {id: string}) => p.id)).toContain(projects[0].id)
    // Registering again keeps the id.
    const again = JSON.parse(cli('register', dir, '--json').stdout)
    expect(again.projects[0].id).toBe(projects[0].id)
  })
})
