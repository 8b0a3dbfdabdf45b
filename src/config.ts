import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {UsageError} from './domain/errors.js'
import {packageRoot} from './domain/package-root.js'

/**
 * Runtime configuration, from the environment (and a `.env` file in the working
 * directory, which never overrides variables already set).
 *
 * @example
 * ```ts
 * const config = loadConfig({MAESTRO_HOME: '/tmp/store'})
 * config.home // '/tmp/store'
 * ```
 */
export interface Config {
  readonly home: string
  readonly databaseUrl: string | undefined
  readonly redisUrl: string | undefined
  readonly templatesStoragePath: string
  readonly servicePort: number
  readonly secretKey: string | undefined
  readonly enableRbac: boolean
  readonly enableQualityGates: boolean
  readonly enablePerformanceMonitoring: boolean
  readonly minTemplateQualityScore: number
  readonly remote: string | undefined
  /** MAESTRO_SYNC_ALLOW_PRIVATE: git sync may reach private addresses (unset: the CLI may, the daemon may not). */
  readonly syncAllowPrivate: boolean | undefined
  /** MAESTRO_SYNC_ALLOWED_HOSTS: hosts, IPs or CIDR ranges git sync may reach whatever they resolve to. */
  readonly syncAllowedHosts: readonly string[]
}

/** The catalog shipped in the package, imported into an empty store. */
function bundledCatalog(): string {
  return join(packageRoot(), 'templates_storage')
}

let dotenvLoaded = false

function loadDotenv(): void {
  if (dotenvLoaded) return
  dotenvLoaded = true
  if (existsSync('.env')) process.loadEnvFile('.env')
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new UsageError(`${name} must be true or false, got ${JSON.stringify(raw)}`)
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return value
}

export function loadConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  if (Object.keys(overrides).length === 0) loadDotenv()
  const env = {...process.env, ...overrides}
  return Object.freeze({
    home: resolve(env.MAESTRO_HOME || join(homedir(), '.maestro')),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    templatesStoragePath: resolve(env.TEMPLATES_STORAGE_PATH || bundledCatalog()),
    servicePort: integer(env, 'SERVICE_PORT', 8005, 0, 65535),
    secretKey: env.SECRET_KEY || undefined,
    enableRbac: flag(env, 'ENABLE_RBAC', true),
    enableQualityGates: flag(env, 'ENABLE_QUALITY_GATES', true),
    enablePerformanceMonitoring: flag(env, 'ENABLE_PERFORMANCE_MONITORING', true),
    minTemplateQualityScore: integer(env, 'MIN_TEMPLATE_QUALITY_SCORE', 70, 0, 100),
    remote: env.MAESTRO_REMOTE || undefined,
    syncAllowPrivate: env.MAESTRO_SYNC_ALLOW_PRIVATE
      ? flag(env, 'MAESTRO_SYNC_ALLOW_PRIVATE', false)
      : undefined,
    syncAllowedHosts: (env.MAESTRO_SYNC_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  })
}
