/**
 * The built daemon and the built CLI on one store (the embedded default, SQLite): what
 * the CLI writes, the daemon answers at once, its caches included; and a commit made with
 * git is what the CLI shows after it.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runBin} from '../helpers/command.js'
import {startDaemon} from '../helpers/daemon.js'
import {writeTemplate} from '../helpers/temp.js'

describe('CLI and daemon on one store (built, separate processes)', () => {
  let work: string
  let env: Record<string, string>
  let daemon: Awaited<ReturnType<typeof startDaemon>>
  const cli = (...args: string[]) => runBin(args, env)
  const get = (ref: string) => fetch(`${daemon.url}/api/v1/templates/${ref}`)

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maestro-cross-process-'))
    const catalog = join(work, 'catalog')
    env = {
      MAESTRO_HOME: join(work, 'store'),
      TEMPLATES_STORAGE_PATH: catalog,
      CI: 'true',
      ENABLE_RBAC: 'false',
    }
    daemon = await startDaemon(env)
  }, 120_000)

  afterAll(() => {
    if (daemon?.child.exitCode === null) daemon.child.kill('SIGKILL')
    rmSync(work, {recursive: true, force: true})
  })

  it('a template the CLI deletes is gone from the daemon at once (get, cached get by id, search)', async () => {
    const dir = await writeTemplate(join(work, 'shared'), {name: 'shared-service'})
    expect(cli('create', dir).status).toBe(0)
    const first = await get('shared-service')
    expect(first.status).toBe(200)
    const {id} = (await first.json()) as {id: string}
    // Twice each: the second answers come from the daemon's caches.
    for (let i = 0; i < 2; i++) {
      expect((await get(id)).status).toBe(200)
      expect((await get('shared-service')).status).toBe(200)
    }

    await writeTemplate(dir, {name: 'shared-service', version: '0.2.0'})
    expect(cli('create', dir).status).toBe(0)
    expect(((await (await get(id)).json()) as {version: string}).version).toBe('0.2.0')

    const deleted = cli('delete', 'shared-service', '--yes')
    expect(deleted.status, deleted.stderr).toBe(0)
    expect((await get(id)).status).toBe(404)
    expect((await get('shared-service')).status).toBe(404)
    const search = (await (await fetch(`${daemon.url}/api/v1/templates?text=shared`)).json()) as {
      total: number
    }
    expect(search.total).toBe(0)
  })

  it('a plain git commit pushed into the store is what the CLI shows next', async () => {
    const dir = await writeTemplate(join(work, 'gitted'), {name: 'gitted-service'})
    expect(cli('create', dir).status).toBe(0)
    const clone = join(work, 'clone')
    const gitEnv = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: tmpdir(),
      GIT_AUTHOR_NAME: 'g',
      GIT_AUTHOR_EMAIL: 'g@example.com',
      GIT_COMMITTER_NAME: 'g',
      GIT_COMMITTER_EMAIL: 'g@example.com',
    }
    const git = (...args: string[]) => execFileSync('git', args, {cwd: clone, env: gitEnv, stdio: 'pipe'})
    execFileSync('git', ['clone', '-q', join(env.MAESTRO_HOME!, 'git', 'local.git'), clone], {env: gitEnv})
    const folder = join(clone, 'backend_developer', 'gitted-service')
    writeFileSync(join(folder, 'README.md'), '# gitted-service\n\nWritten with git.\n')
    const manifest = join(folder, 'manifest.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: .*$/m, 'version: 0.3.0'))
    git('commit', '-qam', 'docs from git')
    git('push', '-q', 'origin', 'main')

    const shown = cli('get', 'gitted-service', '--json')
    expect(shown.status, shown.stderr).toBe(0)
    expect(JSON.parse(shown.stdout)).toMatchObject({
      version: '0.3.0',
      readme: '# gitted-service\n\nWritten with git.\n',
    })
  })
})
