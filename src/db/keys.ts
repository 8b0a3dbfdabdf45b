/**
 * How `templates.seq` is laid out: each namespace owns one contiguous range of values,
 * `[key × NAMESPACE_SPAN, (key + 1) × NAMESPACE_SPAN)`, where `key` is the namespace's
 * number (`namespaces.key`). The search index is keyed by `seq`, so restricting a
 * search to a namespace is a rowid range, which FTS5 answers by seeking, instead of a
 * filter term whose whole posting list bm25 would scan on every query.
 */
import type {Kysely} from 'kysely'

import type {Database} from './schema.js'

/** Templates a namespace can hold (2^32). */
export const NAMESPACE_SPAN = 2 ** 32

/** Namespaces the index can hold: keys stay below 2^21 so every seq is a safe integer. */
export const MAX_NAMESPACE_KEY = 2 ** 21 - 1

/**
 * The `seq` values of namespace `key`: from (inclusive) to (exclusive).
 *
 * @example
 * ```ts
 * seqRange(1) // {from: 4294967296, to: 8589934592}
 * ```
 */
export function seqRange(key: number): {from: number; to: number} {
  return {from: key * NAMESPACE_SPAN, to: (key + 1) * NAMESPACE_SPAN}
}

/**
 * The registered namespaces among `names` with their keys, in key order (a name the
 * index has never seen is absent). Both search backends turn them into seq ranges.
 *
 * @example
 * ```ts
 * await namespaceKeys(db, ['acme', 'public']) // [{name: 'public', key: 1}, {name: 'acme', key: 2}]
 * ```
 */
export async function namespaceKeys(
  db: Kysely<Database>,
  names: readonly string[],
): Promise<{name: string; key: number}[]> {
  if (names.length === 0) return []
  const rows = await db
    .selectFrom('namespaces')
    .select(['name', 'key'])
    .where('name', 'in', names)
    .orderBy('key')
    .execute()
  return rows.map((row) => ({name: row.name, key: Number(row.key)}))
}
