/**
 * TemplateClient: the TypeScript SDK of the maestro-tpl daemon, over Node's own fetch.
 */
import {writeFile} from 'node:fs/promises'

import type {ApiTokenInfo, CreatedApiToken, TokenPair, UserInfo} from '../../../src/domain/accounts.js'
import type {MaestroError} from '../../../src/domain/errors.js'
import type {QualityReport, RegistryQualityReport} from '../../../src/domain/quality.js'
import type {ProjectList, ProjectRecord} from '../../../src/domain/projects.js'
import type {
  DeleteResult,
  RestoreResult,
  PublishResult,
  ReindexResult,
  RenderedProject,
  RequestContext,
  SearchQuery,
  SearchResult,
  TemplateDetail,
} from '../../../src/domain/registry.js'
import type {Answers, TemplateFiles, VersionInfo} from '../../../src/domain/types.js'
import type {
  AdminStats,
  HealthStatus,
  InstantiateResponse,
  Problem,
  ScoreResult,
  TemplateFilesResponse,
  VersionList,
} from '../../../src/domain/wire.js'
import {decodeFiles, encodeFiles, fromBase64} from '../../../src/domain/wire.js'
import {RemoteProtocolError, RemoteUnavailableError, problemToError} from './errors.js'
import {filesToEntries, folderToEntries, writeTarGz} from '../../../src/archive/tar/write.js'

type Role = RequestContext['role']

export interface TemplateClientOptions {
  /** The daemon: `http://host:8005` (a trailing `/api/v1` is accepted too). */
  baseUrl: string
  /** Bearer token (API token or access JWT) sent with every request. */
  token?: string | undefined
  /** Longest wait for a response's headers, and between body chunks (ms, default 60 000). */
  timeoutMs?: number
}

/**
 * A template to send: a folder on disk (sent as a .tar.gz, so links and odd files are
 * refused by the daemon with the same errors as `create ./folder` gives locally), a
 * file map, or an object of path → text or bytes.
 */
export type TemplateSource = string | TemplateFiles | Record<string, string | Uint8Array>

export interface ClientInstantiateOptions {
  answers?: Answers
  /** Give unanswered parameters their defaults (default true). */
  useDefaults?: boolean
  /** A render for an update or a diff: the daemon records no project and counts no use. */
  forUpdate?: boolean
}

export interface ArchiveOptions extends ClientInstantiateOptions {
  format: 'tar.gz' | 'zip'
  /** Top folder inside the archive (default: the template name; '' for none). */
  root?: string
  /** Also write the archive to this file. */
  output?: string
}

export interface ArchiveResult {
  archive: Uint8Array
  /** From Content-Disposition, e.g. `fastapi-service.tar.gz`. */
  filename: string
  template: string
  version: string
  commit: string
  /** Where it was written, when `output` was given. */
  output?: string
}

/** A tenant as the admin endpoints list it. */
export interface TenantInfo {
  name: string
  display_name: string
  created_at: string
}

/** Largest file map sent as JSON; bigger ones go as .tar.gz. */
const JSON_UPLOAD_MAX = 6 * 1024 * 1024

/** Names never packed from a folder (as `maestro-tpl create` skips them). */
const SKIPPED = /(^|\/)(\.git|node_modules|\.DS_Store)(\/|$)/

/**
 * The daemon's REST API as typed methods. Errors are thrown as the domain's error
 * classes (`NotFoundError`, `InvalidTemplateError`...), with the code the API sent.
 *
 * @example
 * ```ts
 * import {TemplateClient} from '@maestro-tpl/client'
 *
 * const client = new TemplateClient({baseUrl: 'http://localhost:8005', token: process.env.MAESTRO_TOKEN})
 * const {items} = await client.search({text: 'fastapi', limit: 5})
 * const detail = await client.get('fastapi-service@^1')
 * const project = await client.instantiate('fastapi-service', {answers: {project_name: 'billing'}})
 * project.files.get('README.md') // Uint8Array
 * await client.instantiate('fastapi-service', {format: 'zip', output: './billing.zip'})
 * await client.close()
 * ```
 */
