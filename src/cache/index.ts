/**
 * The cache adapter chosen by configuration: REDIS_URL unset → in memory, set → Redis.
 */
import type {Logger} from 'pino'

import type {Config} from '../config.js'
import type {Cache} from './cache.js'
import {DEFAULT_CACHE_TTL_MS, MemoryCache} from './cache.js'
import {RedisCache} from './redis-cache.js'

export type {Cache, CacheStats} from './cache.js'
export {MemoryCache} from './cache.js'
export {RedisCache} from './redis-cache.js'

/**
 * @example
 * ```ts
 * const cache = createCache(loadConfig(), {logger})
 * ```
 */
export function createCache(
  config: Pick<Config, 'redisUrl'> & Partial<Pick<Config, 'redisKeyPrefix' | 'cacheTtlMs'>>,
  options: {logger?: Logger | undefined} = {},
): Cache {
  const ttlMs = config.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS
  if (!config.redisUrl) return new MemoryCache({ttlMs})
  return new RedisCache({url: config.redisUrl, prefix: config.redisKeyPrefix, ttlMs, logger: options.logger})
}
