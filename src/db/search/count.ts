/**
 * How a search counts its matches: exactly up to a cap, then "at least that many".
 * Shared by both dialects (sqlite.ts, postgres.ts).
 */
import {sql} from 'kysely'
import type {Kysely, RawBuilder} from 'kysely'

import type {Database} from '../schema.js'
import type {BackendQuery} from './backend.js'

/** How many templates match. */
export interface Counted {
  /** Every match when `totalExact`; otherwise the query's `countUpTo`, a lower bound. */
  total: number
  totalExact: boolean
}

/**
 * How far a search counts its matches unless asked for the exact number. Counting
 * visits every match, which for a word most templates hold costs more than finding and
 * ranking the page; past this many, "10,000+" tells a person as much.
 */
export const EXACT_TOTAL_UP_TO = 10_000

/**
 * The total of a count that stopped after `countUpTo + 1` rows (see `countLimit`).
 *
 * @example
 * ```ts
 * countedTotal(10_001, 10_000) // {total: 10_000, totalExact: false}
 * countedTotal(42, 10_000)     // {total: 42, totalExact: true}
 * ```
 */
function countedTotal(counted: number, countUpTo: number | undefined): Counted {
  return countUpTo !== undefined && counted > countUpTo
    ? {total: countUpTo, totalExact: false}
    : {total: counted, totalExact: true}
}

/** Rows a count reads: one past `countUpTo`, to tell "exactly that many" from "more". */
function countLimit(countUpTo: number | undefined): number | undefined {
  return countUpTo === undefined ? undefined : countUpTo + 1
}

/**
 * Whether `offset` is past the last match: only a total that is exact can say so (a
 * page beyond a capped count may still hold matches).
 */
export function pastTheEnd(q: BackendQuery, counted: Counted): boolean {
  return q.limit === 0 || (counted.totalExact && q.offset >= counted.total)
}

/**
 * Rows of `from` where `where` holds, counted up to `countUpTo` (all when undefined):
 * the same statement on both dialects.
 *
 * @example
 * ```ts
 * await countRows(db, sql`templates AS t`, sql`t.namespace = ${'acme'}`, 10_000)
 * // {total: 42, totalExact: true}
 * ```
 */
export async function countRows(
  db: Kysely<Database>,
  from: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  countUpTo?: number,
): Promise<Counted> {
  const limit = countLimit(countUpTo)
  const statement =
    limit === undefined
      ? sql<{n: number | string}>`SELECT count(*) AS n FROM ${from} WHERE ${where}`
      : sql<{
          n: number | string
        }>`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${limit}) AS m`
  const {rows} = await statement.execute(db)
  return countedTotal(Number(rows[0]?.n ?? 0), countUpTo)
}
