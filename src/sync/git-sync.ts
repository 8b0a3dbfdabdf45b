/**
 * Sync of one namespace's git repository with a remote over HTTP(S), fast-forward only.
 *
 * The remote's `main` is fetched into `refs/remotes/origin/main`; the local `main` moves
 * only when the remote is a descendant of it, and the remote's `main` only when the local
 * one is a descendant of it. A diverged history is refused with {@link SyncDivergedError}
 * before anything is changed on either side.
 */
import {promises as fsp} from 'node:fs'
import {join} from 'node:path'

import type {
  AuthCallback,
  AuthFailureCallback,
  HttpClient,
  default as IsomorphicGit,
  ProgressCallback,
} from 'isomorphic-git'

import {MaestroError, UsageError} from '../domain/errors.js'
import {storeFs as fs} from '../store/fs.js'
import {parseTrailers} from '../store/message.js'
import {advanceRef} from '../store/refs.js'
import {MAIN_REF, type NamespaceRepo} from '../store/namespace-repo.js'
import {guardedHttpClient} from './guarded-http.js'
import {parseRemoteUrl, vetRemoteUrl, type RemotePolicy} from './remote-policy.js'

/** Where the remote's `main` is recorded after a fetch. */
export const REMOTE_MAIN_REF = 'refs/remotes/origin/main'

/** Credentials for the remote; never printed. */
export interface SyncAuth {
  /** A token, sent as the password of basic auth (username `x-access-token` unless given). */
  token?: string | undefined
  username?: string | undefined
  password?: string | undefined
}

/** Options of {@link syncNamespace}. */
export interface SyncOptions {
  /**
   * `http://` or `https://` URL of the remote repository. It is recorded (without any
   * credentials) as the repository's `origin`; left out, the recorded `origin` is used.
   */
  url?: string | undefined
  /** Fetch and fast-forward the local `main` (default: true unless only `push` is set). */
  pull?: boolean
  /** Push the local `main` to the remote (default: true unless only `pull` is set). */
  push?: boolean
  auth?: SyncAuth
  /**
   * Which hosts may be reached (see remote-policy.ts). Default: public addresses only;
   * the CLI allows private ones unless configured otherwise, the daemon does not.
   */
  policy?: RemotePolicy
  /** How long to wait for the namespace's writer lock (default: the store's). */
  lockTimeoutMs?: number
  /** Called under the namespace lock after the local `main` moved, e.g. to reindex. */
  afterPull?: (change: {from: string | null; to: string}) => Promise<void>
  /** isomorphic-git progress events, for a progress bar on a terminal. */
  onProgress?: ProgressCallback
}

/** Templates added, changed and removed locally by a pull, by name. */
export interface TemplateChanges {
  added: string[]
  changed: string[]
  removed: string[]
}

/** What one sync did. */
export interface SyncSummary {
  namespace: string
  /** The remote synced with, without credentials. */
  remote: string
  /** Commits fetched from the remote onto the local `main`. */
  fetched: number
  /** Commits pushed from the local `main` onto the remote. */
  pushed: number
  templates: TemplateChanges
  /** Local `main` after the sync (null while the namespace has no commit). */
  head: string | null
  /** Remote `main` after the sync (null while the remote has none). */
  remoteHead: string | null
}

/** The local and the remote `main` each have commits the other lacks. */
export class SyncDivergedError extends MaestroError {
  static readonly code = 'SYNC_DIVERGED'
  constructor(message: string, data: Record<string, unknown>) {
    super(message, {code: SyncDivergedError.code, status: 409, exitCode: 1, data})
  }
}

/** The remote could not be reached, refused the credentials, or refused the push. */
export class SyncRemoteError extends MaestroError {
  static readonly code = 'SYNC_REMOTE_FAILED'
  constructor(message: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(message, {code: SyncRemoteError.code, status: 502, exitCode: 1, data, cause})
  }
}

