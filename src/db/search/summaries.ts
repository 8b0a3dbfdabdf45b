/**
 * The template summaries of ranked search hits, shared by both backends: they rank
 * `seq`s, this turns a page of them into what a search returns.
 */
import type {Kysely} from 'kysely'

import type {SearchHit} from '../../domain/registry.js'
import {SUMMARY_COLUMNS, toSummary} from '../rows.js'
import type {Database} from '../schema.js'

/**
 * The rows of `namespaces` only. The seq ranges already scope a search by namespace;
 * checking the rows too means a search row that somehow disagreed with its template
 * could still not leak. (In JavaScript: in SQL the planner would scan the namespace
 * index instead of looking up a page.)
 */
export function visible<T extends {namespace: string}>(
  namespaces: readonly string[],
  rows: readonly T[],
): T[] {
  const allowed = new Set(namespaces)
  return rows.filter((row) => allowed.has(row.namespace))
}

/**
 * The templates of `hits`, in the order of `hits`, with their rank (higher is better).
 *
 * @example
 * ```ts
 * await summaries(db, ['acme', 'public'], [{seq: 4294967297, rank: 0.6}])
 * // [{name: 'fastapi-service', rank: 0.6, ...}]
 * ```
 */
export async function summaries(
  db: Kysely<Database>,
  namespaces: readonly string[],
  hits: readonly {seq: number | string; rank: number}[],
): Promise<SearchHit[]> {
  if (hits.length === 0) return []
  const rows = await db
    .selectFrom('templates')
    .select(['seq', ...SUMMARY_COLUMNS])
    .where(
      'seq',
      'in',
      hits.map((hit) => Number(hit.seq)),
    )
    .execute()
  const bySeq = new Map(visible(namespaces, rows).map((row) => [Number(row.seq), row]))
  return hits.flatMap((hit) => {
    const row = bySeq.get(Number(hit.seq))
    return row ? [{...toSummary(row), rank: hit.rank}] : []
  })
}
