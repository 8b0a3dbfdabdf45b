/**
 * `maestro-tpl workflow delete` through the built CLI, on the local store and with
 * --remote against a daemon: it follows `delete` for templates (asks on a terminal, needs
 * --yes without one, declining keeps the workflow), deletes only workflows (a template's
 * name is refused and the template kept), and the workflow is gone for get, list and run.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, runBin} from '../helpers/command.js'
import {exited, startDaemon} from '../helpers/daemon.js'
import {onPty} from '../helpers/pty.js'

const BUNDLED = new URL('../../workflows_storage/node-package', import.meta.url).pathname

describe('maestro-tpl workflow delete (built CLI)', () => {
  let work: string
  let env: Record<string, string>
  const cli = (...args: string[]) => runBin(args, env)

  /** A copy of the bundled node-package workflow under another name, ready to publish. */
  function workflowFolder(name: string): string {
    const dir = join(work, name)
    cpSync(BUNDLED, dir, {recursive: true})
    const file = join(dir, 'workflow.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: node-package$/m, `name: ${name}`))
    return dir
  }

  function onTerminal(args: string[], waitFor: string, keys: string) {
    const {CI: _ci, ...base} = process.env
    return onPty(
      [process.execPath, BIN, ...args],
      {...base, MAESTRO_HOME: env.MAESTRO_HOME!, TERM: 'xterm-256color', NO_COLOR: '1'},
      [{waitFor, keys}],
    )
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'maestro-wf-delete-'))
    env = {MAESTRO_HOME: join(work, 'store'), CI: 'true'}
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  it('asks on a terminal, needs --yes without one, and deletes workflows only', () => {
    const dir = workflowFolder('doomed-flow')
    const created = cli('workflow', 'create', dir)
    expect(created.status, created.stdout + created.stderr).toBe(0)

    const scripted = cli('workflow', 'delete', 'doomed-flow')
    expect(scripted.status).toBe(2)
    expect(scripted.stderr).toContain('pass --yes')
    const json = cli('workflow', 'delete', 'doomed-flow', '--json')
    expect(json.status).toBe(2)
    expect(JSON.parse(json.stdout).error.code).toBe('USAGE_ERROR')
    expect(cli('workflow', 'get', 'doomed-flow').status).toBe(0)

    const declined = onTerminal(['workflow', 'delete', 'doomed-flow'], 'Delete', 'n')
    expect(declined.output).toMatch(/Delete workflow local\/doomed-flow@1\.0\.0\?/)
    expect(declined.status, declined.output).toBe(1)
    expect(declined.output).toContain('not deleted')
    expect(cli('workflow', 'get', 'doomed-flow').status).toBe(0)

    const confirmed = onTerminal(['workflow', 'delete', 'doomed-flow'], 'Delete', 'y')
    expect(confirmed.status, confirmed.output).toBe(0)
    expect(confirmed.output).toContain('Deleted workflow local/doomed-flow')
    const gone = cli('workflow', 'get', 'doomed-flow')
    expect(gone.status).toBe(1)
    expect(gone.stderr).toContain('not found')
    const listed = JSON.parse(cli('workflow', 'list', '--json', '--limit', '50').stdout) as {
      items: {name: string}[]
    }
    expect(listed.items.map((w) => w.name)).not.toContain('doomed-flow')
    expect(listed.items.map((w) => w.name)).toContain('node-package')
    const run = cli('workflow', 'run', 'doomed-flow', join(work, 'out'), '--defaults')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('not found')

    // Published again, then deleted without asking: --json answers what was deleted.
    expect(cli('workflow', 'create', dir).status).toBe(0)
    const yes = cli('workflow', 'delete', 'doomed-flow', '-y', '--json')
    expect(yes.status, yes.stderr).toBe(0)
    const result = JSON.parse(yes.stdout) as {name: string; namespace: string; commit: string}
    expect(result).toMatchObject({name: 'doomed-flow', namespace: 'local'})
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/)
    expect(cli('workflow', 'get', 'doomed-flow').status).toBe(1)

    // A template is never deleted by `workflow delete`: the message says what it is.
    const template = cli('workflow', 'delete', 'fastapi-service', '--yes', '--json')
    expect(template.status).toBe(1)
    const refused = JSON.parse(template.stdout) as {error: {code: string; message: string}}
    expect(refused.error.code).toBe('NOT_FOUND')
    expect(refused.error.message).toContain('fastapi-service is a template')
    expect(cli('get', 'fastapi-service').status).toBe(0)
    const unknown = cli('workflow', 'delete', 'never-was', '--yes', '--json')
    expect(unknown.status).toBe(1)
    expect(JSON.parse(unknown.stdout).error.code).toBe('NOT_FOUND')
  }, 180_000)

  it('--remote deletes a workflow on a daemon', async () => {
    const daemon = await startDaemon({MAESTRO_HOME: join(work, 'daemon-store'), ENABLE_RBAC: 'false'})
    try {
      const remote = ['--remote', daemon.url]
      const dir = workflowFolder('remote-flow')
      const created = cli('workflow', 'create', dir, ...remote)
      expect(created.status, created.stdout + created.stderr).toBe(0)
      expect(cli('workflow', 'get', 'remote-flow', ...remote).status).toBe(0)
      const deleted = cli('workflow', 'delete', 'remote-flow', '--yes', ...remote)
      expect(deleted.status, deleted.stdout + deleted.stderr).toBe(0)
      expect(deleted.stdout).toMatch(/^Deleted workflow \S+\/remote-flow \(commit [0-9a-f]{12}\)$/m)
      expect(cli('workflow', 'get', 'remote-flow', ...remote).status).toBe(1)
      const api = await fetch(`${daemon.url}/api/v1/workflows/remote-flow`)
      expect(api.status).toBe(404)
      const again = cli('workflow', 'delete', 'remote-flow', '--yes', ...remote)
      expect(again.status).toBe(1)
    } finally {
      daemon.child.kill('SIGTERM')
      await exited(daemon.child)
    }
  }, 180_000)
})