/**
 * Reads credentials from the environment: `MAESTRO_GIT_TOKEN` (with an optional
 * `MAESTRO_GIT_USERNAME`), or `MAESTRO_GIT_USERNAME` and `MAESTRO_GIT_PASSWORD`.
 *
 * @example
 * ```ts
 * await syncNamespace(repo, {url, auth: authFromEnv()})
 * ```
 */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): SyncAuth {
  return {
    token: env.MAESTRO_GIT_TOKEN || undefined,
    username: env.MAESTRO_GIT_USERNAME || undefined,
    password: env.MAESTRO_GIT_PASSWORD || undefined,
  }
}

/**
 * The URL as it may be shown: without any user name or password in it.
 *
 * @example
 * ```ts
 * redactUrl('https://me:secret@git.example.com/t.git') // 'https://git.example.com/t.git'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return '(invalid URL)'
  }
}

/**
 * Pulls and/or pushes the namespace's `main` against `options.url`, fast-forward only,
 * holding the namespace's writer lock throughout. Refuses a diverged history with
 * {@link SyncDivergedError} (code `SYNC_DIVERGED`) and changes nothing then.
 *
 * @example
 * ```ts
 * const repo = new GitStore(join(home, 'git')).repo('local')
 * const summary = await syncNamespace(repo, {
 *   url: 'https://git.example.com/team/templates.git',
 *   auth: authFromEnv(),
 *   afterPull: () => registry.reconcile(), // reindex and score what changed
 * })
 * console.log(summary.fetched, summary.pushed, summary.templates.added)
 * ```
 */
