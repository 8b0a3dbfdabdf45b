/**
 * The CLI's stored sign-ins: `$XDG_CONFIG_HOME/maestro-tpl/credentials.json` (default
 * `~/.config/maestro-tpl/credentials.json`), one entry per daemon URL, readable by the
 * user only (directory 0700, file 0600, written whole to a temporary file and renamed
 * into place so a crash never leaves half a file). MAESTRO_TOKEN, when set, is used
 * instead and nothing is stored.
 */
import {randomBytes} from 'node:crypto'
import {chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import type {TokenPair} from '../auth/service.js'
import {MaestroError} from '../domain/errors.js'

export interface StoredLogin {
  access_token: string
  /** ISO time the access token expires. */
  access_expires_at: string
  refresh_token: string
  username: string
  tenant: string
  role: string
}

interface CredentialsFile {
  remotes: Record<string, StoredLogin>
}

/** Renew the access token this long before it expires (clock skew, request time). */
const RENEW_BEFORE_MS = 30_000

/** The folder of the credentials file. */
export function credentialsDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'maestro-tpl')
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(credentialsDir(env), 'credentials.json')
}

/** One key per daemon, whatever the spelling of its URL (`http://h:8005/` and `http://h:8005/api/v1`). */
export function remoteKey(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.origin + parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
  } catch {
    return url
  }
}

function read(env: NodeJS.ProcessEnv): CredentialsFile {
  let text: string
  try {
    text = readFileSync(credentialsPath(env), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {remotes: {}}
    throw err
  }
  try {
    const parsed = JSON.parse(text) as Partial<CredentialsFile>
    return {remotes: parsed.remotes ?? {}}
  } catch {
    throw new MaestroError(
      `${credentialsPath(env)} is not valid JSON; delete it and run \`maestro-tpl login\` again`,
      {code: 'BAD_CREDENTIALS_FILE', status: 400, exitCode: 2},
    )
  }
}

/** Creates the folder 0700 (and tightens one that exists), writes the file 0600 atomically. */
function write(file: CredentialsFile, env: NodeJS.ProcessEnv): void {
  const dir = credentialsDir(env)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  if (lstatSync(dir).isSymbolicLink())
    throw new MaestroError(`${dir} is a symbolic link; refusing to store credentials there`, {
      code: 'UNSAFE_PATH',
      status: 400,
      exitCode: 2,
    })
  chmodSync(dir, 0o700)
  const target = credentialsPath(env)
  const temp = join(dir, `.credentials-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  try {
    // 'wx': never follow or reuse a file someone placed there; the mode applies from creation.
    writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, {mode: 0o600, flag: 'wx'})
    renameSync(temp, target)
  } finally {
    rmSync(temp, {force: true})
  }
  chmodSync(target, 0o600)
}

export function loadLogin(remote: string, env: NodeJS.ProcessEnv = process.env): StoredLogin | undefined {
  return read(env).remotes[remoteKey(remote)]
}

/**
 * Stores a sign-in for `remote`.
 *
 * @example
 * ```ts
 * saveLogin('http://localhost:8005', await client.login({username, password}))
 * ```
 */
export function saveLogin(
  remote: string,
  pair: TokenPair,
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): StoredLogin {
  const file = read(env)
  const login: StoredLogin = {
    access_token: pair.access_token,
    access_expires_at: new Date(now + pair.expires_in * 1000).toISOString(),
    refresh_token: pair.refresh_token,
    username: pair.username,
    tenant: pair.tenant,
    role: pair.role,
  }
  file.remotes[remoteKey(remote)] = login
  write(file, env)
  return login
}

/** Forgets the sign-in for `remote`; returns what was stored. */
export function removeLogin(remote: string, env: NodeJS.ProcessEnv = process.env): StoredLogin | undefined {
  const file = read(env)
  const key = remoteKey(remote)
  const login = file.remotes[key]
  if (!login) return undefined
  delete file.remotes[key]
  write(file, env)
  return login
}

/**
 * The bearer token for `remote`: MAESTRO_TOKEN when set; else the stored access token,
 * renewed with the refresh token (and stored again) when it has expired; else none.
 *
 * @example
 * ```ts
 * const token = await bearerToken(remote, (refresh) => new TemplateClient({baseUrl: remote}).refresh(refresh))
 * ```
 */
export async function bearerToken(
  remote: string,
  refresh: (refreshToken: string) => Promise<TokenPair>,
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): Promise<string | undefined> {
  if (env.MAESTRO_TOKEN) return env.MAESTRO_TOKEN
  const login = loadLogin(remote, env)
  if (!login) return undefined
  if (Date.parse(login.access_expires_at) - RENEW_BEFORE_MS > now) return login.access_token
  let pair: TokenPair
  try {
    pair = await refresh(login.refresh_token)
  } catch (err) {
    if ((err as MaestroError).code !== 'UNAUTHENTICATED') throw err
    removeLogin(remote, env)
    throw new MaestroError(
      `your session with ${remoteKey(remote)} has ended; sign in again with \`maestro-tpl login --remote ${remoteKey(remote)}\``,
      {code: 'UNAUTHENTICATED', status: 401, cause: err},
    )
  }
  return saveLogin(remote, pair, env, now).access_token
}
