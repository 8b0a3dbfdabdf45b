/**
 * What the daemon runs on, built once: the registry (with its index, store, cache and
 * event bus), the publisher of usage and change events, the consumers of the request
 * and usage streams, the response cache, the accounts and the render workers. Each piece
 * is built by configuration and passed on typed; nothing is probed for afterwards.
 */
import type {Logger} from 'pino'

import {authService, openAuth} from '../auth/index.js'
import type {AuthService} from '../auth/service.js'
import type {ScryptParams} from '../auth/passwords.js'
import type {Cache} from '../cache/cache.js'
import {createCache} from '../cache/index.js'
import type {Config, Limits} from '../config.js'
import type {RequestContext} from '../domain/registry.js'
import type {EventBus} from '../events/bus.js'
import type {Delivered} from '../events/consumer.js'
import {createEventBus, defaultConsumerName, startEventConsumers} from '../events/index.js'
import type {EventConsumers} from '../events/index.js'
import {EventPublisher} from '../events/usage.js'
import type {RenderHost} from '../sandbox/host.js'
import {RenderPool} from '../sandbox/pool.js'
import {WorkflowRuntime} from '../workflows/runtime.js'
import type {GitStore} from '../store/index.js'
import {ResponseCache, notifyingCache} from './response-cache.js'
import type {DaemonRegistry} from './types.js'

/** Who the daemon itself is when it opens the store (catalog import, reconcile). */
export const DAEMON_CONTEXT: RequestContext = Object.freeze({
  tenant: 'local',
  user: 'maestro-daemon',
  role: 'admin',
})

export interface DaemonRuntime {
  readonly registry: DaemonRegistry
  /** The registry's git store; the scheduled git sync takes its namespaces' locks through it. */
  readonly store: GitStore | undefined
  /** The registry's read cache (Redis or in memory): /health pings it when there is no bus. */
  readonly cache: Cache | undefined
  /** The event bus (Redis Streams or in process) and the publisher of usage and change events. */
  readonly bus: EventBus | undefined
  readonly publisher: EventPublisher | undefined
  /** This daemon's consumers of the request and usage streams. */
  readonly consumers: EventConsumers | undefined
  /** Answers of template reads, cleared whenever the registry's cache is invalidated. */
  readonly responses: ResponseCache
  /** Users, tokens and tenants, on the registry's database (RBAC on). */
  readonly auth: AuthService | undefined
  /** Where templates are rendered and scored: worker threads with a time and heap limit. */
  readonly renderHost: RenderHost
  /** Workflows and their executions, with this daemon's consumer of queued executions (none for a registry made elsewhere). */
  readonly workflows: WorkflowRuntime | undefined
  /** Publisher, consumers, registry (its database holds the accounts) and workers, in that order. */
  close(): Promise<void>
}

export interface RuntimeOptions {
  config: Config
  logger: Logger
  limits: Limits
  /** The port the daemon serves, for the default consumer name. */
  port: number
  /** How often the daemon polls the registry's revision (ms; 0: never). */
  revisionPollMs: number
  /** Open the accounts (RBAC on and no `authenticate` given). */
  accounts: boolean
  scrypt?: ScryptParams | undefined
  renderHost?: RenderHost | undefined
  /** A registry made elsewhere (tests): served as it is, with no bus, consumers or accounts of its own. */
  registry?: DaemonRegistry | undefined
  onBeforeAck?: ((batch: readonly Delivered[]) => Promise<void> | void) | undefined
  /** What it is doing, for /health while the daemon starts (the catalog import: templates done of total). */
  onProgress?: ((progress: {phase: string; done: number; total: number}) => void) | undefined
}

/**
 * Builds the daemon's runtime from configuration. Whatever was opened is closed again
 * when a later step fails.
 *
 * @example
 * ```ts
 * const runtime = await openDaemonRuntime({config, logger, limits: DEFAULT_LIMITS, port: 8005, revisionPollMs: 1000, accounts: false})
 * await runtime.registry.search({text: 'api'})
 * await runtime.close()
 * ```
 */
export async function openDaemonRuntime(options: RuntimeOptions): Promise<DaemonRuntime> {
  const {config} = options
  // Templates are other people's code: the daemon renders and scores them in worker threads
  // with a time and heap limit, never on the event loop that serves requests.
  const renderHost =
    options.renderHost ??
    new RenderPool({
      workers: config.renderWorkers,
      timeoutMs: config.renderTimeoutMs,
      maxHeapMb: config.renderMaxHeapMb,
      maxQueue: config.renderQueue,
      maxWaitMs: config.renderQueueWaitMs,
      tenantWorkers: config.renderTenantWorkers,
      limits: {maxFiles: options.limits.renderFiles, maxBytes: options.limits.renderBytes},
    })
  const pollsRevision = options.revisionPollMs > 0
  try {
    if (options.registry) {
      const registry = options.registry
      // A registry made elsewhere has no database handle to share: the accounts open their own.
      const accounts = options.accounts
        ? await openAuth(config, {secretKey: config.secretKey, scrypt: options.scrypt})
        : undefined
      try {
        if (accounts) await daemonAccounts(accounts.auth, config, options.logger)
      } catch (err) {
        await accounts?.close()
        throw err
      }
      return {
        registry,
        store: undefined,
        cache: undefined,
        bus: undefined,
        publisher: undefined,
        consumers: undefined,
        responses: responseCache(registry, undefined, pollsRevision),
        auth: accounts?.auth,
        renderHost,
        workflows: undefined,
        async close() {
          await registry.close()
          await accounts?.close()
          await renderHost.close()
        },
      }
    }
    return await openLocalRuntime(options, renderHost, pollsRevision)
  } catch (err) {
    await renderHost.close()
    throw err
  }
}