export async function syncNamespace(repo: NamespaceRepo, options: SyncOptions): Promise<SyncSummary> {
  const both = options.pull === undefined && options.push === undefined
  const pull = both || options.pull === true
  const push = both || options.push === true
  const {default: git} = await import('isomorphic-git')
  const policy = options.policy ?? {allowPrivate: false, allowedHosts: []}
  const http = guardedHttpClient(policy)
  await repo.init()
  const gitdir = repo.dir
  const recorded = (await git.getConfig({fs, gitdir, path: 'remote.origin.url'})) as string | undefined
  const given = options.url ?? recorded
  if (!given) {
    throw new UsageError(
      `namespace ${repo.namespace} has no remote yet: say which git repository to sync with (--remote-url URL; remote_url in the API)`,
    )
  }
  const url = given
  const shown = redactUrl(url)
  // Before anything else: a refused host is never contacted, and its answer never recorded.
  // A name that does not resolve is an unreachable remote (502), not a bug of ours.
  await remoteCall(shown, () => vetRemoteUrl(parseRemoteUrl(url), policy))
  const {onAuth, onAuthFailure} = authCallbacks(options.auth)
  const remote = {
    http,
    url,
    onAuth,
    onAuthFailure,
    ...(options.onProgress ? {onProgress: options.onProgress} : {}),
  }

  return repo.withLock(
    async () => {
      const cache = {}
      const summary: SyncSummary = {
        namespace: repo.namespace,
        remote: shown,
        fetched: 0,
        pushed: 0,
        templates: {added: [], changed: [], removed: []},
        head: await repo.head(),
        remoteHead: null,
      }

      // 1. Learn the remote's main and fetch its objects (never touches refs/heads/main).
      const info = await remoteCall(shown, () =>
        git.getRemoteInfo2({http, url, onAuth, onAuthFailure, protocolVersion: 1}),
      )
      const advertised = info.refs?.find((r) => r.ref === MAIN_REF)?.oid ?? null
      // The remote answered: record it (never its credentials) as origin, which also tells
      // fetch where remote-tracking refs go.
      if (recorded !== shown) await git.addRemote({fs, gitdir, remote: 'origin', url: shown, force: true})

      let remoteHead = advertised
      if (advertised === null) await fsp.rm(join(gitdir, ...REMOTE_MAIN_REF.split('/')), {force: true})
      else {
        const tracked = await readRef(gitdir, REMOTE_MAIN_REF)
        const packsBefore = await packFiles(gitdir)
        const fetched = await remoteCall(shown, async () => {
          try {
            return await git.fetch({
              fs,
              gitdir,
              cache,
              ...remote,
              http: withHeadSymref(http),
              remote: 'origin',
              ref: 'main',
              remoteRef: 'main',
              singleBranch: true,
              tags: false,
            })
          } catch (err) {
            // isomorphic-git moves the tracking ref before it stores the pack: a fetch that
            // failed must leave neither a ref to missing objects nor half a pack behind.
            await restoreAfterFailedFetch(gitdir, tracked, packsBefore)
            throw err instanceof MaestroError || isNetworkError(err)
              ? err
              : new SyncRemoteError(
                  `${shown} sent a malformed or incomplete pack (${(err as Error)?.message ?? String(err)}); nothing was changed locally`,
                  {},
                  err,
                )
          }
        })
        // The remote may have moved since it advertised: what was fetched is what counts.
        remoteHead = fetched.fetchHead ?? advertised
      }
      summary.remoteHead = remoteHead
      const localHead = summary.head

      // 2. Where the two stand.
      const isAncestor = async (ancestor: string | null, of: string | null): Promise<boolean> => {
        if (ancestor === null || ancestor === of) return true
        if (of === null) return false
        return git.isDescendent({fs, gitdir, cache, oid: of, ancestor, depth: -1})
      }
      const remoteContainsLocal = await isAncestor(localHead, remoteHead)
      const localContainsRemote = await isAncestor(remoteHead, localHead)
      if (!remoteContainsLocal && !localContainsRemote) {
        const base = await mergeBase(git, gitdir, cache, localHead!, remoteHead!)
        const onlyLocal = await commitsBetween(git, gitdir, cache, localHead!, base)
        const onlyRemote = await commitsBetween(git, gitdir, cache, remoteHead!, base)
        const localNames = templatesTouched(onlyLocal)
        const remoteNames = templatesTouched(onlyRemote)
        throw new SyncDivergedError(
          `namespace ${repo.namespace} and ${shown} have diverged: ${onlyLocal.length} local commit(s) ` +
            `(${localNames.join(', ') || 'no template'}) and ${onlyRemote.length} remote commit(s) ` +
            `(${remoteNames.join(', ') || 'no template'}) are not on the other side. Nothing was changed. ` +
            `To compare: git --git-dir ${gitdir} log --oneline main...${REMOTE_MAIN_REF}. ` +
            `To keep the remote's history, save your local templates (maestro-tpl get), move main to ` +
            `${REMOTE_MAIN_REF} with git update-ref, run maestro-tpl reindex, re-publish them and sync again; ` +
            `to keep yours, replace the remote's main with git itself.`,
          {
            namespace: repo.namespace,
            local: localHead,
            remote: remoteHead,
            base,
            localOnly: onlyLocal.length,
            remoteOnly: onlyRemote.length,
            localTemplates: localNames,
            remoteTemplates: remoteNames,
          },
        )
      }
      if (push && !pull && !localContainsRemote) {
        const behind = (await commitsBetween(git, gitdir, cache, remoteHead!, localHead)).length
        throw new SyncDivergedError(
          `the remote ${shown} has ${behind} commit(s) that namespace ${repo.namespace} lacks: ` +
            `pushing would overwrite them. Pull first (maestro-tpl sync ${repo.namespace} --pull), then push.`,
          {namespace: repo.namespace, local: localHead, remote: remoteHead, localOnly: 0, remoteOnly: behind},
        )
      }

      // 3. Pull: fast-forward main to the remote.
      if (pull && remoteHead !== null && remoteHead !== localHead && !localContainsRemote) {
        summary.fetched = (await commitsBetween(git, gitdir, cache, remoteHead, localHead)).length
        summary.templates = await templateChanges(repo, localHead, remoteHead)
        await advanceRef(gitdir, MAIN_REF, localHead, remoteHead, {namespace: repo.namespace})
        summary.head = remoteHead
        await options.afterPull?.({from: localHead, to: remoteHead})
      }

      // 4. Push: the remote's main is an ancestor of ours (checked above); send the rest.
      const head = summary.head
      if (push && head !== null && head !== remoteHead) {
        summary.pushed = (await commitsBetween(git, gitdir, cache, head, remoteHead)).length
        const result = await remoteCall(shown, () =>
          git.push({fs, gitdir, cache, ...remote, ref: 'main', remoteRef: 'main', force: false}),
        )
        const status = result.refs[MAIN_REF]
        if (!result.ok || (status && !status.ok)) {
          throw new SyncRemoteError(
            `${shown} refused the push of namespace ${repo.namespace}: ${status?.error ?? result.error ?? 'unknown reason'}`,
            {namespace: repo.namespace},
          )
        }
        await advanceRef(gitdir, REMOTE_MAIN_REF, remoteHead, head, {namespace: repo.namespace, force: true})
        summary.remoteHead = head
      }
      return summary
    },
    options.lockTimeoutMs === undefined ? {} : {timeoutMs: options.lockTimeoutMs},
  )
}

