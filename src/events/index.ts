/**
 * The event bus chosen by configuration (REDIS_URL unset → in process, set → Redis
 * Streams) and the consumers a process runs on it.
 */
import {hostname} from 'node:os'

import type {Logger} from 'pino'

import type {Config} from '../config.js'
import type {Limits} from '../config.js'
import type {EventBus, GroupStatus} from './bus.js'
import type {WorkflowExecutor} from './handler.js'
import {StreamConsumer} from './consumer.js'
import type {ConsumerStats, Delivered} from './consumer.js'
import {requestProcessor} from './handler.js'
import type {TenantRegistries} from './handler.js'
import {InProcessBus} from './in-process-bus.js'
import {RedisStreamsBus} from './redis-streams-bus.js'
import {malformedUsage, usageCounter} from './usage.js'

export type {EventBus, Fields, GroupStatus, StreamEntry, StreamNames} from './bus.js'
export {deadLetterStream, streamNames} from './bus.js'
export {StreamConsumer} from './consumer.js'
export type {ConsumerStats, Delivered} from './consumer.js'
export {executeRequest, requestProcessor} from './handler.js'
export type {WorkflowExecutor} from './handler.js'
export {InProcessBus} from './in-process-bus.js'
export {RedisStreamsBus} from './redis-streams-bus.js'
export {EventPublisher, malformedUsage, usageCounter} from './usage.js'
export * from './messages.js'

/** The consumer group every maestro-tpl daemon joins, on each stream. */
export const CONSUMER_GROUP = 'maestro'

/**
 * @example
 * ```ts
 * const bus = createEventBus(loadConfig(), {logger})
 * bus.kind // 'in-process' without REDIS_URL, 'redis' with it
 * ```
 */
export function createEventBus(
  config: Pick<Config, 'redisUrl'> & Partial<Pick<Config, 'redisKeyPrefix' | 'eventsStreamMaxLen'>>,
  options: {logger?: Logger | undefined} = {},
): EventBus {
  const prefix = config.redisKeyPrefix ?? 'maestro:'
  const maxLen = config.eventsStreamMaxLen ?? 100_000
  // In process, entries serve only this process and die with it: keep fewer.
  if (!config.redisUrl) return new InProcessBus({prefix, maxLen: Math.min(maxLen, 10_000)})
  return new RedisStreamsBus({url: config.redisUrl, prefix, maxLen, logger: options.logger})
}

/** The default consumer name: stable across restarts of the same daemon (host and port). */
export function defaultConsumerName(port: number | string): string {
  return `${hostname()}:${port}`
}

export interface EventConsumersOptions {
  bus: EventBus
  /** Consume `...:requests` with this registry (the daemon). */
  registry?: TenantRegistries
  /** Consume `...:usage` into usage counts with this. */
  incrementUsage?: (counts: ReadonlyMap<string, number>) => Promise<void>
  consumer: string
  maxDeliveries?: number
  claimIdleMs?: number
  limits?: Limits
  logger?: Logger | undefined
  /** Runs the `execute` requests (the daemon's workflow runtime). */
  workflows?: WorkflowExecutor
  /** Test hook of the requests consumer, see {@link StreamConsumer}. */
  onBeforeAck?: (batch: readonly Delivered[]) => Promise<void> | void
}

export interface EventConsumers {
  /** What this process's consumers did, per stream (null: not consumed here). */
  stats(): Record<'requests' | 'usage', ConsumerStats | null>
  /** Where the group stands on each consumed stream (shared by every daemon): lag, pending, dead letters. */
  status(): Promise<Record<'requests' | 'usage', GroupStatus | null>>
  /** Lets the message in hand finish; `drain` also processes what is already queued. */
  stop(opts?: {drain?: boolean}): Promise<void>
}

/**
 * Starts the consumers of the requests and/or usage streams.
 *
 * @example
 * ```ts
 * const consumers = startEventConsumers({bus, registry, incrementUsage: (c) => registry.addUsage(c), consumer: 'host:8005'})
 * process.once('SIGTERM', () => consumers.stop())
 * ```
 */
export function startEventConsumers(options: EventConsumersOptions): EventConsumers {
  const {bus} = options
  const common = {
    bus,
    group: CONSUMER_GROUP,
    consumer: options.consumer,
    maxDeliveries: options.maxDeliveries ?? 5,
    claimIdleMs: options.claimIdleMs ?? 60_000,
    logger: options.logger,
  }
  const requests = options.registry
    ? new StreamConsumer({
        ...common,
        stream: bus.streams.requests,
        ...requestProcessor({
          registry: options.registry,
          bus,
          group: CONSUMER_GROUP,
          consumer: options.consumer,
          logger: options.logger,
          ...(options.limits ? {limits: options.limits} : {}),
          ...(options.workflows ? {workflows: options.workflows} : {}),
        }),
        ...(options.onBeforeAck ? {onBeforeAck: options.onBeforeAck} : {}),
      })
    : undefined
  const usage = options.incrementUsage
    ? new StreamConsumer({
        ...common,
        stream: bus.streams.usage,
        count: 500,
        malformed: malformedUsage,
        handle: usageCounter(options.incrementUsage),
      })
    : undefined
  requests?.start()
  usage?.start()
  const status = (consumer: StreamConsumer | undefined, stream: string) =>
    consumer ? bus.groupStatus(stream, CONSUMER_GROUP) : Promise.resolve(null)
  return {
    stats: () => ({requests: requests?.stats ?? null, usage: usage?.stats ?? null}),
    async status() {
      const [req, use] = await Promise.all([
        status(requests, bus.streams.requests),
        status(usage, bus.streams.usage),
      ])
      return {requests: req, usage: use}
    },
    async stop(opts) {
      await Promise.all([requests?.stop(opts), usage?.stop(opts)])
    },
  }
}
