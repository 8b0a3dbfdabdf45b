import {sql} from 'kysely'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Kysely} from 'kysely'

import {createDb} from '../../../src/db/database.js'
import {runTransaction} from '../../../src/db/retry.js'
import {createTestDatabase, unavailable} from './helpers.js'
import type {TestDatabase} from './helpers.js'

interface Probe {
  probe: {id: number; kind: string; n: number}
}

/** A promise with its resolve function, to make two transactions meet. */
function gate(): {open: () => void; opened: Promise<void>} {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return {open, opened}
}

const codeOf = (error: unknown) => (error as {code?: string}).code

describe.skipIf(unavailable('postgres'))('runTransaction on PostgreSQL', () => {
  let database: TestDatabase
  let db: Kysely<Probe>

  beforeEach(async () => {
    database = await createTestDatabase('postgres')
    db = createDb({url: database.url}) as unknown as Kysely<Probe>
    await sql`CREATE TABLE probe (id integer PRIMARY KEY, kind text NOT NULL, n integer NOT NULL)`.execute(db)
    await sql`INSERT INTO probe VALUES (1, 'a', 0), (2, 'b', 0)`.execute(db)
  })
  afterEach(async () => {
    await db.destroy()
    await database.drop()
  })

  const bump = (trx: Kysely<Probe>, id: number) =>
    trx
      .updateTable('probe')
      .set((eb) => ({n: eb('n', '+', 1)}))
      .where('id', '=', id)
      .execute()

  it('runs a transaction again after a real deadlock, and both succeed', async () => {
    const retried: unknown[] = []
    const firstLocked = [gate(), gate()]
    const crossing = (mine: number, theirs: number, index: number) => {
      let attempt = 0
      return runTransaction(
        db,
        async (trx) => {
          attempt += 1
          await bump(trx, mine)
          if (attempt === 1) {
            // Each holds its own row and then wants the other's: PostgreSQL detects the
            // deadlock (after deadlock_timeout) and aborts one of them.
            firstLocked[index]!.open()
            await firstLocked[1 - index]!.opened
          }
          await bump(trx, theirs)
          return attempt
        },
        {onRetry: (error) => retried.push(error)},
      )
    }
    const attempts = await Promise.all([crossing(1, 2, 0), crossing(2, 1, 1)])
    expect(retried.map(codeOf)).toEqual(['40P01'])
    expect(attempts.sort()).toEqual([1, 2])
    const rows = await db.selectFrom('probe').select(['id', 'n']).orderBy('id').execute()
    expect(rows).toEqual([
      {id: 1, n: 2},
      {id: 2, n: 2},
    ])
  }, 20_000)

  it('runs a transaction again after a real serialization failure (write skew)', async () => {
    const retried: unknown[] = []
    const bothRead = [gate(), gate()]
    // Each inserts a row only if it saw none of the other kind: serially one of them
    // sees the other's row; concurrently both would insert, unless SERIALIZABLE stops one.
    const insertIfAlone = (kind: string, other: string, id: number, index: number) => {
      let attempt = 0
      return runTransaction(
        db,
        async (trx) => {
          attempt += 1
          const seen = await trx
            .selectFrom('probe')
            .select('id')
            .where('kind', '=', other)
            .where('id', '>', 2)
            .execute()
          if (attempt === 1) {
            bothRead[index]!.open()
            await bothRead[1 - index]!.opened
          }
          if (seen.length === 0) await trx.insertInto('probe').values({id, kind, n: 0}).execute()
          return seen.length
        },
        {onRetry: (error) => retried.push(error)},
      )
    }
    const seen = await Promise.all([insertIfAlone('x', 'y', 3, 0), insertIfAlone('y', 'x', 4, 1)])
    expect(retried.map(codeOf)).toEqual(['40001'])
    // The retried one saw the other's row and did not insert.
    expect(seen.sort()).toEqual([0, 1])
    expect(await db.selectFrom('probe').select('id').where('id', '>', 2).execute()).toHaveLength(1)
  }, 20_000)

  it('runs a transaction again on a fresh connection when the server drops its connection', async () => {
    const retried: unknown[] = []
    let attempt = 0
    await runTransaction(
      db,
      async (trx) => {
        attempt += 1
        await bump(trx, 1)
        if (attempt === 1) await sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(trx)
      },
      {onRetry: (error) => retried.push(error)},
    )
    expect(attempt).toBe(2)
    expect(retried).toHaveLength(1)
    expect((await db.selectFrom('probe').select('n').where('id', '=', 1).executeTakeFirstOrThrow()).n).toBe(1)
  }, 20_000)

  it('does not retry an error that is not transient, and rolls it back', async () => {
    let attempts = 0
    const error = await runTransaction(db, async (trx) => {
      attempts += 1
      await bump(trx, 1)
      await trx.insertInto('probe').values({id: 2, kind: 'dup', n: 0}).execute()
    }).catch((e: unknown) => e)
    expect(codeOf(error)).toBe('23505')
    expect(attempts).toBe(1)
    expect((await db.selectFrom('probe').select('n').where('id', '=', 1).executeTakeFirstOrThrow()).n).toBe(0)
  })

  it('gives up after the given number of attempts with the last error', async () => {
    let attempts = 0
    const error = await runTransaction(
      db,
      async () => {
        attempts += 1
        throw Object.assign(new Error('could not serialize access'), {code: '40001'})
      },
      {attempts: 3, baseDelayMs: 1},
    ).catch((e: unknown) => e)
    expect(codeOf(error)).toBe('40001')
    expect(attempts).toBe(3)
  })
})
