/**
 * Prometheus metrics of the daemon (prom-client), on a registry of its own so several
 * apps in one process (tests) never share counters.
 */
import {Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics} from 'prom-client'

import type {CacheStats} from '../cache/cache.js'
import {writePhaseFigures} from '../registry/write-phases.js'
import type {PhaseFigures} from '../registry/write-phases.js'
import type {GitSyncStatus} from '../sync/sync-status.js'

/** What a request contributes to its labels: the method and the route template that matched. */
export interface RequestLabels {
  method?: string | undefined
  routePath?: string | undefined
}

/** Where git sync stands; one state of the set is 1 at a time. */
export type GitSyncState = 'not_configured' | 'idle' | 'running' | 'ok' | 'failed'
const SYNC_STATES: GitSyncState[] = ['not_configured', 'idle', 'running', 'ok', 'failed']

/** Reads the figures that are computed at scrape time rather than counted. */
export interface MetricSources {
  templatesByCategory(): Promise<Record<string, number>>
  cacheStats(): Promise<Record<string, CacheStats>>
  /** Recorded git sync status of every namespace that was ever synced. */
  gitSyncStatuses?(): Promise<GitSyncStatus[]>
  /** The event consumers of this process, when it runs any, and their streams' figures. */
  eventStats?(): Promise<{
    consumers: Record<string, ConsumerCounts | null>
    publisher?: {published: number; buffered: number; dropped: number}
  }>
}

interface ConsumerCounts {
  processed: number
  failed: number
  /** Read from the stream (every daemon's), null when the bus did not answer. */
  dead_lettered: number | null
  pending: number | null
  lag: number | null
}

/**
 * Request rate, latency and errors by route, plus registry gauges read at scrape time.
 *
 * @example
 * ```ts
 * const metrics = new Metrics()
 * metrics.observe(req, 0.012, 200)
 * res.type(metrics.contentType).send(await metrics.render(sources))
 * ```
 */
export class Metrics {
  readonly registry = new PromRegistry()
  readonly #requests: Counter<'method' | 'route' | 'status'>
  readonly #duration: Histogram<'method' | 'route' | 'status'>
  readonly #errors: Counter<'method' | 'route' | 'code'>
  readonly #sync: Gauge<'state'>
  readonly #syncs: Counter<'result'>
  #sources: MetricSources | undefined

