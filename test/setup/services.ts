/**
 * vitest global setup: says which suites need PostgreSQL and Redis and whether they
 * run. Without MAESTRO_TEST_POSTGRES_URL / MAESTRO_TEST_REDIS_URL those suites are
 * skipped (and this says so); with them, a server that cannot be reached fails the
 * run at once instead of skipping silently (`.ci/run` sets both).
 */
import pg from 'pg'
import {createClient} from 'redis'

export default async function setup(): Promise<void> {
  const postgres = process.env.MAESTRO_TEST_POSTGRES_URL
  const redis = process.env.MAESTRO_TEST_REDIS_URL
  if (postgres) {
    const client = new pg.Client({connectionString: postgres, connectionTimeoutMillis: 5000})
    try {
      await client.connect()
      await client.query('SELECT 1')
    } catch (err) {
      throw new Error(
        `MAESTRO_TEST_POSTGRES_URL is set but PostgreSQL cannot be reached: ${(err as Error).message}`,
        {cause: err},
      )
    } finally {
      await client.end().catch(() => undefined)
    }
    console.log(`PostgreSQL suites: running against ${redact(postgres)}`)
  } else {
    console.warn('PostgreSQL suites: SKIPPED (set MAESTRO_TEST_POSTGRES_URL=postgres://... to run them)')
  }
  if (redis) {
    const client = createClient({url: redis, socket: {connectTimeout: 5000, reconnectStrategy: false}})
    try {
      await client.connect()
      await client.ping()
    } catch (err) {
      throw new Error(
        `MAESTRO_TEST_REDIS_URL is set but Redis cannot be reached: ${(err as Error).message}`,
        {cause: err},
      )
    } finally {
      await client.quit().catch(() => undefined)
    }
    console.log(`Redis suites: running against ${redact(redis)}`)
  } else {
    console.warn('Redis suites: SKIPPED (set MAESTRO_TEST_REDIS_URL=redis://... to run them)')
  }
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}