function authCallbacks(auth: SyncAuth = {}): {onAuth: AuthCallback; onAuthFailure: AuthFailureCallback} {
  const onAuth: AuthCallback = () => {
    if (auth.token) return {username: auth.username ?? 'x-access-token', password: auth.token}
    if (auth.username !== undefined || auth.password !== undefined) {
      return {username: auth.username ?? '', password: auth.password ?? ''}
    }
    return {cancel: true}
  }
  const onAuthFailure: AuthFailureCallback = () => {
    // isomorphic-git would retry with what onAuthFailure returns: give up instead.
    return {cancel: true}
  }
  return {onAuth, onAuthFailure}
}

/** Socket and DNS failures: the remote could not be reached. */
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
])

function isNetworkError(err: unknown): boolean {
  const code = (err as {code?: unknown})?.code
  return typeof code === 'string' && NETWORK_CODES.has(code)
}

/** Runs a network call, turning isomorphic-git's errors into SyncRemoteError without secrets. */
async function remoteCall<T>(shown: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof MaestroError) throw err
    const e = err as {code?: string; message?: string; hostname?: string; data?: {statusCode?: number}}
    if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_FAIL') {
      const host = e.hostname ?? parseRemoteHost(shown)
      throw new SyncRemoteError(
        `could not sync with ${shown}: the host name ${host} does not resolve (${e.code}); check the URL and this machine's DNS`,
        {host, reason: e.code},
        err,
      )
    }
    if (e.code === 'UserCanceledError' || e.code === 'HttpError') {
      const status = e.data?.statusCode
      const hint =
        status === 401 || status === 403 || e.code === 'UserCanceledError'
          ? ' (authentication failed or is missing: set MAESTRO_GIT_TOKEN, or MAESTRO_GIT_USERNAME and MAESTRO_GIT_PASSWORD)'
          : ''
      throw new SyncRemoteError(
        `${shown} answered ${status ?? 'with an error'}${hint}`,
        {statusCode: status ?? null},
        err,
      )
    }
    throw new SyncRemoteError(`could not sync with ${shown}: ${e.message ?? String(err)}`, {}, err)
  }
}

function parseRemoteHost(shown: string): string {
  try {
    return new URL(shown).hostname
  } catch {
    return shown
  }
}

/** A ref's value from its loose file, or null (the tracking ref is only ever written loose here). */
async function readRef(gitdir: string, ref: string): Promise<string | null> {
  const text = await fsp.readFile(join(gitdir, ...ref.split('/')), 'utf8').catch(() => null)
  return text?.trim() || null
}

async function packFiles(gitdir: string): Promise<Set<string>> {
  return new Set(await fsp.readdir(join(gitdir, 'objects', 'pack')).catch(() => []))
}

/** Puts the tracking ref back and removes the pack files a failed fetch wrote. */
async function restoreAfterFailedFetch(
  gitdir: string,
  tracked: string | null,
  before: Set<string>,
): Promise<void> {
  const refFile = join(gitdir, ...REMOTE_MAIN_REF.split('/'))
  if (tracked === null) await fsp.rm(refFile, {force: true})
  else await fsp.writeFile(refFile, `${tracked}\n`)
  const dir = join(gitdir, 'objects', 'pack')
  for (const name of await packFiles(gitdir)) {
    if (!before.has(name)) await fsp.rm(join(dir, name), {force: true})
  }
}

/**
 * The HTTP client for a fetch, adding `symref=HEAD:refs/heads/main` to the ref
 * advertisement when the remote announces no HEAD. A bare repository whose HEAD names a
 * branch that does not exist (a default branch renamed) advertises no HEAD, and
 * isomorphic-git then fails with "Could not find HEAD" after the refs, before the pack,
 * although only `main` is fetched. The capability only names what HEAD points to; with a
 * single-branch fetch of main it changes nothing else.
 */