  constructor(opts: {defaultMetrics?: boolean} = {}) {
    const registers = [this.registry]
    if (opts.defaultMetrics !== false) collectDefaultMetrics({register: this.registry})
    this.#requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route template, method and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    })
    this.#duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to the end of the response, by route template, method and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.#errors = new Counter({
      name: 'http_errors_total',
      help: 'Problem responses, by route template, method and problem code',
      labelNames: ['method', 'route', 'code'],
      registers,
    })
    // collect() runs with the gauge as `this`; the sources are read through this closure.
    const sources = () => this.#sources
    new Gauge({
      name: 'maestro_templates',
      help: 'Templates in the registry, by category',
      labelNames: ['category'],
      registers,
      async collect() {
        const counts =
          (await sources()
            ?.templatesByCategory()
            .catch(() => undefined)) ?? {}
        this.reset()
        for (const [category, count] of Object.entries(counts)) this.set({category}, count)
      },
    })
    /**
     * A counter or gauge whose values are read from their source when scraped (the source
     * keeps the running totals; a label set `read` leaves out is not reported).
     */
    const scraped = (
      Kind: typeof Counter | typeof Gauge,
      name: string,
      help: string,
      labelNames: string[],
      read: () => Promise<[Record<string, string>, number][]> | [Record<string, string>, number][],
    ) =>
      new Kind({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const values = await read()
          this.reset()
          for (const [labels, value] of values) {
            if (this instanceof Counter) this.inc(labels, value)
            else this.set(labels, value)
          }
        },
      })
    const cacheStats = async () =>
      (await sources()
        ?.cacheStats()
        .catch(() => undefined)) ?? {}
    scraped(
      Gauge,
      'maestro_cache_hit_ratio',
      'Hits / (hits + misses) since start, by cache (registry: the template cache; response: serialized answers)',
      ['cache'],
      async () =>
        Object.entries(await cacheStats()).map(([cache, s]) => {
          const total = s.hits + s.misses
          return [{cache}, total === 0 ? 0 : s.hits / total]
        }),
    )
    // Hit and miss counts, read from the caches at scrape time (the ratio above is derived from them).
    const cacheCounter = (name: string, help: string, pick: (s: CacheStats) => number | undefined) =>
      scraped(Counter, name, help, ['cache'], async () =>
        Object.entries(await cacheStats()).flatMap(([cache, s]): [Record<string, string>, number][] => {
          const value = pick(s)
          return value === undefined ? [] : [[{cache}, value]]
        }),
      )
    cacheCounter('maestro_cache_hits_total', 'Cache hits since start, by cache', (s) => s.hits)
    cacheCounter('maestro_cache_misses_total', 'Cache misses since start, by cache', (s) => s.misses)
    cacheCounter(
      'maestro_cache_errors_total',
      'Cache operations that failed (Redis down) and fell back to the database',
      (s) => s.errors,
    )
    // One read of the streams per scrape, shared by the event metrics below.
    type EventFigures = Awaited<ReturnType<NonNullable<MetricSources['eventStats']>>>
    let eventsRead: {at: number; value: Promise<EventFigures>} | undefined
    const eventFigures = () => {
      if (!eventsRead || Date.now() - eventsRead.at > 500) {
        const value = (sources()?.eventStats?.() ?? Promise.resolve({consumers: {}})).catch(() => ({
          consumers: {},
        }))
        eventsRead = {at: Date.now(), value}
      }
      return eventsRead.value
    }
    const eventConsumers = async () => (await eventFigures()).consumers
    const eventMetric = (
      Kind: typeof Counter | typeof Gauge,
      name: string,
      help: string,
      pick: (c: ConsumerCounts) => number | null,
    ) =>
      scraped(Kind, name, help, ['stream'], async () =>
        Object.entries(await eventConsumers()).flatMap(
          ([stream, counts]): [Record<string, string>, number][] => {
            const value = counts ? pick(counts) : null
            return value === null ? [] : [[{stream}, value]]
          },
        ),
      )
    const eventCounter = (name: string, help: string, pick: (c: ConsumerCounts) => number | null) =>
      eventMetric(Counter, name, help, pick)
    eventCounter(
      'maestro_events_processed_total',
      'Stream entries processed and acknowledged by this daemon, by stream',
      (c) => c.processed,
    )
    eventCounter(
      'maestro_events_failed_total',
      'Handler failures (entries left pending for a retry), by stream',
      (c) => c.failed,
    )
    eventCounter(
      'maestro_events_dead_lettered_total',
      'Entries ever written to the dead-letter stream <stream>:dead, by any daemon (read from the stream), by stream',
      (c) => c.dead_lettered,
    )
    eventMetric(
      Gauge,
      'maestro_events_consumer_lag',
      'Entries of the stream not yet delivered to the consumer group (XINFO GROUPS lag), by stream',
      (c) => c.lag,
    )
    const publisherMetric = (
      Kind: typeof Counter | typeof Gauge,
      name: string,
      help: string,
      pick: (p: NonNullable<EventFigures['publisher']>) => number,
    ) =>
      scraped(Kind, name, help, [], async () => {
        const publisher = (await eventFigures()).publisher
        return publisher ? [[{}, pick(publisher)]] : []
      })
    publisherMetric(
      Counter,
      'maestro_events_published_total',
      'Usage and change events this daemon appended to the bus',
      (p) => p.published,
    )
    publisherMetric(
      Gauge,
      'maestro_events_buffered',
      'Usage and change events waiting in this daemon for the bus (Redis down or stalled)',
      (p) => p.buffered,
    )
    publisherMetric(
      Counter,
      'maestro_events_dropped_total',
      'Usage and change events this daemon dropped because its buffer was full while the bus was away',
      (p) => p.dropped,
    )
    eventMetric(
      Gauge,
      'maestro_events_pending',
      'Entries delivered to the consumer group and not acknowledged yet, by stream',
      (c) => c.pending,
    )
    // Where writes spend their time (src/registry/write-phases.ts), read at scrape time.
    const phaseMetric = (
      Kind: typeof Counter | typeof Gauge,
      name: string,
      help: string,
      pick: (f: PhaseFigures) => number,
    ) =>
      scraped(Kind, name, help, ['phase'], () =>
        Object.entries(writePhaseFigures().phases).map(([phase, figures]) => [{phase}, pick(figures)]),
      )
    phaseMetric(
      Counter,
      'maestro_write_phase_seconds_total',
      'Seconds writes spent in each phase since start (score, objects, queue, lock, connection, reconcile, decide, commit, index, hold, ack)',
      (f) => f.sum,
    )
    phaseMetric(
      Counter,
      'maestro_write_phase_count_total',
      'Times each write phase ran since start',
      (f) => f.count,
    )
    phaseMetric(
      Gauge,
      'maestro_write_phase_max_seconds',
      'Longest time of each write phase since start',
      (f) => f.max,
    )
    const batchMetric = (
      Kind: typeof Counter | typeof Gauge,
      name: string,
      help: string,
      pick: (b: ReturnType<typeof writePhaseFigures>['batches']) => number,
    ) => scraped(Kind, name, help, [], () => [[{}, pick(writePhaseFigures().batches)]])
    batchMetric(
      Counter,
      'maestro_write_batches_total',
      'Lock holds that ran writes (group commit batches)',
      (b) => b.count,
    )
    batchMetric(
      Counter,
      'maestro_write_batch_writes_total',
      'Writes run in group commit batches',
      (b) => b.writes,
    )
    batchMetric(
      Gauge,
      'maestro_write_batch_largest',
      'Most writes one batch ran since start',
      (b) => b.largest,
    )
    this.#sync = new Gauge({
      name: 'maestro_git_sync_status',
      help: 'Git sync state: the current state is 1, the others 0',
      labelNames: ['state'],
      registers,
    })
    this.setGitSyncState('not_configured')
    this.#syncs = new Counter({
      name: 'maestro_git_sync_total',
      help: 'Git syncs run by this daemon (POST /api/v1/admin/git/sync), by result (ok, failed)',
      labelNames: ['result'],
      registers,
    })
    const syncGauge = (name: string, help: string, field: 'last_success' | 'last_attempt') =>
      new Gauge({
        name,
        help,
        labelNames: ['namespace'],
        registers,
        async collect() {
          const statuses =
            (await sources()
              ?.gitSyncStatuses?.()
              .catch(() => undefined)) ?? []
          this.reset()
          for (const status of statuses) {
            const at = status[field]
            if (at) this.set({namespace: status.namespace}, Date.parse(at) / 1000)
          }
        },
      })
    syncGauge(
      'maestro_git_sync_last_success_timestamp_seconds',
      'When the last successful git sync of each namespace ended (Unix time)',
      'last_success',
    )
    syncGauge(
      'maestro_git_sync_last_attempt_timestamp_seconds',
      'When the last git sync of each namespace started, successful or not (Unix time)',
      'last_attempt',
    )
  }

  /** Counts one finished git sync and moves the state gauge to its result. */
  countGitSync(result: 'ok' | 'failed'): void {
    this.#syncs.inc({result})
    this.setGitSyncState(result)
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** Where the scrape-time gauges read from (the daemon's registry). */
  setSources(sources: MetricSources): void {
    this.#sources = sources
  }

  setGitSyncState(state: GitSyncState): void {
    for (const s of SYNC_STATES) this.#sync.set({state: s}, s === state ? 1 : 0)
  }

  /** Records one finished request; `route` is the route template, never the raw path. */
  observe(req: RequestLabels, seconds: number, status: number): void {
    const labels = {method: req.method ?? 'GET', route: routeLabel(req), status: String(status)}
    this.#requests.inc(labels)
    this.#duration.observe(labels, seconds)
  }

  countError(req: RequestLabels, code: string): void {
    this.#errors.inc({method: req.method ?? 'GET', route: routeLabel(req), code})
  }

  render(): Promise<string> {
    return this.registry.metrics()
  }
}

/** Unmatched paths share one label: a scanner must not create a series per URL it tries. */
function routeLabel(req: RequestLabels): string {
  return req.routePath ?? '(unmatched)'
}