export class TemplateClient {
  readonly baseUrl: string
  readonly #origin: string
  readonly #prefix: string
  readonly #token: string | undefined
  readonly #timeoutMs: number

  constructor(options: TemplateClientOptions) {
    let url: URL
    try {
      url = new URL(options.baseUrl)
    } catch {
      throw new RemoteProtocolError(
        `${JSON.stringify(options.baseUrl)} is not a URL; give the daemon as http://host:port`,
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RemoteProtocolError(`${options.baseUrl}: only http and https daemons are supported`)
    }
    this.#origin = url.origin
    this.#prefix = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
    this.baseUrl = this.#origin + this.#prefix
    this.#token = options.token || undefined
    this.#timeoutMs = options.timeoutMs ?? 60_000
  }

  /**
   * Search by text, category, tags, author and score, sorted by `sort` (relevance,
   * name, usage, score or updated); `limit` at most 100.
   *
   * @example
   * ```ts
   * const popular = await client.search({category: 'backend_developer', sort: 'usage', limit: 5})
   * ```
   */
  search(query: SearchQuery = {}): Promise<SearchResult> {
    return this.#json('POST', '/api/v1/templates/search', {json: query})
  }

  /**
   * A template by name, `namespace/name`, id, with `@version` or `@range`.
   *
   * @example
   * ```ts
   * await client.get('fastapi-service')          // latest
   * await client.get('fastapi-service@1.0.0')    // that version
   * await client.get('fastapi-service', {version: '^1'})
   * ```
   */
  get(ref: string, opts: {version?: string} = {}): Promise<TemplateDetail> {
    return this.#json('GET', `/api/v1/templates/${encodeURIComponent(ref)}`, {query: {version: opts.version}})
  }

  /** The template folder itself (manifest.yaml, README.md, files/...). */
  async files(ref: string): Promise<{template: TemplateDetail; files: TemplateFiles}> {
    const res = await this.#json<TemplateFilesResponse>(
      'GET',
      `/api/v1/templates/${encodeURIComponent(ref)}/files`,
    )
    return {template: res.template, files: decodeFiles(res.files)}
  }

