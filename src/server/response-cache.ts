/**
 * Serialized answers of hot read routes (GET /templates/{id}), so a repeated read costs a
 * map lookup and one write to the socket, with no query, no JSON.stringify and no hash.
 *
 * Freshness: every registry write in this process invalidates the registry's cache
 * (`invalidate`/`clear`), and the daemon hands the registry a {@link notifyingCache}
 * that clears this one at the same moment. Writes by other processes (a CLI next to the
 * daemon, another daemon on the same database) are noticed before every lookup:
 * {@link ResponseCache.lookup} first runs `beforeLookup` (the registry's `refresh`, one
 * indexed query of the namespaces' write generations), which invalidates the registry's
 * cache, and so this one, when they moved.
 */
import {createHash} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {Cache, CacheStats} from '../cache/cache.js'
import type {RequestContext} from '../registry/types.js'

export interface CachedResponse {
  body: Buffer
  etag: string
  contentType: string
  /** Route template that produced it, for metrics and logs when the hot path serves it. */
  route: string
  /** The template the answer shows, when it shows one: a hit is a use of it. */
  template?: {id: string; namespace: string} | undefined
  /** The answer shows one exact version (`name@1.2.0`), whose files and commit never change. */
  immutable?: boolean | undefined
}

/**
 * How long a client may keep an exact version's answer without asking again. Its files
 * and commit never change, but the summary around them may (the template's
 * `updated_at`, a rescore; a deleted template may be published again at the same
 * version): a day bounds how stale that metadata can get.
 */
export const IMMUTABLE_MAX_AGE = 86_400

/**
 * A bounded LRU of serialized responses, keyed by tenant and request URL.
 *
 * @example
 * ```ts
 * const cache = new ResponseCache({maxEntries: 2000, ttlMs: 300_000})
 * const generation = cache.generation
 * const hit = cache.get('local', '/api/v1/templates/fastapi-service')
 * if (!hit) cache.put('local', url, JSON.stringify(detail), generation, '/api/v1/templates/{id}')
 * ```
 */
export class ResponseCache {
  readonly #entries = new Map<string, CachedResponse & {expires: number}>()
  readonly #maxEntries: number
  readonly #ttlMs: number
  #generation = 0
  #hits = 0
  #misses = 0
  readonly #onHit: ((tenant: string, hit: CachedResponse) => void) | undefined
  readonly #beforeLookup: ((context: RequestContext) => Promise<void>) | undefined

  constructor(
    opts: {
      maxEntries?: number
      ttlMs?: number
      /** Told of every hit: a read answered here never reaches the registry, which counts usage. */
      onHit?: (tenant: string, hit: CachedResponse) => void
      /** Run before every {@link lookup}: notices writes by other processes (see above). */
      beforeLookup?: (context: RequestContext) => Promise<void>
    } = {},
  ) {
    this.#beforeLookup = opts.beforeLookup
    this.#maxEntries = opts.maxEntries ?? 2000
    this.#ttlMs = opts.ttlMs ?? 300_000
    this.#onHit = opts.onHit
  }

  /**
   * Bumped by every {@link clear}. A request notes it before reading the registry and
   * passes it to {@link put}: an answer computed before an invalidation is never stored
   * after it.
   */
  get generation(): number {
    return this.#generation
  }

  /**
   * The cached answer for this caller and URL, after `beforeLookup` made sure no other
   * process wrote since (when it fails, the lookup misses rather than risk a stale answer).
   * Note {@link generation} before calling it, for the {@link put} of a miss.
   */
  async lookup(context: RequestContext, url: string): Promise<CachedResponse | undefined> {
    if (this.#beforeLookup) {
      try {
        await this.#beforeLookup(context)
      } catch {
        this.#misses++
        return undefined
      }
    }
    return this.get(context.tenant, url)
  }