function withHeadSymref(http: HttpClient): HttpClient {
  return {
    async request(request) {
      const response = await http.request(request)
      if (request.method !== 'GET' || !/\/info\/refs\?service=git-upload-pack$/.test(request.url))
        return response
      const chunks: Uint8Array[] = []
      for await (const chunk of response.body ?? []) chunks.push(chunk)
      return {...response, body: [addHeadSymref(Buffer.concat(chunks))][Symbol.iterator]() as never}
    },
  }
}

/** Adds the capability to the first ref line of an advertisement, unless it names HEAD already. */
function addHeadSymref(body: Buffer): Uint8Array {
  const text = body.toString('latin1')
  if (/\0[^\n]*symref=HEAD:/.test(text) || / HEAD\0/.test(text)) return body
  // Service line, flush, then the first ref line: "<len><oid> <ref>\0<capabilities>\n".
  let at = 0
  while (at + 4 <= text.length) {
    const length = Number.parseInt(text.slice(at, at + 4), 16)
    if (!Number.isFinite(length)) return body
    if (length === 0) {
      at += 4
      continue
    }
    const line = text.slice(at + 4, at + length)
    if (line.includes('\0')) {
      const extended = `${line.replace(/\n$/, '')} symref=HEAD:${MAIN_REF}\n`
      const framed = `${(extended.length + 4).toString(16).padStart(4, '0')}${extended}`
      return Buffer.from(text.slice(0, at) + framed + text.slice(at + length), 'latin1')
    }
    at += length
  }
  return body
}

type Git = typeof IsomorphicGit

async function mergeBase(
  git: Git,
  gitdir: string,
  cache: object,
  a: string,
  b: string,
): Promise<string | null> {
  const bases = (await git.findMergeBase({fs, gitdir, cache, oids: [a, b]})) as string[]
  return bases[0] ?? null
}

/** The messages of the commits reachable from `from` but not from `exclude`. */
async function commitsBetween(
  git: Git,
  gitdir: string,
  cache: object,
  from: string,
  exclude: string | null,
): Promise<string[]> {
  const excluded = new Map<string, string>()
  if (exclude !== null) await walk(git, gitdir, cache, exclude, excluded, new Map())
  const seen = new Map<string, string>()
  await walk(git, gitdir, cache, from, seen, excluded)
  return [...seen.values()]
}

async function walk(
  git: Git,
  gitdir: string,
  cache: object,
  start: string,
  seen: Map<string, string>,
  stop: ReadonlyMap<string, string>,
): Promise<void> {
  const stack = [start]
  while (stack.length > 0) {
    const oid = stack.pop() as string
    if (seen.has(oid) || stop.has(oid)) continue
    const {commit} = await git.readCommit({fs, gitdir, cache, oid})
    seen.set(oid, commit.message)
    stack.push(...commit.parent)
  }
}

/** The template names commits name in their Maestro-Template trailers, sorted. */
function templatesTouched(messages: readonly string[]): string[] {
  const names = new Set<string>()
  for (const message of messages) {
    const name = parseTrailers(message).template
    if (name) names.add(name)
  }
  return [...names].sort()
}

/** What moving `main` from `from` to `to` does to the namespace's templates, by name. */
async function templateChanges(
  repo: NamespaceRepo,
  from: string | null,
  to: string,
): Promise<TemplateChanges> {
  const byName = async (commit: string | null) => {
    const map = new Map<string, string>()
    if (commit === null) return map
    for (const t of await repo.listTemplates(commit))
      map.set(t.path.split('/').pop() as string, `${t.path}:${t.tree}`)
    return map
  }
  const [before, after] = await Promise.all([byName(from), byName(to)])
  const changes: TemplateChanges = {added: [], changed: [], removed: []}
  for (const [name, key] of after) {
    const old = before.get(name)
    if (old === undefined) changes.added.push(name)
    else if (old !== key) changes.changed.push(name)
  }
  for (const name of before.keys()) if (!after.has(name)) changes.removed.push(name)
  for (const list of Object.values(changes) as string[][]) list.sort()
  return changes
}