  /**
   * Publishes a template: a new one, or a new version of an existing one.
   *
   * @example
   * ```ts
   * const result = await client.create('./my-template', {message: 'first version'})
   * result.status // 'created'
   * ```
   */
  async create(
    source: TemplateSource,
    opts: {namespace?: string; message?: string} = {},
  ): Promise<PublishResult> {
    return this.#json('POST', '/api/v1/templates', {
      query: {namespace: opts.namespace, message: opts.message},
      ...(await this.#upload(source)),
    })
  }

  /** Publishes a new version of the existing template `ref` (the manifest must name it). */
  async update(ref: string, source: TemplateSource, opts: {message?: string} = {}): Promise<PublishResult> {
    return this.#json('PUT', `/api/v1/templates/${encodeURIComponent(ref)}`, {
      query: {message: opts.message},
      ...(await this.#upload(source)),
    })
  }

  delete(ref: string): Promise<DeleteResult> {
    return this.#json('DELETE', `/api/v1/templates/${encodeURIComponent(ref)}`)
  }

  /** Brings a deleted template back from git history: `name` (as before its delete) or `name@version`. */
  restore(ref: string): Promise<RestoreResult> {
    return this.#json('POST', `/api/v1/templates/${encodeURIComponent(ref)}/restore`)
  }

  /** Every published version, newest first. */
  /**
   * Registers a project with the daemon (`POST /projects`), or with `id` reports the
   * version it is at now.
   *
   * @example
   * ```ts
   * const {id} = await client.registerProject({template: 'fastapi-service', version: '1.2.0', name: 'billing'})
   * ```
   */
  registerProject(project: {
    id?: string
    template: string
    version: string
    name?: string
  }): Promise<ProjectRecord> {
    return this.#json<ProjectRecord>('POST', '/api/v1/projects', {json: project})
  }

  /**
   * The caller's projects (`GET /projects`); `outdated` keeps those behind their template.
   *
   * @example
   * ```ts
   * const {items} = await client.listProjects({outdated: true})
   * ```
   */
  listProjects(opts: {outdated?: boolean; limit?: number; offset?: number} = {}): Promise<ProjectList> {
    const query: Record<string, string> = {}
    for (const [key, value] of Object.entries(opts)) if (value !== undefined) query[key] = String(value)
    return this.#json<ProjectList>('GET', '/api/v1/projects', {query})
  }

  async versions(ref: string): Promise<VersionInfo[]> {
    const all: VersionInfo[] = []
    for (let offset = 0; ;) {
      const page = await this.#json<VersionList>(
        'GET',
        `/api/v1/templates/${encodeURIComponent(ref)}/versions`,
        {
          query: {offset: String(offset)},
        },
      )
      all.push(...page.items)
      offset += page.items.length
      if (page.items.length === 0 || offset >= page.total) return all
    }
  }

  /**
   * Renders a template on the daemon. Without `format` (or with `json`), the rendered
   * files come back as a map; with `tar.gz` or `zip`, as an archive (written to `output`
   * when given).
   *
   * @example
   * ```ts
   * const project = await client.instantiate('fastapi-service', {answers: {project_name: 'billing'}})
   * const {filename} = await client.instantiate('fastapi-service', {format: 'tar.gz', output: 'billing.tar.gz'})
   * ```
   */
  instantiate(ref: string, opts?: ClientInstantiateOptions & {format?: 'json'}): Promise<RenderedProject>
  instantiate(ref: string, opts: ArchiveOptions): Promise<ArchiveResult>
  async instantiate(
    ref: string,
    opts: ClientInstantiateOptions & {
      format?: 'json' | 'tar.gz' | 'zip'
      root?: string
      output?: string
    } = {},
  ): Promise<RenderedProject | ArchiveResult> {
    const path = `/api/v1/templates/${encodeURIComponent(ref)}/instantiate`
    const body = {
      ...(opts.answers ? {answers: opts.answers} : {}),
      useDefaults: opts.useDefaults ?? true,
      format: opts.format ?? 'json',
      ...(opts.root === undefined ? {} : {root: opts.root}),
      ...(opts.forUpdate ? {forUpdate: true} : {}),
    }
    if (body.format === 'json') {
      const res = await this.#json<InstantiateResponse>('POST', path, {json: body})
      const files = new Map<string, Uint8Array>()
      for (const [file, content] of Object.entries(res.files)) files.set(file, fromBase64(content))
      return {template: res.template, version: res.version, commit: res.commit, answers: res.answers, files}
    }
    const res = await this.#send('POST', path, {json: body})
    const archive = await res.read()
    const header = (name: string) => res.headers.get(name) ?? ''
    const filename = /filename="([^"]+)"/.exec(header('content-disposition'))?.[1] ?? `project.${body.format}`
    if (opts.output) await writeFile(opts.output, archive)
    return {
      archive,
      filename,
      template: header('x-maestro-template'),
      version: header('x-maestro-version'),
      commit: header('x-maestro-commit'),
      ...(opts.output ? {output: opts.output} : {}),
    }
  }

  /**
   * The quality report of a template (a folder, files, or `{ref}` of a published one).
   *
   * @example
   * ```ts
   * const report = await client.validate('./my-template', {minScore: 80})
   * if (!report.passed) console.log(report.checks.flatMap((c) => c.recommendations))
   * ```
   */
  async validate(
    source: TemplateSource | {ref: string},
    opts: {minScore?: number} = {},
  ): Promise<QualityReport> {
    return this.#json('POST', '/api/v1/quality/validate', {
      query: {minScore: optional(opts.minScore)},
      ...(await this.#quality(source)),
    })
  }

  /** Only the score of a template, and whether it passes. */
  async score(source: TemplateSource | {ref: string}, opts: {minScore?: number} = {}): Promise<ScoreResult> {
    return this.#json('POST', '/api/v1/quality/score', {
      query: {minScore: optional(opts.minScore)},
      ...(await this.#quality(source)),
    })
  }

  /** Registry-wide quality per category. */
  qualityReport(opts: {minScore?: number} = {}): Promise<RegistryQualityReport> {
    return this.#json('GET', '/api/v1/quality/report', {query: {minScore: optional(opts.minScore)}})
  }

  /** Counts, cache figures, events and uptime (admin). */
  stats(): Promise<AdminStats> {
    return this.#json('GET', '/api/v1/admin/stats')
  }

  async clearCache(): Promise<void> {
    await this.#json('POST', '/api/v1/admin/cache/clear')
  }

  reindex(): Promise<ReindexResult> {
    return this.#json('POST', '/api/v1/admin/reindex')
  }

  /**
   * Signs in; the answer carries an access JWT and a refresh token.
   *
   * @example
   * ```ts
   * const pair = await client.login({username: 'ana', password: process.env.PASSWORD!})
   * const authed = new TemplateClient({baseUrl, token: pair.access_token})
   * ```
   */
  login(input: {username: string; password: string; tenant?: string}): Promise<TokenPair> {
    return this.#json('POST', '/api/v1/auth/login', {json: input})
  }

  /** Exchanges a refresh token (single use) for a new pair. */
  refresh(refreshToken: string): Promise<TokenPair> {
    return this.#json('POST', '/api/v1/auth/refresh', {json: {refresh_token: refreshToken}})
  }

  /** Revokes the login a refresh token belongs to. */
  logout(refreshToken: string): Promise<{revoked: boolean}> {
    return this.#json('POST', '/api/v1/auth/logout', {json: {refresh_token: refreshToken}})
  }

  /** Changes the caller's password; every login of theirs ends. */
  changePassword(
    currentPassword: string,
    newPassword: string,
  ): Promise<{changed: true; sessions_revoked: number}> {
    return this.#json('PUT', '/api/v1/auth/password', {
      json: {current_password: currentPassword, new_password: newPassword},
    })
  }

  /** Who the daemon takes this client for. */
  whoami(): Promise<{tenant: string; user: string; role: Role; anonymous: boolean}> {
    return this.#json('GET', '/api/v1/auth/me')
  }

  /** Creates an API token in the caller's tenant; `token` (the secret) is in this answer only. */
  createApiToken(input: {name: string; role?: Role; expires_in_days?: number}): Promise<CreatedApiToken> {
    return this.#json('POST', '/api/v1/auth/tokens', {json: input})
  }

  async listApiTokens(): Promise<ApiTokenInfo[]> {
    return (await this.#json<{items: ApiTokenInfo[]}>('GET', '/api/v1/auth/tokens')).items
  }

  revokeApiToken(id: string): Promise<ApiTokenInfo> {
    return this.#json('DELETE', `/api/v1/auth/tokens/${encodeURIComponent(id)}`)
  }

  async listTenants(): Promise<TenantInfo[]> {
    return (await this.#json<{items: TenantInfo[]}>('GET', '/api/v1/admin/tenants')).items
  }

  /** Creates a tenant (platform admins). */
  createTenant(input: {name: string; display_name?: string}): Promise<TenantInfo> {
    return this.#json('POST', '/api/v1/admin/tenants', {json: input})
  }

  async listUsers(opts: {tenant?: string} = {}): Promise<UserInfo[]> {
    return (
      await this.#json<{items: UserInfo[]}>('GET', '/api/v1/admin/users', {query: {tenant: opts.tenant}})
    ).items
  }

  /** Creates a user, with `role` in the caller's tenant (or `tenant`, for platform admins). */
  createUser(
    input: {username: string; password: string; role?: Role},
    opts: {tenant?: string} = {},
  ): Promise<UserInfo> {
    return this.#json('POST', '/api/v1/admin/users', {json: input, query: {tenant: opts.tenant}})
  }

  grantRole(username: string, role: Role, opts: {tenant?: string} = {}): Promise<UserInfo> {
    return this.#json('PUT', `/api/v1/admin/users/${encodeURIComponent(username)}/role`, {
      json: {role},
      query: {tenant: opts.tenant},
    })
  }

  /** Sets a user's password (platform admins). */
  resetPassword(username: string, password: string): Promise<UserInfo> {
    return this.#json('PUT', `/api/v1/admin/users/${encodeURIComponent(username)}/password`, {
      json: {password},
    })
  }

  revokeRole(username: string, opts: {tenant?: string} = {}): Promise<UserInfo> {
    return this.#json('DELETE', `/api/v1/admin/users/${encodeURIComponent(username)}/role`, {
      query: {tenant: opts.tenant},
    })
  }

  /** The daemon's health; a 503 (a dependency down) is returned, not thrown. */
  async health(): Promise<HealthStatus> {
    const res = await this.#send('GET', '/health', {allow: [503]})
    return parseJson<HealthStatus>(await res.read(), 'GET', '/health')
  }

  /**
   * Nothing to release: fetch keeps its connections in Node's global pool, which lets
   * idle ones go by itself (the process can exit). Kept so that code written for a
   * client with a pool of its own can still `await client.close()`.
   */
  async close(): Promise<void> {}

  async #quality(source: TemplateSource | {ref: string}): Promise<Body> {
    if (
      typeof source === 'object' &&
      !(source instanceof Map) &&
      typeof (source as {ref?: unknown}).ref === 'string'
    ) {
      return {json: {ref: (source as {ref: string}).ref}}
    }
    return this.#upload(source)
  }

  /** A folder goes as .tar.gz straight from disk; file maps as .tar.gz from memory (smaller than base64 JSON). */
  async #upload(source: TemplateSource): Promise<Body> {
    if (typeof source === 'string') {
      return {raw: writeTarGz(await folderToEntries(source, SKIPPED)), contentType: 'application/gzip'}
    }
    const files =
      source instanceof Map
        ? source
        : new Map(
            Object.entries(source).map(([p, c]) => [
              p,
              typeof c === 'string' ? new TextEncoder().encode(c) : c,
            ]),
          )
    let bytes = 0
    for (const content of files.values()) bytes += content.byteLength
    // JSON is readable in logs and debuggers; past a few MiB (base64 grows a third) a .tar.gz keeps under the body limit.
    return bytes <= JSON_UPLOAD_MAX
      ? {json: {files: encodeFiles(files)}}
      : {raw: writeTarGz(filesToEntries(files)), contentType: 'application/gzip'}
  }

  async #json<T>(method: string, path: string, body: Body & {query?: Query} = {}): Promise<T> {
    const res = await this.#send(method, path, body)
    const type = res.headers.get('content-type') ?? ''
    if (!type.includes('json')) {
      await res.discard()
      throw new RemoteProtocolError(
        `${method} ${path}: expected JSON from the daemon, got ${type || 'no content type'}`,
      )
    }
    return parseJson<T>(await res.read(), method, path)
  }

  async #send(
    method: string,
    path: string,
    opts: Body & {query?: Query; allow?: number[]} = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json;q=0.9, */*;q=0.5',
    }
    if (this.#token) headers.authorization = `Bearer ${this.#token}`
    let payload: string | Uint8Array<ArrayBuffer> | undefined
    if (opts.json !== undefined) {
      payload = JSON.stringify(opts.json)
      headers['content-type'] = 'application/json'
    } else if (opts.raw !== undefined) {
      payload = new Uint8Array(opts.raw)
      headers['content-type'] = opts.contentType ?? 'application/octet-stream'
    }
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(opts.query ?? {}))
      if (value !== undefined) search.set(key, value)
    const url = `${this.#origin}${this.#prefix}${path}${search.size > 0 ? `?${search.toString()}` : ''}`
    // One timer for the headers, then for each body chunk, as `timeoutMs` promises: a
    // slow download that keeps moving is not cut off, a stalled one is.
    const abort = new AbortController()
    const watchdog = new Watchdog(abort, this.#timeoutMs)
    let res: Response
    try {
      res = await fetch(url, {
        method,
        headers,
        signal: abort.signal,
        ...(payload === undefined ? {} : {body: payload}),
      })
    } catch (err) {
      watchdog.stop()
      throw new RemoteUnavailableError(this.baseUrl, watchdog.fired ?? fetchCause(err))
    }
    const reply = new Reply(res, watchdog, this.baseUrl)
    if (res.status >= 400 && !(opts.allow ?? []).includes(res.status))
      throw await this.#failure(reply, method, path)
    return reply
  }

  async #failure(res: Reply, method: string, path: string): Promise<MaestroError> {
    const type = res.headers.get('content-type') ?? ''
    const text = new TextDecoder().decode(await res.read())
    if (type.includes('json')) {
      try {
        const problem = JSON.parse(text) as Problem
        if (typeof problem.code === 'string' && typeof problem.detail === 'string')
          return problemToError(problem)
      } catch {
        // Not JSON after all: reported below with the status.
      }
    }
    return new RemoteProtocolError(
      `${method} ${path}: the daemon answered ${res.status} without a problem document`,
      {
        status: res.status,
        body: text.slice(0, 200),
      },
    )
  }
}

/** Aborts the request when `ms` pass without progress; `fired` says why, in the words of a network error. */
class Watchdog {
  fired: (Error & {code: string}) | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #abort: AbortController
  readonly #ms: number

