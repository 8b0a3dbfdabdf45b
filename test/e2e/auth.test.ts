/**
 * The built CLI against the built daemon with RBAC on: accounts made on the local store
 * without signing in, `login` keeping its tokens 0600, automatic renewal, API tokens for
 * CI through MAESTRO_TOKEN, `logout`; and the daemon refusing a weak SECRET_KEY.
 */
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runBin} from '../helpers/command.js'
import {exited, startDaemon} from '../helpers/daemon.js'
import {writeTemplate} from '../helpers/temp.js'

const SECRET = 'Vq7#pL2!xR9@mK4$wT6^zN8&bH3*cJ5(dF1)gS0-'
const PASSWORD = 'ana-password-1234'

describe('e2e: sign-in and tokens with the built CLI and daemon', () => {
  let work: string
  let env: Record<string, string>
  let daemon: {child: ChildProcess; url: string}
  const cli = (args: string[], input?: string, extra: Record<string, string> = {}) =>
    runBin(args, {...env, ...extra}, input)
  const credentialsFile = () => join(env.XDG_CONFIG_HOME!, 'maestro-tpl', 'credentials.json')

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maestro-e2e-auth-'))
    env = {
      MAESTRO_HOME: join(work, 'store'),
      XDG_CONFIG_HOME: join(work, 'config'),
      TEMPLATES_STORAGE_PATH: join(work, 'empty-catalog'),
      CI: 'true',
      ENABLE_RBAC: 'true',
      SECRET_KEY: SECRET,
      MAESTRO_TOKEN: '',
      MAESTRO_REMOTE: '',
    }
    // Accounts straight in the daemon's store: no daemon, no sign-in.
    expect(cli(['tenant', 'create', 'acme']).status).toBe(0)
    const created = cli(
      ['user', 'create', 'ana', '--role', 'editor', '--tenant', 'acme', '--password-stdin', '--json'],
      `${PASSWORD}\n`,
    )
    expect(created.status, created.stderr).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({
      username: 'ana',
      roles: [{tenant: 'acme', role: 'editor'}],
    })
    daemon = await startDaemon(env)
  }, 120_000)

  afterAll(async () => {
    daemon?.child.kill('SIGTERM')
    if (daemon) await exited(daemon.child)
    rmSync(work, {recursive: true, force: true})
  })

  it('refuses to start with an example SECRET_KEY, saying what to do, with a non-zero exit', () => {
    const result = cli(['serve', '--port', '0'], undefined, {SECRET_KEY: 'change-me-to-a-long-random-secret'})
    expect(result.status).not.toBe(0)
    expect(result.stderr).toMatch(/SECRET_KEY is left at an example/)
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/)
  })

  it('signs in, keeps the tokens 0600 in a 0700 folder, publishes as the tenant, and signs out', async () => {
    const login = cli(
      ['login', '--remote', daemon.url, '--username', 'ana', '--password-stdin'],
      `${PASSWORD}\n`,
    )
    expect(login.status, login.stderr).toBe(0)
    expect(login.stdout).toContain('Signed in')
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600)
    expect(statSync(join(env.XDG_CONFIG_HOME!, 'maestro-tpl')).mode & 0o777).toBe(0o700)
    expect(readFileSync(credentialsFile(), 'utf8')).not.toContain(PASSWORD)

    const me = cli(['whoami', '--remote', daemon.url, '--json'])
    expect(JSON.parse(me.stdout)).toEqual({tenant: 'acme', user: 'ana', role: 'editor', anonymous: false})
    const folder = await writeTemplate(join(work, 'tpl'), {name: 'acme-service'})
    const created = cli(['create', folder, '--remote', daemon.url, '--json'])
    expect(created.status, created.stderr).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({template: {namespace: 'acme', name: 'acme-service'}})

    // An expired access token is renewed with the refresh token, and the new pair stored.
    const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8'))
    const entry = stored.remotes[daemon.url]
    entry.access_expires_at = new Date(0).toISOString()
    writeFileSync(credentialsFile(), JSON.stringify(stored), {mode: 0o600})
    expect(cli(['get', 'acme-service', '--remote', daemon.url, '--json']).status).toBe(0)
    const renewed = JSON.parse(readFileSync(credentialsFile(), 'utf8')).remotes[daemon.url]
    expect(renewed.refresh_token).not.toBe(entry.refresh_token)
    expect(Date.parse(renewed.access_expires_at)).toBeGreaterThan(Date.now())

    // Mirroring the daemon signs in with the stored login too: acme's template comes along.
    const mirrored = cli(['sync', '--from-remote', daemon.url, '--json'], undefined, {
      MAESTRO_HOME: join(work, 'laptop'),
    })
    expect(mirrored.status, mirrored.stderr).toBe(0)
    expect(JSON.parse(mirrored.stdout).templates.added).toEqual(['acme-service'])

    const out = cli(['logout', '--remote', daemon.url])
    expect(out.status, out.stderr).toBe(0)
    expect(JSON.parse(readFileSync(credentialsFile(), 'utf8')).remotes[daemon.url]).toBeUndefined()
    expect(JSON.parse(cli(['whoami', '--remote', daemon.url, '--json']).stdout)).toMatchObject({
      anonymous: true,
    })
    // Anonymous callers see the public catalog only, and may not publish.
    const denied = cli(['create', folder, '--remote', daemon.url])
    expect(denied.status).not.toBe(0)
    expect(denied.stderr).toMatch(/sign in/)
  })

  it('creates an API token for CI, uses it as MAESTRO_TOKEN, lists it without the secret and revokes it', () => {
    expect(
      cli(['login', '--remote', daemon.url, '--username', 'ana', '--password-stdin'], PASSWORD).status,
    ).toBe(0)
    const created = cli(['token', 'create', 'ci', '--role', 'viewer', '--remote', daemon.url, '--json'])
    expect(created.status, created.stderr).toBe(0)
    const {token, id} = JSON.parse(created.stdout) as {token: string; id: string}
    expect(token).toMatch(/^mtp_/)

    const asCi = cli(['whoami', '--remote', daemon.url, '--json'], undefined, {
      MAESTRO_TOKEN: token,
      XDG_CONFIG_HOME: join(work, 'nowhere'),
    })
    expect(JSON.parse(asCi.stdout)).toMatchObject({tenant: 'acme', role: 'viewer'})
    const list = cli(['token', 'list', '--remote', daemon.url])
    expect(list.stdout).toContain('ci')
    expect(list.stdout).not.toContain(token)
    expect(cli(['token', 'revoke', id, '--remote', daemon.url]).status).toBe(0)
    const after = cli(['search', '--remote', daemon.url], undefined, {MAESTRO_TOKEN: token})
    expect(after.status).not.toBe(0)
    expect(after.stderr).toMatch(/revoked/)
  })
})
