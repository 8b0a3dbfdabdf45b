/**
 * PostgreSQL pool settings, apart from database.ts so configuration can name them
 * without loading kysely.
 */

/** How the PostgreSQL pool behaves (environment: see `loadConfig`). */
export interface PoolConfig {
  /** Connections at most (`DATABASE_POOL_MAX`). */
  readonly max?: number
  /** An idle connection is closed after this long (`DATABASE_POOL_IDLE_TIMEOUT_MS`). */
  readonly idleTimeoutMs?: number
  /** Waiting for a connection fails after this long (`DATABASE_POOL_CONNECTION_TIMEOUT_MS`). */
  readonly connectionTimeoutMs?: number
  /** The server cancels a statement running longer (`DATABASE_STATEMENT_TIMEOUT_MS`); 0: never. */
  readonly statementTimeoutMs?: number
}

/** Pool settings when none are given: enough for one daemon, bounded waits. */
export const DEFAULT_POOL: Required<PoolConfig> = Object.freeze({
  max: 10,
  idleTimeoutMs: 30_000,
  connectionTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
})