  constructor(abort: AbortController, ms: number) {
    this.#abort = abort
    this.#ms = ms
    this.#arm('UND_ERR_HEADERS_TIMEOUT', 'no response headers')
  }

  /** Restarts the wait, now for the next body chunk. */
  progress(): void {
    this.#arm('UND_ERR_BODY_TIMEOUT', 'the response body stalled')
  }

  stop(): void {
    clearTimeout(this.#timer)
  }

  #arm(code: string, what: string): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.fired = Object.assign(new Error(`${what} within ${this.#ms} ms`), {code})
      this.#abort.abort(this.fired)
    }, this.#ms)
  }
}

/** A response whose body is read under the watchdog. */
class Reply {
  readonly status: number
  readonly headers: Headers
  readonly #res: Response
  readonly #watchdog: Watchdog
  readonly #baseUrl: string

  constructor(res: Response, watchdog: Watchdog, baseUrl: string) {
    this.status = res.status
    this.headers = res.headers
    this.#res = res
    this.#watchdog = watchdog
    this.#baseUrl = baseUrl
  }

  /** The whole body; a connection lost or stalled midway is RemoteUnavailableError. */
  async read(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = []
    let total = 0
    try {
      if (this.#res.body) {
        const reader = this.#res.body.getReader()
        for (;;) {
          this.#watchdog.progress()
          // Response.body is typed ReadableStream<any>; fetch's body chunks are bytes.
          const {done, value} = (await reader.read()) as {done: boolean; value?: Uint8Array}
          if (done || !value) break
          chunks.push(value)
          total += value.byteLength
        }
      }
    } catch (err) {
      throw new RemoteUnavailableError(this.#baseUrl, this.#watchdog.fired ?? fetchCause(err))
    } finally {
      this.#watchdog.stop()
    }
    const out = new Uint8Array(total)
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.byteLength
    }
    return out
  }

  /** Lets the body go unread (and the connection back to the pool). */
  async discard(): Promise<void> {
    this.#watchdog.stop()
    await this.#res.body?.cancel().catch(() => undefined)
  }
}

/** fetch wraps network failures in `TypeError: fetch failed`; its cause carries the code (ECONNREFUSED...). */
function fetchCause(err: unknown): unknown {
  return err instanceof TypeError && err.cause !== undefined ? err.cause : err
}

function parseJson<T>(bytes: Uint8Array, method: string, path: string): T {
  const text = new TextDecoder().decode(bytes)
  try {
    return JSON.parse(text) as T
  } catch {
    throw new RemoteProtocolError(`${method} ${path}: the daemon's JSON answer is cut short or malformed`, {
      body: text.slice(0, 200),
    })
  }
}

interface Body {
  json?: unknown
  raw?: Uint8Array
  contentType?: string
}

type Query = Record<string, string | undefined>

const optional = (n: number | undefined): string | undefined => (n === undefined ? undefined : String(n))