  get(tenant: string, url: string): CachedResponse | undefined {
    const key = `${tenant}\0${url}`
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.expires < Date.now()) {
      if (entry) this.#entries.delete(key)
      this.#misses++
      return undefined
    }
    this.#hits++
    this.#onHit?.(tenant, entry)
    return entry
  }

  put(
    tenant: string,
    url: string,
    json: string,
    generation: number,
    route = '',
    contentType = 'application/json; charset=utf-8',
    about: Pick<CachedResponse, 'template' | 'immutable'> = {},
  ): CachedResponse {
    const body = Buffer.from(json)
    const entry = {
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      contentType,
      route,
      template: about.template,
      immutable: about.immutable,
    }
    if (generation !== this.#generation) return entry
    const key = `${tenant}\0${url}`
    this.#entries.delete(key)
    this.#entries.set(key, {...entry, expires: Date.now() + this.#ttlMs})
    if (this.#entries.size > this.#maxEntries)
      this.#entries.delete(this.#entries.keys().next().value as string)
    return entry
  }

  clear(): void {
    this.#generation++
    this.#entries.clear()
  }

  stats(): CacheStats {
    return {hits: this.#hits, misses: this.#misses, entries: this.#entries.size}
  }
}

/**
 * Wraps the registry's cache so that whatever invalidates it (a publish, a delete, a
 * reindex, a cache clear) also calls `onInvalidate`.
 *
 * @example
 * ```ts
 * const cache = notifyingCache(new MemoryCache(), () => responses.clear())
 * const registry = await openLocalRegistry({config, context, cache})
 * ```
 */
export function notifyingCache(inner: Cache, onInvalidate: () => void): Cache {
  return {
    backend: inner.backend,
    getOrLoad: (scope, key, load) => inner.getOrLoad(scope, key, load),
    async invalidate(namespace) {
      onInvalidate()
      await inner.invalidate(namespace)
      // Again once the registry's cache is clean: a read that raced the write cannot linger.
      onInvalidate()
    },
    async clear() {
      onInvalidate()
      await inner.clear()
      onInvalidate()
    },
    stats: () => inner.stats(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  }
}

/**
 * Cache-Control of a template read. An exact version may be kept for
 * {@link IMMUTABLE_MAX_AGE} without asking again; by shared caches (`public`) only when
 * the caller is anonymous and the template is in the public catalog, anything a
 * signed-in caller reads is `private` (a tenant's template may carry the name of a
 * public one). Everything else is revalidated with its ETag on every use (`no-cache`).
 */
export function cacheControlFor(
  caller: Pick<RequestContext, 'anonymous'> | undefined,
  hit: Pick<CachedResponse, 'immutable' | 'template'>,
): string {
  if (!hit.immutable) return 'no-cache'
  const shared = caller?.anonymous === true && hit.template?.namespace === 'public'
  return `${shared ? 'public' : 'private'}, max-age=${IMMUTABLE_MAX_AGE}, immutable`
}

/** Whether an `If-None-Match` header (a list of ETags, weak or strong, or `*`) names `etag`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => {
    const trimmed = tag.trim()
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag
  })
}

/**
 * Writes a cached answer: 304 when the client holds this ETag, else the stored bytes.
 *
 * @example
 * ```ts
 * const hit = cache.get(tenant, url)
 * if (hit) return sendCached(req, res, hit)
 * ```
 */
export function sendCached(
  req: IncomingMessage & {context?: RequestContext},
  res: ServerResponse,
  hit: CachedResponse,
): void {
  res.setHeader('ETag', hit.etag)
  res.setHeader('Cache-Control', cacheControlFor(req.context, hit))
  // Who asks decides what a name means (a tenant's own template comes first).
  res.setHeader('Vary', 'Authorization')
  if (matchesEtag(req.headers['if-none-match'], hit.etag)) {
    res.statusCode = 304
    res.end()
    return
  }
  res.statusCode = 200
  res.setHeader('Content-Type', hit.contentType)
  res.setHeader('Content-Length', hit.body.byteLength)
  res.end(hit.body)
}