async function openLocalRuntime(
  options: RuntimeOptions,
  renderHost: RenderHost,
  pollsRevision: boolean,
): Promise<DaemonRuntime> {
  const {config, logger} = options
  // Adapters chosen by configuration: REDIS_URL → Redis cache and Redis Streams, else in memory and in process.
  const cache = createCache(config, {logger})
  const bus = createEventBus(config, {logger})
  const publisher = new EventPublisher(bus)
  const {openLocalRegistry} = await import('../registry/local-registry.js')
  // The response cache asks the registry before each lookup; the registry's cache clears it on every invalidation.
  const responses: ResponseCache = responseCache(
    {refresh: (context) => registry.refresh(context)},
    publisher,
    pollsRevision,
  )
  const registry = await openLocalRegistry({
    config,
    context: DAEMON_CONTEXT,
    renderHost,
    cache: notifyingCache(cache, () => responses.clear()),
    bus,
    publisher,
    // This daemon runs the consumers itself (below), on either bus.
    consumeUsage: false,
    onImport: ({label, done, total}) => {
      options.onProgress?.({phase: label, done, total})
      if (done === total || done % 25 === 0) logger.info({done, total}, label)
    },
  }).catch(async (err: unknown) => {
    await Promise.allSettled([bus.close(), cache.close()])
    throw err
  })
  options.onProgress?.({phase: 'opening accounts', done: 0, total: 0})
  let auth: AuthService | undefined
  try {
    // Accounts live in the registry's database, on its handle and pool.
    if (options.accounts)
      auth = await daemonAccounts(
        authService(registry.shared.db, config, {secretKey: config.secretKey, scrypt: options.scrypt}),
        config,
        logger,
      )
  } catch (err) {
    await registry.close()
    throw err
  }
  // Executions queue on the bus; this daemon's consumer runs them with the render pool.
  const workflows = new WorkflowRuntime({
    db: registry.shared.db,
    registry,
    host: renderHost,
    config,
    bus,
    consumer: config.eventsConsumer ?? defaultConsumerName(options.port),
    logger,
  })
  workflows.start()
  const consumers = startEventConsumers({
    workflows,
    bus,
    registry,
    incrementUsage: (counts) => registry.addUsage(counts),
    consumer: config.eventsConsumer ?? defaultConsumerName(options.port),
    maxDeliveries: config.eventsMaxDeliveries,
    claimIdleMs: config.eventsClaimIdleMs,
    limits: options.limits,
    logger,
    ...(options.onBeforeAck ? {onBeforeAck: options.onBeforeAck} : {}),
  })
  return {
    registry,
    store: registry.shared.store,
    cache,
    bus,
    publisher,
    consumers,
    responses,
    auth,
    renderHost,
    workflows,
    async close() {
      // The message in hand finishes (effect, result, ack); what is queued waits for the
      // next daemon on Redis, or is processed now when the streams live in this process.
      await publisher.flush()
      await consumers.stop({drain: !bus.shared})
      await workflows.stop()
      await registry.close()
      await renderHost.close()
    },
  }
}

/**
 * The cache of template answers. Polling the registry's revision notices other
 * processes' writes; without it, a short TTL bounds how stale such a write can leave an answer.
 */
function responseCache(
  registry: Pick<DaemonRegistry, 'refresh'>,
  publisher: EventPublisher | undefined,
  pollsRevision: boolean,
): ResponseCache {
  return new ResponseCache({
    ttlMs: pollsRevision ? 300_000 : 2_000,
    // Before each lookup: writes by other processes (a CLI, another daemon) drop stale answers.
    beforeLookup: (context) => registry.refresh(context),
    // A read answered from here is still a use of the template.
    ...(publisher
      ? {
          onHit: (tenant, hit) => {
            if (hit.template) {
              publisher.usage({
                template_id: hit.template.id,
                namespace: hit.template.namespace,
                tenant_id: tenant,
                kind: 'get',
              })
            }
          },
        }
      : {}),
  })
}

/**
 * The daemon's accounts, with the first-start admin: MAESTRO_ADMIN_USERNAME (default
 * `admin`) with MAESTRO_ADMIN_PASSWORD, or a generated password written once to stderr
 * (never to the log; the next start finds a user and prints nothing).
 */
async function daemonAccounts(auth: AuthService, config: Config, logger: Logger): Promise<AuthService> {
  const created = await auth.bootstrap({username: config.adminUsername, password: config.adminPassword})
  if (created) {
    logger.warn(
      {username: created.username, tenant: 'public'},
      created.generatedPassword
        ? 'first start: created the platform admin with a generated password (shown once on stderr)'
        : 'first start: created the platform admin with MAESTRO_ADMIN_PASSWORD',
    )
    if (created.generatedPassword) {
      process.stderr.write(
        `\nmaestro-tpl: first start. Platform admin created:\n  username: ${created.username}\n  password: ${created.generatedPassword}\nThis password is shown once. Sign in with \`maestro-tpl login --remote <url> --username ${created.username}\`.\n\n`,
      )
    }
  }
  return auth
}
